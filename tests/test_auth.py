"""OAuth2: authorization URL, exchange/refresh/revoke, Token, token sources, secrets in logs.

Everything runs against ``httpx.MockTransport`` (a small fake of FreshBooks' token endpoint with
rotating, single-use refresh tokens); clocks are injected, nothing sleeps.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from freshbooks_sdk._core import oauth as core
from freshbooks_sdk.auth import (
    DEFAULT_SCOPES,
    AsyncOAuthClient,
    AsyncStaticToken,
    AsyncTokenProvider,
    AsyncTokenSource,
    OAuthClient,
    StaticToken,
    Token,
    TokenProvider,
    TokenSource,
    fingerprint,
    generate_state,
)
from freshbooks_sdk.errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    InternalServerError,
    InvalidRequestError,
    RateLimitError,
    ReauthorizationRequiredError,
    ResponseValidationError,
)

UTC = timezone.utc
NOW = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)
CLIENT_ID = "cid-123"
CLIENT_SECRET = "client-secret-shh-0001"
REDIRECT_URI = "https://example.com/freshbooks/callback"
CODE = "auth-code-secret-7777"
API = "https://api.freshbooks.com"


class Clock:
    """A settable clock; counts its readings."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now
        self.calls = 0

    def __call__(self) -> datetime:
        self.calls += 1
        return self.now


class FakeFreshBooks:
    """The token and revoke endpoints, with rotating single-use refresh tokens.

    Tokens are ``access-token-N-secret`` / ``refresh-token-N-secret``; ``created_at`` is the
    fake's clock, ``expires_in`` 12 hours. ``override`` answers the next requests instead.
    """

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self.requests: list[httpx.Request] = []
        self.bodies: list[dict[str, Any]] = []
        self.issued = 0
        self.live_refresh: set[str] = set()
        self.revoked: list[str] = []
        self.override: list[Callable[[httpx.Request], httpx.Response]] = []

    def seed(self) -> Token:
        """A token the fake knows (as if exchanged earlier), already expired at the clock."""
        self.issued += 1
        n = self.issued
        self.live_refresh.add(f"refresh-token-{n}-secret")
        return Token(
            f"access-token-{n}-secret",
            f"refresh-token-{n}-secret",
            self.clock.now - timedelta(seconds=1),
            scopes=DEFAULT_SCOPES,
        )

    def token_requests(self) -> list[dict[str, Any]]:
        return [
            b
            for r, b in zip(self.requests, self.bodies, strict=True)
            if r.url.path == "/auth/oauth/token" and b.get("grant_type") == "refresh_token"
        ]

    def _issue(self) -> httpx.Response:
        self.issued += 1
        n = self.issued
        refresh = f"refresh-token-{n}-secret"
        self.live_refresh.add(refresh)
        return httpx.Response(
            200,
            json={
                "access_token": f"access-token-{n}-secret",
                "refresh_token": refresh,
                "token_type": "Bearer",
                "expires_in": 43200,
                "scope": " ".join(DEFAULT_SCOPES),
                "created_at": int(self.clock.now.timestamp()),
            },
        )

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = json.loads(request.content) if request.content else {}
        self.bodies.append(body)
        if self.override:
            return self.override.pop(0)(request)
        if request.method != "POST":
            return httpx.Response(405)
        if (body.get("client_id"), body.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return httpx.Response(
                401, json={"error": "invalid_client", "error_description": "Client unknown."}
            )
        if request.url.path == "/auth/oauth/revoke":
            self.revoked.append(body["token"])
            self.live_refresh.discard(body["token"])
            return httpx.Response(200, json={})
        if request.url.path != "/auth/oauth/token":
            return httpx.Response(404, json={"error": "not_found"})
        grant = body.get("grant_type")
        if grant == "authorization_code" and body.get("code") == CODE:
            if body.get("redirect_uri") != REDIRECT_URI:
                return invalid_grant("The redirect URI does not match.")
            return self._issue()
        if grant == "refresh_token" and body.get("refresh_token") in self.live_refresh:
            self.live_refresh.discard(body["refresh_token"])  # single use
            return self._issue()
        return invalid_grant(
            "The provided authorization grant is invalid, expired, revoked, does not match the "
            "redirection URI used in the authorization request, or was issued to another client."
        )

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)


def invalid_grant(description: str) -> httpx.Response:
    return httpx.Response(400, json={"error": "invalid_grant", "error_description": description})


def make_oauth(fake: FakeFreshBooks, transport: Any = None, **kwargs: Any) -> OAuthClient:
    http = httpx.Client(transport=transport or fake.transport())
    return OAuthClient(
        CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, http_client=http, clock=fake.clock, **kwargs
    )


def make_async_oauth(fake: FakeFreshBooks, transport: Any = None) -> AsyncOAuthClient:
    http = httpx.AsyncClient(transport=transport or fake.transport())
    return AsyncOAuthClient(
        CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, http_client=http, clock=fake.clock
    )


# --- authorization URL ------------------------------------------------------------------------


