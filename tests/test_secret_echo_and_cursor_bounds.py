"""Secrets a server quotes back never reach an error; host cursors and store versions bounded.

* OAuth token endpoint (sync and async): an error answer that echoes the client secret, the
  refresh token or the authorization code (plain, JSON-escaped, URL-encoded) leaves none of
  them in the error's str/repr/pickle/details/excerpt or its exception chain.
* API client: an error body (or header) that echoes the bearer token keeps none of it.
* ``Cursor.from_json``: a boundary larger than any poller writes is a ``CorruptCursorError``.
* Postgres cursor store: a version at 2**63-1 is refused before the write, as SQLite does.
"""

from __future__ import annotations

import asyncio
import html
import json
import pickle
import traceback
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from freshbooks_sdk import AsyncFreshBooks, FreshBooks
from freshbooks_sdk._core.polling import (
    DEFAULT_BOUNDARY_LIMIT,
    MAX_BOUNDARY_LIMIT,
    MAX_CURSOR_JSON_LEN,
    Cursor,
    check_boundary_limit,
)
from freshbooks_sdk._core.redact import REDACTED, redact_secrets
from freshbooks_sdk.auth import AsyncOAuthClient, OAuthClient
from freshbooks_sdk.cursors import MAX_VERSION
from freshbooks_sdk.errors import (
    APIStatusError,
    CorruptCursorError,
    FreshBooksError,
    InvalidRequestError,
)

