"""Client options (issue 14): per-call ``timeout=``/``max_retries=``/``extra_headers=``/
``extra_query=``, ``with_options``, ``with_raw_response`` and the streamed invoice PDF, sync and
async, against the in-process sandbox (or a mock transport where the wire must be inspected)."""

from __future__ import annotations

import doctest
import inspect
import json
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from freshbooks_sdk import AsyncFreshBooks, FreshBooks
from freshbooks_sdk._core import options as options_module
from freshbooks_sdk._core import streaming as streaming_module
from freshbooks_sdk._core.pages import Page
from freshbooks_sdk.errors import (
    APIStatusError,
    APITimeoutError,
    InvalidRequestError,
    NotFoundError,
    ResponseTooLargeError,
    ResponseValidationError,
)
from freshbooks_sdk.responses import AsyncStreamedResponse, RawResponse, StreamedResponse
from freshbooks_sdk.sandbox import FakeClock, Sandbox

UTC = timezone.utc
LINES = [{"name": "Design", "qty": "1", "unit_cost": "10.00"}]
KINDS = ["sync", "async"]


async def resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def collect(pager: Any) -> list[Any]:
    if hasattr(pager, "__aiter__"):
        return [item async for item in pager]
    return list(pager)


async def close(client: Any) -> None:
    await resolve(client.aclose() if isinstance(client, AsyncFreshBooks) else client.close())


class Recorder:
    """Wraps a transport (sync or async) and keeps every request that went through it."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        response: httpx.Response = self.inner.handle_request(request)
        return response

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        response: httpx.Response = await self.inner.handle_async_request(request)
        return response


class _SyncRecorder(Recorder, httpx.BaseTransport):
    pass


class _AsyncRecorder(Recorder, httpx.AsyncBaseTransport):
    pass


def sandbox_client(kind: str, sb: Sandbox, **kw: Any) -> tuple[Any, Recorder]:
    """A client on the sandbox's clock whose requests are recorded (headers included)."""
    clock = sb.clock if isinstance(getattr(sb, "clock", None), FakeClock) else None
    assert clock is not None
    token = sb.issue_token()
    if kind == "sync":
        recorder: Recorder = _SyncRecorder(sb.transport())
        fb: Any = FreshBooks(
            access_token=token,
            account_id=sb.account_ids[0],
            http_client=httpx.Client(transport=recorder),  # type: ignore[arg-type]  # a transport
            clock=clock,
            sleep=clock.advance,
            **kw,
        )
        return fb, recorder

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)

    recorder = _AsyncRecorder(sb.async_transport())
    afb = AsyncFreshBooks(
        access_token=token,
        account_id=sb.account_ids[0],
        http_client=httpx.AsyncClient(transport=recorder),  # type: ignore[arg-type]  # a transport
        clock=clock,
        sleep=sleep,
        **kw,
    )
    return afb, recorder


def mock_client(kind: str, handler: Callable[[httpx.Request], httpx.Response], **kw: Any) -> Any:
    clock = FakeClock(datetime(2024, 5, 1, tzinfo=UTC))
    transport = httpx.MockTransport(handler)
    if kind == "sync":
        return FreshBooks(
            access_token="t0ken",
            account_id="ABC123",
            http_client=httpx.Client(transport=transport),
            clock=clock,
            sleep=clock.advance,
            **kw,
        )

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)

    return AsyncFreshBooks(
        access_token="t0ken",
        account_id="ABC123",
        http_client=httpx.AsyncClient(transport=transport),
        clock=clock,
        sleep=sleep,
        **kw,
    )


def invoice_body(invoice_id: int = 7) -> dict[str, Any]:
    return {
        "response": {
            "result": {
                "invoice": {
                    "id": invoice_id,
                    "invoiceid": invoice_id,
                    "invoice_number": "0000007",
                    "customerid": 1,
                    "create_date": "2024-05-01",
                    "currency_code": "USD",
                    "amount": {"amount": "10.00", "code": "USD"},
                    "outstanding": {"amount": "10.00", "code": "USD"},
                    "status": 1,
                    "v3_status": "draft",
                    "vis_state": 0,
                    "updated": "2024-05-01 10:00:00",
                }
            }
        }
    }


@pytest.fixture
def sb() -> Sandbox:
    return Sandbox(clock=FakeClock(datetime(2024, 3, 15, 14, tzinfo=UTC)))


