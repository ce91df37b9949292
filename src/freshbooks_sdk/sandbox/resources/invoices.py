"""``invoices/invoices``: list, get, create, update, send/mark-as-sent actions, delete.

Totals are exact ``Decimal`` arithmetic, as FreshBooks computes them (checked against the real
fixture: lines 20.00 + 24.00, 10% discount -4.40, 13% tax on the discounted first line 2.34,
amount 41.94): line amount = ``qty * unit_cost`` rounded to cents; the discount applies to every
line; line taxes apply to the discounted line amount; totals round half-up to cents.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Context, Decimal, getcontext, localcontext
from typing import Any

from freshbooks_sdk._core.fbtime import EASTERN

from ..errors import AccountingError, ErrorItem, bad_value, not_found, required
from ..store import AccountStore, InvoiceRecord, LineRecord, OutboxEmail, Record
from ..validate import (
    check_magnitude,
    read_bool,
    read_currency,
    read_date,
    read_decimal,
    read_int,
    read_money,
    read_str,
    read_str_list,
    require,
)
from ..wire import JsonObj, fmt_decimal, fmt_money_amount, money, quantize_cents
from .base import Ctx, FilterFn, Resource, date_max, date_min, eastern, eq_int, eq_str, in_int

__all__ = ["InvoiceResource", "Totals", "invoice_totals", "is_overdue", "record_payment"]

_ZERO = Decimal("0.00")

# Copied from the client when the invoice is created (invoice key -> client key).
_FROM_CLIENT = {
    "organization": "organization",
    "fname": "fname",
    "lname": "lname",
    "email": "email",
    "street": "p_street",
    "street2": "p_street2",
    "city": "p_city",
    "province": "p_province",
    "code": "p_code",
    "country": "p_country",
    "vat_name": "vat_name",
    "vat_number": "vat_number",
}
# Writable free-text fields and their defaults.
_STRING_DEFAULTS: dict[str, str | None] = {
    "address": "",
    "description": "",
    "notes": "",
    "terms": None,
    "po_number": None,
    "payment_details": "",
    "discount_description": None,
    "return_uri": None,
    "template": "clean-grouped",
    "language": "en",
    "invoice_number": None,
    **dict.fromkeys(_FROM_CLIENT, ""),
}
_LINE_STRINGS: dict[str, str | None] = {
    "name": "",
    "description": "",
    "taxName1": "",
    "taxName2": "",
    "taxNumber1": None,
    "taxNumber2": None,
}


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    discount_total: Decimal
    tax: Decimal
    amount: Decimal
    paid: Decimal
    outstanding: Decimal


def _exact() -> AbstractContextManager[Context]:
    """A decimal context wide enough that no product or sum of validated values is rounded
    before the cents are (the default 28 digits could round twice)."""
    ctx = getcontext().copy()
    ctx.prec = 100
    return localcontext(ctx)


def line_amount(line: LineRecord) -> Decimal:
    with _exact():
        return quantize_cents(line.qty * line.unit_cost)


def invoice_totals(inv: InvoiceRecord) -> Totals:
    """Compute an invoice's money exactly (see the module docstring)."""
    with _exact():
        return _totals(inv)


def _totals(inv: InvoiceRecord) -> Totals:
    rate = inv.discount / 100
    subtotal = sum((line_amount(line) for line in inv.lines), _ZERO)
    discount_total = _ZERO - quantize_cents(subtotal * rate)
    tax = Decimal(0)
    for line in inv.lines:
        base = line_amount(line) * (1 - rate)
        tax1 = base * line.tax1 / 100
        compounded = bool(line.fields.get("compounded_tax"))
        tax += tax1 + (base + tax1 if compounded else base) * line.tax2 / 100
    amount = subtotal + discount_total + quantize_cents(tax)
    outstanding = max(amount - inv.paid, _ZERO)
    return Totals(subtotal, discount_total, quantize_cents(tax), amount, inv.paid, outstanding)