SETTINGS = settings(
    max_examples=75, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

ENCODINGS: dict[str, Callable[[str], str]] = {
    "plain": lambda s: s,
    "json": lambda s: json.dumps(s)[1:-1],
    "json-slash": lambda s: json.dumps(s)[1:-1].replace("/", "\\/"),
    "url": lambda s: quote(s, safe=""),
    "url-lower": lambda s: quote(s, safe="").replace("%2F", "%2f").replace("%3D", "%3d"),
    "url-plus": lambda s: quote_plus(s, safe=""),
    "html": html.escape,
}

# Secrets as FreshBooks and hosts make them, plus the characters each encoding changes.
secret_text = st.text(
    alphabet=st.sampled_from("abcdefXYZ0123456789/+=&%-_. \"'<>é"), min_size=10, max_size=40
).filter(lambda s: s.strip() == s and len(set(s)) > 4)


def _forms(secret: str) -> list[bytes]:
    return [enc(secret).encode() for enc in ENCODINGS.values()] + [secret.encode()]


def _assert_clean(exc: BaseException, secrets: list[str]) -> None:
    """Nothing reachable from ``exc`` (text, pickle, details, chain) holds any secret."""
    assert isinstance(exc, FreshBooksError)
    texts = ["".join(traceback.format_exception(exc)), repr(exc), str(exc)]
    blobs = [pickle.dumps(exc)]
    clone = pickle.loads(blobs[0])
    texts += [str(clone), repr(clone)]
    for attr in ("errors", "body_excerpt", "message"):
        texts.append(repr(getattr(exc, attr, None)))
    response = getattr(exc, "response", None)
    if isinstance(response, httpx.Response):
        blobs += [response.content, repr(response.headers.raw).encode()]
        blobs.append(response.request.content)
    link: BaseException | None = exc.__cause__ or exc.__context__
    while link is not None:
        texts += [str(link), repr(link)]
        link = link.__cause__ or link.__context__
    for secret in secrets:
        for form in _forms(secret):
            text_form = form.decode()
            assert not any(text_form in t for t in texts), (secret, form)
            assert not any(form in b for b in blobs), (secret, form)


def _body(kind: str, echoed: str) -> bytes:
    if kind == "json-error":
        return json.dumps(
            {"error": "invalid_request", "error_description": f"bad value {echoed} sent"}
        ).encode()
    if kind == "json-grant":
        return json.dumps({"error": "invalid_grant", "error_description": f"got {echoed}"}).encode()
    if kind == "api-errors":
        return json.dumps(
            {"response": {"errors": [{"message": f"echo {echoed}", "errno": 1001}]}}
        ).encode()
    return f"request was: token={echoed}&grant_type=refresh_token".encode()


echo = st.tuples(
    st.sampled_from(sorted(ENCODINGS)),
    st.sampled_from(["json-error", "json-grant", "api-errors", "text"]),
    st.sampled_from([400, 401, 403, 422, 429, 500, 503]),
)


def _handler(status: int, kind: str, encode: Callable[[str], str], secrets: list[str]) -> Any:
    def handle(request: httpx.Request) -> httpx.Response:
        echoed = " ".join(encode(s) for s in secrets)
        return httpx.Response(status, content=_body(kind, echoed), headers={"X-Echo": "x"})

    return handle


def _oauth_call(oauth: Any, which: str, secret: str) -> Any:
    if which == "refresh":
        return oauth.refresh(secret)
    if which == "code":
        return oauth.exchange_code(secret)
    return oauth.revoke(secret)


@SETTINGS
@given(
    client_secret=secret_text,
    grant=secret_text,
    shape=echo,
    which=st.sampled_from(["refresh", "code", "revoke"]),
)
def test_sync_token_endpoint_echo_keeps_no_secret(
    client_secret: str, grant: str, shape: tuple[str, str, int], which: str
) -> None:
    encoding, kind, status = shape
    secrets = [client_secret, grant]
    http = httpx.Client(
        transport=httpx.MockTransport(_handler(status, kind, ENCODINGS[encoding], secrets))
    )
    oauth = OAuthClient("cid", client_secret, "https://example.com/cb", http_client=http)
    with pytest.raises(FreshBooksError) as info:
        _oauth_call(oauth, which, grant)
    _assert_clean(info.value, secrets)


@SETTINGS
@given(
    client_secret=secret_text,
    grant=secret_text,
    shape=echo,
    which=st.sampled_from(["refresh", "code", "revoke"]),
)
def test_async_token_endpoint_echo_keeps_no_secret(
    client_secret: str, grant: str, shape: tuple[str, str, int], which: str
) -> None:
    encoding, kind, status = shape
    secrets = [client_secret, grant]

    async def run() -> BaseException:
        transport = httpx.MockTransport(_handler(status, kind, ENCODINGS[encoding], secrets))
        async with httpx.AsyncClient(transport=transport) as http:
            oauth = AsyncOAuthClient(
                "cid", client_secret, "https://example.com/cb", http_client=http
            )
            try:
                await _oauth_call(oauth, which, grant)
            except FreshBooksError as exc:
                return exc
        raise AssertionError("no error raised")

    _assert_clean(asyncio.run(run()), secrets)


def test_the_echoed_request_body_itself_is_redacted() -> None:
    """The repro: a 500 whose body is the request body, byte for byte."""
    http = httpx.Client(
        transport=httpx.MockTransport(lambda r: httpx.Response(500, content=r.content))
    )
    client_secret, refresh = "CLIENT-SECRET-" + "1", "REFRESH-TOKEN-" + "1"
    oauth = OAuthClient("cid", client_secret, "https://example.com/cb", http_client=http)
    with pytest.raises(APIStatusError) as info:
        oauth.refresh(refresh)  # (the traceback shows this line: no literal secret on it)
    _assert_clean(info.value, [client_secret, refresh])
    assert REDACTED in info.value.body_excerpt  # the rest of the body is still shown
    assert "refresh_token" in info.value.body_excerpt


def _api_handler(status: int, kind: str, encode: Callable[[str], str], token: str) -> Any:
    def handle(request: httpx.Request) -> httpx.Response:
        echoed = encode(f"Bearer {token}")
        headers = {"WWW-Authenticate": f'Bearer error="{token}"'}
        if status == 302:
            headers["Location"] = f"https://elsewhere.example/?t={quote(token)}"
        return httpx.Response(status, content=_body(kind, echoed), headers=headers)

    return handle


# Bearer tokens are visible ASCII without spaces (anything else is refused before sending).
bearer_text = st.text(
    alphabet=st.sampled_from("abcdefXYZ0123456789/+=&%-_.\"'<>"), min_size=10, max_size=40
).filter(lambda s: len(set(s)) > 4)

api_shape = st.tuples(
    st.sampled_from(sorted(ENCODINGS)),
    st.sampled_from(["json-error", "api-errors", "text"]),
    st.sampled_from([302, 400, 401, 404, 422, 429, 500]),
)


@SETTINGS
@given(
    token=bearer_text,
    shape=api_shape,
)
def test_api_error_echoing_the_bearer_token_keeps_none_of_it(
    token: str, shape: tuple[str, str, int]
) -> None:
    encoding, kind, status = shape
    handler = _api_handler(status, kind, ENCODINGS[encoding], token)
    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        fb = FreshBooks(
            access_token=token,
            account_id="ABC123",
            http_client=http,
            max_retries=0,
            sleep=lambda s: None,
        )
        with pytest.raises(FreshBooksError) as info:
            fb.clients.get(1)
    _assert_clean(info.value, [token])

    async def run() -> BaseException:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
            afb = AsyncFreshBooks(
                access_token=token, account_id="ABC123", http_client=http, max_retries=0
            )
            try:
                await afb.clients.get(1)
            except FreshBooksError as exc:
                return exc
        raise AssertionError("no error raised")

    _assert_clean(asyncio.run(run()), [token])


def test_redact_secrets_encodings_and_marker_collision() -> None:
    body = b'{"a": "xx/yy zz", "b": "xx%2Fyy%20zz", "c": "xx%2fyy+zz", "d": "xx\\/yy zz"}'
    clean = redact_secrets(body, ["xx/yy zz"])
    assert clean.count(REDACTED.encode()) == 4 and b"x" not in clean.replace(b"[REDACTED]", b"")
    assert redact_secrets(b"same", []) == b"same"
    assert redact_secrets(b"same", [None, ""]) == b"same"
    # Too short to be a credential: left alone rather than cutting every word apart.
    assert redact_secrets(b"token t rejected", ["t"]) == b"token t rejected"
    # A secret that the marker itself spells: nothing of the body is kept.
    assert redact_secrets(b"[REDACTED] [REDACTED]", ["[REDACTED]"]) == b""


# ---- host-supplied cursors --------------------------------------------------------------------

W = "2024-01-02T03:04:05Z"


def _cursor(n: int, wire: str = "2024-01-02 03:04:05", digest: str = "0123456789abcdef") -> Any:
    return {
        "v": 1,
        "watermark": W,
        "after_id": None,
        "boundary": [[i, wire, digest] for i in range(n)],
    }


def test_a_huge_host_cursor_boundary_is_corrupt() -> None:
    with pytest.raises(CorruptCursorError, match="300000 keys"):
        Cursor.from_json(_cursor(300_000))
    with pytest.raises(CorruptCursorError, match="too long"):
        Cursor.from_json(_cursor(1, wire="2024-01-02 03:04:05" + " " * 100))
    with pytest.raises(CorruptCursorError, match="too long"):
        Cursor.from_json(_cursor(1, digest="f" * 65))


def test_every_cursor_a_poller_can_write_still_loads() -> None:
    assert DEFAULT_BOUNDARY_LIMIT <= MAX_BOUNDARY_LIMIT
    assert check_boundary_limit(MAX_BOUNDARY_LIMIT) == MAX_BOUNDARY_LIMIT
    for bad in (MAX_BOUNDARY_LIMIT + 1, 0, 10**9):
        with pytest.raises(InvalidRequestError) as info:
            check_boundary_limit(bad)
        assert info.value.field == "boundary_limit"
    loaded = Cursor.from_json(_cursor(MAX_BOUNDARY_LIMIT))
    assert len(loaded.boundary) == MAX_BOUNDARY_LIMIT
    assert Cursor.from_json(loaded.to_json()) == loaded


# ---- Postgres version bound -------------------------------------------------------------------


@pytest.fixture(scope="module")
def pg_dsn() -> str:
    from fleet_support import postgres_dsn

    return postgres_dsn()


def _set_version(dsn: str, table: str, version: int) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"UPDATE {table} SET version = %s", (version,))


