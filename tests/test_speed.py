"""Issue 12 (speed): the fast paths give exactly what the reference paths give, and stay light.

* the Eastern fast path (C ISO parser + hourly offsets) against the full parser, 1970-2200;
* the JSON decimal schema (pattern, then ``Decimal()``) against the chained one it replaced;
* ``Money`` as a slotted value: immutable, hashable, picklable, exact;
* ``response.errors`` read from the parsed envelope; no garbage-collector switching;
* one page alive at a time while a paginator walks;
* ``from freshbooks_sdk import FreshBooks, AsyncFreshBooks`` builds no model, no BaseModel and no
  asyncio, and loads none of the fleet stores, sqlite3, the rate gate, the poller, OAuth or the
  socket deadline (checked in a fresh interpreter).

Pinned model semantics (repr, dumps, equality, schemas, errors) are in test_wire_semantics.py.
"""

from __future__ import annotations

import asyncio
import copy
import gc
import json
import pickle
import random
import subprocess
import sys
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

import httpx
import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_core import SchemaValidator, core_schema

from freshbooks_sdk import AsyncPaginator, Page, PageInfo, Paginator
from freshbooks_sdk._core import fbtime
from freshbooks_sdk._core.envelope import decode, single
from freshbooks_sdk._types import _DECIMAL_ERROR, _DECIMAL_SCHEMA, _DECIMAL_TEXT
from freshbooks_sdk.errors import NotFoundError, ResponseValidationError
from freshbooks_sdk.models import InvoiceListResponse, Money

# --- Eastern fast path ------------------------------------------------------------------------


def _both(text: str) -> tuple[Any, Any]:
    def run(parse: Any) -> Any:
        try:
            return parse(text)
        except ValueError as exc:
            return ("error", str(exc))

    return run(fbtime.parse_accounting_datetime), run(fbtime._parse_accounting_full)


def test_eastern_fast_path_matches_the_full_parser_1970_to_2200() -> None:
    """Every hour of every day whose UTC offset changes (and the days around it), two hours of
    every other day, and 20,000 random seconds: the fast path equals the full parser."""
    fbtime._HOUR_OFFSETS.clear()
    day = datetime(1970, 1, 1)
    end = datetime(2200, 1, 1)
    previous: timedelta | None = None
    checked = transition_days = 0
    while day < end:
        prefix = day.strftime("%Y-%m-%d ")
        early, late = f"{prefix}00:30:00", f"{prefix}23:30:00"
        fast_early, full_early = _both(early)
        fast_late, full_late = _both(late)
        assert fast_early == full_early, early
        assert fast_late == full_late, late
        offsets = {
            fbtime.EASTERN.utcoffset(day.replace(hour=0, minute=30)),
            fbtime.EASTERN.utcoffset(day.replace(hour=23, minute=30)),
        }
        checked += 2
        if len(offsets) > 1 or previous not in offsets:
            transition_days += 1
            for hour in range(24):
                for clock in ("00:00", "30:00", "59:59"):
                    text = f"{prefix}{hour:02d}:{clock}"
                    fast, full = _both(text)
                    assert fast == full, text
                    checked += 1
        previous = fbtime.EASTERN.utcoffset(day.replace(hour=23, minute=30))
        day += timedelta(days=1)
    assert transition_days > 2 * 200  # two changes a year (and a few more in 1974-75)
    rng = random.Random(12)
    start = datetime(1969, 12, 25)
    for _ in range(20_000):
        moment = start + timedelta(seconds=rng.randrange(0, 231 * 365 * 86_400))
        text = moment.strftime("%Y-%m-%d %H:%M:%S")
        fast, full = _both(text)
        assert fast == full, text
    assert checked > 160_000


@pytest.mark.parametrize(
    "text",
    [
        "2024-11-03 01:30:00",  # repeated hour: first occurrence
        "2024-03-10 02:30:00",  # skipped hour: offset before the jump
        "2024-03-10 03:00:00",
        "1969-12-31 23:59:59",  # outside the fast range: the full parser
        "2200-01-01 00:00:00",
        "2021-02-30 10:00:00",  # invalid date: same message
        "2021-04-16 24:00:00",
        "2021-04-16 10:31+05",
        "2021-04-16 10:31:1x",
        "１９７０-01-01 00:00:00",  # non-ASCII digits: whatever the full parser says
        "2021-04-16 10:31:19.5",
    ],
)
def test_eastern_fast_path_edge_cases_match(text: str) -> None:
    fast, full = _both(text)
    assert fast == full
    if isinstance(fast, datetime):
        assert fast.tzinfo is fbtime.UTC


