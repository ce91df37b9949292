"""A hostile FreshBooks: every answer a broken or malicious server can give ends in a typed
:class:`FreshBooksError`, bounded in requests, (injected) time and memory.

The scenario table is served by ``httpx.MockTransport`` to both the sync and the async client;
time is a fake clock that sleeps (and dripping bodies) advance, so nothing waits. Where real
sockets matter (a dripping server, a gzip bomb on the wire) a loopback server on 127.0.0.1 is
used. Each outcome is counted; the counts are printed at the end of the module and by running
this file (``python tests/test_hostile_server.py``) for the lead's table.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import pickle
import socket
import threading
import time
import tracemalloc
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from freshbooks_sdk import AsyncFreshBooks, FreshBooks
from freshbooks_sdk._core.pages import PageInfo, PageWalk
from freshbooks_sdk._core.transport import BodyDecoder, BodyTooLarge, UnreadableBody
from freshbooks_sdk.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    FreshBooksError,
    InternalServerError,
    InvalidRequestError,
    RateLimitError,
    ResponseTooLargeError,
    ResponseValidationError,
)

NOW = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
TOKEN = "tok_0123456789abcdef"
MAX_FAKE_SECONDS = 300.0  # retries (3 x at most 60 s) and a deadline (8 s) fit well inside
MAX_PEAK_BYTES = 48 * 1024 * 1024  # the default body cap is 32 MiB
ACCOUNT = "ABC123"

CLIENT = {
    "id": 11,
    "userid": 11,
    "fname": "Ada",
    "lname": "Lovelace",
    "organization": "Engines",
    "email": "ada@example.com",
    "updated": "2024-05-01 10:00:00",
    "vis_state": 0,
}
INVOICE = {
    "id": 21,
    "invoiceid": 21,
    "customerid": 11,
    "invoice_number": "0000021",
    "amount": {"amount": "10.00", "code": "USD"},
    "outstanding": {"amount": "10.00", "code": "USD"},
    "currency_code": "USD",
    "create_date": "2024-05-01",
    "updated": "2024-05-06 01:00:00",
    "v3_status": "draft",
    "status": 1,
    "vis_state": 0,
}


def envelope(result: Any) -> dict[str, Any]:
    return {"response": {"result": result}}


def client_body(client: Any = None) -> bytes:
    return json.dumps(envelope({"client": CLIENT if client is None else client})).encode()


def page_body(
    key: str, items: list[Any], page: Any, pages: Any, per_page: Any = 100, total: Any = None
) -> bytes:
    result = {
        key: items,
        "page": page,
        "pages": pages,
        "per_page": per_page,
        "total": len(items) * 10 if total is None else total,
    }
    return json.dumps(envelope(result)).encode()


# -- fake time and streamed bodies ---------------------------------------------------------


class FakeTime:
    """The injected clock; the injected sleep (and dripping bodies) move it forward."""

    def __init__(self) -> None:
        self.now = NOW

    def clock(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    async def asleep(self, seconds: float) -> None:
        self.advance(seconds)

    @property
    def elapsed(self) -> float:
        return (self.now - NOW).total_seconds()


class Chunks(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body streamed in chunks (for both clients); ``each`` runs before every chunk."""

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
def gzip_bomb(decoded_mib: int = 2048) -> bytes:
    """``decoded_mib`` MiB of zeros as gzip members of 1 MiB each: 2 GiB in about 2 MB."""
    return gzip.compress(b"\0" * 2**20) * decoded_mib


@cache
def deflate_bomb() -> bytes:
    """256 MiB of zeros as one zlib stream (~250 KB), built 1 MiB at a time."""
    packer = zlib.compressobj(9)
    zeros = b"\0" * 2**20
    return b"".join(packer.compress(zeros) for _ in range(256)) + packer.flush()


@cache
def double_gzip_bomb() -> bytes:
    return gzip.compress(gzip_bomb(64))


# -- scenarios -----------------------------------------------------------------------------

Respond = Callable[[httpx.Request, FakeTime, int], httpx.Response]
"""``respond(request, time, n)``: the answer to the ``n``-th request (1-based)."""


@dataclass(frozen=True)
class Scenario:
    name: str
    respond: Respond
    call: str = "get"
    expect: type[FreshBooksError] = FreshBooksError
    max_requests: int = 4
    client_kw: dict[str, Any] = field(default_factory=dict)
    token: str = TOKEN
    max_peak: int = MAX_PEAK_BYTES
    match: str = ""  # a piece of the error message: it failed for the reason meant

    def __str__(self) -> str:
        return self.name


def raw_headers(headers: dict[str, str] | None) -> list[tuple[bytes, bytes]]:
    """Header values as a server sends them: bytes, not necessarily ASCII."""
    return [(k.encode(), v.encode("utf-8", "surrogatepass")) for k, v in (headers or {}).items()]


