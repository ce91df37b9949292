"""Fleet review fixes: a refreshed token survives a store outage, a cancelled refresh leaks no
lock, Postgres honours ``lock_timeout`` beyond ``statement_timeout``, ``with_account`` views
gate per account, and the Celery beat keeps a stable per-connection phase.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

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


def test_with_options_on_another_account_is_gated_by_that_account() -> None:
    from freshbooks_sdk.errors import RateLimitError
    from freshbooks_sdk.sandbox import Sandbox
    from freshbooks_sdk.stores import MemoryRateGate

    sb = Sandbox()
    gate = MemoryRateGate()
    fb = sb.client(rate_gate=gate, max_retries=0)
    bay = fb.with_options(account_id="BAY456", timeout=10)
    sb.set_rate_limit("BAY456", 0, 2.0, retry_after=30)
    with pytest.raises(RateLimitError):
        bay.clients.list().first_page()
    now = sb.now().timestamp()
    assert gate.wait_time("BAY456", now) == pytest.approx(30.0, abs=1.0)
    assert gate.wait_time(fb.account_id, now) == 0.0
    fb.clients.list().first_page()  # the parent's account is not held back


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


# ---- 5. beat: a fixed per-connection phase, the mean period is the interval ---------------------


def _simulate_beat(schedules: dict[str, Any], start: datetime, seconds: float) -> dict[str, list]:
    """Celery beat's loop, event-driven: ask each entry's real ``is_due`` when it said to."""
    import heapq

    now = [start]
    for sched in schedules.values():
        sched.nowfun = lambda: now[0]
    runs: dict[str, list[datetime]] = {key: [] for key in schedules}
    last = dict.fromkeys(schedules, start)  # a new entry's last_run_at is beat's start
    checks = [(start, key) for key in schedules]
    end = start + timedelta(seconds=seconds)
    while checks:
        at, key = heapq.heappop(checks)
        if at >= end:
            break
        now[0] = at
        due, next_check = schedules[key].is_due(last[key])
        if due:
            runs[key].append(at)
            last[key] = at + timedelta(seconds=0.4)  # beat records the run a moment later
        # beat's loop wakes at most every 5 minutes (beat_max_loop_interval) and ticks in 0.1 s
        wait = min(max(float(next_check), 0.1), 300.0)
        heapq.heappush(checks, (at + timedelta(seconds=wait), key))
    return runs


def test_beat_runs_every_interval_on_average_at_a_stable_phase() -> None:
    pytest.importorskip("celery")
    from freshbooks_sdk.celery import Connection, FreshBooksFleet

    keys = [f"BIZ{i:03d}" for i in range(40)]
    fleet = FreshBooksFleet.__new__(FreshBooksFleet)
    fleet.prefix = "freshbooks"
    entries = fleet.beat_schedule([Connection(key) for key in keys])
    schedules = {key: entries[f"freshbooks.poll:{key}"]["schedule"] for key in keys}
    start = datetime(2026, 1, 1, 0, 0, 7, tzinfo=UTC)
    runs = _simulate_beat(schedules, start, 86400)
    for key, times in runs.items():
        assert 287 <= len(times) <= 289, (key, len(times))  # 288 runs a day at 300 s
        gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
        assert all(299 <= gap <= 301 for gap in gaps), key  # no accumulating delay
        phase = schedules[key].phase
        offsets = {round((t.timestamp() - phase) % 300, 0) % 300 for t in times}
        assert offsets <= {0.0, 1.0, 299.0}, key  # always on the connection's own phase
    # the connections are spread over the interval (not all on one second)
    phases = sorted(schedules[key].phase for key in keys)
    assert len({int(p // 30) for p in phases}) >= 8  # at least 8 of the 10 30-second slots
    first_runs = [times[0] for times in runs.values()]
    assert max(first_runs) - min(first_runs) > timedelta(seconds=200)


# ---- 1. a store outage during a refresh never loses the grant -----------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _flaky_store() -> Any:
    from freshbooks_sdk.stores import MemoryTokenStore

    class Flaky(MemoryTokenStore):
        down = False
        locks = 0

        def save(self, key: str, token: Token) -> None:
            if self.down:
                raise StoreUnavailableError("db down")
            super().save(key, token)

        def replace(self, key: str, expected: Token, token: Token) -> bool:
            if self.down:  # the compare-and-swap fallback save fails the same way
                raise StoreUnavailableError("db down")
            return super().replace(key, expected, token)

        def lock(self, key: str) -> Any:
            self.locks += 1
            lease = super().lock(key)
            commit, store = lease.commit, self

            def flaky_commit(token: Token) -> None:
                if store.down:
                    lease.release()
                    raise StoreUnavailableError("db down")
                commit(token)

            lease.commit = flaky_commit  # type: ignore[method-assign] # the outage
            return lease

    return Flaky()


def _token_requests(sb: Any) -> int:
    from freshbooks_sdk._core.oauth import TOKEN_PATH

    return sum(1 for r in sb.request_log if r.method == "POST" and r.path == TOKEN_PATH)


def _sandbox_grant(clock: Clock) -> tuple[Any, Token]:
    from freshbooks_sdk.sandbox import Sandbox

    sb = Sandbox()
    body = sb.issue_tokens()
    token = Token(body["access_token"], body["refresh_token"], clock.now - timedelta(minutes=1))
    return sb, token


def test_a_store_outage_during_a_refresh_keeps_the_new_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    import httpx

    from freshbooks_sdk.auth import OAuthClient, TokenSource

    clock = Clock()
    sb, first = _sandbox_grant(clock)
    store = _flaky_store()
    store.save("ACM123", first)
    oauth = OAuthClient(
        sb.client_id,
        sb.client_secret,
        sb.redirect_uris[0],
        http_client=httpx.Client(transport=sb.transport()),
    )
    handed: list[Token] = []
    source = TokenSource.from_store(oauth, store, "ACM123", on_refresh=handed.append, clock=clock)
    store.down = True
    with caplog.at_level("ERROR", logger="freshbooks_sdk"):
        access = source.get_token()  # refreshed; neither the commit nor the save worked
    new = source.token
    assert access == new.access_token != first.access_token
    assert source.unsaved == new and handed == [new]
    assert any("could not be stored" in r.getMessage() for r in caplog.records)
    assert _token_requests(sb) == 1
    # retried on the next call, then with a backoff (no store call per request)
    locks = store.locks
    assert source.get_token() == new.access_token and store.locks == locks + 1
    assert source.get_token() == new.access_token and store.locks == locks + 1
    clock.advance(1.5)
    assert source.get_token() == new.access_token and store.locks == locks + 2
    assert source.get_token() == new.access_token and store.locks == locks + 2
    # due again while unsaved: never refreshed (the spent grant would be lost for good)
    clock.advance(13 * 3600)
    with pytest.raises(StoreUnavailableError):
        source.get_token()
    assert _token_requests(sb) == 1 and source.unsaved == new
    # the store is back: the unsaved token is stored first, then refreshed as usual
    store.down = False
    access = source.get_token()
    assert _token_requests(sb) == 2 and source.unsaved is None
    assert store.load("ACM123") == source.token and access == source.token.access_token
    fresh = TokenSource.from_store(oauth, store, "ACM123")  # another process, real clock
    assert fresh.get_token() == access and _token_requests(sb) == 2


def test_an_unsaved_token_is_stored_at_the_next_call_so_other_processes_see_it() -> None:
    import httpx

    from freshbooks_sdk.auth import OAuthClient, TokenSource

    clock = Clock()
    sb, first = _sandbox_grant(clock)
    store = _flaky_store()
    store.save("ACM123", first)
    oauth = OAuthClient(
        sb.client_id,
        sb.client_secret,
        sb.redirect_uris[0],
        http_client=httpx.Client(transport=sb.transport()),
    )
    source = TokenSource.from_store(oauth, store, "ACM123", clock=clock)
    store.down = True
    source.get_token()
    store.down = False  # a blip: back a moment later
    source.get_token()
    assert source.unsaved is None and store.load("ACM123") == source.token
    other = TokenSource.from_store(oauth, store, "ACM123", clock=clock)
    assert other.get_token() == source.token.access_token
    assert _token_requests(sb) == 1


async def test_async_store_outage_during_a_refresh_keeps_the_new_token() -> None:
    import httpx

    from freshbooks_sdk.auth import AsyncOAuthClient, AsyncTokenSource

    clock = Clock()
    sb, first = _sandbox_grant(clock)
    store = _flaky_store()
    store.save("ACM123", first)
    oauth = AsyncOAuthClient(
        sb.client_id,
        sb.client_secret,
        sb.redirect_uris[0],
        http_client=httpx.AsyncClient(transport=sb.async_transport()),
    )
    handed: list[Token] = []

    async def on_refresh(token: Token) -> None:
        handed.append(token)

    source = await AsyncTokenSource.from_store(
        oauth, store, "ACM123", on_refresh=on_refresh, clock=clock
    )
    store.down = True
    access = await source.get_token()
    assert access == source.token.access_token and source.unsaved == source.token
    assert handed == [source.token] and _token_requests(sb) == 1
    clock.advance(13 * 3600)
    with pytest.raises(StoreUnavailableError):
        await source.get_token()
    assert _token_requests(sb) == 1
    store.down = False
    await source.get_token()
    assert source.unsaved is None and store.load("ACM123") == source.token
    assert _token_requests(sb) == 2


# ---- 2. cancelling a caller leaks no lock and loses no token ------------------------------------


class GatedTransport:
    """The sandbox's async transport; the token request waits for ``gate`` when armed."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.armed = False
        self.reached = asyncio.Event()
        self.gate = asyncio.Event()

    async def handle_async_request(self, request: Any) -> Any:
        if self.armed and request.url.path.endswith("/token"):
            self.reached.set()
            await self.gate.wait()
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        return None


