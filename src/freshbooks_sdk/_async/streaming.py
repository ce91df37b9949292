"""``with_raw_response`` and streamed bodies (async source; the sync twin is generated).

``wrap_raw`` turns a resource method into one that returns a
:class:`~freshbooks_sdk.responses.RawResponse` (status, headers, request id, redacted
request, retries, elapsed, ``parse()``); ``wrap_raw_page`` does it for a listing's first page.
:class:`AsyncStreamedResponse` hands a body over chunk by chunk through the same bounded decoder
and deadline as every other body (``max_bytes`` enforced while reading, never after).
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import httpx

from freshbooks_sdk._async._http import captured_responses
from freshbooks_sdk._async.pagination import AsyncPaginator
from freshbooks_sdk._core.pages import Page
from freshbooks_sdk._core.streaming import ResponseFacts, StreamDecoder
from freshbooks_sdk._core.transport import BodyTooLarge, UnreadableBody
from freshbooks_sdk.errors import APIConnectionError, APITimeoutError, ResponseTooLargeError
from freshbooks_sdk.responses import RawResponse

if TYPE_CHECKING:
    from freshbooks_sdk._async._http import AsyncHTTPCore

P = ParamSpec("P")
T = TypeVar("T")

DEFAULT_CHUNK = 64 * 1024


class _Capture:
    """Collects the final responses of the calls made inside it (for ``with_raw_response``)."""

    def __init__(self) -> None:
        self.responses: list[httpx.Response] = []
        self._token = captured_responses.set(self.responses)


def wrap_raw(fn: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[RawResponse[T]]]:
    """``fn`` returning a :class:`RawResponse` of its value (same arguments, same checks)."""

    @functools.wraps(fn)
    async def raw(*args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        capture = _Capture()
        try:
            value = await fn(*args, **kwargs)
        finally:
            response = capture.responses[-1] if capture.responses else None
            captured_responses.reset(capture._token)
        if response is None:
            raise RuntimeError("with_raw_response: the call sent no request")
        return RawResponse(response, value)

    return raw


def wrap_raw_page(
    fn: Callable[P, AsyncPaginator[T]],
) -> Callable[P, Awaitable[RawResponse[Page[T]]]]:
    """A listing returning the raw response of its first page (``parse()`` -> that ``Page``)."""

    @functools.wraps(fn)
    async def raw(*args: P.args, **kwargs: P.kwargs) -> RawResponse[Page[T]]:
        paginator = fn(*args, **kwargs)
        capture = _Capture()
        try:
            page = await paginator.first_page()
        finally:
            response = capture.responses[-1] if capture.responses else None
            captured_responses.reset(capture._token)
        if response is None:
            raise RuntimeError("with_raw_response: the call sent no request")
        return RawResponse(response, page)

    return raw


class AsyncStreamedResponse(ResponseFacts):
    """A 2xx response whose body is read as you iterate, bounded in size and time.

        async with afb.invoices.with_streaming_response.pdf(7) as r:
            async for chunk in r.aiter_bytes():
                out.write(chunk)

    Reading past ``limit`` decoded bytes raises ``ResponseTooLargeError`` (nothing more is
    read); a body still arriving after the attempt's deadline raises ``APITimeoutError``. The
    connection is released when the ``with`` block ends.
    """

    def __init__(
        self,
        response: httpx.Response,
        *,
        core: AsyncHTTPCore,
        limit: int,
        deadline: float,
        what: str,
        head: bytes = b"",
    ) -> None:
        self.http_response = response
        self._core = core
        self.limit = limit
        self._deadline_at = core.seconds() + deadline
        self._what = what
        self._decoder = StreamDecoder(response.headers.get("content-encoding"), limit=limit)
        self._head = head
        self._chunks: AsyncIterator[bytes] | None = None
        self.bytes_read = 0

    async def _decoded(self) -> AsyncIterator[bytes]:
        try:
            try:
                already: bytes | None = self.http_response.content  # in-memory transports
            except httpx.ResponseNotRead:
                already = None
            if already is not None:
                decoder = StreamDecoder(None, limit=self.limit)  # httpx decoded it already
                for start in range(0, len(already), DEFAULT_CHUNK):
                    for piece in decoder.pieces(already[start : start + DEFAULT_CHUNK]):
                        self.bytes_read += len(piece)
                        yield piece
                return
            async for raw in self.http_response.aiter_raw():
                for piece in self._decoder.pieces(raw):
                    self.bytes_read += len(piece)
                    yield piece
                if self._core.seconds() > self._deadline_at:
                    raise APITimeoutError(
                        f"{self._what}: the body was still arriving at the deadline (pass a "
                        "longer timeout= or with_options(deadline=) for large downloads)",
                        request=self.http_request,
                    )
            self._decoder.finish()
        except BodyTooLarge as exc:
            raise ResponseTooLargeError(
                f"{self._what}: the body is larger than {exc.limit} bytes; reading stopped there",
                request=self.http_request,
                limit=exc.limit,
            ) from None
        except (httpx.HTTPError, UnreadableBody) as exc:
            error = (
                APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
            )
            raise error(
                f"{self._what}: the body could not be read: {type(exc).__name__}",
                request=self.http_request,
            ) from None

    async def _next_piece(self) -> bytes | None:
        if self._chunks is None:
            self._chunks = self._decoded()
        try:
            return await self._chunks.__anext__()
        except StopAsyncIteration:
            return None

    async def peek(self, size: int) -> bytes:
        """At least ``size`` bytes from the start (fewer at the end of a short body), kept to be
        handed over again by the iteration."""
        while len(self._head) < size:
            piece = await self._next_piece()
            if piece is None:
                break
            self._head += piece
        return self._head

    async def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The decoded body, in chunks of ``chunk_size`` bytes (the last may be shorter), or as
        they arrive when ``chunk_size`` is ``None``."""
        buffer = self._head
        self._head = b""
        while True:
            if chunk_size is None:
                if buffer:
                    yield buffer
                    buffer = b""
            else:
                while len(buffer) >= chunk_size:
                    yield buffer[:chunk_size]
                    buffer = buffer[chunk_size:]
            piece = await self._next_piece()
            if piece is None:
                break
            buffer += piece
        if buffer:
            yield buffer

    async def read(self) -> bytes:
        """The whole (bounded) body."""
        return b"".join([chunk async for chunk in self.aiter_bytes()])

    async def aclose(self) -> None:
        """Release the connection (the body is not read further)."""
        await self.http_response.aclose()

    async def __aenter__(self) -> AsyncStreamedResponse:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class AsyncStreamContext:
    """What ``with_streaming_response.<method>(...)`` returns: ``async with`` it to send the
    request and get the :class:`AsyncStreamedResponse`; the connection is released at the end."""

    def __init__(self, opener: Callable[[], Awaitable[AsyncStreamedResponse]]) -> None:
        self._opener = opener
        self._response: AsyncStreamedResponse | None = None

    async def __aenter__(self) -> AsyncStreamedResponse:
        self._response = await self._opener()
        return self._response

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            await self._response.aclose()
