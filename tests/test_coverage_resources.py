"""Issue 13 resources, sync and async against the in-process sandbox: the raw escape hatch
``fb.request``, time entries and projects (business_id paths, bare envelopes, bare filters)."""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest

from freshbooks_sdk import AsyncFreshBooks, FreshBooks
from freshbooks_sdk._core.business import meta_listing
from freshbooks_sdk.errors import (
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    ResponseValidationError,
    UnprocessableEntityError,
)
from freshbooks_sdk.models import (
    Project,
    ProjectListResponse,
    ProjectResponse,
    TimeEntry,
    TimeEntryListResponse,
    TimeEntryResponse,
)
from freshbooks_sdk.sandbox import Sandbox
from freshbooks_sdk.sandbox.clock import FakeClock
from freshbooks_sdk.sandbox.seed import APP_SCOPES

UTC = timezone.utc


async def resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def collect(pager: Any) -> list[Any]:
    if hasattr(pager, "__aiter__"):
        return [item async for item in pager]
    return list(pager)


def _client(kind: str, transport: Any, clock: FakeClock, **kw: Any) -> Any:
    if kind == "sync":
        return FreshBooks(
            http_client=httpx.Client(transport=transport),
            clock=clock,
            sleep=clock.advance,
            **kw,
        )

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)

    return AsyncFreshBooks(
        http_client=httpx.AsyncClient(transport=transport), clock=clock, sleep=sleep, **kw
    )


async def _close(client: Any) -> None:
    await resolve(client.aclose() if isinstance(client, AsyncFreshBooks) else client.close())


@pytest.fixture(params=["sync", "async"])
async def fb(
    request: pytest.FixtureRequest, freshbooks_sandbox: Sandbox, freshbooks_clock: FakeClock
) -> AsyncIterator[Any]:
    sb = freshbooks_sandbox
    transport = sb.transport() if request.param == "sync" else sb.async_transport()
    client = _client(
        request.param,
        transport,
        freshbooks_clock,
        access_token=sb.issue_token(scopes=APP_SCOPES),
        account_id=sb.account_ids[0],
    )
    yield client
    await _close(client)


def _mock(kind: str, handler: Callable[[httpx.Request], httpx.Response]) -> Any:
    clock = FakeClock(datetime(2024, 5, 1, tzinfo=UTC))
    transport: Any = httpx.MockTransport(handler)
    return _client(kind, transport, clock, access_token="t", account_id="ABC123")


def _requests_after(sb: Sandbox, start: int) -> list[Any]:
    return sb.request_log[start:]


# ---- fb.request ------------------------------------------------------------------------------


@pytest.mark.spec_exempt  # include[]=a&include[]=b: encoding is checked, not FreshBooks' keys
async def test_request_reads_and_writes_with_the_envelope(
    fb: Any, freshbooks_sandbox: Sandbox
) -> None:
    created = await resolve(
        fb.request(
            "POST",
            "/accounting/account/{account_id}/users/clients",
            json={"client": {"email": "raw@example.com", "fname": "Raw"}},
        )
    )
    client = created["response"]["result"]["client"]
    assert client["email"] == "raw@example.com"
    listed = await resolve(
        fb.request(
            "GET",
            "/accounting/account/{account_id}/users/clients",
            params={"search[email]": "raw@example.com", "per_page": 5, "include[]": ["a", "b"]},
        )
    )
    assert listed["response"]["result"]["total"] == 1
    last = freshbooks_sandbox.request_log[-1]
    assert last.path == f"/accounting/account/{freshbooks_sandbox.account_ids[0]}/users/clients"
    assert last.query == (
        ("search[email]", "raw@example.com"),
        ("per_page", "5"),
        ("include[]", "a"),
        ("include[]", "b"),
    )
    with pytest.raises(NotFoundError) as info:
        await resolve(fb.request("GET", "/accounting/account/{account_id}/users/clients/999"))
    assert info.value.status_code == 404
    entries = await resolve(fb.request("GET", "/timetracking/business/{business_id}/time_entries"))
    assert entries["meta"]["total"] == 0
    business_id = freshbooks_sandbox.business(freshbooks_sandbox.account_ids[0]).business_id
    assert (
        freshbooks_sandbox.request_log[-1].path
        == f"/timetracking/business/{business_id}/time_entries"
    )


