"""Concurrency primitives for the sync side (hand-written twin of ``_async/_backend.py``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

Lock = threading.Lock
SleepFn = Callable[[float], None]


def default_sleep(seconds: float) -> None:
    """Block the calling thread."""
    time.sleep(seconds)


def is_coroutine_backend() -> bool:
    """False on the sync side."""
    return False
