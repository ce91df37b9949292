"""OAuth (authorize, code exchange, refresh rotation, revoke) and ``users/me``."""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from freshbooks_sdk.sandbox import INTEGRATION_SCOPES, FakeClock, Sandbox
from test_sandbox_support import BASE, make_sandbox


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2024, 3, 15, 14, 0, tzinfo=timezone.utc))


@pytest.fixture
def sb(clock: FakeClock) -> Sandbox:
    return make_sandbox(clock=clock)


@pytest.fixture
def http(sb: Sandbox) -> httpx.Client:
    return httpx.Client(transport=sb.transport(), base_url=BASE)


def authorize(http: httpx.Client, sb: Sandbox, **params: str) -> httpx.Response:
    query = {
        "client_id": sb.client_id,
        "response_type": "code",
        "redirect_uri": sb.redirect_uris[0],
        **params,
    }
    return http.get("/oauth/authorize", params=query)


def get_code(http: httpx.Client, sb: Sandbox, **params: str) -> str:
    r = authorize(http, sb, **params)
    assert r.status_code == 302, r.text
    return parse_qs(urlsplit(r.headers["location"]).query)["code"][0]


def exchange(http: httpx.Client, sb: Sandbox, code: str, *, form: bool = False) -> httpx.Response:
    body = {
        "grant_type": "authorization_code",
        "client_id": sb.client_id,
        "client_secret": sb.client_secret,
        "redirect_uri": sb.redirect_uris[0],
        "code": code,
    }
    return (
        http.post("/auth/oauth/token", data=body)
        if form
        else http.post("/auth/oauth/token", json=body)
    )


def refresh(http: httpx.Client, sb: Sandbox, token: str) -> httpx.Response:
    return http.post(
        "/auth/oauth/token",
        json={
            "grant_type": "refresh_token",
            "client_id": sb.client_id,
            "client_secret": sb.client_secret,
            "refresh_token": token,
        },
    )


