"""``fb.time_entries``: time tracking (``/timetracking/business/{business_id}/time_entries``).

Needs the ``user:time_entries:read`` scope (``:write`` to create, update or delete). The
business id comes from
``users/me`` for the client's account_id. Times are aware UTC datetimes; ``duration`` is
seconds.

    from datetime import datetime, timedelta, timezone
    week_ago = datetime.now(timezone.utc) - timedelta(days=7)
    for entry in fb.time_entries.list(started_from=week_ago, billable=True):
        print(entry.started_at, entry.duration, entry.client_id, entry.note)
    entry = fb.time_entries.create(started_at=week_ago, duration=3600, client_id=1000001)
    fb.time_entries.update(entry.id, duration=5400, note="Design review")
    fb.time_entries.delete(entry.id)
"""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from freshbooks_sdk._async.pagination import AsyncPaginator
from freshbooks_sdk._async.resources._business import AsyncBusinessResource
from freshbooks_sdk._async.streaming import wrap_raw, wrap_raw_page
from freshbooks_sdk._core.business import (
    bare_single,
    meta_listing,
    time_entry_body,
    time_entry_filters,
    time_entry_update_body,
)
from freshbooks_sdk._core.input_types import TimeEntrySort
from freshbooks_sdk._core.pages import DEFAULT_PER_PAGE
from freshbooks_sdk._core.query import check_resource_id

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from freshbooks_sdk._core.options import CallOptions
    from freshbooks_sdk.models import TimeEntry


class AsyncTimeEntriesResource(AsyncBusinessResource["TimeEntry"]):
    """Time entries: list (lazy, bare filters), get, create, update, delete."""

    family = "timetracking"
    collection = "time_entries"
    single_key = "time_entry"
    _single = bare_single("TimeEntryResponse", "time_entry")
    _listing = meta_listing("TimeEntryListResponse", "time_entries")

    def list(
        self,
        *,
        started_from: datetime | None = None,
        started_to: datetime | None = None,
        updated_since: datetime | None = None,
        client_id: int | None = None,
        project_id: int | None = None,
        task_id: int | None = None,
        service_id: int | None = None,
        identity_id: int | None = None,
        billable: bool | None = None,
        billed: bool | None = None,
        include_deleted: bool | None = None,
        include_unlogged: bool | None = None,
        team: bool | None = None,
        sort: TimeEntrySort | None = None,
        per_page: int = DEFAULT_PER_PAGE,
        max_items: int | None = None,
        **options: Unpack[CallOptions],
    ) -> AsyncPaginator[TimeEntry]:
        """Time entries, lazily, filtered on FreshBooks' side.

        ``started_from``/``started_to``/``updated_since`` are aware datetimes sent as ISO 8601
        UTC instants (these filters are not day-granular, unlike accounting's). ``team=True``
        lists every team member's entries; ``sort`` is ``"started_at"`` or ``"-started_at"``
        (also ``created_at``, ``duration``, ``id``). Every argument is checked before a request.
        """
        filters = time_entry_filters(
            started_from=started_from,
            started_to=started_to,
            updated_since=updated_since,
            client_id=client_id,
            project_id=project_id,
            task_id=task_id,
            service_id=service_id,
            identity_id=identity_id,
            billable=billable,
            billed=billed,
            include_deleted=include_deleted,
            include_unlogged=include_unlogged,
            team=team,
            sort=sort,
        )
        return self._paginate(filters, per_page=per_page, max_items=max_items, options=options)

    async def get(self, time_entry_id: int, **options: Unpack[CallOptions]) -> TimeEntry:
        """One time entry by id."""
        return await self._fetch(
            check_resource_id(time_entry_id, field="time_entry_id"), options=options
        )

    async def create(
        self,
        *,
        started_at: datetime,
        duration: int,
        is_logged: bool = True,
        note: str | None = None,
        client_id: int | None = None,
        project_id: int | None = None,
        service_id: int | None = None,
        task_id: int | None = None,
        identity_id: int | None = None,
        billable: bool | None = None,
        internal: bool | None = None,
        **options: Unpack[CallOptions],
    ) -> TimeEntry:
        """Log time: ``started_at`` (aware) and ``duration`` (whole seconds) are required.

        A create is never re-sent after an ambiguous failure (it could log the time twice).
        """
        body = time_entry_body(
            started_at=started_at,
            duration=duration,
            is_logged=is_logged,
            note=note,
            client_id=client_id,
            project_id=project_id,
            service_id=service_id,
            task_id=task_id,
            identity_id=identity_id,
            billable=billable,
            internal=internal,
        )
        return await self._post(body, options=options)

    async def update(
        self,
        time_entry_id: int,
        *,
        started_at: datetime | None = None,
        duration: int | None = None,
        is_logged: bool | None = None,
        note: str | None = None,
        client_id: int | None = None,
        project_id: int | None = None,
        service_id: int | None = None,
        task_id: int | None = None,
        identity_id: int | None = None,
        billable: bool | None = None,
        billed: bool | None = None,
        internal: bool | None = None,
        **options: Unpack[CallOptions],
    ) -> TimeEntry:
        """Change the fields given (``None`` keeps a field as it is) and return the entry.

        Each field is checked like :meth:`create`'s, and at least one is needed, before any
        request. ``billed=True`` marks the entry billed by hand (``False`` undoes it);
        ``identity_id`` moves it to another teammate. These are the fields the official SDKs
        send on a PUT (freshbooks/freshbooks-nodejs-sdk ``models/TimeEntry.ts``). A plain
        field update is safe to repeat, so it is retried like a read.

            fb.time_entries.update(entry.id, duration=5400, note="Design review")
            fb.time_entries.update(entry.id, billed=True)
        """
        rid = check_resource_id(time_entry_id, field="time_entry_id")
        body = time_entry_update_body(
            started_at=started_at,
            duration=duration,
            is_logged=is_logged,
            note=note,
            client_id=client_id,
            project_id=project_id,
            service_id=service_id,
            task_id=task_id,
            identity_id=identity_id,
            billable=billable,
            billed=billed,
            internal=internal,
        )
        return await self._put(rid, body, options=options)

    async def delete(self, time_entry_id: int, **options: Unpack[CallOptions]) -> None:
        """Delete a time entry (FreshBooks answers 204). It is then listed only with
        ``include_deleted=True``; deleting it again raises
        :class:`~freshbooks_sdk.errors.NotFoundError`.

            fb.time_entries.delete(entry.id)
        """
        await self._delete(check_resource_id(time_entry_id, field="time_entry_id"), options=options)

    @cached_property
    def with_raw_response(self) -> AsyncTimeEntriesWithRawResponse:
        """These methods returning a :class:`~freshbooks_sdk.responses.RawResponse` (status,
        headers, request id, retries, ``parse()``) instead of the plain value; a listing gives
        its first page's.

            raw = await afb.time_entries.with_raw_response.list(...)
        """
        return AsyncTimeEntriesWithRawResponse(self)


class AsyncTimeEntriesWithRawResponse:
    """``fb.time_entries.with_raw_response``: the same methods, returning raw responses."""

    def __init__(self, resource: AsyncTimeEntriesResource) -> None:
        self.list = wrap_raw_page(resource.list)
        self.get = wrap_raw(resource.get)
        self.create = wrap_raw(resource.create)
        self.update = wrap_raw(resource.update)
        self.delete = wrap_raw(resource.delete)
