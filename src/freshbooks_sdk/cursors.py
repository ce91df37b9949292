"""Cursor stores for pollers: where a poller keeps its position between cycles and restarts.

A cursor is a small JSON object (see :class:`freshbooks_sdk._core.polling.Cursor`). A store
keeps one per key (use one key per account and resource, e.g. ``"ACM123:invoices"``) with a
**version** so that saving is a compare-and-swap: two pollers that loaded the same version
cannot both advance it, the second gets :class:`~freshbooks_sdk.errors.CursorConflictError`.

* :class:`SQLiteCursorStore` (the embedded default): one file, safe for several threads and
  several processes on one machine.
* :class:`MemoryCursorStore`: for tests and throw-away scripts (lost when the process ends).
* Anything implementing :class:`CursorStore` (Redis, Postgres, ...).

Store faults come in two kinds, and the poller treats them differently:

* :class:`~freshbooks_sdk.errors.CursorStoreUnavailableError` (``retryable``): the database is
  locked by another process, the disk is full, an I/O error. Waiting can help, so the poller
  backs off (a bounded number of times, see ``max_store_retries``) and tries again.
* :class:`~freshbooks_sdk.errors.CursorStoreBrokenError`: the file is not a SQLite database
  any more (overwritten, truncated, encrypted), its table lost a column, the database or its
  folder is read-only, or it cannot be opened. Waiting cannot help: raised at once.
* :class:`~freshbooks_sdk.errors.CorruptCursorError`: the database works but the stored cursor
  (its JSON, or its version) is not what this SDK wrote. Raised at once, never reset.

Stores are synchronous on purpose: a cursor is loaded once and saved once per cycle, and a
local SQLite transaction takes well under a millisecond. The async poller runs every store call
in a worker thread (``asyncio.to_thread``, in ``_async/poller.py`` only), so a store that blocks
on a lock or on the network never stalls the event loop, and one store class serves both
pollers.

    from freshbooks_sdk.cursors import SQLiteCursorStore
    store = SQLiteCursorStore("freshbooks-cursors.db")
    for activation in fb.invoices.poll(store=store, key="ACM123:invoices"):
        handle(activation.items)   # the cursor is saved when the next activation is asked for
"""

from __future__ import annotations

import enum
import json
import os
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

from freshbooks_sdk.errors import (
    CorruptCursorError,
    CursorConflictError,
    CursorError,
    CursorStoreBrokenError,
    CursorStoreUnavailableError,
    InvalidRequestError,
)

if TYPE_CHECKING:
    import sqlite3  # imported where a SQLite store is used: the client import stays without it

__all__ = [
    "DEFAULT_STORE",
    "CursorStore",
    "DefaultStore",
    "MemoryCursorStore",
    "SQLiteCursorStore",
    "StoredCursor",
    "default_cursor_path",
    "is_transient_sqlite_error",
]


class DefaultStore(enum.Enum):
    """The type of :data:`DEFAULT_STORE` (a one-member enum, so it can be told from any path)."""

    STORE = "default"


DEFAULT_STORE = DefaultStore.STORE
"""The default of ``fb.invoices.poll(store=...)``: a SQLite file at :func:`default_cursor_path`,
so a restarted service resumes where it stopped (pass ``None`` for an in-memory cursor)."""


def default_cursor_path(env: Mapping[str, str] | None = None) -> Path:
    """``$FRESHBOOKS_CURSOR_DB``, else ``$XDG_STATE_HOME/freshbooks-typed/cursors.db``, else
    ``~/.local/state/freshbooks-typed/cursors.db`` (the folder is created)."""
    env = os.environ if env is None else env
    explicit = env.get("FRESHBOOKS_CURSOR_DB")
    if explicit:
        path = Path(explicit).expanduser()
    else:
        state = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
        path = Path(state) / "freshbooks-typed" / "cursors.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


@attrs.frozen
class StoredCursor:
    """A cursor as loaded from a store: its JSON ``value`` and the store's ``version`` token.

    The version is opaque to the poller: it is only handed back to :meth:`CursorStore.save`.
    """

    value: dict[str, Any]
    version: int


