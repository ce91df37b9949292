"""Time entry and project updates and deletes, sync and async, through the whole pipeline:
checked inputs (refused before any request), the wire (PUT ``{"time_entry": {...}}`` /
``{"project": {...}}`` at the single path, DELETE answered 204), the sandbox's behaviour and the
typed errors."""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest

from freshbooks_sdk import AsyncFreshBooks, FreshBooks
from freshbooks_sdk._core.business import project_update_body, time_entry_update_body
from freshbooks_sdk.errors import (
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    UnprocessableEntityError,
)
from freshbooks_sdk.models import Project, TimeEntry
from freshbooks_sdk.sandbox import Sandbox
from freshbooks_sdk.sandbox.clock import FakeClock
from freshbooks_sdk.sandbox.seed import APP_SCOPES

UTC = timezone.utc
WRITE_SCOPES = APP_SCOPES
READ_SCOPES = tuple(
    s for s in APP_SCOPES if s not in ("user:time_entries:write", "user:projects:write")
)


async def resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def collect(pager: Any) -> list[Any]:
    if hasattr(pager, "__aiter__"):
        return [item async for item in pager]
    return list(pager)


SENT: list[httpx.Request] = []
"""Every request the clients of this module sent (bodies included: the sandbox log has none)."""


def _make(kind: str, sb: Sandbox, clock: FakeClock, scopes: Any) -> Any:
    token = sb.issue_token(scopes=scopes)
    if kind == "sync":
        return FreshBooks(
            http_client=httpx.Client(
                transport=sb.transport(), event_hooks={"request": [SENT.append]}
            ),
            clock=clock,
            sleep=clock.advance,
            access_token=token,
            account_id=sb.account_ids[0],
        )

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)

    async def record(request: httpx.Request) -> None:
        SENT.append(request)

    return AsyncFreshBooks(
        http_client=httpx.AsyncClient(
            transport=sb.async_transport(), event_hooks={"request": [record]}
        ),
        clock=clock,
        sleep=sleep,
        access_token=token,
        account_id=sb.account_ids[0],
    )


async def _close(client: Any) -> None:
    await resolve(client.aclose() if isinstance(client, AsyncFreshBooks) else client.close())


@pytest.fixture(params=["sync", "async"])
async def fb(
    request: pytest.FixtureRequest, freshbooks_sandbox: Sandbox, freshbooks_clock: FakeClock
) -> AsyncIterator[Any]:
    client = _make(request.param, freshbooks_sandbox, freshbooks_clock, WRITE_SCOPES)
    yield client
    await _close(client)


def _business_id(sb: Sandbox) -> int:
    return int(sb.business(sb.account_ids[0]).business_id)


def _body(entry: Any) -> Any:
    sent = SENT[-1]
    assert (sent.method, sent.url.path) == (entry.method, entry.path)
    return json.loads(sent.content)


# ---- time entries ----------------------------------------------------------------------------


async def test_time_entry_update_and_delete(fb: Any, freshbooks_sandbox: Sandbox) -> None:
    sb = freshbooks_sandbox
    start = datetime(2024, 5, 1, 14, 0, tzinfo=UTC)
    entry = await resolve(fb.time_entries.create(started_at=start, duration=900, note="draft"))
    other = await resolve(fb.time_entries.create(started_at=start, duration=60))

    later = start + timedelta(hours=2)
    changed = await resolve(
        fb.time_entries.update(
            entry.id, started_at=later, duration=5400, note="Design review", billable=False
        )
    )
    assert isinstance(changed, TimeEntry)
    assert (changed.id, changed.started_at, changed.duration) == (entry.id, later, 5400)
    assert changed.note == "Design review" and changed.billable is False
    put = sb.request_log[-1]
    assert put.method == "PUT"
    assert put.path == f"/timetracking/business/{_business_id(sb)}/time_entries/{entry.id}"
    assert _body(put) == {
        "time_entry": {
            "started_at": "2024-05-01T16:00:00Z",
            "duration": 5400,
            "note": "Design review",
            "billable": False,
        }
    }
    again = await resolve(fb.time_entries.get(entry.id))
    assert again.duration == 5400 and again.is_logged is True  # fields not given are kept

    assert await resolve(fb.time_entries.delete(entry.id)) is None
    deleted = sb.request_log[-1]
    assert (deleted.method, deleted.path) == ("DELETE", put.path)
    listed = await collect(fb.time_entries.list())
    assert [e.id for e in listed] == [other.id]
    with_deleted = await collect(fb.time_entries.list(include_deleted=True))
    gone = next(e for e in with_deleted if e.id == entry.id)
    assert gone.active is False
    with pytest.raises(NotFoundError):
        await resolve(fb.time_entries.delete(entry.id))
    with pytest.raises(NotFoundError):
        await resolve(fb.time_entries.update(424242, duration=1))


