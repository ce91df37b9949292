"""List query parameters: ``page``, ``per_page``, ``search[...]``, ``include[]``, ``sort``.

Rules from FreshBooks' docs (API notes §3.3): default ``per_page`` 15, silently capped at 100;
``page=0`` is page 1; a page that is not a non-negative integer is an error; a page beyond the last
is an empty list; ``pages`` is 0 on an empty result.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from .errors import AccountingError, ErrorItem

__all__ = ["DEFAULT_PER_PAGE", "MAX_PER_PAGE", "ListParams", "Page", "paginate", "parse_params"]

DEFAULT_PER_PAGE = 15
MAX_PER_PAGE = 100

_DIGITS = re.compile(r"^[0-9]+$")
_HUGE = 10**30  # any longer run of digits is simply "very large"
_SEARCH = re.compile(r"^search\[([A-Za-z0-9_]+)\](\[\])?$")

T = TypeVar("T")


@dataclass(frozen=True)
class ListParams:
    """Parsed list parameters. ``search`` maps a key (``customerids``) to all its values."""

    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    search: dict[str, list[str]] = field(default_factory=dict)
    includes: frozenset[str] = frozenset()
    sort: str | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    pages: int
    per_page: int
    total: int


def _positive_int(name: str, value: str, errno: int) -> int:
    text = value.strip()
    if not _DIGITS.fullmatch(text):
        raise AccountingError(
            400, ErrorItem(errno, f"{name} must be a number", field=name, value=value[:100])
        )
    return int(text) if len(text) <= 30 else _HUGE


def parse_includes(query: Sequence[tuple[str, str]]) -> frozenset[str]:
    """The ``include[]=lines&include[]=presentation`` values."""
    return frozenset(v for k, v in query if k in ("include[]", "include") and v)


def parse_params(query: Sequence[tuple[str, str]]) -> ListParams:
    """Parse the list parameters of a query string (unknown parameters are ignored)."""
    page = 1
    per_page = DEFAULT_PER_PAGE
    search: dict[str, list[str]] = {}
    sort: str | None = None
    for key, value in query:
        if key == "page":
            page = max(_positive_int("page", value, 1014), 1)
        elif key == "per_page":
            per_page = _positive_int("per_page", value, 1013)
            if per_page < 1:
                raise AccountingError(
                    400,
                    ErrorItem(1013, "per_page must be at least 1", field="per_page", value=value),
                )
            per_page = min(per_page, MAX_PER_PAGE)
        elif key == "sort":
            sort = value.strip() or None
        else:
            match = _SEARCH.match(key)
            if match:
                search.setdefault(match.group(1), []).append(value)
    return ListParams(page, per_page, search, parse_includes(query), sort)


def paginate(items: list[T], params: ListParams) -> Page[T]:
    total = len(items)
    pages = -(-total // params.per_page)
    start = (params.page - 1) * params.per_page
    return Page(items[start : start + params.per_page], params.page, pages, params.per_page, total)
