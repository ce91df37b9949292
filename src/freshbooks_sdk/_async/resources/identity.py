"""``fb.identity``: who the token belongs to and which businesses it can act on.

Works without an ``account_id``:

    fb = FreshBooks(access_token="...")
    for business in fb.identity.businesses():
        print(business.account_id, business.name, business.role)
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from freshbooks_sdk._async._http import captured_responses
from freshbooks_sdk._async.streaming import wrap_raw
from freshbooks_sdk._core.envelope import RequestSpec, Unwrap
from freshbooks_sdk._core.identity import BusinessSummary, pick_business, staff_id_for, summarize
from freshbooks_sdk._core.inputs import check_bool
from freshbooks_sdk._core.options import check_call_options, typed_call_errors_in
from freshbooks_sdk._core.query import check_account_id
from freshbooks_sdk.errors import InvalidRequestError, PermissionDeniedError

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from freshbooks_sdk._async.client import AsyncFreshBooks
    from freshbooks_sdk._core.options import CallOptions
    from freshbooks_sdk.models import Identity, IdentityResponse

ME_PATH = "/auth/api/v1/users/me"
_ME: Unwrap[IdentityResponse, Identity] = Unwrap("IdentityResponse", lambda env: env.response)


@typed_call_errors_in
class AsyncIdentityResource:
    """The identity endpoint ``GET /auth/api/v1/users/me`` and what it tells."""

    def __init__(self, client: AsyncFreshBooks) -> None:
        self._client = client
        self._cached: Identity | None = None

    async def me(self, *, refresh: bool = False, **options: Unpack[CallOptions]) -> Identity:
        """The token's user, with business memberships and roles (cached after the first call)."""
        opts = check_call_options(options)
        # Under with_raw_response the call is always made (a raw response needs an answer).
        fresh = check_bool(refresh, field="refresh") or captured_responses.get() is not None
        if fresh or self._cached is None:
            spec = RequestSpec.get(ME_PATH).with_options(opts)
            self._cached = await self._client._core.call(spec, _ME)
        return self._cached

    async def businesses(self, **options: Unpack[CallOptions]) -> list[BusinessSummary]:
        """Every business the token can act on: account_id, business_id, business_uuid, name, role."""
        return summarize(await self.me(**options))

    async def require_account(
        self, account_id: str | None = None, **options: Unpack[CallOptions]
    ) -> BusinessSummary:
        """The membership for ``account_id`` (default: the client's); raises
        ``InvalidRequestError`` listing the available account ids when it is not one of them."""
        chosen = check_account_id(account_id) or self._client.account_id
        return pick_business(await self.me(**options), chosen)

    async def staff_id(self, account_id: str | None = None, **options: Unpack[CallOptions]) -> int:
        """The connection user's own staff/user id in this business (for ``expenses.create``).

        Read from ``users/me`` ``roles[].userid`` (what FreshBooks' own SDKs use, though the
        field is undocumented); when that is missing, from the documented staff list
        (``users/staffs``, scope ``user:teams:read``): the staff member whose email is the
        user's. Neither: ``InvalidRequestError`` (field ``staff_id``) saying to pass it.
        """
        account = check_account_id(account_id) or self._client.account_id
        me = await self.me(**options)
        try:
            return staff_id_for(me, account)
        except InvalidRequestError as exc:
            if exc.field != "staff_id" or account is None:
                raise
            return await self._staff_id_from_staff_list(me, account)

    async def _staff_id_from_staff_list(self, me: Identity, account_id: str) -> int:
        email = (getattr(me, "email", None) or "").strip().casefold()
        bound = self._client if account_id == self._client.account_id else None
        client = bound or self._client.with_account(account_id)
        matches: list[int] = []
        if email:
            try:
                async for person in client.staff.list():
                    if (person.email or "").strip().casefold() == email:
                        matches.append(int(person.id))
            except PermissionDeniedError:
                raise InvalidRequestError(
                    f"users/me lists no role userid for account {account_id!r}, and the staff "
                    "list that would identify you needs the user:teams:read scope; pass "
                    "staff_id= explicitly",
                    field="staff_id",
                    value=account_id,
                ) from None
        if len(matches) == 1:
            return matches[0]
        raise InvalidRequestError(
            f"cannot tell your staff id in account {account_id!r}: users/me lists no role "
            f"userid and {len(matches)} staff members have your email; pass staff_id= "
            "explicitly (fb.staff.list() shows them)",
            field="staff_id",
            value=account_id,
        )

    @cached_property
    def with_raw_response(self) -> AsyncIdentityWithRawResponse:
        """These methods returning a :class:`~freshbooks_sdk.responses.RawResponse` (status,
        headers, request id, retries, ``parse()``) instead of the plain value; a listing gives
        its first page's.

            raw = await afb.identity.with_raw_response.me(...)
        """
        return AsyncIdentityWithRawResponse(self)


class AsyncIdentityWithRawResponse:
    """``fb.identity.with_raw_response``: the same methods, returning raw responses."""

    def __init__(self, resource: AsyncIdentityResource) -> None:
        self.me = wrap_raw(resource.me)
        self.businesses = wrap_raw(resource.businesses)
        self.require_account = wrap_raw(resource.require_account)
        self.staff_id = wrap_raw(resource.staff_id)