async def test_request_refuses_bad_input_before_any_request(
    fb: Any, freshbooks_sandbox: Sandbox
) -> None:
    before = len(freshbooks_sandbox.request_log)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"method": "TRACE", "path": "/x"}, "method"),
        ({"method": "GET", "path": "accounting/x"}, "path"),
        ({"method": "GET", "path": "https://evil.example/x"}, "path"),
        ({"method": "GET", "path": "/accounting/../auth"}, "path"),
        ({"method": "GET", "path": "/accounting/x?search[a]=1"}, "path"),
        ({"method": "GET", "path": "/a b"}, "path"),
        ({"method": "GET", "path": "/x", "json": {"a": 1}}, "json"),
        ({"method": "POST", "path": "/x", "json": {"a": float("nan")}}, "json"),
        ({"method": "POST", "path": "/x", "json": {"a": Decimal("1.5")}}, "json"),
        ({"method": "GET", "path": "/x", "params": {"a": 1.5}}, "params[a]"),
        ({"method": "GET", "path": "/x", "params": {"a": datetime(2024, 1, 1)}}, "params[a]"),
        ({"method": "GET", "path": "/x", "params": {"a": "\x00"}}, "params[a]"),
        ({"method": "GET", "path": "/x", "params": "a=1"}, "params"),
        ({"method": "GET", "path": "/x", "idempotent": "yes"}, "idempotent"),
    ]
    for kwargs, field in cases:
        method = kwargs.pop("method")
        path = kwargs.pop("path")
        with pytest.raises(InvalidRequestError) as info:
            await resolve(fb.request(method, path, **kwargs))
        assert info.value.field == field, (method, path, kwargs)
    assert len(freshbooks_sandbox.request_log) == before


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_request_decodes_empty_non_json_and_carried_errors(kind: str) -> None:
    bodies = iter(
        [
            httpx.Response(204),
            httpx.Response(200, text="<html>oops</html>"),
            httpx.Response(
                200,
                json={"response": {"errors": [{"errno": 1012, "message": "Client not found."}]}},
            ),
        ]
    )
    fb = _mock(kind, lambda request: next(bodies))
    assert (
        await resolve(fb.request("DELETE", "/events/account/{account_id}/events/callbacks/1"))
        is None
    )
    with pytest.raises(ResponseValidationError):
        await resolve(fb.request("GET", "/x"))
    with pytest.raises(NotFoundError) as info:
        await resolve(fb.request("GET", "/x"))
    assert info.value.errors[0].errno == 1012
    await _close(fb)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_request_never_resends_a_post_but_retries_a_get(kind: str) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        return httpx.Response(500, json={"message": "boom"})

    fb = _mock(kind, handler)
    with pytest.raises(InternalServerError):
        await resolve(fb.request("POST", "/x", json={"a": 1}))
    assert seen == ["POST"]
    with pytest.raises(InternalServerError):
        await resolve(fb.request("GET", "/x"))
    assert seen.count("GET") == 4  # first try + max_retries=3
    seen.clear()
    with pytest.raises(InternalServerError):
        await resolve(fb.request("POST", "/x", json={"a": 1}, idempotent=True))
    assert seen == ["POST"] * 4
    await _close(fb)


# ---- time entries ----------------------------------------------------------------------------


async def _client_id(fb: Any) -> int:
    client = await resolve(fb.clients.create(email="time@example.com", fname="Tim"))
    return int(client.id)


