"""Concurrency primitives for the async side (hand-written twin of ``_sync/_backend.py``).

``asyncio`` is imported when a primitive is first used, not when the SDK is imported: a program
that only uses the blocking client never loads it.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, ParamSpec, TypeVar

if TYPE_CHECKING:
    import asyncio

T = TypeVar("T")

SleepFn = Callable[[float], Awaitable[None]]

P = ParamSpec("P")
R = TypeVar("R")


def Lock() -> asyncio.Lock:  # named like threading.Lock, its twin on the sync side
    """A new ``asyncio.Lock``."""
    import asyncio

    return asyncio.Lock()


async def default_sleep(seconds: float) -> None:
    """Sleep without blocking the event loop."""
    import asyncio

    await asyncio.sleep(seconds)


async def run_blocking(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run a blocking call (a SQLite or Postgres store, a shared gate) in a worker thread, so the
    event loop keeps running; the sync twin calls it inline."""
    import asyncio

    return await asyncio.to_thread(fn, *args, **kwargs)


def is_coroutine_backend() -> bool:
    """True on the async side."""
    return True


class Wakeup:
    """An interruptible wait: :meth:`wait` sleeps unless :meth:`set` is called first or meanwhile.

    ``set()`` may be called from any thread (a webhook handler); a ``set()`` that arrives while
    nothing waits is kept, so the next :meth:`wait` returns at once.
    """

    def __init__(self) -> None:
        self._flag = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None

    def set(self) -> None:
        """Wake the current (or next) wait."""
        self._flag.set()
        loop, event = self._loop, self._event
        if loop is not None and event is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:  # the loop closed in between: the flag is enough
                pass

    async def wait(self, sleep: SleepFn, seconds: float) -> bool:
        """Sleep ``seconds`` with ``sleep`` unless woken; True when woken (the wake is used up)."""
        if not self._flag.is_set():
            import asyncio

            self._loop = asyncio.get_running_loop()
            self._event = asyncio.Event()
            if not self._flag.is_set():
                sleeper = asyncio.ensure_future(sleep(seconds))
                waiter = asyncio.ensure_future(self._event.wait())
                try:
                    await asyncio.wait({sleeper, waiter}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    for task in (sleeper, waiter):
                        task.cancel()
                    await asyncio.gather(sleeper, waiter, return_exceptions=True)
                    self._event = None
        woken = self._flag.is_set()
        self._flag.clear()
        return woken


async def within(seconds: float, awaitable: Awaitable[T]) -> T:
    """Await ``awaitable`` for at most ``seconds`` of wall time; ``TimeoutError`` past that
    (it bounds a whole HTTP attempt, a server dripping its headers included)."""
    import asyncio

    try:
        return await asyncio.wait_for(awaitable, seconds)
    except asyncio.TimeoutError:  # not the builtin TimeoutError before Python 3.11
        raise TimeoutError(f"no answer within {seconds:g}s") from None
