"""``fb.projects``: projects (list ``/projects/business/{business_id}/projects``; get, create,
update and delete one at ``.../project[/{id}]``, singular, as FreshBooks routes them).

Needs the ``user:projects:read`` scope (``:write`` to create, update or delete). Expenses and time entries bill
back to a project by its id (``projectid`` on expenses, ``project_id`` on time entries).

    for project in fb.projects.list(active=True, client_id=1000001):
        print(project.id, project.title, project.billed_status)
    p = fb.projects.create(title="Website", client_id=1000001, project_type="hourly_rate",
                           billing_method="project_rate", rate="95.00")
    fb.projects.update(p.id, title="Website v2", complete=True)
    fb.projects.delete(p.id)
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from freshbooks_sdk._async.pagination import AsyncPaginator
from freshbooks_sdk._async.resources._business import AsyncBusinessResource
from freshbooks_sdk._async.streaming import wrap_raw, wrap_raw_page
from freshbooks_sdk._core.business import (
    bare_single,
    meta_listing,
    project_body,
    project_filters,
    project_update_body,
)
from freshbooks_sdk._core.input_types import (
    NumberLike,
    ProjectBillingMethod,
    ProjectSort,
    ProjectType,
)
from freshbooks_sdk._core.pages import DEFAULT_PER_PAGE
from freshbooks_sdk._core.query import check_resource_id

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from freshbooks_sdk._core.options import CallOptions
    from freshbooks_sdk.models import Project


class AsyncProjectsResource(AsyncBusinessResource["Project"]):
    """Projects: list (lazy, bare filters), get, create, update, delete."""

    family = "projects"
    collection = "projects"
    single_collection = "project"
    single_key = "project"
    _single = bare_single("ProjectResponse", "project")
    _listing = meta_listing("ProjectListResponse", "projects")

    def list(
        self,
        *,
        active: bool | None = None,
        complete: bool | None = None,
        internal: bool | None = None,
        client_id: int | None = None,
        updated_since: datetime | None = None,
        include_logged_duration: bool | None = None,
        skip_group: bool | None = None,
        sort: ProjectSort | None = None,
        per_page: int = DEFAULT_PER_PAGE,
        max_items: int | None = None,
        **options: Unpack[CallOptions],
    ) -> AsyncPaginator[Project]:
        """Projects, lazily, filtered on FreshBooks' side.

        ``updated_since`` is an aware datetime sent as an ISO 8601 UTC instant: FreshBooks
        documents it as a real filter, "updated at or after the specified utc date/time"
        (https://www.freshbooks.com/api/project), not day-granular like accounting's.
        ``include_logged_duration=True`` fills each project's ``logged_duration`` (seconds);
        ``skip_group=True`` leaves the team out. ``sort`` is a field (``title``, ``due_date``,
        ``created_at``, ``updated_at``, ``id``), ``-`` prefixed for descending.

            since = datetime(2024, 5, 1, tzinfo=timezone.utc)
            for p in fb.projects.list(updated_since=since, include_logged_duration=True):
                print(p.title, p.logged_duration)
        """
        filters = project_filters(
            active=active,
            complete=complete,
            internal=internal,
            client_id=client_id,
            updated_since=updated_since,
            include_logged_duration=include_logged_duration,
            skip_group=skip_group,
            sort=sort,
        )
        return self._paginate(filters, per_page=per_page, max_items=max_items, options=options)

    async def get(self, project_id: int, **options: Unpack[CallOptions]) -> Project:
        """One project by id (with its services and team)."""
        return await self._fetch(check_resource_id(project_id, field="project_id"), options=options)

    async def create(
        self,
        *,
        title: str,
        description: str | None = None,
        due_date: date | None = None,
        client_id: int | None = None,
        internal: bool | None = None,
        project_type: ProjectType | None = None,
        billing_method: ProjectBillingMethod | None = None,
        fixed_price: NumberLike | None = None,
        rate: NumberLike | None = None,
        budget: int | None = None,
        project_manager_id: int | None = None,
        **options: Unpack[CallOptions],
    ) -> Project:
        """Create a project. ``project_type`` is ``"fixed_price"`` (then ``fixed_price`` is
        required) or ``"hourly_rate"``; amounts are exact decimals (str/int/Decimal, no float).
        """
        body = project_body(
            title=title,
            description=description,
            due_date=due_date,
            client_id=client_id,
            internal=internal,
            project_type=project_type,
            billing_method=billing_method,
            fixed_price=fixed_price,
            rate=rate,
            budget=budget,
            project_manager_id=project_manager_id,
        )
        return await self._post(body, options=options)

    async def update(
        self,
        project_id: int,
        *,
        title: str | None = None,
        description: str | None = None,
        due_date: date | None = None,
        client_id: int | None = None,
        internal: bool | None = None,
        project_type: ProjectType | None = None,
        billing_method: ProjectBillingMethod | None = None,
        fixed_price: NumberLike | None = None,
        rate: NumberLike | None = None,
        budget: int | None = None,
        project_manager_id: int | None = None,
        complete: bool | None = None,
        active: bool | None = None,
        **options: Unpack[CallOptions],
    ) -> Project:
        """Change the fields given (``None`` keeps a field as it is) and return the project.

        Each field is checked like :meth:`create`'s, and at least one is needed, before any
        request; ``complete=True`` marks the project done. A plain field update is safe to
        repeat, so it is retried like a read.

            fb.projects.update(project.id, title="Website v2", complete=True)
        """
        rid = check_resource_id(project_id, field="project_id")
        body = project_update_body(
            title=title,
            description=description,
            due_date=due_date,
            client_id=client_id,
            internal=internal,
            project_type=project_type,
            billing_method=billing_method,
            fixed_price=fixed_price,
            rate=rate,
            budget=budget,
            project_manager_id=project_manager_id,
            complete=complete,
            active=active,
        )
        return await self._put(rid, body, options=options)

    async def delete(self, project_id: int, **options: Unpack[CallOptions]) -> None:
        """Delete a project (FreshBooks answers 204); reading it afterwards raises
        :class:`~freshbooks_sdk.errors.NotFoundError`.

            fb.projects.delete(project.id)
        """
        await self._delete(check_resource_id(project_id, field="project_id"), options=options)

    @cached_property
    def with_raw_response(self) -> AsyncProjectsWithRawResponse:
        """These methods returning a :class:`~freshbooks_sdk.responses.RawResponse` (status,
        headers, request id, retries, ``parse()``) instead of the plain value; a listing gives
        its first page's.

            raw = await afb.projects.with_raw_response.list(...)
        """
        return AsyncProjectsWithRawResponse(self)


class AsyncProjectsWithRawResponse:
    """``fb.projects.with_raw_response``: the same methods, returning raw responses."""

    def __init__(self, resource: AsyncProjectsResource) -> None:
        self.list = wrap_raw_page(resource.list)
        self.get = wrap_raw(resource.get)
        self.create = wrap_raw(resource.create)
        self.update = wrap_raw(resource.update)
        self.delete = wrap_raw(resource.delete)