def test_hour_offset_table_is_bounded() -> None:
    fbtime._HOUR_OFFSETS.clear()
    for n in range(fbtime._HOUR_OFFSETS_MAX + 10):
        moment = datetime(1971, 1, 1) + timedelta(hours=n)
        fbtime.parse_accounting_datetime(moment.strftime("%Y-%m-%d %H:00:00"))
    assert len(fbtime._HOUR_OFFSETS) <= fbtime._HOUR_OFFSETS_MAX


def test_utc_sql_fast_path_matches() -> None:
    for text in ["2020-11-17 02:27:03", "2020-02-30 02:27:03", "2020-11-17 02:27:03.25"]:
        try:
            fast: Any = fbtime.parse_utc_sql_datetime(text)
        except ValueError as exc:
            fast = str(exc)
        try:
            full: Any = fbtime._parse_sql(text).replace(tzinfo=fbtime.UTC)
        except ValueError as exc:
            full = str(exc)
        assert fast == full


# --- JSON decimals: the new schema against the one it replaced ---------------------------------


def _old_json_decimal() -> SchemaValidator:
    accepted = core_schema.union_schema(
        [
            core_schema.str_schema(pattern=_DECIMAL_TEXT, strict=True),
            core_schema.int_schema(strict=True),
            core_schema.float_schema(strict=True, allow_inf_nan=False),
        ],
        custom_error_type="invalid_decimal",
        custom_error_message=_DECIMAL_ERROR,
    )
    return SchemaValidator(
        core_schema.chain_schema([accepted, core_schema.decimal_schema(allow_inf_nan=False)])
    )


OLD = _old_json_decimal()
NEW = SchemaValidator(_DECIMAL_SCHEMA)


def _outcome(validator: SchemaValidator, raw: str) -> tuple[str, Any]:
    try:
        value = validator.validate_json(raw)
    except pydantic.ValidationError as exc:
        return ("error", [(e["type"], e["loc"], e["msg"]) for e in exc.errors()])
    return ("value", (type(value), value.as_tuple()))


DECIMAL_ISH = st.text(alphabet="0123456789.-+eE _,xN", max_size=14)


@settings(max_examples=300, deadline=None)
@given(text=DECIMAL_ISH)
def test_new_decimal_schema_equals_the_old_one_on_strings(text: str) -> None:
    raw = json.dumps(text)
    assert _outcome(NEW, raw) == _outcome(OLD, raw)


@settings(max_examples=200, deadline=None)
@given(
    number=st.one_of(
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=False, allow_infinity=False),
    )
)
def test_new_decimal_schema_equals_the_old_one_on_json_numbers(number: int | float) -> None:
    raw = json.dumps(number)
    assert _outcome(NEW, raw) == _outcome(OLD, raw)


@pytest.mark.parametrize("raw", ["1e400", "true", "null", "[]", '"NaN"', '"١٢"'])
def test_new_decimal_schema_refuses_what_the_old_one_refused(raw: str) -> None:
    assert _outcome(NEW, raw)[0] == _outcome(OLD, raw)[0] == "error"


def test_exponent_beyond_decimal_range_is_the_same_decimal_parsing_error() -> None:
    # "1e999999999999999999999" (beyond Decimal's exponent range): decimal_parsing, as the
    # chained schema gave, at the same location, for a DecimalString and for a Money amount.
    assert _outcome(NEW, '"-2.5E+0000000000000000000000000001"')[0] == "value"
    for raw in ['"1e999999999999999999999"', '"-1E-99999999999999999999"']:
        assert _outcome(NEW, raw) == _outcome(OLD, raw)
        with pytest.raises(pydantic.ValidationError) as exc:
            NEW.validate_json(raw)
        assert exc.value.errors()[0]["type"] == "decimal_parsing"
    body = {"amount": "1e999999999999999999999", "code": "USD"}
    with pytest.raises(pydantic.ValidationError) as money:
        Money.model_validate_json(json.dumps(body))
    err = money.value.errors()[0]
    assert (err["type"], err["loc"], err["msg"]) == (
        "decimal_parsing",
        ("amount",),
        "Input should be a valid decimal",
    )
    assert len(money.value.errors()) == 1
    # in range, the same text shape still reads exactly
    ok = Money.model_validate_json(json.dumps({"amount": "1e99999", "code": "USD"}))
    assert ok.amount == Decimal("1e99999")


