"""In-process ``httpx`` transports: no sockets, the same answers as over HTTP.

>>> import httpx
>>> from freshbooks_sdk.sandbox import Sandbox
>>> sb = Sandbox()
>>> with httpx.Client(transport=sb.transport(), base_url="https://api.freshbooks.com") as http:
...     http.get("/auth/api/v1/users/me").status_code
401
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from .faults import ConnectionDropped, ResponseTimedOut
from .wire import SandboxRequest, SandboxResponse

if TYPE_CHECKING:
    from .app import Sandbox

__all__ = ["AsyncSandboxTransport", "SandboxTransport"]

_DROPPED = "Server disconnected without sending a response."


def _request(request: httpx.Request, body: bytes) -> SandboxRequest:
    return SandboxRequest.build(
        request.method,
        request.url.path,
        request.url.params.multi_items(),
        dict(request.headers.items()),
        body,
    )


def _response(request: httpx.Request, answer: SandboxResponse) -> httpx.Response:
    return httpx.Response(
        answer.status,
        headers=answer.headers,
        content=answer.body,
        request=request,
        extensions={"http_version": b"HTTP/1.1"},
    )


class SandboxTransport(httpx.BaseTransport):
    """Sync transport: ``httpx.Client(transport=SandboxTransport(sb))``."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        sb = self.sandbox
        req = _request(request, request.read())
        try:
            fault = sb._begin(req)
            if fault is not None and fault.kind == "delay":
                sb._delay_sync(fault.seconds)
            return _response(request, sb._finish(req, fault))
        except ConnectionDropped as drop:
            if drop.before_processing:
                raise httpx.ConnectError(_DROPPED, request=request) from None
            raise httpx.RemoteProtocolError(_DROPPED, request=request) from None
        except ResponseTimedOut:
            raise httpx.ReadTimeout("The read operation timed out", request=request) from None


class AsyncSandboxTransport(httpx.AsyncBaseTransport):
    """Async transport: ``httpx.AsyncClient(transport=AsyncSandboxTransport(sb))``."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        sb = self.sandbox
        req = _request(request, await request.aread())
        try:
            fault = sb._begin(req)
            if fault is not None and fault.kind == "delay":
                await sb._delay_async(fault.seconds)
            return _response(request, sb._finish(req, fault))
        except ConnectionDropped as drop:
            if drop.before_processing:
                raise httpx.ConnectError(_DROPPED, request=request) from None
            raise httpx.RemoteProtocolError(_DROPPED, request=request) from None
        except ResponseTimedOut:
            raise httpx.ReadTimeout("The read operation timed out", request=request) from None
