"""``fb.expense_categories``: the business's expense categories (read-only in FreshBooks).

travel = next(c for c in fb.expense_categories.list() if c.category == "Travel")
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from freshbooks_sdk._async.pagination import AsyncPaginator
from freshbooks_sdk._async.resources._base import AsyncResource
from freshbooks_sdk._async.streaming import wrap_raw, wrap_raw_page
from freshbooks_sdk._core.envelope import listing, single
from freshbooks_sdk._core.pages import DEFAULT_PER_PAGE
from freshbooks_sdk._core.query import check_resource_id

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from freshbooks_sdk._core.options import CallOptions
    from freshbooks_sdk.models import ExpenseCategory


class AsyncExpenseCategoriesResource(AsyncResource["ExpenseCategory"]):
    """Expense categories (``/accounting/account/{account_id}/expenses/categories``)."""

    path = "expenses/categories"
    single_key = "category"
    _single = single("ExpenseCategoryResponse", "category")
    _listing = listing("ExpenseCategoryListResponse", "categories")

    def list(
        self,
        *,
        per_page: int = DEFAULT_PER_PAGE,
        max_items: int | None = None,
        **options: Unpack[CallOptions],
    ) -> AsyncPaginator[ExpenseCategory]:
        """Every category, lazily."""
        return self._paginate({}, per_page=per_page, max_items=max_items, options=options)

    async def get(self, category_id: int, **options: Unpack[CallOptions]) -> ExpenseCategory:
        """One category by id."""
        return await self._fetch(
            check_resource_id(category_id, field="category_id"), options=options
        )

    @cached_property
    def with_raw_response(self) -> AsyncExpenseCategoriesWithRawResponse:
        """These methods returning a :class:`~freshbooks_sdk.responses.RawResponse` (status,
        headers, request id, retries, ``parse()``) instead of the plain value; a listing gives
        its first page's.

            raw = await afb.expense_categories.with_raw_response.list(...)
        """
        return AsyncExpenseCategoriesWithRawResponse(self)


class AsyncExpenseCategoriesWithRawResponse:
    """``fb.expense_categories.with_raw_response``: the same methods, returning raw responses."""

    def __init__(self, resource: AsyncExpenseCategoriesResource) -> None:
        self.list = wrap_raw_page(resource.list)
        self.get = wrap_raw(resource.get)
