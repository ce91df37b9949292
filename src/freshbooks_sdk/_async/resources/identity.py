"""``fb.identity``: who the token belongs to and which businesses it can act on.

Works without an ``account_id``:

    fb = FreshBooks(access_token="...")
    for business in fb.identity.businesses():
        print(business.account_id, business.name, business.role)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from freshbooks_sdk._core.envelope import RequestSpec, Unwrap
from freshbooks_sdk._core.identity import BusinessSummary, pick_business, staff_id_for, summarize

if TYPE_CHECKING:
    from freshbooks_sdk._async.client import AsyncFreshBooks
    from freshbooks_sdk.models import Identity, IdentityResponse

ME_PATH = "/auth/api/v1/users/me"
_ME: Unwrap[IdentityResponse, Identity] = Unwrap("IdentityResponse", lambda env: env.response)


class AsyncIdentityResource:
    """The identity endpoint ``GET /auth/api/v1/users/me`` and what it tells."""

    def __init__(self, client: AsyncFreshBooks) -> None:
        self._client = client
        self._cached: Identity | None = None

    async def me(self, *, refresh: bool = False) -> Identity:
        """The token's user, with business memberships and roles (cached after the first call)."""
        if self._cached is None or refresh:
            self._cached = await self._client._core.call(RequestSpec.get(ME_PATH), _ME)
        return self._cached

    async def businesses(self) -> list[BusinessSummary]:
        """Every business the token can act on: account_id, business_id, business_uuid, name, role."""
        return summarize(await self.me())

    async def require_account(self, account_id: str | None = None) -> BusinessSummary:
        """The membership for ``account_id`` (default: the client's); raises
        ``InvalidRequestError`` listing the available account ids when it is not one of them."""
        return pick_business(await self.me(), account_id or self._client.account_id)

    async def staff_id(self, account_id: str | None = None) -> int:
        """The connection user's own staff/user id in this business (for ``expenses.create``)."""
        return staff_id_for(await self.me(), account_id or self._client.account_id)
