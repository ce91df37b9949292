"""The PostgreSQL stores: tokens, cursors and rate gates, on ``psycopg.AsyncConnection``.

Import them from :mod:`freshbooks_sdk.stores.postgres` (which explains them). The statements and
row decisions live in :mod:`freshbooks_sdk.stores._pg`; this module only runs them. The asyncio
module is the hand-written one, ``scripts/unasync.py`` generates the blocking one from it.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import psycopg

from freshbooks_sdk._async._backend import Lock
from freshbooks_sdk._core.oauth import Token
from freshbooks_sdk.cursors import StoredCursor
from freshbooks_sdk.errors import CursorStoreUnavailableError, FreshBooksError
from freshbooks_sdk.stores import (
    DEFAULT_LOCK_TIMEOUT,
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
    lock_timeout_ms,
    locked_row,
    reset_statement_timeout,
    set_lock_timeout,
    statement_timeout_ms,
    store_fault,
    stored_cursor,
    token_fault,
    token_or_none,
)

__all__ = ["AsyncPostgresCursorStore", "AsyncPostgresRateGate", "AsyncPostgresTokenStore"]

T = TypeVar("T")


def _owner() -> object:
    """Who may share one connection: the tasks of one event loop in one process (a connection
    belongs to the loop that opened it). ``None`` in the blocking twin: every thread of the
    process shares it (psycopg serializes them; a fork is handled by :meth:`_Connection.run`)."""
    return os.getpid(), asyncio.get_running_loop()  # unasync: return None


class _Connection:
    """A store's autocommit connection, shared by its tasks (one per process and event loop;
    blocking twin: one per process, shared by its threads), reopened after a failure, and
    the store's table, created once before its first statement."""

    def __init__(
        self,
        conninfo: str,
        connect_timeout: float,
        statement_timeout: float,
        error: Callable[[str], FreshBooksError],
        ddl: tuple[bytes, ...],
        auto_create: bool,
    ) -> None:
        self.conninfo = conninfo
        self.options = connect_options(connect_timeout, statement_timeout)
        self._error = error
        self._ddl = ddl
        self._ready = not auto_create
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._lock = Lock()
        self._owner: object = None
        self._pid = 0

    async def connect(self, *, autocommit: bool) -> psycopg.AsyncConnection[Any]:
        return await psycopg.AsyncConnection.connect(
            self.conninfo, autocommit=autocommit, **self.options
        )

    async def run(self, what: str, fn: Callable[[psycopg.AsyncConnection[Any]], Awaitable[T]]) -> T:
        owner = _owner()
        if owner != self._owner:
            # Another event loop (or process): the old connection is not usable here.
            self._lock, self._owner, self._conn, self._pid = Lock(), owner, None, os.getpid()
        async with self._lock:
            try:
                if self._conn is None or self._pid != os.getpid() or self._conn.closed:
                    # After fork the parent's connection is not ours: drop it, never close it
                    # (closing would end the parent's session).
                    self._conn = await self.connect(autocommit=True)
                    self._pid = os.getpid()
                return await fn(self._conn)
            except psycopg.Error as exc:
                conn, self._conn = self._conn, None
                if conn is not None and self._pid == os.getpid():
                    await conn.close()
                raise store_fault(self._error, what, exc) from exc

    async def one(self, what: str, sql: bytes, params: tuple[Any, ...]) -> tuple[Any, ...] | None:
        async def fetch(conn: psycopg.AsyncConnection[Any]) -> tuple[Any, ...] | None:
            cursor = await conn.execute(sql, params)
            return await cursor.fetchone()

        return await self.run(what, fetch)

    async def create(self, *, again: bool) -> None:
        """Run the table's DDL under the schema advisory lock (``IF NOT EXISTS``: idempotent,
        and workers starting at once wait for each other instead of racing). ``again=False``:
        only if this store has not done it yet (checked under the connection lock, so of
        several tasks sharing the store exactly one runs it)."""

        async def create(conn: psycopg.AsyncConnection[Any]) -> None:
            if self._ready and not again:
                return
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
                for statement in self._ddl:
                    await conn.execute(statement)
            self._ready = True

        await self.run("create the table", create)

    async def ensure(self) -> None:
        """The table exists (created on this store's first statement, unless ``auto_create``
        was turned off)."""
        if not self._ready:
            await self.create(again=False)


