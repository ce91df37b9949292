"""Page arithmetic for FreshBooks list endpoints (pure).

FreshBooks list results carry ``page``, ``pages``, ``per_page`` and ``total`` beside the items.
``pages`` is 0 on an empty result; a page past the last answers an empty list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

import attrs

from freshbooks_sdk.errors import InvalidRequestError

T = TypeVar("T")

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 100


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
        return next_page_number(self.info, len(self.items)) is not None


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
