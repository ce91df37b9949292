"""The accounting resource machinery shared by clients, invoices, expenses, categories, staff.

A resource supplies its collection, how to render a record, how to create and update one and its
``search[...]`` filters; this module does the rest the FreshBooks way: envelopes, paging, the
default ``vis_state`` view, day-granular ``updated_min``/``updated_max`` on the Eastern calendar,
sorting, and THE UPDATE-PHASE RULE (API notes §3.7): a PUT holding ``ext_vis_state``,
``vis_state`` or any ``action_*`` field applies only that phase and silently drops the rest.

A created or updated record is rendered (down to its JSON bytes) *before* it is stored, so a
record the sandbox could not answer with never reaches a listing (:meth:`Resource.commit`).
"""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar, Generic, TypeVar

from freshbooks_sdk._core.fbtime import eastern_date, format_accounting_datetime

from ..errors import AccountingError, ErrorItem, bad_value, not_found
from ..query import ListParams, paginate, parse_includes, parse_params
from ..store import AccountStore, Record, World
from ..validate import parse_date, parse_json_body, read_int, unwrap
from ..wire import JsonObj, dumps

__all__ = [
    "Ctx",
    "FilterFn",
    "Resource",
    "date_max",
    "date_min",
    "eq_int",
    "eq_str",
    "in_int",
    "like",
    "parse_search_int",
]

R = TypeVar("R", bound=Record)
FilterFn = Callable[["Ctx", R, list[str]], bool]

VIS_ACTIVE, VIS_DELETED, VIS_ARCHIVED = 0, 1, 2


@dataclass
class Ctx:
    """What a resource operation may touch: one business, the shared world, "now"."""

    store: AccountStore
    world: World
    now: datetime
    staff_id: int  # the caller's own staff id in this business

    @property
    def today(self) -> date:
        """Today on the Eastern calendar (the accounting API's day)."""
        return eastern_date(self.now)

    @property
    def currency(self) -> str:
        return self.store.business.currency_code


def eastern(value: datetime) -> str:
    return format_accounting_datetime(value)


# ---- search[...] helpers -------------------------------------------------------------------


def parse_search_int(key: str, value: str) -> int:
    text = value.strip()
    if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 19:
        raise bad_value(f"search[{key}]", "search", value, f"{key} must be a number.", errno=1015)
    return int(text)


def _search_date(key: str, value: str) -> date:
    # Day granularity: a full timestamp is cut to its date, as FreshBooks documents.
    return parse_date(value.strip()[:10], f"search[{key}]", "search")


def eq_int(key: str, get: Callable[[R], int | None]) -> FilterFn[R]:
    def match(ctx: Ctx, rec: R, values: list[str]) -> bool:
        return get(rec) == parse_search_int(key, values[-1])

    return match


def in_int(key: str, get: Callable[[R], int | None]) -> FilterFn[R]:
    def match(ctx: Ctx, rec: R, values: list[str]) -> bool:
        return get(rec) in {parse_search_int(key, v) for v in values}

    return match


def eq_str(get: Callable[[R], str | None], *, casefold: bool = True) -> FilterFn[R]:
    def match(ctx: Ctx, rec: R, values: list[str]) -> bool:
        actual = get(rec) or ""
        wanted = values[-1]
        return actual.casefold() == wanted.casefold() if casefold else actual == wanted

    return match


def like(*getters: Callable[[R], Any]) -> FilterFn[R]:
    """``*_like``: case-insensitive substring match on any of the fields."""

    def match(ctx: Ctx, rec: R, values: list[str]) -> bool:
        needle = values[-1].casefold()
        return any(needle in str(g(rec) or "").casefold() for g in getters)

    return match


def date_min(key: str, get: Callable[[Ctx, R], date | None]) -> FilterFn[R]:
    def match(ctx: Ctx, rec: R, values: list[str]) -> bool:
        actual = get(ctx, rec)
        return actual is not None and actual >= _search_date(key, values[-1])

    return match


def date_max(key: str, get: Callable[[Ctx, R], date | None]) -> FilterFn[R]:
    """Maximums match values *below* the one given (exclusive), per FreshBooks' docs."""

    def match(ctx: Ctx, rec: R, values: list[str]) -> bool:
        actual = get(ctx, rec)
        return actual is not None and actual < _search_date(key, values[-1])

    return match


def _updated_day(ctx: Ctx, rec: Record) -> date:
    return eastern_date(rec.updated)


_COMMON_FILTERS: dict[str, FilterFn[Record]] = {
    "updated_min": date_min("updated_min", _updated_day),
    "updated_max": date_max("updated_max", _updated_day),
}


# ---- the resource base ---------------------------------------------------------------------