@runtime_checkable
class CursorStore(Protocol):
    """What a poller needs from a cursor store: load, and compare-and-swap save.

    ``load(key)`` returns ``None`` when nothing is stored under ``key``; a stored value that is
    not a JSON object raises :class:`~freshbooks_sdk.errors.CorruptCursorError`.
    ``save(key, value, expected_version)`` writes ``value`` (a JSON-serializable dict) only if the
    stored version is still ``expected_version`` (``None``: only if nothing is stored), returns
    the new version, and raises :class:`~freshbooks_sdk.errors.CursorConflictError` otherwise.
    Both methods may block; they are called from a worker thread by the async poller.

    A Redis store, for example (``redis-py``; WATCH/MULTI gives the compare-and-swap)::

        class RedisCursorStore:
            def __init__(self, redis, prefix="fb-cursor:"):
                self.r, self.prefix = redis, prefix

            def load(self, key):
                raw = self.r.hgetall(self.prefix + key)
                if not raw:
                    return None
                return StoredCursor(json.loads(raw[b"value"]), int(raw[b"version"]))

            def save(self, key, value, expected_version):
                name = self.prefix + key
                with self.r.pipeline() as pipe:
                    try:
                        pipe.watch(name)
                        current = pipe.hget(name, "version")
                        if (None if current is None else int(current)) != expected_version:
                            raise CursorConflictError(f"cursor {key!r} moved")
                        new = (expected_version or 0) + 1
                        pipe.multi()
                        pipe.hset(name, mapping={"value": json.dumps(value), "version": new})
                        pipe.execute()
                    except redis.WatchError:
                        raise CursorConflictError(f"cursor {key!r} moved") from None
                return new

    and Postgres (``psycopg``), with ``version`` as a column::

        def save(self, key, value, expected_version):
            with self.conn.transaction():
                if expected_version is None:
                    cur = self.conn.execute(
                        "INSERT INTO cursors (key, value, version) VALUES (%s, %s, 1) "
                        "ON CONFLICT (key) DO NOTHING", (key, json.dumps(value)))
                else:
                    cur = self.conn.execute(
                        "UPDATE cursors SET value = %s, version = version + 1 "
                        "WHERE key = %s AND version = %s", (json.dumps(value), key, expected_version))
                if cur.rowcount != 1:
                    raise CursorConflictError(f"cursor {key!r} moved")
            return (expected_version or 0) + 1
    """

    def load(self, key: str) -> StoredCursor | None:
        """The stored cursor and its version, or ``None``."""
        ...

    def save(self, key: str, value: Mapping[str, Any], expected_version: int | None) -> int:
        """Compare-and-swap: store ``value`` if the version is still ``expected_version``."""
        ...


