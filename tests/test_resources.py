"""Every resource method, sync and async, against the in-process sandbox (fake clock)."""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest

from freshbooks_sdk import AsyncFreshBooks, FreshBooks, Money
from freshbooks_sdk.errors import (
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    UnprocessableEntityError,
)
from freshbooks_sdk.sandbox import Sandbox
from freshbooks_sdk.sandbox.clock import FakeClock


async def resolve(value: Any) -> Any:
    """Await coroutines (async client), pass plain values through (sync client)."""
    return await value if inspect.isawaitable(value) else value


async def collect(pager: Any) -> list[Any]:
    if hasattr(pager, "__aiter__"):
        return [item async for item in pager]
    return list(pager)


@pytest.fixture(params=["sync", "async"])
async def fb(
    request: pytest.FixtureRequest, freshbooks_sandbox: Sandbox, freshbooks_clock: FakeClock
) -> AsyncIterator[Any]:
    sb = freshbooks_sandbox
    common: dict[str, Any] = {"access_token": sb.issue_token(), "account_id": sb.account_ids[0]}
    if request.param == "sync":
        client: Any = FreshBooks(
            http_client=httpx.Client(transport=sb.transport()),
            clock=freshbooks_clock,
            sleep=freshbooks_clock.advance,
            **common,
        )
        yield client
        client.close()
    else:

        async def sleep(seconds: float) -> None:
            freshbooks_clock.advance(seconds)

        aclient = AsyncFreshBooks(
            http_client=httpx.AsyncClient(transport=sb.async_transport()),
            clock=freshbooks_clock,
            sleep=sleep,
            **common,
        )
        yield aclient
        await aclient.aclose()


async def make_client(fb: Any, **kw: Any) -> Any:
    fields = {
        "email": "ada@example.com",
        "fname": "Ada",
        "lname": "Lovelace",
        "organization": "Analytical",
    } | kw
    return await resolve(fb.clients.create(**fields))


async def test_identity(fb: Any, freshbooks_sandbox: Sandbox) -> None:
    me = await resolve(fb.identity.me())
    assert me.id == freshbooks_sandbox.identity_id
    businesses = await resolve(fb.identity.businesses())
    assert [b.account_id for b in businesses] == freshbooks_sandbox.account_ids
    assert (
        await resolve(fb.identity.require_account())
    ).account_id == freshbooks_sandbox.account_ids[0]
    with pytest.raises(InvalidRequestError, match="available: ACM123"):
        await resolve(fb.identity.require_account("NOPE99"))
    assert await resolve(fb.identity.staff_id()) == freshbooks_sandbox.staff_id(
        freshbooks_sandbox.account_ids[0]
    )


async def test_clients_crud_and_filters(fb: Any, freshbooks_clock: FakeClock) -> None:
    created = await make_client(
        fb,
        address={
            "street": "1 Main St",
            "city": "Toronto",
            "postal_code": "M5T 2B3",
            "country": "Canada",
        },
    )
    assert created.id > 0 and created.p_city == "Toronto" and created.p_code == "M5T 2B3"
    got = await resolve(fb.clients.get(created.id))
    assert got.email == "ada@example.com" and got.updated == created.updated
    freshbooks_clock.advance(3600)
    other = await make_client(fb, email="bob@example.com", fname="Bob", organization="Builders")
    by_email = await collect(fb.clients.list(email="bob@example.com"))
    assert [c.id for c in by_email] == [other.id]
    like = await collect(fb.clients.list(organization_like="Analyt"))
    assert [c.id for c in like] == [created.id]
    since = await collect(fb.clients.list(updated_since=other.updated))
    assert [c.id for c in since] == [other.id]  # same Eastern day, filtered exactly
    updated = await resolve(
        fb.clients.update(created.id, organization="Analytical Engines", fields={"note": "VIP"})
    )
    assert updated.organization == "Analytical Engines" and updated.note == "VIP"
    deleted = await resolve(fb.clients.delete(created.id))
    assert deleted.vis_state == 1
    assert [c.id for c in await collect(fb.clients.list())] == [other.id]
    assert [c.id for c in await collect(fb.clients.list(vis_state=1))] == [created.id]


