"""``fb.staff``: the business's staff (read here; FreshBooks has no staff create).

for person in fb.staff.list():
    print(person.id, person.email)
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
    from freshbooks_sdk.models import Staff


class AsyncStaffResource(AsyncResource["Staff"]):
    """Staff (``/accounting/account/{account_id}/users/staffs``)."""

    path = "users/staffs"
    single_key = "staff"
    _single = single("StaffResponse", "staff")
    _listing = listing("StaffListResponse", "staffs")

    def list(
        self,
        *,
        per_page: int = DEFAULT_PER_PAGE,
        max_items: int | None = None,
        **options: Unpack[CallOptions],
    ) -> AsyncPaginator[Staff]:
        """Every staff member, lazily."""
        return self._paginate({}, per_page=per_page, max_items=max_items, options=options)

    async def get(self, staff_id: int, **options: Unpack[CallOptions]) -> Staff:
        """One staff member by id."""
        return await self._fetch(check_resource_id(staff_id, field="staff_id"), options=options)

    @cached_property
    def with_raw_response(self) -> AsyncStaffWithRawResponse:
        """These methods returning a :class:`~freshbooks_sdk.responses.RawResponse` (status,
        headers, request id, retries, ``parse()``) instead of the plain value; a listing gives
        its first page's.

            raw = await afb.staff.with_raw_response.list(...)
        """
        return AsyncStaffWithRawResponse(self)


class AsyncStaffWithRawResponse:
    """``fb.staff.with_raw_response``: the same methods, returning raw responses."""

    def __init__(self, resource: AsyncStaffResource) -> None:
        self.list = wrap_raw_page(resource.list)
        self.get = wrap_raw(resource.get)
