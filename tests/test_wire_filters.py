"""The wire facts checked against FreshBooks' docs and the official SDKs, sync and async:

* payments list: the documented ``search[...]`` keys ``date_min``/``date_max`` (exclusive max),
  ``updated_min`` (Eastern day, then exact on the client) and ``type``
  (https://www.freshbooks.com/api/payments);
* projects list: ``updated_since`` is a real filter taking a UTC instant, and the documented
  ``include_logged_duration`` and ``skip_group`` (https://www.freshbooks.com/api/project);
* time entry PUT: ``billed`` and ``identity_id``, as the official SDKs send them
  (freshbooks-nodejs-sdk ``transformTimeEntryRequest``, freshbooks-java-sdk ``getContent``).

Each is sent as documented, answered by the sandbox the documented way, and refused as a typed
error before any request when it is bad.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from freshbooks_sdk._core.business import project_filters, time_entry_update_body
from freshbooks_sdk._core.fbtime import eastern_date
from freshbooks_sdk.errors import InvalidRequestError
from freshbooks_sdk.sandbox import Sandbox
from freshbooks_sdk.sandbox.clock import FakeClock
from test_business_updates import SENT, WRITE_SCOPES, _close, _make, collect, resolve

UTC = timezone.utc


@pytest.fixture(params=["sync", "async"])
async def fb(
    request: pytest.FixtureRequest, freshbooks_sandbox: Sandbox, freshbooks_clock: FakeClock
) -> AsyncIterator[Any]:
    client = _make(request.param, freshbooks_sandbox, freshbooks_clock, WRITE_SCOPES)
    yield client
    await _close(client)


def _query(sb: Sandbox) -> dict[str, str]:
    return dict(sb.request_log[-1].query)


# ---- payments --------------------------------------------------------------------------------


async def _paid_invoice(fb: Any, email: str) -> Any:
    client = await resolve(fb.clients.create(email=email, fname="Pay"))
    return await resolve(
        fb.invoices.create(
            customer_id=client.id,
            create_date=date(2024, 5, 1),
            currency_code="USD",
            lines=[{"name": "Work", "qty": "1", "unit_cost": "300.00"}],
        )
    )


async def test_payment_list_filters(
    fb: Any, freshbooks_sandbox: Sandbox, freshbooks_clock: FakeClock
) -> None:
    sb = freshbooks_sandbox
    inv = await _paid_invoice(fb, "filters@pay.example")

    async def pay(amount: str, day: date, kind: str) -> Any:
        return await resolve(
            fb.payments.create(
                invoice_id=inv.id, amount=amount, currency_code="USD", date=day, type=kind
            )
        )

    cash = await pay("10.00", date(2024, 5, 2), "Cash")
    check = await pay("20.00", date(2024, 5, 3), "Check")
    freshbooks_clock.advance(3 * 3600)
    cut = freshbooks_clock()
    freshbooks_clock.advance(60)
    late = await pay("30.00", date(2024, 5, 4), "Cash")

    ranged = await collect(fb.payments.list(date_from=date(2024, 5, 3), date_to=date(2024, 5, 4)))
    assert [p.id for p in ranged] == [check.id]  # date_to is exclusive, as documented
    query = _query(sb)
    assert (query["search[date_min]"], query["search[date_max]"]) == ("2024-05-03", "2024-05-04")

    by_type = await collect(fb.payments.list(type="Cash", invoice_id=inv.id))
    assert [p.id for p in by_type] == [cash.id, late.id]
    assert _query(sb)["search[type]"] == "Cash"

    since = await collect(fb.payments.list(updated_since=cut))
    assert [p.id for p in since] == [late.id]  # exact: same Eastern day, kept on the client
    day = eastern_date(cut).isoformat()
    assert _query(sb)["search[updated_min]"] == day
    # The day filter alone keeps the earlier payments of that day: the client-side cut matters.
    raw = await resolve(
        fb.request(
            "GET",
            "/accounting/account/{account_id}/payments/payments",
            params={"search[updated_min]": day},
        )
    )
    assert {p["id"] for p in raw["response"]["result"]["payments"]} == {
        cash.id,
        check.id,
        late.id,
    }


async def test_payment_list_refuses_bad_filters_before_any_request(
    fb: Any, freshbooks_sandbox: Sandbox
) -> None:
    await resolve(fb.identity.me())
    before = len(freshbooks_sandbox.request_log)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"date_from": "2024-05-01"}, "date_from"),
        ({"date_to": datetime(2024, 5, 1, tzinfo=UTC)}, "date_to"),
        ({"date_from": date(2024, 5, 2), "date_to": date(2024, 5, 1)}, "date_to"),
        ({"updated_since": datetime(2024, 5, 1)}, "updated_since"),  # naive
        ({"updated_since": date(2024, 5, 1)}, "updated_since"),
        ({"type": ""}, "type"),
        ({"type": "Cash\n"}, "type"),
        ({"type": 5}, "type"),
        ({"type": "x" * 101}, "type"),
        ({"invoice_id": 0}, "invoice_id"),
        ({"client_id": True}, "client_id"),
    ]
    for kwargs, field in cases:
        with pytest.raises(InvalidRequestError) as info:
            await collect(fb.payments.list(**kwargs))
        assert info.value.field == field, kwargs
    assert len(freshbooks_sandbox.request_log) == before


# ---- projects --------------------------------------------------------------------------------


async def test_project_updated_since_is_an_instant_filter(
    fb: Any, freshbooks_sandbox: Sandbox, freshbooks_clock: FakeClock
) -> None:
    old = await resolve(fb.projects.create(title="Old"))
    touched = await resolve(fb.projects.create(title="Touched"))
    freshbooks_clock.advance(90)
    cut = freshbooks_clock()
    freshbooks_clock.advance(1)
    await resolve(fb.projects.update(touched.id, title="Touched again"))

    found = await collect(fb.projects.list(updated_since=cut))
    assert [p.id for p in found] == [touched.id]  # same day, 91 s apart: not day-granular
    assert _query(freshbooks_sandbox)["updated_since"] == cut.strftime("%Y-%m-%dT%H:%M:%SZ")
    everything = await collect(fb.projects.list(updated_since=cut - timedelta(hours=1)))
    assert {p.id for p in everything} == {old.id, touched.id}


async def test_project_logged_duration_and_skip_group(fb: Any, freshbooks_sandbox: Sandbox) -> None:
    busy = await resolve(fb.projects.create(title="Busy"))
    idle = await resolve(fb.projects.create(title="Idle"))
    start = datetime(2024, 5, 1, 14, 0, tzinfo=UTC)
    for seconds in (900, 2700):
        await resolve(
            fb.time_entries.create(started_at=start, duration=seconds, project_id=busy.id)
        )
    gone = await resolve(fb.time_entries.create(started_at=start, duration=60, project_id=busy.id))
    await resolve(fb.time_entries.delete(gone.id))  # a deleted entry is not logged time

    plain = await collect(fb.projects.list())
    assert [(p.logged_duration, p.group_id is not None) for p in plain] == [(None, True)] * 2
    logged = {
        p.id: p.logged_duration
        for p in await collect(fb.projects.list(include_logged_duration=True, skip_group=True))
    }
    assert logged == {busy.id: 3600, idle.id: 0}
    query = _query(freshbooks_sandbox)
    assert (query["include_logged_duration"], query["skip_group"]) == ("true", "true")
    skipped = await collect(fb.projects.list(skip_group=True))
    assert all(p.group_id is None and p.group is None for p in skipped)

    before = len(freshbooks_sandbox.request_log)
    for kwargs, field in (
        ({"include_logged_duration": "yes"}, "include_logged_duration"),
        ({"skip_group": 1}, "skip_group"),
        ({"updated_since": datetime(2024, 5, 1)}, "updated_since"),
        ({"updated_since": "2024-05-01T00:00:00Z"}, "updated_since"),
    ):
        with pytest.raises(InvalidRequestError) as info:
            await collect(fb.projects.list(**kwargs))
        assert info.value.field == field, kwargs
    assert len(freshbooks_sandbox.request_log) == before


def test_project_filters_send_documented_names() -> None:
    assert project_filters(include_logged_duration=True, skip_group=False) == [
        ("include_logged_duration", "true"),
        ("skip_group", "false"),
    ]
    eastern = timezone(timedelta(hours=-4))
    assert project_filters(updated_since=datetime(2024, 5, 1, 9, 30, tzinfo=eastern)) == [
        ("updated_since", "2024-05-01T13:30:00Z")
    ]


# ---- time entries ----------------------------------------------------------------------------


async def test_time_entry_update_billed_and_identity(fb: Any, freshbooks_sandbox: Sandbox) -> None:
    start = datetime(2024, 5, 1, 14, 0, tzinfo=UTC)
    entry = await resolve(fb.time_entries.create(started_at=start, duration=900))
    other = await resolve(fb.time_entries.create(started_at=start, duration=60))
    me = entry.identity_id

    billed = await resolve(fb.time_entries.update(entry.id, billed=True))
    assert billed.billed is True and billed.duration == 900
    assert json.loads(SENT[-1].content) == {"time_entry": {"billed": True}}
    assert [e.id for e in await collect(fb.time_entries.list(billed=True))] == [entry.id]
    assert [e.id for e in await collect(fb.time_entries.list(billed=False))] == [other.id]
    unbilled = await resolve(fb.time_entries.update(entry.id, billed=False))
    assert unbilled.billed is False

    moved = await resolve(fb.time_entries.update(entry.id, identity_id=me + 1))
    assert moved.identity_id == me + 1
    assert json.loads(SENT[-1].content) == {"time_entry": {"identity_id": me + 1}}
    assert [e.id for e in await collect(fb.time_entries.list())] == [other.id]  # mine only
    team = await collect(fb.time_entries.list(team=True))
    assert {e.id for e in team} == {entry.id, other.id}

    before = len(freshbooks_sandbox.request_log)
    for kwargs, field in (
        ({"billed": "yes"}, "billed"),
        ({"billed": 1}, "billed"),
        ({"identity_id": 0}, "identity_id"),
        ({"identity_id": True}, "identity_id"),
    ):
        with pytest.raises(InvalidRequestError) as info:
            await resolve(fb.time_entries.update(entry.id, **kwargs))
        assert info.value.field == field, kwargs
    assert len(freshbooks_sandbox.request_log) == before


def test_time_entry_update_body_fields() -> None:
    assert time_entry_update_body(billed=False) == {"billed": False}
    assert time_entry_update_body(identity_id=7, billable=True) == {
        "identity_id": 7,
        "billable": True,
    }


# ---- the exact updated_since cut (payments, invoices, clients, expenses) ----------------------


def test_the_updated_since_cut_never_drops_a_record_that_may_be_after_it() -> None:
    from types import SimpleNamespace

    from freshbooks_sdk._core.fbtime import parse_accounting_datetime
    from freshbooks_sdk._core.inputs import updated_since_filter

    def kept(cut: datetime, updated: str) -> bool:
        _day, keep = updated_since_filter(cut)
        assert keep is not None
        return keep(SimpleNamespace(updated=parse_accounting_datetime(updated)))

    # updated has whole seconds: 10:00:00 Eastern may be 10:00:00.9, after a cut at .3
    assert kept(datetime(2024, 3, 15, 14, 0, 0, 300000, tzinfo=UTC), "2024-03-15 10:00:00")
    assert not kept(datetime(2024, 3, 15, 14, 0, 0, 300000, tzinfo=UTC), "2024-03-15 09:59:59")
    # 01:30 on the day DST ends happens twice (05:30Z, then 06:30Z); FreshBooks' text cannot
    # say which, so a cut between the two keeps it
    assert kept(datetime(2024, 11, 3, 6, 0, tzinfo=UTC), "2024-11-03 01:30:00")
    assert not kept(datetime(2024, 11, 3, 6, 31, tzinfo=UTC), "2024-11-03 01:30:00")
    assert not kept(datetime(2024, 11, 3, 6, 0, tzinfo=UTC), "2024-11-03 00:59:59")  # EDT only
    assert kept(datetime(2024, 11, 3, 7, 0, tzinfo=UTC), "2024-11-03 02:00:00")  # EST only


@pytest.mark.parametrize("resource", ["invoices", "expenses", "payments"])
async def test_a_date_range_ending_before_it_starts_is_refused_unsent(
    fb: Any, freshbooks_sandbox: Sandbox, resource: str
) -> None:
    await resolve(fb.identity.me())
    before = len(freshbooks_sandbox.request_log)
    listing = getattr(fb, resource).list
    with pytest.raises(InvalidRequestError) as info:
        await collect(listing(date_from=date(2024, 5, 2), date_to=date(2024, 5, 1)))
    assert info.value.field == "date_to" and "before date_from" in str(info.value)
    one_day = await collect(listing(date_from=date(2024, 5, 1), date_to=date(2024, 5, 2)))
    assert isinstance(one_day, list)
    assert len(freshbooks_sandbox.request_log) == before + 1
