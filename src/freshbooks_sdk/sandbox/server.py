"""The sandbox over real HTTP on loopback: its ASGI app (:mod:`.asgi`) under uvicorn.

Needs the ``server`` extra (``pip install 'freshbooks-typed[server]'``, included in ``dev``);
without it :func:`serve` raises :class:`SandboxServerUnavailable` while the in-process
transports keep working.

>>> from freshbooks_sdk.sandbox import Sandbox
>>> import httpx
>>> sb = Sandbox()
>>> with sb.serve() as base_url:
...     httpx.get(f"{base_url}/auth/api/v1/users/me").status_code
401

The server is built to be hammered (a fleet of workers polling a thousand businesses): an
asyncio event loop in one background thread (no thread per connection), a listen backlog of
2048, a deadline for every request head (10 s) and body (30 s), idle keep-alive connections closed
after 5 s, a client that does not read its answers cut off after 30 s, request heads capped at
64 KiB and bodies at 10 MB, protocol garbage answered with a
JSON 400, no ``Server`` header and a ``Date`` header from the sandbox clock
(:class:`~freshbooks_sdk.sandbox.asgi.ServerLimits` changes the figures). Nothing is printed:
the server logs to ``freshbooks_sdk.sandbox.http`` and never configures logging.

``main_serve(argv)`` is the ``freshbooks sandbox serve`` command.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import socket
import sys
import threading
import time
from collections.abc import Sequence
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlencode

from .asgi import CONNECTION_STATE_KEY, MAX_BODY, SandboxASGIApp, ServerLimits, error_response

if TYPE_CHECKING:
    from .app import Sandbox

__all__ = [
    "MAX_BODY",
    "SandboxServer",
    "SandboxServerUnavailable",
    "ServerLimits",
    "main_serve",
    "make_server",
    "serve",
    "serve_forever",
]

logger = logging.getLogger("freshbooks_sdk.sandbox.http")
logger.addHandler(logging.NullHandler())  # a library logs, the application decides what prints

_START_TIMEOUT = 10.0
INSTALL_HINT = "pip install 'freshbooks-typed[server]'"


class SandboxServerUnavailable(ImportError):
    """The HTTP sandbox needs the ``server`` extra (uvicorn), which is not installed.

    >>> try:
    ...     raise SandboxServerUnavailable()
    ... except ImportError as exc:
    ...     "freshbooks-typed[server]" in str(exc)
    True
    """

    def __init__(self, cause: str = "uvicorn is not installed") -> None:
        self.cause = cause
        super().__init__(
            f"serving the sandbox over HTTP needs the 'server' extra ({cause}): {INSTALL_HINT}. "
            "The in-process transports (sb.transport(), sb.async_transport()) need nothing more.",
            name="uvicorn",
        )

    def __reduce__(self) -> tuple[type[SandboxServerUnavailable], tuple[str]]:
        """Pickled as its cause: unpickling rebuilds the same message (task queues, pools)."""
        return (type(self), (self.cause,))


def _uvicorn() -> tuple[ModuleType, ModuleType, type[Any]]:
    """``(uvicorn, h11, H11Protocol)``, imported only when a server is made."""
    try:
        import h11
        import uvicorn
        from uvicorn.protocols.http.h11_impl import H11Protocol
    except ImportError as exc:
        raise SandboxServerUnavailable(f"{type(exc).__name__}: {exc}") from exc
    return uvicorn, h11, H11Protocol


class _QuietLogger(logging.Logger):
    """``freshbooks_sdk.sandbox.http`` for uvicorn's protocol, with its per-request warnings
    ("Invalid HTTP request received.") as debug records: the client got its 400, and a test
    server has nothing to warn its host about. Errors stay errors."""

    def __init__(self) -> None:
        super().__init__(logger.name)
        self.parent = logger  # levels and handlers: those of the real logger

    def warning(self, msg: object, *args: Any, **kwargs: Any) -> None:
        self.debug(msg, *args, **kwargs)


_QUIET = _QuietLogger()


class _Connection:
    """What the ASGI app may do to the connection a request came on (close it, for faults)."""

    def __init__(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport

    def close(self) -> None:
        self._transport.close()

    def abort(self) -> None:
        if isinstance(self._transport, asyncio.WriteTransport):
            self._transport.abort()
        else:
            self._transport.close()


def _protocol_class(
    h11: ModuleType, base: type[Any], limits: ServerLimits, sandbox: Sandbox
) -> type[Any]:
    """uvicorn's h11 protocol with a deadline for request heads, JSON 400s and quiet logs."""

    class SandboxH11Protocol(base):  # type: ignore[misc]  # base: uvicorn's H11Protocol (Any)
        app_state: dict[str, Any]

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.logger = _QUIET  # a bad request is answered (400), not a warning
            self.access_log = False  # no access log (without touching uvicorn's loggers)
            self._head_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(transport)
            # head and body go out in separate writes: without this, Nagle and delayed ACKs
            # add 40 ms to every answer (asyncio sets it itself only for IPPROTO_TCP sockets)
            sock = transport.get_extra_info("socket")
            if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
                try:
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                except OSError:  # the peer is already gone; connection_lost follows
                    pass
            # per connection, so that the app can drop this connection (drop/timeout faults)
            self.app_state = {**self.app_state, CONNECTION_STATE_KEY: _Connection(transport)}
            self._arm_head_timer()

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel_head_timer()
            super().connection_lost(exc)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm_head_timer()  # the next request's head has the same deadline

        def _arm_head_timer(self) -> None:
            self._cancel_head_timer()
            self._head_timer = self.loop.call_later(limits.header_timeout, self._head_timed_out)

        def _cancel_head_timer(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_timed_out(self) -> None:
            self._head_timer = None
            waiting_for_head = self.conn.their_state is h11.IDLE and (
                self.cycle is None or self.cycle.response_complete
            )
            if waiting_for_head and not self.transport.is_closing():
                logger.debug("closing a connection whose request head did not arrive in time")
                self.transport.close()

        def data_received(self, data: bytes) -> None:
            try:
                super().data_received(data)
            except Exception:  # never an asyncio traceback on stderr: answer 400 and close
                logger.debug("unexpected error while parsing a request", exc_info=True)
                self.send_400_response("Invalid HTTP request received.")

        def send_400_response(self, msg: str) -> None:
            answer = sandbox.dated(error_response(None, 400, "bad_request", msg))
            headers = [(k.encode(), v.encode()) for k, v in answer.headers]
            headers.append((b"content-length", str(len(answer.body)).encode()))
            try:
                out = self.conn.send(
                    h11.Response(status_code=400, headers=headers, reason=b"Bad Request")
                )
                out += self.conn.send(h11.Data(data=answer.body))
                out += self.conn.send(h11.EndOfMessage())
                self.transport.write(out)
            except Exception:  # an answer was already under way (h11.LocalProtocolError)
                pass
            self.transport.close()

    return SandboxH11Protocol


class SandboxServer:
    """One :class:`Sandbox` served over HTTP by uvicorn on ``host:port`` (``port=0``: any free).

    >>> from freshbooks_sdk.sandbox import Sandbox
    >>> with SandboxServer(Sandbox(), limits=ServerLimits(max_body=1 << 20)) as base_url:
    ...     base_url.startswith("http://127.0.0.1:")
    True

    ``start()`` / ``stop()`` run it in a daemon thread (also a context manager yielding the base
    URL); ``serve_forever()`` runs it in the calling thread until Ctrl+C or :meth:`stop`.
    Raises :class:`SandboxServerUnavailable` at once when uvicorn is not installed, and
    ``OSError`` from :meth:`bind` when the port cannot be had.
    """

    def __init__(
        self,
        sandbox: Sandbox,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        limits: ServerLimits | None = None,
    ) -> None:
        uvicorn, h11, base = _uvicorn()
        self.sandbox = sandbox
        self.host = host
        self.port = port
        self.limits = limits or ServerLimits()
        self.app = SandboxASGIApp(sandbox, self.limits)
        self._config = uvicorn.Config(
            self.app,
            http=_protocol_class(h11, base, self.limits, sandbox),
            ws="none",
            lifespan="off",
            interface="asgi3",
            log_config=None,
            proxy_headers=False,
            server_header=False,
            date_header=False,  # the app sends the sandbox clock's Date
            backlog=self.limits.backlog,
            timeout_keep_alive=self.limits.keep_alive,
            timeout_graceful_shutdown=max(1, round(self.limits.shutdown_timeout)),
            h11_max_incomplete_event_size=self.limits.max_header_bytes,
        )
        self._server = uvicorn.Server(self._config)
        self._sock: socket.socket | None = None
        self._url: str | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._failure: BaseException | None = None
        self._stopped = False

    # ---- lifecycle ---------------------------------------------------------------------------

    def bind(self) -> str:
        """Bind and listen (once); returns the base URL. ``OSError`` if the port is taken."""
        if self._sock is None:
            family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind((self.host, self.port))
                sock.listen(self.limits.backlog)
                sock.setblocking(False)
            except BaseException:
                sock.close()
                raise
            self._sock = sock
            host, port = sock.getsockname()[:2]
            host = "127.0.0.1" if host in ("0.0.0.0", "") else str(host)
            self._url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
        return self.base_url

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` (once bound)."""
        if self._url is None:
            raise RuntimeError("the server is not bound yet: call bind() or start()")
        return self._url

    def start(self) -> str:
        """Serve in a daemon thread; returns the base URL once connections are accepted."""
        self._check_not_stopped()
        url = self.bind()
        if self._thread is not None:
            return url
        self._thread = threading.Thread(
            target=self._run_in_thread, name=f"freshbooks-sandbox-{url.rsplit(':', 1)[1]}"
        )
        self._thread.daemon = True
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the sandbox HTTP server did not start: {self._failure!r}")
            time.sleep(0.002)
        return url

    def serve_forever(self) -> None:
        """Serve in this thread until Ctrl+C (or :meth:`stop` from another thread)."""
        self._check_not_stopped()
        self.bind()
        try:
            asyncio.run(self._main())
        except KeyboardInterrupt:
            pass
        finally:
            self._close_socket()

    def stop(self) -> None:
        """Stop serving: waits end at once, requests in flight get up to ``shutdown_timeout``."""
        loop = self._loop
        if loop is not None:
            try:
                loop.call_soon_threadsafe(self.app.stop)
            except RuntimeError:  # the loop is already closed
                pass
        self._stopped = True
        self._server.should_exit = True
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=self.limits.shutdown_timeout + 5)
        self._thread = None
        self._close_socket()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ---- internals ---------------------------------------------------------------------------

    def _check_not_stopped(self) -> None:
        if self._stopped:
            raise RuntimeError("this sandbox server was stopped; make a new SandboxServer")

    async def _main(self) -> None:
        assert self._sock is not None
        self._loop = asyncio.get_running_loop()
        await self._server.serve(sockets=[self._sock])

    def _run_in_thread(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # reported by start(); a thread must not print tracebacks
            self._failure = exc
            logger.debug("sandbox HTTP server failed", exc_info=True)

    def _close_socket(self) -> None:
        if self._sock is not None:
            self._sock.close()

    def __repr__(self) -> str:
        where = self._url or f"{self.host}:{self.port}"
        return f"<SandboxServer {where} running={self._thread is not None}>"


def make_server(
    sandbox: Sandbox,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    limits: ServerLimits | None = None,
) -> SandboxServer:
    """A bound server (``port=0`` picks a free port); call ``serve_forever()`` or ``start()``."""
    server = SandboxServer(sandbox, host=host, port=port, limits=limits)
    server.bind()
    return server


def serve(
    sandbox: Sandbox,
    *,
    port: int = 0,
    host: str = "127.0.0.1",
    limits: ServerLimits | None = None,
) -> SandboxServer:
    """``with serve(sb) as base_url:`` serves in a daemon thread for the block.

    Raises :class:`SandboxServerUnavailable` right here when uvicorn is not installed.
    """
    return SandboxServer(sandbox, host=host, port=port, limits=limits)


def serve_forever(sandbox: Sandbox, *, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve in the calling thread until KeyboardInterrupt."""
    SandboxServer(sandbox, host=host, port=port).serve_forever()


def main_serve(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """``freshbooks sandbox serve [--host H] [--port P] [--seed N] [--error-format F] ...``.

    Prints the base URL, a ready-to-use access token and the seeded ids, then serves until
    Ctrl+C. Returns the process exit code (1 when the port is taken or uvicorn is missing).
    """
    from .app import Sandbox

    defaults = ServerLimits()
    parser = argparse.ArgumentParser(
        prog="freshbooks sandbox serve",
        description="Run the in-memory FreshBooks-compatible API over HTTP (uvicorn).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port; 0 picks one (default 8765)")
    parser.add_argument("--seed", type=int, default=None, help="reproducible tokens and uuids")
    parser.add_argument("--error-format", choices=("classic", "rpc"), default="classic")
    parser.add_argument(
        "--token-expires-in", type=int, default=43200, help="access token lifetime in seconds"
    )
    parser.add_argument(
        "--keep-alive",
        type=float,
        default=defaults.keep_alive,
        help=f"seconds an idle connection is kept (default {defaults.keep_alive:g})",
    )
    parser.add_argument(
        "--header-timeout",
        type=float,
        default=defaults.header_timeout,
        help=f"seconds for a request head to arrive (default {defaults.header_timeout:g})",
    )
    args = parser.parse_args(argv)
    stream = out or sys.stdout

    sb = Sandbox(seed=args.seed, error_format=args.error_format)
    try:
        limits = ServerLimits(keep_alive=args.keep_alive, header_timeout=args.header_timeout)
        server = make_server(sb, args.host, args.port, limits=limits)
    except SandboxServerUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except ValueError as exc:
        parser.error(str(exc))
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    token = sb.issue_token(expires_in=args.token_expires_in)
    url = server.base_url
    authorize = f"{url}/oauth/authorize?" + urlencode(
        {"client_id": sb.client_id, "response_type": "code", "redirect_uri": sb.redirect_uris[0]}
    )
    accounts = ", ".join(
        f"{a} ({sb.business(a).name}, your staff id {sb.staff_id(a)})" for a in sb.account_ids
    )
    print(f"FreshBooks sandbox listening on {url}", file=stream)
    print(f"  base URL:      {url}", file=stream)
    print(
        f"  environment:   FRESHBOOKS_BASE_URL={url}  (official SDK: FRESHBOOKS_API_URL)",
        file=stream,
    )
    print(f"  access token:  {token}", file=stream)
    print(f"  accounts:      {accounts}", file=stream)
    print(
        f"  OAuth app:     client_id={sb.client_id} client_secret={sb.client_secret}", file=stream
    )
    print(f"  authorize:     {authorize}", file=stream)
    print("Press Ctrl+C to stop.", file=stream, flush=True)
    server.serve_forever()
    return 0
