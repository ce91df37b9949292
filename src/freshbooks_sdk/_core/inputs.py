"""Request inputs: checked and shaped for the wire before anything is sent (pure).

Each builder returns the dict that goes under the resource key (``{"invoice": {...}}``), or
raises :class:`~freshbooks_sdk.errors.InvalidRequestError` naming the field.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pydantic

from freshbooks_sdk._core.fbtime import (
    eastern_date,
    ensure_aware,
    in_supported_range,
    later_reading,
)
from freshbooks_sdk._core.input_types import INVOICE_V3_STATUSES, AddressDict, InvoiceLineDict
from freshbooks_sdk._core.money_input import (
    MoneyInput,
    check_currency,
    decimal_text,
    to_decimal,
    to_wire_money,
)
from freshbooks_sdk.errors import ErrorDetail, InvalidRequestError

T = TypeVar("T")

PHASE_KEYS = ("vis_state", "ext_vis_state")

MoneyLike = MoneyInput
Address = AddressDict
"""The client address shape (an alias of :class:`~freshbooks_sdk.types.AddressDict`)."""
InvoiceLineInput = InvoiceLineDict
"""One invoice line (an alias of :class:`~freshbooks_sdk.types.InvoiceLineDict`)."""


# -- primitives: every public argument goes through one of these before anything is sent ----------

MAX_ID = 2**63 - 1
"""Largest id accepted (FreshBooks ids are signed 64-bit at most)."""
SHORT_TEXT = 255
"""Default longest one-line text (names, numbers, filters)."""
LONG_TEXT = 20_000
"""Default longest multi-line text (notes, terms, descriptions, email bodies)."""
EMAIL_MAX = 254
MAX_DEPTH = 16
"""Deepest nesting accepted in ``extra``/``fields`` values."""
MAX_NODES = 10_000
"""Most values (all levels together) accepted in one ``extra``/``fields`` mapping."""
MAX_INT = 2**53
"""Largest magnitude of a plain int value in ``extra``/``fields`` (exact in every JSON reader)."""
MAX_LIST = 500
"""Most entries in a list argument (lines, recipients, includes)."""

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
"""Calendar dates accepted (invoice and expense dates, date filters): date arithmetic on them
(due dates, Eastern days) cannot overflow."""

_FIELD_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK_RE = re.compile(r"[\r\n\x00-\x1f\x7f\u2028\u2029\x85]")
_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,252}$")


def describe(value: object, limit: int = 60) -> str:
    """A short, safe rendering of any input for error messages: never raises, never huge.

    >>> describe("x" * 100)[:12], describe(10**5000)
    ("'xxxxxxxxxxx", 'an int of 16610 bits')
    """
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        bits = int.bit_length(value)
        return f"an int of {bits} bits" if bits > 64 else int.__repr__(value)
    if isinstance(value, str):
        head = str.__repr__(str.__getitem__(value, slice(0, limit)))
        return head if str.__len__(value) <= limit else head[:-1] + "...'"
    if isinstance(value, (bytes, bytearray)):
        return f"a {type(value).__name__} (text must be str)"
    if isinstance(value, (float, Decimal, date, timedelta)):
        try:
            text = repr(value)
        except Exception:  # a subclass with a broken repr
            text = f"a {type(value).__name__}"
        return text if len(text) <= limit else text[:limit] + "..."
    return f"a {type(value).__name__}"


def invalid(field: str, message: str, value: object = None) -> InvalidRequestError:
    """An ``InvalidRequestError`` naming ``field``; the value is kept only as a short text."""
    return InvalidRequestError(
        f"{field} {message}", field=field, value=None if value is None else describe(value)
    )


def check_bool(value: object, *, field: str) -> bool:
    """A real ``bool`` (``'no'``, ``0`` or ``None`` are refused, never read as truthiness)."""
    if not isinstance(value, bool):
        raise invalid(field, f"must be True or False, got {describe(value)}", value)
    return value


def check_int(
    value: object, *, field: str, minimum: int = 0, maximum: int = MAX_ID, what: str = "an int"
) -> int:
    """An int in ``minimum..maximum`` (a bool is not an int here)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(field, f"must be {what}, got {describe(value)}", value)
    number = int.__int__(value)  # a plain int: an int subclass's own methods are not used
    if not minimum <= number <= maximum:
        raise invalid(
            field, f"must be {what} between {minimum} and {maximum}, got {describe(number)}", value
        )
    return number


def check_page_args(per_page: object, max_items: object) -> None:
    """``per_page`` 1..100 and ``max_items`` None or >= 1, checked before a paginator is built."""
    check_int(per_page, field="per_page", minimum=1, maximum=100, what="an int (page size)")
    if max_items is not None:
        check_int(max_items, field="max_items", minimum=1, what="None or an int >= 1")


def check_optional_id(value: object, *, field: str) -> int | None:
    """``None`` or a positive id."""
    return None if value is None else check_id(value, field=field)


