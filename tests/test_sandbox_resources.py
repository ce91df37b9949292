"""CRUD per resource, invoice money and status transitions, and THE UPDATE-PHASE RULE."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from freshbooks_sdk.sandbox import FakeClock, Sandbox
from test_sandbox_support import Api, errors, first_category, make_sandbox, ok


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2024, 3, 15, 14, 0, tzinfo=timezone.utc))  # 10:00 EDT


@pytest.fixture
def sb(clock: FakeClock) -> Sandbox:
    return make_sandbox(clock=clock)


@pytest.fixture
def api(sb: Sandbox) -> Api:
    return Api(sb)


# ---- clients ---------------------------------------------------------------------------------


def test_client_create_get_update_delete(api: Api, clock: FakeClock) -> None:
    created = api.client(
        fname="Gordon", lname="Shumway", organization="Melmac Ltd", p_street="1 Main St"
    )
    cid = created["id"]
    assert created["userid"] == cid and isinstance(cid, int)
    assert created["accounting_systemid"] == api.account_id
    assert created["currency_code"] == "USD" and created["vis_state"] == 0
    assert created["signup_date"] == "2024-03-15 14:00:00"  # UTC
    assert created["updated"] == "2024-03-15 10:00:00"  # US/Eastern (EDT)
    assert ok(api.get(f"users/clients/{cid}"))["client"] == created

    clock.advance(3600)
    updated = ok(api.put(f"users/clients/{cid}", {"client": {"note": "likes cats"}}))["client"]
    assert updated["note"] == "likes cats" and updated["fname"] == "Gordon"  # partial update
    assert updated["updated"] == "2024-03-15 11:00:00"

    deleted = ok(api.put(f"users/clients/{cid}", {"client": {"vis_state": 1}}))["client"]
    assert deleted["vis_state"] == 1
    assert ok(api.get("users/clients"))["clients"] == []
    assert [c["id"] for c in ok(api.get("users/clients?search[vis_state]=1"))["clients"]] == [cid]
    assert ok(api.get(f"users/clients/{cid}"))["client"]["vis_state"] == 1  # still readable
    restored = ok(api.put(f"users/clients/{cid}", {"client": {"vis_state": 0}}))["client"]
    assert restored["vis_state"] == 0
    assert api.delete(f"users/clients/{cid}").status_code == 405  # FreshBooks deletes by PUT


def test_client_needs_an_identifying_field(api: Api) -> None:
    r = api.post("users/clients", {"client": {"note": "nobody"}})
    assert r.status_code == 422
    assert errors(r)[0]["errno"] == 7012
    assert errors(r)[0]["message"] == (
        "At least one field among fname, lname, email and organization is required."
    )


def test_client_not_found_body(api: Api) -> None:
    r = api.get("users/clients/12345")
    assert r.status_code == 404
    assert r.json() == {
        "response": {
            "errors": [
                {
                    "errno": 1012,
                    "field": "userid",
                    "message": "Client not found.",
                    "object": "client",
                    "value": "12345",
                }
            ]
        }
    }


def test_archived_clients_are_listed_by_default(api: Api) -> None:
    a, b, c = (api.client(email=f"{n}@x.com") for n in "abc")
    api.put(f"users/clients/{b['id']}", {"client": {"vis_state": 2}})
    api.put(f"users/clients/{c['id']}", {"client": {"vis_state": 1}})
    listed = [x["id"] for x in ok(api.get("users/clients"))["clients"]]
    assert listed == [a["id"], b["id"]]
    archived = ok(api.get("users/clients", {"search[vis_state]": "2"}))["clients"]
    assert [x["id"] for x in archived] == [b["id"]]


# ---- invoices --------------------------------------------------------------------------------


def test_invoice_create_computes_money_exactly(api: Api) -> None:
    client = api.client(fname="Gordon", organization="Melmac", currency_code="CAD")
    inv = api.invoice(
        client["id"],
        create_date="2021-04-16",
        discount_value="10",
        due_offset_days=30,
        po_number="PO-7",
        notes="Thanks",
        terms="Net 30",
        lines=[
            {
                "name": "Bowls",
                "qty": "4",
                "unit_cost": {"amount": "5.00", "code": "CAD"},
                "taxName1": "HST1",
                "taxAmount1": "13",
            },
            {"name": "Mugs", "qty": 6, "unit_cost": {"amount": "4", "code": "CAD"}},
        ],
    )
    # the real fixture's numbers: 20.00 + 24.00 - 10% + 13% tax on the discounted bowls
    assert inv["amount"] == {"amount": "41.94", "code": "CAD"}
    assert inv["discount_total"] == {"amount": "-4.40", "code": "CAD"}
    assert inv["outstanding"] == {"amount": "41.94", "code": "CAD"}
    assert inv["paid"] == {"amount": "0.00", "code": "CAD"}
    assert inv["currency_code"] == "CAD"  # from the client
    assert [line["amount"]["amount"] for line in inv["lines"]] == ["20.00", "24.00"]
    assert [line["qty"] for line in inv["lines"]] == ["4", "6"]
    assert inv["lines"][1]["unit_cost"] == {"amount": "4.00", "code": "CAD"}
    assert inv["lines"][0]["taxAmount1"] == "13"
    assert (inv["status"], inv["v3_status"], inv["display_status"]) == (1, "draft", "draft")
    assert inv["payment_status"] == "unpaid"
    assert inv["due_date"] == "2021-05-16"
    assert inv["id"] == inv["invoiceid"] and inv["customerid"] == client["id"]
    assert (inv["po_number"], inv["notes"], inv["terms"]) == ("PO-7", "Thanks", "Net 30")
    assert inv["fname"] == "Gordon" and inv["organization"] == "Melmac"
    assert inv["invoice_number"] == "0000001"
    assert api.invoice(client["id"])["invoice_number"] == "0000002"


def test_decimal_quantities_and_sub_cent_prices(api: Api) -> None:
    client = api.client()
    inv = api.invoice(
        client["id"],
        lines=[
            {"qty": "1.5", "unit_cost": {"amount": "3.333"}},
            {"qty": "0.1", "unit_cost": {"amount": "0.1"}},
        ],
    )
    assert [line["qty"] for line in inv["lines"]] == ["1.5", "0.1"]
    assert inv["lines"][0]["unit_cost"]["amount"] == "3.333"
    assert [line["amount"]["amount"] for line in inv["lines"]] == ["5.00", "0.01"]
    assert inv["amount"]["amount"] == "5.01"


def test_invoice_required_fields_and_references(api: Api) -> None:
    client = api.client()
    missing_customer = api.post("invoices/invoices", {"invoice": {"create_date": "2024-01-01"}})
    assert missing_customer.status_code == 422
    assert errors(missing_customer)[0] | {} == {
        "errno": 1001,
        "field": "customerid",
        "message": "customerid is required.",
        "object": "invoice",
        "value": "",
    }
    missing_date = api.post("invoices/invoices", {"invoice": {"customerid": client["id"]}})
    assert missing_date.status_code == 422 and errors(missing_date)[0]["field"] == "create_date"
    unknown = api.post(
        "invoices/invoices", {"invoice": {"customerid": 999, "create_date": "2024-01-01"}}
    )
    assert unknown.status_code == 422
    assert errors(unknown)[0]["errno"] == 1012 and errors(unknown)[0]["field"] == "customerid"
    negative = api.post(
        "invoices/invoices",
        {
            "invoice": {
                "customerid": client["id"],
                "create_date": "2024-01-01",
                "lines": [{"qty": "-1", "unit_cost": {"amount": "1"}}],
            }
        },
    )
    assert negative.status_code == 422 and errors(negative)[0]["field"] == "qty"
    no_cost = api.post(
        "invoices/invoices",
        {
            "invoice": {
                "customerid": client["id"],
                "create_date": "2024-01-01",
                "lines": [{"qty": "1"}],
            }
        },
    )
    assert no_cost.status_code == 422 and errors(no_cost)[0]["field"] == "unit_cost"


def test_lines_only_when_included(api: Api) -> None:
    inv = api.invoice(api.client()["id"])
    assert "lines" not in ok(api.get(f"invoices/invoices/{inv['id']}"))["invoice"]
    assert "lines" not in ok(api.get("invoices/invoices"))["invoices"][0]
    got = ok(api.get(f"invoices/invoices/{inv['id']}", {"include[]": "lines"}))["invoice"]
    assert len(got["lines"]) == 1
    listed = ok(
        api.get("invoices/invoices", [("include[]", "lines"), ("include[]", "presentation")])
    )
    assert listed["invoices"][0]["lines"] == got["lines"]
    assert listed["invoices"][0]["presentation"]["invoiceid"] == inv["id"]


def test_send_by_email_moves_draft_to_sent_and_fills_outbox(
    api: Api, sb: Sandbox, clock: FakeClock
) -> None:
    inv = api.invoice(api.client(email="client@example.com")["id"], due_offset_days=30)
    clock.advance(60)
    body = {
        "invoice": {
            "action_email": True,
            "email_recipients": ["boss@example.com", "ap@example.com"],
            "email_include_pdf": True,
            "invoice_customized_email": {"subject": "Your invoice", "body": "Thanks!"},
        }
    }
    sent = ok(api.put(f"invoices/invoices/{inv['id']}", body))["invoice"]
    assert (sent["status"], sent["v3_status"], sent["display_status"]) == (2, "sent", "sent")
    assert sent["updated"] == "2024-03-15 10:01:00"
    [mail] = sb.outbox
    assert mail.recipients == ("boss@example.com", "ap@example.com")
    assert (mail.subject, mail.body, mail.include_pdf) == ("Your invoice", "Thanks!", True)
    assert (mail.account_id, mail.invoice_id) == (api.account_id, inv["id"])
    # without recipients the client's email is used
    ok(api.put(f"invoices/invoices/{inv['id']}", {"invoice": {"action_email": True}}))
    assert sb.outbox[-1].recipients == ("client@example.com",)


def test_send_without_any_address_is_rejected(api: Api) -> None:
    inv = api.invoice(api.client(email="", fname="No Mail")["id"])
    r = api.put(f"invoices/invoices/{inv['id']}", {"invoice": {"action_email": True}})
    assert r.status_code == 422 and errors(r)[0]["field"] == "email_recipients"


def test_mark_as_sent(api: Api, sb: Sandbox) -> None:
    inv = api.invoice(api.client()["id"], due_offset_days=10)
    sent = ok(api.put(f"invoices/invoices/{inv['id']}", {"invoice": {"action_mark_as_sent": True}}))
    assert (sent["invoice"]["status"], sent["invoice"]["v3_status"]) == (2, "sent")
    assert sb.outbox == []


def test_update_phase_rule(api: Api) -> None:
    inv = api.invoice(api.client()["id"], notes="original", due_offset_days=10)
    path = f"invoices/invoices/{inv['id']}"
    # an action phase drops the data fields silently
    r = ok(api.put(path, {"invoice": {"action_mark_as_sent": True, "notes": "ignored"}}))
    assert r["invoice"]["notes"] == "original" and r["invoice"]["v3_status"] == "sent"
    # vis_state outranks actions and data, even with the same value it had
    r = ok(api.put(path, {"invoice": {"vis_state": 0, "notes": "ignored", "action_email": True}}))
    assert r["invoice"]["notes"] == "original"
    # ext_vis_state outranks vis_state
    r = ok(api.put(path, {"invoice": {"ext_vis_state": 0, "vis_state": 1}}))
    assert r["invoice"]["vis_state"] == 0
    # a plain update applies
    r = ok(api.put(path, {"invoice": {"notes": "changed", "po_number": "PO-9"}}))
    assert (r["invoice"]["notes"], r["invoice"]["po_number"]) == ("changed", "PO-9")
    client_path = f"users/clients/{api.client(email='x@y.z')['id']}"
    r = ok(api.put(client_path, {"client": {"vis_state": 2, "fname": "ignored"}}))
    assert r["client"]["fname"] == "" and r["client"]["vis_state"] == 2


def test_invoice_update_replaces_lines_and_recomputes(api: Api) -> None:
    inv = api.invoice(api.client()["id"])
    path = f"invoices/invoices/{inv['id']}?include[]=lines"
    r = ok(
        api.put(
            path,
            {
                "invoice": {
                    "lines": [
                        {"name": "A", "qty": "2", "unit_cost": {"amount": "7.25"}},
                        {"name": "B", "qty": "1", "unit_cost": {"amount": "0.50"}},
                    ]
                }
            },
        )
    )["invoice"]
    assert [line["lineid"] for line in r["lines"]] == [1, 2]
    assert r["amount"]["amount"] == "15.00"


def test_deleted_invoice_refuses_data_updates_until_restored(api: Api) -> None:
    inv = api.invoice(api.client()["id"])
    path = f"invoices/invoices/{inv['id']}"
    assert api.delete(path).json() == {"response": {}}
    assert ok(api.get(path))["invoice"]["vis_state"] == 1
    r = api.put(path, {"invoice": {"notes": "x"}})
    assert r.status_code == 422 and errors(r)[0]["errno"] == 1011
    assert ok(api.put(path, {"invoice": {"vis_state": 0}}))["invoice"]["vis_state"] == 0
    assert ok(api.put(path, {"invoice": {"notes": "x"}}))["invoice"]["notes"] == "x"


def test_pay_invoice_helper(api: Api, sb: Sandbox, clock: FakeClock) -> None:
    inv = api.invoice(api.client()["id"], lines=[{"qty": "3", "unit_cost": {"amount": "10"}}])
    clock.advance(120)
    partial = sb.pay_invoice(api.account_id, inv["id"], "12.50")
    assert (partial["status"], partial["v3_status"], partial["payment_status"]) == (
        8,
        "partial",
        "partial",
    )
    assert partial["outstanding"]["amount"] == "17.50" and partial["paid"]["amount"] == "12.50"
    paid = sb.pay_invoice(api.account_id, inv["id"])
    assert (paid["status"], paid["v3_status"], paid["payment_status"]) == (4, "paid", "paid")
    assert paid["outstanding"]["amount"] == "0.00" and paid["date_paid"] == "2024-03-15"
    assert paid["updated"] == "2024-03-15 10:02:00"
    assert ok(api.get(f"invoices/invoices/{inv['id']}"))["invoice"]["v3_status"] == "paid"


def test_touch_invoice_bumps_updated(api: Api, sb: Sandbox, clock: FakeClock) -> None:
    inv = api.invoice(api.client()["id"])
    clock.advance(86400)
    touched = sb.touch_invoice(api.account_id, inv["id"])
    assert touched["updated"] == "2024-03-16 10:00:00"


def test_overdue_is_derived_from_the_due_date(api: Api, clock: FakeClock) -> None:
    inv = api.invoice(api.client()["id"], due_offset_days=1)
    api.put(f"invoices/invoices/{inv['id']}", {"invoice": {"action_mark_as_sent": True}})
    assert ok(api.get(f"invoices/invoices/{inv['id']}"))["invoice"]["v3_status"] == "sent"
    clock.advance(2 * 86400)
    api.token = api.sb.issue_token()  # the first one expired after 12 hours
    assert ok(api.get(f"invoices/invoices/{inv['id']}"))["invoice"]["v3_status"] == "overdue"


def test_client_balances_include(api: Api, sb: Sandbox) -> None:
    client = api.client()
    draft = api.invoice(client["id"])
    sent = api.invoice(client["id"], lines=[{"qty": "1", "unit_cost": {"amount": "30"}}])
    api.put(f"invoices/invoices/{sent['id']}", {"invoice": {"action_mark_as_sent": True}})
    sb.pay_invoice(api.account_id, sent["id"], "5")
    got = ok(
        api.get(
            f"users/clients/{client['id']}",
            [("include[]", "outstanding_balance"), ("include[]", "draft_balance")],
        )
    )["client"]
    assert got["outstanding_balance"] == [{"amount": {"amount": "25.00", "code": "USD"}}]
    assert got["draft_balance"] == [{"amount": draft["amount"]}]
    assert "overdue_balance" not in got


# ---- expenses, categories, staff -------------------------------------------------------------


def test_expense_create_update_delete(api: Api, sb: Sandbox) -> None:
    category = first_category(sb, api.account_id)
    exp = api.expense(vendor="Serano Bakery", notes="lunch", categoryid=category)
    assert exp["id"] == exp["expenseid"] and exp["categoryid"] == category
    assert exp["amount"] == {"amount": "12.50", "code": "USD"}
    assert (exp["clientid"], exp["projectid"], exp["status"], exp["billable"]) == (0, 0, 0, False)
    assert exp["staffid"] == 1 and exp["date"] == "2024-03-14"
    client = api.client()
    billed = api.expense(clientid=client["id"], projectid=77)
    assert (billed["status"], billed["billable"], billed["projectid"]) == (1, True, 77)
    upd = ok(api.put(f"expenses/expenses/{exp['id']}", {"expense": {"vendor": "Other"}}))
    assert upd["expense"]["vendor"] == "Other" and upd["expense"]["notes"] == "lunch"
    gone = ok(api.put(f"expenses/expenses/{exp['id']}", {"expense": {"vis_state": 1}}))
    assert gone["expense"]["vis_state"] == 1
    assert [e["id"] for e in ok(api.get("expenses/expenses"))["expenses"]] == [billed["id"]]


@pytest.mark.parametrize("missing", ["categoryid", "amount", "date", "staffid"])
def test_expense_required_fields(api: Api, sb: Sandbox, missing: str) -> None:
    body = {
        "categoryid": first_category(sb, api.account_id),
        "amount": {"amount": "1.00", "code": "USD"},
        "date": "2024-01-01",
        "staffid": 1,
    }
    del body[missing]
    r = api.post("expenses/expenses", {"expense": body})
    assert r.status_code == 422
    assert errors(r)[0]["errno"] == 1001 and errors(r)[0]["field"] == missing


def test_expense_references_must_exist(api: Api) -> None:
    for field, value in (("categoryid", 42), ("staffid", 99), ("clientid", 5)):
        r = api.post(
            "expenses/expenses",
            {
                "expense": {
                    "categoryid": first_category(api.sb, api.account_id),
                    "staffid": 1,
                    "date": "2024-01-01",
                    "amount": {"amount": "1", "code": "USD"},
                    field: value,
                }
            },
        )
        assert r.status_code == 422, field
        assert errors(r)[0]["errno"] == 1012 and errors(r)[0]["field"] == field


def test_expense_category_include(api: Api) -> None:
    exp = api.expense()
    got = ok(api.get(f"expenses/expenses/{exp['id']}", {"include[]": "category"}))["expense"]
    assert got["category"]["categoryid"] == exp["categoryid"]


def test_categories_are_read_only_with_parents(api: Api) -> None:
    listing = ok(api.get("expenses/categories", {"per_page": "100"}))
    cats = listing["categories"]
    assert listing["total"] == len(cats) > 15
    by_id = {c["id"]: c for c in cats}
    children = [c for c in cats if c["parentid"] is not None]
    assert children and all(c["parentid"] in by_id for c in children)
    assert any(c["is_cogs"] for c in cats)
    one = ok(api.get(f"expenses/categories/{cats[0]['id']}"))["category"]
    assert one == cats[0] and one["categoryid"] == one["id"]
    r = api.post("expenses/categories", {"category": {"category": "New"}})
    assert r.status_code == 405 and "GET" in r.headers["allow"]
    assert api.get("expenses/categories/1").status_code == 404


def test_staff_list_and_get_need_teams_scope(sb: Sandbox) -> None:
    plain = Api(sb)
    assert plain.get("users/staffs").status_code == 403
    api = Api(sb, token=sb.issue_token(scopes=["user:teams:read"]))
    staff = ok(api.get("users/staffs"))["staffs"]
    assert [s["id"] for s in staff] == [1, 2]
    assert all(s["id"] == s["userid"] for s in staff)
    owner = ok(api.get("users/staffs/1"))["staff"]
    assert owner["email"] == "sandy.box@sandbox.example"
    other = Api(sb, token=api.token, account_id="BAY456")
    me_there = ok(other.get(f"users/staffs/{sb.staff_id('BAY456')}"))["staff"]
    assert me_there["email"] == owner["email"]
    assert api.post("users/staffs", {"staff": {"fname": "x"}}).status_code == 405


def test_businesses_are_isolated(sb: Sandbox) -> None:
    acme, bay = Api(sb), Api(sb, account_id="BAY456")
    client = acme.client()
    assert ok(bay.get("users/clients"))["clients"] == []
    assert bay.get(f"users/clients/{client['id']}").status_code == 404
    assert bay.client()["currency_code"] == "CAD"


def test_create_helper_and_direct_store(sb: Sandbox) -> None:
    client = sb.create("ACM123", "clients", {"organization": "Direct"})
    assert sb.store("ACM123").clients[client["id"]].fields["organization"] == "Direct"
    assert sb.get("ACM123", "clients", client["id"]) == client


def test_a_rejected_update_changes_nothing(api: Api, clock: FakeClock) -> None:
    inv = api.invoice(api.client()["id"], notes="before")
    clock.advance(60)
    path = f"invoices/invoices/{inv['id']}?include[]=lines"
    bad = api.put(path, {"invoice": {"notes": "after", "lines": [{"qty": "-2"}]}})
    assert bad.status_code == 422
    after = ok(api.get(path))["invoice"]
    assert after == inv  # notes, lines and updated untouched
