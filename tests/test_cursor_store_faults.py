"""Cursor store faults, on real SQLite files, alone and under a running poller.

Permanent faults (the file overwritten with garbage, a changed schema, a read-only database, a
corrupt cursor, a version that is not an int) raise at once: a typed error, no backoff. Transient
ones (a lock held by another process, a full disk) are waited for, a bounded number of times.
The tests run as root, for whom ``chmod`` does not make a file read-only: read-only is made with
SQLite's own ``PRAGMA query_only`` on the store's connections, and with ``read_only=True``.
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from freshbooks_sdk._async.poller import AsyncPoller
from freshbooks_sdk._sync.poller import Poller
from freshbooks_sdk.cursors import (
    MemoryCursorStore,
    SQLiteCursorStore,
    is_transient_sqlite_error,
)
from freshbooks_sdk.errors import (
    CorruptCursorError,
    CursorError,
    CursorStoreBrokenError,
    CursorStoreUnavailableError,
    FreshBooksError,
    InvalidRequestError,
)
from test_poller_shell import FakeClock, FakeServer, SleepLog, z

TABLE = "freshbooks_cursors"


class FaultyStore(SQLiteCursorStore):
    """A real SQLite store whose connections can be switched to read-only or to a tiny page
    budget (a full disk) mid-run, as an operator or the OS would, but in a way root obeys."""

    read_only_now = False
    max_pages: int | None = None

    def _connect(self) -> sqlite3.Connection:
        conn = super()._connect()
        if self.read_only_now:
            conn.execute("PRAGMA query_only = ON")
        if self.max_pages is not None:
            conn.execute(f"PRAGMA max_page_count = {self.max_pages}")
        return conn


def garbage(path: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(os.urandom(64) + b"not a database" * 300)


def sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "cursors.db"


# -------------------------------------------------------------------------------------------
# the store alone
# -------------------------------------------------------------------------------------------


def broken(fn: Callable[[], object], match: str) -> CursorStoreBrokenError:
    with pytest.raises(CursorStoreBrokenError, match=match) as info:
        fn()
    assert not info.value.retryable and isinstance(info.value, (CursorError, FreshBooksError))
    assert isinstance(info.value.__cause__, sqlite3.Error)
    return info.value


def test_garbage_file_is_broken_for_every_call(path: Path) -> None:
    store = SQLiteCursorStore(path)
    store.save("k", {"v": 1}, None)
    garbage(path)
    broken(lambda: store.load("k"), "not a database")
    broken(lambda: store.save("k", {"v": 2}, 1), "not a database")
    broken(lambda: store.delete("k"), "not a database")
    broken(lambda: SQLiteCursorStore(path), "cannot open .* not a database")


def test_schema_changes_are_broken(path: Path) -> None:
    store = SQLiteCursorStore(path)
    store.save("k", {"v": 1}, None)
    sql(path, f"ALTER TABLE {TABLE} RENAME COLUMN value TO payload")
    broken(lambda: store.load("k"), "no such column: value")
    broken(lambda: store.save("k", {"v": 2}, 1), "no such column: value")
    sql(path, f"DROP TABLE {TABLE}")
    broken(lambda: store.load("k"), "no such table")
    broken(lambda: store.delete("k"), "no such table")
    broken(lambda: SQLiteCursorStore(path, read_only=True), "no such table")


def test_read_only_database_is_broken(path: Path) -> None:
    store = FaultyStore(path)
    store.save("k", {"v": 1}, None)
    store.read_only_now = True
    loaded = store.load("k")  # reading still works
    assert loaded is not None and loaded.version == 1
    broken(lambda: store.save("k", {"v": 2}, 1), "readonly")
    broken(lambda: store.delete("k"), "readonly")
    store.read_only_now = False
    assert store.save("k", {"v": 2}, 1) == 2


def test_read_only_option(path: Path) -> None:
    SQLiteCursorStore(path).save("k", {"v": 1}, None)
    viewer = SQLiteCursorStore(path, read_only=True)
    assert "read_only=True" in repr(viewer) and viewer.read_only
    loaded = viewer.load("k")
    assert loaded is not None and loaded.value == {"v": 1}
    broken(lambda: viewer.save("k", {"v": 2}, 1), "readonly")
    broken(lambda: viewer.delete("k"), "readonly")
    broken(lambda: SQLiteCursorStore(path.with_name("absent.db"), read_only=True), "unable to open")
    assert not path.with_name("absent.db").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file modes")
def test_chmod_read_only_file_is_broken(path: Path) -> None:
    store = SQLiteCursorStore(path)
    store.save("k", {"v": 1}, None)
    path.chmod(0o444)
    try:
        broken(lambda: SQLiteCursorStore(path).save("k", {"v": 2}, 1), "readonly")
    finally:
        path.chmod(0o644)


def test_unopenable_file_is_broken_for_delete(tmp_path: Path) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    store = SQLiteCursorStore(folder / "c.db")
    for name in os.listdir(folder):
        (folder / name).unlink()
    folder.rmdir()
    broken(lambda: store.delete("k"), "unable to open")
    broken(lambda: store.load("k"), "unable to open")
    (tmp_path / "dir.db").mkdir()
    broken(lambda: SQLiteCursorStore(tmp_path / "dir.db"), "cannot open")


@pytest.mark.parametrize("version", ["'2'", "'two'", "2.5", "x'00'", "NULL"])
def test_stored_version_of_the_wrong_type_is_corrupt(path: Path, version: str) -> None:
    store = SQLiteCursorStore(path)
    store.save("k", {"v": 1}, None)
    # NOT NULL holds on the original table; a hand-made one may not have it
    sql(
        path,
        f"ALTER TABLE {TABLE} RENAME TO old",
        f"CREATE TABLE {TABLE} (key TEXT PRIMARY KEY, value TEXT, version)",
        f"INSERT INTO {TABLE} SELECT key, value, {version} FROM old",
    )
    for call in (lambda: store.load("k"), lambda: store.save("k", {"v": 2}, 1)):
        with pytest.raises(CorruptCursorError, match="bad version"):
            call()


@pytest.mark.parametrize("store_kind", ["memory", "sqlite"])
@pytest.mark.parametrize("expected", ["1", 1.0, True, b"1", [1]])
def test_expected_version_of_the_wrong_type_is_refused(
    path: Path, store_kind: str, expected: Any
) -> None:
    store = MemoryCursorStore() if store_kind == "memory" else SQLiteCursorStore(path)
    store.save("k", {"v": 1}, None)
    with pytest.raises(InvalidRequestError) as info:
        store.save("k", {"v": 2}, expected)
    assert info.value.field == "expected_version"
    loaded = store.load("k")
    assert loaded is not None and loaded.value == {"v": 1}


def test_bad_arguments_are_refused(path: Path) -> None:
    with pytest.raises(InvalidRequestError) as info:
        SQLiteCursorStore(path, timeout=float("nan"))
    assert info.value.field == "timeout"
    with pytest.raises(InvalidRequestError) as info:
        SQLiteCursorStore(path).delete("")
    assert info.value.field == "key"


def test_full_disk_is_transient(path: Path) -> None:
    store = FaultyStore(path)
    store.save("k", {"v": 1}, None)
    store.max_pages = 1
    with pytest.raises(CursorStoreUnavailableError, match="full") as info:
        store.save("big", {"blob": "x" * 200_000}, None)
    assert info.value.retryable
    store.max_pages = None
    assert store.save("big", {"blob": "x"}, None) == 1


def test_lock_is_transient(path: Path) -> None:
    store = SQLiteCursorStore(path, timeout=0.01)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        for call in (lambda: store.save("k", {}, None), lambda: store.delete("k")):
            with pytest.raises(CursorStoreUnavailableError, match="locked") as info:
                call()
            assert info.value.retryable
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_classification_by_message_without_error_codes() -> None:
    """Python 3.10's sqlite3 has no ``sqlite_errorcode``: the message decides."""
    assert is_transient_sqlite_error(sqlite3.OperationalError("database is locked"))
    assert is_transient_sqlite_error(sqlite3.OperationalError("database or disk is full"))
    assert is_transient_sqlite_error(sqlite3.OperationalError("disk I/O error"))
    assert not is_transient_sqlite_error(sqlite3.DatabaseError("file is not a database"))
    assert not is_transient_sqlite_error(sqlite3.OperationalError("no such table: x"))
    assert not is_transient_sqlite_error(
        sqlite3.OperationalError("attempt to write a readonly database")
    )
    coded = sqlite3.OperationalError("whatever the text")
    coded.sqlite_errorcode = 5 | (3 << 8)  # SQLITE_BUSY_SNAPSHOT, an extended busy code
    assert is_transient_sqlite_error(coded)
    coded.sqlite_errorcode = 26  # SQLITE_NOTADB
    assert not is_transient_sqlite_error(coded)


