"""Reading request bodies: strict coercion of FreshBooks field values, with FreshBooks errors.

Type errors answer 400 (errno 1004 InvalidValue, 1015 number, 1031 boolean, 1033 date);
missing required fields answer 422 errno 1001 (every missing field at once); decimals beyond
what FreshBooks stores (more than 15 digits before the point or 10 after) answer 422 errno 1018.
Everything that could not be rendered back (a lone surrogate, NaN, a 10**999999 amount) is
refused here, before anything is stored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import AccountingError, ErrorItem, bad_value, required, required_item
from .wire import JsonObj

__all__ = [
    "MAX_FRACTION_DIGITS",
    "MAX_INTEGER_DIGITS",
    "check_magnitude",
    "magnitude_error",
    "parse_json_body",
    "read_bool",
    "read_date",
    "read_decimal",
    "read_int",
    "read_money",
    "read_str",
    "read_str_list",
    "require",
    "unwrap",
]

_INT_RE = re.compile(r"^-?\d{1,18}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")

MAX_INTEGER_DIGITS = 15
"""Digits a decimal may have before the point (amounts below 10**15, as FreshBooks stores)."""
MAX_FRACTION_DIGITS = 10
"""Digits a decimal may have after the point (trailing zeros do not count)."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_json_body(body: bytes) -> Any:
    """Decode a JSON body (numbers with a fraction become Decimal); 400 errno 1005 when broken."""
    if not body.strip():
        raise AccountingError(400, ErrorItem(1005, "The request body is empty; expected JSON."))
    try:
        return json.loads(body, parse_float=Decimal, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise AccountingError(
            400, ErrorItem(1005, f"Could not parse the request body as JSON: {exc}")
        ) from None


def unwrap(payload: Any, single: str) -> JsonObj:
    """``{"client": {...}}`` -> the inner object; 400 errno 1006 MappingError otherwise."""
    if not isinstance(payload, dict) or not isinstance(payload.get(single), dict):
        raise AccountingError(
            400,
            ErrorItem(
                1006,
                f"Expected a JSON object with a '{single}' object inside.",
                field=single,
                object=single,
            ),
        )
    inner: JsonObj = payload[single]
    return inner


def require(data: JsonObj, keys: Sequence[str], obj: str) -> None:
    """422 errno 1001 naming *every* key of ``keys`` that is absent or null (one error each)."""
    missing = [key for key in keys if data.get(key) is None]
    if missing:
        raise AccountingError(422, [required_item(key, obj) for key in missing])


def _check_text(value: str, key: str, obj: str) -> str:
    """Refuse text UTF-8 cannot encode (a lone surrogate such as a JSON ``"\\ud800"``)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise bad_value(
            key, obj, value, f"{key} must be valid Unicode text (no lone surrogates)."
        ) from None
    return value


def read_int(data: JsonObj, key: str, obj: str, *, default: int | None = None) -> int | None:
    """An id-like integer: a JSON integer, or a string of digits (the Node SDK sends those)."""
    if key not in data or data[key] is None:
        return default
    value = data[key]
    if isinstance(value, bool):
        raise bad_value(key, obj, value, f"{key} must be a number.", errno=1015)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
        return int(value.strip())
    raise bad_value(key, obj, value, f"{key} must be a number.", errno=1015)


def read_str(
    data: JsonObj, key: str, obj: str, *, default: str | None = None, max_len: int = 5000
) -> str | None:
    if key not in data or data[key] is None:
        return default if key not in data else None
    value = data[key]
    if not isinstance(value, str):
        raise bad_value(key, obj, value, f"{key} must be a string.")
    if len(value) > max_len:
        raise bad_value(key, obj, value, f"{key} is longer than {max_len} characters.", errno=1017)
    return _check_text(value, key, obj)


def read_bool(data: JsonObj, key: str, obj: str, *, default: bool | None = None) -> bool | None:
    if key not in data or data[key] is None:
        return default
    value = data[key]
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise bad_value(key, obj, value, f"{key} must be a boolean.", errno=1031)


def read_decimal(
    data: JsonObj, key: str, obj: str, *, default: Decimal | None = None
) -> Decimal | None:
    """A decimal given as a string or a JSON number (never read through float)."""
    if key not in data or data[key] is None:
        return default
    return to_decimal(data[key], key, obj)


def to_decimal(value: Any, key: str, obj: str) -> Decimal:
    """A finite decimal within :func:`check_magnitude`'s bounds, or a 4xx naming ``key``."""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise _not_a_number(key, obj, value)
    try:
        result = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, ValueError):
        raise _not_a_number(key, obj, value) from None
    if not result.is_finite():  # NaN, sNaN, Infinity
        raise _not_a_number(key, obj, value)
    check_magnitude(result, key, obj, value)
    if not result:
        return Decimal(0)  # -0, 0E-999999, 0E+999999: all plain zero
    return result + 0  # exact: at most 25 significant digits once trailing zeros go


