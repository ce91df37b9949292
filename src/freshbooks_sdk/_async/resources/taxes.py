"""``fb.taxes``: the business's tax rates (``taxes/taxes``), for invoice lines and items.

hst = fb.taxes.create(name="HST", percent="13", number="RT 1234")
rates = {t.name: t.amount for t in fb.taxes.list()}   # {"HST": Decimal("13")}
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from freshbooks_sdk._async.pagination import AsyncPaginator
from freshbooks_sdk._async.resources._base import AsyncResource
from freshbooks_sdk._async.streaming import wrap_raw, wrap_raw_page
from freshbooks_sdk._core.accounting_inputs import tax_body
from freshbooks_sdk._core.envelope import listing, single
from freshbooks_sdk._core.input_types import NumberLike
from freshbooks_sdk._core.pages import DEFAULT_PER_PAGE
from freshbooks_sdk._core.query import check_resource_id

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from freshbooks_sdk._core.options import CallOptions
    from freshbooks_sdk.models import Tax


class AsyncTaxesResource(AsyncResource["Tax"]):
    """Taxes (``/accounting/account/{account_id}/taxes/taxes``): list, get, create."""

    path = "taxes/taxes"
    single_key = "tax"
    _single = single("TaxResponse", "tax")
    _listing = listing("TaxListResponse", "taxes")

    def list(
        self,
        *,
        per_page: int = DEFAULT_PER_PAGE,
        max_items: int | None = None,
        **options: Unpack[CallOptions],
    ) -> AsyncPaginator[Tax]:
        """Every tax, lazily."""
        return self._paginate({}, per_page=per_page, max_items=max_items, options=options)

    async def get(self, tax_id: int, **options: Unpack[CallOptions]) -> Tax:
        """One tax by id."""
        return await self._fetch(check_resource_id(tax_id, field="tax_id"), options=options)

    async def create(
        self,
        *,
        name: str,
        percent: NumberLike,
        number: str | None = None,
        compound: bool | None = None,
        **options: Unpack[CallOptions],
    ) -> Tax:
        """Create a tax rate: ``percent`` is the rate in percent (``"13"``), sent as ``amount``."""
        return await self._post(
            tax_body(name=name, percent=percent, number=number, compound=compound),
            options=options,
        )

    @cached_property
    def with_raw_response(self) -> AsyncTaxesWithRawResponse:
        """These methods returning a :class:`~freshbooks_sdk.responses.RawResponse` (status,
        headers, request id, retries, ``parse()``) instead of the plain value; a listing gives
        its first page's.

            raw = await afb.taxes.with_raw_response.list(...)
        """
        return AsyncTaxesWithRawResponse(self)


class AsyncTaxesWithRawResponse:
    """``fb.taxes.with_raw_response``: the same methods, returning raw responses."""

    def __init__(self, resource: AsyncTaxesResource) -> None:
        self.list = wrap_raw_page(resource.list)
        self.get = wrap_raw(resource.get)
        self.create = wrap_raw(resource.create)