async def test_time_entries_create_get_list(fb: Any, freshbooks_sandbox: Sandbox) -> None:
    cid = await _client_id(fb)
    start = datetime(2024, 5, 1, 14, 0, tzinfo=UTC)
    made = [
        await resolve(
            fb.time_entries.create(
                started_at=start + timedelta(hours=i),
                duration=900 * (i + 1),
                client_id=cid if i % 2 == 0 else None,
                billable=i != 3,
                note=f"entry {i}",
            )
        )
        for i in range(5)
    ]
    assert all(isinstance(e, TimeEntry) for e in made)
    first = made[0]
    assert first.started_at == start and first.duration == 900 and first.client_id == cid
    assert first.local_started_at == "2024-05-01T10:00:00"  # America/New_York, EDT
    business_id = freshbooks_sandbox.business(freshbooks_sandbox.account_ids[0]).business_id
    post = next(
        r for r in freshbooks_sandbox.request_log if r.method == "POST" and "time" in r.path
    )
    assert post.path == f"/timetracking/business/{business_id}/time_entries"

    got = await resolve(fb.time_entries.get(made[2].id))
    assert got.note == "entry 2" and got.started_at == start + timedelta(hours=2)

    mark = len(freshbooks_sandbox.request_log)
    entries = await collect(
        fb.time_entries.list(
            started_from=start + timedelta(hours=1),
            started_to=start + timedelta(hours=4),
            billable=True,
            per_page=1,
        )
    )
    assert [e.id for e in entries] == [made[1].id, made[2].id, made[4].id]
    pages = _requests_after(freshbooks_sandbox, mark)
    assert len(pages) == 3
    for number, logged in enumerate(pages, start=1):
        assert logged.query == (
            ("started_from", "2024-05-01T15:00:00Z"),
            ("started_to", "2024-05-01T18:00:00Z"),
            ("billable", "true"),
            ("page", str(number)),
            ("per_page", "1"),
        )
    by_client = await collect(fb.time_entries.list(client_id=cid, sort="-started_at"))
    assert [e.id for e in by_client] == [made[4].id, made[2].id, made[0].id]
    assert (
        await collect(fb.time_entries.list(max_items=2))
        == (await collect(fb.time_entries.list()))[:2]
    )


async def test_time_entries_refuse_bad_input_before_network(
    fb: Any, freshbooks_sandbox: Sandbox
) -> None:
    await resolve(fb.identity.me())  # the business id lookup is the only allowed request
    before = len(freshbooks_sandbox.request_log)
    aware = datetime(2024, 5, 1, tzinfo=UTC)
    bad_creates: list[tuple[dict[str, Any], str]] = [
        ({"started_at": datetime(2024, 5, 1), "duration": 60}, "started_at"),
        ({"started_at": "2024-05-01T00:00:00Z", "duration": 60}, "started_at"),
        ({"started_at": aware, "duration": -1}, "duration"),
        ({"started_at": aware, "duration": True}, "duration"),
        ({"started_at": aware, "duration": 60.0}, "duration"),
        ({"started_at": aware, "duration": 60, "client_id": 0}, "client_id"),
        ({"started_at": aware, "duration": 60, "billable": "yes"}, "billable"),
        ({"started_at": aware, "duration": 60, "note": "\ud800"}, "note"),
    ]
    for kwargs, field in bad_creates:
        with pytest.raises(InvalidRequestError) as info:
            await resolve(fb.time_entries.create(**kwargs))
        assert info.value.field == field, kwargs
    bad_lists: list[tuple[dict[str, Any], str]] = [
        ({"started_from": aware, "started_to": aware - timedelta(seconds=1)}, "started_to"),
        ({"updated_since": date(2024, 5, 1)}, "updated_since"),
        ({"sort": "note"}, "sort"),
        ({"project_id": -3}, "project_id"),
        ({"team": 1}, "team"),
    ]
    for kwargs, field in bad_lists:
        with pytest.raises(InvalidRequestError) as info:
            fb.time_entries.list(**kwargs)
        assert info.value.field == field, kwargs
    with pytest.raises(InvalidRequestError):
        await resolve(fb.time_entries.get(0))
    assert len(freshbooks_sandbox.request_log) == before