def test_authorization_url_encodes_scopes_state_and_redirect_uri() -> None:
    oauth = OAuthClient(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI)
    url = oauth.authorization_url("st/ate+=&x")
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "auth.freshbooks.com",
        "/oauth/authorize",
    )
    query = parse_qs(parts.query, strict_parsing=True)
    assert query == {
        "client_id": [CLIENT_ID],
        "response_type": ["code"],
        "redirect_uri": [REDIRECT_URI],
        "scope": [" ".join(DEFAULT_SCOPES)],
        "state": ["st/ate+=&x"],
    }
    # Space-separated scopes as %20 (unambiguous), everything reserved percent-encoded.
    assert "scope=user%3Aprofile%3Aread%20user%3Aclients%3Aread%20" in parts.query
    assert "redirect_uri=https%3A%2F%2Fexample.com%2Ffreshbooks%2Fcallback" in parts.query
    assert "state=st%2Fate%2B%3D%26x" in parts.query
    assert "+" not in parts.query


def test_default_scopes_are_the_integrations() -> None:
    assert " ".join(DEFAULT_SCOPES) == (
        "user:profile:read user:clients:read user:clients:write user:invoices:read "
        "user:invoices:write user:expenses:read user:expenses:write user:time_entries:read "
        "user:projects:read"
    )


def test_authorization_url_scopes_override_and_empty_scopes() -> None:
    oauth = OAuthClient(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, scopes=["user:profile:read"])
    assert parse_qs(urlsplit(oauth.authorization_url("s")).query)["scope"] == ["user:profile:read"]
    custom = oauth.authorization_url("s", scopes=("user:clients:read", "user:invoices:read"))
    assert parse_qs(urlsplit(custom).query)["scope"] == ["user:clients:read user:invoices:read"]
    # No scopes: the parameter is left out (FreshBooks then grants the app's registered set).
    assert "scope" not in parse_qs(urlsplit(oauth.authorization_url("s", scopes=())).query)


def test_authorization_url_refuses_bad_input() -> None:
    oauth = OAuthClient(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI)
    with pytest.raises(InvalidRequestError) as exc:
        oauth.authorization_url("")
    assert exc.value.field == "state"
    with pytest.raises(InvalidRequestError) as exc:
        oauth.authorization_url("s", scopes=["user:profile:read", "two words"])
    assert exc.value.field == "scopes"
    with pytest.raises(InvalidRequestError) as exc:
        OAuthClient(CLIENT_ID, "", REDIRECT_URI)
    assert exc.value.field == "client_secret"
    with pytest.raises(InvalidRequestError) as exc:
        OAuthClient(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, api_base_url="ftp://x")
    assert exc.value.field == "api_base_url"


def test_generate_state_is_random_and_url_safe() -> None:
    states = {generate_state() for _ in range(50)}
    assert len(states) == 50
    assert all(len(s) >= 32 and s.replace("-", "").replace("_", "").isalnum() for s in states)


def test_one_base_url_for_the_sandbox() -> None:
    """The sandbox serves /oauth/authorize and /auth/oauth/token on one base URL."""
    fake = FakeFreshBooks()
    base = "http://127.0.0.1:8765/"
    http = httpx.Client(transport=fake.transport())
    oauth = OAuthClient(
        CLIENT_ID,
        CLIENT_SECRET,
        REDIRECT_URI,
        api_base_url=base,
        auth_base_url=base,
        http_client=http,
    )
    assert oauth.authorization_url("s").startswith("http://127.0.0.1:8765/oauth/authorize?")
    oauth.exchange_code(CODE)
    assert str(fake.requests[0].url) == "http://127.0.0.1:8765/auth/oauth/token"


# --- exchange, refresh, revoke -------------------------------------------------------------------


def assert_json_post(request: httpx.Request, path: str) -> dict[str, Any]:
    assert request.method == "POST"
    assert str(request.url) == API + path
    assert request.headers.get_list("Content-Type") == ["application/json"]
    assert request.headers["Accept"] == "application/json"
    assert "Authorization" not in request.headers
    body: dict[str, Any] = json.loads(request.content)
    return body


def test_exchange_code_request_and_token() -> None:
    fake = FakeFreshBooks()
    token = make_oauth(fake).exchange_code(CODE)
    body = assert_json_post(fake.requests[0], "/auth/oauth/token")
    assert body == {
        "grant_type": "authorization_code",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": REDIRECT_URI,
        "code": CODE,
    }
    assert token.access_token == "access-token-1-secret"
    assert token.refresh_token == "refresh-token-1-secret"
    assert token.expires_at == NOW + timedelta(hours=12)
    assert token.expires_at.tzinfo is UTC
    assert token.scopes == DEFAULT_SCOPES
    assert token.token_type == "Bearer"


