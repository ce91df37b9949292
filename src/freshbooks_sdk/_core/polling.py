"""Poller cursor arithmetic (pure: no I/O, no clock reads).

FreshBooks cannot answer "what changed since instant X": ``search[updated_min]`` takes a
*date* (``YYYY-MM-DD``, compared on the US/Eastern calendar), list results are not sorted by
``updated``, and ``updated`` itself is an Eastern wall-clock string with one-second resolution
that is ambiguous for the repeated hour when DST ends. This module turns that into an exact,
loss-free change feed. The I/O shell (``_async/poller.py`` and its generated sync twin) only
fetches pages and persists cursors; every decision is made here.

How a cycle works
-----------------

1. :func:`plan` gives the ``search[updated_min]`` date: the Eastern date of
   ``watermark - max(overlap, 1 h)``.
2. The shell walks every page of that listing (and of ``search[vis_state]=1`` when deleted
   records are wanted) and turns each item into a :class:`Candidate`.
3. :func:`select` keeps the candidates that are new, sorts them, applies the cap and computes
   the cursor to save once the consumer has taken them.

The readings of a wire time
---------------------------

``"2024-11-03 01:30:00"`` happened either at 05:30Z (EDT) or at 06:30Z (EST). The models read
it as the earlier instant. The poller keeps both ends: ``earliest`` and ``latest``
(:func:`reading_bounds`); for every other string they are equal. An item is **new** when its
key ``(id, updated_wire, digest)`` is not in the cursor's boundary and its ``latest`` reading is
at or after the watermark (strictly after ``(watermark, after_id)`` when the cursor resumes in
the middle of a second, see below). Using ``latest`` is what makes the repeated hour safe: an
invoice written at 01:10 EST (06:10Z) reads as 05:10Z, before a 06:00Z watermark, but its
latest reading 06:10Z is not.

The watermark
-------------

* Without a cap (or when nothing was held back) the new watermark is
  ``cycle_started_at - safety``, floored to the second. Everything written before that instant
  was visible to the walk (``safety`` covers FreshBooks' replication lag and the difference
  between this host's clock and FreshBooks'). Items updated *while* the walk was running may
  have moved between pages and been missed; they were updated after the cycle started, so
  they stay after the watermark and come next cycle.
* With a cap that held items back, the new watermark is the position of the last emitted item
  ``(latest, id)``. When that whole second is older than ``cycle_started_at - safety`` (nothing
  can still appear in it) the cursor records ``after_id`` and resumes *inside* the second, so a
  bulk change of thousands of invoices in one second is walked through ``cap`` at a time
  without growing the boundary. Otherwise the watermark is ``min(latest, cycle_started_at -
  safety)`` and the boundary holds the emitted keys.
* When the walk was **unsettled** the watermark does not move at all (the boundary still takes
  the emitted keys). A listing that changes shape during a multi-page walk can skip a record
  that did *not* change: a record deleted (or restored) from an already-read page, or one whose
  new values sort it after the pages still to read, shifts every later record up by one, and
  the record crossing the page boundary is never seen. The shell calls a walk unsettled when
  ``total``/``pages`` differ between its pages or an id shows up twice in one listing; the
  skipped record then comes next cycle. (A leave and an entry between the same two page reads
  that cancel out in ``total`` and move no record twice are not detected; with 100 items per
  page most walks are one page and cannot shift at all.)
* The watermark never moves backwards.

Whose clock
-----------

``cycle_started_at`` must be an instant on **FreshBooks' clock**, since that is the clock that
writes ``updated``. A host clock 10 minutes ahead with a 5-minute ``safety`` would otherwise
put the watermark 5 minutes after everything FreshBooks has written, and every update would
fall behind it. So the shell times each page request on the host clock (``sent_at``,
``received_at``) and reads FreshBooks' clock from the response's HTTP ``Date`` header
(``Page.server_time``): a :class:`ClockSample`. The ``Date`` was stamped between ``sent_at`` and
``received_at`` and is floored to the second, so ``server_time - received_at`` is a **lower
bound** of (FreshBooks' clock - host clock). :func:`estimate_skew` takes the smallest such bound
of a cycle (:attr:`SkewEstimate.offset`), and the shell adds it to the host instant the cycle
started: an instant never later than FreshBooks' clock at that moment, whatever the host clock
says. ``safety`` then only covers FreshBooks' replication lag. A ``Date`` more than
:data:`MAX_CLOCK_SKEW` away from the host clock is not believed (a broken proxy must not throw
the watermark years ahead); without any usable ``Date`` the host clock is used as before. The
same offset turns ``start="now"`` into FreshBooks' "now", so the first skew-length window after
the start is not lost either.

The boundary
------------

The boundary is the set of keys already delivered that could still be selected: every emitted
or previously bounded key whose ``latest`` reading is not before the new watermark (this is the
"keep an hour more around the repeated hour" rule, made exact). It is capped at
``boundary_limit`` newest keys. **Overflow can only cause a re-delivery, never a loss**: a key
dropped from the boundary is selected again (delivered twice), and the watermark, which is what
could skip an item, does not depend on the boundary.

The digest refines ``(id, updated)``: an invoice changed twice within one second keeps the same
``updated`` string, and only its content tells the second version from the first. Content that
FreshBooks changes *without* touching ``updated`` produces a new key too, but only while the
item is still inside the boundary window.

>>> c = Cursor.starting_at(datetime(2024, 11, 3, 5, 0, tzinfo=timezone.utc))
>>> plan(c, timedelta(0))                        # Eastern date of 04:00Z = Nov 3, 00:00 EDT
datetime.date(2024, 11, 3)
>>> cand = Candidate.build(7, "2024-11-03 01:10:00", "d1", item="inv-7")
>>> cand.earliest.isoformat(), cand.latest.isoformat()    # the repeated hour: both readings
('2024-11-03T05:10:00+00:00', '2024-11-03T06:10:00+00:00')
>>> sel = select(c, [cand], cap=None, cycle_started_at=c.watermark, safety=timedelta(0))
>>> [x.item for x in sel.emitted], sel.cursor_after.boundary
(['inv-7'], ((7, '2024-11-03 01:10:00', 'd1'),))
"""