# ---- the pure checks --------------------------------------------------------------------------


def test_option_module_doctests() -> None:
    for module in (options_module, streaming_module):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0 and result.failed == 0, module.__name__


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"extra_headers": {"X-A": "1\r\nHost: evil"}}, "extra_headers[X-A]"),
        ({"extra_headers": {"X-A": "1\n"}}, "extra_headers[X-A]"),
        ({"extra_headers": {"X-A": "\x00"}}, "extra_headers[X-A]"),
        ({"extra_headers": {"X-A": "caf\u20ac"}}, "extra_headers[X-A]"),
        ({"extra_headers": {"X-A": "caf\xe9"}}, "extra_headers[X-A]"),
        ({"extra_headers": {"X-A": "\x7f"}}, "extra_headers[X-A]"),
        ({"extra_headers": {"Bad Name": "1"}}, "extra_headers"),
        ({"extra_headers": {"X-A\r\n": "1"}}, "extra_headers"),
        ({"extra_headers": {"authorization": "Bearer x"}}, "extra_headers[authorization]"),
        ({"extra_headers": {"Host": "evil.example"}}, "extra_headers[Host]"),
        ({"extra_headers": {"Content-Length": "0"}}, "extra_headers[Content-Length]"),
        ({"extra_headers": {"Accept-Encoding": "br"}}, "extra_headers[Accept-Encoding]"),
        ({"extra_headers": {"X-A": "1", "x-a": "2"}}, "extra_headers[x-a]"),
        ({"extra_headers": {"X-A": 1}}, "extra_headers[X-A]"),
        ({"extra_headers": [("X-A", "1")]}, "extra_headers"),
        ({"extra_headers": {f"X-{i}": "1" for i in range(65)}}, "extra_headers"),
        ({"extra_query": {"page": 2}}, "extra_query[page]"),
        ({"extra_query": {"per_page": 2}}, "extra_query[per_page]"),
        ({"extra_query": {"x": True}}, "extra_query[x]"),
        ({"extra_query": {"x": 1.5}}, "extra_query[x]"),
        ({"extra_query": {"x": "a\x00"}}, "extra_query[x]"),
        ({"extra_query": {"": "a"}}, "extra_query"),
        ({"extra_query": {"x": "\ud800"}}, "extra_query[x]"),
        ({"extra_query": {"\udfff": "a"}}, "extra_query"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": -1}, "timeout"),
        ({"timeout": float("inf")}, "timeout"),
        ({"timeout": None}, "timeout"),
        ({"timeout": "5"}, "timeout"),
        ({"timeout": httpx.Timeout(None)}, "timeout.connect"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": True}, "max_retries"),
        ({"max_retries": 10**6}, "max_retries"),
        ({"timout": 5}, "timout"),
    ],
)
def test_bad_options_name_their_field(options: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidRequestError) as info:
        options_module.check_call_options(options)
    assert info.value.field == field


def test_good_options_are_normalised() -> None:
    opts = options_module.check_call_options(
        {
            "timeout": httpx.Timeout(2.0, connect=1.0),
            "max_retries": 0,
            "extra_headers": {"X-Trace": "a\tb"},
            "extra_query": {"sort": "id", "n": 3},
        }
    )
    assert opts is not None
    assert opts.timeout is not None and opts.timeout.connect == 1.0
    assert opts.max_retries == 0
    assert opts.headers == (("X-Trace", "a\tb"),)
    assert opts.query == (("sort", "id"), ("n", "3"))
    assert options_module.check_call_options({}) is None


# ---- per-call options on the wire -------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
async def test_per_call_options_reach_the_wire(kind: str, sb: Sandbox) -> None:
    fb, rec = sandbox_client(kind, sb)
    customer = await resolve(
        fb.clients.create(email="ada@example.com", extra_headers={"X-Trace": "create"})
    )
    assert rec.requests[-1].headers["x-trace"] == "create"
    assert rec.requests[-1].headers["authorization"].startswith("Bearer ")
    got = await resolve(
        fb.clients.get(
            customer.id,
            timeout=2.5,
            extra_headers={"X-Trace": "get", "Accept": "application/json"},
            extra_query={"include[]": "outstanding_balance"},
        )
    )
    assert got.id == customer.id
    sent = rec.requests[-1]
    assert sent.headers["x-trace"] == "get"
    assert sent.headers.get_list("accept") == ["application/json"]  # replaced, not doubled
    assert sent.url.params["include[]"] == "outstanding_balance"
    assert sent.extensions["timeout"]["read"] == 2.5
    plain = await resolve(fb.clients.get(customer.id))
    assert plain.id == customer.id and "x-trace" not in rec.requests[-1].headers
    assert rec.requests[-1].extensions["timeout"]["read"] == 30.0
    raw = await resolve(fb.request("GET", "/auth/api/v1/users/me", extra_headers={"X-R": "1"}))
    assert raw["response"]["id"] and rec.requests[-1].headers["x-r"] == "1"
    await close(fb)