class _Store:
    """What every store has: its table, its connection and :meth:`create_table`."""

    table: str
    _db: _Connection

    def _open(
        self,
        conninfo: str,
        timeouts: tuple[float, float],
        error: Callable[[str], FreshBooksError],
        ddl: tuple[bytes, ...],
        auto_create: bool,
    ) -> None:
        self._db = _Connection(check_dsn(conninfo), *timeouts, error, ddl, auto_create)
        # unasync: if auto_create: self.create_table()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(table={self.table!r})"

    async def create_table(self) -> None:
        """Create the store's table now, or add what an older version's table lacks
        (idempotent, safe to run from many workers at once).

        >>> await AsyncPostgresTokenStore(DSN, auto_create=False).create_table()  # doctest: +SKIP
        """
        await self._db.create(again=True)


# ---- tokens ----------------------------------------------------------------------------------


class _Lease:
    """The refresh lock of one key: an open transaction holding the key's row lock.

    ``token`` (``None``: no row), ``dead`` (why FreshBooks refused it, ``None``: alive).
    """

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
        """Replace the token read under the lock (compare-and-swap), then release the lock.

        Raises :class:`StoreUnavailableError` when the row is gone or holds another token (the
        connection was deleted or re-connected meanwhile): nothing is written then.
        """
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
            raise token_fault(f"store the refreshed token of {self._key!r}", exc) from exc
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
            raise token_fault(f"mark the grant of {self._key!r} dead", exc) from exc
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


class AsyncPostgresTokenStore(_Store):
    """A :class:`~freshbooks_sdk.stores.AsyncTokenStore` in PostgreSQL, shared by every worker.

    >>> store = AsyncPostgresTokenStore("postgresql://fb@db/freshbooks")       # doctest: +SKIP
    >>> await store.save("ACM123", token)                                      # doctest: +SKIP
    >>> source = await AsyncTokenSource.from_store(oauth, store, "ACM123")     # doctest: +SKIP

    ``lock_timeout``: seconds a refresh waits for another worker's refresh of the same key
    (the lease's transaction lifts ``statement_timeout`` for that wait, so a lock timeout
    longer than the statement timeout is honoured); ``statement_timeout``: seconds any other
    statement may take. The blocking and the asyncio store use the same table and rows: both
    kinds of worker can share it.

    The table is created by :meth:`create_table` (idempotent): by default on the first call
    of an asyncio store, in the constructor of a blocking one; ``auto_create=False`` leaves it
    to you (a deploy step whose role may run DDL, workers whose role may not).
    """

    def __init__(
        self,
        conninfo: str,
        *,
        table: str = "freshbooks_tokens",
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        connect_timeout: float = 10.0,
        statement_timeout: float = 30.0,
        auto_create: bool = True,
    ) -> None:
        self.table = check_table(table)
        self._sql = TokenSQL(self.table)
        self._lock_timeout_ms = lock_timeout_ms(lock_timeout)
        self._statement_ms = statement_timeout_ms(statement_timeout)
        self._open(
            conninfo,
            (connect_timeout, statement_timeout),
            StoreUnavailableError,
            self._sql.ddl,
            auto_create,
        )

    async def load(self, key: str) -> Token | None:
        """The stored token of ``key``, or ``None``."""
        check_key(key)
        await self._db.ensure()
        return token_or_none(key, await self._db.one("read a token", self._sql.load, (key,)))

    async def save(self, key: str, token: Token) -> None:
        """Store ``token`` under ``key`` (replacing any previous one; a dead mark is cleared)."""
        check_key(key)
        text = encode_token(token)
        await self._db.ensure()
        await self._db.one("store a token", self._sql.save + b" RETURNING 1", (key, text))

    async def replace(self, key: str, expected: Token, token: Token) -> bool:
        """Store ``token`` only if ``key`` still holds ``expected`` (compare-and-swap)."""
        check_key(key)
        await self._db.ensure()
        row = await self._db.one(
            "store a token", self._sql.swap, (encode_token(token), key, encode_token(expected))
        )
        return row is not None

    async def delete(self, key: str) -> bool:
        """Forget ``key``'s token (a disconnected connection); True when one was stored.

        >>> await store.delete("ACM123")                                       # doctest: +SKIP
        True
        """
        check_key(key)
        await self._db.ensure()
        row = await self._db.one("delete a token", self._sql.delete + b" RETURNING 1", (key,))
        return row is not None

    async def keys(self) -> list[str]:
        """The keys holding a token, sorted (dead grants included)."""
        await self._db.ensure()

        async def fetch(conn: psycopg.AsyncConnection[Any]) -> list[str]:
            cursor = await conn.execute(self._sql.keys)
            return [str(row[0]) for row in await cursor.fetchall()]

        return await self._db.run("list the tokens", fetch)

    async def lock(self, key: str) -> _Lease:
        """Open a transaction holding ``key``'s row lock (``FOR UPDATE``) until the lease ends."""
        check_key(key)
        await self._db.ensure()
        try:
            conn = await self._db.connect(autocommit=False)
        except psycopg.Error as exc:
            raise token_fault("connect to the token store", exc) from exc
        lease = _Lease(conn, self._sql, key)
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
                raise token_fault(f"take the refresh lock of {key!r}", exc) from exc
            raise
        return lease