from __future__ import annotations

import email.utils
import functools
import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta, timezone
from typing import Any, Generic, Literal, TypeVar, Union

import attrs

from freshbooks_sdk._core.fbtime import (
    DST_OVERLAP,
    EASTERN,
    eastern_date,
    ensure_aware,
    in_supported_range,
    parse_accounting_datetime,
    parse_iso_datetime,
)
from freshbooks_sdk._core.poll_defaults import (  # defined apart: resources name them at import
    DEFAULT_INTERVAL,
    DEFAULT_MAX_STORE_RETRIES,
    DEFAULT_OVERLAP,
    DEFAULT_SAFETY,
)
from freshbooks_sdk.errors import CorruptCursorError, InvalidRequestError, ResponseValidationError

__all__ = [
    "CURSOR_FORMAT",
    "DEFAULT_BOUNDARY_LIMIT",
    "DEFAULT_INTERVAL",
    "DEFAULT_MAX_BACKOFF",
    "DEFAULT_MAX_STORE_RETRIES",
    "DEFAULT_OVERLAP",
    "DEFAULT_SAFETY",
    "MAX_BOUNDARY_LIMIT",
    "MAX_CLOCK_SKEW",
    "MAX_CURSOR_JSON_LEN",
    "ActivationStats",
    "BoundaryKey",
    "Candidate",
    "ClockSample",
    "Cursor",
    "Selection",
    "SkewEstimate",
    "Start",
    "activation_id",
    "backoff_delay",
    "check_boundary_limit",
    "check_cap",
    "check_duration",
    "check_interval",
    "check_start",
    "describe_model",
    "earliest_http_date",
    "estimate_skew",
    "parse_http_date",
    "plan",
    "reading_bounds",
    "resolve_start",
    "select",
    "wire_digest",
]

T = TypeVar("T")

CURSOR_FORMAT = 1
"""Version number written as ``"v"`` in every cursor's JSON."""

BoundaryKey = tuple[int, str, str]
"""``(id, updated wire string, content digest)``: one delivered version of one record."""

Start = Union[Literal["now"], timedelta, datetime]
"""Where a new cursor starts: ``"now"``, a backfill ``timedelta`` before now, or an aware instant."""

DEFAULT_BOUNDARY_LIMIT = 10_000
MAX_BOUNDARY_LIMIT = 100_000
"""The largest ``boundary_limit`` a poller takes, and so the most boundary keys a cursor may hold
(:meth:`Cursor.from_json` refuses more: a cursor handed in by a host is bounded in memory)."""
MAX_BOUNDARY_WIRE_LEN = 64
"""The longest ``updated`` string a boundary key may hold (FreshBooks writes 19 characters)."""
MAX_BOUNDARY_DIGEST_LEN = 64
"""The longest digest a boundary key may hold (:func:`wire_digest` writes 16)."""
MAX_CURSOR_JSON_LEN = 4096 + MAX_BOUNDARY_LIMIT * (
    32 + MAX_BOUNDARY_WIRE_LEN + MAX_BOUNDARY_DIGEST_LEN
)
"""The longest JSON text of a cursor (about 16 MB): the most a cursor passed in as text needs,
every bound of :meth:`Cursor.from_json` at its largest."""
DEFAULT_MAX_BACKOFF = 600.0
MAX_BACKFILL = timedelta(days=365 * 30)
"""The longest backfill a poller accepts as ``start``."""
MAX_CLOCK_SKEW = timedelta(days=7)
"""The largest difference between this host's clock and a response's ``Date`` that is believed;
a ``Date`` further away is ignored (and logged)."""
_BACKOFF_INITIAL = 2.0
_ONE_SECOND = timedelta(seconds=1)


