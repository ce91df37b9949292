"""Reading the identity (``users/me``) body: businesses, the chosen account, the user's staff id."""

from __future__ import annotations

from typing import Any

import attrs

from freshbooks_sdk.errors import InvalidRequestError


@attrs.frozen
class BusinessSummary:
    """A business the connection can act on.

    ``account_id`` goes into accounting paths; ``business_id`` into projects/time tracking;
    ``business_uuid`` into the newer ``/accounting/businesses/`` paths.
    """

    account_id: str
    business_id: int
    business_uuid: str | None
    name: str
    role: str | None
    timezone: str | None = None


def summarize(identity: Any) -> list[BusinessSummary]:
    """One summary per business membership that has an account_id."""
    out: list[BusinessSummary] = []
    for membership in identity.business_memberships or []:
        business = membership.business
        if business is None or not business.account_id:
            continue
        out.append(
            BusinessSummary(
                account_id=business.account_id,
                business_id=int(business.id),
                business_uuid=business.business_uuid,
                name=business.name or "",
                role=membership.role,
                timezone=getattr(business, "timezone", None),
            )
        )
    return out


def pick_business(identity: Any, account_id: str | None) -> BusinessSummary:
    """The membership for ``account_id``, or an error listing the available ones."""
    businesses = summarize(identity)
    available = ", ".join(f"{b.account_id} ({b.name})" for b in businesses) or "none"
    if account_id is None:
        raise InvalidRequestError(
            f"no account_id chosen; this token can use: {available}", field="account_id"
        )
    for business in businesses:
        if business.account_id == account_id:
            return business
    raise InvalidRequestError(
        f"account_id {account_id!r} is not among this user's businesses; available: {available}",
        field="account_id",
        value=account_id,
    )


def staff_id_for(identity: Any, account_id: str | None) -> int:
    """The user's own id in ``account_id`` from ``roles[].userid`` (``roles[].accountid``)."""
    pick_business(identity, account_id)
    for role in identity.roles or []:
        if getattr(role, "accountid", None) == account_id and getattr(role, "userid", None):
            return int(role.userid)
    raise InvalidRequestError(
        f"users/me lists no role with a userid for account {account_id!r}; pass staff_id= explicitly",
        field="staff_id",
        value=account_id,
    )
