"""Page arithmetic for FreshBooks list endpoints (pure).

FreshBooks list results carry ``page``, ``pages``, ``per_page`` and ``total`` beside the items.
``pages`` is 0 on an empty result; a page past the last answers an empty list.

A walk over the pages is bounded whatever the server says (:class:`PageWalk`, shared by the
paginator and the poller): every page must echo the page asked for and hold at most ``per_page``
items (:func:`check_listing_page`); the first page's ``pages``/``total`` fix how far the walk may
go, with a little room for records added meanwhile (:func:`walk_limit`); and no walk fetches
more than :data:`MAX_PAGES` pages. A server that breaks these rules (ignores ``?page=``, says
``pages = page + 1`` on every page, sends 50,000 items for ``per_page=100``) ends the walk in a
:class:`~freshbooks_sdk.errors.ResponseValidationError` instead of a loop.

:class:`~freshbooks_sdk.pagination.Page` and :class:`~freshbooks_sdk.pagination.PageInfo` are
defined in the public :mod:`freshbooks_sdk.pagination` and importable from here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

import attrs

from freshbooks_sdk.errors import InvalidRequestError, ResponseValidationError

# Page and PageInfo are defined in the public freshbooks_sdk.pagination (Page.has_next reads
# next_page_number from here at call time) and importable from here too.
from freshbooks_sdk.pagination import Page as Page
from freshbooks_sdk.pagination import PageInfo as PageInfo

T = TypeVar("T")

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 100
MAX_PAGES = 10_000
"""The most pages one walk fetches (a million items at 100 a page): a hard stop."""
GROWTH_PAGES = 10
GROWTH_RATIO = 1.0
"""How far a walk may go past what its first page announced: records created while the walk
runs may push the listing by ``GROWTH_PAGES`` pages plus ``GROWTH_RATIO`` of its announced size
(so a walk announced at N pages fetches at most 2N + 10)."""


def page_info(counts: Any, item_count: int) -> PageInfo:
    """The :class:`PageInfo` of a page whose ``page``/``pages``/``per_page``/``total`` are
    attributes of ``counts`` (``None`` or absent: 1, 0, the item count, 0).

    >>> from types import SimpleNamespace
    >>> page_info(SimpleNamespace(page=2, pages=3, per_page=None, total=250), 100)
    PageInfo(page=2, pages=3, per_page=100, total=250)
    """
    return PageInfo(
        page=int(counts.page or 1),
        pages=int(counts.pages or 0),
        per_page=int(counts.per_page or item_count),
        total=int(counts.total or 0),
    )


_TAKEN: Any = object()  # a wire item already made (see Pending.__iter__)


@attrs.frozen(slots=True)
class Pending(Generic[T]):
    """A page read and checked whole whose items are made one at a time (internal).

    A paginator walking items holds one made item instead of a page of them: most objects of an
    item are freed before CPython's cyclic collector sees them, which is most of the collector's
    work on a listing (issue 12). Everything that can fail was checked when the page was read
    (``make`` cannot), so errors still come when the page is fetched.

    The items are made once: a made item takes the lists and dicts of its wire value as its own,
    so each wire value is let go as its item is made, and a second iteration is an error.

    >>> pending = Pending(wire=[1, 2], make=str, info=PageInfo(1, 1, 100, 2))
    >>> len(pending), list(pending)
    (2, ['1', '2'])
    >>> list(pending)
    Traceback (most recent call last):
    ...
    RuntimeError: the items of a pending page are made once
    """

    wire: list[Any]
    make: Callable[[Any], T]
    info: PageInfo

    def __len__(self) -> int:
        return len(self.wire)

    def __iter__(self) -> Iterator[T]:
        wire, make = self.wire, self.make
        if wire and wire[0] is _TAKEN:
            raise RuntimeError("the items of a pending page are made once")
        for i, value in enumerate(wire):
            wire[i] = _TAKEN  # let go: the made item owns what it took from the wire value
            yield make(value)

    def page(self) -> Page[T]:
        """The page with every item made."""
        return Page(items=list(self), info=self.info)


def whole(fetched: Page[T] | Pending[T]) -> Page[T]:
    """``fetched`` as a :class:`Page` (a pending page's items all made)."""
    return fetched if isinstance(fetched, Page) else fetched.page()


def item_count(fetched: Page[T] | Pending[T]) -> int:
    """How many items ``fetched`` holds (none made)."""
    return len(fetched.items) if isinstance(fetched, Page) else len(fetched)


def each(fetched: Page[T] | Pending[T]) -> Iterator[T]:
    """The items of ``fetched``, a pending page's made one at a time as they are taken."""
    return iter(fetched.items) if isinstance(fetched, Page) else iter(fetched)


def next_page_number(info: PageInfo, item_count: int) -> int | None:
    """The page to fetch after ``info``, or ``None`` when the listing is complete."""
    if item_count == 0 or info.pages <= 0 or info.page >= info.pages:
        return None
    return info.page + 1


def check_per_page(per_page: int) -> int:
    """Validate ``per_page`` (1..100) before any request is sent."""
    if isinstance(per_page, bool) or not isinstance(per_page, int):
        raise InvalidRequestError(
            f"per_page must be an int between 1 and {MAX_PER_PAGE}, got {per_page!r}",
            field="per_page",
            value=per_page,
        )
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidRequestError(
            f"per_page must be between 1 and {MAX_PER_PAGE} (FreshBooks caps pages at "
            f"{MAX_PER_PAGE}), got {per_page}",
            field="per_page",
            value=per_page,
        )
    return per_page


def check_page(page: int) -> int:
    """Validate a 1-based page number."""
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise InvalidRequestError(
            f"page must be an int >= 1, got {page!r}", field="page", value=page
        )
    return page


def check_max_items(max_items: int | None) -> int | None:
    """Validate ``max_items`` (None = no limit, else >= 1)."""
    if max_items is None:
        return None
    if isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 1:
        raise InvalidRequestError(
            f"max_items must be None or an int >= 1, got {max_items!r}",
            field="max_items",
            value=max_items,
        )
    return max_items


def check_listing_page(info: PageInfo, item_count: int, *, requested: int, per_page: int) -> None:
    """Refuse a page that cannot be a true answer to ``?page=requested&per_page=per_page``.

    >>> check_listing_page(PageInfo(1, 3, 100, 250), 100, requested=1, per_page=100)
    >>> check_listing_page(PageInfo(1, 3, 100, 250), 100, requested=2, per_page=100)
    Traceback (most recent call last):
    ...
    freshbooks_sdk.errors.ResponseValidationError: asked for page 2, FreshBooks answered page 1 (a server that ignores ?page= would be walked forever)
    """
    if info.page != requested:
        raise ResponseValidationError(
            f"asked for page {requested}, FreshBooks answered page {info.page} "
            "(a server that ignores ?page= would be walked forever)"
        )
    if item_count > per_page:
        raise ResponseValidationError(
            f"page {requested} holds {item_count} items, more than per_page={per_page}"
        )
    if info.pages < 0 or info.total < 0 or info.per_page < 0:
        raise ResponseValidationError(
            f"page {requested} has negative pagination fields: pages={info.pages}, "
            f"per_page={info.per_page}, total={info.total}"
        )


def walk_limit(first: PageInfo, per_page: int, *, max_pages: int = MAX_PAGES) -> int:
    """The last page number a walk may fetch, fixed by its first page.

    The first page's ``pages`` (and ``total``, when given: ``pages`` cannot be more than
    ``total / per_page`` says) plus room for growth, never past ``max_pages`` pages from it.

    >>> walk_limit(PageInfo(page=1, pages=3, per_page=100, total=250), 100)
    16
    >>> walk_limit(PageInfo(page=1, pages=10**9, per_page=100, total=5), 100)  # total bounds it
    12
    >>> walk_limit(PageInfo(page=1, pages=10**9, per_page=100, total=0), 100)  # hard cap
    10000
    """
    announced = first.pages
    if first.total > 0:
        announced = min(announced, -(-first.total // per_page))
    announced = max(announced, first.page)
    room = GROWTH_PAGES + int(announced * GROWTH_RATIO)
    return min(announced + room, first.page + max_pages - 1)


@attrs.define
class PageWalk:
    """The rules of one walk over a listing's pages (pure; the caller fetches).

    Feed it every page received; it checks the page and answers the next page number, ``None``
    at the end, or raises :class:`~freshbooks_sdk.errors.ResponseValidationError` when the
    server breaks the rules (so a hostile server costs a bounded number of requests).

    >>> walk = PageWalk(per_page=2)
    >>> walk.next_after(1, PageInfo(page=1, pages=2, per_page=2, total=3), 2)
    2
    >>> walk.next_after(2, PageInfo(page=2, pages=2, per_page=2, total=3), 1) is None
    True
    >>> endless = PageWalk(per_page=1)
    >>> for n in range(1, 100):   # every page says "one more page"
    ...     _ = endless.next_after(n, PageInfo(page=n, pages=n + 1, per_page=1, total=n + 1), 1)
    Traceback (most recent call last):
    ...
    freshbooks_sdk.errors.ResponseValidationError: the listing's first page announced 2 page(s); page 14 still says there are more (14 fetched, limit 14): the pagination is not trustworthy
    """

    per_page: int
    max_pages: int = MAX_PAGES
    limit: int | None = None
    announced: int = 0
    fetched: int = 0

    def next_after(self, requested: int, info: PageInfo, item_count: int) -> int | None:
        """Check the page received for ``?page=requested``; return the page to fetch next."""
        check_listing_page(info, item_count, requested=requested, per_page=self.per_page)
        self.fetched += 1
        if self.limit is None:
            self.limit = walk_limit(info, self.per_page, max_pages=self.max_pages)
            self.announced = info.pages
        following = next_page_number(info, item_count)
        if following is None:
            return None
        if following > self.limit or self.fetched >= self.max_pages:
            raise ResponseValidationError(
                f"the listing's first page announced {self.announced} page(s); page {requested} "
                f"still says there are more ({self.fetched} fetched, limit {self.limit}): "
                "the pagination is not trustworthy"
            )
        return following
