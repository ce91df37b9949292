"""pytest fixtures for testing code that talks to FreshBooks, against the sandbox.

Enable in a ``conftest.py``::

    pytest_plugins = ["freshbooks_sdk.sandbox.pytest_plugin"]

    def test_creates_client(freshbooks_client, freshbooks_sandbox):
        freshbooks_client.clients.create(email="ada@example.com")
        assert freshbooks_sandbox.request_log[-1].status == 200

Fixtures:

* ``freshbooks_clock``: the :class:`FakeClock` the sandbox reads (starts 2024-03-15 14:00 UTC).
* ``freshbooks_sandbox``: a fresh :class:`Sandbox` on that clock. After the test it fails if
  the sandbox hit an internal error (a sandbox bug, never FreshBooks behaviour). It also points
  ``$FRESHBOOKS_CURSOR_DB`` at a file in the test's ``tmp_path``, so ``fb.invoices.poll()``
  with the default cursor store never shares a cursor with another test (or another
  parametrization of the same test), nor touches ``~/.local/state``. Every client fixture
  below uses it, so they are isolated too.
* ``freshbooks_client`` / ``async_freshbooks_client``: ``FreshBooks`` / ``AsyncFreshBooks`` for
  the first business, wired in-process; the client's ``sleep`` and ``clock`` are the fake
  clock's, so retry waits (429 ``Retry-After``) advance fake time instead of sleeping.
* ``freshbooks_sandbox_url``: the sandbox served over loopback HTTP (the base URL).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .app import Sandbox
from .clock import FakeClock

__all__ = [
    "async_freshbooks_client",
    "freshbooks_client",
    "freshbooks_clock",
    "freshbooks_sandbox",
    "freshbooks_sandbox_url",
]


def _client_class(name: str) -> Any:
    try:
        module = importlib.import_module("freshbooks_sdk")
        return getattr(module, name)
    except (ImportError, AttributeError):
        pytest.skip(f"freshbooks_sdk.{name} is not available")


def _fake_time(cls: Any, clock: FakeClock, sleep: Any) -> dict[str, Any]:
    """``sleep=``/``clock=`` for the client, when it takes them: its waits advance the sandbox's
    fake clock (a Retry-After of 30 s costs no wall time and really lets the window pass)."""
    try:
        params = inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return {}
    offered = {"sleep": sleep, "clock": clock}
    return {name: value for name, value in offered.items() if name in params}


@pytest.fixture
def freshbooks_clock() -> FakeClock:
    """The fake clock behind ``freshbooks_sandbox``: ``freshbooks_clock.advance(3600)``."""
    return FakeClock()


CURSOR_DB_ENV = "FRESHBOOKS_CURSOR_DB"
CURSOR_DB_NAME = "freshbooks-cursors.db"


@pytest.fixture
def freshbooks_sandbox(
    freshbooks_clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Sandbox]:
    """A fresh sandbox with a controllable fake clock (``seed=0``: reproducible tokens), and
    the default poller cursor store (``$FRESHBOOKS_CURSOR_DB``) in the test's ``tmp_path``."""
    monkeypatch.setenv(CURSOR_DB_ENV, str(tmp_path / CURSOR_DB_NAME))
    sandbox = Sandbox(clock=freshbooks_clock, seed=0)
    yield sandbox
    if sandbox.internal_errors:
        first = sandbox.internal_errors[0]
        pytest.fail(
            f"the FreshBooks sandbox hit {len(sandbox.internal_errors)} internal error(s); "
            f"first: {type(first).__name__}: {first}"
        )


@pytest.fixture
def freshbooks_client(freshbooks_sandbox: Sandbox, freshbooks_clock: FakeClock) -> Iterator[Any]:
    """``FreshBooks(access_token=..., account_id=sb.account_ids[0], http_client=<in-process>)``."""
    cls = _client_class("FreshBooks")
    sb = freshbooks_sandbox
    http = httpx.Client(transport=sb.transport())
    kwargs = _fake_time(cls, freshbooks_clock, freshbooks_clock.advance)
    client = cls(
        access_token=sb.issue_token(), account_id=sb.account_ids[0], http_client=http, **kwargs
    )
    try:
        yield client
    finally:
        close = getattr(client, "close", None)
        if callable(close):
            close()
        http.close()


@pytest.fixture
def async_freshbooks_client(
    freshbooks_sandbox: Sandbox, freshbooks_clock: FakeClock
) -> Iterator[Any]:
    """``AsyncFreshBooks`` wired to the sandbox in-process (a plain fixture: no event loop is
    needed to build it; the in-process transport holds no connections to close)."""
    cls = _client_class("AsyncFreshBooks")
    sb = freshbooks_sandbox
    http = httpx.AsyncClient(transport=sb.async_transport())

    async def fake_sleep(seconds: float) -> None:
        freshbooks_clock.advance(seconds)

    kwargs = _fake_time(cls, freshbooks_clock, fake_sleep)
    yield cls(
        access_token=sb.issue_token(), account_id=sb.account_ids[0], http_client=http, **kwargs
    )


@pytest.fixture
def freshbooks_sandbox_url(freshbooks_sandbox: Sandbox) -> Iterator[str]:
    """The sandbox over loopback HTTP for the test: ``"http://127.0.0.1:<port>"``."""
    with freshbooks_sandbox.serve() as base_url:
        yield base_url