async def test_time_entries_server_side_errors_are_typed(
    fb: Any, freshbooks_sandbox: Sandbox
) -> None:
    aware = datetime(2024, 5, 1, tzinfo=UTC)
    with pytest.raises(UnprocessableEntityError) as info:
        await resolve(fb.time_entries.create(started_at=aware, duration=60, client_id=424242))
    assert info.value.errors[0].field == "client_id" and info.value.errors[0].errno == 2001
    with pytest.raises(NotFoundError):
        await resolve(fb.time_entries.get(123))
    sb = freshbooks_sandbox
    kind = "async" if isinstance(fb, AsyncFreshBooks) else "sync"
    token = sb.issue_token(scopes=["user:profile:read"])
    narrow = (
        sb.client(access_token=token) if kind == "sync" else sb.async_client(access_token=token)
    )
    with pytest.raises(PermissionDeniedError) as denied:
        await collect(narrow.time_entries.list())
    assert "user:time_entries:read" in str(denied.value)
    await _close(narrow)


async def test_explicit_business_id_skips_users_me(fb: Any, freshbooks_sandbox: Sandbox) -> None:
    sb = freshbooks_sandbox
    second = sb.business(sb.account_ids[1]).business_id
    before = len(sb.request_log)
    assert await collect(fb.time_entries.for_business(second).list()) == []
    assert [r.path for r in sb.request_log[before:]] == [
        f"/timetracking/business/{second}/time_entries"
    ]
    with pytest.raises(InvalidRequestError) as info:
        fb.projects.for_business(0)
    assert info.value.field == "business_id"


# ---- projects --------------------------------------------------------------------------------


async def test_projects_create_get_list(fb: Any, freshbooks_sandbox: Sandbox) -> None:
    cid = await _client_id(fb)
    hourly = await resolve(
        fb.projects.create(
            title="Website",
            client_id=cid,
            project_type="hourly_rate",
            billing_method="project_rate",
            rate="95.00",
            due_date=date(2024, 6, 30),
        )
    )
    fixed = await resolve(
        fb.projects.create(title="Logo", internal=True, project_type="fixed_price", fixed_price=500)
    )
    assert isinstance(hourly, Project)
    assert hourly.rate == Decimal("95.00") and hourly.due_date == date(2024, 6, 30)
    assert fixed.fixed_price == Decimal("500") and fixed.internal is True
    business_id = freshbooks_sandbox.business(freshbooks_sandbox.account_ids[0]).business_id
    posts = [
        r.path for r in freshbooks_sandbox.request_log if r.method == "POST" and "proj" in r.path
    ]
    assert posts == [f"/projects/business/{business_id}/project"] * 2

    got = await resolve(fb.projects.get(hourly.id))
    assert got.title == "Website" and got.group is not None
    assert freshbooks_sandbox.request_log[-1].path.endswith(f"/project/{hourly.id}")

    assert [p.id for p in await collect(fb.projects.list(client_id=cid))] == [hourly.id]
    assert [p.id for p in await collect(fb.projects.list(internal=True))] == [fixed.id]
    assert [p.title for p in await collect(fb.projects.list(sort="-title"))] == ["Website", "Logo"]
    assert freshbooks_sandbox.request_log[-1].query[0] == ("sort", "-title")
    with pytest.raises(NotFoundError):
        await resolve(fb.projects.get(1))

    # a time entry billed to the project
    entry = await resolve(
        fb.time_entries.create(
            started_at=datetime(2024, 5, 2, tzinfo=UTC), duration=60, project_id=hourly.id
        )
    )
    assert [e.id for e in await collect(fb.time_entries.list(project_id=hourly.id))] == [entry.id]


async def test_projects_refuse_bad_input_before_network(
    fb: Any, freshbooks_sandbox: Sandbox
) -> None:
    before = len(freshbooks_sandbox.request_log)
    bad: list[tuple[dict[str, Any], str]] = [
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"title": "x", "project_type": "weekly"}, "project_type"),
        ({"title": "x", "billing_method": "hourly"}, "billing_method"),
        ({"title": "x", "project_type": "fixed_price"}, "fixed_price"),
        ({"title": "x", "rate": 9.5}, "rate"),
        ({"title": "x", "rate": "-1"}, "rate"),
        ({"title": "x", "due_date": datetime(2024, 1, 1, tzinfo=UTC)}, "due_date"),
        ({"title": "x", "internal": True, "client_id": 5}, "client_id"),
        ({"title": "x", "budget": -5}, "budget"),
    ]
    for kwargs, field in bad:
        with pytest.raises(InvalidRequestError) as info:
            await resolve(fb.projects.create(**kwargs))
        assert info.value.field == field, kwargs
    with pytest.raises(InvalidRequestError):
        fb.projects.list(complete="no")
    assert len(freshbooks_sandbox.request_log) == before