@pytest.mark.parametrize("kind", KINDS)
async def test_listing_options_apply_to_every_page(kind: str, sb: Sandbox) -> None:
    fb, rec = sandbox_client(kind, sb)
    for n in range(3):
        await resolve(fb.clients.create(email=f"c{n}@example.com"))
    start = len(rec.requests)
    pager = fb.clients.list(
        per_page=1, extra_headers={"X-Job": "sync-7"}, extra_query={"search[vis_state]": 0}
    )
    assert len(rec.requests) == start  # lazy: nothing sent yet
    items = await collect(pager)
    pages = rec.requests[start:]
    assert len(items) == 3 and len(pages) == 3
    assert [r.url.params["page"] for r in pages] == ["1", "2", "3"]
    assert all(
        r.headers["x-job"] == "sync-7" and r.url.params["search[vis_state]"] == "0" for r in pages
    )
    await close(fb)


@pytest.mark.parametrize("kind", KINDS)
async def test_bad_options_are_refused_before_any_request(kind: str, sb: Sandbox) -> None:
    fb, rec = sandbox_client(kind, sb)
    bad: dict[str, Any] = {"extra_headers": {"Authorization": "Bearer stolen"}}
    calls: list[Callable[[], Any]] = [
        lambda: fb.clients.get(1, **bad),
        lambda: fb.clients.list(**bad),
        lambda: fb.clients.create(email="a@example.com", **bad),
        lambda: fb.clients.update(1, fname="A", **bad),
        lambda: fb.clients.delete(1, **bad),
        lambda: fb.invoices.update(1, lines=LINES, **bad),  # before the currency read
        lambda: fb.invoices.pdf(1, **bad),
        lambda: fb.invoices.with_streaming_response.pdf(1, **bad),
        lambda: fb.expenses.list(**bad),
        lambda: fb.expense_categories.get(1, **bad),
        lambda: fb.staff.list(**bad),
        lambda: fb.identity.me(**bad),
        lambda: fb.time_entries.for_business(1).list(**bad),
        lambda: fb.projects.for_business(1).get(1, **bad),
        lambda: fb.payments.get(1, **bad),
        lambda: fb.taxes.list(**bad),
        lambda: fb.items.get(1, **bad),
        lambda: fb.callbacks.delete(1, **bad),
        lambda: fb.request("GET", "/auth/api/v1/users/me", **bad),
        lambda: fb.invoices.with_raw_response.get(1, **bad),
        lambda: fb.clients.get(1, timeout=-1),
        lambda: fb.clients.get(1, max_retries="3"),
        lambda: fb.clients.get(1, extra_headers={"X": "a\r\nb"}),
        lambda: fb.clients.get(1, retries=2),
    ]
    for call in calls:
        with pytest.raises(InvalidRequestError) as info:
            await resolve(call())
        assert info.value.field is not None
    assert rec.requests == []
    await close(fb)


@pytest.mark.parametrize("kind", KINDS)
async def test_per_call_max_retries(kind: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503, json={"error": "busy"})

    fb = mock_client(kind, handler)
    with pytest.raises(APIStatusError):
        await resolve(fb.invoices.get(7, max_retries=0))
    assert len(seen) == 1
    with pytest.raises(APIStatusError):
        await resolve(fb.invoices.get(7, max_retries=1))
    assert len(seen) == 3
    with pytest.raises(APIStatusError):
        await resolve(fb.invoices.get(7))  # the client's 3
    assert len(seen) == 7
    await close(fb)


