"""FreshBooks time: US/Eastern wall-clock strings, UTC exceptions, ISO ``Z`` values.

The accounting API writes most timestamps as ``"YYYY-MM-DD HH:MM:SS"`` in US/Eastern wall-clock
time (``America/New_York``, DST included), a few fields (client ``signup_date``) in UTC, and the
identity API writes ISO 8601 with ``Z``. Everything is exposed as an *aware UTC* ``datetime``.

Deliberate DST choices (documented in the README and tested):

* **Repeated hour** (the fall-back night, e.g. ``2024-11-03 01:30:00`` happens twice): the string
  cannot say which one it was, so it is read as the **first** occurrence (EDT, ``fold=0``), the
  earlier instant. Reading the earlier instant is the safe side for a watermark: an item is never
  placed *after* a watermark it really precedes. The poller adds a one-hour overlap around that
  hour so items written in the second occurrence are still delivered.
* **Skipped hour** (the spring-forward night, ``02:00``-``03:00`` does not exist): such a string can
  only come from a clock that did not jump; it is read with the offset in force *before* the jump
  (EST), so ``2024-03-10 02:30:00`` is ``07:30Z`` (the same instant as ``03:30`` EDT).

Writing goes the other way: an aware datetime is converted to Eastern and formatted without an
offset, as FreshBooks does; an instant in the second occurrence of the repeated hour formats to
the same string as the first (FreshBooks' format has no way to say otherwise).

>>> parse_accounting_datetime("2021-04-16 10:31:19")
datetime.datetime(2021, 4, 16, 14, 31, 19, tzinfo=datetime.timezone.utc)
>>> format_accounting_datetime(parse_accounting_datetime("2021-04-16 10:31:19"))
'2021-04-16 10:31:19'
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

__all__ = [
    "EASTERN",
    "UTC",
    "AmbiguousTime",
    "eastern_date",
    "ensure_aware",
    "format_accounting_datetime",
    "format_iso_z",
    "format_utc_sql",
    "in_supported_range",
    "is_ambiguous_eastern",
    "parse_accounting_datetime",
    "parse_any_datetime",
    "parse_iso_datetime",
    "parse_utc_sql_datetime",
]

EASTERN = ZoneInfo("America/New_York")
UTC = timezone.utc

_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]")
_SQL_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$")


class AmbiguousTime(ValueError):
    """Raised only by helpers asked to refuse ambiguous wall-clock times."""


def _parse_sql(value: str) -> datetime:
    m = _SQL_RE.fullmatch(value)
    if m is None:
        raise ValueError(f"invalid FreshBooks timestamp {value!r}: expected 'YYYY-MM-DD HH:MM:SS'")
    y, mo, d, h, mi, s, frac = m.groups()
    micro = int((frac or "0").ljust(6, "0"))
    try:
        return datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro)
    except ValueError as exc:
        raise ValueError(f"invalid FreshBooks timestamp {value!r}: {exc}") from None


def parse_accounting_datetime(value: str) -> datetime:
    """Parse an accounting ``YYYY-MM-DD HH:MM:SS`` US/Eastern string into an aware UTC datetime.

    >>> parse_accounting_datetime("2024-11-03 01:30:00")  # repeated hour: first occurrence (EDT)
    datetime.datetime(2024, 11, 3, 5, 30, tzinfo=datetime.timezone.utc)
    >>> parse_accounting_datetime("2024-03-10 02:30:00")  # skipped hour: the offset before (EST)
    datetime.datetime(2024, 3, 10, 7, 30, tzinfo=datetime.timezone.utc)
    """
    # Fast path for the layout FreshBooks writes, years 1970-2199: the C ISO parser, then the
    # UTC offset of that Eastern wall-clock hour from a small table (America/New_York has only
    # ever changed offset on the hour). Anything else takes the full parser below, which also
    # writes every error message. Both give the same instant for every hour (tested).
    if (
        len(value) == 19
        and value[10] == " "
        and value[13] == ":"
        and value[16] == ":"
        and "1970" <= value[:4] <= "2199"
    ):
        try:
            # Read as UTC wall clock ("+00:00" is cheaper than a replace(tzinfo=) afterwards),
            # then moved by the hour's offset: an aware UTC datetime.
            wall = _fromisoformat(value + "+00:00")
        except ValueError:
            return _parse_accounting_full(value)
        offset = _HOUR_OFFSETS.get(value[:13])
        if offset is None:
            offset = _hour_offset(wall, value[:13])
        return wall - offset
    return _parse_accounting_full(value)


_fromisoformat = datetime.fromisoformat
# "YYYY-MM-DD HH" -> UTC offset of that Eastern wall-clock hour, read with fold=0 (so the
# repeated hour is EDT and the skipped hour EST, as the full parser reads them). Bounded: a body
# full of distinct hours cannot grow it without limit.
_HOUR_OFFSETS: dict[str, timedelta] = {}
_HOUR_OFFSETS_MAX = 50_000


def _hour_offset(wall: datetime, key: str) -> timedelta:
    hour = wall.replace(minute=0, second=0, microsecond=0, tzinfo=EASTERN, fold=0)
    offset = hour.utcoffset()
    assert offset is not None  # a ZoneInfo always answers
    if len(_HOUR_OFFSETS) >= _HOUR_OFFSETS_MAX:
        _HOUR_OFFSETS.clear()
    _HOUR_OFFSETS[key] = offset
    return offset


def _parse_accounting_full(value: str) -> datetime:
    """The reference Eastern parser: regular expression, ``zoneinfo`` conversion, full errors."""
    naive = _parse_sql(value)
    try:
        return naive.replace(tzinfo=EASTERN, fold=0).astimezone(UTC)
    except OverflowError:  # "9999-12-31 23:59:59" Eastern is past the last datetime in UTC
        raise ValueError(f"FreshBooks timestamp {value!r} is out of range") from None


def parse_utc_sql_datetime(value: str) -> datetime:
    """Parse a ``YYYY-MM-DD HH:MM:SS`` string that FreshBooks writes in UTC (client ``signup_date``).

    >>> parse_utc_sql_datetime("2020-11-17 02:27:03")
    datetime.datetime(2020, 11, 17, 2, 27, 3, tzinfo=datetime.timezone.utc)
    """
    if len(value) == 19 and value[10] == " " and value[13] == ":" and value[16] == ":":
        try:
            return _fromisoformat(value + "+00:00")
        except ValueError:
            pass  # the regular expression below explains what is wrong
    return _parse_sql(value).replace(tzinfo=UTC)


def parse_iso_datetime(value: str) -> datetime:
    """Parse an ISO 8601 value (``2017-05-23T05:57:24Z``); a value without offset is UTC."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"invalid ISO 8601 timestamp {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # "0001-01-01T00:00:00+14:00" is before the first datetime in UTC
        raise ValueError(f"ISO 8601 timestamp {value!r} is out of range") from None


def parse_any_datetime(value: str, *, utc_sql: bool = False) -> datetime:
    """Parse either family: ``YYYY-MM-DDT...`` is ISO (UTC unless an offset says otherwise);
    otherwise an accounting SQL-style value, Eastern unless ``utc_sql`` is true.

    >>> parse_any_datetime("2021-04-16 10:31:19")
    datetime.datetime(2021, 4, 16, 14, 31, 19, tzinfo=datetime.timezone.utc)
    >>> parse_any_datetime("2017-05-23T05:57:24Z")
    datetime.datetime(2017, 5, 23, 5, 57, 24, tzinfo=datetime.timezone.utc)
    """
    # The Eastern fast path of parse_accounting_datetime, inlined: this runs for every
    # timestamp of every page, and a Python call costs as much as the parse itself.
    if (
        not utc_sql
        and len(value) == 19
        and value[10] == " "
        and value[13] == ":"
        and value[16] == ":"
        and "1970" <= value[:4] <= "2199"
    ):
        try:
            wall = _fromisoformat(value + "+00:00")
        except ValueError:
            return _parse_accounting_full(value)
        offset = _HOUR_OFFSETS.get(value[:13])
        if offset is None:
            offset = _hour_offset(wall, value[:13])
        return wall - offset
    if len(value) > 10 and value[10] in "Tt" and _ISO_RE.match(value):
        return parse_iso_datetime(value)
    return parse_utc_sql_datetime(value) if utc_sql else parse_accounting_datetime(value)


def ensure_aware(value: datetime, *, name: str = "datetime") -> datetime:
    """Return ``value`` converted to UTC, refusing a naive datetime with a message naming ``name``."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(
            f"{name} must be a timezone-aware datetime (got naive {value.isoformat()}); "
            "use datetime.now(timezone.utc) or attach a tzinfo"
        )
    return value.astimezone(UTC)


def format_accounting_datetime(value: datetime) -> str:
    """Format an aware instant as FreshBooks' Eastern wall-clock ``YYYY-MM-DD HH:MM:SS``."""
    return ensure_aware(value).astimezone(EASTERN).strftime("%Y-%m-%d %H:%M:%S")


def format_utc_sql(value: datetime) -> str:
    """Format an aware instant as ``YYYY-MM-DD HH:MM:SS`` in UTC (``signup_date`` style)."""
    return ensure_aware(value).strftime("%Y-%m-%d %H:%M:%S")


def format_iso_z(value: datetime) -> str:
    """Format an aware instant as ISO 8601 UTC with ``Z`` (identity API style)."""
    aware = ensure_aware(value)
    text = aware.replace(tzinfo=None).isoformat(timespec="seconds")
    return text + "Z"


def eastern_date(value: datetime) -> date:
    """The US/Eastern calendar date of an aware instant (what ``search[updated_min]`` compares)."""
    return ensure_aware(value).astimezone(EASTERN).date()


def later_reading(instant: datetime) -> datetime:
    """The second occurrence of ``instant``'s Eastern wall time when it falls in the hour
    repeated as DST ends (read as its first occurrence), else ``instant`` itself.

    >>> later_reading(parse_accounting_datetime("2024-11-03 01:30:00"))
    datetime.datetime(2024, 11, 3, 6, 30, tzinfo=datetime.timezone.utc)
    >>> later_reading(parse_accounting_datetime("2024-11-03 02:30:00"))
    datetime.datetime(2024, 11, 3, 7, 30, tzinfo=datetime.timezone.utc)
    """
    wall = instant.astimezone(EASTERN)
    if wall.fold or wall.replace(fold=1).utcoffset() == wall.utcoffset():
        return instant
    return wall.replace(fold=1).astimezone(UTC)


def is_ambiguous_eastern(value: str) -> bool:
    """True when an Eastern wall-clock string falls in the repeated hour at the end of DST."""
    naive = _parse_sql(value)
    first = naive.replace(tzinfo=EASTERN, fold=0).utcoffset()
    second = naive.replace(tzinfo=EASTERN, fold=1).utcoffset()
    return first != second and first is not None and second is not None and first > second


# Longest gap between two readings of one wall-clock string: the repeated hour.
DST_OVERLAP = timedelta(hours=1)

# The instants this SDK accepts where a FreshBooks time is expected (FreshBooks did not exist
# before 1970; the bounds keep date arithmetic such as "the day before" from overflowing).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def in_supported_range(value: datetime) -> bool:
    """Whether an aware instant lies between :data:`EARLIEST` and :data:`LATEST`."""
    return EARLIEST <= value <= LATEST
