"""Hand-written wire types that the generated models (``freshbooks_sdk/models/__init__.py``) import.

The OpenAPI fragment (``openapi/freshbooks.yaml``) names these types with ``x-python-import``;
everything else in the models is generated. Public names are re-exported from
:mod:`freshbooks_sdk.models`.

* :class:`~freshbooks_sdk.money.Money`: ``{"amount": "<decimal string>", "code": "USD"}``, exact
  ``Decimal`` amounts (defined in the public :mod:`freshbooks_sdk.money`, re-exported here with
  its helpers; the decimal text and schema live in ``freshbooks_sdk._decimal``).
* :data:`DecimalString`: a decimal that is not money (``qty``, ``discount_value``, percents).
* :data:`EasternDateTime`, :data:`UTCSqlDateTime`, :data:`IsoDateTime`: FreshBooks timestamps as
  aware UTC ``datetime`` values, written back to the wire in their own format.
* :data:`LenientDate`: a calendar date that also tolerates a ``" HH:MM:SS"`` suffix.
* Open status enums (:class:`InvoiceV3Status`, :class:`InvoiceStatus`, ...; defined in
  ``freshbooks_sdk.enums``): the documented values as members, and any other value accepted as
  a pseudo-member instead of failing.

The names stay importable from here; ``Money`` is the class of :mod:`freshbooks_sdk.money`:

>>> from freshbooks_sdk import _types, money
>>> _types.Money is money.Money and money.Money.__module__
'freshbooks_sdk.money'

Numbers read from JSON: ``model_validate_json`` turns a JSON *number* into ``Decimal`` through the
shortest float representation, which is exact for numbers of up to 15 significant digits
(``10``, ``10.5``, ``1234.56``); amounts sent as JSON *strings* (what FreshBooks sends) are exact
at any length. In Python code a ``float`` is refused outright: it is inexact by construction.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    PlainValidator,
    StringConstraints,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from freshbooks_sdk._core.fbtime import (
    ensure_aware,
    format_accounting_datetime,
    format_iso_z,
    format_utc_sql,
    parse_any_datetime,
)

# The decimal helpers are defined in freshbooks_sdk._decimal, Money and its helpers in the public
# freshbooks_sdk.money; every name stays importable from here (fastread, the benchmarks and the
# pickles made before the move use this path: they name freshbooks_sdk._types._money_from_parts).
from freshbooks_sdk._decimal import _DECIMAL_ERROR as _DECIMAL_ERROR
from freshbooks_sdk._decimal import _DECIMAL_SCHEMA as _DECIMAL_SCHEMA
from freshbooks_sdk._decimal import _DECIMAL_TEXT as _DECIMAL_TEXT
from freshbooks_sdk._decimal import _DECIMAL_TEXT_IN_RANGE as _DECIMAL_TEXT_IN_RANGE
from freshbooks_sdk._decimal import _decimal_core_schema as _decimal_core_schema
from freshbooks_sdk._decimal import _decimal_from_float as _decimal_from_float
from freshbooks_sdk._decimal import _refuse_float as _refuse_float
from freshbooks_sdk._decimal import decimal_to_wire as decimal_to_wire
from freshbooks_sdk.enums import (
    DepositStatus,
    DisplayStatus,
    ExpenseStatus,
    InvoiceStatus,
    InvoiceV3Status,
    OpenIntEnum,
    OpenStrEnum,
    PaymentStatus,
    VisState,
)
from freshbooks_sdk.money import _CURRENCY_TEXT as _CURRENCY_TEXT
from freshbooks_sdk.money import Money as Money
from freshbooks_sdk.money import _BeyondRange as _BeyondRange
from freshbooks_sdk.money import _money_as_fields as _money_as_fields
from freshbooks_sdk.money import _money_core_schema as _money_core_schema
from freshbooks_sdk.money import _money_fields_schema as _money_fields_schema
from freshbooks_sdk.money import _money_from_fields as _money_from_fields
from freshbooks_sdk.money import _money_from_input as _money_from_input
from freshbooks_sdk.money import _money_from_json as _money_from_json
from freshbooks_sdk.money import _money_from_parts as _money_from_parts
from freshbooks_sdk.money import _money_or_fields as _money_or_fields
from freshbooks_sdk.money import _money_python_fields as _money_python_fields
from freshbooks_sdk.money import _money_serializer as _money_serializer
from freshbooks_sdk.money import _money_validator as _money_validator
from freshbooks_sdk.money import _MoneyType as _MoneyType
from freshbooks_sdk.money import _raw_money as _raw_money

__all__ = [
    "CurrencyCode",
    "DecimalString",
    "DepositStatus",
    "DisplayStatus",
    "EasternDateTime",
    "ExpenseStatus",
    "InvoiceStatus",
    "InvoiceV3Status",
    "IsoDateTime",
    "LenientDate",
    "Money",
    "OpenIntEnum",
    "OpenStrEnum",
    "PaymentStatus",
    "UTCSqlDateTime",
    "VisState",
    "decimal_to_wire",
]


class _ExactDecimal:
    """Core schema for an exact ``Decimal`` read from str/int/Decimal and written as a string."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _DECIMAL_SCHEMA

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "format": "decimal"}


DecimalString = Annotated[Decimal, _ExactDecimal()]
"""A decimal that is not money (``qty``, ``discount_value``, ``markup_percent``, tax percents).

Python value ``decimal.Decimal``; wire value a plain decimal string (``"1.5"``). Reads str, int
or ``Decimal`` (and JSON numbers), refuses ``float`` in Python code.

>>> from pydantic import TypeAdapter
>>> TypeAdapter(DecimalString).validate_python("13")
Decimal('13')
>>> TypeAdapter(DecimalString).dump_json(Decimal("1.50"))
b'"1.50"'
"""