def _gated_store(kind: str, where: str) -> Any:
    """A blocking store whose ``lock()`` and lease ``commit`` can be held at a gate."""
    from freshbooks_sdk.stores import MemoryTokenStore, SQLiteTokenStore

    base = MemoryTokenStore if kind == "memory" else SQLiteTokenStore
    args = () if kind == "memory" else (f"{where}/tokens.db",)

    class Gated(base):  # type: ignore[misc,valid-type] # one of the two store classes
        hold: str | None = None
        reached = threading.Event()
        gate = threading.Event()

        def lock(self, key: str) -> Any:
            if self.hold == "lock":
                self.reached.set()
                self.gate.wait(10)
            lease = super().lock(key)
            commit, store = lease.commit, self

            def gated_commit(token: Token) -> None:
                if store.hold == "commit":
                    store.reached.set()
                    store.gate.wait(10)
                commit(token)

            lease.commit = gated_commit
            return lease

    return Gated(*args, lock_timeout=2.0)


async def _until(predicate: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
@pytest.mark.parametrize("point", ["lock", "refresh", "commit"])
async def test_cancelling_a_refresh_at_each_await_leaks_no_lock_and_keeps_the_token(
    kind: str, point: str, tmp_path: Any
) -> None:
    import httpx

    from freshbooks_sdk.auth import AsyncOAuthClient, AsyncTokenSource

    clock = Clock()
    sb, first = _sandbox_grant(clock)
    store = _gated_store(kind, str(tmp_path))
    store.save("ACM123", first)
    transport = GatedTransport(sb.async_transport())
    oauth = AsyncOAuthClient(
        sb.client_id,
        sb.client_secret,
        sb.redirect_uris[0],
        http_client=httpx.AsyncClient(transport=transport),  # type: ignore[arg-type]
    )
    source = await AsyncTokenSource.from_store(oauth, store, "ACM123")
    if point == "refresh":
        transport.armed = True
    else:
        store.hold = point
    caller = asyncio.create_task(source.get_token())
    if point == "refresh":
        await asyncio.wait_for(transport.reached.wait(), 10)
    else:
        assert await asyncio.to_thread(store.reached.wait, 10)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    store.hold = None
    transport.gate.set()
    store.gate.set()
    # the refresh finishes in the background: stored, exactly one token request
    await _until(lambda: store.load("ACM123") != first)
    await _until(lambda: source.token != first)
    assert _token_requests(sb) == 1
    # and the lock is free: another worker takes it at once
    lease = await asyncio.to_thread(store.lock, "ACM123")
    lease.release()
    assert await source.get_token() == store.load("ACM123").access_token
    assert _token_requests(sb) == 1


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
async def test_a_lease_delivered_after_its_caller_was_cancelled_is_released(
    kind: str, tmp_path: Any
) -> None:
    from freshbooks_sdk.stores import as_async_token_store

    store = _gated_store(kind, str(tmp_path))
    store.save("ACM123", Token("a", "r", datetime(2030, 1, 1, tzinfo=UTC)))
    other = await asyncio.to_thread(store.lock, "ACM123")  # another worker refreshes
    waiting = asyncio.create_task(as_async_token_store(store).lock("ACM123"))
    await asyncio.sleep(0.1)
    waiting.cancel()  # e.g. the loop shutting down
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await asyncio.to_thread(other.release)  # the thread behind the cancelled call gets the lock
    lease = None
    deadline = time.monotonic() + 3
    while lease is None and time.monotonic() < deadline:  # ... and gives it back at once
        try:
            lease = await asyncio.to_thread(store.lock, "ACM123")
            break
        except StoreUnavailableError:
            await asyncio.sleep(0.01)
    assert lease is not None
    lease.release()


def _holder(dsn: str, key: str, held: threading.Event, done: threading.Event) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=False) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (key,))
        held.set()
        done.wait(10)
        conn.rollback()