# --------------------------------------------------------------------------------------------
# Wire times
# --------------------------------------------------------------------------------------------


def reading_bounds(wire: str) -> tuple[datetime, datetime]:
    """The earliest and latest UTC instants an ``updated`` wire string can denote.

    Equal for every string except the Eastern repeated hour (two readings an hour apart) and the
    skipped spring-forward hour (a string no correct clock writes; both offsets are allowed).
    ISO strings (``...T...Z``) are exact.

    >>> [d.isoformat() for d in reading_bounds("2024-11-03 01:30:00")]
    ['2024-11-03T05:30:00+00:00', '2024-11-03T06:30:00+00:00']
    >>> [d.isoformat() for d in reading_bounds("2024-07-01 12:00:00")]
    ['2024-07-01T16:00:00+00:00', '2024-07-01T16:00:00+00:00']

    Raises ``ValueError`` for a string that is not a FreshBooks timestamp.
    """
    if not isinstance(wire, str):
        raise ValueError(f"an updated time must be a string, got {type(wire).__name__}")
    return _reading_bounds(wire)


@functools.lru_cache(maxsize=4096)  # pure; a cursor's boundary keys mostly share one second
def _reading_bounds(wire: str) -> tuple[datetime, datetime]:
    if "T" in wire or "t" in wire:
        instant = parse_iso_datetime(wire)
        return instant, instant
    first = parse_accounting_datetime(wire)  # validates the format
    naive = datetime.strptime(wire[:19], "%Y-%m-%d %H:%M:%S").replace(microsecond=first.microsecond)
    second = naive.replace(tzinfo=EASTERN, fold=1).astimezone(timezone.utc)
    return min(first, second), max(first, second)


def _latest(wire: str) -> datetime:
    return reading_bounds(wire)[1]


def _floor_second(value: datetime) -> datetime:
    return value.replace(microsecond=0)


