"""The official untyped SDK (``freshbooks-sdk`` 1.3.0, import ``freshbooks``) against the sandbox.

It talks to ``https://api.freshbooks.com`` unless ``FRESHBOOKS_API_URL`` (and, for the browser
step, ``FRESHBOOKS_AUTH_URL``) say otherwise; both are read when a ``Client`` is created.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from freshbooks_sdk.sandbox import Sandbox
from test_sandbox_support import make_sandbox

freshbooks: Any = pytest.importorskip("freshbooks", reason="freshbooks-sdk is not installed")


@pytest.fixture
def sb() -> Sandbox:
    return make_sandbox()


@pytest.fixture
def base_url(sb: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    with sb.serve() as url:
        monkeypatch.setenv("FRESHBOOKS_API_URL", url)
        monkeypatch.setenv("FRESHBOOKS_AUTH_URL", url)
        yield url


def test_official_sdk_lists_and_creates_clients_and_invoices(sb: Sandbox, base_url: str) -> None:
    from freshbooks import Client, FilterBuilder, IncludesBuilder, PaginateBuilder

    fb = Client(client_id=sb.client_id, access_token=sb.issue_token())
    account_id = sb.account_ids[0]

    identity = fb.current_user()
    assert [m.business.account_id for m in identity.business_memberships] == sb.account_ids

    empty = fb.clients.list(account_id)
    assert len(empty) == 0 and empty.pages.pages == 0

    client = fb.clients.create(
        account_id, {"fname": "Gordon", "lname": "Shumway", "email": "gordon@melmac.com"}
    )
    assert client.id == client.userid and client.fname == "Gordon"
    listed = fb.clients.list(
        account_id, builders=[FilterBuilder().equals("email", "gordon@melmac.com")]
    )
    assert [c.id for c in listed] == [client.id]

    invoice = fb.invoices.create(
        account_id,
        {
            "customerid": client.id,
            "create_date": "2024-03-15",
            "lines": [
                {
                    "type": 0,
                    "name": "Fancy Dishes",
                    "qty": 6,
                    "unit_cost": {"amount": "27.00", "code": "USD"},
                },
            ],
        },
    )
    assert invoice.amount.amount == "162.00" and invoice.v3_status == "draft"

    invoices = fb.invoices.list(
        account_id,
        builders=[
            FilterBuilder().equals("customerid", client.id),
            IncludesBuilder().include("lines"),
            PaginateBuilder(1, 200),
        ],
    )
    assert invoices.pages.per_page == 100 and invoices.pages.total == 1
    assert invoices[0].lines[0].amount.amount == "162.00"

    sent = fb.invoices.update(account_id, invoice.id, {"action_mark_as_sent": True})
    assert sent.v3_status == "sent"
    fb.invoices.delete(account_id, invoice.id)  # the SDK uses HTTP DELETE for invoices
    assert len(fb.invoices.list(account_id)) == 0


def test_official_sdk_errors(sb: Sandbox, base_url: str) -> None:
    from freshbooks import Client
    from freshbooks.errors import FreshBooksError

    fb = Client(client_id=sb.client_id, access_token=sb.issue_token(), auto_retry=False)
    with pytest.raises(FreshBooksError) as not_found:
        fb.clients.get(sb.account_ids[0], 12345)
    assert (not_found.value.status_code, not_found.value.error_code) == (404, 1012)
    assert str(not_found.value) == "Client not found."
    with pytest.raises(FreshBooksError) as invalid:
        fb.clients.create(sb.account_ids[0], {"note": "nobody"})
    assert (invalid.value.status_code, invalid.value.error_code) == (422, 7012)


def test_official_sdk_oauth_flow(sb: Sandbox, base_url: str) -> None:
    from freshbooks import Client

    fb = Client(
        client_id=sb.client_id, client_secret=sb.client_secret, redirect_uri=sb.redirect_uris[0]
    )
    url = fb.get_auth_request_url(scopes=["user:profile:read", "user:clients:read"])
    assert url.startswith(f"{base_url}/oauth/authorize?")
    redirect = httpx.get(url)
    assert redirect.status_code == 302
    code = parse_qs(urlsplit(redirect.headers["location"]).query)["code"][0]

    first = fb.get_access_token(code)  # form-encoded POST, as the official SDK sends it
    assert first.access_token and first.refresh_token
    assert fb.current_user().identity_id == sb.identity_id

    second = fb.refresh_access_token()
    assert second.refresh_token != first.refresh_token
    with pytest.raises(Exception, match="authorization grant is invalid"):
        fb.refresh_access_token(first.refresh_token)  # rotated: single use
