"""``Money``: a FreshBooks money value, an exact ``Decimal`` amount and a currency code.

The public module that defines :class:`Money` (so type checkers, reprs, pickles and the docs name
``freshbooks_sdk.money.Money``); the same class is importable from :mod:`freshbooks_sdk.models`
and :mod:`freshbooks_sdk`.

>>> from freshbooks_sdk.money import Money
>>> Money(amount="12.50", code="USD")
Money(amount=Decimal('12.50'), code='USD')
>>> Money.of("7.60133524082021936099189318", "CAD").model_dump(mode="json")
{'amount': '7.60133524082021936099189318', 'code': 'CAD'}
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, final

import msgspec
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import (
    PydanticKnownError,
    SchemaSerializer,
    SchemaValidator,
    ValidationError,
    core_schema,
)

from freshbooks_sdk._decimal import (
    _DECIMAL_ERROR,
    _DECIMAL_SCHEMA,
    _DECIMAL_TEXT,
    _DECIMAL_TEXT_IN_RANGE,
    _decimal_from_float,
    decimal_to_wire,
)

__all__ = ["Money"]


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
    # be part of a cycle): a decoded page keeps 12.1 GC-tracked objects per invoice instead of
    # 21.3 (issue 12). msgspec is an implementation detail here: the struct's constructor
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

    def __replace__(self, **changes: Any) -> Money:
        """``copy.replace(money, amount="2.00")`` (Python 3.13+): checked like ``Money(...)``.

        >>> Money.of("1.00", "USD").__replace__(code="CAD")
        Money(amount=Decimal('1.00'), code='CAD')
        """
        return Money(**{"amount": self.amount, "code": self.code, **changes})

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