# -------------------------------------------------------------------------------------------
# under a running poller (sync generator and async generator)
# -------------------------------------------------------------------------------------------


class BoundedSleepLog(SleepLog):
    """A ``SleepLog`` that fails the test instead of letting a poller back off forever."""

    LIMIT = 40

    def __call__(self, seconds: float) -> None:
        if len(self.calls) >= self.LIMIT:
            raise AssertionError(f"the poller slept {self.LIMIT} times: {self.calls}")
        super().__call__(seconds)


class Run:
    """A poller generator over the fake listing on a real SQLite file; counts its sleeps."""

    INTERVAL = 60.0

    def __init__(self, kind: str, path: Path, store: SQLiteCursorStore | None = None, **kw: Any):
        self.server = FakeServer(FakeClock(z(2024, 6, 3, 12)))
        self.sleeps = BoundedSleepLog(self.server.clock)
        self.store = store or SQLiteCursorStore(path, timeout=0.01)
        common: dict[str, Any] = {
            "key": "ACM:invoices",
            "store": self.store,
            "start": timedelta(hours=1),
            "interval": self.INTERVAL,
            "safety": timedelta(0),
            "clock": self.server.clock,
            "rng": random.Random(5),
            **kw,
        }
        self.loop = asyncio.new_event_loop() if kind == "async" else None
        if self.loop is None:
            self.gen: Any = iter(Poller(self.server.fetch, sleep=self.sleeps, **common))
        else:

            async def sleep(seconds: float) -> None:
                self.sleeps(seconds)

            self.agen: Any = AsyncPoller(self.server.afetch, sleep=sleep, **common).run()

    def next(self) -> Any:
        if self.loop is None:
            return next(self.gen)
        return self.loop.run_until_complete(self.agen.__anext__())

    def close(self) -> None:
        if self.loop is None:
            self.gen.close()
        else:
            self.loop.run_until_complete(self.agen.aclose())
            self.loop.run_until_complete(self.loop.shutdown_default_executor())
            self.loop.close()

    def backoffs(self) -> list[float]:
        return [s for s in self.sleeps.calls if s != self.INTERVAL]


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def run_factory(kind: str, path: Path) -> Iterator[Callable[..., Run]]:
    runs: list[Run] = []

    def make(**kw: Any) -> Run:
        runs.append(Run(kind, path, **kw))
        return runs[-1]

    yield make
    for r in runs:
        r.close()


