"""A hostile token endpoint: what the API client is protected from, the OAuth client is too.

Code exchange, refresh and revoke read their answer through the same bounded reader as the API
client (``_async/_bounded.py``): a gzip bomb, a huge or endless body, a server dripping bytes and
JSON nested past the recursion limit all end in a typed :class:`FreshBooksError` after one
request, in bounded (injected) time and memory. Sync and async are both run; loopback sockets on
127.0.0.1 check the wire cases.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
import time
import tracemalloc
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any

import httpx
import pytest

from freshbooks_sdk.auth import AsyncOAuthClient, OAuthClient
from freshbooks_sdk.errors import (
    APIConnectionError,
    APITimeoutError,
    FreshBooksError,
    InvalidRequestError,
    ResponseTooLargeError,
    ResponseValidationError,
)

NOW = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
SECRET = "client-secret-do-not-leak"
REFRESH = "refresh-token-do-not-leak"
GOOD = (
    b'{"access_token": "a", "refresh_token": "r", "token_type": "Bearer", '
    b'"expires_in": 43200, "created_at": 1714979289, "scope": "user:profile:read"}'
)


class FakeTime:
    def __init__(self) -> None:
        self.now = NOW

    def clock(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    @property
    def elapsed(self) -> float:
        return (self.now - NOW).total_seconds()


class Chunks(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body streamed in chunks; ``each`` runs before every chunk (it advances fake time)."""

    def __init__(self, chunks: Callable[[], Iterator[bytes]], each: Callable[[], None]) -> None:
        self._chunks = chunks
        self._each = each
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._chunks():
            self._each()
            self.sent += len(chunk)
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.__iter__():
            yield chunk


@cache
def gzip_bomb(decoded_mib: int) -> bytes:
    """``decoded_mib`` MiB of zeros as 1 MiB gzip members (about 1 KB each)."""
    return gzip.compress(b"\0" * 2**20) * decoded_mib


def forever(chunk: bytes) -> Callable[[], Iterator[bytes]]:
    def gen() -> Iterator[bytes]:
        while True:
            yield chunk

    return gen


Answer = Callable[[FakeTime], httpx.Response]


def _streamed(
    chunks: Callable[[], Iterator[bytes]],
    headers: dict[str, str] | None = None,
    tick: float = 0.0,
) -> Answer:
    def answer(clock: FakeTime) -> httpx.Response:
        return httpx.Response(
            200, headers=headers or {}, stream=Chunks(chunks, lambda: clock.advance(tick))
        )

    return answer


def _const(body: bytes, headers: dict[str, str] | None = None, status: int = 200) -> Answer:
    return lambda clock: httpx.Response(status, content=body, headers=headers or {})


def _deep(depth: int) -> bytes:
    return b'{"error": ' * depth + b"1" + b"}" * depth


SCENARIOS: dict[str, tuple[Answer, type[FreshBooksError], dict[str, Any]]] = {
    "gzip-bomb": (
        _streamed(lambda: iter([gzip_bomb(512)]), {"Content-Encoding": "gzip"}),
        ResponseTooLargeError,
        {"max_response_bytes": 1 << 20},
    ),
    "endless-body": (_streamed(forever(b" " * 65536)), ResponseTooLargeError, {}),
    "declared-huge": (
        _streamed(lambda: iter([b"{}"]), {"Content-Length": str(1 << 40)}),
        ResponseTooLargeError,
        {},
    ),
    "drip": (_streamed(forever(b" "), tick=0.5), APITimeoutError, {"timeout": 2.0}),
    "corrupt-gzip": (
        _streamed(lambda: iter([b"\x1f\x8bnot gzip"]), {"Content-Encoding": "gzip"}),
        APIConnectionError,
        {},
    ),
    "unknown-encoding": (
        _streamed(lambda: iter([b"xx"]), {"Content-Encoding": "br"}),
        APIConnectionError,
        {},
    ),
    "deep-json-200": (_const(_deep(100_000)), ResponseValidationError, {}),
    "deep-json-400": (_const(_deep(100_000), status=400), FreshBooksError, {}),
    "redirect": (
        _const(b"", {"Location": "https://evil.example/steal"}, status=302),
        FreshBooksError,
        {},
    ),
}

