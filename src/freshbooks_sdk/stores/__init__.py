"""Shared state for running many connections: tokens, cursors and per-account rate gates.

One process with one connection can keep everything in memory. A fleet (many worker processes,
one FreshBooks connection per client business) must share three things, each behind a protocol
with an embedded default and a Postgres implementation (:mod:`freshbooks_sdk.stores.postgres`):

* :class:`TokenStore`: the OAuth token of each connection. Refresh tokens are single-use, so a
  refresh must be **single-flight across processes**: :meth:`TokenStore.lock` takes the key's
  refresh lock (a row lock in Postgres, a write transaction in SQLite), hands back the stored
  token, and :meth:`TokenLease.commit` stores the new token durably *before* anyone uses it. A
  process that finds the stored token already rotated by another one reloads it instead of
  spending a dead refresh token (see :class:`~freshbooks_sdk.auth.TokenSource` ``store=``).
* :class:`~freshbooks_sdk.cursors.CursorStore`: the poller cursors (compare-and-swap).
* :class:`RateGate`: a per-account "do not send before" time, so that a 429 with ``Retry-After``
  seen by one worker makes every worker on that account wait (FreshBooks rate-limits per
  account). Pass it as ``FreshBooks(..., rate_gate=gate)``.

Embedded defaults: :class:`MemoryTokenStore` / :class:`MemoryRateGate` (one process) and
:class:`SQLiteTokenStore` / :class:`SQLiteRateGate` (several processes on one machine)::

    from freshbooks_sdk.stores import SQLiteTokenStore
    store = SQLiteTokenStore("tokens.db")
    store.save("ACM123", token)                                  # after the OAuth code exchange
    source = TokenSource.from_store(oauth, store, "ACM123")      # every process does this
    fb = FreshBooks(token_source=source, account_id="ACM123")

The stores above are blocking; the async SDK runs them in a worker thread. Native asyncio
stores implement the ``Async*`` protocols (:class:`AsyncTokenStore`, :class:`AsyncRateGate`,
:class:`AsyncCursorStore`: the same methods as coroutines), e.g.
:class:`~freshbooks_sdk.stores.postgres.AsyncPostgresTokenStore`; the async SDK awaits them
directly, without threads.

A lease may also offer ``dead`` (why FreshBooks refused the stored token, ``None``: alive) and
``mark_dead(reason)``: a refresh refused by FreshBooks marks the grant dead in the store so
that other processes raise :class:`~freshbooks_sdk.errors.ReauthorizationRequiredError`
without a request, until a new token is saved. A store may also offer ``delete(key)`` (True
when a token was stored), ``replace(key, expected, token)`` (compare-and-swap) and ``keys()``.
Every store of this package (memory, SQLite, Postgres) has all of them.
"""

from __future__ import annotations

import inspect
import json
import logging
import math
import os
import sqlite3
import threading
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, TypeVar, runtime_checkable

from freshbooks_sdk._async._backend import run_blocking
from freshbooks_sdk._core.oauth import Token
from freshbooks_sdk.cursors import (
    CursorStore,
    MemoryCursorStore,
    SQLiteCursorStore,
    StoredCursor,
    is_transient_sqlite_error,
)
from freshbooks_sdk.errors import FreshBooksError, InvalidRequestError

__all__ = [
    "AsyncCursorStore",
    "AsyncRateGate",
    "AsyncTokenLease",
    "AsyncTokenStore",
    "CursorStore",
    "MemoryCursorStore",
    "MemoryRateGate",
    "MemoryTokenStore",
    "RateGate",
    "SQLiteCursorStore",
    "SQLiteRateGate",
    "SQLiteTokenStore",
    "StoreBrokenError",
    "StoreUnavailableError",
    "StoredCursor",
    "TokenLease",
    "TokenStore",
    "as_async_rate_gate",
    "as_async_token_store",
    "blocking_rate_gate",
    "blocking_token_store",
    "check_key",
    "decode_token",
    "encode_token",
    "passthrough",
    "run_to_completion",
    "sqlite_store_fault",
]

T = TypeVar("T")

logger = logging.getLogger("freshbooks_sdk")

