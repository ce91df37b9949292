"""Retry decisions (pure): what to retry, after how long, and why.

* 429 is retried for every method after the delay ``Retry-After`` asks for (delta seconds or an
  HTTP date); absent or unparseable: jittered exponential backoff. When the asked delay exceeds
  ``max_retry_wait`` or retries run out, the caller raises ``RateLimitError(retry_after=...)``.
* A failure that happened before the request left (connect error, connect/pool timeout) is
  retried for every method: nothing reached FreshBooks.
* Ambiguous failures (read timeout, connection dropped after sending, any 5xx) are retried only
  for requests that cannot duplicate work (``idempotent``): reads, plain updates, deletes, after
  the ``Retry-After`` a 5xx asks for (else jittered backoff). A create, or a PUT that sends an
  email, is never re-sent.
* 400/401/403/404/409/422 are never retried (401 gets one token refresh elsewhere).

>>> policy = RetryPolicy(max_retries=3)
>>> decide(policy, attempt=0, idempotent=False, status=429, retry_after="2", now=0.0, rnd=0.5).delay
2.0
>>> decide(policy, attempt=0, idempotent=False, failure=Failure.READ_TIMEOUT, now=0.0, rnd=0.5).retry
False
"""

from __future__ import annotations

import enum
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import attrs


class Failure(enum.Enum):
    """Transport-level failures, classed by whether the request may have reached FreshBooks."""

    CONNECT = "connect error"  # never sent
    CONNECT_TIMEOUT = "connect timeout"  # never sent
    POOL_TIMEOUT = "pool timeout"  # never sent
    WRITE_ERROR = "write error"  # maybe partly sent: ambiguous
    READ_TIMEOUT = "read timeout"  # sent, no answer: ambiguous
    DROPPED = "connection dropped"  # sent, connection closed: ambiguous

    @property
    def request_was_sent(self) -> bool:
        """Whether FreshBooks may have received (and acted on) the request."""
        return self not in (Failure.CONNECT, Failure.CONNECT_TIMEOUT, Failure.POOL_TIMEOUT)


@attrs.frozen
class RetryPolicy:
    """How many times and how long to retry.

    ``max_retry_wait`` caps a single wait: a ``Retry-After`` above it is not waited for, the
    ``RateLimitError`` is raised at once with ``retry_after`` set, so a caller (or a workflow
    engine) can reschedule instead of blocking.
    """

    max_retries: int = 3
    max_retry_wait: float = 60.0
    backoff_base: float = 0.5
    backoff_max: float = 8.0

    def __attrs_post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {self.max_retries}")
        if self.max_retry_wait < 0:
            raise ValueError(f"max_retry_wait must be >= 0, got {self.max_retry_wait}")


@attrs.frozen
class Decision:
    """Whether to retry, after how many seconds, and the reason (logged and passed to hooks)."""

    retry: bool
    delay: float = 0.0
    reason: str = ""
    retry_after: float | None = None


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta seconds or an HTTP date.

    ``now`` is the current POSIX time. A date in the past means 0. Unparseable gives ``None``.

    >>> parse_retry_after("120", 0.0)
    120.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470.0)
    10.0
    >>> parse_retry_after("soon", 0.0) is None
    True
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN / inf
            return None
        return max(0.0, seconds)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    waited: float = when.timestamp() - now
    return max(0.0, waited)


def backoff_delay(policy: RetryPolicy, attempt: int, rnd: float) -> float:
    """Jittered exponential backoff: ``base * 2**attempt`` capped, scaled by 0.5..1.0."""
    ceiling: float = min(policy.backoff_max, policy.backoff_base * float(2**attempt))
    return ceiling * (0.5 + 0.5 * min(max(rnd, 0.0), 1.0))


def decide(
    policy: RetryPolicy,
    *,
    attempt: int,
    idempotent: bool,
    status: int | None = None,
    failure: Failure | None = None,
    retry_after: str | None = None,
    now: float,
    rnd: float,
) -> Decision:
    """Decide about one failed attempt (``attempt`` counts retries already made, from 0)."""
    if status == 429:
        asked = parse_retry_after(retry_after, now)
        delay = asked if asked is not None else backoff_delay(policy, attempt, rnd)
        if attempt >= policy.max_retries:
            return Decision(False, reason="rate limited; retries exhausted", retry_after=asked)
        if delay > policy.max_retry_wait:
            return Decision(
                False,
                reason=f"rate limited; Retry-After {delay:g}s exceeds max_retry_wait "
                f"{policy.max_retry_wait:g}s",
                retry_after=asked,
            )
        return Decision(True, delay, "rate limited (429)", retry_after=asked)
    if attempt >= policy.max_retries:
        return Decision(False, reason="retries exhausted")
    if failure is not None:
        if failure.request_was_sent and not idempotent:
            return Decision(
                False,
                reason=f"{failure.value} after the request was sent; not retried because "
                "repeating it could duplicate work",
            )
        return Decision(True, backoff_delay(policy, attempt, rnd), failure.value)
    if status is not None and 500 <= status <= 599:
        if not idempotent:
            return Decision(
                False,
                reason=f"HTTP {status}; not retried because the request may have been applied",
            )
        asked = parse_retry_after(retry_after, now)
        delay = asked if asked is not None else backoff_delay(policy, attempt, rnd)
        if delay > policy.max_retry_wait:
            return Decision(
                False,
                reason=f"HTTP {status}; Retry-After {delay:g}s exceeds max_retry_wait "
                f"{policy.max_retry_wait:g}s",
                retry_after=asked,
            )
        return Decision(True, delay, f"HTTP {status}", retry_after=asked)
    return Decision(False, reason=f"HTTP {status} is not retryable" if status else "not retryable")


def http_date(ts: float) -> str:
    """Format a POSIX time as an HTTP date (used by tests and the sandbox)."""
    from email.utils import format_datetime

    return format_datetime(datetime.fromtimestamp(ts, tz=timezone.utc), usegmt=True)
