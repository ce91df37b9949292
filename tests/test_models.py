"""The wire models on hand-written bodies: shapes, lenience, refusals, traps, public surface."""

from __future__ import annotations

import ast
import copy
import doctest
import inspect
import json
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

import freshbooks_sdk._decimal as decimal_module
import freshbooks_sdk._types as types_module
import freshbooks_sdk.enums as enums_module
import freshbooks_sdk.money as money_module
from freshbooks_sdk import models
from freshbooks_sdk.models import (
    AccountingErrorBody,
    AuthErrorBody,
    ClientCreate,
    ClientCreateRequest,
    ClientListResponse,
    ClientResponse,
    DepositStatus,
    DisplayStatus,
    ExpenseCategoryListResponse,
    ExpenseCategoryResponse,
    ExpenseCreate,
    ExpenseListResponse,
    ExpenseResponse,
    ExpenseStatus,
    ExpenseUpdate,
    IdentityResponse,
    InvoiceCreate,
    InvoiceLineCreate,
    InvoiceListResponse,
    InvoiceResponse,
    InvoiceStatus,
    InvoiceUpdate,
    InvoiceV3Status,
    Money,
    PaymentStatus,
    RpcErrorBody,
    StaffListResponse,
    StaffResponse,
    Token,
    TokenRequest,
    VisState,
)

UTC = timezone.utc

# --- hand-written bodies (the project's own, shaped like the API notes §2-§4) ---------------

CLIENT: dict[str, Any] = {
    "id": 501,
    "userid": 501,
    "accounting_systemid": "TST1",
    "organization": "Kestrel Tooling",
    "fname": "Ada",
    "lname": "Quill",
    "email": "ada@kestrel.example",
    "home_phone": None,
    "p_city": "Halifax",
    "currency_code": "USD",
    "language": "en",
    "vat_number": None,
    "allow_late_fees": False,
    "num_logins": 0,
    "signup_date": "2023-01-05 17:00:00",
    "updated": "2023-01-05 12:00:00",
    "uuid": "00000000-0000-4000-8000-000000000501",
    "vis_state": 0,
    "outstanding_balance": [{"amount": {"amount": "250.00", "code": "USD"}}],
}

LINE: dict[str, Any] = {
    "lineid": 1,
    "invoiceid": 9001,
    "type": 0,
    "name": "Design",
    "description": "Two days",
    "qty": "2",
    "unit_cost": {"amount": "400.00", "code": "USD"},
    "amount": {"amount": "800.00", "code": "USD"},
    "taxName1": "HST",
    "taxAmount1": "15",
    "taxName2": None,
    "taxAmount2": "0",
    "compounded_tax": False,
    "expenseid": 0,
    "date": None,
    "updated": "2023-03-01 09:00:00",
}

INVOICE: dict[str, Any] = {
    "id": 9001,
    "invoiceid": 9001,
    "accountid": "TST1",
    "invoice_number": "0001",
    "customerid": 501,
    "create_date": "2023-03-01",
    "due_date": "2023-03-31",
    "due_offset_days": 30,
    "date_paid": None,
    "created_at": "2023-03-01 09:00:00",
    "updated": "2023-03-02 16:45:10",
    "currency_code": "USD",
    "amount": {"amount": "920.00", "code": "USD"},
    "paid": {"amount": "0.00", "code": "USD"},
    "outstanding": {"amount": "920.00", "code": "USD"},
    "discount_total": {"amount": "0.00", "code": "USD"},
    "discount_value": "0",
    "deposit_amount": None,
    "deposit_percentage": None,
    "deposit_status": "none",
    "status": 2,
    "v3_status": "sent",
    "display_status": "sent",
    "payment_status": "unpaid",
    "autobill_status": None,
    "po_number": "PO-7",
    "notes": "Thanks",
    "terms": None,
    "code": "B3H 1A1",
    "vis_state": 0,
    "lines": [LINE],
}

