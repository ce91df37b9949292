"""The only place the benchmarks touch this SDK (``freshbooks_sdk``) and the official one.

Everything is written against the client contract in CONTRIBUTING.md; when a call is missing or
fails, the caller turns the exception into a "not available yet" row (see ``_measure.guard``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from benchmarks._invoices import ACCOUNT_ID

TOKEN = "bench-token"
LINE = {"name": "Bowls", "qty": "1", "unit_cost": "10.00"}


# --- this SDK -------------------------------------------------------------------------------


def sdk_sync(base_url: str, **kwargs: Any) -> Any:
    """A ``freshbooks_sdk.FreshBooks`` pointed at ``base_url``."""
    from freshbooks_sdk import FreshBooks

    return FreshBooks(access_token=TOKEN, account_id=ACCOUNT_ID, base_url=base_url, **kwargs)


async def sdk_async(base_url: str, **kwargs: Any) -> Any:
    """A ``freshbooks_sdk.AsyncFreshBooks`` (entered) pointed at ``base_url``."""
    from freshbooks_sdk import AsyncFreshBooks

    client = AsyncFreshBooks(access_token=TOKEN, account_id=ACCOUNT_ID, base_url=base_url, **kwargs)
    enter = getattr(client, "__aenter__", None)
    if enter is not None:
        client = await enter()
    return client


def close_sync(client: Any) -> None:
    close = getattr(client, "close", None)
    if close is not None:
        close()


async def close_async(client: Any) -> None:
    exit_ = getattr(client, "__aexit__", None)
    if exit_ is not None:
        await exit_(None, None, None)
        return
    close = getattr(client, "aclose", None) or getattr(client, "close", None)
    if close is not None:
        await close()


def walk_sync(fb: Any) -> int:
    """Every invoice through the lazy paginator, touching ``id`` and ``amount.amount``."""
    n = 0
    for inv in fb.invoices.list(include_lines=True, per_page=100):
        inv.id  # noqa: B018 - the touch is the point
        inv.amount.amount  # noqa: B018
        n += 1
    return n


MONEY_FIELDS = (
    "amount",
    "paid",
    "outstanding",
    "discount_total",
    "deposit_amount",
    "net_paid_amount",
)


def walk_sync_all_money(fb: Any) -> int:
    """Every invoice, reading every money amount of it and of its lines (a lazy design that is
    only fast when nothing is read would show here)."""
    n = 0
    total = 0
    for inv in fb.invoices.list(include_lines=True, per_page=100):
        for name in MONEY_FIELDS:
            money = getattr(inv, name)
            if money is not None:
                total += money.amount
        for line in inv.lines or ():
            total += line.amount.amount + line.unit_cost.amount
        n += 1
    return n


async def walk_async(afb: Any) -> int:
    n = 0
    async for inv in afb.invoices.list(include_lines=True, per_page=100):
        inv.id  # noqa: B018
        inv.amount.amount  # noqa: B018
        n += 1
    return n


def _items(page: Any) -> Iterable[Any]:
    for name in ("items", "invoices", "data", "results"):
        items = getattr(page, name, None)
        if items is not None:
            return items  # type: ignore[no-any-return]
    return page  # type: ignore[no-any-return]


def _pager(invoices: Any, page: int) -> Any:
    """A paginator starting at ``page`` (``list()`` takes no ``page=``: unknown keywords are
    refused as request options, so the paginator's ``start_page`` is set)."""
    pager = invoices.list(include_lines=True, per_page=100)
    pager.start_page = page
    return pager


def page_sync(fb: Any, page: int) -> int:
    """Fetch exactly one list page (page ``page``, 100 per page) and touch its invoices."""
    first = _pager(fb.invoices, page).first_page()
    n = 0
    for inv in _items(first):
        inv.id  # noqa: B018
        inv.amount.amount  # noqa: B018
        n += 1
    return n


async def page_async(afb: Any, page: int) -> int:
    first = await _pager(afb.invoices, page).first_page()
    n = 0
    for inv in _items(first):
        inv.id  # noqa: B018
        inv.amount.amount  # noqa: B018
        n += 1
    return n


def create_sync(fb: Any) -> Any:
    inv = fb.invoices.create(customer_id=12345, lines=[LINE], currency_code="USD")
    return inv.id


# --- the official SDK (freshbooks-sdk 1.3.0, import name ``freshbooks``) ---------------------


def official_invoices(base_url: str) -> Any:
    """The official SDK's invoices resource, held once (one requests.Session, keep-alive).

    The official client reads ``FRESHBOOKS_API_URL`` when it is constructed, and builds a new
    resource (with a new ``requests.Session``) on every ``client.invoices`` access, so the
    resource is taken once: that is the fastest way to use it.
    """
    from freshbooks.client import Client

    old = os.environ.get("FRESHBOOKS_API_URL")
    os.environ["FRESHBOOKS_API_URL"] = base_url
    try:
        client = Client(client_id="bench", access_token=TOKEN)
    finally:
        if old is None:
            del os.environ["FRESHBOOKS_API_URL"]
        else:
            os.environ["FRESHBOOKS_API_URL"] = old
    return client.invoices


def official_walk(invoices: Any, max_pages: int | None = None) -> int:
    from freshbooks.builders.includes import IncludesBuilder
    from freshbooks.builders.paginator import PaginateBuilder

    page = 1
    n = 0
    while True:
        result = invoices.list(
            ACCOUNT_ID, builders=[PaginateBuilder(page, 100), IncludesBuilder().include("lines")]
        )
        for inv in result:
            inv.id  # noqa: B018
            inv.amount.amount  # noqa: B018
            n += 1
        if result.pages.page >= result.pages.pages or (max_pages and page >= max_pages):
            return n
        page += 1


def official_create(invoices: Any) -> Any:
    data = {
        "customerid": 12345,
        "create_date": "2021-04-16",
        "currency_code": "USD",
        "lines": [
            {"name": "Bowls", "qty": "1", "unit_cost": {"amount": "10.00", "code": "USD"}},
        ],
    }
    return invoices.create(ACCOUNT_ID, data).id
