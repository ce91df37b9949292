# GENERATED from openapi/freshbooks.yaml by scripts/generate.py: DO NOT EDIT.
# Edit the spec (or src/freshbooks_sdk/_types.py) and run `make generate`.
"""Typed FreshBooks wire models: the public names.

The classes are generated from ``openapi/freshbooks.yaml`` into this module (by
``scripts/generate.py``; never edited by hand), so ``Invoice.__module__``, pickles and type
checkers all name ``freshbooks_sdk.models.Invoice``. :class:`Money`, the FreshBooks time types
and the open status enums are hand-written in ``freshbooks_sdk._types`` and public here too.
Field names are exactly the wire names.

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

from datetime import date as date_aliased
from typing import Annotated, Any, Literal

from freshbooks_sdk._types import (
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
    PaymentStatus,
    UTCSqlDateTime,
    VisState,
    WireModel,
)
from pydantic import AnyUrl, AwareDatetime, ConfigDict, Field


class Token(WireModel):
    """
    OAuth token response. `created_at` is epoch seconds; the access token expires `expires_in` seconds later. Refresh tokens are single use (they rotate).
    """

    model_config = ConfigDict(
        extra="allow",
    )
    access_token: Annotated[str, Field(repr=False)]
    refresh_token: Annotated[str, Field(repr=False)]
    token_type: Annotated[str | None, Field(examples=["Bearer"])] = None
    expires_in: int
    """
    Lifetime of the access token in seconds.
    """
    scope: str | None = None
    """
    Space-separated scopes.
    """
    created_at: int
    """
    Epoch seconds when the token was issued.
    """
    id_token: Annotated[str | None, Field(repr=False)] = None


class TokenRequest(WireModel):
    """
    Body of POST /auth/oauth/token (authorization_code or refresh_token grant).
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    grant_type: Literal["authorization_code", "refresh_token"]
    client_id: str
    client_secret: Annotated[str, Field(repr=False)]
    code: Annotated[str | None, Field(repr=False)] = None
    redirect_uri: str | None = None
    refresh_token: Annotated[str | None, Field(repr=False)] = None


class AuthErrorBody(WireModel):
    """
    Auth API error: {"error": "...", "error_description": "..."}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    error: str
    error_description: str | None = None
    state: str | None = None


class AccountingError(WireModel):
    """
    One classic accounting error. `field`, `object`, `value` may be null or missing.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    errno: int | None = None
    field: str | None = None
    message: str | None = None
    object: str | None = None
    value: Any | None = None
    """
    The offending value (usually a string).
    """


class AccountingErrors(WireModel):
    """
    The `response` of a classic accounting error body: `errors[]`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    errors: list[AccountingError]


class AccountingErrorBody(WireModel):
    """
    Classic accounting error body: {"response": {"errors": [...]}}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    response: AccountingErrors


class RpcErrorMetadata(WireModel):
    """
    ErrorInfo metadata; the classic error fields as strings.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    object: str | None = None
    message: str | None = None
    value: str | None = None
    field: str | None = None


class RpcFieldViolation(WireModel):
    """
    One field problem of a google.rpc `BadRequest` error detail.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    field: str | None = None
    description: str | None = None


class RpcErrorDetail(WireModel):
    """
    One google.rpc detail. ErrorInfo carries `reason` (the errno as a string), `domain` and `metadata`; BadRequest carries `fieldViolations`; other kinds are kept as extra fields.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    field_type: Annotated[
        str | None, Field(alias="@type", examples=["type.googleapis.com/google.rpc.ErrorInfo"])
    ] = None
    reason: str | None = None
    domain: str | None = None
    metadata: RpcErrorMetadata | None = None
    fieldViolations: list[RpcFieldViolation] | None = None


class RpcErrorBody(WireModel):
    """
    Newer accounting error body (google.rpc Status): {"code", "message", "details"}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    code: int
    """
    google.rpc code: 3 invalid argument, 5 not found, 16 unauthenticated.
    """
    message: str
    details: list[RpcErrorDetail] | None = None


class BusinessAddress(WireModel):
    """
    A business's address (identity API).
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int | None = None
    street: str | None = None
    city: str | None = None
    province: str | None = None
    country: str | None = None
    postal_code: str | None = None


class PhoneNumber(WireModel):
    """
    A phone number of a business (identity API).
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int | None = None
    title: str | None = None
    phone_number: str | None = None


class BusinessClient(WireModel):
    """
    A link between a business and a client business (identity API).
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int | None = None
    business_id: int | None = None
    account_id: str | None = None
    userid: int | None = None
    client_business: dict[str, Any] | None = None
    account_business: dict[str, Any] | None = None


class Business(WireModel):
    """
    A business. `id` is the business_id (projects, time tracking); `account_id` is the accounting id used in /accounting/account/{account_id}/ paths.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int
    """
    The business_id.
    """
    business_uuid: str | None = None
    name: str | None = None
    account_id: str | None = None
    """
    The accounting account_id.
    """
    timezone: str | None = None
    """
    The business's setting; accounting timestamps stay US/Eastern.
    """
    date_format: str | None = None
    address: BusinessAddress | None = None
    phone_number: PhoneNumber | None = None
    business_clients: list[BusinessClient] | None = None


class BusinessMembership(WireModel):
    """
    A membership of the identity in a business. Its own `id` is NOT the business id.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int
    """
    The membership id (not the business id).
    """
    role: Annotated[
        str | None, Field(examples=["owner", "business_employee", "admin", "client"])
    ] = None
    unacknowledged_change: bool | None = None
    fasttrack_token: Annotated[str | None, Field(repr=False)] = None
    business: Business


class IdentityGroup(WireModel):
    """
    A group membership of the identity (identity API).
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int | None = None
    group_id: int | None = None
    role: str | None = None
    identity_id: int | None = None
    identity_uuid: str | None = None
    business_id: int | None = None
    active: bool | None = None


class IdentityRole(WireModel):
    """
    A role of the identity in a business: `accountid` and the user's `userid` there (used as the expense `staffid`).
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int | None = None
    role: str | None = None
    systemid: int | None = None
    userid: int | None = None
    created_at: IsoDateTime | None = None
    links: dict[str, str] | None = None
    accountid: str | None = None


class Identity(WireModel):
    """
    The identity behind the access token (GET /auth/api/v1/users/me).
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int
    identity_id: int | None = None
    identity_uuid: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    unconfirmed_email: str | None = None
    language: str | None = None
    confirmed_at: IsoDateTime | None = None
    created_at: IsoDateTime | None = None
    setup_complete: bool | None = None
    profile: dict[str, Any] | None = None
    profession: dict[str, Any] | None = None
    phone_numbers: list[PhoneNumber] | None = None
    addresses: list[BusinessAddress | None] | None = None
    links: dict[str, str] | None = None
    permissions: dict[str, dict[str, Any]] | None = None
    """
    Keyed by account_id.
    """
    groups: list[IdentityGroup] | None = None
    subscription_statuses: dict[str, str] | None = None
    """
    Keyed by account_id.
    """
    integrations: dict[str, Any] | None = None
    business_memberships: list[BusinessMembership] | None = None
    identity_origin: str | None = None
    roles: list[IdentityRole] | None = None