DEFAULT_LOCK_TIMEOUT = 60.0
"""Seconds a refresh waits for another process's refresh of the same key (then it fails)."""


class StoreUnavailableError(FreshBooksError):
    """A shared store (token store, rate gate) cannot be reached or did not answer in time.

    Retryable: nothing was changed, a later attempt may succeed.
    """

    @property
    def retryable(self) -> bool:
        """True: the store call changed nothing (False for :class:`StoreBrokenError`)."""
        return True


class StoreBrokenError(StoreUnavailableError):
    """A shared store fails in a way that waiting cannot fix: not a database (overwritten),
    a missing table or column, a read-only database, a damaged stored token, a refused login.

    Not retryable: a poller raises it at once instead of backing off; repair the store (or
    re-connect the account for a damaged token). A subclass of :class:`StoreUnavailableError`,
    so code that already catches that still catches it, and can tell the two apart::

        try:
            client.clients.list().to_list()
        except StoreUnavailableError as exc:
            if not exc.retryable:  # a StoreBrokenError: page someone
                raise
    """

    @property
    def retryable(self) -> bool:
        """False: the same call fails the same way until the store is repaired."""
        return False


def sqlite_store_fault(what: str, exc: sqlite3.Error) -> StoreUnavailableError:
    """The typed error for a SQLite failure of a token store or rate gate: retryable
    :class:`StoreUnavailableError` when waiting can help (a lock, a full disk), else
    :class:`StoreBrokenError` (the same classification as the cursor store).

    >>> type(sqlite_store_fault("read", sqlite3.OperationalError("database is locked"))).__name__
    'StoreUnavailableError'
    >>> type(sqlite_store_fault("read", sqlite3.DatabaseError("file is not a database"))).__name__
    'StoreBrokenError'
    """
    if is_transient_sqlite_error(exc):
        return StoreUnavailableError(f"cannot {what}: {exc}")
    return StoreBrokenError(f"cannot {what}: {exc} (this does not clear by waiting)")


def check_key(key: object, field: str = "key") -> str:
    """A store key: a non-empty string of at most 200 characters without NUL.

    >>> check_key("ACM123")
    'ACM123'
    """
    if not isinstance(key, str) or not key or len(key) > 200 or "\x00" in key:
        raise InvalidRequestError(
            f"{field} must be a non-empty string of at most 200 characters without NUL",
            field=field,
        )
    return key


def encode_token(token: Token) -> str:
    """A token as the JSON text the stores keep (it holds the secrets)."""
    if not isinstance(token, Token):
        raise InvalidRequestError("token must be a freshbooks_sdk.auth.Token", field="token")
    return json.dumps(token.to_dict(), sort_keys=True, separators=(",", ":"))


def decode_token(key: str, text: object) -> Token:
    """The token stored as ``text`` under ``key``; a damaged one raises StoreBrokenError (it is
    corrupt: reading it again gives the same answer)."""
    try:
        if not isinstance(text, str):
            raise ValueError(f"not text ({type(text).__name__})")
        data = json.loads(text)
        return Token.from_dict(data)
    except (ValueError, InvalidRequestError) as exc:
        raise StoreBrokenError(f"the stored token of {key!r} cannot be read: {exc}") from None


@runtime_checkable
class TokenLease(Protocol):
    """The refresh lock of one key, held until :meth:`commit` or :meth:`release`.

    ``token`` is what the store held when the lock was taken (``None`` if nothing).
    """

    @property
    def token(self) -> Token | None:
        """The stored token as of the moment the lock was taken."""
        ...

    def commit(self, token: Token) -> None:
        """Store ``token`` durably, then release the lock."""
        ...

    def release(self) -> None:
        """Release the lock without changing anything (harmless after :meth:`commit`)."""
        ...


