"""The catalog's input models and field types: what each action accepts, as pydantic models
with JSON Schemas that say exactly what is accepted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from freshbooks_sdk._core.input_types import InvoiceV3StatusName
from freshbooks_sdk._core.inputs import check_instant, describe
from freshbooks_sdk.errors import (
    InvalidRequestError,
)

# ---------------------------------------------------------------------------------------------
# Input field types (pydantic), each with a JSON Schema that says exactly what is accepted
# ---------------------------------------------------------------------------------------------


def _refuse_number(value: Any) -> Any:
    """Money and quantities are decimal strings: a JSON number (float or int) is refused."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        raise PydanticCustomError(
            "decimal_string",
            'must be a decimal string such as "12.50", not the number {number} '
            "(binary numbers cannot hold most cents exactly)",
            {"number": describe(value)},
        )
    return value


def _text_check(pattern: str, error: str, message: str) -> Callable[[Any], Any]:
    """A before-validator giving a readable message where a bare ``pattern`` would not; the
    pattern itself stays in the type (``StringConstraints``) for the JSON Schema."""
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        value = _refuse_number(value) if error == "decimal_string" else value
        if isinstance(value, str) and not compiled.fullmatch(value):
            raise PydanticCustomError(error, message + ", got {value}", {"value": describe(value)})
        return value

    return check


_MONEY_PATTERN = r"^-?\d{1,15}(\.\d{1,12})?$"
_AMOUNT_PATTERN = r"^\d{1,15}(\.\d{1,12})?$"
_QTY_PATTERN = r"^\d{1,12}(\.\d{1,8})?$"
_PERCENT_PATTERN = r"^\d{1,3}(\.\d{1,6})?$"
_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
_EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+$"

SignedMoneyText = Annotated[
    str,
    StringConstraints(pattern=_MONEY_PATTERN),
    BeforeValidator(
        _text_check(
            _MONEY_PATTERN,
            "decimal_string",
            'must be a decimal amount written as a string, such as "120.00" or "-15.00"',
        )
    ),
    Field(examples=["120.00", "-15.00"]),
]
"""A money amount that may be negative (a discount line): a decimal string, never a number."""

MoneyText = Annotated[
    str,
    StringConstraints(pattern=_AMOUNT_PATTERN),
    BeforeValidator(
        _text_check(
            _AMOUNT_PATTERN,
            "decimal_string",
            'must be an amount >= 0 written as a decimal string, such as "12.50"',
        )
    ),
    Field(examples=["12.50"]),
]
"""A money amount >= 0: a decimal string such as ``"12.50"``, never a number."""

QuantityText = Annotated[
    str,
    StringConstraints(pattern=_QTY_PATTERN),
    BeforeValidator(
        _text_check(
            _QTY_PATTERN,
            "decimal_string",
            'must be a quantity >= 0 written as a decimal string, such as "1" or "2.5"',
        )
    ),
    Field(examples=["1", "2.5"]),
]
"""A quantity >= 0 as a decimal string."""

PercentText = Annotated[
    str,
    StringConstraints(pattern=_PERCENT_PATTERN),
    BeforeValidator(
        _text_check(
            _PERCENT_PATTERN,
            "decimal_string",
            'must be a percent (0-100) written as a decimal string, such as "13"',
        )
    ),
    Field(examples=["13"]),
]
"""A percent (0-100) as a decimal string."""

CurrencyText = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z]{3}$", to_upper=True),
    BeforeValidator(
        _text_check(
            r"^[A-Za-z]{3}$", "currency_code", 'must be a 3-letter ISO 4217 code such as "USD"'
        )
    ),
    Field(examples=["USD", "CAD"]),
]
"""An ISO 4217 currency code (upper-cased)."""

EmailText = Annotated[
    str,
    StringConstraints(pattern=_EMAIL_PATTERN, max_length=254),
    BeforeValidator(_text_check(_EMAIL_PATTERN, "email", "is not an email address")),
    Field(examples=["ada@example.com"]),
]
"""An email address (checked loosely: something@something)."""

