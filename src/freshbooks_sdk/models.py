"""Typed FreshBooks wire models: the public names.

The classes are generated from ``openapi/freshbooks.yaml`` (``src/freshbooks_sdk/_generated``,
never edited by hand); :class:`Money`, the FreshBooks time types and the open status enums are
hand-written in ``freshbooks_sdk._types``. Field names are exactly the wire names.

Reading a response body (this is what the client does with every page)::

    >>> from freshbooks_sdk.models import InvoiceListResponse, InvoiceV3Status
    >>> raw = b'''{"response": {"result": {"invoices": [{
    ...     "id": 987654, "customerid": 12345, "create_date": "2021-04-16",
    ...     "updated": "2021-04-16 10:31:58", "status": 2, "v3_status": "partial",
    ...     "vis_state": 0, "amount": {"amount": "41.94", "code": "CAD"},
    ...     "brand_new_field": true}],
    ...   "page": 1, "pages": 1, "per_page": 15, "total": 1}}}'''
    >>> page = InvoiceListResponse.model_validate_json(raw)
    >>> inv = page.response.result.invoices[0]
    >>> inv.amount.amount, inv.amount.code
    (Decimal('41.94'), 'CAD')
    >>> inv.updated.isoformat()   # US/Eastern on the wire, aware UTC in Python
    '2021-04-16T14:31:58+00:00'
    >>> inv.v3_status is InvoiceV3Status.PARTIAL
    True
    >>> inv.model_extra  # unknown fields are kept
    {'brand_new_field': True}
    >>> page.response.result.pages
    1

Building a request body (input models refuse unknown keys, so a typo fails before the
network; dump with ``exclude_unset=True`` so a partial update only carries what you set)::

    >>> from freshbooks_sdk.models import InvoiceCreate, InvoiceLineCreate, Money
    >>> body = InvoiceCreate(
    ...     customerid=12345, create_date="2024-05-01", currency_code="USD",
    ...     lines=[InvoiceLineCreate(name="Bowls", qty="4", unit_cost=Money.of("5.00", "USD"))],
    ... )
    >>> body.model_dump(mode="json", exclude_unset=True)
    {'customerid': 12345, 'create_date': '2024-05-01', 'currency_code': 'USD', 'lines': [{'name': 'Bowls', 'qty': '4', 'unit_cost': {'amount': '5.00', 'code': 'USD'}}]}

Envelopes and their attribute paths:

* single: ``ClientResponse.response.result.client`` (likewise ``InvoiceResponse`` ->
  ``.invoice``, ``ExpenseResponse`` -> ``.expense``, ``ExpenseCategoryResponse`` ->
  ``.category``, ``StaffResponse`` -> ``.staff``);
* list: ``ClientListResponse.response.result.clients`` plus ``.page``, ``.pages``,
  ``.per_page``, ``.total`` beside it (``invoices``, ``expenses``, ``categories``, ``staffs``);
* identity: ``IdentityResponse.response`` is the :class:`Identity` (no ``result`` level);
* errors: ``AccountingErrorBody.response.errors`` (classic) and ``RpcErrorBody.details``
  (google.rpc), ``AuthErrorBody`` for ``/auth`` endpoints.

Lenience, deliberately: unknown fields are kept (``model_extra``); status enums are open (an
unknown status becomes a pseudo-member with ``is_known == False`` instead of an error); ids
given as numeric strings (``"43221133"``, seen in SDK test bodies) are read as ints; money
amounts given as JSON numbers are read as exact decimals. Not lenient: a malformed money amount,
a currency that is not three uppercase letters, or an unparseable timestamp raises
``pydantic.ValidationError`` naming the field and the value.
"""

from __future__ import annotations

