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
* ``freshbooks_client``: ``freshbooks_sandbox.client()``, a ``FreshBooks`` for the first
  business wired in-process; its ``sleep`` and ``clock`` are the sandbox's, so retry waits
  (429 ``Retry-After``) and poll intervals advance fake time instead of sleeping. Closed after
  the test.
* ``async_freshbooks_client`` (short name ``async_fb``): ``freshbooks_sandbox.async_client()``,
  the ``AsyncFreshBooks`` twin, built without an event loop (its in-process transport holds no
  connections, so nothing needs closing).
* ``freshbooks_sandbox_url``: the sandbox served over loopback HTTP (the base URL).

For another business or other options, call the sandbox yourself:
``freshbooks_sandbox.client("BAY456", max_retries=0)``.

Async tests need a runner for ``async def`` tests, which pytest lacks: install
``pytest-asyncio`` and set ``asyncio_mode = "auto"`` (or mark tests ``@pytest.mark.asyncio``),
or use anyio's plugin with ``@pytest.mark.anyio``::

    async def test_lists(async_fb):
        assert [c async for c in async_fb.clients.list()] == []

Without a runner, pytest 8 skips such a test with only a warning (pytest 9 fails it): check
that your async tests are reported as passed, not skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .app import Sandbox
from .clock import FakeClock

if TYPE_CHECKING:
    from freshbooks_sdk._async.client import AsyncFreshBooks
    from freshbooks_sdk._sync.client import FreshBooks

__all__ = [
    "async_fb",
    "async_freshbooks_client",
    "freshbooks_client",
    "freshbooks_clock",
    "freshbooks_sandbox",
    "freshbooks_sandbox_url",
]

CURSOR_DB_ENV = "FRESHBOOKS_CURSOR_DB"
CURSOR_DB_NAME = "freshbooks-cursors.db"


@pytest.fixture
def freshbooks_clock() -> FakeClock:
    """The fake clock behind ``freshbooks_sandbox``: ``freshbooks_clock.advance(3600)``."""
    return FakeClock()


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
def freshbooks_client(freshbooks_sandbox: Sandbox) -> Iterator[FreshBooks]:
    """``freshbooks_sandbox.client()``: the first business, in-process, on the fake clock."""
    with freshbooks_sandbox.client() as client:
        yield client


@pytest.fixture
def async_freshbooks_client(
    freshbooks_sandbox: Sandbox,
) -> AsyncFreshBooks:
    """``freshbooks_sandbox.async_client()``: ``AsyncFreshBooks`` for the first business,
    in-process, whose waits advance the fake clock (a plain fixture: no event loop needed)."""
    return freshbooks_sandbox.async_client()


@pytest.fixture
def async_fb(async_freshbooks_client: AsyncFreshBooks) -> AsyncFreshBooks:
    """The short name of ``async_freshbooks_client``."""
    return async_freshbooks_client


@pytest.fixture
def freshbooks_sandbox_url(freshbooks_sandbox: Sandbox) -> Iterator[str]:
    """The sandbox over loopback HTTP for the test: ``"http://127.0.0.1:<port>"``."""
    with freshbooks_sandbox.serve() as base_url:
        yield base_url
