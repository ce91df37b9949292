"""Cursor stores: MemoryCursorStore and SQLiteCursorStore (compare-and-swap, threads, processes)."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from freshbooks_sdk.cursors import (
    CursorStore,
    MemoryCursorStore,
    SQLiteCursorStore,
    StoredCursor,
)
from freshbooks_sdk.errors import CorruptCursorError, CursorConflictError, InvalidRequestError


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CursorStore]:
    if request.param == "memory":
        yield MemoryCursorStore()
    else:
        yield SQLiteCursorStore(tmp_path / "cursors.db")


def test_protocol_is_satisfied(store: CursorStore) -> None:
    assert isinstance(store, CursorStore)


def test_compare_and_swap_life_cycle(store: CursorStore) -> None:
    assert store.load("a") is None
    assert store.save("a", {"v": 1, "n": 1}, None) == 1
    assert store.load("a") == StoredCursor({"v": 1, "n": 1}, 1)
    assert store.save("a", {"v": 1, "n": 2}, 1) == 2
    with pytest.raises(CursorConflictError, match="expected version 1, found 2"):
        store.save("a", {"v": 1, "n": 3}, 1)  # stale
    with pytest.raises(CursorConflictError):
        store.save("a", {"v": 1, "n": 3}, None)  # "create" but it exists
    with pytest.raises(CursorConflictError):
        store.save("b", {"v": 1}, 4)  # "update" but nothing stored
    loaded = store.load("a")
    assert loaded is not None and loaded.value["n"] == 2 and loaded.version == 2
    assert store.load("b") is None
    # keys are independent
    assert store.save("b", {"x": [1, "two"]}, None) == 1
    assert store.load("b") == StoredCursor({"x": [1, "two"]}, 1)


def test_loaded_value_is_a_copy(store: CursorStore) -> None:
    store.save("k", {"boundary": [1]}, None)
    loaded = store.load("k")
    assert loaded is not None
    loaded.value["boundary"].append(2)
    again = store.load("k")
    assert again is not None and again.value == {"boundary": [1]}


def test_bad_values_and_keys_are_refused(store: CursorStore) -> None:
    with pytest.raises(InvalidRequestError, match="not JSON-serializable"):
        store.save("k", {"when": object()}, None)
    with pytest.raises(InvalidRequestError, match="not JSON-serializable"):
        store.save("k", {"x": float("nan")}, None)
    with pytest.raises(InvalidRequestError, match="key"):
        store.save("", {}, None)
    assert store.load("k") is None


def test_delete(store: CursorStore) -> None:
    store.save("k", {}, None)
    store.delete("k")  # type: ignore[attr-defined]
    assert store.load("k") is None
    assert store.save("k", {}, None) == 1


def _race_threads(store: CursorStore, n: int) -> list[bool]:
    store.save("race", {"round": -1}, None)
    loaded = store.load("race")
    assert loaded is not None
    barrier = threading.Barrier(n)
    results: list[bool] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        barrier.wait(timeout=10)
        try:
            store.save("race", {"winner": i}, loaded.version)
            ok = True
        except CursorConflictError:
            ok = False
        with lock:
            results.append(ok)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    return results


def test_threads_racing_on_one_version_exactly_one_wins(store: CursorStore) -> None:
    results = _race_threads(store, 8)
    assert len(results) == 8 and results.count(True) == 1
    final = store.load("race")
    assert final is not None and final.version == 2


# -------------------------------------------------------------------------------------------
# SQLite specifics
# -------------------------------------------------------------------------------------------


def test_sqlite_persists_across_instances_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    SQLiteCursorStore(path).save("k", {"v": 1}, None)
    again = SQLiteCursorStore(str(path))
    assert again.load("k") == StoredCursor({"v": 1}, 1)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert "c.db" in repr(again)


def test_sqlite_custom_table(tmp_path: Path) -> None:
    a = SQLiteCursorStore(tmp_path / "c.db", table="a_cursors")
    b = SQLiteCursorStore(tmp_path / "c.db", table="b_cursors")
    a.save("k", {"which": "a"}, None)
    assert b.load("k") is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("{not json", "not valid JSON"), ("[1, 2]", "not a JSON object"), ("42", "not a JSON object")],
)
def test_sqlite_corrupt_text_is_reported(tmp_path: Path, raw: str, reason: str) -> None:
    store = SQLiteCursorStore(tmp_path / "c.db")
    with sqlite3.connect(tmp_path / "c.db") as conn:
        conn.execute(
            "INSERT INTO freshbooks_cursors (key, value, version) VALUES (?, ?, 1)", ("k", raw)
        )
    with pytest.raises(CorruptCursorError, match=reason):
        store.load("k")


def test_sqlite_bad_version_is_reported(tmp_path: Path) -> None:
    store = SQLiteCursorStore(tmp_path / "c.db")
    with sqlite3.connect(tmp_path / "c.db") as conn:
        conn.execute("INSERT INTO freshbooks_cursors (key, value, version) VALUES ('k', '{}', 'x')")
    with pytest.raises(CorruptCursorError, match="bad version"):
        store.load("k")


def test_memory_corrupt_text_is_reported() -> None:
    store = MemoryCursorStore()
    store._data["k"] = ("{oops", 1)
    with pytest.raises(CorruptCursorError, match="not valid JSON"):
        store.load("k")


@pytest.mark.parametrize("path", [":memory:", "", "file::memory:?cache=shared"])
def test_sqlite_refuses_in_memory_paths(path: str) -> None:
    with pytest.raises(InvalidRequestError, match="file path"):
        SQLiteCursorStore(path)


def test_sqlite_refuses_odd_table_names(tmp_path: Path) -> None:
    with pytest.raises(InvalidRequestError, match="table"):
        SQLiteCursorStore(tmp_path / "c.db", table="x; DROP TABLE y")


def test_sqlite_failed_save_rolls_back(tmp_path: Path) -> None:
    store = SQLiteCursorStore(tmp_path / "c.db")
    store.save("k", {"n": 1}, None)
    with pytest.raises(CursorConflictError):
        store.save("k", {"n": 2}, 7)
    # the write lock was released: another connection can write at once
    store.save("k", {"n": 2}, 1)
    loaded = store.load("k")
    assert loaded is not None and loaded.value == {"n": 2}


# -------------------------------------------------------------------------------------------
# several processes on one file
# -------------------------------------------------------------------------------------------

ROUNDS = 4
PROCESSES = 4


def _process_racer(path: str, barrier: Any, results: Any) -> None:
    """Runs in a spawned process: each round, load the same version, then all save at once."""
    store = SQLiteCursorStore(path, timeout=20.0)
    for r in range(ROUNDS):
        barrier.wait(timeout=60)  # everyone finished the previous round
        loaded = store.load("shared")
        assert loaded is not None
        barrier.wait(timeout=60)  # everyone loaded the same version
        try:
            new_version = store.save("shared", {"round": r, "pid": os.getpid()}, loaded.version)
            results.put((r, loaded.version, True, new_version))
        except CursorConflictError:
            results.put((r, loaded.version, False, None))


def test_processes_racing_cas_exactly_one_wins_per_version(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    SQLiteCursorStore(path).save("shared", {"round": None}, None)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_process_racer, args=(path, barrier, results)) for _ in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=60) for _ in range(PROCESSES * ROUNDS)]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    for r in range(ROUNDS):
        this_round = [o for o in outcomes if o[0] == r]
        assert len(this_round) == PROCESSES
        assert {o[1] for o in this_round} == {r + 1}  # all loaded the same version
        winners = [o for o in this_round if o[2]]
        assert len(winners) == 1, this_round
        assert winners[0][3] == r + 2
    final = SQLiteCursorStore(path).load("shared")
    assert final is not None and final.version == ROUNDS + 1
    assert final.value["round"] == ROUNDS - 1


def test_sqlite_lock_is_a_retryable_cursor_error(tmp_path: Path) -> None:
    import sqlite3

    from freshbooks_sdk.errors import CursorStoreUnavailableError

    path = tmp_path / "locked.db"
    store = SQLiteCursorStore(path, timeout=0.05)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(CursorStoreUnavailableError) as info:
            store.save("k", {"v": 1}, None)
        assert info.value.retryable
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.save("k", {"v": 1}, None) == 1


def test_unopenable_sqlite_path_is_a_cursor_error(tmp_path: Path) -> None:
    from freshbooks_sdk.errors import CursorError

    with pytest.raises(CursorError, match="cannot open"):
        SQLiteCursorStore(tmp_path / "missing-dir" / "x.db")


def test_out_of_range_watermark_is_corrupt() -> None:
    from freshbooks_sdk._core.polling import Cursor
    from freshbooks_sdk.errors import CorruptCursorError

    for watermark in ("0001-01-01T00:00:00Z", "9999-01-01T00:00:00Z"):
        with pytest.raises(CorruptCursorError, match="1970-2200"):
            Cursor.from_json({"v": 1, "watermark": watermark, "after_id": None, "boundary": []})
