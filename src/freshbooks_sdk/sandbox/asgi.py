"""The sandbox as an ASGI application (what :meth:`Sandbox.serve` runs under uvicorn).

It needs no server library: mount it in any ASGI server, or drive it in-process through
``httpx.ASGITransport``:

>>> import asyncio, httpx
>>> from freshbooks_sdk.sandbox import Sandbox
>>> async def me() -> int:
...     transport = httpx.ASGITransport(app=Sandbox().asgi_app())
...     async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as http:
...         return (await http.get("/auth/api/v1/users/me")).status_code
>>> asyncio.run(me())
401

What it guarantees, whatever the client sends:

* a body is capped at :attr:`ServerLimits.max_body` (10 MB) *while it is read*, whatever its
  framing (``Content-Length``, chunked, none): past the cap nothing more is stored, the rest is
  drained for at most :attr:`ServerLimits.drain_seconds` (so an honest client reads the answer)
  and the answer is a FreshBooks-shaped ``413`` that closes the connection;
* the whole body must arrive within :attr:`ServerLimits.body_timeout` seconds, else ``408``;
* every answer is JSON shaped as FreshBooks shapes it (accounting errors in the classic or rpc
  format under ``/accounting/``, ``{"error", "error_description"}`` elsewhere), with a ``Date``
  header from the sandbox clock; a sandbox bug is a 500 recorded in ``sb.internal_errors``,
  never a crash of the server;
* waits (``delay`` and ``timeout`` faults, slow bodies) end at once when the server stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl

from .errors import AccountingError, ErrorItem, render_accounting_error
from .faults import ConnectionDropped, ResponseTimedOut
from .wire import SandboxRequest, SandboxResponse, json_response

if TYPE_CHECKING:
    from .app import Sandbox

__all__ = [
    "CONNECTION_STATE_KEY",
    "MAX_BODY",
    "ASGIApp",
    "ConnectionHandle",
    "SandboxASGIApp",
    "ServerLimits",
    "error_response",
]

logger = logging.getLogger("freshbooks_sdk.sandbox.http")

MAX_BODY = 10 * 1024 * 1024
"""The largest request body the sandbox accepts (bytes)."""

CONNECTION_STATE_KEY = "freshbooks_sdk.sandbox.connection"
"""Where a server puts a :class:`ConnectionHandle` in ``scope["state"]`` (so that ``drop_*``
faults can close the socket without answering)."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
"""An ASGI 3 application."""


@dataclass(frozen=True)
class ServerLimits:
    """How much the HTTP sandbox accepts, and for how long it waits.

    >>> ServerLimits(body_timeout=5.0).max_body
    10485760

    Args:
        max_body: the largest request body, in bytes (413 past it).
        body_timeout: seconds for a whole request body to arrive once the head is in (408).
        drain_seconds: how long an oversized body is read and discarded before the 413, so the
            client is not reset while still sending.
        header_timeout: seconds for a request head (request line and headers) to arrive, counted
            from the connection or the previous answer; a slow or silent client is disconnected.
        keep_alive: seconds an idle keep-alive connection is kept.
        max_header_bytes: the largest request head (400 past it).
        backlog: the listen queue length (a burst of new connections is queued, not refused).
        shutdown_timeout: the most a server stop waits for requests in flight.
        write_timeout: seconds a client has to take an answer off the server's buffer (one
            that never reads is disconnected).
    """

    max_body: int = MAX_BODY
    body_timeout: float = 30.0
    drain_seconds: float = 1.0
    header_timeout: float = 10.0
    keep_alive: float = 5.0
    max_header_bytes: int = 64 * 1024
    backlog: int = 2048
    shutdown_timeout: float = 3.0
    write_timeout: float = 30.0

    def __post_init__(self) -> None:
        for name in ("max_body", "max_header_bytes", "backlog"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"ServerLimits.{name} must be a positive integer, not {value!r}")
        for name in (
            "body_timeout",
            "drain_seconds",
            "header_timeout",
            "keep_alive",
            "shutdown_timeout",
            "write_timeout",
        ):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not 0 < value < math.inf
            ):
                raise ValueError(f"ServerLimits.{name} must be a positive number, not {value!r}")


class ConnectionHandle(Protocol):
    """What a server offers the app about the connection a request came on."""

    def close(self) -> None:
        """Close the connection without answering."""

    def abort(self) -> None:
        """Close the connection at once, discarding whatever is still buffered for the client."""


