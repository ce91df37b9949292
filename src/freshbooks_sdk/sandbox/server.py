"""The sandbox over real HTTP on loopback (``ThreadingHTTPServer`` in a daemon thread).

>>> from freshbooks_sdk.sandbox import Sandbox
>>> import httpx
>>> sb = Sandbox()
>>> with sb.serve() as base_url:
...     httpx.get(f"{base_url}/auth/api/v1/users/me").status_code
401

``main_serve(argv)`` is the ``freshbooks sandbox serve`` command.
"""

from __future__ import annotations

import argparse
import logging
import socket
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, TextIO
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from .faults import ConnectionDropped, ResponseTimedOut
from .wire import SandboxRequest, SandboxResponse, dumps

if TYPE_CHECKING:
    from .app import Sandbox

__all__ = ["main_serve", "make_server", "serve", "serve_forever"]

logger = logging.getLogger("freshbooks_sdk.sandbox.http")

MAX_BODY = 10 * 1024 * 1024


class SandboxHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one :class:`Sandbox`."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        super().__init__(address, _Handler)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        host = "127.0.0.1" if host in ("0.0.0.0", "") else str(host)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FreshBooksSandbox/1.0"
    sys_version = ""
    server: SandboxHTTPServer

    def setup(self) -> None:
        super().setup()
        # headers and body go out in two writes: without this, Nagle + delayed ACK add ~40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Protocol errors (bad request line, huge headers...) as JSON, never HTML."""
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # an unparsable request line: answer in 1.0
            self.request_version = "HTTP/1.0"
        self._write(
            SandboxResponse(
                code,
                [("content-type", "application/json")],
                dumps({"error": "bad_request", "error_description": message or explain or ""}),
            )
        )

    def _handle(self) -> None:
        body = self._read_body()
        if body is None:
            return
        split = urlsplit(self.path)
        req = SandboxRequest.build(
            self.command,
            unquote(split.path),
            parse_qsl(split.query, keep_blank_values=True),
            dict(self.headers.items()),
            body,
        )
        sb = self.server.sandbox
        try:
            fault = sb._begin(req)
            if fault is not None and fault.kind == "delay":
                time.sleep(fault.seconds)
            answer = sb._finish(req, fault)
        except ConnectionDropped:
            self.close_connection = True
            return
        except ResponseTimedOut as timeout:
            time.sleep(timeout.seconds)
            self.close_connection = True
            return
        self._write(answer)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

    def _read_body(self) -> bytes | None:
        if "chunked" in (self.headers.get("transfer-encoding") or "").lower():
            return self._read_chunked()
        length_header = self.headers.get("content-length") or "0"
        if not length_header.strip().isdigit():
            self.send_error(400, "Invalid Content-Length")
            return None
        length = int(length_header)
        if length > MAX_BODY:
            self.send_error(413, "Request body too large")
            return None
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes | None:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024).split(b";")[0].strip()
            try:
                size = int(line, 16)
            except ValueError:
                self.send_error(400, "Invalid chunked encoding")
                return None
            if size == 0:
                while self.rfile.readline(1024).strip():  # trailers
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY:
                self.send_error(413, "Request body too large")
                return None
            chunks.append(self.rfile.read(size))
            self.rfile.readline(8)  # the CRLF after each chunk

    def _write(self, answer: SandboxResponse) -> None:
        # Not send_response(): it adds a Date from the real clock; the app's Date (its clock) goes.
        self.log_request(answer.status)
        self.send_response_only(answer.status)
        self.send_header("Server", self.version_string())
        for key, value in answer.headers:
            if key.lower() != "content-length":
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(answer.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)


def make_server(sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0) -> SandboxHTTPServer:
    """Bind (``port=0`` picks a free port); call ``serve_forever()`` on the result."""
    return SandboxHTTPServer((host, port), sandbox)


@contextmanager
def serve(sandbox: Sandbox, *, port: int = 0, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve in a daemon thread for the ``with`` block; yields the base URL."""
    server = make_server(sandbox, host, port)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.02},
        name=f"freshbooks-sandbox-{server.server_address[1]}",
        daemon=True,
    )
    thread.start()
    try:
        yield server.base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def serve_forever(sandbox: Sandbox, *, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve in the calling thread until KeyboardInterrupt."""
    server = make_server(sandbox, host, port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main_serve(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """``freshbooks sandbox serve [--host H] [--port P] [--seed N] [--error-format F]``.

    Prints the base URL, a ready-to-use access token and the seeded ids, then serves until
    Ctrl+C. Returns the process exit code.
    """
    from .app import Sandbox

    parser = argparse.ArgumentParser(
        prog="freshbooks sandbox serve",
        description="Run the in-memory FreshBooks-compatible API over HTTP.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port; 0 picks one (default 8765)")
    parser.add_argument("--seed", type=int, default=None, help="reproducible tokens and uuids")
    parser.add_argument("--error-format", choices=("classic", "rpc"), default="classic")
    parser.add_argument(
        "--token-expires-in", type=int, default=43200, help="access token lifetime in seconds"
    )
    args = parser.parse_args(argv)
    stream = out or sys.stdout

    sb = Sandbox(seed=args.seed, error_format=args.error_format)
    try:
        server = make_server(sb, args.host, args.port)
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
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
