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

Native asyncio twins, for :class:`~freshbooks_sdk.AsyncFreshBooks`,
:class:`~freshbooks_sdk.auth.AsyncTokenSource` and :class:`~freshbooks_sdk.AsyncPoller` (no
threads): :class:`AsyncPostgresTokenStore`, :class:`AsyncPostgresCursorStore` and
:class:`AsyncPostgresRateGate` (``psycopg.AsyncConnection``; one per store and event loop). Both
families run the same statements and row logic (:mod:`freshbooks_sdk.stores._pg`).

A grant FreshBooks refused is marked dead in the token row (``dead``: the reason), so every
other worker raises :class:`~freshbooks_sdk.errors.ReauthorizationRequiredError` without
spending a refresh request of its own, until a new token is saved (re-connect). A refresh
commits only if the locked row still holds the token it read (compare-and-swap): a deleted
connection is never re-created by a worker that still held its token.

The rate gates cache each account's "not blocked until" for ``cache_ttl`` seconds (default
0.25 s): the common path costs no database round trip, and a 429 seen by another worker is
honoured at most ``cache_ttl`` seconds late (a 429 seen by this process at once).
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import psycopg

from freshbooks_sdk._core.oauth import Token
from freshbooks_sdk.cursors import StoredCursor
from freshbooks_sdk.errors import (
    CursorStoreBrokenError,
    CursorStoreUnavailableError,
    FreshBooksError,
)
from freshbooks_sdk.stores import (
    DEFAULT_LOCK_TIMEOUT,
    StoreBrokenError,
    StoreUnavailableError,
    check_key,
    check_until,
    encode_token,
)
from freshbooks_sdk.stores._pg import (
    DEFAULT_GATE_CACHE_TTL,
    SCHEMA_LOCK,
    CursorSQL,
    GateCache,
    GateSQL,
    LockedRow,
    TokenSQL,
    check_dsn,
    check_table,
    check_ttl,
    connect_options,
    cursor_conflict,
    encode_cursor,
    gate_until,
    is_transient_sqlstate,
    lock_timeout_ms,
    locked_row,
    reset_statement_timeout,
    set_lock_timeout,
    statement_timeout_ms,
    stored_cursor,
    token_or_none,
)

__all__ = [
    "AsyncPostgresCursorStore",
    "AsyncPostgresRateGate",
    "AsyncPostgresTokenStore",
    "PostgresCursorStore",
    "PostgresRateGate",
    "PostgresTokenStore",
]

T = TypeVar("T")


def _fault(
    error: Callable[[str], FreshBooksError], what: str, exc: psycopg.Error
) -> FreshBooksError:
    """The typed error for a psycopg failure, decided by its SQLSTATE: ``error`` (retryable)
    when waiting may help, else its broken twin (a missing column, a read-only database)."""
    message = f"cannot {what}: {type(exc).__name__}: {exc}"
    if is_transient_sqlstate(exc.sqlstate):
        return error(message)
    message += " (this does not clear by waiting)"
    if error is CursorStoreUnavailableError:
        return CursorStoreBrokenError(message)
    if error is StoreUnavailableError:
        return StoreBrokenError(message)
    return error(message)


def _token_fault(what: str, exc: psycopg.Error) -> StoreUnavailableError:
    """:func:`_fault` for the token store's own lock and lease statements."""
    error = _fault(StoreUnavailableError, what, exc)
    assert isinstance(error, StoreUnavailableError)
    return error


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
        self.options = connect_options(connect_timeout, statement_timeout)
        self._error = error
        self._lock = threading.Lock()
        self._conn: psycopg.Connection[Any] | None = None
        self._pid = 0

    def connect(self, *, autocommit: bool) -> psycopg.Connection[Any]:
        return psycopg.connect(self.conninfo, autocommit=autocommit, **self.options)

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
                raise _fault(self._error, what, exc) from exc

    def one(self, what: str, sql: bytes, params: tuple[Any, ...]) -> tuple[Any, ...] | None:
        return self.run(what, lambda c: c.execute(sql, params).fetchone())

    def create(self, ddl: tuple[bytes, ...]) -> None:
        def create(conn: psycopg.Connection[Any]) -> None:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
                for statement in ddl:
                    conn.execute(statement)

        self.run("create the table", create)