async def test_client_bad_input_before_network(fb: Any, freshbooks_sandbox: Sandbox) -> None:
    before = len(freshbooks_sandbox.request_log)
    with pytest.raises(InvalidRequestError, match="at least one of fname"):
        await resolve(fb.clients.create())
    with pytest.raises(InvalidRequestError) as info:
        await resolve(fb.clients.create(fname="x", address={"zip": "1"}))
    assert info.value.field == "address.zip"
    with pytest.raises(InvalidRequestError, match="vis_state"):
        await resolve(fb.clients.update(1, fields={"vis_state": 1}))
    assert len(freshbooks_sandbox.request_log) == before
    with pytest.raises(NotFoundError) as nf:
        await resolve(fb.clients.get(999999))
    assert nf.value.errno == 1012


async def test_invoices_lifecycle(
    fb: Any, freshbooks_sandbox: Sandbox, freshbooks_clock: FakeClock
) -> None:
    client = await make_client(fb)
    inv = await resolve(
        fb.invoices.create(
            customer_id=client.id,
            currency_code="CAD",
            due_offset_days=30,
            po_number="PO-7",
            notes="Thanks",
            terms="Net 30",
            lines=[
                {
                    "name": "Bowls",
                    "qty": "4",
                    "unit_cost": "5.00",
                    "tax_name1": "HST",
                    "tax_percent1": "13",
                },
                {"name": "Plates", "qty": 3, "unit_cost": Decimal("7.333")},
            ],
        )
    )
    assert inv.v3_status == "draft"
    # 4 x 5.00 + 3 x 7.333 (rounded to 22.00 per line) + 13% HST on the first line
    assert inv.amount == Money(amount="44.60", code="CAD")
    assert [ln.amount.amount for ln in inv.lines] == [Decimal("20.00"), Decimal("22.00")]
    assert inv.create_date == date(2024, 3, 15)  # today on the Eastern calendar (fake clock)
    assert inv.po_number == "PO-7" and inv.due_offset_days == 30 and len(inv.lines) == 2
    got = await resolve(fb.invoices.get(inv.id))
    assert [ln.name for ln in got.lines] == ["Bowls", "Plates"] and got.lines[
        0
    ].taxAmount1 == Decimal("13")
    listed = await collect(fb.invoices.list(customer_id=client.id))
    assert [i.id for i in listed] == [inv.id] and not listed[0].lines
    with_lines = await collect(fb.invoices.list(customer_id=client.id, include_lines=True))
    assert len(with_lines[0].lines) == 2
    updated = await resolve(fb.invoices.update(inv.id, notes="New notes", po_number="PO-8"))
    assert (
        updated.notes == "New notes"
        and updated.po_number == "PO-8"
        and updated.v3_status == "draft"
    )
    sent = await resolve(
        fb.invoices.send(
            inv.id, to=["ada@example.com"], subject="Invoice", body="Hi", include_pdf=True
        )
    )
    assert sent.v3_status == "sent" and sent.status == 2
    mail = freshbooks_sandbox.outbox[-1]
    assert list(mail.recipients) == ["ada@example.com"] and mail.subject == "Invoice"
    assert [i.id for i in await collect(fb.invoices.list(v3_status="sent"))] == [inv.id]
    second = await resolve(
        fb.invoices.create(
            customer_id=client.id, currency_code="CAD", lines=[{"name": "x", "unit_cost": "1"}]
        )
    )
    marked = await resolve(fb.invoices.mark_as_sent(second.id))
    assert marked.v3_status == "sent"
    deleted = await resolve(fb.invoices.delete(second.id))
    assert deleted.vis_state == 1
    assert [i.id for i in await collect(fb.invoices.list())] == [inv.id]


