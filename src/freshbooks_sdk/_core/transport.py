"""Transport-level pieces shared by the sync and async clients (pure, no I/O)."""

from __future__ import annotations

import math
from datetime import datetime, timezone

import attrs
import httpx

from freshbooks_sdk._core.retry import Failure
from freshbooks_sdk.errors import InvalidRequestError

DEFAULT_BASE_URL = "https://api.freshbooks.com"
DEFAULT_TIMEOUT = 30.0
USER_AGENT = "freshbooks-typed/0.1.0"

_FAILURES: tuple[tuple[type[Exception], Failure], ...] = (
    (httpx.ConnectTimeout, Failure.CONNECT_TIMEOUT),
    (httpx.PoolTimeout, Failure.POOL_TIMEOUT),
    (httpx.ConnectError, Failure.CONNECT),
    (httpx.ReadTimeout, Failure.READ_TIMEOUT),
    (httpx.WriteTimeout, Failure.READ_TIMEOUT),
    (httpx.WriteError, Failure.WRITE_ERROR),
    (httpx.TransportError, Failure.DROPPED),
)


def classify_failure(exc: Exception) -> Failure:
    """Map an httpx transport exception onto the retry module's failure kinds."""
    for exc_type, failure in _FAILURES:
        if isinstance(exc, exc_type):
            return failure
    return Failure.DROPPED


@attrs.frozen
class RetryEvent:
    """Passed to ``on_retry`` hooks before each retry's wait.

    >>> events = []
    >>> fb = FreshBooks(access_token="t", on_retry=events.append)  # doctest: +SKIP
    """

    method: str
    path: str
    attempt: int
    reason: str
    delay: float
    status_code: int | None = None


@attrs.define
class RetryStats:
    """Counters of what the client did: requests sent, retries made (by reason), and token
    refreshes (a new token seen: ahead of expiry or after a 401)."""

    requests: int = 0
    retries: int = 0
    refreshes: int = 0
    by_reason: dict[str, int] = attrs.field(factory=dict)


def utc_now() -> datetime:
    """The current time, aware UTC (the default clock)."""
    return datetime.now(timezone.utc)


def _finite_seconds(value: object, field: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= 0
    ):
        raise InvalidRequestError(
            f"{field} must be a finite, positive number of seconds, got {value!r}",
            field=field,
            value=value,
        )
    return float(value)


def check_timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    """Refuse an unbounded timeout: every request has a finite deadline."""
    if timeout is None:
        raise InvalidRequestError(
            "timeout must be finite (seconds or httpx.Timeout); None would let a call hang forever",
            field="timeout",
        )
    if isinstance(timeout, httpx.Timeout):
        for part in ("connect", "read", "write", "pool"):
            _finite_seconds(getattr(timeout, part), f"timeout.{part}")
        return timeout
    return httpx.Timeout(_finite_seconds(timeout, "timeout"))
