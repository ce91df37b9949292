"""Read one HTTP answer bounded in size and time: the part of the API client's attempt loop that
the OAuth token endpoint shares.

:func:`receive_bounded` sends a built request without following redirects, reads the body as a
stream through :class:`~freshbooks_sdk._core.transport.BodyDecoder` (gzip/deflate decoded by the
SDK, refused past ``limit`` decoded bytes, so a compressed "bomb" never expands in memory) and
checks ``deadline_at`` while the bytes arrive (a server dripping its body ends in
:class:`DeadlinePassed`). The caller turns those into its own typed errors.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx

from freshbooks_sdk._core.transport import BodyDecoder, BodyTooLarge

__all__ = ["DeadlinePassed", "read_bounded", "receive_bounded", "send_streamed"]

_DROPPED_HEADERS = frozenset({b"content-encoding", b"content-length", b"transfer-encoding"})
_KEPT_EXTENSIONS = ("http_version", "reason_phrase")
"""What a read response keeps of httpx's extensions: not the network stream (a socket: it would
keep the connection's objects alive with the response, and make the response unpicklable)."""


class DeadlinePassed(Exception):
    """The attempt's overall deadline passed while the response was being read."""


async def receive_bounded(
    http: httpx.AsyncClient,
    request: httpx.Request,
    *,
    limit: int,
    deadline_at: float,
    seconds: Callable[[], float],
) -> httpx.Response:
    """Send ``request`` and read its whole body, at most ``limit`` decoded bytes, before
    ``seconds()`` passes ``deadline_at``.

    Raises :class:`~freshbooks_sdk._core.transport.BodyTooLarge`,
    :class:`~freshbooks_sdk._core.transport.UnreadableBody` (a corrupt or unknown encoding),
    :class:`DeadlinePassed`, or the ``httpx`` error of the exchange. The returned response holds
    the decoded body (no ``Content-Encoding`` left).
    """
    response = await send_streamed(http, request)
    return await read_bounded(
        response, request, limit=limit, deadline_at=deadline_at, seconds=seconds
    )


async def send_streamed(http: httpx.AsyncClient, request: httpx.Request) -> httpx.Response:
    """Send ``request`` without following redirects and without reading the body.

    httpx prepares the next request of a redirect even when it does not follow it, and raises
    ``httpx.InvalidURL`` (not an ``httpx.HTTPError``) for a ``Location`` that is not a URL: that
    is the server's protocol error, raised as ``httpx.RemoteProtocolError`` like the others.
    """
    try:
        return await http.send(request, stream=True, follow_redirects=False)
    except httpx.InvalidURL as exc:
        raise httpx.RemoteProtocolError(
            f"the answer's Location header is not a URL ({exc})", request=request
        ) from None


async def read_bounded(
    response: httpx.Response,
    request: httpx.Request,
    *,
    limit: int,
    deadline_at: float,
    seconds: Callable[[], float],
) -> httpx.Response:
    """Read the body of ``response`` (sent with ``stream=True``) as :func:`receive_bounded` does,
    and close it; the returned response holds the decoded body.

    A body sent as it is (no ``Content-Encoding``, the common case) is read into ``response``
    itself: no decoder, no second response. An encoded one is decoded by
    :class:`~freshbooks_sdk._core.transport.BodyDecoder` into a copy without the encoding
    headers (its body is no longer what they describe).
    """
    try:
        if seconds() > deadline_at:
            raise DeadlinePassed
        encoding = response.headers.get("content-encoding")
        try:
            already = response.content  # an in-memory transport answered with a read body
        except httpx.ResponseNotRead:
            if not encoding:
                return await _read_plain(response, limit, deadline_at, seconds)
            decoder = BodyDecoder(encoding, limit=limit)
            async for chunk in response.aiter_raw():
                decoder.feed(chunk)
                if seconds() > deadline_at:
                    raise DeadlinePassed from None
            content = decoder.body()
        else:
            if len(already) > limit:  # httpx decoded it already: only its size is left to check
                raise BodyTooLarge(limit)
            if not encoding:
                await response.aclose()  # before its stream is swapped for the body
                return _with_body(response, already)
            content = already
    finally:
        await response.aclose()
    return httpx.Response(
        response.status_code,
        headers=[  # raw bytes: a header that is not ASCII must not break the copy
            (name, value)
            for name, value in response.headers.raw
            if name.lower() not in _DROPPED_HEADERS
        ],
        content=content,
        request=request,
        extensions=_kept_extensions(response),
    )


def _kept_extensions(response: httpx.Response) -> dict[str, object]:
    extensions = response.extensions
    return {key: extensions[key] for key in _KEPT_EXTENSIONS if key in extensions}


async def _read_plain(
    response: httpx.Response, limit: int, deadline_at: float, seconds: Callable[[], float]
) -> httpx.Response:
    """Read an unencoded body into ``response``: at most ``limit`` bytes (a larger declared
    ``Content-Length`` is refused before reading), the deadline checked after every chunk the
    network hands over (a server dripping its body is stopped there)."""
    declared = response.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared[:20]) > limit:
        raise BodyTooLarge(limit)
    parts: list[bytes] = []
    size = 0
    async for chunk in response.aiter_raw():
        size += len(chunk)
        if size > limit:
            parts.clear()
            raise BodyTooLarge(limit)
        parts.append(chunk)
        if seconds() > deadline_at:
            raise DeadlinePassed
    return _with_body(response, b"".join(parts))


def _with_body(response: httpx.Response, content: bytes) -> httpx.Response:
    """``response`` holding the body read from its stream, as ``response.read()`` leaves it.

    Its spent network stream is replaced by the body: that stream refers back to the response
    (a reference cycle), which would keep the whole body alive until the cyclic garbage
    collector runs; without it the body is freed as soon as the caller drops the response. Of
    its extensions only :data:`_KEPT_EXTENSIONS` stay, as on a decoded copy.

    httpx keeps a read body in ``Response._content`` (every release the SDK supports); should a
    release keep it elsewhere, the check below sees it and a copy holding ``content`` is
    returned instead.
    """
    response._content = content
    if response.content is content:
        response.stream = httpx.ByteStream(content)
        response.extensions = _kept_extensions(response)
        return response
    return httpx.Response(
        response.status_code,
        headers=response.headers.raw,
        content=content,
        request=response.request,
        extensions=_kept_extensions(response),
    )