class Resource(ABC, Generic[R]):
    """One ``/accounting/account/{account_id}/{area}/{name}`` collection."""

    area: ClassVar[str]
    name: ClassVar[str]
    single: ClassVar[str]  # envelope key of one object ("client")
    plural: ClassVar[str]  # envelope key of a list ("clients")
    obj: ClassVar[str]  # "object" in error bodies
    id_field: ClassVar[str]  # "field" in a not-found error ("userid")
    scope: ClassVar[str]  # user:<scope>:read / user:<scope>:write
    operations: ClassVar[frozenset[str]] = frozenset({"list", "get", "create", "update"})
    includes: ClassVar[frozenset[str]] = frozenset()  # every include[] the render knows

    # -- what a resource provides --

    @abstractmethod
    def collection(self, store: AccountStore) -> dict[int, R]: ...

    @abstractmethod
    def render(self, ctx: Ctx, rec: R, includes: frozenset[str]) -> JsonObj: ...

    def create(self, ctx: Ctx, data: JsonObj) -> R:
        raise NotImplementedError

    def update(self, ctx: Ctx, rec: R, data: JsonObj) -> None:
        """The regular data phase (partial update of the keys given)."""
        raise NotImplementedError

    def action(self, ctx: Ctx, rec: R, data: JsonObj) -> None:
        """The action phase (``action_*`` fields). Unknown actions change nothing."""

    def filters(self) -> Mapping[str, FilterFn[R]]:
        return {}

    def sorts(self) -> Mapping[str, Callable[[R], Any]]:
        return {"id": lambda r: r.id, "updated": lambda r: r.updated}

    # -- the FreshBooks machinery --

    def required_scope(self, method: str) -> str:
        return f"user:{self.scope}:{'read' if method in ('GET', 'HEAD') else 'write'}"

    def operation(self, method: str, has_id: bool) -> str | None:
        op = {
            ("GET", False): "list",
            ("GET", True): "get",
            ("POST", False): "create",
            ("PUT", True): "update",
            ("PATCH", True): "update",
            ("DELETE", True): "delete",
        }.get((method, has_id))
        return op if op in self.operations else None

    def allowed_methods(self, has_id: bool) -> list[str]:
        """The HTTP methods this path shape supports (for an ``Allow`` header)."""
        methods = ("GET", "POST", "PUT", "PATCH", "DELETE")
        return [m for m in methods if self.operation(m, has_id) is not None]

    def dispatch(
        self, ctx: Ctx, op: str, rid: str | None, query: Sequence[tuple[str, str]], body: bytes
    ) -> JsonObj:
        if op == "list":
            return self.list(ctx, parse_params(query))
        includes = parse_includes(query)
        if op == "create":
            data = unwrap(parse_json_body(body), self.single)
            return self.commit(ctx, self.create(ctx, data), includes)
        rec = self.lookup(ctx, rid or "")
        if op == "get":
            return self.single_envelope(ctx, rec, includes)
        if op == "delete":
            rec.vis_state = VIS_DELETED
            rec.updated = ctx.now
            return {"response": {}}
        data = unwrap(parse_json_body(body), self.single)
        return self.commit(ctx, self.apply_update(ctx, rec, data), includes)

    def commit(self, ctx: Ctx, rec: R, includes: frozenset[str]) -> JsonObj:
        """Store ``rec`` (new, or the updated copy) only once it renders and encodes: if that
        fails (a sandbox bug) the request answers 500 and the stored data is untouched, so
        later listings keep working."""
        dumps(self.render(ctx, rec, self.includes))  # as any later request may ask for it
        envelope = self.single_envelope(ctx, rec, includes)
        self.collection(ctx.store)[rec.id] = rec
        return envelope

    def lookup(self, ctx: Ctx, rid: str) -> R:
        found = rid.isascii() and rid.isdigit() and len(rid) < 19
        rec = self.collection(ctx.store).get(int(rid)) if found else None
        if rec is None:
            raise not_found(self.obj, self.id_field, rid)
        return rec

    def single_envelope(self, ctx: Ctx, rec: R, includes: frozenset[str]) -> JsonObj:
        return {"response": {"result": {self.single: self.render(ctx, rec, includes)}}}

    def apply_update(self, ctx: Ctx, stored: R, data: JsonObj) -> R:
        """FreshBooks' update phases, in precedence order; only the first present one runs.

        All or nothing: the phase works on a copy, returned for :meth:`commit` to store once
        every field was valid and it renders, so a 4xx never leaves a half-applied update behind.
        """
        rec = copy.deepcopy(stored)
        if "ext_vis_state" in data:
            read_int(data, "ext_vis_state", self.obj)  # validated, then nothing else happens
        elif "vis_state" in data:
            value = read_int(data, "vis_state", self.obj)
            if value not in (VIS_ACTIVE, VIS_DELETED, VIS_ARCHIVED):
                raise bad_value(
                    "vis_state", self.obj, data["vis_state"], "vis_state must be 0, 1 or 2."
                )
            rec.vis_state = value
        else:
            if rec.vis_state == VIS_DELETED:
                label = self.obj.replace("_", " ").capitalize()
                raise AccountingError(
                    422,
                    ErrorItem(
                        1011,
                        f"{label} is deleted; restore it with vis_state 0 first.",
                        field=self.id_field,
                        object=self.obj,
                        value=str(rec.id),
                    ),
                )
            if any(key.startswith("action_") for key in data):
                self.action(ctx, rec, data)
            else:
                self.update(ctx, rec, data)
        rec.updated = ctx.now
        return rec

    def list(self, ctx: Ctx, params: ListParams) -> JsonObj:
        filters: dict[str, FilterFn[R]] = {**_COMMON_FILTERS, **self.filters()}
        active = [(filters[k], v) for k, v in params.search.items() if k in filters]
        vis = params.search.get("vis_state")
        wanted_vis = {parse_search_int("vis_state", vis[-1])} if vis else {VIS_ACTIVE, VIS_ARCHIVED}
        records = [
            rec
            for rec in self.collection(ctx.store).values()
            if rec.vis_state in wanted_vis and all(f(ctx, rec, v) for f, v in active)
        ]
        records.sort(key=lambda r: r.id)
        if params.sort:
            field, _, direction = params.sort.rpartition("_")
            key = self.sorts().get(field)
            if key is not None and direction in ("asc", "desc"):
                records.sort(key=key, reverse=direction == "desc")
        page = paginate(records, params)
        return {
            "response": {
                "result": {
                    self.plural: [self.render(ctx, r, params.includes) for r in page.items],
                    "page": page.page,
                    "pages": page.pages,
                    "per_page": page.per_page,
                    "total": page.total,
                }
            }
        }