class IdentityResponse(WireModel):
    """
    Identity envelope: {"response": {...identity...}} (no result level).
    """

    model_config = ConfigDict(
        extra="allow",
    )
    response: Identity


class ClientBalance(WireModel):
    """
    One entry of a client balance include, one per currency: {"amount": Money}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    amount: Money | None = None


class Client(WireModel):
    """
    A client. `id` == `userid`; invoices call it `customerid`, expenses `clientid`. `signup_date` is UTC while `updated` is US/Eastern.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int
    userid: int | None = None
    accounting_systemid: str | None = None
    organization: str | None = None
    fname: str | None = None
    lname: str | None = None
    email: str | None = None
    username: str | None = None
    bus_phone: str | None = None
    home_phone: str | None = None
    mob_phone: str | None = None
    fax: str | None = None
    p_street: str | None = None
    p_street2: str | None = None
    p_city: str | None = None
    p_province: str | None = None
    p_code: str | None = None
    p_country: str | None = None
    s_street: str | None = None
    s_street2: str | None = None
    s_city: str | None = None
    s_province: str | None = None
    s_code: str | None = None
    s_country: str | None = None
    currency_code: str | None = None
    language: str | None = None
    vat_name: str | None = None
    vat_number: str | None = None
    note: str | None = None
    company_industry: str | None = None
    company_size: Any | None = None
    """
    Unknown type (null in every observed body).
    """
    allow_email_include_pdf: bool | None = None
    allow_late_fees: bool | None = None
    allow_late_notifications: bool | None = None
    pref_email: bool | None = None
    pref_gmail: bool | None = None
    notified: bool | None = None
    direct_link_token: Annotated[str | None, Field(repr=False)] = None
    statement_token: Annotated[str | None, Field(repr=False)] = None
    subdomain: str | None = None
    has_retainer: bool | None = None
    retainer_id: int | None = None
    last_activity: Any | None = None
    """
    Unknown shape (include[]=last_activity).
    """
    last_login: Any | None = None
    """
    Unknown shape (null in every observed body).
    """
    num_logins: int | None = None
    level: int | None = None
    role: str | None = None
    signup_date: UTCSqlDateTime | None = None
    """
    UTC, unlike `updated`.
    """
    updated: EasternDateTime
    """
    US/Eastern wall-clock time on the wire.
    """
    uuid: str | None = None
    vis_state: VisState
    outstanding_balance: list[ClientBalance] | None = None
    """
    With include[]=outstanding_balance (one entry per currency).
    """
    credit_balance: list[ClientBalance] | None = None
    """
    With include[]=outstanding_balance (one entry per currency).
    """
    draft_balance: list[ClientBalance] | None = None
    """
    With include[]=outstanding_balance (one entry per currency).
    """
    overdue_balance: list[ClientBalance] | None = None
    """
    With include[]=outstanding_balance (one entry per currency).
    """
    grand_total_balance: list[ClientBalance] | None = None
    """
    With include[]=outstanding_balance (one entry per currency).
    """


class ClientCreate(WireModel):
    """
    Client create and update body (all optional; updates are partial). A create needs at least one of fname, lname, email, organization (else 422, errno 7012). `vis_state` is deliberately absent: it must only be sent alone (delete/restore).
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    fname: str | None = None
    lname: str | None = None
    email: str | None = None
    organization: str | None = None
    username: str | None = None
    bus_phone: str | None = None
    home_phone: str | None = None
    mob_phone: str | None = None
    fax: str | None = None
    note: str | None = None
    p_street: str | None = None
    p_street2: str | None = None
    p_city: str | None = None
    p_province: str | None = None
    p_code: str | None = None
    p_country: str | None = None
    s_street: str | None = None
    s_street2: str | None = None
    s_city: str | None = None
    s_province: str | None = None
    s_code: str | None = None
    s_country: str | None = None
    currency_code: Annotated[str | None, Field(pattern="^[A-Z]{3}$")] = None
    language: str | None = None
    vat_name: str | None = None
    vat_number: str | None = None
    company_industry: str | None = None
    allow_email_include_pdf: bool | None = None
    allow_late_fees: bool | None = None
    allow_late_notifications: bool | None = None
    pref_email: bool | None = None
    pref_gmail: bool | None = None


class ClientCreateRequest(WireModel):
    """
    Create/update request body: {"client": {...}}.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    client: ClientCreate


class ClientResult(WireModel):
    """
    `response.result` of a single-client answer: `.client`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    client: Client


class ClientResponseBody(WireModel):
    """
    `response` of a single-client answer: `.result`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    result: ClientResult


class ClientResponse(WireModel):
    """
    Single client envelope: {"response": {"result": {"client": {...}}}}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    response: ClientResponseBody


class ClientListResult(WireModel):
    """
    `response.result` of a client list page: `.clients` beside `page`, `pages`, `per_page`, `total`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    clients: list[Client]
    page: int
    """
    1-based page number.
    """
    pages: int
    """
    Number of pages; 0 when the result is empty.
    """
    per_page: int
    total: int
    """
    Number of items over all pages.
    """


class ClientListResponseBody(WireModel):
    """
    `response` of a client list page: `.result`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    result: ClientListResult


class ClientListResponse(WireModel):
    """
    Client list envelope: {"response": {"result": {"clients": [...], "page", "pages", "per_page", "total"}}}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    response: ClientListResponseBody


