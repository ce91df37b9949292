"""Money and number inputs for request bodies (pure).

Inputs accept decimal strings, ints, ``Decimal`` or ``Money``; a ``float`` is refused (binary
floats cannot hold most cents exactly). On the wire money is ``{"amount": "12.50", "code": "USD"}``.

>>> to_wire_money("12.50", "usd", field="amount")
{'amount': '12.50', 'code': 'USD'}
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, TypeAlias, Union

from freshbooks_sdk._core.currencies import CURRENCY_CODES
from freshbooks_sdk.errors import InvalidRequestError

if TYPE_CHECKING:
    from freshbooks_sdk.models import Money

_CURRENCY_RE = re.compile(r"^[A-Za-z]{3}$")

MoneyInput: TypeAlias = Union[str, int, Decimal, "Money"]
"""A money input: a decimal string (``"12.50"``), an int, a ``Decimal`` or a ``Money`` (which
brings its own currency). ``float`` is deliberately absent: type checkers report
``amount=42.5``, and it is refused at run time too."""

MAX_INTEGER_DIGITS = 15
"""Most digits before the decimal point of an amount or number (below 10**15)."""
MAX_FRACTION_DIGITS = 10
"""Most significant digits after the decimal point (FreshBooks answers 422 errno 1018 beyond
15 digits before the point or 10 after)."""
_MAX_WRITTEN_FRACTION = 30  # trailing zeros included (``Decimal("1.000")``)
_MAX_TEXT = 64


def _show(value: object) -> str:
    """A short rendering of an input for messages (never huge, never raising)."""
    if isinstance(value, str):
        head = str.__repr__(str.__getitem__(value, slice(0, 40)))
        return head if len(value) <= 40 else head[:-1] + "...'"
    if isinstance(value, int) and not isinstance(value, bool) and int.bit_length(value) > 64:
        return f"an int of {int.bit_length(value)} bits"
    if isinstance(value, (bool, int, float, Decimal)) or value is None:
        try:
            text = repr(value)
        except Exception:  # a subclass with a broken repr
            text = type(value).__name__
        return text if len(text) <= 60 else text[:60] + "..."
    return f"a {type(value).__name__}"


def check_currency(code: object, field: str = "currency_code") -> str:
    """A known ISO 4217 code (see :mod:`freshbooks_sdk._core.currencies`), upper-cased.

    >>> check_currency("cad")
    'CAD'
    >>> check_currency("XYZ")
    Traceback (most recent call last):
    ...
    freshbooks_sdk.errors.InvalidRequestError: currency_code 'XYZ' is not an ISO 4217 currency code (such as 'USD', 'CAD', 'EUR')
    """
    if not isinstance(code, str) or not _CURRENCY_RE.fullmatch(code):
        raise InvalidRequestError(
            f"{field} must be a 3-letter currency code such as 'USD', got {_show(code)}",
            field=field,
            value=_show(code),
        )
    upper = str.__str__(code).upper()
    if upper not in CURRENCY_CODES:
        raise InvalidRequestError(
            f"{field} {_show(code)} is not an ISO 4217 currency code (such as 'USD', 'CAD', 'EUR')",
            field=field,
            value=_show(code),
        )
    return upper


def float_origin(number: Decimal) -> float | None:
    """The ``float`` a long ``Decimal`` was built from (``Decimal(0.1)``), else ``None``.

    ``Decimal(0.1)`` is the exact binary value of the float ``0.1``
    (``0.1000000000000000055511151231257827...``): more digits than any amount means. A Decimal
    with more than 17 significant digits that converts to a float and back unchanged is such a
    value.

    >>> float_origin(Decimal(0.1)), float_origin(Decimal("0.1"))
    (0.1, None)
    """
    if not number.is_finite() or len(number.as_tuple().digits) <= 17:
        return None
    as_float = float(number)  # finite: a float, or +-inf when too large (then no match below)
    return as_float if Decimal(as_float) == number else None


def to_decimal(value: object, *, field: str, allow_negative: bool = True) -> Decimal:
    """A finite, bounded ``Decimal`` from a str, int or Decimal; floats and junk are refused.

    At most 15 digits before the point and 10 after: ``Decimal('1e999999')``, NaN and
    infinities never reach a request body.

    >>> to_decimal("12.50", field="amount")
    Decimal('12.50')
    """
    if isinstance(value, bool):
        raise InvalidRequestError(
            f"{field} must be a decimal number, got {value!r}", field=field, value=repr(value)
        )
    if isinstance(value, float):
        raise InvalidRequestError(
            f"{field} must be a decimal string, int or Decimal, not float {_show(value)}: floats "
            "cannot represent most decimal amounts exactly (write it as a string instead)",
            field=field,
            value=_show(value),
        )
    if isinstance(value, Decimal):
        number = Decimal(value)  # a plain Decimal (a subclass keeps no behaviour of its own)
    elif isinstance(value, int):
        if int.bit_length(value) > 64:
            raise InvalidRequestError(
                f"{field} is too large ({_show(value)})", field=field, value=_show(value)
            )
        number = Decimal(int.__int__(value))
    elif isinstance(value, str):
        text = str.__str__(value).strip()
        if len(text) > _MAX_TEXT:
            raise InvalidRequestError(
                f"{field} is too long for a number ({len(value)} characters)",
                field=field,
                value=_show(value),
            )
        try:
            number = Decimal(text)
        except (InvalidOperation, ValueError):
            raise InvalidRequestError(
                f"{field} must be a decimal number such as '12.50', got {_show(value)}",
                field=field,
                value=_show(value),
            ) from None
    else:
        raise InvalidRequestError(
            f"{field} must be a decimal string, int or Decimal, got {_show(value)}",
            field=field,
            value=_show(value),
        )
    if not number.is_finite():
        raise InvalidRequestError(
            f"{field} must be finite, got {_show(value)}", field=field, value=_show(value)
        )
    if number != 0 and (
        number.adjusted() >= MAX_INTEGER_DIGITS
        or -int(number.as_tuple().exponent) > _MAX_WRITTEN_FRACTION
        or -int(number.normalize().as_tuple().exponent) > MAX_FRACTION_DIGITS
    ):
        origin = float_origin(number) if isinstance(value, Decimal) else None
        if origin is not None:
            raise InvalidRequestError(
                f"{field} has {len(number.as_tuple().digits)} digits, beyond FreshBooks' "
                f"precision ({MAX_FRACTION_DIGITS} after the point): Decimal({origin!r}) is a "
                f"float; use Decimal('{origin!r}')",
                field=field,
                value=_show(value),
            )
        raise InvalidRequestError(
            f"{field} must have at most {MAX_INTEGER_DIGITS} digits before the point and "
            f"{MAX_FRACTION_DIGITS} after (FreshBooks' limits), got {_show(value)}",
            field=field,
            value=_show(value),
        )
    if number == 0:
        # 0E+99999 or 0E-99999 would render as a huge run of zeros; -0 as "-0".
        exponent = number.as_tuple().exponent
        number = (
            number.copy_abs()
            if isinstance(exponent, int) and -_MAX_WRITTEN_FRACTION <= exponent <= 0
            else Decimal(0)
        )
    if not allow_negative and number < 0:
        raise InvalidRequestError(
            f"{field} must not be negative, got {_show(value)}", field=field, value=_show(value)
        )
    return number


def decimal_text(number: Decimal) -> str:
    """Plain decimal text, never exponent notation (``Decimal('1E+2')`` -> ``'100'``)."""
    return format(number, "f")


def split_money(value: object, *, field: str) -> tuple[Decimal, str | None]:
    """(amount, currency or None) from a money input; a ``Money`` brings its own currency."""
    if isinstance(value, (str, int, float, Decimal)):
        return to_decimal(value, field=field), None
    try:
        amount = getattr(value, "amount", None)
        code = getattr(value, "code", None)
    except Exception:  # a hostile object's attribute access
        amount = code = None
    if isinstance(amount, Decimal) and isinstance(code, str):
        return to_decimal(amount, field=field), check_currency(code, f"{field}.code")
    return to_decimal(value, field=field), None


def to_wire_money(
    value: object, currency: str | None, *, field: str, allow_negative: bool = True
) -> dict[str, str]:
    """``{"amount": "...", "code": "..."}``; a ``Money`` in another currency is refused."""
    amount, own = split_money(value, field=field)
    if not allow_negative and amount < 0:
        raise InvalidRequestError(
            f"{field} must not be negative, got {_show(value)}", field=field, value=_show(value)
        )
    if own is not None and currency is not None and own.upper() != currency.upper():
        raise InvalidRequestError(
            f"{field} is in {own} but the document's currency is {currency.upper()}; "
            "FreshBooks cannot mix currencies in one invoice or expense",
            field=field,
            value=_show(value),
        )
    code = own or currency
    if code is None:
        raise InvalidRequestError(
            f"{field} needs a currency: pass currency_code=..., a Money value, or set "
            "default_currency on the client (the currency is never assumed)",
            field=field,
        )
    return {"amount": decimal_text(amount), "code": check_currency(code, field=f"{field}.code")}