@runtime_checkable
class TokenStore(Protocol):
    """Where the tokens of many connections live, shared by every process that uses them.

    ``lock(key)`` blocks until the caller is the only one refreshing ``key`` (across processes
    for a shared store) and returns a :class:`TokenLease`; waiting longer than the store's lock
    timeout raises :class:`StoreUnavailableError`. ``save`` stores unconditionally (the first
    token after the OAuth code exchange); ``load`` returns ``None`` for an unknown key.

    Optional (every store of this package has them): ``delete(key) -> bool`` (a disconnect),
    ``replace(key, expected, token) -> bool`` (compare-and-swap), ``keys()``, and on the lease
    ``dead`` and ``mark_dead(reason)`` (a grant FreshBooks refused).
    :class:`~freshbooks_sdk.auth.TokenSource` uses ``replace`` and the dead mark when present::

        store.delete("ACM123")        # True: the connection's token is gone
    """

    def load(self, key: str) -> Token | None:
        """The stored token of ``key``, or ``None``."""
        ...

    def save(self, key: str, token: Token) -> None:
        """Store ``token`` under ``key`` (replacing any previous one)."""
        ...

    def lock(self, key: str) -> TokenLease:
        """Take ``key``'s refresh lock (blocking) and return the lease."""
        ...


@runtime_checkable
class RateGate(Protocol):
    """A per-account "do not send before" time shared by every worker.

    ``wait_time(key, now)`` is how many seconds a request for ``key`` must still wait (``0.0``:
    go); ``block(key, until)`` records that ``key`` is rate limited until the epoch second
    ``until`` (a later block wins, an earlier one never shortens it). ``now`` and ``until`` are
    epoch seconds by the caller's clock.
    """

    def wait_time(self, key: str, now: float) -> float:
        """Seconds to wait before sending for ``key`` (0.0 when free)."""
        ...

    def block(self, key: str, until: float) -> None:
        """No request for ``key`` before ``until`` (epoch seconds)."""
        ...


@runtime_checkable
class AsyncTokenLease(Protocol):
    """:class:`TokenLease` of an asyncio store (``commit``/``release`` are coroutines)."""

    @property
    def token(self) -> Token | None:
        """The stored token as of the moment the lock was taken."""
        ...

    async def commit(self, token: Token) -> None:
        """Store ``token`` durably, then release the lock."""
        ...

    async def release(self) -> None:
        """Release the lock without changing anything (harmless after :meth:`commit`)."""
        ...


@runtime_checkable
class AsyncTokenStore(Protocol):
    """:class:`TokenStore` for asyncio: the same methods as coroutines, awaited without threads.

    >>> from freshbooks_sdk.stores.postgres import AsyncPostgresTokenStore
    >>> isinstance(AsyncPostgresTokenStore("postgresql://db/fb"), AsyncTokenStore)
    True
    """

    async def load(self, key: str) -> Token | None:
        """The stored token of ``key``, or ``None``."""
        ...

    async def save(self, key: str, token: Token) -> None:
        """Store ``token`` under ``key`` (replacing any previous one)."""
        ...

    async def lock(self, key: str) -> AsyncTokenLease:
        """Take ``key``'s refresh lock (waiting) and return the lease."""
        ...


@runtime_checkable
class AsyncRateGate(Protocol):
    """:class:`RateGate` for asyncio (coroutine methods)."""

    async def wait_time(self, key: str, now: float) -> float:
        """Seconds to wait before sending for ``key`` (0.0 when free)."""
        ...

    async def block(self, key: str, until: float) -> None:
        """No request for ``key`` before ``until`` (epoch seconds)."""
        ...


@runtime_checkable
class AsyncCursorStore(Protocol):
    """:class:`~freshbooks_sdk.cursors.CursorStore` for asyncio (coroutine methods), for
    :class:`~freshbooks_sdk.AsyncPoller`."""

    async def load(self, key: str) -> StoredCursor | None:
        """The stored cursor and its version, or ``None``."""
        ...

    async def save(self, key: str, value: Mapping[str, Any], expected_version: int | None) -> int:
        """Compare-and-swap save; returns the new version."""
        ...


def is_async_store(store: object) -> bool:
    """Whether ``store``'s methods are coroutines (an ``Async*`` store)."""
    method = getattr(store, "load", None) or getattr(store, "wait_time", None)
    return inspect.iscoroutinefunction(method)


