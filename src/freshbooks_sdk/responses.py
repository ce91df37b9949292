"""Raw and streamed responses: what ``with_raw_response`` and ``with_streaming_response`` give.

raw = fb.invoices.with_raw_response.get(7)
print(raw.status_code, raw.request_id, raw.retries, raw.elapsed)
invoice = raw.parse()                       # the Invoice fb.invoices.get(7) returns

with fb.invoices.with_streaming_response.pdf(7) as r:   # StreamedResponse
    for chunk in r.iter_bytes():
        out.write(chunk)

async with afb.invoices.with_streaming_response.pdf(7) as r:  # AsyncStreamedResponse
    async for chunk in r.aiter_bytes():
        out.write(chunk)

:class:`RawResponse` is defined here (so ``reveal_type``, reprs and the docs name
``freshbooks_sdk.responses.RawResponse``). The streamed responses and their contexts are loaded
on first use: they live with the HTTP code (``_async``/``_sync``), which imports this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from freshbooks_sdk._core.options import CallOptions
from freshbooks_sdk._core.streaming import ResponseFacts
from freshbooks_sdk._lazy import load_lazily

if TYPE_CHECKING:
    from freshbooks_sdk._async.streaming import AsyncStreamContext, AsyncStreamedResponse
    from freshbooks_sdk._sync.streaming import StreamContext, StreamedResponse

__all__ = [
    "AsyncStreamContext",
    "AsyncStreamedResponse",
    "CallOptions",
    "RawResponse",
    "StreamContext",
    "StreamedResponse",
]

T = TypeVar("T")


class RawResponse(ResponseFacts, Generic[T]):
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
    def content(self) -> bytes:
        """The decoded body bytes."""
        return self.http_response.content

    def parse(self) -> T:
        """The typed value the plain method returns (parsed once, at the call)."""
        return self._parsed

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}] request_id={self.request_id!r}>"


# The streamed types import the HTTP core, which imports RawResponse from here: read on first use.
_LAZY = {
    "AsyncStreamContext": "freshbooks_sdk._async.streaming",
    "AsyncStreamedResponse": "freshbooks_sdk._async.streaming",
    "StreamContext": "freshbooks_sdk._sync.streaming",
    "StreamedResponse": "freshbooks_sdk._sync.streaming",
}


def __getattr__(name: str) -> Any:
    return load_lazily(__name__, _LAZY, name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