@pytest.mark.parametrize("point", ["lock", "refresh"])
async def test_async_postgres_refresh_cancelled_at_each_await(point: str) -> None:
    import httpx

    pg = pytest.importorskip("freshbooks_sdk.stores.postgres")
    from freshbooks_sdk.auth import AsyncOAuthClient, AsyncTokenSource

    dsn = postgres_dsn()
    store = pg.AsyncPostgresTokenStore(dsn, table=_table("cx_"), lock_timeout=5.0)
    clock = Clock()
    sb, first = _sandbox_grant(clock)
    await store.save("ACM123", first)
    transport = GatedTransport(sb.async_transport())
    oauth = AsyncOAuthClient(
        sb.client_id,
        sb.client_secret,
        sb.redirect_uris[0],
        http_client=httpx.AsyncClient(transport=transport),  # type: ignore[arg-type]
    )
    source = await AsyncTokenSource.from_store(oauth, store, "ACM123")
    held, done = threading.Event(), threading.Event()
    holder = None
    if point == "lock":
        holder = threading.Thread(target=_holder, args=(dsn, "ACM123", held, done))
        holder.start()
        assert await asyncio.to_thread(held.wait, 10)
    else:
        transport.armed = True
    caller = asyncio.create_task(source.get_token())
    if point == "refresh":
        await asyncio.wait_for(transport.reached.wait(), 10)
    else:
        await asyncio.sleep(0.2)  # waiting on the row lock
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    done.set()
    transport.gate.set()
    if holder is not None:
        await asyncio.to_thread(holder.join)
    stored: list[Token | None] = [first]

    async def poll() -> bool:
        stored[0] = await store.load("ACM123")
        return stored[0] != first

    deadline = time.monotonic() + 10
    while not await poll():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
    assert _token_requests(sb) == 1
    lease = await asyncio.wait_for(store.lock("ACM123"), 3)  # not leaked
    await lease.release()
    assert await source.get_token() == stored[0].access_token and _token_requests(sb) == 1


