"""The HTTP core's per-account rate gate (see :class:`freshbooks_sdk.stores.RateGate`).

Before each request the core waits while the gate says the account is rate limited; after a
429 it tells the gate until when, so every worker sharing the gate waits too::

    await gate_before_send(gate, key, clock, sleep, max_wait)   # may sleep, or raise RateLimitError
    ...
    await gate_after_429(gate, key, clock, retry_after, fallback)

The async side awaits an asyncio gate (:class:`~freshbooks_sdk.stores.AsyncRateGate`) directly
and runs a blocking one in a worker thread; the blocking side refuses an asyncio gate.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from freshbooks_sdk import stores as _stores
from freshbooks_sdk.errors import RateLimitError
from freshbooks_sdk.stores import AsyncRateGate, MemoryRateGate, RateGate

from ._backend import SleepFn

logger = logging.getLogger("freshbooks_sdk")

GATE_CHECKS = 8
"""Most waits before one request: a gate that keeps moving its time further raises instead."""

_view = _stores.as_async_rate_gate  # unasync: _view = _stores.blocking_rate_gate

DEFAULT_429_BLOCK = 1.0
"""Seconds the gate is closed after a 429 that gave no usable ``Retry-After``."""


async def _wait_time(gate: RateGate | AsyncRateGate, key: str, now: float) -> float:
    if isinstance(gate, MemoryRateGate):
        return gate.wait_time(key, now)
    return await _view(gate).wait_time(key, now)


async def _block(gate: RateGate | AsyncRateGate, key: str, until: float) -> None:
    if isinstance(gate, MemoryRateGate):
        gate.block(key, until)
        return
    await _view(gate).block(key, until)


async def gate_before_send(
    gate: RateGate | AsyncRateGate,
    key: str,
    clock: Callable[[], datetime],
    sleep: SleepFn,
    max_wait: float,
) -> float:
    """Wait until ``gate`` lets a request for ``key`` go; return the seconds waited.

    A wait longer than ``max_wait`` (the client's ``max_retry_wait``) raises
    :class:`~freshbooks_sdk.errors.RateLimitError` with ``retry_after`` before anything is sent.
    """
    waited = 0.0
    for _ in range(GATE_CHECKS):
        wait = await _wait_time(gate, key, clock().timestamp())
        if wait <= 0:
            return waited
        if waited + wait > max_wait:
            break
        logger.info("account %s is rate limited (shared gate): waiting %.2fs", key, wait)
        await sleep(wait)
        waited += wait
    else:
        wait = await _wait_time(gate, key, clock().timestamp())
        if wait <= 0:
            return waited
    raise RateLimitError(
        f"account {key} is rate limited for another {wait:.1f}s (shared rate gate; "
        f"max_retry_wait is {max_wait:g}s)",
        retry_after=wait,
    )


async def gate_after_429(
    gate: RateGate | AsyncRateGate,
    key: str,
    clock: Callable[[], datetime],
    retry_after: float | None,
    fallback: float,
) -> None:
    """Close ``gate`` for ``key`` for ``retry_after`` seconds (``fallback`` when unknown)."""
    seconds = max(fallback, DEFAULT_429_BLOCK) if retry_after is None else retry_after
    if seconds <= 0:
        return
    await _block(gate, key, clock().timestamp() + seconds)
