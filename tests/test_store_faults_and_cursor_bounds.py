"""Token, cursor and Postgres store faults classified; cursors and versions bounded (issue 10).

The hostile-server parts (a sync call held by a dripping server, OAuth secrets on errors) are in
``tests/test_hostile_server.py``'s census; the rest is here.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from fleet_support import postgres_dsn
from freshbooks_sdk._core.polling import Cursor
from freshbooks_sdk._netdeadline import (
    AttemptDeadlinePassed,
    _DeadlineBackend,
    hard_deadline,
    install_deadline_backend,
)
from freshbooks_sdk.auth import Token
from freshbooks_sdk.cursors import MAX_VERSION, MemoryCursorStore, SQLiteCursorStore
from freshbooks_sdk.errors import (
    CorruptCursorError,
    CursorStoreBrokenError,
    FreshBooksError,
    InvalidRequestError,
)
from freshbooks_sdk.sandbox import Sandbox
from freshbooks_sdk.sandbox.server import SandboxServerUnavailable
from freshbooks_sdk.stores import (
    SQLiteTokenStore,
    StoreBrokenError,
    StoreUnavailableError,
    decode_token,
    sqlite_store_fault,
)
from freshbooks_sdk.stores._pg import is_transient_sqlstate

NOW = datetime.now(timezone.utc)


def test_sandbox_server_unavailable_round_trips_through_pickle() -> None:
    error = SandboxServerUnavailable("ModuleNotFoundError: No module named 'uvicorn'")
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is SandboxServerUnavailable
    assert str(again) == str(error)
    assert again.cause == error.cause and again.name == "uvicorn"
    default = pickle.loads(pickle.dumps(SandboxServerUnavailable()))
    assert str(default) == str(SandboxServerUnavailable())


def test_deadline_backend_wraps_owned_pools_once() -> None:
    with httpx.Client() as client:
        assert install_deadline_backend(client)
        pool = client._transport._pool  # type: ignore[attr-defined]  # httpx internals
        backend = pool._network_backend
        assert isinstance(backend, _DeadlineBackend)
        assert install_deadline_backend(client)  # idempotent: not wrapped twice
        assert pool._network_backend is backend


def test_a_client_the_sdk_does_not_own_is_left_alone() -> None:
    with httpx.Client() as client:
        with hard_deadline(client, 1.0, owned=False):
            pass
        backend = client._transport._pool._network_backend  # type: ignore[attr-defined]
        assert not isinstance(backend, _DeadlineBackend)
    mock = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    assert not install_deadline_backend(mock)  # nothing to wrap: bounded by its timeouts


def test_an_expired_deadline_refuses_the_next_socket_wait() -> None:
    with httpx.Client() as client:
        with hard_deadline(client, -1.0, owned=True):
            try:
                client.get("http://127.0.0.1:9/")  # never connected: the deadline is gone
            except AttemptDeadlinePassed:
                pass
            else:
                raise AssertionError("a connect after the deadline was attempted")
        # Outside the block the same client connects (and fails) as usual.
        try:
            client.get("http://127.0.0.1:9/", timeout=0.5)
        except httpx.TransportError:
            pass


# ---- token store faults: transient vs broken, and the poller's cap -----------------------------


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(path.stat().st_size or 4096))
    for ext in ("-wal", "-shm"):
        Path(f"{path}{ext}").unlink(missing_ok=True)


def test_sqlite_token_store_overwritten_is_broken_not_retryable(tmp_path: Path) -> None:
    store = SQLiteTokenStore(tmp_path / "t.db")
    store.save("k", Token("a", "r", NOW + timedelta(hours=1)))
    _garbage(tmp_path / "t.db")
    for call in (lambda: store.load("k"), lambda: store.lock("k")):
        with pytest.raises(StoreBrokenError) as info:
            call()
        assert not info.value.retryable
        assert isinstance(info.value, StoreUnavailableError)  # old handlers still catch it
        assert pickle.loads(pickle.dumps(info.value)).retryable is False


def test_a_damaged_stored_token_is_corrupt_not_retryable(tmp_path: Path) -> None:
    store = SQLiteTokenStore(tmp_path / "t.db")
    with sqlite3.connect(tmp_path / "t.db") as conn:
        conn.execute(
            "INSERT INTO freshbooks_tokens (key, token) VALUES ('k', '{\"access_token\": 1')"
        )
    with pytest.raises(StoreBrokenError, match="cannot be read"):
        store.load("k")
    with pytest.raises(StoreBrokenError):
        decode_token("k", "[" * 100)


def test_sqlite_faults_are_classified_like_the_cursor_store() -> None:
    locked = sqlite_store_fault("read", sqlite3.OperationalError("database is locked"))
    assert type(locked) is StoreUnavailableError and locked.retryable
    full = sqlite_store_fault("write", sqlite3.OperationalError("database or disk is full"))
    assert type(full) is StoreUnavailableError
    for message in ("file is not a database", "no such table: freshbooks_tokens"):
        broken = sqlite_store_fault("read", sqlite3.DatabaseError(message))
        assert type(broken) is StoreBrokenError and not broken.retryable


class _FailingTokens:
    """A token provider whose store always fails with ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error, self.calls = error, 0

    def get_token(self) -> str:
        self.calls += 1
        raise self.error

    def handle_rejected(self, token: str) -> bool:
        return False


