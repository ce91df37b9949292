"""Fault injection and the per-account rate limit.

Fault kinds (``sb.inject_faults(count, kind, ...)``):

=============== ================================================================================
``"500"``       a 500 with FreshBooks' error body; the request is **not** processed
``"html502"``   a 502 with an nginx HTML page (``text/html``); not processed
``"409"``       a 409 Conflict (errno 409, the resource is being modified by another request);
                not processed
``"drop_before"`` the connection drops before the request reaches the app (in-process:
                ``httpx.ConnectError``; HTTP: the socket closes without a response)
``"drop_after"``  the request **is processed**, then the connection drops (in-process:
                ``httpx.RemoteProtocolError``; HTTP: the socket closes without a response)
``"timeout"``   the request **is processed**, then in-process raises ``httpx.ReadTimeout``;
                over HTTP the server waits ``seconds`` and closes without answering
``"delay"``     waits ``seconds`` then answers normally (in-process through the sandbox's
                injectable sleep, which advances a :class:`FakeClock`; over HTTP a real sleep)
=============== ================================================================================
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = [
    "FAULT_KINDS",
    "RESPONSE_FAULTS",
    "ConnectionDropped",
    "Fault",
    "FaultQueue",
    "RateLimit",
    "ResponseTimedOut",
]

RESPONSE_FAULTS = frozenset({"500", "html502", "409"})
TRANSPORT_FAULTS = frozenset({"drop_before", "drop_after", "timeout", "delay"})
FAULT_KINDS = RESPONSE_FAULTS | TRANSPORT_FAULTS

HTML_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


class ConnectionDropped(Exception):
    """A transport must drop the connection (fault ``drop_before``/``drop_after``).

    ``before_processing`` is true for ``drop_before``: in-process, the transport then raises
    ``httpx.ConnectError`` (the request never reached FreshBooks, so any client may retry it);
    after processing it raises ``httpx.RemoteProtocolError`` (ambiguous: it may have been applied).
    """

    def __init__(self, message: str, *, before_processing: bool = False) -> None:
        super().__init__(message)
        self.before_processing = before_processing


class ResponseTimedOut(Exception):
    """A transport must time out (fault ``timeout``); the request was processed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"injected timeout ({seconds}s)")


@dataclass(frozen=True)
class Fault:
    """One queued fault; ``method``/``path_prefix`` restrict which requests it hits."""

    kind: str
    seconds: float = 0.0
    method: str | None = None
    path_prefix: str | None = None

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self.path_prefix is None or path.startswith(self.path_prefix)
        )


class FaultQueue:
    """Faults in injection order; each request takes the first one that matches it."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault, count: int) -> None:
        if fault.kind not in FAULT_KINDS:
            kinds = ", ".join(sorted(FAULT_KINDS))
            raise ValueError(f"unknown fault kind {fault.kind!r}; expected one of: {kinds}")
        if count < 0 or fault.seconds < 0:
            raise ValueError("count and seconds must not be negative")
        self._faults.extend([fault] * count)

    def take(self, method: str, path: str, *, kinds: frozenset[str] = FAULT_KINDS) -> Fault | None:
        for index, fault in enumerate(self._faults):
            if fault.kind in kinds and fault.matches(method, path):
                return self._faults.pop(index)
        return None

    def clear(self) -> None:
        self._faults.clear()

    def __len__(self) -> int:
        return len(self._faults)


@dataclass
class RateLimit:
    """At most ``limit`` requests per sliding ``window`` (measured with the injected clock)."""

    limit: int
    window: timedelta
    retry_after: int | None = None  # a fixed Retry-After; else the seconds until a slot frees

    def __post_init__(self) -> None:
        self._hits: deque[datetime] = deque()

    def check(self, now: datetime) -> int | None:
        """Count a request; None when it is allowed, else the Retry-After seconds."""
        while self._hits and self._hits[0] <= now - self.window:
            self._hits.popleft()
        if len(self._hits) < self.limit:
            self._hits.append(now)
            return None
        if self.retry_after is not None:
            return self.retry_after
        if not self._hits:  # limit 0: nothing ever frees up sooner than a window
            return max(1, math.ceil(self.window.total_seconds()))
        wait = (self._hits[0] + self.window - now).total_seconds()
        return max(1, math.ceil(wait))
