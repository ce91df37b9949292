"""Listing items made one at a time as the paginator hands them out (issue 12).

The fast reader checks a whole page when it arrives and makes its items as they are taken: the
items are the very instances a whole-body reading makes, every error still comes when the page
is fetched (before any of its items), and a walk keeps one made item alive, not a page of them.
Sync and async, against a fake FreshBooks serving realistic invoice pages (no network).
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.test_fastread import same

from freshbooks_sdk import AsyncFreshBooks, FreshBooks
from freshbooks_sdk._core import envelope
from freshbooks_sdk._core.pages import Page, Pending
from freshbooks_sdk.errors import APIStatusError, ResponseValidationError
from freshbooks_sdk.models import Invoice, InvoiceListResponse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the benchmarks package (its realistic invoice pages)

from benchmarks._invoices import render_page  # noqa: E402

PAGES = 3
PER_PAGE = 20


def body(page: int, *, spoil: dict[str, Any] | None = None) -> bytes:
    """List page ``page`` of 3 (20 invoices each); ``spoil`` is merged into its 8th invoice, or
    into ``response`` itself with the key ``"response"``."""
    raw = render_page(page, PAGES, items_per_page=PER_PAGE)
    if spoil is None:
        return raw
    data = json.loads(raw)
    if "response" in spoil:
        data["response"].update(spoil["response"])
    else:
        data["response"]["result"]["invoices"][7].update(spoil)
    return json.dumps(data).encode()


class Server:
    """Serves the three pages; ``bad`` replaces page 2's body."""

    def __init__(self, bad: bytes | None = None) -> None:
        self.bad = bad
        self.asked: list[int] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        self.asked.append(page)
        content = self.bad if page == 2 and self.bad is not None else body(page)
        return httpx.Response(200, content=content, headers={"content-type": "application/json"})


def sync_client(server: Server) -> FreshBooks:
    return FreshBooks(
        access_token="t0ken-for-tests",
        account_id="ACM123",
        http_client=httpx.Client(transport=httpx.MockTransport(server.handle)),
        max_retries=0,
    )


def async_client(server: Server) -> AsyncFreshBooks:
    return AsyncFreshBooks(
        access_token="t0ken-for-tests",
        account_id="ACM123",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(server.handle)),
        max_retries=0,
    )


def reference(page: int) -> list[Invoice]:
    parsed = InvoiceListResponse.model_validate_json(body(page))
    return list(parsed.response.result.invoices)


def test_a_walk_hands_out_the_very_items_a_whole_reading_makes() -> None:
    server = Server()
    with sync_client(server) as fb:
        walked = list(fb.invoices.list(per_page=PER_PAGE, include_lines=True))
    expected = [inv for page in range(1, PAGES + 1) for inv in reference(page)]
    same(walked, expected)
    assert walked == expected and [repr(i) for i in walked] == [repr(i) for i in expected]
    assert server.asked == [1, 2, 3]


async def test_an_async_walk_hands_out_the_very_same_items() -> None:
    server = Server()
    async with async_client(server) as fb:
        walked = [inv async for inv in fb.invoices.list(per_page=PER_PAGE)]
    same(walked, [inv for page in range(1, PAGES + 1) for inv in reference(page)])


def test_the_listing_is_read_lazily_when_the_fast_reader_takes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unwrap = envelope.listing(InvoiceListResponse, "invoices")
    fetched = unwrap.lazily(body(1))
    assert isinstance(fetched, Pending) and len(fetched) == PER_PAGE
    assert fetched.info.page == 1 and fetched.info.pages == PAGES and fetched.info.total == 60
    # a body the fast reader declines (an unknown field: pydantic keeps it) is a whole Page,
    # read by pydantic straight away (the whole-body fast reader is not tried a second time)
    tried: list[bytes] = []
    monkeypatch.setitem(envelope._fast_readers, InvoiceListResponse, tried.append)
    declined = unwrap.lazily(body(1, spoil={"brand_new_field": 1}))
    assert tried == []
    assert type(declined) is Page
    assert declined.items[7].model_extra == {"brand_new_field": 1}
    same(declined, unwrap(body(1, spoil={"brand_new_field": 1})))


SPOILED = [
    pytest.param({"amount": {"amount": "12.5x", "code": "CAD"}}, id="amount"),
    pytest.param({"created_at": "2024-02-30 10:00:00"}, id="timestamp"),
    pytest.param({"v3_status": "exploded"}, id="enum"),
    pytest.param({"id": "7"}, id="id-as-text"),  # pydantic takes it (lax): not an error
]