def error_response(path: str | None, status: int, error: str, description: str) -> SandboxResponse:
    """A FreshBooks-shaped error for a request the sandbox refuses before routing it.

    Under ``/accounting/`` it is an accounting error (classic format), elsewhere the auth
    servers' ``{"error", "error_description"}``:

    >>> error_response("/auth/oauth/token", 413, "payload_too_large", "too big").json()
    {'error': 'payload_too_large', 'error_description': 'too big'}
    >>> error_response("/accounting/account/A/users/clients", 408, "timeout", "slow").json()
    {'response': {'errors': [{'errno': 408, 'message': 'slow'}]}}
    """
    headers = [("connection", "close")]
    if path is not None and path.startswith("/accounting/"):
        err = AccountingError(status, ErrorItem(status, description), headers=headers)
        return render_accounting_error(err, "classic")
    return json_response(status, {"error": error, "error_description": description}, headers)


class _Refused(Exception):
    """The request is answered with ``response`` before it reaches the sandbox."""

    def __init__(self, response: SandboxResponse) -> None:
        super().__init__(response.status)
        self.response = response


class _Gone(Exception):
    """The client disconnected (or the server is stopping): nothing to answer."""


class SandboxASGIApp:
    """One :class:`Sandbox` as an ASGI 3 app (HTTP only; lifespan events are acknowledged).

    >>> from freshbooks_sdk.sandbox import Sandbox
    >>> app = SandboxASGIApp(Sandbox(), ServerLimits(max_body=1024))
    >>> app.limits.max_body
    1024

    :meth:`stop` (thread-safe through ``loop.call_soon_threadsafe``) ends every wait in progress.
    """

    def __init__(self, sandbox: Sandbox, limits: ServerLimits | None = None) -> None:
        self.sandbox = sandbox
        self.limits = limits or ServerLimits()
        self._stopping: asyncio.Event | None = None

    def stop(self) -> None:
        """Wake every request waiting on a fault, a slow body or a drain (call in the loop)."""
        self._stop_event().set()

    def _stop_event(self) -> asyncio.Event:
        if self._stopping is None:
            self._stopping = asyncio.Event()
        return self._stopping

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope.get("type")
        if kind == "lifespan":
            await self._lifespan(receive, send)
            return
        if kind != "http":
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            await self._http(scope, receive, tracked)
        except _Gone:
            return
        except Exception as exc:  # a sandbox bug: answer 500 (once), never crash the server
            logger.debug("sandbox ASGI bug", exc_info=True)
            self.sandbox.internal_errors.append(exc)
            if not started:
                bug = error_response(
                    str(scope.get("path") or "/"),
                    500,
                    "internal_server_error",
                    f"sandbox internal error: {type(exc).__name__}",
                )
                with contextlib.suppress(_Gone):
                    await self._send(send, "GET", self.sandbox.dated(bug))

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message.get("type") == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message.get("type") == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        sb = self.sandbox
        path = str(scope.get("path") or "/")
        method = str(scope.get("method") or "GET")
        headers = _headers(scope.get("headers") or [])
        try:
            body = await self._read_body(path, headers, receive)
        except _Refused as refused:
            await self._send(send, method, sb.dated(refused.response), scope, receive)
            return
        raw_query = scope.get("query_string") or b""
        query = parse_qsl(bytes(raw_query).decode("latin-1"), keep_blank_values=True)
        req = SandboxRequest.build(method, path, query, headers, body)
        try:
            fault = sb._begin(req)
            if fault is not None and fault.kind == "delay":
                await self._wait(fault.seconds)
            answer = sb._finish(req, fault)
        except ConnectionDropped:
            await self._drop(scope, receive, abort=True)
            return
        except ResponseTimedOut as timeout:
            await self._wait(timeout.seconds, receive)
            await self._drop(scope, receive, abort=True)
            return
        await self._send(send, method, answer, scope, receive)

    async def _read_body(self, path: str, headers: dict[str, str], receive: Receive) -> bytes:
        limits = self.limits
        loop = asyncio.get_running_loop()
        declared = headers.get("content-length", "").strip()
        too_big = (
            declared.isascii()
            and declared.isdigit()
            and (len(declared) > 18 or int(declared) > limits.max_body)
        )
        if too_big and "100-continue" in headers.get("expect", "").lower():
            raise _Refused(self._too_large(path))  # never invite a body we will refuse
        deadline = loop.time() + limits.body_timeout
        chunks: list[bytes] = []
        size = 0
        more = True
        while more and not too_big:
            message = await self._receive(receive, deadline - loop.time())
            if message is None:
                raise _Refused(
                    error_response(
                        path,
                        408,
                        "request_timeout",
                        f"The request body did not arrive within {limits.body_timeout:g} seconds.",
                    )
                )
            data = bytes(message.get("body") or b"")
            more = bool(message.get("more_body"))
            size += len(data)
            if size > limits.max_body:
                too_big = True
            else:
                chunks.append(data)
        if too_big:
            await self._drain(receive, more)
            raise _Refused(self._too_large(path))
        return b"".join(chunks)

    def _too_large(self, path: str) -> SandboxResponse:
        return error_response(
            path,
            413,
            "payload_too_large",
            f"The request body is larger than {self.limits.max_body} bytes.",
        )

    async def _drain(self, receive: Receive, more: bool) -> None:
        """Read and discard what is left of an oversized body, for a bounded time and size."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.limits.drain_seconds
        budget = self.limits.max_body
        while more and budget > 0:
            message = await self._receive(receive, deadline - loop.time())
            if message is None:
                return
            budget -= len(message.get("body") or b"")
            more = bool(message.get("more_body"))

    async def _receive(self, receive: Receive, timeout: float) -> Message | None:
        """The next request message; None on timeout; :class:`_Gone` on disconnect or stop."""
        if timeout <= 0:
            return None
        stop = asyncio.ensure_future(self._stop_event().wait())
        get = asyncio.ensure_future(receive())
        try:
            done, _ = await asyncio.wait(
                {get, stop}, timeout=timeout, return_when="FIRST_COMPLETED"
            )
        finally:
            for task in (stop, get):
                if not task.done():
                    task.cancel()
        if get in done:
            message = get.result()
            if message.get("type") != "http.request":
                raise _Gone
            return message
        if stop in done:
            raise _Gone
        return None

    async def _wait(self, seconds: float, receive: Receive | None = None) -> None:
        """Sleep ``seconds``, or less if the server stops (or, with ``receive``, the client
        goes away)."""
        waiters: list[asyncio.Future[Any]] = [asyncio.ensure_future(self._stop_event().wait())]
        if receive is not None:
            waiters.append(asyncio.ensure_future(receive()))
        try:
            await asyncio.wait(waiters, timeout=seconds, return_when="FIRST_COMPLETED")
        finally:
            for task in waiters:
                if not task.done():
                    task.cancel()

    async def _drop(self, scope: Scope, receive: Receive, *, abort: bool = False) -> None:
        """Close the connection without an answer (``drop_*`` / ``timeout`` faults), or
        ``abort`` it (a client that does not read: what is buffered for it is thrown away)."""
        state = scope.get("state") or {}
        handle: ConnectionHandle | None = state.get(CONNECTION_STATE_KEY)
        if handle is None:  # not under our server: the best an ASGI app can do is not answer
            raise _Gone
        if abort:
            handle.abort()
        else:
            handle.close()
        # let the server see the disconnect, so it does not answer in our place
        try:
            await self._receive(receive, 1.0)
        except _Gone:
            pass
        raise _Gone

    async def _send(
        self,
        send: Send,
        method: str,
        answer: SandboxResponse,
        scope: Scope | None = None,
        receive: Receive | None = None,
    ) -> None:
        """Send ``answer``; a client that does not read it within ``write_timeout`` is cut off
        (the server buffers one answer at most, then waits for the client to drain it)."""
        headers = [
            (_header_bytes(key.lower()), _header_bytes(value))
            for key, value in answer.headers
            if key.lower() != "content-length"
        ]
        headers.append((b"content-length", str(len(answer.body)).encode()))
        body = b"" if method == "HEAD" else answer.body
        for message in (
            {"type": "http.response.start", "status": answer.status, "headers": headers},
            {"type": "http.response.body", "body": body, "more_body": False},
        ):
            sending = asyncio.ensure_future(send(message))
            done, _ = await asyncio.wait({sending}, timeout=self.limits.write_timeout)
            if sending in done:
                sending.result()
                continue
            sending.cancel()  # it waits for the client to drain: nothing half-written
            logger.debug("closing a connection whose client does not read its answers")
            if scope is None or receive is None:
                raise _Gone
            await self._drop(scope, receive, abort=True)


def _headers(raw: Any) -> dict[str, str]:
    """Request headers, lower-cased; repeated ones joined with ", " (as httpx does)."""
    out: dict[str, str] = {}
    for key, value in raw:
        name = bytes(key).decode("latin-1").lower()
        text = bytes(value).decode("latin-1")
        out[name] = f"{out[name]}, {text}" if name in out else text
    return out


def _header_bytes(text: str) -> bytes:
    """A header name or value as bytes: latin-1 where it fits, else UTF-8; control characters
    (CR, LF, NUL...) removed, so no answer can split or break its header block."""
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "backslashreplace")
    return bytes(b for b in raw if (b >= 0x20 and b != 0x7F) or b == 0x09)