def _encode(key: str, value: Mapping[str, Any]) -> str:
    if not isinstance(key, str) or not key:
        raise InvalidRequestError("cursor key must be a non-empty string", field="key", value=key)
    try:
        return json.dumps(dict(value), sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidRequestError(
            f"cursor value for {key!r} is not JSON-serializable: {exc}", field="value"
        ) from None
    except RecursionError:
        raise InvalidRequestError(
            f"cursor value for {key!r} is nested too deeply to store", field="value"
        ) from None


def _decode(key: str, text: object) -> dict[str, Any]:
    if not isinstance(text, str):
        raise CorruptCursorError(f"stored cursor {key!r} is not text ({type(text).__name__})")
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise CorruptCursorError(f"stored cursor {key!r} is not valid JSON: {exc}") from None
    except RecursionError:
        raise CorruptCursorError(f"stored cursor {key!r} is nested too deeply to read") from None
    if not isinstance(value, dict):
        raise CorruptCursorError(
            f"stored cursor {key!r} is not a JSON object (got {type(value).__name__})"
        )
    return value


def _conflict(key: str, expected: int | None, current: int | None) -> CursorConflictError:
    return CursorConflictError(
        f"cursor {key!r} was saved by someone else (expected version {expected}, "
        f"found {current}): another poller runs on the same key"
    )


# SQLite primary result codes (https://sqlite.org/rescode.html) where waiting can help: busy,
# locked, out of memory, interrupted, I/O error, disk full, locking protocol, schema changed.
_TRANSIENT_CODES = frozenset({5, 6, 7, 9, 10, 13, 15, 17})
# The same faults told by their message, for Python < 3.11 (no ``sqlite_errorcode``).
_TRANSIENT_TEXT = (
    "database is locked",
    "database table is locked",
    "disk i/o error",
    "database or disk is full",
    "out of memory",
    "interrupted",
    "locking protocol",
    "database schema has changed",
)


def is_transient_sqlite_error(exc: sqlite3.Error) -> bool:
    """Whether trying again later may clear ``exc`` (a lock, a full disk, an I/O error).

    Everything else (not a database, a malformed file, a missing table or column, a read-only
    database, a file that cannot be opened, a misuse) fails the same way every time.

    >>> import sqlite3
    >>> is_transient_sqlite_error(sqlite3.OperationalError("database is locked"))
    True
    >>> is_transient_sqlite_error(sqlite3.DatabaseError("file is not a database"))
    False
    """
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return (code & 0xFF) in _TRANSIENT_CODES
    text = str(exc).lower()
    return any(part in text for part in _TRANSIENT_TEXT)


def _store_fault(path: str, what: str, exc: sqlite3.Error) -> CursorError:
    """The typed error for a SQLite failure: retryable when waiting can help, else broken."""
    if is_transient_sqlite_error(exc):
        return CursorStoreUnavailableError(f"cannot {what} the cursor database {path!r}: {exc}")
    return CursorStoreBrokenError(
        f"cannot {what} the cursor database {path!r}: {exc} (this does not clear by waiting: "
        "repair or move the file; the cursor is never reset silently)"
    )


MAX_VERSION = 2**63 - 1
"""The largest cursor version a store keeps (a signed 64-bit integer in SQLite and Postgres)."""


def _check_expected_version(expected_version: object) -> None:
    if expected_version is not None and (
        isinstance(expected_version, bool)
        or not isinstance(expected_version, int)
        or not 0 <= expected_version <= MAX_VERSION
    ):
        raise InvalidRequestError(
            "expected_version must be None (nothing stored yet) or the int version that "
            f"load() returned, got {expected_version!r}",
            field="expected_version",
            value=expected_version,
        )


def _stored_version(key: str, version: object) -> int:
    if isinstance(version, bool) or not isinstance(version, int):
        raise CorruptCursorError(f"stored cursor {key!r} has a bad version {version!r}")
    return version


def _next_version(key: str, current: int | None) -> int:
    """The version a save writes; a stored version at the 64-bit bound cannot be passed."""
    if current is not None and current >= MAX_VERSION:
        raise CorruptCursorError(
            f"stored cursor {key!r} is at the largest version ({MAX_VERSION}): delete the key "
            "or reset its version to save again"
        )
    return (current or 0) + 1


class MemoryCursorStore:
    """An in-process, thread-safe :class:`CursorStore` (lost when the process ends).

    >>> store = MemoryCursorStore()
    >>> v = store.save("k", {"v": 1}, None)
    >>> store.load("k")
    StoredCursor(value={'v': 1}, version=1)
    >>> store.save("k", {"v": 2}, None)
    Traceback (most recent call last):
    ...
    freshbooks_sdk.errors.CursorConflictError: cursor 'k' was saved by someone else (expected version None, found 1): another poller runs on the same key
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._data: dict[str, tuple[str, int]] = {}

    def load(self, key: str) -> StoredCursor | None:
        """The stored cursor (a fresh copy) and its version, or ``None``."""
        with self._lock:
            entry = self._data.get(key)
        if entry is None:
            return None
        return StoredCursor(_decode(key, entry[0]), entry[1])

    def save(self, key: str, value: Mapping[str, Any], expected_version: int | None) -> int:
        """Compare-and-swap save; returns the new version."""
        _check_expected_version(expected_version)
        text = _encode(key, value)
        with self._lock:
            entry = self._data.get(key)
            current = None if entry is None else entry[1]
            if current != expected_version:
                raise _conflict(key, expected_version, current)
            new_version = (current or 0) + 1
            self._data[key] = (text, new_version)
            return new_version

    def delete(self, key: str) -> None:
        """Forget ``key`` (the next poll starts from the poller's ``start`` again)."""
        with self._lock:
            self._data.pop(key, None)


_TABLE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


class SQLiteCursorStore:
    """The embedded default :class:`CursorStore`: one SQLite file, several processes welcome.

    One table ``(key TEXT PRIMARY KEY, value TEXT, version INTEGER)``; the database runs in WAL
    mode. A save is a ``BEGIN IMMEDIATE`` transaction that reads the version and writes only if
    it is the expected one, so of several processes saving from the same version exactly one
    wins and the others get :class:`~freshbooks_sdk.errors.CursorConflictError`. Each call opens
    its own short-lived connection, so one store object can be shared by threads and survives
    ``fork``. The file must be on a local disk (SQLite locking over NFS is unreliable).

    >>> import tempfile, os
    >>> store = SQLiteCursorStore(os.path.join(tempfile.mkdtemp(), "cursors.db"))
    >>> store.save("ACM123:invoices", {"v": 1}, None)
    1
    >>> store.load("ACM123:invoices").version
    1

    ``timeout`` is how long a call waits for another process's write lock (seconds).
    ``read_only=True`` opens the file read-only (it must exist): ``load`` works, ``save`` and
    ``delete`` raise :class:`~freshbooks_sdk.errors.CursorStoreBrokenError`; for tools that
    inspect the cursors of a running service without any chance of moving them.

    Faults are typed (see the module docstring): a lock, a full disk or an I/O error raise the
    retryable :class:`~freshbooks_sdk.errors.CursorStoreUnavailableError`; a file that is not a
    database, a changed schema or a read-only database raise
    :class:`~freshbooks_sdk.errors.CursorStoreBrokenError`; a stored cursor that is not what
    this SDK wrote raises :class:`~freshbooks_sdk.errors.CorruptCursorError`.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        table: str = "freshbooks_cursors",
        timeout: float = 30.0,
        read_only: bool = False,
    ) -> None:
        text = os.fspath(path)
        if not text or text == ":memory:" or text.startswith("file::memory:"):
            raise InvalidRequestError(
                "SQLiteCursorStore needs a file path (an in-memory SQLite database is private to "
                "one connection); use MemoryCursorStore for a throw-away store",
                field="path",
                value=text,
            )
        if not _TABLE_RE.fullmatch(table):
            raise InvalidRequestError(
                f"table must be a plain SQL identifier, got {table!r}", field="table", value=table
            )
        if (
            isinstance(timeout, bool)
            or not isinstance(timeout, (int, float))
            or not 0 <= timeout < float("inf")
        ):
            raise InvalidRequestError(
                f"timeout must be a finite number of seconds >= 0, got {timeout!r}",
                field="timeout",
                value=timeout,
            )
        self.path = text
        self.table = table
        self.read_only = bool(read_only)
        self._timeout = float(timeout)
        import sqlite3

        try:
            conn = self._connect()
            try:
                if self.read_only:
                    conn.execute(f"SELECT key, value, version FROM {table} LIMIT 0").fetchall()
                else:
                    conn.execute("PRAGMA journal_mode=WAL")
                    conn.execute(
                        f"CREATE TABLE IF NOT EXISTS {table} ("
                        "key TEXT PRIMARY KEY, value TEXT NOT NULL, version INTEGER NOT NULL)"
                    )
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise _store_fault(text, "open", exc) from exc

    def __repr__(self) -> str:
        ro = ", read_only=True" if self.read_only else ""
        return f"SQLiteCursorStore({self.path!r}, table={self.table!r}{ro})"

    def _connect(self) -> sqlite3.Connection:
        import sqlite3

        # isolation_level=None: no implicit transactions, ours are explicit.
        if self.read_only:
            uri = Path(self.path).absolute().as_uri() + "?mode=ro"
            return sqlite3.connect(uri, timeout=self._timeout, isolation_level=None, uri=True)
        return sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None)

    def load(self, key: str) -> StoredCursor | None:
        """The stored cursor and its version, or ``None``."""
        import sqlite3

        try:
            conn = self._connect()
            try:
                row = conn.execute(
                    f"SELECT value, version FROM {self.table} WHERE key = ?", (key,)
                ).fetchone()
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise _store_fault(self.path, "read", exc) from exc
        if row is None:
            return None
        value, version = row
        return StoredCursor(_decode(key, value), _stored_version(key, version))

    def save(self, key: str, value: Mapping[str, Any], expected_version: int | None) -> int:
        """Compare-and-swap save in one ``BEGIN IMMEDIATE`` transaction; returns the new version."""
        _check_expected_version(expected_version)
        text = _encode(key, value)
        import sqlite3

        try:
            return self._save(key, text, expected_version)
        except sqlite3.Error as exc:
            raise _store_fault(self.path, "write", exc) from exc

    def _save(self, key: str, text: str, expected_version: int | None) -> int:
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute(
                    f"SELECT version FROM {self.table} WHERE key = ?", (key,)
                ).fetchone()
                current = None if row is None else _stored_version(key, row[0])
                if current != expected_version:
                    raise _conflict(key, expected_version, current)
                if current is None:
                    new_version = 1
                    conn.execute(
                        f"INSERT INTO {self.table} (key, value, version) VALUES (?, ?, ?)",
                        (key, text, new_version),
                    )
                else:
                    new_version = _next_version(key, current)
                    conn.execute(
                        f"UPDATE {self.table} SET value = ?, version = ? "
                        "WHERE key = ? AND version = ?",
                        (text, new_version, key, current),
                    )
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()
        return new_version

    def delete(self, key: str) -> None:
        """Forget ``key`` (the next poll starts from the poller's ``start`` again)."""
        if not isinstance(key, str) or not key:
            raise InvalidRequestError(
                "cursor key must be a non-empty string", field="key", value=key
            )
        import sqlite3

        try:
            conn = self._connect()
            try:
                conn.execute(f"DELETE FROM {self.table} WHERE key = ?", (key,))
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise _store_fault(self.path, "delete from", exc) from exc
