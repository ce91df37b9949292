"""The Postgres stores' brain: SQL text, row decisions and error classification shared by the
asyncio stores (``stores/_async/postgres.py``) and their generated blocking twins
(``stores/_sync/postgres.py``), which only run the statements.

No I/O here: every function maps inputs to SQL and parameters, or rows to results/errors.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from freshbooks_sdk._core.oauth import Token
from freshbooks_sdk.cursors import StoredCursor, _check_expected_version, _next_version
from freshbooks_sdk.errors import (
    CorruptCursorError,
    CursorConflictError,
    CursorStoreBrokenError,
    CursorStoreUnavailableError,
    FreshBooksError,
    InvalidRequestError,
)
from freshbooks_sdk.stores import (
    StoreBrokenError,
    StoreUnavailableError,
    check_key,
    decode_token,
)

if TYPE_CHECKING:
    import psycopg

_TABLE_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
SCHEMA_LOCK = 0x46425354  # "FBST": the advisory lock serializing CREATE TABLE IF NOT EXISTS

DEFAULT_GATE_CACHE_TTL = 0.25
"""Seconds a rate gate trusts its in-process copy of an account's "not blocked until"."""
GATE_CACHE_SIZE = 10_000
"""Most accounts whose gate state one process caches (least recently used dropped first)."""


def check_table(table: object) -> str:
    """A plain SQL identifier (tables are named in SQL text, never from user data)."""
    if not isinstance(table, str) or not _TABLE_RE.fullmatch(table):
        raise InvalidRequestError(
            f"table must be a plain SQL identifier, got {table!r}", field="table"
        )
    return table


def check_dsn(conninfo: object) -> str:
    if not isinstance(conninfo, str) or not conninfo.strip():
        raise InvalidRequestError(
            "conninfo must be a libpq connection string or URL", field="conninfo"
        )
    return conninfo


def connect_options(connect_timeout: float, statement_timeout: float) -> dict[str, Any]:
    """``psycopg.connect`` keyword arguments for a store connection."""
    return {
        "connect_timeout": max(1, round(connect_timeout)),
        "options": f"-c statement_timeout={statement_timeout_ms(statement_timeout)}",
    }


def lock_timeout_ms(lock_timeout: object) -> int:
    if (
        isinstance(lock_timeout, bool)
        or not isinstance(lock_timeout, (int, float))
        or not lock_timeout > 0
    ):
        raise InvalidRequestError("lock_timeout must be positive seconds", field="lock_timeout")
    return max(1, round(float(lock_timeout) * 1000))


# ---- tokens ----------------------------------------------------------------------------------


@attrs.frozen
class TokenSQL:
    """Statements of a token table ``(key, token, dead, updated_at)``.

    ``dead`` holds why FreshBooks refused the stored token's refresh (NULL: alive); saving a new
    token clears it. Commits are compare-and-swap on the token text read under the lock.
    """

    table: str

    @property
    def ddl(self) -> tuple[bytes, ...]:
        t = self.table
        return (
            f"CREATE TABLE IF NOT EXISTS {t} (key text PRIMARY KEY, token text NOT NULL, "
            "dead text, updated_at timestamptz NOT NULL DEFAULT now())".encode(),
            # Tables created before the column existed. Only when missing: ALTER TABLE would
            # wait for every refresh lock held on the table.
            (
                "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM information_schema.columns "
                f"WHERE table_schema = current_schema() AND table_name = '{t.lower()}' "
                f"AND column_name = 'dead') THEN ALTER TABLE {t} ADD COLUMN dead text; "
                "END IF; END $$"
            ).encode(),
        )

    @property
    def load(self) -> bytes:
        return f"SELECT token FROM {self.table} WHERE key = %s".encode()

    @property
    def save(self) -> bytes:
        return (
            f"INSERT INTO {self.table} (key, token, dead) VALUES (%s, %s, NULL) "
            "ON CONFLICT (key) DO UPDATE SET token = excluded.token, dead = NULL, "
            "updated_at = now()"
        ).encode()

    @property
    def swap(self) -> bytes:
        """``(new, key, expected)``: replace only the token that is still there (CAS)."""
        return (
            f"UPDATE {self.table} SET token = %s, dead = NULL, updated_at = now() "
            "WHERE key = %s AND token = %s RETURNING 1"
        ).encode()

    @property
    def mark_dead(self) -> bytes:
        """``(reason, key, expected)``: mark the grant dead only if it is still stored."""
        return (
            f"UPDATE {self.table} SET dead = %s, updated_at = now() "
            "WHERE key = %s AND token = %s RETURNING 1"
        ).encode()

    @property
    def delete(self) -> bytes:
        return f"DELETE FROM {self.table} WHERE key = %s".encode()

    @property
    def keys(self) -> bytes:
        return f"SELECT key FROM {self.table} ORDER BY key".encode()

    @property
    def lock(self) -> tuple[bytes, bytes]:
        """The advisory lock (serializes refreshes even of a key with no row), then the row."""
        return (
            b"SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            f"SELECT token, dead FROM {self.table} WHERE key = %s FOR UPDATE".encode(),
        )


