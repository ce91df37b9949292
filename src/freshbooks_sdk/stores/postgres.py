"""PostgreSQL stores for a fleet of workers: tokens, cursors and rate gates (``psycopg`` 3).

Install with ``pip install 'freshbooks-typed[postgres]'``. Each store takes a libpq connection
string and creates its table (``IF NOT EXISTS``, serialized by an advisory lock so that many
workers starting at once do not race): a blocking store in its constructor, an asyncio store on
its first call. ``await store.create_table()`` (``store.create_table()`` when blocking) does it
explicitly (idempotent: also adds a column an older version's table lacks); with
``auto_create=False`` a store never runs DDL by itself (a deploy step creates the tables)::

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
:class:`AsyncPostgresRateGate` (``psycopg.AsyncConnection``; one per store and event loop). The
asyncio classes are the only hand-written ones (``stores/_async/postgres.py``); the blocking
classes are generated from them by ``scripts/unasync.py`` (``stores/_sync/postgres.py``), and
both run the same statements and row logic (:mod:`freshbooks_sdk.stores._pg`).

``delete(key)`` forgets a connection's token (True when one was stored), ``keys()`` lists the
stored ones. A grant FreshBooks refused is marked dead in the token row (``dead``: the reason),
so every other worker raises :class:`~freshbooks_sdk.errors.ReauthorizationRequiredError`
without spending a refresh request of its own, until a new token is saved (re-connect). A refresh
commits only if the locked row still holds the token it read (compare-and-swap): a deleted
connection is never re-created by a worker that still held its token.

The rate gates cache each account's "not blocked until" for ``cache_ttl`` seconds (default
0.25 s): the common path costs no database round trip, and a 429 seen by another worker is
honoured at most ``cache_ttl`` seconds late (a 429 seen by this process at once).
"""

from __future__ import annotations

from freshbooks_sdk.stores._async.postgres import (
    AsyncPostgresCursorStore,
    AsyncPostgresRateGate,
    AsyncPostgresTokenStore,
)
from freshbooks_sdk.stores._sync.postgres import (
    PostgresCursorStore,
    PostgresRateGate,
    PostgresTokenStore,
)

__all__ = [
    "AsyncPostgresCursorStore",
    "AsyncPostgresRateGate",
    "AsyncPostgresTokenStore",
    "PostgresCursorStore",
    "PostgresRateGate",
    "PostgresTokenStore",
]
