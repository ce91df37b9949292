"""Every token store has the same public surface (``delete``, ``replace``, ``keys``, the dead
mark on the lease); the Postgres stores offer an explicit ``create_table()`` and survive many
first uses at once; the blocking Postgres stores are generated from the asyncio ones.

PostgreSQL is a real server from ``pgserver``; the sandbox runs on loopback.
"""

from __future__ import annotations

import asyncio
import importlib.util
import multiprocessing
import os
import shutil
import sqlite3
import sys
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from fleet_support import postgres_dsn
from freshbooks_sdk import cli
from freshbooks_sdk._core.oauth import TOKEN_PATH
from freshbooks_sdk.auth import OAuthClient, Token, TokenSource
from freshbooks_sdk.errors import CursorStoreBrokenError, ReauthorizationRequiredError
from freshbooks_sdk.sandbox import Sandbox
from freshbooks_sdk.stores import (
    MemoryTokenStore,
    SQLiteTokenStore,
    StoreBrokenError,
    StoreUnavailableError,
    encode_token,
)

UTC = timezone.utc
FORK = multiprocessing.get_context("forkserver")
ROOT = Path(__file__).resolve().parents[1]


def tok(n: int) -> Token:
    return Token(f"access-{n}", f"refresh-{n}", datetime(2030, 1, 1, tzinfo=UTC))


def _table(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:12]


def _pg() -> Any:
    return pytest.importorskip("freshbooks_sdk.stores.postgres")


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    if request.param == "memory":
        return MemoryTokenStore(lock_timeout=0.3)
    if request.param == "sqlite":
        return SQLiteTokenStore(tmp_path / "tokens.db", lock_timeout=0.3)
    return _pg().PostgresTokenStore(postgres_dsn(), table=_table("surf_"), lock_timeout=0.3)


# ---- one surface -----------------------------------------------------------------------------


def test_delete_replace_and_keys(store: Any) -> None:
    assert store.keys() == []
    store.save("b", tok(1))
    store.save("a", tok(2))
    assert store.keys() == ["a", "b"]
    assert store.replace("a", tok(9), tok(3)) is False  # not what is stored: nothing written
    assert store.load("a") == tok(2)
    assert store.replace("a", tok(2), tok(3)) is True
    assert store.load("a") == tok(3)
    assert store.delete("a") is True
    assert store.delete("a") is False  # already gone
    assert store.load("a") is None and store.keys() == ["b"]
    assert store.replace("a", tok(3), tok(4)) is False  # a deleted key is not re-created
    assert store.load("a") is None


def test_the_dead_mark_is_kept_until_a_new_token_is_saved(store: Any) -> None:
    store.save("k", tok(1))
    lease = store.lock("k")
    assert lease.token == tok(1) and lease.dead is None
    lease.mark_dead("invalid_grant")
    lease.mark_dead("again")  # released already: harmless
    again = store.lock("k")  # the mark released the lock
    assert again.dead == "invalid_grant" and again.token == tok(1)  # marked, not overwritten
    again.release()
    assert store.load("k") == tok(1)
    store.save("k", tok(2))  # a re-connect clears the mark
    fresh = store.lock("k")
    assert fresh.dead is None and fresh.token == tok(2)
    fresh.mark_dead("refused")
    assert store.replace("k", tok(2), tok(3)) is True  # a compare-and-swap save clears it too
    cleared = store.lock("k")
    assert cleared.dead is None
    cleared.release()
    # Marking a key without a row creates none.
    missing = store.lock("nobody")
    assert missing.token is None and missing.dead is None
    missing.mark_dead("refused")
    assert store.load("nobody") is None and "nobody" not in store.keys()


def test_delete_waits_for_a_refresh_in_progress(store: Any) -> None:
    """A delete while another worker holds the refresh lock waits for it; held past the lock
    timeout it is a retryable StoreUnavailableError and nothing is deleted."""
    store.save("k", tok(1))
    lease = store.lock("k")
    if isinstance(store, MemoryTokenStore):
        assert store.delete("k") is True  # one process: nothing to wait for across processes
        lease.release()
        return
    with pytest.raises(StoreUnavailableError) as info:
        store.delete("k") if isinstance(store, SQLiteTokenStore) else _pg_delete_locked(store)
    assert info.value.retryable
    assert store.load("k") == tok(1)
    lease.release()
    assert store.delete("k") is True


