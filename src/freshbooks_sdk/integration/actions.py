"""The actions: a pure plan (input model -> SDK call) and two shells, :meth:`Action.run` (sync)
and :meth:`Action.arun` (async).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import attrs
from pydantic import BaseModel, Field

from freshbooks_sdk.errors import (
    InvalidRequestError,
)
from freshbooks_sdk.integration.inputs import (
    CreateClientInput,
    CreateExpenseInput,
    CreateInvoiceInput,
    ListClientsInput,
    ListInvoicesInput,
    SendInvoiceInput,
)
from freshbooks_sdk.integration.results import (
    ActionResult,
    error_from_exception,
    model_output_schema,
    to_json,
)

if TYPE_CHECKING:
    from freshbooks_sdk._async.client import AsyncFreshBooks
    from freshbooks_sdk._sync.client import FreshBooks
    from freshbooks_sdk.models import Invoice

# ---------------------------------------------------------------------------------------------
# Actions: pure plan + two shells
# ---------------------------------------------------------------------------------------------

InputT = TypeVar("InputT", bound=BaseModel)


@attrs.frozen
class Call:
    """One SDK call, described without doing it: ``fb.<resource>.<method>(**kwargs)``.

    ``many`` marks a listing (a paginator, collected into a list by the shell).
    """

    resource: str
    method: str
    kwargs: Mapping[str, Any]
    many: bool = False


def _drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


@attrs.frozen
class Action(Generic[InputT]):
    """One catalog action. Run it from a plain dict; it answers an :class:`ActionResult`.

    >>> from freshbooks_sdk.integration import catalog
    >>> action = catalog["freshbooks/create-client"]
    >>> action.input_model.__name__
    'CreateClientInput'
    >>> bad = action.run(None, {"email": "not an email"})   # refused before any request
    >>> bad.ok, bad.error["type"], bad.error["fields"][0]["field"]
    (False, 'invalid_input', 'email')

    ``run(fb, data)`` takes a :class:`~freshbooks_sdk.FreshBooks`, ``await arun(afb, data)`` an
    :class:`~freshbooks_sdk.AsyncFreshBooks`; both never raise for API or input failures.
    """

    name: str
    title: str
    description: str
    input_model: type[InputT]
    output_model: type[BaseModel]
    plan: Callable[[InputT], Call]
    field_names: Mapping[str, str] = attrs.field(factory=dict)
    example: Mapping[str, Any] = attrs.field(factory=dict)
    kind: Literal["action"] = "action"

    # -- pure parts ---------------------------------------------------------------------------

    def parse(self, data: Mapping[str, Any] | BaseModel) -> InputT:
        """Validate ``data`` into the input model (raises ``pydantic.ValidationError``)."""
        if isinstance(data, self.input_model):
            return data
        if isinstance(data, BaseModel):
            data = data.model_dump()
        if not isinstance(data, Mapping):
            raise InvalidRequestError(
                f"{self.name} input must be a JSON object, got {type(data).__name__}"
            )
        return self.input_model.model_validate(dict(data))

    def prepare(self, data: Mapping[str, Any] | BaseModel) -> Call:
        """Input -> the SDK call to make (pure; raises on invalid input)."""
        return self.plan(self.parse(data))

    def render(self, call: Call, value: Any, total: int | None = None) -> Any:
        """The SDK's result -> JSON output (``{"items", "count", "total"}`` for listings:
        ``total`` is how many FreshBooks matched, ``None`` when unknown)."""
        if call.many:
            items = [to_json(v) for v in value]
            return {"items": items, "count": len(items), "total": total}
        return to_json(value)

    def success(self, call: Call, value: Any, total: int | None = None) -> ActionResult:
        """An ``ok`` result holding the rendered output."""
        return ActionResult(ok=True, output=self.render(call, value, total))

    def failure(self, exc: BaseException) -> ActionResult:
        """A failed result describing ``exc``, raised by the SDK call (its field names are
        renamed to input field names with :attr:`field_names`)."""
        return ActionResult(ok=False, error=error_from_exception(exc, self.field_names))

    def input_failure(self, exc: BaseException) -> ActionResult:
        """A failed result describing ``exc``, raised by :meth:`prepare` (the input's own
        validation: fields name the keys the caller sent, never renamed)."""
        return ActionResult(ok=False, error=error_from_exception(exc))

    def input_schema(self) -> dict[str, Any]:
        """JSON Schema of the input."""
        schema = self.input_model.model_json_schema(mode="validation")
        schema["examples"] = [dict(self.example)]
        return schema

    def output_schema(self) -> dict[str, Any]:
        """JSON Schema of ``ActionResult.output`` when ``ok``."""
        return model_output_schema(self.output_model)

    # -- shells -------------------------------------------------------------------------------

    def run(self, fb: FreshBooks | None, data: Mapping[str, Any] | BaseModel) -> ActionResult:
        """Run with a sync client; never raises for input or API failures."""
        try:
            call = self.prepare(data)
        except Exception as exc:
            return self.input_failure(exc)
        try:
            target = getattr(getattr(fb, call.resource), call.method)
            value = target(**call.kwargs)
            if call.many:
                return self.success(call, list(value), _listing_total(value))
            return self.success(call, value)
        except Exception as exc:
            return self.failure(exc)

    async def arun(
        self, afb: AsyncFreshBooks | None, data: Mapping[str, Any] | BaseModel
    ) -> ActionResult:
        """Run with an async client; never raises for input or API failures."""
        try:
            call = self.prepare(data)
        except Exception as exc:
            return self.input_failure(exc)
        try:
            target = getattr(getattr(afb, call.resource), call.method)
            if call.many:
                pages = target(**call.kwargs)
                items = [item async for item in pages]
                return self.success(call, items, _listing_total(pages))
            return self.success(call, await target(**call.kwargs))
        except Exception as exc:
            return self.failure(exc)


def _listing_total(paginator: object) -> int | None:
    """How many items FreshBooks said the listing holds (its last page's ``total``)."""
    info = getattr(paginator, "last_page_info", None)
    total = getattr(info, "total", None)
    return total if isinstance(total, int) else None


# -- plans ------------------------------------------------------------------------------------


def _plan_list_clients(p: ListClientsInput) -> Call:
    return Call(
        "clients",
        "list",
        _drop_none(
            {
                "email": p.email,
                "organization_like": p.organization_like,
                "updated_since": p.updated_since,
                "max_items": p.limit,
            }
        ),
        many=True,
    )


def _plan_create_client(p: CreateClientInput) -> Call:
    address = None if p.address is None else _drop_none(p.address.model_dump())
    return Call(
        "clients",
        "create",
        _drop_none(
            {
                "email": p.email,
                "fname": p.fname,
                "lname": p.lname,
                "organization": p.organization,
                "address": address or None,
                "currency_code": p.currency_code,
            }
        ),
    )


def _plan_list_invoices(p: ListInvoicesInput) -> Call:
    return Call(
        "invoices",
        "list",
        _drop_none(
            {
                "customer_id": p.client_id,
                "updated_since": p.updated_since,
                "v3_status": p.status,
                "date_from": p.date_from,
                "date_to": p.date_to,
                "include_lines": p.include_lines or None,
                "max_items": p.limit,
            }
        ),
        many=True,
    )


def _plan_create_invoice(p: CreateInvoiceInput) -> Call:
    return Call(
        "invoices",
        "create",
        _drop_none(
            {
                "customer_id": p.client_id,
                "lines": [_drop_none(line.model_dump()) for line in p.lines],
                "currency_code": p.currency_code,
                "create_date": p.create_date,
                "due_offset_days": p.due_offset_days,
                "po_number": p.po_number,
                "invoice_number": p.invoice_number,
                "notes": p.notes,
                "terms": p.terms,
            }
        ),
    )


def _plan_send_invoice(p: SendInvoiceInput) -> Call:
    if p.method == "mark_as_sent":
        return Call("invoices", "mark_as_sent", {"invoice_id": p.invoice_id})
    return Call(
        "invoices",
        "send",
        _drop_none(
            {
                "invoice_id": p.invoice_id,
                "to": p.to,
                "subject": p.subject,
                "body": p.body,
                "include_pdf": p.include_pdf,
            }
        ),
    )


def _plan_create_expense(p: CreateExpenseInput) -> Call:
    return Call(
        "expenses",
        "create",
        _drop_none(
            {
                "amount": p.amount,
                "currency_code": p.currency_code,
                "category_id": p.category_id,
                "date": p.date,
                "vendor": p.vendor,
                "notes": p.notes,
                "client_id": p.client_id,
                "project_id": p.project_id,
                "staff_id": p.staff_id,
                "tax_name1": p.tax_name1,
                "tax_amount1": p.tax_amount1,
                "tax_name2": p.tax_name2,
                "tax_amount2": p.tax_amount2,
            }
        ),
    )


# -- output models (for the output schemas) ---------------------------------------------------


def _output_models() -> dict[str, type[BaseModel]]:
    from freshbooks_sdk.models import Client, Expense, Invoice

    class ClientList(BaseModel):
        """``freshbooks/list-clients`` output."""

        items: list[Client]
        count: int
        total: int | None = Field(
            default=None,
            description="How many clients FreshBooks matched (more than count when limit "
            "stopped the listing; with updated_since, those updated earlier that day too); "
            "null when unknown.",
        )

    class InvoiceList(BaseModel):
        """``freshbooks/list-invoices`` output."""

        items: list[Invoice]
        count: int
        total: int | None = Field(
            default=None,
            description="How many invoices FreshBooks matched (more than count when limit "
            "stopped the listing; with updated_since, those updated earlier that day too); "
            "null when unknown.",
        )

    return {
        "ClientList": ClientList,
        "InvoiceList": InvoiceList,
        "Client": Client,
        "Invoice": Invoice,
        "Expense": Expense,
    }


_OUT = _output_models()

_CLIENT_FIELDS = {
    "p_street": "address.street",
    "p_street2": "address.street2",
    "p_city": "address.city",
    "p_province": "address.province",
    "p_code": "address.postal_code",
    "p_country": "address.country",
}

LIST_CLIENTS: Action[ListClientsInput] = Action(
    name="freshbooks/list-clients",
    title="List clients",
    description="Clients of the connected business, filtered by email and updated-since.",
    input_model=ListClientsInput,
    output_model=_OUT["ClientList"],
    plan=_plan_list_clients,
    field_names={"max_items": "limit"},
    example={"email": "ada@example.com", "limit": 10},
)

CREATE_CLIENT: Action[CreateClientInput] = Action(
    name="freshbooks/create-client",
    title="Create a client",
    description="Create a client with email, name, organization and primary address.",
    input_model=CreateClientInput,
    output_model=_OUT["Client"],
    plan=_plan_create_client,
    field_names=_CLIENT_FIELDS,
    example={
        "email": "ada@example.com",
        "fname": "Ada",
        "lname": "Lovelace",
        "organization": "Analytical Engines Ltd",
        "address": {"street": "1 Main St", "city": "Toronto", "country": "Canada"},
    },
)

LIST_INVOICES: Action[ListInvoicesInput] = Action(
    name="freshbooks/list-invoices",
    title="List invoices",
    description=(
        "Invoices filtered by client, updated-since, v3 status and invoice date range "
        "(date_to exclusive)."
    ),
    input_model=ListInvoicesInput,
    output_model=_OUT["InvoiceList"],
    plan=_plan_list_invoices,
    field_names={
        "customer_id": "client_id",
        "customerid": "client_id",
        "v3_status": "status",
        "date_min": "date_from",
        "date_max": "date_to",
        "max_items": "limit",
    },
    example={
        "status": "sent",
        "updated_since": "2024-05-01T00:00:00Z",
        "date_from": "2024-04-01",
        "date_to": "2024-05-01",
        "limit": 50,
    },
)

CREATE_INVOICE: Action[CreateInvoiceInput] = Action(
    name="freshbooks/create-invoice",
    title="Draft an invoice",
    description=(
        "Draft an invoice with line items, currency, due offset, PO number, notes and terms "
        "(FreshBooks creates it as a draft; send it with freshbooks/send-invoice)."
    ),
    input_model=CreateInvoiceInput,
    output_model=_OUT["Invoice"],
    plan=_plan_create_invoice,
    field_names={
        "customer_id": "client_id",
        "customerid": "client_id",
        "userid": "client_id",
        "clientid": "client_id",
        "tax_percent1": "tax_percent1",
    },
    example={
        "client_id": 1000001,
        "currency_code": "USD",
        "due_offset_days": 30,
        "po_number": "PO-17",
        "lines": [{"name": "Design", "qty": "3", "unit_cost": "120.00"}],
        "notes": "Thank you!",
    },
)

SEND_INVOICE: Action[SendInvoiceInput] = Action(
    name="freshbooks/send-invoice",
    title="Send an invoice",
    description="Send an invoice by email (method=email), or mark it as sent without email.",
    input_model=SendInvoiceInput,
    output_model=_OUT["Invoice"],
    plan=_plan_send_invoice,
    field_names={"invoiceid": "invoice_id", "email_recipients": "to"},
    example={"invoice_id": 2000001, "to": ["ada@example.com"], "subject": "Your invoice"},
)

CREATE_EXPENSE: Action[CreateExpenseInput] = Action(
    name="freshbooks/create-expense",
    title="Record an expense",
    description=(
        "Record an expense with amount, category, date, vendor, up to two taxes, and an "
        "optional client and project to bill it back to."
    ),
    input_model=CreateExpenseInput,
    output_model=_OUT["Expense"],
    plan=_plan_create_expense,
    field_names={
        "categoryid": "category_id",
        "clientid": "client_id",
        "projectid": "project_id",
        "staffid": "staff_id",
        "userid": "client_id",
        "taxName1": "tax_name1",
        "taxAmount1": "tax_amount1",
        "taxName2": "tax_name2",
        "taxAmount2": "tax_amount2",
    },
    example={
        "amount": "12.50",
        "currency_code": "USD",
        "category_id": 4000001,
        "date": "2024-05-01",
        "vendor": "Cafe",
        "tax_name1": "HST",
        "tax_amount1": "1.44",
    },
)