MAX_DUE_OFFSET_DAYS = 36_500
"""The largest `due_offset_days` the sandbox takes (100 years)."""
LATEST_CREATE_DATE = date.max - timedelta(days=MAX_DUE_OFFSET_DAYS)
"""The latest ``create_date`` whose due date (``+ due_offset_days``) is still a date."""


def due_date(inv: InvoiceRecord) -> date:
    return inv.create_date + timedelta(days=inv.due_offset_days)


def is_overdue(ctx: Ctx, inv: InvoiceRecord) -> bool:
    return (
        inv.v3_status in ("sent", "viewed")
        and due_date(inv) < ctx.today
        and invoice_totals(inv).outstanding > 0
    )


def v3_status(ctx: Ctx, inv: InvoiceRecord) -> str:
    """The stored v3 status, except that a sent, unpaid, past-due invoice reads ``overdue``."""
    return "overdue" if is_overdue(ctx, inv) else inv.v3_status


def record_payment(ctx: Ctx, inv: InvoiceRecord, amount: Decimal | None) -> None:
    """Apply a payment (the whole outstanding amount when ``amount`` is None)."""
    totals = invoice_totals(inv)
    inv.paid += totals.outstanding if amount is None else amount
    if inv.paid >= totals.amount:
        inv.status, inv.v3_status, inv.date_paid = 4, "paid", ctx.today
    elif inv.paid > 0:
        inv.status, inv.v3_status = 8, "partial"
    if inv.display_status == "draft":
        inv.display_status = "sent"
    inv.updated = ctx.now


def _payment_status(totals: Totals) -> str:
    if totals.paid <= 0:
        return "unpaid"
    return "paid" if totals.paid >= totals.amount else "partial"


