"""The business-id families: time entries and projects (``/{family}/business/{business_id}/...``).

They differ from accounting on every wire detail (API notes §3.2-§3.5, §5, §9), and the sandbox
answers the FreshBooks way:

* bodies have no ``response`` wrapper: ``{"time_entry": {...}}``; list pages are
  ``{"time_entries": [...], "meta": {"page", "pages", "per_page", "total", ...}}`` with a default
  page size of 30 (capped at 100);
* filters are bare parameters (``client_id=5``, ``billable=true``,
  ``started_from=2024-05-01T00:00:00Z``) with full ISO 8601 instants;
* projects are listed at ``.../projects`` but read, created, updated (PUT, partial) and
  deleted at ``.../project[/{id}]``; time entries are updated (PUT, partial) and deleted at
  ``.../time_entries/{id}``; a DELETE answers 204 with no body. A deleted time entry is kept
  inactive (``active: false``, listed only with ``include_deleted=true``); a deleted project is
  gone (404);
* errors are ``{"errno": 2001, "error": {"<field>": "<message>"}}`` (validation, 422),
  ``{"error": "Requested resource could not be found."}`` (404) and ``{"message": ...}`` (401);
* time entry times are ISO UTC with ``Z``; project ``created_at``/``updated_at`` are ISO
  without an offset (UTC).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from freshbooks_sdk._core.fbtime import parse_iso_datetime

from ..store import AccountStore
from ..validate import parse_json_body
from ..wire import JsonObj, SandboxRequest, SandboxResponse, json_response

__all__ = [
    "NOT_FOUND_BODY",
    "UNAUTHORIZED_BODY",
    "BusinessData",
    "BusinessError",
    "BusinessRoute",
    "match_business",
    "respond",
]

_ROUTE = re.compile(r"^/(timetracking|projects)/business/([^/]*)/([^/]+)(?:/([^/]+))?/*$")

NOT_FOUND_BODY: JsonObj = {"error": "Requested resource could not be found."}
UNAUTHORIZED_BODY: JsonObj = {
    "message": "The server could not verify that you are authorized to access the URL "
    "requested. You either supplied the wrong credentials (e.g. a bad password), or your "
    "browser doesn't understand how to supply the credentials required."
}
DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100
_LOCAL_ZONE = "America/New_York"
_MAX_DURATION = 10 * 365 * 24 * 3600


@dataclass(frozen=True)
class BusinessRoute:
    """A matched business-family path: which collection, business and (maybe) id."""

    family: str  # "timetracking" | "projects"
    business_id: str
    collection: str  # "time_entries" | "projects" | "project"
    rid: str | None

    @property
    def scope(self) -> str:
        return "time_entries" if self.family == "timetracking" else "projects"


def match_business(path: str) -> BusinessRoute | None:
    """The business-family route of ``path``, or None when it is not one."""
    m = _ROUTE.match(path)
    if m is None:
        return None
    family, business_id, collection, rid = m.groups()
    return BusinessRoute(family, business_id, collection, rid)


class BusinessError(Exception):
    """An error answer in the projects/time-tracking format."""

    def __init__(self, status: int, body: JsonObj) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body

    def response(self) -> SandboxResponse:
        return json_response(self.status, self.body)


def invalid(field_name: str, message: str) -> BusinessError:
    """A 422 validation error naming the field (``errno`` 2001, as FreshBooks' projects API)."""
    return BusinessError(422, {"errno": 2001, "error": {field_name: message}})


@dataclass(kw_only=True)
class TimeEntryRecord:
    id: int
    identity_id: int
    is_logged: bool
    started_at: datetime
    created_at: datetime
    updated_at: datetime
    duration: int
    client_id: int | None = None
    project_id: int | None = None
    service_id: int | None = None
    task_id: int | None = None
    note: str | None = None
    billable: bool = True
    billed: bool = False
    internal: bool = False
    active: bool = True


@dataclass(kw_only=True)
class ProjectRecord:
    id: int
    title: str
    created_at: datetime
    updated_at: datetime
    description: str | None = None
    due_date: date | None = None
    client_id: int | None = None
    internal: bool = False
    project_type: str = "hourly_rate"
    billing_method: str | None = None
    fixed_price: Decimal | None = None
    rate: Decimal | None = None
    budget: int | None = None
    project_manager_id: int | None = None
    active: bool = True
    complete: bool = False


@dataclass
class BusinessData:
    """Time entries and projects of every business (keyed by business_id)."""

    time_entries: dict[int, dict[int, TimeEntryRecord]] = field(default_factory=dict)
    projects: dict[int, dict[int, ProjectRecord]] = field(default_factory=dict)
    _next: dict[str, int] = field(
        default_factory=lambda: {"time_entries": 8_000_001, "projects": 9_000_001}
    )

    def next_id(self, kind: str) -> int:
        value = self._next[kind]
        self._next[kind] = value + 1
        return value


# ---- reading input ---------------------------------------------------------------------------


def _iso_z(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso_naive(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


_EARLIEST_YEAR = 1000
_LATEST_YEAR = 9998


def _read_instant(raw: Any, name: str) -> datetime:
    if not isinstance(raw, str) or "T" not in raw:
        raise invalid(name, "Input should be a valid datetime (ISO 8601).")
    try:
        value = parse_iso_datetime(raw)
        utc = value.astimezone(timezone.utc)
    except (ValueError, OverflowError):  # 9999-12-31T23:59:59-14:00 is past datetime.max in UTC
        raise invalid(name, "Input should be a valid datetime (ISO 8601).") from None
    if not _EARLIEST_YEAR <= utc.year <= _LATEST_YEAR:  # rendered in local zones: keep a margin
        raise invalid(
            name, f"Input should be a datetime between {_EARLIEST_YEAR} and {_LATEST_YEAR}."
        )
    return value


def _read_bool(data: JsonObj, name: str, default: bool | None = None) -> bool | None:
    if name not in data or data[name] is None:
        return default
    if not isinstance(data[name], bool):
        raise invalid(name, "Input should be a valid boolean.")
    value: bool = data[name]
    return value


def _read_id(data: JsonObj, name: str) -> int | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise invalid(name, "Input should be a valid integer id.")
    return int(value)


def _read_text(data: JsonObj, name: str, *, required: bool = False) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            raise invalid(name, "field required")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise invalid(name, "Input should be a non-empty string." if required else "str")
    if len(value) > 10_000:
        raise invalid(name, "String should have at most 10000 characters.")
    return value


def _read_decimal(data: JsonObj, name: str) -> Decimal | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise invalid(name, "Input should be a decimal string.")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise invalid(name, "Input should be a decimal string.") from None
    if not number.is_finite() or number < 0 or number >= Decimal(10) ** 12:
        raise invalid(name, "Input should be a decimal between 0 and 10^12.")
    return number


def _query_bool(params: dict[str, str], name: str) -> bool | None:
    raw = params.get(name)
    if raw is None:
        return None
    lowered = raw.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise invalid(name, "Input should be a valid boolean.")


def _query_int(params: dict[str, str], name: str) -> int | None:
    raw = params.get(name)
    if raw is None:
        return None
    if not raw.strip().isdigit() or len(raw.strip()) > 18:
        raise invalid(name, "Input should be a valid integer.")
    return int(raw)


def _query_instant(params: dict[str, str], name: str) -> datetime | None:
    raw = params.get(name)
    return None if raw is None else _read_instant(raw, name)


def _page_params(params: dict[str, str]) -> tuple[int, int]:
    page = _query_int(params, "page") or 1
    per_page = _query_int(params, "per_page")
    size = DEFAULT_PER_PAGE if not per_page else min(per_page, MAX_PER_PAGE)
    return max(page, 1), size


def _page(items: list[Any], params: dict[str, str]) -> tuple[list[Any], JsonObj]:
    page, size = _page_params(params)
    total = len(items)
    pages = (total + size - 1) // size
    start = (page - 1) * size
    return items[start : start + size], {
        "page": page,
        "pages": pages,
        "per_page": size,
        "total": total,
    }


def _sorted(items: list[Any], params: dict[str, str], allowed: set[str]) -> list[Any]:
    items.sort(key=lambda r: r.id)
    sort = params.get("sort")
    if sort:
        name = sort.lstrip("-")
        if name in allowed:
            items.sort(key=lambda r: (getattr(r, name) is None, getattr(r, name)))
            if sort.startswith("-"):
                items.reverse()
    return items


# ---- time entries ----------------------------------------------------------------------------


def render_time_entry(rec: TimeEntryRecord) -> JsonObj:
    local = rec.started_at.astimezone(ZoneInfo(_LOCAL_ZONE)).strftime("%Y-%m-%dT%H:%M:%S")
    return {
        "id": rec.id,
        "identity_id": rec.identity_id,
        "is_logged": rec.is_logged,
        "local_started_at": local,
        "local_timezone": _LOCAL_ZONE,
        "started_at": _iso_z(rec.started_at),
        "created_at": _iso_z(rec.created_at),
        "client_id": rec.client_id,
        "project_id": rec.project_id,
        "pending_client": None,
        "pending_project": None,
        "pending_task": None,
        "task_id": rec.task_id,
        "service_id": rec.service_id,
        "note": rec.note,
        "active": rec.active,
        "billable": rec.billable,
        "billed": rec.billed,
        "internal": rec.internal,
        "retainer_id": None,
        "duration": rec.duration,
        "timer": None,
    }


def _create_time_entry(
    data: JsonObj, store: AccountStore, projects: dict[int, ProjectRecord], ctx: _Ctx
) -> TimeEntryRecord:
    for name in ("is_logged", "started_at", "duration"):
        if data.get(name) is None:
            raise invalid(name, "field required")
    duration = _read_duration(data)
    client_id = _read_id(data, "client_id")
    if client_id is not None and client_id not in store.clients:
        raise invalid("client_id", "Client not found.")
    project_id = _read_id(data, "project_id")
    if project_id is not None and project_id not in projects:
        raise invalid("project_id", "Project not found.")
    return TimeEntryRecord(
        id=ctx.data.next_id("time_entries"),
        identity_id=_read_id(data, "identity_id") or ctx.identity_id,
        is_logged=bool(_read_bool(data, "is_logged")),
        started_at=_read_instant(data["started_at"], "started_at"),
        created_at=ctx.now,
        updated_at=ctx.now,
        duration=duration,
        client_id=client_id,
        project_id=project_id,
        service_id=_read_id(data, "service_id"),
        task_id=_read_id(data, "task_id"),
        note=_read_text(data, "note"),
        billable=bool(_read_bool(data, "billable", True)),
        internal=bool(_read_bool(data, "internal", False)),
    )


_TIME_ENTRY_FIELDS = frozenset(
    {
        "is_logged",
        "started_at",
        "duration",
        "note",
        "client_id",
        "project_id",
        "service_id",
        "task_id",
        "identity_id",
        "billable",
        "internal",
    }
)


def _read_duration(data: JsonObj) -> int:
    duration = data["duration"]
    if isinstance(duration, bool) or not isinstance(duration, int):
        raise invalid("duration", "Input should be a valid integer (seconds).")
    if not 0 <= duration <= _MAX_DURATION:
        raise invalid("duration", f"Input should be between 0 and {_MAX_DURATION}.")
    return int(duration)


def _update_time_entry(
    rec: TimeEntryRecord,
    data: JsonObj,
    store: AccountStore,
    projects: dict[int, ProjectRecord],
    ctx: _Ctx,
) -> None:
    """A PUT: every field given is checked first, then all are applied (unknown keys ignored)."""
    changes: dict[str, Any] = {}
    if data.get("started_at") is not None:
        changes["started_at"] = _read_instant(data["started_at"], "started_at")
    if data.get("duration") is not None:
        changes["duration"] = _read_duration(data)
    for name in ("is_logged", "billable", "billed", "internal"):
        if data.get(name) is not None:
            changes[name] = _read_bool(data, name)
    for name in ("client_id", "project_id", "service_id", "task_id", "identity_id"):
        if name in data:  # null clears the link
            changes[name] = _read_id(data, name)
    if changes.get("client_id") is not None and changes["client_id"] not in store.clients:
        raise invalid("client_id", "Client not found.")
    if changes.get("project_id") is not None and changes["project_id"] not in projects:
        raise invalid("project_id", "Project not found.")
    if changes.get("identity_id", 0) is None:
        raise invalid("identity_id", "Input should be a valid integer id.")
    if "note" in data:
        changes["note"] = _read_text(data, "note")
    for name, value in changes.items():
        setattr(rec, name, value)
    rec.updated_at = ctx.now


def _time_entry_filter(
    params: dict[str, str], identity_id: int
) -> Callable[[TimeEntryRecord], bool]:
    started_from = _query_instant(params, "started_from")
    started_to = _query_instant(params, "started_to")
    updated_since = _query_instant(params, "updated_since")
    ids = {n: _query_int(params, n) for n in ("client_id", "project_id", "task_id", "service_id")}
    wanted_identity = _query_int(params, "identity_id")
    flags = {n: _query_bool(params, n) for n in ("billable", "billed")}
    include_deleted = _query_bool(params, "include_deleted") or False
    include_unlogged = _query_bool(params, "include_unlogged") or False
    team = _query_bool(params, "team") or False

    def keep(rec: TimeEntryRecord) -> bool:
        if not rec.active and not include_deleted:
            return False
        if not rec.is_logged and not include_unlogged:
            return False
        if wanted_identity is not None:
            if rec.identity_id != wanted_identity:
                return False
        elif not team and rec.identity_id != identity_id:
            return False
        if started_from is not None and rec.started_at < started_from:
            return False
        if started_to is not None and rec.started_at > started_to:
            return False
        if updated_since is not None and rec.updated_at < updated_since:
            return False
        if any(v is not None and getattr(rec, n) != v for n, v in ids.items()):
            return False
        return all(v is None or getattr(rec, n) == v for n, v in flags.items())

    return keep


# ---- projects --------------------------------------------------------------------------------

_PROJECT_TYPES = ("fixed_price", "hourly_rate")
_BILLING_METHODS = ("project_rate", "service_rate", "team_member_rate", "business_rate")


def render_project(
    rec: ProjectRecord,
    business_id: int,
    *,
    single: bool,
    logged_duration: int | None = None,
    skip_group: bool = False,
) -> JsonObj:
    out: JsonObj = {
        "id": rec.id,
        "title": rec.title,
        "description": rec.description,
        "due_date": None if rec.due_date is None else rec.due_date.isoformat(),
        "client_id": rec.client_id,
        "internal": rec.internal,
        "budget": rec.budget,
        "fixed_price": None if rec.fixed_price is None else format(rec.fixed_price, "f"),
        "rate": None if rec.rate is None else format(rec.rate, "f"),
        "billing_method": rec.billing_method,
        "project_type": rec.project_type,
        "project_manager_id": rec.project_manager_id,
        "active": rec.active,
        "complete": rec.complete,
        "sample": False,
        "created_at": _iso_naive(rec.created_at),
        "updated_at": _iso_naive(rec.updated_at),
        "logged_duration": logged_duration,
        "services": [],
        "billed_amount": "0.00",
        "billed_status": "unbilled",
        "retainer_id": None,
        "expense_markup": "0",
    }
    if skip_group:
        return out
    if single:
        out["group"] = {"id": business_id * 10 + 1, "members": [], "pending_invitations": []}
    else:
        out["group_id"] = business_id * 10 + 1
    return out


def _logged_seconds(entries: dict[int, TimeEntryRecord]) -> dict[int, int]:
    """Seconds logged per project (active, logged entries): ``include_logged_duration``."""
    totals: dict[int, int] = {}
    for entry in entries.values():
        if entry.active and entry.is_logged and entry.project_id is not None:
            totals[entry.project_id] = totals.get(entry.project_id, 0) + entry.duration
    return totals


def _create_project(data: JsonObj, store: AccountStore, ctx: _Ctx) -> ProjectRecord:
    title = _read_text(data, "title", required=True)
    assert title is not None
    project_type = data.get("project_type", "hourly_rate")
    if project_type not in _PROJECT_TYPES:
        raise invalid("project_type", f"Input should be one of {', '.join(_PROJECT_TYPES)}.")
    billing_method = data.get("billing_method")
    if billing_method is not None and billing_method not in _BILLING_METHODS:
        raise invalid("billing_method", f"Input should be one of {', '.join(_BILLING_METHODS)}.")
    client_id = _read_id(data, "client_id")
    if client_id is not None and client_id not in store.clients:
        raise invalid("client_id", "Client not found.")
    internal = bool(_read_bool(data, "internal", client_id is None))
    fixed_price = _read_decimal(data, "fixed_price")
    if project_type == "fixed_price" and fixed_price is None:
        raise invalid("fixed_price", "field required for a fixed_price project")
    due_date = _read_due_date(data)
    budget = data.get("budget")
    if budget is not None and (
        isinstance(budget, bool) or not isinstance(budget, int) or budget < 0
    ):
        raise invalid("budget", "Input should be a non-negative integer.")
    return ProjectRecord(
        id=ctx.data.next_id("projects"),
        title=title,
        description=_read_text(data, "description"),
        due_date=due_date,
        client_id=client_id,
        internal=internal,
        project_type=project_type,
        billing_method=billing_method,
        fixed_price=fixed_price,
        rate=_read_decimal(data, "rate"),
        budget=budget,
        project_manager_id=_read_id(data, "project_manager_id"),
        created_at=ctx.now,
        updated_at=ctx.now,
    )


def _read_due_date(data: JsonObj) -> date | None:
    due = data.get("due_date")
    if due is None:
        return None
    try:
        return date.fromisoformat(due) if isinstance(due, str) else _bad_due()
    except ValueError:
        return _bad_due()


def _bad_due() -> date:
    raise invalid("due_date", "Input should be a valid date (YYYY-MM-DD).")


def _update_project(rec: ProjectRecord, data: JsonObj, store: AccountStore, ctx: _Ctx) -> None:
    """A PUT: every field given is checked first, then all are applied (unknown keys ignored)."""
    changes: dict[str, Any] = {}
    if "title" in data:
        changes["title"] = _read_text(data, "title", required=True)
    if "description" in data:
        changes["description"] = _read_text(data, "description")
    if "due_date" in data:
        changes["due_date"] = _read_due_date(data)
    if "project_type" in data:
        if data["project_type"] not in _PROJECT_TYPES:
            raise invalid("project_type", f"Input should be one of {', '.join(_PROJECT_TYPES)}.")
        changes["project_type"] = data["project_type"]
    if "billing_method" in data:
        method = data["billing_method"]
        if method is not None and method not in _BILLING_METHODS:
            raise invalid(
                "billing_method", f"Input should be one of {', '.join(_BILLING_METHODS)}."
            )
        changes["billing_method"] = method
    if "client_id" in data:
        client_id = _read_id(data, "client_id")
        if client_id is not None and client_id not in store.clients:
            raise invalid("client_id", "Client not found.")
        changes["client_id"] = client_id
    for name in ("fixed_price", "rate"):
        if name in data:
            changes[name] = _read_decimal(data, name)
    if "budget" in data:
        budget = data["budget"]
        if budget is not None and (
            isinstance(budget, bool) or not isinstance(budget, int) or budget < 0
        ):
            raise invalid("budget", "Input should be a non-negative integer.")
        changes["budget"] = budget
    if "project_manager_id" in data:
        changes["project_manager_id"] = _read_id(data, "project_manager_id")
    for name in ("internal", "complete", "active"):
        if data.get(name) is not None:
            changes[name] = _read_bool(data, name)
    after = {**{n: getattr(rec, n) for n in ("project_type", "fixed_price")}, **changes}
    if after["project_type"] == "fixed_price" and after["fixed_price"] is None:
        raise invalid("fixed_price", "field required for a fixed_price project")
    internal = changes.get("internal", rec.internal)
    client = changes.get("client_id", rec.client_id)
    if internal and client is not None:
        raise invalid("internal", "An internal project has no client.")
    for name, value in changes.items():
        setattr(rec, name, value)
    rec.updated_at = ctx.now


def _project_filter(params: dict[str, str]) -> Callable[[ProjectRecord], bool]:
    """The documented filters (https://www.freshbooks.com/api/project) ``active``,
    ``complete`` and ``updated_since`` (at or after, a UTC instant), and ``client_id``,
    ``internal``."""
    flags = {n: _query_bool(params, n) for n in ("active", "complete", "internal")}
    client_id = _query_int(params, "client_id")
    updated_since = _query_instant(params, "updated_since")

    def keep(rec: ProjectRecord) -> bool:
        if client_id is not None and rec.client_id != client_id:
            return False
        if updated_since is not None and rec.updated_at < updated_since:
            return False
        return all(v is None or getattr(rec, n) == v for n, v in flags.items())

    return keep


# ---- dispatch --------------------------------------------------------------------------------


@dataclass
class _Ctx:
    data: BusinessData
    now: datetime
    identity_id: int


def _lookup(records: dict[int, Any], rid: str) -> Any:
    rec = records.get(int(rid)) if rid.isdigit() and len(rid) < 19 else None
    if rec is None:
        raise BusinessError(404, NOT_FOUND_BODY)
    return rec


def _body(req: SandboxRequest, key: str) -> JsonObj:
    try:
        payload = parse_json_body(req.body)
    except Exception:
        raise BusinessError(
            400, {"errno": 400, "error": "The request body is not valid JSON."}
        ) from None
    if not isinstance(payload, dict) or not isinstance(payload.get(key), dict):
        raise invalid(key, "field required")
    data: JsonObj = payload[key]
    return data


def _method_not_allowed(allowed: Sequence[str]) -> BusinessError:
    return BusinessError(
        405,
        {
            "errno": 405,
            "error": f"The method is not allowed for the requested URL (use {', '.join(allowed)}).",
        },
    )


def respond(
    data: BusinessData,
    route: BusinessRoute,
    req: SandboxRequest,
    *,
    business_id: int,
    store: AccountStore,
    now: datetime,
    identity_id: int,
) -> JsonObj | None:
    """Answer an authenticated, scope-checked request (raises :class:`BusinessError`);
    ``None`` is a 204 with no body (a DELETE)."""
    ctx = _Ctx(data, now, identity_id)
    params = {k: v for k, v in req.query}
    entries = data.time_entries.setdefault(business_id, {})
    projects = data.projects.setdefault(business_id, {})
    if route.family == "timetracking" and route.collection == "time_entries":
        if route.rid is None and req.method == "GET":
            keep = _time_entry_filter(params, identity_id)
            found = _sorted(
                [r for r in entries.values() if keep(r)],
                params,
                {"started_at", "created_at", "duration", "id"},
            )
            items, meta = _page(found, params)
            meta["total_logged"] = sum(r.duration for r in found if r.is_logged)
            meta["total_unbilled"] = sum(
                r.duration for r in found if r.is_logged and r.billable and not r.billed
            )
            return {"time_entries": [render_time_entry(r) for r in items], "meta": meta}
        if route.rid is None and req.method == "POST":
            rec = _create_time_entry(_body(req, "time_entry"), store, projects, ctx)
            entries[rec.id] = rec
            return {"time_entry": render_time_entry(rec)}
        if route.rid is not None and req.method == "GET":
            return {"time_entry": render_time_entry(_lookup(entries, route.rid))}
        if route.rid is not None and req.method == "PUT":
            entry = _lookup(entries, route.rid)
            _update_time_entry(entry, _body(req, "time_entry"), store, projects, ctx)
            return {"time_entry": render_time_entry(entry)}
        if route.rid is not None and req.method == "DELETE":
            entry = _lookup(entries, route.rid)
            if not entry.active:
                raise BusinessError(404, NOT_FOUND_BODY)
            entry.active = False
            entry.updated_at = ctx.now
            return None
        raise _method_not_allowed(
            ("GET", "POST") if route.rid is None else ("GET", "PUT", "DELETE")
        )
    if route.family == "projects" and route.collection == "projects" and route.rid is None:
        if req.method != "GET":
            raise _method_not_allowed(("GET",))
        found = _sorted(
            [r for r in projects.values() if _project_filter(params)(r)],
            params,
            {"title", "due_date", "created_at", "updated_at", "id"},
        )
        items, meta = _page(found, params)
        meta["sort"] = []
        logged = (
            _logged_seconds(entries) if _query_bool(params, "include_logged_duration") else None
        )
        skip_group = bool(_query_bool(params, "skip_group"))
        return {
            "projects": [
                render_project(
                    r,
                    business_id,
                    single=False,
                    logged_duration=None if logged is None else logged.get(r.id, 0),
                    skip_group=skip_group,
                )
                for r in items
            ],
            "meta": meta,
        }
    if route.family == "projects" and route.collection == "project":
        if route.rid is None and req.method == "POST":
            project = _create_project(_body(req, "project"), store, ctx)
            projects[project.id] = project
            return {"project": render_project(project, business_id, single=True)}
        if route.rid is not None and req.method == "GET":
            rec = _lookup(projects, route.rid)
            return {"project": render_project(rec, business_id, single=True), "abilities": []}
        if route.rid is not None and req.method == "PUT":
            rec = _lookup(projects, route.rid)
            _update_project(rec, _body(req, "project"), store, ctx)
            return {"project": render_project(rec, business_id, single=True)}
        if route.rid is not None and req.method == "DELETE":
            rec = _lookup(projects, route.rid)
            del projects[rec.id]
            return None
        raise _method_not_allowed(("POST",) if route.rid is None else ("GET", "PUT", "DELETE"))
    raise BusinessError(404, NOT_FOUND_BODY)
