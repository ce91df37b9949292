"""A typed Python SDK for FreshBooks: exact money, correct time zones, safe retries, lazy
pagination, and an ``updated_since`` poller that never loses an update.

    from freshbooks_sdk import FreshBooks

    with FreshBooks(access_token="...", account_id="ABC123") as fb:
        client = fb.clients.create(email="ada@example.com", fname="Ada")
        invoice = fb.invoices.create(customer_id=client.id, currency_code="USD",
                                     lines=[{"name": "Design", "qty": "3", "unit_cost": "120.00"}])
        fb.invoices.send(invoice.id, to=["ada@example.com"])

``AsyncFreshBooks`` has the same surface with ``await`` / ``async for``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from freshbooks_sdk._lazy import load_lazily

if TYPE_CHECKING:
    from freshbooks_sdk._async.client import AsyncFreshBooks
    from freshbooks_sdk._async.pagination import AsyncPaginator
    from freshbooks_sdk._core.identity import BusinessSummary
    from freshbooks_sdk._core.inputs import Address, InvoiceLineInput
    from freshbooks_sdk._core.pages import Page, PageInfo
    from freshbooks_sdk._core.transport import RetryEvent, RetryStats
    from freshbooks_sdk._sync.client import FreshBooks
    from freshbooks_sdk._sync.pagination import Paginator
    from freshbooks_sdk.errors import (
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        ClientClosedError,
        ErrorDetail,
        FreshBooksError,
        InvalidRequestError,
        NotFoundError,
        RateLimitError,
        ResponseTooLargeError,
        UnprocessableEntityError,
    )
    from freshbooks_sdk.models import (
        Client,
        Expense,
        ExpenseCategory,
        Identity,
        Invoice,
        InvoiceLine,
        Money,
        Staff,
    )
    from freshbooks_sdk.types import AddressDict, InvoiceLineDict, MoneyLike

__version__ = "0.1.0"

# Public names load on first use, so `import freshbooks_sdk` stays cheap and a tool that only
# needs the errors or the sandbox does not build every model.
_LAZY: dict[str, str] = {
    "RetryEvent": "freshbooks_sdk._core.transport",
    "RetryStats": "freshbooks_sdk._core.transport",
    "AsyncFreshBooks": "freshbooks_sdk._async.client",
    "AsyncPaginator": "freshbooks_sdk._async.pagination",
    "BusinessSummary": "freshbooks_sdk._core.identity",
    "Address": "freshbooks_sdk._core.inputs",
    "InvoiceLineInput": "freshbooks_sdk._core.inputs",
    "Page": "freshbooks_sdk._core.pages",
    "PageInfo": "freshbooks_sdk._core.pages",
    "FreshBooks": "freshbooks_sdk._sync.client",
    "Paginator": "freshbooks_sdk._sync.pagination",
    "APIConnectionError": "freshbooks_sdk.errors",
    "APIStatusError": "freshbooks_sdk.errors",
    "APITimeoutError": "freshbooks_sdk.errors",
    "AuthenticationError": "freshbooks_sdk.errors",
    "ClientClosedError": "freshbooks_sdk.errors",
    "ErrorDetail": "freshbooks_sdk.errors",
    "FreshBooksError": "freshbooks_sdk.errors",
    "InvalidRequestError": "freshbooks_sdk.errors",
    "NotFoundError": "freshbooks_sdk.errors",
    "RateLimitError": "freshbooks_sdk.errors",
    "ResponseTooLargeError": "freshbooks_sdk.errors",
    "UnprocessableEntityError": "freshbooks_sdk.errors",
    "Client": "freshbooks_sdk.models",
    "Expense": "freshbooks_sdk.models",
    "ExpenseCategory": "freshbooks_sdk.models",
    "Identity": "freshbooks_sdk.models",
    "Invoice": "freshbooks_sdk.models",
    "InvoiceLine": "freshbooks_sdk.models",
    "Money": "freshbooks_sdk.models",
    "Staff": "freshbooks_sdk.models",
    "AddressDict": "freshbooks_sdk.types",
    "InvoiceLineDict": "freshbooks_sdk.types",
    "MoneyLike": "freshbooks_sdk.types",
}


def __getattr__(name: str) -> Any:
    return load_lazily(__name__, _LAZY, name)


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "Address",
    "AddressDict",
    "AsyncFreshBooks",
    "AsyncPaginator",
    "AuthenticationError",
    "BusinessSummary",
    "Client",
    "ClientClosedError",
    "ErrorDetail",
    "Expense",
    "ExpenseCategory",
    "FreshBooks",
    "FreshBooksError",
    "Identity",
    "InvalidRequestError",
    "Invoice",
    "InvoiceLine",
    "InvoiceLineDict",
    "InvoiceLineInput",
    "Money",
    "MoneyLike",
    "NotFoundError",
    "Page",
    "PageInfo",
    "Paginator",
    "RateLimitError",
    "ResponseTooLargeError",
    "RetryEvent",
    "RetryStats",
    "Staff",
    "UnprocessableEntityError",
    "__version__",
]