# ---- real bodies -----------------------------------------------------------------------------


def test_shared_fixtures_fit_the_models(shared_fixtures: Any) -> None:
    java = shared_fixtures / "amcintosh-freshbooks-java-sdk"
    py = shared_fixtures / "freshbooks-python-sdk"
    node = shared_fixtures / "freshbooks-nodejs-sdk"
    listing = meta_listing(TimeEntryListResponse, "time_entries")
    page = listing((java / "list_time_entries_response.json").read_bytes())
    assert page.info.total == 2 and page.info.per_page == 30 and len(page.items) == 2
    first = page.items[0]
    assert first.started_at == datetime(2023, 8, 8, 19, 56, 50, tzinfo=UTC)
    assert first.timer is not None and first.timer.is_running is False
    assert page.items[1].timer is None and page.items[1].client_id is None
    for body in (py / "list_time_entries_response.json", java / "get_time_entry_response.json"):
        raw = json.loads(body.read_bytes())
        model = TimeEntryListResponse if "time_entries" in raw else TimeEntryResponse
        model.model_validate(raw)
    created = TimeEntryResponse.model_validate_json(
        (node / "TimeEntry.test__03.response.json").read_bytes()
    )
    assert created.time_entry.started_at == datetime(2020, 1, 21, 10, tzinfo=UTC)

    projects = meta_listing(ProjectListResponse, "projects")(
        (py / "list_projects_response.json").read_bytes()
    )
    assert projects.info.total == 3
    assert projects.items[0].created_at == datetime(2020, 9, 13, 1, 7, 51, tzinfo=UTC)  # no Z: UTC
    one = ProjectResponse.model_validate_json((java / "get_project_response.json").read_bytes())
    assert one.project.fixed_price == Decimal("10.00") and one.project.group is not None
    assert one.abilities is not None and one.abilities[0].name == "can_edit"
    with pytest.raises(ResponseValidationError):  # the fixture's hand-edited bad date
        from freshbooks_sdk._core.business import bare_single

        bare_single(ProjectResponse, "project")((py / "create_project_response.json").read_bytes())


# ---- payments, taxes, items ------------------------------------------------------------------


async def _invoice(fb: Any, total: str = "100.00") -> Any:
    cid = await _client_id(fb)
    return await resolve(
        fb.invoices.create(
            customer_id=cid,
            create_date=date(2024, 5, 1),
            currency_code="USD",
            lines=[{"name": "Work", "qty": "1", "unit_cost": total}],
        )
    )


async def test_payments_pay_the_invoice(fb: Any, freshbooks_sandbox: Sandbox) -> None:
    from freshbooks_sdk import Money

    inv = await _invoice(fb)
    part = await resolve(
        fb.payments.create(
            invoice_id=inv.id,
            amount="40.00",
            currency_code="USD",
            date=date(2024, 5, 2),
            type="Cash",
        )
    )
    assert part.amount == Money.of("40.00", "USD") and part.invoiceid == inv.id
    assert part.type == "Cash" and part.date == date(2024, 5, 2)
    assert (await resolve(fb.invoices.get(inv.id))).v3_status.value == "partial"
    rest = await resolve(
        fb.payments.create(
            invoice_id=inv.id, amount=Money.of("60.00", "USD"), date=date(2024, 5, 3)
        )
    )
    assert (await resolve(fb.invoices.get(inv.id))).v3_status.value == "paid"
    assert [p.id for p in await collect(fb.payments.list(invoice_id=inv.id))] == [part.id, rest.id]
    assert ("search[invoiceid]", str(inv.id)) in freshbooks_sandbox.request_log[-1].query
    assert (await resolve(fb.payments.get(rest.id))).amount.amount == Decimal("60.00")
    with pytest.raises(UnprocessableEntityError):  # nothing left to pay
        await resolve(
            fb.payments.create(
                invoice_id=inv.id, amount="1", currency_code="USD", date=date(2024, 5, 4)
            )
        )
    before = len(freshbooks_sandbox.request_log)
    bad: list[tuple[dict[str, Any], str]] = [
        ({"amount": "10"}, "amount"),  # no currency anywhere: never assumed
        ({"amount": 10.5, "currency_code": "USD"}, "amount"),
        ({"amount": "0", "currency_code": "USD"}, "amount"),
        ({"amount": "-5", "currency_code": "USD"}, "amount"),
        ({"amount": "5", "currency_code": "US"}, "currency_code"),
        ({"amount": "5", "currency_code": "USD", "date": "2024-05-01"}, "date"),
        ({"amount": "5", "currency_code": "USD", "invoice_id": 0}, "invoice_id"),
    ]
    for kwargs, field in bad:
        args = {"invoice_id": inv.id, "date": date(2024, 5, 1)} | kwargs
        with pytest.raises(InvalidRequestError) as info:
            await resolve(fb.payments.create(**args))
        assert info.value.field == field, kwargs
    assert len(freshbooks_sandbox.request_log) == before