def test_single_purpose_puts(freshbooks_sandbox: Sandbox) -> None:
    sb = freshbooks_sandbox
    seen: list[httpx.Request] = []
    http = httpx.Client(transport=sb.transport(), event_hooks={"request": [seen.append]})
    with FreshBooks(
        access_token=sb.issue_token(),
        account_id=sb.account_ids[0],
        http_client=http,
        clock=sb.now,
        sleep=sb.clock.advance,
    ) as fb:
        client = fb.clients.create(fname="A")
        inv = fb.invoices.create(
            customer_id=client.id, currency_code="USD", lines=[{"name": "x", "unit_cost": "1"}]
        )
        fb.invoices.send(inv.id, to=["a@b.com"])
        assert set(json.loads(seen[-1].content)["invoice"]) == {
            "action_email",
            "email_recipients",
            "email_include_pdf",
        }
        fb.invoices.mark_as_sent(inv.id)
        assert json.loads(seen[-1].content) == {"invoice": {"action_mark_as_sent": True}}
        fb.invoices.update(inv.id, notes="n")
        assert json.loads(seen[-1].content) == {"invoice": {"notes": "n"}}
        fb.clients.delete(client.id)
        assert (
            json.loads(seen[-1].content) == {"client": {"vis_state": 1}}
            and seen[-1].method == "PUT"
        )
        fb.clients.get(client.id)
        assert seen[-1].method == "GET" and "content-type" not in seen[-1].headers


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"lines": []}, "lines"),
        ({"lines": [{"name": "x", "qty": "-1", "unit_cost": "1"}]}, "lines.0.qty"),
        ({"lines": [{"name": "x", "unit_cost": 1.5}]}, "lines.0.unit_cost"),
        ({"lines": [{"name": "x", "unit_cost": "1,00"}]}, "lines.0.unit_cost"),
        ({"lines": [{"unit_cost": "1"}]}, "lines.0.name"),
        (
            {"lines": [{"name": "x", "unit_cost": Money(amount="1", code="EUR")}]},
            "lines.0.unit_cost",
        ),
        ({"lines": [{"name": "x", "unit_cost": "1"}], "currency_code": "US"}, "currency_code"),
        ({"lines": [{"name": "x", "unit_cost": "1"}], "currency_code": None}, "currency_code"),
        ({"lines": [{"name": "x", "unit_cost": "1"}], "due_offset_days": -1}, "due_offset_days"),
        (
            {"lines": [{"name": "x", "unit_cost": "1"}], "extra": {"action_email": True}},
            "extra.action_email",
        ),
    ],
)
async def test_invoice_bad_input(
    fb: Any, freshbooks_sandbox: Sandbox, kwargs: dict[str, Any], field: str
) -> None:
    args = {"customer_id": 5, "currency_code": "USD"} | kwargs
    before = len(freshbooks_sandbox.request_log)
    with pytest.raises(InvalidRequestError) as info:
        await resolve(fb.invoices.create(**args))
    assert info.value.field == field, info.value
    assert len(freshbooks_sandbox.request_log) == before


async def test_invoice_unknown_customer_is_freshbooks_error(fb: Any) -> None:
    with pytest.raises((NotFoundError, UnprocessableEntityError)) as info:
        await resolve(
            fb.invoices.create(
                customer_id=424242, currency_code="USD", lines=[{"name": "x", "unit_cost": "1"}]
            )
        )
    assert info.value.errors and info.value.errors[0].errno is not None


async def test_invoice_update_refuses_phase_keys(fb: Any) -> None:
    for key in ("vis_state", "action_email", "action_mark_as_sent", "ext_vis_state"):
        with pytest.raises(InvalidRequestError, match="silently drop"):
            await resolve(fb.invoices.update(1, fields={key: 1, "notes": "x"}))


async def test_expenses(fb: Any, freshbooks_sandbox: Sandbox) -> None:
    client = await make_client(fb)
    categories = await collect(fb.expense_categories.list())
    assert categories
    cat = await resolve(fb.expense_categories.get(categories[0].id))
    assert cat.id == categories[0].id
    exp = await resolve(
        fb.expenses.create(
            amount="12.50",
            currency_code="USD",
            category_id=cat.id,
            date=date(2024, 3, 15),
            vendor="Cafe",
            client_id=client.id,
            notes="lunch",
            tax_name1="HST",
            tax_amount1="1.44",
        )
    )
    assert exp.amount.amount == Decimal("12.50") and exp.amount.code == "USD"
    assert exp.staffid == freshbooks_sandbox.staff_id(freshbooks_sandbox.account_ids[0])
    assert (
        exp.clientid == client.id
        and exp.vendor == "Cafe"
        and exp.taxAmount1.amount == Decimal("1.44")
    )
    assert (await resolve(fb.expenses.get(exp.id))).notes == "lunch"
    assert [e.id for e in await collect(fb.expenses.list(client_id=client.id))] == [exp.id]
    assert [
        e.id
        for e in await collect(
            fb.expenses.list(
                category_id=cat.id, date_from=date(2024, 3, 1), date_to=date(2024, 4, 1)
            )
        )
    ] == [exp.id]
    upd = await resolve(
        fb.expenses.update(exp.id, vendor="Bakery", amount="13.75", currency_code="USD")
    )
    assert (
        upd.vendor == "Bakery"
        and upd.amount == Money(amount="13.75", code="USD")
        and upd.notes == "lunch"
    )
    with pytest.raises(InvalidRequestError, match="vis_state"):
        await resolve(fb.expenses.update(exp.id, fields={"vis_state": 0}))
    assert (await resolve(fb.expenses.delete(exp.id))).vis_state == 1
    with pytest.raises(InvalidRequestError, match="float"):
        await resolve(
            fb.expenses.create(
                amount=12.5, currency_code="USD", category_id=cat.id, date=date(2024, 3, 15)
            )
        )
    with pytest.raises(InvalidRequestError, match="currency"):
        await resolve(fb.expenses.create(amount="1", category_id=cat.id, date=date(2024, 3, 15)))
    with pytest.raises((NotFoundError, UnprocessableEntityError)) as unknown:
        await resolve(
            fb.expenses.create(
                amount="1",
                currency_code="USD",
                category_id=999999,
                date=date(2024, 3, 15),
                staff_id=1,
            )
        )
    assert "Category" in str(unknown.value)


