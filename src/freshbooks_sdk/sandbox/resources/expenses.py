"""``expenses/expenses`` (list, get, create, update; delete is PUT ``vis_state: 1``) and
``expenses/categories`` (read only)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from ..errors import bad_value, not_found, required
from ..store import AccountStore, ExpenseRecord, Record
from ..validate import (
    parse_date,
    read_bool,
    read_date,
    read_decimal,
    read_int,
    read_money,
    read_str,
    require,
)
from ..wire import JsonObj, fmt_decimal, money
from .base import (
    Ctx,
    FilterFn,
    Resource,
    date_max,
    date_min,
    eastern,
    eq_int,
    eq_str,
    in_int,
    like,
)

__all__ = ["CategoryResource", "ExpenseResource"]

_STRING_DEFAULTS: dict[str, str | None] = {
    "vendor": None,
    "notes": "",
    "taxName1": None,
    "taxName2": None,
    "account_name": "",
    "bank_name": "",
}
_BOOL_DEFAULTS = {"has_receipt": False, "include_receipt": False, "compounded_tax": False}
_ID_FIELDS = ("categoryid", "staffid", "clientid", "projectid")


class ExpenseResource(Resource[ExpenseRecord]):
    area = "expenses"
    name = "expenses"
    single = "expense"
    plural = "expenses"
    obj = "expense"
    id_field = "expenseid"
    scope = "expenses"
    includes = frozenset({"category"})

    def collection(self, store: AccountStore) -> dict[int, ExpenseRecord]:
        return store.expenses

    def create(self, ctx: Ctx, data: JsonObj) -> ExpenseRecord:
        require(data, ("categoryid", "amount", "date", "staffid"), self.obj)
        amount = read_money(data, "amount", self.obj, default_code=ctx.currency)
        assert amount is not None  # checked above
        rec = ExpenseRecord(
            id=ctx.world.next_id("expenses"),
            created=ctx.now,
            updated=ctx.now,
            amount=amount[0],
            currency_code=amount[1],
            fields={
                **_STRING_DEFAULTS,
                **_BOOL_DEFAULTS,
                "clientid": 0,
                "projectid": 0,
                "markup_percent": "0",
                "taxPercent1": None,
                "taxPercent2": None,
                "attachment": None,
                "billable": None,
            },
        )
        self._apply(ctx, rec, data)
        return rec

    def update(self, ctx: Ctx, rec: ExpenseRecord, data: JsonObj) -> None:
        self._apply(ctx, rec, data)

    def _apply(self, ctx: Ctx, rec: ExpenseRecord, data: JsonObj) -> None:
        fields = rec.fields
        for key in _ID_FIELDS:
            if key in data:
                value = read_int(data, key, self.obj, default=0) or 0
                self._check_reference(ctx, key, value)
                fields[key] = value
        if "amount" in data:
            amount = read_money(data, "amount", self.obj, default_code=rec.currency_code)
            if amount is None:
                raise required("amount", self.obj)
            rec.amount, rec.currency_code = amount
        if "date" in data:
            day = read_date(data, "date", self.obj)
            if day is None:
                raise required("date", self.obj)
            fields["date"] = day.isoformat()
        for key in _STRING_DEFAULTS:
            if key in data:
                fields[key] = read_str(data, key, self.obj)
        for key in _BOOL_DEFAULTS:
            if key in data:
                fields[key] = read_bool(data, key, self.obj, default=False)
        for index in (1, 2):
            money_key = f"taxAmount{index}"
            if money_key in data:
                tax = read_money(data, money_key, self.obj, default_code=rec.currency_code)
                setattr(rec, f"tax_amount{index}", tax[0] if tax else None)
            pct_key = f"taxPercent{index}"
            if pct_key in data:
                pct = read_decimal(data, pct_key, self.obj)
                fields[pct_key] = fmt_decimal(pct) if pct is not None else None
        if "markup_percent" in data:
            markup = read_decimal(data, "markup_percent", self.obj, default=Decimal(0))
            fields["markup_percent"] = fmt_decimal(markup or Decimal(0))
        if "billable" in data:
            fields["billable"] = read_bool(data, "billable", self.obj)
        if "attachment" in data:
            fields["attachment"] = self._attachment(ctx, data["attachment"])
            fields["has_receipt"] = fields["attachment"] is not None

    def _check_reference(self, ctx: Ctx, key: str, value: int) -> None:
        if key == "categoryid":
            if value not in ctx.store.categories:
                raise not_found("category", "categoryid", value, status=422)
        elif key == "staffid":
            if value not in ctx.store.staff:
                raise not_found("staff", "staffid", value, status=422)
        elif key == "clientid" and value and value not in ctx.store.clients:
            raise not_found("client", "clientid", value, status=422)

    def _attachment(self, ctx: Ctx, raw: Any) -> JsonObj | None:
        if raw is None:
            return None
        if not isinstance(raw, dict):
            raise bad_value("attachment", self.obj, raw, "attachment must be an object.")
        jwt = read_str(raw, "jwt", "attachment")
        if not jwt:
            raise required("attachment.jwt", self.obj)
        attachment_id = ctx.world.next_id("attachments")
        return {
            "attachmentid": attachment_id,
            "id": attachment_id,
            "jwt": jwt,
            "media_type": read_str(raw, "media_type", "attachment", default="image/png"),
        }

    def render(self, ctx: Ctx, rec: ExpenseRecord, includes: frozenset[str]) -> JsonObj:
        fields = rec.fields
        category = ctx.store.categories.get(fields.get("categoryid") or 0)
        code = rec.currency_code
        billable = fields.get("billable")
        out: JsonObj = {
            **fields,
            "id": rec.id,
            "expenseid": rec.id,
            "accounting_systemid": ctx.store.account_id,
            "amount": money(rec.amount, code),
            "taxAmount1": money(rec.tax_amount1, code) if rec.tax_amount1 is not None else None,
            "taxAmount2": money(rec.tax_amount2, code) if rec.tax_amount2 is not None else None,
            "billable": bool(fields.get("clientid")) if billable is None else billable,
            "status": 1 if fields.get("clientid") else 0,
            "is_cogs": bool(category and category.fields.get("is_cogs")),
            "invoiceid": None,
            "profileid": None,
            "transactionid": None,
            "accountid": None,
            "ext_accountid": None,
            "ext_invoiceid": 0,
            "ext_systemid": 0,
            "background_jobid": None,
            "bill_matches": [],
            "converse_projectid": None,
            "modern_projectid": None,
            "potential_bill_payment": False,
            "from_bulk_import": False,
            "isduplicate": False,
            "updated": eastern(rec.updated),
            "vis_state": rec.vis_state,
        }
        if "category" in includes and category is not None:
            out["category"] = render_category(category, transaction_posted=False)
        return dict(sorted(out.items()))

    def filters(self) -> Mapping[str, FilterFn[ExpenseRecord]]:
        def field(name: str) -> Callable[[ExpenseRecord], Any]:
            return lambda r: r.fields.get(name)

        def day(ctx: Ctx, rec: ExpenseRecord) -> date | None:
            value = rec.fields.get("date")
            return parse_date(value, "date", "expense") if value else None

        def clientid_not(ctx: Ctx, rec: ExpenseRecord, values: list[str]) -> bool:
            return not eq_int("clientid_not", field("clientid"))(ctx, rec, values)

        def amount_min(ctx: Ctx, rec: ExpenseRecord, values: list[str]) -> bool:
            return rec.amount >= _search_decimal("amount_min", values[-1])

        def amount_max(ctx: Ctx, rec: ExpenseRecord, values: list[str]) -> bool:
            return rec.amount < _search_decimal("amount_max", values[-1])

        out: dict[str, FilterFn[ExpenseRecord]] = {
            "expenseid": eq_int("expenseid", lambda r: r.id),
            "expenseids": in_int("expenseids", lambda r: r.id),
            "clientid_not": clientid_not,
            "date_min": date_min("date_min", day),
            "date_max": date_max("date_max", day),
            "amount_min": amount_min,
            "amount_max": amount_max,
            "vendor_like": like(field("vendor")),
            "notes_like": like(field("notes")),
        }
        for key in ("clientid", "categoryid", "staffid", "projectid"):
            out[key] = eq_int(key, field(key))
            out[f"{key}s"] = in_int(f"{key}s", field(key))
        return out

    def sorts(self) -> Mapping[str, Callable[[ExpenseRecord], Any]]:
        return {**super().sorts(), "date": lambda r: r.fields.get("date") or ""}


def _search_decimal(key: str, value: str) -> Decimal:
    parsed = read_decimal({key: value}, key, "search")
    return parsed if parsed is not None else Decimal(0)


def render_category(rec: Record, *, transaction_posted: bool = True) -> JsonObj:
    out: JsonObj = {
        **rec.fields,
        "id": rec.id,
        "categoryid": rec.id,
        "created_at": eastern(rec.created),
        "updated_at": eastern(rec.updated),
        "vis_state": rec.vis_state,
    }
    if transaction_posted:
        out["transaction_posted"] = False
    return dict(sorted(out.items()))


class CategoryResource(Resource[Record]):
    """Expense categories are read with the expenses scope (FreshBooks does not say otherwise)."""

    area = "expenses"
    name = "categories"
    single = "category"
    plural = "categories"
    obj = "category"
    id_field = "categoryid"
    scope = "expenses"
    operations = frozenset({"list", "get"})

    def collection(self, store: AccountStore) -> dict[int, Record]:
        return store.categories

    def render(self, ctx: Ctx, rec: Record, includes: frozenset[str]) -> JsonObj:
        return render_category(rec)

    def filters(self) -> Mapping[str, FilterFn[Record]]:
        # The documented ones only (FreshBooks ignores any other search key).
        return {
            "categoryids": in_int("categoryids", lambda r: r.id),
            "name": eq_str(lambda r: r.fields.get("category")),
            "is_cogs": _bool_filter("is_cogs"),
            "is_editable": _bool_filter("is_editable"),
            "parentid": eq_int("parentid", lambda r: r.fields.get("parentid")),
        }


def _bool_filter(key: str) -> FilterFn[Record]:
    """``search[is_cogs]=true``: a boolean equals (``true``/``false``, ``1``/``0``)."""

    def match(ctx: Ctx, rec: Record, values: list[str]) -> bool:
        wanted = values[-1].strip().lower()
        if wanted not in ("true", "false", "1", "0"):
            raise bad_value(f"search[{key}]", "search", values[-1], f"{key} must be true or false.")
        return bool(rec.fields.get(key)) == (wanted in ("true", "1"))

    return match
