"""An in-memory FreshBooks-compatible API for demos, cassettes, benchmarks and tests.

No vendor offers a FreshBooks sandbox, so this one follows the real API's wire behaviour: OAuth
with rotating refresh tokens, ``users/me`` with two businesses, clients, invoices (lines, v3
status transitions, send by email), expenses, expense categories and staff, with FreshBooks'
envelopes, paging, ``search[...]`` filters, ``include[]``, Eastern timestamps, both accounting
error formats, a per-account rate limit (429 + ``Retry-After``) and fault injection.

A client wired to it in one call (in-process transport, a token, and the sandbox's clock and
sleep, so a :class:`FakeClock` sandbox never hangs a listing, a poller or a rate-limit wait)::

    from freshbooks_sdk.sandbox import FakeClock, Sandbox

    sb = Sandbox(clock=FakeClock())
    with sb.client() as fb:                       # FreshBooks for sb.account_ids[0]
        fb.clients.create(email="ada@example.com")
    async with sb.async_client("BAY456") as afb:  # AsyncFreshBooks for the second business
        ...

A client built by hand on ``sb.transport()`` whose clock is far from the sandbox's gets a
:class:`ClockMismatchWarning` at construction.

Raw HTTP, in-process::

    import httpx

    http = httpx.Client(transport=sb.transport(), base_url="https://api.freshbooks.com",
                        headers={"Authorization": f"Bearer {sb.issue_token()}"})
    http.post(f"/accounting/account/{sb.account_ids[0]}/users/clients",
              json={"client": {"email": "ada@example.com"}})

Over loopback HTTP::

    with sb.serve() as base_url:   # "http://127.0.0.1:<port>"
        ...

In pytest: ``pytest_plugins = ["freshbooks_sdk.sandbox.pytest_plugin"]`` gives the fixtures
``freshbooks_sandbox``, ``freshbooks_clock``, ``freshbooks_client``, ``async_freshbooks_client``
(also ``async_fb``) and ``freshbooks_sandbox_url``.
"""

from freshbooks_sdk._core.clockcheck import ClockMismatchWarning

from .app import LoggedRequest, Sandbox
from .clock import Clock, FakeClock, system_clock
from .errors import AccountingError
from .faults import FAULT_KINDS
from .seed import APP_CLIENT_ID, APP_CLIENT_SECRET, APP_REDIRECT_URIS, INTEGRATION_SCOPES
from .server import SandboxServer, SandboxServerUnavailable, ServerLimits, main_serve
from .store import AccountStore, OutboxEmail
from .wire import SandboxResponse

__all__ = [
    "APP_CLIENT_ID",
    "APP_CLIENT_SECRET",
    "APP_REDIRECT_URIS",
    "FAULT_KINDS",
    "INTEGRATION_SCOPES",
    "AccountStore",
    "AccountingError",
    "Clock",
    "ClockMismatchWarning",
    "FakeClock",
    "LoggedRequest",
    "OutboxEmail",
    "Sandbox",
    "SandboxResponse",
    "SandboxServer",
    "SandboxServerUnavailable",
    "ServerLimits",
    "main_serve",
    "system_clock",
]
