"""``users/staffs``: list and get (FreshBooks' docs: scope ``user:teams:read``).

``signup_date`` and ``updated`` are US/Eastern wall-clock times; ``api_token`` is a secret.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from ..store import AccountStore, Record
from ..wire import JsonObj
from .base import Ctx, FilterFn, Resource, eastern, eq_int, in_int, like

__all__ = ["StaffResource"]


class StaffResource(Resource[Record]):
    area = "users"
    name = "staffs"
    single = "staff"
    plural = "staffs"
    obj = "staff"
    id_field = "userid"
    scope = "teams"
    operations = frozenset({"list", "get"})

    def collection(self, store: AccountStore) -> dict[int, Record]:
        return store.staff

    def render(self, ctx: Ctx, rec: Record, includes: frozenset[str]) -> JsonObj:
        out: JsonObj = {
            **rec.fields,
            "id": rec.id,
            "userid": rec.id,
            "accounting_systemid": ctx.store.account_id,
            "signup_date": eastern(rec.created),  # Eastern, like every staff timestamp
            "api_token": _api_token(ctx.store.account_id, rec.id),
            "updated": eastern(rec.updated),
            "vis_state": rec.vis_state,
        }
        return dict(sorted(out.items()))

    def filters(self) -> Mapping[str, FilterFn[Record]]:
        def user_levels(ctx: Ctx, rec: Record, values: list[str]) -> bool:
            level = "admin" if rec.fields.get("level") == 0 else "staff"
            return level in {v.strip().lower() for v in values}

        return {
            "userid": eq_int("userid", lambda r: r.id),
            "userids": in_int("userids", lambda r: r.id),
            "user_levels": user_levels,
            "user_like": like(
                lambda r: r.fields.get("fname"),
                lambda r: r.fields.get("lname"),
                lambda r: r.fields.get("organization"),
            ),
            "note_like": like(lambda r: r.fields.get("note")),
        }


def _api_token(account_id: str, staff_id: int) -> str:
    """A stable stand-in for the staff member's Classic API token (a credential FreshBooks
    really returns here: the SDK must keep it out of reprs, logs and cassettes)."""
    return hashlib.sha256(f"classic-api-token:{account_id}:{staff_id}".encode()).hexdigest()[:32]