def set_lock_timeout(ms: int, statement_ms: int) -> bytes:
    """The lease transaction's timeouts while it waits for the lock.

    The session's ``statement_timeout`` would cancel a lock wait longer than itself first, so
    for the wait it is raised to cover ``lock_timeout`` (plus one statement's own time).
    """
    return (
        f"SET LOCAL lock_timeout = {int(ms)}; "
        f"SET LOCAL statement_timeout = {int(ms) + int(statement_ms)}"
    ).encode()


def reset_statement_timeout(statement_ms: int) -> bytes:
    """Back to the session's ``statement_timeout`` once the lock is held."""
    return f"SET LOCAL statement_timeout = {int(statement_ms)}".encode()


def statement_timeout_ms(statement_timeout: float) -> int:
    return max(1, round(statement_timeout * 1000))


@attrs.frozen
class LockedRow:
    """What a refresh lock found: the token (``None``: no row), its text (for the CAS) and
    why it is dead (``None``: alive)."""

    token: Token | None
    text: str | None
    dead: str | None


def locked_row(key: str, row: tuple[Any, ...] | None) -> LockedRow:
    if row is None:
        return LockedRow(None, None, None)
    token = decode_token(key, row[0])
    dead = row[1] if isinstance(row[1], str) else None
    return LockedRow(token, row[0], dead)


def token_or_none(key: str, row: tuple[Any, ...] | None) -> Token | None:
    return None if row is None else decode_token(key, row[0])


# ---- cursors ---------------------------------------------------------------------------------


@attrs.frozen
class CursorSQL:
    table: str

    @property
    def ddl(self) -> tuple[bytes, ...]:
        return (
            f"CREATE TABLE IF NOT EXISTS {self.table} (key text PRIMARY KEY, value text NOT NULL, "
            "version bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())"
        ).encode(), b"SELECT 1"

    @property
    def load(self) -> bytes:
        return f"SELECT value, version FROM {self.table} WHERE key = %s".encode()

    def save(
        self, key: str, text: str, expected_version: int | None
    ) -> tuple[bytes, tuple[Any, ...]]:
        # Checked before the write, as the SQLite store does: a version at 2**63-1 cannot be
        # passed (the bigint would overflow in the database), a bad one is refused typed.
        _check_expected_version(expected_version)
        _next_version(key, expected_version)
        if expected_version is None:
            sql = (
                f"INSERT INTO {self.table} (key, value, version) VALUES (%s, %s, 1) "
                "ON CONFLICT (key) DO NOTHING RETURNING version"
            )
            return sql.encode(), (key, text)
        sql = (
            f"UPDATE {self.table} SET value = %s, version = version + 1, updated_at = now() "
            "WHERE key = %s AND version = %s RETURNING version"
        )
        return sql.encode(), (text, key, expected_version)

    @property
    def delete(self) -> bytes:
        return f"DELETE FROM {self.table} WHERE key = %s".encode()


def encode_cursor(key: str, value: Mapping[str, Any]) -> str:
    check_key(key)
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


def decode_cursor(key: str, text: object) -> dict[str, Any]:
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError as exc:
        raise CorruptCursorError(f"stored cursor {key!r} is not valid JSON: {exc}") from None
    except RecursionError:
        raise CorruptCursorError(f"stored cursor {key!r} is nested too deeply to read") from None
    if not isinstance(value, dict):
        raise CorruptCursorError(f"stored cursor {key!r} is not a JSON object")
    return value


def stored_cursor(key: str, row: tuple[Any, ...] | None) -> StoredCursor | None:
    return None if row is None else StoredCursor(decode_cursor(key, row[0]), int(row[1]))


def cursor_conflict(
    key: str, expected_version: int | None, current: StoredCursor | None
) -> CursorConflictError:
    return CursorConflictError(
        f"cursor {key!r} was saved by someone else (expected version "
        f"{expected_version}, found {None if current is None else current.version}): "
        "another poller runs on the same key"
    )


# ---- rate gate -------------------------------------------------------------------------------


