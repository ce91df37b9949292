"""Bounded streaming of a response body, and what a raw response tells (pure).

:class:`~freshbooks_sdk.responses.RawResponse` is defined in the public
:mod:`freshbooks_sdk.responses` (importable from here too); the helpers it reads with
(:func:`request_id_of`, :func:`redacted_request`, the extension keys) are here.

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
from typing import TYPE_CHECKING, Any

import httpx

from freshbooks_sdk._core.redact import redact_request
from freshbooks_sdk._core.transport import BodyDecoder, BodyTooLarge
from freshbooks_sdk._lazy import load_lazily
from freshbooks_sdk.errors import _REQUEST_ID_HEADERS, _REQUEST_ID_MAX

if TYPE_CHECKING:
    # Defined in the public freshbooks_sdk.responses (which imports this module: read lazily).
    from freshbooks_sdk.responses import RawResponse as RawResponse

__all__ = [
    "ELAPSED_KEY",
    "RETRIES_KEY",
    "RawResponse",
    "ResponseFacts",
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


class ResponseFacts:
    """What an answer tells beside its body, read from its ``http_response``: the raw
    (:class:`~freshbooks_sdk.responses.RawResponse`) and the streamed responses share these."""

    __slots__ = ()
    http_response: httpx.Response

    @property
    def status_code(self) -> int:
        """The HTTP status (2xx: an error status raises before an answer is handed over)."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response headers (a raw response's without ``Content-Encoding`` and
        ``Content-Length``: the SDK decoded its body)."""
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
        """Retries the call took before this answer (0: the first attempt succeeded)."""
        value = self.http_response.extensions.get(RETRIES_KEY, 0)
        return value if isinstance(value, int) else 0

    @property
    def elapsed(self) -> float:
        """Seconds the call took until this answer, retries and waits included (a streamed
        answer: until its headers arrived)."""
        value = self.http_response.extensions.get(ELAPSED_KEY, 0.0)
        return float(value) if isinstance(value, (int, float)) else 0.0


# ``RawResponse`` is defined in the public :mod:`freshbooks_sdk.responses` (so type checkers and
# reprs name that path) and still importable from here.
_LAZY = {"RawResponse": "freshbooks_sdk.responses"}


def __getattr__(name: str) -> Any:
    return load_lazily(__name__, _LAZY, name)
