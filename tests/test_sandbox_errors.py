"""Error bodies in both accounting formats, and garbage input never producing a traceback."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from freshbooks_sdk.sandbox import Sandbox
from freshbooks_sdk.sandbox.errors import AccountingError
from test_sandbox_support import Api, errors, first_category, make_sandbox, ok

RPC_HEADER = {"X-API-VERSION": "2023-02-20"}
ACCESS_DENIED = "The server could not verify that you are authorized to access the URL requested."


@pytest.fixture
def sb() -> Sandbox:
    return make_sandbox()


@pytest.fixture
def api(sb: Sandbox) -> Api:
    return Api(sb)


def rpc_detail(body: dict[str, Any]) -> dict[str, Any]:
    assert set(body) == {"code", "message", "details"}
    [detail] = body["details"]
    assert detail["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
    assert detail["domain"] == "accounting.api.freshbooks.com"
    assert all(isinstance(v, str) for v in detail["metadata"].values())
    return detail  # type: ignore[no-any-return]


def test_401_classic_and_rpc(sb: Sandbox) -> None:
    api = Api(sb, token="")
    classic = api.get("users/clients")
    assert classic.status_code == 401
    assert classic.json() == {"response": {"errors": [{"errno": 1003, "message": ACCESS_DENIED}]}}
    rpc = api.get("users/clients", headers=RPC_HEADER)
    assert rpc.status_code == 401
    assert rpc.json() == {
        "code": 16,
        "message": "Request failed with status_code: 401",
        "details": [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "1003",
                "domain": "accounting.api.freshbooks.com",
                "metadata": {"object": "", "message": ACCESS_DENIED, "value": "", "field": ""},
            }
        ],
    }
    wrong_scheme = api.get("users/clients", headers={"Authorization": "Basic abc"})
    assert wrong_scheme.status_code == 401


def test_404_in_both_formats_and_sandbox_default(sb: Sandbox) -> None:
    api = Api(sb)
    rpc = api.get("invoices/invoices/12345", headers=RPC_HEADER)
    assert rpc.status_code == 404 and rpc.json()["code"] == 5
    detail = rpc_detail(rpc.json())
    assert detail["reason"] == "1012"
    assert detail["metadata"] == {
        "object": "invoice",
        "message": "Invoice not found.",
        "value": "12345",
        "field": "invoiceid",
    }
    old = api.get("invoices/invoices/12345", headers={"X-API-VERSION": "2021-01-01"})
    assert errors(old)[0]["errno"] == 1012
    rpc_sb = make_sandbox(error_format="rpc")
    assert rpc_detail(Api(rpc_sb).get("users/clients/1").json())["reason"] == "1012"
    # an explicit old version wins over the sandbox default
    assert (
        "response"
        in Api(rpc_sb).get("users/clients/1", headers={"X-API-VERSION": "2019-01-01"}).json()
    )
    with pytest.raises(ValueError, match="error_format"):
        Sandbox(error_format="xml")  # type: ignore[arg-type]


def test_403_scopes_and_foreign_account(sb: Sandbox) -> None:
    api = Api(sb, token=sb.issue_token(scopes=["user:profile:read", "user:clients:read"]))
    assert api.get("users/clients").status_code == 200
    r = api.post("users/clients", {"client": {"email": "a@b.c"}})
    assert r.status_code == 403
    message = errors(r)[0]["message"]
    assert "Provided scopes: user:profile:read user:clients:read" in message
    assert "Required scopes: user:clients:write" in message
    rpc = api.get("invoices/invoices", headers=RPC_HEADER)
    assert rpc.status_code == 403 and rpc.json()["code"] == 7
    assert "user:invoices:read" in rpc_detail(rpc.json())["metadata"]["message"]
    foreign = Api(sb, account_id="XYZ999").get("users/clients")
    assert foreign.status_code == 403 and errors(foreign)[0]["errno"] == 1003


def test_422_in_both_formats(api: Api) -> None:
    classic = api.post("users/clients", {"client": {"note": "x"}})
    assert classic.status_code == 422 and errors(classic)[0]["errno"] == 7012
    rpc = api.post("invoices/invoices", {"invoice": {"create_date": "2024-01-01"}}, RPC_HEADER)
    assert rpc.status_code == 422 and rpc.json()["code"] == 3
    detail = rpc_detail(rpc.json())
    assert (detail["reason"], detail["metadata"]["field"]) == ("1001", "customerid")


def test_429_with_retry_after_by_the_injected_clock(sb: Sandbox) -> None:
    api = Api(sb)
    sb.set_rate_limit(api.account_id, 3, window_seconds=60)
    assert [api.get("users/clients").status_code for _ in range(3)] == [200, 200, 200]
    limited = api.get("users/clients")
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "60"
    assert errors(limited)[0]["errno"] == 429
    assert rpc_detail(api.get("users/clients", headers=RPC_HEADER).json())["reason"] == "429"
    # other businesses have their own budget; the clock frees the window
    assert Api(sb, token=api.token, account_id="BAY456").get("users/clients").status_code == 200
    sb.clock.advance(45)  # type: ignore[attr-defined]
    assert api.get("users/clients").headers["retry-after"] == "15"
    sb.clock.advance(15)  # type: ignore[attr-defined]
    assert api.get("users/clients").status_code == 200
    sb.set_rate_limit(api.account_id, 0, window_seconds=90)
    assert api.get("users/clients").headers["retry-after"] == "90"
    sb.set_rate_limit(api.account_id, 0, retry_after=7)
    assert api.get("users/clients").headers["retry-after"] == "7"
    sb.set_rate_limit(api.account_id, None)
    assert api.get("users/clients").status_code == 200


def test_unknown_paths_and_methods(api: Api) -> None:
    http = api.http
    r = http.get("/nothing/here")
    assert r.status_code == 404 and r.json() == {"error": "Requested resource could not be found."}
    r = api.get("users/unicorns")
    assert r.status_code == 404 and errors(r)[0]["errno"] == 404
    r = api.raw("PATCH", "users/clients")
    assert r.status_code == 405 and "POST" in r.headers["allow"]
    r = api.raw("DELETE", "users/clients/1")
    assert r.status_code == 405
    assert http.post("/auth/api/v1/users/me").status_code == 405
    assert api.get("users/clients/abc").status_code == 404
    assert api.get("users/clients/" + "9" * 40).status_code == 404


BAD_BODIES: list[bytes] = [
    b"",
    b"{",
    b"null",
    b"[]",
    b'"client"',
    b'{"client": []}',
    b'{"client": "x"}',
    b'{"other": {}}',
    b"\xff\xfe\x00",
    b'{"client": {"email": NaN}}',
    b"[" * 5000 + b"]" * 5000,
    b'{"client": {"email": 5}}',
    b'{"client": {"email": "a@b.c", "allow_late_fees": "yes"}}',
    b'{"invoice": {"customerid": "abc", "create_date": "2024-01-01"}}',
    b'{"invoice": {"customerid": true, "create_date": "2024-01-01"}}',
    b'{"invoice": {"customerid": 1, "create_date": "01/02/2024"}}',
    b'{"invoice": {"customerid": 1, "create_date": "2024-02-30"}}',
    b'{"invoice": {"customerid": 1, "create_date": "2024-02-03", "lines": {}}}',
    b'{"invoice": {"customerid": 1, "create_date": "2024-02-03", "lines": [1]}}',
    b'{"expense": {"amount": "12", "categoryid": 1, "staffid": 1, "date": "2024-01-01"}}',
    b'{"expense": {"amount": {"amount": "1e999999"}}}',
    b'{"expense": {"amount": {"amount": "12", "code": "dollars"}}}',
]


@pytest.mark.parametrize("body", BAD_BODIES, ids=range(len(BAD_BODIES)))
@pytest.mark.parametrize("suffix", ["users/clients", "invoices/invoices", "expenses/expenses"])
def test_garbage_bodies_get_clean_4xx_json(api: Api, sb: Sandbox, suffix: str, body: bytes) -> None:
    r = api.raw("POST", suffix, body, headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500, r.text
    assert "Traceback" not in r.text
    assert errors(r)[0]["errno"] in {1001, 1004, 1005, 1006, 1012, 1015, 1031, 1033, 7012}
    assert sb.internal_errors == []


def test_wrong_types_name_the_field(api: Api) -> None:
    r = api.post("invoices/invoices", {"invoice": {"customerid": "abc", "create_date": "x"}})
    assert r.status_code == 400
    assert errors(r)[0] | {"value": ""} == {
        "errno": 1015,
        "field": "customerid",
        "message": "customerid must be a number.",
        "object": "invoice",
        "value": "",
    }
    assert api.post("users/clients", {"client": {"fname": ["x"]}}).status_code == 400


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)
_KEYS = [
    "customerid",
    "create_date",
    "lines",
    "qty",
    "unit_cost",
    "amount",
    "email",
    "fname",
    "vis_state",
    "action_email",
    "email_recipients",
    "categoryid",
    "staffid",
    "date",
    "discount_value",
    "due_offset_days",
    "clientid",
    "attachment",
    "currency_code",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    suffix=st.sampled_from(["users/clients", "invoices/invoices", "expenses/expenses"]),
    method=st.sampled_from(["POST", "PUT"]),
    fields=st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=5), _json, max_size=6),
)
def test_fuzzed_bodies_never_break_the_sandbox(
    suffix: str, method: str, fields: dict[str, Any]
) -> None:
    sb = make_sandbox()
    api = Api(sb)
    target = api.client(email="fuzz@x.com")
    single = suffix.split("/")[1][:-1]
    path = suffix if method == "POST" else f"users/clients/{target['id']}"
    if method == "PUT":
        single = "client"
    body = json.dumps({single: fields}).encode()
    r = api.raw(method, path, body, headers={"content-type": "application/json"})
    assert r.status_code in {200, 400, 404, 422}, r.text
    assert r.headers["content-type"] == "application/json"
    assert sb.internal_errors == []


def test_handle_never_raises_and_reports_bugs(sb: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    from freshbooks_sdk.sandbox.resources.clients import ClientResource

    def boom(*args: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(ClientResource, "render", boom)
    token = sb.issue_token()
    r = sb.handle(
        "POST",
        "/accounting/account/ACM123/users/clients",
        [],
        {"Authorization": f"Bearer {token}"},
        b'{"client": {"email": "a@b.c"}}',
    )
    assert r.status == 500
    assert r.json()["response"]["errors"][0]["errno"] == 500
    assert "kaboom" in r.json()["response"]["errors"][0]["message"]
    assert b"Traceback" not in r.body
    assert [type(e) for e in sb.internal_errors] == [RuntimeError]
    assert sb.request_log[-1].status == 500


def test_handle_accepts_odd_inputs(sb: Sandbox) -> None:
    for method, path in [
        ("GET", ""),
        ("get", "/"),
        ("BREW", "/accounting/account/"),
        ("GET", "/accounting/account//users/clients"),
        ("GET", "/auth/oauth"),
    ]:
        r = sb.handle(method, path, [], {}, b"")
        assert 400 <= r.status < 500, (method, path, r)
        assert isinstance(r.json(), dict)
    assert sb.internal_errors == []


def test_error_content_type_is_json(api: Api) -> None:
    r = api.get("users/clients/1")
    assert r.headers["content-type"] == "application/json"
    assert isinstance(r, httpx.Response)


# ---- values the sandbox could not answer with are refused before anything is stored --------


def _line(**fields: Any) -> dict[str, Any]:
    return {"name": "x", "qty": "1", "unit_cost": {"amount": "10"}, **fields}


def _invoice_body(customerid: int, *lines: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "invoice": {"customerid": customerid, "create_date": "2024-03-01", "lines": list(lines)}
        | fields
    }


# (body builder, status, errno, field) — raw JSON text where a JSON number must stay a number.
_HUGE_INVOICES: list[tuple[str, Any, int, int, str]] = [
    (
        "20-digit qty and unit cost",
        lambda c: _invoice_body(
            c, _line(qty="99999999999999999999", unit_cost={"amount": "99999999999999999999"})
        ),
        422,
        1018,
        "unit_cost.amount",
    ),
    (
        "20-digit qty",
        lambda c: _invoice_body(c, _line(qty="99999999999999999999")),
        422,
        1018,
        "qty",
    ),
    ("qty 1e308 (JSON number)", lambda c: _invoice_body(c, _line(qty=1e308)), 422, 1018, "qty"),
    (
        "unit cost 1e999999",
        lambda c: _invoice_body(c, _line(unit_cost={"amount": "1e999999"})),
        422,
        1018,
        "unit_cost.amount",
    ),
    ("qty 11 decimals", lambda c: _invoice_body(c, _line(qty="1.00000000001")), 422, 1018, "qty"),
    ("qty NaN", lambda c: _invoice_body(c, _line(qty="NaN")), 400, 1015, "qty"),
    ("qty Infinity", lambda c: _invoice_body(c, _line(qty="-Infinity")), 400, 1015, "qty"),
    (
        "line amount above 10^15",
        lambda c: _invoice_body(
            c, _line(qty="999999999999999", unit_cost={"amount": "999999999999999"})
        ),
        422,
        1018,
        "amount",
    ),
    (
        "invoice amount above 10^15",
        lambda c: _invoice_body(
            c, *[_line(unit_cost={"amount": "999999999999999"}) for _ in range(2)]
        ),
        422,
        1018,
        "amount",
    ),
    (
        "tax percentage 1e20",
        lambda c: _invoice_body(c, _line(taxAmount1="1e20")),
        422,
        1018,
        "taxAmount1",
    ),
    (
        "discount 1e-20",
        lambda c: _invoice_body(c, discount_value="1e-20"),
        422,
        1018,
        "discount_value",
    ),
]


@pytest.mark.parametrize(
    ("make_body", "status", "errno", "field"),
    [case[1:] for case in _HUGE_INVOICES],
    ids=[case[0] for case in _HUGE_INVOICES],
)
@pytest.mark.parametrize("fmt", ["classic", "rpc"])
def test_unrenderable_invoice_decimals_get_a_4xx_and_store_nothing(
    fmt: str, make_body: Any, status: int, errno: int, field: str
) -> None:
    sb = make_sandbox(error_format=fmt)
    api = Api(sb)
    customer = api.client()["id"]
    before = api.invoice(customer)
    r = api.post("invoices/invoices", make_body(customer))
    assert r.status_code == status, r.text
    if fmt == "rpc":
        detail = rpc_detail(r.json())
        assert (detail["reason"], detail["metadata"]["field"]) == (str(errno), field)
    else:
        assert (errors(r)[0]["errno"], errors(r)[0]["field"]) == (errno, field)
    # nothing half-stored: every listing keeps answering, with the invoices there were
    listing = api.get("invoices/invoices", [("include[]", "lines"), ("include[]", "presentation")])
    assert listing.status_code == 200, listing.text
    assert [i["id"] for i in listing.json()["response"]["result"]["invoices"]] == [before["id"]]
    # and an update with the same values is refused the same way, leaving the invoice as it was
    update = make_body(customer)["invoice"]
    assert api.put(f"invoices/invoices/{before['id']}", {"invoice": update}).status_code == status
    after = ok(api.get(f"invoices/invoices/{before['id']}", {"include[]": "lines"}))["invoice"]
    assert after == before
    assert sb.internal_errors == []


@pytest.mark.parametrize(
    ("raw_amount", "status", "errno"),
    [
        (b'"1e999999"', 422, 1018),
        (b"1e308", 422, 1018),
        (b'"1000000000000000"', 422, 1018),
        (b'"0.12345678901"', 422, 1018),
        (b'"NaN"', 400, 1015),
        (b'"Infinity"', 400, 1015),
    ],
)
def test_unrenderable_expense_amounts_get_a_4xx_and_store_nothing(
    api: Api, sb: Sandbox, raw_amount: bytes, status: int, errno: int
) -> None:
    category, staff = first_category(sb, api.account_id), sb.staff_id(api.account_id)
    head = f'{{"expense": {{"categoryid": {category}, "staffid": {staff}, "date": "2024-03-01", '
    body = head.encode() + b'"amount": {"amount": ' + raw_amount + b"}}}"
    r = api.raw("POST", "expenses/expenses", body, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    assert (errors(r)[0]["errno"], errors(r)[0]["field"]) == (errno, "amount.amount")
    listing = api.get("expenses/expenses", {"include[]": "category"})
    assert listing.status_code == 200 and listing.json()["response"]["result"]["total"] == 0
    for key in ("taxAmount1", "markup_percent", "taxPercent2"):
        value: Any = {"amount": "1e999999"} if key == "taxAmount1" else "1e999999"
        r = api.post("expenses/expenses", {"expense": {**_valid_expense(sb, api), key: value}})
        assert r.status_code == 422 and errors(r)[0]["errno"] == 1018, r.text
    assert api.get("expenses/expenses").json()["response"]["result"]["total"] == 0
    assert sb.internal_errors == []


def _valid_expense(sb: Sandbox, api: Api) -> dict[str, Any]:
    return {
        "categoryid": first_category(sb, api.account_id),
        "staffid": sb.staff_id(api.account_id),
        "date": "2024-03-01",
        "amount": {"amount": "12.50"},
    }


def test_the_largest_accepted_values_render(api: Api, sb: Sandbox) -> None:
    customer = api.client()["id"]
    cost = "999999999999999.9999999999"
    line = _line(qty="0.5", unit_cost={"amount": cost}, taxAmount1="50")
    created = api.invoice(customer, lines=[line], discount_value="0.0000000001")
    assert created["lines"][0]["unit_cost"]["amount"] == cost
    assert created["lines"][0]["amount"]["amount"] == "500000000000000.00"
    assert created["discount_total"]["amount"] == "-500.00"  # 1e-10 % of 5e14
    assert created["amount"]["amount"] == "749999999999250.00"
    zero = api.invoice(customer, lines=[_line(qty="-0E-999999", taxAmount1="0E+999999")])
    assert (zero["lines"][0]["qty"], zero["lines"][0]["taxAmount1"]) == ("0", "0")
    assert zero["amount"]["amount"] == "0.00"
    expense = {**_valid_expense(sb, api), "amount": {"amount": "999999999999999.99"}}
    assert ok(api.post("expenses/expenses", {"expense": expense}))["expense"]["amount"] == {
        "amount": "999999999999999.99",
        "code": "USD",
    }
    assert api.get("invoices/invoices", {"include[]": "lines"}).status_code == 200
    assert sb.internal_errors == []


def test_sdk_create_with_a_huge_line_is_refused_and_listing_keeps_working(
    freshbooks_client: Any, freshbooks_sandbox: Sandbox
) -> None:
    from freshbooks_sdk.errors import InvalidRequestError

    fb = freshbooks_client
    customer = fb.clients.create(email="ada@example.com")
    huge = "99999999999999999999"
    sent = len(freshbooks_sandbox.request_log)
    # The SDK applies FreshBooks' own limit (errno 1018: 15 digits before the point, 10 after)
    # before sending; the sandbox's 422 for raw bodies is covered below.
    with pytest.raises(InvalidRequestError) as caught:
        fb.invoices.create(
            customer_id=customer.id,
            currency_code="USD",
            lines=[{"name": "x", "qty": huge, "unit_cost": huge}],
        )
    assert caught.value.field == "lines.0.qty"
    assert len(freshbooks_sandbox.request_log) == sent
    assert list(fb.invoices.list()) == []
    # (the plugin's freshbooks_sandbox fixture also fails the test on any internal error)
    assert freshbooks_sandbox.internal_errors == []


@pytest.mark.parametrize(
    ("suffix", "body", "field"),
    [
        ("users/clients", b'{"client": {"fname": "\\ud800"}}', "fname"),
        ("users/clients", b'{"client": {"email": "a@b.c", "note": "x\\udfffy"}}', "note"),
        ("users/clients", b'{"client": {"email": "a@b.c", "currency_code": "\\ud800"}}', None),
        ("invoices/invoices", None, "name"),
        ("expenses/expenses", None, "vendor"),
    ],
)
def test_lone_surrogates_are_refused_before_anything_is_stored(
    api: Api, sb: Sandbox, suffix: str, body: bytes | None, field: str | None
) -> None:
    if suffix == "invoices/invoices":
        customer = api.client()["id"]
        body = (
            f'{{"invoice": {{"customerid": {customer}, "create_date": "2024-03-01", '
            f'"lines": [{{"name": "\\ud83d", "unit_cost": {{"amount": "1"}}}}]}}}}'
        ).encode()
    elif suffix == "expenses/expenses":
        body = json.dumps({"expense": {**_valid_expense(sb, api), "vendor": "\ud800"}}).encode()
    assert body is not None
    count = api.get(suffix).json()["response"]["result"]["total"]
    r = api.raw("POST", suffix, body, headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    error = errors(r)[0]
    assert error["errno"] == 1004
    if field is not None:
        assert error["field"] == field and "surrogate" in error["message"]
    r.content.decode("utf-8")  # the error body itself is valid UTF-8
    listing = api.get(suffix)
    assert listing.status_code == 200, listing.text
    assert listing.json()["response"]["result"]["total"] == count
    assert sb.internal_errors == []


def test_lone_surrogates_in_updates_and_helpers(api: Api, sb: Sandbox) -> None:
    client = api.client(fname="Ada")
    r = api.raw(
        "PUT",
        f"users/clients/{client['id']}",
        b'{"client": {"fname": "\\ud800"}}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 400 and errors(r)[0]["field"] == "fname"
    assert ok(api.get(f"users/clients/{client['id']}"))["client"]["fname"] == "Ada"
    with pytest.raises(AccountingError) as caught:
        sb.create(api.account_id, "clients", {"fname": "\udc00"})
    assert caught.value.status == 400
    assert api.get("users/clients").status_code == 200
    search = sb.handle(  # httpx cannot even send this query: straight to the app
        "GET",
        f"/accounting/account/{api.account_id}/users/clients",
        [("search[userid]", "\ud800")],
        api.headers(),
        b"",
    )
    assert search.status == 400 and search.json()["response"]["errors"][0]["value"] == "\\ud800"
    assert sb.internal_errors == []


def test_a_record_is_stored_only_once_it_renders(
    api: Api, sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from freshbooks_sdk.sandbox.resources.clients import ClientResource
    from freshbooks_sdk.sandbox.resources.invoices import InvoiceResource

    customer = api.client(fname="Ada")

    def broken_presentation(*args: object) -> None:
        raise RuntimeError("cannot render")

    monkeypatch.setattr(InvoiceResource, "_presentation", broken_presentation)
    created = api.post("invoices/invoices", _invoice_body(customer["id"], _line()))
    assert created.status_code == 500  # a sandbox bug, but nothing half-stored ...
    listing = api.get("invoices/invoices", {"include[]": "presentation"})
    assert listing.status_code == 200 and listing.json()["response"]["result"]["total"] == 0

    original = ClientResource.render

    def render(self: ClientResource, ctx: Any, rec: Any, includes: frozenset[str]) -> Any:
        if rec.fields.get("note") == "unrenderable":
            raise RuntimeError("cannot render")
        return original(self, ctx, rec, includes)

    monkeypatch.setattr(ClientResource, "render", render)
    path = f"users/clients/{customer['id']}"
    assert api.put(path, {"client": {"note": "unrenderable"}}).status_code == 500
    assert ok(api.get(path))["client"] == customer  # ... and no update half-applied
    assert api.get("users/clients").status_code == 200
    assert len(sb.internal_errors) == 2  # the two writes only, never a later read


def test_wire_formatting_never_fails_on_finite_decimals() -> None:
    from decimal import Decimal

    from freshbooks_sdk.sandbox.wire import dumps, fmt_decimal, fmt_money_amount, quantize_cents

    huge = Decimal("1e40")
    assert quantize_cents(huge) == huge
    assert fmt_decimal(Decimal("1E+308")) == "1" + "0" * 308
    assert fmt_money_amount(huge) == "1" + "0" * 40 + ".00"
    assert json.loads(dumps({"amount": huge, "text": "a\ud800b"})) == {
        "amount": "1" + "0" * 40,
        "text": "a\ud800b",
    }


# ---- every missing required field in one 422 -----------------------------------------------


@pytest.mark.parametrize("fmt", ["classic", "rpc"])
@pytest.mark.parametrize(
    ("suffix", "single", "fields"),
    [
        ("invoices/invoices", "invoice", ["customerid", "create_date"]),
        ("expenses/expenses", "expense", ["categoryid", "amount", "date", "staffid"]),
    ],
)
def test_an_empty_body_reports_every_missing_required_field(
    fmt: str, suffix: str, single: str, fields: list[str]
) -> None:
    sb = make_sandbox(error_format=fmt)
    api = Api(sb)
    r = api.post(suffix, {single: {}})
    assert r.status_code == 422
    if fmt == "classic":
        assert errors(r) == [
            {
                "errno": 1001,
                "field": f,
                "message": f"{f} is required.",
                "object": single,
                "value": "",
            }
            for f in fields
        ]
    else:
        body = r.json()
        assert body["code"] == 3
        assert [(d["reason"], d["metadata"]["field"]) for d in body["details"]] == [
            ("1001", f) for f in fields
        ]
    partial = api.post(suffix, {single: {fields[0]: 1}})
    assert partial.status_code == 422
    if fmt == "classic":
        assert [e["field"] for e in errors(partial)] == fields[1:]