def const(
    body: bytes | str | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Respond:
    content = body.encode() if isinstance(body, str) else (body or b"")

    def respond(request: httpx.Request, clock: FakeTime, n: int) -> httpx.Response:
        return httpx.Response(status, content=content, headers=raw_headers(headers))

    return respond


def streamed(
    chunks: Callable[[], Iterator[bytes]],
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    tick: float = 0.0,
) -> Respond:
    def respond(request: httpx.Request, clock: FakeTime, n: int) -> httpx.Response:
        return httpx.Response(
            status,
            headers=raw_headers(headers),
            stream=Chunks(chunks, lambda: clock.advance(tick)),
        )

    return respond


def pages(make: Callable[[int, int], bytes]) -> Respond:
    """A listing whose body for ``?page=N`` is ``make(N, per_page)``."""

    def respond(request: httpx.Request, clock: FakeTime, n: int) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        per_page = int(request.url.params.get("per_page", "100"))
        return httpx.Response(200, content=make(page, per_page))

    return respond


def forever(chunk: bytes) -> Callable[[], Iterator[bytes]]:
    def gen() -> Iterator[bytes]:
        while True:
            yield chunk

    return gen


def limited(chunk: bytes, count: int) -> Callable[[], Iterator[bytes]]:
    def gen() -> Iterator[bytes]:
        for _ in range(count):
            yield chunk

    return gen


def _body_scenarios() -> list[Scenario]:
    """2xx bodies that are not what they should be: never a success, never a crash."""
    bodies: dict[str, bytes] = {
        "empty": b"",
        "whitespace": b"   \n",
        "html": b"<html><body>Service Unavailable</body></html>",
        "truncated": client_body()[:-7],
        "truncated_mid_string": client_body()[:40],
        "deep_lists": b"[" * 100_000,
        "deep_objects": b'{"a":' * 100_000,
        "deep_in_client": b'{"response":{"result":{"client":' + b"[" * 100_000,
        "deep_valid_1000": b"[" * 1000 + b"]" * 1000,
        "null": b"null",
        "number": b"42",
        "string": b'"ok"',
        "list": b"[]",
        "bool": b"true",
        "response_list": b'{"response": []}',
        "response_null": b'{"response": null}',
        "result_null": b'{"response": {"result": null}}',
        "result_list": b'{"response": {"result": []}}',
        "result_empty": b'{"response": {"result": {}}}',
        "client_null": client_body(None) if False else b'{"response":{"result":{"client":null}}}',
        "client_list": json.dumps(envelope({"client": [CLIENT]})).encode(),
        "client_string": json.dumps(envelope({"client": "x"})).encode(),
        "id_string": client_body({**CLIENT, "id": "eleven"}),
        "id_huge": b'{"response":{"result":{"client":{"id":' + b"9" * 5000 + b"}}}}",
        "id_float": client_body({**CLIENT, "id": 1.5}),
        "id_nan": b'{"response":{"result":{"client":{"id":NaN}}}}',
        "id_infinity": b'{"response":{"result":{"client":{"id":Infinity}}}}',
        "updated_9999": client_body({**CLIENT, "updated": "9999-12-31 23:59:59"}),
        "updated_0001_iso": client_body({**CLIENT, "updated": "0001-01-01T00:00:00+14:00"}),
        "updated_month_13": client_body({**CLIENT, "updated": "2024-13-45 25:61:61"}),
        "updated_superscript": client_body({**CLIENT, "updated": "2024-05-0² 10:00:00"}),
        "updated_number": client_body({**CLIENT, "updated": 1e308}),
        "bad_utf8": b'{"response":{"result":{"client":{"id":1,"fname":"\xff\xfe"}}}}',
        "lone_surrogate": b'{"response":{"result":{"client":{"id":"\\ud800"}}}}',
        "utf16_bom": "\ufeff".encode("utf-16") + client_body(),
        "nul_bytes": b"\0" * 4096,
        "errors_in_200": json.dumps(
            {"response": {"errors": [{"errno": "²", "message": "x", "field": None}]}}
        ).encode(),
        "errors_in_200_huge_errno": json.dumps(
            {"response": {"errors": [{"errno": "9" * 5000, "message": "x"}]}}
        ).encode(),
        "errors_in_200_not_list": b'{"response": {"errors": {"a": 1}}}',
        "duplicate_keys": b'{"response":{"result":{"client":{"id":1,"id":"x"}}}}',
    }
    reasons = {  # the issue's cases fail for the reason meant
        "deep_lists": "recursion limit",
        "deep_objects": "recursion limit",
        "updated_9999": "out of range",
        "updated_0001_iso": "out of range",
        "truncated": "Invalid JSON",
        "html": "Invalid JSON",
    }
    out: list[Scenario] = []
    for name, body in bodies.items():
        why = reasons.get(name, "")
        out.append(Scenario(f"get-200-{name}", const(body), "get", match=why))
        out.append(
            Scenario(f"create-200-{name}", const(body, 200), "create", max_requests=1, match=why)
        )
    return out


def _status_scenarios() -> list[Scenario]:
    """Error statuses with hostile bodies: typed by status, retries bounded."""
    bodies = {
        "deep": b"[" * 100_000,
        "errno_superscript": json.dumps(
            {"response": {"errors": [{"errno": "²", "message": "x"}]}}
        ).encode(),
        "errno_arabic_digits": json.dumps({"errno": "١٠١٢", "message": "x"}).encode(),
        "errno_5000_digits": json.dumps({"errno": "1" * 5000, "message": "x"}).encode(),
        "rpc_reason_superscript": json.dumps(
            {"code": 5, "message": "m", "details": [{"reason": "²", "metadata": {"errno": "³"}}]}
        ).encode(),
        "html": b"<html>" + b"<div>" * 10_000 + b"</html>",
        "nonjson_binary": bytes(range(256)) * 16,
        "error_key_list": b'{"error": [1, 2, 3], "errno": {"x": 1}}',
    }
    out: list[Scenario] = []
    for status in (400, 401, 403, 404, 409, 422, 429, 500, 502, 503):
        for name, body in bodies.items():
            out.append(Scenario(f"get-{status}-{name}", const(body, status), "get"))
    return out


def _header_scenarios() -> list[Scenario]:
    out: list[Scenario] = []
    retry_afters = [
        "99999999999999999999",
        "-5",
        "²",
        "nan",
        "inf",
        "1e400",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Mon, 01 Jan 0001 00:00:00 GMT",
        "\u0661\u0662",
        "5" * 5000,
    ]
    for i, value in enumerate(retry_afters):
        headers = {"Retry-After": value}
        out.append(Scenario(f"get-429-retry-after-{i}", const(b"{}", 429, headers), "get"))
        out.append(Scenario(f"get-503-retry-after-{i}", const(b"{}", 503, headers), "get"))
    for status in (301, 302, 303, 307, 308):
        to_evil = {"Location": "https://evil.example/steal"}
        out.append(
            Scenario(
                f"get-{status}-redirect",
                const(client_body(), status, to_evil),
                "get",
                APIStatusError,
                max_requests=1,
                match="a redirect to 'evil.example'",
            )
        )
        out.append(
            Scenario(
                f"create-{status}-redirect",
                const(client_body(), status, to_evil),
                "create",
                APIStatusError,
                max_requests=1,
            )
        )
        out.append(
            Scenario(
                f"get-{status}-redirect-follow-client",
                const(client_body(), status, to_evil),
                "get",
                APIStatusError,
                max_requests=1,
                client_kw={"follow_redirects": True},
            )
        )
    out.append(
        Scenario("get-304-not-modified", const(b"", 304), "get", APIStatusError, max_requests=1)
    )
    out.append(
        Scenario("get-204-no-body", const(b"", 204), "get", ResponseValidationError, max_requests=1)
    )
    out.append(
        Scenario("get-206-partial", const(client_body()[:20], 206), "get", ResponseValidationError)
    )
    return out


def _transfer_scenarios() -> list[Scenario]:
    """Sizes, encodings and drips: the body read is bounded in bytes and time."""
    gz = {"Content-Encoding": "gzip"}
    return [
        Scenario(
            "get-gzip-bomb-2GiB",
            streamed(
                lambda: iter([gzip_bomb()[i : i + 65536] for i in range(0, 2152448, 65536)]),
                headers=gz,
            ),
            "get",
            ResponseTooLargeError,
            max_requests=1,
        ),
        Scenario(
            "create-gzip-bomb-2GiB",
            streamed(lambda: iter([gzip_bomb()]), headers=gz),
            "create",
            ResponseTooLargeError,
            max_requests=1,
        ),
        Scenario(
            "get-deflate-bomb",
            streamed(lambda: iter([deflate_bomb()]), headers={"Content-Encoding": "deflate"}),
            "get",
            ResponseTooLargeError,
            max_requests=1,
        ),
        Scenario(
            "get-double-gzip-bomb",
            streamed(
                lambda: iter([double_gzip_bomb()]),
                headers={"Content-Encoding": "gzip, gzip"},
            ),
            "get",
            ResponseTooLargeError,
            max_requests=1,
        ),
        Scenario(
            "get-gzip-bomb-small-cap",
            streamed(lambda: iter([gzip_bomb(4)]), headers=gz),
            "get",
            ResponseTooLargeError,
            max_requests=1,
            client_kw={"max_response_bytes": 1 << 20},
        ),
        Scenario(
            "list-huge-identity-body",
            streamed(forever(b" " * 65536)),
            "list",
            ResponseTooLargeError,
            max_requests=1,
        ),
        Scenario(
            "get-declared-length-1TB",
            streamed(forever(b"{"), headers={"Content-Length": str(10**12)}),
            "get",
            ResponseTooLargeError,
            max_requests=1,
        ),
        Scenario(
            "get-corrupt-gzip",
            streamed(lambda: iter([b"\x1f\x8b" + b"\0" * 64]), headers=gz),
            "get",
            APIConnectionError,
        ),
        Scenario(
            "get-truncated-gzip",
            streamed(lambda: iter([gzip.compress(client_body())[:-12]]), headers=gz),
            "get",
            APIConnectionError,
        ),
        Scenario(
            "get-gzip-not-gzip",
            streamed(lambda: iter([client_body()]), headers=gz),
            "get",
            APIConnectionError,
        ),
        Scenario(
            "get-corrupt-deflate",
            streamed(
                lambda: iter([b"\x78\x9c" + b"\xff" * 64]), headers={"Content-Encoding": "deflate"}
            ),
            "get",
            APIConnectionError,
        ),
        Scenario(
            "get-unknown-encoding-br",
            streamed(lambda: iter([client_body()]), headers={"Content-Encoding": "br"}),
            "get",
            APIConnectionError,
        ),
        Scenario(
            "get-unknown-encoding-garbage",
            streamed(lambda: iter([client_body()]), headers={"Content-Encoding": "x" * 5000}),
            "get",
            APIConnectionError,
        ),
        Scenario(
            "get-drip-1-byte-per-half-second",
            streamed(forever(b" "), tick=0.5),
            "get",
            APITimeoutError,
            max_requests=1,
            client_kw={"timeout": 2.0},
        ),
        Scenario(
            "create-drip",
            streamed(forever(b"["), tick=0.5),
            "create",
            APITimeoutError,
            max_requests=1,
            client_kw={"timeout": 2.0},
        ),
        Scenario(
            "list-drip-explicit-deadline",
            streamed(forever(b" "), tick=0.25),
            "list",
            APITimeoutError,
            max_requests=1,
            client_kw={"timeout": 30.0, "deadline": 3.0},
        ),
        Scenario(
            "get-drip-then-error-status",
            streamed(forever(b" "), status=500, tick=1.0),
            "get",
            APITimeoutError,
            max_requests=1,
        ),
    ]


def _full_page(key: str, item: dict[str, Any], per_page: int, page: int) -> list[Any]:
    return [{**item, "id": page * 1000 + i} for i in range(per_page)]


def _paging_scenarios() -> list[Scenario]:
    out: list[Scenario] = []
    for call, key, item in (("list5", "clients", CLIENT), ("poll5", "invoices", INVOICE)):

        def grow(page: int, per_page: int, key: str = key, item: dict[str, Any] = item) -> bytes:
            items = _full_page(key, item, per_page, page)
            return page_body(key, items, page, page + 1, per_page, (page + 1) * per_page)

        def grow_no_total(
            page: int, per_page: int, key: str = key, item: dict[str, Any] = item
        ) -> bytes:
            return page_body(
                key, _full_page(key, item, per_page, page), page, page + 1, per_page, 0
            )

        def ignore_page(
            page: int, per_page: int, key: str = key, item: dict[str, Any] = item
        ) -> bytes:
            return page_body(key, _full_page(key, item, per_page, 1), 1, 3, per_page, 3 * per_page)

        def page_zero(
            page: int, per_page: int, key: str = key, item: dict[str, Any] = item
        ) -> bytes:
            return page_body(key, _full_page(key, item, per_page, page), 0, 3, per_page, 15)

        flood_size = 50_000 if key == "clients" else 5_000  # parsed invoices weigh more

        def flood(
            page: int,
            per_page: int,
            key: str = key,
            item: dict[str, Any] = item,
            size: int = flood_size,
        ) -> bytes:
            items = [{**item, "id": i} for i in range(size)]
            return page_body(key, items, page, 1, per_page, size)

        def billions(
            page: int, per_page: int, key: str = key, item: dict[str, Any] = item
        ) -> bytes:
            return page_body(key, _full_page(key, item, per_page, page), page, 10**9, per_page, 5)

        def negative(
            page: int, per_page: int, key: str = key, item: dict[str, Any] = item
        ) -> bytes:
            return page_body(key, _full_page(key, item, per_page, page), page, -1, per_page, -5)

        def next_page_wrong(
            page: int, per_page: int, key: str = key, item: dict[str, Any] = item
        ) -> bytes:
            echoed = page if page == 1 else page + 7
            return page_body(key, _full_page(key, item, per_page, page), echoed, 4, per_page, 20)

        def items_wrong(
            page: int, per_page: int, key: str = key, item: dict[str, Any] = item
        ) -> bytes:
            return page_body(key, [{"id": "x"}] * per_page, page, 2, per_page, 10)

        def page_huge(
            page: int, per_page: int, key: str = key, item: dict[str, Any] = item
        ) -> bytes:
            return page_body(key, [], 10**40, 10**40, per_page, 10**40)

        cases: dict[str, tuple[Callable[[int, int], bytes], int, str]] = {
            "pages-always-page-plus-one": (grow, 14, "still says there are more"),
            "pages-plus-one-no-total": (grow_no_total, 14, "still says there are more"),
            "server-ignores-page": (ignore_page, 2, "asked for page 2, FreshBooks answered page 1"),
            "server-answers-page-0": (page_zero, 2, "asked for page 2"),
            f"{flood_size}-items-for-per-page": (flood, 1, f"holds {flood_size} items"),
            "pages-1e9-total-5": (billions, 12, "still says there are more"),
            "negative-pages": (negative, 1, "negative pagination"),
            "wrong-page-echoed": (
                next_page_wrong,
                2,
                "asked for page 2, FreshBooks answered page 9",
            ),
            "items-not-records": (items_wrong, 1, "does not fit"),
            "page-number-1e40": (page_huge, 1, "asked for page 1"),
        }
        # The poller walks the listing up to three times when it changes shape under the walk.
        factor = 3 if call.startswith("poll") else 1
        for name, (make, bound, match) in cases.items():
            out.append(
                Scenario(
                    f"{call}-{name}",
                    pages(make),
                    call,
                    ResponseValidationError,
                    max_requests=bound * factor,
                    # 50,000 parsed records weigh what they weigh (the body is only 1 MB)
                    max_peak=256 << 20 if "items-for" in name else MAX_PEAK_BYTES,
                    match=match,
                )
            )
    return out


def _token_scenarios() -> list[Scenario]:
    tokens = {
        "crlf": "abc\r\nX-Injected: 1",
        "lf": "abc\ndef",
        "cr": "abc\rdef",
        "nul": "abc\0def",
        "space": "abc def",
        "non-ascii": "tøken",
        "lone-surrogate": "abc\ud800",
        "tab": "abc\tdef",
    }
    return [
        Scenario(
            f"{call}-token-{name}",
            const(client_body()),
            call,
            InvalidRequestError,
            max_requests=0,
            token=token,
        )
        for name, token in tokens.items()
        for call in ("get", "create")
    ]


# Built once, before any memory is measured.
_BOMBS = (gzip_bomb(), gzip_bomb(4), gzip_bomb(256), deflate_bomb(), double_gzip_bomb())

SCENARIOS: list[Scenario] = (
    _body_scenarios()
    + _status_scenarios()
    + _header_scenarios()
    + _transfer_scenarios()
    + _paging_scenarios()
    + _token_scenarios()
)


# -- running a scenario on both clients ----------------------------------------------------


def _sync_call(fb: FreshBooks, call: str) -> object:
    if call == "get":
        return fb.clients.get(11)
    if call == "create":
        return fb.clients.create(fname="Ada")
    if call == "list":
        return fb.clients.list().to_list()
    if call == "list5":
        return fb.clients.list(per_page=5).to_list()
    if call == "poll5":
        poller = fb.invoices.poll(store=None, start=timedelta(days=2), per_page=5)
        return poller.poll_once()
    raise AssertionError(call)


async def _async_call(fb: AsyncFreshBooks, call: str) -> object:
    if call == "get":
        return await fb.clients.get(11)
    if call == "create":
        return await fb.clients.create(fname="Ada")
    if call == "list":
        return await fb.clients.list().to_list()
    if call == "list5":
        return await fb.clients.list(per_page=5).to_list()
    if call == "poll5":
        poller = fb.invoices.poll(store=None, start=timedelta(days=2), per_page=5)
        return await poller.poll_once()
    raise AssertionError(call)


@dataclass
class Outcome:
    scenario: str
    side: str
    error: BaseException | None
    requests: int
    fake_seconds: float
    peak_bytes: int

    @property
    def typed(self) -> bool:
        return isinstance(self.error, FreshBooksError)

    def bounded(self, max_requests: int, max_peak: int = MAX_PEAK_BYTES) -> bool:
        return (
            self.requests <= max_requests
            and self.fake_seconds <= MAX_FAKE_SECONDS
            and self.peak_bytes <= max_peak
        )


CENSUS: Counter[str] = Counter()


def _record(outcome: Outcome, max_requests: int, max_peak: int = MAX_PEAK_BYTES) -> None:
    """Count one outcome (a success is counted apart: a table scenario must not succeed)."""
    CENSUS["scenarios"] += 1
    if outcome.typed:
        CENSUS["typed"] += 1
    elif outcome.error is None:
        CENSUS["succeeded"] += 1
    else:
        CENSUS["untyped"] += 1
    if not outcome.bounded(max_requests, max_peak):
        CENSUS["unbounded"] += 1


def _split(
    respond: Respond, clock: FakeTime
) -> tuple[list[httpx.Request], Callable[[httpx.Request], httpx.Response]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return respond(request, clock, len(seen))

    return seen, handler


def run_sync(scenario: Scenario) -> Outcome:
    clock = FakeTime()
    seen, handler = _split(scenario.respond, clock)
    kw = dict(scenario.client_kw)
    http = httpx.Client(
        transport=httpx.MockTransport(handler), follow_redirects=kw.pop("follow_redirects", False)
    )
    error: BaseException | None = None
    tracemalloc.start()
    try:
        fb = FreshBooks(
            access_token=scenario.token,
            account_id=ACCOUNT,
            http_client=http,
            sleep=clock.sleep,
            clock=clock.clock,
            rng=lambda: 0.5,
            **kw,
        )
        _sync_call(fb, scenario.call)
    except Exception as exc:  # the outcome under test
        error = exc
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        http.close()
    return Outcome(scenario.name, "sync", error, len(seen), clock.elapsed, peak)


def run_async(scenario: Scenario) -> Outcome:
    clock = FakeTime()
    seen, handler = _split(scenario.respond, clock)
    kw = dict(scenario.client_kw)
    error: BaseException | None = None

    async def main() -> None:
        nonlocal error
        http = httpx.AsyncClient(
            transport=httpx.MockTransport(handler),
            follow_redirects=kw.pop("follow_redirects", False),
        )
        try:
            fb = AsyncFreshBooks(
                access_token=scenario.token,
                account_id=ACCOUNT,
                http_client=http,
                sleep=clock.asleep,
                clock=clock.clock,
                rng=lambda: 0.5,
                **kw,
            )
            await _async_call(fb, scenario.call)
        except Exception as exc:  # the outcome under test
            error = exc
        finally:
            await http.aclose()

    tracemalloc.start()
    try:
        asyncio.run(main())
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return Outcome(scenario.name, "async", error, len(seen), clock.elapsed, peak)


def check(outcome: Outcome, scenario: Scenario) -> None:
    _record(outcome, scenario.max_requests, scenario.max_peak)
    assert outcome.error is not None, f"{scenario} ({outcome.side}) succeeded"
    assert isinstance(outcome.error, scenario.expect), (
        f"{scenario} ({outcome.side}): {type(outcome.error).__name__}: {outcome.error}"
    )
    assert scenario.match in str(outcome.error), (scenario.name, str(outcome.error))
    assert outcome.requests <= scenario.max_requests, (scenario.name, outcome.requests)
    assert outcome.fake_seconds <= MAX_FAKE_SECONDS, (scenario.name, outcome.fake_seconds)
    assert outcome.peak_bytes <= scenario.max_peak, (scenario.name, outcome.peak_bytes)
    if scenario.expect is InvalidRequestError:
        assert not outcome.error.may_have_applied  # type: ignore[union-attr]  # typed above
    # Nothing an error holds leads back to the token, and it crosses a process boundary.
    error = outcome.error
    assert TOKEN not in repr(error.__dict__)
    assert scenario.token not in str(error) or scenario.token == TOKEN
    data = pickle.dumps(error)
    assert TOKEN.encode() not in data
    again = pickle.loads(data)
    assert type(again) is type(error) and str(again) == str(error)


@pytest.fixture(scope="module", autouse=True)
def _census(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and CENSUS["scenarios"]:
        with capture.global_and_fixture_disabled():
            _write_census(reporter.write_line)


def _write_census(write: Callable[[str], None]) -> None:
    counts = ", ".join(
        f"{k}={CENSUS[k]}" for k in ("scenarios", "typed", "succeeded", "untyped", "unbounded")
    )
    write("")
    write(
        f"hostile-server census: {counts} (table: {len(SCENARIOS)} scenarios + "
        f"{len(REVIEW2)} socket/OAuth ones, x sync+async, + property examples)"
    )


@pytest.mark.parametrize("scenario", SCENARIOS, ids=str)
def test_hostile_scenario_sync(scenario: Scenario) -> None:
    check(run_sync(scenario), scenario)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=str)
def test_hostile_scenario_async(scenario: Scenario) -> None:
    check(run_async(scenario), scenario)


def test_the_table_has_the_issues_breadth() -> None:
    assert len(SCENARIOS) >= 150
    assert len({s.name for s in SCENARIOS}) == len(SCENARIOS)


# -- specific promises -----------------------------------------------------------------------


def test_gzip_bomb_is_refused_near_the_cap_not_inflated() -> None:
    outcome = run_sync(
        Scenario(
            "bomb-1MiB-cap",
            streamed(lambda: iter([gzip_bomb()]), headers={"Content-Encoding": "gzip"}),
            "get",
            client_kw={"max_response_bytes": 1 << 20},
        )
    )
    assert isinstance(outcome.error, ResponseTooLargeError)
    assert outcome.error.limit == 1 << 20
    assert not outcome.error.retryable
    assert outcome.peak_bytes < 8 << 20  # a 2 GiB bomb against a 1 MiB cap


def test_drip_ends_at_the_deadline_in_injected_time() -> None:
    outcome = run_sync(
        Scenario("drip", streamed(forever(b" "), tick=0.5), "get", client_kw={"timeout": 2.0})
    )
    assert isinstance(outcome.error, APITimeoutError)
    assert outcome.requests == 1  # a deadline is not retried
    assert 8.0 <= outcome.fake_seconds <= 8.5  # default deadline: 4 x the 2 s timeout


def test_retries_after_5xx_are_bounded_and_waits_capped() -> None:
    outcome = run_sync(
        Scenario("503", const(b"{}", 503, {"Retry-After": "99999999"}), "get", max_requests=4)
    )
    assert isinstance(outcome.error, (InternalServerError, RateLimitError))
    assert outcome.requests <= 4
    assert outcome.fake_seconds <= 3 * 60


def test_redirect_is_an_error_even_with_a_following_client() -> None:
    scenario = Scenario(
        "302",
        const(client_body(), 302, {"Location": "https://evil.example/x"}),
        "get",
        client_kw={"follow_redirects": True},
    )
    for outcome in (run_sync(scenario), run_async(scenario)):
        assert isinstance(outcome.error, APIStatusError)
        assert outcome.error.status_code == 302
        assert "evil.example" in str(outcome.error)
        assert outcome.requests == 1  # never followed


def test_crlf_token_is_refused_before_sending() -> None:
    for token in ("abc\r\nX-Evil: 1", "tøken"):
        with pytest.raises(InvalidRequestError) as info:
            FreshBooks(access_token=token, account_id=ACCOUNT)
        assert info.value.field == "access_token"
        assert not info.value.may_have_applied
        assert token not in str(info.value)


def test_crlf_token_from_a_token_source_is_refused_before_sending() -> None:
    class Source:
        def get_token(self) -> str:
            return "fresh\r\nX-Evil: 1"

        def handle_rejected(self, token: str) -> bool:
            return False

    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=client_body())

    fb = FreshBooks(
        token_source=Source(),  # type: ignore[arg-type]  # a duck-typed provider
        account_id=ACCOUNT,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    with pytest.raises(InvalidRequestError) as info:
        fb.clients.get(11)
    assert not info.value.may_have_applied and seen == []


def test_a_well_behaved_gzip_body_still_decodes() -> None:
    outcome = run_sync(
        Scenario(
            "gzip-ok",
            streamed(
                lambda: iter([gzip.compress(client_body())]), headers={"Content-Encoding": "gzip"}
            ),
            "get",
        )
    )
    assert outcome.error is None and outcome.requests == 1


def test_accept_encoding_is_only_what_the_sdk_decodes() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=client_body())

    FreshBooks(
        access_token=TOKEN,
        account_id=ACCOUNT,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    ).clients.get(11)
    assert seen[0].headers["accept-encoding"] == "gzip, deflate"


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"max_response_bytes": 10}, "max_response_bytes"),
        ({"max_response_bytes": True}, "max_response_bytes"),
        ({"max_response_bytes": 1.5}, "max_response_bytes"),
        ({"deadline": 0}, "deadline"),
        ({"deadline": float("inf")}, "deadline"),
        ({"deadline": "5"}, "deadline"),
    ],
)
def test_limits_are_validated(kw: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidRequestError) as info:
        FreshBooks(access_token=TOKEN, account_id=ACCOUNT, **kw)
    assert info.value.field == field


