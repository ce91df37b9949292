"""Transport-level pieces shared by the sync and async clients (pure, no I/O)."""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterator
from datetime import datetime, timezone

import attrs
import httpx

from freshbooks_sdk._core.retry import Failure
from freshbooks_sdk.errors import InvalidRequestError

DEFAULT_BASE_URL = "https://api.freshbooks.com"
DEFAULT_TIMEOUT = 30.0
USER_AGENT = "freshbooks-typed/0.1.0"

_FAILURES: tuple[tuple[type[Exception], Failure], ...] = (
    (httpx.ConnectTimeout, Failure.CONNECT_TIMEOUT),
    (httpx.PoolTimeout, Failure.POOL_TIMEOUT),
    (httpx.ConnectError, Failure.CONNECT),
    (httpx.ReadTimeout, Failure.READ_TIMEOUT),
    (httpx.WriteTimeout, Failure.READ_TIMEOUT),
    (httpx.WriteError, Failure.WRITE_ERROR),
    (httpx.TransportError, Failure.DROPPED),
)


def classify_failure(exc: Exception) -> Failure:
    """Map an httpx transport exception onto the retry module's failure kinds."""
    for exc_type, failure in _FAILURES:
        if isinstance(exc, exc_type):
            return failure
    return Failure.DROPPED


@attrs.frozen
class RetryEvent:
    """Passed to ``on_retry`` hooks before each retry's wait.

    >>> events = []
    >>> fb = FreshBooks(access_token="t", on_retry=events.append)  # doctest: +SKIP
    """

    method: str
    path: str
    attempt: int
    reason: str
    delay: float
    status_code: int | None = None


@attrs.define
class RetryStats:
    """Counters of what the client did: requests sent, retries made (by reason), and token
    refreshes (a new token seen: ahead of expiry or after a 401)."""

    requests: int = 0
    retries: int = 0
    refreshes: int = 0
    by_reason: dict[str, int] = attrs.field(factory=dict)


def utc_now() -> datetime:
    """The current time, aware UTC (the default clock)."""
    return datetime.now(timezone.utc)


def _finite_seconds(value: object, field: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value <= 0
    ):
        raise InvalidRequestError(
            f"{field} must be a finite, positive number of seconds, got {value!r}",
            field=field,
            value=value,
        )
    return float(value)


def check_timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    """Refuse an unbounded timeout: every request has a finite deadline."""
    if timeout is None:
        raise InvalidRequestError(
            "timeout must be finite (seconds or httpx.Timeout); None would let a call hang forever",
            field="timeout",
        )
    if isinstance(timeout, httpx.Timeout):
        for part in ("connect", "read", "write", "pool"):
            _finite_seconds(getattr(timeout, part), f"timeout.{part}")
        return timeout
    return httpx.Timeout(_finite_seconds(timeout, "timeout"))


DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024
"""The largest decoded body read by default (32 MiB; a full 100-item page is well under 1 MiB)."""

DEADLINE_FACTOR = 4
"""Without an explicit ``deadline``, one call (connect, send, the whole body) may take this many
times the largest of its connect/read/write timeouts."""

ACCEPT_ENCODING = "gzip, deflate"
"""The encodings the SDK asks for and decodes itself (bounded, see :class:`BodyDecoder`)."""

_TOKEN_CHARS = frozenset(chr(c) for c in range(0x21, 0x7F))


def check_bearer_token(token: object, field: str = "access_token") -> str:
    """Refuse a token that cannot go in an ``Authorization`` header, before anything is sent.

    Only visible ASCII is allowed: a CR/LF would split the header (header injection) and
    non-ASCII cannot be encoded. The message never holds the token itself.

    >>> check_bearer_token("abc.DEF-123_~+/=")
    'abc.DEF-123_~+/='
    >>> check_bearer_token("abc\\r\\nX-Evil: 1")
    Traceback (most recent call last):
    ...
    freshbooks_sdk.errors.InvalidRequestError: access_token holds a character that cannot be sent in an Authorization header (CR/LF, space, control or non-ASCII) at index 3
    """
    if not isinstance(token, str) or not token:
        raise InvalidRequestError(f"{field} must be a non-empty string", field=field)
    if not _TOKEN_CHARS.issuperset(token):
        index = next(i for i, ch in enumerate(token) if ch not in _TOKEN_CHARS)
        raise InvalidRequestError(
            f"{field} holds a character that cannot be sent in an Authorization header "
            f"(CR/LF, space, control or non-ASCII) at index {index}",
            field=field,
        )
    return token


