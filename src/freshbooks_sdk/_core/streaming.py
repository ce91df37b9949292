"""Bounded streaming of a response body, and what a raw response tells (pure).

:class:`StreamDecoder` is the :class:`~freshbooks_sdk._core.transport.BodyDecoder` of a body
handed over piece by piece instead of kept: the same gzip/deflate layers and the same size limit
(counted on the decoded bytes, so a compression bomb stops early), without holding the body.

>>> import gzip
>>> dec = StreamDecoder("gzip", limit=1000)
>>> sum(len(p) for p in dec.pieces(gzip.compress(b"x" * 600)))
600
>>> list(StreamDecoder(None, limit=4).pieces(b"12345"))
Traceback (most recent call last):
...
freshbooks_sdk._core.transport.BodyTooLarge: the decoded body is larger than 4 bytes
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

import httpx

from freshbooks_sdk._core.redact import redact_request
from freshbooks_sdk._core.transport import BodyDecoder, BodyTooLarge
from freshbooks_sdk.errors import _REQUEST_ID_HEADERS, _REQUEST_ID_MAX

__all__ = [
    "ELAPSED_KEY",
    "RETRIES_KEY",
    "RawResponse",
    "StreamDecoder",
    "redacted_request",
    "request_id_of",
]

RETRIES_KEY = "freshbooks_sdk.retries"
ELAPSED_KEY = "freshbooks_sdk.elapsed"
"""``response.extensions`` keys set by the HTTP core: retries the call took, its seconds."""


class StreamDecoder(BodyDecoder):
    """Decode a body chunk by chunk, yielding the decoded pieces (none kept)."""

    def pieces(self, raw: bytes) -> Iterator[bytes]:
        """The decoded pieces of one received chunk; ``BodyTooLarge`` past the limit."""
        for piece in self._through(raw, 0):
            self._size += len(piece)
            if self._size > self.limit:
                raise BodyTooLarge(self.limit)
            yield piece

    def finish(self) -> None:
        """Check that every compressed layer ended (a truncated gzip is an error)."""
        for layer in self._layers:
            layer.finish()


def request_id_of(headers: httpx.Headers) -> str | None:
    """The request id FreshBooks answered with (``X-Request-Id``/``Request-Id``), read the way
    errors read it (printable, at most 128 characters).

    >>> request_id_of(httpx.Headers({"X-Request-Id": "7f3a"}))
    '7f3a'
    """
    for name in _REQUEST_ID_HEADERS:
        value = "".join(c for c in headers.get(name, "") if c.isprintable())
        if value.strip():
            return value.strip()[:_REQUEST_ID_MAX]
    return None


def redacted_request(response: httpx.Response) -> httpx.Request | None:
    """The request behind ``response`` with its credentials taken out (``None`` if unknown)."""
    try:
        request = response.request
    except RuntimeError:
        return None
    return redact_request(request)


T = TypeVar("T")


class RawResponse(Generic[T]):
    """What ``with_raw_response`` gives: the HTTP answer of a call and its typed value.

    >>> raw = fb.invoices.with_raw_response.get(7)  # doctest: +SKIP
    >>> raw.status_code, raw.request_id, raw.retries  # doctest: +SKIP
    (200, '7f3a...', 0)
    >>> invoice = raw.parse()  # the same Invoice fb.invoices.get(7) returns  # doctest: +SKIP

    ``http_request`` is the request as sent with the token redacted. ``retries`` counts the
    retries the call took; ``elapsed`` is its seconds in all (every attempt and wait). A call
    that sends several requests (``invoices.update`` reading the currency first) reports the
    last one. A listing's raw response is its first page's (``parse()`` gives that ``Page``).
    """

    __slots__ = ("_parsed", "http_response")

    def __init__(self, http_response: httpx.Response, parsed: T) -> None:
        self.http_response = http_response
        self._parsed = parsed

    @property
    def status_code(self) -> int:
        """The HTTP status (2xx: error statuses raise as the plain method does)."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response headers (``Content-Encoding``/``Content-Length`` dropped: the body was
        decoded by the SDK)."""
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """FreshBooks' request id (quote it to FreshBooks support), if the answer carried one."""
        return request_id_of(self.http_response.headers)

    @property
    def http_request(self) -> httpx.Request | None:
        """The request as sent, ``Authorization`` redacted."""
        return redacted_request(self.http_response)

    @property
    def retries(self) -> int:
        """Retries this call took before the answer (0: the first attempt succeeded)."""
        value = self.http_response.extensions.get(RETRIES_KEY, 0)
        return value if isinstance(value, int) else 0

    @property
    def elapsed(self) -> float:
        """Seconds the call took in all, retries and waits included."""
        value = self.http_response.extensions.get(ELAPSED_KEY, 0.0)
        return float(value) if isinstance(value, (int, float)) else 0.0

    @property
    def content(self) -> bytes:
        """The decoded body bytes."""
        return self.http_response.content

    def parse(self) -> T:
        """The typed value the plain method returns (parsed once, at the call)."""
        return self._parsed

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}] request_id={self.request_id!r}>"