def started(run: Run) -> Any:
    run.server.write(1)
    first = run.next()
    assert [i.id for i in first.items] == [1]
    run.server.write(2)
    return first


BREAKS: dict[str, tuple[Callable[[Path, Run], None], type[Exception], str]] = {
    "garbage": (lambda p, r: garbage(p), CursorStoreBrokenError, "not a database"),
    "schema": (
        lambda p, r: sql(p, f"ALTER TABLE {TABLE} DROP COLUMN version"),
        CursorStoreBrokenError,
        "no such column: version",
    ),
    "dropped": (
        lambda p, r: sql(p, f"DROP TABLE {TABLE}"),
        CursorStoreBrokenError,
        "no such table",
    ),
    "read_only": (
        lambda p, r: setattr(r.store, "read_only_now", True),
        CursorStoreBrokenError,
        "readonly",
    ),
    "corrupt_json": (
        lambda p, r: sql(p, f'UPDATE {TABLE} SET value = \'{{"v": 1, "watermark"\''),
        CorruptCursorError,
        "not valid JSON",
    ),
    "text_version": (
        lambda p, r: sql(p, f"UPDATE {TABLE} SET version = 'seven'"),
        CorruptCursorError,
        "bad version",
    ),
}


@pytest.mark.parametrize("fault", sorted(set(BREAKS) - {"corrupt_json"}))
def test_permanent_fault_at_ack_raises_at_once(
    run_factory: Callable[..., Run], path: Path, fault: str
) -> None:
    """The file breaks while the consumer handles an activation: the ack raises, no backoff.

    (A corrupt cursor *value* is not seen here: the compare-and-swap reads the version only and
    overwrites the value; the between-cycles test below has it.)
    """
    breaker, error, match = BREAKS[fault]
    run = run_factory(store=FaultyStore(path, timeout=0.01))
    run.server.write(1)
    first = run.next()
    assert [i.id for i in first.items] == [1]
    run.server.write(2)
    breaker(path, run)
    with pytest.raises(error, match=match):
        run.next()
    assert not first.acked
    assert run.sleeps.calls == []