# ---- with_options ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
async def test_with_options_copies_settings_and_shares_the_pool(kind: str, sb: Sandbox) -> None:
    fb, rec = sandbox_client(kind, sb)
    fast = fb.with_options(
        timeout=5.0,
        max_retries=0,
        extra_headers={"X-Tenant": "t1"},
        default_currency="EUR",
        max_retry_wait=2.0,
        deadline=9.0,
        max_response_bytes=4096,
    )
    assert type(fast) is type(fb) and fast is not fb
    assert fast._core._http is fb._core._http  # one pool
    assert fast._core.tokens is fb._core.tokens
    assert fast.default_currency == "EUR" and fb.default_currency is None
    assert fast._core.policy.max_retries == 0 and fb._core.policy.max_retries == 3
    assert fast._core.deadline == 9.0 and fb._core.deadline == 120.0
    assert fast.invoices._client is fast and fb.invoices._client is fb

    created = await resolve(fast.clients.create(email="eur@example.com"))
    sent = rec.requests[-1]
    assert sent.headers["x-tenant"] == "t1" and sent.extensions["timeout"]["read"] == 5.0
    await resolve(fast.clients.get(created.id, extra_headers={"x-tenant": "t2"}))
    assert rec.requests[-1].headers.get_list("x-tenant") == ["t2"]  # per-call wins
    await resolve(fb.clients.get(created.id))
    assert "x-tenant" not in rec.requests[-1].headers  # the original is unchanged

    stacked = fast.with_options(extra_headers={"X-Other": "o"}, timeout=1.0)
    assert stacked._core.deadline == 9.0  # an explicit deadline stays
    await resolve(stacked.clients.get(created.id))
    assert rec.requests[-1].headers["x-tenant"] == "t1"
    assert rec.requests[-1].headers["x-other"] == "o"
    assert fb.with_options(timeout=2.0)._core.deadline == 8.0  # default: 4x the timeout

    other_book = fb.with_options(account_id="BAY456")
    assert other_book.account_id == "BAY456" and fb.account_id == sb.account_ids[0]

    await close(fast)  # closing a copy leaves the shared pool open
    assert not fb._core._http.is_closed
    assert (await resolve(fb.clients.get(created.id))).id == created.id
    await close(fb)
    assert not fb._core._http.is_closed  # the caller's own http_client: left to the caller


@pytest.mark.parametrize("kind", KINDS)
async def test_closing_a_copy_leaves_an_sdk_owned_pool_open(kind: str) -> None:
    cls = FreshBooks if kind == "sync" else AsyncFreshBooks
    fb: Any = cls(access_token="t", account_id="ABC123", sleep=None)
    copy = fb.with_options(timeout=3.0)
    await close(copy)
    assert not fb._core._http.is_closed
    await close(fb)
    assert fb._core._http.is_closed and copy._core._http.is_closed  # one pool, closed once


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"timeout": 0}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retry_wait": -1}, "max_retry_wait"),
        ({"deadline": 0}, "deadline"),
        ({"max_response_bytes": 10}, "max_response_bytes"),
        ({"extra_headers": {"Host": "x"}}, "extra_headers[Host]"),
        ({"default_currency": "U$D"}, "default_currency"),
        ({"account_id": "../x"}, "account_id"),
        ({"on_retry": 3}, "on_retry"),
    ],
)
async def test_with_options_validates_like_the_constructor(
    kind: str, sb: Sandbox, kwargs: dict[str, Any], field: str
) -> None:
    fb, rec = sandbox_client(kind, sb)
    with pytest.raises(InvalidRequestError) as info:
        fb.with_options(**kwargs)
    assert info.value.field == field and rec.requests == []
    await close(fb)


@pytest.mark.parametrize("kind", KINDS)
async def test_with_options_retries_and_on_retry(kind: str) -> None:
    seen: list[int] = []
    events: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(1)
        return httpx.Response(503) if len(seen) % 2 else httpx.Response(200, json=invoice_body())

    fb = mock_client(kind, handler)
    once = fb.with_options(max_retries=1, on_retry=events.append)
    assert (await resolve(once.invoices.get(7))).id == 7
    assert len(seen) == 2 and len(events) == 1 and events[0].status_code == 503
    await close(fb)


