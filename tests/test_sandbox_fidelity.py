"""Fidelity: sandbox bodies against the real FreshBooks bodies in ``shared/fixtures``.

For every resource the sandbox must have every key of the primary fixture (the most complete real
body), may only add keys some fixture shows, and must use the same JSON types and formats:
money ``{"amount": "<decimal string>", "code": "XXX"}``, Eastern ``YYYY-MM-DD HH:MM:SS``, dates
``YYYY-MM-DD``, ISO ``Z`` in identity, ints for ids. What the fixtures say about a position is
learned from every sample of it: a key some fixture shows as null may be null here.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from freshbooks_sdk.sandbox import FakeClock, Sandbox
from test_sandbox_support import Api, make_sandbox, ok

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
PY, JAVA, NODE = "freshbooks-python-sdk", "amcintosh-freshbooks-java-sdk", "freshbooks-nodejs-sdk"

pytestmark = pytest.mark.skipif(not FIXTURES.is_dir(), reason="shared fixtures are not present")

# Fixture keys the sandbox deliberately lacks, with the reason.
EXCLUDED = {
    "test_amount",  # made up by hand in the python SDK fixture (fixtures/README.md)
}
# Positions where the sandbox may be null although every fixture has a value, with the reason.
NULL_OK = {
    "presentation.image_banner_src",  # no banner uploaded to a fresh business
    "presentation.image_logo_src",  # no logo uploaded
    "parentid",  # top-level categories have no parent; the fixtures only show sub-categories
}
# Objects keyed by account id (the sandbox's ids differ): compare their values only.
MAPS = {"permissions", "subscription_statuses"}
# String positions whose values are decimal numbers (not Money, not free text).
DECIMAL_KEYS = {
    "qty",
    "taxAmount1",
    "taxAmount2",
    "discount_value",
    "deposit_percentage",
    "markup_percent",
    "taxPercent1",
    "taxPercent2",
}
_ID_KEYS = re.compile(r"^(id|[a-z_]*id)$")
FORMATS = {
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "eastern-sql": re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"),
    "sql-micro": re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+$"),
    "iso-z": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$"),
}
DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
MONEY_AMOUNT = re.compile(r"^-?\d+\.\d{2,}$")


def load(source: str, name: str) -> Any:
    return json.loads((FIXTURES / source / name).read_text())


def node_ids_to_int(value: Any, key: str = "") -> Any:
    """The Node mocks write some ids as strings; the real API sends ints (fixtures/README.md)."""
    if isinstance(value, dict):
        return {k: node_ids_to_int(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [node_ids_to_int(v, key) for v in value]
    if isinstance(value, str) and _ID_KEYS.match(key) and value.isdigit():
        return int(value)
    return value


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    return type(value).__name__


def str_format(value: str) -> str | None:
    return next((name for name, rx in FORMATS.items() if rx.match(value)), None)


def is_money(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"amount", "code"}


def check(
    value: Any, samples: list[Any], primary: list[Any], path: str, problems: list[str]
) -> None:
    """Compare one sandbox value with every fixture sample of the same position."""
    key = path.rsplit(".", 1)[-1].split("[")[0]
    known = [s for s in samples if s is not None]
    if value is None:
        position = re.sub(r"\[\d+\]", "", path)
        if (
            known
            and len(known) == len(samples)
            and not any(position.endswith(f".{ok}") for ok in NULL_OK)
        ):
            problems.append(
                f"{path}: null, fixtures always have {sorted({kind(s) for s in known})}"
            )
        return
    if not known:
        return  # fixtures only ever show null here: nothing to compare
    if any(is_money(s) for s in known):
        if not (
            is_money(value)
            and isinstance(value["amount"], str)
            and MONEY_AMOUNT.match(value["amount"])
            and re.match(r"^[A-Z]{3}$", str(value["code"]))
        ):
            problems.append(f"{path}: {value!r} is not FreshBooks money")
        return
    kinds = {kind(s) for s in known}
    if kind(value) not in kinds:
        problems.append(f"{path}: {kind(value)} {value!r}, fixtures have {sorted(kinds)}")
        return
    if isinstance(value, str):
        formats = {str_format(s) for s in known if isinstance(s, str)}
        if None not in formats and str_format(value) not in formats:
            problems.append(
                f"{path}: {value!r} is not in the fixtures' format {sorted(map(str, formats))}"
            )
        if key in DECIMAL_KEYS and all(DECIMAL.match(s) for s in known if isinstance(s, str)):
            if not DECIMAL.match(value):
                problems.append(f"{path}: {value!r} is not a decimal string")
    elif isinstance(value, dict) and key in MAPS:
        entries = [v for s in known if isinstance(s, dict) for v in s.values()]
        for k, v in value.items():
            check(v, entries, entries, f"{path}[{k}]", problems)
    elif isinstance(value, dict):
        dicts = [s for s in known if isinstance(s, dict)]
        primary_dicts = [s for s in primary if isinstance(s, dict)]
        required = {k for d in primary_dicts for k in d} - EXCLUDED
        allowed = {k for d in dicts for k in d}
        for missing in sorted(required - set(value)):
            problems.append(f"{path}.{missing}: missing (the real API sends it)")
        for extra in sorted(set(value) - allowed):
            problems.append(f"{path}.{extra}: not a key any fixture shows")
        for k in sorted(set(value) & allowed):
            check(
                value[k],
                [d[k] for d in dicts if k in d],
                [d[k] for d in primary_dicts if k in d],
                f"{path}.{k}",
                problems,
            )
    elif isinstance(value, list):
        elements = [e for s in known if isinstance(s, list) for e in s]
        primary_elements = [e for s in primary if isinstance(s, list) for e in s]
        if elements:
            for index, element in enumerate(value):
                check(element, elements, primary_elements or elements, f"{path}[{index}]", problems)


def assert_like(value: Any, primary: list[Any], secondary: list[Any], name: str) -> None:
    problems: list[str] = []
    check(value, primary + secondary, primary, name, problems)
    assert not problems, "sandbox differs from the real bodies:\n  " + "\n  ".join(problems)


def single(body: Any, key: str) -> Any:
    return body["response"]["result"][key]


def many(bodies: list[Any], key: str) -> list[Any]:
    return [item for body in bodies for item in body["response"]["result"][key]]


# ---- the sandbox side: objects shaped like the fixtures' -----------------------------------


@pytest.fixture
def sb() -> Sandbox:
    return make_sandbox(clock=FakeClock(datetime(2021, 4, 16, 14, 31, 19, tzinfo=timezone.utc)))


@pytest.fixture
def api(sb: Sandbox) -> Api:
    return Api(sb)


@pytest.fixture
def world(api: Api, sb: Sandbox) -> dict[str, Any]:
    client = api.client(
        fname="Gordon",
        lname="Shumway",
        email="gordon.shumway@AmericanCyanamid.com",
        organization="American Cyanamid",
        note="I like cats",
        p_street="123 Huron St",
        p_city="Toronto",
        p_province="ON",
        p_code="M5T 2B3",
        p_country="Canada",
        currency_code="CAD",
        vat_name="VAT Number",
        vat_number="123",
    )
    invoice = api.invoice(
        client["id"],
        create_date="2021-04-16",
        fulfillment_date="2021-04-16",
        discount_value="10",
        notes="Thanks for your business",
        description="Melmac melamine resin molded dinnerware",
        deposit_amount={"amount": "1.00", "code": "CAD"},
        deposit_percentage="1.5",
        lines=[
            {
                "name": "Bowls",
                "description": "Melmac melamine resin molded dinnerware",
                "qty": "4",
                "unit_cost": {"amount": "5.00", "code": "CAD"},
                "taxName1": "HST1",
                "taxAmount1": "13",
                "taxNumber1": "RT",
            },
            {
                "name": "Mugs",
                "description": "Melmac melamine resin molded mug",
                "qty": "6",
                "unit_cost": {"amount": "4.00", "code": "CAD"},
            },
        ],
    )
    api.put(f"invoices/invoices/{invoice['id']}", {"invoice": {"action_mark_as_sent": True}})
    sb.pay_invoice(api.account_id, invoice["id"], "20.00")
    expense = api.expense(
        vendor="Serano Bakery",
        notes="For lunch",
        date="2021-07-19",
        amount={"amount": "54.00", "code": "CAD"},
        taxName1="HST1",
        taxAmount1={"amount": "6.21", "code": "CAD"},
        bank_name="ABC Bank",
        attachment={"jwt": "someAwesomeJWT", "media_type": "image/jpeg"},
    )
    return {"client": client, "invoice": invoice, "expense": expense}


# ---- resources ---------------------------------------------------------------------------


def test_client_matches_real_bodies(api: Api, world: dict[str, Any]) -> None:
    cid = world["client"]["id"]
    body = api.get(
        f"users/clients/{cid}",
        [("include[]", "outstanding_balance"), ("include[]", "grand_total_balance")],
    ).json()
    assert body["response"]["result"]["client"]["outstanding_balance"]  # an entry to compare
    secondary = [
        *many([load(PY, "list_clients_response.json")], "clients"),
        single(load(PY, "create_client_response.json"), "client"),
        *[
            single(node_ids_to_int(load(NODE, f"Client.test__0{n}.response.json")), "client")
            for n in (3, 4, 5, 6)
        ],
    ]
    assert_like(
        single(body, "client"),
        [single(load(PY, "get_client_response.json"), "client")],
        secondary,
        "client",
    )
    # plain GET: the balances are includes, so only they may be missing
    plain = single(api.get(f"users/clients/{cid}").json(), "client")
    assert {"outstanding_balance", "grand_total_balance"}.isdisjoint(plain)


def test_client_list_envelope_matches(api: Api, world: dict[str, Any]) -> None:
    assert_like(
        api.get("users/clients").json(),
        [load(PY, "list_clients_response.json")],
        [node_ids_to_int(load(NODE, "Client.test__02.response.json"))],
        "clients",
    )


def invoice_samples() -> list[Any]:
    node = [node_ids_to_int(load(NODE, f"Invoice.test__0{n}.response.json")) for n in range(1, 8)]
    out = many([load(JAVA, "list_invoices_response.json")], "invoices")
    for body in node:
        result = body["response"]["result"]
        out.extend(result.get("invoices", [result.get("invoice")]))
    return [x for x in out if x]


def test_invoice_matches_real_bodies(api: Api, world: dict[str, Any]) -> None:
    body = api.get(
        f"invoices/invoices/{world['invoice']['id']}",
        [("include[]", "lines"), ("include[]", "presentation")],
    ).json()
    invoice = single(body, "invoice")
    assert (invoice["v3_status"], invoice["amount"]["amount"]) == ("partial", "41.94")
    assert invoice["outstanding"]["amount"] == "21.94"  # the fixture's numbers, computed
    assert_like(
        invoice,
        [single(load(JAVA, "get_invoice_response.json"), "invoice")],
        invoice_samples(),
        "invoice",
    )


def test_invoice_list_matches(api: Api, world: dict[str, Any]) -> None:
    body = api.get("invoices/invoices", {"include[]": "lines"}).json()
    assert_like(
        body,
        [load(JAVA, "list_invoices_response.json")],
        [node_ids_to_int(load(NODE, "Invoice.test__03.response.json"))],
        "invoices",
    )


def expense_samples() -> list[Any]:
    out = many([load(JAVA, "list_expenses_response.json")], "expenses")
    for n in range(1, 8):
        result = node_ids_to_int(load(NODE, f"Expense.test__0{n}.response.json"))["response"]
        out.extend(result["result"].get("expenses", [result["result"].get("expense")]))
    return [x for x in out if x]


def test_expense_matches_real_bodies(api: Api, world: dict[str, Any]) -> None:
    body = api.get(f"expenses/expenses/{world['expense']['id']}").json()
    assert_like(
        single(body, "expense"),
        [single(load(JAVA, "get_expense_response.json"), "expense")],
        expense_samples(),
        "expense",
    )
    with_category = api.get("expenses/expenses", {"include[]": "category"}).json()
    assert_like(
        with_category,
        [load(JAVA, "list_expenses_response.json")],
        [node_ids_to_int(load(NODE, "Expense.test__03.response.json"))],
        "expenses",
    )


def test_expense_category_matches(api: Api) -> None:
    primary = single(load(NODE, "ExpenseCategory.test__01.response.json"), "category")
    listing = api.get("expenses/categories").json()
    assert_like(listing, [load(NODE, "ExpenseCategory.test__02.response.json")], [], "categories")
    child = next(c for c in single(listing, "categories") if c["parentid"] is not None)
    got = single(api.get(f"expenses/categories/{child['id']}").json(), "category")
    assert_like(got, [primary], [], "category")


def test_identity_matches(api: Api, sb: Sandbox) -> None:
    body = api.http.get("/auth/api/v1/users/me", headers=api.headers()).json()
    assert_like(
        body, [load(PY, "auth_me_response.json")], [load(NODE, "User.test__01.response.json")], "me"
    )


def test_token_response_matches(sb: Sandbox) -> None:
    tokens = sb.issue_tokens()
    primary = load(PY, "auth_token_response.json")
    assert list(tokens) == list(primary)
    assert_like(
        tokens,
        [primary],
        [load(JAVA, "auth_token_response.json"), load(NODE, "APIClient.test__01.response.json")],
        "token",
    )


# ---- errors ------------------------------------------------------------------------------


def test_not_found_bodies_are_identical(api: Api) -> None:
    classic = api.get("users/clients/12345")
    assert classic.status_code == 404
    assert classic.json() == load(PY, "get_client_response__not_found.json")
    assert classic.json() == load(JAVA, "get_client_response__not_found_old.json")
    rpc = api.get("users/clients/12345", headers={"X-API-VERSION": "2023-02-20"})
    assert rpc.status_code == 404
    assert rpc.json() == load(JAVA, "get_client_response__not_found_new.json")


def test_unauthorized_bodies_are_identical(sb: Sandbox) -> None:
    api = Api(sb, token="expired-or-bogus")
    classic = api.get("invoices/invoices")
    assert classic.status_code == 401
    assert classic.json() == load(NODE, "APIClient.test__03.response.json")
    rpc = api.get("invoices/invoices", headers={"X-API-VERSION": "2022-10-31"})
    assert rpc.json() == load(JAVA, "get_client_response__no_auth.json")
    anonymous = api.http.get("/auth/api/v1/users/me")
    assert anonymous.json() == load(PY, "auth_me_response__no_auth.json")
    assert anonymous.json() == load(NODE, "APIClient.test__02.response.json")
    bad = api.http.get("/auth/api/v1/users/me", headers={"Authorization": "Bearer bogus"})
    assert bad.json() == load(NODE, "Error.test__04.json")


def test_rpc_metadata_with_nothing_to_say_keeps_empty_strings(sb: Sandbox) -> None:
    """The real rpc 401 body sends ``object``/``value``/``field`` as ``""`` (not absent) when
    there is nothing to say: 403 and 429 ErrorInfo metadata follow it, key for key."""
    real = load(JAVA, "get_client_response__no_auth.json")["details"][0]["metadata"]
    empty = {"object": "", "value": "", "field": ""}
    assert {k: v for k, v in real.items() if k != "message"} == empty
    rpc = {"X-API-VERSION": "2022-10-31"}
    forbidden = Api(sb, token=sb.issue_token(scopes=["user:profile:read"])).get(
        "invoices/invoices", headers=rpc
    )
    sb.set_rate_limit(sb.account_ids[0], 0)
    limited = Api(sb).get("users/clients", headers=rpc)
    for response, status in ((forbidden, 403), (limited, 429)):
        assert response.status_code == status
        [detail] = response.json()["details"]
        assert list(detail["metadata"]) == list(real)
        assert {k: v for k, v in detail["metadata"].items() if k != "message"} == empty


def test_empty_list_envelope(api: Api) -> None:
    empty = ok(api.get("invoices/invoices"))
    reference = load(NODE, "APIClient.test__08.response.json")["response"]["result"]
    assert set(empty) == set(reference)
    assert all(type(empty[k]) is type(reference[k]) for k in reference)


def test_the_checker_catches_drift(api: Api, world: dict[str, Any]) -> None:
    """The comparison itself must fail on the kinds of drift it exists to catch."""
    real = single(load(JAVA, "get_invoice_response.json"), "invoice")
    good = single(
        api.get(
            f"invoices/invoices/{world['invoice']['id']}",
            [("include[]", "lines"), ("include[]", "presentation")],
        ).json(),
        "invoice",
    )
    drifts = {
        "missing key": {k: v for k, v in good.items() if k != "po_number"},
        "invented key": {**good, "colour": "blue"},
        "float money": {**good, "amount": {"amount": 41.94, "code": "CAD"}},
        "string id": {**good, "customerid": str(good["customerid"])},
        "iso updated": {**good, "updated": "2021-04-16T14:31:19Z"},
        "null line amount": {**good, "lines": [{**good["lines"][0], "amount": None}]},
        "numeric qty": {**good, "lines": [{**good["lines"][0], "qty": 4}]},
    }
    for name, drifted in drifts.items():
        problems: list[str] = []
        check(drifted, [real, *invoice_samples()], [real], "invoice", problems)
        assert problems, f"the checker missed: {name}"
