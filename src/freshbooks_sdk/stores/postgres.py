"""PostgreSQL stores for a fleet of workers: tokens, cursors and rate gates (``psycopg`` 3).

Install with ``pip install 'freshbooks-typed[postgres]'``. Each store takes a libpq connection
string and creates its table on first use (``IF NOT EXISTS``, serialized by an advisory lock so
that many workers starting at once do not race)::

    from freshbooks_sdk.stores.postgres import (
        PostgresCursorStore, PostgresRateGate, PostgresTokenStore)
    DSN = "postgresql://fb@db.internal/freshbooks"
    tokens, cursors, gate = PostgresTokenStore(DSN), PostgresCursorStore(DSN), PostgresRateGate(DSN)
    source = TokenSource.from_store(oauth, tokens, "ACM123")
    fb = FreshBooks(token_source=source, account_id="ACM123", rate_gate=gate)
    for activation in fb.invoices.poll(store=cursors, key="ACM123:invoices"): ...

* :class:`PostgresTokenStore`: the refresh lock is ``SELECT ... FOR UPDATE`` on the key's row
  (plus a transaction-level advisory lock, so a key with no row yet is covered too), held in an
  open transaction across the refresh request; the new token is committed before it is used.
  A worker that dies while holding it drops its connection, and Postgres releases the lock.
* :class:`PostgresCursorStore`: :class:`~freshbooks_sdk.cursors.CursorStore` with a
  ``version`` column: a save is ``UPDATE ... WHERE version = expected`` (compare-and-swap).
* :class:`PostgresRateGate`: :class:`~freshbooks_sdk.stores.RateGate`, one row per account,
  ``until = GREATEST(until, new)``.

Each store object keeps one connection per process (reopened after ``fork`` and after a
failure) shared by its threads; a refresh lease opens its own short-lived connection. Every
database failure raises a typed error (:class:`~freshbooks_sdk.stores.StoreUnavailableError`,
or :class:`~freshbooks_sdk.errors.CursorStoreUnavailableError` for cursors), never a psycopg one.
The async SDK calls these blocking stores from a worker thread.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import psycopg

from freshbooks_sdk._core.oauth import Token
from freshbooks_sdk.cursors import StoredCursor
from freshbooks_sdk.errors import (
    CorruptCursorError,
    CursorConflictError,
    CursorStoreUnavailableError,
    FreshBooksError,
    InvalidRequestError,
)
from freshbooks_sdk.stores import (
    DEFAULT_LOCK_TIMEOUT,
    StoreUnavailableError,
    check_key,
    check_until,
    decode_token,
    encode_token,
)

__all__ = ["PostgresCursorStore", "PostgresRateGate", "PostgresTokenStore"]

T = TypeVar("T")

_TABLE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_SCHEMA_LOCK = 0x46425354  # "FBST": the advisory lock serializing CREATE TABLE IF NOT EXISTS


def _check_table(table: str) -> str:
    if not isinstance(table, str) or not _TABLE_RE.fullmatch(table):
        raise InvalidRequestError(
            f"table must be a plain SQL identifier, got {table!r}", field="table"
        )
    return table


def _check_dsn(conninfo: object) -> str:
    if not isinstance(conninfo, str) or not conninfo.strip():
        raise InvalidRequestError(
            "conninfo must be a libpq connection string or URL", field="conninfo"
        )
    return conninfo


class _Connection:
    """One autocommit connection per process, shared by threads (psycopg serializes them)."""

    def __init__(
        self,
        conninfo: str,
        connect_timeout: float,
        statement_timeout: float,
        error: Callable[[str], FreshBooksError],
    ) -> None:
        self.conninfo = conninfo
        self.connect_timeout = max(1, round(connect_timeout))
        self.statement_timeout_ms = max(1, round(statement_timeout * 1000))
        self._error = error
        self._lock = threading.Lock()
        self._conn: psycopg.Connection[Any] | None = None
        self._pid = 0

    def connect(self, *, autocommit: bool) -> psycopg.Connection[Any]:
        return psycopg.connect(
            self.conninfo,
            autocommit=autocommit,
            connect_timeout=self.connect_timeout,
            options=f"-c statement_timeout={self.statement_timeout_ms}",
        )

    def run(self, what: str, fn: Callable[[psycopg.Connection[Any]], T]) -> T:
        with self._lock:
            try:
                if self._conn is None or self._pid != os.getpid() or self._conn.closed:
                    # After fork the parent's connection is not ours: drop it, never close it
                    # (closing would end the parent's session).
                    self._conn = self.connect(autocommit=True)
                    self._pid = os.getpid()
                return fn(self._conn)
            except psycopg.Error as exc:
                conn, self._conn = self._conn, None
                if conn is not None and self._pid == os.getpid():
                    conn.close()
                raise self._error(f"cannot {what}: {type(exc).__name__}: {exc}") from exc

    def create(self, ddl: str) -> None:
        def create(conn: psycopg.Connection[Any]) -> None:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                conn.execute(ddl.encode())

        self.run("create the table", create)


# ---- tokens ----------------------------------------------------------------------------------


class _PostgresLease:
    def __init__(self, conn: psycopg.Connection[Any], table: str, key: str) -> None:
        self._conn, self._table, self._key = conn, table, key
        self._held = True
        self.token: Token | None = None

    def commit(self, token: Token) -> None:
        if not self._held:
            raise StoreUnavailableError("the refresh lock was already released")
        text = encode_token(token)
        try:
            self._conn.execute(
                f"INSERT INTO {self._table} (key, token) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET token = excluded.token, updated_at = now()".encode(),
                (self._key, text),
            )
            self._conn.commit()
        except psycopg.Error as exc:
            self.release()
            raise StoreUnavailableError(
                f"cannot store the refreshed token of {self._key!r}: {exc}"
            ) from exc
        self._held = False
        self._conn.close()

    def release(self) -> None:
        if self._held:
            self._held = False
            try:
                self._conn.rollback()
            except psycopg.Error:
                pass  # closing below ends the transaction on the server anyway
            self._conn.close()


class PostgresTokenStore:
    """A :class:`~freshbooks_sdk.stores.TokenStore` in PostgreSQL, shared by every worker.

    >>> store = PostgresTokenStore("postgresql://fb@db/freshbooks")   # doctest: +SKIP
    >>> store.save("ACM123", token)                                   # doctest: +SKIP
    >>> source = TokenSource.from_store(oauth, store, "ACM123")       # doctest: +SKIP

    ``lock_timeout``: seconds a refresh waits for another worker's refresh of the same key;
    ``statement_timeout``: seconds any other statement may take.
    """

    def __init__(
        self,
        conninfo: str,
        *,
        table: str = "freshbooks_tokens",
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        connect_timeout: float = 10.0,
        statement_timeout: float = 30.0,
    ) -> None:
        self.table = _check_table(table)
        self._lock_timeout_ms = max(1, round(float(lock_timeout) * 1000))
        self._db = _Connection(
            _check_dsn(conninfo), connect_timeout, statement_timeout, StoreUnavailableError
        )
        self._db.create(
            f"CREATE TABLE IF NOT EXISTS {self.table} (key text PRIMARY KEY, token text NOT NULL, "
            "updated_at timestamptz NOT NULL DEFAULT now())"
        )

    def __repr__(self) -> str:
        return f"PostgresTokenStore(table={self.table!r})"

    def load(self, key: str) -> Token | None:
        """The stored token of ``key``, or ``None``."""
        check_key(key)
        row = self._db.run(
            "read a token",
            lambda c: c.execute(
                f"SELECT token FROM {self.table} WHERE key = %s".encode(), (key,)
            ).fetchone(),
        )
        return None if row is None else decode_token(key, row[0])

    def save(self, key: str, token: Token) -> None:
        """Store ``token`` under ``key`` (replacing any previous one)."""
        check_key(key)
        text = encode_token(token)
        self._db.run(
            "store a token",
            lambda c: c.execute(
                f"INSERT INTO {self.table} (key, token) VALUES (%s, %s) ON CONFLICT (key) "
                "DO UPDATE SET token = excluded.token, updated_at = now()".encode(),
                (key, text),
            ),
        )

    def delete(self, key: str) -> None:
        """Forget ``key``'s token (a disconnected connection)."""
        check_key(key)
        self._db.run(
            "delete a token",
            lambda c: c.execute(f"DELETE FROM {self.table} WHERE key = %s".encode(), (key,)),
        )

    def lock(self, key: str) -> _PostgresLease:
        """Open a transaction holding ``key``'s row lock (``FOR UPDATE``) until the lease ends."""
        check_key(key)
        try:
            conn = self._db.connect(autocommit=False)
        except psycopg.Error as exc:
            raise StoreUnavailableError(f"cannot connect to the token store: {exc}") from exc
        lease = _PostgresLease(conn, self.table, key)
        try:
            conn.execute(f"SET LOCAL lock_timeout = {self._lock_timeout_ms}".encode())
            conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (key,))
            row = conn.execute(
                f"SELECT token FROM {self.table} WHERE key = %s FOR UPDATE".encode(), (key,)
            ).fetchone()
            lease.token = None if row is None else decode_token(key, row[0])
        except BaseException as exc:
            lease.release()
            if isinstance(exc, psycopg.Error):
                raise StoreUnavailableError(
                    f"cannot take the refresh lock of {key!r}: {type(exc).__name__}: {exc}"
                ) from exc
            raise
        return lease


