"""The action/trigger catalog (freshbooks_sdk.integration) against the in-process sandbox.

Every action runs from a plain dict, sync and async; bad input is refused before any request
with the invalid fields named; FreshBooks' 404/422 come back with errno and field; a 429 says
retryable and after how long; every output is JSON and matches its exported JSON Schema.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pydantic
import pytest

from freshbooks_sdk import AsyncFreshBooks, FreshBooks
from freshbooks_sdk.errors import (
    APIConnectionError,
    ErrorDetail,
    InternalServerError,
    InvalidRequestError,
    UnprocessableEntityError,
)
from freshbooks_sdk.integration import (
    ACTIONS,
    TRIGGERS,
    ActionResult,
    catalog,
    check_schemas,
    error_from_exception,
    export_schemas,
    schema_documents,
    to_json,
)
from freshbooks_sdk.integration import main as integration_main
from freshbooks_sdk.sandbox import FakeClock, Sandbox

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "schemas"


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sb(clock: FakeClock) -> Iterator[Sandbox]:
    sandbox = Sandbox(clock=clock, seed=0)
    yield sandbox
    assert not sandbox.internal_errors, sandbox.internal_errors


@pytest.fixture
def account(sb: Sandbox) -> str:
    return sb.account_ids[0]


@pytest.fixture
def fb(sb: Sandbox, clock: FakeClock, account: str) -> Iterator[FreshBooks]:
    http = httpx.Client(transport=sb.transport())
    with FreshBooks(
        access_token=sb.issue_token(),
        account_id=account,
        http_client=http,
        clock=clock,
        sleep=clock.advance,
    ) as client:
        yield client
    http.close()


@pytest.fixture
async def afb(sb: Sandbox, clock: FakeClock, account: str) -> AsyncIterator[AsyncFreshBooks]:
    async def fake_sleep(seconds: float) -> None:
        clock.advance(seconds)

    http = httpx.AsyncClient(transport=sb.async_transport())
    async with AsyncFreshBooks(
        access_token=sb.issue_token(),
        account_id=account,
        http_client=http,
        clock=clock,
        sleep=fake_sleep,
    ) as client:
        yield client
    await http.aclose()


@pytest.fixture
def world(sb: Sandbox, account: str) -> dict[str, int]:
    """A client, a draft invoice and an expense category, made directly in the sandbox."""
    client = sb.create(account, "clients", {"email": "ada@example.com", "fname": "Ada"})
    invoice = sb.create(
        account,
        "invoices",
        {
            "customerid": client["id"],
            "create_date": "2024-03-01",
            "currency_code": "USD",
            "lines": [
                {"name": "Bowls", "qty": "4", "unit_cost": {"amount": "5.00", "code": "USD"}}
            ],
        },
    )
    category = next(iter(sb.store(account).categories.values()))
    return {"client_id": client["id"], "invoice_id": invoice["id"], "category_id": category.id}


def run_sync(fb: FreshBooks, name: str, data: Any) -> ActionResult:
    return catalog[name].run(fb, data)


async def run_async(afb: AsyncFreshBooks, name: str, data: Any) -> ActionResult:
    return await catalog[name].arun(afb, data)


def output_validator(name: str) -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    stem = name.split("/", 1)[1]
    schema = json.loads((SCHEMAS / f"{stem}.output.schema.json").read_text())
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def assert_json_output(name: str, result: ActionResult) -> Any:
    """ok, JSON-serializable (round trip), and valid against the committed output schema."""
    assert result.ok, result.error
    assert result.error is None
    text = json.dumps(result.to_dict())
    assert json.loads(text)["output"] == result.output
    output_validator(name).validate(result.output)
    return result.output


# ---------------------------------------------------------------------------------------------
# Good input, sync and async
# ---------------------------------------------------------------------------------------------


def good_inputs(w: dict[str, int]) -> dict[str, dict[str, Any]]:
    return {
        "freshbooks/list-clients": {"email": "ada@example.com", "limit": 5},
        "freshbooks/create-client": {
            "email": "grace@example.com",
            "fname": "Grace",
            "lname": "Hopper",
            "organization": "Navy",
            "address": {"street": "1 Main St", "city": "Arlington", "country": "USA"},
            "currency_code": "usd",
        },
        "freshbooks/list-invoices": {"client_id": w["client_id"], "include_lines": True},
        "freshbooks/create-invoice": {
            "client_id": w["client_id"],
            "currency_code": "USD",
            "due_offset_days": 30,
            "po_number": "PO-17",
            "notes": "Thanks",
            "terms": "Net 30",
            "create_date": "2024-03-02",
            "lines": [
                {"name": "Design", "qty": "3", "unit_cost": "120.00"},
                {"name": "Discount", "unit_cost": "-15.50", "description": "loyalty"},
            ],
        },
        "freshbooks/send-invoice": {
            "invoice_id": w["invoice_id"],
            "to": ["ada@example.com"],
            "subject": "Your invoice",
        },
        "freshbooks/create-expense": {
            "amount": "12.50",
            "currency_code": "USD",
            "category_id": w["category_id"],
            "date": "2024-03-01",
            "vendor": "Cafe",
            "client_id": w["client_id"],
            "tax_name1": "HST",
            "tax_amount1": "1.63",
            "tax_name2": "PST",
            "tax_amount2": "0.88",
        },
    }


def check_good_output(name: str, output: Any, w: dict[str, int]) -> None:
    if name == "freshbooks/list-clients":
        assert output["count"] == 1 == len(output["items"])
        assert output["items"][0]["email"] == "ada@example.com"
        assert output["items"][0]["updated"].endswith("Z")
    elif name == "freshbooks/create-client":
        assert (output["fname"], output["p_city"], output["currency_code"]) == (
            "Grace",
            "Arlington",
            "USD",
        )
    elif name == "freshbooks/list-invoices":
        assert output["count"] == 1
        invoice = output["items"][0]
        assert invoice["amount"] == {"amount": "20.00", "code": "USD"}
        assert invoice["lines"][0]["qty"] == "4"
        assert invoice["updated"].endswith("Z")
    elif name == "freshbooks/create-invoice":
        assert output["customerid"] == w["client_id"]
        assert output["v3_status"] == "draft"
        assert output["amount"] == {"amount": "344.50", "code": "USD"}
        assert output["create_date"] == "2024-03-02"
        assert (output["po_number"], output["due_offset_days"]) == ("PO-17", 30)
        assert [line["amount"]["amount"] for line in output["lines"]] == ["360.00", "-15.50"]
    elif name == "freshbooks/send-invoice":
        assert output["id"] == w["invoice_id"]
        assert output["v3_status"] in ("sent", "overdue")  # dated 2024-03-01, due at once
    elif name == "freshbooks/create-expense":
        assert output["amount"] == {"amount": "12.50", "code": "USD"}
        assert (output["categoryid"], output["clientid"]) == (w["category_id"], w["client_id"])
        assert output["date"] == "2024-03-01"
        assert (output["taxName1"], output["taxAmount1"]) == (
            "HST",
            {"amount": "1.63", "code": "USD"},
        )
        assert (output["taxName2"], output["taxAmount2"]) == (
            "PST",
            {"amount": "0.88", "code": "USD"},
        )


@pytest.mark.parametrize("name", list(ACTIONS))
def test_action_runs_from_a_dict_sync(
    fb: FreshBooks, world: dict[str, int], sb: Sandbox, name: str
) -> None:
    result = run_sync(fb, name, good_inputs(world)[name])
    check_good_output(name, assert_json_output(name, result), world)
    if name == "freshbooks/send-invoice":
        assert sb.outbox[-1].recipients == ("ada@example.com",)


@pytest.mark.parametrize("name", list(ACTIONS))
async def test_action_runs_from_a_dict_async(
    afb: AsyncFreshBooks, world: dict[str, int], name: str
) -> None:
    result = await run_async(afb, name, good_inputs(world)[name])
    check_good_output(name, assert_json_output(name, result), world)


def test_send_invoice_can_mark_as_sent_without_email(
    fb: FreshBooks, world: dict[str, int], sb: Sandbox
) -> None:
    sent_before = len(sb.outbox)
    result = run_sync(
        fb, "freshbooks/send-invoice", {"invoice_id": world["invoice_id"], "method": "mark_as_sent"}
    )
    assert assert_json_output("freshbooks/send-invoice", result)["v3_status"] != "draft"
    assert len(sb.outbox) == sent_before


def test_list_limit_and_exact_updated_since(
    fb: FreshBooks, sb: Sandbox, clock: FakeClock, account: str
) -> None:
    for n in range(5):
        sb.create(account, "clients", {"email": f"c{n}@example.com"})
    clock.advance(3600)
    since = clock()
    clock.advance(1)
    late = sb.create(account, "clients", {"email": "late@example.com"})

    limited = run_sync(fb, "freshbooks/list-clients", {"limit": 3})
    output = assert_json_output("freshbooks/list-clients", limited)
    assert (output["count"], output["total"]) == (3, 6)  # the total FreshBooks reported
    every = assert_json_output(
        "freshbooks/list-clients", run_sync(fb, "freshbooks/list-clients", {})
    )
    assert (every["count"], every["total"]) == (6, 6)

    recent = run_sync(
        fb,
        "freshbooks/list-clients",
        {"updated_since": since.isoformat().replace("+00:00", "Z")},
    )
    output = assert_json_output("freshbooks/list-clients", recent)
    assert [c["id"] for c in output["items"]] == [late["id"]]


def test_list_invoices_by_status(fb: FreshBooks, world: dict[str, int]) -> None:
    drafts = run_sync(fb, "freshbooks/list-invoices", {"status": "draft"})
    assert assert_json_output("freshbooks/list-invoices", drafts)["count"] == 1
    paid = run_sync(fb, "freshbooks/list-invoices", {"status": "paid"})
    assert assert_json_output("freshbooks/list-invoices", paid) == {
        "items": [],
        "count": 0,
        "total": 0,
    }


def test_input_model_instance_is_accepted(fb: FreshBooks, world: dict[str, int]) -> None:
    action = catalog["freshbooks/list-clients"]
    params = action.input_model.model_validate({"email": "ada@example.com"})
    assert run_sync(fb, "freshbooks/list-clients", params).output["count"] == 1


# ---------------------------------------------------------------------------------------------
# Bad input: refused before any request, fields named
# ---------------------------------------------------------------------------------------------

BAD_INPUTS: list[tuple[str, dict[str, Any], list[str], str]] = [
    # name, input, expected fields, a word of the message
    ("freshbooks/create-client", {}, ["email", "fname", "lname", "organization"], "at least one"),
    ("freshbooks/create-client", {"email": "not-an-email"}, ["email"], "email"),
    ("freshbooks/create-client", {"fname": "A", "address": {"zip": "1"}}, ["address.zip"], "Extra"),
    ("freshbooks/create-client", {"fname": "A", "currency_code": "dollars"}, ["currency_code"], ""),
    (
        "freshbooks/create-invoice",
        {"lines": [{"name": "x", "unit_cost": "1"}]},
        ["client_id"],
        "required",
    ),
    ("freshbooks/create-invoice", {"client_id": 5, "lines": []}, ["lines"], "at least 1"),
    (
        "freshbooks/create-invoice",
        {"client_id": 5, "lines": [{"name": "x", "unit_cost": 10.05}]},
        ["lines.0.unit_cost"],
        "not the number 10.05",
    ),
    (
        "freshbooks/create-invoice",
        {"client_id": 5, "lines": [{"name": "x", "unit_cost": 10}]},
        ["lines.0.unit_cost"],
        "decimal string",
    ),
    (
        "freshbooks/create-invoice",
        {"client_id": 5, "lines": [{"name": "x", "qty": "-2", "unit_cost": "1.00"}]},
        ["lines.0.qty"],
        ">= 0",
    ),
    (
        "freshbooks/create-invoice",
        {"client_id": 5, "lines": [{"name": "", "unit_cost": "1.00"}]},
        ["lines.0.name"],
        "",
    ),
    (
        "freshbooks/create-invoice",
        {"client_id": 5, "create_date": "01/03/2024", "lines": [{"name": "x", "unit_cost": "1"}]},
        ["create_date"],
        "YYYY-MM-DD",
    ),
    (
        "freshbooks/create-invoice",
        {"client_id": 5, "create_date": "2024-02-30", "lines": [{"name": "x", "unit_cost": "1"}]},
        ["create_date"],
        "",
    ),
    (
        "freshbooks/create-invoice",
        {"client_id": -1, "lines": [{"name": "x", "unit_cost": "1"}]},
        ["client_id"],
        "",
    ),
    (
        "freshbooks/create-invoice",
        {"clinet_id": 5, "client_id": 5, "lines": [{"name": "x", "unit_cost": "1"}]},
        ["clinet_id"],
        "Extra",
    ),
    (
        "freshbooks/create-expense",
        {"amount": 12.5, "category_id": 1, "date": "2024-03-01"},
        ["amount"],
        "not the number 12.5",
    ),
    (
        "freshbooks/create-expense",
        {"amount": "-12.50", "category_id": 1, "date": "2024-03-01"},
        ["amount"],
        ">= 0",
    ),
    ("freshbooks/create-expense", {"amount": "1.00", "category_id": 1}, ["date"], "required"),
    (
        "freshbooks/list-clients",
        {"updated_since": "2024-03-01T10:00:00"},
        ["updated_since"],
        "timezone",
    ),
    ("freshbooks/list-clients", {"limit": 0}, ["limit"], "greater than"),
    ("freshbooks/list-invoices", {"status": "Paid!"}, ["status"], ""),
    ("freshbooks/list-invoices", {"date_from": "2024/03/01"}, ["date_from"], "YYYY-MM-DD"),
    (
        "freshbooks/list-invoices",
        {"date_from": "2024-03-01", "date_to": "2024-03-01"},
        ["date_to"],
        "exclusive",
    ),
    (
        "freshbooks/list-invoices",
        {"date_from": "2024-03-02", "date_to": "2024-03-01"},
        ["date_to"],
        "later than date_from",
    ),
    (
        "freshbooks/create-expense",
        {"amount": "1.00", "category_id": 1, "date": "2024-03-01", "tax_amount1": 0.13},
        ["tax_amount1"],
        "not the number 0.13",
    ),
    (
        "freshbooks/create-expense",
        {"amount": "1.00", "category_id": 1, "date": "2024-03-01", "tax_amount2": "-1.00"},
        ["tax_amount2"],
        ">= 0",
    ),
    # Unknown keys are named as sent, never renamed by the action's SDK/wire `field_names`
    # (customer_id/customerid -> client_id, max_items -> limit, p_city -> address.city, ...).
    (
        "freshbooks/create-invoice",
        {"customer_id": 5, "client_id": 5, "lines": [{"name": "x", "unit_cost": "1"}]},
        ["customer_id"],
        "Extra",
    ),
    (
        "freshbooks/create-invoice",
        {"customerid": 5, "client_id": 5, "lines": [{"name": "x", "unit_cost": "1"}]},
        ["customerid"],
        "Extra",
    ),
    ("freshbooks/list-invoices", {"customer_id": 5}, ["customer_id"], "Extra"),
    ("freshbooks/list-invoices", {"v3_status": "paid"}, ["v3_status"], "Extra"),
    ("freshbooks/list-clients", {"max_items": 5}, ["max_items"], "Extra"),
    ("freshbooks/create-client", {"fname": "A", "p_city": "Toronto"}, ["p_city"], "Extra"),
    (
        "freshbooks/send-invoice",
        {"invoice_id": 1, "email_recipients": ["a@b.com"]},
        ["email_recipients"],
        "Extra",
    ),
    (
        "freshbooks/create-expense",
        {"amount": "1.00", "category_id": 1, "date": "2024-03-01", "categoryid": 1},
        ["categoryid"],
        "Extra",
    ),
    (
        "freshbooks/send-invoice",
        {"invoice_id": 1, "method": "mark_as_sent", "to": ["a@b.com"]},
        ["to"],
        "method=email",
    ),
    ("freshbooks/send-invoice", {"invoice_id": 1, "to": ["nobody"]}, ["to.0"], "email"),
    ("freshbooks/send-invoice", {"invoice_id": 1, "method": "fax"}, ["method"], ""),
]


@pytest.mark.parametrize(("name", "data", "fields", "word"), BAD_INPUTS)
def test_bad_input_is_refused_before_any_request(
    fb: FreshBooks, sb: Sandbox, name: str, data: dict[str, Any], fields: list[str], word: str
) -> None:
    before = len(sb.request_log)
    result = run_sync(fb, name, data)
    assert not result.ok and result.output is None
    assert result.error is not None
    error = result.error
    assert error["type"] == "invalid_input"
    assert [f["field"] for f in error["fields"]] == fields
    assert word.lower() in error["message"].lower()
    assert error["retryable"] is False
    assert error["may_have_applied"] is False
    assert error["retry_after"] is None and error["status_code"] is None
    assert len(sb.request_log) == before  # nothing was sent
    json.dumps(result.to_dict())


async def test_bad_input_is_refused_async(afb: AsyncFreshBooks, sb: Sandbox) -> None:
    before = len(sb.request_log)
    result = await run_async(
        afb,
        "freshbooks/create-invoice",
        {"client_id": 5, "lines": [{"name": "x", "qty": "1", "unit_cost": 3.3}]},
    )
    assert result.error is not None
    assert result.error["fields"][0]["field"] == "lines.0.unit_cost"
    assert len(sb.request_log) == before
    unknown = await run_async(
        afb,
        "freshbooks/create-invoice",
        {"customer_id": 5, "client_id": 5, "lines": [{"name": "x", "unit_cost": "1"}]},
    )
    assert unknown.error is not None
    assert [f["field"] for f in unknown.error["fields"]] == ["customer_id"]
    assert "client_id" not in unknown.error["message"]
    assert len(sb.request_log) == before


def test_input_that_is_not_an_object(fb: FreshBooks) -> None:
    result = run_sync(fb, "freshbooks/create-client", ["email", "a@b.com"])
    assert result.error is not None and result.error["type"] == "invalid_input"


def test_missing_currency_is_reported_by_field(fb: FreshBooks, world: dict[str, int]) -> None:
    result = run_sync(
        fb,
        "freshbooks/create-invoice",
        {"client_id": world["client_id"], "lines": [{"name": "x", "unit_cost": "1.00"}]},
    )
    assert result.error is not None
    assert result.error["type"] == "invalid_input"
    assert result.error["fields"][0]["field"] == "currency_code"


# ---------------------------------------------------------------------------------------------
# FreshBooks' own refusals: 404 / 422 with errno and field
# ---------------------------------------------------------------------------------------------


def _single_field(result: ActionResult) -> dict[str, Any]:
    assert not result.ok and result.error is not None
    assert len(result.error["fields"]) == 1
    return dict(result.error["fields"][0])


def test_unknown_client_on_invoice_create(fb: FreshBooks, sb: Sandbox) -> None:
    result = run_sync(
        fb,
        "freshbooks/create-invoice",
        {
            "client_id": 424242,
            "currency_code": "USD",
            "lines": [{"name": "x", "unit_cost": "1.00"}],
        },
    )
    field = _single_field(result)
    assert result.error is not None
    assert result.error["status_code"] in (404, 422)
    assert result.error["type"] in ("not_found", "validation_failed")
    assert result.error["retryable"] is False
    assert field["errno"] == 1012
    assert field["field"] == "client_id"
    assert field["wire_field"] == "customerid"
    assert sb.request_log[-1].status in (404, 422)


async def test_unknown_invoice_on_send_async(afb: AsyncFreshBooks) -> None:
    result = await run_async(afb, "freshbooks/send-invoice", {"invoice_id": 2999999})
    field = _single_field(result)
    assert result.error is not None
    assert (result.error["type"], result.error["status_code"]) == ("not_found", 404)
    assert (field["field"], field["errno"]) == ("invoice_id", 1012)


def test_unknown_category_on_expense(fb: FreshBooks, world: dict[str, int]) -> None:
    result = run_sync(
        fb,
        "freshbooks/create-expense",
        {"amount": "1.00", "currency_code": "USD", "category_id": 77, "date": "2024-03-01"},
    )
    field = _single_field(result)
    assert (field["field"], field["errno"], field["wire_field"]) == (
        "category_id",
        1012,
        "categoryid",
    )


def _invoice_dated(sb: Sandbox, account: str, client_id: int, day: str) -> int:
    made = sb.create(
        account,
        "invoices",
        {
            "customerid": client_id,
            "create_date": day,
            "currency_code": "USD",
            "lines": [{"name": "x", "qty": "1", "unit_cost": {"amount": "1.00"}}],
        },
    )
    return int(made["id"])


def test_list_invoices_by_date_range(fb: FreshBooks, sb: Sandbox, account: str) -> None:
    """date_from inclusive, date_to exclusive (as FreshBooks), sent as date_min/date_max."""
    client = sb.create(account, "clients", {"email": "ada@example.com"})
    ids = {
        day: _invoice_dated(sb, account, client["id"], day)
        for day in ("2024-02-29", "2024-03-01", "2024-03-31", "2024-04-01")
    }
    result = run_sync(
        fb, "freshbooks/list-invoices", {"date_from": "2024-03-01", "date_to": "2024-04-01"}
    )
    output = assert_json_output("freshbooks/list-invoices", result)
    assert sorted(i["id"] for i in output["items"]) == [ids["2024-03-01"], ids["2024-03-31"]]
    query = dict(sb.request_log[-1].query)
    assert (query["search[date_min]"], query["search[date_max]"]) == ("2024-03-01", "2024-04-01")

    since = run_sync(fb, "freshbooks/list-invoices", {"date_from": "2024-03-31"})
    assert sorted(i["id"] for i in since.output["items"]) == [
        ids["2024-03-31"],
        ids["2024-04-01"],
    ]
    before = run_sync(fb, "freshbooks/list-invoices", {"date_to": "2024-03-01"})
    assert [i["id"] for i in before.output["items"]] == [ids["2024-02-29"]]


async def test_list_invoices_by_date_range_async(
    afb: AsyncFreshBooks, sb: Sandbox, account: str
) -> None:
    client = sb.create(account, "clients", {"email": "ada@example.com"})
    inside = _invoice_dated(sb, account, client["id"], "2024-03-15")
    _invoice_dated(sb, account, client["id"], "2024-05-01")
    result = await run_async(
        afb, "freshbooks/list-invoices", {"date_from": "2024-03-01", "date_to": "2024-05-01"}
    )
    output = assert_json_output("freshbooks/list-invoices", result)
    assert [i["id"] for i in output["items"]] == [inside]


def test_create_expense_taxes_reach_the_sdk(fb: FreshBooks, world: dict[str, int]) -> None:
    call = ACTIONS["freshbooks/create-expense"].prepare(
        {
            "amount": "10.00",
            "currency_code": "CAD",
            "category_id": world["category_id"],
            "date": "2024-03-01",
            "tax_name1": "GST",
            "tax_amount1": "0.50",
        }
    )
    assert (call.resource, call.method) == ("expenses", "create")
    assert (call.kwargs["tax_name1"], call.kwargs["tax_amount1"]) == ("GST", "0.50")
    assert "tax_name2" not in call.kwargs and "tax_amount2" not in call.kwargs


# ---------------------------------------------------------------------------------------------
# Ambiguous failures: may_have_applied, never retryable
# ---------------------------------------------------------------------------------------------


def result_validator() -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((SCHEMAS / "action-result.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)


def _draft(client_id: int) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "currency_code": "USD",
        "lines": [{"name": "Design", "unit_cost": "120.00"}],
    }


@pytest.mark.parametrize(
    ("fault", "created"),
    [("drop_after", 1), ("timeout", 1), ("500", 0)],
)
def test_create_that_may_have_applied_is_not_retryable(
    fb: FreshBooks,
    sb: Sandbox,
    account: str,
    world: dict[str, int],
    fault: str,
    created: int,
) -> None:
    """A create whose outcome is unknown says so: not retryable, may_have_applied (drop_after
    and timeout did create the invoice; a 500 may have, from the client's point of view)."""
    before = len(sb.store(account).invoices)
    sb.inject_faults(1, fault, method="POST")
    result = run_sync(fb, "freshbooks/create-invoice", _draft(world["client_id"]))
    assert not result.ok and result.error is not None
    assert result.error["retryable"] is False
    assert result.error["may_have_applied"] is True
    assert len(sb.store(account).invoices) - before == created
    assert sb.pending_faults == 0
    posts = [r for r in sb.request_log if r.method == "POST"]
    assert len(posts) == 1  # never repeated by the SDK
    result_validator().validate(json.loads(json.dumps(result.to_dict())))


async def test_drop_after_create_async(
    afb: AsyncFreshBooks, sb: Sandbox, account: str, world: dict[str, int]
) -> None:
    before = len(sb.store(account).invoices)
    sb.inject_faults(1, "drop_after", method="POST")
    result = await run_async(afb, "freshbooks/create-invoice", _draft(world["client_id"]))
    assert result.error is not None
    assert (result.error["retryable"], result.error["may_have_applied"]) == (False, True)
    assert len(sb.store(account).invoices) == before + 1


def test_drop_before_create_is_reported_actionably(
    fb: FreshBooks, sb: Sandbox, account: str, world: dict[str, int]
) -> None:
    """A connection that failed before FreshBooks saw the request created nothing and is safe
    to retry, even for a create: the SDK retries it and the invoice is created exactly once."""
    before = len(sb.store(account).invoices)
    sb.inject_faults(1, "drop_before", method="POST")
    result = run_sync(fb, "freshbooks/create-invoice", _draft(world["client_id"]))
    assert result.ok, result.error
    assert len(sb.store(account).invoices) == before + 1
    assert [e.fault for e in sb.request_log[-2:]] == ["drop_before", None]


def test_drop_before_a_read_is_retried_transparently(
    fb: FreshBooks, sb: Sandbox, world: dict[str, int]
) -> None:
    sb.inject_faults(1, "drop_before", method="GET")
    result = run_sync(fb, "freshbooks/list-invoices", {"client_id": world["client_id"]})
    assert assert_json_output("freshbooks/list-invoices", result)["count"] == 1
    assert sb.pending_faults == 0


def test_action_result_schema_has_may_have_applied() -> None:
    schema = json.loads((SCHEMAS / "action-result.schema.json").read_text())
    error = schema["$defs"]["ActionError"]
    assert error["properties"]["may_have_applied"] == {
        "title": "May Have Applied",
        "type": "boolean",
    }
    assert "may_have_applied" in error["required"]


# ---------------------------------------------------------------------------------------------
# Rate limit: retryable, and after how long
# ---------------------------------------------------------------------------------------------


def test_rate_limit_is_retryable_with_retry_after(
    fb: FreshBooks, sb: Sandbox, account: str, world: dict[str, int]
) -> None:
    sb.set_rate_limit(account, 0, retry_after=120)  # longer than max_retry_wait: no waiting
    result = run_sync(fb, "freshbooks/list-clients", {})
    assert result.error is not None
    error = result.error
    assert (error["type"], error["status_code"]) == ("rate_limited", 429)
    assert error["retryable"] is True
    assert error["may_have_applied"] is False
    assert error["retry_after"] == 120.0
    json.dumps(result.to_dict())


async def test_rate_limit_async_on_a_create(
    afb: AsyncFreshBooks, sb: Sandbox, account: str
) -> None:
    sb.set_rate_limit(account, 0, retry_after=90)
    result = await run_async(afb, "freshbooks/create-client", {"email": "x@example.com"})
    assert result.error is not None
    assert (result.error["retryable"], result.error["retry_after"]) == (True, 90.0)


def test_short_rate_limit_is_waited_out(
    fb: FreshBooks, sb: Sandbox, account: str, clock: FakeClock
) -> None:
    """A Retry-After within the client's limit is honoured (fake sleep) and the action succeeds."""
    sb.set_rate_limit(account, 1, window_seconds=10)
    run_sync(fb, "freshbooks/list-clients", {})
    started = clock()
    result = run_sync(fb, "freshbooks/list-clients", {})
    assert result.ok, result.error
    assert clock() > started


# ---------------------------------------------------------------------------------------------
# Pure parts
# ---------------------------------------------------------------------------------------------


def test_error_from_exception_maps_every_kind() -> None:
    conn = error_from_exception(APIConnectionError("connection refused"))
    assert (conn["type"], conn["retryable"], conn["may_have_applied"], conn["status_code"]) == (
        "connection_error",
        True,
        False,
        None,
    )
    dropped = error_from_exception(APIConnectionError("dropped", may_have_applied=True))
    assert (dropped["retryable"], dropped["may_have_applied"]) == (False, True)
    five = InternalServerError("boom", status_code=500)
    assert error_from_exception(five)["retryable"] is True  # a read: safe to repeat
    five.may_have_applied = True  # after a create
    assert (
        error_from_exception(five)["retryable"],
        error_from_exception(five)["may_have_applied"],
    ) == (
        False,
        True,
    )
    unexpected = error_from_exception(RuntimeError("boom"))
    assert unexpected["type"] == "internal_error"
    assert "boom" in unexpected["message"]
    err = UnprocessableEntityError(
        "Invalid value",
        status_code=422,
        errors=[ErrorDetail("bad", errno=1004, field="p_code")],
    )
    mapped = error_from_exception(err, ACTIONS["freshbooks/create-client"].field_names)
    assert mapped["fields"][0] == {
        "field": "address.postal_code",
        "message": "bad",
        "errno": 1004,
        "wire_field": "p_code",
    }
    names = ACTIONS["freshbooks/list-invoices"].field_names
    sdk_arg = error_from_exception(InvalidRequestError("bad id", field="customer_id"), names)
    assert sdk_arg["fields"][0]["field"] == "client_id"  # an SDK argument: renamed


def test_input_validation_errors_are_never_renamed() -> None:
    """``field_names`` is for SDK/FreshBooks errors; the input model's own errors name the keys
    the caller sent, even when one of them is also an SDK or wire name."""
    action = ACTIONS["freshbooks/list-invoices"]
    with pytest.raises(pydantic.ValidationError) as caught:
        action.parse({"customer_id": 5, "max_items": 3})
    error = error_from_exception(caught.value, action.field_names)
    assert [f["field"] for f in error["fields"]] == ["customer_id", "max_items"]
    assert "client_id" not in error["message"] and "limit" not in error["message"]


def test_to_json_writes_exact_money_and_utc_z() -> None:
    from freshbooks_sdk.models import InvoiceListResponse

    raw = (
        b'{"response": {"result": {"invoices": [{"id": 1, "customerid": 2, '
        b'"create_date": "2021-04-16", "updated": "2021-04-16 10:31:58", "status": 2, '
        b'"v3_status": "brand-new-status", "vis_state": 0, '
        b'"amount": {"amount": "7.60133524082021936099189318", "code": "CAD"}}], '
        b'"page": 1, "pages": 1, "per_page": 15, "total": 1}}}'
    )
    invoice = InvoiceListResponse.model_validate_json(raw).response.result.invoices[0]
    out = to_json(invoice)
    assert out["amount"] == {"amount": "7.60133524082021936099189318", "code": "CAD"}
    assert out["updated"] == "2021-04-16T14:31:58Z"  # Eastern wire time -> UTC Z
    assert out["create_date"] == "2021-04-16"
    assert out["v3_status"] == "brand-new-status"
    output_validator("freshbooks/create-invoice").validate(out)  # open enums in the schema


def test_examples_are_valid_inputs() -> None:
    for entry in catalog.values():
        entry.parse(entry.example)


def test_catalog_names() -> None:
    assert set(catalog) == {
        "freshbooks/list-clients",
        "freshbooks/create-client",
        "freshbooks/list-invoices",
        "freshbooks/create-invoice",
        "freshbooks/create-expense",
        "freshbooks/send-invoice",
        "freshbooks/invoice-updated",
    }
    assert set(TRIGGERS) == {"freshbooks/invoice-updated"}


def test_input_schemas_refuse_numbers_for_money() -> None:
    schema = catalog["freshbooks/create-invoice"].input_schema()
    unit_cost = schema["$defs"]["InvoiceLineItem"]["properties"]["unit_cost"]
    assert unit_cost["type"] == "string" and "pattern" in unit_cost
    expense = catalog["freshbooks/create-expense"].input_schema()["properties"]
    assert expense["amount"]["type"] == "string"
    assert expense["date"]["format"] == "date"


# ---------------------------------------------------------------------------------------------
# The trigger
# ---------------------------------------------------------------------------------------------


def _make_invoices(sb: Sandbox, account: str, client_id: int, n: int) -> list[int]:
    return [
        sb.create(
            account,
            "invoices",
            {
                "customerid": client_id,
                "create_date": "2024-03-01",
                "currency_code": "USD",
                "lines": [{"name": "x", "qty": "1", "unit_cost": {"amount": f"{i + 1}.00"}}],
            },
        )["id"]
        for i in range(n)
    ]


def test_trigger_run_once_cycle_by_cycle(
    fb: FreshBooks, sb: Sandbox, account: str, clock: FakeClock
) -> None:
    trigger = TRIGGERS["freshbooks/invoice-updated"]
    first = trigger.run_once(fb, None)  # start "now": nothing yet
    assert first["activation"] is None
    cursor = json.loads(json.dumps(first["cursor"]))

    client = sb.create(account, "clients", {"fname": "Ada"})
    clock.advance(60)
    ids = _make_invoices(sb, account, client["id"], 3)
    clock.advance(600)

    out = trigger.run_once(fb, cursor, {"cap": 2})
    activation = out["activation"]
    assert activation["count"] == 2 and activation["has_more"] is True
    assert [i["id"] for i in activation["items"]] == ids[:2]
    replay = trigger.run_once(fb, cursor, {"cap": 2})  # the host crashed before saving
    assert replay["activation"]["id"] == activation["id"]

    out2 = trigger.run_once(fb, json.dumps(out["cursor"]), {"cap": 2})  # a JSON string works too
    assert [i["id"] for i in out2["activation"]["items"]] == ids[2:]
    assert out2["activation"]["has_more"] is False

    sb.touch_invoice(account, ids[0])
    clock.advance(600)
    out3 = trigger.run_once(fb, out2["cursor"])
    assert [i["id"] for i in out3["activation"]["items"]] == [ids[0]]
    assert trigger.run_once(fb, out3["cursor"])["activation"] is None

    validator = output_validator("freshbooks/invoice-updated")
    for doc in (first, out, out2, out3):
        validator.validate(json.loads(json.dumps(doc)))


def test_trigger_backfill_and_deleted(
    fb: FreshBooks, sb: Sandbox, account: str, clock: FakeClock
) -> None:
    client = sb.create(account, "clients", {"fname": "Ada"})
    ids = _make_invoices(sb, account, client["id"], 2)
    clock.advance(600)
    fb.invoices.delete(ids[1])
    clock.advance(600)
    result = TRIGGERS["freshbooks/invoice-updated"].run(
        fb, {"start": "backfill:1d", "include_deleted": True}
    )
    activation = result.unwrap()["activation"]
    assert sorted(i["id"] for i in activation["items"]) == ids
    assert activation["deleted_ids"] == [ids[1]]


async def test_trigger_async(
    afb: AsyncFreshBooks, sb: Sandbox, account: str, clock: FakeClock
) -> None:
    client = sb.create(account, "clients", {"fname": "Ada"})
    ids = _make_invoices(sb, account, client["id"], 2)
    clock.advance(600)
    trigger = TRIGGERS["freshbooks/invoice-updated"]
    out = await trigger.arun_once(afb, None, {"start": "backfill:2h"})
    assert [i["id"] for i in out["activation"]["items"]] == ids
    result = await trigger.arun(afb, {"cursor": out["cursor"]})
    assert result.ok and result.output["activation"] is None


def test_trigger_failures_are_data(fb: FreshBooks, sb: Sandbox, account: str) -> None:
    trigger = TRIGGERS["freshbooks/invoice-updated"]
    corrupt = trigger.run(fb, {"cursor": {"v": 99}})
    assert corrupt.error is not None and corrupt.error["type"] == "cursor_error"
    bad = trigger.run(fb, {"cap": 0, "start": "yesterday"})
    assert bad.error is not None
    assert {f["field"] for f in bad.error["fields"]} == {"cap", "start"}
    sb.set_rate_limit(account, 0, retry_after=300)
    limited = trigger.run(fb, {})
    assert limited.error is not None
    assert (limited.error["retryable"], limited.error["retry_after"]) == (True, 300.0)


def test_trigger_start_errors_name_the_field(fb: FreshBooks, sb: Sandbox) -> None:
    trigger = TRIGGERS["freshbooks/invoice-updated"]
    before = len(sb.request_log)
    for start, word in (("2024-01-01T00:00:00", "time zone"), ("2024-13-01T00:00:00Z", "ISO")):
        result = trigger.run(fb, {"start": start})
        assert result.error is not None and result.error["type"] == "invalid_input"
        assert [f["field"] for f in result.error["fields"]] == ["start"]
        assert word in result.error["message"]
        assert result.error["message"].startswith("invalid input (start: ")
    assert len(sb.request_log) == before


def test_trigger_start_values() -> None:
    model = TRIGGERS["freshbooks/invoice-updated"].input_model
    assert model.model_validate({}).start_value() == "now"
    assert model.model_validate({"start": "backfill:90m"}).start_value() == timedelta(minutes=90)
    assert model.model_validate({"start": "2024-03-01T00:00:00Z"}).start_value() == datetime(
        2024, 3, 1, tzinfo=timezone.utc
    )


# ---------------------------------------------------------------------------------------------
# Schemas: committed and up to date
# ---------------------------------------------------------------------------------------------


def test_schemas_are_committed_and_up_to_date() -> None:
    problems = check_schemas(SCHEMAS)
    assert problems == [], (
        "the exported schemas are out of date; run "
        "`python -m freshbooks_sdk.integration --export schemas`:\n" + "\n".join(problems)
    )
    expected = {
        f"{n.split('/', 1)[1]}.{p}.schema.json" for n in catalog for p in ("input", "output")
    }
    assert expected | {"action-result.schema.json"} == set(schema_documents())


def test_export_writes_and_check_detects_drift(tmp_path: Path) -> None:
    written = export_schemas(tmp_path)
    assert len(written) == len(schema_documents())
    assert check_schemas(tmp_path) == []
    for path in written:
        json.loads(path.read_text())
    (tmp_path / "create-client.input.schema.json").write_text("{}\n")
    (tmp_path / "old-action.input.schema.json").write_text("{}\n")
    problems = check_schemas(tmp_path)
    assert any("out of date" in p for p in problems) and any("stale" in p for p in problems)
    assert integration_main(["--check", str(tmp_path)]) == 1
    assert integration_main(["--export", str(tmp_path)]) == 0
    assert check_schemas(tmp_path) == []
    assert not (tmp_path / "old-action.input.schema.json").exists()


async def test_async_listing_reports_the_total_beyond_the_limit(
    afb: AsyncFreshBooks, sb: Sandbox, account: str
) -> None:
    before = len(sb.request_log)
    for n in range(4):
        sb.create(account, "clients", {"email": f"a{n}@example.com"})
    result = await run_async(afb, "freshbooks/list-clients", {"limit": 2})
    output = assert_json_output("freshbooks/list-clients", result)
    assert (output["count"], output["total"]) == (2, 4)
    assert len(sb.request_log) == before + 1  # one page: the limit stopped the walk
