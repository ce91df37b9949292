"""A full OAuth + API cycle logged at DEBUG (every logger, httpx's too) shows no secret."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from freshbooks_sdk import FreshBooks
from freshbooks_sdk.auth import OAuthClient, Token, TokenSource, generate_state
from freshbooks_sdk.sandbox import FakeClock, Sandbox


def test_debug_logs_of_full_cycle_hold_no_secret(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server_clock = FakeClock()
    our_clock = FakeClock()  # our view of time; the server's runs ahead below
    sb = Sandbox(clock=server_clock)
    http = httpx.Client(transport=sb.transport())
    base = "https://api.freshbooks.com"
    oauth = OAuthClient(
        sb.client_id,
        sb.client_secret,
        sb.redirect_uris[0],
        api_base_url=base,
        auth_base_url=base,
        http_client=http,
        clock=our_clock,
    )
    location = http.get(oauth.authorization_url(generate_state())).headers["location"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    first = oauth.exchange_code(code)
    seen: list[Token] = [first]
    # Expired on our side: the first call refreshes, rotating both tokens.
    stale = Token(first.access_token, first.refresh_token, our_clock() - timedelta(minutes=1))
    source = TokenSource(oauth, stale, on_refresh=seen.append, clock=our_clock)
    with FreshBooks(
        token_source=source,
        account_id=sb.account_ids[0],
        http_client=http,
        clock=our_clock,
        sleep=our_clock.advance,
    ) as fb:
        client = fb.clients.create(email="ada@example.com")
        fb.clients.get(client.id)
        # Expired for FreshBooks but not yet for us: the next call gets a 401 and refreshes once.
        server_clock.advance(13 * 3600)
        assert fb.clients.get(client.id).id == client.id
        assert fb.stats.refreshes == 1
    assert len(seen) == 3
    secrets = {sb.client_secret, code}
    for token in seen:
        secrets |= {token.access_token, token.refresh_token}
    text = "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records)
    assert "GET /accounting/account/" in text and "POST /auth/oauth/token" in text
    assert "-> 401" in text
    for secret in secrets:
        assert secret not in text
