"""Reading request bodies: strict coercion of FreshBooks field values, with FreshBooks errors.

Type errors answer 400 (errno 1004 InvalidValue, 1015 number, 1031 boolean, 1033 date);
missing required fields answer 422 errno 1001.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import AccountingError, ErrorItem, bad_value, required
from .wire import JsonObj

__all__ = [
    "parse_json_body",
    "read_bool",
    "read_date",
    "read_decimal",
    "read_int",
    "read_money",
    "read_str",
    "read_str_list",
    "unwrap",
]

_INT_RE = re.compile(r"^-?\d{1,18}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
_MAX_DECIMAL_DIGITS = 30


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
    return value


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
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise bad_value(key, obj, value, f"{key} must be a decimal number.", errno=1015)
    try:
        result = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        raise bad_value(key, obj, value, f"{key} must be a decimal number.", errno=1015) from None
    if not result.is_finite() or len(result.as_tuple().digits) > _MAX_DECIMAL_DIGITS:
        raise bad_value(key, obj, value, f"{key} must be a decimal number.", errno=1015)
    return result + 0  # normalizes -0


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
    return list(value)
