"""``fb.clients``: list, get, create, update, delete (and poll) FreshBooks clients.

for client in fb.clients.list(email="gordon@example.com"):
    print(client.id, client.organization)
client = fb.clients.create(email="a@b.com", fname="Ada", organization="Analytical Ltd",
                           address={"street": "1 Main St", "city": "Toronto", "country": "Canada"})
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from freshbooks_sdk._async.pagination import AsyncPaginator
from freshbooks_sdk._async.resources._base import AsyncPollable
from freshbooks_sdk._async.streaming import wrap_raw, wrap_raw_page
from freshbooks_sdk._core.envelope import listing, single
from freshbooks_sdk._core.input_types import (
    AddressDict,
    ClientInclude,
    JSONValue,
    VisStateFilter,
)
from freshbooks_sdk._core.inputs import (
    check_include,
    client_body,
    client_search,
    client_update_body,
    updated_since_filter,
)
from freshbooks_sdk._core.pages import DEFAULT_PER_PAGE
from freshbooks_sdk._core.query import CLIENT_INCLUDES, check_resource_id

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from freshbooks_sdk._core.options import CallOptions
    from freshbooks_sdk.models import Client


class AsyncClientsResource(AsyncPollable["Client"]):
    """FreshBooks clients (``/accounting/account/{account_id}/users/clients``)."""

    path = "users/clients"
    single_key = "client"
    _single = single("ClientResponse", "client")
    _listing = listing("ClientListResponse", "clients")

    def list(
        self,
        *,
        email: str | None = None,
        updated_since: datetime | None = None,
        fname_like: str | None = None,
        lname_like: str | None = None,
        organization_like: str | None = None,
        address_like: str | None = None,
        phone_like: str | None = None,
        note_like: str | None = None,
        user_ids: Sequence[int] | None = None,
        has_credit: bool | None = None,
        has_draft: bool | None = None,
        has_outstanding: bool | None = None,
        has_overdue: bool | None = None,
        vis_state: VisStateFilter | None = None,
        include: Iterable[ClientInclude] = (),
        per_page: int = DEFAULT_PER_PAGE,
        max_items: int | None = None,
        email_like: str | None = None,
        **options: Unpack[CallOptions],
    ) -> AsyncPaginator[Client]:
        """Clients matching every given filter (FreshBooks' documented client filters), lazily.

        ``email`` is an exact match; ``*_like`` are substring matches; ``user_ids`` keeps those
        client ids; ``has_credit``/``has_draft``/``has_outstanding``/``has_overdue`` (``True``)
        keep clients with such a balance. ``updated_since`` (aware datetime) is exact:
        FreshBooks filters by Eastern day, the rest is filtered here. ``vis_state`` 0/1/2 =
        active/deleted/archived (default: active and archived, as FreshBooks does).
        ``include``: names from ``CLIENT_INCLUDES`` (``["outstanding_balance"]``).
        ``email_like`` is not a FreshBooks client filter and is refused (use ``email``).

        >>> fb.clients.list(organization_like="Analytical", has_outstanding=True)  # doctest: +SKIP
        """
        search = client_search(
            email=email,
            fname_like=fname_like,
            lname_like=lname_like,
            organization_like=organization_like,
            address_like=address_like,
            phone_like=phone_like,
            note_like=note_like,
            user_ids=user_ids,
            has_credit=has_credit,
            has_draft=has_draft,
            has_outstanding=has_outstanding,
            has_overdue=has_overdue,
            vis_state=vis_state,
            email_like=email_like,
        )
        day, keep = updated_since_filter(updated_since)
        search["updated_min"] = day
        includes = check_include(include, known=CLIENT_INCLUDES)
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
        client_id: int,
        *,
        include: Iterable[ClientInclude] = (),
        **options: Unpack[CallOptions],
    ) -> Client:
        """One client by id (``NotFoundError`` errno 1012 when it does not exist)."""
        client_id = check_resource_id(client_id, field="client_id")
        return await self._fetch(
            client_id, check_include(include, known=CLIENT_INCLUDES), options=options
        )

    async def create(
        self,
        *,
        email: str | None = None,
        fname: str | None = None,
        lname: str | None = None,
        organization: str | None = None,
        address: AddressDict | None = None,
        currency_code: str | None = None,
        extra: Mapping[str, JSONValue] | None = None,
        **options: Unpack[CallOptions],
    ) -> Client:
        """Create a client; at least one of fname, lname, email, organization is required
        (checked before sending). ``extra`` passes other wire fields (``bus_phone``, ``note``...)."""
        body = client_body(
            email=email,
            fname=fname,
            lname=lname,
            organization=organization,
            address=address,
            currency_code=currency_code,
            extra=extra,
        )
        return await self._post(body, options=options)

    async def update(
        self,
        client_id: int,
        *,
        email: str | None = None,
        fname: str | None = None,
        lname: str | None = None,
        organization: str | None = None,
        address: AddressDict | None = None,
        currency_code: str | None = None,
        fields: Mapping[str, JSONValue] | None = None,
        **options: Unpack[CallOptions],
    ) -> Client:
        """Change only the given fields (FreshBooks PUTs are partial). Never sends
        ``vis_state``: use :meth:`delete` (FreshBooks would drop the other fields)."""
        check_resource_id(client_id, field="client_id")
        body = client_update_body(
            email=email,
            fname=fname,
            lname=lname,
            organization=organization,
            address=address,
            currency_code=currency_code,
            fields=fields,
        )
        return await self._put(client_id, body, options=options)

    async def delete(self, client_id: int, **options: Unpack[CallOptions]) -> Client:
        """Soft-delete (``vis_state`` 1) with a single-purpose PUT; restorable in FreshBooks."""
        return await self._set_vis_state(
            check_resource_id(client_id, field="client_id"), 1, options=options
        )

    @cached_property
    def with_raw_response(self) -> AsyncClientsWithRawResponse:
        """These methods returning a :class:`~freshbooks_sdk.responses.RawResponse` (status,
        headers, request id, retries, ``parse()``) instead of the plain value; a listing gives
        its first page's.

            raw = await afb.clients.with_raw_response.list(...)
        """
        return AsyncClientsWithRawResponse(self)


class AsyncClientsWithRawResponse:
    """``fb.clients.with_raw_response``: the same methods, returning raw responses."""

    def __init__(self, resource: AsyncClientsResource) -> None:
        self.list = wrap_raw_page(resource.list)
        self.get = wrap_raw(resource.get)
        self.create = wrap_raw(resource.create)
        self.update = wrap_raw(resource.update)
        self.delete = wrap_raw(resource.delete)
