"""``fb.invoices``: list, get, draft (create), update, send, mark as sent, delete (and poll).

inv = fb.invoices.create(customer_id=client.id, currency_code="USD", due_offset_days=30,
                         lines=[{"name": "Design", "qty": "3", "unit_cost": "120.00"}])
fb.invoices.send(inv.id, to=["billing@client.example"], subject="Your invoice")
for inv in fb.invoices.list(v3_status="paid", updated_since=since): ...
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from freshbooks_sdk._async.pagination import AsyncPaginator
from freshbooks_sdk._async.resources._base import AsyncPollable
from freshbooks_sdk._async.streaming import (
    AsyncStreamContext,
    AsyncStreamedResponse,
    wrap_raw,
    wrap_raw_page,
)
from freshbooks_sdk._core.envelope import listing, single
from freshbooks_sdk._core.fbtime import eastern_date
from freshbooks_sdk._core.input_types import (
    InvoiceInclude,
    InvoiceLineDict,
    JSONValue,
    NumberLike,
    V3StatusFilter,
    VisStateFilter,
)
from freshbooks_sdk._core.inputs import (
    check_bool,
    check_date_range,
    check_include,
    check_optional_id,
    check_v3_status,
    check_vis_state,
    invoice_body,
    invoice_update_body,
    invoice_update_fields,
    line_unit_costs,
    resolve_currency,
    send_body,
    updated_since_filter,
)
from freshbooks_sdk._core.options import (
    RequestOptions,
    check_call_options,
    merge_options,
    typed_call_errors_in,
)
from freshbooks_sdk._core.pages import DEFAULT_PER_PAGE
from freshbooks_sdk._core.pdf import DEFAULT_MAX_PDF_BYTES, check_max_bytes, check_pdf, pdf_spec
from freshbooks_sdk._core.query import INVOICE_INCLUDES, check_resource_id
from freshbooks_sdk.errors import ResponseTooLargeError, ResponseValidationError

LINES = ("lines",)

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from freshbooks_sdk._core.options import CallOptions
    from freshbooks_sdk.models import Invoice, InvoiceLineCreate


class AsyncInvoicesResource(AsyncPollable["Invoice"]):
    """FreshBooks invoices (``/accounting/account/{account_id}/invoices/invoices``)."""

    path = "invoices/invoices"
    single_key = "invoice"
    _single = single("InvoiceResponse", "invoice")
    _listing = listing("InvoiceListResponse", "invoices")
    poll_include = LINES

    def list(
        self,
        *,
        customer_id: int | None = None,
        updated_since: datetime | None = None,
        v3_status: V3StatusFilter | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        vis_state: VisStateFilter | None = None,
        include_lines: bool = False,
        include: Iterable[InvoiceInclude] = (),
        per_page: int = DEFAULT_PER_PAGE,
        max_items: int | None = None,
        **options: Unpack[CallOptions],
    ) -> AsyncPaginator[Invoice]:
        """Invoices matching every given filter, lazily.

        ``v3_status`` is FreshBooks' filterable status (draft, sent, viewed, paid, partial,
        overdue, ...); ``date_from``/``date_to`` bound the invoice date (``create_date``,
        ``date_to`` exclusive as FreshBooks does); ``updated_since`` is cut on the client (see
        README).
        Lines are only included with ``include_lines=True``.
        """
        day, keep = updated_since_filter(updated_since)
        start, end = check_date_range(date_from, date_to)
        search: dict[str, Any] = {
            "customerid": check_optional_id(customer_id, field="customer_id"),
            "updated_min": day,
            "v3_status": check_v3_status(v3_status),
            "date_min": start,
            "date_max": end,
            "vis_state": check_vis_state(vis_state),
        }
        includes = check_include(include, known=INVOICE_INCLUDES)
        if check_bool(include_lines, field="include_lines") and "lines" not in includes:
            includes = (*LINES, *includes)
        return self._paginate(
            search,
            include=includes,
            per_page=per_page,
            max_items=max_items,
            where=keep,
            options=options,
        )

    async def get(
        self, invoice_id: int, *, include_lines: bool = True, **options: Unpack[CallOptions]
    ) -> Invoice:
        """One invoice, with its lines by default."""
        invoice_id = check_resource_id(invoice_id, field="invoice_id")
        return await self._fetch(
            invoice_id,
            LINES if check_bool(include_lines, field="include_lines") else (),
            options=options,
        )

    async def create(
        self,
        *,
        customer_id: int,
        lines: Sequence[InvoiceLineDict | InvoiceLineCreate],
        currency_code: str | None = None,
        create_date: date | None = None,
        due_offset_days: int | None = None,
        po_number: str | None = None,
        notes: str | None = None,
        terms: str | None = None,
        invoice_number: str | None = None,
        discount_percent: NumberLike | None = None,
        language: str | None = None,
        extra: Mapping[str, JSONValue] | None = None,
        **options: Unpack[CallOptions],
    ) -> Invoice:
        """Draft an invoice (FreshBooks creates it as ``draft``; send it with :meth:`send`).

        Line money is given as decimal strings, ints, ``Decimal`` or ``Money`` and sent in the
        invoice's currency (``currency_code``, else a ``Money`` line's, else the client's
        ``default_currency``); a line in another currency is refused. ``create_date`` defaults to
        today on FreshBooks' (US/Eastern) calendar.
        """
        today = eastern_date(self._core.now())
        body = invoice_body(
            customer_id=customer_id,
            lines=lines,
            currency_code=currency_code,
            default_currency=self._client.default_currency,
            create_date=create_date,
            today=today,
            due_offset_days=due_offset_days,
            po_number=po_number,
            notes=notes,
            terms=terms,
            invoice_number=invoice_number,
            discount_percent=discount_percent,
            language=language,
            extra=extra,
        )
        return await self._post(body, include=LINES, options=options)

    async def update(
        self,
        invoice_id: int,
        *,
        po_number: str | None = None,
        notes: str | None = None,
        terms: str | None = None,
        due_offset_days: int | None = None,
        create_date: date | None = None,
        lines: Sequence[InvoiceLineDict | InvoiceLineCreate] | None = None,
        currency_code: str | None = None,
        fields: Mapping[str, JSONValue] | None = None,
        **options: Unpack[CallOptions],
    ) -> Invoice:
        """Change only the given fields. Never sends ``vis_state``/``action_*`` (FreshBooks
        would drop the rest): use :meth:`send`, :meth:`mark_as_sent` or :meth:`delete`.

        New ``lines`` are written in the invoice's currency (read from FreshBooks when
        ``currency_code`` is not given); a ``Money`` line in another currency is refused."""
        check_resource_id(invoice_id, field="invoice_id")
        given = invoice_update_fields(
            po_number=po_number,
            notes=notes,
            terms=terms,
            due_offset_days=due_offset_days,
            create_date=create_date,
            lines=lines,
            currency_code=currency_code,
            fields=fields,
        )
        # Check everything before any request; until the invoice's currency is known, lines are
        # checked against a Money line's own currency (a placeholder when they carry none).
        provisional = resolve_currency(
            given.get("currency_code"), None, line_unit_costs(given.get("lines"))
        )
        body = invoice_update_body(given, provisional or "XXX")
        check_call_options(options)  # before the currency read, too
        if "lines" in given and "currency_code" not in given:
            # Line money is written in the invoice's own currency (a mismatch is refused).
            current = await self.get(invoice_id, include_lines=False, **options)
            body = invoice_update_body(given, current.currency_code)
        return await self._put(invoice_id, body, include=LINES, options=options)

    async def send(
        self,
        invoice_id: int,
        *,
        to: Sequence[str] | None = None,
        subject: str | None = None,
        body: str | None = None,
        include_pdf: bool = False,
        **options: Unpack[CallOptions],
    ) -> Invoice:
        """Email the invoice (a single-purpose ``action_email`` PUT); it becomes ``sent``.

        Never re-sent after an ambiguous failure (a read timeout could mean it was emailed).
        """
        invoice_id = check_resource_id(invoice_id, field="invoice_id")
        payload = send_body(to=to, subject=subject, body=body, include_pdf=include_pdf)
        return await self._put(invoice_id, payload, idempotent=False, options=options)

    async def mark_as_sent(self, invoice_id: int, **options: Unpack[CallOptions]) -> Invoice:
        """Mark as sent without emailing (a single-purpose ``action_mark_as_sent`` PUT)."""
        return await self._put(
            check_resource_id(invoice_id, field="invoice_id"),
            {"action_mark_as_sent": True},
            options=options,
        )

    async def delete(self, invoice_id: int, **options: Unpack[CallOptions]) -> Invoice:
        """Soft-delete (``vis_state`` 1) with a single-purpose PUT, FreshBooks' documented way."""
        return await self._set_vis_state(
            check_resource_id(invoice_id, field="invoice_id"), 1, options=options
        )

    async def pdf(
        self,
        invoice_id: int,
        *,
        max_bytes: int = DEFAULT_MAX_PDF_BYTES,
        **options: Unpack[CallOptions],
    ) -> bytes:
        """The invoice as a PDF document (bytes starting with ``%PDF-``).

        Sent with ``Accept: application/pdf``; a body that is not a PDF raises
        ``ResponseValidationError``, and so does one larger than ``max_bytes`` (50 MiB by
        default), counted while it arrives: reading stops there, so memory stays near
        ``max_bytes`` whatever the server sends. For large documents stream them instead
        (:attr:`with_streaming_response`).

            Path(f"invoice-{inv.invoice_number}.pdf").write_bytes(fb.invoices.pdf(inv.id))
        """
        limit = check_max_bytes(max_bytes)
        opts = merge_options(check_call_options(options), RequestOptions(max_response_bytes=limit))
        spec = pdf_spec(self._url(check_resource_id(invoice_id, field="invoice_id")))
        try:
            response = await self._core.send(spec.with_options(opts))
        except ResponseTooLargeError:
            raise ResponseValidationError(
                f"the invoice PDF is larger than max_bytes={limit}; reading stopped there",
                body_excerpt="",
            ) from None
        return check_pdf(
            response.content,
            content_type=response.headers.get("content-type"),
            max_bytes=limit,
            status_code=response.status_code,
            response=response,
        )

    async def _open_pdf(
        self, invoice_id: int, max_bytes: int, options: Mapping[str, object]
    ) -> AsyncStreamedResponse:
        limit = check_max_bytes(max_bytes)
        opts = check_call_options(options)
        spec = pdf_spec(self._url(check_resource_id(invoice_id, field="invoice_id")))
        spec = spec.with_options(opts)
        response = await self._core.send(spec, stream=True)
        stream = AsyncStreamedResponse(
            response,
            core=self._core,
            limit=limit,
            deadline=self._core.deadline_for(spec),
            what=f"GET {spec.path}",
        )
        try:
            if not (await stream.peek(5)).startswith(b"%PDF-"):
                check_pdf(  # raises: FreshBooks' errors from a JSON body, else not a PDF
                    await stream.read(),
                    content_type=response.headers.get("content-type"),
                    max_bytes=limit,
                    status_code=response.status_code,
                    response=None,
                )
        except BaseException:
            await stream.aclose()
            raise
        return stream

    @cached_property
    def with_streaming_response(self) -> AsyncInvoicesWithStreamingResponse:
        """Invoice downloads read as a stream (the connection is held until the block ends).

        async with afb.invoices.with_streaming_response.pdf(inv.id) as r:
            async for chunk in r.aiter_bytes():
                out.write(chunk)
        """
        return AsyncInvoicesWithStreamingResponse(self)

    @cached_property
    def with_raw_response(self) -> AsyncInvoicesWithRawResponse:
        """Every method here returning a :class:`~freshbooks_sdk.responses.RawResponse`
        (status, headers, request id, retries, ``parse()``) instead of the plain value.

            raw = await afb.invoices.with_raw_response.get(7)
            print(raw.status_code, raw.request_id, raw.parse().invoice_number)
        """
        return AsyncInvoicesWithRawResponse(self)