async def test_async_postgres_lock_cancelled_while_waiting_leaks_no_session() -> None:
    pg = pytest.importorskip("freshbooks_sdk.stores.postgres")
    dsn = postgres_dsn()
    store = pg.AsyncPostgresTokenStore(dsn, table=_table("cl_"), lock_timeout=5.0)
    await store.save("ACM123", Token("a", "r", datetime(2030, 1, 1, tzinfo=UTC)))
    held, done = threading.Event(), threading.Event()
    holder = threading.Thread(target=_holder, args=(dsn, "ACM123", held, done))
    holder.start()
    assert await asyncio.to_thread(held.wait, 10)
    with pytest.raises((asyncio.TimeoutError, TimeoutError)):
        await asyncio.wait_for(store.lock("ACM123"), 0.3)  # cancelled inside the lock wait
    done.set()
    await asyncio.to_thread(holder.join)
    lease = await asyncio.wait_for(store.lock("ACM123"), 3)
    await lease.release()


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
async def test_a_blocking_store_seen_from_asyncio_deletes_and_lists_keys(
    kind: str, tmp_path: Any
) -> None:
    from freshbooks_sdk.stores import MemoryTokenStore, SQLiteTokenStore, as_async_token_store

    blocking = MemoryTokenStore() if kind == "memory" else SQLiteTokenStore(str(tmp_path / "t.db"))
    store: Any = as_async_token_store(blocking)
    for key in ("ACM123", "BCD456"):
        await store.save(key, Token("a", "r", datetime(2030, 1, 1, tzinfo=UTC)))
    assert sorted(await store.keys()) == ["ACM123", "BCD456"]
    assert await store.delete("ACM123") is True
    assert await store.delete("ACM123") is False  # already gone
    assert await store.keys() == ["BCD456"] and blocking.load("ACM123") is None


async def test_a_blocking_store_without_delete_is_a_typed_error_from_asyncio() -> None:
    from freshbooks_sdk.errors import InvalidRequestError
    from freshbooks_sdk.stores import MemoryTokenStore, as_async_token_store

    class Minimal:  # only the required TokenStore methods
        def __init__(self) -> None:
            self.inner = MemoryTokenStore()

        def load(self, key: str) -> Token | None:
            return self.inner.load(key)

        def save(self, key: str, token: Token) -> None:
            self.inner.save(key, token)

        def lock(self, key: str) -> Any:
            return self.inner.lock(key)

    store: Any = as_async_token_store(Minimal())
    with pytest.raises(InvalidRequestError, match="has no delete"):
        await store.delete("ACM123")
    with pytest.raises(InvalidRequestError, match="has no keys"):
        await store.keys()