# ---- cursors ---------------------------------------------------------------------------------


class AsyncPostgresCursorStore(_Store):
    """A :class:`~freshbooks_sdk.stores.AsyncCursorStore` in PostgreSQL (compare-and-swap saves:
    ``UPDATE ... WHERE version = expected``).

    >>> cursors = AsyncPostgresCursorStore("postgresql://fb@db/freshbooks")     # doctest: +SKIP
    >>> fb.invoices.poll(store=cursors, key="ACM123:invoices")                  # doctest: +SKIP

    ``auto_create`` and :meth:`create_table`: as for the token store.
    """

    def __init__(
        self,
        conninfo: str,
        *,
        table: str = "freshbooks_cursors",
        connect_timeout: float = 10.0,
        statement_timeout: float = 30.0,
        auto_create: bool = True,
    ) -> None:
        self.table = check_table(table)
        self._sql = CursorSQL(self.table)
        self._open(
            conninfo,
            (connect_timeout, statement_timeout),
            CursorStoreUnavailableError,
            self._sql.ddl,
            auto_create,
        )

    async def load(self, key: str) -> StoredCursor | None:
        """The stored cursor and its version, or ``None``."""
        check_key(key)
        await self._db.ensure()
        return stored_cursor(key, await self._db.one("read a cursor", self._sql.load, (key,)))

    async def save(self, key: str, value: Mapping[str, Any], expected_version: int | None) -> int:
        """Compare-and-swap: write only if the stored version is still ``expected_version``."""
        sql, params = self._sql.save(key, encode_cursor(key, value), expected_version)
        await self._db.ensure()
        row = await self._db.one("write a cursor", sql, params)
        if row is None:
            raise cursor_conflict(key, expected_version, await self.load(key))
        return int(row[0])

    async def delete(self, key: str) -> None:
        """Forget ``key`` (the next poll starts from the poller's ``start`` again)."""
        check_key(key)
        await self._db.ensure()
        await self._db.one("delete a cursor", self._sql.delete + b" RETURNING 1", (key,))


# ---- rate gate -------------------------------------------------------------------------------


class AsyncPostgresRateGate(_Store):
    """A :class:`~freshbooks_sdk.stores.AsyncRateGate` in PostgreSQL: one row per account,
    ``until = GREATEST(until, new)``.

    >>> gate = AsyncPostgresRateGate("postgresql://fb@db/freshbooks")            # doctest: +SKIP
    >>> fb = AsyncFreshBooks(token_source=source, account_id="ACM123", rate_gate=gate)  # doctest: +SKIP

    Each account's state read from the database is trusted for ``cache_ttl`` seconds (default
    0.25; ``0`` reads on every request): the common path costs no round trip, and a block
    written by another worker is honoured at most ``cache_ttl`` seconds late. A block written
    by this process is seen at once. ``round_trips`` counts the statements sent.
    ``auto_create`` and :meth:`create_table`: as for the token store.
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
        auto_create: bool = True,
    ) -> None:
        self.table = check_table(table)
        self._sql = GateSQL(self.table)
        self._cache = GateCache(check_ttl(cache_ttl), monotonic=monotonic)
        self._open(
            conninfo,
            (connect_timeout, statement_timeout),
            StoreUnavailableError,
            self._sql.ddl,
            auto_create,
        )
        self.round_trips = 0

    def __repr__(self) -> str:
        return f"AsyncPostgresRateGate(table={self.table!r}, cache_ttl={self._cache.ttl})"

    async def wait_time(self, key: str, now: float) -> float:
        """Seconds to wait before sending for ``key`` (0.0 when free)."""
        until = self._cache.lookup(key)
        if until is None:
            await self._db.ensure()
            self.round_trips += 1
            until = gate_until(await self._db.one("read the rate gate", self._sql.read, (key,)))
            self._cache.remember(key, until)
        return max(0.0, until - now)

    async def block(self, key: str, until: float) -> None:
        """No request for ``key`` before ``until`` (epoch seconds); never shortens a block."""
        value = check_until(until)
        check_key(key)
        await self._db.ensure()
        self.round_trips += 1
        row = await self._db.one("write the rate gate", self._sql.block, (key, value))
        self._cache.remember(key, gate_until(row))
