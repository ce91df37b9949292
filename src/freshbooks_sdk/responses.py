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
"""

from __future__ import annotations

from freshbooks_sdk._async.streaming import AsyncStreamContext, AsyncStreamedResponse
from freshbooks_sdk._core.options import CallOptions
from freshbooks_sdk._core.streaming import RawResponse
from freshbooks_sdk._sync.streaming import StreamContext, StreamedResponse

__all__ = [
    "AsyncStreamContext",
    "AsyncStreamedResponse",
    "CallOptions",
    "RawResponse",
    "StreamContext",
    "StreamedResponse",
]
