"""Public input types: the dict shapes and closed vocabularies of request arguments.

Use them to annotate your own code so that mypy, pyright and editors check it like the SDK's
signatures do (key completion in lines and addresses, ``v3_status="payed"`` reported)::

    from freshbooks_sdk.types import InvoiceLineDict, V3StatusFilter

    def design_line(hours: int) -> InvoiceLineDict:
        return {"name": "Design", "qty": hours, "unit_cost": "120.00"}

    fb.invoices.create(customer_id=client.id, currency_code="USD", lines=[design_line(3)])
    fb.invoices.list(v3_status="overdue")

Every value is checked again at run time: a wrong key or value raises
:class:`~freshbooks_sdk.errors.InvalidRequestError` naming the field before any request.

>>> from freshbooks_sdk.types import INVOICE_V3_STATUSES
>>> "paid" in INVOICE_V3_STATUSES, "payed" in INVOICE_V3_STATUSES
(True, False)
"""

from __future__ import annotations

from freshbooks_sdk._core.currencies import CURRENCY_CODES
from freshbooks_sdk._core.input_types import (
    CALLBACK_EVENTS,
    INVOICE_V3_STATUSES,
    AddressDict,
    CallbackEvent,
    ClientInclude,
    ExpenseInclude,
    InvoiceInclude,
    InvoiceLineDict,
    InvoiceV3StatusName,
    JSONResponse,
    JSONValue,
    MoneyLike,
    NumberLike,
    ProjectBillingMethod,
    ProjectSort,
    ProjectType,
    RequestJSON,
    TimeEntrySort,
    V3StatusFilter,
    VisStateFilter,
)

__all__ = [
    "CALLBACK_EVENTS",
    "CURRENCY_CODES",
    "INVOICE_V3_STATUSES",
    "AddressDict",
    "CallbackEvent",
    "ClientInclude",
    "ExpenseInclude",
    "InvoiceInclude",
    "InvoiceLineDict",
    "InvoiceV3StatusName",
    "JSONResponse",
    "JSONValue",
    "MoneyLike",
    "NumberLike",
    "ProjectBillingMethod",
    "ProjectSort",
    "ProjectType",
    "RequestJSON",
    "TimeEntrySort",
    "V3StatusFilter",
    "VisStateFilter",
]
