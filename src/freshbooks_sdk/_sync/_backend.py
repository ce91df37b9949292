"""Concurrency primitives for the sync side (hand-written twin of ``_async/_backend.py``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

Lock = threading.Lock
SleepFn = Callable[[float], None]


def default_sleep(seconds: float) -> None:
    """Block the calling thread."""
    time.sleep(seconds)


def is_coroutine_backend() -> bool:
    """False on the sync side."""
    return False


def within(seconds: float, value: T) -> T:
    """The sync twin of the async ``within``: the call has already run (a blocking read cannot
    be interrupted from the same thread), so its result is returned as it is. The sync client
    bounds an attempt by checking its deadline while the body arrives."""
    return value
