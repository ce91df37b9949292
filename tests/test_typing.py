"""The public signatures have no typing holes, checked by mypy --strict AND pyright (strict).

``tests/typing/ok_usage.py`` (correct code) must pass both checkers; every line of
``tests/typing/bad_usage.py`` marked ``# expect-error`` (float money, misspelt line/address keys,
unknown statuses, includes, sorts, events, non-JSON escape hatches) must be reported by both, and
no other line. The same mistakes are refused at run time with ``InvalidRequestError`` naming the
field, before any request. Both checkers run once per session, side by side (a few seconds).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from freshbooks_sdk import AsyncFreshBooks, FreshBooks, Money
from freshbooks_sdk._core.currencies import ACTIVE_CODES, CURRENCY_CODES, WITHDRAWN_CODES
from freshbooks_sdk._core.money_input import check_currency, float_origin, to_decimal
from freshbooks_sdk.errors import InvalidRequestError
from freshbooks_sdk.types import CALLBACK_EVENTS, INVOICE_V3_STATUSES

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "tests" / "typing"
OK, BAD, REVEAL = (SNIPPETS / n for n in ("ok_usage.py", "bad_usage.py", "reveal_public.py"))
FILES = [str(p.relative_to(ROOT)) for p in (OK, BAD, REVEAL)]
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Diagnostic:
    file: str
    line: int
    severity: str  # "error", "note"/"information"
    message: str


def _mypy() -> subprocess.Popen[str]:
    # Same config as `mypy --strict src` (pyproject), so the src part of its cache is reused.
    return subprocess.Popen(
        [sys.executable, "-m", "mypy", "--strict", "--no-pretty", "--show-absolute-path", *FILES],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _pyright_exe() -> str:
    exe = shutil.which("basedpyright", path=str(BIN)) or shutil.which("basedpyright")
    if exe is None:
        pytest.fail("basedpyright is a dev dependency (pip install -e '.[dev]')")
    return exe


def _pyright() -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            _pyright_exe(),
            "--outputjson",
            "--pythonpath",
            sys.executable,
            "-p",
            str(SNIPPETS / "pyrightconfig.json"),
            *FILES,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


_MYPY_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?P<sev>error|note): (?P<msg>.*)$")


def _parse_mypy(out: str) -> list[Diagnostic]:
    found = []
    for raw in out.splitlines():
        m = _MYPY_LINE.match(raw)
        if m:
            found.append(
                Diagnostic(Path(m["file"]).name, int(m["line"]), m["sev"], m["msg"].strip())
            )
    return found


def _parse_pyright(out: str) -> list[Diagnostic]:
    report = json.loads(out)
    return [
        Diagnostic(
            Path(d["file"]).name, d["range"]["start"]["line"] + 1, d["severity"], d["message"]
        )
        for d in report["generalDiagnostics"]
    ]


@pytest.fixture(scope="module")
def checked() -> Iterator[dict[str, list[Diagnostic]]]:
    procs = {"mypy": _mypy(), "pyright": _pyright()}
    results: dict[str, list[Diagnostic]] = {}
    for name, proc in procs.items():
        try:
            out, err = proc.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        if name == "mypy":
            if proc.returncode not in (0, 1) or ("error: " not in out and proc.returncode):
                pytest.fail(f"mypy did not run: {out[-2000:]} {err[-2000:]}")
            results[name] = _parse_mypy(out)
        else:
            if not out.strip().startswith("{"):
                pytest.fail(f"pyright did not run (offline Node?): {out[-2000:]} {err[-2000:]}")
            results[name] = _parse_pyright(out)
    yield results


def _marked_lines(path: Path) -> set[int]:
    return {
        i
        for i, text in enumerate(path.read_text().splitlines(), start=1)
        if "# expect-error" in text
    }


def test_the_snippets_hold_the_mistakes_the_issue_names() -> None:
    text = BAD.read_text()
    for mistake in ("amount=42.5", '"qyt"', 'v3_status="payed"', '"stret"'):
        assert mistake in text
    assert len(_marked_lines(BAD)) >= 20


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
def test_correct_code_passes(checked: dict[str, list[Diagnostic]], checker: str) -> None:
    found = [d for d in checked[checker] if d.file == OK.name]
    assert found == [], f"{checker} reports correct code: {found}"


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
def test_every_marked_mistake_is_reported_and_nothing_else(
    checked: dict[str, list[Diagnostic]], checker: str
) -> None:
    errors = {d.line for d in checked[checker] if d.file == BAD.name and d.severity == "error"}
    expected = _marked_lines(BAD)
    assert expected - errors == set(), f"{checker} misses mistakes on lines {expected - errors}"
    assert errors - expected == set(), f"{checker} reports unmarked lines {errors - expected}"


def test_float_money_is_named_by_mypy_with_the_accepted_types(
    checked: dict[str, list[Diagnostic]],
) -> None:
    line = next(i for i, t in enumerate(BAD.read_text().splitlines(), 1) if "amount=42.5" in t)
    messages = [d.message for d in checked["mypy"] if d.file == BAD.name and d.line == line]
    assert any('"float"' in m and "str | int | Decimal | Money" in m for m in messages), messages


# What each reveal_type line in tests/typing/reveal_public.py shows: (pyright, mypy).
_REVEALED = [
    ('"fb.invoices.get(1)" is "Invoice"', "freshbooks_sdk.models.Invoice"),
    (
        '"fb.invoices.with_raw_response.get(1)" is "RawResponse[Invoice]"',
        # The raw twin keeps the method's own return type as its parameter: no Any, no object.
        "freshbooks_sdk.responses.RawResponse[freshbooks_sdk.models.Invoice]",
    ),
    (
        '"fb.invoices.with_raw_response.list()" is "RawResponse[Page[Invoice]]"',
        "freshbooks_sdk.responses.RawResponse["
        "freshbooks_sdk.pagination.Page[freshbooks_sdk.models.Invoice]]",
    ),
    (
        '"fb.invoices.list().first_page()" is "Page[Invoice]"',
        "freshbooks_sdk.pagination.Page[freshbooks_sdk.models.Invoice]",
    ),
    ('"inv" is "Invoice"', "freshbooks_sdk.models.Invoice"),  # a list() item
    ('"inv.v3_status" is "InvoiceV3Status"', "freshbooks_sdk.enums.InvoiceV3Status"),
    # Money is defined in the public freshbooks_sdk.money (re-exported by models and _types).
    ('"inv.amount" is "Money"', "freshbooks_sdk.money.Money"),
    ('"inv.deposit_amount" is "Money | None"', "freshbooks_sdk.money.Money | None"),
    ('"fb.clients.create(fname="Ada")" is "Client"', "freshbooks_sdk.models.Client"),
    ('"await afb.invoices.get(1)" is "Invoice"', "freshbooks_sdk.models.Invoice"),
    (
        '"await afb.invoices.with_raw_response.get(1)" is "RawResponse[Invoice]"',
        "freshbooks_sdk.responses.RawResponse[freshbooks_sdk.models.Invoice]",
    ),
    ('"exp" is "Expense"', "freshbooks_sdk.models.Expense"),  # an async list() item
]


@pytest.mark.parametrize("checker", ["mypy", "pyright"])
def test_reveal_type_names_the_public_models(
    checked: dict[str, list[Diagnostic]], checker: str
) -> None:
    """mypy names a class by the module that defines it: the models are defined in
    ``freshbooks_sdk.models`` itself (generated into it), so no private path shows."""
    found = [d for d in checked[checker] if d.file == REVEAL.name]
    lines = [i for i, t in enumerate(REVEAL.read_text().splitlines(), 1) if "reveal_type(" in t]
    assert [d.line for d in found] == lines, found
    if checker == "pyright":
        got = [d.message for d in found]
        assert got == [f"Type of {shown}" for shown, _ in _REVEALED], got
    else:
        got = [d.message for d in found]
        assert got == [f'Revealed type is "{shown}"' for _, shown in _REVEALED], got
        private = ("._generated", "._enums", "._types", "._core", "._sync", "._async")
        assert not any(p in m for m in got for p in private), got


def test_option_mistakes_are_named_by_both_checkers(checked: dict[str, list[Diagnostic]]) -> None:
    """The per-call option mistakes are reported as what they are (not just "some error")."""
    lines = BAD.read_text().splitlines()

    def line_of(snippet: str) -> int:
        return next(i for i, t in enumerate(lines, 1) if snippet in t)

    def said(checker: str, snippet: str) -> str:
        line = line_of(snippet)
        return " ".join(
            d.message for d in checked[checker] if d.file == BAD.name and d.line == line
        )

    assert '"timeout"' in said("mypy", 'fb.invoices.get(1, timeout="5")')
    assert '"timeout"' in said("pyright", 'fb.invoices.get(1, timeout="5")')
    assert 'did you mean "max_retries"' in said("mypy", "retries=2")
    assert '"retries"' in said("pyright", "retries=2")
    assert '"extra_headers"' in said("pyright", 'extra_headers={"a": 1}')
    assert '"str": "int"' in said("mypy", 'extra_headers={"a": 1}')
    assert "nope" in said("mypy", ".parse().nope") and "nope" in said("pyright", ".parse().nope")


# -- the same mistakes at run time: a typed error naming the field, nothing sent --------------


@pytest.fixture
def fb() -> Iterator[FreshBooks]:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"a request was sent: {request.method} {request.url}")

    http = httpx.Client(transport=httpx.MockTransport(refuse))
    with FreshBooks(access_token="t", account_id="ACM123", http_client=http) as client:
        yield client
    http.close()


D = date(2026, 1, 2)
_RUNTIME: list[tuple[str, str, Callable[[Any], object]]] = [
    ("float amount", "amount", lambda fb: fb.expenses.create(amount=42.5, category_id=1, date=D)),
    ("float payment", "amount", lambda fb: fb.payments.create(invoice_id=1, amount=1.5, date=D)),
    ("float unit cost", "unit_cost", lambda fb: fb.items.create(name="B", unit_cost=1.5)),
    (
        "line key typo",
        "lines.0.qyt",
        lambda fb: fb.invoices.create(
            customer_id=1, currency_code="USD", lines=[{"name": "A", "unit_cost": "1", "qyt": 3}]
        ),
    ),
    (
        "line without cost",
        "lines.0.unit_cost",
        lambda fb: fb.invoices.create(customer_id=1, currency_code="USD", lines=[{"name": "A"}]),
    ),
    ("unknown status", "v3_status", lambda fb: fb.invoices.list(v3_status="payed")),
    ("vis_state 3", "vis_state", lambda fb: fb.invoices.list(vis_state=3)),
    ("unknown include", "include.0", lambda fb: fb.invoices.list(include=["line"])),
    (
        "address typo",
        "address.stret",
        lambda fb: fb.clients.create(fname="A", address={"stret": "1 Main St"}),
    ),
    ("client include", "include.0", lambda fb: fb.clients.list(include=["outstanding"])),
    ("float extra", "extra.rate", lambda fb: fb.clients.create(fname="A", extra={"rate": 1.5})),
    ("time entry sort", "sort", lambda fb: fb.time_entries.list(sort="started")),
    ("project type", "project_type", lambda fb: fb.projects.create(title="S", project_type="h")),
    ("project sort", "sort", lambda fb: fb.projects.list(sort="name")),
    (
        "callback event",
        "event",
        lambda fb: fb.callbacks.create(event="invoice.created", uri="https://x.example/h"),
    ),
    (
        "unknown currency",
        "currency_code",
        lambda fb: fb.clients.create(fname="A", currency_code="XYZ"),
    ),
    ("timeout as text", "timeout", lambda fb: fb.invoices.get(1, timeout="5")),
    ("header value int", "extra_headers[a]", lambda fb: fb.invoices.get(1, extra_headers={"a": 1})),
    ("float retries", "max_retries", lambda fb: fb.invoices.get(1, max_retries=1.5)),
    ("unknown option", "retries", lambda fb: fb.invoices.get(1, retries=2)),
    ("float query value", "extra_query[x]", lambda fb: fb.clients.list(extra_query={"x": 1.5})),
    (
        "header pairs",
        "extra_headers",
        lambda fb: fb.request("GET", "/x", extra_headers=[("X-A", "1")]),
    ),
    ("with_options timeout", "timeout", lambda fb: fb.with_options(timeout="5")),
    (
        "with_options bytes header",
        "extra_headers[X-A]",
        lambda fb: fb.with_options(extra_headers={"X-A": b"1"}),
    ),
    (
        "raw timeout as text",
        "timeout",
        lambda fb: fb.invoices.with_raw_response.get(1, timeout="5"),
    ),
    (
        "streamed None query",
        "extra_query[a]",
        lambda fb: fb.invoices.with_streaming_response.pdf(1, extra_query={"a": None}),
    ),
    (
        "float-made Decimal",
        "lines.0.unit_cost",
        lambda fb: fb.invoices.create(
            customer_id=1,
            currency_code="USD",
            lines=[{"name": "A", "unit_cost": Decimal(0.1)}],  # noqa: RUF032 - the mistake tested
        ),
    ),
]


@pytest.mark.parametrize(("field", "call"), [c[1:] for c in _RUNTIME], ids=[c[0] for c in _RUNTIME])
def test_the_same_mistakes_are_refused_before_sending(
    fb: FreshBooks, field: str, call: Callable[[Any], object]
) -> None:
    with pytest.raises(InvalidRequestError) as info:
        result = call(fb)
        iter(result)  # type: ignore[call-overload]  # a paginator checks on creation; never iterated
    assert info.value.field == field


def test_every_documented_status_and_event_is_accepted(fb: FreshBooks) -> None:
    for status in INVOICE_V3_STATUSES:
        fb.invoices.list(v3_status=status)  # type: ignore[arg-type]  # a str from the set
    assert {"invoice", "invoice.create", "time_entry.delete"} <= CALLBACK_EVENTS
    assert len(CALLBACK_EVENTS) == 15 * 4 + 2


# -- currencies and float-made Decimals --------------------------------------------------------


def test_the_currency_list_is_iso_4217_shaped() -> None:
    assert all(re.fullmatch(r"[A-Z]{3}", c) for c in CURRENCY_CODES)
    assert {"USD", "CAD", "EUR", "GBP", "JPY", "AUD", "XXX"} <= ACTIVE_CODES
    assert not ACTIVE_CODES & WITHDRAWN_CODES
    assert 150 < len(ACTIVE_CODES) < 200
    assert "HRK" in WITHDRAWN_CODES and "HRK" not in ACTIVE_CODES


@pytest.mark.parametrize("code", ["XYZ", "ABC", "usx", "EURO", "US", "", None, 840])
def test_unknown_currency_codes_are_refused(code: object) -> None:
    with pytest.raises(InvalidRequestError) as info:
        check_currency(code, "currency_code")
    assert info.value.field == "currency_code"


def test_money_with_an_unknown_code_is_refused_before_sending(fb: FreshBooks) -> None:
    with pytest.raises(InvalidRequestError):
        fb.expenses.create(
            amount=Money.of("1", "XYZ"),  # well-formed, but no ISO 4217 currency
            category_id=1,
            date=D,
            staff_id=1,
        )


@pytest.mark.parametrize("code", ["usd", "CAD", "hrk", "XCG", "ZWG"])
def test_known_codes_pass_upper_cased(code: str) -> None:
    assert check_currency(code) == code.upper()


@pytest.mark.parametrize("number", [0.1, 0.2, 1.1, 19.99, 1 / 3, 123456.789])
def test_a_decimal_made_from_a_float_is_named_as_such(number: float) -> None:
    with pytest.raises(InvalidRequestError) as info:
        to_decimal(Decimal(number), field="unit_cost")
    message = str(info.value)
    assert f"Decimal({number!r}) is a float; use Decimal('{number!r}')" in message
    assert info.value.field == "unit_cost"


_EXACT_FROM_FLOATS = [Decimal(0.5), Decimal(0.25)]  # noqa: RUF032 - exact binary fractions


@pytest.mark.parametrize(
    "value", [*_EXACT_FROM_FLOATS, Decimal("0.1"), Decimal("1.0000000001"), Decimal(3)]
)
def test_exact_decimals_pass(value: Decimal) -> None:
    assert to_decimal(value, field="x") == value


def test_too_precise_decimals_not_from_floats_get_the_plain_message() -> None:
    with pytest.raises(InvalidRequestError) as info:
        to_decimal(Decimal("0.123456789012345678901"), field="x")
    assert "is a float" not in str(info.value)
    assert "10 after" in str(info.value)
    assert float_origin(Decimal("0.123456789012345678901")) is None


@settings(max_examples=150, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e14, max_value=1e14))
def test_any_too_precise_float_made_decimal_names_its_float(number: float) -> None:
    exact = Decimal(number)
    try:
        result = to_decimal(exact, field="amount")
    except InvalidRequestError as exc:
        # Refused only for precision; a float origin is named whenever the digits say so.
        assert exc.field == "amount"
        if len(exact.as_tuple().digits) > 17:
            assert f"use Decimal('{number!r}')" in str(exc)
    else:
        assert result == exact  # short binary fractions (0.5, 12.25) are exact and pass


@settings(max_examples=150, deadline=None)
@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, places=10, min_value=-(10**14), max_value=10**14
    )
)
def test_any_decimal_within_freshbooks_precision_passes(value: Decimal) -> None:
    assert to_decimal(value, field="amount") == value


async def test_the_async_client_refuses_the_same_mistakes_before_sending() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"a request was sent: {request.method} {request.url}")

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as http:
        afb = AsyncFreshBooks(access_token="t", account_id="ACM123", http_client=http)
        bad: Any = 1.0  # the float a type checker would have reported
        with pytest.raises(InvalidRequestError) as info:
            await afb.expenses.create(amount=bad, category_id=1, date=D, currency_code="USD")
        assert info.value.field == "amount"
        with pytest.raises(InvalidRequestError) as info:
            afb.invoices.list(v3_status="payed")  # type: ignore[arg-type]  # the mistake tested
        assert info.value.field == "v3_status"
        with pytest.raises(InvalidRequestError) as info:
            await afb.clients.create(fname="A", address={"zip": "M5V"})  # type: ignore[typeddict-unknown-key]  # tested
        assert info.value.field == "address.zip"
        with pytest.raises(InvalidRequestError) as info:
            await afb.items.create(name="B", unit_cost=Decimal(0.1), currency_code="USD")  # noqa: RUF032 - tested
        assert "Decimal(0.1) is a float; use Decimal('0.1')" in str(info.value)
        text: Any = "5"  # the str a type checker would have reported
        with pytest.raises(InvalidRequestError) as info:
            await afb.invoices.get(1, timeout=text)
        assert info.value.field == "timeout"
        with pytest.raises(InvalidRequestError) as info:
            afb.with_options(max_retries=text)
        assert info.value.field == "max_retries"
        await afb.aclose()


def test_the_typed_dicts_are_introspectable_at_run_time() -> None:
    from freshbooks_sdk.types import AddressDict, InvoiceLineDict

    assert InvoiceLineDict.__required_keys__ == {"name", "unit_cost"}
    assert "qty" in InvoiceLineDict.__optional_keys__
    assert AddressDict.__required_keys__ == frozenset()
    assert set(AddressDict.__optional_keys__) == {
        "street",
        "street2",
        "city",
        "province",
        "postal_code",
        "country",
    }


def test_the_literals_and_typed_dicts_match_the_run_time_checks() -> None:
    """The types and the run-time checks list the same names (no drift either way)."""
    from typing import get_args

    from freshbooks_sdk._core import business, query
    from freshbooks_sdk._core import input_types as t
    from freshbooks_sdk._core.accounting_inputs import (
        _SPECIAL_EVENTS,
        CALLBACK_ACTIONS,
        CALLBACK_OBJECTS,
    )
    from freshbooks_sdk._core.inputs import ADDRESS_FIELDS, LINE_KEYS

    assert set(t.InvoiceLineDict.__annotations__) == LINE_KEYS
    assert set(t.AddressDict.__annotations__) == set(ADDRESS_FIELDS)
    assert set(get_args(t.ClientInclude)) == set(query.CLIENT_INCLUDES)
    assert set(get_args(t.InvoiceInclude)) == set(query.INVOICE_INCLUDES)
    assert set(get_args(t.ExpenseInclude)) == set(query.EXPENSE_INCLUDES)
    assert set(get_args(t.ProjectType)) == business.PROJECT_TYPES
    assert set(get_args(t.ProjectBillingMethod)) == business.PROJECT_BILLING_METHODS
    for sorts, allowed in (
        (t.TimeEntrySort, business.TIME_ENTRY_SORTS),
        (t.ProjectSort, business.PROJECT_SORTS),
    ):
        assert set(get_args(sorts)) == allowed | {f"-{name}" for name in allowed}
    events = {o for o in CALLBACK_OBJECTS} | {
        f"{o}.{a}" for o in CALLBACK_OBJECTS for a in CALLBACK_ACTIONS
    }
    assert CALLBACK_EVENTS == events | _SPECIAL_EVENTS


# -- the public module is where the models are defined, at run time too ------------------------


def test_the_models_are_defined_in_the_public_module() -> None:
    import freshbooks_sdk
    from freshbooks_sdk import _types, models

    assert models.Invoice.__module__ == "freshbooks_sdk.models"
    assert repr(models.Invoice) == "<class 'freshbooks_sdk.models.Invoice'>"
    assert freshbooks_sdk.Invoice is models.Invoice  # the top-level name is the same class
    defined_here = {
        name
        for name in models.__all__
        if isinstance(getattr(models, name), type)
        and getattr(models, name).__module__ == "freshbooks_sdk.models"
    }
    hand_written = set(models.__all__) - defined_here
    assert len(defined_here) > 100
    # Everything else in __all__ is a hand-written type re-exported (same object) from _types.
    assert hand_written == set(_types.__all__) - {"decimal_to_wire"}
    assert all(getattr(models, name) is getattr(_types, name) for name in hand_written)
    # The open enums are defined in the public freshbooks_sdk.enums (and pickle by that path).
    import pickle

    from freshbooks_sdk import enums

    assert models.InvoiceV3Status is enums.InvoiceV3Status
    assert enums.InvoiceV3Status.__module__ == "freshbooks_sdk.enums"
    member = pickle.dumps(enums.InvoiceV3Status.PAID)
    assert b"freshbooks_sdk.enums" in member and b"_enums" not in member
    assert pickle.loads(member) is enums.InvoiceV3Status.PAID


def test_a_fetched_invoice_pickles_by_its_public_path() -> None:
    import pickle

    from freshbooks_sdk.models import Invoice, InvoiceListResponse
    from freshbooks_sdk.sandbox import Sandbox

    sb = Sandbox()
    with sb.client() as fb:
        client = fb.clients.create(fname="Ada", currency_code="USD")
        fetched = fb.invoices.create(
            customer_id=client.id,
            currency_code="USD",
            lines=[{"name": "Design", "qty": "3", "unit_cost": "120.00"}],
        )
        listed = next(iter(fb.invoices.list()))
    data = pickle.dumps(fetched)
    assert b"freshbooks_sdk.models" in data and b"_generated" not in data
    again = pickle.loads(data)
    assert type(again) is Invoice and again == fetched
    assert again.amount == fetched.amount and again.lines == fetched.lines
    assert repr(again) == repr(fetched) and repr(again).startswith("Invoice(")
    envelope = InvoiceListResponse.model_validate_json(
        json.dumps(
            {
                "response": {
                    "result": {"invoices": [], "page": 1, "pages": 1, "per_page": 15, "total": 0}
                }
            }
        )
    )
    assert pickle.loads(pickle.dumps(envelope)) == envelope
    assert pickle.loads(pickle.dumps(listed)) == listed


# -- Money and RawResponse are defined in public modules (issue 14) -----------------------------

# Every module-level name freshbooks_sdk._types had before Money moved to freshbooks_sdk.money
# (fastread, the benchmarks and old pickles read them there).
_TYPES_NAMES_BEFORE_THE_MOVE = (
    "CurrencyCode DecimalString DepositStatus DisplayStatus EasternDateTime ExpenseStatus "
    "InvoiceStatus InvoiceV3Status IsoDateTime LenientDate Money OpenIntEnum OpenStrEnum "
    "PaymentStatus UTCSqlDateTime VisState WireModel decimal_to_wire _refuse_float _DECIMAL_TEXT "
    "_DECIMAL_ERROR _DECIMAL_TEXT_IN_RANGE _decimal_from_float _decimal_core_schema "
    "_DECIMAL_SCHEMA _ExactDecimal _CURRENCY_TEXT _MoneyType _raw_money _money_from_input "
    "_money_from_parts _money_from_fields _money_fields_schema _BeyondRange _money_from_json "
    "_money_or_fields _money_as_fields _money_core_schema _money_python_fields _money_validator "
    "_money_serializer _datetime_validator _validate_eastern_any _validate_utc_sql _validate_iso "
    "_recent_eastern _RECENT_MAX _validate_eastern _date_part"
).split()


def test_money_is_defined_in_the_public_money_module() -> None:
    import copy
    import pickle

    import freshbooks_sdk
    from freshbooks_sdk import _decimal, _types, models, money

    assert money.Money.__module__ == "freshbooks_sdk.money"
    assert repr(money.Money) == "<class 'freshbooks_sdk.money.Money'>"
    assert money.__all__ == ["Money"]
    assert Money is money.Money is models.Money is _types.Money is freshbooks_sdk.Money
    missing = [n for n in _TYPES_NAMES_BEFORE_THE_MOVE if not hasattr(_types, n)]
    assert missing == []
    assert _types._money_from_parts is money._money_from_parts
    assert _types._raw_money is money._raw_money
    assert _types.decimal_to_wire is _decimal.decimal_to_wire
    assert _types._DECIMAL_SCHEMA is _decimal._DECIMAL_SCHEMA
    price = Money.of("12.50", "USD")
    data = pickle.dumps(price)
    assert b"freshbooks_sdk.money" in data and b"_types" not in data
    again = pickle.loads(data)
    assert type(again) is Money and again == price and repr(again) == repr(price)
    assert copy.deepcopy(price) is price


def test_a_money_pickled_before_the_move_still_loads() -> None:
    import pickle

    # What pickle.dumps(Money.of("12.50", "USD"), protocol=0) wrote while Money was defined in
    # freshbooks_sdk._types: the reducer is named by that private path.
    old = (
        b"cfreshbooks_sdk._types\n_money_from_parts\np0\n(cdecimal\nDecimal\np1\n(V12.50\np2\ntp3\n"
        b"Rp4\nVUSD\np5\ntp6\nRp7\n."
    )
    loaded = pickle.loads(old)
    assert type(loaded) is Money and loaded == Money.of("12.50", "USD")
    assert loaded.amount == Decimal("12.50") and str(loaded.amount) == "12.50"


def test_raw_response_is_defined_in_the_public_responses_module() -> None:
    from freshbooks_sdk import responses
    from freshbooks_sdk._async import streaming as async_streaming
    from freshbooks_sdk._core import streaming as core_streaming
    from freshbooks_sdk._sync import streaming as sync_streaming
    from freshbooks_sdk.sandbox import Sandbox

    assert responses.RawResponse.__module__ == "freshbooks_sdk.responses"
    assert core_streaming.RawResponse is responses.RawResponse  # the old path still imports
    # The streamed types are read on first use (they import the HTTP core): the same classes.
    assert responses.StreamedResponse is sync_streaming.StreamedResponse
    assert responses.AsyncStreamedResponse is async_streaming.AsyncStreamedResponse
    assert responses.StreamContext is sync_streaming.StreamContext
    assert responses.AsyncStreamContext is async_streaming.AsyncStreamContext
    assert set(responses.__all__) <= set(dir(responses))
    for module in (responses, core_streaming):
        with pytest.raises(AttributeError, match="no attribute 'Nope'"):
            _ = module.Nope
    with Sandbox().client() as fb:
        raw = fb.clients.with_raw_response.create(fname="Ada", currency_code="USD")
    assert type(raw) is responses.RawResponse and raw.status_code in (200, 201)
    assert raw.parse().fname == "Ada"
    assert repr(raw).startswith("<RawResponse [")


# Each module first in a fresh set of freshbooks_sdk modules: no import cycle whatever the order,
# and the client import stays light (no Money, no models, no pydantic.main, no asyncio).
_IMPORT_ORDERS = """
import importlib, sys
firsts = ["freshbooks_sdk.responses", "freshbooks_sdk._core.streaming", "freshbooks_sdk.money",
          "freshbooks_sdk._types", "freshbooks_sdk._decimal", "freshbooks_sdk._sync.streaming",
          "freshbooks_sdk._async.streaming", "freshbooks_sdk.models", "freshbooks_sdk.pagination",
          "freshbooks_sdk._core.pages", "freshbooks_sdk._core.envelope",
          "freshbooks_sdk._sync.pagination", "freshbooks_sdk._async.pagination"]
