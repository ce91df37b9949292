"""``fb.expenses``: list, get, record (create), update, delete (and poll).

fb.expenses.create(amount="12.50", currency_code="USD", category_id=cat.id,
                   date=date(2026, 11, 24), vendor="Cafe", client_id=client.id)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from freshbooks_sdk._async.pagination import AsyncPaginator
from freshbooks_sdk._async.resources._base import AsyncPollable
from freshbooks_sdk._async.streaming import wrap_raw, wrap_raw_page
from freshbooks_sdk._core.envelope import listing, single
from freshbooks_sdk._core.input_types import (
    ExpenseInclude,
    JSONValue,
    MoneyLike,
    NumberLike,
    VisStateFilter,
)
from freshbooks_sdk._core.inputs import (
    check_date_range,
    check_include,
    check_optional_id,
    check_vis_state,
    expense_body,
    expense_update_body,
    updated_since_filter,
)
from freshbooks_sdk._core.options import check_call_options
from freshbooks_sdk._core.pages import DEFAULT_PER_PAGE
from freshbooks_sdk._core.query import EXPENSE_INCLUDES, check_resource_id

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from freshbooks_sdk._core.options import CallOptions
    from freshbooks_sdk.models import Expense


class AsyncExpensesResource(AsyncPollable["Expense"]):
    """FreshBooks expenses (``/accounting/account/{account_id}/expenses/expenses``)."""

    path = "expenses/expenses"
    single_key = "expense"
    _single = single("ExpenseResponse", "expense")
    _listing = listing("ExpenseListResponse", "expenses")

    def list(
        self,
        *,
        client_id: int | None = None,
        category_id: int | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        updated_since: datetime | None = None,
        vis_state: VisStateFilter | None = None,
        include: Iterable[ExpenseInclude] = (),
        per_page: int = DEFAULT_PER_PAGE,
        max_items: int | None = None,
        **options: Unpack[CallOptions],
    ) -> AsyncPaginator[Expense]:
        """Expenses matching every given filter, lazily (``date_to`` exclusive, as FreshBooks)."""
        day, keep = updated_since_filter(updated_since)
        start, end = check_date_range(date_from, date_to)
        search: dict[str, Any] = {
            "clientid": check_optional_id(client_id, field="client_id"),
            "categoryid": check_optional_id(category_id, field="category_id"),
            "date_min": start,
            "date_max": end,
            "updated_min": day,
            "vis_state": check_vis_state(vis_state),
        }
        includes = check_include(include, known=EXPENSE_INCLUDES)
        return self._paginate(
            search,
            include=includes,
            per_page=per_page,
            max_items=max_items,
            where=keep,
            options=options,
        )

    async def get(
        self,
        expense_id: int,
        *,
        include: Iterable[ExpenseInclude] = (),
        **options: Unpack[CallOptions],
    ) -> Expense:
        """One expense by id."""
        expense_id = check_resource_id(expense_id, field="expense_id")
        return await self._fetch(
            expense_id, check_include(include, known=EXPENSE_INCLUDES), options=options
        )

    async def create(
        self,
        *,
        amount: MoneyLike,
        category_id: int,
        date: date,
        currency_code: str | None = None,
        vendor: str | None = None,
        client_id: int | None = None,
        project_id: int | None = None,
        notes: str | None = None,
        staff_id: int | None = None,
        tax_name1: str | None = None,
        tax_amount1: NumberLike | None = None,
        tax_name2: str | None = None,
        tax_amount2: NumberLike | None = None,
        extra: Mapping[str, JSONValue] | None = None,
        **options: Unpack[CallOptions],
    ) -> Expense:
        """Record an expense; ``client_id``/``project_id`` bill it back.

        FreshBooks requires ``staffid``: when ``staff_id`` is not given, the connection user's
        own id in this business is read from ``users/me`` (its ``roles`` for this account_id).
        The currency comes from ``currency_code``, a ``Money`` amount, or the client's
        ``default_currency``; it is never assumed.
        """
        # Everything that needs no network is checked before the staff id is looked up.
        body = expense_body(
            amount=amount,
            category_id=category_id,
            date_=date,
            staff_id=staff_id,
            currency_code=currency_code,
            default_currency=self._client.default_currency,
            vendor=vendor,
            client_id=client_id,
            project_id=project_id,
            notes=notes,
            tax_name1=tax_name1,
            tax_amount1=tax_amount1,
            tax_name2=tax_name2,
            tax_amount2=tax_amount2,
            extra=extra,
        )
        if staff_id is None:
            check_call_options(options)  # refused before the staff id lookup is sent
            body["staffid"] = await self._client.identity.staff_id()
        return await self._post(body, options=options)

    async def update(
        self,
        expense_id: int,
        *,
        amount: MoneyLike | None = None,
        currency_code: str | None = None,
        category_id: int | None = None,
        date: date | None = None,
        vendor: str | None = None,
        client_id: int | None = None,
        project_id: int | None = None,
        notes: str | None = None,
        fields: Mapping[str, JSONValue] | None = None,
        **options: Unpack[CallOptions],
    ) -> Expense:
        """Change only the given fields (FreshBooks PUTs are partial); ``fields`` passes other
        wire fields. Never sends ``vis_state``: use :meth:`delete`."""
        expense_id = check_resource_id(expense_id, field="expense_id")
        body = expense_update_body(
            amount=amount,
            currency_code=currency_code,
            default_currency=self._client.default_currency,
            category_id=category_id,
            date_=date,
            vendor=vendor,
            client_id=client_id,
            project_id=project_id,
            notes=notes,
            fields=fields,
        )
        return await self._put(expense_id, body, options=options)

    async def delete(self, expense_id: int, **options: Unpack[CallOptions]) -> Expense:
        """Soft-delete (``vis_state`` 1) with a single-purpose PUT."""
        return await self._set_vis_state(
            check_resource_id(expense_id, field="expense_id"), 1, options=options
        )

    @cached_property
    def with_raw_response(self) -> AsyncExpensesWithRawResponse:
        """These methods returning a :class:`~freshbooks_sdk.responses.RawResponse` (status,
        headers, request id, retries, ``parse()``) instead of the plain value; a listing gives
        its first page's.

            raw = await afb.expenses.with_raw_response.list(...)
        """
        return AsyncExpensesWithRawResponse(self)


class AsyncExpensesWithRawResponse:
    """``fb.expenses.with_raw_response``: the same methods, returning raw responses."""

    def __init__(self, resource: AsyncExpensesResource) -> None:
        self.list = wrap_raw_page(resource.list)
        self.get = wrap_raw(resource.get)
        self.create = wrap_raw(resource.create)
        self.update = wrap_raw(resource.update)
        self.delete = wrap_raw(resource.delete)