# -- the page walk rules (pure) ------------------------------------------------------------


def test_page_walk_accepts_a_true_listing() -> None:
    walk = PageWalk(per_page=10)
    number: int | None = 1
    fetched = 0
    while number is not None:
        fetched += 1
        count = 10 if number < 5 else 3
        number = walk.next_after(number, PageInfo(number, 5, 10, 43), count)
    assert fetched == 5


def test_page_walk_tolerates_growth_during_the_walk() -> None:
    walk = PageWalk(per_page=10)
    for number in range(1, 6):  # 3 pages announced, two more appear while walking
        following = walk.next_after(number, PageInfo(number, 5, 10, 50), 10)
    assert following is None


@settings(max_examples=150, deadline=None)
@given(
    announced=st.integers(0, 50),
    total=st.integers(0, 10**6),
    per_page=st.integers(1, 100),
    growth=st.integers(0, 3),
    counts=st.lists(st.integers(0, 150), min_size=1, max_size=5),
)
def test_property_any_page_walk_ends_within_its_bound(
    announced: int, total: int, per_page: int, growth: int, counts: list[int]
) -> None:
    """Whatever pages say, a walk ends (None or ResponseValidationError) within 2N + 10 pages
    of what its first page announced (N at most what ``total`` allows), and at most 10,000."""
    walk = PageWalk(per_page=per_page)
    number: int | None = 1
    fetched = 0
    CENSUS["scenarios"] += 1
    try:
        while number is not None:
            fetched += 1
            count = counts[(fetched - 1) % len(counts)]
            pages = announced + growth * fetched
            number = walk.next_after(number, PageInfo(number, pages, per_page, total), count)
    except ResponseValidationError:
        CENSUS["typed"] += 1
    else:
        CENSUS["succeeded"] += 1
    first = announced + growth  # what the first page said
    bound = min(first, -(-total // per_page)) if total else first
    assert fetched <= 2 * max(bound, 1) + 10


# -- hypothesis: hostile bodies, statuses and headers -------------------------------------

json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_tree = st.recursive(
    json_leaf,
    lambda kids: st.one_of(
        st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=8), kids, max_size=4)
    ),
    max_leaves=20,
)
STATUSES = st.sampled_from([200, 201, 204, 301, 302, 400, 401, 403, 404, 409, 422, 429, 500, 503])