def _plain_text(value: object, *, field: str, max_len: int) -> str:
    if not isinstance(value, str):
        raise invalid(field, f"must be a str, got {describe(value)}", value)
    text = str.__str__(value)  # a str subclass cannot smuggle its own __str__ onto the wire
    if len(text) > max_len:
        raise invalid(field, f"is longer than {max_len} characters ({len(text)})", value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise invalid(
            field, "holds text that is not valid Unicode (a lone surrogate)", value
        ) from None
    return text


def check_text(
    value: object,
    *,
    field: str,
    max_len: int | None = None,
    single_line: bool = True,
) -> str | None:
    """``None`` or a str without NUL, lone surrogates or other control characters.

    ``single_line`` (the default: names, numbers, filters, anything bound for a URL or header)
    also refuses CR, LF and other line breaks; multi-line text (notes, terms) keeps newlines
    and tabs. ``max_len`` defaults to 255 for one line and 20,000 for multi-line text.

    >>> check_text("Ada", field="fname")
    'Ada'
    """
    if value is None:
        return None
    limit = max_len if max_len is not None else (SHORT_TEXT if single_line else LONG_TEXT)
    text = _plain_text(value, field=field, max_len=limit)
    bad = (_LINE_BREAK_RE if single_line else _CONTROL_RE).search(text)
    if bad is not None:
        what = "line breaks" if bad.group() in "\r\n\u2028\u2029\x85" else "control characters"
        raise invalid(
            field, f"must not contain {what} (found {bad.group()!r} at {bad.start()})", value
        )
    return text


def check_long_text(value: object, *, field: str, max_len: int = LONG_TEXT) -> str | None:
    """Multi-line text (notes, terms, descriptions, email bodies): newlines allowed."""
    return check_text(value, field=field, max_len=max_len, single_line=False)


def check_email(value: object, *, field: str) -> str | None:
    """``None`` or one email address: one line, no spaces, one ``@``, at most 254 characters."""
    text = check_text(value, field=field, max_len=EMAIL_MAX)
    if text is not None and not _EMAIL_RE.fullmatch(text):
        raise invalid(field, f"is not an email address: {describe(text)}", value)
    return text


def check_choice(value: object, *, field: str, choices: Iterable[str]) -> str:
    """One of ``choices`` (exact str)."""
    allowed = tuple(choices)
    if not isinstance(value, str) or value not in allowed:
        raise invalid(field, f"must be one of {', '.join(allowed)}; got {describe(value)}", value)
    return str.__str__(value)


def check_include(
    value: object, *, field: str = "include", known: Iterable[str]
) -> tuple[str, ...]:
    """An iterable of known ``include[]`` names; a bare str is refused (never split in letters).

    >>> check_include(["lines"], known=("lines", "presentation"))
    ('lines',)
    """
    allowed = tuple(known)
    if value is None or isinstance(value, (str, bytes, bytearray, Mapping)):
        raise invalid(
            field,
            f"must be a list of names (one of {', '.join(allowed)}), got {describe(value)}",
            value,
        )
    if not isinstance(value, Iterable):
        raise invalid(field, f"must be a list of names, got {describe(value)}", value)
    names: list[str] = []
    for i, name in enumerate(value):
        if i >= len(allowed) * 4 + 8:
            raise invalid(field, "has too many entries", None)
        checked = check_choice(name, field=f"{field}.{i}", choices=allowed)
        if checked not in names:
            names.append(checked)
    return tuple(names)


def check_vis_state(value: object, *, field: str = "vis_state") -> int | None:
    """``None`` or 0/1/2 (active/deleted/archived), as an int or ``VisState``."""
    if value is None:
        return None
    return check_int(value, field=field, minimum=0, maximum=2, what="0, 1 or 2 (a VisState)")


def check_instant(value: object, *, field: str) -> datetime:
    """An aware ``datetime`` between 1970 and 2200, converted to UTC (never overflows)."""
    if not isinstance(value, datetime):
        raise invalid(field, f"must be an aware datetime, got {describe(value)}", value)
    try:
        instant = ensure_aware(value, name=field)
        supported = in_supported_range(instant)
    except (OverflowError, ValueError, TypeError, ArithmeticError) as exc:
        if isinstance(exc, ValueError) and "aware" in str(exc):
            raise invalid(field, "must be timezone-aware (attach a tzinfo)", value) from None
        raise invalid(field, "must lie between 1970 and 2200", value) from None
    if not supported:
        raise invalid(field, f"must lie between 1970 and 2200, got {describe(value)}", value)
    return instant


def check_timedelta(
    value: object, *, field: str, minimum: timedelta = timedelta(0), maximum: timedelta
) -> timedelta:
    """A ``timedelta`` in ``minimum..maximum``."""
    if not isinstance(value, timedelta):
        raise invalid(field, f"must be a datetime.timedelta, got {describe(value)}", value)
    if not minimum <= value <= maximum:
        raise invalid(
            field, f"must be between {minimum} and {maximum}, got {describe(value)}", value
        )
    return value


def check_seconds(value: object, *, field: str, minimum: float = 0.0, maximum: float) -> float:
    """A finite number of seconds in ``minimum..maximum`` (bool refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid(field, f"must be a number of seconds, got {describe(value)}", value)
    try:
        seconds = float(value)
    except OverflowError:
        raise invalid(field, f"must be at most {maximum} seconds", value) from None
    if not math.isfinite(seconds) or not minimum <= seconds <= maximum:
        raise invalid(
            field, f"must be between {minimum} and {maximum} seconds, got {describe(value)}", value
        )
    return seconds


def _json_value(
    value: object, field: str, depth: int, budget: list[int], phase: tuple[str, str, str]
) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise invalid(field, f"is too large (more than {MAX_NODES} values)")
    if depth > MAX_DEPTH:
        raise invalid(field, f"is nested deeper than {MAX_DEPTH} levels")
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return check_int(value, field=field, minimum=-MAX_INT, maximum=MAX_INT)
    if isinstance(value, str):
        return check_long_text(value, field=field)
    if isinstance(value, Decimal):
        return decimal_text(to_decimal(value, field=field))
    if isinstance(value, datetime):
        raise invalid(field, "must be a date or a string, not a datetime", value)
    if isinstance(value, date):
        day = check_date(value, field=field)
        return None if day is None else day.isoformat()
    if isinstance(value, float):
        raise invalid(
            field, f"must not be a float (write a decimal string), got {describe(value)}", value
        )
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if isinstance(key, str) and _is_phase_key(key):
                resource, actions, method = phase
                raise InvalidRequestError(
                    f"{resource}.{method}() does not send {describe(key)}: FreshBooks would "
                    f"silently drop the other fields. Use {actions} instead.",
                    field=f"{field}.{key}" if check_key_like(key) else field,
                )
            name = check_field_key(key, field=field)
            out[name] = _json_value(item, f"{field}.{name}", depth + 1, budget, phase)
        return out
    if isinstance(value, (list, tuple)):
        return [
            _json_value(item, f"{field}.{i}", depth + 1, budget, phase)
            for i, item in enumerate(value)
        ]
    raise invalid(
        field,
        f"must be JSON data (str, int, Decimal, date, list, mapping), got {describe(value)}",
        value,
    )


def check_key_like(key: object) -> bool:
    """Whether ``key`` is a plain field name (safe to put in an error's dotted field path)."""
    return isinstance(key, str) and _FIELD_KEY_RE.fullmatch(key) is not None


def check_field_key(key: object, *, field: str) -> str:
    """A wire field name: letters, digits and ``_`` (at most 64), starting with a letter or ``_``."""
    if not isinstance(key, str) or not _FIELD_KEY_RE.fullmatch(key):
        raise invalid(field, f"has a key that is not a field name: {describe(key)}", key)
    return str.__str__(key)


def check_json_fields(
    value: object, *, field: str, resource: str, actions: str, method: str
) -> dict[str, Any]:
    """An ``extra=``/``fields=`` mapping: str field-name keys, JSON-able values (bounded depth
    and size; floats, NaN and non-finite Decimals refused), no ``vis_state``/``action_*`` key.

    >>> check_json_fields({"bus_phone": "555"}, field="extra", resource="clients",
    ...                   actions="clients.delete()", method="create")
    {'bus_phone': '555'}
    """
    if not isinstance(value, Mapping):
        raise invalid(
            field, f"must be a mapping of wire field names to values, got {describe(value)}", value
        )
    data = _json_value(value, field, 0, [MAX_NODES], (resource, actions, method))
    return dict(data)


def check_json_body(body: object) -> bytes:
    """The body as strict JSON bytes (no NaN/Infinity, valid UTF-8) or a typed error.

    >>> check_json_body({"a": "1"})
    b'{"a":"1"}'
    """
    try:
        text = json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        return text.encode("utf-8")
    except (ValueError, TypeError, RecursionError, UnicodeEncodeError) as exc:
        raise InvalidRequestError(
            f"the request body is not valid JSON ({type(exc).__name__})", field="body"
        ) from None


def validation_to_invalid_request(exc: pydantic.ValidationError) -> InvalidRequestError:
    """Turn pydantic's error list into one ``InvalidRequestError`` naming every bad field."""
    details: list[ErrorDetail] = []
    for err in exc.errors(include_url=False):
        field = ".".join(str(p) for p in err["loc"]) or None
        value = err.get("input")
        shown = "" if isinstance(value, (dict, list)) else f", got {describe(value)}"
        details.append(
            ErrorDetail(
                message=err["msg"] + shown,
                field=field,
                value=None
                if isinstance(value, (dict, list))
                else (None if value is None else str(value)),
            )
        )
    first = details[0]
    summary = "; ".join(f"{d.field}: {d.message}" if d.field else d.message for d in details)
    return InvalidRequestError(
        f"invalid input ({summary})", field=first.field, value=first.value, errors=details
    )


def _is_phase_key(key: str) -> bool:
    norm = str.__str__(key).strip().lower()
    return norm in PHASE_KEYS or norm.startswith("action_")


def check_update_phase(
    fields: Mapping[str, Any], *, resource: str, actions: str, method: str = "update"
) -> None:
    """Refuse ``vis_state``/``action_*`` keys (in any case or spacing, at any depth) in a
    normal create or update.

    FreshBooks applies a PUT in phases: with ``vis_state`` or an ``action_*`` key present it
    silently drops every other field. Those are single-purpose calls here.
    """
    for key, value in fields.items():
        if isinstance(key, str) and _is_phase_key(key):
            raise InvalidRequestError(
                f"{resource}.{method}() does not send {key!r}: FreshBooks would silently drop "
                f"the other fields. Use {actions} instead.",
                field=str(key),
            )
        if isinstance(value, Mapping):
            check_update_phase(value, resource=resource, actions=actions, method=method)


def updated_since_filter(
    updated_since: object, *, field: str = "updated_since"
) -> tuple[date | None, Callable[[Any], bool] | None]:
    """(``search[updated_min]`` Eastern day, client-side predicate) for an aware instant.

    FreshBooks filters ``updated_min`` by Eastern calendar day only; the predicate then keeps
    the records whose ``updated`` may be at or after the instant, and drops the others. Never a
    record updated after it: ``updated`` has whole seconds (the cut is taken down to its
    second), and an Eastern wall time in the repeated hour when DST ends is read as its first
    occurrence, so such a record is kept when its second occurrence is at or after the cut.

    >>> from types import SimpleNamespace as Item
    >>> from datetime import timezone
    >>> day, keep = updated_since_filter(datetime(2024, 3, 15, 14, 0, 0, 300000, timezone.utc))
    >>> day, keep(Item(updated=datetime(2024, 3, 15, 14, 0, 0, tzinfo=timezone.utc)))
    (datetime.date(2024, 3, 15), True)
    >>> keep(Item(updated=datetime(2024, 3, 15, 13, 59, 59, tzinfo=timezone.utc)))
    False
    """
    if updated_since is None:
        return None, None
    cut = check_instant(updated_since, field=field).replace(microsecond=0)

    def keep(item: Any) -> bool:
        stamp = getattr(item, "updated", None)
        return stamp is None or stamp >= cut or later_reading(stamp) >= cut

    return eastern_date(cut), keep


def check_date(value: object, *, field: str) -> date | None:
    """``None`` or a calendar ``date`` (a ``datetime`` is refused: FreshBooks dates have no time)."""
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise invalid(field, f"must be a datetime.date, got {describe(value)}", value)
    day = date(value.year, value.month, value.day)
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise invalid(
            field, f"must lie between {EARLIEST_DATE} and {LATEST_DATE}, got {day}", value
        )
    return day


def check_date_range(date_from: object, date_to: object) -> tuple[date | None, date | None]:
    """``(date_from, date_to)`` of a listing (``search[date_min]``/``[date_max]``), each checked
    by :func:`check_date`; ``date_to`` before ``date_from`` is refused (nothing can match).

    FreshBooks documents ``date_max`` as exclusive ("less than"), so equal dates match nothing
    there either; they are let through, as the API notes mark that reading uncertain.

    >>> check_date_range(date(2024, 5, 1), date(2024, 6, 1))
    (datetime.date(2024, 5, 1), datetime.date(2024, 6, 1))
    >>> check_date_range(date(2024, 6, 1), date(2024, 5, 1))
    Traceback (most recent call last):
    ...
    freshbooks_sdk.errors.InvalidRequestError: date_to (2024-05-01) is before date_from (2024-06-01)
    """
    start = check_date(date_from, field="date_from")
    end = check_date(date_to, field="date_to")
    if start is not None and end is not None and end < start:
        raise invalid("date_to", f"({end}) is before date_from ({start})", date_to)
    return start, end


def check_id(value: object, *, field: str) -> int:
    """A positive int id, at most 2**63-1 (a bool is not an id).

    >>> check_id(7, field="client_id")
    7
    """
    return check_int(value, field=field, minimum=1, maximum=MAX_ID, what="a positive int id")


def _drop_none(body: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


# -- clients -----------------------------------------------------------------------------------

ADDRESS_FIELDS = {
    "street": "p_street",
    "street2": "p_street2",
    "city": "p_city",
    "province": "p_province",
    "postal_code": "p_code",
    "country": "p_country",
}


def _address_fields(address: object) -> dict[str, str | None]:
    if not isinstance(address, Mapping):
        raise invalid(
            "address",
            f"must be a mapping of {sorted(ADDRESS_FIELDS)}, got {describe(address)}",
            address,
        )
    unknown = [k for k in address if k not in ADDRESS_FIELDS]
    if unknown:
        first = unknown[0]
        raise invalid(
            f"address.{first}" if isinstance(first, str) and check_key_like(first) else "address",
            f"has unknown field(s) {[describe(k) for k in unknown[:5]]}; use {sorted(ADDRESS_FIELDS)}",
        )
    return {
        wire: check_text(address.get(key), field=f"address.{key}")
        for key, wire in ADDRESS_FIELDS.items()
    }


def client_body(
    *,
    email: object = None,
    fname: object = None,
    lname: object = None,
    organization: object = None,
    address: object = None,
    currency_code: object = None,
    extra: object = None,
    require_identity: bool = True,
) -> dict[str, Any]:
    """The ``client`` body for create/update; ``address`` keys: street, street2, city,
    province, postal_code, country (sent as FreshBooks' primary address ``p_*`` fields).

    >>> client_body(email="ada@example.com", fname="Ada")
    {'email': 'ada@example.com', 'fname': 'Ada'}
    """
    body: dict[str, Any] = {
        "email": check_email(email, field="email"),
        "fname": check_text(fname, field="fname"),
        "lname": check_text(lname, field="lname"),
        "organization": check_text(organization, field="organization"),
    }
    if require_identity and not any(v and v.strip() for v in body.values()):
        raise InvalidRequestError(
            "a client needs at least one of fname, lname, email or organization "
            "(FreshBooks errno 7012)",
            field="fname",
        )
    if address is not None:
        body.update(_address_fields(address))
    if currency_code is not None:
        body["currency_code"] = check_currency(currency_code)
    if extra is not None:
        checked = check_json_fields(
            extra, field="extra", resource="clients", actions="clients.delete()", method="create"
        )
        body.update(checked)
    return _drop_none(body)


# -- invoices ----------------------------------------------------------------------------------

LINE_KEYS = {
    "name",
    "description",
    "qty",
    "quantity",
    "unit_cost",
    "tax_name1",
    "tax_percent1",
    "tax_name2",
    "tax_percent2",
    "type",
    "expenseid",
}
_WIRE_LINE_KEYS = {"taxName1", "taxAmount1", "taxName2", "taxAmount2"}


def _percent(value: object, *, field: str) -> str | None:
    if value is None:
        return None
    number = to_decimal(value, field=field, allow_negative=False)
    if number > 100:
        raise invalid(field, f"is a percent (0-100), got {describe(value)}", value)
    return decimal_text(number)


def _line_type(value: object, *, field: str) -> int:
    """A line ``type``: 0 (normal) or 1 (a rebilled expense, with ``expenseid``)."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in (0, 1):
        raise invalid(
            field, f"must be 0 (normal line) or 1 (rebilled expense), got {describe(value)}", value
        )
    return int.__int__(value)


def _line_mapping(line: object, where: str) -> Mapping[str, Any]:
    if not isinstance(line, Mapping) and hasattr(line, "model_dump"):
        try:
            dumped = line.model_dump(exclude_none=True)
        except Exception:  # a foreign object's model_dump
            dumped = None
        if isinstance(dumped, Mapping):
            return dumped
    if not isinstance(line, Mapping):
        raise invalid(where, f"must be a mapping of line fields, got {describe(line)}", line)
    return line


def invoice_line(line: Mapping[str, Any] | Any, index: int, currency: str | None) -> dict[str, Any]:
    """One invoice line for the wire; ``line`` is a mapping or an ``InvoiceLineCreate``-like object.

    Keys: ``name`` (required), ``description``, ``qty``/``quantity`` (default 1, not negative),
    ``unit_cost`` (money input), ``tax_name1``/``tax_percent1``, ``tax_name2``/``tax_percent2``,
    ``type`` 1 with ``expenseid`` for a rebilled expense.

    >>> invoice_line({"name": "Design", "qty": 3, "unit_cost": "120"}, 0, "USD")["unit_cost"]
    {'amount': '120', 'code': 'USD'}
    """
    where = f"lines.{index}"
    line = _line_mapping(line, where)
    unknown = [k for k in line if not (isinstance(k, str) and k in LINE_KEYS | _WIRE_LINE_KEYS)]
    if unknown:
        raise invalid(
            f"{where}.{unknown[0]}"
            if isinstance(unknown[0], str) and len(unknown[0]) < 64
            else where,
            f"is not a line field (unknown: {[describe(k) for k in unknown[:5]]})",
        )
    name = line.get("name")
    if name is None or (isinstance(name, str) and not name.strip()):
        raise invalid(f"{where}.name", "is required (a non-empty str)", name)
    qty_in = line.get("qty", line.get("quantity", 1))
    qty = to_decimal(qty_in, field=f"{where}.qty", allow_negative=False)
    if "unit_cost" not in line:
        raise invalid(f"{where}.unit_cost", "is required")
    line_type = _line_type(line.get("type", 0), field=f"{where}.type")
    expense_id = check_optional_id(line.get("expenseid"), field=f"{where}.expenseid")
    if line_type == 1 and expense_id is None:
        raise invalid(f"{where}.expenseid", "is required for a rebilled expense line (type 1)")
    body: dict[str, Any] = {
        "type": line_type,
        "name": check_text(name, field=f"{where}.name"),
        "description": check_long_text(line.get("description"), field=f"{where}.description"),
        "qty": decimal_text(qty),
        "unit_cost": to_wire_money(line["unit_cost"], currency, field=f"{where}.unit_cost"),
        "taxName1": check_text(
            line.get("tax_name1", line.get("taxName1")), field=f"{where}.tax_name1"
        ),
        "taxAmount1": _percent(
            line.get("tax_percent1", line.get("taxAmount1")), field=f"{where}.tax_percent1"
        ),
        "taxName2": check_text(
            line.get("tax_name2", line.get("taxName2")), field=f"{where}.tax_name2"
        ),
        "taxAmount2": _percent(
            line.get("tax_percent2", line.get("taxAmount2")), field=f"{where}.tax_percent2"
        ),
        "expenseid": expense_id,
    }
    return _drop_none(body)


def check_lines(lines: object, *, field: str = "lines") -> list[object]:
    """A non-empty list (or tuple) of at most 500 lines; a str, mapping or generator is refused."""
    if not isinstance(lines, (list, tuple)) or len(lines) == 0:
        raise invalid(
            field, f"must be a non-empty list of invoice lines, got {describe(lines)}", lines
        )
    if len(lines) > MAX_LIST:
        raise invalid(field, f"has more than {MAX_LIST} lines ({len(lines)})")
    return list(lines)


def line_unit_costs(lines: object) -> list[object]:
    """The given ``unit_cost`` of each line (mappings or line objects); others are skipped."""
    if not isinstance(lines, (list, tuple)):
        return []
    costs: list[object] = []
    for ln in lines[:MAX_LIST]:
        try:
            cost = (
                ln.get("unit_cost") if isinstance(ln, Mapping) else getattr(ln, "unit_cost", None)
            )
        except Exception:  # a hostile line object; refused later by invoice_line
            cost = None
        if cost is not None:
            costs.append(cost)
    return costs


def resolve_currency(
    explicit: object, default: str | None, money_values: Iterable[object]
) -> str | None:
    """The document currency: the call's, else a ``Money`` input's, else the client default."""
    if explicit is not None:
        return check_currency(explicit)
    for value in money_values:
        if isinstance(value, (str, int, float, Decimal)):
            continue
        try:
            own = getattr(value, "code", None)
        except Exception:  # a hostile object's attribute access
            own = None
        if isinstance(own, str):
            return check_currency(own)
    return default


MAX_DUE_OFFSET_DAYS = 3650


def check_due_offset(value: object) -> int | None:
    """``None`` or whole days 0..3650 after the invoice date."""
    if value is None:
        return None
    return check_int(
        value, field="due_offset_days", maximum=MAX_DUE_OFFSET_DAYS, what="an int >= 0 (days)"
    )


def invoice_body(
    *,
    customer_id: object,
    lines: object,
    currency_code: object,
    default_currency: str | None,
    create_date: object,
    today: date,
    due_offset_days: object = None,
    po_number: object = None,
    notes: object = None,
    terms: object = None,
    invoice_number: object = None,
    discount_percent: object = None,
    language: object = None,
    extra: object = None,
) -> dict[str, Any]:
    """The ``invoice`` body for create: lines are required and all in one currency."""
    check_id(customer_id, field="customer_id")
    line_list = check_lines(lines)
    currency = resolve_currency(currency_code, default_currency, line_unit_costs(line_list))
    if currency is None:
        raise InvalidRequestError(
            "currency_code is required: pass currency_code=..., Money line costs, or set "
            "default_currency on the client (the currency is never assumed)",
            field="currency_code",
        )
    day = check_date(create_date, field="create_date") or today
    body: dict[str, Any] = {
        "customerid": customer_id,
        "create_date": day.isoformat(),
        "currency_code": currency,
        "lines": [invoice_line(line, i, currency) for i, line in enumerate(line_list)],
        "due_offset_days": check_due_offset(due_offset_days),
        "po_number": check_text(po_number, field="po_number"),
        "notes": check_long_text(notes, field="notes"),
        "terms": check_long_text(terms, field="terms"),
        "invoice_number": check_text(invoice_number, field="invoice_number"),
        "discount_value": _percent(discount_percent, field="discount_percent"),
        "language": check_text(language, field="language", max_len=16),
    }
    if extra is not None:
        body.update(
            check_json_fields(
                extra,
                field="extra",
                resource="invoices",
                actions="invoices.send(), mark_as_sent() or delete()",
                method="create",
            )
        )
    return _drop_none(body)


def invoice_update_fields(
    *,
    po_number: object = None,
    notes: object = None,
    terms: object = None,
    due_offset_days: object = None,
    create_date: object = None,
    lines: object = None,
    currency_code: object = None,
    fields: object = None,
) -> dict[str, Any]:
    """The checked, given arguments of ``invoices.update`` (wire names; ``lines`` unconverted)."""
    day = check_date(create_date, field="create_date")
    given: dict[str, Any] = {
        "po_number": check_text(po_number, field="po_number"),
        "notes": check_long_text(notes, field="notes"),
        "terms": check_long_text(terms, field="terms"),
        "due_offset_days": check_due_offset(due_offset_days),
        "create_date": None if day is None else day.isoformat(),
        "lines": None if lines is None else check_lines(lines),
        "currency_code": None if currency_code is None else check_currency(currency_code),
    }
    given = _drop_none(given)
    if fields is not None:
        extra = check_json_fields(
            fields,
            field="fields",
            resource="invoices",
            actions="invoices.send(), mark_as_sent() or delete()",
            method="update",
        )
        if "lines" in extra:
            given["lines"] = check_lines(extra.pop("lines"), field="fields.lines")
        given.update(extra)
    if not given:
        raise InvalidRequestError("update needs at least one field", field="fields")
    return given


def invoice_update_body(fields: Mapping[str, Any], currency: str | None) -> dict[str, Any]:
    """A partial ``invoice`` update: never carries ``vis_state`` or ``action_*`` keys."""
    check_update_phase(
        fields, resource="invoices", actions="invoices.send(), mark_as_sent() or delete()"
    )
    if not fields:
        raise InvalidRequestError("update needs at least one field", field="fields")
    body = dict(fields)
    if "lines" in body:
        lines = check_lines(body["lines"])
        body["lines"] = [invoice_line(line, i, currency) for i, line in enumerate(lines)]
    if "create_date" in body and isinstance(body["create_date"], date):
        body["create_date"] = body["create_date"].isoformat()
    return body


MAX_RECIPIENTS = 50


def send_body(
    *,
    to: object,
    subject: object,
    body: object,
    include_pdf: object,
) -> dict[str, Any]:
    """The single-purpose ``action_email`` PUT body (``to``: one address or a list of them).

    >>> send_body(to=["a@b.com"], subject=None, body=None, include_pdf=False)["email_recipients"]
    ['a@b.com']
    """
    recipients: list[str] = []
    if to is not None:
        if isinstance(to, str):
            to = [to]
        if not isinstance(to, (list, tuple)):
            raise invalid("to", f"must be a list of email addresses, got {describe(to)}", to)
        if len(to) > MAX_RECIPIENTS:
            raise invalid("to", f"has more than {MAX_RECIPIENTS} recipients ({len(to)})")
        for i, address in enumerate(to):
            checked = check_email(address, field=f"to.{i}")
            if checked is None:
                raise invalid(f"to.{i}", "is not an email address: None")
            recipients.append(checked)
    payload: dict[str, Any] = {
        "action_email": True,
        "email_include_pdf": check_bool(include_pdf, field="include_pdf"),
    }
    if recipients:
        payload["email_recipients"] = recipients
    if subject is not None or body is not None:
        payload["invoice_customized_email"] = _drop_none(
            {
                "subject": check_text(subject, field="subject"),
                "body": check_long_text(body, field="body"),
            }
        )
    return payload


# -- expenses ----------------------------------------------------------------------------------


def expense_body(
    *,
    amount: object,
    category_id: object,
    date_: object,
    staff_id: object,
    currency_code: object,
    default_currency: str | None,
    vendor: object = None,
    client_id: object = None,
    project_id: object = None,
    notes: object = None,
    tax_name1: object = None,
    tax_amount1: object = None,
    tax_name2: object = None,
    tax_amount2: object = None,
    extra: object = None,
) -> dict[str, Any]:
    """The ``expense`` body for create (``categoryid``, ``amount``, ``date`` required; FreshBooks
    also requires ``staffid``, which the resource looks up when ``staff_id`` is None)."""
    check_id(category_id, field="category_id")
    day = check_date(date_, field="date")
    if day is None:
        raise InvalidRequestError("date is required (a datetime.date)", field="date")
    currency = resolve_currency(currency_code, default_currency, [amount])
    money = to_wire_money(amount, currency, field="amount", allow_negative=False)
    body: dict[str, Any] = {
        "amount": money,
        "categoryid": category_id,
        "date": day.isoformat(),
        "staffid": check_optional_id(staff_id, field="staff_id"),
        "vendor": check_text(vendor, field="vendor"),
        "clientid": check_optional_id(client_id, field="client_id"),
        "projectid": check_optional_id(project_id, field="project_id"),
        "notes": check_long_text(notes, field="notes"),
        "taxName1": check_text(tax_name1, field="tax_name1"),
        "taxAmount1": None
        if tax_amount1 is None
        else to_wire_money(tax_amount1, money["code"], field="tax_amount1", allow_negative=False),
        "taxName2": check_text(tax_name2, field="tax_name2"),
        "taxAmount2": None
        if tax_amount2 is None
        else to_wire_money(tax_amount2, money["code"], field="tax_amount2", allow_negative=False),
    }
    if extra is not None:
        body.update(
            check_json_fields(
                extra,
                field="extra",
                resource="expenses",
                actions="expenses.delete()",
                method="create",
            )
        )
    return _drop_none(body)


def expense_update_body(
    *,
    amount: object = None,
    currency_code: object = None,
    default_currency: str | None = None,
    category_id: object = None,
    date_: object = None,
    vendor: object = None,
    client_id: object = None,
    project_id: object = None,
    notes: object = None,
    fields: object = None,
) -> dict[str, Any]:
    """A partial ``expense`` update: only what is given, in wire names; phase keys refused."""
    day = check_date(date_, field="date")
    body: dict[str, Any] = {
        "categoryid": check_optional_id(category_id, field="category_id"),
        "date": None if day is None else day.isoformat(),
        "vendor": check_text(vendor, field="vendor"),
        "clientid": check_optional_id(client_id, field="client_id"),
        "projectid": check_optional_id(project_id, field="project_id"),
        "notes": check_long_text(notes, field="notes"),
    }
    if amount is not None:
        currency = resolve_currency(currency_code, default_currency, [amount])
        body["amount"] = to_wire_money(amount, currency, field="amount", allow_negative=False)
    elif currency_code is not None:
        check_currency(currency_code)
    return plain_update_body(
        {**_drop_none(body), **_fields(fields, resource="expenses", actions="expenses.delete()")},
        resource="expenses",
        actions="expenses.delete()",
    )


def _fields(fields: object, *, resource: str, actions: str) -> dict[str, Any]:
    if fields is None:
        return {}
    return check_json_fields(
        fields, field="fields", resource=resource, actions=actions, method="update"
    )


def plain_update_body(fields: Mapping[str, Any], *, resource: str, actions: str) -> dict[str, Any]:
    """A partial update of wire fields (dates become ISO strings); phase keys refused."""
    data = check_json_fields(
        fields, field="fields", resource=resource, actions=actions, method="update"
    )
    if not data:
        raise InvalidRequestError("update needs at least one field", field="fields")
    return data


def client_update_body(
    *,
    email: object = None,
    fname: object = None,
    lname: object = None,
    organization: object = None,
    address: object = None,
    currency_code: object = None,
    fields: object = None,
) -> dict[str, Any]:
    """A partial ``client`` update: the given fields (and ``fields``' wire fields), phase keys refused."""
    body = client_body(
        email=email,
        fname=fname,
        lname=lname,
        organization=organization,
        address=address,
        currency_code=currency_code,
        require_identity=False,
    )
    return plain_update_body(
        {**body, **_fields(fields, resource="clients", actions="clients.delete()")},
        resource="clients",
        actions="clients.delete()",
    )


# -- poller arguments --------------------------------------------------------------------------

MAX_POLL_INTERVAL = 30 * 86_400.0
"""Longest poll interval accepted (30 days)."""
MAX_POLL_WINDOW = timedelta(days=7)
"""Longest ``overlap``/``safety`` accepted."""
MAX_BACKFILL_START = timedelta(days=365 * 30)
MAX_CAP = 1_000_000
MAX_PATH = 4096


def check_start(start: object) -> object:
    """``"now"``, a backfill ``timedelta`` (0..30 years) or an aware datetime (1970..2200)."""
    if isinstance(start, str):
        if start != "now":
            raise invalid(
                "start", f'must be "now", a timedelta or an aware datetime, got {describe(start)}'
            )
        return "now"
    if isinstance(start, timedelta):
        return check_timedelta(start, field="start", maximum=MAX_BACKFILL_START)
    if isinstance(start, datetime):
        return check_instant(start, field="start")
    raise invalid(
        "start", f'must be "now", a timedelta or an aware datetime, got {describe(start)}', start
    )


def check_store_path(store: object) -> None:
    """A cursor store argument given as a path: a str/PathLike without NUL, of sane length."""
    if isinstance(store, (str, bytes)) or hasattr(store, "__fspath__"):
        try:
            path = store if isinstance(store, str) else getattr(store, "__fspath__")()  # noqa: B009 - os.PathLike protocol
        except Exception:  # a hostile PathLike
            path = None
        if not isinstance(path, str):
            raise invalid("store", "must be a CursorStore, a str path or None", store)
        check_text(path, field="store", max_len=MAX_PATH)


def check_poll_args(
    *,
    start: object,
    interval: object,
    key: object,
    cap: object,
    include_deleted: object,
    yield_empty: object,
    per_page: object,
    overlap: object,
    safety: object,
    store: object,
) -> None:
    """Check every ``poll(...)`` argument before a poller (or its cursor store) is built.

    >>> check_poll_args(start="now", interval=300, key=None, cap=None, include_deleted=False,
    ...     yield_empty=False, per_page=100, overlap=timedelta(hours=1),
    ...     safety=timedelta(minutes=5), store=None)
    """
    check_start(start)
    check_seconds(interval, field="interval", minimum=0.001, maximum=MAX_POLL_INTERVAL)
    if key is not None:
        text = check_text(key, field="key", max_len=SHORT_TEXT)
        if not text:
            raise invalid("key", "must not be empty", key)
    if cap is not None:
        check_int(cap, field="cap", minimum=1, maximum=MAX_CAP, what="None or an int >= 1")
    check_bool(include_deleted, field="include_deleted")
    check_bool(yield_empty, field="yield_empty")
    check_int(per_page, field="per_page", minimum=1, maximum=100)
    check_timedelta(overlap, field="overlap", maximum=MAX_POLL_WINDOW)
    check_timedelta(safety, field="safety", maximum=MAX_POLL_WINDOW)
    check_store_path(store)


# -- list filters ------------------------------------------------------------------------------

CLIENT_LIKE_FILTERS = (
    "fname_like",
    "lname_like",
    "organization_like",
    "address_like",
    "phone_like",
    "note_like",
)
"""FreshBooks' documented substring filters of clients (``search[<name>]``)."""
CLIENT_BALANCE_FILTERS = ("has_credit", "has_draft", "has_outstanding", "has_overdue")
"""FreshBooks' documented "special, no input" filters of clients (sent only when True)."""


def check_id_list(value: object, *, field: str, max_len: int = 100) -> list[int] | None:
    """``None`` or a list/tuple/set of positive ids (a bare int or str is refused)."""
    if value is None:
        return None
    if not isinstance(value, (list, tuple, set, frozenset)):
        raise invalid(field, f"must be a list of positive int ids, got {describe(value)}", value)
    if not value or len(value) > max_len:
        raise invalid(field, f"must hold 1 to {max_len} ids, got {len(value)}")
    return [check_id(v, field=f"{field}.{i}") for i, v in enumerate(value)]


def client_search(
    *,
    email: object = None,
    user_ids: object = None,
    vis_state: object = None,
    email_like: object = None,
    **filters: object,
) -> dict[str, Any]:
    """The ``search[...]`` filters of ``clients.list`` (documented client filters only).

    >>> client_search(email="a@b.com", organization_like="Acme", has_outstanding=True)
    {'email': 'a@b.com', 'userids': None, 'vis_state': None, 'organization_like': 'Acme', 'has_outstanding': True}
    """
    if email_like is not None:
        raise invalid(
            "email_like",
            "is not a FreshBooks client filter (the clients API documents `email`, an exact "
            "match, and the *_like filters fname_like, lname_like, organization_like, "
            "address_like, phone_like, note_like); use email= instead",
        )
    search: dict[str, Any] = {
        "email": check_email(email, field="email"),
        "userids": check_id_list(user_ids, field="user_ids"),
        "vis_state": check_vis_state(vis_state),
    }
    for name, value in filters.items():
        if name in CLIENT_LIKE_FILTERS:
            text = check_text(value, field=name)
            if text is not None and not text.strip():
                raise invalid(name, "must not be blank", value)
            if text is not None:
                search[name] = text
        elif name not in CLIENT_BALANCE_FILTERS:
            raise invalid(name, "is not a FreshBooks client filter")
        elif value is not None:
            if check_bool(value, field=name) is False:
                raise invalid(
                    name,
                    "can only be True (FreshBooks has no filter for the opposite); leave it None",
                    value,
                )
            search[name] = True
    return search


def check_v3_status(value: object) -> str | None:
    """``None`` or a documented invoice ``v3_status`` (an ``InvoiceV3Status`` member or its
    name); anything else is refused before sending (FreshBooks would answer an empty list).

    >>> check_v3_status("paid")
    'paid'
    >>> check_v3_status("payed")
    Traceback (most recent call last):
    ...
    freshbooks_sdk.errors.InvalidRequestError: v3_status must be one of autopaid, created, declined, deposit-paid, deposit-partial, disputed, draft, failed, overdue, paid, partial, pending, resolved, retry, sent, success, viewed; got 'payed'
    """
    if value is None:
        return None
    name = getattr(value, "value", value) if isinstance(value, str) else value
    if not isinstance(name, str) or str.__str__(name) not in INVOICE_V3_STATUSES:
        raise invalid(
            "v3_status",
            f"must be one of {', '.join(sorted(INVOICE_V3_STATUSES))}; got {describe(value)}",
            value,
        )
    return str.__str__(name)


# -- client constructor ------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"^[\x21-\x7e]{1,4096}$")
_USER_AGENT_RE = re.compile(r"^[\x20-\x7e]{1,256}$")
MAX_TIMEOUT = 3600.0
"""Longest timeout accepted (seconds) for one request phase."""
MAX_RETRIES = 20
MAX_RETRY_WAIT = 86_400.0
MAX_URL = 2048


def check_access_token(token: object) -> str:
    """A bearer token as sent in a header: 1-4096 visible ASCII characters (no space, CR, LF).

    The token itself never appears in the message.
    """
    if not isinstance(token, str):
        raise invalid("access_token", f"must be a str, got a {type(token).__name__}")
    if not token.strip():
        raise invalid("access_token", "must not be empty (or pass token_source=...)")
    if not _TOKEN_RE.fullmatch(token):
        raise invalid(
            "access_token",
            "must be 1-4096 visible ASCII characters (no spaces, line breaks or other "
            "characters that cannot go in an Authorization header)",
        )
    return str.__str__(token)


def check_base_url(url: object) -> str:
    """An ``http(s)://host[:port][/path]`` URL without credentials, query or fragment.

    >>> check_base_url("https://api.freshbooks.com/")
    'https://api.freshbooks.com'
    """
    text = check_text(url, field="base_url", max_len=MAX_URL)
    if text is None:
        raise invalid("base_url", "must be a str such as 'https://api.freshbooks.com'")
    if not text.isascii() or any(c.isspace() for c in text):
        raise invalid("base_url", f"must be plain ASCII without spaces, got {describe(text)}", text)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise invalid("base_url", f"is not a valid URL: {describe(text)}", text) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise invalid(
            "base_url",
            f"must start with http:// or https:// and name a host, got {describe(text)}",
            text,
        )
    if parts.username is not None or parts.password is not None:
        raise invalid("base_url", "must not carry credentials (user:password@)")
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise invalid("base_url", f"must not have a query or fragment, got {describe(text)}", text)
    if port is not None and port == 0:
        raise invalid("base_url", f"has an invalid port, got {describe(text)}", text)
    return text.rstrip("/")


def check_timeout_arg(timeout: object, *, parts: Iterable[object] | None = None) -> None:
    """A finite positive number of seconds (at most an hour), or each phase of an
    ``httpx.Timeout`` (pass its ``connect, read, write, pool`` as ``parts``)."""
    if parts is not None:
        for name, value in zip(("connect", "read", "write", "pool"), parts, strict=True):
            check_seconds(value, field=f"timeout.{name}", minimum=0.001, maximum=MAX_TIMEOUT)
        return
    check_seconds(timeout, field="timeout", minimum=0.001, maximum=MAX_TIMEOUT)


def check_client_args(
    *,
    access_token: object,
    has_token_source: bool,
    base_url: object,
    max_retries: object,
    max_retry_wait: object,
    default_currency: object,
    user_agent: object,
    callables: Mapping[str, object],
) -> tuple[str | None, str, str | None]:
    """Check the ``FreshBooks``/``AsyncFreshBooks`` arguments that need no I/O types; returns
    the plain-str ``(access_token, base_url, user_agent)`` to use (a str subclass's own
    ``__str__`` never reaches a header).

    >>> check_client_args(access_token="t", has_token_source=False,
    ...     base_url="https://api.freshbooks.com", max_retries=3, max_retry_wait=60.0,
    ...     default_currency=None, user_agent=None, callables={"sleep": None})
    ('t', 'https://api.freshbooks.com', None)
    """
    token: str | None = None
    if has_token_source:
        if access_token is not None:
            raise invalid("token_source", "cannot be combined with access_token: pass one")
    else:
        token = check_access_token(access_token)
    url = check_base_url(base_url)
    check_int(max_retries, field="max_retries", maximum=MAX_RETRIES, what="an int >= 0")
    check_seconds(max_retry_wait, field="max_retry_wait", maximum=MAX_RETRY_WAIT)
    if default_currency is not None:
        check_currency(default_currency, "default_currency")
    if user_agent is not None:
        if not isinstance(user_agent, str) or not _USER_AGENT_RE.fullmatch(user_agent):
            raise invalid(
                "user_agent",
                f"must be 1-256 printable ASCII characters, got {describe(user_agent)}",
                user_agent,
            )
    for name, fn in callables.items():
        if fn is not None and not callable(fn):
            raise invalid(name, f"must be callable or None, got {describe(fn)}", fn)
    return token, url, None if user_agent is None else str.__str__(user_agent)