# ---- with_raw_response -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
async def test_raw_response_of_a_get(kind: str) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            return httpx.Response(502)
        return httpx.Response(
            200, json=invoice_body(), headers={"X-Request-Id": "req-42", "X-Extra": "yes"}
        )

    fb = mock_client(kind, handler)
    raw = await resolve(fb.invoices.with_raw_response.get(7, include_lines=False))
    assert isinstance(raw, RawResponse)
    assert raw.status_code == 200 and raw.request_id == "req-42"
    assert raw.headers["x-extra"] == "yes"
    assert raw.retries == 1 and raw.elapsed >= 0.0
    assert raw.http_request is not None
    assert raw.http_request.headers["authorization"] == "Bearer [REDACTED]"
    assert "t0ken" not in repr(raw.http_request.headers)
    assert raw.http_request.url.path == "/accounting/account/ABC123/invoices/invoices/7"
    parsed = raw.parse()
    plain = await resolve(fb.invoices.get(7, include_lines=False))
    assert parsed == plain and parsed.id == 7
    assert json.loads(raw.content)["response"]["result"]["invoice"]["id"] == 7
    assert "req-42" in repr(raw)
    await close(fb)


@pytest.mark.parametrize("kind", KINDS)
async def test_raw_responses_across_resources(kind: str, sb: Sandbox) -> None:
    fb, rec = sandbox_client(kind, sb)
    created = await resolve(fb.clients.with_raw_response.create(email="raw@example.com"))
    client = created.parse()
    assert created.status_code == 200 and client.email == "raw@example.com"
    assert created.http_request.method == "POST" and created.retries == 0
    for n in range(2):
        await resolve(fb.clients.create(email=f"more{n}@example.com"))
    first = await resolve(fb.clients.with_raw_response.list(per_page=2))
    page = first.parse()
    assert isinstance(page, Page) and len(page.items) == 2 and page.info.pages == 2
    assert first.http_request.url.params["page"] == "1"
    me = await resolve(fb.identity.me())
    again = await resolve(fb.identity.with_raw_response.me())  # not served from the cache
    assert again.parse().id == me.id and rec.requests[-1].url.path.endswith("/users/me")
    raw = await resolve(fb.with_raw_response.request("GET", "/auth/api/v1/users/me"))
    assert raw.parse()["response"]["id"] == me.id
    customer = client.id
    invoice = await resolve(
        fb.invoices.create(customer_id=customer, currency_code="USD", lines=LINES)
    )
    pdf = await resolve(fb.invoices.with_raw_response.pdf(invoice.id))
    assert pdf.parse().startswith(b"%PDF-") and pdf.headers["content-type"].startswith(
        "application/pdf"
    )
    updated = await resolve(fb.invoices.with_raw_response.update(invoice.id, lines=LINES))
    assert updated.http_request.method == "PUT"  # the last request of a two-request call
    with pytest.raises(NotFoundError):  # errors raise, as from the plain method
        await resolve(fb.clients.with_raw_response.get(client.id + 999))
    copy = fb.with_options(max_retries=0)
    assert copy.with_raw_response is not fb.with_raw_response
    await close(fb)


# ---- the invoice PDF, bounded while it arrives --------------------------------------------------


