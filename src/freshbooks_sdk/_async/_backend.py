"""Concurrency primitives for the async side (hand-written twin of ``_sync/_backend.py``).

``asyncio`` is imported when a primitive is first used, not when the SDK is imported: a program
that only uses the blocking client never loads it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

SleepFn = Callable[[float], Awaitable[None]]


def Lock() -> asyncio.Lock:  # named like threading.Lock, its twin on the sync side
    """A new ``asyncio.Lock``."""
    import asyncio

    return asyncio.Lock()


async def default_sleep(seconds: float) -> None:
    """Sleep without blocking the event loop."""
    import asyncio

    await asyncio.sleep(seconds)


def is_coroutine_backend() -> bool:
    """True on the async side."""
    return True