class InvoiceLine(WireModel):
    """
    An invoice line. Trap: `taxAmount1`/`taxAmount2` are tax PERCENT strings here (on expenses they are Money); `qty` is a decimal string.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    lineid: int
    invoiceid: int | None = None
    type: int | None = None
    """
    0 normal line, 1 rebilled expense.
    """
    name: str | None = None
    description: str | None = None
    qty: DecimalString | None = None
    unit_cost: Money | None = None
    amount: Money | None = None
    """
    Calculated line amount.
    """
    taxName1: str | None = None
    taxAmount1: DecimalString | None = None
    """
    Tax percent (a decimal string such as "13"), not money.
    """
    taxNumber1: str | None = None
    taxName2: str | None = None
    taxAmount2: DecimalString | None = None
    """
    Tax percent (a decimal string such as "13"), not money.
    """
    taxNumber2: str | None = None
    compounded_tax: bool | None = None
    expenseid: int | None = None
    date: LenientDate | None = None
    taskno: int | None = None
    basecampid: int | None = None
    retainer_id: int | None = None
    retainer_period_id: int | None = None
    modern_project_id: int | None = None
    modern_time_entries: list[Any] | None = None
    updated: EasternDateTime | None = None


class Invoice(WireModel):
    """
    An invoice. Money fields are Money; `discount_value` and `deposit_percentage` are decimal strings (percent). `created_at`/`updated` are US/Eastern on the wire. `lines` is present only with include[]=lines.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int
    invoiceid: int | None = None
    accountid: str | None = None
    accounting_systemid: str | None = None
    invoice_number: str | None = None
    customerid: int
    """
    The client id.
    """
    create_date: date_aliased
    due_date: date_aliased | None = None
    due_offset_days: int | None = None
    date_paid: date_aliased | None = None
    fulfillment_date: date_aliased | None = None
    generation_date: date_aliased | None = None
    created_at: EasternDateTime | None = None
    updated: EasternDateTime
    version: str | None = None
    """
    Opaque version stamp ("2021-04-16 10:31:58.480684"), kept as written.
    """
    currency_code: str | None = None
    language: str | None = None
    amount: Money
    paid: Money | None = None
    outstanding: Money | None = None
    discount_total: Money | None = None
    discount_value: DecimalString | None = None
    """
    Discount percent (decimal string), not money.
    """
    discount_description: str | None = None
    deposit_amount: Money | None = None
    deposit_percentage: DecimalString | None = None
    """
    Deposit percent (decimal string), not money.
    """
    deposit_status: DepositStatus | None = None
    net_paid_amount: Money | None = None
    status: InvoiceStatus
    v3_status: InvoiceV3Status
    display_status: DisplayStatus | None = None
    payment_status: PaymentStatus | None = None
    autobill_status: Annotated[str | None, Field(examples=["retry", "failed", "success"])] = None
    auto_bill: bool | None = None
    last_order_status: Annotated[str | None, Field(examples=["pending", "declined", "success"])] = (
        None
    )
    dispute_status: str | None = None
    po_number: str | None = None
    notes: str | None = None
    terms: str | None = None
    description: str | None = None
    organization: str | None = None
    current_organization: str | None = None
    fname: str | None = None
    lname: str | None = None
    email: str | None = None
    address: str | None = None
    street: str | None = None
    street2: str | None = None
    city: str | None = None
    province: str | None = None
    code: str | None = None
    """
    Postal code (not a currency).
    """
    country: str | None = None
    vat_name: str | None = None
    vat_number: str | None = None
    estimateid: int | None = None
    parent: int | None = None
    ownerid: int | None = None
    sentid: int | None = None
    basecampid: int | None = None
    ext_archive: int | None = None
    gmail: bool | None = None
    show_attachments: bool | None = None
    template: str | None = None
    payment_details: str | None = None
    return_uri: str | None = None
    uuid: str | None = None
    vis_state: VisState
    lines: list[InvoiceLine] | None = None
    presentation: dict[str, Any] | None = None
    """
    With include[]=presentation.
    """


class InvoiceLineCreate(WireModel):
    """
    A line to create. `qty` and `taxAmount1`/`taxAmount2` (tax percent) are decimals; `unit_cost` is Money; `amount` is calculated by FreshBooks.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    type: int | None = None
    """
    0 normal line, 1 rebilled expense (needs expenseid).
    """
    expenseid: int | None = None
    name: str | None = None
    description: str | None = None
    qty: DecimalString | None = None
    unit_cost: Money | None = None
    taxName1: str | None = None
    taxAmount1: DecimalString | None = None
    """
    Tax percent (a decimal string such as "13"), not money.
    """
    taxName2: str | None = None
    taxAmount2: DecimalString | None = None
    """
    Tax percent (a decimal string such as "13"), not money.
    """


class InvoiceCreate(WireModel):
    """
    Invoice create body. Required: customerid, create_date. Invoices are created as drafts. `status` and `vis_state` are deliberately absent (read-only / phase fields).
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    customerid: int
    """
    The client id.
    """
    create_date: date_aliased
    due_offset_days: int | None = None
    """
    Days from create_date until due.
    """
    currency_code: Annotated[str | None, Field(pattern="^[A-Z]{3}$")] = None
    language: str | None = None
    invoice_number: str | None = None
    """
    Give one on concurrent creates (else 409 collisions).
    """
    po_number: str | None = None
    notes: str | None = None
    terms: str | None = None
    discount_value: DecimalString | None = None
    discount_description: str | None = None
    deposit_amount: Money | None = None
    deposit_percentage: DecimalString | None = None
    organization: str | None = None
    fname: str | None = None
    lname: str | None = None
    email: str | None = None
    address: str | None = None
    street: str | None = None
    street2: str | None = None
    city: str | None = None
    province: str | None = None
    code: str | None = None
    """
    Postal code.
    """
    country: str | None = None
    vat_name: str | None = None
    vat_number: str | None = None
    estimateid: int | None = None
    parent: int | None = None
    ownerid: int | None = None
    ext_archive: int | None = None
    fulfillment_date: date_aliased | None = None
    generation_date: date_aliased | None = None
    auto_bill: bool | None = None
    gmail: bool | None = None
    show_attachments: bool | None = None
    template: str | None = None
    payment_details: str | None = None
    return_uri: str | None = None
    presentation: dict[str, Any] | None = None
    lines: list[InvoiceLineCreate] | None = None


class InvoiceUpdate(WireModel):
    """
    Invoice update body (partial). Never carries vis_state or action_* fields.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    customerid: int | None = None
    """
    The client id.
    """
    create_date: date_aliased | None = None
    due_offset_days: int | None = None
    """
    Days from create_date until due.
    """
    currency_code: Annotated[str | None, Field(pattern="^[A-Z]{3}$")] = None
    language: str | None = None
    invoice_number: str | None = None
    """
    Give one on concurrent creates (else 409 collisions).
    """
    po_number: str | None = None
    notes: str | None = None
    terms: str | None = None
    discount_value: DecimalString | None = None
    discount_description: str | None = None
    deposit_amount: Money | None = None
    deposit_percentage: DecimalString | None = None
    organization: str | None = None
    fname: str | None = None
    lname: str | None = None
    email: str | None = None
    address: str | None = None
    street: str | None = None
    street2: str | None = None
    city: str | None = None
    province: str | None = None
    code: str | None = None
    """
    Postal code.
    """
    country: str | None = None
    vat_name: str | None = None
    vat_number: str | None = None
    estimateid: int | None = None
    parent: int | None = None
    ownerid: int | None = None
    ext_archive: int | None = None
    fulfillment_date: date_aliased | None = None
    generation_date: date_aliased | None = None
    auto_bill: bool | None = None
    gmail: bool | None = None
    show_attachments: bool | None = None
    template: str | None = None
    payment_details: str | None = None
    return_uri: str | None = None
    presentation: dict[str, Any] | None = None
    lines: list[InvoiceLineCreate] | None = None


class InvoiceCreateRequest(WireModel):
    """
    Create request body: {"invoice": {...}}.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    invoice: InvoiceCreate