def test_postgres_version_bound_is_checked_before_saving(pg_dsn: str) -> None:
    from freshbooks_sdk.stores.postgres import PostgresCursorStore

    table = f"cursors_{uuid.uuid4().hex[:10]}"
    store = PostgresCursorStore(pg_dsn, table=table)
    store.save("k", {"v": 1}, None)
    _set_version(pg_dsn, table, MAX_VERSION)
    loaded = store.load("k")
    assert loaded is not None and loaded.version == MAX_VERSION
    with pytest.raises(CorruptCursorError, match="largest version"):
        store.save("k", {"v": 2}, MAX_VERSION)
    for bad in (MAX_VERSION + 1, 10**30, -1, "1", True):
        with pytest.raises(InvalidRequestError) as info:
            store.save("k", {"v": 2}, bad)  # type: ignore[arg-type]  # the bad input under test
        assert info.value.field == "expected_version"
    after = store.load("k")
    assert after is not None and after.value == {"v": 1} and after.version == MAX_VERSION


async def test_async_postgres_version_bound_is_checked_before_saving(pg_dsn: str) -> None:
    from freshbooks_sdk.stores.postgres import AsyncPostgresCursorStore

    table = f"cursors_{uuid.uuid4().hex[:10]}"
    store = AsyncPostgresCursorStore(pg_dsn, table=table)
    await store.save("k", {"v": 1}, None)
    _set_version(pg_dsn, table, MAX_VERSION)
    with pytest.raises(CorruptCursorError, match="largest version"):
        await store.save("k", {"v": 2}, MAX_VERSION)
    with pytest.raises(InvalidRequestError):
        await store.save("k", {"v": 2}, MAX_VERSION + 1)
    after = await store.load("k")
    assert after is not None and after.version == MAX_VERSION


def test_the_trigger_takes_as_text_every_cursor_a_poller_writes() -> None:
    from freshbooks_sdk.integration.trigger import _load_cursor

    written = Cursor.from_json(_cursor(DEFAULT_BOUNDARY_LIMIT)).to_json()
    text = json.dumps(written)
    assert len(text) > 100_000  # the old cap refused the poller's own cursor at its default limit
    loaded = _load_cursor(text)
    assert loaded is not None and Cursor.from_json(loaded) == Cursor.from_json(written)
    with pytest.raises(CorruptCursorError, match="larger than"):
        _load_cursor(" " * (MAX_CURSOR_JSON_LEN + 1))