def expected_failure(bad: bytes) -> type[Exception] | None:
    try:
        envelope.decode(InvoiceListResponse, bad)
    except Exception as exc:
        return type(exc)
    return None


@pytest.mark.parametrize("spoil", SPOILED)
def test_an_error_in_a_page_comes_when_that_page_is_fetched(spoil: dict[str, Any]) -> None:
    bad = body(2, spoil=spoil)
    failure = expected_failure(bad)
    server = Server(bad)
    handed: list[int] = []
    with sync_client(server) as fb:
        walk = iter(fb.invoices.list(per_page=PER_PAGE))
        if failure is None:  # what pydantic takes leniently is taken, whole
            handed = [inv.id for inv in walk]
            assert len(handed) == PAGES * PER_PAGE
            return
        with pytest.raises(failure) as info:
            for inv in walk:
                handed.append(inv.id)
    assert len(handed) == PER_PAGE  # all of page 1, none of page 2
    assert server.asked == [1, 2]
    if isinstance(info.value, ResponseValidationError):
        with pytest.raises(ResponseValidationError) as whole:
            envelope.decode(InvoiceListResponse, bad)
        assert [(e["type"], e["loc"], e["msg"]) for e in info.value.errors] == [
            (e["type"], e["loc"], e["msg"]) for e in whole.value.errors
        ]  # pydantic's errors, with the same locations
        assert info.value.errors[0]["loc"][:4] == ("response", "result", "invoices", 7)


async def test_an_async_error_comes_when_the_page_is_fetched() -> None:
    server = Server(body(2, spoil={"amount": {"amount": "NaN", "code": "CAD"}}))
    handed: list[int] = []
    async with async_client(server) as fb:
        with pytest.raises(ResponseValidationError):
            async for inv in fb.invoices.list(per_page=PER_PAGE):
                handed.append(inv.id)
    assert len(handed) == PER_PAGE


def test_errors_beside_a_result_are_freshbooks_errors_not_items() -> None:
    carried = {"response": {"errors": [{"message": "Invoice not found", "errno": 1012}]}}
    server = Server(body(2, spoil=carried))
    with sync_client(server) as fb, pytest.raises(APIStatusError) as info:
        list(fb.invoices.list(per_page=PER_PAGE))
    assert "Invoice not found" in str(info.value)


def test_a_walk_keeps_one_made_invoice_alive() -> None:
    def invoices_alive() -> int:
        return sum(type(o) is Invoice for o in gc.get_objects())

    server = Server()
    alive: list[int] = []
    before = invoices_alive()  # what earlier tests still hold (a failed test's traceback)
    with sync_client(server) as fb:
        for inv in fb.invoices.list(per_page=PER_PAGE):
            if inv.id % 5 == 0:  # sampled: counting every object is slow
                alive.append(invoices_alive() - before)
            del inv
        pages = list(fb.invoices.list(per_page=PER_PAGE).iter_pages())
    assert alive and max(alive) <= 2, alive  # the one handed out (and the one before it)
    assert [len(p.items) for p in pages] == [PER_PAGE] * PAGES  # pages come whole


def test_a_page_walk_holds_the_page_and_nothing_else() -> None:
    def alive(kind: type) -> int:
        return sum(type(o) is kind for o in gc.get_objects())

    gc.collect()  # an earlier test's failed walk may sit in uncollected cyclic garbage
    server = Server()
    seen: list[tuple[int, int]] = []
    before = alive(Invoice)
    with sync_client(server) as fb:
        for page in fb.invoices.list(per_page=PER_PAGE).iter_pages():
            seen.append((alive(Pending), alive(Invoice) - before))
            del page
    # no pending page (a page's decoded wire values) is kept beside the page handed out
    assert seen == [(0, PER_PAGE)] * PAGES


def test_a_pending_page_is_made_once() -> None:
    fetched = envelope.listing(InvoiceListResponse, "invoices").lazily(body(1))
    assert isinstance(fetched, Pending)
    walk = iter(fetched)
    first = next(walk)
    assert first.id == reference(1)[0].id
    with pytest.raises(RuntimeError, match="made once"):
        fetched.page()  # the items would share the lists and dicts of the first making


def test_a_raw_listing_still_parses_to_a_whole_page() -> None:
    server = Server()
    with sync_client(server) as fb:
        raw = fb.invoices.with_raw_response.list(per_page=PER_PAGE)
        page = raw.parse()
    assert type(page) is Page and type(page.items) is list
    same(page.items, reference(1))