async def run_to_completion(work: Awaitable[T]) -> T:
    """Await ``work`` in its own task, shielded: a cancelled caller stops waiting, ``work``
    does not stop (a refresh that spent a single-use refresh token must still store the new
    one, and a store lock taken must still be released). Its outcome is then only logged.

    The blocking SDK's twin is :func:`passthrough` (a blocking call cannot be cancelled).
    """
    import asyncio

    task = asyncio.ensure_future(work)
    _RUNNING.add(task)
    task.add_done_callback(_finished)
    return await asyncio.shield(task)


def passthrough(value: T) -> T:
    """The blocking twin of :func:`run_to_completion`: the value, already computed."""
    return value


_RUNNING: set[Any] = set()  # tasks run to completion: asyncio keeps only weak references


def _finished(task: Any) -> None:
    _RUNNING.discard(task)
    if not task.cancelled() and task.exception() is not None:
        # Retrieved here so that a caller who was cancelled leaves no "never retrieved" noise.
        logger.debug("a shielded store operation failed: %r", task.exception())


def _release_late(fut: Any) -> None:
    """A lease delivered after its caller was cancelled: release it (in a worker thread)."""
    if fut.cancelled() or fut.exception() is not None:
        return
    lease = fut.result()
    threading.Thread(target=_quiet_release, args=(lease,), daemon=True).start()


def _quiet_release(lease: TokenLease) -> None:
    try:
        lease.release()
    except Exception as exc:  # the lock's session ends with the connection anyway
        logger.warning("releasing an abandoned refresh lock failed: %r", exc)


class _ThreadedLease:
    """A blocking lease seen as an :class:`AsyncTokenLease`; its calls run in worker threads
    one at a time, and a cancelled ``commit`` still ends before ``release`` runs."""

    def __init__(self, lease: TokenLease) -> None:
        self._lease = lease
        self._pending: Any = None  # the worker-thread call in flight (an asyncio future)

    @property
    def token(self) -> Token | None:
        return self._lease.token

    @property
    def dead(self) -> str | None:
        dead = getattr(self._lease, "dead", None)
        return dead if isinstance(dead, str) else None

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        import asyncio

        await self._settle()
        self._pending = asyncio.ensure_future(run_blocking(fn, *args))
        result: T = await asyncio.shield(self._pending)
        return result

    async def _settle(self) -> None:
        """Wait for a call that a cancelled caller left running (its outcome is its own)."""
        import asyncio

        pending = self._pending
        if pending is not None and not pending.done():
            await asyncio.wait([pending])

    async def commit(self, token: Token) -> None:
        await self._call(self._lease.commit, token)

    async def release(self) -> None:
        await self._call(self._lease.release)

    async def mark_dead(self, reason: str) -> None:
        mark = getattr(self._lease, "mark_dead", None)
        if callable(mark):
            await self._call(mark, reason)
        else:
            await self.release()


class _ThreadedTokenStore:
    """A blocking :class:`TokenStore` seen as an :class:`AsyncTokenStore` (worker threads).

    ``lock`` is cancellation-safe: the blocking ``lock()`` keeps waiting in its thread after
    the caller is cancelled, and a lease it delivers then is released at once.
    """

    def __init__(self, store: TokenStore) -> None:
        self.store = store

    async def load(self, key: str) -> Token | None:
        return await run_blocking(self.store.load, key)

    async def save(self, key: str, token: Token) -> None:
        await run_blocking(self.store.save, key, token)

    async def replace(self, key: str, expected: Token, token: Token) -> bool:
        replace = getattr(self.store, "replace", None)
        if not callable(replace):
            await self.save(key, token)
            return True
        return bool(await run_blocking(replace, key, expected, token))

    async def delete(self, key: str) -> bool:
        """The wrapped store's ``delete`` (a disconnect), in a worker thread."""
        return bool(await run_blocking(self._optional("delete"), key))

    async def keys(self) -> list[str]:
        """The wrapped store's ``keys()``, in a worker thread."""
        keys = self._optional("keys")
        return await run_blocking(lambda: list(keys()))  # a lazy keys() is read in the thread

    def _optional(self, name: str) -> Callable[..., Any]:
        method: Callable[..., Any] | None = getattr(self.store, name, None)
        if not callable(method):
            raise InvalidRequestError(
                f"{type(self.store).__name__} has no {name}() (an optional TokenStore method)",
                field="store",
            )
        return method

    async def lock(self, key: str) -> _ThreadedLease:
        import asyncio

        taking = asyncio.ensure_future(run_blocking(self.store.lock, key))
        try:
            lease = await asyncio.shield(taking)
        except asyncio.CancelledError:
            taking.add_done_callback(_release_late)
            raise
        return _ThreadedLease(lease)


