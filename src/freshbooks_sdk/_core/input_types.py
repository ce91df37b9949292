"""The closed vocabularies and dict shapes of request inputs, for type checkers (pure).

Everything here is checked again at run time (a wrong key or value raises
:class:`~freshbooks_sdk.errors.InvalidRequestError` naming the field before any request), but
spelling it out as ``Literal`` and ``TypedDict`` lets mypy, pyright and editors report
``v3_status="payed"``, ``amount=42.5`` or a misspelt line key before the code runs. The public
names are re-exported by :mod:`freshbooks_sdk.types`.

>>> line: InvoiceLineDict = {"name": "Design", "qty": "3", "unit_cost": "120.00"}
>>> sorted(INVOICE_V3_STATUSES)[:3]
['autopaid', 'created', 'declined']
"""

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, TypeAlias, Union, get_args

from typing_extensions import NotRequired, TypedDict

from freshbooks_sdk._core.money_input import MoneyInput

if TYPE_CHECKING:
    from freshbooks_sdk.models import InvoiceV3Status, VisState

__all__ = [
    "CALLBACK_EVENTS",
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

MoneyLike: TypeAlias = MoneyInput
"""A money input: ``"12.50"``, ``12``, ``Decimal("12.50")`` or ``Money.of("12.50", "USD")``;
never a ``float``."""

NumberLike: TypeAlias = Union[str, int, Decimal]
"""An exact number (quantities, percents, rates): a decimal string, an int or a ``Decimal``."""

JSONValue: TypeAlias = Union[
    str,
    int,
    bool,
    Decimal,
    date,
    Sequence["JSONValue"],
    Mapping[str, "JSONValue"],
    None,
]
"""A value for the ``extra=``/``fields=`` escape hatches and ``fb.request(json=...)``:
str, int, bool, ``Decimal`` (sent as a decimal string), ``date`` (sent as ``YYYY-MM-DD``),
None, and lists or str-keyed mappings of these. ``float`` is absent on purpose."""

RequestJSON: TypeAlias = Union[
    str,
    int,
    float,
    bool,
    Sequence["RequestJSON"],
    Mapping[str, "RequestJSON"],
    None,
]
"""A body for ``fb.request(json=...)``: plain JSON data (finite floats allowed there, since the
raw call sends exactly what it is given; pass money amounts as strings)."""

JSONResponse: TypeAlias = Union[
    dict[str, "JSONResponse"],
    list["JSONResponse"],
    str,
    int,
    float,
    bool,
    None,
]
"""What ``fb.request(...)`` returns: the decoded JSON body (``None`` for an empty body). Narrow
it with ``isinstance`` before indexing."""

InvoiceV3StatusName = Literal[
    "created",
    "draft",
    "sent",
    "viewed",
    "failed",
    "retry",
    "success",
    "autopaid",
    "paid",
    "partial",
    "disputed",
    "resolved",
    "overdue",
    "deposit-partial",
    "deposit-paid",
    "declined",
    "pending",
]
"""The documented invoice ``v3_status`` names (FreshBooks docs; API notes section 4.3)."""

INVOICE_V3_STATUSES: frozenset[str] = frozenset(get_args(InvoiceV3StatusName))
"""The ``v3_status`` names accepted by ``fb.invoices.list(v3_status=...)``."""

V3StatusFilter: TypeAlias = Union["InvoiceV3Status", InvoiceV3StatusName]
"""An invoice status filter: an ``InvoiceV3Status`` member or its name."""

VisStateFilter: TypeAlias = Union["VisState", Literal[0, 1, 2]]
"""``vis_state``: ``VisState.ACTIVE``/``DELETED``/``ARCHIVED`` or 0, 1, 2."""

ClientInclude = Literal[
    "outstanding_balance",
    "credit_balance",
    "draft_balance",
    "overdue_balance",
    "grand_total_balance",
    "last_activity",
    "late_reminders",
    "late_fee",
]
"""``include[]`` names of clients (``CLIENT_INCLUDES``)."""

InvoiceInclude = Literal["lines", "presentation", "allowed_gateways", "contacts"]
"""``include[]`` names of invoices (``INVOICE_INCLUDES``)."""

ExpenseInclude = Literal["attachment", "category", "expense_profile", "project", "account"]
"""``include[]`` names of expenses (``EXPENSE_INCLUDES``)."""

TimeEntrySort = Literal[
    "started_at",
    "-started_at",
    "created_at",
    "-created_at",
    "duration",
    "-duration",
    "id",
    "-id",
]
"""Sort orders of time entries (``-`` for descending)."""

ProjectSort = Literal[
    "title",
    "-title",
    "due_date",
    "-due_date",
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "id",
    "-id",
]
"""Sort orders of projects (``-`` for descending)."""

ProjectType = Literal["fixed_price", "hourly_rate"]
"""A project's ``project_type``."""

ProjectBillingMethod = Literal["project_rate", "service_rate", "team_member_rate", "business_rate"]
"""A project's ``billing_method``."""

CallbackEvent = Literal[
    "bill",
    "bill.create",
    "bill.update",
    "bill.delete",
    "bill_vendor",
    "bill_vendor.create",
    "bill_vendor.update",
    "bill_vendor.delete",
    "category",
    "category.create",
    "category.update",
    "category.delete",
    "client",
    "client.create",
    "client.update",
    "client.delete",
    "credit_note",
    "credit_note.create",
    "credit_note.update",
    "credit_note.delete",
    "estimate",
    "estimate.create",
    "estimate.update",
    "estimate.delete",
    "expense",
    "expense.create",
    "expense.update",
    "expense.delete",
    "invoice",
    "invoice.create",
    "invoice.update",
    "invoice.delete",
    "item",
    "item.create",
    "item.update",
    "item.delete",
    "payment",
    "payment.create",
    "payment.update",
    "payment.delete",
    "project",
    "project.create",
    "project.update",
    "project.delete",
    "recurring",
    "recurring.create",
    "recurring.update",
    "recurring.delete",
    "service",
    "service.create",
    "service.update",
    "service.delete",
    "tax",
    "tax.create",
    "tax.update",
    "tax.delete",
    "time_entry",
    "time_entry.create",
    "time_entry.update",
    "time_entry.delete",
    "estimate.sendByEmail",
    "invoice.sendByEmail",
]
"""A webhook event name: an object (every event on it) or ``object.create|update|delete``."""

CALLBACK_EVENTS: frozenset[str] = frozenset(get_args(CallbackEvent))
"""Every event name ``fb.callbacks.create(event=...)`` accepts."""


class AddressDict(TypedDict, total=False):
    """A client's primary address (sent as FreshBooks' ``p_*`` fields); every key optional.

    >>> address: AddressDict = {"street": "1 Main St", "city": "Toronto", "country": "Canada"}
    """

    street: str
    street2: str
    city: str
    province: str
    postal_code: str
    country: str


class InvoiceLineDict(TypedDict):
    """One invoice line: ``name`` and ``unit_cost`` are required, ``qty`` defaults to 1.

    ``tax_percent1``/``tax_percent2`` are percents (0-100) of the taxes named ``tax_name1``/
    ``tax_name2``; ``type`` 1 with ``expenseid`` rebills an expense.

    >>> line: InvoiceLineDict = {"name": "Design", "qty": "3", "unit_cost": "120.00"}
    """

    name: str
    unit_cost: MoneyLike
    description: NotRequired[str]
    qty: NotRequired[NumberLike]
    quantity: NotRequired[NumberLike]
    tax_name1: NotRequired[str]
    tax_percent1: NotRequired[NumberLike]
    tax_name2: NotRequired[str]
    tax_percent2: NotRequired[NumberLike]
    type: NotRequired[Literal[0, 1]]
    expenseid: NotRequired[int]