from freshbooks_sdk._generated.models import (
    AccountingError,
    AccountingErrorBody,
    AccountingErrors,
    AuthErrorBody,
    Business,
    BusinessAddress,
    BusinessClient,
    BusinessMembership,
    Client,
    ClientBalance,
    ClientCreate,
    ClientCreateRequest,
    ClientListResponse,
    ClientListResponseBody,
    ClientListResult,
    ClientResponse,
    ClientResponseBody,
    ClientResult,
    Expense,
    ExpenseAttachment,
    ExpenseAttachmentCreate,
    ExpenseCategory,
    ExpenseCategoryListResponse,
    ExpenseCategoryListResponseBody,
    ExpenseCategoryListResult,
    ExpenseCategoryResponse,
    ExpenseCategoryResponseBody,
    ExpenseCategoryResult,
    ExpenseCreate,
    ExpenseCreateRequest,
    ExpenseListResponse,
    ExpenseListResponseBody,
    ExpenseListResult,
    ExpenseResponse,
    ExpenseResponseBody,
    ExpenseResult,
    ExpenseUpdate,
    ExpenseUpdateRequest,
    Identity,
    IdentityGroup,
    IdentityResponse,
    IdentityRole,
    Invoice,
    InvoiceCreate,
    InvoiceCreateRequest,
    InvoiceLine,
    InvoiceLineCreate,
    InvoiceListResponse,
    InvoiceListResponseBody,
    InvoiceListResult,
    InvoiceResponse,
    InvoiceResponseBody,
    InvoiceResult,
    InvoiceUpdate,
    InvoiceUpdateRequest,
    PhoneNumber,
    RpcErrorBody,
    RpcErrorDetail,
    RpcErrorMetadata,
    RpcFieldViolation,
    Staff,
    StaffListResponse,
    StaffListResponseBody,
    StaffListResult,
    StaffResponse,
    StaffResponseBody,
    StaffResult,
    Token,
    TokenRequest,
)
from freshbooks_sdk._types import (
    CurrencyCode,
    DecimalString,
    DepositStatus,
    DisplayStatus,
    EasternDateTime,
    ExpenseStatus,
    InvoiceStatus,
    InvoiceV3Status,
    IsoDateTime,
    LenientDate,
    Money,
    OpenIntEnum,
    OpenStrEnum,
    PaymentStatus,
    UTCSqlDateTime,
    VisState,
)

__all__ = [
    "AccountingError",
    "AccountingErrorBody",
    "AccountingErrors",
    "AuthErrorBody",
    "Business",
    "BusinessAddress",
    "BusinessClient",
    "BusinessMembership",
    "Client",
    "ClientBalance",
    "ClientCreate",
    "ClientCreateRequest",
    "ClientListResponse",
    "ClientListResponseBody",
    "ClientListResult",
    "ClientResponse",
    "ClientResponseBody",
    "ClientResult",
    "CurrencyCode",
    "DecimalString",
    "DepositStatus",
    "DisplayStatus",
    "EasternDateTime",
    "Expense",
    "ExpenseAttachment",
    "ExpenseAttachmentCreate",
    "ExpenseCategory",
    "ExpenseCategoryListResponse",
    "ExpenseCategoryListResponseBody",
    "ExpenseCategoryListResult",
    "ExpenseCategoryResponse",
    "ExpenseCategoryResponseBody",
    "ExpenseCategoryResult",
    "ExpenseCreate",
    "ExpenseCreateRequest",
    "ExpenseListResponse",
    "ExpenseListResponseBody",
    "ExpenseListResult",
    "ExpenseResponse",
    "ExpenseResponseBody",
    "ExpenseResult",
    "ExpenseStatus",
    "ExpenseUpdate",
    "ExpenseUpdateRequest",
    "Identity",
    "IdentityGroup",
    "IdentityResponse",
    "IdentityRole",
    "Invoice",
    "InvoiceCreate",
    "InvoiceCreateRequest",
    "InvoiceLine",
    "InvoiceLineCreate",
    "InvoiceListResponse",
    "InvoiceListResponseBody",
    "InvoiceListResult",
    "InvoiceResponse",
    "InvoiceResponseBody",
    "InvoiceResult",
    "InvoiceStatus",
    "InvoiceUpdate",
    "InvoiceUpdateRequest",
    "InvoiceV3Status",
    "IsoDateTime",
    "LenientDate",
    "Money",
    "OpenIntEnum",
    "OpenStrEnum",
    "PaymentStatus",
    "PhoneNumber",
    "RpcErrorBody",
    "RpcErrorDetail",
    "RpcErrorMetadata",
    "RpcFieldViolation",
    "Staff",
    "StaffListResponse",
    "StaffListResponseBody",
    "StaffListResult",
    "StaffResponse",
    "StaffResponseBody",
    "StaffResult",
    "Token",
    "TokenRequest",
    "UTCSqlDateTime",
    "VisState",
]

# ---- coverage resources: time entries, projects (and their envelopes) ----------------------
from freshbooks_sdk._generated.models import (
    BusinessErrorBody,
    BusinessListMeta,
    Project,
    ProjectAbility,
    ProjectCreate,
    ProjectCreateRequest,
    ProjectGroup,
    ProjectGroupMember,
    ProjectListResponse,
    ProjectResponse,
    ProjectService,
    TimeEntry,
    TimeEntryCreate,
    TimeEntryCreateRequest,
    TimeEntryListResponse,
    TimeEntryResponse,
    TimeEntryTimer,
)