def wire_digest(wire: Mapping[str, Any]) -> str:
    """A short, stable digest of an item's wire JSON (16 hex characters, key order ignored).

    >>> wire_digest({"id": 1, "amount": "2.00"}) == wire_digest({"amount": "2.00", "id": 1})
    True
    """
    text = json.dumps(wire, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def describe_model(item: object) -> tuple[int, str, str]:
    """``(id, updated wire string, digest)`` of a pydantic model with ``id`` and ``updated``.

    The wire form comes from ``item.model_dump(mode="json")``, which writes ``updated`` back in
    FreshBooks' own format; the digest covers the whole dump (unknown fields included).
    Raises :class:`ResponseValidationError` when the item has no usable ``id`` or ``updated``.
    """
    dump = getattr(item, "model_dump", None)
    if dump is None:
        raise ResponseValidationError(
            f"cannot read {type(item).__name__}: the poller needs a pydantic model with "
            "`id` and `updated`, or explicit item_id/wire_updated/digest functions"
        )
    wire = dump(mode="json")
    if not isinstance(wire, Mapping):
        raise ResponseValidationError(f"{type(item).__name__}.model_dump() is not a mapping")
    item_id = wire.get("id")
    updated = wire.get("updated")
    if isinstance(item_id, bool) or not isinstance(item_id, int):
        raise ResponseValidationError(
            f"{type(item).__name__} has no integer `id` (got {item_id!r}); cannot poll it"
        )
    if not isinstance(updated, str):
        raise ResponseValidationError(
            f"{type(item).__name__} {item_id} has no `updated` timestamp (got {updated!r}); "
            "cannot poll it"
        )
    return item_id, updated, wire_digest(wire)


# --------------------------------------------------------------------------------------------
# Cursor
# --------------------------------------------------------------------------------------------


def _check_watermark(_: object, __: object, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidRequestError(
            "Cursor.watermark must be timezone-aware", field="watermark", value=value
        )


def _to_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        return value  # refused by the validator with a clear message
    return value.astimezone(timezone.utc)


def _boundary_sort_key(key: BoundaryKey) -> tuple[datetime, int, str, str]:
    return (_latest(key[1]), key[0], key[1], key[2])


def _sorted_boundary(keys: Iterable[BoundaryKey]) -> tuple[BoundaryKey, ...]:
    return tuple(sorted(set(keys), key=_boundary_sort_key))


MAX_CURSOR_ID = 2**63 - 1
"""Largest id a cursor may name (FreshBooks ids are positive 64-bit integers)."""


def _show(value: object, limit: int = 80) -> str:
    """A short ``repr`` of a value read from a cursor, safe for any value: a huge int (whose
    ``repr`` raises past 4,300 digits) or a deeply nested list (``RecursionError``) is named by
    its type instead."""
    try:
        text = repr(value)
    except (ValueError, RecursionError, MemoryError):
        return f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _id_in_range(value: int) -> bool:
    return 0 <= value <= MAX_CURSOR_ID


@attrs.frozen
class Cursor:
    """Where a poller is: a watermark, an optional resume id, and the boundary set.

    * ``watermark``: aware UTC instant; items whose latest reading is before it are done.
    * ``after_id``: ``None``, or the id of the last item emitted *inside* the watermark's second
      (items at that second with a larger id come next).
    * ``boundary``: keys ``(id, updated_wire, digest)`` already delivered that could otherwise be
      selected again.

    Serialized by :meth:`to_json` as a small JSON object::

        {"v": 1, "watermark": "2024-11-03T05:30:00Z", "after_id": null,
         "boundary": [[42, "2024-11-03 01:30:00", "9f86d081884c7d65"]]}

    >>> c = Cursor.starting_at(datetime(2024, 1, 2, 3, 4, 5, 600, tzinfo=timezone.utc))
    >>> c.to_json()
    {'v': 1, 'watermark': '2024-01-02T03:04:05Z', 'after_id': None, 'boundary': []}
    >>> Cursor.from_json(c.to_json()) == c
    True
    """

    watermark: datetime = attrs.field(converter=_to_utc, validator=_check_watermark)
    after_id: int | None = None
    boundary: tuple[BoundaryKey, ...] = attrs.field(default=(), converter=_sorted_boundary)

    @classmethod
    def starting_at(cls, instant: datetime) -> Cursor:
        """A fresh cursor: everything whose latest reading is at or after ``instant`` (floored to
        the second) is new."""
        return cls(watermark=_floor_second(ensure_aware(instant, name="start")))

    def admits(self, latest: datetime, item_id: int) -> bool:
        """Whether a record version read at ``latest`` is at or after this cursor's position."""
        if latest != self.watermark:
            return latest > self.watermark
        return self.after_id is None or item_id > self.after_id

    def to_json(self) -> dict[str, Any]:
        """The JSON-ready form (see the class docstring); stable key and boundary order."""
        w = self.watermark
        text = w.replace(tzinfo=None).isoformat(
            timespec="microseconds" if w.microsecond else "seconds"
        )
        return {
            "v": CURSOR_FORMAT,
            "watermark": text + "Z",
            "after_id": self.after_id,
            "boundary": [[i, u, d] for i, u, d in self.boundary],
        }

    @classmethod
    def from_json(cls, obj: object) -> Cursor:
        """Read :meth:`to_json` output back; anything else raises :class:`CorruptCursorError`
        naming the problem (a cursor is never silently replaced).

        The boundary is bounded: at most :data:`MAX_BOUNDARY_LIMIT` keys (every cursor a poller
        writes, whatever its ``boundary_limit``, fits), each with an ``updated`` string of at most
        64 characters and a digest of at most 64, so a cursor passed in by a host is refused
        before it costs more than a few megabytes.

        >>> huge = {"v": 1, "watermark": "2024-01-01T00:00:00Z", "after_id": None,
        ...         "boundary": [[1, "2024-01-01 00:00:00", "ab"]] * 100_001}
        >>> try:
        ...     Cursor.from_json(huge)
        ... except CorruptCursorError as exc:
        ...     print(str(exc)[:40])
        cursor boundary holds 100001 keys, more
        """
        if not isinstance(obj, Mapping):
            raise CorruptCursorError(f"cursor must be a JSON object, got {type(obj).__name__}")
        version = obj.get("v")
        if version != CURSOR_FORMAT:
            raise CorruptCursorError(
                f"unsupported cursor format v={_show(version)} (this SDK reads v={CURSOR_FORMAT})"
            )
        raw_wm = obj.get("watermark")
        if not isinstance(raw_wm, str):
            raise CorruptCursorError(f"cursor watermark must be a string, got {_show(raw_wm)}")
        try:
            watermark = parse_iso_datetime(raw_wm)
        except ValueError as exc:
            raise CorruptCursorError(f"cursor watermark is unreadable: {exc}") from None
        if not (raw_wm.endswith(("Z", "z")) or "+" in raw_wm[10:] or "-" in raw_wm[10:]):
            raise CorruptCursorError(f"cursor watermark {_show(raw_wm)} has no time zone")
        if not in_supported_range(watermark):
            raise CorruptCursorError(
                f"cursor watermark {_show(raw_wm)} is outside 1970-2200; repair or delete the key"
            )
        after_id = obj.get("after_id")
        if after_id is not None and (
            isinstance(after_id, bool)
            or not isinstance(after_id, int)
            or not _id_in_range(after_id)
        ):
            raise CorruptCursorError(
                f"cursor after_id must be an integer id (0 to 2**63-1) or null, "
                f"got {_show(after_id)}"
            )
        raw_boundary = obj.get("boundary")
        if not isinstance(raw_boundary, list):
            raise CorruptCursorError(f"cursor boundary must be a list, got {_show(raw_boundary)}")
        if len(raw_boundary) > MAX_BOUNDARY_LIMIT:
            raise CorruptCursorError(
                f"cursor boundary holds {len(raw_boundary)} keys, more than any poller writes "
                f"({MAX_BOUNDARY_LIMIT}); repair or delete the key"
            )
        keys: list[BoundaryKey] = []
        for n, entry in enumerate(raw_boundary):
            if not isinstance(entry, (list, tuple)) or len(entry) != 3:
                raise CorruptCursorError(
                    f"cursor boundary[{n}] must be [id, updated, digest], got {_show(entry)}"
                )
            item_id, wire, digest = entry
            if (
                isinstance(item_id, bool)
                or not isinstance(item_id, int)
                or not _id_in_range(item_id)
            ):
                raise CorruptCursorError(
                    f"cursor boundary[{n}] id must be an integer id (0 to 2**63-1): {_show(entry)}"
                )
            if not isinstance(wire, str) or not isinstance(digest, str):
                raise CorruptCursorError(
                    f"cursor boundary[{n}] updated and digest must be strings: {_show(entry)}"
                )
            if len(wire) > MAX_BOUNDARY_WIRE_LEN or len(digest) > MAX_BOUNDARY_DIGEST_LEN:
                raise CorruptCursorError(
                    f"cursor boundary[{n}] updated or digest is too long "
                    f"({len(wire)} and {len(digest)} characters; at most "
                    f"{MAX_BOUNDARY_WIRE_LEN} and {MAX_BOUNDARY_DIGEST_LEN})"
                )
            try:
                reading_bounds(wire)
            except ValueError as exc:
                raise CorruptCursorError(
                    f"cursor boundary[{n}] updated is unreadable: {exc}"
                ) from None
            keys.append((item_id, wire, digest))
        return cls(watermark=watermark, after_id=after_id, boundary=tuple(keys))


# --------------------------------------------------------------------------------------------
# Candidates and selection
# --------------------------------------------------------------------------------------------


@attrs.frozen
class Candidate(Generic[T]):
    """One listed record version: its key, both readings of its ``updated``, and the item.

    Build it with :meth:`build`, which parses the wire time.
    """

    id: int
    wire_updated: str
    digest: str
    item: T
    earliest: datetime
    latest: datetime
    deleted: bool = False

    @classmethod
    def build(
        cls, item_id: int, wire_updated: str, digest: str, item: T, *, deleted: bool = False
    ) -> Candidate[T]:
        """Parse ``wire_updated``; an unreadable one raises :class:`ResponseValidationError`."""
        try:
            earliest, latest = reading_bounds(wire_updated)
        except ValueError as exc:
            raise ResponseValidationError(
                f"record {item_id} has an unreadable `updated` {wire_updated!r}: {exc}"
            ) from None
        return cls(item_id, wire_updated, digest, item, earliest, latest, deleted)

    @property
    def key(self) -> BoundaryKey:
        """``(id, updated_wire, digest)``."""
        return (self.id, self.wire_updated, self.digest)


@attrs.frozen
class Selection(Generic[T]):
    """What :func:`select` decided: the items to emit (in order) and the cursor after them."""

    emitted: list[Candidate[T]]
    cursor_after: Cursor
    has_more: bool
    fetched: int
    lag_seconds: float | None


def plan(cursor: Cursor, overlap: timedelta = DEFAULT_OVERLAP) -> date:
    """The ``search[updated_min]`` date for a cycle: Eastern date of
    ``watermark - max(overlap, 1 h)``.

    Every selectable item has a latest reading at or after the watermark, hence an earliest
    reading (the one its wire string shows) at most an hour earlier, hence an Eastern wire date
    on or after this date. The UTC date of an instant is never before its Eastern date, so the
    date is also safe if FreshBooks compared on the UTC calendar. Raise ``overlap`` for more.

    >>> plan(Cursor.starting_at(datetime(2024, 6, 1, 4, 30, tzinfo=timezone.utc)))
    datetime.date(2024, 5, 31)
    """
    return eastern_date(cursor.watermark - max(overlap, DST_OVERLAP))


def _position(watermark: datetime, after_id: int | None) -> tuple[datetime, int, int]:
    return (watermark, 0, 0) if after_id is None else (watermark, 1, after_id)


def select(
    cursor: Cursor,
    candidates: Iterable[Candidate[T]],
    *,
    cap: int | None,
    cycle_started_at: datetime,
    safety: timedelta = DEFAULT_SAFETY,
    boundary_limit: int = DEFAULT_BOUNDARY_LIMIT,
    settled: bool = True,
) -> Selection[T]:
    """Pick the new record versions of one cycle and compute the cursor that follows them.

    ``candidates`` are in fetch order; when an id appears more than once (it moved between pages,
    or was deleted during the walk) the last one fetched is the newest state and wins.
    New items are sorted by ``(latest reading, id)`` and the first ``cap`` are emitted.
    ``settled=False`` (the listing changed shape during the walk) keeps the watermark where it
    was, since a record that did not change may have been skipped.
    """
    now = ensure_aware(cycle_started_at, name="cycle_started_at")
    by_id: dict[int, Candidate[T]] = {}
    fetched = 0
    for cand in candidates:
        fetched += 1
        by_id.pop(cand.id, None)
        by_id[cand.id] = cand
    seen = set(cursor.boundary)
    new = [c for c in by_id.values() if c.key not in seen and cursor.admits(c.latest, c.id)]
    new.sort(key=lambda c: (c.latest, c.id))
    emitted = new if cap is None else new[:cap]
    has_more = len(emitted) < len(new)

    horizon = _floor_second(now - safety)
    if has_more:
        last = emitted[-1]
        if last.latest + _ONE_SECOND <= horizon:
            mark: tuple[datetime, int | None] = (last.latest, last.id)
        else:
            mark = (min(last.latest, horizon), None)
    else:
        mark = (horizon, None)
    if not settled or _position(*mark) < _position(cursor.watermark, cursor.after_id):
        mark = (cursor.watermark, cursor.after_id)
    after = Cursor(watermark=mark[0], after_id=mark[1])

    # One version per record: emitting a new version forgets the older ones, so a record that
    # returns to an earlier state (A -> B -> A within one second) is delivered again.
    emitted_ids = {c.id for c in emitted}
    pool = {k for k in cursor.boundary if k[0] not in emitted_ids}
    pool.update(c.key for c in emitted)
    kept = [k for k in pool if after.admits(_latest(k[1]), k[0])]
    boundary = _sorted_boundary(kept)
    if len(boundary) > boundary_limit:
        boundary = boundary[len(boundary) - boundary_limit :]
    lag = None
    if emitted:
        lag = (now - max(c.earliest for c in emitted)).total_seconds()
    return Selection(
        emitted=emitted,
        cursor_after=attrs.evolve(after, boundary=boundary),
        has_more=has_more,
        fetched=fetched,
        lag_seconds=lag,
    )


def activation_id(key: str, cursor_before: Cursor, emitted: Sequence[BoundaryKey]) -> str:
    """A deterministic activation id (32 hex characters of a SHA-256).

    The same store key, starting cursor and emitted versions give the same id, so an activation
    replayed after a crash can be recognised and dropped by the host.

    >>> c = Cursor.starting_at(datetime(2024, 1, 1, tzinfo=timezone.utc))
    >>> activation_id("k", c, [(1, "2024-01-01 00:00:00", "ab")]) == activation_id(
    ...     "k", c, [(1, "2024-01-01 00:00:00", "ab")])
    True
    """
    payload = json.dumps(
        [key, cursor_before.to_json(), [list(k) for k in emitted]],
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


@attrs.frozen
class ActivationStats:
    """Figures of the cycle that produced an activation.

    ``pages`` pages walked; ``requests`` page requests made, counting those of failed cycles
    retried just before; ``fetched`` items listed; ``emitted`` items in the activation;
    ``lag_seconds`` cycle start minus the newest emitted ``updated`` (``None`` when empty);
    ``failed_cycles`` retryable failures since the previous activation; ``settled`` false when
    the listing changed shape during the walk (the watermark was then kept where it was).
    """

    pages: int
    requests: int
    fetched: int
    emitted: int
    lag_seconds: float | None
    failed_cycles: int = 0
    settled: bool = True


# --------------------------------------------------------------------------------------------
# FreshBooks' clock
# --------------------------------------------------------------------------------------------

_HTTP_DATE_MAX_LEN = 64


def parse_http_date(value: object) -> datetime | None:
    """An HTTP ``Date`` header value as an aware UTC datetime, or ``None`` when unusable.

    Reads the IMF-fixdate of RFC 9110 and its two obsolete forms; ``None`` for anything else,
    for a value without a zone, and for an instant outside 1970-2200 (never an exception: the
    header comes from the network).

    >>> parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").isoformat()
    '1994-11-06T08:49:37+00:00'
    >>> parse_http_date("yesterday") is None
    True
    """
    if not isinstance(value, str) or not value or len(value) > _HTTP_DATE_MAX_LEN:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return None
    try:
        instant = parsed.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None
    return instant if in_supported_range(instant) else None


def earliest_http_date(values: Iterable[object]) -> datetime | None:
    """The earliest usable ``Date`` among a response's ``Date`` header values (a proxy may add
    its own): the earliest is the safe one for a watermark. ``None`` when none is usable.

    >>> earliest_http_date(["Sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:35 GMT"])
    datetime.datetime(1994, 11, 6, 8, 49, 35, tzinfo=datetime.timezone.utc)
    """
    found = [d for d in (parse_http_date(v) for v in values) if d is not None]
    return min(found) if found else None


@attrs.frozen
class ClockSample:
    """One response's ``Date`` (``server_time``) against this host's clock: ``sent_at`` and
    ``received_at`` are host instants taken just before the request and just after the answer.
    """

    server_time: datetime = attrs.field(converter=_to_utc)
    sent_at: datetime = attrs.field(converter=_to_utc)
    received_at: datetime = attrs.field(converter=_to_utc)

    @property
    def low(self) -> timedelta:
        """A lower bound of FreshBooks' clock minus the host's: the ``Date`` was stamped before
        ``received_at`` and is floored to the second."""
        return self.server_time - self.received_at

    @property
    def round_trip(self) -> timedelta:
        """How long the request took on the host clock (never negative)."""
        return max(self.received_at - self.sent_at, timedelta(0))

    @property
    def skew(self) -> timedelta:
        """The best single estimate of FreshBooks' clock minus the host's (the ``Date`` against
        the middle of the round trip)."""
        return self.server_time - (self.sent_at + self.round_trip / 2)


@attrs.frozen
class SkewEstimate:
    """What a cycle's :class:`ClockSample` list says about FreshBooks' clock.

    * ``offset``: add it to a host instant to get an instant not later than FreshBooks' clock
      at that moment (the largest lower bound that every sample allows: the smallest ``low``).
    * ``skew``: the best estimate of FreshBooks' clock minus the host's (from the sample with
      the shortest round trip) and ``uncertainty`` its error bound (half that round trip plus
      the one-second resolution of ``Date``).
    * ``used`` / ``rejected``: samples believed, and those further than ``max_skew`` away.
    """

    offset: timedelta | None
    skew: timedelta | None
    uncertainty: timedelta
    used: int
    rejected: int

    def exceeds(self, margin: timedelta) -> bool:
        """Whether the skew is certainly larger than ``margin`` (either direction).

        >>> est = estimate_skew([ClockSample(datetime(2024, 1, 1, 0, 10, tzinfo=timezone.utc),
        ...     datetime(2024, 1, 1, tzinfo=timezone.utc), datetime(2024, 1, 1, tzinfo=timezone.utc))])
        >>> est.exceeds(timedelta(minutes=5)), est.exceeds(timedelta(minutes=15))
        (True, False)
        """
        return self.skew is not None and abs(self.skew) - self.uncertainty > margin


def estimate_skew(
    samples: Iterable[ClockSample], *, max_skew: timedelta = MAX_CLOCK_SKEW
) -> SkewEstimate:
    """Combine the clock samples of a cycle (see "Whose clock" above).

    A sample whose ``Date`` is more than ``max_skew`` from the host clock is rejected.

    >>> t = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
    >>> est = estimate_skew([
    ...     ClockSample(t - timedelta(minutes=10), t, t + timedelta(seconds=2)),
    ...     ClockSample(t - timedelta(minutes=10) + timedelta(seconds=5), t + timedelta(seconds=5),
    ...                 t + timedelta(seconds=5)),
    ... ])
    >>> est.offset, est.skew, est.used
    (datetime.timedelta(days=-1, seconds=85798), datetime.timedelta(days=-1, seconds=85800), 2)
    """
    every = list(samples)
    used = [s for s in every if abs(s.server_time - s.received_at) <= max_skew]
    rejected = len(every) - len(used)
    if not used:
        return SkewEstimate(None, None, _ONE_SECOND, 0, rejected)
    best = min(used, key=lambda s: s.round_trip)
    return SkewEstimate(
        offset=min(s.low for s in used),
        skew=best.skew,
        uncertainty=_ONE_SECOND + best.round_trip / 2,
        used=len(used),
        rejected=rejected,
    )


# --------------------------------------------------------------------------------------------
# Argument checks and backoff
# --------------------------------------------------------------------------------------------


def check_interval(interval: float, *, field: str = "interval") -> float:
    """A positive, finite number of seconds (``field`` names the argument in the error)."""
    if (
        isinstance(interval, bool)
        or not isinstance(interval, (int, float))
        or not math.isfinite(interval)
        or interval <= 0
    ):
        raise InvalidRequestError(
            f"{field} must be a positive number of seconds, got {interval!r}",
            field=field,
            value=interval,
        )
    return float(interval)


def check_cap(cap: int | None) -> int | None:
    """``None`` (no cap) or an int >= 1."""
    if cap is None:
        return None
    if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
        raise InvalidRequestError(
            f"cap must be None or an int >= 1 (items per activation), got {cap!r}",
            field="cap",
            value=cap,
        )
    return cap


def check_boundary_limit(limit: int) -> int:
    """An int from 1 to :data:`MAX_BOUNDARY_LIMIT` (the most keys a cursor may hold)."""
    if (
        isinstance(limit, bool)
        or not isinstance(limit, int)
        or not 1 <= limit <= MAX_BOUNDARY_LIMIT
    ):
        raise InvalidRequestError(
            f"boundary_limit must be an int from 1 to {MAX_BOUNDARY_LIMIT}, got {limit!r}",
            field="boundary_limit",
            value=limit,
        )
    return limit


def check_duration(value: timedelta, *, field: str) -> timedelta:
    """A non-negative ``timedelta``."""
    if not isinstance(value, timedelta) or value < timedelta(0):
        raise InvalidRequestError(
            f"{field} must be a non-negative timedelta, got {value!r}", field=field, value=value
        )
    return value


def check_start(start: Start) -> Start:
    """``"now"``, a non-negative ``timedelta`` (backfill) or an aware ``datetime``."""
    if isinstance(start, str) and start == "now":
        return start
    if isinstance(start, timedelta):
        if not timedelta(0) <= start <= MAX_BACKFILL:
            raise InvalidRequestError(
                f"start backfill must be a timedelta between 0 and {MAX_BACKFILL.days} days, "
                f"got {start!r}",
                field="start",
                value=start,
            )
        return start
    if isinstance(start, datetime):
        if start.tzinfo is None or start.utcoffset() is None:
            raise InvalidRequestError(
                f"start must be a timezone-aware datetime (got naive {start.isoformat()}); "
                "use datetime(..., tzinfo=timezone.utc)",
                field="start",
                value=start,
            )
        if not in_supported_range(start.astimezone(timezone.utc)):
            raise InvalidRequestError(
                f"start must lie between 1970 and 2200, got {start.isoformat()}",
                field="start",
                value=start,
            )
        return start
    raise InvalidRequestError(
        f'start must be "now", a timedelta (backfill) or an aware datetime, got {start!r}',
        field="start",
        value=start,
    )


def resolve_start(start: Start, now: datetime) -> datetime:
    """The instant a fresh cursor starts at."""
    check_start(start)
    if isinstance(start, datetime):
        return start.astimezone(timezone.utc)
    if isinstance(start, timedelta):
        return ensure_aware(now, name="clock()") - start
    return ensure_aware(now, name="clock()")


def backoff_delay(
    failures: int,
    jitter: float,
    retry_after: float | None = None,
    *,
    maximum: float = DEFAULT_MAX_BACKOFF,
) -> float:
    """Seconds to wait after the ``failures``-th failed cycle in a row.

    Exponential from 2 s, capped at ``maximum``, scaled by ``0.5 + jitter / 2`` (``jitter`` in
    [0, 1)); never less than the ``retry_after`` FreshBooks asked for.

    >>> backoff_delay(1, 0.0), backoff_delay(3, 1.0), backoff_delay(1, 0.0, retry_after=30)
    (1.0, 8.0, 30.0)
    """
    base = min(maximum, _BACKOFF_INITIAL * 2.0 ** max(0, failures - 1))
    delay = base * (0.5 + 0.5 * min(max(jitter, 0.0), 1.0))
    if retry_after is not None and retry_after > delay:
        delay = float(retry_after)
    return delay