def test_refresh_rotates_and_accepts_token_or_string() -> None:
    fake = FakeFreshBooks()
    oauth = make_oauth(fake)
    first = oauth.exchange_code(CODE)
    second = oauth.refresh(first)
    body = assert_json_post(fake.requests[1], "/auth/oauth/token")
    assert body == {
        "grant_type": "refresh_token",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": REDIRECT_URI,
        "refresh_token": first.refresh_token,
    }
    assert second.refresh_token != first.refresh_token
    third = oauth.refresh(second.refresh_token)
    assert third.access_token == "access-token-3-secret"
    # The first refresh token is spent: FreshBooks says invalid_grant.
    with pytest.raises(ReauthorizationRequiredError):
        oauth.refresh(first)


def test_refresh_keeps_scopes_when_the_answer_has_none() -> None:
    fake = FakeFreshBooks()
    fake.override.append(
        lambda r: httpx.Response(
            200,
            json={"access_token": "a2", "refresh_token": "r2", "expires_in": 10, "created_at": 5},
        )
    )
    old = Token("a1", "r1", NOW, scopes=("user:profile:read",))
    new = make_oauth(fake).refresh(old)
    assert new.scopes == ("user:profile:read",)
    assert new.token_type == "Bearer"
    assert new.expires_at == datetime(1970, 1, 1, 0, 0, 15, tzinfo=UTC)


def test_revoke_sends_client_credentials_and_the_refresh_token() -> None:
    fake = FakeFreshBooks()
    oauth = make_oauth(fake)
    token = oauth.exchange_code(CODE)
    oauth.revoke(token)
    body = assert_json_post(fake.requests[1], "/auth/oauth/revoke")
    assert body == {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "token": token.refresh_token,
    }
    oauth.revoke("some-access-token")
    assert fake.bodies[2]["token"] == "some-access-token"
    fake.override.append(
        lambda r: httpx.Response(401, json={"error": "invalid_client", "error_description": "No."})
    )
    with pytest.raises(AuthenticationError) as exc:
        oauth.revoke(token)
    assert exc.value.status_code == 401
    assert "invalid_client: No." in str(exc.value)


def test_client_default_content_type_does_not_leak_into_token_requests() -> None:
    fake = FakeFreshBooks()
    http = httpx.Client(
        transport=fake.transport(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    OAuthClient(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, http_client=http).exchange_code(CODE)
    assert fake.requests[0].headers.get_list("Content-Type") == ["application/json"]


def test_owned_http_client_is_closed_and_a_given_one_is_not() -> None:
    fake = FakeFreshBooks()
    given = httpx.Client(transport=fake.transport())
    with OAuthClient(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, http_client=given) as oauth:
        oauth.exchange_code(CODE)
    assert not given.is_closed
    owned = OAuthClient(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI)
    owned.close()
    assert owned._http.is_closed


async def test_async_exchange_refresh_revoke() -> None:
    fake = FakeFreshBooks()
    async with make_async_oauth(fake) as oauth:
        token = await oauth.exchange_code(CODE)
        new = await oauth.refresh(token)
        await oauth.revoke(new)
    assert [b.get("grant_type") for b in fake.bodies] == [
        "authorization_code",
        "refresh_token",
        None,
    ]
    assert fake.bodies[1]["refresh_token"] == token.refresh_token
    assert fake.revoked == [new.refresh_token]
    for request in fake.requests:
        assert request.headers.get_list("Content-Type") == ["application/json"]
    assert new.expires_at == NOW + timedelta(hours=12)


# --- token endpoint errors -----------------------------------------------------------------------


def test_invalid_grant_on_refresh_needs_reauthorization() -> None:
    fake = FakeFreshBooks()
    with pytest.raises(ReauthorizationRequiredError) as exc:
        make_oauth(fake).refresh("refresh-token-never-issued")
    message = str(exc.value)
    assert "re-authorization is needed" in message.lower()
    assert "invalid_grant" in message
    assert "The provided authorization grant is invalid" in message  # error_description
    assert "refresh-token-never-issued" not in message
    assert exc.value.errors[0].message.startswith("invalid_grant: The provided authorization")


def test_refused_code_needs_reauthorization() -> None:
    fake = FakeFreshBooks()
    with pytest.raises(ReauthorizationRequiredError) as exc:
        make_oauth(fake).exchange_code("expired-code")
    assert "authorization code" in str(exc.value)
    assert "expired-code" not in str(exc.value)


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        (
            httpx.Response(
                401, json={"error": "invalid_client", "error_description": "Bad secret."}
            ),
            AuthenticationError,
        ),
        (
            httpx.Response(502, content=b"<html><body>Bad gateway</body></html>"),
            InternalServerError,
        ),
        (
            httpx.Response(429, json={"error": "rate_limited"}, headers={"Retry-After": "7"}),
            RateLimitError,
        ),
        (httpx.Response(401, json={}), ReauthorizationRequiredError),
        (
            httpx.Response(200, json={"error": "invalid_grant", "error_description": "x"}),
            ReauthorizationRequiredError,
        ),
    ],
)
def test_token_endpoint_error_classes(response: httpx.Response, expected: type[Exception]) -> None:
    fake = FakeFreshBooks()
    fake.override.append(lambda r: response)
    with pytest.raises(expected) as exc:
        make_oauth(fake).refresh("r")
    if isinstance(exc.value, RateLimitError):
        assert exc.value.retry_after == 7.0
    if isinstance(exc.value, AuthenticationError):
        assert "client_id and client_secret" in str(exc.value)
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"refresh_token": "r", "expires_in": 1, "created_at": 1},
        {"access_token": "leaky-access-token", "expires_in": 1, "created_at": 1},
        {"access_token": "leaky-access-token", "refresh_token": "r", "created_at": 1},
        {"access_token": "leaky-access-token", "refresh_token": "r", "expires_in": 1},
        {
            "access_token": "leaky-access-token",
            "refresh_token": "r",
            "expires_in": "soon",
            "created_at": 1,
        },
    ],
)
def test_token_answer_missing_a_field_is_an_error(body: dict[str, Any]) -> None:
    fake = FakeFreshBooks()
    fake.override.append(lambda r: httpx.Response(200, json=body))
    with pytest.raises(ResponseValidationError) as exc:
        make_oauth(fake).exchange_code(CODE)
    missing = {"access_token", "refresh_token", "expires_in", "created_at"} - {
        k for k, v in body.items() if v != "soon"
    }
    for name in missing:
        assert name in str(exc.value)
    assert "leaky-access-token" not in str(exc.value)
    assert "leaky-access-token" not in exc.value.body_excerpt
    assert "leaky-access-token" not in repr(exc.value.errors)