EXPENSE: dict[str, Any] = {
    "id": 70,
    "expenseid": 70,
    "amount": {"amount": "54.00", "code": "USD"},
    "categoryid": 12,
    "date": "2023-02-10",
    "vendor": "Harbour Cafe",
    "staffid": 1,
    "clientid": 0,
    "projectid": 0,
    "status": 0,
    "markup_percent": "0",
    "taxName1": "HST",
    "taxAmount1": {"amount": "7.04", "code": "USD"},
    "taxPercent1": None,
    "taxAmount2": None,
    "updated": "2023-02-10 08:00:00",
    "vis_state": 0,
}

CATEGORY: dict[str, Any] = {
    "id": 12,
    "categoryid": 12,
    "category": "Meals",
    "parentid": 3,
    "is_cogs": False,
    "created_at": "2022-08-16 14:11:07",
    "updated_at": "2022-10-07 11:04:59",
    "vis_state": 0,
}

STAFF: dict[str, Any] = {"id": 1, "userid": 1, "fname": "Owner", "email": "o@example.com"}

IDENTITY: dict[str, Any] = {
    "id": 42,
    "identity_id": 42,
    "first_name": "Ada",
    "email": "ada@kestrel.example",
    "confirmed_at": "2020-01-02T03:04:05Z",
    "business_memberships": [
        {
            "id": 900,
            "role": "owner",
            "business": {"id": 77, "account_id": "TST1", "name": "Kestrel", "address": None},
        }
    ],
    "roles": [
        {"id": 1, "role": "admin", "accountid": "TST1", "created_at": "2020-01-02T03:04:05Z"}
    ],
}


def single(key: str, obj: dict[str, Any]) -> dict[str, Any]:
    return {"response": {"result": {key: obj}}}


def listing(key: str, objs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "response": {
            "result": {key: objs, "page": 1, "pages": 1, "per_page": 15, "total": len(objs)}
        }
    }


