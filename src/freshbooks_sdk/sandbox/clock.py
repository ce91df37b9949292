"""Clocks for the sandbox: the real UTC clock and a controllable :class:`FakeClock`.

A clock is any ``Callable[[], datetime]`` returning an *aware UTC* datetime. The sandbox reads it
for every timestamp it writes (``updated``, ``created_at``, token expiry, rate-limit windows).

>>> from datetime import datetime, timezone
>>> clock = FakeClock(datetime(2024, 3, 10, 6, 59, 30, tzinfo=timezone.utc))
>>> clock.advance(60)
>>> clock.now().isoformat()
'2024-03-10T07:00:30+00:00'
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from freshbooks_sdk._core.fbtime import ensure_aware

__all__ = ["DEFAULT_FAKE_START", "Clock", "FakeClock", "system_clock"]

Clock = Callable[[], datetime]
"""Returns the current instant as an aware UTC datetime."""

DEFAULT_FAKE_START = datetime(2024, 3, 15, 14, 0, 0, tzinfo=timezone.utc)
"""Where a :class:`FakeClock` starts unless told otherwise (10:00 EDT on a Friday)."""


def system_clock() -> datetime:
    """The real time, aware UTC."""
    return datetime.now(timezone.utc)


class FakeClock:
    """A thread-safe clock that only moves when told to.

    Pass it as ``Sandbox(clock=FakeClock())``; the sandbox calls it like a function.

    >>> clock = FakeClock()
    >>> start = clock()
    >>> clock.advance(90.5)
    >>> (clock() - start).total_seconds()
    90.5
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._now = ensure_aware(start or DEFAULT_FAKE_START, name="start")

    def __call__(self) -> datetime:
        return self.now()

    def __repr__(self) -> str:
        return f"FakeClock({self.now().isoformat()})"

    def now(self) -> datetime:
        """The current fake instant (aware UTC)."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` (negative values are refused).

        Its signature matches ``time.sleep``, so ``clock.advance`` can be injected as a fake sleep.
        """
        if seconds < 0:
            raise ValueError(f"cannot advance a clock by a negative amount ({seconds})")
        with self._lock:
            self._now = self._now + timedelta(seconds=seconds)

    def set(self, value: datetime) -> None:
        """Jump to ``value`` (aware; backwards jumps are allowed, for DST and replay tests)."""
        aware = ensure_aware(value, name="value")
        with self._lock:
            self._now = aware