class InvoiceResource(Resource[InvoiceRecord]):
    area = "invoices"
    name = "invoices"
    single = "invoice"
    plural = "invoices"
    obj = "invoice"
    id_field = "invoiceid"
    scope = "invoices"
    operations = frozenset({"list", "get", "create", "update", "delete"})
    includes = frozenset({"lines", "presentation"})

    def collection(self, store: AccountStore) -> dict[int, InvoiceRecord]:
        return store.invoices

    # -- create / update --

    def create(self, ctx: Ctx, data: JsonObj) -> InvoiceRecord:
        require(data, ("customerid", "create_date"), self.obj)
        customerid = read_int(data, "customerid", self.obj)
        create_date = self._create_date(data)
        assert customerid is not None and create_date is not None  # required above
        client = self._client(ctx, customerid)
        inv = InvoiceRecord(
            id=ctx.world.next_id("invoices"),
            created=ctx.now,
            updated=ctx.now,
            customerid=customerid,
            currency_code=client.fields.get("currency_code") or ctx.currency,
            create_date=create_date,
            fields={
                **_STRING_DEFAULTS,
                **{k: client.fields.get(c) for k, c in _FROM_CLIENT.items()},
                "language": client.fields.get("language") or "en",
                "fulfillment_date": None,
                "deposit_amount": None,
                "deposit_percentage": None,
                "ownerid": ctx.staff_id,
                "sentid": ctx.staff_id,
                "uuid": ctx.world.uuid(),
            },
        )
        self._apply(ctx, inv, data)
        if not inv.fields.get("invoice_number"):
            inv.fields["invoice_number"] = self._next_number(ctx.store)
        return inv

    def update(self, ctx: Ctx, rec: InvoiceRecord, data: JsonObj) -> None:
        if "customerid" in data:
            customerid = read_int(data, "customerid", self.obj)
            if customerid is None:
                raise required("customerid", self.obj)
            client = self._client(ctx, customerid)
            rec.customerid = customerid
            rec.fields.update({k: client.fields.get(c) for k, c in _FROM_CLIENT.items()})
        if "create_date" in data:
            rec.create_date = self._create_date(data) or rec.create_date
        self._apply(ctx, rec, data)

    def _create_date(self, data: JsonObj) -> date | None:
        """``create_date``, early enough that create_date + due_offset_days (at most 36,500)
        is still a date: a 4xx for 9999-12-31, never an overflow while rendering."""
        day = read_date(data, "create_date", self.obj)
        if day is not None and day > LATEST_CREATE_DATE:
            raise bad_value(
                "create_date",
                self.obj,
                data["create_date"],
                f"create_date must be on or before {LATEST_CREATE_DATE.isoformat()}.",
                errno=1033,
                status=422,
            )
        return day

    def _client(self, ctx: Ctx, customerid: int) -> Record:
        client = ctx.store.clients.get(customerid)
        if client is None:
            raise not_found("client", "customerid", customerid, status=422)
        return client

    def _next_number(self, store: AccountStore) -> str:
        taken = {inv.fields.get("invoice_number") for inv in store.invoices.values()}
        while True:
            store.invoice_counter += 1
            number = f"{store.invoice_counter:07d}"
            if number not in taken:
                return number

    def _apply(self, ctx: Ctx, inv: InvoiceRecord, data: JsonObj) -> None:
        """Every writable key but customerid/create_date (read-only keys are ignored)."""
        for key in _STRING_DEFAULTS:
            if key in data:
                inv.fields[key] = read_str(data, key, self.obj)
        if "currency_code" in data:
            inv.currency_code = read_currency(data, "currency_code", self.obj) or inv.currency_code
        if "due_offset_days" in data:
            offset = read_int(data, "due_offset_days", self.obj, default=0) or 0
            if not 0 <= offset <= MAX_DUE_OFFSET_DAYS:
                raise bad_value(
                    "due_offset_days",
                    self.obj,
                    offset,
                    "due_offset_days must be 0 or more.",
                    status=422,
                )
            inv.due_offset_days = offset
        if "discount_value" in data:
            discount = read_decimal(data, "discount_value", self.obj, default=Decimal(0))
            if discount is None or not 0 <= discount <= 100:
                raise bad_value(
                    "discount_value",
                    self.obj,
                    data["discount_value"],
                    "discount_value must be a percentage between 0 and 100.",
                    errno=1018,
                    status=422,
                )
            inv.discount = discount
        if "fulfillment_date" in data:
            fulfilled = read_date(data, "fulfillment_date", self.obj)
            inv.fields["fulfillment_date"] = fulfilled.isoformat() if fulfilled else None
        if "deposit_amount" in data:
            deposit = read_money(data, "deposit_amount", self.obj, default_code=inv.currency_code)
            inv.fields["deposit_amount"] = money(*deposit) if deposit else None
        if "deposit_percentage" in data:
            pct = read_decimal(data, "deposit_percentage", self.obj)
            inv.fields["deposit_percentage"] = fmt_decimal(pct) if pct is not None else None
        if "lines" in data:
            inv.lines = self._lines(ctx, data["lines"])
        self._check_totals(inv)

    def _check_totals(self, inv: InvoiceRecord) -> None:
        """Line amounts (``qty * unit_cost``) and the invoice amount obey the same bound as the
        values typed in (below 10^15): 422 errno 1018, before anything is stored."""
        for line in inv.lines:
            amount = line_amount(line)
            check_magnitude(amount, "amount", "line", fmt_money_amount(amount))
        total = invoice_totals(inv).amount
        check_magnitude(total, "amount", self.obj, fmt_money_amount(total))

    def _lines(self, ctx: Ctx, raw: Any) -> list[LineRecord]:
        if not isinstance(raw, list) or not all(isinstance(x, dict) for x in raw):
            raise bad_value("lines", self.obj, raw, "lines must be a list of line objects.")
        lines = []
        for index, item in enumerate(raw, start=1):
            cost = read_money(item, "unit_cost", "line", default_code=ctx.currency)
            if cost is None:
                raise required("unit_cost", "line")
            qty = read_decimal(item, "qty", "line", default=Decimal(1))
            if qty is None or qty < 0:
                raise bad_value(
                    "qty", "line", item.get("qty"), "qty must be 0 or more.", status=422
                )
            line_type = read_int(item, "type", "line", default=0)
            if line_type not in (0, 1):
                raise bad_value("type", "line", item.get("type"), "type must be 0 or 1.")
            fields: JsonObj = {
                key: read_str(item, key, "line", default=default)
                for key, default in _LINE_STRINGS.items()
            }
            fields.update(
                type=line_type,
                expenseid=read_int(item, "expenseid", "line", default=0),
                compounded_tax=read_bool(item, "compounded_tax", "line", default=False),
            )
            lines.append(
                LineRecord(
                    lineid=index,
                    qty=qty,
                    unit_cost=cost[0],
                    tax1=read_decimal(item, "taxAmount1", "line", default=Decimal(0)) or Decimal(0),
                    tax2=read_decimal(item, "taxAmount2", "line", default=Decimal(0)) or Decimal(0),
                    updated=ctx.now,
                    fields=fields,
                )
            )
        return lines

    # -- actions --

    def action(self, ctx: Ctx, rec: InvoiceRecord, data: JsonObj) -> None:
        if read_bool(data, "action_email", self.obj):
            self._email(ctx, rec, data)
            self._mark_sent(rec)
        elif read_bool(data, "action_mark_as_sent", self.obj):
            self._mark_sent(rec)

    def _mark_sent(self, rec: InvoiceRecord) -> None:
        if rec.status == 1:
            rec.status, rec.v3_status, rec.display_status = 2, "sent", "sent"

    def _email(self, ctx: Ctx, rec: InvoiceRecord, data: JsonObj) -> None:
        recipients = read_str_list(data, "email_recipients", self.obj)
        if not recipients:
            client = ctx.store.clients.get(rec.customerid)
            email = (client.fields.get("email") if client else None) or rec.fields.get("email")
            if not email:
                raise required("email_recipients", self.obj)
            recipients = [email]
        for address in recipients:
            if "@" not in address:
                raise bad_value(
                    "email_recipients", self.obj, address, "Invalid email address.", status=422
                )
        custom = data.get("invoice_customized_email")
        if custom is not None and not isinstance(custom, dict):
            raise bad_value("invoice_customized_email", self.obj, custom, "Expected an object.")
        custom = custom or {}
        number = rec.fields.get("invoice_number")
        subject = read_str(custom, "subject", "invoice_customized_email") or (
            f"{ctx.store.business.name} sent you an invoice ({number})"
        )
        body = read_str(custom, "body", "invoice_customized_email") or ""
        include_pdf = read_bool(data, "email_include_pdf", self.obj, default=False)
        ctx.world.outbox.append(
            OutboxEmail(
                account_id=ctx.store.account_id,
                invoice_id=rec.id,
                recipients=tuple(recipients),
                subject=subject,
                body=body,
                include_pdf=bool(include_pdf),
                sent_at=ctx.now,
            )
        )

    # -- rendering --

    def render(self, ctx: Ctx, rec: InvoiceRecord, includes: frozenset[str]) -> JsonObj:
        totals = invoice_totals(rec)
        code = rec.currency_code
        client = ctx.store.clients.get(rec.customerid)
        out: JsonObj = {
            **rec.fields,
            "id": rec.id,
            "invoiceid": rec.id,
            "accountid": ctx.store.account_id,
            "accounting_systemid": ctx.store.account_id,
            "customerid": rec.customerid,
            "currency_code": code,
            "create_date": rec.create_date.isoformat(),
            "due_date": due_date(rec).isoformat(),
            "due_offset_days": rec.due_offset_days,
            "date_paid": rec.date_paid.isoformat() if rec.date_paid else None,
            "generation_date": None,
            "created_at": eastern(rec.created),
            "updated": eastern(rec.updated),
            "version": rec.updated.astimezone(EASTERN).strftime("%Y-%m-%d %H:%M:%S.%f"),
            "amount": money(totals.amount, code),
            "paid": money(totals.paid, code),
            "outstanding": money(totals.outstanding, code),
            "net_paid_amount": money(totals.paid, code),
            "discount_total": money(totals.discount_total, code),
            "discount_value": fmt_decimal(rec.discount),
            "deposit_status": "none",
            "status": rec.status,
            "v3_status": v3_status(ctx, rec),
            "display_status": rec.display_status,
            "payment_status": _payment_status(totals),
            "autobill_status": None,
            "auto_bill": False,
            "last_order_status": None,
            "dispute_status": None,
            "current_organization": (client.fields.get("organization") if client else None)
            or rec.fields.get("organization"),
            "estimateid": 0,
            "parent": 0,
            "basecampid": 0,
            "ext_archive": 0,
            "gmail": False,
            "show_attachments": False,
            "vis_state": rec.vis_state,
        }
        if "lines" in includes:
            out["lines"] = [self._render_line(rec, line) for line in rec.lines]
        if "presentation" in includes:
            out["presentation"] = self._presentation(ctx, rec)
        return dict(sorted(out.items()))

    def _render_line(self, inv: InvoiceRecord, line: LineRecord) -> JsonObj:
        out: JsonObj = {
            **line.fields,
            "lineid": line.lineid,
            "invoiceid": inv.id,
            "taskno": line.lineid,
            "qty": fmt_decimal(line.qty),
            "unit_cost": money(line.unit_cost, inv.currency_code),
            "amount": money(line_amount(line), inv.currency_code),
            "taxAmount1": fmt_decimal(line.tax1),
            "taxAmount2": fmt_decimal(line.tax2),
            "date": None,
            "basecampid": 0,
            "retainer_id": None,
            "retainer_period_id": None,
            "modern_project_id": None,
            "modern_time_entries": [],
            "updated": eastern(line.updated),
        }
        return dict(sorted(out.items()))

    def _presentation(self, ctx: Ctx, inv: InvoiceRecord) -> JsonObj:
        headings = (
            "description_heading",
            "hours_heading",
            "item_heading",
            "label",
            "quantity_heading",
            "rate_heading",
            "task_heading",
            "time_entry_notes_heading",
            "unit_cost_heading",
        )
        return {
            **dict.fromkeys(headings),
            "date_format": ctx.store.business.date_format,
            "image_banner_position_y": 0,
            "image_banner_src": None,
            "image_logo_src": None,
            "invoiceid": inv.id,
            "theme_font_name": "modern",
            "theme_layout": "simple",
            "theme_primary_color": "#345beb",
        }

    # -- search / sort --

    def filters(self) -> Mapping[str, FilterFn[InvoiceRecord]]:
        def created(ctx: Ctx, rec: InvoiceRecord) -> date:
            return rec.create_date

        def status(ctx: Ctx, rec: InvoiceRecord, values: list[str]) -> bool:
            return v3_status(ctx, rec) == values[-1].strip().lower()

        return {
            "customerid": eq_int("customerid", lambda r: r.customerid),
            "customerids": in_int("customerids", lambda r: r.customerid),
            "invoiceid": eq_int("invoiceid", lambda r: r.id),
            "invoiceids": in_int("invoiceids", lambda r: r.id),
            "invoice_number": eq_str(lambda r: r.fields.get("invoice_number"), casefold=False),
            "date_min": date_min("date_min", created),
            "date_max": date_max("date_max", created),
            "v3_status": status,
        }

    def sorts(self) -> Mapping[str, Callable[[InvoiceRecord], Any]]:
        return {
            **super().sorts(),
            "invoice_date": lambda r: r.create_date,
            "create_date": lambda r: r.create_date,
            "invoice_number": lambda r: r.fields.get("invoice_number") or "",
        }


def pay(ctx: Ctx, inv: InvoiceRecord, amount: Decimal | None) -> None:
    """Validate and apply a payment (used by :meth:`Sandbox.pay_invoice`)."""
    if inv.vis_state == 1:
        raise AccountingError(422, ErrorItem(1011, "Invoice is deleted.", object="invoice"))
    if amount is not None and amount <= 0:
        raise ValueError(f"a payment must be positive, got {amount}")
    record_payment(ctx, inv, amount)
