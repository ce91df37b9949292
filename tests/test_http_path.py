"""Issue 12, the HTTP path: the per-page fast paths keep every guarantee of issue 10.

* an unencoded body is read into the response httpx made (no decoder, no second response),
  still bounded by ``limit`` (declared or not) and by the deadline after every chunk;
* a read response keeps no reference cycle through its spent network stream, so its body is
  freed as soon as the caller drops it (not at the next run of the cyclic collector);
* an encoded body still goes through the SDK's decoder into a copy without encoding headers;
* a body an in-memory transport already read is size-checked and kept as it is;
* should httpx ever keep a read body elsewhere, a copy holding the body is returned instead;
* the blocking client built by the SDK has its socket deadline installed once, at construction,
  and each attempt only sets its own deadline (nested attempts restore the outer one).

The hostile-server census (tests/test_hostile_server.py) and the OAuth one
(tests/test_oauth_hostile.py) run the same paths against misbehaving servers end to end.
"""

from __future__ import annotations

import asyncio
import gc
import gzip
import pickle
import socket
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from freshbooks_sdk import AsyncFreshBooks, FreshBooks
from freshbooks_sdk._async import _bounded as async_bounded
from freshbooks_sdk._core.transport import BodyTooLarge
from freshbooks_sdk._sync import _bounded as sync_bounded
from freshbooks_sdk.errors import APITimeoutError, ResponseTooLargeError

BODY = b'{"response":{"result":{"invoices":[' + b'{"id":1},' * 200 + b'{"id":2}]}}}'


class Chunks(httpx.SyncByteStream):
    """A body handed over in pieces; counts what was read."""

    def __init__(self, pieces: list[bytes], on_chunk: Callable[[], None] = lambda: None) -> None:
        self.pieces = pieces
        self.read = 0
        self.on_chunk = on_chunk

    def __iter__(self) -> Iterator[bytes]:
        for piece in self.pieces:
            self.read += 1
            self.on_chunk()
            yield piece


class AsyncChunks(httpx.AsyncByteStream):
    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = pieces

    async def __aiter__(self) -> Any:
        for piece in self.pieces:
            yield piece


def _pieces(body: bytes, size: int = 100) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


def _streamed(
    stream: httpx.SyncByteStream, headers: dict[str, str] | None = None
) -> tuple[httpx.Response, httpx.Request]:
    """A response as ``send(stream=True)`` returns it from the network: open and unread."""
    request = httpx.Request("GET", "https://api.example.test/x")
    client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    response = httpx.Response(200, headers=headers or {}, stream=stream, request=request)
    client.close()
    return response, request


def _read(
    response: httpx.Response,
    request: httpx.Request,
    *,
    limit: int = 1 << 20,
    seconds: Callable[[], float] = lambda: 0.0,
) -> httpx.Response:
    return sync_bounded.read_bounded(
        response, request, limit=limit, deadline_at=10.0, seconds=seconds
    )


def test_an_unencoded_body_is_read_into_the_same_response() -> None:
    stream = Chunks(_pieces(BODY))
    response, request = _streamed(stream, {"Content-Length": str(len(BODY)), "X-Request-Id": "r1"})
    got = _read(response, request)
    assert got is response  # no second httpx.Response
    assert got.content == BODY and got.read() == BODY and got.json()
    assert got.status_code == 200 and got.headers["x-request-id"] == "r1"
    assert got.request is request and got.is_closed
    assert stream.read == len(_pieces(BODY))


def test_a_read_response_is_freed_without_the_cyclic_collector() -> None:
    client = httpx.Client(
        transport=httpx.MockTransport(lambda r: httpx.Response(200, stream=Chunks(_pieces(BODY))))
    )
    request = client.build_request("GET", "https://api.example.test/x")
    was = gc.isenabled()
    gc.disable()
    try:
        response = client.send(request, stream=True)  # httpx binds the stream to the response
        got = _read(response, request)
        assert got is response and got.content == BODY
        alive = weakref.ref(got)
        del got, response
        assert alive() is None  # freed by reference counting alone
    finally:
        if was:
            gc.enable()
        client.close()


def test_a_read_response_keeps_no_network_stream_and_pickles() -> None:
    left, right = socket.socketpair()  # what httpx's network_stream extension holds
    try:
        request = httpx.Request("GET", "https://api.example.test/x")
        response = httpx.Response(
            200,
            stream=Chunks(_pieces(BODY)),
            request=request,
            extensions={
                "http_version": b"HTTP/1.1",
                "reason_phrase": b"OK",
                "network_stream": left,
            },
        )
        got = _read(response, request)
        assert got is response and set(got.extensions) == {"http_version", "reason_phrase"}
        again = pickle.loads(pickle.dumps(got))
        assert again.content == BODY and again.status_code == 200
    finally:
        left.close()
        right.close()


def test_an_unencoded_body_past_the_limit_is_refused() -> None:
    # No Content-Length (chunked): refused once the bytes read pass the limit.
    stream = Chunks([b"x" * 1000] * 50)
    response, request = _streamed(stream)
    with pytest.raises(BodyTooLarge):
        _read(response, request, limit=4096)
    assert stream.read == 5 and response.is_closed  # stopped at the chunk past the limit
    # A declared Content-Length past the limit: refused before any byte is read.
    stream = Chunks([b"x" * 10])
    response, request = _streamed(stream, {"Content-Length": str(1 << 40)})
    with pytest.raises(BodyTooLarge):
        _read(response, request, limit=4096)
    assert stream.read == 0