def _poll_with(tokens: _FailingTokens, max_store_retries: int) -> tuple[BaseException, list[float]]:
    sb = Sandbox()
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        assert len(slept) < 50, "still retrying a failing token store"

    fb = sb.client(token_source=tokens, access_token=None, sleep=sleep, max_retries=0)
    poller = fb.invoices.poll(store=MemoryCursorStore(), max_store_retries=max_store_retries)
    with pytest.raises(FreshBooksError) as info:
        for _ in poller:
            pass
    return info.value, slept


def test_poller_caps_retries_of_an_unavailable_token_store() -> None:
    tokens = _FailingTokens(StoreUnavailableError("the token store is locked"))
    error, slept = _poll_with(tokens, max_store_retries=3)
    assert type(error) is StoreUnavailableError
    assert len(slept) == 3 and tokens.calls == 4  # not retried forever


def test_poller_raises_a_broken_token_store_at_once() -> None:
    tokens = _FailingTokens(StoreBrokenError("the token store is not a database"))
    error, slept = _poll_with(tokens, max_store_retries=5)
    assert type(error) is StoreBrokenError
    assert slept == [] and tokens.calls == 1


# ---- Postgres: decided by SQLSTATE, against the real server the suite starts -------------------


@pytest.mark.parametrize(
    ("sqlstate", "transient"),
    [
        (None, True),
        ("08006", True),
        ("08001", True),
        ("40001", True),
        ("40P01", True),
        ("53300", True),
        ("57014", True),
        ("57P01", True),
        ("57P03", True),
        ("55P03", True),
        ("42703", False),
        ("42P01", False),
        ("42501", False),
        ("25006", False),
        ("22P02", False),
        ("22003", False),
        ("28P01", False),
        ("3D000", False),
        ("XX001", False),
    ],
)
def test_sqlstate_classification(sqlstate: str | None, transient: bool) -> None:
    assert is_transient_sqlstate(sqlstate) is transient


