"""Mistakes a type checker must report: every line with an expect-error comment, no other.

Type-checked by tests/test_typing.py (never imported or run); each mistake is also refused at
run time with ``InvalidRequestError`` (tests/test_typing.py checks that too).
"""

from __future__ import annotations

from datetime import date

from freshbooks_sdk import AsyncFreshBooks, FreshBooks


def sync_mistakes(fb: FreshBooks) -> None:
    d = date(2026, 1, 2)
    fb.expenses.create(amount=42.5, category_id=1, date=d)  # expect-error: float money
    fb.payments.create(invoice_id=1, amount=12.5, date=d)  # expect-error: float money
    fb.items.create(name="Bowl", unit_cost=1.5)  # expect-error: float money
    fb.invoices.create(customer_id=1, lines=[{"name": "A", "unit_cost": 0.1}])  # expect-error
    fb.invoices.update(1, lines=[{"name": "A", "unit_cost": "1", "qyt": 3}])  # expect-error
    fb.invoices.create(customer_id=1, lines=[{"name": "A", "qty": "1"}])  # expect-error: no cost
    fb.invoices.update(1, lines=[{"nmae": "A", "unit_cost": "1"}])  # expect-error: key typo
    fb.invoices.list(v3_status="payed")  # expect-error: unknown status
    fb.invoices.list(vis_state=3)  # expect-error: 0, 1 or 2
    fb.invoices.list(include=["line"])  # expect-error: unknown include
    fb.clients.create(fname="Ada", address={"stret": "1 Main St"})  # expect-error: key typo
    fb.clients.list(include=["outstanding"])  # expect-error: unknown include
    fb.clients.create(fname="Ada", extra={"rate": 1.5})  # expect-error: float in extra
    fb.expenses.update(1, fields={"when": object()})  # expect-error: not JSON
    fb.time_entries.list(sort="started")  # expect-error: unknown sort
    fb.projects.create(title="Site", project_type="hourly")  # expect-error: unknown type
    fb.projects.list(sort="name")  # expect-error: unknown sort
    fb.callbacks.create(event="invoice.created", uri="https://x.example")  # expect-error
    fb.request("POST", "/x", json={"a": object()})  # expect-error: not JSON
    fb.request("GET", "/x")["response"]  # expect-error: narrow the JSON first
    fb.invoices.poll(store=None).poll_once("2026-01-01")  # expect-error: a Cursor or its JSON


def option_mistakes(fb: FreshBooks) -> None:
    fb.invoices.get(1, timeout="5")  # expect-error: seconds, not text
    fb.invoices.get(1, extra_headers={"a": 1})  # expect-error: header values are str
    fb.invoices.get(1, max_retries=1.5)  # expect-error: an int
    fb.invoices.get(1, retries=2)  # expect-error: not an option (max_retries)
    fb.clients.list(extra_query={"x": 1.5})  # expect-error: str or int values
    fb.request("GET", "/x", extra_headers=[("X-A", "1")])  # expect-error: a mapping
    fb.with_options(timeout="5")  # expect-error: seconds, not text
    fb.with_options(extra_headers={"X-A": b"1"})  # expect-error: str values
    fb.invoices.with_raw_response.get(1, timeout="5")  # expect-error: same options as get
    print(fb.invoices.with_raw_response.get(1).parse().nope)  # expect-error: an Invoice has no nope
    fb.invoices.with_streaming_response.pdf(1, extra_query={"a": None})  # expect-error
    fb.with_options(retries=2)  # expect-error: a misspelt option (max_retries)
    fb.with_account(acount_id="ABC123")  # expect-error: a misspelt keyword
    fb.clients.create(fnmae="Ada")  # expect-error: a misspelt field (fname)
    FreshBooks(acess_token="t", account_id="ABC123")  # expect-error: a misspelt keyword


async def async_mistakes(afb: AsyncFreshBooks) -> None:
    await afb.expenses.create(amount=1.0, category_id=1, date=date(2026, 1, 2))  # expect-error
    afb.invoices.list(v3_status="payed")  # expect-error: unknown status
    await afb.clients.create(fname="Ada", address={"zip": "M5V"})  # expect-error: key typo
    await afb.invoices.get(1, timeout="5")  # expect-error: seconds, not text
    afb.with_options(max_retries="3")  # expect-error: an int
    afb.with_options(unknown=1)  # expect-error: not an option
    AsyncFreshBooks(access_token="t", acount_id="ABC123")  # expect-error: a misspelt keyword