class InvoiceUpdateRequest(WireModel):
    """
    Update request body: {"invoice": {...}}.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    invoice: InvoiceUpdate


class InvoiceResult(WireModel):
    """
    `response.result` of a single-invoice answer: `.invoice`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    invoice: Invoice


class InvoiceResponseBody(WireModel):
    """
    `response` of a single-invoice answer: `.result`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    result: InvoiceResult


class InvoiceResponse(WireModel):
    """
    Single invoice envelope: {"response": {"result": {"invoice": {...}}}}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    response: InvoiceResponseBody


class InvoiceListResult(WireModel):
    """
    `response.result` of a invoice list page: `.invoices` beside `page`, `pages`, `per_page`, `total`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    invoices: list[Invoice]
    page: int
    """
    1-based page number.
    """
    pages: int
    """
    Number of pages; 0 when the result is empty.
    """
    per_page: int
    total: int
    """
    Number of items over all pages.
    """


class InvoiceListResponseBody(WireModel):
    """
    `response` of a invoice list page: `.result`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    result: InvoiceListResult


class InvoiceListResponse(WireModel):
    """
    Invoice list envelope: {"response": {"result": {"invoices": [...], "page", "pages", "per_page", "total"}}}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    response: InvoiceListResponseBody


class ExpenseAttachment(WireModel):
    """
    A receipt attached to an expense (`jwt` from the uploads API).
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int | None = None
    attachmentid: int | None = None
    jwt: str | None = None
    media_type: str | None = None


class ExpenseAttachmentCreate(WireModel):
    """
    A receipt to attach, by the jwt of an uploaded attachment.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    jwt: str
    media_type: Annotated[str, Field(examples=["image/png"])]


class ExpenseCategory(WireModel):
    """
    An expense category (read-only). `created_at`/`updated_at` are US/Eastern.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int
    categoryid: int | None = None
    category: str | None = None
    """
    The category name.
    """
    parentid: int | None = None
    is_cogs: bool | None = None
    is_editable: bool | None = None
    transaction_posted: bool | None = None
    created_at: EasternDateTime | None = None
    updated_at: EasternDateTime | None = None
    vis_state: VisState | None = None


class Expense(WireModel):
    """
    An expense. Trap: `taxAmount1`/`taxAmount2` are Money here (on invoice lines they are percents); `taxPercent1`/`taxPercent2` and `markup_percent` are decimals. `clientid` and `projectid` are 0 when none. `accountid` is the ledger account, not the account_id.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int
    expenseid: int | None = None
    accounting_systemid: str | None = None
    amount: Money
    categoryid: int
    date: date_aliased
    vendor: str | None = None
    notes: str | None = None
    staffid: int | None = None
    clientid: int | None = None
    """
    0 when no client.
    """
    projectid: int | None = None
    """
    0 when no project.
    """
    invoiceid: int | None = None
    profileid: int | None = None
    transactionid: int | None = None
    status: ExpenseStatus | None = None
    billable: bool | None = None
    markup_percent: DecimalString | None = None
    taxName1: str | None = None
    taxAmount1: Money | None = None
    taxPercent1: DecimalString | None = None
    taxName2: str | None = None
    taxAmount2: Money | None = None
    taxPercent2: DecimalString | None = None
    compounded_tax: bool | None = None
    has_receipt: bool | None = None
    include_receipt: bool | None = None
    attachment: ExpenseAttachment | None = None
    account_name: str | None = None
    accountid: Any | None = None
    """
    Ledger account id (null in every observed body).
    """
    bank_name: str | None = None
    ext_accountid: Any | None = None
    """
    Unknown type (null in every observed body).
    """
    ext_invoiceid: int | None = None
    ext_systemid: int | None = None
    background_jobid: Any | None = None
    """
    Unknown type (null in every observed body).
    """
    bill_matches: list[Any] | None = None
    converse_projectid: int | None = None
    modern_projectid: int | None = None
    potential_bill_payment: bool | None = None
    from_bulk_import: bool | None = None
    is_cogs: bool | None = None
    isduplicate: bool | None = None
    category: ExpenseCategory | None = None
    """
    With include[]=category.
    """
    updated: EasternDateTime
    vis_state: VisState


class ExpenseCreate(WireModel):
    """
    Expense create body. Required: categoryid, amount, date, staffid (the owner is usually 1). `status` (read-only) and `vis_state` (phase field) are deliberately absent.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    categoryid: int
    amount: Money
    date: date_aliased
    staffid: int
    vendor: str | None = None
    notes: str | None = None
    clientid: int | None = None
    """
    Client to bill back; 0 for none.
    """
    projectid: int | None = None
    """
    Project to bill back; 0 for none.
    """
    billable: bool | None = None
    markup_percent: DecimalString | None = None
    taxName1: str | None = None
    taxAmount1: Money | None = None
    taxPercent1: DecimalString | None = None
    taxName2: str | None = None
    taxAmount2: Money | None = None
    taxPercent2: DecimalString | None = None
    compounded_tax: bool | None = None
    has_receipt: bool | None = None
    include_receipt: bool | None = None
    attachment: ExpenseAttachmentCreate | None = None
    account_name: str | None = None
    accountid: int | None = None
    bank_name: str | None = None
    transactionid: int | None = None
    profileid: int | None = None
    isduplicate: bool | None = None
    is_cogs: bool | None = None


class ExpenseUpdate(WireModel):
    """
    Expense update body (partial). Never carries vis_state.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    categoryid: int | None = None
    amount: Money | None = None
    date: date_aliased | None = None
    staffid: int | None = None
    vendor: str | None = None
    notes: str | None = None
    clientid: int | None = None
    """
    Client to bill back; 0 for none.
    """
    projectid: int | None = None
    """
    Project to bill back; 0 for none.
    """
    billable: bool | None = None
    markup_percent: DecimalString | None = None
    taxName1: str | None = None
    taxAmount1: Money | None = None
    taxPercent1: DecimalString | None = None
    taxName2: str | None = None
    taxAmount2: Money | None = None
    taxPercent2: DecimalString | None = None
    compounded_tax: bool | None = None
    has_receipt: bool | None = None
    include_receipt: bool | None = None
    attachment: ExpenseAttachmentCreate | None = None
    account_name: str | None = None
    accountid: int | None = None
    bank_name: str | None = None
    transactionid: int | None = None
    profileid: int | None = None
    isduplicate: bool | None = None
    is_cogs: bool | None = None


class ExpenseCreateRequest(WireModel):
    """
    Create request body: {"expense": {...}}.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    expense: ExpenseCreate


class ExpenseUpdateRequest(WireModel):
    """
    Update request body: {"expense": {...}}.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    expense: ExpenseUpdate


class ExpenseResult(WireModel):
    """
    `response.result` of a single-expense answer: `.expense`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    expense: Expense