# ---- cursors ---------------------------------------------------------------------------------


def _encode_cursor(key: str, value: Mapping[str, Any]) -> str:
    check_key(key)
    try:
        return json.dumps(dict(value), sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidRequestError(
            f"cursor value for {key!r} is not JSON-serializable: {exc}", field="value"
        ) from None


def _decode_cursor(key: str, text: object) -> dict[str, Any]:
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError as exc:
        raise CorruptCursorError(f"stored cursor {key!r} is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise CorruptCursorError(f"stored cursor {key!r} is not a JSON object")
    return value


class PostgresCursorStore:
    """A :class:`~freshbooks_sdk.cursors.CursorStore` in PostgreSQL (compare-and-swap saves).

    >>> cursors = PostgresCursorStore("postgresql://fb@db/freshbooks")          # doctest: +SKIP
    >>> fb.invoices.poll(store=cursors, key="ACM123:invoices")                  # doctest: +SKIP
    """

    def __init__(
        self,
        conninfo: str,
        *,
        table: str = "freshbooks_cursors",
        connect_timeout: float = 10.0,
        statement_timeout: float = 30.0,
    ) -> None:
        self.table = _check_table(table)
        self._db = _Connection(
            _check_dsn(conninfo), connect_timeout, statement_timeout, CursorStoreUnavailableError
        )
        self._db.create(
            f"CREATE TABLE IF NOT EXISTS {self.table} (key text PRIMARY KEY, value text NOT NULL, "
            "version bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())"
        )

    def __repr__(self) -> str:
        return f"PostgresCursorStore(table={self.table!r})"

    def load(self, key: str) -> StoredCursor | None:
        """The stored cursor and its version, or ``None``."""
        check_key(key)
        row = self._db.run(
            "read a cursor",
            lambda c: c.execute(
                f"SELECT value, version FROM {self.table} WHERE key = %s".encode(), (key,)
            ).fetchone(),
        )
        if row is None:
            return None
        return StoredCursor(_decode_cursor(key, row[0]), int(row[1]))

    def save(self, key: str, value: Mapping[str, Any], expected_version: int | None) -> int:
        """Compare-and-swap: write only if the stored version is still ``expected_version``."""
        text = _encode_cursor(key, value)
        if expected_version is None:
            sql = (
                f"INSERT INTO {self.table} (key, value, version) VALUES (%s, %s, 1) "
                "ON CONFLICT (key) DO NOTHING RETURNING version"
            )
            params: tuple[Any, ...] = (key, text)
        else:
            sql = (
                f"UPDATE {self.table} SET value = %s, version = version + 1, updated_at = now() "
                "WHERE key = %s AND version = %s RETURNING version"
            )
            params = (text, key, expected_version)
        row = self._db.run("write a cursor", lambda c: c.execute(sql.encode(), params).fetchone())
        if row is None:
            current = self.load(key)
            raise CursorConflictError(
                f"cursor {key!r} was saved by someone else (expected version "
                f"{expected_version}, found {None if current is None else current.version}): "
                "another poller runs on the same key"
            )
        return int(row[0])

    def delete(self, key: str) -> None:
        """Forget ``key`` (the next poll starts from the poller's ``start`` again)."""
        check_key(key)
        self._db.run(
            "delete a cursor",
            lambda c: c.execute(f"DELETE FROM {self.table} WHERE key = %s".encode(), (key,)),
        )


# ---- rate gate -------------------------------------------------------------------------------


class PostgresRateGate:
    """A :class:`~freshbooks_sdk.stores.RateGate` in PostgreSQL: one row per account.

    >>> gate = PostgresRateGate("postgresql://fb@db/freshbooks")                 # doctest: +SKIP
    >>> fb = FreshBooks(token_source=source, account_id="ACM123", rate_gate=gate)  # doctest: +SKIP
    """

    def __init__(
        self,
        conninfo: str,
        *,
        table: str = "freshbooks_rate_gate",
        connect_timeout: float = 10.0,
        statement_timeout: float = 10.0,
    ) -> None:
        self.table = _check_table(table)
        self._db = _Connection(
            _check_dsn(conninfo), connect_timeout, statement_timeout, StoreUnavailableError
        )
        self._db.create(
            f"CREATE TABLE IF NOT EXISTS {self.table} "
            "(key text PRIMARY KEY, until double precision NOT NULL)"
        )

    def __repr__(self) -> str:
        return f"PostgresRateGate(table={self.table!r})"

    def wait_time(self, key: str, now: float) -> float:
        """Seconds to wait before sending for ``key`` (0.0 when free)."""
        row = self._db.run(
            "read the rate gate",
            lambda c: c.execute(
                f"SELECT until FROM {self.table} WHERE key = %s".encode(), (key,)
            ).fetchone(),
        )
        return 0.0 if row is None else max(0.0, float(row[0]) - now)

    def block(self, key: str, until: float) -> None:
        """No request for ``key`` before ``until`` (epoch seconds); never shortens a block."""
        value = check_until(until)
        check_key(key)
        self._db.run(
            "write the rate gate",
            lambda c: c.execute(
                f"INSERT INTO {self.table} (key, until) VALUES (%s, %s) ON CONFLICT (key) "
                f"DO UPDATE SET until = GREATEST({self.table}.until, excluded.until)".encode(),
                (key, value),
            ),
        )
