"""The decode path as it was before issue 12, rebuilt in-process so each lever can be measured.

Benchmark 7 (``bench_levers``) validates the same pages with the SDK's models as they are now and
with variants where one lever is put back the way it was:

* ``Money`` as a frozen ``BaseModel`` with an eagerly built ``Decimal`` amount (now a slotted
  value built with the page, its ``Decimal`` amount built by pydantic-core);
* the decimal schema as a union then a second pass through pydantic's ``decimal_schema`` (now the
  pattern check, then ``Decimal()`` directly);
* US/Eastern timestamps through the regular-expression parser and ``zoneinfo`` behind an
  ``lru_cache`` (now the C ISO parser plus a table of hourly offsets);
* the cyclic garbage collector paused around each page (now never touched);
* a page scanned for ``b'"errors"'`` (now ``response.errors`` read from the parsed envelope);
* the first pass's error shortcuts (a typed-dict ``Money`` whose non-object value gave
  ``dict_type``, a decimal without the check that gives an out-of-range exponent its
  ``decimal_parsing`` error): what restoring the original validation errors costs.

The variants are the generated models' own source (``models/__init__.py``) executed again with
the old types substituted, so everything else is identical.
"""

from __future__ import annotations

import functools
import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, PlainSerializer, PlainValidator
from pydantic_core import core_schema

from freshbooks_sdk import _types
from freshbooks_sdk._core import fbtime

GENERATED = Path(_types.__file__).resolve().parent / "models" / "__init__.py"


def _old_decimal_schema() -> core_schema.CoreSchema:
    accepted = core_schema.union_schema(
        [
            core_schema.str_schema(pattern=_types._DECIMAL_TEXT, strict=True),
            core_schema.int_schema(strict=True),
            core_schema.float_schema(strict=True, allow_inf_nan=False),
        ],
        custom_error_type="invalid_decimal",
        custom_error_message=_types._DECIMAL_ERROR,
    )
    return core_schema.json_or_python_schema(
        json_schema=core_schema.chain_schema(
            [accepted, core_schema.decimal_schema(allow_inf_nan=False)]
        ),
        python_schema=_types._DECIMAL_SCHEMA["python_schema"],  # type: ignore[typeddict-item]
        serialization=core_schema.plain_serializer_function_ser_schema(
            _types.decimal_to_wire, when_used="json"
        ),
    )


_OLD_DECIMAL = _old_decimal_schema()


class _OldExactDecimal:
    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _OLD_DECIMAL


OldDecimalString = Annotated[Decimal, _OldExactDecimal()]


class OldMoney(BaseModel):
    """``Money`` as it was: a frozen BaseModel."""

    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)

    amount: OldDecimalString
    code: _types.CurrencyCode


def _old_eastern_parse(value: str) -> datetime:
    if re.match(r"^\d{4}-\d{2}-\d{2}[Tt]", value):
        return fbtime.parse_iso_datetime(value)
    return fbtime._parse_accounting_full(value)


_old_eastern_cached = functools.lru_cache(maxsize=8192)(_old_eastern_parse)


def _old_validate_eastern(value: Any) -> datetime:
    if isinstance(value, str):
        return _old_eastern_cached(value)
    if isinstance(value, datetime):
        return fbtime.ensure_aware(value)
    raise ValueError(f"expected a timestamp, got {value!r}")


OldEasternDateTime = Annotated[
    datetime,
    PlainValidator(_old_validate_eastern, json_schema_input_type=str),
    PlainSerializer(fbtime.format_accounting_datetime, return_type=str, when_used="json"),
]


def _shortcut_decimal_schema() -> core_schema.CoreSchema:
    # The first pass: one left-to-right union, no decimal step after it.
    union = _types._DECIMAL_SCHEMA["json_schema"]["steps"][0]
    return {**_types._DECIMAL_SCHEMA, "json_schema": {**union, "choices": union["choices"][:3]}}


_SHORTCUT_DECIMAL = _shortcut_decimal_schema()


class _ShortcutDecimal:
    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _SHORTCUT_DECIMAL


ShortcutDecimalString = Annotated[Decimal, _ShortcutDecimal()]