@attrs.frozen
class GateSQL:
    table: str

    @property
    def ddl(self) -> tuple[bytes, ...]:
        return (
            f"CREATE TABLE IF NOT EXISTS {self.table} "
            "(key text PRIMARY KEY, until double precision NOT NULL)"
        ).encode(), b"SELECT 1"

    @property
    def read(self) -> bytes:
        return f"SELECT until FROM {self.table} WHERE key = %s".encode()

    @property
    def block(self) -> bytes:
        """``(key, until)``: a later block wins; returns the stored time."""
        t = self.table
        return (
            f"INSERT INTO {t} (key, until) VALUES (%s, %s) ON CONFLICT (key) "
            f"DO UPDATE SET until = GREATEST({t}.until, excluded.until) RETURNING until"
        ).encode()


def check_ttl(ttl: object) -> float:
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or not 0 <= ttl <= 60:
        raise InvalidRequestError("cache_ttl must be seconds between 0 and 60", field="cache_ttl")
    return float(ttl)


class GateCache:
    """Each account's "not blocked until" as last read from the database, trusted for ``ttl``
    seconds of ``monotonic`` time (so a 429 seen by another worker is honoured at most ``ttl``
    seconds late), bounded to ``size`` accounts. Thread-safe.

    >>> ticks = iter([0.0, 0.1, 0.3])
    >>> cache = GateCache(0.25, monotonic=lambda: next(ticks))
    >>> cache.remember("ACM123", 100.0)
    >>> cache.lookup("ACM123"), cache.lookup("ACM123")
    (100.0, None)
    """

    def __init__(
        self, ttl: float, *, size: int = GATE_CACHE_SIZE, monotonic: Callable[[], float]
    ) -> None:
        self.ttl = ttl
        self._size = size
        self._monotonic = monotonic
        self._entries: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._guard = threading.Lock()

    def lookup(self, key: str) -> float | None:
        """The cached ``until`` (``-inf``: never blocked), or ``None`` when unknown or stale."""
        if self.ttl <= 0:
            return None
        now = self._monotonic()
        with self._guard:
            entry = self._entries.get(key)
            if entry is None or now - entry[1] >= self.ttl:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def remember(self, key: str, until: float) -> None:
        """``until`` was just read from (or written to) the database."""
        if self.ttl <= 0:
            return
        now = self._monotonic()
        with self._guard:
            self._entries[key] = (until, now)
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


def gate_until(row: tuple[Any, ...] | None) -> float:
    return float("-inf") if row is None else float(row[0])


# SQLSTATE classes and codes after which trying again later may succeed: a lost or refused
# connection (08), a serialization failure or deadlock (40001, 40P01), insufficient resources
# (53), a query cancelled by statement_timeout (57014), an administrator shutdown or a server
# starting up (57P01-57P05), a lock not available (55P03), a system I/O error (58).
_TRANSIENT_SQLSTATE_CLASSES = frozenset({"08", "53", "58"})
_TRANSIENT_SQLSTATES = frozenset(
    {"40001", "40P01", "55P03", "57014", "57P01", "57P02", "57P03", "57P04", "57P05"}
)
# ... and after which the same statement fails the same way until someone repairs the store:
# data exceptions (22), integrity violations (23), a read-only transaction (25006), refused
# credentials (28), an unknown database (3D) or schema (3F), a syntax error or a missing or
# renamed table or column, or a missing privilege (42), a feature not supported (0A), and data
# corruption (XX001, XX002).
_BROKEN_SQLSTATE_CLASSES = frozenset({"22", "23", "28", "3D", "3F", "42", "0A"})
_BROKEN_SQLSTATES = frozenset({"25006", "XX001", "XX002"})


def is_transient_sqlstate(sqlstate: str | None) -> bool:
    """Whether a PostgreSQL failure with ``sqlstate`` may clear by waiting (pure).

    A failure without a SQLSTATE (the server could not be reached, the connection dropped) is
    transient; an unlisted SQLSTATE is treated as transient too (the callers bound their
    retries), the listed permanent ones are not.

    >>> is_transient_sqlstate("08006"), is_transient_sqlstate("40P01"), is_transient_sqlstate(None)
    (True, True, True)
    >>> is_transient_sqlstate("42703"), is_transient_sqlstate("25006"), is_transient_sqlstate("22P02")
    (False, False, False)
    """
    if not sqlstate:
        return True
    code = sqlstate.upper()
    if code in _TRANSIENT_SQLSTATES or code[:2] in _TRANSIENT_SQLSTATE_CLASSES:
        return True
    return not (code in _BROKEN_SQLSTATES or code[:2] in _BROKEN_SQLSTATE_CLASSES)


def store_fault(
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


def token_fault(what: str, exc: psycopg.Error) -> StoreUnavailableError:
    """:func:`store_fault` for the token store's own lock and lease statements."""
    error = store_fault(StoreUnavailableError, what, exc)
    assert isinstance(error, StoreUnavailableError)
    return error
