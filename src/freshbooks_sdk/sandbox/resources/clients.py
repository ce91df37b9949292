"""``users/clients``: list, get, create, update (delete is PUT ``vis_state: 1``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from freshbooks_sdk._core.fbtime import format_utc_sql

from ..errors import AccountingError, ErrorItem
from ..store import AccountStore, InvoiceRecord, Record
from ..validate import read_bool, read_currency, read_str
from ..wire import JsonObj, money
from .base import Ctx, FilterFn, Resource, eastern, eq_str, in_int, like
from .invoices import invoice_totals, is_overdue

__all__ = ["ClientResource"]

_ADDRESS = ("street", "street2", "city", "province", "code", "country")
# Free-text fields a create/update may set; all default to "" except the ones listed in _NULLABLE.
STRING_FIELDS = (
    "fname",
    "lname",
    "organization",
    "email",
    "username",
    "bus_phone",
    "home_phone",
    "mob_phone",
    "fax",
    "note",
    "language",
    "vat_name",
    "vat_number",
    "company_industry",
    "company_size",
    *(f"p_{a}" for a in _ADDRESS),
    *(f"s_{a}" for a in _ADDRESS),
)
_NULLABLE = {"home_phone", "note", "vat_name", "vat_number", "company_industry", "company_size"}
BOOL_FIELDS = {
    "allow_email_include_pdf": False,
    "allow_late_fees": True,
    "allow_late_notifications": True,
    "pref_email": True,
    "pref_gmail": False,
}
_IDENTIFYING = ("fname", "lname", "email", "organization")
_BALANCES = (
    "outstanding_balance",
    "draft_balance",
    "overdue_balance",
    "credit_balance",
    "grand_total_balance",
)


def _field(name: str) -> Callable[[Record], Any]:
    return lambda rec: rec.fields.get(name)


class ClientResource(Resource[Record]):
    area = "users"
    name = "clients"
    single = "client"
    plural = "clients"
    obj = "client"
    id_field = "userid"
    scope = "clients"
    includes = frozenset(_BALANCES)

    def collection(self, store: AccountStore) -> dict[int, Record]:
        return store.clients

    def create(self, ctx: Ctx, data: JsonObj) -> Record:
        fields: JsonObj = {
            name: (None if name in _NULLABLE else "") for name in STRING_FIELDS
        } | dict(BOOL_FIELDS)
        fields.update(language="en", currency_code=ctx.currency)
        self._apply(ctx, fields, data)
        if not fields.get("username"):
            fields["username"] = ctx.world.username()
        fields["uuid"] = ctx.world.uuid()
        return Record(
            id=ctx.world.next_id("clients"), created=ctx.now, updated=ctx.now, fields=fields
        )

    def update(self, ctx: Ctx, rec: Record, data: JsonObj) -> None:
        self._apply(ctx, rec.fields, data)

    def _apply(self, ctx: Ctx, fields: JsonObj, data: JsonObj) -> None:
        for name in STRING_FIELDS:
            if name in data:
                fields[name] = read_str(data, name, self.obj)
        for name in BOOL_FIELDS:
            if name in data:
                fields[name] = read_bool(data, name, self.obj)
        if "currency_code" in data:
            fields["currency_code"] = read_currency(data, "currency_code", self.obj) or ctx.currency
        if not any(fields.get(k) for k in _IDENTIFYING):
            raise AccountingError(
                422,
                ErrorItem(
                    7012,
                    "At least one field among fname, lname, email and organization is required.",
                    object="client",
                ),
            )

    def render(self, ctx: Ctx, rec: Record, includes: frozenset[str]) -> JsonObj:
        out: JsonObj = {
            **rec.fields,
            "id": rec.id,
            "userid": rec.id,
            "accounting_systemid": ctx.store.account_id,
            "direct_link_token": None,
            "statement_token": None,
            "subdomain": None,
            "has_retainer": None,
            "retainer_id": None,
            "last_activity": None,
            "last_login": None,
            "num_logins": 0,
            "level": 0,
            "notified": False,
            "role": "client",
            "signup_date": format_utc_sql(rec.created),
            "updated": eastern(rec.updated),
            "vis_state": rec.vis_state,
        }
        wanted = [b for b in _BALANCES if b in includes]
        if wanted:
            out.update(_balances(ctx, rec.id, wanted))
        return dict(sorted(out.items()))

    def filters(self) -> Mapping[str, FilterFn[Record]]:
        address = [_field(f"{p}_{a}") for p in "ps" for a in _ADDRESS]
        phones = [_field(n) for n in ("bus_phone", "home_phone", "mob_phone", "fax")]
        return {
            "email": eq_str(_field("email")),
            "userid": in_int("userid", lambda r: r.id),
            "userids": in_int("userids", lambda r: r.id),
            "fname_like": like(_field("fname")),
            "lname_like": like(_field("lname")),
            "organization_like": like(_field("organization")),
            "note_like": like(_field("note")),
            "address_like": like(*address),
            "phone_like": like(*phones),
            "has_credit": _has_balance("credit_balance"),
            "has_draft": _has_balance("draft_balance"),
            "has_outstanding": _has_balance("outstanding_balance"),
            "has_overdue": _has_balance("overdue_balance"),
        }

    def sorts(self) -> Mapping[str, Callable[[Record], Any]]:
        return {
            **super().sorts(),
            "client_id": lambda r: r.id,
            "organization_name": lambda r: (r.fields.get("organization") or "").casefold(),
            "email": lambda r: (r.fields.get("email") or "").casefold(),
        }


def _has_balance(name: str) -> FilterFn[Record]:
    """``search[has_outstanding]`` etc. ("no input"): clients with a non-zero such balance."""

    def match(ctx: Ctx, rec: Record, values: list[str]) -> bool:
        return bool(_balances(ctx, rec.id, [name]).get(name))

    return match


def _balances(ctx: Ctx, client_id: int, wanted: list[str]) -> JsonObj:
    """``include[]=outstanding_balance`` etc.: one ``{"amount": Money}`` entry per currency."""
    sums: dict[str, dict[str, Decimal]] = {b: defaultdict(Decimal) for b in wanted}
    invoices: list[InvoiceRecord] = [
        inv
        for inv in ctx.store.invoices.values()
        if inv.customerid == client_id and inv.vis_state != 1
    ]
    for inv in invoices:
        totals = invoice_totals(inv)
        code = inv.currency_code
        draft = inv.status == 1
        if "outstanding_balance" in sums and not draft:
            sums["outstanding_balance"][code] += totals.outstanding
        if "draft_balance" in sums and draft:
            sums["draft_balance"][code] += totals.amount
        if "overdue_balance" in sums and is_overdue(ctx, inv):
            sums["overdue_balance"][code] += totals.outstanding
        if "grand_total_balance" in sums:
            sums["grand_total_balance"][code] += totals.outstanding if not draft else totals.amount
    return {
        name: [{"amount": money(v, code)} for code, v in sorted(per.items()) if v]
        for name, per in sums.items()
    }