class _AsyncConnection:
    """One autocommit ``AsyncConnection`` per store and event loop, shared by its tasks."""

    def __init__(
        self,
        conninfo: str,
        connect_timeout: float,
        statement_timeout: float,
        error: Callable[[str], FreshBooksError],
    ) -> None:
        self.conninfo = conninfo
        self.options = connect_options(connect_timeout, statement_timeout)
        self._error = error
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._lock: asyncio.Lock | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0
        self._ready = False

    async def connect(self, *, autocommit: bool) -> psycopg.AsyncConnection[Any]:
        return await psycopg.AsyncConnection.connect(
            self.conninfo, autocommit=autocommit, **self.options
        )

    def _guard(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._lock is None or self._loop is not loop or self._pid != os.getpid():
            # A connection belongs to the loop (and process) that opened it: start afresh.
            self._lock, self._loop, self._conn, self._pid = asyncio.Lock(), loop, None, os.getpid()
        return self._lock

    async def run(self, what: str, fn: Callable[[psycopg.AsyncConnection[Any]], Awaitable[T]]) -> T:
        async with self._guard():
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = await self.connect(autocommit=True)
                return await fn(self._conn)
            except psycopg.Error as exc:
                conn, self._conn = self._conn, None
                if conn is not None:
                    await conn.close()
                raise _fault(self._error, what, exc) from exc

    async def one(self, what: str, sql: bytes, params: tuple[Any, ...]) -> tuple[Any, ...] | None:
        async def fetch(conn: psycopg.AsyncConnection[Any]) -> tuple[Any, ...] | None:
            cursor = await conn.execute(sql, params)
            return await cursor.fetchone()

        return await self.run(what, fetch)

    async def ensure(self, ddl: tuple[bytes, ...]) -> None:
        """Create the table once (the first call of an async store; ``__init__`` cannot await)."""
        if self._ready:
            return

        async def create(conn: psycopg.AsyncConnection[Any]) -> None:
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
                for statement in ddl:
                    await conn.execute(statement)

        await self.run("create the table", create)
        self._ready = True


# ---- tokens ----------------------------------------------------------------------------------


def _lock_fault(key: str, exc: psycopg.Error) -> StoreUnavailableError:
    return _token_fault(f"take the refresh lock of {key!r}", exc)


class _PostgresLease:
    """The refresh lock of one key: an open transaction holding the key's row lock.

    ``token`` (``None``: no row), ``dead`` (why FreshBooks refused it, ``None``: alive).
    """

    def __init__(self, conn: psycopg.Connection[Any], sql: TokenSQL, key: str) -> None:
        self._conn, self._sql, self._key = conn, sql, key
        self._held = True
        self._row = LockedRow(None, None, None)

    @property
    def token(self) -> Token | None:
        return self._row.token

    @property
    def dead(self) -> str | None:
        return self._row.dead

    def commit(self, token: Token) -> None:
        """Replace the token read under the lock (compare-and-swap), then release the lock.

        Raises :class:`StoreUnavailableError` when the row is gone or holds another token (the
        connection was deleted or re-connected meanwhile): nothing is written then.
        """
        if not self._held:
            raise StoreUnavailableError("the refresh lock was already released")
        text = encode_token(token)
        try:
            row = self._conn.execute(self._sql.swap, (text, self._key, self._row.text)).fetchone()
            if row is None:
                self.release()
                raise StoreUnavailableError(
                    f"the token row of {self._key!r} was deleted or replaced: not re-saved"
                )
            self._conn.commit()
        except psycopg.Error as exc:
            self.release()
            raise _token_fault(f"store the refreshed token of {self._key!r}", exc) from exc
        self._held = False
        self._conn.close()

    def mark_dead(self, reason: str) -> None:
        """FreshBooks refused the stored token: record it (if still stored), release the lock."""
        if not self._held:
            return
        try:
            self._conn.execute(self._sql.mark_dead, (reason, self._key, self._row.text))
            self._conn.commit()
        except psycopg.Error as exc:
            self.release()
            raise _token_fault(f"mark the grant of {self._key!r} dead", exc) from exc
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

    ``lock_timeout``: seconds a refresh waits for another worker's refresh of the same key
    (the lease's transaction lifts ``statement_timeout`` for that wait, so a lock timeout
    longer than the statement timeout is honoured); ``statement_timeout``: seconds any other
    statement may take.
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
        self.table = check_table(table)
        self._sql = TokenSQL(self.table)
        self._lock_timeout_ms = lock_timeout_ms(lock_timeout)
        self._statement_ms = statement_timeout_ms(statement_timeout)
        self._db = _Connection(
            check_dsn(conninfo), connect_timeout, statement_timeout, StoreUnavailableError
        )
        self._db.create(self._sql.ddl)

    def __repr__(self) -> str:
        return f"PostgresTokenStore(table={self.table!r})"

    def load(self, key: str) -> Token | None:
        """The stored token of ``key``, or ``None``."""
        check_key(key)
        return token_or_none(key, self._db.one("read a token", self._sql.load, (key,)))

    def save(self, key: str, token: Token) -> None:
        """Store ``token`` under ``key`` (replacing any previous one; a dead mark is cleared)."""
        check_key(key)
        text = encode_token(token)
        self._db.run("store a token", lambda c: c.execute(self._sql.save, (key, text)))

    def replace(self, key: str, expected: Token, token: Token) -> bool:
        """Store ``token`` only if ``key`` still holds ``expected`` (compare-and-swap)."""
        check_key(key)
        row = self._db.one(
            "store a token", self._sql.swap, (encode_token(token), key, encode_token(expected))
        )
        return row is not None

    def delete(self, key: str) -> None:
        """Forget ``key``'s token (a disconnected connection)."""
        check_key(key)
        self._db.run("delete a token", lambda c: c.execute(self._sql.delete, (key,)))

    def lock(self, key: str) -> _PostgresLease:
        """Open a transaction holding ``key``'s row lock (``FOR UPDATE``) until the lease ends."""
        check_key(key)
        try:
            conn = self._db.connect(autocommit=False)
        except psycopg.Error as exc:
            raise _token_fault("connect to the token store", exc) from exc
        lease = _PostgresLease(conn, self._sql, key)
        advisory, select = self._sql.lock
        try:
            conn.execute(set_lock_timeout(self._lock_timeout_ms, self._statement_ms))
            conn.execute(advisory, (key,))
            lease._row = locked_row(key, conn.execute(select, (key,)).fetchone())
            conn.execute(reset_statement_timeout(self._statement_ms))
        except BaseException as exc:
            lease.release()
            if isinstance(exc, psycopg.Error):
                raise _lock_fault(key, exc) from exc
            raise
        return lease


class _AsyncPostgresLease:
    """The asyncio twin of the blocking lease (same statements)."""

    def __init__(self, conn: psycopg.AsyncConnection[Any], sql: TokenSQL, key: str) -> None:
        self._conn, self._sql, self._key = conn, sql, key
        self._held = True
        self._row = LockedRow(None, None, None)

    @property
    def token(self) -> Token | None:
        return self._row.token

    @property
    def dead(self) -> str | None:
        return self._row.dead

    async def commit(self, token: Token) -> None:
        """Replace the token read under the lock (compare-and-swap), then release the lock."""
        if not self._held:
            raise StoreUnavailableError("the refresh lock was already released")
        text = encode_token(token)
        try:
            cursor = await self._conn.execute(self._sql.swap, (text, self._key, self._row.text))
            if await cursor.fetchone() is None:
                await self.release()
                raise StoreUnavailableError(
                    f"the token row of {self._key!r} was deleted or replaced: not re-saved"
                )
            await self._conn.commit()
        except psycopg.Error as exc:
            await self.release()
            raise _token_fault(f"store the refreshed token of {self._key!r}", exc) from exc
        self._held = False
        await self._conn.close()

    async def mark_dead(self, reason: str) -> None:
        """FreshBooks refused the stored token: record it (if still stored), release the lock."""
        if not self._held:
            return
        try:
            await self._conn.execute(self._sql.mark_dead, (reason, self._key, self._row.text))
            await self._conn.commit()
        except psycopg.Error as exc:
            await self.release()
            raise _token_fault(f"mark the grant of {self._key!r} dead", exc) from exc
        self._held = False
        await self._conn.close()

    async def release(self) -> None:
        if self._held:
            self._held = False
            try:
                await self._conn.rollback()
            except psycopg.Error:
                pass  # closing below ends the transaction on the server anyway
            await self._conn.close()


class AsyncPostgresTokenStore:
    """:class:`PostgresTokenStore` for asyncio (``psycopg.AsyncConnection``, no threads).

    >>> store = AsyncPostgresTokenStore("postgresql://fb@db/freshbooks")       # doctest: +SKIP
    >>> await store.save("ACM123", token)                                      # doctest: +SKIP
    >>> source = await AsyncTokenSource.from_store(oauth, store, "ACM123")     # doctest: +SKIP

    The table is created on the first call. Same table and rows as the blocking store: blocking
    and asyncio workers can share it.
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
        self.table = check_table(table)
        self._sql = TokenSQL(self.table)
        self._lock_timeout_ms = lock_timeout_ms(lock_timeout)
        self._statement_ms = statement_timeout_ms(statement_timeout)
        self._db = _AsyncConnection(
            check_dsn(conninfo), connect_timeout, statement_timeout, StoreUnavailableError
        )

    def __repr__(self) -> str:
        return f"AsyncPostgresTokenStore(table={self.table!r})"

    async def load(self, key: str) -> Token | None:
        """The stored token of ``key``, or ``None``."""
        check_key(key)
        await self._db.ensure(self._sql.ddl)
        return token_or_none(key, await self._db.one("read a token", self._sql.load, (key,)))

    async def save(self, key: str, token: Token) -> None:
        """Store ``token`` under ``key`` (replacing any previous one; a dead mark is cleared)."""
        check_key(key)
        text = encode_token(token)
        await self._db.ensure(self._sql.ddl)
        await self._db.one("store a token", self._sql.save + b" RETURNING 1", (key, text))

    async def replace(self, key: str, expected: Token, token: Token) -> bool:
        """Store ``token`` only if ``key`` still holds ``expected`` (compare-and-swap)."""
        check_key(key)
        await self._db.ensure(self._sql.ddl)
        row = await self._db.one(
            "store a token", self._sql.swap, (encode_token(token), key, encode_token(expected))
        )
        return row is not None

    async def delete(self, key: str) -> None:
        """Forget ``key``'s token (a disconnected connection)."""
        check_key(key)
        await self._db.ensure(self._sql.ddl)
        await self._db.one("delete a token", self._sql.delete + b" RETURNING 1", (key,))

    async def lock(self, key: str) -> _AsyncPostgresLease:
        """Open a transaction holding ``key``'s row lock (``FOR UPDATE``) until the lease ends."""
        check_key(key)
        await self._db.ensure(self._sql.ddl)
        try:
            conn = await self._db.connect(autocommit=False)
        except psycopg.Error as exc:
            raise _token_fault("connect to the token store", exc) from exc
        lease = _AsyncPostgresLease(conn, self._sql, key)
        advisory, select = self._sql.lock
        try:
            await conn.execute(set_lock_timeout(self._lock_timeout_ms, self._statement_ms))
            await conn.execute(advisory, (key,))
            cursor = await conn.execute(select, (key,))
            lease._row = locked_row(key, await cursor.fetchone())
            await conn.execute(reset_statement_timeout(self._statement_ms))
        except BaseException as exc:
            await lease.release()
            if isinstance(exc, psycopg.Error):
                raise _lock_fault(key, exc) from exc
            raise
        return lease


# ---- cursors ---------------------------------------------------------------------------------


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
        self.table = check_table(table)
        self._sql = CursorSQL(self.table)
        self._db = _Connection(
            check_dsn(conninfo), connect_timeout, statement_timeout, CursorStoreUnavailableError
        )
        self._db.create(self._sql.ddl)

    def __repr__(self) -> str:
        return f"PostgresCursorStore(table={self.table!r})"

    def load(self, key: str) -> StoredCursor | None:
        """The stored cursor and its version, or ``None``."""
        check_key(key)
        return stored_cursor(key, self._db.one("read a cursor", self._sql.load, (key,)))

    def save(self, key: str, value: Mapping[str, Any], expected_version: int | None) -> int:
        """Compare-and-swap: write only if the stored version is still ``expected_version``."""
        sql, params = self._sql.save(key, encode_cursor(key, value), expected_version)
        row = self._db.one("write a cursor", sql, params)
        if row is None:
            raise cursor_conflict(key, expected_version, self.load(key))
        return int(row[0])

    def delete(self, key: str) -> None:
        """Forget ``key`` (the next poll starts from the poller's ``start`` again)."""
        check_key(key)
        self._db.run("delete a cursor", lambda c: c.execute(self._sql.delete, (key,)))


class AsyncPostgresCursorStore:
    """:class:`PostgresCursorStore` for asyncio (``psycopg.AsyncConnection``, no threads).

    >>> cursors = AsyncPostgresCursorStore("postgresql://fb@db/freshbooks")     # doctest: +SKIP
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
        self.table = check_table(table)
        self._sql = CursorSQL(self.table)
        self._db = _AsyncConnection(
            check_dsn(conninfo), connect_timeout, statement_timeout, CursorStoreUnavailableError
        )

    def __repr__(self) -> str:
        return f"AsyncPostgresCursorStore(table={self.table!r})"

    async def load(self, key: str) -> StoredCursor | None:
        """The stored cursor and its version, or ``None``."""
        check_key(key)
        await self._db.ensure(self._sql.ddl)
        return stored_cursor(key, await self._db.one("read a cursor", self._sql.load, (key,)))

    async def save(self, key: str, value: Mapping[str, Any], expected_version: int | None) -> int:
        """Compare-and-swap: write only if the stored version is still ``expected_version``."""
        sql, params = self._sql.save(key, encode_cursor(key, value), expected_version)
        await self._db.ensure(self._sql.ddl)
        row = await self._db.one("write a cursor", sql, params)
        if row is None:
            raise cursor_conflict(key, expected_version, await self.load(key))
        return int(row[0])

    async def delete(self, key: str) -> None:
        """Forget ``key`` (the next poll starts from the poller's ``start`` again)."""
        check_key(key)
        await self._db.ensure(self._sql.ddl)
        await self._db.one("delete a cursor", self._sql.delete + b" RETURNING 1", (key,))


# ---- rate gate -------------------------------------------------------------------------------


class PostgresRateGate:
    """A :class:`~freshbooks_sdk.stores.RateGate` in PostgreSQL: one row per account.

    >>> gate = PostgresRateGate("postgresql://fb@db/freshbooks")                 # doctest: +SKIP
    >>> fb = FreshBooks(token_source=source, account_id="ACM123", rate_gate=gate)  # doctest: +SKIP

    Each account's state read from the database is trusted for ``cache_ttl`` seconds (default
    0.25; ``0`` reads on every request): the common path costs no round trip, and a block
    written by another worker is honoured at most ``cache_ttl`` seconds late. A block written
    by this process is seen at once. ``round_trips`` counts the statements sent.
    """

    def __init__(
        self,
        conninfo: str,
        *,
        table: str = "freshbooks_rate_gate",
        cache_ttl: float = DEFAULT_GATE_CACHE_TTL,
        connect_timeout: float = 10.0,
        statement_timeout: float = 10.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.table = check_table(table)
        self._sql = GateSQL(self.table)
        self._cache = GateCache(check_ttl(cache_ttl), monotonic=monotonic)
        self._db = _Connection(
            check_dsn(conninfo), connect_timeout, statement_timeout, StoreUnavailableError
        )
        self._db.create(self._sql.ddl)
        self.round_trips = 0

    def __repr__(self) -> str:
        return f"PostgresRateGate(table={self.table!r}, cache_ttl={self._cache.ttl})"

    def wait_time(self, key: str, now: float) -> float:
        """Seconds to wait before sending for ``key`` (0.0 when free)."""
        until = self._cache.lookup(key)
        if until is None:
            self.round_trips += 1
            until = gate_until(self._db.one("read the rate gate", self._sql.read, (key,)))
            self._cache.remember(key, until)
        return max(0.0, until - now)

    def block(self, key: str, until: float) -> None:
        """No request for ``key`` before ``until`` (epoch seconds); never shortens a block."""
        value = check_until(until)
        check_key(key)
        self.round_trips += 1
        row = self._db.one("write the rate gate", self._sql.block, (key, value))
        self._cache.remember(key, gate_until(row))


class AsyncPostgresRateGate:
    """:class:`PostgresRateGate` for asyncio (``psycopg.AsyncConnection``, no threads).

    >>> gate = AsyncPostgresRateGate("postgresql://fb@db/freshbooks")            # doctest: +SKIP
    >>> fb = AsyncFreshBooks(token_source=source, account_id="ACM123", rate_gate=gate)  # doctest: +SKIP

    Same ``cache_ttl`` bound as the blocking gate.
    """

    def __init__(
        self,
        conninfo: str,
        *,
        table: str = "freshbooks_rate_gate",
        cache_ttl: float = DEFAULT_GATE_CACHE_TTL,
        connect_timeout: float = 10.0,
        statement_timeout: float = 10.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.table = check_table(table)
        self._sql = GateSQL(self.table)
        self._cache = GateCache(check_ttl(cache_ttl), monotonic=monotonic)
        self._db = _AsyncConnection(
            check_dsn(conninfo), connect_timeout, statement_timeout, StoreUnavailableError
        )
        self.round_trips = 0

    def __repr__(self) -> str:
        return f"AsyncPostgresRateGate(table={self.table!r}, cache_ttl={self._cache.ttl})"

    async def wait_time(self, key: str, now: float) -> float:
        """Seconds to wait before sending for ``key`` (0.0 when free)."""
        until = self._cache.lookup(key)
        if until is None:
            await self._db.ensure(self._sql.ddl)
            self.round_trips += 1
            until = gate_until(await self._db.one("read the rate gate", self._sql.read, (key,)))
            self._cache.remember(key, until)
        return max(0.0, until - now)

    async def block(self, key: str, until: float) -> None:
        """No request for ``key`` before ``until`` (epoch seconds); never shortens a block."""
        value = check_until(until)
        check_key(key)
        await self._db.ensure(self._sql.ddl)
        self.round_trips += 1
        row = await self._db.one("write the rate gate", self._sql.block, (key, value))
        self._cache.remember(key, gate_until(row))