def test_an_unencoded_body_arriving_past_the_deadline_is_cut() -> None:
    now = [0.0]
    stream = Chunks([b"x"] * 1000, on_chunk=lambda: now.__setitem__(0, now[0] + 1.0))
    response, request = _streamed(stream)
    with pytest.raises(sync_bounded.DeadlinePassed):
        _read(response, request, seconds=lambda: now[0])
    assert stream.read == 11  # the chunk that went past 10 s ended the read


def test_an_encoded_body_is_decoded_into_a_copy_without_encoding_headers() -> None:
    packed = gzip.compress(BODY)
    response, request = _streamed(
        Chunks(_pieces(packed, 7)),
        {"Content-Encoding": "gzip", "Content-Length": str(len(packed)), "X-Request-Id": "r2"},
    )
    got = _read(response, request)
    assert got is not response
    assert got.content == BODY and got.headers["x-request-id"] == "r2"
    assert "content-encoding" not in got.headers
    assert got.headers["content-length"] == str(len(BODY))  # the decoded body's, not the wire's
    bomb = gzip.compress(b"\0" * (1 << 22))
    response, request = _streamed(Chunks([bomb]), {"Content-Encoding": "gzip"})
    with pytest.raises(BodyTooLarge):
        _read(response, request, limit=1 << 16)


def test_a_body_read_by_an_in_memory_transport_is_checked_and_kept() -> None:
    request = httpx.Request("GET", "https://api.example.test/x")
    response = httpx.Response(200, content=BODY, request=request)
    assert _read(response, request) is response
    response = httpx.Response(200, content=BODY, request=request)
    with pytest.raises(BodyTooLarge):
        _read(response, request, limit=len(BODY) - 1)
    packed = httpx.Response(
        200, content=gzip.compress(BODY), headers={"Content-Encoding": "gzip"}, request=request
    )
    packed.read()  # httpx decoded it (an in-memory transport): the copy drops the header
    got = _read(packed, request)
    assert got.content == BODY and "content-encoding" not in got.headers


class _KeepsBodyElsewhere(httpx.Response):
    """An httpx whose responses no longer keep a read body in ``_content``."""

    @property
    def content(self) -> bytes:
        kept: bytes = self.__dict__.get("_kept", b"")
        return kept


def test_a_copy_holds_the_body_if_httpx_keeps_it_elsewhere() -> None:
    request = httpx.Request("GET", "https://api.example.test/x")
    response = _KeepsBodyElsewhere(
        200, headers={"X-Request-Id": "r3"}, stream=Chunks(_pieces(BODY)), request=request
    )
    got = sync_bounded._read_plain(response, 1 << 20, 10.0, lambda: 0.0)
    assert got is not response and type(got) is httpx.Response
    assert got.content == BODY and got.headers["x-request-id"] == "r3" and got.request is request


def test_the_async_reader_takes_the_same_fast_path() -> None:
    async def run() -> tuple[httpx.Response, httpx.Response]:
        request = httpx.Request("GET", "https://api.example.test/x")
        response = httpx.Response(200, stream=AsyncChunks(_pieces(BODY)), request=request)
        got = await async_bounded.read_bounded(
            response, request, limit=1 << 20, deadline_at=10.0, seconds=lambda: 0.0
        )
        return response, got

    response, got = asyncio.run(run())
    assert got is response and got.content == BODY


def test_the_sdk_built_blocking_client_is_bounded_at_the_socket_from_the_start() -> None:
    from freshbooks_sdk._netdeadline import AttemptDeadline, _DeadlineBackend, _local, _remaining

    with FreshBooks(access_token="t", account_id="ACM123") as fb:
        pool = fb._core._http._transport._pool  # type: ignore[attr-defined]  # httpx internals
        assert isinstance(pool._network_backend, _DeadlineBackend)
        assert fb._core._socket_deadline is AttemptDeadline
    with httpx.Client() as mine:  # a client passed in is never modified
        passed = FreshBooks(access_token="t", account_id="ACM123", http_client=mine)
        assert passed._core._socket_deadline is None
        assert not isinstance(mine._transport._pool._network_backend, _DeadlineBackend)  # type: ignore[attr-defined]  # httpx internals
    afb = AsyncFreshBooks(access_token="t", account_id="ACM123")
    assert afb._core._socket_deadline is None  # the async client cancels an attempt instead
    assert _remaining() is None
    with AttemptDeadline(30.0):
        outer = _local.deadline
        with AttemptDeadline(1.0):
            inner = _remaining()
            assert inner is not None and inner <= 1.0
        assert _local.deadline == outer  # nested attempts restore the outer deadline
    assert _remaining() is None


def test_whole_calls_keep_their_typed_errors_over_loopback_free_transports() -> None:
    """End to end through the client: the fast path still ends in the typed errors."""
    big = Chunks([b" " * 65536] * 64)
    fb = FreshBooks(
        access_token="t",
        account_id="ACM123",
        http_client=httpx.Client(
            transport=httpx.MockTransport(lambda r: httpx.Response(200, stream=big))
        ),
        max_response_bytes=1 << 20,
    )
    with pytest.raises(ResponseTooLargeError):
        fb.request("GET", "/accounting/account/ACM123/invoices/invoices")
    assert big.read == 17
    now = [0.0]
    drip = Chunks([b" "] * 10_000, on_chunk=lambda: now.__setitem__(0, now[0] + 1.0))
    from datetime import datetime, timezone

    fb = FreshBooks(
        access_token="t",
        account_id="ACM123",
        http_client=httpx.Client(
            transport=httpx.MockTransport(lambda r: httpx.Response(200, stream=drip))
        ),
        clock=lambda: datetime.fromtimestamp(1.8e9 + now[0], timezone.utc),
        deadline=5.0,
        max_retries=0,
    )
    with pytest.raises(APITimeoutError):
        fb.request("GET", "/accounting/account/ACM123/invoices/invoices")
    assert drip.read < 10