@typed_call_errors_in
class AsyncInvoicesWithStreamingResponse:
    """``fb.invoices.with_streaming_response``: the PDF as a bounded stream."""

    def __init__(self, invoices: AsyncInvoicesResource) -> None:
        self._invoices = invoices

    def pdf(
        self,
        invoice_id: int,
        *,
        max_bytes: int = DEFAULT_MAX_PDF_BYTES,
        **options: Unpack[CallOptions],
    ) -> AsyncStreamContext:
        """The invoice PDF as an ``AsyncStreamedResponse`` to read in chunks (use it in
        ``async with``). The first bytes are checked to be a PDF before it is handed over;
        ``max_bytes`` is enforced while reading (``ResponseTooLargeError``)."""
        check_max_bytes(max_bytes)
        check_call_options(options)
        return AsyncStreamContext(lambda: self._invoices._open_pdf(invoice_id, max_bytes, options))


class AsyncInvoicesWithRawResponse:
    """``fb.invoices.with_raw_response``: the same methods, returning raw responses."""

    def __init__(self, invoices: AsyncInvoicesResource) -> None:
        self.list = wrap_raw_page(invoices.list)
        self.get = wrap_raw(invoices.get)
        self.create = wrap_raw(invoices.create)
        self.update = wrap_raw(invoices.update)
        self.send = wrap_raw(invoices.send)
        self.mark_as_sent = wrap_raw(invoices.mark_as_sent)
        self.delete = wrap_raw(invoices.delete)
        self.pdf = wrap_raw(invoices.pdf)