def _shortcut_money_schema() -> core_schema.CoreSchema:
    # The first pass: a typed dict (no fields set, no tuple), built by one Python call.
    now = _types._money_core_schema()
    fields = now["json_schema"]["schema"]["fields"]
    amount = fields["amount"]["schema"]
    amount = {**amount, "choices": amount["choices"][:3]}
    return {
        **now,
        "ref": "benchmarks._before.ShortcutMoney",
        "json_schema": core_schema.no_info_after_validator_function(
            _types._money_from_fields, _types._money_fields_schema(amount)
        ),
    }


class ShortcutMoney:
    """``Money`` validated as in the first pass (same class of value, other error types)."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _shortcut_money_schema()


class LazyAmountMoney:
    """``Money`` of the first pass: the amount kept as its checked text until first read."""

    __slots__ = ("_amount", "code")
    _amount: Decimal | str
    code: str

    def __init__(self, amount: Decimal | str, code: str) -> None:
        object.__setattr__(self, "_amount", amount)
        object.__setattr__(self, "code", code)

    @property
    def amount(self) -> Decimal:
        value = self._amount
        if value.__class__ is str:
            value = Decimal(value)
            object.__setattr__(self, "_amount", value)
        assert isinstance(value, Decimal)
        return value

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        now = _types._money_core_schema()
        fields = now["json_schema"]["schema"]["fields"]
        amount = fields["amount"]["schema"]
        text = core_schema.str_schema(pattern=_types._DECIMAL_TEXT_IN_RANGE, strict=True)
        amount = {**amount, "choices": [text, *amount["choices"][1:]]}
        new = _new_lazy

        def build(parts: tuple[dict[str, Any], Any, Any]) -> LazyAmountMoney:
            f = parts[0]
            return new(f["amount"], f["code"])

        schema = core_schema.model_fields_schema(
            {**fields, "amount": core_schema.model_field(amount)},
            model_name="Money",
            extra_behavior="ignore",
        )
        return {
            **now,
            "ref": "benchmarks._before.LazyAmountMoney",
            "json_schema": core_schema.no_info_after_validator_function(build, schema),
        }


_set_lazy_amount = vars(LazyAmountMoney)["_amount"].__set__
_set_lazy_code = vars(LazyAmountMoney)["code"].__set__


def _new_lazy(amount: Decimal | str, code: str) -> LazyAmountMoney:
    money = object.__new__(LazyAmountMoney)
    _set_lazy_amount(money, amount)
    _set_lazy_code(money, code)
    return money


def clear_caches() -> None:
    """Forget cached timestamps (each measured round starts cold, as a new page would)."""
    _old_eastern_cached.cache_clear()


def list_model(
    *,
    money: bool = False,
    decimal: bool = False,
    eastern: bool = False,
    shortcuts: bool = False,
    lazy_amount: bool = False,
) -> type[BaseModel]:
    """``InvoiceListResponse`` with the chosen levers put back as they were before issue 12
    (or, with ``shortcuts``, the first pass's error shortcuts taken again)."""
    source = GENERATED.read_text(encoding="utf-8")
    source = re.sub(r"from freshbooks_sdk\._types import \([^)]*\)\n", "", source)
    namespace: dict[str, Any] = {n: getattr(_types, n) for n in (*_types.__all__, "WireModel")}
    if money:
        namespace["Money"] = OldMoney
    if decimal:
        namespace["DecimalString"] = OldDecimalString
    if eastern:
        namespace["EasternDateTime"] = OldEasternDateTime
    if lazy_amount:
        namespace["Money"] = LazyAmountMoney
    if shortcuts:
        namespace["Money"] = ShortcutMoney
        namespace["DecimalString"] = ShortcutDecimalString
    namespace["__name__"] = "benchmarks._before_models"
    exec(compile(source, str(GENERATED), "exec"), namespace)  # our own generated code, re-run
    model: type[BaseModel] = namespace["InvoiceListResponse"]
    model.model_rebuild(_types_namespace=namespace)
    return model


_pauses = 0


@contextmanager
def collector_paused() -> Iterator[None]:
    """The old GC pause of ``_core/envelope.py`` (single-threaded here, so no lock needed)."""
    global _pauses
    was = gc.isenabled()
    gc.disable()
    _pauses += 1
    try:
        yield
    finally:
        _pauses -= 1
        if was:
            gc.enable()


def with_collector_paused(fn: Callable[[bytes], Any]) -> Callable[[bytes], Any]:
    def run(content: bytes) -> Any:
        with collector_paused():
            return fn(content)

    return run
