"""``sb.client()`` / ``sb.async_client()``: clients wired to the sandbox, clock and sleep included,
so a FakeClock sandbox never hangs a listing, a poller or a rate-limit wait."""

from __future__ import annotations

import time
import warnings
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from freshbooks_sdk import AsyncFreshBooks, FreshBooks
from freshbooks_sdk.errors import AuthenticationError, InvalidRequestError
from freshbooks_sdk.sandbox import FakeClock, Sandbox

LINES = [{"name": "Design", "qty": "1", "unit_cost": "10.00"}]


def test_client_defaults_to_the_first_business_and_is_wired() -> None:
    sb = Sandbox(clock=FakeClock())
    with sb.client() as fb:
        assert isinstance(fb, FreshBooks)
        assert fb.account_id == sb.account_ids[0]
        created = fb.clients.create(email="ada@example.com")
        assert [c.id for c in fb.clients.list()] == [created.id]
    other = sb.client("BAY456", default_currency="EUR")
    assert other.account_id == "BAY456" and other.default_currency == "EUR"
    assert list(other.clients.list()) == []  # another business's book


def test_a_rate_limit_wait_advances_fake_time_not_wall_time() -> None:
    sb = Sandbox(clock=FakeClock())
    sb.set_rate_limit("ACM123", 1, window_seconds=60)
    fb = sb.client()
    start, wall = sb.now(), time.monotonic()
    fb.clients.create(email="a@example.com")
    fb.clients.create(email="b@example.com")  # 429 + Retry-After: waited on the fake clock
    assert [r.status for r in sb.request_log] == [200, 429, 200]
    assert sb.now() - start >= timedelta(seconds=59)
    assert time.monotonic() - wall < 5


def test_a_listing_by_updated_since_and_a_poller_see_sandbox_time() -> None:
    sb = Sandbox(clock=FakeClock())
    fb = sb.client()
    customer = fb.clients.create(email="ada@example.com")
    poller = fb.invoices.poll(start=timedelta(hours=1), interval=300, store=None)
    invoice = fb.invoices.create(customer_id=customer.id, currency_code="USD", lines=LINES)
    since = fb.invoices.list(updated_since=sb.now() - timedelta(minutes=5))
    assert [i.id for i in since] == [invoice.id]
    wall = time.monotonic()
    activation = next(iter(poller))  # interval sleeps advance the fake clock
    assert [i.id for i in activation.items] == [invoice.id]
    assert time.monotonic() - wall < 5


def test_the_client_clock_follows_set_clock() -> None:
    sb = Sandbox(clock=FakeClock())
    fb = sb.client()
    later = datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    sb.set_clock(FakeClock(later))
    assert fb._core.now() == later


def test_the_wired_token_outlives_years_of_fake_time() -> None:
    sb = Sandbox(clock=FakeClock())
    fb = sb.client()
    assert isinstance(sb.clock, FakeClock)
    sb.clock.advance(3 * 365 * 86400)
    assert fb.identity.businesses()[0].account_id == "ACM123"


def test_options_pass_through_and_an_explicit_token_is_used() -> None:
    sb = Sandbox(clock=FakeClock())
    token = sb.issue_token(expires_in=60)
    events: list[Any] = []
    fb = sb.client(access_token=token, max_retries=0, on_retry=events.append)
    assert isinstance(sb.clock, FakeClock)
    sb.clock.advance(61)
    with pytest.raises(AuthenticationError):
        fb.identity.businesses()


@pytest.mark.parametrize("name", ["http_client", "base_url"])
def test_the_wiring_cannot_be_overridden(name: str) -> None:
    sb = Sandbox(clock=FakeClock())
    with pytest.raises(InvalidRequestError) as info:
        sb.client(**{name: None})
    assert info.value.field == name
    with pytest.raises(InvalidRequestError):
        sb.async_client(**{name: None})


def test_bad_options_are_refused_by_the_client() -> None:
    sb = Sandbox(clock=FakeClock())
    with pytest.raises(InvalidRequestError) as info:
        sb.client("../x")
    assert info.value.field == "account_id"


async def test_async_client_waits_on_the_fake_clock() -> None:
    sb = Sandbox(clock=FakeClock())
    sb.set_rate_limit("BAY456", 1, window_seconds=30)
    afb = sb.async_client("BAY456")
    assert isinstance(afb, AsyncFreshBooks)
    start = sb.now()
    async with afb:
        await afb.clients.create(email="a@example.com")
        await afb.clients.create(email="b@example.com")
        assert [c.email async for c in afb.clients.list()] == ["a@example.com", "b@example.com"]
    assert sb.now() - start >= timedelta(seconds=29)


def test_wired_clients_do_not_warn_about_clocks() -> None:
    sb = Sandbox(clock=FakeClock())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sb.client().close()
        sb.async_client()


# ---- the pytest plugin --------------------------------------------------------------------

# (the suite's conftest enables the plugin, as a user's conftest would)


async def test_plugin_async_fb_fixture(
    async_fb: AsyncFreshBooks, freshbooks_sandbox: Sandbox
) -> None:
    sb = freshbooks_sandbox
    sb.set_rate_limit("ACM123", 1, window_seconds=30)
    start = sb.now()
    created = await async_fb.clients.create(email="ada@example.com")
    assert [c.id async for c in async_fb.clients.list()] == [created.id]  # after a 429 wait
    assert [r.status for r in sb.request_log] == [200, 429, 200]
    assert sb.now() - start >= timedelta(seconds=29)


def test_plugin_sync_client_is_closed_after_the_test(
    freshbooks_client: FreshBooks, freshbooks_sandbox: Sandbox
) -> None:
    assert freshbooks_client.account_id == freshbooks_sandbox.account_ids[0]
    assert not freshbooks_client._core._http.is_closed