class _ThreadedRateGate:
    def __init__(self, gate: RateGate) -> None:
        self.gate = gate

    async def wait_time(self, key: str, now: float) -> float:
        return await run_blocking(self.gate.wait_time, key, now)

    async def block(self, key: str, until: float) -> None:
        await run_blocking(self.gate.block, key, until)


def as_async_token_store(store: TokenStore | AsyncTokenStore) -> AsyncTokenStore:
    """An asyncio view of ``store``: itself when native, else its calls in worker threads."""
    if is_async_store(store):
        return store  # type: ignore[return-value] # is_async_store checked the coroutines
    return _ThreadedTokenStore(store)  # type: ignore[arg-type] # not async: the blocking protocol


def blocking_token_store(store: TokenStore | AsyncTokenStore) -> TokenStore:
    """``store`` for blocking code; an asyncio store is refused (its calls would never run)."""
    if is_async_store(store):
        raise InvalidRequestError(
            "an asyncio token store needs AsyncTokenSource; use the blocking store class",
            field="store",
        )
    return store  # type: ignore[return-value] # not async: the blocking protocol


def as_async_rate_gate(gate: RateGate | AsyncRateGate) -> AsyncRateGate:
    """An asyncio view of ``gate``: itself when native, else its calls in worker threads."""
    if is_async_store(gate):
        return gate  # type: ignore[return-value] # is_async_store checked the coroutines
    return _ThreadedRateGate(gate)  # type: ignore[arg-type] # not async: the blocking protocol


def blocking_rate_gate(gate: RateGate | AsyncRateGate) -> RateGate:
    """``gate`` for blocking code; an asyncio gate is refused."""
    if is_async_store(gate):
        raise InvalidRequestError(
            "an asyncio rate gate needs AsyncFreshBooks; use the blocking gate class",
            field="rate_gate",
        )
    return gate  # type: ignore[return-value] # not async: the blocking protocol


def check_until(until: object) -> float:
    """A finite epoch-seconds value."""
    if isinstance(until, bool) or not isinstance(until, (int, float)) or not math.isfinite(until):
        raise InvalidRequestError("until must be finite epoch seconds", field="until")
    return float(until)


# ---- memory ----------------------------------------------------------------------------------


class _MemoryLease:
    def __init__(self, store: MemoryTokenStore, key: str, lock: threading.Lock) -> None:
        self._store, self._key, self._lock = store, key, lock
        self._held = True
        self.token = store.load(key)
        self.dead = store._dead.get(key)

    def mark_dead(self, reason: str) -> None:
        if self._held:
            with self._store._guard:
                if self._key in self._store._data:
                    self._store._dead[self._key] = reason
            self.release()

    def commit(self, token: Token) -> None:
        if not self._held:
            raise StoreUnavailableError("the refresh lock was already released")
        self._store.save(self._key, token)
        self.release()

    def release(self) -> None:
        if self._held:
            self._held = False
            self._lock.release()


