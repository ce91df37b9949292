"""Concurrency primitives for the async side (hand-written twin of ``_sync/_backend.py``)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

Lock = asyncio.Lock
SleepFn = Callable[[float], Awaitable[None]]


async def default_sleep(seconds: float) -> None:
    """Sleep without blocking the event loop."""
    await asyncio.sleep(seconds)


def is_coroutine_backend() -> bool:
    """True on the async side."""
    return True
