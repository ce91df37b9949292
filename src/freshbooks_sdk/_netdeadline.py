"""A hard per-attempt deadline for the blocking (sync) client, enforced at the socket.

The async client bounds an attempt by cancelling it (``asyncio.wait_for``). A blocking read
cannot be interrupted from the thread that runs it, so the sync client bounds it where it
waits: the SDK-owned ``httpx.Client``'s connection pools get a network backend whose every
connect, read and write waits at most ``min(timeout, time left)``. Once the time is up the next
socket operation raises :class:`AttemptDeadlinePassed` (a ``TimeoutError``), which the HTTP
core turns into :class:`~freshbooks_sdk.errors.APITimeoutError`. A server dripping its headers
one byte at a time, or sending ``103 Early Hints`` forever, thus holds a sync call no longer
than the async one.

The deadline is per thread and per attempt::

    with hard_deadline(http_client, 9.0, owned=True):
        response = http_client.send(request)   # at most ~9 s of wall time, whatever the server

A client that sends many requests installs the backend once and then only sets the deadline of
each attempt (no per-attempt walk over the pools)::

    install_deadline_backend(http_client)
    with AttemptDeadline(9.0):
        response = http_client.send(request)

A ``http_client`` passed in by the user is not modified (``owned=False``): it is bounded only by
its own timeouts (and the SDK's between-chunk deadline checks).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

__all__ = [
    "AttemptDeadline",
    "AttemptDeadlinePassed",
    "hard_deadline",
    "install_deadline_backend",
]

_local = threading.local()


class AttemptDeadlinePassed(TimeoutError):
    """The attempt's wall-clock deadline passed while waiting on the socket."""


def _remaining() -> float | None:
    """Seconds left for the current thread's attempt; None outside :func:`hard_deadline`."""
    deadline: float | None = getattr(_local, "deadline", None)
    if deadline is None:
        return None
    return deadline - time.monotonic()


def _bounded(timeout: float | None) -> float | None:
    """``timeout`` cut to the time left; raises once nothing is left."""
    left = _remaining()
    if left is None:
        return timeout
    if left <= 0:
        raise AttemptDeadlinePassed("the attempt's deadline passed while waiting on the server")
    return left if timeout is None else min(timeout, left)


def _past_deadline() -> bool:
    left = _remaining()
    return left is not None and left <= 0


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose waits end at the attempt's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            return self._stream.read(max_bytes, _bounded(timeout))
        except httpcore.ReadTimeout:
            if _past_deadline():
                raise AttemptDeadlinePassed("no complete answer before the deadline") from None
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        try:
            self._stream.write(buffer, _bounded(timeout))
        except httpcore.WriteTimeout:
            if _past_deadline():
                raise AttemptDeadlinePassed(
                    "the request was not sent before the deadline"
                ) from None
            raise

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, _bounded(timeout))
        )

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """Wraps a pool's network backend: connects and streams honour the thread's deadline."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(
            host, port, _bounded(timeout), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_unix_socket(path, _bounded(timeout), socket_options)
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def _pools(client: httpx.Client) -> Iterator[httpcore.ConnectionPool]:
    """The httpcore pools behind ``client`` (its default transport and proxy mounts)."""
    transports: list[object] = [getattr(client, "_transport", None)]
    transports.extend(getattr(client, "_mounts", {}).values())
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        if isinstance(pool, httpcore.ConnectionPool):  # HTTPProxy/SOCKSProxy are pools too
            yield pool


def install_deadline_backend(client: httpx.Client) -> bool:
    """Make ``client``'s connection pools honour :func:`hard_deadline` (idempotent).

    True when at least one pool is bounded; False when ``client`` uses a transport the SDK
    cannot wrap (a ``MockTransport``, a custom transport): it is then bounded by its timeouts.
    """
    bounded = False
    for pool in _pools(client):
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, _DeadlineBackend):
            bounded = True
        elif isinstance(backend, httpcore.NetworkBackend):
            pool._network_backend = _DeadlineBackend(backend)
            bounded = True
    return bounded


class AttemptDeadline:
    """Bound this thread's blocking socket waits inside the ``with`` block to ``seconds`` (on a
    client whose pools :func:`install_deadline_backend` wrapped); blocks nest, the inner one
    applies until it ends.

    >>> with AttemptDeadline(5.0):
    ...     0 < _remaining() <= 5.0
    True
    >>> _remaining() is None
    True
    """

    __slots__ = ("_previous", "_seconds")

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._previous: float | None = None

    def __enter__(self) -> None:
        self._previous = getattr(_local, "deadline", None)
        _local.deadline = time.monotonic() + self._seconds

    def __exit__(self, *exc_info: object) -> None:
        _local.deadline = self._previous


@contextmanager
def hard_deadline(
    client: httpx.Client | httpx.AsyncClient, seconds: float, *, owned: bool
) -> Iterator[None]:
    """Bound the blocking socket waits of this thread's code inside the block to ``seconds``.

    A no-op for an ``httpx.AsyncClient`` (the async client cancels the attempt instead) and for
    a client the SDK does not own (it is not modified).
    """
    if not owned or not isinstance(client, httpx.Client):
        yield
        return
    install_deadline_backend(client)
    with AttemptDeadline(seconds):
        yield