def _fresh_table(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def test_postgres_permanent_faults_are_broken_transient_stay_retryable() -> None:
    import psycopg

    from freshbooks_sdk.stores import postgres

    uri = postgres_dsn()
    table = _fresh_table("rv2c")
    cursors = postgres.PostgresCursorStore(uri, table=table)
    value = {"v": 1, "watermark": "2024-01-02T03:04:05Z", "after_id": None, "boundary": []}
    version = cursors.save("k", value, None)
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute(
            f"UPDATE {table} SET value = %s", ('{"b":' + "[" * 100_000 + "]" * 100_000 + "}",)
        )
    with pytest.raises(CorruptCursorError, match="nested too deeply"):
        cursors.load("k")
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute(f"ALTER TABLE {table} RENAME COLUMN version TO ver")  # UndefinedColumn
    with pytest.raises(CursorStoreBrokenError, match="UndefinedColumn") as info:
        cursors.save("k", value, version)
    assert not info.value.retryable
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute(f"DROP TABLE {table}")  # UndefinedTable
    with pytest.raises(CursorStoreBrokenError, match="UndefinedTable"):
        cursors.load("k")

    tokens_table = _fresh_table("rv2t")
    tokens = postgres.PostgresTokenStore(uri, table=tokens_table)
    tokens.save("k", Token("a", "r", NOW + timedelta(hours=1)))
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute(f"DROP TABLE {tokens_table}")
    for call in (lambda: tokens.load("k"), lambda: tokens.lock("k")):
        with pytest.raises(StoreBrokenError) as broken:
            call()
        assert not broken.value.retryable

    gate_table = _fresh_table("rv2g")
    gate = postgres.PostgresRateGate(uri, table=gate_table, cache_ttl=0)
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute(f"DROP TABLE {gate_table}")
    with pytest.raises(StoreBrokenError):
        gate.wait_time("k", 0.0)

    # Nobody listening: a connection failure (no SQLSTATE) stays retryable.
    with pytest.raises(StoreUnavailableError) as down:
        postgres.PostgresTokenStore("postgresql://nobody@127.0.0.1:1/none", connect_timeout=1)
    assert type(down.value) is StoreUnavailableError and down.value.retryable


# ---- cursors read from a store or given by the host: never an untyped exception ----------------


def test_a_deeply_nested_stored_cursor_is_corrupt(tmp_path: Path) -> None:
    store = SQLiteCursorStore(tmp_path / "c.db")
    store.save("k", {"v": 1}, None)
    with sqlite3.connect(tmp_path / "c.db") as conn:
        conn.execute(
            "UPDATE freshbooks_cursors SET value = ?",
            ('{"b":' + "[" * 100_000 + "]" * 100_000 + "}",),
        )
    with pytest.raises(CorruptCursorError, match="nested too deeply"):
        store.load("k")
    poller = Sandbox().client().invoices.poll(store=store, key="k")
    with pytest.raises(CorruptCursorError):
        poller.poll_once()


def test_a_too_deep_cursor_value_is_refused_before_saving(tmp_path: Path) -> None:
    deep: list[Any] = []
    for _ in range(5_000):
        deep = [deep]
    for store in (MemoryCursorStore(), SQLiteCursorStore(tmp_path / "c.db")):
        with pytest.raises(InvalidRequestError) as info:
            store.save("k", {"deep": deep}, None)
        assert info.value.field == "value"


def test_the_version_bound_is_checked_before_saving(tmp_path: Path) -> None:
    store = SQLiteCursorStore(tmp_path / "c.db")
    store.save("k", {"v": 1}, None)
    with sqlite3.connect(tmp_path / "c.db") as conn:
        conn.execute("UPDATE freshbooks_cursors SET version = ?", (MAX_VERSION,))
    with pytest.raises(CorruptCursorError, match="largest version"):
        store.save("k", {"v": 1}, MAX_VERSION)
    for bad in (MAX_VERSION + 1, 10**30, -1):
        with pytest.raises(InvalidRequestError) as info:
            store.save("k", {"v": 1}, bad)
        assert info.value.field == "expected_version"


def _deep(n: int) -> list[Any]:
    node: list[Any] = []
    for _ in range(n):
        node = [node]
    return node


W = "2024-01-02T03:04:05Z"


@pytest.mark.parametrize(
    "cursor",
    [
        {"v": 10**5000, "watermark": W, "after_id": None, "boundary": []},
        {"v": 1, "watermark": W, "after_id": 10**5000, "boundary": []},
        {"v": 1, "watermark": W, "after_id": 2**63, "boundary": []},
        {"v": 1, "watermark": W, "after_id": -1, "boundary": []},
        {"v": 1, "watermark": W, "after_id": None, "boundary": [[10**5000, W, "d"]]},
        {"v": 1, "watermark": W, "after_id": None, "boundary": [[2**64, W, "d"]]},
        {"v": 1, "watermark": W, "after_id": None, "boundary": [_deep(5_000)]},
        {"v": 1, "watermark": W, "after_id": None, "boundary": _deep(5_000)},
        {"v": 1, "watermark": W, "after_id": None, "boundary": [[1, _deep(5_000), "d"]]},
        {"v": _deep(5_000), "watermark": W, "after_id": None, "boundary": []},
        {"v": 1, "watermark": _deep(5_000), "after_id": None, "boundary": []},
    ],
)
def test_hostile_cursor_values_are_corrupt_with_a_short_message(cursor: dict[str, Any]) -> None:
    with pytest.raises(CorruptCursorError) as info:
        Cursor.from_json(cursor)
    assert len(str(info.value)) < 300
    fb = Sandbox().client()
    with pytest.raises(CorruptCursorError):
        fb.invoices.poll(store=None).poll_once(cursor=cursor)


def test_catalog_trigger_answers_a_hostile_cursor_with_cursor_error() -> None:
    from freshbooks_sdk.integration import catalog

    fb = Sandbox().client()
    trigger = catalog["freshbooks/invoice-updated"]
    for cursor in (
        {"v": 1, "watermark": W, "after_id": 10**5000, "boundary": []},
        {"v": 10**5000, "watermark": W, "after_id": None, "boundary": []},
        {"v": 1, "watermark": W, "after_id": None, "boundary": [[10**5000, W, "d"]]},
        {"v": 1, "watermark": W, "after_id": None, "boundary": [_deep(5_000)]},
        {"v": 1, "watermark": W, "after_id": None, "boundary": _deep(5_000)},
    ):
        result = trigger.run(fb, {"cursor": cursor})
        assert not result.ok
        assert result.error is not None and result.error["type"] == "cursor_error", result.error