async def test_staff_needs_teams_scope(fb: Any, freshbooks_sandbox: Sandbox) -> None:
    with pytest.raises(PermissionDeniedError, match="scope"):
        await collect(fb.staff.list())


async def test_staff_list_and_get(freshbooks_sandbox: Sandbox) -> None:
    sb = freshbooks_sandbox
    token = sb.issue_token(scopes=["user:profile:read", "user:teams:read"])
    with sb.client(access_token=token) as fb:
        staff = list(fb.staff.list())
        assert staff and fb.staff.get(staff[0].id).id == staff[0].id
    async with sb.async_client(access_token=token) as afb:
        assert [s.id async for s in afb.staff.list()] == [s.id for s in staff]
        assert (await afb.staff.get(staff[0].id)).id == staff[0].id


async def test_pagination_three_pages_carries_filters(fb: Any, freshbooks_sandbox: Sandbox) -> None:
    for i in range(7):
        await make_client(fb, email=f"c{i}@x.com", organization=f"PagedOrg{i}")
    pager = fb.clients.list(organization_like="PagedOrg", per_page=3)
    items = await collect(pager)
    assert len(items) == 7 and pager.pages_fetched == 3
    gets = [
        r
        for r in freshbooks_sandbox.request_log
        if r.method == "GET" and r.path.endswith("/users/clients")
    ][-3:]
    assert all(("search[organization_like]", "PagedOrg") in r.query for r in gets)


def test_account_and_config_refused() -> None:
    for bad in ("../x", "", "a b"):
        with pytest.raises(InvalidRequestError) as info:
            FreshBooks(access_token="t", account_id=bad)
        assert info.value.field == "account_id"
    with pytest.raises(InvalidRequestError, match="default_currency"):
        FreshBooks(access_token="t", default_currency="dollars")
    with pytest.raises(InvalidRequestError, match="account_id"):
        list(FreshBooks(access_token="t").clients.list())


def test_default_currency_used_when_explicit(freshbooks_sandbox: Sandbox) -> None:
    sb = freshbooks_sandbox
    with sb.client(default_currency="EUR") as fb:
        c = fb.clients.create(fname="Z")
        inv = fb.invoices.create(customer_id=c.id, lines=[{"name": "x", "unit_cost": "2.50"}])
        assert inv.currency_code == "EUR" and inv.amount.amount == Decimal("2.50")


def test_sync_client_proxy_env_default(monkeypatch: pytest.MonkeyPatch) -> None:
    fb = FreshBooks(access_token="t")
    assert fb._core._http._trust_env is True  # proxy variables are honoured by the default client
    fb.close()


@pytest.mark.parametrize(
    "fields",
    [
        {"ACTION_EMAIL": True},
        {" vis_state": 1},
        {"Ext_Vis_State": 0},
        {"invoice": {"vis_state": 1}},
    ],
)
async def test_phase_keys_refused_in_any_spelling(fb: Any, fields: dict[str, Any]) -> None:
    with pytest.raises(InvalidRequestError, match="silently drop"):
        await resolve(fb.invoices.update(1, fields=fields))


async def test_create_extra_names_create(fb: Any) -> None:
    with pytest.raises(InvalidRequestError, match=r"invoices\.create\(\) does not send"):
        await resolve(
            fb.invoices.create(
                customer_id=1,
                currency_code="USD",
                lines=[{"name": "x", "unit_cost": "1"}],
                extra={"action_email": True},
            )
        )