async def test_time_entry_update_refuses_bad_input_before_any_request(
    fb: Any, freshbooks_sandbox: Sandbox
) -> None:
    await resolve(fb.identity.me())
    before = len(freshbooks_sandbox.request_log)
    cases: list[tuple[Any, dict[str, Any], str]] = [
        (1, {}, "time_entry"),
        (0, {"duration": 1}, "time_entry_id"),
        (True, {"duration": 1}, "time_entry_id"),
        (1, {"duration": -1}, "duration"),
        (1, {"duration": 1.5}, "duration"),
        (1, {"started_at": datetime(2024, 5, 1)}, "started_at"),
        (1, {"started_at": "2024-05-01T00:00:00Z"}, "started_at"),
        (1, {"client_id": 0}, "client_id"),
        (1, {"billable": "yes"}, "billable"),
        (1, {"note": "\ud800"}, "note"),
    ]
    for rid, kwargs, field in cases:
        with pytest.raises(InvalidRequestError) as info:
            await resolve(fb.time_entries.update(rid, **kwargs))
        assert info.value.field == field, (rid, kwargs)
    for rid in (0, -5, "7"):
        with pytest.raises(InvalidRequestError) as info:
            await resolve(fb.time_entries.delete(rid))
        assert info.value.field == "time_entry_id"
    assert len(freshbooks_sandbox.request_log) == before


async def test_time_entry_update_server_side_checks(fb: Any, freshbooks_sandbox: Sandbox) -> None:
    start = datetime(2024, 5, 1, 14, 0, tzinfo=UTC)
    entry = await resolve(fb.time_entries.create(started_at=start, duration=900))
    with pytest.raises(UnprocessableEntityError) as info:
        await resolve(fb.time_entries.update(entry.id, client_id=424242))
    assert info.value.errors[0].field == "client_id" and info.value.errors[0].errno == 2001
    with pytest.raises(UnprocessableEntityError) as bad_project:
        await resolve(fb.time_entries.update(entry.id, project_id=424242))
    assert bad_project.value.errors[0].field == "project_id"
    untouched = await resolve(fb.time_entries.get(entry.id))
    assert untouched.client_id is None and untouched.duration == 900  # nothing half-applied


async def test_an_update_is_retried_after_a_dropped_response(
    fb: Any, freshbooks_sandbox: Sandbox
) -> None:
    sb = freshbooks_sandbox
    start = datetime(2024, 5, 1, 14, 0, tzinfo=UTC)
    entry = await resolve(fb.time_entries.create(started_at=start, duration=900))
    sb.inject_faults(1, "drop_after", method="PUT")
    try:
        changed = await resolve(fb.time_entries.update(entry.id, duration=1800))
    finally:
        sb.clear_faults()
    assert changed.duration == 1800
    assert [r.method for r in sb.request_log].count("PUT") == 2


# ---- projects --------------------------------------------------------------------------------


async def test_project_update_and_delete(fb: Any, freshbooks_sandbox: Sandbox) -> None:
    sb = freshbooks_sandbox
    client = await resolve(fb.clients.create(email="proj@example.com", fname="Pro"))
    project = await resolve(
        fb.projects.create(title="Website", client_id=client.id, rate="95.00", description="v1")
    )
    changed = await resolve(
        fb.projects.update(
            project.id,
            title="Website v2",
            due_date=date(2024, 6, 30),
            rate=Decimal("120.5"),
            complete=True,
        )
    )
    assert isinstance(changed, Project)
    assert changed.title == "Website v2" and changed.complete is True
    assert changed.rate == Decimal("120.5") and changed.due_date == date(2024, 6, 30)
    assert changed.description == "v1" and changed.client_id == client.id  # kept
    put = sb.request_log[-1]
    assert put.method == "PUT"
    assert put.path == f"/projects/business/{_business_id(sb)}/project/{project.id}"
    assert _body(put) == {
        "project": {
            "title": "Website v2",
            "due_date": "2024-06-30",
            "rate": "120.5",
            "complete": True,
        }
    }
    done = await collect(fb.projects.list(complete=True))
    assert [p.id for p in done] == [project.id]

    assert await resolve(fb.projects.delete(project.id)) is None
    assert (sb.request_log[-1].method, sb.request_log[-1].path) == ("DELETE", put.path)
    with pytest.raises(NotFoundError):
        await resolve(fb.projects.get(project.id))
    with pytest.raises(NotFoundError):
        await resolve(fb.projects.delete(project.id))


