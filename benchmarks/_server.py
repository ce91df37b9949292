"""A fast loopback FreshBooks page server, run in its own process.

``python -m benchmarks._server --pages 100`` renders every list page once at startup (bytes held
in memory), prints ``READY http://127.0.0.1:<port>`` and then serves, over HTTP/1.1 keep-alive
on a raw asyncio socket server (a minimal parser, no framework):

- ``GET  .../invoices/invoices?page=N...``  list page N (``page`` is the only parameter read;
  ``per_page``, ``include[]`` and the rest are ignored; beyond the last page: an empty list);
- ``GET  .../invoices/invoices/<id>``        a single invoice;
- ``POST`` / ``PUT`` anything                a single invoice (what a create returns);
- ``GET  /__stats``                          ``{"requests": <count>}``.

``--latency`` adds a delay before every answer (``asyncio.sleep``, so answers still overlap).
Use :class:`PageServer` to run it from the benchmarks: the server never shares the client's CPU
time, since it is another process.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import selectors
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

from benchmarks._invoices import PER_PAGE, render_page, render_single

ROOT = Path(__file__).resolve().parents[1]

_HEADER = (
    "HTTP/1.1 {status}\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: {length}\r\n"
    "Connection: keep-alive\r\n"
    "\r\n"
)


def _response(body: bytes, status: str = "200 OK") -> bytes:
    return _HEADER.format(status=status, length=len(body)).encode() + body


def _page_of(target: str) -> int:
    query = target.partition("?")[2]
    for part in query.split("&"):
        key, _, value = part.partition("=")
        if key == "page":
            try:
                return int(value)
            except ValueError:
                return 1
    return 1


class _App:
    def __init__(self, pages: int, items_per_page: int, latency: float) -> None:
        self.pages = pages
        self.items_per_page = items_per_page
        self.latency = latency
        self.requests = 0
        self.responses = {
            page: _response(render_page(page, pages, items_per_page))
            for page in range(1, pages + 1)
        }
        self.beyond: dict[int, bytes] = {}
        self.single = _response(render_single(0))
        self.not_found = _response(
            b'{"response":{"errors":[{"errno":1012,"message":"not found"}]}}', "404 Not Found"
        )
        self.page_bytes = len(self.responses[1]) if pages else 0

    def route(self, method: str, target: str) -> bytes:
        path = target.partition("?")[0]
        if method in ("POST", "PUT"):
            return self.single
        if path == "/__stats":
            return _response(json.dumps({"requests": self.requests}).encode())
        if path.endswith("/invoices/invoices"):
            page = max(_page_of(target), 1)
            found = self.responses.get(page)
            if found is None:
                found = self.beyond.get(page)
                if found is None:
                    found = _response(render_page(page, self.pages, self.items_per_page))
                    self.beyond[page] = found
            return found
        if "/invoices/invoices/" in path:
            return self.single
        return self.not_found

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    break
                lines = head.decode("latin-1").split("\r\n")
                method, target, _version = lines[0].split(" ", 2)
                length = 0
                close = False
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    name = name.strip().lower()
                    if name == "content-length":
                        length = int(value.strip())
                    elif name == "connection" and value.strip().lower() == "close":
                        close = True
                if length:
                    await reader.readexactly(length)
                self.requests += 1
                answer = self.route(method, target)
                if self.latency:
                    await asyncio.sleep(self.latency)
                writer.write(answer)
                await writer.drain()
                if close:
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


async def _serve(app: _App, port: int) -> None:
    server = await asyncio.start_server(app.handle, "127.0.0.1", port, backlog=1024)
    bound = server.sockets[0].getsockname()[1]
    print(f"READY http://127.0.0.1:{bound} {app.page_bytes}", flush=True)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--items-per-page", type=int, default=PER_PAGE)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per answer")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    app = _App(args.pages, args.items_per_page, args.latency)
    gc.collect()
    gc.freeze()  # the rendered pages live forever: keep the collector off them
    asyncio.run(_serve(app, args.port))


class PageServer:
    """Run the page server in a child process for the duration of a ``with`` block."""

    def __init__(self, pages: int = 100, items_per_page: int = PER_PAGE, latency: float = 0.0):
        self.pages = pages
        self.items_per_page = items_per_page
        self.latency = latency
        self.base_url = ""
        self.page_bytes = 0
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> PageServer:
        cmd = [
            sys.executable,
            "-m",
            "benchmarks._server",
            "--pages",
            str(self.pages),
            "--items-per-page",
            str(self.items_per_page),
            "--latency",
            str(self.latency),
        ]
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self._proc = subprocess.Popen(
            cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True, env=env, bufsize=1
        )
        assert self._proc.stdout is not None
        deadline = time.monotonic() + 120
        with selectors.DefaultSelector() as sel:
            sel.register(self._proc.stdout, selectors.EVENT_READ)
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    self.close()
                    raise RuntimeError("page server did not start within 120 s")
                line = self._proc.stdout.readline()
                if not line:
                    self.close()
                    raise RuntimeError(f"page server exited with {self._proc.wait()}")
                if line.startswith("READY "):
                    _, self.base_url, page_bytes = line.split()
                    self.page_bytes = int(page_bytes)
                    return self

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


if __name__ == "__main__":
    main()