CALLS = ("exchange_code", "refresh", "revoke")


def _setup(answer: Answer, kw: dict[str, Any]) -> tuple[FakeTime, list[httpx.Request], Any]:
    clock = FakeTime()
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(clock)

    return clock, seen, handler


def _check(error: BaseException, expected: type[FreshBooksError], seen: list[Any]) -> None:
    assert isinstance(error, expected), repr(error)
    assert len(seen) == 1  # never retried: a refresh token is single-use
    assert SECRET not in str(error) and REFRESH not in str(error)
    request = getattr(error, "request", None)
    if request is not None:
        assert request.content == b""  # the body holds the client secret


def _run_sync(call: str, answer: Answer, kw: dict[str, Any]) -> tuple[BaseException, FakeTime]:
    clock, seen, handler = _setup(answer, kw)
    http = httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=True)
    oauth = OAuthClient(
        "cid", SECRET, "https://example.com/cb", http_client=http, clock=clock.clock, **kw
    )
    with pytest.raises(FreshBooksError) as info:
        if call == "exchange_code":
            oauth.exchange_code("code-123")
        elif call == "refresh":
            oauth.refresh(REFRESH)
        else:
            oauth.revoke(REFRESH)
    http.close()
    _check(info.value, SCENARIOS_BY_ANSWER[id(answer)], seen)
    return info.value, clock


async def _run_async(
    call: str, answer: Answer, kw: dict[str, Any]
) -> tuple[BaseException, FakeTime]:
    clock, seen, handler = _setup(answer, kw)
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler), follow_redirects=True)
    oauth = AsyncOAuthClient(
        "cid", SECRET, "https://example.com/cb", http_client=http, clock=clock.clock, **kw
    )
    with pytest.raises(FreshBooksError) as info:
        if call == "exchange_code":
            await oauth.exchange_code("code-123")
        elif call == "refresh":
            await oauth.refresh(REFRESH)
        else:
            await oauth.revoke(REFRESH)
    await http.aclose()
    _check(info.value, SCENARIOS_BY_ANSWER[id(answer)], seen)
    return info.value, clock


SCENARIOS_BY_ANSWER = {id(answer): expected for answer, expected, _ in SCENARIOS.values()}

# revoke ignores a 2xx body's shape, so only the transfer scenarios apply to it
_REVOKE_SKIPS = {"deep-json-200"}
CASES = [
    (name, call)
    for name in SCENARIOS
    for call in CALLS
    if not (call == "revoke" and name in _REVOKE_SKIPS)
]


@pytest.mark.parametrize(("name", "call"), CASES)
def test_hostile_token_endpoint_sync(name: str, call: str) -> None:
    answer, _expected, kw = SCENARIOS[name]
    tracemalloc.start()
    try:
        _run_sync(call, answer, kw)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 48 << 20, peak  # the default cap is 32 MiB


@pytest.mark.parametrize(("name", "call"), CASES)
async def test_hostile_token_endpoint_async(name: str, call: str) -> None:
    answer, _expected, kw = SCENARIOS[name]
    await _run_async(call, answer, kw)


def test_gzip_bomb_is_refused_at_the_cap_not_inflated() -> None:
    answer, _, kw = SCENARIOS["gzip-bomb"]
    tracemalloc.start()
    try:
        error, _ = _run_sync("refresh", answer, kw)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(error, ResponseTooLargeError)
    assert error.limit == 1 << 20 and error.may_have_applied and not error.retryable
    assert peak < 8 << 20, peak  # 512 MiB of zeros against a 1 MiB cap


