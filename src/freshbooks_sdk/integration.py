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

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any, Generic, Literal, TypeVar

import attrs
import pydantic
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
from typing_extensions import TypedDict  # pydantic needs this one on Python < 3.12

from freshbooks_sdk._core.fbtime import format_iso_z
from freshbooks_sdk._core.inputs import check_instant, describe
from freshbooks_sdk._types import Money
from freshbooks_sdk.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    CorruptCursorError,
    CursorError,
    FreshBooksError,
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ReauthorizationRequiredError,
    ResponseValidationError,
    UnprocessableEntityError,
)

if TYPE_CHECKING:
    from freshbooks_sdk._async.client import AsyncFreshBooks
    from freshbooks_sdk._async.poller import AsyncPoller
    from freshbooks_sdk._sync.client import FreshBooks
    from freshbooks_sdk._sync.poller import Poller
    from freshbooks_sdk.cursors import CursorStore
    from freshbooks_sdk.models import Invoice

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

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

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
    status: (
        Annotated[
            str,
            StringConstraints(pattern=r"^[a-z][a-z-]{0,30}$"),
            Field(examples=["draft", "sent", "viewed", "paid", "partial", "overdue"]),
        ]
        | None
    ) = Field(None, description="FreshBooks v3 status (open list: draft, sent, paid, ...).")
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


# ---------------------------------------------------------------------------------------------
# Results and errors
# ---------------------------------------------------------------------------------------------


class FieldError(TypedDict):
    """One invalid field: the input field name, the message, FreshBooks' errno when it gave one,
    and the wire field FreshBooks named (``None`` when the check happened before sending)."""

    field: str | None
    message: str
    errno: int | None
    wire_field: str | None


class ActionError(TypedDict):
    """A failure, as data (see the module docs for the ``type`` values).

    ``retryable``: running the same action again later is safe and may succeed.
    ``may_have_applied``: the request may have been carried out although it failed (a create
    that timed out after sending, a dropped connection, a 5xx); it is then never ``retryable``:
    check (list or get) before running it again, or it may be done twice.
    """

    type: str
    message: str
    fields: list[FieldError]
    retryable: bool
    may_have_applied: bool
    retry_after: float | None
    status_code: int | None


