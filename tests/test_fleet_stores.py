"""Shared stores for a fleet: token stores (single-flight refresh across processes), the
Postgres cursor store, rate gates and the HTTP core's gate hook.

PostgreSQL is a real server from ``pgserver`` (started once per test process); the
multi-process tests run real worker processes against the sandbox on loopback.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from fleet_support import hold_lock_in_child, make_token_store, postgres_dsn, refresh_in_child
from freshbooks_sdk import AsyncFreshBooks, FreshBooks
from freshbooks_sdk._core.oauth import TOKEN_PATH
from freshbooks_sdk.auth import AsyncOAuthClient, AsyncTokenSource, OAuthClient, Token, TokenSource
from freshbooks_sdk.errors import (
    CorruptCursorError,
    CursorConflictError,
    CursorStoreUnavailableError,
    InvalidRequestError,
    RateLimitError,
    ReauthorizationRequiredError,
)
from freshbooks_sdk.sandbox import Sandbox
from freshbooks_sdk.stores import (
    MemoryRateGate,
    MemoryTokenStore,
    RateGate,
    SQLiteRateGate,
    SQLiteTokenStore,
    StoreUnavailableError,
    TokenStore,
)

UTC = timezone.utc
# Worker processes come from a forkserver: a plain fork of the test process (which runs many
# threads by now: sandbox servers, executors) can deadlock the child on a lock held at fork time.
FORK = multiprocessing.get_context("forkserver")


def _pg() -> Any:
    from freshbooks_sdk.stores import postgres

    return postgres


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def token_store(request: pytest.FixtureRequest, tmp_path: Any) -> TokenStore:
    if request.param == "memory":
        return MemoryTokenStore(lock_timeout=0.3)
    if request.param == "sqlite":
        return SQLiteTokenStore(tmp_path / "tokens.db", lock_timeout=0.3)
    table = "tok_" + uuid.uuid4().hex[:12]
    store: TokenStore = _pg().PostgresTokenStore(postgres_dsn(), table=table, lock_timeout=0.3)
    return store


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def rate_gate(request: pytest.FixtureRequest, tmp_path: Any) -> RateGate:
    if request.param == "memory":
        return MemoryRateGate()
    if request.param == "sqlite":
        return SQLiteRateGate(tmp_path / "gate.db")
    gate: RateGate = _pg().PostgresRateGate(postgres_dsn(), table="gate_" + uuid.uuid4().hex[:12])
    return gate


def tok(n: int, expires: datetime | None = None) -> Token:
    return Token(f"access-{n}", f"refresh-{n}", expires or datetime(2030, 1, 1, tzinfo=UTC))


# ---- token stores ----------------------------------------------------------------------------


def test_token_store_load_save_and_lease(token_store: TokenStore) -> None:
    assert token_store.load("ACM123") is None
    token_store.save("ACM123", tok(1))
    assert token_store.load("ACM123") == tok(1)
    lease = token_store.lock("ACM123")
    assert lease.token == tok(1)
    lease.commit(tok(2))
    lease.release()  # harmless after commit
    assert token_store.load("ACM123") == tok(2)
    lease = token_store.lock("ACM123")
    lease.release()
    assert token_store.load("ACM123") == tok(2)  # released without a change
    with pytest.raises(StoreUnavailableError):
        lease.commit(tok(3))  # a released lease cannot write
    assert token_store.load("ACM123") == tok(2)


def test_token_store_lock_is_exclusive_and_times_out(token_store: TokenStore) -> None:
    token_store.save("k", tok(1))
    lease = token_store.lock("k")
    errors: list[BaseException] = []

    def contender() -> None:
        try:
            token_store.lock("k").release()
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=contender)
    thread.start()
    thread.join(10)
    assert len(errors) == 1 and isinstance(errors[0], StoreUnavailableError)
    assert errors[0].retryable
    lease.release()
    token_store.lock("k").release()  # free again


@pytest.mark.parametrize("bad", ["", 7, "x" * 201, "a\x00b"])
def test_token_store_refuses_bad_keys(token_store: TokenStore, bad: Any) -> None:
    with pytest.raises(InvalidRequestError) as info:
        token_store.save(bad, tok(1))
    assert info.value.field == "key"


def test_damaged_stored_tokens_raise_typed_errors(tmp_path: Any) -> None:
    import sqlite3

    store = SQLiteTokenStore(tmp_path / "t.db")
    with sqlite3.connect(tmp_path / "t.db") as conn:
        conn.execute(
            "INSERT INTO freshbooks_tokens (key, token) VALUES ('k', '{\"access_token\": 1')"
        )
    with pytest.raises(StoreUnavailableError, match="cannot be read"):
        store.load("k")
    with pytest.raises(StoreUnavailableError):
        store.lock("k")
    store.lock("other").release()  # the failed lock did not keep the database locked


def test_postgres_store_failures_are_typed() -> None:
    pg = _pg()
    postgres_dsn()
    with pytest.raises(StoreUnavailableError):
        pg.PostgresTokenStore("postgresql://nobody@127.0.0.1:1/none", connect_timeout=1)
    with pytest.raises(CursorStoreUnavailableError):
        pg.PostgresCursorStore("postgresql://nobody@127.0.0.1:1/none", connect_timeout=1)
    with pytest.raises(InvalidRequestError) as info:
        pg.PostgresTokenStore(postgres_dsn(), table="bad; DROP TABLE x")
    assert info.value.field == "table"


# ---- single-flight refresh across processes ---------------------------------------------------


@pytest.fixture
def served() -> Iterator[tuple[Sandbox, str]]:
    sb = Sandbox()
    with sb.serve(port=0) as base_url:
        yield sb, base_url


def _refreshes(sb: Sandbox) -> int:
    return sum(1 for r in sb.request_log if r.method == "POST" and r.path == TOKEN_PATH)


def _expired_grant(sb: Sandbox) -> Token:
    body = sb.issue_tokens()
    return Token(
        body["access_token"],
        body["refresh_token"],
        datetime.now(UTC).replace(microsecond=0)
        - timedelta(minutes=1),  # due: every process wants to refresh it
        scopes=tuple(str(body["scope"]).split()),
    )


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_processes_sharing_a_token_refresh_it_exactly_once(
    served: tuple[Sandbox, str], tmp_path: Any, kind: str
) -> None:
    sb, base_url = served
    where = str(tmp_path / "tokens.db") if kind == "sqlite" else postgres_dsn()
    key = sb.account_ids[0]
    if kind == "postgres":
        _pg().PostgresTokenStore(where).delete(key)
    store = make_token_store(kind, where)
    app = (sb.client_id, sb.client_secret, sb.redirect_uris[0])
    workers = 6
    for round_ in range(2):
        store.save(key, _expired_grant(sb))
        before = _refreshes(sb)
        barrier, results = FORK.Barrier(workers), FORK.Queue()
        procs = [
            FORK.Process(
                target=refresh_in_child, args=(kind, where, key, base_url, app, barrier, results)
            )
            for _ in range(workers)
        ]
        for p in procs:
            p.start()
        outcomes = [results.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(10)
        assert [o[0] for o in outcomes] == ["ok"] * workers, outcomes
        # exactly one refresh request per rotation, the others reloaded the rotated token
        assert _refreshes(sb) - before == 1, f"round {round_}"
        # the refresher reloads nothing; every other process either found the rotated token when
        # it locked (one reload) or, starting late, first read the store after the rotation was
        # committed (nothing to reload): none refreshes, none reloads twice
        reloads = sorted(o[1] for o in outcomes)
        assert reloads[0] == 0 and set(reloads) <= {0, 1}, reloads
        stored = store.load(key)
        assert stored is not None and {o[2] for o in outcomes} == {stored.refresh_token}
    # the grant is alive: the stored refresh token still works
    oauth = OAuthClient(*app, api_base_url=base_url, auth_base_url=base_url)
    assert oauth.refresh(stored).refresh_token != stored.refresh_token


def test_a_worker_killed_while_refreshing_does_not_block_the_others() -> None:
    pg = _pg()
    key = "kill-" + uuid.uuid4().hex[:8]
    store = pg.PostgresTokenStore(postgres_dsn(), lock_timeout=10)
    store.save(key, tok(1))
    ready = FORK.Event()
    child = FORK.Process(target=hold_lock_in_child, args=("postgres", postgres_dsn(), key, ready))
    child.start()
    assert ready.wait(30)
    quick = pg.PostgresTokenStore(postgres_dsn(), lock_timeout=0.2)
    with pytest.raises(StoreUnavailableError):
        quick.lock(key)  # held by the child
    os.kill(child.pid, signal.SIGKILL)
    child.join(10)
    started = time.monotonic()
    lease = store.lock(key)  # Postgres released the dead session's lock
    assert time.monotonic() - started < 5
    assert lease.token == tok(1)
    lease.release()


def test_dead_grant_raises_reauthorization_only_when_the_stored_token_is_refused(
    served: tuple[Sandbox, str],
) -> None:
    sb, base_url = served
    store = MemoryTokenStore()
    grant = _expired_grant(sb)
    store.save("ACM123", grant)
    sb.revoke_token(grant.refresh_token)
    oauth = OAuthClient(
        sb.client_id, sb.client_secret, sb.redirect_uris[0], api_base_url=base_url,
        auth_base_url=base_url,
    )  # fmt: skip
    source = TokenSource.from_store(oauth, store, "ACM123")
    with pytest.raises(ReauthorizationRequiredError):
        source.get_token()
    assert store.load("ACM123") == grant  # nothing overwritten
    with pytest.raises(ReauthorizationRequiredError, match="no token stored"):
        TokenSource.from_store(oauth, store, "BAY456")


def test_a_rotated_token_is_reloaded_after_a_401(served: tuple[Sandbox, str]) -> None:
    sb, base_url = served
    store = MemoryTokenStore()
    body = sb.issue_tokens()
    fresh = Token(
        body["access_token"],
        body["refresh_token"],
        datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1),
    )
    store.save("ACM123", fresh)
    oauth = OAuthClient(
        sb.client_id, sb.client_secret, sb.redirect_uris[0], api_base_url=base_url,
        auth_base_url=base_url,
    )  # fmt: skip
    mine = TokenSource.from_store(oauth, store, "ACM123")
    other = TokenSource.from_store(oauth, store, "ACM123")
    rotated = other.refresh()  # another worker rotated it
    sb.revoke_token(fresh.access_token)  # FreshBooks may reject the old access token
    before = _refreshes(sb)
    with FreshBooks(token_source=mine, account_id="ACM123", base_url=base_url) as fb:
        fb.identity.businesses()
    assert _refreshes(sb) == before  # reloaded, not refreshed (its refresh token is spent)
    assert mine.token == rotated and mine.reloads == 1


async def test_async_source_with_a_store_refreshes_once_for_concurrent_tasks(
    tmp_path: Any,
) -> None:
    sb = Sandbox()
    store = SQLiteTokenStore(tmp_path / "t.db")
    store.save("ACM123", _expired_grant(sb))
    http = httpx.AsyncClient(transport=sb.async_transport())
    oauth = AsyncOAuthClient(
        sb.client_id, sb.client_secret, sb.redirect_uris[0], api_base_url="https://sb",
        auth_base_url="https://sb", http_client=http,
    )  # fmt: skip
    sources = [await AsyncTokenSource.from_store(oauth, store, "ACM123") for _ in range(3)]
    clients = [
        AsyncFreshBooks(
            token_source=s, account_id="ACM123", base_url="https://sb", http_client=http
        )
        for s in sources
    ]
    await asyncio.gather(*(c.identity.businesses() for c in clients for _ in range(3)))
    assert _refreshes(sb) == 1
    assert sum(s.reloads for s in sources) == 2
    await http.aclose()


def test_source_refuses_half_a_store_configuration() -> None:
    oauth = OAuthClient("id", "secret", "https://x/cb")
    with pytest.raises(InvalidRequestError) as info:
        TokenSource(oauth, tok(1), store=MemoryTokenStore())
    assert info.value.field == "key"
    with pytest.raises(InvalidRequestError) as info:
        TokenSource(oauth, tok(1), store=object(), key="k")  # type: ignore[arg-type] # the point
    assert info.value.field == "store"


# ---- Postgres cursor store -------------------------------------------------------------------


def test_postgres_cursor_store_compare_and_swap() -> None:
    pg = _pg()
    store = pg.PostgresCursorStore(postgres_dsn(), table="cur_" + uuid.uuid4().hex[:12])
    assert store.load("k") is None
    assert store.save("k", {"v": 1}, None) == 1
    with pytest.raises(CursorConflictError):
        store.save("k", {"v": 9}, None)
    assert store.save("k", {"v": 2}, 1) == 2
    with pytest.raises(CursorConflictError):
        store.save("k", {"v": 9}, 1)
    loaded = store.load("k")
    assert loaded is not None and loaded.value == {"v": 2} and loaded.version == 2
    with pytest.raises(InvalidRequestError):
        store.save("k", {"v": float("nan")}, 2)
    # many savers from the same version: exactly one wins
    wins: list[int] = []
    conflicts: list[int] = []

    def saver(i: int) -> None:
        other = pg.PostgresCursorStore(postgres_dsn(), table=store.table)
        try:
            wins.append(other.save("k", {"v": i}, 2))
        except CursorConflictError:
            conflicts.append(i)

    threads = [threading.Thread(target=saver, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wins == [3] and len(conflicts) == 5
    store._db.run("damage", lambda c: c.execute(f"UPDATE {store.table} SET value = '[1]'".encode()))
    with pytest.raises(CorruptCursorError):
        store.load("k")
    store.delete("k")
    assert store.load("k") is None


def test_postgres_cursor_store_drives_a_poller() -> None:
    pg = _pg()
    store = pg.PostgresCursorStore(postgres_dsn(), table="cur_" + uuid.uuid4().hex[:12])
    sb = Sandbox()
    with FreshBooks(
        access_token=sb.issue_token(),
        account_id="ACM123",
        base_url="https://sb",
        http_client=httpx.Client(transport=sb.transport()),
    ) as fb:
        client = sb.create("ACM123", "clients", {"email": "a@b.com"})
        sb.create(
            "ACM123",
            "invoices",
            {"customerid": client["id"], "create_date": "2024-03-01", "lines": []},
        )
        poller = fb.invoices.poll(store=store, key="ACM123:invoices", start=timedelta(days=2))
        activation = poller.poll_once()
        assert len(activation.items) == 1
        activation.ack()
        saved = store.load("ACM123:invoices")
        assert saved is not None and saved.value == activation.cursor_after


# ---- rate gates ------------------------------------------------------------------------------


def test_rate_gate_semantics(rate_gate: RateGate) -> None:
    assert rate_gate.wait_time("ACM123", 100.0) == 0.0
    rate_gate.block("ACM123", 130.0)
    assert rate_gate.wait_time("ACM123", 100.0) == pytest.approx(30.0)
    assert rate_gate.wait_time("BAY456", 100.0) == 0.0  # per account
    rate_gate.block("ACM123", 110.0)  # an earlier end never shortens a block
    assert rate_gate.wait_time("ACM123", 100.0) == pytest.approx(30.0)
    assert rate_gate.wait_time("ACM123", 131.0) == 0.0
    with pytest.raises(InvalidRequestError):
        rate_gate.block("ACM123", float("inf"))


class FakeTime:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)
        self.slept: list[float] = []

    def clock(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)


def test_a_429_seen_by_one_worker_makes_the_others_wait() -> None:
    t = FakeTime()
    sb = Sandbox(clock=t.clock)
    sb.set_rate_limit("ACM123", 1, 60.0, retry_after=30)
    gate = MemoryRateGate()

    def worker() -> FreshBooks:
        return FreshBooks(
            access_token=sb.issue_token(),
            account_id="ACM123",
            base_url="https://sb",
            http_client=httpx.Client(transport=sb.transport()),
            rate_gate=gate,
            sleep=t.sleep,
            clock=t.clock,
            max_retries=0,
        )

    a, b = worker(), worker()
    a.clients.list().first_page()
    with pytest.raises(RateLimitError):
        a.clients.list().first_page()  # 429: the gate closes for 30 s
    sent = len(sb.request_log)
    b_other = b.with_account("BAY456")  # gated by its own account (see test_fleet_review)
    assert b_other is not None
    sb.set_rate_limit("ACM123", None)
    b.clients.list().first_page()
    assert t.slept == [pytest.approx(30.0)]  # b waited without sending
    assert len(sb.request_log) == sent + 1


def test_a_gate_closed_longer_than_max_retry_wait_raises_before_sending() -> None:
    t = FakeTime()
    sb = Sandbox(clock=t.clock)
    gate = MemoryRateGate()
    gate.block("ACM123", t.now.timestamp() + 600)
    fb = FreshBooks(
        access_token=sb.issue_token(),
        account_id="ACM123",
        base_url="https://sb",
        http_client=httpx.Client(transport=sb.transport()),
        rate_gate=gate,
        sleep=t.sleep,
        clock=t.clock,
        max_retry_wait=60,
    )
    with pytest.raises(RateLimitError) as info:
        fb.clients.list().first_page()
    assert info.value.retry_after == pytest.approx(600)
    assert sb.request_log == [] and t.slept == []
    with pytest.raises(InvalidRequestError) as bad:
        FreshBooks(access_token="t", account_id="ACM123", rate_gate=object())  # type: ignore[arg-type] # the point
    assert bad.value.field == "rate_gate"


@pytest.mark.parametrize(
    "name",
    [
        "freshbooks_sdk.stores",
        "freshbooks_sdk.stores.postgres",
        "freshbooks_sdk.stores._pg",
        "freshbooks_sdk.celery",
    ],
)
def test_fleet_module_doctests(name: str) -> None:
    import doctest
    import importlib

    pytest.importorskip("celery")
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    if name != "freshbooks_sdk.stores.postgres":  # its examples need a database (skipped)
        assert result.attempted > 0


def test_a_refreshed_token_is_saved_even_when_the_lock_session_fails(
    served: tuple[Sandbox, str],
) -> None:
    sb, base_url = served

    class FlakyLeaseStore(MemoryTokenStore):
        def lock(self, key: str) -> Any:
            lease = super().lock(key)
            real_release = lease.release

            def broken_commit(token: Token) -> None:
                real_release()
                raise StoreUnavailableError("connection lost")

            lease.commit = broken_commit
            return lease

    store = FlakyLeaseStore()
    store.save("ACM123", _expired_grant(sb))
    oauth = OAuthClient(
        sb.client_id, sb.client_secret, sb.redirect_uris[0], api_base_url=base_url,
        auth_base_url=base_url,
    )  # fmt: skip
    source = TokenSource.from_store(oauth, store, "ACM123")
    access = source.get_token()
    stored = store.load("ACM123")
    assert stored is not None and stored.access_token == access  # the grant survived
