"""SDK clients wired to a sandbox in one call: ``sb.client()`` and ``sb.async_client()``.

A wired client talks to the sandbox in-process, reads the sandbox's clock (following
``sb.set_clock``) and waits the sandbox's way: on a :class:`FakeClock` a 300 s poll interval or
a 60 s ``Retry-After`` advances the fake clock at once instead of sleeping, so a listing, a
poller or a rate-limit wait never hangs a test. Closing the client closes its HTTP client.

>>> from freshbooks_sdk.sandbox import FakeClock, Sandbox
>>> sb = Sandbox(clock=FakeClock())
>>> with sb.client() as fb:
...     created = fb.clients.create(email="ada@example.com", fname="Ada")
...     [c.email for c in fb.clients.list()]
['ada@example.com']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import httpx

from freshbooks_sdk._core.transport import DEFAULT_BASE_URL
from freshbooks_sdk.errors import InvalidRequestError

if TYPE_CHECKING:
    from freshbooks_sdk._async.client import AsyncFreshBooks
    from freshbooks_sdk._sync.client import FreshBooks

    from .app import Sandbox

__all__ = ["WIRED_TOKEN_LIFETIME", "wired_async_client", "wired_client"]

WIRED_TOKEN_LIFETIME = 10 * 365 * 24 * 3600
"""Seconds the access token of a wired client lives (fake time can run for years in a test)."""

_WIRING = ("http_client", "base_url")


def _options(sb: Sandbox, account_id: str | None, options: Mapping[str, Any]) -> dict[str, Any]:
    for name in _WIRING:
        if name in options:
            raise InvalidRequestError(
                f"{name} is set by the sandbox for a wired client; for your own, build "
                "FreshBooks(http_client=httpx.Client(transport=sb.transport()), ...)",
                field=name,
            )
    kwargs = dict(options)
    kwargs["account_id"] = sb.account_ids[0] if account_id is None else account_id
    kwargs["base_url"] = DEFAULT_BASE_URL  # the in-process transport answers for any host
    if "access_token" not in kwargs and "token_source" not in kwargs:
        kwargs["access_token"] = sb.issue_token(expires_in=WIRED_TOKEN_LIFETIME)
    kwargs.setdefault("clock", sb.now)  # bound method: follows sb.set_clock(...)
    return kwargs


def wired_client(sb: Sandbox, account_id: str | None, options: Mapping[str, Any]) -> FreshBooks:
    """The implementation of :meth:`Sandbox.client`."""
    from freshbooks_sdk._sync.client import FreshBooks

    kwargs = _options(sb, account_id, options)
    kwargs.setdefault("sleep", sb._delay_sync)
    http = httpx.Client(transport=sb.transport())
    try:
        fb = FreshBooks(http_client=http, **kwargs)
    except BaseException:
        http.close()
        raise
    fb._core._owns_http = True  # the client was made here: fb.close() closes it
    return fb


def wired_async_client(
    sb: Sandbox, account_id: str | None, options: Mapping[str, Any]
) -> AsyncFreshBooks:
    """The implementation of :meth:`Sandbox.async_client`."""
    from freshbooks_sdk._async.client import AsyncFreshBooks

    kwargs = _options(sb, account_id, options)
    kwargs.setdefault("sleep", sb._delay_async)
    # Built without an event loop; the in-process transport holds no connections.
    http = httpx.AsyncClient(transport=sb.async_transport())
    afb = AsyncFreshBooks(http_client=http, **kwargs)
    afb._core._owns_http = True  # the client was made here: await afb.aclose() closes it
    return afb
