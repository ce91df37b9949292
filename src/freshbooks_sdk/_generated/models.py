# GENERATED from openapi/freshbooks.yaml by scripts/generate.py: DO NOT EDIT.
# Edit the spec (or src/freshbooks_sdk/_types.py) and run `make generate`.

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
from pydantic import ConfigDict, Field


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
    signup_date: UTCSqlDateTime | None = None
    updated: EasternDateTime | None = None
    vis_state: VisState | None = None


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