async def test_taxes_and_items(fb: Any, freshbooks_sandbox: Sandbox) -> None:
    from freshbooks_sdk import Money

    hst = await resolve(fb.taxes.create(name="HST", percent="13", number="RT 1234"))
    gst = await resolve(fb.taxes.create(name="GST", percent=Decimal("5.5"), compound=True))
    assert hst.amount == Decimal("13") and hst.number == "RT 1234" and gst.compound is True
    assert [t.name for t in await collect(fb.taxes.list())] == ["HST", "GST"]
    assert (await resolve(fb.taxes.get(gst.id))).amount == Decimal("5.5")
    bowl = await resolve(
        fb.items.create(
            name="Bowl", unit_cost=Money.of("12.50", "USD"), qty="40", sku="B-1", tax1=hst.id
        )
    )
    assert bowl.unit_cost == Money.of("12.50", "USD") and bowl.qty == Decimal("40")
    assert bowl.tax1 == hst.id and bowl.tax2 == 0
    assert [i.id for i in await collect(fb.items.list())] == [bowl.id]
    assert (await resolve(fb.items.get(bowl.id))).sku == "B-1"
    with pytest.raises(NotFoundError):
        await resolve(fb.items.get(bowl.id + 1))
    before = len(freshbooks_sandbox.request_log)
    for call, kwargs, field in [
        (fb.taxes.create, {"name": "X", "percent": "101"}, "percent"),
        (fb.taxes.create, {"name": " ", "percent": "1"}, "name"),
        (fb.taxes.create, {"name": "X", "percent": 1.5}, "percent"),
        (fb.items.create, {"name": "X", "unit_cost": "1.00"}, "unit_cost"),
        (fb.items.create, {"name": "X", "tax1": -1}, "tax1"),
        (fb.items.create, {"name": "X", "qty": "many"}, "qty"),
    ]:
        with pytest.raises(InvalidRequestError) as info:
            await resolve(call(**kwargs))
        assert info.value.field == field, kwargs
    assert len(freshbooks_sandbox.request_log) == before


def test_payment_tax_item_fixtures_fit_the_models(shared_fixtures: Any) -> None:
    from freshbooks_sdk.models import (
        ItemListResponse,
        ItemResponse,
        PaymentListResponse,
        PaymentResponse,
        TaxListResponse,
        TaxResponse,
    )

    java = shared_fixtures / "amcintosh-freshbooks-java-sdk"
    pay = PaymentResponse.model_validate_json((java / "get_payment_response.json").read_bytes())
    assert pay.response.result.payment.amount is not None
    assert pay.response.result.payment.amount.amount == Decimal("41.94")
    assert pay.response.result.payment.updated == datetime(2021, 4, 17, 9, 29, 31, tzinfo=UTC)
    tax = TaxResponse.model_validate_json((java / "get_tax_response.json").read_bytes())
    assert tax.response.result.tax.amount == Decimal("13")
    item = ItemResponse.model_validate_json((java / "get_item_response.json").read_bytes())
    assert item.response.result.item.tax1 == 7840
    for name, model in [
        ("list_payments_response.json", PaymentListResponse),
        ("list_taxes_response.json", TaxListResponse),
        ("list_items_response.json", ItemListResponse),
    ]:
        model.model_validate_json((java / name).read_bytes())