class ActionResult(BaseModel):
    """What every catalog entry answers: ``ok`` and an ``output``, or ``ok=False`` and ``error``.

    >>> ActionResult(ok=True, output={"id": 1}).to_dict()
    {'ok': True, 'output': {'id': 1}, 'error': None}
    """

    model_config = ConfigDict(frozen=True)

    ok: bool
    output: Any = None
    error: ActionError | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serializable dict (``json.dumps(result.to_dict())`` always works)."""
        return {"ok": self.ok, "output": self.output, "error": self.error}

    def unwrap(self) -> Any:
        """The output; raises ``RuntimeError`` with the error message when ``ok`` is false."""
        if not self.ok:
            assert self.error is not None
            raise RuntimeError(f"{self.error['type']}: {self.error['message']}")
        return self.output


_ERROR_TYPES: tuple[tuple[type[BaseException], str], ...] = (
    (pydantic.ValidationError, "invalid_input"),
    (InvalidRequestError, "invalid_input"),
    (RateLimitError, "rate_limited"),
    (NotFoundError, "not_found"),
    (UnprocessableEntityError, "validation_failed"),
    (BadRequestError, "bad_request"),
    (AuthenticationError, "authentication_failed"),
    (PermissionDeniedError, "permission_denied"),
    (ConflictError, "conflict"),
    (InternalServerError, "server_error"),
    (APIStatusError, "api_error"),
    (APITimeoutError, "timeout"),
    (APIConnectionError, "connection_error"),
    (ReauthorizationRequiredError, "reauthorization_required"),
    (ResponseValidationError, "unexpected_response"),
    (CursorError, "cursor_error"),
    (FreshBooksError, "error"),
)
"""Exception class -> ``error["type"]``, most specific first."""

ERROR_TYPES: tuple[str, ...] = (*dict.fromkeys(t for _, t in _ERROR_TYPES), "internal_error")
"""Every ``error["type"]`` value."""


def _pydantic_fields(exc: pydantic.ValidationError) -> list[FieldError]:
    out: list[FieldError] = []
    for err in exc.errors(include_url=False):
        ctx = err.get("ctx") or {}
        named = ctx.get("fields")
        path = ".".join(str(p) for p in err["loc"])
        if named and not path:
            for name in named:
                out.append(FieldError(field=name, message=err["msg"], errno=None, wire_field=None))
            continue
        out.append(FieldError(field=path or None, message=err["msg"], errno=None, wire_field=None))
    return out


def _summary(fields: Sequence[FieldError]) -> str:
    """``"a, b: message; c: other"``: fields sharing a message are listed together."""
    grouped: dict[str, list[str]] = {}
    for item in fields:
        grouped.setdefault(item["message"], []).append(item["field"] or "")
    return "; ".join(
        f"{', '.join(n for n in names if n)}: {msg}" if any(names) else msg
        for msg, names in grouped.items()
    )


def _map_field(name: str | None, names: Mapping[str, str]) -> str | None:
    """Rename an SDK argument or wire field to the action's input field (``customerid`` ->
    ``client_id``); dotted paths are renamed by their first part (``to.0`` stays ``to.0``)."""
    if name is None:
        return None
    if name in names:
        return names[name]
    head, dot, rest = name.partition(".")
    if dot and head in names:
        return f"{names[head]}.{rest}"
    return name


def error_from_exception(
    exc: BaseException, field_names: Mapping[str, str] | None = None
) -> ActionError:
    """The structured error for an exception (pure).

    ``field_names`` renames SDK argument and wire field names (errors raised by the SDK or
    answered by FreshBooks) to input field names. A ``pydantic.ValidationError`` is the
    action's own input validation: its fields already are the keys the caller sent, and are
    never renamed.

    >>> from freshbooks_sdk.errors import ErrorDetail, NotFoundError
    >>> err = NotFoundError("Client not found.", status_code=404,
    ...     errors=[ErrorDetail("Client not found.", errno=1012, field="customerid")])
    >>> e = error_from_exception(err, {"customerid": "client_id"})
    >>> e["type"], e["fields"][0]["field"], e["fields"][0]["errno"], e["retryable"]
    ('not_found', 'client_id', 1012, False)
    """
    names = field_names or {}
    kind = next((t for cls, t in _ERROR_TYPES if isinstance(exc, cls)), "internal_error")
    fields: list[FieldError] = []
    status_code: int | None = None
    retry_after: float | None = None
    retryable = False
    may_have_applied = False
    message = str(exc)
    if isinstance(exc, pydantic.ValidationError):
        fields = _pydantic_fields(exc)  # the caller's own keys: never renamed
        message = "invalid input (" + _summary(fields) + ")"
    elif isinstance(exc, InvalidRequestError):
        message = exc.message
        fields = [
            FieldError(
                field=_map_field(d.field, names), message=d.message, errno=d.errno, wire_field=None
            )
            for d in exc.errors
        ]
    elif isinstance(exc, APIStatusError):
        status_code = exc.status_code
        message = exc.message
        fields = [
            FieldError(
                field=_map_field(d.field, names) if d.field else None,
                message=d.message,
                errno=d.errno,
                wire_field=d.field or None,
            )
            for d in exc.errors
        ]
    elif isinstance(exc, FreshBooksError):
        message = exc.message
    else:
        message = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, FreshBooksError):
        may_have_applied = bool(exc.may_have_applied)
        retryable = exc.retryable and not may_have_applied
    if isinstance(exc, RateLimitError):
        retry_after = exc.retry_after
    return ActionError(
        type=kind,
        message=message,
        fields=fields,
        retryable=retryable,
        may_have_applied=may_have_applied,
        retry_after=retry_after,
        status_code=status_code,
    )


# ---------------------------------------------------------------------------------------------
# JSON output
# ---------------------------------------------------------------------------------------------


def to_json(value: Any) -> Any:
    """A JSON-serializable copy of an SDK value (pure).

    Models are dumped with ``model_dump()``; then ``Decimal`` becomes its exact decimal string,
    an aware ``datetime`` ISO 8601 UTC with ``Z`` (not FreshBooks' Eastern wire string, which
    ``model_dump(mode="json")`` would write), ``date`` ``YYYY-MM-DD``, an enum its value.

    >>> from freshbooks_sdk.models import Money
    >>> to_json({"paid": Money.of("7.60133524082021936099189318", "CAD")})
    {'paid': {'amount': '7.60133524082021936099189318', 'code': 'CAD'}}
    """
    if isinstance(value, (BaseModel, Money)):  # Money is a slotted value, not a BaseModel
        return to_json(value.model_dump(mode="python"))
    if isinstance(value, Enum):
        return to_json(value.value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return value.isoformat()
        return format_iso_z(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json(v) for v in value]
    if attrs.has(type(value)):
        return to_json(attrs.asdict(value, recurse=False))
    return str(value)


_OPEN_FORMATS = {
    "freshbooks-eastern-datetime": "date-time",
    "freshbooks-utc-datetime": "date-time",
}


def _output_schema_fixup(node: Any) -> Any:
    """Make a model's serialization schema describe :func:`to_json` output: FreshBooks time
    formats become ``date-time`` (ISO ``Z``) and status enums are open (any value, the known
    ones listed as ``examples``), because a new FreshBooks status must not break a consumer."""
    if isinstance(node, list):
        return [_output_schema_fixup(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _output_schema_fixup(v) for k, v in node.items()}
    fmt = out.get("format")
    if isinstance(fmt, str) and fmt in _OPEN_FORMATS:
        out["format"] = _OPEN_FORMATS[fmt]
    if "enum" in out and "type" in out:
        out["examples"] = out.pop("enum")
    return out


def model_output_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema of ``to_json(model_instance)``."""
    schema = model.model_json_schema(mode="serialization")
    fixed: dict[str, Any] = _output_schema_fixup(schema)
    return fixed


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

    def render(self, call: Call, value: Any) -> Any:
        """The SDK's result -> JSON output (``{"items", "count"}`` for listings)."""
        if call.many:
            items = [to_json(v) for v in value]
            return {"items": items, "count": len(items)}
        return to_json(value)

    def success(self, call: Call, value: Any) -> ActionResult:
        """An ``ok`` result holding the rendered output."""
        return ActionResult(ok=True, output=self.render(call, value))

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
            return self.success(call, list(value) if call.many else value)
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
                value: Any = [item async for item in target(**call.kwargs)]
            else:
                value = await target(**call.kwargs)
            return self.success(call, value)
        except Exception as exc:
            return self.failure(exc)


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

    class InvoiceList(BaseModel):
        """``freshbooks/list-invoices`` output."""

        items: list[Invoice]
        count: int

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