def _not_a_number(key: str, obj: str, value: object) -> AccountingError:
    return bad_value(key, obj, value, f"{key} must be a decimal number.", errno=1015)


def _digits(value: Decimal) -> tuple[int, int]:
    """(digits before the point, digits after it without trailing zeros) of a finite decimal."""
    _, digits, exp = value.as_tuple()
    assert isinstance(exp, int)
    coefficient = list(digits)
    if not any(coefficient):
        return 0, 0
    while exp < 0 and coefficient[-1] == 0:
        coefficient.pop()
        exp += 1
    return max(0, len(coefficient) + exp), max(0, -exp)


def check_magnitude(value: Decimal, key: str, obj: str, raw: object | None = None) -> None:
    """422 errno 1018 unless ``value`` has at most 15 digits before the point and 10 after.

    >>> check_magnitude(Decimal("999999999999999.9999999999"), "qty", "line")
    >>> try:
    ...     check_magnitude(Decimal("1e15"), "qty", "line")
    ... except AccountingError as err:
    ...     print(err.status, err.items[0].errno, err.items[0].message)
    422 1018 qty must be less than 10^15 with at most 10 decimal places.
    """
    whole, fraction = _digits(value)
    if whole > MAX_INTEGER_DIGITS or fraction > MAX_FRACTION_DIGITS:
        raise magnitude_error(key, obj, value if raw is None else raw)


def magnitude_error(key: str, obj: str, raw: object) -> AccountingError:
    return bad_value(
        key,
        obj,
        raw,
        f"{key} must be less than 10^{MAX_INTEGER_DIGITS} "
        f"with at most {MAX_FRACTION_DIGITS} decimal places.",
        errno=1018,
        status=422,
    )


def read_money(
    data: JsonObj, key: str, obj: str, *, default_code: str
) -> tuple[Decimal, str] | None:
    """``{"amount": "12.50", "code": "USD"}`` -> ``(Decimal("12.50"), "USD")``."""
    if key not in data or data[key] is None:
        return None
    value = data[key]
    if not isinstance(value, dict):
        raise bad_value(
            key, obj, value, f'{key} must be an object like {{"amount": "10.00", "code": "USD"}}.'
        )
    if value.get("amount") is None:
        raise required(f"{key}.amount", obj)
    amount = to_decimal(value["amount"], f"{key}.amount", obj)
    code = value.get("code") or default_code
    if not isinstance(code, str) or not _CURRENCY_RE.fullmatch(code):
        raise bad_value(f"{key}.code", obj, code, "code must be a 3-letter currency code.")
    return amount, code


def read_currency(data: JsonObj, key: str, obj: str) -> str | None:
    value = read_str(data, key, obj)
    if value is not None and not _CURRENCY_RE.fullmatch(value):
        raise bad_value(key, obj, value, f"{key} must be a 3-letter currency code.")
    return value


def parse_date(value: Any, key: str, obj: str) -> date:
    if isinstance(value, str) and _DATE_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise bad_value(key, obj, value, f"{key} must be a date formatted YYYY-MM-DD.", errno=1033)


def read_date(data: JsonObj, key: str, obj: str) -> date | None:
    if key not in data or data[key] is None:
        return None
    return parse_date(data[key], key, obj)


def read_str_list(data: JsonObj, key: str, obj: str) -> list[str] | None:
    if key not in data or data[key] is None:
        return None
    value = data[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad_value(key, obj, value, f"{key} must be a list of strings.")
    return [_check_text(v, key, obj) for v in value]