# ---- invoice PDF -----------------------------------------------------------------------------


async def test_invoice_pdf(fb: Any, freshbooks_sandbox: Sandbox) -> None:
    import re

    inv = await _invoice(fb, total="123.45")
    pdf = await resolve(fb.invoices.pdf(inv.id))
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    assert b"123.45" in pdf and str(inv.invoice_number).encode() in pdf
    # the cross-reference table points at each object exactly
    xref_at = int(re.search(rb"startxref\n(\d+)", pdf).group(1))  # type: ignore[union-attr]  # asserted by the format
    assert pdf[xref_at:].startswith(b"xref")
    for number, offset in enumerate(re.findall(rb"(\d{10}) 00000 n", pdf), start=1):
        assert pdf[int(offset) :].startswith(f"{number} 0 obj".encode())
    logged = freshbooks_sandbox.request_log[-1]
    assert logged.path.endswith(f"/invoices/invoices/{inv.id}/pdf") and logged.status == 200
    with pytest.raises(NotFoundError):
        await resolve(fb.invoices.pdf(inv.id + 1000))
    with pytest.raises(ResponseValidationError, match="max_bytes"):
        await resolve(fb.invoices.pdf(inv.id, max_bytes=100))
    with pytest.raises(InvalidRequestError) as info:
        await resolve(fb.invoices.pdf(inv.id, max_bytes=0))
    assert info.value.field == "max_bytes"


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_invoice_pdf_sends_accept_pdf_and_refuses_non_pdf(kind: str) -> None:
    seen: list[str] = []
    bodies = iter(
        [
            httpx.Response(
                200, content=b"%PDF-1.7 tiny", headers={"content-type": "application/pdf"}
            ),
            httpx.Response(200, text="<html>login</html>", headers={"content-type": "text/html"}),
            httpx.Response(
                200,
                json={"response": {"errors": [{"errno": 1012, "message": "Invoice not found."}]}},
            ),
        ]
    )

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["accept"])
        return next(bodies)

    fb = _mock(kind, handler)
    assert await resolve(fb.invoices.pdf(7)) == b"%PDF-1.7 tiny"
    with pytest.raises(ResponseValidationError, match="text/html"):
        await resolve(fb.invoices.pdf(7))
    with pytest.raises(NotFoundError):
        await resolve(fb.invoices.pdf(7))
    assert seen == ["application/pdf"] * 3
    await _close(fb)


# ---- business-family error bodies (real fixtures) --------------------------------------------


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_business_family_errors_are_typed(kind: str, shared_fixtures: Any) -> None:
    from freshbooks_sdk.errors import AuthenticationError

    py = shared_fixtures / "freshbooks-python-sdk"
    answers = iter(
        [
            httpx.Response(
                422, content=(py / "create_project__validation_errors.json").read_bytes()
            ),
            httpx.Response(404, content=(py / "get_project_response__not_found.json").read_bytes()),
            httpx.Response(401, content=(py / "get_project_response__no_auth.json").read_bytes()),
            httpx.Response(200, text="<html>maintenance</html>"),
            httpx.Response(200, json={"time_entries": [{"id": "x"}], "meta": {}}),
        ]
    )
    fb = _mock(kind, lambda request: next(answers))
    projects = fb.projects.for_business(7)
    with pytest.raises(UnprocessableEntityError) as invalid:
        await resolve(projects.create(title="T"))
    assert {e.field for e in invalid.value.errors} == {"title", "description"}
    assert invalid.value.errors[0].errno == 2001
    with pytest.raises(NotFoundError):
        await resolve(projects.get(5))
    with pytest.raises(AuthenticationError):
        await resolve(projects.get(5))
    with pytest.raises(ResponseValidationError):
        await collect(fb.time_entries.for_business(7).list())
    with pytest.raises(ResponseValidationError):
        await collect(fb.time_entries.for_business(7).list())
    await _close(fb)