class Dripping(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body of ``chunks`` pieces that counts how many were pulled by the client."""

    def __init__(self, chunks: int, size: int = 64 * 1024, head: bytes = b"%PDF-1.4\n") -> None:
        self.chunks, self.size, self.head = chunks, size, head
        self.pulled = 0
        self.closed = False

    def _piece(self, n: int) -> bytes:
        self.pulled += 1
        return self.head if n == 0 else b"0" * self.size

    def __iter__(self) -> Iterator[bytes]:
        for n in range(self.chunks):
            yield self._piece(n)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for n in range(self.chunks):
            yield self._piece(n)

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


@pytest.mark.parametrize("kind", KINDS)
async def test_pdf_max_bytes_stops_reading_early(kind: str) -> None:
    body = Dripping(chunks=400)  # ~25 MiB on offer

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["accept"] == "application/pdf"
        return httpx.Response(200, headers={"Content-Type": "application/pdf"}, stream=body)

    fb = mock_client(kind, handler)
    with pytest.raises(ResponseValidationError, match="max_bytes=200000"):
        await resolve(fb.invoices.pdf(7, max_bytes=200_000))
    assert body.pulled <= 5 and body.closed  # stopped near the limit, not after 25 MiB
    await close(fb)


@pytest.mark.parametrize("kind", KINDS)
async def test_pdf_larger_than_the_client_cap_is_allowed_by_max_bytes(kind: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "application/pdf"}, stream=Dripping(3))

    fb = mock_client(kind, handler, max_response_bytes=64 * 1024)
    pdf = await resolve(fb.invoices.pdf(7))  # 2x64 KiB + head: over the client cap, under 50 MiB
    assert pdf.startswith(b"%PDF-") and len(pdf) == 2 * 64 * 1024 + 9
    await close(fb)


@pytest.mark.parametrize("kind", KINDS)
async def test_streaming_pdf_from_the_sandbox(kind: str, sb: Sandbox) -> None:
    fb, rec = sandbox_client(kind, sb)
    customer = await resolve(fb.clients.create(email="pdf@example.com"))
    invoice = await resolve(
        fb.invoices.create(customer_id=customer.id, currency_code="USD", lines=LINES)
    )
    whole = await resolve(fb.invoices.pdf(invoice.id))
    if kind == "sync":
        with fb.invoices.with_streaming_response.pdf(
            invoice.id, extra_headers={"X-Dl": "1"}
        ) as stream:
            assert isinstance(stream, StreamedResponse) and stream.status_code == 200
            chunks = list(stream.iter_bytes(chunk_size=100))
    else:
        async with fb.invoices.with_streaming_response.pdf(
            invoice.id, extra_headers={"X-Dl": "1"}
        ) as stream:
            assert isinstance(stream, AsyncStreamedResponse) and stream.status_code == 200
            chunks = [c async for c in stream.aiter_bytes(chunk_size=100)]
    assert b"".join(chunks) == whole
    assert all(len(c) == 100 for c in chunks[:-1]) and 0 < len(chunks[-1]) <= 100
    assert rec.requests[-1].headers["x-dl"] == "1" and stream.retries == 0
    assert stream.http_request is not None
    assert stream.http_request.headers["authorization"] == "Bearer [REDACTED]"
    with pytest.raises(NotFoundError):
        if kind == "sync":
            with fb.invoices.with_streaming_response.pdf(invoice.id + 999):
                pass
        else:
            async with fb.invoices.with_streaming_response.pdf(invoice.id + 999):
                pass
    await close(fb)


@pytest.mark.parametrize("kind", KINDS)
async def test_streaming_pdf_is_bounded_and_closed(kind: str) -> None:
    bodies: list[Dripping] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(Dripping(chunks=400))
        return httpx.Response(200, headers={"Content-Type": "application/pdf"}, stream=bodies[-1])

    fb = mock_client(kind, handler)
    received = 0
    with pytest.raises(ResponseTooLargeError) as info:
        if kind == "sync":
            with fb.invoices.with_streaming_response.pdf(7, max_bytes=300_000) as stream:
                for chunk in stream.iter_bytes():
                    received += len(chunk)
        else:
            async with fb.invoices.with_streaming_response.pdf(7, max_bytes=300_000) as stream:
                async for chunk in stream.aiter_bytes():
                    received += len(chunk)
    assert info.value.limit == 300_000 and received <= 300_000
    assert bodies[0].pulled <= 6 and bodies[0].closed
    # a stream left early releases the connection too
    if kind == "sync":
        with fb.invoices.with_streaming_response.pdf(7) as stream:
            assert stream.peek(5) == b"%PDF-1.4\n"[: len(stream.peek(5))]
    else:
        async with fb.invoices.with_streaming_response.pdf(7) as stream:
            assert (await stream.peek(5)).startswith(b"%PDF-")
    assert bodies[1].closed and bodies[1].pulled <= 2
    await close(fb)


@pytest.mark.parametrize("kind", KINDS)
async def test_streaming_pdf_refuses_what_is_not_a_pdf(kind: str) -> None:
    answers = iter(
        [
            httpx.Response(
                200,
                json={"response": {"errors": [{"errno": 1012, "message": "Invoice not found."}]}},
            ),
            httpx.Response(200, headers={"Content-Type": "text/html"}, text="<html>login</html>"),
        ]
    )
    fb = mock_client(kind, lambda request: next(answers))
    for expected in (NotFoundError, ResponseValidationError):
        with pytest.raises(expected):
            if kind == "sync":
                with fb.invoices.with_streaming_response.pdf(7):
                    pass
            else:
                async with fb.invoices.with_streaming_response.pdf(7):
                    pass
    with pytest.raises(InvalidRequestError) as info:
        fb.invoices.with_streaming_response.pdf(7, max_bytes=0)
    assert info.value.field == "max_bytes"
    await close(fb)


@pytest.mark.parametrize("kind", KINDS)
async def test_streaming_pdf_keeps_the_attempt_deadline(kind: str) -> None:
    clock = FakeClock(datetime(2024, 5, 1, tzinfo=UTC))

    class Slow(Dripping):
        def _piece(self, n: int) -> bytes:
            clock.advance(10.0)  # each chunk takes 10 s of (fake) time
            return super()._piece(n)

    body = Slow(chunks=100, size=1024)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "application/pdf"}, stream=body)

    transport = httpx.MockTransport(handler)
    kw: dict[str, Any] = {"access_token": "t", "account_id": "ABC123", "clock": clock}
    fb: Any = (
        FreshBooks(http_client=httpx.Client(transport=transport), **kw)
        if kind == "sync"
        else AsyncFreshBooks(http_client=httpx.AsyncClient(transport=transport), **kw)
    )
    with pytest.raises(APITimeoutError, match="deadline"):
        if kind == "sync":
            with fb.invoices.with_streaming_response.pdf(7, timeout=5.0) as stream:
                for _ in stream.iter_bytes():
                    pass
        else:
            async with fb.invoices.with_streaming_response.pdf(7, timeout=5.0) as stream:
                async for _ in stream.aiter_bytes():
                    pass
    assert body.pulled <= 4 and body.closed  # 4x the 5 s timeout: cut after ~20 s of body
    await close(fb)


@pytest.mark.parametrize("kind", KINDS)
async def test_streaming_pdf_decodes_gzip_within_the_limit(kind: str) -> None:
    import gzip

    small = b"%PDF-1.4\n" + b"x" * 5000 + b"\n%%EOF"
    bomb = gzip.compress(b"%PDF-1.4\n" + b"\0" * (8 * 1024 * 1024))  # ~8 KiB on the wire
    answers = iter([gzip.compress(small), bomb])

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["accept-encoding"] == "gzip, deflate"
        return httpx.Response(
            200,
            headers={"Content-Type": "application/pdf", "Content-Encoding": "gzip"},
            stream=httpx.ByteStream(next(answers)),
        )

    fb = mock_client(kind, handler)
    if kind == "sync":
        with fb.invoices.with_streaming_response.pdf(7) as stream:
            assert stream.read() == small
    else:
        async with fb.invoices.with_streaming_response.pdf(7) as stream:
            assert await stream.read() == small
    with pytest.raises(ResponseTooLargeError):
        if kind == "sync":
            with fb.invoices.with_streaming_response.pdf(7, max_bytes=100_000) as stream:
                stream.read()
        else:
            async with fb.invoices.with_streaming_response.pdf(7, max_bytes=100_000) as stream:
                await stream.read()
    await close(fb)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.one_of(st.text(max_size=12), st.from_regex(r"\A[A-Za-z][A-Za-z0-9-]{0,11}\Z")),
        st.one_of(
            st.text(max_size=20),
            st.text(st.characters(max_codepoint=0x1FF), max_size=8),
            st.integers(),
            st.none(),
            st.binary(max_size=4),
        ),
        max_size=4,
    )
)
def test_extra_headers_either_refused_or_safe_on_the_wire(headers: dict[str, Any]) -> None:
    try:
        pairs = options_module.check_extra_headers(headers)
    except InvalidRequestError as exc:
        assert exc.field is not None and exc.field.startswith("extra_headers")
        return
    request = httpx.Request("GET", "https://api.freshbooks.com/x", headers=list(pairs))
    for name, value in pairs:
        assert name.lower() not in options_module.PROTECTED_HEADERS
        assert not set("\r\n\x00") & set(name + value)
        assert request.headers[name] == value


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.text(max_size=10),
        st.one_of(st.text(max_size=10), st.integers(), st.booleans(), st.floats()),
        max_size=4,
    )
)
def test_extra_query_either_refused_or_plain_pairs(query: dict[str, Any]) -> None:
    try:
        pairs = options_module.check_extra_query(query)
    except InvalidRequestError as exc:
        assert exc.field is not None and exc.field.startswith("extra_query")
        return
    httpx.Request("GET", "https://api.freshbooks.com/x", params=list(pairs))  # encodable
    assert [k for k, _ in pairs] == list(query)
    assert all(isinstance(v, str) and "\x00" not in v for _, v in pairs)
    assert not {"page", "per_page"} & {k for k, _ in pairs}