def test_drip_ends_at_the_deadline_in_injected_time() -> None:
    answer, _, kw = SCENARIOS["drip"]
    error, clock = _run_sync("refresh", answer, kw)
    assert isinstance(error, APITimeoutError) and "deadline" in str(error)
    assert error.may_have_applied  # the refresh token may be spent
    assert 8.0 <= clock.elapsed <= 8.5  # default deadline: 4 x the 2 s timeout


def test_explicit_deadline_and_a_good_answer_still_work() -> None:
    clock = FakeTime()
    bodies = iter([gzip.compress(GOOD)])

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            headers={"Content-Encoding": "gzip"},
            stream=Chunks(lambda: iter([next(bodies)]), lambda: clock.advance(0.1)),
        )

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        oauth = OAuthClient(
            "cid",
            SECRET,
            "https://example.com/cb",
            http_client=http,
            clock=clock.clock,
            deadline=1.0,
            max_response_bytes=1024,
        )
        token = oauth.refresh(REFRESH)
    assert token.access_token == "a" and token.refresh_token == "r"


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"max_response_bytes": 10}, "max_response_bytes"),
        ({"max_response_bytes": True}, "max_response_bytes"),
        ({"deadline": 0}, "deadline"),
        ({"deadline": float("inf")}, "deadline"),
    ],
)
def test_limits_are_validated(kw: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidRequestError) as info:
        OAuthClient("cid", SECRET, "https://example.com/cb", **kw)
    assert info.value.field == field


# -- real sockets ------------------------------------------------------------------------------


class LoopbackServer:
    """One HTTP/1.1 answer on 127.0.0.1, written by ``answer(sock)``."""

    def __init__(self, answer: Callable[[socket.socket], None]) -> None:
        self._answer = answer
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(4)
        self._sock.settimeout(5)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        try:
            conn, _ = self._sock.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            try:
                self._answer(conn)
            except OSError:
                pass  # the client hung up: what the test wants

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._sock.close()
        self._thread.join(timeout=5)


def test_loopback_token_drip_is_cut_at_the_deadline() -> None:
    def drip(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
        for _ in range(100):  # 1 byte per 0.05 s, for 5 s if nobody stops reading
            conn.sendall(b" ")
            time.sleep(0.05)

    with LoopbackServer(drip) as server:
        oauth = OAuthClient(
            "cid", SECRET, "https://example.com/cb", api_base_url=server.url, timeout=0.25
        )
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as info:
            oauth.refresh(REFRESH)
        took = time.monotonic() - started
        oauth.close()
    assert took < 2.5, took  # deadline 1 s (4 x 0.25 s)
    assert SECRET not in str(info.value)


async def test_async_loopback_token_header_drip_is_cut_at_the_deadline() -> None:
    def drip_headers(conn: socket.socket) -> None:
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 200:
            conn.sendall(bytes([byte]))
            time.sleep(0.05)

    with LoopbackServer(drip_headers) as server:
        oauth = AsyncOAuthClient(
            "cid",
            SECRET,
            "https://example.com/cb",
            api_base_url=server.url,
            timeout=0.25,
            deadline=0.5,
        )
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            await oauth.refresh(REFRESH)
        took = time.monotonic() - started
        await oauth.aclose()
        await asyncio.sleep(0)
    assert took < 3.0, took  # deadline 0.5 s + 1 s grace, not the 10 s of the drip


def test_loopback_token_gzip_bomb_is_refused_with_bounded_memory() -> None:
    bomb = gzip_bomb(256)

    def send_bomb(conn: socket.socket) -> None:
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
            f"Content-Length: {len(bomb)}\r\n\r\n"
        )
        conn.sendall(head.encode() + bomb)

    with LoopbackServer(send_bomb) as server:
        oauth = OAuthClient(
            "cid",
            SECRET,
            "https://example.com/cb",
            api_base_url=server.url,
            timeout=5,
            max_response_bytes=4 << 20,
        )
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLargeError):
                oauth.exchange_code("code-123")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            oauth.close()
    assert peak < 16 << 20, peak