def me(http: httpx.Client, token: str) -> httpx.Response:
    return http.get("/auth/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})


def test_authorize_redirects_with_code_and_state(http: httpx.Client, sb: Sandbox) -> None:
    r = authorize(http, sb, state="xyz 1", scope="user:profile:read user:clients:read")
    assert r.status_code == 302
    location = urlsplit(r.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == sb.redirect_uris[0]
    params = parse_qs(location.query)
    assert params["state"] == ["xyz 1"] and len(params["code"][0]) >= 20
    # trailing slash form from the docs works too
    assert http.get("/oauth/authorize/", params=dict(r.request.url.params)).status_code == 302


def test_authorize_errors(http: httpx.Client, sb: Sandbox) -> None:
    r = authorize(http, sb, client_id="nope")
    assert r.status_code == 401 and r.json()["error"] == "invalid_client"
    r = authorize(http, sb, redirect_uri="https://evil.example/cb")
    assert r.status_code == 400 and r.json()["error"] == "invalid_redirect_uri"
    r = authorize(http, sb, scope="user:everything:write", state="s")
    assert r.status_code == 302
    params = parse_qs(urlsplit(r.headers["location"]).query)
    assert params["error"] == ["invalid_scope"] and params["state"] == ["s"]
    r = authorize(http, sb, response_type="token")
    assert parse_qs(urlsplit(r.headers["location"]).query)["error"] == ["unsupported_response_type"]


@pytest.mark.parametrize("form", [False, True], ids=["json", "form"])
def test_code_exchange_and_token_shape(
    http: httpx.Client, sb: Sandbox, clock: FakeClock, form: bool
) -> None:
    code = get_code(http, sb, scope="user:profile:read user:invoices:read")
    r = exchange(http, sb, code, form=form)
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == [
        "access_token",
        "refresh_token",
        "token_type",
        "expires_in",
        "scope",
        "created_at",
        "id_token",
    ]
    assert body["token_type"] == "Bearer" and body["expires_in"] == 43200
    assert body["scope"] == "user:profile:read user:invoices:read"
    assert body["created_at"] == int(clock.now().timestamp())
    assert r.headers["cache-control"] == "no-store"
    assert me(http, body["access_token"]).status_code == 200


def test_multipart_and_basic_auth_token_requests(http: httpx.Client, sb: Sandbox) -> None:
    code = get_code(http, sb)
    r = http.post(
        "/auth/oauth/token",
        files={
            "grant_type": (None, "authorization_code"),
            "client_id": (None, sb.client_id),
            "client_secret": (None, sb.client_secret),
            "redirect_uri": (None, sb.redirect_uris[0]),
            "code": (None, code),
        },
    )
    assert r.status_code == 200, r.text
    basic = base64.b64encode(f"{sb.client_id}:{sb.client_secret}".encode()).decode()
    r2 = http.post(
        "/auth/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": r.json()["refresh_token"]},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert r2.status_code == 200, r2.text
    # omitted scope = every scope the app is registered for
    assert set(INTEGRATION_SCOPES) <= set(r.json()["scope"].split())


def test_code_is_single_use_and_replay_revokes(http: httpx.Client, sb: Sandbox) -> None:
    code = get_code(http, sb)
    first = exchange(http, sb, code)
    assert first.status_code == 200
    again = exchange(http, sb, code)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert set(again.json()) == {"error", "error_description"}
    # RFC 6749 4.1.2: the replay revokes what the code issued
    assert me(http, first.json()["access_token"]).status_code == 401


def test_code_expires_after_five_minutes(http: httpx.Client, sb: Sandbox, clock: FakeClock) -> None:
    code = get_code(http, sb)
    clock.advance(4 * 60 + 59)
    assert exchange(http, sb, code).status_code == 200
    code = get_code(http, sb)
    clock.advance(5 * 60)
    assert exchange(http, sb, code).json()["error"] == "invalid_grant"


def test_code_exchange_checks_redirect_uri_and_client(http: httpx.Client, sb: Sandbox) -> None:
    code = get_code(http, sb)
    bad_redirect = http.post(
        "/auth/oauth/token",
        json={
            "grant_type": "authorization_code",
            "client_id": sb.client_id,
            "client_secret": sb.client_secret,
            "redirect_uri": sb.redirect_uris[1],
            "code": code,
        },
    )
    assert bad_redirect.status_code == 400 and bad_redirect.json()["error"] == "invalid_grant"
    bad_secret = http.post(
        "/auth/oauth/token",
        json={
            "grant_type": "authorization_code",
            "client_id": sb.client_id,
            "client_secret": "wrong",
            "code": code,
            "redirect_uri": sb.redirect_uris[0],
        },
    )
    assert bad_secret.status_code == 401 and bad_secret.json()["error"] == "invalid_client"


def test_token_endpoint_request_errors(http: httpx.Client, sb: Sandbox) -> None:
    r = http.post("/auth/oauth/token", json={"client_id": sb.client_id})
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    r = http.post(
        "/auth/oauth/token",
        json={"grant_type": "password", "client_id": sb.client_id, "client_secret": "x"},
    )
    assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"
    r = http.post(
        "/auth/oauth/token", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    assert http.get("/auth/oauth/token").status_code == 405


def test_refresh_rotates_and_old_refresh_token_dies(http: httpx.Client, sb: Sandbox) -> None:
    tokens = exchange(http, sb, get_code(http, sb)).json()
    rotated = refresh(http, sb, tokens["refresh_token"])
    assert rotated.status_code == 200, rotated.text
    new = rotated.json()
    assert new["refresh_token"] != tokens["refresh_token"]
    assert new["access_token"] != tokens["access_token"]
    assert new["scope"] == tokens["scope"]
    reused = refresh(http, sb, tokens["refresh_token"])
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    assert me(http, new["access_token"]).status_code == 200
    assert refresh(http, sb, new["refresh_token"]).status_code == 200


def test_revoke_kills_access_and_refresh_token(http: httpx.Client, sb: Sandbox) -> None:
    tokens = sb.issue_tokens()
    body = {"client_id": sb.client_id, "client_secret": sb.client_secret}
    r = http.post("/auth/oauth/revoke", json={**body, "token": tokens["access_token"]})
    assert r.status_code == 200 and r.json() == {}
    gone = me(http, tokens["access_token"])
    assert gone.status_code == 401
    assert gone.json() == {
        "error": "invalid_token",
        "error_description": "The access token was revoked",
        "state": "unauthorized",
    }
    assert refresh(http, sb, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    # unknown tokens are fine (RFC 7009); a wrong client is not
    assert http.post("/auth/oauth/revoke", json={**body, "token": "nope"}).status_code == 200
    wrong = http.post(
        "/auth/oauth/revoke", json={"client_id": "x", "client_secret": "y", "token": "t"}
    )
    assert wrong.status_code == 401


def test_access_token_expires_by_the_injected_clock(
    http: httpx.Client, sb: Sandbox, clock: FakeClock
) -> None:
    token = sb.issue_token(expires_in=60)
    assert me(http, token).status_code == 200
    clock.advance(60)
    r = me(http, token)
    assert r.status_code == 401 and r.json()["error_description"] == "The access token expired"
    acct = http.get(
        f"/accounting/account/{sb.account_ids[0]}/users/clients",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert acct.status_code == 401 and acct.json()["response"]["errors"][0]["errno"] == 1003


def test_users_me_two_businesses_and_own_staff_ids(http: httpx.Client, sb: Sandbox) -> None:
    r = me(http, sb.issue_token())
    assert r.status_code == 200
    body = r.json()["response"]
    assert "result" not in body
    assert body["id"] == body["identity_id"] == sb.identity_id
    memberships = body["business_memberships"]
    assert [m["business"]["account_id"] for m in memberships] == sb.account_ids
    assert len({m["business"]["id"] for m in memberships}) == 2
    assert len({m["business"]["business_uuid"] for m in memberships}) == 2
    assert len({m["business"]["name"] for m in memberships}) == 2
    assert {m["role"] for m in memberships} == {"owner", "business_employee"}
    # "the connection user's own staff id for this account_id"
    staff_ids = {role["accountid"]: role["userid"] for role in body["roles"]}
    assert staff_ids == {a: sb.staff_id(a) for a in sb.account_ids} == {"ACM123": 1, "BAY456": 2}
    assert set(body["permissions"]) == set(sb.account_ids)
    assert body["created_at"].endswith("Z")


def test_users_me_auth_errors(http: httpx.Client, sb: Sandbox) -> None:
    r = http.get("/auth/api/v1/users/me")
    assert r.status_code == 401
    assert r.json() == {
        "error": "unauthenticated",
        "error_description": "This action requires authentication to continue.",
    }
    r = me(http, "not-a-token")
    assert r.status_code == 401 and r.json()["error_description"] == "The access token is invalid"
    r = me(http, sb.issue_token(scopes=["user:clients:read"]))
    assert r.status_code == 403
    description = r.json()["error_description"]
    assert "Provided scopes: user:clients:read" in description
    assert "Required scopes: user:profile:read" in description