class ExpenseResponseBody(WireModel):
    """
    `response` of a single-expense answer: `.result`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    result: ExpenseResult


class ExpenseResponse(WireModel):
    """
    Single expense envelope: {"response": {"result": {"expense": {...}}}}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    response: ExpenseResponseBody


class ExpenseListResult(WireModel):
    """
    `response.result` of a expense list page: `.expenses` beside `page`, `pages`, `per_page`, `total`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    expenses: list[Expense]
    page: int
    """
    1-based page number.
    """
    pages: int
    """
    Number of pages; 0 when the result is empty.
    """
    per_page: int
    total: int
    """
    Number of items over all pages.
    """


class ExpenseListResponseBody(WireModel):
    """
    `response` of a expense list page: `.result`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    result: ExpenseListResult


class ExpenseListResponse(WireModel):
    """
    Expense list envelope: {"response": {"result": {"expenses": [...], "page", "pages", "per_page", "total"}}}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    response: ExpenseListResponseBody


class ExpenseCategoryResult(WireModel):
    """
    `response.result` of a single-category answer: `.category`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    category: ExpenseCategory


class ExpenseCategoryResponseBody(WireModel):
    """
    `response` of a single-category answer: `.result`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    result: ExpenseCategoryResult


class ExpenseCategoryResponse(WireModel):
    """
    Single category envelope: {"response": {"result": {"category": {...}}}}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    response: ExpenseCategoryResponseBody


class ExpenseCategoryListResult(WireModel):
    """
    `response.result` of a category list page: `.categories` beside `page`, `pages`, `per_page`, `total`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    categories: list[ExpenseCategory]
    page: int
    """
    1-based page number.
    """
    pages: int
    """
    Number of pages; 0 when the result is empty.
    """
    per_page: int
    total: int
    """
    Number of items over all pages.
    """


class ExpenseCategoryListResponseBody(WireModel):
    """
    `response` of a category list page: `.result`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    result: ExpenseCategoryListResult


class ExpenseCategoryListResponse(WireModel):
    """
    Category list envelope: {"response": {"result": {"categories": [...], "page", "pages", "per_page", "total"}}}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    response: ExpenseCategoryListResponseBody


class Staff(WireModel):
    """
    A staff member (`staffid` on expenses). No real body was available: fields beyond `id` are the likely ones (same family as clients) and all optional; others are kept as extras.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int
    userid: int | None = None
    accounting_systemid: str | None = None
    fname: str | None = None
    lname: str | None = None
    email: str | None = None
    organization: str | None = None
    username: str | None = None
    display_name: str | None = None
    bus_phone: str | None = None
    home_phone: str | None = None
    mob_phone: str | None = None
    fax: str | None = None
    note: str | None = None
    p_street: str | None = None
    p_street2: str | None = None
    p_city: str | None = None
    p_province: str | None = None
    p_code: str | None = None
    p_country: str | None = None
    currency_code: str | None = None
    language: str | None = None
    level: int | None = None
    num_logins: int | None = None
    last_login: Any | None = None
    """
    Unknown shape.
    """
    rate: Any | None = None
    """
    Unknown shape (a billing rate).
    """
    signup_date: EasternDateTime | None = None
    """
    US/Eastern like every accounting timestamp except client `signup_date` (the official SDK's table: only client signup_date, bills, bill vendors and tax defaults are UTC).
    """
    updated: EasternDateTime | None = None
    vis_state: VisState | None = None
    api_token: Annotated[str | None, Field(repr=False)] = None
    """
    The staff member's Classic API token: a credential. Hidden from repr; cassettes redact it. Never log a model dump that includes it.
    """


class StaffResult(WireModel):
    """
    `response.result` of a single-staff answer: `.staff`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    staff: Staff


class StaffResponseBody(WireModel):
    """
    `response` of a single-staff answer: `.result`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    result: StaffResult


class StaffResponse(WireModel):
    """
    Single staff envelope: {"response": {"result": {"staff": {...}}}}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    response: StaffResponseBody


class StaffListResult(WireModel):
    """
    `response.result` of a staff list page: `.staffs` beside `page`, `pages`, `per_page`, `total`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    staffs: list[Staff]
    page: int
    """
    1-based page number.
    """
    pages: int
    """
    Number of pages; 0 when the result is empty.
    """
    per_page: int
    total: int
    """
    Number of items over all pages.
    """


class StaffListResponseBody(WireModel):
    """
    `response` of a staff list page: `.result`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    result: StaffListResult


class StaffListResponse(WireModel):
    """
    Staff list envelope: {"response": {"result": {"staffs": [...], "page", "pages", "per_page", "total"}}}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    response: StaffListResponseBody


class BusinessErrorBody(WireModel):
    """
    Projects/time-tracking error: {"errno": 2001, "error": {...}} or {"error": "..."}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    errno: int | None = None
    error: str | dict[str, str] | None = None
    """
    A message, or an object mapping a field (or "title"/"description") to a message.
    """


class BusinessListMeta(WireModel):
    """
    `meta` of a projects/time-tracking list page.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    page: int
    """
    1-based page number.
    """
    pages: int
    """
    Number of pages; 0 when the result is empty.
    """
    per_page: int
    total: int
    """
    Number of items over all pages.
    """
    sort: Any | None = None
    """
    Projects: the sort applied (a list).
    """
    total_logged: int | None = None
    """
    Time entries: seconds logged over all pages.
    """
    total_unbilled: int | None = None
    """
    Time entries: unbilled seconds over all pages.
    """


