"""``fb.items``: billable items (``items/items``; scope ``user:billable_items:read``).

bowl = fb.items.create(name="Bowl", unit_cost=Money.of("12.50", "USD"), qty="40", sku="B-1")
for item in fb.items.list():
    print(item.name, item.unit_cost)
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from freshbooks_sdk._async.pagination import AsyncPaginator
from freshbooks_sdk._async.resources._base import AsyncResource
from freshbooks_sdk._async.streaming import wrap_raw, wrap_raw_page
from freshbooks_sdk._core.accounting_inputs import item_body
from freshbooks_sdk._core.envelope import listing, single
from freshbooks_sdk._core.input_types import MoneyLike, NumberLike
from freshbooks_sdk._core.money_input import check_currency
from freshbooks_sdk._core.pages import DEFAULT_PER_PAGE
from freshbooks_sdk._core.query import check_resource_id

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from freshbooks_sdk._core.options import CallOptions
    from freshbooks_sdk.models import Item


class AsyncItemsResource(AsyncResource["Item"]):
    """Items (``/accounting/account/{account_id}/items/items``): list, get, create."""

    path = "items/items"
    single_key = "item"
    _single = single("ItemResponse", "item")
    _listing = listing("ItemListResponse", "items")

    def list(
        self,
        *,
        per_page: int = DEFAULT_PER_PAGE,
        max_items: int | None = None,
        **options: Unpack[CallOptions],
    ) -> AsyncPaginator[Item]:
        """Every item, lazily."""
        return self._paginate({}, per_page=per_page, max_items=max_items, options=options)

    async def get(self, item_id: int, **options: Unpack[CallOptions]) -> Item:
        """One item by id."""
        return await self._fetch(check_resource_id(item_id, field="item_id"), options=options)

    async def create(
        self,
        *,
        name: str,
        unit_cost: MoneyLike | None = None,
        currency_code: str | None = None,
        description: str | None = None,
        qty: NumberLike | None = None,
        inventory: NumberLike | None = None,
        sku: str | None = None,
        tax1: int | None = None,
        tax2: int | None = None,
        **options: Unpack[CallOptions],
    ) -> Item:
        """Create an item. ``unit_cost`` is a ``Money`` or an exact decimal in ``currency_code``
        (else the client's ``default_currency``); ``tax1``/``tax2`` are tax ids."""
        currency = (
            check_currency(currency_code) if currency_code is not None else None
        ) or self._client.default_currency
        body = item_body(
            name=name,
            unit_cost=unit_cost,
            currency=currency,
            description=description,
            qty=qty,
            inventory=inventory,
            sku=sku,
            tax1=tax1,
            tax2=tax2,
        )
        return await self._post(body, options=options)

    @cached_property
    def with_raw_response(self) -> AsyncItemsWithRawResponse:
        """These methods returning a :class:`~freshbooks_sdk.responses.RawResponse` (status,
        headers, request id, retries, ``parse()``) instead of the plain value; a listing gives
        its first page's.

            raw = await afb.items.with_raw_response.list(...)
        """
        return AsyncItemsWithRawResponse(self)


class AsyncItemsWithRawResponse:
    """``fb.items.with_raw_response``: the same methods, returning raw responses."""

    def __init__(self, resource: AsyncItemsResource) -> None:
        self.list = wrap_raw_page(resource.list)
        self.get = wrap_raw(resource.get)
        self.create = wrap_raw(resource.create)