ACTIONS: Mapping[str, Action[Any]] = MappingProxyType(
    {
        a.name: a
        for a in (
            LIST_CLIENTS,
            CREATE_CLIENT,
            LIST_INVOICES,
            CREATE_INVOICE,
            SEND_INVOICE,
            CREATE_EXPENSE,
        )
    }
)
"""The actions by name."""


# ---------------------------------------------------------------------------------------------
# The trigger: freshbooks/invoice-updated, one poller cycle per call
# ---------------------------------------------------------------------------------------------


class CursorOut(BaseModel):
    """A poller cursor as JSON (keep it and pass it to the next cycle unchanged)."""

    v: int
    watermark: Annotated[str, Field(json_schema_extra={"format": "date-time"})]
    after_id: int | None
    boundary: list[tuple[int, str, str]]


class ActivationStatsOut(BaseModel):
    """Figures of the cycle (pages walked, requests made, items listed and emitted...)."""

    pages: int
    requests: int
    fetched: int
    emitted: int
    lag_seconds: float | None
    failed_cycles: int


def _activation_model() -> type[BaseModel]:
    from freshbooks_sdk.models import Invoice as InvoiceModel

    class Activation(BaseModel):
        """One activation: every invoice updated since the previous cursor (up to ``cap``),
        oldest change first, each in its latest state. ``id`` is deterministic: a cycle replayed
        from the same cursor seeing the same changes has the same id (drop duplicates by it)."""

        id: str
        key: str
        items: list[InvoiceModel]
        count: int
        deleted_ids: list[int]
        has_more: bool
        cursor_before: CursorOut
        cursor_after: CursorOut
        stats: ActivationStatsOut

    class InvoiceUpdatedOutput(BaseModel):
        """``run_once`` output: the activation (``null`` when nothing changed) and the cursor to
        pass to the next cycle (save it only once the activation has been handled)."""

        activation: Activation | None
        cursor: CursorOut

    return InvoiceUpdatedOutput


