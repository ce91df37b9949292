"""The seeded world: one identity, the OAuth app, two businesses with categories and staff.

Everything here is constant so that tests, cassettes and the CLI can name ids directly:

=================  ==========================  ==========================
                   first business (default)    second business
=================  ==========================  ==========================
account_id         ``ACM123``                  ``BAY456``
business_id        ``7310001``                 ``7310002``
name               Acme Widgets Ltd            Bayside Bakery Co.
currency           USD                         CAD
identity's role    ``owner`` (roles: admin)    ``business_employee``
identity staff id  ``1``                       ``2``
other staff        ``2`` Wendy Worker          ``1`` Bea Baker (owner)
=================  ==========================  ==========================
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from freshbooks_sdk._core.oauth import DEFAULT_SCOPES

__all__ = [
    "APP_CLIENT_ID",
    "APP_CLIENT_SECRET",
    "APP_REDIRECT_URIS",
    "BUSINESSES",
    "CATEGORY_TREE",
    "IDENTITY",
    "INTEGRATION_SCOPES",
    "SEED_TIME",
    "BusinessSeed",
    "IdentitySeed",
    "StaffSeed",
]

INTEGRATION_SCOPES: tuple[str, ...] = DEFAULT_SCOPES
"""The scopes :meth:`Sandbox.issue_token` grants by default (the integration's set)."""

APP_SCOPES: tuple[str, ...] = (
    *INTEGRATION_SCOPES,
    "user:time_entries:write",
    "user:teams:read",
    "user:projects:write",
    "user:payments:read",
    "user:payments:write",
    "user:taxes:read",
    "user:taxes:write",
    "user:billable_items:read",
    "user:billable_items:write",
)
"""Everything the seeded OAuth app may ask for (``scope`` omitted on authorize = all of these)."""

APP_CLIENT_ID = "sandbox-client-id"
APP_CLIENT_SECRET = "sandbox-client-secret"
APP_REDIRECT_URIS: tuple[str, ...] = (
    "https://localhost/callback",
    "https://example.com/oauth/callback",
)

SEED_TIME = datetime(2023, 1, 3, 14, 0, 0, tzinfo=timezone.utc)
"""When the seeded objects (categories, staff) were created."""


@dataclass(frozen=True)
class IdentitySeed:
    identity_id: int
    identity_uuid: str
    first_name: str
    last_name: str
    email: str
    created_at: datetime


@dataclass(frozen=True)
class StaffSeed:
    staff_id: int
    fname: str
    lname: str
    email: str
    level: int  # 0 owner/admin, 1 staff


@dataclass(frozen=True)
class BusinessSeed:
    account_id: str
    business_id: int
    business_uuid: str
    name: str
    currency_code: str
    membership_id: int
    membership_role: str  # business_memberships[].role
    role_name: str  # roles[].role
    role_id: int
    system_id: int
    group_id: int
    identity_staff_id: int
    staff: tuple[StaffSeed, ...]
    date_format: str
    street: str
    city: str
    province: str
    country: str
    postal_code: str
    phone: str


IDENTITY = IdentitySeed(
    identity_id=5417001,
    identity_uuid="6f1b7d2e-3c4a-4e8b-9a1d-5e2f7c9b0a11",
    first_name="Sandy",
    last_name="Box",
    email="sandy.box@sandbox.example",
    created_at=datetime(2022, 11, 2, 15, 4, 5, tzinfo=timezone.utc),
)

_SANDY = (IDENTITY.first_name, IDENTITY.last_name, IDENTITY.email)

BUSINESSES: tuple[BusinessSeed, ...] = (
    BusinessSeed(
        account_id="ACM123",
        business_id=7310001,
        business_uuid="0c7d4b6e-8f1a-4a52-9d3e-1b2c3d4e5f60",
        name="Acme Widgets Ltd",
        currency_code="USD",
        membership_id=9120001,
        membership_role="owner",
        role_name="admin",
        role_id=8450001,
        system_id=6610001,
        group_id=7654001,
        identity_staff_id=1,
        staff=(
            StaffSeed(1, *_SANDY, level=0),
            StaffSeed(2, "Wendy", "Worker", "wendy.worker@acme.example", level=1),
        ),
        date_format="mm/dd/yyyy",
        street="100 Main Street",
        city="Springfield",
        province="Illinois",
        country="United States",
        postal_code="62701",
        phone="217-555-0100",
    ),
    BusinessSeed(
        account_id="BAY456",
        business_id=7310002,
        business_uuid="9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
        name="Bayside Bakery Co.",
        currency_code="CAD",
        membership_id=9120002,
        membership_role="business_employee",
        role_name="business_employee",
        role_id=8450002,
        system_id=6610002,
        group_id=7654002,
        identity_staff_id=2,
        staff=(
            StaffSeed(1, "Bea", "Baker", "bea.baker@bayside.example", level=0),
            StaffSeed(2, *_SANDY, level=1),
        ),
        date_format="dd/mm/yyyy",
        street="12 Harbour Road",
        city="Halifax",
        province="Nova Scotia",
        country="Canada",
        postal_code="B3H 1A1",
        phone="902-555-0142",
    ),
)

# (name, is_cogs, children); FreshBooks' default chart, trimmed.
CATEGORY_TREE: tuple[tuple[str, bool, tuple[str, ...]], ...] = (
    ("Advertising", False, ()),
    ("Car & Truck Expenses", False, ("Gas", "Mileage", "Vehicle Insurance")),
    ("Contractors", False, ()),
    ("Meals and Entertainment", False, ("Entertainment", "Restaurants/Dining")),
    ("Office Expenses & Postage", False, ("Hardware", "Office Supplies", "Software", "Shipping")),
    ("Professional Services", False, ("Accounting", "Legal Fees")),
    ("Rent or Lease", False, ()),
    ("Travel", False, ("Airfare", "Hotel/Lodging/Accommodation", "Taxi & Parking")),
    ("Cost of Goods Sold", True, ("Materials", "Supplies")),
)
