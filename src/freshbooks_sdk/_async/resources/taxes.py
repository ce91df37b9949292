"""``fb.taxes``: the business's tax rates (``taxes/taxes``), for invoice lines and items.

hst = fb.taxes.create(name="HST", percent="13", number="RT 1234")
rates = {t.name: t.amount for t in fb.taxes.list()}   # {"HST": Decimal("13")}
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from freshbooks_sdk._async.pagination import AsyncPaginator
from freshbooks_sdk._async.resources._base import AsyncResource
from freshbooks_sdk._core.accounting_inputs import tax_body
from freshbooks_sdk._core.envelope import listing, single
from freshbooks_sdk._core.input_types import NumberLike
from freshbooks_sdk._core.pages import DEFAULT_PER_PAGE
from freshbooks_sdk._core.query import check_resource_id

if TYPE_CHECKING:
    from freshbooks_sdk.models import Tax


class AsyncTaxesResource(AsyncResource["Tax"]):
    """Taxes (``/accounting/account/{account_id}/taxes/taxes``): list, get, create."""

    path = "taxes/taxes"
    single_key = "tax"
    _single = single("TaxResponse", "tax")
    _listing = listing("TaxListResponse", "taxes")

    def list(
        self, *, per_page: int = DEFAULT_PER_PAGE, max_items: int | None = None
    ) -> AsyncPaginator[Tax]:
        """Every tax, lazily."""
        return self._paginate({}, per_page=per_page, max_items=max_items)

    async def get(self, tax_id: int) -> Tax:
        """One tax by id."""
        return await self._fetch(check_resource_id(tax_id, field="tax_id"))

    async def create(
        self,
        *,
        name: str,
        percent: NumberLike,
        number: str | None = None,
        compound: bool | None = None,
    ) -> Tax:
        """Create a tax rate: ``percent`` is the rate in percent (``"13"``), sent as ``amount``."""
        return await self._post(
            tax_body(name=name, percent=percent, number=number, compound=compound)
        )