def _hyp_check(outcome: Outcome, max_requests: int) -> None:
    _record(outcome, max_requests)
    assert outcome.error is None or isinstance(outcome.error, FreshBooksError), (
        f"{type(outcome.error).__name__}: {outcome.error}"
    )
    assert outcome.bounded(max_requests), outcome


_HYP = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@_HYP
@given(body=st.binary(max_size=3000), status=STATUSES)
def test_property_binary_bodies_end_typed(body: bytes, status: int) -> None:
    _hyp_check(run_sync(Scenario("hyp-binary", const(body, status), "get")), 4)


@_HYP
@given(tree=json_tree, status=STATUSES, where=st.sampled_from(["client", "result", "top"]))
def test_property_json_shapes_end_typed(tree: Any, status: int, where: str) -> None:
    doc = (
        envelope({"client": tree})
        if where == "client"
        else envelope(tree)
        if where == "result"
        else tree
    )
    body = json.dumps(doc).encode()
    _hyp_check(run_sync(Scenario("hyp-json", const(body, status), "get")), 4)


header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)


@_HYP
@given(
    status=STATUSES,
    retry_after=header_text,
    encoding=st.one_of(
        st.sampled_from(["gzip", "deflate", "br", "identity", "gzip, gzip"]), header_text
    ),
    content_type=header_text,
    location=header_text,
)
def test_property_hostile_headers_end_typed(
    status: int, retry_after: str, encoding: str, content_type: str, location: str
) -> None:
    headers = {
        "Retry-After": retry_after,
        "Content-Encoding": encoding,
        "Content-Type": content_type,
        "Location": location,
    }
    respond = streamed(lambda: iter([client_body()]), status=status, headers=headers)
    _hyp_check(run_sync(Scenario("hyp-headers", respond, "get")), 4)