CurrencyCode = Annotated[str, StringConstraints(pattern=_CURRENCY_TEXT)]
"""An ISO 4217 currency code: three uppercase letters (``"USD"``, ``"CAD"``).

>>> from pydantic import TypeAdapter
>>> TypeAdapter(CurrencyCode).validate_python("CAD")
'CAD'
"""


class WireModel(BaseModel):
    """Base of the generated wire models: the validation schema is built on first use
    (``defer_build``), so importing the SDK does not pay for every model up front."""

    model_config = ConfigDict(defer_build=True)


# --------------------------------------------------------------------------------------------
# Time
# --------------------------------------------------------------------------------------------


def _datetime_validator(parse: Callable[[str], datetime], kind: str) -> Callable[[Any], datetime]:
    def validate(value: Any) -> datetime:
        if isinstance(value, str):
            return parse(value)
        if isinstance(value, datetime):
            return ensure_aware(value, name=kind)
        raise ValueError(
            f"expected a {kind} string or an aware datetime, got {type(value).__name__} {value!r}"
        )

    return validate


# No cache in front of the parsers: the accounting layout takes a fast path in fbtime (the C ISO
# parser plus a table of hourly offsets), about as cheap as a cache lookup, and a page of
# distinct timestamps would only miss it.
_validate_eastern_any = _datetime_validator(parse_any_datetime, "FreshBooks US/Eastern timestamp")
_validate_utc_sql = _datetime_validator(
    functools.partial(parse_any_datetime, utc_sql=True), "FreshBooks UTC timestamp"
)
_validate_iso = _datetime_validator(
    functools.partial(parse_any_datetime, utc_sql=True), "ISO 8601 timestamp"
)


# The timestamps of a page just read: an invoice's lines carry its created_at as their updated,
# so about half of a page's timestamps repeat one read a moment before. A plain dict, emptied
# when it reaches its bound (datetimes are immutable: sharing one is safe).
_recent_eastern: dict[str, datetime] = {}
_RECENT_MAX = 4096


def _validate_eastern(value: Any) -> datetime:
    # One Python frame for a repeated page timestamp, two for a new one.
    if value.__class__ is str:
        parsed = _recent_eastern.get(value)
        if parsed is None:
            parsed = parse_any_datetime(value)
            if len(_recent_eastern) >= _RECENT_MAX:
                _recent_eastern.clear()
            _recent_eastern[value] = parsed
        return parsed
    return _validate_eastern_any(value)


EasternDateTime = Annotated[
    datetime,
    PlainValidator(_validate_eastern, json_schema_input_type=str),
    PlainSerializer(format_accounting_datetime, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "freshbooks-eastern-datetime"}),
]
"""An accounting timestamp (``updated``, ``created_at``): ``"YYYY-MM-DD HH:MM:SS"`` in US/Eastern.

Python value: an aware UTC ``datetime`` (DST handled by ``zoneinfo``; the repeated fall-back
hour reads as its first occurrence, a skipped spring-forward hour with the pre-jump offset, see
:mod:`freshbooks_sdk._core.fbtime`). An ISO value with ``T`` is read as ISO (UTC unless it has an
offset). Written back to the wire as the Eastern wall-clock string.

>>> from pydantic import TypeAdapter
>>> ta = TypeAdapter(EasternDateTime)
>>> ta.validate_python("2021-04-16 10:31:58")
datetime.datetime(2021, 4, 16, 14, 31, 58, tzinfo=datetime.timezone.utc)
>>> ta.dump_python(ta.validate_python("2021-04-16 10:31:58"), mode="json")
'2021-04-16 10:31:58'
"""

UTCSqlDateTime = Annotated[
    datetime,
    PlainValidator(_validate_utc_sql, json_schema_input_type=str),
    PlainSerializer(format_utc_sql, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "freshbooks-utc-datetime"}),
]
"""A ``"YYYY-MM-DD HH:MM:SS"`` timestamp that FreshBooks writes in UTC (client ``signup_date``).

>>> from pydantic import TypeAdapter
>>> TypeAdapter(UTCSqlDateTime).validate_python("2020-11-17 02:27:03")
datetime.datetime(2020, 11, 17, 2, 27, 3, tzinfo=datetime.timezone.utc)
"""

IsoDateTime = Annotated[
    datetime,
    PlainValidator(_validate_iso, json_schema_input_type=str),
    PlainSerializer(format_iso_z, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
"""An ISO 8601 UTC timestamp (identity API: ``"2017-05-23T05:57:24Z"``), written back with ``Z``.

>>> from pydantic import TypeAdapter
>>> ta = TypeAdapter(IsoDateTime)
>>> ta.dump_json(ta.validate_python("2017-05-23T05:57:24Z"))
b'"2017-05-23T05:57:24Z"'
"""


def _date_part(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 10 and value[10] in " T":
        return value[:10]
    return value


LenientDate = Annotated[date, BeforeValidator(_date_part)]
"""A calendar date (``"YYYY-MM-DD"``) that also accepts ``"YYYY-MM-DD HH:MM:SS"``, keeping the date.

Invoice line ``date`` is documented as a date but some bodies carry a timestamp there; the
wall-clock date as written is kept.

>>> from pydantic import TypeAdapter
>>> TypeAdapter(LenientDate).validate_python("2019-11-25 15:43:26")
datetime.date(2019, 11, 25)
"""
