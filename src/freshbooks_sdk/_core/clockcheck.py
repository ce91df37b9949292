"""Catch a client and an in-process sandbox that disagree on the time.

The client's clock decides ``updated_since`` windows, the poller's watermark and how long a
``Retry-After`` lasts; the sandbox's clock stamps ``updated`` and runs the rate-limit window.
When the sandbox runs on a ``FakeClock`` (2024) and the client on real time (today), a listing
filtered by ``updated_since`` comes back empty, a poller sleeps its real 300 s interval, and a
rate-limit wait takes a real minute: silent hangs. So a client built on a sandbox transport
compares the two clocks once, at construction, and warns when they are far apart, or when the
client sleeps in real time while the sandbox's clock only moves when advanced.

>>> from datetime import datetime, timezone
>>> fake = datetime(2024, 3, 15, 14, 0, tzinfo=timezone.utc)
>>> print(clock_mismatch(datetime(2026, 12, 6, 7, 0, tzinfo=timezone.utc), fake))
the sandbox's clock reads 2024-03-15T14:00:00+00:00 but this client's clock reads 2026-12-06T07:00:00+00:00 (996 days apart): ...
>>> clock_mismatch(fake, fake) is None
True
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import datetime
from typing import Protocol, cast

__all__ = ["CLOCK_TOLERANCE", "ClockMismatchWarning", "clock_mismatch", "warn_on_sandbox_clock"]

CLOCK_TOLERANCE = 300.0
"""Seconds two clocks may differ by before the client warns (well under one poll interval)."""


class ClockMismatchWarning(UserWarning):
    """A client wired to an in-process sandbox reads another time than the sandbox does, or
    sleeps in real time while the sandbox's clock is fake.

    Build the client with ``sb.client()`` / ``sb.async_client()`` (clock and sleep included), or
    pass ``clock=sb.now`` and a ``sleep=`` that advances the sandbox's clock.
    """


def clock_mismatch(
    client_now: datetime, sandbox_now: datetime, tolerance: float = CLOCK_TOLERANCE
) -> str | None:
    """The warning text when the two instants are more than ``tolerance`` seconds apart.

    Instants that cannot be compared (a naive datetime from a custom clock) give ``None``: the
    clock's own checks report that, where it is used.
    """
    if client_now.tzinfo is None or sandbox_now.tzinfo is None:
        return None
    apart = abs((client_now - sandbox_now).total_seconds())
    if apart <= tolerance:
        return None
    span = f"{apart / 86400:.0f} days" if apart >= 86400 else f"{apart:.0f} s"
    return (
        f"the sandbox's clock reads {sandbox_now.isoformat()} but this client's clock reads "
        f"{client_now.isoformat()} ({span} apart): updated_since listings, the poller and "
        "rate-limit waits will not agree (empty results, real-time sleeps). Build the client "
        "with sb.client() or sb.async_client(), or pass clock=sb.now and a sleep that "
        "advances the sandbox's clock"
    )


class _SandboxLike(Protocol):
    clock: Callable[[], datetime]

    def now(self) -> datetime: ...


def _sandbox_of(http_client: object) -> _SandboxLike | None:
    # httpx keeps a client's default transport in `_transport` (no public accessor); the
    # sandbox's transports expose the Sandbox as `.sandbox` (its `now()` reads its clock).
    transport = getattr(http_client, "_transport", None)
    sandbox = getattr(transport, "sandbox", None)
    if callable(getattr(sandbox, "now", None)) and hasattr(sandbox, "clock"):
        return cast(_SandboxLike, sandbox)
    return None


_REAL_SLEEP = (
    "this client sleeps in real time while the sandbox's clock only moves when advanced: a "
    "Retry-After or a poll interval would wait for real and never let the sandbox's time pass. "
    "Build the client with sb.client() or sb.async_client(), or pass a sleep that advances "
    "the sandbox's clock"
)


def warn_on_sandbox_clock(
    http_client: object, client_clock: Callable[[], datetime], *, real_sleep: bool = False
) -> None:
    """Warn (:class:`ClockMismatchWarning`) when ``http_client`` runs on an in-process sandbox
    whose clock is more than :data:`CLOCK_TOLERANCE` seconds away from ``client_clock``, or
    whose clock is fake (it has ``advance``) while the client sleeps in real time
    (``real_sleep``: no ``sleep=`` was given)."""
    sandbox = _sandbox_of(http_client)
    if sandbox is None:
        return
    message = clock_mismatch(client_clock(), sandbox.now())
    if message is None and real_sleep and callable(getattr(sandbox.clock, "advance", None)):
        message = _REAL_SLEEP
    if message is not None:
        # 1 this function, 2 the client's __init__, 3 the code that built the client.
        warnings.warn(message, ClockMismatchWarning, stacklevel=3)