def _pg_delete_locked(store: Any) -> None:
    """Postgres deletes a row only after its row lock is free: with a short statement timeout
    the delete gives up while the lease holds it."""
    short = _pg().PostgresTokenStore(postgres_dsn(), table=store.table, statement_timeout=0.3)
    short.delete("k")


def test_sqlite_delete_leaves_no_secret_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "tokens.db"
    store = SQLiteTokenStore(path)
    gone = Token("secret-access-gone", "secret-refresh-gone", datetime(2030, 1, 1, tzinfo=UTC))
    store.save("gone", gone)
    store.save("kept", Token("kept-access", "kept-refresh", datetime(2030, 1, 1, tzinfo=UTC)))
    assert store.delete("gone") is True
    on_disk = b"".join(p.read_bytes() for p in tmp_path.glob("tokens.db*"))
    assert b"secret-access-gone" not in on_disk and b"secret-refresh-gone" not in on_disk
    assert b"kept-access" in on_disk  # the check above could fail


def _garbage(path: Path) -> None:
    for extra in path.parent.glob(f"{path.name}-*"):
        extra.unlink()
    path.write_bytes(b"not a database " * 500)


def test_sqlite_surface_on_a_damaged_store_is_broken_not_retryable(tmp_path: Path) -> None:
    path = tmp_path / "tokens.db"
    store = SQLiteTokenStore(path)
    store.save("k", tok(1))
    lease = store.lock("k")
    _garbage(path)
    for call in (
        lambda: store.delete("k"),
        lambda: store.keys(),
        lambda: store.replace("k", tok(1), tok(2)),
    ):
        with pytest.raises(StoreBrokenError) as info:
            call()
        assert not info.value.retryable
    lease.release()
    with pytest.raises(StoreBrokenError):
        SQLiteTokenStore(path)


def test_sqlite_mark_dead_failure_is_typed_and_releases(tmp_path: Path) -> None:
    """The mark cannot be written (the table was replaced by one without the column): a typed
    error, and the lock is released all the same."""
    path = tmp_path / "tokens.db"
    store = SQLiteTokenStore(path, lock_timeout=0.3)
    store.save("k", tok(1))
    lease = store.lock("k")
    with sqlite3.connect(path, timeout=0.1, isolation_level=None) as raw:
        with pytest.raises(sqlite3.OperationalError):  # the lease holds the write lock
            raw.execute("DROP TABLE freshbooks_tokens")
    lease._conn.execute("ALTER TABLE freshbooks_tokens DROP COLUMN dead")  # in its transaction
    with pytest.raises(StoreBrokenError, match="dead"):
        lease.mark_dead("refused")
    store.lock("k").release()  # not held any more


