"""Pages of a listing and the paginators that walk them.

``fb.invoices.list()`` is a :class:`Paginator` (``AsyncPaginator`` on ``AsyncFreshBooks``):
iterate it for the items, or ``first_page()`` / ``iter_pages()`` for the pages; each
:class:`Page` holds its items and its :class:`PageInfo`. A listing's raw response
(``with_raw_response.list()``) parses to its first ``Page``.

>>> page = Page(items=["a", "b"], info=PageInfo(page=1, pages=3, per_page=2, total=5))
>>> page.has_next, page.info.total
(True, 5)

:class:`Page` and :class:`PageInfo` are defined here (so ``reveal_type``, reprs and the docs
name ``freshbooks_sdk.pagination.Page``); the paginators are loaded on first use, as they live
with the HTTP code (``_sync``/``_async``), which imports this module.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from freshbooks_sdk._lazy import load_lazily

if TYPE_CHECKING:
    from freshbooks_sdk._async.pagination import AsyncPaginator
    from freshbooks_sdk._sync.pagination import Paginator

__all__ = ["AsyncPaginator", "Page", "PageInfo", "Paginator"]

T = TypeVar("T")


@attrs.frozen(slots=True)
class PageInfo:
    """Where a page sits in a listing: ``page`` (1-based), ``pages``, ``per_page``, ``total``."""

    page: int
    pages: int
    per_page: int
    total: int


@attrs.frozen(slots=True)
class Page(Generic[T]):
    """One page of typed items plus its :class:`PageInfo` (and, when known, ``server_time``).

    >>> p = Page(items=["a", "b"], info=PageInfo(page=1, pages=1, per_page=100, total=2))
    >>> p.has_next
    False
    """

    items: list[T]
    info: PageInfo
    server_time: datetime | None = None
    """FreshBooks' clock when it answered (the response's HTTP ``Date``, aware UTC), or
    ``None`` when unknown; the poller measures clock skew with it."""

    @property
    def has_next(self) -> bool:
        """True when another page may hold items.

        Ends on ``pages == 0``, on the last page, and on an empty page whatever ``pages`` says.
        """
        # The page arithmetic (pure) imports this module: read at call time.
        from freshbooks_sdk._core.pages import next_page_number

        return next_page_number(self.info, len(self.items)) is not None


_LAZY = {
    "AsyncPaginator": "freshbooks_sdk._async.pagination",
    "Paginator": "freshbooks_sdk._sync.pagination",
}


def __getattr__(name: str) -> Any:
    return load_lazily(__name__, _LAZY, name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
