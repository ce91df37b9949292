"""Exact decimals on the wire: the text they are read from, the schema, the writer (private).

Shared by :mod:`freshbooks_sdk.money` (the ``amount`` of a :class:`~freshbooks_sdk.money.Money`)
and :mod:`freshbooks_sdk._types` (:data:`~freshbooks_sdk._types.DecimalString`). Everything here
is re-exported by ``freshbooks_sdk._types`` under the same names.

>>> decimal_to_wire(Decimal("12.50"))
'12.50'
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic_core import core_schema

__all__ = [
    "_DECIMAL_ERROR",
    "_DECIMAL_SCHEMA",
    "_DECIMAL_TEXT",
    "_DECIMAL_TEXT_IN_RANGE",
    "_decimal_core_schema",
    "_decimal_from_float",
    "_refuse_float",
    "decimal_to_wire",
]


def decimal_to_wire(value: Decimal) -> str:
    """Write a ``Decimal`` as FreshBooks expects: plain digits, never exponent notation.

    >>> decimal_to_wire(Decimal("7.60133524082021936099189318"))
    '7.60133524082021936099189318'
    >>> decimal_to_wire(Decimal("1E+2"))
    '100'
    """
    return format(value, "f")


def _refuse_float(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError(
            f"float {value!r} refused: binary floats are inexact; "
            f"pass a decimal string such as '{value!r}', an int, or a decimal.Decimal"
        )
    return value


# Plain decimal notation, ASCII digits only: "12.50", "-4.40", "7.601335240820219360991", "1E+2".
# Refuses what Decimal() alone would take but no money field should: "1_000", " 5", "NaN",
# non-ASCII digits.
_DECIMAL_TEXT = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
_DECIMAL_ERROR = "Input should be a decimal string such as '12.50', an int, or a Decimal"


# The same text with an exponent of at most 17 digits (leading zeros aside): Decimal() takes every
# such string, so the JSON path can call it directly. A wider exponent ("1e999999999999999999999",
# beyond Decimal's range) is refused like any other malformed amount.
_DECIMAL_TEXT_IN_RANGE = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?0*[0-9]{1,17})?$"


def _decimal_from_float(value: float) -> Decimal:
    # A JSON number with a fraction: its shortest repr, exact up to 15 significant digits.
    return Decimal(repr(value))


def _decimal_core_schema() -> core_schema.CoreSchema:
    def accepted(*others: core_schema.CoreSchema) -> core_schema.CoreSchema:
        return core_schema.union_schema(
            [
                core_schema.str_schema(pattern=_DECIMAL_TEXT, strict=True),
                core_schema.int_schema(strict=True),
                *others,
            ],
            custom_error_type="invalid_decimal",
            custom_error_message=_DECIMAL_ERROR,
        )

    value = core_schema.decimal_schema(allow_inf_nan=False)
    return core_schema.json_or_python_schema(
        # JSON (every page read), left to right: the first choice whose type fits checks the
        # text and builds the Decimal straight away (Decimal itself is the validator function),
        # instead of a union then pydantic's generic decimal parsing. A JSON int is read as is,
        # a fraction through its shortest repr. The decimal step after it only checks the
        # Decimal (about 0.04 us) and gives the out-of-range exponent its decimal_parsing error.
        json_schema=core_schema.chain_schema(
            [
                core_schema.union_schema(
                    [
                        core_schema.no_info_after_validator_function(
                            Decimal,
                            core_schema.str_schema(pattern=_DECIMAL_TEXT_IN_RANGE, strict=True),
                        ),
                        core_schema.no_info_after_validator_function(
                            Decimal, core_schema.int_schema(strict=True)
                        ),
                        core_schema.no_info_after_validator_function(
                            _decimal_from_float,
                            core_schema.float_schema(strict=True, allow_inf_nan=False),
                        ),
                        # Decimal text whose exponent is beyond Decimal's range: passed on as
                        # text, so the step below refuses it with decimal_parsing (as before).
                        core_schema.str_schema(pattern=_DECIMAL_TEXT, strict=True),
                    ],
                    custom_error_type="invalid_decimal",
                    custom_error_message=_DECIMAL_ERROR,
                    mode="left_to_right",
                ),
                # A Decimal goes through as is; the out-of-range text fails here.
                value,
            ]
        ),
        # Python: a float is refused first, with the reason; then str / int / Decimal.
        python_schema=core_schema.chain_schema(
            [
                core_schema.no_info_before_validator_function(
                    _refuse_float, accepted(core_schema.is_instance_schema(Decimal))
                ),
                value,
            ]
        ),
        serialization=core_schema.plain_serializer_function_ser_schema(
            decimal_to_wire, when_used="json"
        ),
    )


_DECIMAL_SCHEMA = _decimal_core_schema()
