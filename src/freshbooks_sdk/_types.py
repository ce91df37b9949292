"""Hand-written wire types that the generated models (``freshbooks_sdk/models/__init__.py``) import.

The OpenAPI fragment (``openapi/freshbooks.yaml``) names these types with ``x-python-import``;
everything else in the models is generated. Public names are re-exported from
:mod:`freshbooks_sdk.models`.

* :class:`Money`: ``{"amount": "<decimal string>", "code": "USD"}``, exact ``Decimal`` amounts.
* :data:`DecimalString`: a decimal that is not money (``qty``, ``discount_value``, percents).
* :data:`EasternDateTime`, :data:`UTCSqlDateTime`, :data:`IsoDateTime`: FreshBooks timestamps as
  aware UTC ``datetime`` values, written back to the wire in their own format.
* :data:`LenientDate`: a calendar date that also tolerates a ``" HH:MM:SS"`` suffix.
* Open status enums (:class:`InvoiceV3Status`, :class:`InvoiceStatus`, ...; defined in
  ``freshbooks_sdk.enums``): the documented values as members, and any other value accepted as
  a pseudo-member instead of failing.

Numbers read from JSON: ``model_validate_json`` turns a JSON *number* into ``Decimal`` through the
shortest float representation, which is exact for numbers of up to 15 significant digits
(``10``, ``10.5``, ``1234.56``); amounts sent as JSON *strings* (what FreshBooks sends) are exact
at any length. In Python code a ``float`` is refused outright: it is inexact by construction.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal, final

import msgspec
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
from pydantic_core import (
    PydanticKnownError,
    SchemaSerializer,
    SchemaValidator,
    ValidationError,
    core_schema,
)

from freshbooks_sdk._core.fbtime import (
    ensure_aware,
    format_accounting_datetime,
    format_iso_z,
    format_utc_sql,
    parse_any_datetime,
)
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


# --------------------------------------------------------------------------------------------
# Decimals
# --------------------------------------------------------------------------------------------


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

CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
"""An ISO 4217 currency code: three uppercase letters (``"USD"``, ``"CAD"``).

