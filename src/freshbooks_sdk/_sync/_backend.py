"""Concurrency primitives for the sync side (hand-written twin of ``_async/_backend.py``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

T = TypeVar("T")

Lock = threading.Lock
SleepFn = Callable[[float], None]

P = ParamSpec("P")
R = TypeVar("R")


def default_sleep(seconds: float) -> None:
    """Block the calling thread."""
    time.sleep(seconds)


def run_blocking(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Call ``fn`` inline (the async twin runs it in a worker thread)."""
    return fn(*args, **kwargs)


def is_coroutine_backend() -> bool:
    """False on the sync side."""
    return False


class Wakeup:
    """An interruptible wait: :meth:`wait` sleeps unless :meth:`set` is called first or meanwhile.

    ``set()`` may be called from any thread. With the default sleep the wait ends as soon as
    ``set()`` is called; an injected sleep (tests) runs to its end and the wake is reported.
    """

    def __init__(self) -> None:
        self._flag = threading.Event()

    def set(self) -> None:
        """Wake the current (or next) wait."""
        self._flag.set()

    def wait(self, sleep: SleepFn, seconds: float) -> bool:
        """Sleep ``seconds`` with ``sleep`` unless woken; True when woken (the wake is used up)."""
        if not self._flag.is_set():
            if _sleeps_for_real(sleep):
                self._flag.wait(seconds)
            else:
                sleep(seconds)
        woken = self._flag.is_set()
        self._flag.clear()
        return woken


def _sleeps_for_real(sleep: SleepFn) -> bool:
    """True when ``sleep`` is the default sleep, directly or as a client's bound ``sleep``
    method delegating to it (pollers get ``client._core.sleep``): then the wait can be an
    interruptible ``Event.wait``. An injected sleep (tests) is always called as given."""
    if sleep is default_sleep:
        return True
    owner = getattr(sleep, "__self__", None)
    return (
        getattr(sleep, "__name__", "") == "sleep"
        and getattr(owner, "_sleep", None) is default_sleep
    )


def within(seconds: float, value: T) -> T:
    """The sync twin of the async ``within``: the call has already run (a blocking read cannot
    be interrupted from the same thread), so its result is returned as it is. The sync client
    bounds an attempt by checking its deadline while the body arrives."""
    return value