def render_activation(activation: Any) -> dict[str, Any] | None:
    """An activation (sync or async poller) -> JSON, ``None`` when it holds no item (pure)."""
    if not activation.items:
        return None
    items = [to_json(item) for item in activation.items]
    return {
        "id": activation.id,
        "key": activation.key,
        "items": items,
        "count": len(items),
        "deleted_ids": sorted(activation.deleted_ids),
        "has_more": activation.has_more,
        "cursor_before": activation.cursor_before,
        "cursor_after": activation.cursor_after,
        "stats": to_json(activation.stats),
    }


def _load_cursor(cursor: Mapping[str, Any] | str | None) -> Mapping[str, Any] | None:
    if cursor is None or isinstance(cursor, Mapping):
        return cursor
    if isinstance(cursor, str):
        if len(cursor) > 100_000:
            raise CorruptCursorError("cursor is larger than 100,000 characters")
        try:
            loaded = json.loads(cursor)
        except ValueError as exc:
            raise CorruptCursorError(f"cursor is not valid JSON: {exc}") from None
        except RecursionError:
            raise CorruptCursorError("cursor is not valid JSON: nested too deeply") from None
        if not isinstance(loaded, Mapping):
            raise CorruptCursorError("cursor must be a JSON object")
        return loaded
    raise CorruptCursorError(f"cursor must be a JSON object, got {type(cursor).__name__}")


