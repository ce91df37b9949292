"""``fb.payments``: payments recorded against invoices (``payments/payments``).

Recording a payment marks the invoice ``partial`` or ``paid`` (scope ``user:payments:write``).

    paid = fb.payments.create(invoice_id=inv.id, amount=inv.outstanding, date=date.today(),
                              type="Check")
    for p in fb.payments.list(invoice_id=inv.id):
        print(p.date, p.amount)
"""

from __future__ import annotations

from datetime import date as Date
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from freshbooks_sdk._async.pagination import AsyncPaginator
from freshbooks_sdk._async.resources._base import AsyncResource
from freshbooks_sdk._async.streaming import wrap_raw, wrap_raw_page
from freshbooks_sdk._core.accounting_inputs import payment_body
from freshbooks_sdk._core.business import check_optional_id
from freshbooks_sdk._core.envelope import listing, single
from freshbooks_sdk._core.input_types import MoneyLike
from freshbooks_sdk._core.inputs import check_date_range, check_text, updated_since_filter
from freshbooks_sdk._core.money_input import check_currency
from freshbooks_sdk._core.pages import DEFAULT_PER_PAGE
from freshbooks_sdk._core.query import check_resource_id
from freshbooks_sdk.errors import InvalidRequestError

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from freshbooks_sdk._core.options import CallOptions
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
        date_from: Date | None = None,
        date_to: Date | None = None,
        updated_since: datetime | None = None,
        type: str | None = None,
        per_page: int = DEFAULT_PER_PAGE,
        max_items: int | None = None,
        **options: Unpack[CallOptions],
    ) -> AsyncPaginator[Payment]:
        """Payments matching every given filter, lazily.

        ``invoice_id`` sends ``search[invoiceid]``, ``client_id`` ``search[clientid]``;
        ``date_from``/``date_to`` bound the date paid (``search[date_min]``/``[date_max]``,
        ``date_to`` exclusive as FreshBooks does); ``updated_since`` (an aware datetime) sends
        the Eastern day as ``search[updated_min]`` and keeps the payments whose ``updated`` is
        at or after it (to the second; see the README); ``type`` is the method as recorded (``"Check"``,
        ``"Cash"``, ``"Credit"``, ...), matched exactly by FreshBooks (``search[type]``).

            since = datetime(2024, 5, 1, tzinfo=timezone.utc)
            for p in fb.payments.list(updated_since=since, date_from=date(2024, 4, 1)):
                print(p.id, p.invoiceid, p.amount)

        These are the documented payment filters (https://www.freshbooks.com/api/payments:
        ``invoiceid``, ``clientid``, ``date_min``/``date_max``, ``updated_min``/``updated_max``
        as YYYY-MM-DD, ``type``, ...). Every argument is checked before any request.
        """
        start, end = check_date_range(date_from, date_to)
        day, keep = updated_since_filter(updated_since)
        search: dict[str, Any] = {
            "invoiceid": check_optional_id(invoice_id, "invoice_id"),
            "clientid": check_optional_id(client_id, "client_id"),
            "date_min": start,
            "date_max": end,
            "updated_min": day,
            "type": _payment_type(type),
        }
        return self._paginate(
            search, per_page=per_page, max_items=max_items, where=keep, options=options
        )

    async def get(self, payment_id: int, **options: Unpack[CallOptions]) -> Payment:
        """One payment by id."""
        return await self._fetch(check_resource_id(payment_id, field="payment_id"), options=options)

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
        **options: Unpack[CallOptions],
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
        return await self._post(body, options=options)

    @cached_property
    def with_raw_response(self) -> AsyncPaymentsWithRawResponse:
        """These methods returning a :class:`~freshbooks_sdk.responses.RawResponse` (status,
        headers, request id, retries, ``parse()``) instead of the plain value; a listing gives
        its first page's.

            raw = await afb.payments.with_raw_response.list(...)
        """
        return AsyncPaymentsWithRawResponse(self)


def _payment_type(value: object) -> str | None:
    text = check_text(value, field="type", max_len=100)
    if text is not None and not text.strip():
        raise InvalidRequestError("type must be a non-empty str", field="type", value=value)
    return text


class AsyncPaymentsWithRawResponse:
    """``fb.payments.with_raw_response``: the same methods, returning raw responses."""

    def __init__(self, resource: AsyncPaymentsResource) -> None:
        self.list = wrap_raw_page(resource.list)
        self.get = wrap_raw(resource.get)
        self.create = wrap_raw(resource.create)
