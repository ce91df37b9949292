"""Concurrency primitives for the async side (hand-written twin of ``_sync/_backend.py``)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

Lock = asyncio.Lock
SleepFn = Callable[[float], Awaitable[None]]


async def default_sleep(seconds: float) -> None:
    """Sleep without blocking the event loop."""
    await asyncio.sleep(seconds)


def is_coroutine_backend() -> bool:
    """True on the async side."""
    return True


async def within(seconds: float, awaitable: Awaitable[T]) -> T:
    """Await ``awaitable`` for at most ``seconds`` of wall time; ``TimeoutError`` past that
    (it bounds a whole HTTP attempt, a server dripping its headers included)."""
    try:
        return await asyncio.wait_for(awaitable, seconds)
    except asyncio.TimeoutError:  # not the builtin TimeoutError before Python 3.11
        raise TimeoutError(f"no answer within {seconds:g}s") from None
