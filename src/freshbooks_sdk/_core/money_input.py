"""Money and number inputs for request bodies (pure).

Inputs accept decimal strings, ints, ``Decimal`` or ``Money``; a ``float`` is refused (binary
floats cannot hold most cents exactly). On the wire money is ``{"amount": "12.50", "code": "USD"}``.

>>> to_wire_money("12.50", "usd", field="amount")
{'amount': '12.50', 'code': 'USD'}
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, Union

from freshbooks_sdk.errors import InvalidRequestError

_CURRENCY_RE = re.compile(r"^[A-Za-z]{3}$")

MoneyInput = Union[str, int, Decimal, Any]  # Any: a freshbooks_sdk.Money


def check_currency(code: object, field: str = "currency_code") -> str:
    """A 3-letter ISO 4217 code, upper-cased."""
    if not isinstance(code, str) or not _CURRENCY_RE.fullmatch(code):
        raise InvalidRequestError(
            f"{field} must be a 3-letter currency code such as 'USD', got {code!r}",
            field=field,
            value=code,
        )
    return code.upper()


def to_decimal(value: object, *, field: str, allow_negative: bool = True) -> Decimal:
    """A finite ``Decimal`` from a str, int or Decimal; floats and junk are refused."""
    if isinstance(value, bool):
        raise InvalidRequestError(
            f"{field} must be a decimal number, got {value!r}", field=field, value=value
        )
    if isinstance(value, float):
        raise InvalidRequestError(
            f"{field} must be a decimal string, int or Decimal, not float {value!r}: floats cannot "
            f"represent most decimal amounts exactly (write {str(value)!r} instead)",
            field=field,
            value=value,
        )
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise InvalidRequestError(
                f"{field} must be a decimal number such as '12.50', got {value!r}",
                field=field,
                value=value,
            ) from None
    else:
        raise InvalidRequestError(
            f"{field} must be a decimal string, int or Decimal, got {type(value).__name__}",
            field=field,
            value=value,
        )
    if not number.is_finite():
        raise InvalidRequestError(
            f"{field} must be finite, got {value!r}", field=field, value=value
        )
    if not allow_negative and number < 0:
        raise InvalidRequestError(
            f"{field} must not be negative, got {value!r}", field=field, value=value
        )
    return number


def decimal_text(number: Decimal) -> str:
    """Plain decimal text, never exponent notation (``Decimal('1E+2')`` -> ``'100'``)."""
    return format(number, "f")


def split_money(value: object, *, field: str) -> tuple[Decimal, str | None]:
    """(amount, currency or None) from a money input; a ``Money`` brings its own currency."""
    amount = getattr(value, "amount", None)
    code = getattr(value, "code", None)
    if isinstance(amount, Decimal) and isinstance(code, str):
        return amount, code
    return to_decimal(value, field=field), None


def to_wire_money(
    value: object, currency: str | None, *, field: str, allow_negative: bool = True
) -> dict[str, str]:
    """``{"amount": "...", "code": "..."}``; a ``Money`` in another currency is refused."""
    amount, own = split_money(value, field=field)
    if not allow_negative and amount < 0:
        raise InvalidRequestError(
            f"{field} must not be negative, got {value!r}", field=field, value=value
        )
    if own is not None and currency is not None and own.upper() != currency.upper():
        raise InvalidRequestError(
            f"{field} is in {own} but the document's currency is {currency.upper()}; "
            "FreshBooks cannot mix currencies in one invoice or expense",
            field=field,
            value=value,
        )
    code = own or currency
    if code is None:
        raise InvalidRequestError(
            f"{field} needs a currency: pass currency_code=..., a Money value, or set "
            "default_currency on the client (the currency is never assumed)",
            field=field,
        )
    return {"amount": decimal_text(amount), "code": check_currency(code, field=f"{field}.code")}