def _trigger_data(name: str, data: object) -> dict[str, Any]:
    """The trigger's ``{"cursor": ..., **input}`` as a dict; anything but an object is refused."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise InvalidRequestError(
            f"{name} input must be a JSON object, got {type(data).__name__}", field="input"
        )
    return dict(data)


@attrs.frozen
class Trigger:
    """The ``freshbooks/invoice-updated`` polling trigger, for hosts that schedule the cycles.

    Each call runs **one** cycle of the invoice poller from a cursor the host keeps, and
    answers the activation (``None`` when nothing changed) and the next cursor::

        trigger = catalog["freshbooks/invoice-updated"]
        state = None                                    # the host persists this between calls
        out = trigger.run_once(fb, state, {"cap": 50})  # raises FreshBooksError on failure
        if out["activation"] is not None:
            deliver(out["activation"]["id"], out["activation"]["items"])
        state = out["cursor"]                           # save only after delivering

    With ``cursor=None`` the cursor starts at ``start`` (default ``"now"``: only later changes
    are reported). Delivery is at least once: a host that crashes before saving the cursor runs
    the same cycle again, and gets the same ``activation["id"]`` if nothing else changed.
    ``run(fb, {"cursor": ..., **input})`` / ``arun`` do the same but report failures as an
    :class:`ActionResult` (a 429 gives ``retryable`` and ``retry_after``; keep the old cursor).
    For a long-running process, :meth:`poller` builds the SDK's poller (sleeps, retries, stores
    the cursor in SQLite) from the same input.
    """

    name: str
    title: str
    description: str
    input_model: type[InvoiceUpdatedInput]
    output_model: type[BaseModel]
    example: Mapping[str, Any] = attrs.field(factory=dict)
    kind: Literal["trigger"] = "trigger"

    def parse(self, data: Mapping[str, Any] | BaseModel | None) -> InvoiceUpdatedInput:
        """Validate the trigger input (raises ``pydantic.ValidationError``)."""
        if isinstance(data, InvoiceUpdatedInput):
            return data
        if isinstance(data, BaseModel):
            data = data.model_dump()
        if data is not None and not isinstance(data, Mapping):
            raise InvalidRequestError(
                f"{self.name} input must be a JSON object, got {type(data).__name__}",
                field="input",
            )
        return self.input_model.model_validate(dict(data or {}))

    def input_schema(self) -> dict[str, Any]:
        """JSON Schema of the input."""
        schema = self.input_model.model_json_schema(mode="validation")
        schema["examples"] = [dict(self.example)]
        return schema

    def output_schema(self) -> dict[str, Any]:
        """JSON Schema of :meth:`run_once`'s answer."""
        return model_output_schema(self.output_model)

    # -- sync shell ---------------------------------------------------------------------------

    def poller(
        self,
        fb: FreshBooks,
        params: Mapping[str, Any] | InvoiceUpdatedInput | None = None,
        *,
        store: CursorStore | str | os.PathLike[str] | None = None,
        max_store_retries: int | None = None,
    ) -> Poller[Invoice]:
        """``fb.invoices.poll(...)`` configured by the trigger input: iterate it for a
        long-running process; ``store`` is a cursor store or a SQLite path (default: memory);
        ``max_store_retries``: the poller's (None: its default)."""
        p = self.parse(params)
        if max_store_retries is None:
            from freshbooks_sdk._sync.poller import DEFAULT_MAX_STORE_RETRIES

            max_store_retries = DEFAULT_MAX_STORE_RETRIES
        return fb.invoices.poll(
            start=p.start_value(),
            interval=p.interval,
            store=store,
            cap=p.cap,
            include_deleted=p.include_deleted,
            max_store_retries=max_store_retries,
        )

    def run_once(
        self,
        fb: FreshBooks,
        cursor: Mapping[str, Any] | str | None = None,
        params: Mapping[str, Any] | InvoiceUpdatedInput | None = None,
    ) -> dict[str, Any]:
        """One cycle: ``{"activation": {...} | None, "cursor": {...}}``. Raises on failure
        (``pydantic.ValidationError`` for bad input, ``FreshBooksError`` otherwise)."""
        # Without a cursor the poller's (in-memory) store seeds one from `start`.
        activation = self.poller(fb, params).poll_once(_load_cursor(cursor))
        return {"activation": render_activation(activation), "cursor": activation.cursor_after}

    def run(self, fb: FreshBooks, data: Mapping[str, Any] | None = None) -> ActionResult:
        """:meth:`run_once` with ``data = {"cursor": ..., **input}``; never raises."""
        try:
            params = _trigger_data(self.name, data)
            cursor = params.pop("cursor", None)
            return ActionResult(ok=True, output=self.run_once(fb, cursor, params))
        except Exception as exc:
            return ActionResult(ok=False, error=error_from_exception(exc))

    # -- async shell --------------------------------------------------------------------------

    def apoller(
        self,
        afb: AsyncFreshBooks,
        params: Mapping[str, Any] | InvoiceUpdatedInput | None = None,
        *,
        store: CursorStore | str | os.PathLike[str] | None = None,
    ) -> AsyncPoller[Invoice]:
        """The async twin of :meth:`poller` (``afb.invoices.poll(...)``)."""
        p = self.parse(params)
        return afb.invoices.poll(
            start=p.start_value(),
            interval=p.interval,
            store=store,
            cap=p.cap,
            include_deleted=p.include_deleted,
        )

    async def arun_once(
        self,
        afb: AsyncFreshBooks,
        cursor: Mapping[str, Any] | str | None = None,
        params: Mapping[str, Any] | InvoiceUpdatedInput | None = None,
    ) -> dict[str, Any]:
        """The async twin of :meth:`run_once`."""
        activation = await self.apoller(afb, params).poll_once(_load_cursor(cursor))
        return {"activation": render_activation(activation), "cursor": activation.cursor_after}

    async def arun(
        self, afb: AsyncFreshBooks, data: Mapping[str, Any] | None = None
    ) -> ActionResult:
        """The async twin of :meth:`run`; never raises."""
        try:
            params = _trigger_data(self.name, data)
            cursor = params.pop("cursor", None)
            return ActionResult(ok=True, output=await self.arun_once(afb, cursor, params))
        except Exception as exc:
            return ActionResult(ok=False, error=error_from_exception(exc))