def raw(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()


# --- every model parses, through the attribute paths the HTTP core uses ----------------------


def test_client_envelopes() -> None:
    one = ClientResponse.model_validate_json(raw(single("client", CLIENT)))
    client = one.response.result.client
    assert (client.id, client.userid, client.organization) == (501, 501, "Kestrel Tooling")
    assert client.vis_state is VisState.ACTIVE
    assert client.outstanding_balance is not None
    assert client.outstanding_balance[0].amount == Money.of("250.00", "USD")
    page = ClientListResponse.model_validate_json(raw(listing("clients", [CLIENT, CLIENT])))
    result = page.response.result
    assert [c.id for c in result.clients] == [501, 501]
    assert (result.page, result.pages, result.per_page, result.total) == (1, 1, 15, 2)


def test_invoice_envelopes_and_lines() -> None:
    invoice = InvoiceResponse.model_validate_json(raw(single("invoice", INVOICE))).response.result
    inv = invoice.invoice
    assert inv.id == 9001 and inv.customerid == 501
    assert inv.create_date == date(2023, 3, 1)
    assert inv.updated == datetime(2023, 3, 2, 21, 45, 10, tzinfo=UTC)  # EST in March 2
    assert inv.amount == Money.of("920.00", "USD")
    assert inv.status is InvoiceStatus.SENT and inv.v3_status is InvoiceV3Status.SENT
    assert inv.payment_status is PaymentStatus.UNPAID
    assert inv.display_status is DisplayStatus.SENT
    assert inv.deposit_status is DepositStatus.NONE
    assert inv.deposit_amount is None
    assert inv.code == "B3H 1A1"  # postal code, not a currency
    assert inv.lines is not None
    (line,) = inv.lines
    assert (line.lineid, line.qty, line.unit_cost) == (1, Decimal("2"), Money.of("400.00", "USD"))
    page = InvoiceListResponse.model_validate_json(raw(listing("invoices", [INVOICE])))
    assert page.response.result.invoices[0].invoice_number == "0001"


def test_invoice_without_lines_include() -> None:
    body = {k: v for k, v in INVOICE.items() if k != "lines"}
    assert (
        InvoiceResponse.model_validate(single("invoice", body)).response.result.invoice.lines
        is None
    )


def test_expense_and_category_envelopes() -> None:
    exp = ExpenseResponse.model_validate_json(raw(single("expense", EXPENSE))).response.result
    assert exp.expense.amount == Money.of("54.00", "USD")
    assert exp.expense.status is ExpenseStatus.INTERNAL
    assert exp.expense.date == date(2023, 2, 10)
    with_category = dict(EXPENSE, category=CATEGORY)
    page = ExpenseListResponse.model_validate_json(raw(listing("expenses", [with_category])))
    category = page.response.result.expenses[0].category
    assert category is not None and category.category == "Meals"
    one = ExpenseCategoryResponse.model_validate_json(raw(single("category", CATEGORY)))
    assert one.response.result.category.parentid == 3
    cats = ExpenseCategoryListResponse.model_validate_json(raw(listing("categories", [CATEGORY])))
    assert cats.response.result.categories[0].updated_at == datetime(
        2022, 10, 7, 15, 4, 59, tzinfo=UTC
    )


def test_staff_envelopes() -> None:
    one = StaffResponse.model_validate_json(raw(single("staff", STAFF)))
    assert one.response.result.staff.fname == "Owner"
    page = StaffListResponse.model_validate_json(raw(listing("staffs", [STAFF, {"id": 2}])))
    assert [s.id for s in page.response.result.staffs] == [1, 2]
    # Fields the notes do not document are kept, not rejected.
    odd = StaffResponse.model_validate(single("staff", {"id": 3, "business_phone": "555"}))
    assert odd.response.result.staff.model_extra == {"business_phone": "555"}


def test_identity_envelope_has_no_result_level() -> None:
    identity = IdentityResponse.model_validate_json(raw({"response": IDENTITY})).response
    assert identity.id == 42
    assert identity.confirmed_at == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert identity.business_memberships is not None
    membership = identity.business_memberships[0]
    assert membership.id == 900  # the membership, not the business
    assert (membership.business.id, membership.business.account_id) == (77, "TST1")
    assert IdentityResponse.model_validate({"response": {"id": 7}}).response.email is None


def test_token_and_secrets_stay_out_of_repr() -> None:
    token = Token.model_validate(
        {
            "access_token": "SECRET-ACCESS",
            "refresh_token": "SECRET-REFRESH",
            "token_type": "Bearer",
            "expires_in": 43200,
            "scope": "user:profile:read",
            "created_at": 1700000000,
            "id_token": "SECRET-ID",
        }
    )
    assert token.access_token == "SECRET-ACCESS" and token.expires_in == 43200
    assert "SECRET" not in repr(token) and "SECRET" not in str(token)
    request = TokenRequest(
        grant_type="refresh_token",
        client_id="cid",
        client_secret="SECRET-C",
        refresh_token="SECRET-R",
    )
    assert "SECRET" not in repr(request)
    assert request.model_dump(exclude_none=True)["client_secret"] == "SECRET-C"
    with pytest.raises(ValidationError):
        TokenRequest(grant_type="password", client_id="c", client_secret="s")
    with pytest.raises(ValidationError) as exc:
        Token.model_validate({"access_token": "a", "expires_in": 1, "created_at": 1})
    assert exc.value.errors()[0]["loc"] == ("refresh_token",)


def test_error_bodies() -> None:
    classic = AccountingErrorBody.model_validate_json(
        b'{"response": {"errors": [{"errno": 1012, "field": "userid", "message": "Client not'
        b' found.", "object": "client", "value": "12345"}, {"errno": 1003, "message": "x"}]}}'
    )
    first, second = classic.response.errors
    assert (first.errno, first.field, first.object, first.value) == (
        1012,
        "userid",
        "client",
        "12345",
    )
    assert second.field is None
    rpc = RpcErrorBody.model_validate_json(
        b'{"code": 3, "message": "Invalid", "details": [{"@type": "type.googleapis.com/google.rpc'
        b'.ErrorInfo", "reason": "1001", "domain": "accounting.api.freshbooks.com", "metadata":'
        b' {"object": "invoice", "message": "Required", "value": "", "field": "customerid"}},'
        b' {"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [{"field":'
        b' "event", "description": "Unrecognized event."}]}, {"@type": "x.Help", "links": []}]}'
    )
    assert rpc.code == 3 and rpc.details is not None
    info, bad_request, help_ = rpc.details
    assert info.field_type == "type.googleapis.com/google.rpc.ErrorInfo"
    assert info.reason == "1001" and info.metadata is not None
    assert info.metadata.field == "customerid"
    assert bad_request.fieldViolations is not None
    assert bad_request.fieldViolations[0].field == "event"
    assert help_.model_extra == {"links": []}
    auth = AuthErrorBody.model_validate({"error": "invalid_token", "state": "unauthorized"})
    assert auth.error == "invalid_token" and auth.error_description is None


# --- lenience: unknown fields and statuses, numeric-string ids ------------------------------------


def test_unknown_fields_are_kept_at_every_level() -> None:
    body = copy.deepcopy(listing("invoices", [INVOICE]))
    body["request_id"] = "r-1"
    body["response"]["trace"] = {"a": 1}
    body["response"]["result"]["cursor"] = None
    body["response"]["result"]["invoices"][0]["sparkle"] = [1, 2]
    body["response"]["result"]["invoices"][0]["lines"][0]["line_colour"] = "teal"
    page = InvoiceListResponse.model_validate_json(raw(body))
    assert page.model_extra == {"request_id": "r-1"}
    assert page.response.model_extra == {"trace": {"a": 1}}
    assert page.response.result.model_extra == {"cursor": None}
    inv = page.response.result.invoices[0]
    assert inv.model_extra == {"sparkle": [1, 2]}
    assert inv.lines is not None and inv.lines[0].model_extra == {"line_colour": "teal"}
    # and they go back out on the wire
    assert json.loads(page.model_dump_json())["response"]["result"]["invoices"][0]["sparkle"] == [
        1,
        2,
    ]


@pytest.mark.parametrize(
    ("field", "value", "enum"),
    [
        ("v3_status", "refunded", InvoiceV3Status),
        ("status", 9, InvoiceStatus),
        ("payment_status", "written-off", PaymentStatus),
        ("display_status", "archived", DisplayStatus),
        ("deposit_status", "waived", DepositStatus),
        ("vis_state", 3, VisState),
    ],
)
def test_unknown_invoice_status_values_are_accepted(field: str, value: object, enum: type) -> None:
    body = dict(INVOICE, **{field: value})
    inv = InvoiceResponse.model_validate_json(raw(single("invoice", body))).response.result.invoice
    got = getattr(inv, field)
    assert isinstance(got, enum)
    assert got == value and got.value == value
    assert got.is_known is False and got.name == "UNKNOWN"
    assert value not in [m.value for m in enum]  # pseudo-members are not added to the class
    assert json.loads(inv.model_dump_json())[field] == value


def test_unknown_expense_status_is_accepted() -> None:
    exp = ExpenseResponse.model_validate(single("expense", dict(EXPENSE, status=3)))
    status = exp.response.result.expense.status
    assert status == 3 and status is not None and not status.is_known


def test_known_statuses_are_the_documented_members() -> None:
    assert InvoiceV3Status("paid") is InvoiceV3Status.PAID and InvoiceV3Status.PAID.is_known
    assert InvoiceStatus(8) is InvoiceStatus.PARTIAL
    assert str(InvoiceV3Status.DEPOSIT_PAID) == "deposit-paid"
    assert InvoiceV3Status.PAID == "paid" and {"paid": 1}[InvoiceV3Status.PAID] == 1
    assert InvoiceStatus.PAID == 4 and VisState.ARCHIVED == 2


def test_status_of_a_wrong_type_is_still_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        InvoiceResponse.model_validate(single("invoice", dict(INVOICE, status="sent")))
    assert exc.value.errors()[0]["loc"] == ("response", "result", "invoice", "status")


def test_numeric_string_ids_are_read_as_ints() -> None:
    # The Node SDK's expense test bodies use "id": "43221133"; accepted (lax int parsing).
    body = dict(EXPENSE, id="43221133", expenseid="43221133", categoryid="3012676")
    expense = ExpenseResponse.model_validate_json(
        raw(single("expense", body))
    ).response.result.expense
    assert (expense.id, expense.expenseid, expense.categoryid) == (43221133, 43221133, 3012676)


@pytest.mark.parametrize("bad_id", ["abc", "12.5", "", None, 1.5])
def test_non_integer_ids_are_refused_naming_field_and_value(bad_id: object) -> None:
    with pytest.raises(ValidationError) as exc:
        ClientResponse.model_validate_json(raw(single("client", dict(CLIENT, id=bad_id))))
    err = exc.value.errors()[0]
    assert err["loc"] == ("response", "result", "client", "id")
    assert err["input"] == bad_id


# --- refusals name the field and the value -------------------------------------------------------


def test_bad_money_in_an_invoice_names_the_path_and_value() -> None:
    body = dict(INVOICE, amount={"amount": "9,20", "code": "USD"})
    with pytest.raises(ValidationError) as exc:
        InvoiceResponse.model_validate_json(raw(single("invoice", body)))
    err = exc.value.errors()[0]
    assert err["loc"] == ("response", "result", "invoice", "amount", "amount")
    assert err["input"] == "9,20"
    assert "'9,20'" in str(exc.value)


def test_bad_currency_in_a_line_names_the_path_and_value() -> None:
    line = dict(LINE, unit_cost={"amount": "1.00", "code": "US"})
    with pytest.raises(ValidationError) as exc:
        InvoiceResponse.model_validate(single("invoice", dict(INVOICE, lines=[line])))
    err = exc.value.errors()[0]
    assert err["loc"] == ("response", "result", "invoice", "lines", 0, "unit_cost", "code")
    assert err["input"] == "US"


def test_missing_required_fields_are_named() -> None:
    body = {k: v for k, v in INVOICE.items() if k != "updated"}
    with pytest.raises(ValidationError) as exc:
        InvoiceResponse.model_validate(single("invoice", body))
    assert exc.value.errors()[0]["loc"] == ("response", "result", "invoice", "updated")
    with pytest.raises(ValidationError) as exc:
        ClientListResponse.model_validate({"response": {"result": {"clients": []}}})
    missing = {e["loc"][-1] for e in exc.value.errors()}
    assert missing == {"page", "pages", "per_page", "total"}


def test_empty_list_with_zero_pages() -> None:
    page = ClientListResponse.model_validate_json(
        b'{"response":{"result":{"clients":[],"page":1,"pages":0,"per_page":15,"total":0}}}'
    )
    assert page.response.result.clients == [] and page.response.result.pages == 0


# --- the traps of §4.1 --------------------------------------------------------------------------


def test_line_tax_amount_is_a_percent_and_expense_tax_amount_is_money() -> None:
    inv = InvoiceResponse.model_validate(single("invoice", INVOICE)).response.result.invoice
    assert inv.lines is not None
    assert inv.lines[0].taxAmount1 == Decimal("15")
    assert isinstance(inv.lines[0].taxAmount1, Decimal)
    exp = ExpenseResponse.model_validate(single("expense", EXPENSE)).response.result.expense
    assert exp.taxAmount1 == Money.of("7.04", "USD")
    with pytest.raises(ValidationError):  # a Money object is not a percent
        InvoiceResponse.model_validate(
            single(
                "invoice",
                dict(INVOICE, lines=[dict(LINE, taxAmount1={"amount": "1", "code": "USD"})]),
            )
        )
    with pytest.raises(ValidationError):  # a percent string is not Money
        ExpenseResponse.model_validate(single("expense", dict(EXPENSE, taxAmount1="13")))


def test_qty_discount_and_markup_are_decimals_not_money() -> None:
    inv = InvoiceResponse.model_validate(
        single("invoice", dict(INVOICE, discount_value="10", deposit_percentage="1.5"))
    ).response.result.invoice
    assert inv.discount_value == Decimal("10") and inv.deposit_percentage == Decimal("1.5")
    exp = ExpenseResponse.model_validate(
        single("expense", dict(EXPENSE, markup_percent="12.5", taxPercent1=0))
    ).response.result.expense
    assert exp.markup_percent == Decimal("12.5") and exp.taxPercent1 == Decimal(0)
    assert json.loads(exp.model_dump_json())["markup_percent"] == "12.5"


# --- input models --------------------------------------------------------------------------------


def test_client_create_is_all_optional_and_forbids_unknown_keys() -> None:
    assert ClientCreate().model_dump(exclude_unset=True) == {}
    body = ClientCreateRequest(client=ClientCreate(email="a@b.example", organization="Org"))
    assert body.model_dump(mode="json", exclude_unset=True) == {
        "client": {"email": "a@b.example", "organization": "Org"}
    }
    with pytest.raises(ValidationError) as exc:
        ClientCreate.model_validate({"email": "a@b.example", "vis_state": 1})
    err = exc.value.errors()[0]
    assert err["loc"] == ("vis_state",) and err["type"] == "extra_forbidden" and err["input"] == 1
    with pytest.raises(ValidationError) as exc:
        ClientCreate.model_validate({"currency_code": "usd"})
    assert exc.value.errors()[0]["loc"] == ("currency_code",)


def test_invoice_create_requires_customer_and_date_and_wraps_money() -> None:
    with pytest.raises(ValidationError) as exc:
        InvoiceCreate.model_validate({"currency_code": "USD"})
    assert {e["loc"][0] for e in exc.value.errors()} == {"customerid", "create_date"}
    create = InvoiceCreate(
        customerid=501,
        create_date=date(2024, 5, 1),
        due_offset_days=30,
        po_number="PO-1",
        lines=[
            InvoiceLineCreate(
                name="Bowls", qty="4", unit_cost=Money.of("5.00", "CAD"), taxAmount1="13"
            )
        ],
    )
    assert create.model_dump(mode="json", exclude_unset=True) == {
        "customerid": 501,
        "create_date": "2024-05-01",
        "due_offset_days": 30,
        "po_number": "PO-1",
        "lines": [
            {
                "name": "Bowls",
                "qty": "4",
                "unit_cost": {"amount": "5.00", "code": "CAD"},
                "taxAmount1": "13",
            }
        ],
    }
    for phase_field in ["vis_state", "status", "action_email"]:
        with pytest.raises(ValidationError) as exc:
            InvoiceUpdate.model_validate({phase_field: 1, "notes": "x"})
        assert exc.value.errors()[0]["loc"] == (phase_field,)
    with pytest.raises(ValidationError, match="float"):
        InvoiceLineCreate(qty=1.5)


def test_expense_create_requires_the_documented_fields() -> None:
    with pytest.raises(ValidationError) as exc:
        ExpenseCreate.model_validate({"vendor": "x"})
    assert {e["loc"][0] for e in exc.value.errors()} == {"categoryid", "amount", "date", "staffid"}
    create = ExpenseCreate(
        categoryid=12,
        amount=Money.of("12.50", "USD"),
        date=date(2024, 1, 2),
        staffid=1,
        projectid=9,
    )
    assert create.model_dump(mode="json", exclude_unset=True) == {
        "categoryid": 12,
        "amount": {"amount": "12.50", "code": "USD"},
        "date": "2024-01-02",
        "staffid": 1,
        "projectid": 9,
    }
    assert ExpenseUpdate(notes="n").model_dump(exclude_unset=True) == {"notes": "n"}
    with pytest.raises(ValidationError):
        ExpenseUpdate.model_validate({"status": 2})


# --- property: any decimal string round-trips through Money -----------------------------------

DECIMAL_TEXT = st.from_regex(r"-?(0|[1-9][0-9]{0,40})(\.[0-9]{1,40})?", fullmatch=True)


@given(text=DECIMAL_TEXT, code=st.sampled_from(["USD", "CAD", "EUR", "JPY"]))
def test_any_decimal_string_round_trips_through_money(text: str, code: str) -> None:
    money = Money(amount=text, code=code)
    assert money.amount == Decimal(text)
    assert money.model_dump(mode="json") == {"amount": text, "code": code}
    wire = json.dumps({"amount": text, "code": code}).encode()
    back = Money.model_validate_json(wire)
    assert back == money
    assert back.model_dump_json() == json.dumps(
        {"amount": text, "code": code}, separators=(",", ":")
    )


@given(value=st.decimals(allow_nan=False, allow_infinity=False))
def test_any_finite_decimal_round_trips_by_value(value: Decimal) -> None:
    dumped = Money(amount=value, code="USD").model_dump(mode="json")["amount"]
    assert "E" not in dumped.upper()
    assert Decimal(dumped) == value
    assert Money.model_validate_json(json.dumps({"amount": dumped, "code": "USD"})).amount == value


# --- public surface -------------------------------------------------------------------------------


def test_every_generated_class_is_public_in_models() -> None:
    generated_classes = {
        name
        for name, obj in vars(models).items()
        if inspect.isclass(obj)
        and issubclass(obj, BaseModel)
        and obj.__module__ == models.__name__  # defined in the public module itself
    }
    assert len(generated_classes) > 100
    assert generated_classes <= set(models.__all__)
    for name in models.__all__:
        assert getattr(models, name) is not None


def test_response_models_allow_extras_and_input_models_forbid_them() -> None:
    for name in models.__all__:
        obj = getattr(models, name)
        if not (inspect.isclass(obj) and issubclass(obj, BaseModel)) or obj is Money:
            continue
        extra = obj.model_config.get("extra")
        is_input = name.endswith(("Create", "Update", "Request"))
        assert extra == ("forbid" if is_input else "allow"), name


def _documented_names(module: Any) -> dict[str, str]:
    """Docstrings of a module's classes, functions and documented aliases (``X = ...`` + string)."""
    tree = ast.parse(inspect.getsource(module))
    docs: dict[str, str] = {}
    body = tree.body
    for index, node in enumerate(body):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            docs[node.name] = ast.get_docstring(node) or ""
        elif isinstance(node, ast.Assign) and index + 1 < len(body):
            follower = body[index + 1]
            if (
                isinstance(follower, ast.Expr)
                and isinstance(follower.value, ast.Constant)
                and isinstance(follower.value.value, str)
            ):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        docs[target.id] = follower.value.value
    return docs


def test_hand_written_public_names_have_docstrings_with_examples() -> None:
    # _types re-exports Money (defined in the public freshbooks_sdk.money) and decimal_to_wire.
    defining = (types_module, enums_module, money_module, decimal_module)
    docs = {name: doc for module in defining for name, doc in _documented_names(module).items()}
    for name in types_module.__all__:
        assert ">>>" in docs.get(name, ""), f"{name} needs a docstring with a usage example"
    assert models.__doc__ is not None and ">>>" in models.__doc__


@pytest.mark.parametrize("module", [money_module, enums_module, models])
def test_docstring_examples_run(module: Any) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 5
    assert result.failed == 0


def test_alias_docstring_examples_run() -> None:
    # doctest does not collect the docstrings of aliases (`EasternDateTime = Annotated[...]`).
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    aliases = {
        name: doc
        for name, doc in _documented_names(types_module).items()
        if name in types_module.__all__ and not inspect.isclass(getattr(types_module, name))
    }
    assert {"EasternDateTime", "UTCSqlDateTime", "IsoDateTime", "DecimalString"} <= set(aliases)
    for name, doc in aliases.items():
        test = parser.get_doctest(doc, dict(vars(types_module)), name, None, 0)
        runner.run(test)
    summary = runner.summarize(verbose=False)
    assert summary.attempted >= len(aliases)
    assert summary.failed == 0


def test_generated_fields_use_the_hand_written_types() -> None:
    assert issubclass(models.Invoice, pydantic.BaseModel)
    assert models.Invoice.model_fields["amount"].annotation is Money
    assert models.Invoice.model_fields["v3_status"].annotation is InvoiceV3Status
    assert models.Expense.model_fields["status"].annotation == ExpenseStatus | None
