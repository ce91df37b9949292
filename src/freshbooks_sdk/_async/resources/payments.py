"""``fb.payments``: payments recorded against invoices (``payments/payments``).

Recording a payment marks the invoice ``partial`` or ``paid`` (scope ``user:payments:write``).

    paid = fb.payments.create(invoice_id=inv.id, amount=inv.outstanding, date=date.today(),
                              type="Check")
    for p in fb.payments.list(invoice_id=inv.id):
        print(p.date, p.amount)
"""

from __future__ import annotations

from datetime import date as Date
from typing import TYPE_CHECKING

from freshbooks_sdk._async.pagination import AsyncPaginator
from freshbooks_sdk._async.resources._base import AsyncResource
from freshbooks_sdk._core.accounting_inputs import payment_body
from freshbooks_sdk._core.business import check_optional_id
from freshbooks_sdk._core.envelope import listing, single
from freshbooks_sdk._core.input_types import MoneyLike
from freshbooks_sdk._core.money_input import check_currency
from freshbooks_sdk._core.pages import DEFAULT_PER_PAGE
from freshbooks_sdk._core.query import check_resource_id

if TYPE_CHECKING:
    from freshbooks_sdk.models import Payment


class AsyncPaymentsResource(AsyncResource["Payment"]):
    """Payments (``/accounting/account/{account_id}/payments/payments``): list, get, create."""

    path = "payments/payments"
    single_key = "payment"
    _single = single("PaymentResponse", "payment")
    _listing = listing("PaymentListResponse", "payments")

    def list(
        self,
        *,
        invoice_id: int | None = None,
        client_id: int | None = None,
        per_page: int = DEFAULT_PER_PAGE,
        max_items: int | None = None,
    ) -> AsyncPaginator[Payment]:
        """Payments, lazily; ``invoice_id`` sends ``search[invoiceid]``, ``client_id``
        ``search[clientid]``."""
        search = {
            "invoiceid": check_optional_id(invoice_id, "invoice_id"),
            "clientid": check_optional_id(client_id, "client_id"),
        }
        return self._paginate(search, per_page=per_page, max_items=max_items)

    async def get(self, payment_id: int) -> Payment:
        """One payment by id."""
        return await self._fetch(check_resource_id(payment_id, field="payment_id"))

    async def create(
        self,
        *,
        invoice_id: int,
        amount: MoneyLike,
        date: Date,
        type: str | None = None,
        note: str | None = None,
        currency_code: str | None = None,
        send_client_notification: bool | None = None,
    ) -> Payment:
        """Record a payment on an invoice. ``amount`` is a ``Money`` or an exact decimal in
        ``currency_code`` (else the client's ``default_currency``): it must be the invoice's
        currency. Never re-sent after an ambiguous failure (it could pay twice)."""
        currency = (
            check_currency(currency_code) if currency_code is not None else None
        ) or self._client.default_currency
        body = payment_body(
            invoice_id=invoice_id,
            amount=amount,
            date_paid=date,
            currency=currency,
            payment_type=type,
            note=note,
            send_client_notification=send_client_notification,
        )
        return await self._post(body)