INVOICE_UPDATED = Trigger(
    name="freshbooks/invoice-updated",
    title="Invoice updated",
    description=(
        "Polls the invoices list on an interval (default 5 minutes) and produces one activation "
        "per cycle holding every invoice updated since the previous cursor, never losing one "
        "(at least once; deterministic activation ids)."
    ),
    input_model=InvoiceUpdatedInput,
    output_model=_activation_model(),
    example={"start": "backfill:1h", "interval": 300, "cap": 100, "include_deleted": False},
)

TRIGGERS: Mapping[str, Trigger] = MappingProxyType({INVOICE_UPDATED.name: INVOICE_UPDATED})
"""The triggers by name."""

catalog: Mapping[str, Action[Any] | Trigger] = MappingProxyType({**ACTIONS, **TRIGGERS})
"""Every action and trigger by the integration's name (``catalog["freshbooks/create-client"]``)."""


# ---------------------------------------------------------------------------------------------
# JSON Schema export
# ---------------------------------------------------------------------------------------------


def _file_stem(name: str) -> str:
    return name.split("/", 1)[-1]


def schema_documents() -> dict[str, dict[str, Any]]:
    """Every schema file by name: ``<entry>.input.schema.json`` and ``<entry>.output.schema.json``
    for each action and trigger, plus ``action-result.schema.json`` (the result envelope)."""
    docs: dict[str, dict[str, Any]] = {}
    for entry in catalog.values():
        stem = _file_stem(entry.name)
        for part, schema in (("input", entry.input_schema()), ("output", entry.output_schema())):
            body = {
                "$schema": JSON_SCHEMA_DIALECT,
                "$id": f"{stem}.{part}.schema.json",
                "x-freshbooks-name": entry.name,
                "x-kind": entry.kind,
                **schema,
            }
            body["title"] = f"{entry.name} {part}"
            body["description"] = (
                entry.description if part == "input" else body.get("description", "")
            )
            docs[f"{stem}.{part}.schema.json"] = body
    result = ActionResult.model_json_schema(mode="serialization")
    docs["action-result.schema.json"] = {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": "action-result.schema.json",
        **result,
        "title": "ActionResult",
        "description": "What every action answers (the output schemas describe `output`).",
    }
    return docs


def _render(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export_schemas(directory: str | Path) -> list[Path]:
    """Write every schema file into ``directory`` (created if needed) and remove stale
    ``*.schema.json`` files there; returns the files written.

    >>> import tempfile
    >>> paths = export_schemas(tempfile.mkdtemp())
    >>> sorted(p.name for p in paths)[:2]
    ['action-result.schema.json', 'create-client.input.schema.json']
    """
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    docs = schema_documents()
    for stale in root.glob("*.schema.json"):
        if stale.name not in docs:
            stale.unlink()
    written: list[Path] = []
    for name, doc in sorted(docs.items()):
        path = root / name
        text = _render(doc)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def check_schemas(directory: str | Path) -> list[str]:
    """Problems between ``directory`` and the current schemas (empty when up to date)."""
    root = Path(directory)
    docs = schema_documents()
    problems: list[str] = []
    for name, doc in sorted(docs.items()):
        path = root / name
        if not path.exists():
            problems.append(f"missing: {path}")
        elif path.read_text(encoding="utf-8") != _render(doc):
            problems.append(f"out of date: {path}")
    for extra in sorted(root.glob("*.schema.json")):
        if extra.name not in docs:
            problems.append(f"stale: {extra}")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m freshbooks_sdk.integration --export schemas`` (or ``--check schemas``)."""
    parser = argparse.ArgumentParser(
        prog="python -m freshbooks_sdk.integration",
        description="Export (or check) the JSON Schemas of the action/trigger catalog.",
    )
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--export", metavar="DIR", help="write the schema files into DIR")
    group.add_argument("--check", metavar="DIR", help="exit 1 if DIR is not up to date")
    group.add_argument("--list", action="store_true", help="list the catalog")
    args = parser.parse_args(argv)
    if args.list:
        for entry in catalog.values():
            print(f"{entry.name:32} {entry.kind:8} {entry.title}")
        return 0
    if args.export:
        for path in export_schemas(args.export):
            print(path)
        return 0
    problems = check_schemas(args.check)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("run: python -m freshbooks_sdk.integration --export " + args.check, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
