"""Build a business's initial records (expense categories and staff) from :mod:`.seed`."""

from __future__ import annotations

from .seed import CATEGORY_TREE, SEED_TIME, BusinessSeed
from .store import AccountStore, Record, World

__all__ = ["build_store"]


def build_store(world: World, business: BusinessSeed) -> AccountStore:
    store = AccountStore(business)
    for name, is_cogs, children in CATEGORY_TREE:
        parent = _category(world, store, name, is_cogs, None)
        for child in children:
            _category(world, store, child, is_cogs, parent.id)
    for staff in business.staff:
        store.staff[staff.staff_id] = Record(
            id=staff.staff_id,
            created=SEED_TIME,
            updated=SEED_TIME,
            fields={
                "fname": staff.fname,
                "lname": staff.lname,
                "email": staff.email,
                "display_name": f"{staff.fname} {staff.lname}",
                "organization": business.name,
                "username": world.username(),
                "level": staff.level,
                "rate": "0",
                "currency_code": business.currency_code,
                "language": "en",
                "note": None,
                "api_token": None,
                "last_login": None,
                "num_logins": 0,
                "bus_phone": "",
                "home_phone": "",
                "mob_phone": "",
                "fax": "",
                "p_street": "",
                "p_street2": "",
                "p_city": "",
                "p_province": "",
                "p_code": "",
                "p_country": "",
            },
        )
    return store


def _category(
    world: World, store: AccountStore, name: str, is_cogs: bool, parent: int | None
) -> Record:
    rec = Record(
        id=world.next_id("categories"),
        created=SEED_TIME,
        updated=SEED_TIME,
        fields={"category": name, "parentid": parent, "is_cogs": is_cogs, "is_editable": False},
    )
    store.categories[rec.id] = rec
    return rec
