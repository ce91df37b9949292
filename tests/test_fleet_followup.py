"""Fleet follow-up: native asyncio Postgres stores (no threads), dead grants marked in the
store, compare-and-swap refresh commits, the rate gate's in-process cache, ``max_store_retries``
through ``poll()`` and the Celery fleet. Real PostgreSQL (``pgserver``), sandbox on loopback.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import uuid
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from fleet_support import async_refresh_in_child, postgres_dsn, refresh_in_child
from freshbooks_sdk import AsyncFreshBooks, FreshBooks
from freshbooks_sdk._core.oauth import TOKEN_PATH
from freshbooks_sdk.auth import AsyncOAuthClient, AsyncTokenSource, OAuthClient, Token, TokenSource
from freshbooks_sdk.cursors import MemoryCursorStore
from freshbooks_sdk.errors import (
    CursorConflictError,
    CursorStoreUnavailableError,
    InvalidRequestError,
    RateLimitError,
    ReauthorizationRequiredError,
)
from freshbooks_sdk.sandbox import Sandbox
from freshbooks_sdk.stores import (
    AsyncCursorStore,
    AsyncRateGate,
    AsyncTokenStore,
    MemoryTokenStore,
    StoreUnavailableError,
)

UTC = timezone.utc
FORK = multiprocessing.get_context("forkserver")
pg = pytest.importorskip("freshbooks_sdk.stores.postgres")


def _table(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:12]


def _refreshes(sb: Sandbox) -> int:
    return sum(1 for r in sb.request_log if r.method == "POST" and r.path == TOKEN_PATH)


def _grant(sb: Sandbox, *, expired: bool = True) -> Token:
    body = sb.issue_tokens()
    now = datetime.now(UTC).replace(microsecond=0)
    return Token(
        body["access_token"],
        body["refresh_token"],
        now - timedelta(minutes=1) if expired else now + timedelta(hours=1),
    )


@pytest.fixture
def served() -> Iterator[tuple[Sandbox, str]]:
    sb = Sandbox()
    with sb.serve(port=0) as base_url:
        yield sb, base_url


@pytest.fixture
def no_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any ``asyncio.to_thread`` call fails the test: the asyncio stores are awaited natively."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a worker thread was used")

    monkeypatch.setattr(asyncio, "to_thread", refuse)


def _app(sb: Sandbox) -> tuple[str, str, str]:
    return sb.client_id, sb.client_secret, sb.redirect_uris[0]


# ---- 1. native asyncio stores ----------------------------------------------------------------


def test_async_stores_satisfy_the_async_protocols() -> None:
    dsn = postgres_dsn()
    assert isinstance(pg.AsyncPostgresTokenStore(dsn), AsyncTokenStore)
    assert isinstance(pg.AsyncPostgresRateGate(dsn), AsyncRateGate)
    assert isinstance(pg.AsyncPostgresCursorStore(dsn), AsyncCursorStore)
    with pytest.raises(InvalidRequestError) as info:
        pg.AsyncPostgresTokenStore(dsn, table="x; DROP TABLE y")
    assert info.value.field == "table"
    with pytest.raises(InvalidRequestError) as info:
        pg.AsyncPostgresRateGate(dsn, cache_ttl=-1)
    assert info.value.field == "cache_ttl"


async def test_async_store_failures_are_typed(no_threads: None) -> None:
    postgres_dsn()
    dead = "postgresql://nobody@127.0.0.1:1/none"
    with pytest.raises(StoreUnavailableError):
        await pg.AsyncPostgresTokenStore(dead, connect_timeout=1).load("k")
    with pytest.raises(CursorStoreUnavailableError):
        await pg.AsyncPostgresCursorStore(dead, connect_timeout=1).load("k")
    with pytest.raises(StoreUnavailableError):
        await pg.AsyncPostgresRateGate(dead, connect_timeout=1).wait_time("k", 0.0)


async def test_async_token_store_lease_and_lock_timeout(no_threads: None) -> None:
    table = _table("atok_")
    store = pg.AsyncPostgresTokenStore(postgres_dsn(), table=table, lock_timeout=0.3)
    t1 = Token("a1", "r1", datetime(2030, 1, 1, tzinfo=UTC))
    t2 = Token("a2", "r2", datetime(2030, 1, 2, tzinfo=UTC))
    assert await store.load("ACM123") is None
    await store.save("ACM123", t1)
    lease = await store.lock("ACM123")
    assert lease.token == t1 and lease.dead is None
    with pytest.raises(StoreUnavailableError):
        await store.lock("ACM123")  # held: times out after 0.3 s
    await lease.commit(t2)
    await lease.release()  # harmless after commit
    assert await store.load("ACM123") == t2
    # the blocking store reads the same rows
    assert pg.PostgresTokenStore(postgres_dsn(), table=table).load("ACM123") == t2


@pytest.mark.parametrize("workers", [3])
def test_async_processes_and_tasks_refresh_exactly_once_per_rotation(
    served: tuple[Sandbox, str], workers: int
) -> None:
    sb, base_url = served
    key = sb.account_ids[0]
    dsn = postgres_dsn()
    pg.PostgresTokenStore(dsn).delete(key)
    store = pg.PostgresTokenStore(dsn)
    tasks = 3
    for round_ in range(2):
        store.save(key, _grant(sb))
        before = _refreshes(sb)
        barrier, results = FORK.Barrier(workers), FORK.Queue()
        procs = [
            FORK.Process(
                target=async_refresh_in_child,
                args=(dsn, key, base_url, _app(sb), barrier, results, tasks),
            )
            for _ in range(workers)
        ]
        for p in procs:
            p.start()
        outcomes = [results.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(10)
        assert [o[0] for o in outcomes] == ["ok"] * workers, outcomes
        assert _refreshes(sb) - before == 1, f"round {round_}"  # one request per rotation
        # every other source (other tasks, other processes) reloaded the rotated token
        assert sum(o[1] for o in outcomes) == workers * tasks - 1
        stored = store.load(key)
        assert stored is not None
        assert {t for o in outcomes for t in o[2]} == {stored.refresh_token}


async def test_async_cursor_store_compare_and_swap_drives_a_poller(no_threads: None) -> None:
    store = pg.AsyncPostgresCursorStore(postgres_dsn(), table=_table("acur_"))
    assert await store.load("k") is None
    v1 = await store.save("k", {"a": 1}, None)
    assert v1 == 1
    with pytest.raises(CursorConflictError):
        await store.save("k", {"a": 2}, None)  # already created by someone
    v2 = await store.save("k", {"a": 2}, v1)
    with pytest.raises(CursorConflictError, match="expected version 1, found 2"):
        await store.save("k", {"a": 3}, v1)  # stale version
    loaded = await store.load("k")
    assert loaded is not None and loaded.value == {"a": 2} and loaded.version == v2
    with pytest.raises(InvalidRequestError):
        await store.save("k", {"x": float("nan")}, v2)
    await store.delete("k")
    assert await store.load("k") is None

    sb = Sandbox()
    client = sb.create("ACM123", "clients", {"email": "a@example.com"})
    sb.create("ACM123", "invoices", {"customerid": client["id"], "create_date": "2024-03-01"})
    http = httpx.AsyncClient(transport=sb.async_transport())
    async with AsyncFreshBooks(
        access_token=sb.issue_token(), account_id="ACM123", base_url="https://sb", http_client=http
    ) as fb:
        poller = fb.invoices.poll(start=timedelta(days=3650), store=store, key="ACM123:inv")
        activation = await poller.poll_once()
        assert len(activation.items) == 1
        await poller.ack(activation)
    saved = await store.load("ACM123:inv")
    assert saved is not None and saved.value == activation.cursor_after


def test_the_blocking_sdk_refuses_asyncio_stores() -> None:
    dsn = postgres_dsn()
    oauth = OAuthClient("id", "secret", "https://x/cb")
    token = Token("a", "r", datetime(2030, 1, 1, tzinfo=UTC))
    with pytest.raises(InvalidRequestError) as info:
        TokenSource(oauth, token, store=pg.AsyncPostgresTokenStore(dsn), key="k")
    assert info.value.field == "store"
    sb = Sandbox()
    fb = FreshBooks(
        access_token=sb.issue_token(),
        account_id="ACM123",
        base_url="https://sb",
        http_client=httpx.Client(transport=sb.transport()),
        rate_gate=pg.AsyncPostgresRateGate(dsn),
    )
    with pytest.raises(InvalidRequestError) as gate_info:
        fb.clients.list().first_page()
    assert gate_info.value.field == "rate_gate" and sb.request_log == []


# ---- 2. a dead grant is marked in the store --------------------------------------------------


def test_a_dead_grant_is_marked_so_other_processes_spend_no_request(
    served: tuple[Sandbox, str],
) -> None:
    sb, base_url = served
    key = sb.account_ids[0]
    dsn = postgres_dsn()
    store = pg.PostgresTokenStore(dsn)
    store.delete(key)
    grant = _grant(sb)
    store.save(key, grant)
    sb.revoke_token(grant.refresh_token)
    workers = 4
    before = _refreshes(sb)
    barrier, results = FORK.Barrier(workers), FORK.Queue()
    procs = [
        FORK.Process(
            target=refresh_in_child,
            args=("postgres", dsn, key, base_url, _app(sb), barrier, results),
        )
        for _ in range(workers)
    ]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(10)
    assert [o[0] for o in outcomes] == ["error"] * workers
    assert all(o[1].startswith("ReauthorizationRequiredError") for o in outcomes), outcomes
    assert _refreshes(sb) - before == 1  # one refused request, the others read the mark
    lease = store.lock(key)
    assert lease.dead is not None and lease.token == grant  # marked, not overwritten
    lease.release()

    # A re-connect saves a new token: the mark is cleared and the same sources work again.
    oauth = OAuthClient(*_app(sb), api_base_url=base_url, auth_base_url=base_url)
    source = TokenSource.from_store(oauth, store, key)
    with pytest.raises(ReauthorizationRequiredError, match="refused"):
        source.get_token()
    assert _refreshes(sb) - before == 1
    store.save(key, _grant(sb))
    source.get_token()  # reloaded or refreshed, no longer dead
    assert source.reloads == 1


async def test_async_dead_grant_mark_and_reconnect(
    served: tuple[Sandbox, str], no_threads: None
) -> None:
    sb, base_url = served
    store = pg.AsyncPostgresTokenStore(postgres_dsn(), table=_table("adead_"))
    grant = _grant(sb)
    await store.save("ACM123", grant)
    sb.revoke_token(grant.refresh_token)
    oauth = AsyncOAuthClient(*_app(sb), api_base_url=base_url, auth_base_url=base_url)
    first = await AsyncTokenSource.from_store(oauth, store, "ACM123")
    second = await AsyncTokenSource.from_store(oauth, store, "ACM123")
    with pytest.raises(ReauthorizationRequiredError):
        await first.get_token()
    with pytest.raises(ReauthorizationRequiredError, match="refused"):
        await second.get_token()
    assert _refreshes(sb) == 1
    await store.save("ACM123", _grant(sb, expired=False))
    assert await second.get_token() == (await store.load("ACM123")).access_token  # type: ignore[union-attr] # saved above
    assert _refreshes(sb) == 1


# ---- 3. compare-and-swap refresh commits -----------------------------------------------------


@pytest.mark.parametrize("kind", ["blocking", "memory"])
def test_a_deleted_connection_is_never_resaved_by_a_worker_holding_its_token(
    served: tuple[Sandbox, str], kind: str
) -> None:
    sb, base_url = served
    store: Any = (
        pg.PostgresTokenStore(postgres_dsn(), table=_table("del_"))
        if kind == "blocking"
        else MemoryTokenStore()
    )
    store.save("ACM123", _grant(sb))
    oauth = OAuthClient(*_app(sb), api_base_url=base_url, auth_base_url=base_url)
    source = TokenSource.from_store(oauth, store, "ACM123")
    store.delete("ACM123")  # the connection is removed while the worker holds its token
    with pytest.raises(ReauthorizationRequiredError, match="no token stored"):
        source.get_token()
    assert store.load("ACM123") is None and _refreshes(sb) == 0


def test_postgres_commits_and_replaces_are_compare_and_swap() -> None:
    store = pg.PostgresTokenStore(postgres_dsn(), table=_table("cas_"))
    t1, t2, t3 = (Token(f"a{n}", f"r{n}", datetime(2030, 1, n, tzinfo=UTC)) for n in (1, 2, 3))
    lease = store.lock("gone")  # no row
    with pytest.raises(StoreUnavailableError, match="deleted or replaced"):
        lease.commit(t1)
    assert store.load("gone") is None  # not created by the commit
    store.save("k", t1)
    assert store.replace("k", t2, t3) is False  # k holds t1, not t2
    assert store.load("k") == t1
    assert store.replace("k", t1, t2) is True
    assert store.load("k") == t2


async def test_async_refresh_fallback_does_not_recreate_a_deleted_row(
    served: tuple[Sandbox, str], no_threads: None
) -> None:
    sb, base_url = served
    store = pg.AsyncPostgresTokenStore(postgres_dsn(), table=_table("afb_"))
    await store.save("ACM123", _grant(sb))
    real_lock = store.lock

    async def lock_then_lose_the_row(key: str) -> Any:
        lease = await real_lock(key)
        real_commit = lease.commit

        async def commit(token: Token) -> None:
            await lease.release()  # the lock's session dies...
            await store.delete(key)  # ...and the connection is removed meanwhile
            await real_commit(token)

        lease.commit = commit
        return lease

    store.lock = lock_then_lose_the_row  # type: ignore[method-assign] # fault injection
    oauth = AsyncOAuthClient(*_app(sb), api_base_url=base_url, auth_base_url=base_url)
    source = await AsyncTokenSource.from_store(oauth, store, "ACM123")
    with pytest.raises(ReauthorizationRequiredError, match="removed"):
        await source.get_token()
    assert await store.load("ACM123") is None  # the fallback save was a CAS too


# ---- 4. the rate gate's in-process cache -----------------------------------------------------


class Mono:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_rate_gate_cache_costs_no_round_trip_per_request_and_honours_other_workers() -> None:
    dsn, table = postgres_dsn(), _table("gate_")
    mono = Mono()
    mine = pg.PostgresRateGate(dsn, table=table, cache_ttl=0.5, monotonic=mono)
    other = pg.PostgresRateGate(dsn, table=table, cache_ttl=0.5, monotonic=mono)
    sb = Sandbox()
    fb = FreshBooks(
        access_token=sb.issue_token(),
        account_id="ACM123",
        base_url="https://sb",
        http_client=httpx.Client(transport=sb.transport()),
        rate_gate=mine,
        max_retry_wait=0,
    )
    requests = 40
    for i in range(requests):
        mono.t = i * 0.125  # 8 requests per second
        fb.clients.list().first_page()
    assert len(sb.request_log) == requests
    # one read per 0.5 s of cache (t = 0, 0.5, ..., 4.5) instead of one per request
    assert mine.round_trips == 10, mine.round_trips
    mono.t = 100.0
    fb.clients.list().first_page()  # reads (stale) and caches "free" at t = 100
    other.block("ACM123", datetime.now(UTC).timestamp() + 60)  # another worker saw a 429
    mono.t = 100.375  # still within the bound: the cached "free" may be used
    fb.clients.list().first_page()
    mono.t = 100.5  # cache_ttl after the last read: the block is honoured
    with pytest.raises(RateLimitError) as info:
        fb.clients.list().first_page()
    assert info.value.retry_after is not None and info.value.retry_after > 50
    assert len(sb.request_log) == requests + 2
    assert mine.round_trips == 12
    uncached = pg.PostgresRateGate(dsn, table=table, cache_ttl=0)
    uncached.wait_time("ACM123", 0.0)
    uncached.wait_time("ACM123", 0.0)
    assert uncached.round_trips == 2


async def test_async_rate_gate_shared_with_blocking_workers(no_threads: None) -> None:
    dsn, table = postgres_dsn(), _table("agate_")
    mono = Mono()
    gate = pg.AsyncPostgresRateGate(dsn, table=table, cache_ttl=0.25, monotonic=mono)
    blocking = pg.PostgresRateGate(dsn, table=table, cache_ttl=0)
    assert await gate.wait_time("ACM123", 100.0) == 0.0
    await gate.block("ACM123", 130.0)
    assert await gate.wait_time("ACM123", 100.0) == pytest.approx(30.0)  # own block: at once
    assert blocking.wait_time("ACM123", 100.0) == pytest.approx(30.0)
    await gate.block("ACM123", 110.0)  # never shortens
    assert blocking.wait_time("ACM123", 100.0) == pytest.approx(30.0)
    blocking.block("BAY456", 200.0)
    assert await gate.wait_time("BAY456", 100.0) == pytest.approx(100.0)

    sb = Sandbox()
    sb.set_rate_limit("ACM123", 1, 60.0, retry_after=30)
    http = httpx.AsyncClient(transport=sb.async_transport())
    gate2 = pg.AsyncPostgresRateGate(dsn, table=_table("agate_"), monotonic=mono)
    async with AsyncFreshBooks(
        access_token=sb.issue_token(),
        account_id="ACM123",
        base_url="https://sb",
        http_client=http,
        rate_gate=gate2,
        max_retries=0,
        max_retry_wait=0,
    ) as fb:
        await fb.clients.list().first_page()
        with pytest.raises(RateLimitError):
            await fb.clients.list().first_page()  # 429: the gate closes
        with pytest.raises(RateLimitError):
            await fb.clients.list().first_page()  # refused before sending
    assert len(sb.request_log) == 2
    assert gate2.round_trips == 2  # one read (then cached), one block


# ---- 5. max_store_retries through poll() and the Celery fleet --------------------------------


class FlakyCursors(MemoryCursorStore):
    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures
        self.load_failures = 0
        self.saves = 0

    def load(self, key: str) -> Any:
        if self.load_failures > 0:
            self.load_failures -= 1
            raise CursorStoreUnavailableError("database is locked")
        return super().load(key)

    def save(self, key: str, value: Mapping[str, Any], expected_version: int | None) -> int:
        if expected_version is not None and self.failures > 0:
            self.failures -= 1
            raise CursorStoreUnavailableError("database is locked")
        self.saves += 1
        return super().save(key, value, expected_version)


def test_poll_passes_max_store_retries_to_the_poller() -> None:
    sb = Sandbox()
    fb = FreshBooks(
        access_token=sb.issue_token(),
        account_id="ACM123",
        base_url="https://sb",
        http_client=httpx.Client(transport=sb.transport()),
        sleep=lambda s: None,
    )
    store = FlakyCursors(failures=0)
    store.load_failures = 2
    run = iter(fb.invoices.poll(store=store, yield_empty=True, max_store_retries=1))
    with pytest.raises(CursorStoreUnavailableError):
        next(run)  # the store was unavailable twice in a row: one retry allowed
    store2 = FlakyCursors(failures=0)
    store2.load_failures = 2
    run2 = iter(fb.invoices.poll(store=store2, yield_empty=True, max_store_retries=2))
    next(run2)  # two retries allowed: the third cycle went through
    assert store2.load_failures == 0 and store2.saves == 1
    with pytest.raises(InvalidRequestError) as info:
        fb.invoices.poll(store=None, max_store_retries=-1)
    assert info.value.field == "max_store_retries"


def test_celery_poll_cycle_retries_the_ack_max_store_retries_times(
    served: tuple[Sandbox, str],
) -> None:
    pytest.importorskip("celery")
    from celery import Celery

    from freshbooks_sdk.celery import FreshBooksFleet

    sb, base_url = served
    key = sb.account_ids[0]
    tokens = MemoryTokenStore()
    tokens.save(key, _grant(sb, expired=False))
    oauth = OAuthClient(*_app(sb), api_base_url=base_url, auth_base_url=base_url)
    slept: list[float] = []
    client = sb.create(key, "clients", {"email": "c@example.com"})

    def fleet(cursors: FlakyCursors, retries: int) -> FreshBooksFleet:
        return FreshBooksFleet(
            Celery("t", set_as_current=False),
            oauth=oauth,
            token_store=tokens,
            cursor_store=cursors,
            base_url=base_url,
            max_store_retries=retries,
            sleep=slept.append,
        )

    cursors = FlakyCursors(failures=0)
    fleet(cursors, 2).poll_cycle(key, {"start": "2020-01-01T00:00:00Z"})  # seeds the cursor
    sb.create(key, "invoices", {"customerid": client["id"], "create_date": "2024-03-01"})
    cursors.failures = 2
    got: list[Any] = []
    result = fleet(cursors, 2).poll_cycle(key, enqueue=lambda a, p: got.append(p))
    assert result["count"] == 1 and len(got) == 1 and len(slept) == 2
    sb.create(key, "invoices", {"customerid": client["id"], "create_date": "2024-03-02"})
    cursors.failures = 3
    with pytest.raises(CursorStoreUnavailableError):
        fleet(cursors, 2).poll_cycle(key, enqueue=lambda a, p: got.append(p))
    assert len(slept) == 4
    with pytest.raises(InvalidRequestError) as info:
        fleet(cursors, -1)
    assert info.value.field == "max_store_retries"


def test_a_store_without_dead_marks_still_spends_one_request_per_source(
    served: tuple[Sandbox, str], tmp_path: Any
) -> None:
    from freshbooks_sdk.stores import SQLiteTokenStore

    sb, base_url = served
    store = SQLiteTokenStore(tmp_path / "t.db")
    grant = _grant(sb)
    store.save("ACM123", grant)
    sb.revoke_token(grant.refresh_token)
    oauth = OAuthClient(*_app(sb), api_base_url=base_url, auth_base_url=base_url)
    source = TokenSource.from_store(oauth, store, "ACM123")
    for _ in range(3):
        with pytest.raises(ReauthorizationRequiredError):
            source.get_token()
    assert _refreshes(sb) == 1  # the source remembers the refusal
    store.save("ACM123", _grant(sb, expired=False))  # re-connect
    assert source.get_token() == store.load("ACM123").access_token  # type: ignore[union-attr] # saved above
    assert _refreshes(sb) == 1
