"""Lazy pagination over FreshBooks list endpoints (async source; the sync twin is generated).

A paginator holds one page at a time. Iterate it for items, or :meth:`AsyncPaginator.iter_pages`
for pages (``page``, ``pages``, ``per_page``, ``total``). Every filter is carried to every page
because the filters live in the fetch function, and only the page number changes.

    async for invoice in afb.invoices.list(v3_status="paid"):
        ...
    async for page in afb.invoices.list().iter_pages():
        print(page.info.page, page.info.pages, len(page.items))
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Generic, TypeVar

from freshbooks_sdk._core.pages import (
    DEFAULT_PER_PAGE,
    Page,
    PageInfo,
    PageWalk,
    Pending,
    check_listing_page,
    check_max_items,
    check_page,
    check_per_page,
    each,
    item_count,
    whole,
)

T = TypeVar("T")

# A page, or a page whose items are made as they are handed out (the same items; see Pending).
FetchPage = Callable[[int, int], Awaitable[Page[T] | Pending[T]]]


class AsyncPaginator(Generic[T]):
    """Items of a listing, fetched page by page as iteration goes.

    ``per_page`` (1..100, default 100) is the page size sent to FreshBooks; ``max_items`` (separate)
    stops after that many items; ``where`` filters items on the client (used for exact
    ``updated_since``) and counts toward ``max_items`` only when it keeps an item. Iterating
    items, ``where`` is called on each item as it comes up, between the items handed out (so it
    is never called past ``max_items``); :meth:`iter_pages` calls it on a whole page at once.

    Each page is read and checked whole when it arrives (a page that does not fit the models
    raises before any of its items is handed out); iterating items, they are then made one at a
    time as they are taken, so one item is alive rather than a page of them.

    Nothing is sent until iteration starts; a paginator can be iterated more than once (each
    iteration starts again from the first page).
    """

    def __init__(
        self,
        fetch: FetchPage[T],
        *,
        per_page: int = DEFAULT_PER_PAGE,
        max_items: int | None = None,
        start_page: int = 1,
        where: Callable[[T], bool] | None = None,
    ) -> None:
        self._fetch = fetch
        self.per_page = check_per_page(per_page)
        self.max_items = check_max_items(max_items)
        self.start_page = check_page(start_page)
        self._where = where
        self.last_page_info: PageInfo | None = None
        self.pages_fetched = 0

    async def first_page(self) -> Page[T]:
        """Fetch only the first page (with the client-side filter applied to its items)."""
        page = whole(await self._get(self.start_page))
        check_listing_page(
            page.info, len(page.items), requested=self.start_page, per_page=self.per_page
        )
        return self._filtered(page)

    async def _get(self, number: int) -> Page[T] | Pending[T]:
        page = await self._fetch(number, self.per_page)
        self.pages_fetched += 1
        self.last_page_info = page.info
        return page

    def _filtered(self, page: Page[T]) -> Page[T]:
        if self._where is None:
            return page
        where = self._where
        return Page(items=[item for item in page.items if where(item)], info=page.info)

    async def _walk(self, *, whole_pages: bool) -> AsyncIterator[Page[T] | Pending[T]]:
        """The pages as fetched (unfiltered, made whole if asked), each checked by the walk's
        rules. Nothing is kept here while a page is out: one page alive at a time."""
        walk = PageWalk(per_page=self.per_page)
        number: int | None = self.start_page
        while number is not None:
            fetched = await self._get(number)
            number = walk.next_after(number, fetched.info, item_count(fetched))
            if whole_pages:
                fetched = whole(fetched)
            yield fetched
            del fetched  # one page alive at a time: dropped before the next one is fetched

    async def iter_pages(self) -> AsyncIterator[Page[T]]:
        """Yield pages (client-side filter applied), stopping at ``max_items`` if set.

        Ends on ``pages == 0``, after the last page, and on an empty page even when ``pages``
        says there are more. A server whose pages cannot be right (another page than the one
        asked for, more items than ``per_page``, ``pages`` growing without end) ends the walk in
        :class:`~freshbooks_sdk.errors.ResponseValidationError` (see
        :class:`~freshbooks_sdk._core.pages.PageWalk`).
        """
        remaining = self.max_items
        async for fetched in self._walk(whole_pages=True):
            page = self._filtered(whole(fetched))
            del fetched
            if remaining is not None:
                if len(page.items) >= remaining:
                    yield Page(items=page.items[:remaining], info=page.info)
                    return
                remaining -= len(page.items)
            yield page
            del page  # one page alive at a time: dropped before the next one is fetched

    def __aiter__(self) -> AsyncIterator[T]:
        return self._iter_items()

    async def _iter_items(self) -> AsyncIterator[T]:
        # Items are made as they are handed out when the page allows it (Pending): one item
        # alive at a time instead of a page of them, which spares the cyclic collector.
        remaining = self.max_items
        where = self._where
        async for fetched in self._walk(whole_pages=False):
            items = each(fetched)
            del fetched
            for item in items:
                if where is not None and not where(item):
                    continue
                yield item
                if remaining is not None:
                    remaining -= 1
                    if remaining == 0:
                        return
            del items  # dropped before the next page is fetched (one page alive at a time)

    async def to_list(self) -> list[T]:
        """Collect every item (mind ``max_items`` on large listings)."""
        return [item async for item in self]