ShortText = Annotated[str, StringConstraints(max_length=255)]
LongText = Annotated[str, StringConstraints(max_length=5000)]
Id = Annotated[int, Field(gt=0, le=2**53)]
"""A FreshBooks id: a positive integer."""


def _iso_date(value: Any) -> Any:
    if isinstance(value, datetime):
        raise PydanticCustomError("date_format", "must be a calendar date YYYY-MM-DD, not a time")
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(_DATE_PATTERN, value):
        return value  # the date validator then checks that the day exists
    raise PydanticCustomError(
        "date_format", "must be a date written YYYY-MM-DD, got {value}", {"value": describe(value)}
    )


IsoDate = Annotated[
    date,
    BeforeValidator(_iso_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": _DATE_PATTERN}),
]
"""A calendar date written ``YYYY-MM-DD``."""


def _iso_instant(value: Any) -> Any:
    if isinstance(value, (str, datetime)):
        return value
    raise PydanticCustomError(
        "datetime_format",
        "must be an ISO 8601 instant with a time zone, such as 2024-05-01T12:00:00Z",
    )


Instant = Annotated[
    AwareDatetime,
    BeforeValidator(_iso_instant),
    Field(examples=["2024-05-01T12:00:00Z"]),
]
"""An aware instant (ISO 8601 with ``Z`` or an offset); a naive time is refused."""

Limit = Annotated[
    int,
    Field(ge=1, le=10_000, description="Most items to return (pages are fetched as needed)."),
]


def _at_least_one(
    model: BaseModel, fields: Sequence[str], what: str, *, error: str = "missing_field"
) -> None:
    if all(getattr(model, name) in (None, "") for name in fields):
        raise PydanticCustomError(
            error,
            "{what} needs at least one of " + ", ".join(fields),
            {"what": what, "fields": list(fields)},
        )


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ListClientsInput(_Input):
    """Input of ``freshbooks/list-clients``: clients filtered by email and updated-since.

    >>> ListClientsInput.model_validate({"email": "ada@example.com", "limit": 10}).limit
    10
    """

    email: EmailText | None = Field(None, description="Exact email address.")
    organization_like: ShortText | None = Field(None, description="Part of the organization name.")
    updated_since: Instant | None = Field(
        None, description="Only clients updated at or after this instant (exact)."
    )
    limit: Limit = 100


class ClientAddress(_Input):
    """A client's primary address."""

    street: ShortText | None = None
    street2: ShortText | None = None
    city: ShortText | None = None
    province: ShortText | None = None
    postal_code: ShortText | None = None
    country: ShortText | None = None


class CreateClientInput(_Input):
    """Input of ``freshbooks/create-client``; at least one of email, fname, lname, organization.

    >>> CreateClientInput.model_validate({"email": "ada@example.com", "fname": "Ada"}).fname
    'Ada'
    """

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["email"]},
                {"required": ["fname"]},
                {"required": ["lname"]},
                {"required": ["organization"]},
            ]
        }
    )

    email: EmailText | None = None
    fname: ShortText | None = Field(None, description="First name.")
    lname: ShortText | None = Field(None, description="Last name.")
    organization: ShortText | None = None
    address: ClientAddress | None = Field(None, description="Primary address.")
    currency_code: CurrencyText | None = Field(
        None, description="The client's currency (FreshBooks uses the business's by default)."
    )

    @model_validator(mode="after")
    def _identity(self) -> CreateClientInput:
        _at_least_one(self, ("email", "fname", "lname", "organization"), "a client")
        return self