async def test_project_update_refuses_bad_input_before_any_request(
    fb: Any, freshbooks_sandbox: Sandbox
) -> None:
    await resolve(fb.identity.me())
    before = len(freshbooks_sandbox.request_log)
    cases: list[tuple[Any, dict[str, Any], str]] = [
        (1, {}, "project"),
        (0, {"title": "x"}, "project_id"),
        (1, {"title": ""}, "title"),
        (1, {"title": "   "}, "title"),
        (1, {"rate": 1.5}, "rate"),
        (1, {"fixed_price": "-1"}, "fixed_price"),
        (1, {"project_type": "weekly"}, "project_type"),
        (1, {"billing_method": "vibes"}, "billing_method"),
        (1, {"budget": -1}, "budget"),
        (1, {"due_date": datetime(2024, 1, 1, tzinfo=UTC)}, "due_date"),
        (1, {"complete": "yes"}, "complete"),
        (1, {"internal": True, "client_id": 5}, "client_id"),
    ]
    for rid, kwargs, field in cases:
        with pytest.raises(InvalidRequestError) as info:
            await resolve(fb.projects.update(rid, **kwargs))
        assert info.value.field == field, (rid, kwargs)
    with pytest.raises(InvalidRequestError) as info:
        await resolve(fb.projects.delete(0))
    assert info.value.field == "project_id"
    assert len(freshbooks_sandbox.request_log) == before


async def test_project_update_server_side_checks(fb: Any) -> None:
    project = await resolve(fb.projects.create(title="Hourly"))
    with pytest.raises(UnprocessableEntityError) as info:
        await resolve(fb.projects.update(project.id, project_type="fixed_price"))
    assert info.value.errors[0].field == "fixed_price"
    with pytest.raises(UnprocessableEntityError) as client:
        await resolve(fb.projects.update(project.id, client_id=424242))
    assert client.value.errors[0].field == "client_id"
    fixed = await resolve(
        fb.projects.update(project.id, project_type="fixed_price", fixed_price="5000")
    )
    assert fixed.project_type == "fixed_price" and fixed.fixed_price == Decimal("5000")


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_writes_need_the_write_scopes(
    kind: str, freshbooks_sandbox: Sandbox, freshbooks_clock: FakeClock
) -> None:
    sb = freshbooks_sandbox
    writer = _make(kind, sb, freshbooks_clock, WRITE_SCOPES)
    start = datetime(2024, 5, 1, tzinfo=UTC)
    entry = await resolve(writer.time_entries.create(started_at=start, duration=60))
    project = await resolve(writer.projects.create(title="Scoped"))
    await _close(writer)
    assert "user:time_entries:read" in READ_SCOPES and "user:projects:read" in READ_SCOPES
    reader = _make(kind, sb, freshbooks_clock, READ_SCOPES)
    for call in (
        lambda: reader.time_entries.update(entry.id, duration=5),
        lambda: reader.time_entries.delete(entry.id),
        lambda: reader.projects.update(project.id, title="x"),
        lambda: reader.projects.delete(project.id),
    ):
        with pytest.raises(PermissionDeniedError):
            await resolve(call())
    await _close(reader)


def test_update_bodies_are_only_the_fields_given() -> None:
    assert time_entry_update_body(is_logged=False) == {"is_logged": False}
    assert time_entry_update_body(
        started_at=datetime(2024, 5, 1, 9, 30, tzinfo=timezone(timedelta(hours=-4)))
    ) == {"started_at": "2024-05-01T13:30:00Z"}
    assert project_update_body(active=False, budget=0) == {"budget": 0, "active": False}
    assert project_update_body(internal=True) == {"internal": True}
