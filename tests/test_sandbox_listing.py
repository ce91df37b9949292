"""Lists: paging edges, ``search[...]`` filters (Eastern-day ``updated_min``), sort."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from freshbooks_sdk.sandbox import FakeClock, Sandbox
from test_sandbox_support import Api, errors, make_sandbox, ok


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2024, 3, 15, 14, 0, tzinfo=timezone.utc))


@pytest.fixture
def sb(clock: FakeClock) -> Sandbox:
    return make_sandbox(clock=clock)


@pytest.fixture
def api(sb: Sandbox) -> Api:
    return Api(sb)


def ids(result: dict[str, object], key: str) -> list[int]:
    items = result[key]
    assert isinstance(items, list)
    return [item["id"] for item in items]


def test_empty_list_has_zero_pages(api: Api) -> None:
    for suffix, key in (
        ("users/clients", "clients"),
        ("invoices/invoices", "invoices"),
        ("expenses/expenses", "expenses"),
    ):
        assert ok(api.get(suffix)) == {key: [], "page": 1, "pages": 0, "per_page": 15, "total": 0}


def test_paging_default_cap_page_zero_and_beyond_last(api: Api, sb: Sandbox) -> None:
    made = [
        sb.create(api.account_id, "clients", {"email": f"c{i}@x.com"})["id"] for i in range(120)
    ]
    first = ok(api.get("users/clients"))
    assert (first["page"], first["pages"], first["per_page"], first["total"]) == (1, 8, 15, 120)
    assert ids(first, "clients") == made[:15]
    capped = ok(api.get("users/clients", {"per_page": "1000"}))
    assert (capped["per_page"], capped["pages"], len(capped["clients"])) == (100, 2, 100)
    second = ok(api.get("users/clients", {"per_page": "100", "page": "2"}))
    assert ids(second, "clients") == made[100:]
    zero = ok(api.get("users/clients", {"page": "0", "per_page": "50"}))
    assert zero["page"] == 1 and ids(zero, "clients") == made[:50]
    beyond = ok(api.get("users/clients", {"page": "9"}))
    assert beyond["clients"] == [] and (beyond["page"], beyond["pages"], beyond["total"]) == (
        9,
        8,
        120,
    )
    huge = ok(api.get("users/clients", {"per_page": "9" * 40, "page": "9" * 25}))
    assert huge["clients"] == [] and huge["per_page"] == 100


@pytest.mark.parametrize(
    ("param", "value", "errno"),
    [
        ("page", "abc", 1014),
        ("page", "-1", 1014),
        ("page", "", 1014),
        ("page", "1.5", 1014),
        ("per_page", "x", 1013),
        ("per_page", "0", 1013),
    ],
)
def test_bad_paging_values_are_errors(api: Api, param: str, value: str, errno: int) -> None:
    r = api.get("users/clients", {param: value})
    assert r.status_code == 400
    assert errors(r)[0]["errno"] == errno and errors(r)[0]["field"] == param


def test_updated_min_uses_the_eastern_calendar_day(api: Api, sb: Sandbox, clock: FakeClock) -> None:
    clock.set(datetime(2024, 3, 16, 3, 30, tzinfo=timezone.utc))  # 23:30 EDT on the 15th
    late = sb.create(api.account_id, "clients", {"email": "late@x.com"})
    clock.advance(3600)  # 00:30 EDT on the 16th
    early = sb.create(api.account_id, "clients", {"email": "early@x.com"})
    assert (late["updated"], early["updated"]) == ("2024-03-15 23:30:00", "2024-03-16 00:30:00")
    api.token = sb.issue_token()

    def search(**params: str) -> list[int]:
        query = {f"search[{k}]": v for k, v in params.items()}
        return ids(ok(api.get("users/clients", query)), "clients")

    assert search(updated_min="2024-03-16") == [early["id"]]  # min inclusive
    assert search(updated_min="2024-03-15") == [late["id"], early["id"]]
    assert search(updated_max="2024-03-16") == [late["id"]]  # max exclusive
    assert search(updated_min="2024-03-15", updated_max="2024-03-16") == [late["id"]]
    assert search(updated_min="2024-03-17") == []
    assert search(updated_min="2024-03-16 12:00:00") == [early["id"]]  # day granularity
    bad = api.get("users/clients", {"search[updated_min]": "yesterday"})
    assert bad.status_code == 400 and errors(bad)[0]["errno"] == 1033


def test_client_filters(api: Api) -> None:
    a = api.client(
        fname="Gordon",
        lname="Shumway",
        email="Gordon@Melmac.com",
        organization="Melmac",
        note="likes cats",
        p_city="Toronto",
        bus_phone="416-555-0100",
    )
    b = api.client(
        fname="Willie",
        lname="Tanner",
        email="willie@tanner.com",
        organization="Tanner Household",
        s_street="167 Hemdale",
    )

    def search(**params: str) -> list[int]:
        return ids(
            ok(api.get("users/clients", {f"search[{k}]": v for k, v in params.items()})),
            "clients",
        )

    assert search(email="gordon@melmac.com") == [a["id"]]
    assert search(email="melmac.com") == []
    # email_like is not a documented client filter: FreshBooks ignores it like any unknown key
    assert search(email_like="MELMAC") == [a["id"], b["id"]]
    assert search(fname_like="wil") == [b["id"]]
    assert search(lname_like="shum") == [a["id"]]
    assert search(organization_like="house") == [b["id"]]
    assert search(note_like="cats") == [a["id"]]
    assert search(address_like="toronto") == [a["id"]]
    assert search(address_like="hemdale") == [b["id"]]
    assert search(phone_like="555-0100") == [a["id"]]
    assert search(fname="Gordon") == [a["id"], b["id"]]  # FreshBooks ignores plain fname
    assert search(userid=str(b["id"])) == [b["id"]]
    multi = ok(
        api.get(
            "users/clients",
            [("search[userids][]", str(a["id"])), ("search[userids][]", str(b["id"]))],
        )
    )
    assert ids(multi, "clients") == [a["id"], b["id"]]
    bad = api.get("users/clients", {"search[userid]": "abc"})
    assert bad.status_code == 400 and errors(bad)[0]["errno"] == 1015


def test_invoice_filters(api: Api, sb: Sandbox) -> None:
    c1, c2 = api.client(email="one@x.com"), api.client(email="two@x.com")
    i1 = api.invoice(c1["id"], create_date="2024-01-10", due_offset_days=90)
    i2 = api.invoice(c1["id"], create_date="2024-02-10", due_offset_days=90)
    i3 = api.invoice(c2["id"], create_date="2024-03-10", due_offset_days=90)
    api.put(f"invoices/invoices/{i2['id']}", {"invoice": {"action_mark_as_sent": True}})
    sb.pay_invoice(api.account_id, i3["id"])

    def search(*pairs: tuple[str, str]) -> list[int]:
        return ids(ok(api.get("invoices/invoices", list(pairs))), "invoices")

    assert search(("search[customerid]", str(c1["id"]))) == [i1["id"], i2["id"]]
    assert search(("search[customerids][]", str(c2["id"]))) == [i3["id"]]
    assert search(("search[v3_status]", "draft")) == [i1["id"]]
    assert search(("search[v3_status]", "sent")) == [i2["id"]]
    assert search(("search[v3_status]", "paid")) == [i3["id"]]
    assert search(("search[date_min]", "2024-02-10")) == [i2["id"], i3["id"]]
    assert search(("search[date_max]", "2024-02-10")) == [i1["id"]]
    assert search(("search[invoice_number]", i2["invoice_number"])) == [i2["id"]]
    assert search(("search[status]", "4")) == [i1["id"], i2["id"], i3["id"]]  # ignored key


def test_expense_filters(api: Api, sb: Sandbox) -> None:
    cats = sorted(sb.store(api.account_id).categories)
    client = api.client()
    e1 = api.expense(categoryid=cats[0], date="2024-03-01")
    e2 = api.expense(categoryid=cats[1], clientid=client["id"], date="2024-03-05")
    e3 = api.expense(categoryid=cats[1], date="2024-03-09", amount={"amount": "99.00"})

    def search(*pairs: tuple[str, str]) -> list[int]:
        return ids(ok(api.get("expenses/expenses", list(pairs))), "expenses")

    assert search(("search[categoryid]", str(cats[1]))) == [e2["id"], e3["id"]]
    assert search(("search[clientid]", str(client["id"]))) == [e2["id"]]
    assert search(("search[clientid]", "0")) == [e1["id"], e3["id"]]
    assert search(("search[clientid_not]", "0")) == [e2["id"]]
    assert search(("search[date_min]", "2024-03-05"), ("search[date_max]", "2024-03-09")) == [
        e2["id"]
    ]
    assert search(("search[amount_min]", "50")) == [e3["id"]]
    assert search(("search[categoryids][]", str(cats[0])), ("search[categoryids][]", "1")) == [
        e1["id"]
    ]


def test_sort_is_stable_by_id_unless_asked(api: Api, sb: Sandbox, clock: FakeClock) -> None:
    a = api.client(email="a@x.com")
    clock.advance(10)
    b = api.client(email="b@x.com")
    clock.advance(10)
    api.put(f"users/clients/{a['id']}", {"client": {"note": "touched"}})
    assert ids(ok(api.get("users/clients")), "clients") == [a["id"], b["id"]]
    assert ids(ok(api.get("users/clients", {"sort": "updated_desc"})), "clients") == [
        a["id"],
        b["id"],
    ]
    assert ids(ok(api.get("users/clients", {"sort": "updated_asc"})), "clients") == [
        b["id"],
        a["id"],
    ]
    assert ids(ok(api.get("users/clients", {"sort": "nonsense_desc"})), "clients") == [
        a["id"],
        b["id"],
    ]
