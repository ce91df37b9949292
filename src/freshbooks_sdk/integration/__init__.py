"""The integration's action/trigger catalog, keyed by the integration's names.

Every entry takes a plain JSON-like dict, validates it against a typed pydantic input model
(exportable as JSON Schema), calls the SDK, and answers JSON-serializable data. Failures are
reported as data, never raised::

    from freshbooks_sdk import FreshBooks
    from freshbooks_sdk.integration import catalog

    with FreshBooks(access_token="...", account_id="ABC123") as fb:
        result = catalog["freshbooks/create-client"].run(fb, {"email": "ada@example.com"})
        if result.ok:
            print(result.output["id"])
        else:
            print(result.error["type"], result.error["fields"], result.error["retry_after"])

    # async: the same entries, ``await action.arun(afb, {...})``

Actions: ``freshbooks/list-clients``, ``freshbooks/create-client``, ``freshbooks/list-invoices``,
``freshbooks/create-invoice``, ``freshbooks/send-invoice``, ``freshbooks/create-expense``.
Trigger: ``freshbooks/invoice-updated`` (the ``updated_since`` poller, one cycle per call).

Conventions of the data:

* money in: decimal **strings** (``"12.50"``); a JSON number is refused (floats lose cents).
  Money out: ``{"amount": "12.50", "code": "USD"}``, the amount exactly as FreshBooks holds it.
* dates: ``YYYY-MM-DD``; instants in: ISO 8601 with an offset (``2024-05-01T12:00:00Z``);
  instants out: ISO 8601 UTC with ``Z`` (FreshBooks' US/Eastern wire strings are converted).
* list actions take ``limit`` and answer ``{"items": [...], "count": n}``.
* a failure is ``ActionResult(ok=False, error={"type", "message", "fields": [{"field",
  "message", "errno", "wire_field"}], "retryable", "may_have_applied", "retry_after",
  "status_code"})``: input validation happens before any request, and its fields name the keys
  the caller sent; FreshBooks' 404/422 details keep their errno, with the wire field
  (``customerid``) mapped back to the input field (``client_id``). ``may_have_applied`` means
  the request may have been carried out anyway (a create that timed out or got a 5xx): such an
  error is never ``retryable``, check (list or get) before running the action again.

The logic exists once: a pure part (input model -> SDK call, SDK result -> JSON, exception ->
error dict) and two tiny shells, :meth:`Action.run` (sync) and :meth:`Action.arun` (async).

Regenerate the committed JSON Schemas with ``python -m freshbooks_sdk.integration --export
schemas`` (``--check schemas`` reports drift).
"""

from __future__ import annotations

# The parts' other public names, importable from here as before the package split.
from freshbooks_sdk.integration.actions import CREATE_CLIENT as CREATE_CLIENT
from freshbooks_sdk.integration.actions import CREATE_EXPENSE as CREATE_EXPENSE
from freshbooks_sdk.integration.actions import CREATE_INVOICE as CREATE_INVOICE
from freshbooks_sdk.integration.actions import LIST_CLIENTS as LIST_CLIENTS
from freshbooks_sdk.integration.actions import LIST_INVOICES as LIST_INVOICES
from freshbooks_sdk.integration.actions import SEND_INVOICE as SEND_INVOICE
from freshbooks_sdk.integration.actions import Action
from freshbooks_sdk.integration.actions import Call as Call
from freshbooks_sdk.integration.catalog import ACTIONS, TRIGGERS, catalog
from freshbooks_sdk.integration.inputs import ClientAddress as ClientAddress
from freshbooks_sdk.integration.inputs import (
    CreateClientInput,
    CreateExpenseInput,
    CreateInvoiceInput,
    InvoiceLineItem,
    InvoiceUpdatedInput,
    ListClientsInput,
    ListInvoicesInput,
    SendInvoiceInput,
)
from freshbooks_sdk.integration.inputs import CurrencyText as CurrencyText
from freshbooks_sdk.integration.inputs import EmailText as EmailText
from freshbooks_sdk.integration.inputs import Id as Id
from freshbooks_sdk.integration.inputs import Instant as Instant
from freshbooks_sdk.integration.inputs import IsoDate as IsoDate
from freshbooks_sdk.integration.inputs import Limit as Limit
from freshbooks_sdk.integration.inputs import LongText as LongText
from freshbooks_sdk.integration.inputs import MoneyText as MoneyText
from freshbooks_sdk.integration.inputs import PercentText as PercentText
from freshbooks_sdk.integration.inputs import QuantityText as QuantityText
from freshbooks_sdk.integration.inputs import ShortText as ShortText
from freshbooks_sdk.integration.inputs import SignedMoneyText as SignedMoneyText
from freshbooks_sdk.integration.results import ERROR_TYPES as ERROR_TYPES
from freshbooks_sdk.integration.results import (
    ActionError,
    ActionResult,
    FieldError,
    error_from_exception,
    to_json,
)
from freshbooks_sdk.integration.results import model_output_schema as model_output_schema
from freshbooks_sdk.integration.schemas import JSON_SCHEMA_DIALECT as JSON_SCHEMA_DIALECT
from freshbooks_sdk.integration.schemas import (
    check_schemas,
    export_schemas,
    main,
    schema_documents,
)
from freshbooks_sdk.integration.trigger import INVOICE_UPDATED as INVOICE_UPDATED
from freshbooks_sdk.integration.trigger import ActivationStatsOut as ActivationStatsOut
from freshbooks_sdk.integration.trigger import CursorOut as CursorOut
from freshbooks_sdk.integration.trigger import Trigger, render_activation

__all__ = [
    "ACTIONS",
    "TRIGGERS",
    "Action",
    "ActionError",
    "ActionResult",
    "CreateClientInput",
    "CreateExpenseInput",
    "CreateInvoiceInput",
    "FieldError",
    "InvoiceLineItem",
    "InvoiceUpdatedInput",
    "ListClientsInput",
    "ListInvoicesInput",
    "SendInvoiceInput",
    "Trigger",
    "catalog",
    "check_schemas",
    "error_from_exception",
    "export_schemas",
    "main",
    "render_activation",
    "schema_documents",
    "to_json",
]