class TimeEntryTimer(WireModel):
    """
    The running timer attached to an entry.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int | None = None
    is_running: bool | None = None


class TimeEntry(WireModel):
    """
    A time entry. `duration` is in seconds; `started_at`/`created_at` are ISO 8601 UTC; `local_started_at` is the wall-clock time in `local_timezone` (no offset). Ids are snake_case here (`client_id`, not accounting's `clientid`).
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int
    identity_id: int | None = None
    is_logged: bool | None = None
    started_at: IsoDateTime | None = None
    local_started_at: str | None = None
    """
    Wall-clock start in local_timezone, e.g. 2023-08-09T14:56:50.
    """
    local_timezone: Annotated[str | None, Field(examples=["America/Toronto"])] = None
    created_at: IsoDateTime | None = None
    duration: int | None = None
    """
    Seconds.
    """
    client_id: int | None = None
    project_id: int | None = None
    service_id: int | None = None
    task_id: int | None = None
    note: str | None = None
    active: bool | None = None
    billable: bool | None = None
    billed: bool | None = None
    internal: bool | None = None
    retainer_id: int | None = None
    pending_client: Any | None = None
    """
    Unknown shape (a client named but not yet created).
    """
    pending_project: Any | None = None
    """
    Unknown shape.
    """
    pending_task: Any | None = None
    """
    Unknown shape.
    """
    timer: TimeEntryTimer | None = None


class TimeEntryCreate(WireModel):
    """
    A time entry to log. `is_logged`, `started_at` and `duration` are required by FreshBooks.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    is_logged: bool
    started_at: AwareDatetime
    """
    ISO 8601 UTC, e.g. 2020-01-21T10:00:00Z.
    """
    duration: Annotated[int, Field(ge=0)]
    """
    Seconds.
    """
    note: str | None = None
    client_id: int | None = None
    project_id: int | None = None
    service_id: int | None = None
    task_id: int | None = None
    identity_id: int | None = None
    billable: bool | None = None
    internal: bool | None = None


class TimeEntryCreateRequest(WireModel):
    """
    Create body: {"time_entry": {...}}.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    time_entry: TimeEntryCreate


class TimeEntryUpdate(WireModel):
    """
    The fields of a time entry to change (at least one). A link (`client_id`, `project_id`, `service_id`, `task_id`) set to null is removed. The writable fields are those the official SDKs send on a PUT (freshbooks-nodejs-sdk `transformTimeEntryRequest`, freshbooks-java-sdk `TimeEntry.getContent`).
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    is_logged: bool | None = None
    started_at: AwareDatetime | None = None
    """
    ISO 8601 UTC, e.g. 2020-01-21T10:00:00Z.
    """
    duration: Annotated[int | None, Field(ge=0)] = None
    """
    Seconds.
    """
    note: str | None = None
    client_id: int | None = None
    project_id: int | None = None
    service_id: int | None = None
    task_id: int | None = None
    identity_id: int | None = None
    """
    The teammate the entry is logged for.
    """
    billable: bool | None = None
    billed: bool | None = None
    """
    Marked billed by hand (or unmarked).
    """
    internal: bool | None = None


class TimeEntryUpdateRequest(WireModel):
    """
    Update body: {"time_entry": {...}}.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    time_entry: TimeEntryUpdate


class TimeEntryResponse(WireModel):
    """
    Single time entry: {"time_entry": {...}} (no response wrapper).
    """

    model_config = ConfigDict(
        extra="allow",
    )
    time_entry: TimeEntry


class TimeEntryListResponse(WireModel):
    """
    Time entry list page: {"time_entries": [...], "meta": {page, pages, per_page, total, ...}}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    time_entries: list[TimeEntry]
    meta: BusinessListMeta


class ProjectService(WireModel):
    """
    A service billable on a project.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int
    business_id: int | None = None
    name: str | None = None
    billable: bool | None = None
    vis_state: VisState | None = None


class ProjectGroupMember(WireModel):
    """
    A member of a project's team.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int | None = None
    identity_id: int | None = None
    role: Annotated[str | None, Field(examples=["owner"])] = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    company: str | None = None
    active: bool | None = None


class ProjectGroup(WireModel):
    """
    A project's team (on a single project; lists carry `group_id` only).
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int | None = None
    members: list[ProjectGroupMember] | None = None
    pending_invitations: list[Any] | None = None


class Project(WireModel):
    """
    A project. `created_at`/`updated_at` are ISO 8601 without offset, in UTC. `fixed_price`, `rate`, `billed_amount` and `expense_markup` are decimal strings with no currency (the business's). `logged_duration` is seconds.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int
    title: str | None = None
    description: str | None = None
    due_date: date_aliased | None = None
    client_id: int | None = None
    internal: bool | None = None
    budget: int | None = None
    """
    Time budget, in seconds per amcintosh/freshbooks-java-sdk Project.getBudget (the FreshBooks docs say only "budget for project").
    """
    fixed_price: DecimalString | None = None
    rate: DecimalString | None = None
    billing_method: Annotated[
        str | None,
        Field(examples=["project_rate", "service_rate", "team_member_rate", "business_rate"]),
    ] = None
    project_type: Annotated[str | None, Field(examples=["fixed_price", "hourly_rate"])] = None
    project_manager_id: int | None = None
    active: bool | None = None
    complete: bool | None = None
    sample: bool | None = None
    created_at: IsoDateTime | None = None
    updated_at: IsoDateTime | None = None
    logged_duration: int | None = None
    """
    Seconds logged.
    """
    services: list[ProjectService] | None = None
    billed_amount: DecimalString | None = None
    billed_status: Annotated[str | None, Field(examples=["unbilled", "partial", "billed"])] = None
    retainer_id: int | None = None
    expense_markup: DecimalString | None = None
    group_id: int | None = None
    group: ProjectGroup | None = None


class ProjectAbility(WireModel):
    """
    What the caller may do with a project (`can_edit`, ...).
    """

    model_config = ConfigDict(
        extra="allow",
    )
    name: str
    value: bool | None = None


class ProjectCreate(WireModel):
    """
    A project to create; `title` is required.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    title: Annotated[str, Field(min_length=1)]
    description: str | None = None
    due_date: date_aliased | None = None
    client_id: int | None = None
    internal: bool | None = None
    project_type: Literal["fixed_price", "hourly_rate"] | None = None
    billing_method: str | None = None
    """
    One of project_rate, service_rate, team_member_rate, business_rate.
    """
    fixed_price: str | None = None
    """
    Decimal string.
    """
    rate: str | None = None
    """
    Decimal string (hourly rate).
    """
    budget: Annotated[int | None, Field(ge=0)] = None
    """
    Time budget, in seconds (freshbooks-java-sdk Project.setBudget).
    """
    project_manager_id: int | None = None


class ProjectCreateRequest(WireModel):
    """
    Create body: {"project": {...}}.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    project: ProjectCreate


class ProjectUpdate(WireModel):
    """
    The fields of a project to change (at least one); `complete` marks it done.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    title: Annotated[str | None, Field(min_length=1)] = None
    description: str | None = None
    due_date: date_aliased | None = None
    client_id: int | None = None
    internal: bool | None = None
    project_type: Literal["fixed_price", "hourly_rate"] | None = None
    billing_method: str | None = None
    """
    One of project_rate, service_rate, team_member_rate, business_rate.
    """
    fixed_price: str | None = None
    """
    Decimal string.
    """
    rate: str | None = None
    """
    Decimal string (hourly rate).
    """
    budget: Annotated[int | None, Field(ge=0)] = None
    """
    Time budget, in seconds (freshbooks-java-sdk Project.setBudget).
    """
    project_manager_id: int | None = None
    complete: bool | None = None
    active: bool | None = None


class ProjectUpdateRequest(WireModel):
    """
    Update body: {"project": {...}}.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    project: ProjectUpdate


class ProjectResponse(WireModel):
    """
    Single project: {"project": {...}, "abilities": [...]} (no response wrapper).
    """

    model_config = ConfigDict(
        extra="allow",
    )
    project: Project
    abilities: list[ProjectAbility] | None = None


class ProjectListResponse(WireModel):
    """
    Project list page: {"projects": [...], "meta": {sort, page, pages, per_page, total}}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    projects: list[Project]
    meta: BusinessListMeta


class Payment(WireModel):
    """
    A payment against an invoice. `updated` is US/Eastern; `date` is the calendar date paid. `type` is free text in practice ("Check", "Cash", "Credit Card", "Bank Transfer", ...).
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int
    logid: int | None = None
    accounting_systemid: str | None = None
    amount: Money | None = None
    clientid: int | None = None
    invoiceid: int | None = None
    creditid: int | None = None
    bulk_paymentid: int | None = None
    overpaymentid: int | None = None
    orderid: int | None = None
    transactionid: int | None = None
    date: date_aliased | None = None
    from_credit: bool | None = None
    gateway: str | None = None
    note: str | None = None
    type: Annotated[str | None, Field(examples=["Check", "Cash", "Credit Card"])] = None
    send_client_notification: bool | None = None
    updated: EasternDateTime | None = None
    vis_state: VisState | None = None


class PaymentCreate(WireModel):
    """
    A payment to record on an invoice (its currency must be the invoice's).
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    invoiceid: int
    amount: Money
    date: date_aliased
    type: str | None = None
    note: str | None = None
    send_client_notification: bool | None = None


class Tax(WireModel):
    """
    A tax rate. `amount` is the percent as a decimal string ("13"), not money.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int
    taxid: int | None = None
    accounting_systemid: str | None = None
    name: str | None = None
    amount: DecimalString | None = None
    number: str | None = None
    """
    The tax registration number.
    """
    compound: bool | None = None
    updated: EasternDateTime | None = None


class TaxCreate(WireModel):
    """
    A tax rate to create (`amount` is a percent decimal string).
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    name: Annotated[str, Field(min_length=1)]
    amount: str
    number: str | None = None
    compound: bool | None = None


class Item(WireModel):
    """
    A billable item. `unit_cost` is Money; `qty` and `inventory` are decimals; `tax1`/`tax2` are tax ids (0 when none), not percents.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    id: int
    itemid: int | None = None
    accounting_systemid: str | None = None
    name: str | None = None
    description: str | None = None
    qty: DecimalString | None = None
    inventory: str | int | None = None
    """
    Stock count when tracked (decimal text).
    """
    sku: str | None = None
    tax1: int | None = None
    tax2: int | None = None
    unit_cost: Money | None = None
    updated: EasternDateTime | None = None
    vis_state: VisState | None = None


class ItemCreate(WireModel):
    """
    A billable item to create.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    name: Annotated[str, Field(min_length=1)]
    description: str | None = None
    qty: str | None = None
    inventory: str | None = None
    sku: str | None = None
    tax1: int | None = None
    tax2: int | None = None
    unit_cost: Money | None = None


class PaymentResult(WireModel):
    """
    `response.result` of a single-payment answer: `.payment`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    payment: Payment


class PaymentResponseBody(WireModel):
    """
    `response` of a single-payment answer: `.result`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    result: PaymentResult


class PaymentResponse(WireModel):
    """
    Single payment envelope: {"response": {"result": {"payment": {...}}}}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    response: PaymentResponseBody


class PaymentListResult(WireModel):
    """
    `response.result` of a payment list page: `.payments` beside `page`, `pages`, `per_page`, `total`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    payments: list[Payment]
    page: int
    """
    1-based page number.
    """
    pages: int
    """
    Number of pages; 0 when the result is empty.
    """
    per_page: int
    total: int
    """
    Number of items over all pages.
    """


class PaymentListResponseBody(WireModel):
    """
    `response` of a payment list page: `.result`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    result: PaymentListResult


class PaymentListResponse(WireModel):
    """
    Payment list envelope: {"response": {"result": {"payments": [...], "page", "pages", "per_page", "total"}}}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    response: PaymentListResponseBody


class PaymentCreateRequest(WireModel):
    """
    Create body: {"payment": {...}}.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    payment: PaymentCreate


class TaxResult(WireModel):
    """
    `response.result` of a single-tax answer: `.tax`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    tax: Tax


class TaxResponseBody(WireModel):
    """
    `response` of a single-tax answer: `.result`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    result: TaxResult


class TaxResponse(WireModel):
    """
    Single tax envelope: {"response": {"result": {"tax": {...}}}}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    response: TaxResponseBody


class TaxListResult(WireModel):
    """
    `response.result` of a tax list page: `.taxes` beside `page`, `pages`, `per_page`, `total`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    taxes: list[Tax]
    page: int
    """
    1-based page number.
    """
    pages: int
    """
    Number of pages; 0 when the result is empty.
    """
    per_page: int
    total: int
    """
    Number of items over all pages.
    """


class TaxListResponseBody(WireModel):
    """
    `response` of a tax list page: `.result`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    result: TaxListResult


class TaxListResponse(WireModel):
    """
    Tax list envelope: {"response": {"result": {"taxes": [...], "page", "pages", "per_page", "total"}}}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    response: TaxListResponseBody


class TaxCreateRequest(WireModel):
    """
    Create body: {"tax": {...}}.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    tax: TaxCreate


class ItemResult(WireModel):
    """
    `response.result` of a single-item answer: `.item`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    item: Item


class ItemResponseBody(WireModel):
    """
    `response` of a single-item answer: `.result`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    result: ItemResult


class ItemResponse(WireModel):
    """
    Single item envelope: {"response": {"result": {"item": {...}}}}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    response: ItemResponseBody


class ItemListResult(WireModel):
    """
    `response.result` of a item list page: `.items` beside `page`, `pages`, `per_page`, `total`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    items: list[Item]
    page: int
    """
    1-based page number.
    """
    pages: int
    """
    Number of pages; 0 when the result is empty.
    """
    per_page: int
    total: int
    """
    Number of items over all pages.
    """


class ItemListResponseBody(WireModel):
    """
    `response` of a item list page: `.result`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    result: ItemListResult


class ItemListResponse(WireModel):
    """
    Item list envelope: {"response": {"result": {"items": [...], "page", "pages", "per_page", "total"}}}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    response: ItemListResponseBody


class ItemCreateRequest(WireModel):
    """
    Create body: {"item": {...}}.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    item: ItemCreate


class Callback(WireModel):
    """
    A webhook registration. The id key is `callbackid`; `verified` stays false until the verifier FreshBooks sent to `uri` is PUT back. `updated_at` comes as ISO UTC or as an Eastern "YYYY-MM-DD HH:MM:SS" (both seen).
    """

    model_config = ConfigDict(
        extra="allow",
    )
    callbackid: int
    event: Annotated[str | None, Field(examples=["invoice.create", "invoice"])] = None
    uri: str | None = None
    verified: bool | None = None
    updated_at: EasternDateTime | None = None


class CallbackCreate(WireModel):
    """
    `event` is `<object>` (every event of it) or `<object>.<action>`.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    event: Annotated[str, Field(pattern="^[a-z_]+(\\.[A-Za-z]+)?$")]
    uri: AnyUrl


class CallbackUpdate(WireModel):
    """
    A verify (`verifier`) or a resend (`resend`); one of them alone.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    verifier: Annotated[str | None, Field(min_length=1)] = None
    resend: Literal[True] | None = None


class CallbackUpdateRequest(WireModel):
    """
    Update body: {"callback": {"verifier": "..."}} or {"callback": {"resend": true}}.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    callback: CallbackUpdate


class CallbackResult(WireModel):
    """
    `response.result` of a single-callback answer: `.callback`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    callback: Callback


class CallbackResponseBody(WireModel):
    """
    `response` of a single-callback answer: `.result`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    result: CallbackResult


class CallbackResponse(WireModel):
    """
    Single callback envelope: {"response": {"result": {"callback": {...}}}}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    response: CallbackResponseBody


class CallbackListResult(WireModel):
    """
    `response.result` of a callback list page: `.callbacks` beside `page`, `pages`, `per_page`, `total`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    callbacks: list[Callback]
    page: int
    """
    1-based page number.
    """
    pages: int
    """
    Number of pages; 0 when the result is empty.
    """
    per_page: int
    total: int
    """
    Number of items over all pages.
    """


class CallbackListResponseBody(WireModel):
    """
    `response` of a callback list page: `.result`.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    result: CallbackListResult


class CallbackListResponse(WireModel):
    """
    Callback list envelope: {"response": {"result": {"callbacks": [...], "page", "pages", "per_page", "total"}}}.
    """

    model_config = ConfigDict(
        extra="allow",
    )
    response: CallbackListResponseBody


class CallbackCreateRequest(WireModel):
    """
    Create body: {"callback": {...}}.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    callback: CallbackCreate


class VisStateUpdate(WireModel):
    """
    The vis_state phase alone: 1 deletes, 2 archives, 0 restores.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    vis_state: Literal[0, 1, 2]


class InvoiceCustomizedEmailUpdate(WireModel):
    """
    The subject and body of a sent invoice's email (each optional).
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    subject: str | None = None
    body: str | None = None


class InvoiceMarkAsSentUpdate(WireModel):
    """
    The mark-as-sent action alone (no email).
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    action_mark_as_sent: Literal[True]


class InvoiceMarkAsSentRequest(WireModel):
    """
    Mark-as-sent body: {"invoice": {"action_mark_as_sent": true}}.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    invoice: InvoiceMarkAsSentUpdate


class InvoiceVisStateRequest(WireModel):
    """
    Delete/archive/restore body: {"invoice": {"vis_state": 1}}.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    invoice: VisStateUpdate


class ClientVisStateRequest(WireModel):
    """
    Delete/archive/restore body: {"client": {"vis_state": 1}}.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    client: VisStateUpdate


class ExpenseVisStateRequest(WireModel):
    """
    Delete/archive/restore body: {"expense": {"vis_state": 1}}.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    expense: VisStateUpdate


class RevokeRequest(WireModel):
    """
    Body of POST /auth/oauth/revoke.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    client_id: str
    client_secret: Annotated[str, Field(repr=False)]
    token: Annotated[str, Field(repr=False)]


class InvoiceSendUpdate(WireModel):
    """
    The send action alone (`action_email`): emails the invoice to `email_recipients` (default: the client's contacts), optionally with a customized subject/body and the PDF.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    action_email: Literal[True]
    email_include_pdf: bool | None = None
    email_recipients: Annotated[list[str] | None, Field(min_length=1)] = None
    invoice_customized_email: InvoiceCustomizedEmailUpdate | None = None


class InvoiceSendRequest(WireModel):
    """
    Send body: {"invoice": {"action_email": true, ...}}.
    """

    model_config = ConfigDict(
        extra="forbid",
    )
    invoice: InvoiceSendUpdate


# The hand-written types the classes do not use, public here as well.
from freshbooks_sdk._types import (  # noqa: E402
    CurrencyCode,
    OpenIntEnum,
    OpenStrEnum,
)


__all__ = [
    "AccountingError",
    "AccountingErrorBody",
    "AccountingErrors",
    "AuthErrorBody",
    "Business",
    "BusinessAddress",
    "BusinessClient",
    "BusinessErrorBody",
    "BusinessListMeta",
    "BusinessMembership",
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
    "ClientVisStateRequest",
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
    "ExpenseVisStateRequest",
    "Identity",
    "IdentityGroup",
    "IdentityResponse",
    "IdentityRole",
    "Invoice",
    "InvoiceCreate",
    "InvoiceCreateRequest",
    "InvoiceCustomizedEmailUpdate",
    "InvoiceLine",
    "InvoiceLineCreate",
    "InvoiceListResponse",
    "InvoiceListResponseBody",
    "InvoiceListResult",
    "InvoiceMarkAsSentRequest",
    "InvoiceMarkAsSentUpdate",
    "InvoiceResponse",
    "InvoiceResponseBody",
    "InvoiceResult",
    "InvoiceSendRequest",
    "InvoiceSendUpdate",
    "InvoiceStatus",
    "InvoiceUpdate",
    "InvoiceUpdateRequest",
    "InvoiceV3Status",
    "InvoiceVisStateRequest",
    "IsoDateTime",
    "Item",
    "ItemCreate",
    "ItemCreateRequest",
    "ItemListResponse",
    "ItemListResponseBody",
    "ItemListResult",
    "ItemResponse",
    "ItemResponseBody",
    "ItemResult",
    "LenientDate",
    "Money",
    "OpenIntEnum",
    "OpenStrEnum",
    "Payment",
    "PaymentCreate",
    "PaymentCreateRequest",
    "PaymentListResponse",
    "PaymentListResponseBody",
    "PaymentListResult",
    "PaymentResponse",
    "PaymentResponseBody",
    "PaymentResult",
    "PaymentStatus",
    "PhoneNumber",
    "Project",
    "ProjectAbility",
    "ProjectCreate",
    "ProjectCreateRequest",
    "ProjectGroup",
    "ProjectGroupMember",
    "ProjectListResponse",
    "ProjectResponse",
    "ProjectService",
    "ProjectUpdate",
    "ProjectUpdateRequest",
    "RevokeRequest",
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
    "Tax",
    "TaxCreate",
    "TaxCreateRequest",
    "TaxListResponse",
    "TaxListResponseBody",
    "TaxListResult",
    "TaxResponse",
    "TaxResponseBody",
    "TaxResult",
    "TimeEntry",
    "TimeEntryCreate",
    "TimeEntryCreateRequest",
    "TimeEntryListResponse",
    "TimeEntryResponse",
    "TimeEntryTimer",
    "TimeEntryUpdate",
    "TimeEntryUpdateRequest",
    "Token",
    "TokenRequest",
    "UTCSqlDateTime",
    "VisState",
    "VisStateUpdate",
]