@settings(max_examples=40, deadline=None)
@given(
    page=st.integers(-2, 5),
    pages=st.integers(-2, 10**12),
    per_page=st.integers(-1, 200),
    total=st.integers(-1, 10**12),
    count=st.integers(0, 120),
)
def test_property_hostile_page_fields_end_bounded(
    page: int, pages: int, per_page: int, total: int, count: int
) -> None:
    """A listing whose every page answers the same drawn fields: typed or done, bounded."""

    def make(requested: int, asked: int) -> bytes:
        return page_body("clients", [{"id": i} for i in range(count)], page, pages, per_page, total)

    _hyp_check(run_sync(Scenario("hyp-pages", pages_of(make), "list5")), 12)


def pages_of(make: Callable[[int, int], bytes]) -> Respond:
    return pages(make)


# -- the body decoder (pure) ------------------------------------------------------------------


def test_body_decoder_handles_members_layers_and_raw_deflate() -> None:
    dec = BodyDecoder("gzip", limit=1 << 20)
    for piece in (gzip.compress(b"ab") + gzip.compress(b"cd"),):
        for i in range(0, len(piece), 3):
            dec.feed(piece[i : i + 3])
    assert dec.body() == b"abcd"
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    data = raw.compress(b"raw deflate") + raw.flush()
    dec = BodyDecoder("deflate", limit=1024)
    dec.feed(data)
    assert dec.body() == b"raw deflate"
    dec = BodyDecoder("gzip, deflate", limit=1024)
    dec.feed(zlib.compress(gzip.compress(b"two layers")))
    assert dec.body() == b"two layers"


