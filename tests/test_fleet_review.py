"""Fleet review fixes: a refreshed token survives a store outage, a cancelled refresh leaks no
lock, Postgres honours ``lock_timeout`` beyond ``statement_timeout``, ``with_account`` views
gate per account, and the Celery beat keeps a stable per-connection phase.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from datetime import datetime, timezone

import pytest

from fleet_support import postgres_dsn
from freshbooks_sdk.auth import Token
from freshbooks_sdk.stores import StoreUnavailableError

UTC = timezone.utc


def _table(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:12]


# ---- 3. Postgres: lock_timeout is not capped by statement_timeout ------------------------------


def _hold_row_lock(dsn: str, table: str, key: str, seconds: float, held: threading.Event) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=False) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (key,))
        conn.execute(f"SELECT token FROM {table} WHERE key = %s FOR UPDATE", (key,))
        held.set()
        time.sleep(seconds)
        conn.rollback()


def test_postgres_lock_waits_longer_than_the_statement_timeout() -> None:
    pg = pytest.importorskip("freshbooks_sdk.stores.postgres")
    dsn, table = postgres_dsn(), _table("lt_")
    store = pg.PostgresTokenStore(dsn, table=table, lock_timeout=3.0, statement_timeout=0.2)
    token = Token("a1", "r1", datetime(2030, 1, 1, tzinfo=UTC))
    store.save("ACM123", token)
    held = threading.Event()
    holder = threading.Thread(target=_hold_row_lock, args=(dsn, table, "ACM123", 0.8, held))
    holder.start()
    assert held.wait(10)
    started = time.monotonic()
    lease = store.lock("ACM123")  # waits ~0.8 s: beyond statement_timeout, within lock_timeout
    waited = time.monotonic() - started
    try:
        assert lease.token == token
        assert waited >= 0.4
        # once held, the lease's statements are bound by statement_timeout again
        import psycopg

        with pytest.raises(psycopg.errors.QueryCanceled):
            lease._conn.execute("SELECT pg_sleep(1)")
    finally:
        lease.release()
        holder.join()
    # the lock wait itself still ends at lock_timeout
    short = pg.PostgresTokenStore(dsn, table=table, lock_timeout=0.3, statement_timeout=0.2)
    other = store.lock("ACM123")
    try:
        started = time.monotonic()
        with pytest.raises(StoreUnavailableError):
            short.lock("ACM123")
        assert time.monotonic() - started < 2.5
    finally:
        other.release()


async def test_async_postgres_lock_waits_longer_than_the_statement_timeout() -> None:
    pg = pytest.importorskip("freshbooks_sdk.stores.postgres")
    dsn, table = postgres_dsn(), _table("alt_")
    store = pg.AsyncPostgresTokenStore(dsn, table=table, lock_timeout=3.0, statement_timeout=0.2)
    token = Token("a1", "r1", datetime(2030, 1, 1, tzinfo=UTC))
    await store.save("ACM123", token)
    held = threading.Event()
    holder = threading.Thread(target=_hold_row_lock, args=(dsn, table, "ACM123", 0.8, held))
    holder.start()
    assert await asyncio.to_thread(held.wait, 10)
    started = time.monotonic()
    lease = await store.lock("ACM123")
    waited = time.monotonic() - started
    try:
        assert lease.token == token
        assert waited >= 0.4
    finally:
        await lease.release()
        await asyncio.to_thread(holder.join)


# ---- 4. with_account views gate by their own account -------------------------------------------


def test_with_account_views_are_gated_by_their_own_account() -> None:
    from freshbooks_sdk.errors import RateLimitError
    from freshbooks_sdk.sandbox import Sandbox
    from freshbooks_sdk.stores import MemoryRateGate

    sb = Sandbox()
    gate = MemoryRateGate()
    fb = sb.client(rate_gate=gate, max_retries=0)
    bay = fb.with_account("BAY456")
    sb.set_rate_limit("BAY456", 0, 2.0, retry_after=30)
    with pytest.raises(RateLimitError):
        bay.clients.list().first_page()
    now = sb.now().timestamp()
    assert gate.wait_time("BAY456", now) == pytest.approx(30.0, abs=1.0)
    assert gate.wait_time(fb.account_id, now) == 0.0
    fb.clients.list().first_page()  # the parent's account is not held back
    # an explicit key is kept by every view (one gate for a whole token, say)
    shared = sb.client(rate_gate=gate, rate_gate_key="whole-token", max_retries=0)
    with pytest.raises(RateLimitError):
        shared.with_account("BAY456").clients.list().first_page()
    assert gate.wait_time("whole-token", sb.now().timestamp()) == pytest.approx(30.0, abs=1.0)
    assert bay.stats is fb.stats  # the view still shares the parent's connection and counters


async def test_async_with_account_views_are_gated_by_their_own_account() -> None:
    from freshbooks_sdk.errors import RateLimitError
    from freshbooks_sdk.sandbox import Sandbox
    from freshbooks_sdk.stores import MemoryRateGate

    sb = Sandbox()
    gate = MemoryRateGate()
    fb = sb.async_client(rate_gate=gate, max_retries=0)
    bay = fb.with_account("BAY456")
    sb.set_rate_limit("BAY456", 0, 2.0, retry_after=30)
    with pytest.raises(RateLimitError):
        await bay.clients.list().first_page()
    now = sb.now().timestamp()
    assert gate.wait_time("BAY456", now) == pytest.approx(30.0, abs=1.0)
    assert gate.wait_time(fb.account_id, now) == 0.0
    await fb.clients.list().first_page()
    acme = bay.with_account(fb.account_id)  # a view of a view, back on the first account
    await acme.clients.list().first_page()