# --- Money as a slotted value ------------------------------------------------------------------


def _page_money() -> Money:
    body = {
        "response": {
            "result": {
                "invoices": [
                    {
                        "id": 1,
                        "customerid": 2,
                        "create_date": "2024-01-01",
                        "updated": "2024-01-01 10:00:00",
                        "status": 2,
                        "v3_status": "sent",
                        "vis_state": 0,
                        "amount": {"amount": "7.60133524082021936099189318", "code": "CAD"},
                    }
                ],
                "page": 1,
                "pages": 1,
                "per_page": 1,
                "total": 1,
            }
        }
    }
    page = InvoiceListResponse.model_validate_json(json.dumps(body))
    money: Money = page.response.result.invoices[0].amount
    return money


def test_money_from_a_page_is_exact_and_built_once() -> None:
    money = _page_money()
    first = money.amount
    assert first == Decimal("7.60133524082021936099189318")
    assert str(first) == "7.60133524082021936099189318"
    assert money.amount is first  # a slot: the same Decimal at every read
    assert money == Money.of("7.60133524082021936099189318", "CAD")
    assert hash(money) == hash(Money.of("7.60133524082021936099189318", "CAD"))


def test_money_is_immutable() -> None:
    money = Money.of("1.00", "USD")
    with pytest.raises(pydantic.ValidationError) as exc:
        money.code = "CAD"  # type: ignore[misc]  # frozen on purpose
    assert exc.value.errors()[0]["type"] == "frozen_instance"
    with pytest.raises(pydantic.ValidationError):
        del money.code
    assert not hasattr(money, "__dict__")


def test_money_pickles_and_copies() -> None:
    for money in (Money.of("12.50", "USD"), _page_money()):
        assert pickle.loads(pickle.dumps(money)) == money
        assert copy.copy(money) is money
        assert copy.deepcopy(money) is money


def test_money_model_methods() -> None:
    money = Money.of("1E+2", "USD")
    assert money.model_dump() == {"amount": Decimal("1E+2"), "code": "USD"}
    assert money.model_dump(mode="json") == {"amount": "100", "code": "USD"}
    assert money.model_dump(exclude={"code"}) == {"amount": Decimal("1E+2")}
    assert money.model_dump_json(indent=None) == '{"amount":"100","code":"USD"}'
    assert Money.model_validate(money) is money
    assert Money.model_validate({"amount": 5, "code": "EUR"}) == Money.of(5, "EUR")
    assert money.model_copy() is money
    assert money.model_copy(update={"code": "CAD"}) == Money.of("100", "CAD")
    with pytest.raises(pydantic.ValidationError):
        money.model_copy(update={"amount": 1.5})  # a float is still refused
    assert Money.model_json_schema()["title"] == "Money"
    assert Money.of("1", "USD") != "1 USD" and Money.of("1", "USD") != {"amount": 1, "code": "USD"}


def test_money_not_an_object_is_refused_at_its_location() -> None:
    # model_type, as the BaseModel Money gave: from a page (JSON, "Input should be an object")
    # and from Python code.
    for raw in ['"12.50"', "[1]", "5", "null"]:
        with pytest.raises(pydantic.ValidationError) as exc:
            Money.model_validate_json(raw)
        err = exc.value.errors()[0]
        assert (err["type"], err["loc"], err["msg"]) == (
            "model_type",
            (),
            "Input should be an object",
        )
        assert err["ctx"] == {"class_name": "Money"}

    class Holder(pydantic.BaseModel):
        price: Money

    with pytest.raises(pydantic.ValidationError) as page:
        Holder.model_validate_json('{"price": "12.50"}')
    err = page.value.errors()[0]
    assert (err["type"], err["loc"]) == ("model_type", ("price",))
    with pytest.raises(pydantic.ValidationError) as py:
        Holder(price="12.50")  # type: ignore[arg-type]  # the refusal is the point
    err = py.value.errors()[0]
    assert (err["type"], err["loc"]) == ("model_type", ("price",))


# --- envelopes ---------------------------------------------------------------------------------