class ListInvoicesInput(_Input):
    """Input of ``freshbooks/list-invoices``: invoices by client, updated-since, v3 status and
    invoice date (``date_from`` inclusive, ``date_to`` exclusive, as FreshBooks does).

    >>> ListInvoicesInput.model_validate({"status": "paid"}).status
    'paid'
    >>> ListInvoicesInput.model_validate({"date_from": "2024-03-01", "date_to": "2024-04-01"}
    ...     ).date_to.isoformat()
    '2024-04-01'
    """

    client_id: Id | None = Field(None, description="Only this client's invoices.")
    updated_since: Instant | None = Field(
        None, description="Only invoices updated at or after this instant (exact)."
    )
    status: InvoiceV3StatusName | None = Field(
        None,
        description="FreshBooks v3 status, one of the documented ones (draft, sent, paid, ...).",
    )
    date_from: IsoDate | None = Field(
        None, description="Only invoices dated (create_date) on or after this day."
    )
    date_to: IsoDate | None = Field(
        None,
        description="Only invoices dated (create_date) before this day (exclusive, as FreshBooks).",
    )
    include_lines: bool = Field(False, description="Include each invoice's lines.")
    limit: Limit = 100

    @model_validator(mode="after")
    def _date_range(self) -> ListInvoicesInput:
        if self.date_from is not None and self.date_to is not None:
            if self.date_to <= self.date_from:
                raise PydanticCustomError(
                    "date_range",
                    "must be later than date_from ({date_from}): date_to is exclusive, so "
                    "this range holds no day, got {date_to}",
                    {
                        "date_from": self.date_from.isoformat(),
                        "date_to": self.date_to.isoformat(),
                        "fields": ["date_to"],
                    },
                )
        return self