def test_body_decoder_refuses_truncated_and_unknown() -> None:
    dec = BodyDecoder("gzip", limit=1024)
    dec.feed(gzip.compress(b"x" * 500)[:-10])
    with pytest.raises(UnreadableBody):
        dec.body()
    with pytest.raises(UnreadableBody):
        BodyDecoder("zstd", limit=1024)
    with pytest.raises(BodyTooLarge):
        BodyDecoder(None, limit=1024).feed(b"x" * 1025)


# -- real sockets: a dripping server and a gzip bomb on the wire ------------------------------


class LoopbackServer:
    """A tiny HTTP/1.1 server on 127.0.0.1 whose answer is written by ``answer(sock)``."""

    def __init__(self, answer: Callable[[socket.socket], None]) -> None:
        self._answer = answer
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(4)
        self._sock.settimeout(5)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._stop = threading.Event()

    def _serve(self) -> None:  # one connection: the tests use max_retries=0
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
        self._stop.set()
        self._sock.close()
        self._thread.join(timeout=5)


def test_loopback_drip_is_cut_at_the_deadline() -> None:
    def drip(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
        for _ in range(100):  # 1 byte per 0.05 s, for 5 s if nobody stops reading
            conn.sendall(b" ")
            time.sleep(0.05)

    with LoopbackServer(drip) as server:
        fb = FreshBooks(
            access_token=TOKEN, account_id=ACCOUNT, base_url=server.url, timeout=0.25, max_retries=0
        )
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as info:
            fb.clients.get(11)
        took = time.monotonic() - started
        fb.close()
    assert took < 2.5, took  # deadline 1 s (4 x 0.25 s), each read of 0.05 s under the timeout
    assert "deadline" in str(info.value)
    assert info.value.request is not None
    assert info.value.request.headers["authorization"] == "Bearer [REDACTED]"


async def test_async_loopback_header_drip_is_cut_at_the_deadline() -> None:
    """The async client bounds even a server dripping its status line and headers."""

    def drip_headers(conn: socket.socket) -> None:
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 200:
            conn.sendall(bytes([byte]))
            time.sleep(0.05)

    with LoopbackServer(drip_headers) as server:
        fb = AsyncFreshBooks(
            access_token=TOKEN,
            account_id=ACCOUNT,
            base_url=server.url,
            timeout=0.25,
            deadline=0.5,
            max_retries=0,
        )
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            await fb.clients.get(11)
        took = time.monotonic() - started
        await fb.aclose()
    assert took < 3.0, took  # deadline 0.5 s + 1 s grace, not the 10 s the drip would take


def test_loopback_gzip_bomb_is_refused_with_bounded_memory() -> None:
    bomb = gzip_bomb(256)  # 256 MiB of zeros in ~270 KB

    def send_bomb(conn: socket.socket) -> None:
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
            f"Content-Length: {len(bomb)}\r\n\r\n"
        )
        conn.sendall(head.encode() + bomb)

    with LoopbackServer(send_bomb) as server:
        fb = FreshBooks(
            access_token=TOKEN,
            account_id=ACCOUNT,
            base_url=server.url,
            timeout=5,
            max_retries=0,
            max_response_bytes=4 << 20,
        )
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLargeError):
                fb.clients.get(11)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            fb.close()
    assert peak < 16 << 20, peak


