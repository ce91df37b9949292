"""Paginator boundaries, sync and async, with a fake page source (no network)."""

from __future__ import annotations

import pytest

from freshbooks_sdk._async.pagination import AsyncPaginator
from freshbooks_sdk._core.pages import Page, PageInfo, Pending
from freshbooks_sdk._sync.pagination import Paginator
from freshbooks_sdk.errors import InvalidRequestError


class Source:
    """``total`` items served ``per_page`` at a time; ``lie_pages`` overrides the reported pages.

    ``pending``: pages come as :class:`Pending` (items made as they are taken, each recorded in
    ``made``), as the fast reader serves them.
    """

    def __init__(
        self,
        total: int,
        lie_pages: int | None = None,
        empty_from: int | None = None,
        *,
        pending: bool = False,
    ) -> None:
        self.total = total
        self.lie_pages = lie_pages
        self.empty_from = empty_from
        self.pending = pending
        self.calls: list[tuple[int, int]] = []
        self.made: list[int] = []

    def make(self, wire: int) -> int:
        self.made.append(wire)
        return wire

    def page(self, number: int, per_page: int) -> Page[int] | Pending[int]:
        self.calls.append((number, per_page))
        pages = -(-self.total // per_page) if self.total else 0
        start = (number - 1) * per_page
        items = list(range(start, min(start + per_page, self.total)))
        if self.empty_from is not None and number >= self.empty_from:
            items = []
        reported = pages if self.lie_pages is None else self.lie_pages
        info = PageInfo(page=number, pages=reported, per_page=per_page, total=self.total)
        if self.pending:
            return Pending(wire=items, make=self.make, info=info)
        return Page(items=items, info=info)


def sync_paginator(src: Source, **kw: object) -> Paginator[int]:
    return Paginator(src.page, **kw)  # type: ignore[arg-type]  # test kwargs


def async_paginator(src: Source, **kw: object) -> AsyncPaginator[int]:
    async def fetch(number: int, per_page: int) -> Page[int] | Pending[int]:
        return src.page(number, per_page)

    return AsyncPaginator(fetch, **kw)  # type: ignore[arg-type]  # test kwargs


CASES = [
    # total, per_page, max_items, lie_pages, empty_from, expected count, expected calls
    (0, 100, None, None, None, 0, 1),  # pages == 0
    (1, 100, None, None, None, 1, 1),
    (100, 100, None, None, None, 100, 1),  # exactly one full page: no extra call
    (101, 100, None, None, None, 101, 2),
    (250, 100, None, None, None, 250, 3),
    (250, 100, 150, None, None, 150, 2),  # max_items separate from page size
    (250, 100, 100, None, None, 100, 1),
    (250, 7, 20, None, None, 20, 3),
    (30, 10, None, 99, None, 30, 4),  # pages lies: stop on the first empty page
    (300, 100, None, None, 2, 100, 2),  # empty page although pages says 3
]


@pytest.mark.parametrize("pending", [False, True], ids=["page", "pending"])
@pytest.mark.parametrize(
    ("total", "per_page", "max_items", "lie", "empty_from", "count", "calls"), CASES
)
def test_sync_boundaries(
    pending: bool,
    total: int,
    per_page: int,
    max_items: int | None,
    lie: int | None,
    empty_from: int | None,
    count: int,
    calls: int,
) -> None:
    src = Source(total, lie, empty_from, pending=pending)
    items = list(sync_paginator(src, per_page=per_page, max_items=max_items))
    assert len(items) == count
    assert items == list(range(count))
    assert len(src.calls) == calls
    assert all(pp == per_page for _, pp in src.calls)
    assert src.made == (items if pending else [])  # made once each, none past max_items
    again = Source(total, lie, empty_from, pending=pending)
    pages = list(sync_paginator(again, per_page=per_page, max_items=max_items).iter_pages())
    assert [i for p in pages for i in p.items] == list(range(count))
    assert all(type(p) is Page and type(p.items) is list for p in pages)


@pytest.mark.parametrize("pending", [False, True], ids=["page", "pending"])
@pytest.mark.parametrize(
    ("total", "per_page", "max_items", "lie", "empty_from", "count", "calls"), CASES
)
async def test_async_boundaries(
    pending: bool,
    total: int,
    per_page: int,
    max_items: int | None,
    lie: int | None,
    empty_from: int | None,
    count: int,
    calls: int,
) -> None:
    src = Source(total, lie, empty_from, pending=pending)
    items = [i async for i in async_paginator(src, per_page=per_page, max_items=max_items)]
    assert items == list(range(count))
    assert len(src.calls) == calls
    assert src.made == (items if pending else [])
    pager = async_paginator(Source(total, lie, empty_from, pending=pending), per_page=per_page)
    first = await pager.first_page()
    assert (
        type(first) is Page and first.items == list(range(min(per_page, count)))[: len(first.items)]
    )


def test_lazy_nothing_fetched_until_iteration() -> None:
    src = Source(500)
    pager = sync_paginator(src)
    assert src.calls == []
    it = iter(pager)
    next(it)
    assert len(src.calls) == 1  # one page in memory at a time


def test_pages_exposed() -> None:
    src = Source(250)
    infos = [
        (p.info.page, p.info.pages, p.info.total, len(p.items))
        for p in sync_paginator(src).iter_pages()
    ]
    assert infos == [(1, 3, 250, 100), (2, 3, 250, 100), (3, 3, 250, 50)]


@pytest.mark.parametrize("pending", [False, True], ids=["page", "pending"])
def test_where_filter_counts_toward_max_items(pending: bool) -> None:
    src = Source(300, pending=pending)
    items = list(Paginator(src.page, max_items=5, where=lambda i: i % 50 == 0))
    assert items == [0, 50, 100, 150, 200]
    assert src.made == (list(range(201)) if pending else [])  # none made past the last kept


def test_pending_items_are_made_one_at_a_time() -> None:
    src = Source(250, pending=True)
    walked = []
    for item in sync_paginator(src):
        walked.append(item)
        assert src.made == walked  # the next item is not made before this one is handed out
    assert walked == list(range(250))
    # iter_pages and first_page make whole pages
    src = Source(250, pending=True)
    first = sync_paginator(src).first_page()
    assert first.items == list(range(100)) and src.made == list(range(100))


@pytest.mark.parametrize("bad", [0, 101, -1, "10", True])
def test_per_page_refused(bad: object) -> None:
    with pytest.raises(InvalidRequestError) as info:
        sync_paginator(Source(1), per_page=bad)
    assert info.value.field == "per_page"


@pytest.mark.parametrize("bad", [0, -5, "3"])
def test_max_items_refused(bad: object) -> None:
    with pytest.raises(InvalidRequestError) as info:
        sync_paginator(Source(1), max_items=bad)
    assert info.value.field == "max_items"


@pytest.mark.parametrize("pending", [False, True], ids=["page", "pending"])
def test_where_is_called_as_items_come_up(pending: bool) -> None:
    src = Source(300, pending=pending)
    asked: list[int] = []

    def where(item: int) -> bool:
        asked.append(item)
        if item == 3:
            raise ValueError("a filter that fails")
        return item % 2 == 0

    handed: list[int] = []
    with pytest.raises(ValueError, match="fails"):
        for item in Paginator(src.page, where=where):
            handed.append(item)
            assert asked[-1] == item  # called on an item just before handing it out
    assert handed == [0, 2] and asked == [0, 1, 2, 3]
    asked.clear()
    assert list(Paginator(Source(300).page, max_items=1, where=where)) == [0]
    assert asked == [0]  # never called past max_items