class InvoiceLineItem(_Input):
    """One line of a drafted invoice: ``qty`` times ``unit_cost`` (decimal strings)."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    description: LongText | None = None
    qty: QuantityText = "1"
    unit_cost: SignedMoneyText
    tax_name1: ShortText | None = None
    tax_percent1: PercentText | None = None
    tax_name2: ShortText | None = None
    tax_percent2: PercentText | None = None


class CreateInvoiceInput(_Input):
    """Input of ``freshbooks/create-invoice``: a draft invoice with lines.

    >>> CreateInvoiceInput.model_validate({"client_id": 7, "currency_code": "usd",
    ...     "lines": [{"name": "Design", "qty": "3", "unit_cost": "120.00"}]}).currency_code
    'USD'
    """

    client_id: Id
    lines: list[InvoiceLineItem] = Field(min_length=1, max_length=500)
    currency_code: CurrencyText | None = Field(
        None, description="The invoice currency (else the connection's default currency)."
    )
    create_date: IsoDate | None = Field(
        None, description="Invoice date (default: today in FreshBooks' US/Eastern calendar)."
    )
    due_offset_days: int | None = Field(None, ge=0, le=3650, description="Due N days after.")
    po_number: ShortText | None = None
    invoice_number: ShortText | None = None
    notes: LongText | None = None
    terms: LongText | None = None


class SendInvoiceInput(_Input):
    """Input of ``freshbooks/send-invoice``: email the invoice, or only mark it as sent.

    >>> SendInvoiceInput.model_validate({"invoice_id": 5, "method": "mark_as_sent"}).method
    'mark_as_sent'
    """

    invoice_id: Id
    method: Literal["email", "mark_as_sent"] = Field(
        "email", description="email: send it by email; mark_as_sent: no email."
    )
    to: list[EmailText] | None = Field(
        None,
        min_length=1,
        max_length=50,
        description="Recipients (default: the client's email). Only with method=email.",
    )
    subject: ShortText | None = None
    body: LongText | None = None
    include_pdf: bool = False

    @model_validator(mode="after")
    def _email_only(self) -> SendInvoiceInput:
        if self.method == "mark_as_sent":
            given = [n for n in ("to", "subject", "body") if getattr(self, n) is not None]
            if given or self.include_pdf:
                raise PydanticCustomError(
                    "email_fields",
                    "to, subject, body and include_pdf only apply to method=email",
                    {"fields": given or ["include_pdf"]},
                )
        return self


class CreateExpenseInput(_Input):
    """Input of ``freshbooks/create-expense``; ``client_id``/``project_id`` bill it back.

    >>> CreateExpenseInput.model_validate({"amount": "12.50", "currency_code": "USD",
    ...     "category_id": 3, "date": "2024-05-01"}).date.isoformat()
    '2024-05-01'
    """

    amount: MoneyText
    currency_code: CurrencyText | None = Field(
        None, description="The expense currency (else the connection's default currency)."
    )
    category_id: Id = Field(description="An expense category id (see expense_categories).")
    date: IsoDate
    vendor: ShortText | None = None
    notes: LongText | None = None
    client_id: Id | None = Field(None, description="Bill the expense back to this client.")
    project_id: Id | None = Field(None, description="Bill the expense back to this project.")
    staff_id: Id | None = Field(None, description="Default: the connected user's staff id.")
    tax_name1: ShortText | None = Field(None, description="Name of the first tax (e.g. HST).")
    tax_amount1: MoneyText | None = Field(
        None, description="Amount of the first tax, in the expense currency."
    )
    tax_name2: ShortText | None = Field(None, description="Name of the second tax.")
    tax_amount2: MoneyText | None = Field(
        None, description="Amount of the second tax, in the expense currency."
    )


_DURATION_RE = re.compile(r"^(\d{1,7})([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class InvoiceUpdatedInput(_Input):
    """Input of the ``freshbooks/invoice-updated`` trigger (the invoice poller).

    ``start`` applies to a new cursor only: ``"now"``, ``"backfill:<n><s|m|h|d>"`` (that long
    before now) or an ISO instant.

    >>> InvoiceUpdatedInput.model_validate({"start": "backfill:2d"}).start_value()
    datetime.timedelta(days=2)
    """

    start: Annotated[
        str,
        StringConstraints(pattern=r"^(now|backfill:\d{1,7}[smhd]|\d{4}-\d{2}-\d{2}T.+)$"),
        Field(examples=["now", "backfill:1h", "2024-05-01T00:00:00Z"]),
    ] = "now"
    interval: float = Field(
        300.0, gt=0, le=86_400, description="Seconds between polls (the host schedules them)."
    )
    cap: int | None = Field(
        100, ge=1, le=10_000, description="Most invoices per activation; the rest come next."
    )
    include_deleted: bool = Field(False, description="Also report invoices that were deleted.")

    @field_validator("start")
    @classmethod
    def _start(cls, value: str) -> str:
        _start_value(value)  # a field validator, so its errors name the field `start`
        return value

    def start_value(self) -> Literal["now"] | timedelta | datetime:
        """``start`` as the poller takes it."""
        return _start_value(self.start)


def _start_value(start: str) -> Literal["now"] | timedelta | datetime:
    if start == "now":
        return "now"
    if start.startswith("backfill:"):
        match = _DURATION_RE.fullmatch(start.removeprefix("backfill:"))
        if match is None:  # pragma: no cover - excluded by the pattern
            raise PydanticCustomError("start_format", "bad backfill duration")
        return timedelta(seconds=int(match.group(1)) * _UNITS[match.group(2)])
    try:
        instant = datetime.fromisoformat(start.replace("Z", "+00:00"))
    except ValueError:
        raise PydanticCustomError(
            "start_format",
            "is not a valid ISO 8601 instant, got {value}",
            {"value": describe(start)},
        ) from None
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise PydanticCustomError(
            "start_format",
            "must have a time zone (Z or +hh:mm), such as 2024-05-01T00:00:00Z, got {value}",
            {"value": describe(start)},
        )
    try:
        check_instant(instant, field="start")
    except InvalidRequestError:
        raise PydanticCustomError(
            "start_range", "must lie between 1970 and 2200, got {value}", {"value": describe(start)}
        ) from None
    return instant
