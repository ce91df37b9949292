"""Money: exact Decimal amounts, decimal strings on the wire, floats refused."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from freshbooks_sdk.errors import InvalidRequestError
from freshbooks_sdk.models import DecimalString, Money

LONG = "7.60133524082021936099189318"


def _error_text(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return str(exc.value)


# --- construction ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("12.50", Decimal("12.50")),
        (12, Decimal("12")),
        (Decimal("12.50"), Decimal("12.50")),
        ("-4.40", Decimal("-4.40")),
        (LONG, Decimal(LONG)),
        ("0", Decimal("0")),
        (".5", Decimal("0.5")),
    ],
)
def test_built_from_str_int_or_decimal(given: object, expected: Decimal) -> None:
    money = Money(amount=given, code="USD")
    assert money.amount == expected
    assert isinstance(money.amount, Decimal)
    assert money.amount.as_tuple() == expected.as_tuple()  # same digits and exponent, not just ==


def test_of_is_a_positional_shortcut() -> None:
    assert Money.of("12.50", "USD") == Money(amount="12.50", code="USD")
    assert Money.of(3, "EUR").amount == Decimal(3)


def test_long_amount_is_kept_exactly_and_serialized_back_unchanged() -> None:
    money = Money(amount=LONG, code="CAD")
    assert str(money.amount) == LONG
    assert money.model_dump(mode="json") == {"amount": LONG, "code": "CAD"}
    assert json.loads(money.model_dump_json()) == {"amount": LONG, "code": "CAD"}


def test_trailing_zeros_are_not_quantized_away_or_added() -> None:
    assert Money.of("12.50", "USD").model_dump(mode="json")["amount"] == "12.50"
    assert Money.of("12.5", "USD").model_dump(mode="json")["amount"] == "12.5"
    assert Money.of("27.00", "USD").model_dump(mode="json")["amount"] == "27.00"


def test_wire_form_is_always_a_decimal_string_never_exponent() -> None:
    for amount, wire in [(Decimal("1E+2"), "100"), ("1e3", "1000"), (Decimal("1E-7"), "0.0000001")]:
        dumped = Money(amount=amount, code="USD").model_dump(mode="json")
        assert dumped == {"amount": wire, "code": "USD"}
        assert "E" not in dumped["amount"] and "e" not in dumped["amount"]


def test_python_dump_keeps_decimal() -> None:
    assert Money.of("1.10", "USD").model_dump() == {"amount": Decimal("1.10"), "code": "USD"}


def test_str_is_amount_and_code() -> None:
    assert str(Money.of("12.50", "USD")) == "12.50 USD"


def test_money_is_a_frozen_hashable_value() -> None:
    money = Money.of("1.00", "USD")
    with pytest.raises(ValidationError):
        money.amount = Decimal("2")  # type: ignore[misc]  # frozen on purpose
    assert {money: 1}[Money.of("1.00", "USD")] == 1
    assert Money.of("1.00", "USD") != Money.of("1.00", "CAD")


# --- refusals ---------------------------------------------------------------------------------


def test_float_is_refused_with_the_reason() -> None:
    with pytest.raises(InvalidRequestError) as exc:
        Money(amount=12.5, code="USD")
    assert exc.value.field == "amount"
    text = str(exc.value)
    assert "amount" in text
    assert "12.5" in text
    assert "float" in text and "inexact" in text


def test_float_is_refused_in_nested_models_with_the_field_path() -> None:
    class Holder(BaseModel):
        price: Money

    with pytest.raises(ValidationError) as exc:
        Holder.model_validate({"price": {"amount": 0.1, "code": "USD"}})
    err = exc.value.errors()[0]
    assert err["loc"] == ("price", "amount")
    assert err["input"] == 0.1


@pytest.mark.parametrize(
    "bad",
    ["12,50", "abc", "", "1_000", " 12.50", "12.50 ", "NaN", "Infinity", "0x10", "١٢", "$5"],
)
def test_malformed_amount_string_is_refused_naming_field_and_value(bad: str) -> None:
    with pytest.raises(InvalidRequestError) as exc:
        Money(amount=bad, code="USD")
    assert exc.value.field == "amount"
    assert exc.value.value == bad
    assert repr(bad) in str(exc.value)


@pytest.mark.parametrize("bad", [True, None, [], {"x": 1}, Decimal("NaN"), Decimal("Infinity")])
def test_non_decimal_python_values_are_refused(bad: object) -> None:
    with pytest.raises(InvalidRequestError) as exc:
        Money(amount=bad, code="USD")
    assert exc.value.field == "amount"


@pytest.mark.parametrize("code", ["US", "usd", "USDX", "U1D", "", "ÄBC"])
def test_currency_must_be_three_uppercase_letters(code: str) -> None:
    with pytest.raises(InvalidRequestError) as exc:  # built in Python: the SDK's typed error
        Money(amount="1.00", code=code)
    assert exc.value.field == "code"
    assert exc.value.value == code
    assert repr(code) in str(exc.value)
    with pytest.raises(ValidationError) as wire:  # validated as data: pydantic's, as models do
        Money.model_validate({"amount": "1.00", "code": code})
    assert wire.value.errors()[0]["loc"] == ("code",)


def test_missing_fields_are_errors() -> None:
    with pytest.raises(ValidationError) as exc:
        Money.model_validate({"amount": "1.00"})
    assert exc.value.errors()[0]["loc"] == ("code",)


# --- from the wire ------------------------------------------------------------------------------


def test_wire_string_amount_is_exact() -> None:
    money = Money.model_validate_json(b'{"amount": "7.60133524082021936099189318", "code": "CAD"}')
    assert money.amount == Decimal(LONG)
    assert money.model_dump_json() == '{"amount":"7.60133524082021936099189318","code":"CAD"}'


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("10", "10"), ("10.5", "10.5"), ("-4.4", "-4.4"), ("0", "0"), ("1234567.89", "1234567.89")],
)
def test_wire_json_numbers_become_exact_decimals(raw: str, expected: str) -> None:
    money = Money.model_validate_json(f'{{"amount": {raw}, "code": "USD"}}')
    assert money.amount == Decimal(expected)
    assert money.model_dump(mode="json")["amount"] == expected


def test_wire_number_with_15_significant_digits_is_exact() -> None:
    money = Money.model_validate_json(b'{"amount": 1234567890.12345, "code": "USD"}')
    assert money.amount == Decimal("1234567890.12345")


def test_wire_bad_values_are_refused() -> None:
    for raw in [b'"1_0"', b"true", b"null", b'"ten"', b"1e400"]:
        with pytest.raises(ValidationError) as exc:
            Money.model_validate_json(b'{"amount": ' + raw + b', "code": "USD"}')
        assert exc.value.errors()[0]["loc"] == ("amount",)


def test_python_mode_wire_dict_with_int_amount_is_accepted() -> None:
    # json.loads() gives ints for the fixtures' numeric amounts ("amount": 10): accepted.
    assert Money.model_validate(json.loads('{"amount": 10, "code": "CAD"}')).amount == Decimal(10)


def test_json_loads_with_parse_float_decimal_is_fully_lossless() -> None:
    # Beyond 15 significant digits a JSON *number* is only exact through parse_float=Decimal
    # (FreshBooks sends strings, so this is the escape hatch for odd bodies).
    raw = '{"amount": 7.60133524082021936099189318, "code": "CAD"}'
    money = Money.model_validate(json.loads(raw, parse_float=Decimal))
    assert money.amount == Decimal(LONG)


def test_python_mode_wire_dict_with_float_amount_is_refused() -> None:
    with pytest.raises(ValidationError, match="float"):
        Money.model_validate(json.loads('{"amount": 10.5, "code": "CAD"}'))


def test_unknown_money_keys_are_ignored_not_fatal() -> None:
    money = Money.model_validate_json(b'{"amount": "1.00", "code": "USD", "formatted": "$1.00"}')
    assert money.model_dump(mode="json") == {"amount": "1.00", "code": "USD"}


# --- DecimalString (qty, percents): same exactness, not money ---------------------------------


def test_decimal_string_behaves_like_money_amounts() -> None:
    ta: TypeAdapter[Decimal] = TypeAdapter(DecimalString)
    assert ta.validate_python("13") == Decimal("13")
    assert ta.validate_json(b"0") == Decimal(0)
    assert ta.validate_json(b'"1.5"') == Decimal("1.5")
    assert ta.dump_json(Decimal("1.50")) == b'"1.50"'
    assert ta.dump_python(Decimal("1E+1"), mode="json") == "10"
    with pytest.raises(ValidationError, match="float"):
        ta.validate_python(1.5)
    with pytest.raises(ValidationError):
        ta.validate_python("4 units")