>>> from pydantic import TypeAdapter
>>> TypeAdapter(CurrencyCode).validate_python("CAD")
'CAD'
"""


class WireModel(BaseModel):
    """Base of the generated wire models: the validation schema is built on first use
    (``defer_build``), so importing the SDK does not pay for every model up front."""

    model_config = ConfigDict(defer_build=True)


_CURRENCY_TEXT = r"^[A-Z]{3}$"


class _MoneyType(msgspec.StructMeta):
    """The metaclass of :class:`Money`: ``Money(amount=..., code=...)`` validates its input.

    The struct's own constructor (:data:`_raw_money`, ``(cls, amount, code)``) does not: the SDK
    builds every ``Money`` of a page with it from values already checked.
    """

    def __call__(cls, *args: Any, **data: Any) -> Any:
        if args:
            raise TypeError("Money takes keyword arguments only: Money(amount='12.50', code='USD')")
        # Built in Python (``Money(...)``, ``Money.of``): a bad value is the caller's input, so
        # the SDK's typed ``InvalidRequestError`` naming the field; ``model_validate`` and
        # ``model_copy`` keep pydantic's ``ValidationError``, as models do.
        try:
            return _money_from_input(data)
        except ValidationError as exc:
            from freshbooks_sdk._core.inputs import validation_to_invalid_request

            raise validation_to_invalid_request(exc) from None


_raw_money: Callable[[type[Money], Decimal, str], Money] = (
    msgspec.StructMeta.__call__
)  # the struct constructor: (cls, amount, code)


@final
class Money(msgspec.Struct, gc=False, metaclass=_MoneyType):
    """A FreshBooks money value: an exact ``Decimal`` amount and a currency code.

    On the wire it is always ``{"amount": "<decimal string>", "code": "XXX"}``. The amount is
    kept exactly as given (no rounding, no quantizing), and written back without exponent
    notation. Build it from a ``str``, an ``int`` or a ``Decimal``; a ``float`` is refused
    because binary floats cannot hold most decimal amounts exactly.

    >>> price = Money(amount="12.50", code="USD")
    >>> price.amount
    Decimal('12.50')
    >>> Money.of("7.60133524082021936099189318", "CAD").model_dump(mode="json")
    {'amount': '7.60133524082021936099189318', 'code': 'CAD'}
    >>> str(Money.of(3, "EUR"))
    '3 EUR'
    """

    # An immutable value, not a BaseModel: a page of invoices holds about 10 of these per
    # invoice, and a model instance (its __dict__, its fields-set, its validator plumbing) cost
    # three times as much to build and to collect. The model methods callers use are here with
    # the same behaviour: model_dump, model_dump_json, model_validate, model_validate_json,
    # model_copy, model_json_schema, ==, hash, repr.
    #
    # A msgspec struct with ``gc=False``: two fields in C slots like a ``__slots__`` class, but
    # not tracked by the cyclic garbage collector (it holds a Decimal and a str, so it can never
    # be part of a cycle). Ten tracked objects fewer per invoice halved the collector's share of
    # a listing (issue 12). msgspec is an implementation detail here: the struct's constructor
    # is replaced by the validating ``Money(amount=..., code=...)`` (the metaclass above).
    #
    # Reading ``amount`` is a slot read, not a property call. The amount kept as its text until
    # first read (a property) was measured against this: no faster to list and slower to read
    # every money field.

    amount: Decimal
    """The exact amount (``Decimal``); a decimal string on the wire."""
    code: str
    """ISO 4217 currency code, three uppercase letters."""

    if TYPE_CHECKING:  # what type checkers see; at run time the metaclass builds it

        def __init__(self, **data: Any) -> None: ...

    @classmethod
    def of(cls, amount: str | int | Decimal, code: str) -> Money:
        """Build a ``Money`` positionally: ``Money.of("12.50", "USD")``.

        >>> Money.of("0.10", "USD").amount
        Decimal('0.10')
        """
        return cls(amount=amount, code=code)

    # --- value behaviour ----------------------------------------------------------------------

    def __str__(self) -> str:
        return f"{decimal_to_wire(self.amount)} {self.code}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(amount={self.amount!r}, code={self.code!r})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Money)
        return self.code == other.code and self.amount == other.amount

    def __hash__(self) -> int:
        return hash((self.amount, self.code))

    def __setattr__(self, name: str, value: Any) -> None:
        raise ValidationError.from_exception_data(
            type(self).__name__, [{"type": "frozen_instance", "loc": (name,), "input": value}]
        )

    def __delattr__(self, name: str) -> None:
        raise ValidationError.from_exception_data(
            type(self).__name__, [{"type": "frozen_instance", "loc": (name,), "input": None}]
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (_money_from_parts, (self.amount, self.code))

    def __copy__(self) -> Money:
        return self

    def __deepcopy__(self, memo: Any) -> Money:
        return self

    # --- the BaseModel methods callers use ------------------------------------------------------

    def model_dump(
        self,
        *,
        mode: Literal["json", "python"] | str = "python",
        include: Any = None,
        exclude: Any = None,
        **options: Any,
    ) -> dict[str, Any]:
        """The fields as a dict, as ``BaseModel.model_dump`` would write them.

        >>> Money.of("1.10", "USD").model_dump()
        {'amount': Decimal('1.10'), 'code': 'USD'}
        >>> Money.of("1E+2", "USD").model_dump(mode="json")
        {'amount': '100', 'code': 'USD'}
        """
        dumped: dict[str, Any] = _money_serializer().to_python(
            self, mode=mode, include=include, exclude=exclude, **options
        )
        return dumped

    def model_dump_json(
        self, *, indent: int | None = None, include: Any = None, exclude: Any = None, **options: Any
    ) -> str:
        """The wire JSON: ``{"amount":"12.50","code":"USD"}``.

        >>> Money.of("12.50", "USD").model_dump_json()
        '{"amount":"12.50","code":"USD"}'
        """
        return (
            _money_serializer()
            .to_json(self, indent=indent, include=include, exclude=exclude, **options)
            .decode()
        )

    @classmethod
    def model_validate(cls, obj: Any, *, strict: bool | None = None) -> Money:
        """Validate a dict (or a ``Money``) from Python code: a float amount is refused.

        >>> Money.model_validate({"amount": "3.50", "code": "EUR"})
        Money(amount=Decimal('3.50'), code='EUR')
        """
        money: Money = _money_validator().validate_python(obj, strict=strict)
        return money

    @classmethod
    def model_validate_json(cls, data: str | bytes | bytearray) -> Money:
        """Validate wire JSON: ``{"amount": "12.50", "code": "USD"}`` (unknown keys ignored).

        >>> Money.model_validate_json('{"amount": "12.50", "code": "USD"}').amount
        Decimal('12.50')
        """
        money: Money = _money_validator().validate_json(data)
        return money

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False) -> Money:
        """A copy with ``update`` applied; unlike ``BaseModel.model_copy`` the update is validated.

        >>> Money.of("1.00", "USD").model_copy(update={"amount": "2.00"})
        Money(amount=Decimal('2.00'), code='USD')
        """
        if not update:
            return self
        return _money_from_input({"amount": self.amount, "code": self.code, **update})

    @classmethod
    def model_json_schema(cls, **options: Any) -> dict[str, Any]:
        """The JSON Schema of a ``Money`` (what ``BaseModel.model_json_schema`` gives)."""
        from pydantic import TypeAdapter

        return TypeAdapter(cls).json_schema(**options)

    # --- pydantic integration -------------------------------------------------------------------

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _money_core_schema()

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "description": inspect.cleandoc(cls.__doc__ or ""),
            "properties": {
                "amount": {
                    "format": "decimal",
                    "pattern": r"^-?\d+(\.\d+)?$",
                    "title": "Amount",
                    "type": "string",
                },
                "code": {"pattern": _CURRENCY_TEXT, "title": "Code", "type": "string"},
            },
            "required": ["amount", "code"],
            "title": "Money",
            "type": "object",
        }


def _money_from_input(data: dict[str, Any]) -> Money:
    """A ``Money`` from Python input (pydantic's ``ValidationError`` for a bad value)."""
    fields = _money_python_fields().validate_python(data)
    return _raw_money(Money, fields["amount"], fields["code"])


def _money_from_parts(amount: Decimal, code: str) -> Money:
    """A ``Money`` from parts that are already valid (used by pickling)."""
    return _raw_money(Money, amount, code)


def _money_from_fields(fields: dict[str, Any]) -> Money:
    # Runs once per money object of a page read by pydantic.
    return _raw_money(Money, fields["amount"], fields["code"])


def _money_fields_schema(amount: core_schema.CoreSchema) -> core_schema.CoreSchema:
    return core_schema.typed_dict_schema(
        {
            "amount": core_schema.typed_dict_field(amount),
            "code": core_schema.typed_dict_field(core_schema.str_schema(pattern=_CURRENCY_TEXT)),
        },
        extra_behavior="ignore",  # FreshBooks adds keys to money objects at times: not fatal
    )


class _BeyondRange(str):
    """Decimal text whose exponent is beyond ``Decimal``'s range (``"1e999999999999999999999"``):
    marked while a page is validated, refused by :func:`_money_from_json` at ``amount``."""

    __slots__ = ()


def _money_from_json(parts: tuple[dict[str, Any], Any, Any]) -> Money:
    # Runs once per money object of a page read by pydantic.
    fields = parts[0]
    amount = fields["amount"]
    if amount.__class__ is _BeyondRange:
        raise ValidationError.from_exception_data(
            "Money", [{"type": "decimal_parsing", "loc": ("amount",), "input": str(amount)}]
        )
    return _raw_money(Money, amount, fields["code"])


def _money_or_fields(value: Any, handler: core_schema.ValidatorFunctionWrapHandler) -> Any:
    # Python input: a Money is taken as is (like a model instance); anything else but a dict
    # gets the error a model field gives.
    if isinstance(value, Money):
        return value
    if not isinstance(value, dict):
        raise PydanticKnownError("model_type", {"class_name": "Money"})
    return handler(value)


def _money_as_fields(money: Money, handler: core_schema.SerializerFunctionWrapHandler) -> Any:
    return handler({"amount": money.amount, "code": money.code})


@functools.cache
def _money_core_schema() -> core_schema.CoreSchema:
    # Page validation (JSON): the object is checked field by field in pydantic-core (amount
    # pattern, currency pattern, missing keys, each error at its own location, the same error
    # types as the BaseModel Money gave), then one Python call builds the slotted value. A
    # decimal string is checked by its pattern, then ``Decimal()`` is called by pydantic-core.
    amount_json = core_schema.union_schema(
        [
            core_schema.no_info_after_validator_function(
                Decimal, core_schema.str_schema(pattern=_DECIMAL_TEXT_IN_RANGE, strict=True)
            ),
            core_schema.no_info_after_validator_function(
                Decimal, core_schema.int_schema(strict=True)
            ),
            core_schema.no_info_after_validator_function(
                _decimal_from_float, core_schema.float_schema(strict=True, allow_inf_nan=False)
            ),
            core_schema.no_info_after_validator_function(
                _BeyondRange, core_schema.str_schema(pattern=_DECIMAL_TEXT, strict=True)
            ),
        ],
        custom_error_type="invalid_decimal",
        custom_error_message=_DECIMAL_ERROR,
        mode="left_to_right",
    )
    # Model fields (not a typed dict): a value that is not an object gets the model_type error
    # a BaseModel field gives ("Input should be an object"), not dict_type.
    from_json = core_schema.no_info_after_validator_function(
        _money_from_json,
        core_schema.model_fields_schema(
            {
                "amount": core_schema.model_field(amount_json),
                "code": core_schema.model_field(core_schema.str_schema(pattern=_CURRENCY_TEXT)),
            },
            model_name="Money",
            extra_behavior="ignore",
        ),
    )
    from_python = core_schema.no_info_wrap_validator_function(
        _money_or_fields,
        core_schema.no_info_after_validator_function(
            _money_from_fields, _money_fields_schema(_DECIMAL_SCHEMA)
        ),
    )
    return core_schema.json_or_python_schema(
        json_schema=from_json,
        python_schema=from_python,
        serialization=core_schema.wrap_serializer_function_ser_schema(
            _money_as_fields, schema=_money_fields_schema(_DECIMAL_SCHEMA)
        ),
        ref=f"{__name__}.Money:{id(Money)}",
    )


@functools.cache
def _money_python_fields() -> SchemaValidator:
    return SchemaValidator(
        _money_fields_schema(_DECIMAL_SCHEMA), core_schema.CoreConfig(title="Money")
    )


@functools.cache
def _money_validator() -> SchemaValidator:
    return SchemaValidator(_money_core_schema(), core_schema.CoreConfig(title="Money"))


@functools.cache
def _money_serializer() -> SchemaSerializer:
    return SchemaSerializer(_money_core_schema())


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
