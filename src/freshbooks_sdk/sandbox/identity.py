"""``GET /auth/api/v1/users/me``: the identity envelope ``{"response": {...}}`` (no ``result``).

Shaped like the real fixture ``auth_me_response.json``, with both seeded businesses; each
``roles[]`` entry carries ``accountid`` and the identity's staff ``userid`` in that business.
"""

from __future__ import annotations

from datetime import timedelta

from freshbooks_sdk._core.fbtime import format_iso_z

from .seed import BUSINESSES, IDENTITY, BusinessSeed
from .wire import JsonObj

__all__ = ["render_me"]


def _business(b: BusinessSeed) -> JsonObj:
    return {
        "id": b.business_id,
        "business_uuid": b.business_uuid,
        "name": b.name,
        "account_id": b.account_id,
        "timezone": "America/New_York",
        "date_format": b.date_format,
        "address": {
            "id": b.business_id + 50_000,
            "street": b.street,
            "city": b.city,
            "province": b.province,
            "country": b.country,
            "postal_code": b.postal_code,
        },
        "phone_number": {"id": b.business_id + 60_000, "phone_number": b.phone},
        "business_clients": [],
    }


def render_me() -> JsonObj:
    ident = IDENTITY
    created = format_iso_z(ident.created_at)
    profession: JsonObj = {
        "id": 65_001,
        "business_id": None,
        "title": "Owner",
        "company": BUSINESSES[0].name,
        "designation": None,
    }
    me: JsonObj = {
        "id": ident.identity_id,
        "identity_id": ident.identity_id,
        "identity_uuid": ident.identity_uuid,
        "first_name": ident.first_name,
        "last_name": ident.last_name,
        "email": ident.email,
        "language": "en",
        "confirmed_at": format_iso_z(ident.created_at + timedelta(minutes=1)),
        "created_at": created,
        "unconfirmed_email": None,
        "setup_complete": True,
        "profile": {
            "setup_complete": True,
            "first_name": ident.first_name,
            "last_name": ident.last_name,
            "phone_number": None,
            "address": None,
            "professions": [profession],
            "has_password": True,
        },
        "phone_numbers": [{"title": "", "phone_number": None}],
        "addresses": [None],
        "profession": profession,
        "links": {
            "me": f"/service/auth/api/v1/users?id={ident.identity_id}",
            "roles": f"/service/auth/api/v1/users/role/{ident.identity_id}",
        },
        "permissions": {b.account_id: {} for b in BUSINESSES},
        "groups": [
            {
                "id": b.group_id + 1,
                "group_id": b.group_id,
                "role": b.membership_role,
                "identity_id": ident.identity_id,
                "identity_uuid": ident.identity_uuid,
                "business_id": b.business_id,
                "active": True,
            }
            for b in BUSINESSES
        ],
        "subscription_statuses": {b.account_id: "active" for b in BUSINESSES},
        "integrations": {},
        "business_memberships": [
            {
                "id": b.membership_id,
                "role": b.membership_role,
                "unacknowledged_change": False,
                "business": _business(b),
            }
            for b in BUSINESSES
        ],
        "identity_origin": None,
        "roles": [
            {
                "id": b.role_id,
                "role": b.role_name,
                "systemid": b.system_id,
                "userid": b.identity_staff_id,
                "created_at": created,
                "links": {"destroy": f"/service/auth/api/v1/users/role/{b.role_id}"},
                "accountid": b.account_id,
            }
            for b in BUSINESSES
        ],
    }
    return {"response": me}
