"""Error bodies in both accounting formats, and garbage input never producing a traceback."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from freshbooks_sdk.sandbox import Sandbox
from test_sandbox_support import Api, errors, make_sandbox

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
