"""The pytest plugin's fixtures, enabled the way users enable them."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from freshbooks_sdk.sandbox import FakeClock, Sandbox

pytest_plugins = ["freshbooks_sdk.sandbox.pytest_plugin", "pytester"]


def test_sandbox_fixture_has_a_fake_clock(
    freshbooks_sandbox: Sandbox, freshbooks_clock: FakeClock
) -> None:
    assert freshbooks_sandbox.clock is freshbooks_clock
    before = freshbooks_sandbox.now()
    freshbooks_clock.advance(90)
    assert freshbooks_sandbox.now() - before == timedelta(seconds=90)
    assert freshbooks_sandbox.account_ids == ["ACM123", "BAY456"]


def test_sandbox_url_fixture(freshbooks_sandbox: Sandbox, freshbooks_sandbox_url: str) -> None:
    token = freshbooks_sandbox.issue_token()
    r = httpx.get(
        f"{freshbooks_sandbox_url}/auth/api/v1/users/me",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200


def _client_or_skip() -> None:
    try:
        from freshbooks_sdk import FreshBooks  # noqa: F401
    except ImportError:
        pytest.skip("freshbooks_sdk.FreshBooks is not available yet")


def test_freshbooks_client_fixture(freshbooks_client: Any, freshbooks_sandbox: Sandbox) -> None:
    _client_or_skip()
    created = freshbooks_client.clients.create(email="ada@example.com", fname="Ada")
    assert [c.id for c in freshbooks_client.clients.list(email="ada@example.com")] == [created.id]
    invoice = freshbooks_client.invoices.create(
        customer_id=created.id,
        currency_code="USD",
        lines=[{"name": "Design", "qty": "3", "unit_cost": "120.00"}],
    )
    freshbooks_client.invoices.send(invoice.id, to=["ada@example.com"])
    assert freshbooks_sandbox.outbox[-1].recipients == ("ada@example.com",)
    assert freshbooks_sandbox.request_log[-1].status == 200


def test_freshbooks_client_waits_on_the_fake_clock(
    freshbooks_client: Any, freshbooks_sandbox: Sandbox, freshbooks_clock: FakeClock
) -> None:
    _client_or_skip()
    freshbooks_sandbox.set_rate_limit("ACM123", 1, window_seconds=30)
    start = freshbooks_clock.now()
    freshbooks_client.clients.create(email="a@example.com")
    freshbooks_client.clients.create(email="b@example.com")  # 429, Retry-After 30, retried
    statuses = [e.status for e in freshbooks_sandbox.request_log]
    assert statuses == [200, 429, 200]
    assert freshbooks_clock.now() - start >= timedelta(seconds=30)


async def test_async_freshbooks_client_fixture(
    async_freshbooks_client: Any, freshbooks_sandbox: Sandbox
) -> None:
    _client_or_skip()
    created = await async_freshbooks_client.clients.create(organization="Async Ltd")
    found = [c.id async for c in async_freshbooks_client.clients.list(organization_like="async")]
    assert found == [created.id]


def test_sandbox_fixture_puts_the_default_cursor_store_in_tmp_path(
    freshbooks_sandbox: Sandbox, tmp_path: Path
) -> None:
    assert Path(os.environ["FRESHBOOKS_CURSOR_DB"]) == tmp_path / "freshbooks-cursors.db"


# Two runs of one test, each polling with the *default* cursor store: each must see the invoice
# it created. Sharing one cursor file, the second run (a fresh sandbox on the same fake time)
# would resume after the first run's cursor and silently see nothing.
_POLLING_TESTS = """
from datetime import timedelta

import pytest

pytest_plugins = ["freshbooks_sdk.sandbox.pytest_plugin"]


@pytest.mark.parametrize("run", [1, 2])
def test_polls_its_new_invoice(freshbooks_client, freshbooks_clock, run):
    customer = freshbooks_client.clients.create(email="ada@example.com")
    poller = freshbooks_client.invoices.poll(start=timedelta(hours=1))  # default store
    invoice = freshbooks_client.invoices.create(
        customer_id=customer.id,
        currency_code="USD",
        lines=[{"name": "Design", "qty": "1", "unit_cost": "10.00"}],
    )
    freshbooks_clock.advance(600)
    activation = poller.poll_once()
    assert invoice.id in [item.id for item in activation.items]
    activation.ack()
"""


def test_plugin_isolates_the_default_cursor_store(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _client_or_skip()
    shared = tmp_path / "shared-cursors.db"  # what every test would share without the plugin
    monkeypatch.setenv("FRESHBOOKS_CURSOR_DB", str(shared))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    pytester.makepyfile(test_polling=_POLLING_TESTS)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-p", "no:asyncio")
    result.assert_outcomes(passed=2)
    assert not shared.exists()