class MemoryTokenStore:
    """A :class:`TokenStore` inside one process (threads share it; lost at exit).

    >>> from datetime import datetime, timezone
    >>> store = MemoryTokenStore()
    >>> store.save("ACM123", Token("a", "r", datetime(2030, 1, 1, tzinfo=timezone.utc)))
    >>> lease = store.lock("ACM123")
    >>> lease.token.access_token
    'a'
    >>> lease.commit(Token("a2", "r2", datetime(2030, 1, 2, tzinfo=timezone.utc)))
    >>> store.load("ACM123").refresh_token
    'r2'
    >>> store.delete("ACM123"), store.delete("ACM123")
    (True, False)
    """

    def __init__(self, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self._data: dict[str, str] = {}
        self._dead: dict[str, str] = {}
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._lock_timeout = float(lock_timeout)

    def load(self, key: str) -> Token | None:
        """The stored token of ``key``, or ``None``."""
        with self._guard:
            text = self._data.get(check_key(key))
        return None if text is None else decode_token(key, text)

    def save(self, key: str, token: Token) -> None:
        """Store ``token`` under ``key``."""
        text = encode_token(token)
        with self._guard:
            self._data[check_key(key)] = text
            self._dead.pop(key, None)

    def replace(self, key: str, expected: Token, token: Token) -> bool:
        """Store ``token`` only if ``key`` still holds ``expected`` (compare-and-swap)."""
        text, was = encode_token(token), encode_token(expected)
        with self._guard:
            if self._data.get(check_key(key)) != was:
                return False
            self._data[key] = text
            self._dead.pop(key, None)
        return True

    def delete(self, key: str) -> bool:
        """Forget ``key``'s token; True when one was stored."""
        with self._guard:
            self._dead.pop(check_key(key), None)
            return self._data.pop(key, None) is not None

    def keys(self) -> list[str]:
        """The keys holding a token, sorted."""
        with self._guard:
            return sorted(self._data)

    def lock(self, key: str) -> _MemoryLease:
        """Take ``key``'s refresh lock (threads of this process wait for each other)."""
        with self._guard:
            lock = self._locks.setdefault(check_key(key), threading.Lock())
        if not lock.acquire(timeout=self._lock_timeout):
            raise StoreUnavailableError(
                f"timed out after {self._lock_timeout}s waiting for the refresh lock of {key!r}"
            )
        try:
            return _MemoryLease(self, key, lock)
        except BaseException:
            lock.release()
            raise


class MemoryRateGate:
    """A :class:`RateGate` inside one process.

    >>> gate = MemoryRateGate()
    >>> gate.block("ACM123", 100.0)
    >>> gate.wait_time("ACM123", 90.0), gate.wait_time("BAY456", 90.0)
    (10.0, 0.0)
    """

    def __init__(self) -> None:
        self._until: dict[str, float] = {}
        self._guard = threading.Lock()

    def wait_time(self, key: str, now: float) -> float:
        """Seconds to wait before sending for ``key``."""
        with self._guard:
            until = self._until.get(key)
        return 0.0 if until is None else max(0.0, until - now)

    def block(self, key: str, until: float) -> None:
        """No request for ``key`` before ``until``."""
        value = check_until(until)
        with self._guard:
            self._until[check_key(key)] = max(value, self._until.get(key, value))


# ---- SQLite ----------------------------------------------------------------------------------


def _sqlite_path(path: str | os.PathLike[str]) -> str:
    text = os.fspath(path)
    if not text or text == ":memory:" or text.startswith("file::memory:"):
        raise InvalidRequestError(
            "a shared SQLite store needs a file path (use the Memory* store for one process)",
            field="path",
        )
    return text


class _SQLiteBase:
    def __init__(self, path: str | os.PathLike[str], timeout: float, schema: str) -> None:
        self.path = _sqlite_path(path)
        self._timeout = float(timeout)
        self._run(lambda conn: conn.execute(schema))

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as exc:
            # Switching a file to WAL does not wait for the busy timeout: of several connections
            # opening a new (or rollback-journal) file at once, the losers go on as they are
            # (the file is WAL once one switch succeeds; every statement below still waits).
            if "locked" not in str(exc):
                conn.close()
                raise
        return conn

    def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        try:
            conn = self._connect()
            try:
                return fn(conn)
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise sqlite_store_fault(f"use the database {self.path!r}", exc) from exc


_SQLITE_SAVE = (
    "INSERT INTO freshbooks_tokens (key, token, dead) VALUES (?, ?, NULL) "
    "ON CONFLICT (key) DO UPDATE SET token = excluded.token, dead = NULL"
)


def _sqlite_dead_column(conn: sqlite3.Connection) -> None:
    """Add the ``dead`` column to a token table written by an earlier version (once: checked
    again under the write lock, so processes opening the file at once agree)."""

    def has_it() -> bool:
        columns = conn.execute("PRAGMA table_info(freshbooks_tokens)").fetchall()
        return any(row[1] == "dead" for row in columns)

    if has_it():
        return
    conn.execute("BEGIN IMMEDIATE")
    if not has_it():
        conn.execute("ALTER TABLE freshbooks_tokens ADD COLUMN dead TEXT")
    conn.execute("COMMIT")


class _SQLiteLease:
    """The refresh lock of one key: a ``BEGIN IMMEDIATE`` transaction. ``token`` (``None``: no
    row) and ``dead`` (why FreshBooks refused it, ``None``: alive) as read under the lock."""

    def __init__(
        self, conn: sqlite3.Connection, key: str, token: Token | None, dead: str | None = None
    ) -> None:
        self._conn, self._key, self.token, self.dead = conn, key, token, dead
        self._held = True

    def commit(self, token: Token) -> None:
        if not self._held:
            raise StoreUnavailableError("the refresh lock was already released")
        text = encode_token(token)
        try:
            self._conn.execute(_SQLITE_SAVE, (self._key, text))
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self.release()
            raise sqlite_store_fault("store the refreshed token", exc) from exc
        self._held = False
        self._conn.close()

    def mark_dead(self, reason: str) -> None:
        """FreshBooks refused the stored token: record why in its row (if there is one), so
        other processes refuse it without a request until a new token is saved; release."""
        if not self._held:
            return
        try:
            self._conn.execute(
                "UPDATE freshbooks_tokens SET dead = ? WHERE key = ?", (str(reason), self._key)
            )
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self.release()
            raise sqlite_store_fault(f"mark the grant of {self._key!r} dead", exc) from exc
        self._held = False
        self._conn.close()

    def release(self) -> None:
        if self._held:
            self._held = False
            try:
                self._conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the connection is closed next: SQLite rolls back on close anyway
            self._conn.close()


class SQLiteTokenStore(_SQLiteBase):
    """The embedded :class:`TokenStore`: one SQLite file, several processes on one machine.

    The refresh lock is a ``BEGIN IMMEDIATE`` write transaction held across the refresh, so of
    several processes exactly one refreshes and the others then read the rotated token. SQLite
    has one writer at a time, so refreshes of different keys also wait for each other (and
    ``save`` waits for a refresh in progress): fine on one machine, use Postgres for a fleet.

    >>> import os, tempfile
    >>> from datetime import datetime, timezone
    >>> store = SQLiteTokenStore(os.path.join(tempfile.mkdtemp(), "tokens.db"))
    >>> store.save("ACM123", Token("a", "r", datetime(2030, 1, 1, tzinfo=timezone.utc)))
    >>> store.load("ACM123").access_token
    'a'
    >>> store.keys()
    ['ACM123']

    A refresh that FreshBooks refuses marks the grant dead in its row (the lease's
    ``mark_dead``; ``lease.dead`` is the reason), so other processes raise
    :class:`~freshbooks_sdk.errors.ReauthorizationRequiredError` without a request until a
    new token is saved. A disconnect forgets the token, overwriting it on disk:

    >>> store.delete("ACM123"), store.load("ACM123")
    (True, None)
    """

    def __init__(
        self, path: str | os.PathLike[str], *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    ) -> None:
        super().__init__(
            path,
            lock_timeout,
            "CREATE TABLE IF NOT EXISTS freshbooks_tokens "
            "(key TEXT PRIMARY KEY, token TEXT NOT NULL, dead TEXT)",
        )
        self._run(_sqlite_dead_column)

    def __repr__(self) -> str:
        return f"SQLiteTokenStore({self.path!r})"

    def load(self, key: str) -> Token | None:
        """The stored token of ``key``, or ``None``."""
        check_key(key)
        row = self._run(
            lambda c: c.execute(
                "SELECT token FROM freshbooks_tokens WHERE key = ?", (key,)
            ).fetchone()
        )
        return None if row is None else decode_token(key, row[0])

    def save(self, key: str, token: Token) -> None:
        """Store ``token`` under ``key`` (replacing any previous one; a dead mark is cleared)."""
        check_key(key)
        text = encode_token(token)
        self._run(lambda c: c.execute(_SQLITE_SAVE, (key, text)))

    def replace(self, key: str, expected: Token, token: Token) -> bool:
        """Store ``token`` only if ``key`` still holds ``expected`` (compare-and-swap)."""
        check_key(key)
        params = (encode_token(token), key, encode_token(expected))
        cursor = self._run(
            lambda c: c.execute(
                "UPDATE freshbooks_tokens SET token = ?, dead = NULL WHERE key = ? AND token = ?",
                params,
            )
        )
        return cursor.rowcount > 0

    def delete(self, key: str) -> bool:
        """Forget ``key``'s token (a disconnect); True when one was stored.

        Waits (up to ``lock_timeout``) for a refresh in progress; the row is overwritten on
        disk (``secure_delete``) and the write-ahead log truncated, so the secret does not
        linger in the file. A locked store raises the retryable
        :class:`StoreUnavailableError`, a damaged one :class:`StoreBrokenError`.
        """
        check_key(key)

        def delete(conn: sqlite3.Connection) -> bool:
            conn.execute("PRAGMA secure_delete=ON")
            conn.execute("BEGIN IMMEDIATE")
            removed = conn.execute("DELETE FROM freshbooks_tokens WHERE key = ?", (key,)).rowcount
            conn.execute("COMMIT")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return removed > 0

        return self._run(delete)

    def keys(self) -> list[str]:
        """The keys holding a token, sorted (dead grants included)."""
        rows = self._run(
            lambda c: c.execute("SELECT key FROM freshbooks_tokens ORDER BY key").fetchall()
        )
        return [str(row[0]) for row in rows]

    def lock(self, key: str) -> _SQLiteLease:
        """``BEGIN IMMEDIATE`` (waits up to ``lock_timeout``) and read the stored token."""
        check_key(key)
        try:
            conn = self._connect()
        except sqlite3.Error as exc:
            raise sqlite_store_fault(f"open {self.path!r}", exc) from exc
        try:
            conn.execute("BEGIN IMMEDIATE")
            row = conn.execute(
                "SELECT token, dead FROM freshbooks_tokens WHERE key = ?", (key,)
            ).fetchone()
            token = None if row is None else decode_token(key, row[0])
            dead = row[1] if row is not None and isinstance(row[1], str) else None
        except BaseException as exc:
            conn.close()
            if isinstance(exc, sqlite3.Error):
                raise sqlite_store_fault(
                    f"take the refresh lock of {key!r} in {self.path!r}", exc
                ) from exc
            raise
        return _SQLiteLease(conn, key, token, dead)


class SQLiteRateGate(_SQLiteBase):
    """The embedded :class:`RateGate` for several processes on one machine (one SQLite file).

    >>> import os, tempfile
    >>> gate = SQLiteRateGate(os.path.join(tempfile.mkdtemp(), "gate.db"))
    >>> gate.block("ACM123", 100.0)
    >>> gate.wait_time("ACM123", 99.5)
    0.5
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 10.0) -> None:
        super().__init__(
            path,
            timeout,
            "CREATE TABLE IF NOT EXISTS freshbooks_rate_gate (key TEXT PRIMARY KEY, until REAL NOT NULL)",
        )

    def __repr__(self) -> str:
        return f"SQLiteRateGate({self.path!r})"

    def wait_time(self, key: str, now: float) -> float:
        """Seconds to wait before sending for ``key``."""
        row = self._run(
            lambda c: c.execute(
                "SELECT until FROM freshbooks_rate_gate WHERE key = ?", (key,)
            ).fetchone()
        )
        return 0.0 if row is None else max(0.0, float(row[0]) - now)

    def block(self, key: str, until: float) -> None:
        """No request for ``key`` before ``until``."""
        value = check_until(until)
        check_key(key)
        self._run(
            lambda c: c.execute(
                "INSERT INTO freshbooks_rate_gate (key, until) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET until = max(until, excluded.until)",
                (key, value),
            )
        )