def test_token_answer_that_is_not_json() -> None:
    fake = FakeFreshBooks()
    fake.override.append(lambda r: httpx.Response(200, content=b"<html>oops</html>"))
    with pytest.raises(ResponseValidationError):
        make_oauth(fake).exchange_code(CODE)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (httpx.ConnectError("connection refused"), APIConnectionError),
        (httpx.ReadTimeout("read timed out"), APITimeoutError),
        (httpx.RemoteProtocolError("peer closed connection"), APIConnectionError),
    ],
)
def test_network_failures_are_typed_and_never_retried(
    exc: Exception, expected: type[Exception]
) -> None:
    attempts: list[httpx.Request] = []

    def fail(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        raise exc

    http = httpx.Client(transport=httpx.MockTransport(fail))
    oauth = OAuthClient(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, http_client=http)
    with pytest.raises(expected) as info:
        oauth.refresh("single-use-refresh-token")
    assert len(attempts) == 1  # a refresh token is single-use: never sent twice
    assert "not retried" in str(info.value)
    assert isinstance(info.value, APIConnectionError)
    request = info.value.request
    assert request is not None and request.url.path == "/auth/oauth/token"
    assert request.content == b""  # the secrets stay out of the exception
    assert "single-use-refresh-token" not in str(info.value)


async def test_async_network_failure() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out")

    oauth = make_async_oauth(FakeFreshBooks(), transport=httpx.MockTransport(fail))
    with pytest.raises(APITimeoutError):
        await oauth.exchange_code(CODE)


# --- Token ---------------------------------------------------------------------------------------


def test_token_repr_and_str_hide_secrets() -> None:
    token = Token("my_access_token_ABCD", "my_refresh_token_WXYZ", NOW, scopes=DEFAULT_SCOPES)
    for text in (repr(token), str(token), f"{token}", repr([token]), repr({"t": token})):
        assert "my_access_token" not in text
        assert "my_refresh_token" not in text
        assert fingerprint("my_access_token_ABCD") in text
        assert "2026-01-15T12:00:00Z" in text
    fake = FakeFreshBooks()
    oauth = make_oauth(fake)
    source = TokenSource(oauth, token)
    for text in (repr(source), repr(oauth), repr(StaticToken("my_access_token_ABCD"))):
        assert "my_access_token" not in text
        assert "my_refresh_token" not in text
        assert CLIENT_SECRET not in text


def test_token_expiry_from_the_real_fixture(shared_fixtures: Path) -> None:
    path = shared_fixtures / "freshbooks-python-sdk" / "auth_token_response.json"
    if not path.is_file():
        pytest.skip(f"{path} is not present")
    raw = path.read_bytes()
    token = core.parse_token_response(200, raw, grant_type="authorization_code")
    payload = json.loads(raw)
    expected = datetime.fromtimestamp(payload["created_at"], tz=UTC) + timedelta(
        seconds=payload["expires_in"]
    )
    assert token.expires_at == expected == datetime(2010, 10, 17, 0, 0, tzinfo=UTC)
    assert token.access_token == payload["access_token"]
    assert token.refresh_token == payload["refresh_token"]
    assert token.scopes == tuple(payload["scope"].split())
    assert token.token_type == "Bearer"
    assert not token.expired(expected - timedelta(seconds=1))
    assert token.expired(expected)
    assert token.expired(expected - timedelta(seconds=30), margin=30)
    assert not token.expired(expected - timedelta(seconds=31), margin=timedelta(seconds=30))


def test_token_persistence_round_trip() -> None:
    token = Token("a" * 40, "r" * 40, NOW, scopes=("user:profile:read", "user:clients:read"))
    data = token.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["expires_at"] == "2026-01-15T12:00:00Z"
    assert Token.from_dict(json.loads(json.dumps(data))) == token
    assert Token.from_dict({**data, "expires_at": NOW.timestamp()}) == token
    other_zone = datetime(2026, 1, 15, 7, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert Token("a", "r", other_zone).expires_at == NOW


def test_token_from_dict_and_constructor_refuse_bad_values() -> None:
    good = Token("secret-a", "secret-r", NOW).to_dict()
    for name in ("access_token", "refresh_token", "expires_at"):
        with pytest.raises(InvalidRequestError) as exc:
            Token.from_dict({k: v for k, v in good.items() if k != name})
        assert exc.value.field == name
    with pytest.raises(InvalidRequestError) as exc:
        Token.from_dict({**good, "expires_at": "tomorrow"})
    assert exc.value.field == "expires_at"
    with pytest.raises(InvalidRequestError) as exc:
        Token.from_dict({**good, "access_token": ""})
    assert "secret" not in str(exc.value)
    with pytest.raises(ValueError, match="timezone-aware"):
        Token("a", "r", datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        Token("a", "r", NOW).expired(datetime(2026, 1, 1))


# --- token source: refresh ahead of expiry, persistence first ------------------------------------


def test_token_source_uses_a_valid_token_without_refreshing() -> None:
    fake = FakeFreshBooks()
    token = Token("current-access", "current-refresh", NOW + timedelta(minutes=6))
    source = TokenSource(make_oauth(fake), token)
    assert source.get_token() == "current-access"
    assert fake.requests == []


def test_token_source_refreshes_within_the_margin() -> None:
    fake = FakeFreshBooks()
    token = fake.seed()
    token = Token(token.access_token, token.refresh_token, NOW + timedelta(minutes=4))
    saved: list[Token] = []
    source = TokenSource(make_oauth(fake), token, on_refresh=saved.append)
    assert source.get_token() == "access-token-2-secret"
    assert len(fake.token_requests()) == 1
    assert saved == [source.token]
    assert source.get_token() == "access-token-2-secret"  # fresh now: no second refresh
    assert len(fake.requests) == 1


def test_margin_is_configurable_and_the_clock_injected() -> None:
    fake = FakeFreshBooks()
    seeded = fake.seed()
    token = Token(seeded.access_token, seeded.refresh_token, NOW + timedelta(minutes=30))
    clock = Clock()
    source = TokenSource(make_oauth(fake), token, margin=timedelta(minutes=10), clock=clock)
    assert source.get_token() == seeded.access_token
    clock.now = NOW + timedelta(minutes=19)
    assert source.get_token() == seeded.access_token
    clock.now = NOW + timedelta(minutes=20)
    assert source.get_token() == "access-token-2-secret"
    assert clock.calls >= 3
    assert TokenSource(make_oauth(fake), token, margin=0, clock=lambda: NOW)._margin == timedelta(0)
    with pytest.raises(InvalidRequestError):
        TokenSource(make_oauth(fake), token, margin=-1)


def test_on_refresh_runs_before_the_new_token_is_used() -> None:
    fake = FakeFreshBooks()
    old = fake.seed()
    events: list[str] = []
    source: TokenSource

    def save(token: Token) -> None:
        # Called with the new token while the source still hands out the old one.
        assert source.token == old
        events.append(f"saved {token.access_token}")

    source = TokenSource(make_oauth(fake), old, on_refresh=save)
    events.append(f"got {source.get_token()}")
    assert events == ["saved access-token-2-secret", "got access-token-2-secret"]


def test_a_failing_on_refresh_stops_the_new_token() -> None:
    fake = FakeFreshBooks()
    old = fake.seed()

    def save(token: Token) -> None:
        raise OSError("disk full")

    source = TokenSource(make_oauth(fake), old, on_refresh=save)
    with pytest.raises(OSError, match="disk full"):
        source.get_token()
    assert source.token == old  # the new token was not taken into use
    # The old refresh token is spent (single use): the next attempt needs re-authorization.
    with pytest.raises(ReauthorizationRequiredError):
        source.get_token()
    requests_so_far = len(fake.requests)
    with pytest.raises(ReauthorizationRequiredError):
        source.get_token()  # remembered: FreshBooks is not asked again
    assert len(fake.requests) == requests_so_far


def test_sync_source_refuses_an_async_callback() -> None:
    fake = FakeFreshBooks()

    async def save(token: Token) -> None:  # pragma: no cover - never awaited
        return None

    source = TokenSource(make_oauth(fake), fake.seed(), on_refresh=save)
    with pytest.raises(TypeError, match="plain function"):
        source.get_token()  # the coroutine is closed: no "never awaited" warning
    assert source.token.access_token == "access-token-1-secret"


async def test_async_source_awaits_an_async_callback() -> None:
    fake = FakeFreshBooks()
    saved: list[Token] = []

    async def save(token: Token) -> None:
        await asyncio.sleep(0)
        saved.append(token)

    source = AsyncTokenSource(make_async_oauth(fake), fake.seed(), on_refresh=save)
    assert await source.get_token() == "access-token-2-secret"
    assert saved == [source.token]
    plain: list[Token] = []
    source2 = AsyncTokenSource(make_async_oauth(fake), fake.seed(), on_refresh=plain.append)
    assert await source2.get_token() == "access-token-4-secret"
    assert plain == [source2.token]


def test_transient_refresh_failure_is_raised_and_retried_on_the_next_call() -> None:
    fake = FakeFreshBooks()
    old = fake.seed()
    fake.override.append(lambda r: httpx.Response(503, content=b"unavailable"))
    source = TokenSource(make_oauth(fake), old)
    with pytest.raises(InternalServerError):
        source.get_token()
    assert source.get_token() == "access-token-2-secret"  # the refresh token was not spent


def test_refreshed_token_already_due_is_not_refreshed_in_a_loop(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A clock far ahead of FreshBooks' (or a margin above the lifetime) must not cause a refresh
    per request: the new token is used until FreshBooks rejects it."""
    fake = FakeFreshBooks()
    old = fake.seed()
    ahead = Clock(NOW + timedelta(days=2))
    source = TokenSource(make_oauth(fake), old, clock=ahead)
    with caplog.at_level(logging.WARNING, logger="freshbooks_sdk"):
        assert source.get_token() == "access-token-2-secret"
    assert "check the clock" in caplog.text
    assert source.get_token() == "access-token-2-secret"
    assert len(fake.token_requests()) == 1
    assert source.handle_rejected("access-token-2-secret") is True
    assert source.get_token() == "access-token-3-secret"


# --- handle_rejected -----------------------------------------------------------------------------


def test_handle_rejected_refreshes_once_per_token() -> None:
    fake = FakeFreshBooks()
    seeded = fake.seed()
    token = Token(seeded.access_token, seeded.refresh_token, NOW + timedelta(hours=1))
    source = TokenSource(make_oauth(fake), token)
    assert source.get_token() == seeded.access_token
    assert source.handle_rejected(seeded.access_token) is True
    assert source.get_token() == "access-token-2-secret"
    # A request sent with the old token that comes back 401 later: already replaced.
    assert source.handle_rejected(seeded.access_token) is True
    assert len(fake.token_requests()) == 1


def test_handle_rejected_when_the_grant_is_dead() -> None:
    fake = FakeFreshBooks()
    token = Token("revoked-access", "revoked-refresh", NOW + timedelta(hours=1))
    source = TokenSource(make_oauth(fake), token)
    with pytest.raises(ReauthorizationRequiredError):
        source.handle_rejected("revoked-access")


async def test_static_tokens_never_refresh() -> None:
    static = StaticToken("fixed")
    assert static.get_token() == "fixed"
    assert static.handle_rejected("fixed") is False
    astatic = AsyncStaticToken("fixed")
    assert await astatic.get_token() == "fixed"
    assert await astatic.handle_rejected("fixed") is False
    assert isinstance(static, TokenProvider)
    assert isinstance(astatic, AsyncTokenProvider)
    assert isinstance(
        AsyncTokenSource(make_async_oauth(FakeFreshBooks()), FakeFreshBooks().seed()),
        AsyncTokenProvider,
    )
    with pytest.raises(InvalidRequestError):
        StaticToken("")


def test_the_client_contract_retry_once_on_401() -> None:
    """How the HTTP client uses a provider: token, 401 -> handle_rejected -> one retry."""
    fake = FakeFreshBooks()
    seeded = fake.seed()
    token = Token(seeded.access_token, seeded.refresh_token, NOW + timedelta(hours=1))
    source = TokenSource(make_oauth(fake), token)
    seen: list[str] = []

    def api(request: httpx.Request) -> httpx.Response:
        bearer = request.headers["Authorization"].removeprefix("Bearer ")
        seen.append(bearer)
        if bearer == seeded.access_token:  # revoked server-side before its expiry
            return httpx.Response(
                401,
                json={"error": "invalid_token", "error_description": "The access token is invalid"},
            )
        return httpx.Response(200, json={"response": {"id": 1}})

    api_client = httpx.Client(transport=httpx.MockTransport(api))

    def call(provider: TokenProvider) -> httpx.Response:
        bearer = provider.get_token()
        response = api_client.get(
            API + "/auth/api/v1/users/me", headers={"Authorization": f"Bearer {bearer}"}
        )
        if response.status_code == 401 and provider.handle_rejected(bearer):
            bearer = provider.get_token()
            response = api_client.get(
                API + "/auth/api/v1/users/me", headers={"Authorization": f"Bearer {bearer}"}
            )
        return response

    assert call(source).status_code == 200
    assert seen == [seeded.access_token, "access-token-2-secret"]
    assert call(StaticToken(seeded.access_token)).status_code == 401


# --- concurrency: exactly one refresh ------------------------------------------------------------


class BarrierClock:
    """Each thread's first reading waits until all threads have read the (expired) token."""

    def __init__(self, parties: int) -> None:
        self.barrier = threading.Barrier(parties)
        self.first_seen: set[int] = set()
        self.lock = threading.Lock()

    def __call__(self) -> datetime:
        ident = threading.get_ident()
        with self.lock:
            first = ident not in self.first_seen
            self.first_seen.add(ident)
        if first:
            self.barrier.wait(timeout=10)
        return NOW


def run_threads(n: int, target: Callable[[], Any]) -> list[Any]:
    results: list[Any] = [None] * n

    def worker(i: int) -> None:
        try:
            results[i] = target()
        except Exception as exc:  # collected, asserted by the test
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert not any(t.is_alive() for t in threads)
    return results


def test_twenty_threads_with_an_expired_token_make_one_refresh() -> None:
    fake = FakeFreshBooks()
    saved: list[Token] = []
    source = TokenSource(
        make_oauth(fake), fake.seed(), on_refresh=saved.append, clock=BarrierClock(20)
    )
    results = run_threads(20, source.get_token)
    assert results == ["access-token-2-secret"] * 20
    assert len(fake.token_requests()) == 1
    assert len(saved) == 1


def test_twenty_threads_share_one_failed_refresh() -> None:
    fake = FakeFreshBooks()
    token = Token("dead-access", "dead-refresh", NOW - timedelta(seconds=1))
    source = TokenSource(make_oauth(fake), token, clock=BarrierClock(20))
    results = run_threads(20, source.get_token)
    assert all(isinstance(r, ReauthorizationRequiredError) for r in results)
    assert len(fake.requests) == 1


class CountingLock:
    """Wraps the source's lock: counts callers entering it, so the fake can hold the refresh
    until every thread is contending for the lock (event-driven, no sleeps)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cond = threading.Condition()
        self.entered = 0

    def __enter__(self) -> None:
        with self._cond:
            self.entered += 1
            self._cond.notify_all()
        self._lock.acquire()

    def __exit__(self, *exc: object) -> None:
        self._lock.release()

    def wait_for(self, n: int) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.entered >= n, timeout=10)


def test_twenty_threads_rejecting_one_token_make_one_refresh() -> None:
    fake = FakeFreshBooks()
    seeded = fake.seed()
    token = Token(seeded.access_token, seeded.refresh_token, NOW + timedelta(hours=1))
    lock = CountingLock()
    all_waiting: list[bool] = []

    def hold(request: httpx.Request) -> httpx.Response:
        all_waiting.append(lock.wait_for(20))
        return fake.handle(request)

    oauth = make_oauth(fake, transport=httpx.MockTransport(hold))
    source = TokenSource(oauth, token, clock=lambda: NOW)
    source._lock = lock  # type: ignore[assignment]  # instrumented for the test
    results = run_threads(20, lambda: source.handle_rejected(seeded.access_token))
    assert results == [True] * 20
    assert all_waiting == [True]  # all 20 were contending while the refresh ran
    assert source.get_token() == "access-token-2-secret"
    assert len(fake.token_requests()) == 1


def slow_async_transport(fake: FakeFreshBooks, clock: Clock, parties: int) -> httpx.MockTransport:
    """The refresh answer waits (cooperatively) until every task has read the clock."""

    async def handler(request: httpx.Request) -> httpx.Response:
        for _ in range(10_000):
            if clock.calls >= parties:
                break
            await asyncio.sleep(0)
        return fake.handle(request)

    return httpx.MockTransport(handler)


async def test_twenty_tasks_with_an_expired_token_make_one_refresh() -> None:
    fake = FakeFreshBooks()
    clock = Clock()
    saved: list[Token] = []

    async def save(token: Token) -> None:
        await asyncio.sleep(0)  # other tasks run while the new token is being persisted
        saved.append(token)

    oauth = make_async_oauth(fake, transport=slow_async_transport(fake, clock, 20))
    source = AsyncTokenSource(oauth, fake.seed(), on_refresh=save, clock=clock)
    results = await asyncio.gather(*(source.get_token() for _ in range(20)))
    assert results == ["access-token-2-secret"] * 20
    assert clock.calls >= 20  # every task saw the expired token before the refresh finished
    assert len(fake.token_requests()) == 1
    assert len(saved) == 1


class AsyncCountingLock:
    """The asyncio twin of :class:`CountingLock`."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self.entered = 0

    async def __aenter__(self) -> None:
        self.entered += 1
        await self._lock.acquire()

    async def __aexit__(self, *exc: object) -> None:
        self._lock.release()


async def test_twenty_tasks_rejecting_one_token_make_one_refresh() -> None:
    fake = FakeFreshBooks()
    seeded = fake.seed()
    token = Token(seeded.access_token, seeded.refresh_token, NOW + timedelta(hours=1))
    lock = AsyncCountingLock()

    async def hold(request: httpx.Request) -> httpx.Response:
        for _ in range(10_000):
            if lock.entered >= 20:
                break
            await asyncio.sleep(0)
        return fake.handle(request)

    oauth = make_async_oauth(fake, transport=httpx.MockTransport(hold))
    source = AsyncTokenSource(oauth, token, clock=Clock())
    source._lock = lock  # type: ignore[assignment]  # instrumented for the test
    results = await asyncio.gather(
        *(source.handle_rejected(seeded.access_token) for _ in range(20))
    )
    assert results == [True] * 20
    assert lock.entered == 20  # all contended while the one refresh ran
    assert await source.get_token() == "access-token-2-secret"
    assert len(fake.token_requests()) == 1


async def test_twenty_tasks_share_one_failed_refresh() -> None:
    fake = FakeFreshBooks()
    clock = Clock()
    token = Token("dead-access", "dead-refresh", NOW - timedelta(seconds=1))
    oauth = make_async_oauth(fake, transport=slow_async_transport(fake, clock, 20))
    source = AsyncTokenSource(oauth, token, clock=clock)
    results = await asyncio.gather(*(source.get_token() for _ in range(20)), return_exceptions=True)
    assert all(isinstance(r, ReauthorizationRequiredError) for r in results)
    assert len(fake.requests) == 1


# --- logging -------------------------------------------------------------------------------------


def test_debug_logs_never_show_secrets(caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeFreshBooks()
    oauth = make_oauth(fake)
    caplog.set_level(logging.DEBUG)  # every logger, httpx's included
    token = oauth.exchange_code(CODE)
    expired = Token(token.access_token, token.refresh_token, NOW - timedelta(seconds=1))
    source = TokenSource(oauth, expired, on_refresh=lambda t: None)
    fresh = source.get_token()
    oauth.revoke(source.token)
    with pytest.raises(ReauthorizationRequiredError):
        oauth.refresh(token)  # spent: invalid_grant
    fake.override.append(lambda r: (_ for _ in ()).throw(httpx.ConnectError("refused")))
    with pytest.raises(APIConnectionError):
        oauth.refresh(source.token)

    ours = [r for r in caplog.records if r.name.startswith("freshbooks_sdk")]
    messages = [r.getMessage() for r in ours]
    assert any("POST /auth/oauth/token -> 200" in m for m in messages)
    assert any("POST /auth/oauth/token -> 400" in m for m in messages)
    assert any("POST /auth/oauth/revoke -> 200" in m for m in messages)
    assert any("POST /auth/oauth/token failed: ConnectError" in m for m in messages)
    secrets = {
        CODE,
        CLIENT_SECRET,
        token.access_token,
        token.refresh_token,
        fresh,
        source.token.refresh_token,
    }
    for record in caplog.records:
        text = record.getMessage() + repr(record.__dict__)
        for secret in secrets:
            assert secret not in text, (record.name, record.getMessage())


async def test_async_debug_logs_never_show_secrets(caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeFreshBooks()
    caplog.set_level(logging.DEBUG)
    async with make_async_oauth(fake) as oauth:
        token = await oauth.exchange_code(CODE)
        new = await oauth.refresh(token)
    assert len([r for r in caplog.records if "/auth/oauth/token -> 200" in r.getMessage()]) == 2
    for record in caplog.records:
        text = record.getMessage() + repr(record.__dict__)
        for secret in (
            CODE,
            CLIENT_SECRET,
            token.access_token,
            token.refresh_token,
            new.access_token,
        ):
            assert secret not in text


# --- against the embedded sandbox (one base URL for authorize and token) -------------------------


def test_whole_flow_against_the_sandbox() -> None:
    try:
        from freshbooks_sdk.sandbox import Sandbox
    except ImportError:
        pytest.skip("freshbooks_sdk.sandbox is not available")
    sb = Sandbox()
    base = "http://sandbox.test"
    http = httpx.Client(transport=sb.transport())
    oauth = OAuthClient(
        sb.client_id,
        sb.client_secret,
        sb.redirect_uris[0],
        api_base_url=base,
        auth_base_url=base,
        http_client=http,
    )
    state = generate_state()
    redirect = http.get(oauth.authorization_url(state))
    assert redirect.status_code == 302
    query = parse_qs(urlsplit(redirect.headers["location"]).query)
    assert query["state"] == [state]
    token = oauth.exchange_code(query["code"][0])
    assert token.scopes == DEFAULT_SCOPES
    saved: list[Token] = []
    expired = Token(token.access_token, token.refresh_token, NOW - timedelta(days=400))
    source = TokenSource(oauth, expired, on_refresh=saved.append, clock=lambda: NOW)
    fresh = source.get_token()
    assert fresh != token.access_token and saved == [source.token]
    with pytest.raises(ReauthorizationRequiredError):
        oauth.refresh(token)  # rotated: the first refresh token is spent
    me = http.get(base + "/auth/api/v1/users/me", headers={"Authorization": f"Bearer {fresh}"})
    assert me.status_code == 200
    oauth.revoke(source.token)
    me = http.get(base + "/auth/api/v1/users/me", headers={"Authorization": f"Bearer {fresh}"})
    assert me.status_code == 401