def _list_body(**response_extra: Any) -> bytes:
    result = {"invoices": [], "page": 1, "pages": 0, "per_page": 100, "total": 0}
    return json.dumps({"response": {"result": result, **response_extra}}).encode()


def test_errors_beside_a_result_are_read_from_the_envelope() -> None:
    body = _list_body(errors=[{"errno": 1012, "message": "gone", "field": "id"}])
    with pytest.raises(NotFoundError, match="gone"):
        decode(InvoiceListResponse, body)
    assert decode(InvoiceListResponse, _list_body(errors=[])).response.result.total == 0


def test_the_word_errors_in_a_page_costs_no_second_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    body = _list_body(note='no "errors" here', errors_seen=0)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the page was parsed a second time")

    monkeypatch.setattr("freshbooks_sdk._core.envelope.json.loads", refuse)
    assert decode(InvoiceListResponse, body).response.result.pages == 0


def test_decode_leaves_the_garbage_collector_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> None:
        raise AssertionError("decode switched the collector off")

    monkeypatch.setattr(gc, "disable", refuse)
    decode(InvoiceListResponse, _list_body())
    assert gc.isenabled()


def test_bad_page_still_names_the_field() -> None:
    body = json.loads(_list_body())
    body["response"]["result"]["invoices"] = [{"id": 1, "amount": {"amount": "x", "code": "USD"}}]
    with pytest.raises(ResponseValidationError) as exc:
        decode(InvoiceListResponse, json.dumps(body).encode())
    locs = [tuple(e["loc"]) for e in exc.value.errors]
    assert ("response", "result", "invoices", 0, "amount", "amount") in locs


def test_envelopes_named_by_string_resolve_on_first_use() -> None:
    unwrap = single("InvoiceResponse", "invoice")
    assert unwrap.envelope == "InvoiceResponse"
    assert unwrap.model().__name__ == "InvoiceResponse"
    assert unwrap.envelope is unwrap.model()


# --- one page alive at a time ----------------------------------------------------------------


class _Item:
    """A weak-referenceable stand-in for a model."""

    alive: ClassVar[set[int]] = set()

    def __init__(self, n: int) -> None:
        self.n = n
        _Item.alive.add(n)

    def __del__(self) -> None:
        _Item.alive.discard(self.n)


PAGES, PER = 5, 10