def _open_at_once(path: Path, openers: int = 6) -> list[BaseException]:
    """Open ``path`` as a token store from ``openers`` threads at the same moment."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(openers)

    def open_it() -> None:
        try:
            barrier.wait(5)
            SQLiteTokenStore(path).keys()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(openers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return errors


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_sqlite_adds_the_dead_column_to_an_older_table(tmp_path: Path, journal: str) -> None:
    """A file written by an earlier version (no ``dead`` column; WAL as that version left it,
    or a rollback journal): opened by many threads at once, the column is added once and every
    opener works (switching the file to WAL does not wait for the busy timeout: the openers
    that lose that race go on)."""
    for round_ in range(5):
        path = tmp_path / f"old{round_}.db"
        with sqlite3.connect(path) as raw:
            raw.execute(f"PRAGMA journal_mode={journal}")
            raw.execute(
                "CREATE TABLE freshbooks_tokens (key TEXT PRIMARY KEY, token TEXT NOT NULL)"
            )
            raw.execute("INSERT INTO freshbooks_tokens VALUES (?, ?)", ("k", encode_token(tok(1))))
        assert _open_at_once(path) == []
        with sqlite3.connect(path) as raw:
            columns = [row[1] for row in raw.execute("PRAGMA table_info(freshbooks_tokens)")]
        assert columns == ["key", "token", "dead"]
    store = SQLiteTokenStore(path)
    lease = store.lock("k")
    assert lease.token == tok(1)
    lease.mark_dead("refused")
    assert store.lock("k").dead == "refused"


# ---- the dead mark through TokenSource (SQLite) ----------------------------------------------


def test_sqlite_dead_grant_spares_other_sources_a_request(tmp_path: Path) -> None:
    """The first source's refused refresh marks the grant dead in the file; another source
    (another process would open its own store object, as here) raises without a request; a
    re-connect's ``save`` clears the mark."""
    sb = Sandbox()
    body = sb.issue_tokens()
    grant = Token(body["access_token"], body["refresh_token"], datetime.now(UTC) - timedelta(1))
    path = tmp_path / "tokens.db"
    SQLiteTokenStore(path).save("ACM", grant)
    sb.revoke_token(grant.refresh_token)
    http = httpx.Client(transport=sb.transport())
    oauth = OAuthClient(sb.client_id, sb.client_secret, sb.redirect_uris[0], http_client=http)
    refreshes = [r for r in sb.request_log if r.path == TOKEN_PATH]
    first = TokenSource.from_store(oauth, SQLiteTokenStore(path), "ACM")
    with pytest.raises(ReauthorizationRequiredError):
        first.get_token()
    refused = [r for r in sb.request_log if r.path == TOKEN_PATH]
    assert len(refused) == len(refreshes) + 1
    second = TokenSource.from_store(oauth, SQLiteTokenStore(path), "ACM")
    with pytest.raises(ReauthorizationRequiredError, match="refused"):
        second.get_token()
    assert [r for r in sb.request_log if r.path == TOKEN_PATH] == refused  # the mark, no request
    fresh = sb.issue_tokens()
    expires = datetime.now(UTC) + timedelta(1)
    SQLiteTokenStore(path).save(
        "ACM", Token(fresh["access_token"], fresh["refresh_token"], expires)
    )
    assert second.get_token() == fresh["access_token"]


# ---- the CLI's disconnect uses the store -----------------------------------------------------


def test_cli_disconnect_deletes_through_the_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "connection.json"
    fields = cli.connection.save_connection_token(config, tok(1))
    calls: list[str] = []
    real = SQLiteTokenStore.delete

    def spy(self: SQLiteTokenStore, key: str) -> bool:
        calls.append(key)
        return real(self, key)

    monkeypatch.setattr(SQLiteTokenStore, "delete", spy)
    assert cli.connection.forget_connection_token(config, fields) is True
    assert calls == [cli.connection.TOKEN_KEY]
    assert not cli.token_store_path(config).exists()  # empty: removed
    assert cli.connection.forget_connection_token(config, fields) is False


@pytest.mark.parametrize("fault", ["locked", "damaged"])
def test_cli_disconnect_on_a_locked_or_damaged_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    """A store another process keeps locked fails the disconnect as "try again" (exit 5) and
    keeps its token (nothing half-deleted); one that is not a database any more as "connect
    again" (exit 3). Never a traceback."""
    config = tmp_path / "connection.json"
    fields = cli.connection.save_connection_token(config, tok(1))
    store_path = cli.token_store_path(config)
    holder = None
    if fault == "locked":
        monkeypatch.setattr(SQLiteTokenStore.__init__, "__kwdefaults__", {"lock_timeout": 0.2})
        holder = SQLiteTokenStore(store_path).lock(cli.connection.TOKEN_KEY)
    else:
        _garbage(store_path)
    with pytest.raises(cli.CliError) as info:
        cli.connection.forget_connection_token(config, fields)
    if holder is None:  # damaged: connect again
        assert info.value.error["type"] == "not_connected" and info.value.code == cli.EXIT_AUTH
        assert "connect` again" in info.value.error["message"]
    else:  # locked: try again later
        assert info.value.error["type"] == "timeout" and info.value.code == cli.EXIT_RETRY
        assert "cannot remove the token" in info.value.error["message"]
    if holder is not None:
        holder.release()
        assert SQLiteTokenStore(store_path).load(cli.connection.TOKEN_KEY) == tok(1)
        assert cli.connection.forget_connection_token(config, fields) is True


