"""``fb.staff``: the business's staff (read here; FreshBooks has no staff create).

for person in fb.staff.list():
    print(person.id, person.email)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from freshbooks_sdk._async.pagination import AsyncPaginator
from freshbooks_sdk._async.resources._base import AsyncResource
from freshbooks_sdk._core.envelope import listing, single
from freshbooks_sdk._core.pages import DEFAULT_PER_PAGE
from freshbooks_sdk._core.query import check_resource_id

if TYPE_CHECKING:
    from freshbooks_sdk.models import Staff


class AsyncStaffResource(AsyncResource["Staff"]):
    """Staff (``/accounting/account/{account_id}/users/staffs``)."""

    path = "users/staffs"
    single_key = "staff"
    _single = single("StaffResponse", "staff")
    _listing = listing("StaffListResponse", "staffs")

    def list(
        self, *, per_page: int = DEFAULT_PER_PAGE, max_items: int | None = None
    ) -> AsyncPaginator[Staff]:
        """Every staff member, lazily."""
        return self._paginate({}, per_page=per_page, max_items=max_items)

    async def get(self, staff_id: int) -> Staff:
        """One staff member by id."""
        return await self._fetch(check_resource_id(staff_id, field="staff_id"))
