"""Correct uses of the public signatures: mypy --strict and pyright report nothing here.

Type-checked by tests/test_typing.py (never imported or run).
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import httpx

from freshbooks_sdk import AsyncFreshBooks, FreshBooks
from freshbooks_sdk.models import Client, Invoice, InvoiceV3Status, Money, VisState
from freshbooks_sdk.responses import CallOptions, RawResponse
from freshbooks_sdk.types import (
    AddressDict,
    InvoiceLineDict,
    JSONResponse,
    JSONValue,
    V3StatusFilter,
)


def lines_with_completion() -> list[InvoiceLineDict]:
    return [
        {"name": "Design", "qty": "3", "unit_cost": "120.00"},
        {"name": "Hosting", "unit_cost": Decimal("9.99"), "tax_name1": "HST", "tax_percent1": 13},
        {"name": "Bowls", "qty": 4, "unit_cost": Money.of("5.00", "USD"), "description": "Clay"},
        {"name": "Taxi", "unit_cost": 42, "type": 1, "expenseid": 7},
    ]


def sync_calls(fb: FreshBooks) -> Invoice:
    address: AddressDict = {"street": "1 Main St", "city": "Toronto", "country": "Canada"}
    extra: dict[str, JSONValue] = {"bus_phone": "555-0100", "late_fee": {"days": 5}}
    client = fb.clients.create(fname="Ada", address=address, currency_code="CAD", extra=extra)
    fb.clients.list(include=["outstanding_balance"], vis_state=VisState.ARCHIVED)
    fb.clients.list(vis_state=2, has_overdue=True)
    inv = fb.invoices.create(
        customer_id=client.id, currency_code="USD", lines=lines_with_completion()
    )
    fb.invoices.update(inv.id, lines=[{"name": "Fix", "unit_cost": "1.5"}], fields={"x": None})
    status: V3StatusFilter = InvoiceV3Status.PAID
    for _ in fb.invoices.list(v3_status=status, include=["presentation"]):
        pass
    fb.invoices.list(v3_status="deposit-partial", vis_state=0)
    fb.expenses.create(amount="12.50", category_id=1, date=date(2026, 1, 2), currency_code="USD")
    fb.expenses.create(amount=Money.of("3", "EUR"), category_id=1, date=date(2026, 1, 2))
    fb.expenses.list(include=["category", "project"])
    fb.payments.create(invoice_id=inv.id, amount=Decimal("10"), date=date(2026, 1, 3))
    fb.items.create(name="Bowl", unit_cost=12, qty="40")
    fb.taxes.create(name="HST", percent="13")
    fb.projects.create(title="Site", project_type="hourly_rate", billing_method="project_rate")
    fb.projects.list(sort="-due_date")
    since = datetime(2026, 1, 1, tzinfo=timezone.utc)
    fb.time_entries.list(started_from=since, sort="-started_at")
    fb.callbacks.create(event="invoice.create", uri="https://hooks.example.com/fb")
    fb.callbacks.list(event="estimate.sendByEmail")
    body: JSONResponse = fb.request("POST", "/x", json={"a": [1, 2.5, None, {"b": True}]})
    if isinstance(body, dict):
        body.get("response")
    poller = fb.invoices.poll(store=None)
    first = poller.poll_once()
    poller.poll_once(first.cursor_after)
    return fb.invoices.get(inv.id)


async def async_calls(afb: AsyncFreshBooks) -> Invoice:
    inv = await afb.invoices.create(
        customer_id=1, currency_code="EUR", lines=[{"name": "A", "unit_cost": "1"}]
    )
    async for _ in afb.invoices.list(v3_status="overdue"):
        pass
    await afb.expenses.create(amount=5, category_id=1, date=date(2026, 1, 2))
    return await afb.invoices.get(inv.id)


def option_calls(fb: FreshBooks) -> RawResponse[Invoice]:
    """Per-call options on any method, ``with_options`` copies, raw and streamed responses."""
    fb.invoices.get(7, timeout=5.0, max_retries=0, extra_headers={"X-Trace": "abc"})
    fb.invoices.get(7, timeout=httpx.Timeout(5.0, connect=2.0), extra_query={"n": 2, "s": "x"})
    for _ in fb.invoices.list(v3_status="paid", extra_query={"sort": "create_date_desc"}):
        pass
    options: CallOptions = {"timeout": 2, "extra_headers": {"X-Job": "42"}}
    fb.clients.create(fname="Ada", **options)
    fb.request("GET", "/auth/api/v1/users/me", max_retries=1, extra_headers={"X-A": "b"})
    fast: FreshBooks = fb.with_options(timeout=5.0, max_retries=0, deadline=30.0)
    tagged = fast.with_options(extra_headers={"X-Correlation-Id": "job-42"}, account_id="ACM1")
    tagged.expenses.list(timeout=1.5)
    raw: RawResponse[Invoice] = fb.invoices.with_raw_response.get(7, timeout=5.0)
    status: int = raw.status_code
    request_id: str | None = raw.request_id
    invoice: Invoice = raw.parse()
    client_raw: RawResponse[Client] = fb.clients.with_raw_response.create(fname="A", max_retries=0)
    print(client_raw.parse().id + status + invoice.id)
    fb.with_raw_response.request("GET", "/x", timeout=3.0).parse()
    with fb.invoices.with_streaming_response.pdf(7, max_bytes=2**20, timeout=30.0) as pdf:
        for chunk in pdf.iter_bytes():
            chunk.hex()
    if request_id is not None:
        request_id.upper()
    return raw


async def async_option_calls(afb: AsyncFreshBooks) -> Invoice:
    fast: AsyncFreshBooks = afb.with_options(timeout=5.0, extra_headers={"X-Job": "1"})
    raw: RawResponse[Invoice] = await fast.invoices.with_raw_response.get(7, max_retries=2)
    async with afb.invoices.with_streaming_response.pdf(7, timeout=10.0) as pdf:
        async for chunk in pdf.aiter_bytes():
            chunk.hex()
    return raw.parse()


async def async_closing(afb: AsyncFreshBooks, fb: FreshBooks) -> None:
    await afb.close()  # openai-python's name for aclose()
    await afb.aclose()
    fb.close()
    async with AsyncFreshBooks(access_token="t", account_id="ABC123") as scoped:
        await scoped.invoices.get(7)