# ---- Postgres: explicit, idempotent table creation -------------------------------------------


def test_auto_create_off_and_explicit_create_table() -> None:
    pg = _pg()
    dsn = postgres_dsn()
    table = _table("ctab_")
    blocking = pg.PostgresTokenStore(dsn, table=table, auto_create=False)  # runs no DDL
    with pytest.raises(StoreBrokenError, match="UndefinedTable"):
        blocking.load("k")
    blocking.create_table()
    blocking.create_table()  # idempotent
    blocking.save("k", tok(1))
    cursors = pg.PostgresCursorStore(dsn, table=_table("ccur_"), auto_create=False)
    with pytest.raises(CursorStoreBrokenError, match="UndefinedTable"):
        cursors.load("k")
    cursors.create_table()
    assert cursors.save("k", {"since": 1}, None) == 1
    gate = pg.PostgresRateGate(dsn, table=_table("cgat_"), auto_create=False, cache_ttl=0)
    gate.create_table()
    gate.block("k", 100.0)
    assert gate.wait_time("k", 90.0) == 10.0

    async def main() -> None:
        store = pg.AsyncPostgresTokenStore(dsn, table=table, auto_create=False)
        assert await store.load("k") == tok(1)  # the blocking store created it
        other = pg.AsyncPostgresTokenStore(dsn, table=_table("actab_"), auto_create=False)
        with pytest.raises(StoreBrokenError):
            await other.load("k")
        await other.create_table()
        await other.create_table()
        await other.save("k", tok(2))
        assert await other.keys() == ["k"]
        assert await other.delete("k") is True and await other.delete("k") is False

    asyncio.run(main())


def test_create_table_upgrades_an_older_token_table() -> None:
    """A table created before the ``dead`` column existed gets it from ``create_table()``."""
    import psycopg

    pg = _pg()
    dsn, table = postgres_dsn(), _table("old_")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            f"CREATE TABLE {table} (key text PRIMARY KEY, token text NOT NULL, "
            "updated_at timestamptz NOT NULL DEFAULT now())".encode()
        )
    store = pg.AsyncPostgresTokenStore(dsn, table=table, auto_create=False)

    async def main() -> str | None:
        await store.create_table()
        await store.save("k", tok(1))
        lease = await store.lock("k")
        await lease.mark_dead("refused")
        again = await store.lock("k")
        await again.release()
        return again.dead

    assert asyncio.run(main()) == "refused"


def _count_ddl(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Record every CREATE TABLE statement the asyncio stores send."""
    import psycopg

    seen: list[bytes] = []
    real = psycopg.AsyncConnection.execute

    async def execute(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query, bytes) and query.startswith(b"CREATE TABLE"):
            seen.append(query)
        return await real(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.AsyncConnection, "execute", execute)
    return seen


def test_concurrent_first_use_from_many_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Twelve tasks on one store and four more stores, all starting on a table that does not
    exist yet: no error, one table, and the shared store runs its DDL once (not per task)."""
    import psycopg

    pg = _pg()
    dsn, table = postgres_dsn(), _table("race_")
    ddl = _count_ddl(monkeypatch)

    async def main() -> None:
        shared = pg.AsyncPostgresTokenStore(dsn, table=table)
        others = [pg.AsyncPostgresTokenStore(dsn, table=table) for _ in range(4)]
        calls = [shared.save(f"k{i}", tok(i)) for i in range(12)]
        calls += [s.load("k0") for s in others]
        await asyncio.gather(*calls)
        assert await shared.keys() == sorted(f"k{i}" for i in range(12))

    asyncio.run(main())
    assert len(ddl) == 1 + 4  # once per store object, serialized by the advisory lock
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_class WHERE relname = %s AND relkind = 'r'", (table,)
        ).fetchone()
    assert row == (1,)