__all__ += [
    "BusinessErrorBody",
    "BusinessListMeta",
    "Project",
    "ProjectAbility",
    "ProjectCreate",
    "ProjectCreateRequest",
    "ProjectGroup",
    "ProjectGroupMember",
    "ProjectListResponse",
    "ProjectResponse",
    "ProjectService",
    "TimeEntry",
    "TimeEntryCreate",
    "TimeEntryCreateRequest",
    "TimeEntryListResponse",
    "TimeEntryResponse",
    "TimeEntryTimer",
]

# ---- coverage resources: payments, taxes, items ---------------------------------------------
from freshbooks_sdk._generated.models import (  # noqa: E402
    Item,
    ItemCreate,
    ItemCreateRequest,
    ItemListResponse,
    ItemListResponseBody,
    ItemListResult,
    ItemResponse,
    ItemResponseBody,
    ItemResult,
    Payment,
    PaymentCreate,
    PaymentCreateRequest,
    PaymentListResponse,
    PaymentListResponseBody,
    PaymentListResult,
    PaymentResponse,
    PaymentResponseBody,
    PaymentResult,
    Tax,
    TaxCreate,
    TaxCreateRequest,
    TaxListResponse,
    TaxListResponseBody,
    TaxListResult,
    TaxResponse,
    TaxResponseBody,
    TaxResult,
)

__all__ += [
    "Item",
    "ItemCreate",
    "ItemCreateRequest",
    "ItemListResponse",
    "ItemListResponseBody",
    "ItemListResult",
    "ItemResponse",
    "ItemResponseBody",
    "ItemResult",
    "Payment",
    "PaymentCreate",
    "PaymentCreateRequest",
    "PaymentListResponse",
    "PaymentListResponseBody",
    "PaymentListResult",
    "PaymentResponse",
    "PaymentResponseBody",
    "PaymentResult",
    "Tax",
    "TaxCreate",
    "TaxCreateRequest",
    "TaxListResponse",
    "TaxListResponseBody",
    "TaxListResult",
    "TaxResponse",
    "TaxResponseBody",
    "TaxResult",
]

# ---- coverage resources: webhooks (callbacks) -----------------------------------------------
from freshbooks_sdk._generated.models import (  # noqa: E402
    Callback,
    CallbackCreate,
    CallbackCreateRequest,
    CallbackListResponse,
    CallbackListResponseBody,
    CallbackListResult,
    CallbackResponse,
    CallbackResponseBody,
    CallbackResult,
    CallbackUpdate,
    CallbackUpdateRequest,
)

__all__ += [
    "Callback",
    "CallbackCreate",
    "CallbackCreateRequest",
    "CallbackListResponse",
    "CallbackListResponseBody",
    "CallbackListResult",
    "CallbackResponse",
    "CallbackResponseBody",
    "CallbackResult",
    "CallbackUpdate",
    "CallbackUpdateRequest",
]

# ---- single-purpose PUT bodies (update phases): send, mark as sent, vis_state -----------------
from freshbooks_sdk._generated.models import (  # noqa: E402
    ClientVisStateRequest,
    ExpenseVisStateRequest,
    InvoiceCustomizedEmailUpdate,
    InvoiceMarkAsSentRequest,
    InvoiceMarkAsSentUpdate,
    InvoiceSendRequest,
    InvoiceSendUpdate,
    InvoiceVisStateRequest,
    VisStateUpdate,
)

__all__ += [
    "ClientVisStateRequest",
    "ExpenseVisStateRequest",
    "InvoiceCustomizedEmailUpdate",
    "InvoiceMarkAsSentRequest",
    "InvoiceMarkAsSentUpdate",
    "InvoiceSendRequest",
    "InvoiceSendUpdate",
    "InvoiceVisStateRequest",
    "VisStateUpdate",
]

# ---- OAuth revoke body ---------------------------------------------------------------------------
from freshbooks_sdk._generated.models import RevokeRequest  # noqa: E402

__all__ += ["RevokeRequest"]

# ---- time entry and project updates (PUT bodies) -------------------------------------------------
from freshbooks_sdk._generated.models import (  # noqa: E402
    ProjectUpdate,
    ProjectUpdateRequest,
    TimeEntryUpdate,
    TimeEntryUpdateRequest,
)

__all__ += ["ProjectUpdate", "ProjectUpdateRequest", "TimeEntryUpdate", "TimeEntryUpdateRequest"]