@pytest.mark.parametrize(
    "name",
    [
        "freshbooks_sdk._core.transport",
        "freshbooks_sdk._core.redact",
        "freshbooks_sdk._core.errparse",
    ],
)
def test_hardening_doctests(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(
        importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted > 0 and result.failed == 0


# -- review 2: a sync call held by a slow server, OAuth secrets on errors -------------------
#
# Each runs once per side and is counted in the census (``python tests/test_hostile_server.py``).

OAUTH_SECRETS = ("CLIENTSECRET_x1", "REFRESHTOKEN_x2", "ACCESSTOKEN_x3")


def _header_drip(conn: socket.socket) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 400:  # 20 s if nobody stops reading
        conn.sendall(bytes([byte]))
        time.sleep(0.05)


def _early_hints_flood(conn: socket.socket) -> None:
    for _ in range(400):  # a 103 every 0.05 s: each read is quick, the answer never comes
        conn.sendall(b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n")
        time.sleep(0.05)


def _socket_outcome(name: str, side: str, answer: Callable[[socket.socket], None]) -> Outcome:
    """One real-socket call with a 0.3 s deadline (+1 s grace): it must end within ~1.3 s."""
    kw: dict[str, Any] = {"timeout": 0.25, "deadline": 0.3, "max_retries": 2}
    error: BaseException | None = None
    with LoopbackServer(answer) as server:
        started = time.monotonic()
        try:
            if side == "sync":
                with FreshBooks(
                    access_token=TOKEN, account_id=ACCOUNT, base_url=server.url, **kw
                ) as fb:
                    fb.clients.get(11)
            else:

                async def main() -> None:
                    async with AsyncFreshBooks(
                        access_token=TOKEN, account_id=ACCOUNT, base_url=server.url, **kw
                    ) as fb:
                        await fb.clients.get(11)

                asyncio.run(main())
        except Exception as exc:  # the outcome under test
            error = exc
        took = time.monotonic() - started
    # Wall seconds stand in for the fake clock; one connection was accepted (not retried).
    return Outcome(name, side, error, 1, took * MAX_FAKE_SECONDS / 3.0, 0)


def _oauth_outcome(
    name: str, side: str, handler: Callable[[httpx.Request], httpx.Response]
) -> Outcome:
    from freshbooks_sdk.auth import AsyncOAuthClient, OAuthClient

    seen: list[httpx.Request] = []

    def counted(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    error: BaseException | None = None
    secret, refresh = OAUTH_SECRETS[0], OAUTH_SECRETS[1]
    try:
        if side == "sync":
            http = httpx.Client(transport=httpx.MockTransport(counted))
            with OAuthClient("cid", secret, "https://e.example/cb", http_client=http) as oauth:
                oauth.refresh(refresh)
        else:

            async def main() -> None:
                ahttp = httpx.AsyncClient(transport=httpx.MockTransport(counted))
                async with AsyncOAuthClient(
                    "cid", secret, "https://e.example/cb", http_client=ahttp
                ) as oauth:
                    await oauth.refresh(refresh)

            asyncio.run(main())
    except Exception as exc:  # the outcome under test
        error = exc
    return Outcome(name, side, error, len(seen), 0.0, 0)


def _token_answer(tail: bytes) -> Callable[[httpx.Request], httpx.Response]:
    body = (
        b'{"access_token":"'
        + OAUTH_SECRETS[2].encode()
        + b'","refresh_token":"'
        + OAUTH_SECRETS[1].encode()
        + b'","token_type":"Bearer",'
        + tail
    )
    return lambda request: httpx.Response(200, content=body)


def _refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def _read_timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


REVIEW2: dict[str, Callable[[str], Outcome]] = {
    "socket-header-drip": lambda side: _socket_outcome("socket-header-drip", side, _header_drip),
    "socket-103-flood": lambda side: _socket_outcome("socket-103-flood", side, _early_hints_flood),
    "oauth-200-trailing-junk": lambda side: _oauth_outcome(
        "oauth-200-trailing-junk", side, _token_answer(b'"expires_in":43200}<!-- edge -->')
    ),
    "oauth-200-truncated": lambda side: _oauth_outcome(
        "oauth-200-truncated", side, _token_answer(b'"expires_in":432')
    ),
    "oauth-connect-error": lambda side: _oauth_outcome("oauth-connect-error", side, _refused),
    "oauth-read-timeout": lambda side: _oauth_outcome("oauth-read-timeout", side, _read_timeout),
}


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    node: BaseException | None = error
    while node is not None and id(node) not in seen:
        seen.add(id(node))
        yield node
        node = node.__cause__ or node.__context__


@pytest.mark.parametrize("side", ["sync", "async"])
@pytest.mark.parametrize("name", list(REVIEW2))
def test_review2_scenario(name: str, side: str) -> None:
    outcome = REVIEW2[name](side)
    _record(outcome, 1)
    error = outcome.error
    assert isinstance(error, FreshBooksError), (name, side, error)
    assert outcome.requests <= 1
    if name.startswith("socket"):
        assert isinstance(error, APITimeoutError), error
        assert "deadline" in str(error)
        assert outcome.fake_seconds <= MAX_FAKE_SECONDS  # i.e. under 3 s of wall time
    # No secret anywhere: message, repr, attributes, the cause chain's requests, the pickle.
    data = pickle.dumps(error)
    for secret in (TOKEN, *OAUTH_SECRETS):
        assert secret.encode() not in data, (name, side, secret)
        for node in _chain(error):
            assert secret not in repr(node) and secret not in repr(vars(node))
            request = getattr(node, "_request", None)
            if isinstance(request, httpx.Request):
                assert secret.encode() not in request.content, (name, side, secret)
                assert secret not in str(request.headers), (name, side, secret)
    again = pickle.loads(data)
    assert type(again) is type(error) and str(again) == str(error)


if __name__ == "__main__":  # the census for the lead: python tests/test_hostile_server.py
    for scenario in SCENARIOS:
        for runner in (run_sync, run_async):
            _record(runner(scenario), scenario.max_requests, scenario.max_peak)
    for make in REVIEW2.values():  # real sockets and OAuth (review 2)
        for side in ("sync", "async"):
            _record(make(side), 1)
    print("| scenarios (x sync+async) | typed | untyped | unbounded |")
    print("|---|---|---|---|")
    print(
        f"| {CENSUS['scenarios']} ({len(SCENARIOS) + len(REVIEW2)}) | {CENSUS['typed']} | "
        f"{CENSUS['untyped']} | {CENSUS['unbounded']} |"
    )
    print(f"of which review-2 socket/OAuth scenarios: {len(REVIEW2)} x sync+async")


@pytest.mark.parametrize("location", ["A:0", "http://[::1", "http://exa mple.com/", "\x00"])
def test_a_redirect_to_something_that_is_not_a_url_ends_typed(location: str) -> None:
    """httpx prepares a redirect's next request even when it does not follow it, and raises an
    untyped ``InvalidURL`` for a Location that is not a URL: the SDK answers a typed error."""
    from freshbooks_sdk import FreshBooks
    from freshbooks_sdk.errors import FreshBooksError

    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(301, headers=[(b"location", location.encode("latin-1"))])

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        fb = FreshBooks(access_token="t", account_id="ABC123", http_client=http, max_retries=1)
        with pytest.raises(FreshBooksError):
            fb.clients.get(1)
    assert 1 <= len(sent) <= 2  # bounded: at most the one retry a protocol error of a read gets