for first in firsts:
    for name in [m for m in sys.modules if m.startswith("freshbooks_sdk")]:
        del sys.modules[name]
    importlib.import_module(first)
    from freshbooks_sdk.responses import RawResponse, StreamedResponse
    from freshbooks_sdk.models import Money
    assert RawResponse.__module__ == "freshbooks_sdk.responses", first
    assert Money.__module__ == "freshbooks_sdk.money", first
    from freshbooks_sdk.pagination import Page, Paginator
    assert Page.__module__ == "freshbooks_sdk.pagination", first
    assert Paginator.__name__ == "Paginator" and StreamedResponse.__name__ == "StreamedResponse"
print("orders ok")
"""

_LIGHT_CLIENT_IMPORT = """
import sys
from freshbooks_sdk import FreshBooks, AsyncFreshBooks
heavy = ("freshbooks_sdk.money", "freshbooks_sdk._decimal", "freshbooks_sdk._types",
         "freshbooks_sdk.models", "pydantic.main", "asyncio")
print(sorted(m for m in sys.modules if m.startswith(heavy)))
"""


def test_the_moved_definitions_import_in_any_order_and_the_client_stays_light() -> None:
    for code, expected in ((_IMPORT_ORDERS, "orders ok"), (_LIGHT_CLIENT_IMPORT, "[]")):
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert proc.stdout.strip() == expected, proc.stdout


def test_page_and_page_info_are_defined_in_the_public_pagination_module() -> None:
    import pickle

    from freshbooks_sdk import pagination
    from freshbooks_sdk._async import pagination as async_pagination
    from freshbooks_sdk._core import pages as core_pages
    from freshbooks_sdk._sync import pagination as sync_pagination
    from freshbooks_sdk.sandbox import Sandbox

    assert (
        pagination.Page.__module__ == pagination.PageInfo.__module__ == "freshbooks_sdk.pagination"
    )
    assert core_pages.Page is pagination.Page and core_pages.PageInfo is pagination.PageInfo
    assert pagination.Paginator is sync_pagination.Paginator
    assert pagination.AsyncPaginator is async_pagination.AsyncPaginator
    assert set(pagination.__all__) <= set(dir(pagination))
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        _ = pagination.Nope
    with Sandbox().client() as fb:
        fb.clients.create(fname="Ada", currency_code="USD")
        first = fb.clients.list(per_page=1).first_page()
        raw = fb.clients.with_raw_response.list(per_page=1)
    assert type(first) is pagination.Page and type(first.info) is pagination.PageInfo
    assert type(raw.parse()) is pagination.Page and raw.parse().info == first.info
    data = pickle.dumps(first)
    assert b"freshbooks_sdk.pagination" in data and b"_core" not in data
    assert pickle.loads(data) == first
    # A page pickled while Page lived in freshbooks_sdk._core.pages still loads.
    old = pickle.dumps(first, protocol=0).replace(
        b"freshbooks_sdk.pagination", b"freshbooks_sdk._core.pages"
    )
    assert pickle.loads(old) == first