def _first_use_in_child(dsn: str, tables: tuple[str, str, str], barrier: Any, out: Any) -> None:
    """One worker: a blocking and an asyncio store first used at the same moment as others."""
    try:
        from freshbooks_sdk.stores import postgres as pg

        barrier.wait(30)
        pg.PostgresTokenStore(dsn, table=tables[0]).save(f"k{os.getpid()}", tok(1))

        async def main() -> None:
            cursors = pg.AsyncPostgresCursorStore(dsn, table=tables[1])
            await cursors.save(f"k{os.getpid()}", {"since": 1}, None)
            await pg.AsyncPostgresRateGate(dsn, table=tables[2]).block("acct", 10.0)

        asyncio.run(main())
        out.put("ok")
    except BaseException as exc:  # reported to the parent, which fails the test
        out.put(f"{type(exc).__name__}: {exc}")


def test_concurrent_first_use_from_many_processes() -> None:
    import psycopg

    dsn = postgres_dsn()
    _pg()
    tables = (_table("ptok_"), _table("pcur_"), _table("pgat_"))
    workers = 4
    barrier, out = FORK.Barrier(workers), FORK.Queue()
    procs = [
        FORK.Process(target=_first_use_in_child, args=(dsn, tables, barrier, out))
        for _ in range(workers)
    ]
    for p in procs:
        p.start()
    results = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(10)
    assert results == ["ok"] * workers
    with psycopg.connect(dsn) as conn:
        for table in tables:
            count = conn.execute(f"SELECT count(*) FROM {table}".encode()).fetchone()
            assert count == ((1,) if table.startswith("pgat_") else (workers,))


# ---- one brain, two shells -------------------------------------------------------------------


def _unasync() -> Any:
    spec = importlib.util.spec_from_file_location("unasync_script", ROOT / "scripts" / "unasync.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["unasync_script"] = module
    spec.loader.exec_module(module)
    return module


def test_the_blocking_postgres_stores_are_generated(tmp_path: Path) -> None:
    """``unasync --check`` covers the stores pair: a hand edit of the generated blocking module
    is reported, and the committed one matches a fresh generation."""
    unasync = _unasync()
    assert (unasync.STORES_SRC, unasync.STORES_DST) in unasync.PAIRS
    assert unasync.drift(unasync.STORES_SRC, unasync.STORES_DST) == []
    copy = tmp_path / "_sync"
    shutil.copytree(unasync.STORES_DST, copy)
    generated = copy / "postgres.py"
    generated.write_text(generated.read_text().replace("FOR UPDATE", "FOR SHARE") + "\nx = 1\n")
    problems = unasync.drift(unasync.STORES_SRC, unasync.STORES_DST, copy)
    assert len(problems) == 1 and "postgres.py" in problems[0] and "+x = 1" in problems[0]
    (copy / "postgres.py").unlink()
    assert unasync.drift(unasync.STORES_SRC, unasync.STORES_DST, copy) == [
        f"missing generated file {copy.as_posix()}/postgres.py"
    ]
    text = (unasync.STORES_DST / "postgres.py").read_text()
    assert text.startswith(
        "# GENERATED by scripts/unasync.py from src/freshbooks_sdk/stores/_async"
    )
    assert "async def" not in text and "await " not in text and "import asyncio" not in text
    assert "return None" in text  # the pragma'd line


def test_public_names_are_unchanged() -> None:
    pg = _pg()
    names: dict[str, Callable[..., Any]] = {n: getattr(pg, n) for n in pg.__all__}
    assert sorted(names) == [
        "AsyncPostgresCursorStore",
        "AsyncPostgresRateGate",
        "AsyncPostgresTokenStore",
        "PostgresCursorStore",
        "PostgresRateGate",
        "PostgresTokenStore",
    ]
    assert not asyncio.iscoroutinefunction(pg.PostgresTokenStore.load)
    assert asyncio.iscoroutinefunction(pg.AsyncPostgresTokenStore.load)
    assert (
        repr(pg.PostgresTokenStore(postgres_dsn()))
        == "PostgresTokenStore(table='freshbooks_tokens')"
    )