def _page(number: int) -> Page[_Item]:
    # When page `number` is fetched, at most one item of the page before may still be alive:
    # the one the caller's loop variable holds.
    previous = {n for n in _Item.alive if n // PER == number - 2}
    assert len(previous) <= 1, f"page {number - 1} still alive while fetching page {number}"
    items = [_Item((number - 1) * PER + i) for i in range(PER)]
    return Page(items=items, info=PageInfo(page=number, pages=PAGES, per_page=PER, total=50))


def test_sync_walk_keeps_one_page_alive() -> None:
    _Item.alive.clear()
    seen = sum(1 for _ in Paginator(lambda number, per_page: _page(number), per_page=PER))
    assert seen == PAGES * PER
    pages = 0
    for page in Paginator(lambda number, per_page: _page(number), per_page=PER).iter_pages():
        pages += 1
        del page  # the caller drops its page: the paginator must not hold one more
    assert pages == PAGES


def test_async_walk_keeps_one_page_alive() -> None:
    async def fetch(number: int, per_page: int) -> Page[_Item]:
        return _page(number)

    async def walk() -> int:
        seen = 0
        async for _ in AsyncPaginator(fetch, per_page=PER):
            seen += 1
        return seen

    _Item.alive.clear()
    assert asyncio.run(walk()) == PAGES * PER


# --- import weight ---------------------------------------------------------------------------

# What the happy path (a client, a listing) never needs, so the client import must not load it:
# models, BaseModel and asyncio; the fleet stores (and sqlite3 under them), the rate gate, the
# poller, the token providers and OAuth, the blocking client's socket deadline (and httpcore
# under it), and the optional parts (sandbox, Celery, CLI, integration catalog).
_NOT_AT_IMPORT = (
    "freshbooks_sdk.models",
    "freshbooks_sdk._generated",
    "freshbooks_sdk._types",
    "pydantic.main",
    "asyncio",
    "freshbooks_sdk.stores",
    "sqlite3",
    "_sqlite3",
    "freshbooks_sdk._async._gate",
    "freshbooks_sdk._sync._gate",
    "freshbooks_sdk._netdeadline",
    "httpcore",
    "h11",
    "freshbooks_sdk._async.poller",
    "freshbooks_sdk._sync.poller",
    "freshbooks_sdk._core.polling",
    "freshbooks_sdk._async.token_source",
    "freshbooks_sdk._sync.token_source",
    "freshbooks_sdk._async.oauth",
    "freshbooks_sdk._sync.oauth",
    "freshbooks_sdk._core.oauth",
    "freshbooks_sdk.auth",
    "freshbooks_sdk.sandbox",
    "freshbooks_sdk.celery",
    "freshbooks_sdk.cli",
    "freshbooks_sdk.integration",
)
# Built with an access token, neither client needs the fleet stores, the rate gate or the
# poller; the async one never needs the blocking client's socket deadline.
_NOT_FOR_A_CLIENT = (
    "freshbooks_sdk.stores",
    "sqlite3",
    "freshbooks_sdk._async._gate",
    "freshbooks_sdk._sync._gate",
    "freshbooks_sdk._async.poller",
    "freshbooks_sdk._sync.poller",
    "asyncio",
    "pydantic.main",
)

_IMPORT_CHECK = f"""
import sys
def loaded(names):
    return sorted(m for m in sys.modules if m == names or m.startswith(names))
from freshbooks_sdk import FreshBooks, AsyncFreshBooks
print(loaded({_NOT_AT_IMPORT!r}))
afb = AsyncFreshBooks(access_token="t", account_id="ACM123")
print(loaded({(*_NOT_FOR_A_CLIENT, "freshbooks_sdk._netdeadline")!r}))
fb = FreshBooks(access_token="t", account_id="ACM123")
fb.close()
print(loaded({_NOT_FOR_A_CLIENT!r}))
import freshbooks_sdk.models as models
missing = [n for n in models.__all__ if not hasattr(models, n)]
print(missing, len(models.__all__))
"""


def test_client_import_builds_no_model_and_loads_nothing_the_happy_path_does_not_need() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORT_CHECK], capture_output=True, text=True, check=True
    )
    at_import, async_client, sync_client, complete = proc.stdout.strip().splitlines()
    assert at_import == "[]"
    assert async_client == "[]"
    assert sync_client == "[]"
    assert complete.startswith("[] ") and int(complete.split()[-1]) > 50


def test_the_import_check_sees_a_heavy_module() -> None:
    """The check above can fail: a module that imports the stores at the top is caught."""
    check = _IMPORT_CHECK.replace(
        "from freshbooks_sdk import FreshBooks, AsyncFreshBooks",
        "from freshbooks_sdk import FreshBooks, AsyncFreshBooks\nimport freshbooks_sdk.stores",
        1,
    )
    proc = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    at_import = proc.stdout.strip().splitlines()[0]
    assert "freshbooks_sdk.stores" in at_import and "sqlite3" in at_import


def test_resources_resolve_their_envelopes_on_first_use() -> None:
    from freshbooks_sdk import FreshBooks
    from freshbooks_sdk.sandbox import Sandbox

    sandbox = Sandbox()
    with httpx.Client(transport=sandbox.transport()) as http:
        fb = FreshBooks(
            access_token=sandbox.issue_token(),
            account_id=sandbox.account_ids[0],
            http_client=http,
        )
        invoices = list(fb.invoices.list(max_items=3))
    assert all(type(inv).__name__ == "Invoice" for inv in invoices)


# --- async requests: no failed import per request ----------------------------------------------


class _CountingFinder:
    """A meta-path finder that only records which modules the import system searched for."""

    def __init__(self) -> None:
        self.searched: list[str] = []

    def find_spec(self, name: str, path: Any, target: Any = None) -> None:
        self.searched.append(name)


async def test_async_requests_make_no_failed_import_per_request() -> None:
    """httpcore asks sniffio which event loop runs, several times per async request; sniffio is a
    dependency so that the ask is a dict lookup, not a failed import scanning sys.path."""
    import httpcore._synchronization as sync_primitives

    assert sync_primitives.current_async_library() == "asyncio"  # sniffio imported, answers
    finder = _CountingFinder()
    sys.meta_path.insert(0, finder)
    try:
        for _ in range(5):
            assert sync_primitives.current_async_library() == "asyncio"
    finally:
        sys.meta_path.remove(finder)
    assert finder.searched == []
