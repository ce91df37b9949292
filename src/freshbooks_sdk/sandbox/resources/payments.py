"""``payments/payments``: list, get, create. A payment is applied to its invoice at once
(``partial``/``paid``), in the invoice's currency, never more than what is outstanding."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from ..errors import AccountingError, ErrorItem, bad_value, not_found
from ..store import AccountStore, Record
from ..validate import read_bool, read_date, read_int, read_money, read_str, require
from ..wire import JsonObj, fmt_money_amount
from .base import Ctx, FilterFn, Resource, date_max, date_min, eastern, eq_int, eq_str
from .invoices import invoice_totals, record_payment

__all__ = ["PaymentResource"]


class PaymentResource(Resource[Record]):
    area = "payments"
    name = "payments"
    single = "payment"
    plural = "payments"
    obj = "payment"
    id_field = "paymentid"
    scope = "payments"
    operations = frozenset({"list", "get", "create"})

    def collection(self, store: AccountStore) -> dict[int, Record]:
        return store.payments

    def create(self, ctx: Ctx, data: JsonObj) -> Record:
        require(data, ("invoiceid", "amount", "date"), self.obj)
        invoice_id = read_int(data, "invoiceid", self.obj)
        inv = ctx.store.invoices.get(invoice_id or 0)
        if inv is None or inv.vis_state == 1:
            raise not_found("invoice", "invoiceid", invoice_id, status=422)
        amount = read_money(data, "amount", self.obj, default_code=inv.currency_code)
        paid_on = read_date(data, "date", self.obj)
        assert amount is not None and paid_on is not None  # required above
        value, code = amount
        if code != inv.currency_code:
            raise bad_value(
                "amount.code",
                self.obj,
                code,
                f"The payment currency must be the invoice's ({inv.currency_code}).",
            )
        if value <= 0:
            raise bad_value("amount", self.obj, str(value), "amount must be more than zero.")
        outstanding = invoice_totals(inv).outstanding
        if value > outstanding:
            raise AccountingError(
                422,
                ErrorItem(
                    1004,
                    f"The payment ({value}) is more than the invoice's outstanding amount "
                    f"({outstanding}).",
                    field="amount",
                    object=self.obj,
                    value=str(value),
                ),
            )
        record_payment(ctx, inv, value)
        return Record(
            id=ctx.world.next_id("payments"),
            created=ctx.now,
            updated=ctx.now,
            fields={
                "invoiceid": inv.id,
                "clientid": inv.customerid,
                "amount": {"amount": fmt_money_amount(value), "code": code},
                "date": paid_on.isoformat(),
                "type": read_str(data, "type", self.obj, default="Check", max_len=100),
                "note": read_str(data, "note", self.obj, default=""),
                "send_client_notification": read_bool(data, "send_client_notification", self.obj),
            },
        )

    def render(self, ctx: Ctx, rec: Record, includes: frozenset[str]) -> JsonObj:
        out: JsonObj = {
            **rec.fields,
            "id": rec.id,
            "logid": rec.id,
            "accounting_systemid": ctx.store.account_id,
            "bulk_paymentid": None,
            "creditid": None,
            "from_credit": False,
            "gateway": None,
            "orderid": None,
            "overpaymentid": None,
            "transactionid": None,
            "updated": eastern(rec.updated),
            "vis_state": rec.vis_state,
        }
        return dict(sorted(out.items()))

    def filters(self) -> Mapping[str, FilterFn[Record]]:
        """A part of the documented filters (https://www.freshbooks.com/api/payments); the
        common ``updated_min``/``updated_max`` come from the base."""
        return {
            "invoiceid": eq_int("invoiceid", lambda r: r.fields.get("invoiceid")),
            "clientid": eq_int("clientid", lambda r: r.fields.get("clientid")),
            "date_min": date_min("date_min", _paid_on),
            "date_max": date_max("date_max", _paid_on),  # exclusive, as documented
            "type": eq_str(lambda r: r.fields.get("type"), casefold=False),  # "exact type"
        }


def _paid_on(ctx: Ctx, rec: Record) -> date:
    return date.fromisoformat(rec.fields["date"])