def check_max_response_bytes(value: object) -> int:
    """Validate ``max_response_bytes`` (an int >= 1024)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1024:
        from freshbooks_sdk._core.inputs import describe, invalid  # inputs needs no transport

        raise invalid("max_response_bytes", f"must be an int >= 1024, got {describe(value)}", value)
    return value


def resolve_deadline(deadline: object, timeout: httpx.Timeout) -> float:
    """The overall seconds one attempt of a call may take: ``deadline`` when given, else
    :data:`DEADLINE_FACTOR` times the largest finite part of ``timeout``.

    >>> resolve_deadline(None, httpx.Timeout(2.0))
    8.0
    >>> resolve_deadline(5, httpx.Timeout(2.0))
    5.0
    """
    if deadline is None:
        parts = [
            p for p in (timeout.connect, timeout.read, timeout.write, timeout.pool) if p is not None
        ]
        return DEADLINE_FACTOR * max(parts, default=DEFAULT_TIMEOUT)
    return _finite_seconds(deadline, "deadline")


class BodyTooLarge(Exception):
    """Raised by :class:`BodyDecoder` when the decoded body passes its limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the decoded body is larger than {limit} bytes")
        self.limit = limit


class UnreadableBody(Exception):
    """Raised by :class:`BodyDecoder` for an unknown or corrupt ``Content-Encoding``."""


_OUT_CHUNK = 64 * 1024


class _Inflater:
    """One zlib layer (gzip or deflate) that never produces more than it is allowed to.

    Output comes in pieces of at most 64 KiB, so memory stays near what was allowed even for
    a bomb (no buffer of the whole allowance is built and then copied).
    """

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
        self._obj = zlib.decompressobj(self._wbits)
        self._first = True

    def feed(self, data: bytes, room: int) -> Iterator[bytes]:
        """Inflate ``data`` piece by piece; stops once more than ``room`` bytes came out."""
        produced = 0
        while data:
            try:
                piece = self._obj.decompress(data, min(_OUT_CHUNK, room + 1 - produced))
            except zlib.error as exc:
                if self._first and self.encoding == "deflate":  # raw deflate, no zlib header
                    self._first = False
                    self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise UnreadableBody(f"corrupt {self.encoding} body: {exc}") from None
            self._first = False
            produced += len(piece)
            if piece:
                yield piece
            if produced > room:
                return
            if self._obj.eof:  # (at the end, unconsumed_tail repeats unused_data)
                if not (self._obj.unused_data and self.encoding == "gzip"):
                    return  # trailing bytes after a deflate stream are ignored
                data = self._obj.unused_data  # a further gzip member
                self._obj = zlib.decompressobj(self._wbits)
            elif self._obj.unconsumed_tail:
                data = self._obj.unconsumed_tail
            else:
                return

    def finish(self) -> None:
        if not self._obj.eof and not self._first:
            raise UnreadableBody(f"truncated {self.encoding} body")


class BodyDecoder:
    """Decode a body as it arrives (``Content-Encoding`` gzip/deflate/identity, stacked) and
    refuse it as soon as the decoded size passes ``limit``, so a small compressed body cannot
    expand to gigabytes in memory (a "zip bomb").

    >>> import gzip
    >>> dec = BodyDecoder("gzip", limit=1024)
    >>> dec.feed(gzip.compress(b"x" * 100)); len(dec.body())
    100
    >>> bomb = gzip.compress(b"\\0" * 10_000)
    >>> BodyDecoder("gzip", limit=1024).feed(bomb)
    Traceback (most recent call last):
    ...
    freshbooks_sdk._core.transport.BodyTooLarge: the decoded body is larger than 1024 bytes
    """

    def __init__(self, content_encoding: str | None, *, limit: int) -> None:
        self.limit = limit
        self._parts: list[bytes] = []
        self._size = 0
        layers: list[_Inflater] = []
        for raw in reversed((content_encoding or "").split(",")):
            name = raw.strip().lower()
            if name in ("", "identity"):
                continue
            if name in ("gzip", "x-gzip"):
                layers.append(_Inflater("gzip"))
            elif name == "deflate":
                layers.append(_Inflater("deflate"))
            else:
                raise UnreadableBody(
                    f"unsupported Content-Encoding {name[:40]!r} (asked for {ACCEPT_ENCODING})"
                )
        self._layers = layers

    @property
    def size(self) -> int:
        """Decoded bytes so far."""
        return self._size

    def feed(self, raw: bytes) -> None:
        """Decode one chunk of the body as received."""
        for piece in self._through(raw, 0):
            self._size += len(piece)
            if self._size > self.limit:
                self._parts.clear()
                raise BodyTooLarge(self.limit)
            self._parts.append(piece)

    def _through(self, data: bytes, index: int) -> Iterator[bytes]:
        """``data`` decoded by the layers from ``index`` on (outermost encoding first)."""
        if index == len(self._layers):
            yield data
            return
        for piece in self._layers[index].feed(data, self.limit - self._size):
            yield from self._through(piece, index + 1)

    def body(self) -> bytes:
        """The whole decoded body (checks that compressed streams ended properly)."""
        for layer in self._layers:
            layer.finish()
        return b"".join(self._parts)