async def test_more_bad_input_before_network(fb: Any, freshbooks_sandbox: Sandbox) -> None:
    before = len(freshbooks_sandbox.request_log)
    with pytest.raises(InvalidRequestError, match="mapping") as address:
        await resolve(fb.clients.create(fname="A", address="1 Main St"))
    assert address.value.field == "address"
    with pytest.raises(InvalidRequestError, match="at least one"):
        await resolve(fb.clients.create(fname="  ", email=None))
    for bad_type in ("x", None, 1.7, 3):
        with pytest.raises(InvalidRequestError) as line_type:
            await resolve(
                fb.invoices.create(
                    customer_id=1,
                    currency_code="USD",
                    lines=[{"name": "x", "unit_cost": "1", "type": bad_type}],
                )
            )
        assert line_type.value.field == "lines.0.type"
    with pytest.raises(InvalidRequestError) as staff:
        await resolve(
            fb.expenses.create(
                amount="1", currency_code="USD", category_id=1, date=date(2024, 3, 15), staff_id=0
            )
        )
    assert staff.value.field == "staff_id"
    assert len(freshbooks_sandbox.request_log) == before


async def test_invoice_update_lines_use_the_invoice_currency(fb: Any) -> None:
    client = await make_client(fb)
    inv = await resolve(
        fb.invoices.create(
            customer_id=client.id, currency_code="EUR", lines=[{"name": "x", "unit_cost": "1"}]
        )
    )
    updated = await resolve(
        fb.invoices.update(inv.id, lines=[{"name": "y", "qty": "2", "unit_cost": "3"}])
    )
    assert updated.currency_code == "EUR" and updated.amount == Money(amount="6.00", code="EUR")
    with pytest.raises(InvalidRequestError, match="EUR"):
        await resolve(
            fb.invoices.update(
                inv.id, lines=[{"name": "y", "unit_cost": Money(amount="3", code="USD")}]
            )
        )


def test_expense_staff_id_for_the_second_business(freshbooks_sandbox: Sandbox) -> None:
    sb = freshbooks_sandbox
    second = sb.account_ids[1]
    with sb.client(second) as fb:
        category = next(iter(fb.expense_categories.list()))
        exp = fb.expenses.create(
            amount="5.00", currency_code="CAD", category_id=category.id, date=date(2024, 3, 15)
        )
        assert exp.staffid == sb.staff_id(second) == 2


def test_poll_defaults_to_a_sqlite_store(
    freshbooks_sandbox: Sandbox, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from freshbooks_sdk.cursors import SQLiteCursorStore, default_cursor_path

    target = tmp_path / "state" / "cursors.db"
    monkeypatch.setenv("FRESHBOOKS_CURSOR_DB", str(target))
    sb = freshbooks_sandbox
    with sb.client() as fb:
        poller = fb.invoices.poll()
        assert (
            isinstance(poller.store, SQLiteCursorStore) and poller.key == "ACM123:invoices/invoices"
        )
        poller.poll_once()  # the starting cursor is saved at once
    assert default_cursor_path() == target and target.exists()
    assert SQLiteCursorStore(target).load("ACM123:invoices/invoices") is not None


async def test_unencodable_text_refused_before_network(
    fb: Any, freshbooks_sandbox: Sandbox
) -> None:
    before = len(freshbooks_sandbox.request_log)
    with pytest.raises(InvalidRequestError) as info:
        await resolve(fb.clients.create(email="a@x.com", fname="A\ud800"))
    assert info.value.field == "fname"
    assert len(freshbooks_sandbox.request_log) == before


@pytest.mark.parametrize(
    "when", [datetime(1, 1, 1, tzinfo=timezone.utc), datetime(9999, 1, 1, tzinfo=timezone.utc)]
)
async def test_instants_outside_the_supported_range_refused(fb: Any, when: datetime) -> None:
    with pytest.raises(InvalidRequestError) as listed:
        await collect(fb.invoices.list(updated_since=when))
    assert listed.value.field == "updated_since"
    with pytest.raises(InvalidRequestError) as polled:
        fb.invoices.poll(start=when, store=None)
    assert polled.value.field == "start"
    with pytest.raises(InvalidRequestError):
        fb.invoices.poll(start=timedelta(days=365 * 100), store=None)