@pytest.mark.parametrize("fault", sorted(BREAKS))
def test_permanent_fault_between_cycles_raises_at_once(
    run_factory: Callable[..., Run], path: Path, fault: str
) -> None:
    """The file breaks while the poller sleeps between cycles: the next cycle raises (a
    read-only database still loads: its first save raises), with no backoff."""
    breaker, error, match = BREAKS[fault]
    run = run_factory(store=FaultyStore(path, timeout=0.01))
    run.server.write(1)
    first = run.next()
    run.sleeps.actions = {1: lambda: breaker(path, run)}
    with pytest.raises(error, match=match):
        run.next()  # acks the first, sleeps (the file breaks), runs the next cycle
    assert first.acked
    assert run.sleeps.calls == [Run.INTERVAL]


def exclusive_lock(path: Path) -> sqlite3.Connection:
    """Another process holding the database: even readers wait (and time out)."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute(f"UPDATE {TABLE} SET version = version")
    return holder


@pytest.mark.parametrize("where", ["ack", "load"])
def test_a_lock_that_never_clears_is_raised_after_bounded_backoff(
    run_factory: Callable[..., Run], path: Path, where: str
) -> None:
    run = run_factory(max_store_retries=3)
    run.server.write(1)
    run.next()
    holders: list[sqlite3.Connection] = []
    if where == "ack":
        holders.append(exclusive_lock(path))
    else:
        run.sleeps.actions = {1: lambda: holders.append(exclusive_lock(path))}
    try:
        with pytest.raises(CursorStoreUnavailableError, match="locked"):
            run.next()
    finally:
        for holder in holders:
            holder.close()
    assert len(run.backoffs()) == 3  # max_store_retries waits, then the error
    assert all(0 < b <= 600 for b in run.backoffs())


@pytest.mark.parametrize("where", ["ack", "load"])
def test_a_lock_that_clears_is_waited_out(
    run_factory: Callable[..., Run], path: Path, where: str
) -> None:
    run = run_factory()
    run.server.write(1)
    first = run.next()
    holders: list[sqlite3.Connection] = []
    release = lambda: holders.pop().close()  # noqa: E731
    if where == "ack":
        holders.append(exclusive_lock(path))
        run.sleeps.actions = {2: release}  # two backoffs, then the lock is gone
    else:
        run.sleeps.actions = {1: lambda: holders.append(exclusive_lock(path)), 3: release}
    run.server.write(2)
    second = run.next()
    assert first.acked and [i.id for i in second.items] == [2]
    assert len(run.backoffs()) == 2 and not holders


def test_a_full_disk_is_waited_out_then_raised(run_factory: Callable[..., Run], path: Path) -> None:
    store = FaultyStore(path, timeout=0.01)
    # a safety of an hour keeps every delivered key in the cursor (~16 kB for 400 keys), more
    # than a budget of a few 4 kB pages allows
    run = run_factory(store=store, max_store_retries=2, safety=timedelta(hours=1))
    for n in range(1, 400):
        run.server.write(n)
    first = run.next()
    assert len(first.items) == 399 and len(first.cursor_after["boundary"]) == 399
    store.max_pages = 2  # the disk fills up while the consumer works
    run.sleeps.actions = {2: lambda: setattr(store, "max_pages", None)}  # then space is freed
    run.server.write(400)
    second = run.next()
    assert first.acked and [i.id for i in second.items] == [400]
    assert len(run.backoffs()) == 2  # two waits, the third save went through
    store.max_pages = 2  # full again, for good
    with pytest.raises(CursorStoreUnavailableError, match="full"):
        run.next()
    assert not second.acked
    assert len(run.backoffs()) == 2 + 2  # max_store_retries more waits, then the error


def test_max_store_retries_is_checked() -> None:
    server = FakeServer(FakeClock(z(2024, 6, 3, 12)))
    for bad in (-1, 1.5, True, "3"):
        with pytest.raises(InvalidRequestError) as info:
            Poller(server.fetch, key="k", max_store_retries=bad)
        assert info.value.field == "max_store_retries"
