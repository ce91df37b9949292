"""The fast body reader (``freshbooks_sdk._core.fastread``) against pydantic, the reference.

For every body tried, the fast reader either *declines* (returns ``None``, pydantic reads it) or
builds exactly what ``model_validate_json`` builds: the same types all the way down, the same
``__dict__`` order, fields-set, extra and private state, the same Decimal digits and exponents,
the same enum members and pseudo-members, the same aware datetimes. It never accepts a body
pydantic refuses. Checked on the real fixture bodies, the benchmark pages, every body the
sandbox serves to the resources, a table of tricky values, and hypothesis mutations of real bodies.
"""

from __future__ import annotations

import copy
import enum
import json
import sys
import threading
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from freshbooks_sdk._core import envelope, fastread
from freshbooks_sdk._core.fastread import reader_for
from freshbooks_sdk.models import (
    ClientListResponse,
    ExpenseListResponse,
    InvoiceListResponse,
    InvoiceResponse,
    Money,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the benchmarks package (its realistic invoice pages)

from benchmarks._invoices import make_invoice, render_page  # noqa: E402


def same(a: Any, b: Any, path: str = "$") -> None:
    """``a`` is exactly ``b``: types, order, digits, members, fields-set, extra."""
    assert type(a) is type(b), f"{path}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, BaseModel):
        assert list(a.__dict__) == list(b.__dict__), path
        assert a.__pydantic_fields_set__ == b.__pydantic_fields_set__, f"{path} fields set"
        assert type(a.__pydantic_fields_set__) is type(b.__pydantic_fields_set__), path
        # the same set, not only an equal one: iteration order (repr, pickle) and table size
        assert repr(a.__pydantic_fields_set__) == repr(b.__pydantic_fields_set__), path
        assert sys.getsizeof(a.__pydantic_fields_set__) == sys.getsizeof(
            b.__pydantic_fields_set__
        ), path
        same(a.__pydantic_extra__, b.__pydantic_extra__, f"{path}<extra>")
        assert a.__pydantic_private__ == b.__pydantic_private__, path
        for key, value in a.__dict__.items():
            same(value, b.__dict__[key], f"{path}.{key}")
    elif isinstance(a, Money):
        same(a.amount, b.amount, f"{path}.amount")
        same(a.code, b.code, f"{path}.code")
    elif isinstance(a, dict):
        assert list(a) == list(b), path
        for key, value in a.items():
            same(value, b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{path}[{i}]")
    elif isinstance(a, Decimal):
        assert a.as_tuple() == b.as_tuple(), f"{path}: {a!r} vs {b!r}"
    elif isinstance(a, enum.Enum):
        assert (a.name, a.value, type(a.value)) == (b.name, b.value, type(b.value)), path
    elif isinstance(a, datetime):
        assert (a, a.tzinfo, repr(a)) == (b, b.tzinfo, repr(b)), path
    elif isinstance(a, float):
        assert repr(a) == repr(b), path
    else:
        assert a == b and repr(a) == repr(b), f"{path}: {a!r} vs {b!r}"


def listing_key(model: type[BaseModel]) -> str | None:
    """The items key of a list envelope ``response.result.<key>``, else ``None``."""
    try:
        result = model.model_fields["response"].annotation.model_fields["result"].annotation  # type: ignore[union-attr]  # probed
    except (KeyError, AttributeError):
        return None
    names = getattr(result, "model_fields", {})
    return next((n for n in names if fastread._item_model(model, n) is not None), None)


def check_listing(model: type[BaseModel], body: bytes, reference: BaseModel | None) -> None:
    """The listing reader (items made one at a time) agrees with the whole-body reading:
    it declines exactly when the fast reader does, and its items are the very same."""
    key = listing_key(model)
    if key is None:
        return
    read = fastread.listing_reader_for(model, key)
    assert read is not None, f"{model.__name__} has no listing reader"
    listed = read(body)
    if reference is None or reader_for(model)(body) is None:  # type: ignore[misc]  # checked above
        assert listed is None, (
            f"the listing reader took a body the fast reader declines: {body[:300]!r}"
        )
        return
    assert listed is not None
    result = reference.response.result  # type: ignore[attr-defined]  # a list envelope
    same([listed.make(item) for item in listed.items], getattr(result, key) or [])
    for name in ("page", "pages", "per_page", "total"):
        assert getattr(listed.result, name) == getattr(result, name), name


def check(model: type[BaseModel], body: bytes) -> str:
    """Compare the fast reader with pydantic on one body: "fast", "declined" or "refused"."""
    read = reader_for(model)
    assert read is not None, f"{model.__name__} has no fast reader"
    fast = read(body)
    try:
        reference = model.model_validate_json(body)
    except (ValidationError, ArithmeticError, RecursionError):
        assert fast is None, f"the fast reader accepted a body pydantic refuses: {body[:300]!r}"
        check_listing(model, body, None)
        return "refused"
    check_listing(model, body, reference)
    if fast is None:
        return "declined"
    same(fast, reference)
    assert fast == reference
    assert repr(fast) == repr(reference)
    assert fast.model_dump_json() == reference.model_dump_json()
    assert fast.model_dump() == reference.model_dump()
    assert fast.model_dump(exclude_unset=True) == reference.model_dump(exclude_unset=True)
    return "fast"


# --- real bodies ------------------------------------------------------------------------------


def test_benchmark_pages_are_read_fast_and_exactly() -> None:
    for page in (1, 7, 42):
        assert check(InvoiceListResponse, render_page(page, 100, items_per_page=20)) == "fast"


def test_every_fixture_body_is_read_exactly_or_declined(shared_fixtures: Path) -> None:
    from tests.test_fixtures_conformance import ALL_CASES, corrected_bytes

    outcomes: dict[str, list[str]] = {"fast": [], "declined": [], "refused": []}
    for path, model in ALL_CASES:
        if reader_for(model) is None:
            outcomes["declined"].append(path.name)
            continue
        outcomes[check(model, corrected_bytes(path))].append(path.name)
    # The fixtures carry what the models take leniently (ids as strings, amounts as numbers,
    # unknown fields): those are pydantic's. The rest are read fast.
    assert len(outcomes["fast"]) >= 10, outcomes
    assert not outcomes["refused"], outcomes


def test_every_body_the_sandbox_serves_is_read_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    from freshbooks_sdk.sandbox import Sandbox

    seen: list[tuple[type[BaseModel], bytes, Any]] = []
    real = fastread.reader_for

    def spy(model: type[BaseModel]) -> Any:
        read = real(model)
        if read is None:
            seen.append((model, b"", None))
            return None

        def recorded(content: bytes) -> Any:
            result = read(content)
            seen.append((model, content, result))
            return result

        return recorded

    real_listing = fastread.listing_reader_for

    def listing_spy(model: type[BaseModel], key: str) -> Any:
        read = real_listing(model, key)
        assert read is not None, f"{model.__name__} has no listing reader"

        def recorded(content: bytes) -> Any:
            listed = read(content)
            items = None if listed is None else [listed.make(item) for item in listed.items]
            seen.append((model, content, items))
            return listed

        return recorded

    monkeypatch.setattr(fastread, "reader_for", spy)
    monkeypatch.setattr(fastread, "listing_reader_for", listing_spy)
    monkeypatch.setattr(envelope, "_fast_readers", {})  # looked up again, through the spies
    monkeypatch.setattr(envelope, "_listing_readers", {})
    sb = Sandbox()
    with sb.client() as fb:
        client = fb.clients.create(organization="Melmac Dinnerware", email="alf@example.com")
        fb.clients.get(client.id)
        list(fb.clients.list())
        invoice = fb.invoices.create(
            customer_id=client.id,
            currency_code="CAD",
            lines=[{"name": "Bowls", "qty": "4", "unit_cost": Money.of("5.00", "CAD")}],
        )
        fb.invoices.get(invoice.id)
        list(fb.invoices.list())
        list(fb.invoices.list(include_lines=True))
        list(fb.expenses.list())
    assert len(seen) >= 6
    assert sum(isinstance(result, list) for _, _, result in seen) >= 4  # listings, item by item
    for model, content, result in seen:
        assert result is not None, f"{model.__name__} declined a sandbox body: {content[:400]!r}"
        reference = model.model_validate_json(content)
        if isinstance(result, list):  # a listing's items, made one at a time
            key = listing_key(model)
            assert key is not None
            reference = getattr(reference.response.result, key)  # type: ignore[attr-defined]  # a list envelope
        same(result, reference)


# --- tricky values ----------------------------------------------------------------------------

AMOUNTS = [
    "12.50", "-4.40", "0", "-0", "+5", "5.", ".5", "0.000", "7.60133524082021936099189318",
    "1e5", "1E+5", "1e-7", "1e00000000000000017", "1e000000000000000017", "1e999999999999999999",
    "1_000", " 5", "5 ", "NaN", "nan", "Infinity", "-Inf", "sNaN", "\u0663", "", ".", "-", "1.2.3",
    "5\n", "0x10", "1e", "e5", "++5", "1,5", "１２",
]  # fmt: skip
CODES = ["CAD", "USD", "usd", "US", "USDX", "", "ÀBC", "US\n", "U D", 123, None]
TIMESTAMPS = [
    "2021-04-16 10:31:58", "2021-03-14 02:30:00", "2021-11-07 01:30:00", "2021-04-16T10:31:58Z",
    "2021-04-16T10:31:58+02:00", "2021-04-16 10:31:58.123", "2021-02-30 10:00:00",
    "2021-04-16 10:31:74", "2021-04-16", "", "now", 1618583518, None,
]  # fmt: skip
ENUMS = ["paid", "draft", "refunded", "PAID", "", 2, 0, 99, -1, True, 1.0, "2", None]


def _page(**changes: Any) -> dict[str, Any]:
    invoice = make_invoice(3)
    invoice.update(changes)
    return {
        "response": {
            "result": {"invoices": [invoice], "page": 1, "pages": 1, "per_page": 1, "total": 1}
        }
    }


def _check_page(body: dict[str, Any]) -> str:
    return check(InvoiceListResponse, json.dumps(body, ensure_ascii=False).encode())


@pytest.mark.parametrize("amount", AMOUNTS)
def test_amount_texts_agree_with_pydantic(amount: str) -> None:
    outcome = _check_page(_page(amount={"amount": amount, "code": "CAD"}))
    body = _page()
    body["response"]["result"]["invoices"][0]["lines"][0]["qty"] = amount
    outcomes = {outcome, _check_page(body)}
    if amount.isascii() and amount.strip("0123456789.+-e") == "" and len(amount) < 12:
        assert outcomes <= {"fast", "refused"}  # plain decimal text is never left to pydantic


@pytest.mark.parametrize("code", CODES)
def test_currency_codes_agree_with_pydantic(code: Any) -> None:
    assert _check_page(_page(paid={"amount": "1.00", "code": code})) in {"fast", "refused"}


@pytest.mark.parametrize("value", TIMESTAMPS)
def test_timestamps_agree_with_pydantic(value: Any) -> None:
    _check_page(_page(updated=value))
    _check_page(_page(created_at=value))


@pytest.mark.parametrize("value", ENUMS)
def test_enum_values_agree_with_pydantic(value: Any) -> None:
    for field in ("v3_status", "status", "payment_status", "vis_state", "display_status"):
        _check_page(_page(**{field: value}))


def test_absent_fields_are_learned_and_filled_with_defaults() -> None:
    # An endpoint that leaves fields out (here: lines, email and a line's description) still gets
    # the exact fields-set and defaults; a missing required field is pydantic's error.
    body = _page()
    invoice = body["response"]["result"]["invoices"][0]
    del invoice["description"], invoice["lines"][0]["description"]
    assert _check_page(body) == "fast"
    del invoice["lines"]
    assert _check_page(body) == "fast"
    del invoice["id"]
    assert _check_page(body) == "refused"


def test_unknown_fields_and_lenient_values_are_left_to_pydantic() -> None:
    assert _check_page(_page(brand_new_field=True)) == "declined"
    assert _check_page(_page(customerid="12345")) == "declined"
    assert _check_page(_page(amount={"amount": 10, "code": "CAD"})) == "declined"
    money_with_extra_key = {"amount": "1.00", "code": "CAD", "symbol": "$"}
    assert _check_page(_page(amount=money_with_extra_key)) == "declined"  # pydantic parses it


def test_json_text_edge_cases_agree_with_pydantic() -> None:
    base = json.dumps(_page())
    variants = [
        base.replace('"page": 1', '"page": 1, "page": 2'),  # duplicate key: the last wins
        base.replace('"page": 1', '"page": 1.0'),
        base + " x",
        "\ufeff" + base,
        base.replace('"Bowls"', '"Bo\\ud800wls"'),
        base.replace('"Bowls"', '"Bo\\u0000wls"'),
        base.replace('"total": 1', '"total": 123456789012345678901234567890'),
        base[:-5],
        "[" + base + "]",
        "null",
    ]
    for text in variants:
        check(InvoiceListResponse, text.encode())
    check(InvoiceListResponse, base.encode().replace(b"Bowls", b"Bo\xffwls"))


def test_a_single_envelope_is_read_fast() -> None:
    body = {"response": {"result": {"invoice": make_invoice(11)}}}
    assert check(InvoiceResponse, json.dumps(body).encode()) == "fast"


# --- hypothesis: mutations of real bodies -------------------------------------------------------

ODD_VALUES = st.sampled_from(
    [None, 0, -1, 1.5, 2.0, True, "", "x", "0", "12.50", "2021-04-16 10:31:58", "2021-04-16",
     "CAD", [], {}, [1], {"amount": "1.00", "code": "CAD"}, {"amount": "1e5", "code": "usd"},
     "paid", 10**30, -0.0, "\u0663"]
)  # fmt: skip


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


def _seed_bodies() -> list[tuple[type[BaseModel], dict[str, Any]]]:
    invoices = json.loads(render_page(2, 2, items_per_page=2))
    client = {
        "id": 7, "organization": "Melmac", "updated": "2021-04-16 10:31:58", "vis_state": 0,
        "email": "alf@example.com", "currency_code": "CAD", "signup_date": "2020-11-17 02:27:03",
    }  # fmt: skip
    clients = {"response": {"result": {"clients": [client], "page": 1, "pages": 1,
                                       "per_page": 1, "total": 1}}}  # fmt: skip
    expense = {
        "id": 9, "expenseid": 9, "categoryid": 3, "staffid": 1, "date": "2021-04-16",
        "amount": {"amount": "19.99", "code": "USD"}, "updated": "2021-04-16 10:31:58",
        "vis_state": 0, "status": 0, "vendor": "Huron Street Supply",
    }  # fmt: skip
    expenses = {"response": {"result": {"expenses": [expense], "page": 1, "pages": 1,
                                        "per_page": 1, "total": 1}}}  # fmt: skip
    return [(InvoiceListResponse, invoices), (ClientListResponse, clients),
            (ExpenseListResponse, expenses)]  # fmt: skip


SEEDS = _seed_bodies()


@settings(
    max_examples=int(__import__("os").environ.get("FASTREAD_EXAMPLES", "250")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_mutated_bodies_are_read_exactly_or_declined(data: st.DataObject) -> None:
    model, seed = data.draw(st.sampled_from(SEEDS))
    body = copy.deepcopy(seed)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [p for p in _paths(body) if p]
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        parent = body
        for step in path[:-1]:
            parent = parent[step]
        action = data.draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = copy.deepcopy(data.draw(ODD_VALUES))
        elif action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent, dict):
            key = data.draw(st.sampled_from(["zz_new", "errors", "amount", "id"]))
            parent[key] = copy.deepcopy(data.draw(ODD_VALUES))
    check(model, json.dumps(body).encode())


# --- concurrency --------------------------------------------------------------------------------


def test_threads_learning_absent_fields_at_once_get_exact_models() -> None:
    fastread._readers.pop(ExpenseListResponse, None)  # a fresh reader that has learned nothing
    from freshbooks_sdk.models import Expense

    _model, seed = SEEDS[2]
    fields = Expense.model_fields
    optional = [k for k in seed["response"]["result"]["expenses"][0] if not fields[k].is_required()]
    assert len(optional) >= 3
    bodies = []
    for i in range(8):
        body = copy.deepcopy(seed)
        del body["response"]["result"]["expenses"][0][optional[i % len(optional)]]
        bodies.append(json.dumps(body).encode())
    failures: list[BaseException] = []

    def work(content: bytes) -> None:
        try:
            for _ in range(20):
                assert check(ExpenseListResponse, content) == "fast"
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures[0]


def test_dates_and_defaults_are_plain_values() -> None:
    page = reader_for(InvoiceListResponse)(render_page(1, 1, items_per_page=1))  # type: ignore[misc]  # a reader exists (checked above)
    invoice = page.response.result.invoices[0]
    assert type(invoice.create_date) is date
    assert invoice.model_extra == {}


NUMBER_TEXT = st.from_regex(
    r"\A-?(0|[1-9][0-9]{0,30})(\.[0-9]{1,30})?([eE][+-]?[0-9]{1,4})?\Z", fullmatch=True
)


@settings(max_examples=200, deadline=None)
@given(number=NUMBER_TEXT, text=st.text(max_size=12))
def test_json_numbers_and_strings_in_open_fields_agree_with_pydantic(
    number: str, text: str
) -> None:
    # presentation is a free dict (Any values): JSON numbers of every size and precision, and any
    # text, must come out as pydantic's jiter reads them (or be declined).
    base = json.dumps(_page(presentation={"n": 0, "t": ""}), ensure_ascii=False)
    body = base.replace('"n": 0', f'"n": {number}').replace('"t": ""', f'"t": {json.dumps(text)}')
    check(InvoiceListResponse, body.encode())


def test_models_with_settings_the_reader_does_not_know_are_left_to_pydantic() -> None:
    from pydantic import ConfigDict

    from freshbooks_sdk.models import Client

    class Stripped(Client):
        model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    assert reader_for(Stripped) is None


@pytest.mark.parametrize("inventory", ["12", 12, "", None, 1.0, True, "1e3", 10**20])
def test_a_str_or_int_field_agrees_with_pydantic(inventory: Any) -> None:
    from freshbooks_sdk.models import ItemResponse

    item = {
        "itemid": 4,
        "id": 4,
        "name": "Bowls",
        "inventory": inventory,
        "updated": "2021-04-16 10:31:58",
    }
    outcome = check(ItemResponse, json.dumps({"response": {"result": {"item": item}}}).encode())
    if type(inventory) in (str, int) or inventory is None:
        assert outcome in {"fast", "refused"}


# --- found by review: what msgspec skips or allows where pydantic's parser refuses ---------------


def _expense_body(amount: str = '{"amount": "1.00", "code": "USD"}', extra: str = "") -> bytes:
    return (
        '{"response": {"result": {"expense": {"id": 9, "categoryid": 3, "staffid": 1, '
        f'"date": "2021-04-16", "amount": {amount}, "updated": "2021-04-16 10:31:58", '
        f'"vis_state": 0{extra}}}}}}}}}'
    ).encode()


def test_unknown_keys_in_a_money_object_are_parsed_by_pydantic() -> None:
    # msgspec skips an unknown key without checking its text; pydantic parses it (UTF-8, number
    # size, nesting) and may refuse the body: such a money object is always pydantic's.
    from freshbooks_sdk.errors import ResponseValidationError
    from freshbooks_sdk.models import ExpenseResponse

    def money_with(extra: bytes) -> bytes:
        return _expense_body().replace(b'"code": "USD"', b'"code": "USD", "x": ' + extra)

    invalid_utf8 = money_with(b'"\xff"')
    assert check(ExpenseResponse, invalid_utf8) == "refused"
    assert check(ExpenseResponse, money_with(b"9" * 4400)) == "refused"
    assert check(ExpenseResponse, money_with(b"[" * 220 + b"]" * 220)) == "refused"
    assert check(ExpenseResponse, money_with(b'"$"')) == "declined"
    with pytest.raises(ResponseValidationError):
        envelope.decode(ExpenseResponse, invalid_utf8)


@pytest.mark.parametrize("depth", [1, 3, 4, 5, 150, 199, 200, 260])
def test_deep_open_values_agree_with_pydantic(depth: int) -> None:
    from freshbooks_sdk.models import ExpenseResponse

    nested = "[" * depth + "1" + "]" * depth
    outcome = check(ExpenseResponse, _expense_body(extra=f', "bill_matches": {nested}'))
    page = _page(presentation={"deep": 0})
    text = json.dumps(page).replace('"deep": 0', f'"deep": {nested}')
    outcomes = {outcome, check(InvoiceListResponse, text.encode())}
    if depth <= 3:
        assert outcomes == {"fast"}


def test_money_replace_is_checked_like_the_constructor() -> None:
    from freshbooks_sdk.errors import InvalidRequestError

    money = Money.of("1.00", "USD")
    assert money.__replace__(amount="2.50") == Money.of("2.50", "USD")
    with pytest.raises(InvalidRequestError):
        money.__replace__(amount=1.5)
    with pytest.raises(InvalidRequestError):
        money.__replace__(code="usd")


def test_custom_constraints_and_own_schemas_are_left_to_pydantic() -> None:
    from typing import Annotated

    from pydantic import ConfigDict, StringConstraints

    class Lowered(BaseModel):
        model_config = ConfigDict(extra="allow")
        code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$", to_lower=True)]

    class Short(BaseModel):
        model_config = ConfigDict(extra="allow")
        code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$", max_length=2)]

    class Own(BaseModel):
        model_config = ConfigDict(extra="allow")
        a: int

        @classmethod
        def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
            return handler(source)

    for model in (Lowered, Short, Own):
        assert reader_for(model) is None, model


def test_money_codes_are_shared_strings() -> None:
    page = reader_for(InvoiceListResponse)(render_page(1, 1, items_per_page=3))  # type: ignore[misc]  # a reader exists
    codes = {id(inv.amount.code) for inv in page.response.result.invoices}
    assert len(codes) == 1
