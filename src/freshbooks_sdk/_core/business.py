"""The business-id families (time tracking, projects): paths, envelopes and checked inputs (pure).

These APIs differ from accounting on every wire detail (API notes §3.2, §3.4, §9):

* paths are ``/{family}/business/{business_id}/{collection}[/{id}]`` with the numeric
  ``business_id`` (``users/me`` ``business_memberships[].business.id``), not the account_id;
* a single body is ``{"time_entry": {...}}`` with no ``response``/``result`` wrapper, and a list
  page is ``{"time_entries": [...], "meta": {"page", "pages", "per_page", "total"}}``;
* filters are bare query parameters (``client_id=5``, ``billable=true``), datetimes are full ISO
  8601 UTC instants (``started_from=2024-05-01T00:00:00Z``), not days.

>>> business_path("timetracking", 7310001, "time_entries", 42)
'/timetracking/business/7310001/time_entries/42'
>>> from datetime import datetime, timezone
>>> time_entry_filters(started_from=datetime(2024, 5, 1, tzinfo=timezone.utc), billable=True)
[('started_from', '2024-05-01T00:00:00Z'), ('billable', 'true')]
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from freshbooks_sdk._core import inputs
from freshbooks_sdk._core.envelope import E, Unwrap
from freshbooks_sdk._core.fbtime import format_iso_z
from freshbooks_sdk._core.money_input import decimal_text, to_decimal
from freshbooks_sdk._core.pages import Page, page_info
from freshbooks_sdk._core.query import QueryParams
from freshbooks_sdk.errors import InvalidRequestError

__all__ = [
    "MAX_DURATION",
    "PROJECT_BILLING_METHODS",
    "PROJECT_TYPES",
    "bare_single",
    "business_path",
    "check_business_id",
    "check_optional_id",
    "meta_listing",
    "project_body",
    "project_filters",
    "project_update_body",
    "time_entry_body",
    "time_entry_filters",
    "time_entry_update_body",
]

MAX_DURATION = 10 * 365 * 24 * 3600
"""The longest ``duration`` accepted (ten years, in seconds): anything longer is a unit mistake."""

PROJECT_TYPES = frozenset({"fixed_price", "hourly_rate"})
PROJECT_BILLING_METHODS = frozenset(
    {"project_rate", "service_rate", "team_member_rate", "business_rate"}
)
_MAX_TEXT = 10_000


# ---- paths and envelopes -------------------------------------------------------------------


def check_business_id(value: object, *, field: str = "business_id") -> int:
    """A positive int business id (it goes into the URL path)."""
    return inputs.check_int(
        value,
        field=field,
        minimum=1,
        maximum=inputs.MAX_ID,
        what="a positive int (users/me business_memberships[].business.id)",
    )


def business_path(
    family: str, business_id: int, collection: str, resource_id: int | None = None
) -> str:
    """``/{family}/business/{business_id}/{collection}[/{id}]``."""
    path = f"/{family}/business/{check_business_id(business_id)}/{collection}"
    if resource_id is not None:
        path += f"/{_id(resource_id, 'id')}"
    return path


def bare_single(envelope: type[E] | str, key: str) -> Unwrap[E, Any]:
    """Unwrap ``{key: {...}}`` (no ``response`` wrapper)."""

    def extract(env: E) -> Any:
        return getattr(env, key)

    return Unwrap(envelope, extract)


def meta_listing(envelope: type[E] | str, key: str) -> Unwrap[E, Page[Any]]:
    """Unwrap ``{key: [...], "meta": {"page", "pages", "per_page", "total"}}``."""

    def extract(env: E) -> Page[Any]:
        items = getattr(env, key) or []
        meta = getattr(env, "meta")  # noqa: B009 - the generated envelopes all carry meta
        return Page(items=list(items), info=page_info(meta, len(items)))

    return Unwrap(envelope, extract)


# ---- checks ----------------------------------------------------------------------------------
# One set of checks for the whole SDK: these delegate to ``_core/inputs.py`` (bounded ids, safe
# text, instants that never overflow, short error messages that never call a hostile repr).


def _id(value: object, field: str) -> int:
    return inputs.check_id(value, field=field)


def _opt_id(value: object, field: str) -> int | None:
    return inputs.check_optional_id(value, field=field)


def check_optional_id(value: object, field: str) -> int | None:
    """``None`` or a positive int id (refused naming ``field`` otherwise)."""
    return _opt_id(value, field)


def _opt_bool(value: object, field: str) -> bool | None:
    return None if value is None else inputs.check_bool(value, field=field)


def _opt_text(value: object, field: str, *, required: bool = False) -> str | None:
    """One line of text (titles, sort names); ``note``/``description`` use ``_opt_long_text``."""
    if value is None and required:
        raise inputs.invalid(field, "is required (a non-empty str)")
    text = inputs.check_text(value, field=field, max_len=_MAX_TEXT)
    if required and (text is None or not text.strip()):
        raise inputs.invalid(field, "must be a non-empty str", value)
    return text


def _opt_long_text(value: object, field: str) -> str | None:
    return inputs.check_long_text(value, field=field, max_len=_MAX_TEXT)


def _instant(value: object, field: str) -> datetime:
    return inputs.check_instant(value, field=field)


def _opt_instant(value: object, field: str) -> str | None:
    return None if value is None else format_iso_z(_instant(value, field))


def _opt_date(value: object, field: str) -> str | None:
    day = inputs.check_date(value, field=field)
    return None if day is None else day.isoformat()


def _choice(value: object, field: str, allowed: frozenset[str]) -> str | None:
    if value is None:
        return None
    return inputs.check_choice(value, field=field, choices=sorted(allowed))


def _sort(value: object, allowed: frozenset[str]) -> str | None:
    """``"field"`` ascending or ``"-field"`` descending, on a known field."""
    if value is None:
        return None
    name = value[1:] if isinstance(value, str) and value.startswith("-") else value
    if not isinstance(name, str) or name not in allowed:
        raise inputs.invalid(
            "sort",
            f"must be one of {', '.join(sorted(allowed))} (prefix '-' for descending), "
            f"got {inputs.describe(value)}",
            value,
        )
    return str.__str__(value) if isinstance(value, str) else str(value)


def _params(pairs: Mapping[str, object]) -> QueryParams:
    out: QueryParams = []
    for key, value in pairs.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out.append((key, "true" if value else "false"))
        else:
            out.append((key, str(value)))
    return out


def _drop_none(body: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


# ---- time entries ----------------------------------------------------------------------------

TIME_ENTRY_SORTS = frozenset({"started_at", "created_at", "duration", "id"})


def time_entry_filters(
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
    sort: str | None = None,
) -> QueryParams:
    """The bare query parameters of a time entry listing, checked.

    Documented (https://www.freshbooks.com/api/time_entries): ``billable``, ``billed``,
    ``client_id``, ``include_deleted``, ``team``, ``include_unlogged``, ``identity_id`` and the
    UTC datetimes ``started_from`` (at or after), ``started_to`` (before or at) and
    ``updated_since`` (at or after). ``project_id``, ``task_id``, ``service_id`` and the sort
    fields are kept from before: the docs are silent on them.
    """
    start = None if started_from is None else _instant(started_from, "started_from")
    end = None if started_to is None else _instant(started_to, "started_to")
    if start is not None and end is not None and end < start:
        raise InvalidRequestError(
            f"started_to ({end.isoformat()}) is before started_from ({start.isoformat()})",
            field="started_to",
            value=started_to,
        )
    return _params(
        {
            "started_from": None if start is None else format_iso_z(start),
            "started_to": None if end is None else format_iso_z(end),
            "updated_since": _opt_instant(updated_since, "updated_since"),
            "client_id": _opt_id(client_id, "client_id"),
            "project_id": _opt_id(project_id, "project_id"),
            "task_id": _opt_id(task_id, "task_id"),
            "service_id": _opt_id(service_id, "service_id"),
            "identity_id": _opt_id(identity_id, "identity_id"),
            "billable": _opt_bool(billable, "billable"),
            "billed": _opt_bool(billed, "billed"),
            "include_deleted": _opt_bool(include_deleted, "include_deleted"),
            "include_unlogged": _opt_bool(include_unlogged, "include_unlogged"),
            "team": _opt_bool(team, "team"),
            "sort": _sort(sort, TIME_ENTRY_SORTS),
        }
    )


def time_entry_body(
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
) -> dict[str, Any]:
    """The ``time_entry`` object of a create, checked (``duration`` in whole seconds)."""
    return _drop_none(
        {
            "is_logged": _opt_bool(is_logged, "is_logged"),
            "started_at": format_iso_z(_instant(started_at, "started_at")),
            "duration": _duration(duration),
            "note": _opt_long_text(note, "note"),
            "client_id": _opt_id(client_id, "client_id"),
            "project_id": _opt_id(project_id, "project_id"),
            "service_id": _opt_id(service_id, "service_id"),
            "task_id": _opt_id(task_id, "task_id"),
            "identity_id": _opt_id(identity_id, "identity_id"),
            "billable": _opt_bool(billable, "billable"),
            "internal": _opt_bool(internal, "internal"),
        }
    )


def _duration(value: object) -> int:
    return inputs.check_int(
        value, field="duration", maximum=MAX_DURATION, what="an int number of seconds"
    )


def _nothing_to_change(body: dict[str, Any], key: str) -> dict[str, Any]:
    if not body:
        raise InvalidRequestError(
            f"an update of a {key.replace('_', ' ')} needs at least one field to change",
            field=key,
        )
    return body


def time_entry_update_body(
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
) -> dict[str, Any]:
    """The ``time_entry`` object of an update: only the fields given (``None`` keeps a field
    as it is), each checked like a create's; at least one is needed.

    The fields are the writable ones of the documented time entry
    (https://www.freshbooks.com/api/time_entries) as the official SDKs send them on a PUT
    (freshbooks/freshbooks-nodejs-sdk ``models/TimeEntry.ts`` ``transformTimeEntryRequest``,
    amcintosh/freshbooks-java-sdk ``models/TimeEntry.java`` ``getContent``): besides a create's,
    ``billed`` ("manually marked as billed") and ``identity_id`` (the teammate it is logged for).

    >>> time_entry_update_body(duration=5400, note="Design review")
    {'duration': 5400, 'note': 'Design review'}
    >>> time_entry_update_body(billed=True, identity_id=65432)
    {'identity_id': 65432, 'billed': True}
    """
    body = _drop_none(
        {
            "is_logged": _opt_bool(is_logged, "is_logged"),
            "started_at": _opt_instant(started_at, "started_at"),
            "duration": None if duration is None else _duration(duration),
            "note": _opt_long_text(note, "note"),
            "client_id": _opt_id(client_id, "client_id"),
            "project_id": _opt_id(project_id, "project_id"),
            "service_id": _opt_id(service_id, "service_id"),
            "task_id": _opt_id(task_id, "task_id"),
            "identity_id": _opt_id(identity_id, "identity_id"),
            "billable": _opt_bool(billable, "billable"),
            "billed": _opt_bool(billed, "billed"),
            "internal": _opt_bool(internal, "internal"),
        }
    )
    return _nothing_to_change(body, "time_entry")


# ---- projects --------------------------------------------------------------------------------

# The documented sort fields are created_at, due_date and title
# (https://www.freshbooks.com/api/project); updated_at and id are kept from before (the docs
# are silent on them, and no official SDK names them).
PROJECT_SORTS = frozenset({"title", "due_date", "created_at", "updated_at", "id"})


def project_filters(
    *,
    active: bool | None = None,
    complete: bool | None = None,
    internal: bool | None = None,
    client_id: int | None = None,
    updated_since: datetime | None = None,
    include_logged_duration: bool | None = None,
    skip_group: bool | None = None,
    sort: str | None = None,
) -> QueryParams:
    """The bare query parameters of a project listing, checked.

    Documented (https://www.freshbooks.com/api/project): the booleans ``active``,
    ``complete``, ``include_logged_duration`` (fills ``logged_duration``, seconds) and
    ``skip_group`` (no ``group``), and ``updated_since``, a Datetime filter ("updated at or
    after the specified utc date/time") sent as ISO 8601 UTC like the official Python SDK's
    ``FilterBuilder.date_time`` (amcintosh/freshbooks-python-sdk). ``client_id`` is
    live-verified (API notes §9); ``internal`` is kept from before (the docs are silent).

    >>> from datetime import datetime, timezone
    >>> project_filters(updated_since=datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc))
    [('updated_since', '2024-05-01T09:30:00Z')]
    """
    return _params(
        {
            "active": _opt_bool(active, "active"),
            "complete": _opt_bool(complete, "complete"),
            "internal": _opt_bool(internal, "internal"),
            "client_id": _opt_id(client_id, "client_id"),
            "updated_since": _opt_instant(updated_since, "updated_since"),
            "include_logged_duration": _opt_bool(
                include_logged_duration, "include_logged_duration"
            ),
            "skip_group": _opt_bool(skip_group, "skip_group"),
            "sort": _sort(sort, PROJECT_SORTS),
        }
    )


def _opt_budget(value: object) -> int | None:
    if value is None:
        return None
    return inputs.check_int(value, field="budget", maximum=2**31 - 1, what="an int >= 0")


def _opt_decimal(value: object, field: str) -> str | None:
    if value is None:
        return None
    number: Decimal = to_decimal(value, field=field, allow_negative=False)
    return decimal_text(number)


def project_body(
    *,
    title: str,
    description: str | None = None,
    due_date: date | None = None,
    client_id: int | None = None,
    internal: bool | None = None,
    project_type: str | None = None,
    billing_method: str | None = None,
    fixed_price: str | int | Decimal | None = None,
    rate: str | int | Decimal | None = None,
    budget: int | None = None,
    project_manager_id: int | None = None,
) -> dict[str, Any]:
    """The ``project`` object of a create, checked.

    A fixed-price project needs ``fixed_price``; an internal project has no client.
    """
    kind = _choice(project_type, "project_type", PROJECT_TYPES)
    body = _drop_none(
        {
            "title": _opt_text(title, "title", required=True),
            "description": _opt_long_text(description, "description"),
            "due_date": _opt_date(due_date, "due_date"),
            "client_id": _opt_id(client_id, "client_id"),
            "internal": _opt_bool(internal, "internal"),
            "project_type": kind,
            "billing_method": _choice(billing_method, "billing_method", PROJECT_BILLING_METHODS),
            "fixed_price": _opt_decimal(fixed_price, "fixed_price"),
            "rate": _opt_decimal(rate, "rate"),
            "budget": _opt_budget(budget),
            "project_manager_id": _opt_id(project_manager_id, "project_manager_id"),
        }
    )
    if kind == "fixed_price" and "fixed_price" not in body:
        raise InvalidRequestError(
            "a fixed_price project needs fixed_price (the amount to bill)", field="fixed_price"
        )
    if body.get("internal") is True and "client_id" in body:
        raise inputs.invalid(
            "client_id", "must be None for an internal project (drop client_id or internal=True)"
        )
    return body


def project_update_body(
    *,
    title: str | None = None,
    description: str | None = None,
    due_date: date | None = None,
    client_id: int | None = None,
    internal: bool | None = None,
    project_type: str | None = None,
    billing_method: str | None = None,
    fixed_price: str | int | Decimal | None = None,
    rate: str | int | Decimal | None = None,
    budget: int | None = None,
    project_manager_id: int | None = None,
    complete: bool | None = None,
    active: bool | None = None,
) -> dict[str, Any]:
    """The ``project`` object of an update: only the fields given (``None`` keeps a field as it
    is), each checked like a create's; at least one is needed. ``complete=True`` marks the
    project done.

    >>> project_update_body(title="Website v2", complete=True)
    {'title': 'Website v2', 'complete': True}
    """
    body = _drop_none(
        {
            "title": None if title is None else _opt_text(title, "title", required=True),
            "description": _opt_long_text(description, "description"),
            "due_date": _opt_date(due_date, "due_date"),
            "client_id": _opt_id(client_id, "client_id"),
            "internal": _opt_bool(internal, "internal"),
            "project_type": _choice(project_type, "project_type", PROJECT_TYPES),
            "billing_method": _choice(billing_method, "billing_method", PROJECT_BILLING_METHODS),
            "fixed_price": _opt_decimal(fixed_price, "fixed_price"),
            "rate": _opt_decimal(rate, "rate"),
            "budget": _opt_budget(budget),
            "project_manager_id": _opt_id(project_manager_id, "project_manager_id"),
            "complete": _opt_bool(complete, "complete"),
            "active": _opt_bool(active, "active"),
        }
    )
    if body.get("internal") is True and "client_id" in body:
        raise InvalidRequestError(
            "an internal project has no client: drop client_id or internal=True",
            field="client_id",
            value=client_id,
        )
    return _nothing_to_change(body, "project")
