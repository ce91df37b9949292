"""Request inputs: checked and shaped for the wire before anything is sent (pure).

Each builder returns the dict that goes under the resource key (``{"invoice": {...}}``), or
raises :class:`~freshbooks_sdk.errors.InvalidRequestError` naming the field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypedDict, TypeVar, Union

import pydantic

from freshbooks_sdk._core.fbtime import eastern_date, ensure_aware, in_supported_range
from freshbooks_sdk._core.money_input import (
    check_currency,
    decimal_text,
    to_decimal,
    to_wire_money,
)
from freshbooks_sdk.errors import ErrorDetail, InvalidRequestError

T = TypeVar("T")

PHASE_KEYS = ("vis_state", "ext_vis_state")

MoneyLike = Union[str, int, Decimal, Any]


class Address(TypedDict, total=False):
    """A client's primary address (sent as FreshBooks' ``p_*`` fields)."""

    street: str
    street2: str
    city: str
    province: str
    postal_code: str
    country: str


class InvoiceLineInput(TypedDict, total=False):
    """One invoice line: ``name`` and ``unit_cost`` are required, ``qty`` defaults to 1.

    >>> line: InvoiceLineInput = {"name": "Design", "qty": "3", "unit_cost": "120.00"}
    """

    name: str
    description: str
    qty: str | int | Decimal
    unit_cost: MoneyLike
    tax_name1: str
    tax_percent1: str | int | Decimal
    tax_name2: str
    tax_percent2: str | int | Decimal


def validation_to_invalid_request(exc: pydantic.ValidationError) -> InvalidRequestError:
    """Turn pydantic's error list into one ``InvalidRequestError`` naming every bad field."""
    details: list[ErrorDetail] = []
    for err in exc.errors(include_url=False):
        field = ".".join(str(p) for p in err["loc"]) or None
        value = err.get("input")
        details.append(
            ErrorDetail(
                message=err["msg"],
                field=field,
                value=None
                if isinstance(value, (dict, list))
                else (None if value is None else str(value)),
            )
        )
    first = details[0]
    summary = "; ".join(f"{d.field}: {d.message}" if d.field else d.message for d in details)
    return InvalidRequestError(
        f"invalid input ({summary})", field=first.field, value=first.value, errors=details
    )


def _is_phase_key(key: object) -> bool:
    norm = str(key).strip().lower()
    return norm in PHASE_KEYS or norm.startswith("action_")


def check_update_phase(
    fields: Mapping[str, Any], *, resource: str, actions: str, method: str = "update"
) -> None:
    """Refuse ``vis_state``/``action_*`` keys (in any case or spacing, at any depth) in a
    normal create or update.

    FreshBooks applies a PUT in phases: with ``vis_state`` or an ``action_*`` key present it
    silently drops every other field. Those are single-purpose calls here.
    """
    for key, value in fields.items():
        if _is_phase_key(key):
            raise InvalidRequestError(
                f"{resource}.{method}() does not send {key!r}: FreshBooks would silently drop "
                f"the other fields. Use {actions} instead.",
                field=str(key),
            )
        if isinstance(value, Mapping):
            check_update_phase(value, resource=resource, actions=actions, method=method)


def updated_since_filter(
    updated_since: datetime | None, *, field: str = "updated_since"
) -> tuple[date | None, Callable[[Any], bool] | None]:
    """(``search[updated_min]`` Eastern day, exact client-side predicate) for an aware instant.

    FreshBooks filters ``updated_min`` by Eastern calendar day only; the predicate then keeps
    exactly the records whose parsed ``updated`` is at or after the instant.
    """
    if updated_since is None:
        return None, None
    if not isinstance(updated_since, datetime):
        raise InvalidRequestError(
            f"{field} must be an aware datetime, got {type(updated_since).__name__}",
            field=field,
            value=updated_since,
        )
    try:
        instant = ensure_aware(updated_since, name=field)
    except ValueError as exc:
        raise InvalidRequestError(str(exc), field=field, value=updated_since) from None
    if not in_supported_range(instant):
        raise InvalidRequestError(
            f"{field} must lie between 1970 and 2200, got {instant.isoformat()}",
            field=field,
            value=updated_since,
        )

    def keep(item: Any) -> bool:
        stamp = getattr(item, "updated", None)
        return stamp is None or stamp >= instant

    return eastern_date(instant), keep


def check_date(value: object, *, field: str) -> date | None:
    """A calendar ``date`` (a ``datetime`` is refused: FreshBooks dates have no time)."""
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise InvalidRequestError(
            f"{field} must be a datetime.date, got {value!r}", field=field, value=value
        )
    return value


def check_id(value: object, *, field: str) -> int:
    """A positive int id."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidRequestError(
            f"{field} must be a positive int id, got {value!r}", field=field, value=value
        )
    return value


def check_text(value: object, *, field: str, max_len: int | None = None) -> str | None:
    """An optional string."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"{field} must be a str, got {type(value).__name__}", field=field, value=value
        )
    if max_len is not None and len(value) > max_len:
        raise InvalidRequestError(
            f"{field} is longer than {max_len} characters", field=field, value=value
        )
    return value


def _drop_none(body: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


# -- clients -----------------------------------------------------------------------------------

ADDRESS_FIELDS = {
    "street": "p_street",
    "street2": "p_street2",
    "city": "p_city",
    "province": "p_province",
    "postal_code": "p_code",
    "country": "p_country",
}


def client_body(
    *,
    email: str | None = None,
    fname: str | None = None,
    lname: str | None = None,
    organization: str | None = None,
    address: Mapping[str, object] | None = None,
    currency_code: str | None = None,
    extra: Mapping[str, Any] | None = None,
    require_identity: bool = True,
) -> dict[str, Any]:
    """The ``client`` body for create/update; ``address`` keys: street, street2, city,
    province, postal_code, country (sent as FreshBooks' primary address ``p_*`` fields)."""
    body: dict[str, Any] = {
        "email": check_text(email, field="email"),
        "fname": check_text(fname, field="fname"),
        "lname": check_text(lname, field="lname"),
        "organization": check_text(organization, field="organization"),
    }
    if email is not None and "@" not in email:
        raise InvalidRequestError(
            f"email does not look like an address: {email!r}", field="email", value=email
        )
    if require_identity and not any(v and v.strip() for v in body.values()):
        raise InvalidRequestError(
            "a client needs at least one of fname, lname, email or organization "
            "(FreshBooks errno 7012)",
            field="fname",
        )
    if address is not None:
        if not isinstance(address, Mapping):
            raise InvalidRequestError(
                f"address must be a mapping of {sorted(ADDRESS_FIELDS)}, got {type(address).__name__}",
                field="address",
                value=address,
            )
        unknown = set(address) - set(ADDRESS_FIELDS)
        if unknown:
            raise InvalidRequestError(
                f"unknown address field(s) {sorted(unknown)}; use {sorted(ADDRESS_FIELDS)}",
                field=f"address.{sorted(unknown)[0]}",
            )
        for key, wire in ADDRESS_FIELDS.items():
            body[wire] = check_text(address.get(key), field=f"address.{key}")
    if currency_code is not None:
        body["currency_code"] = check_currency(currency_code)
    if extra:
        check_update_phase(extra, resource="clients", actions="clients.delete()", method="create")
        body.update(extra)
    return _drop_none(body)


# -- invoices ----------------------------------------------------------------------------------

LINE_KEYS = {
    "name",
    "description",
    "qty",
    "quantity",
    "unit_cost",
    "tax_name1",
    "tax_percent1",
    "tax_name2",
    "tax_percent2",
    "type",
    "expenseid",
}


def _percent(value: object, *, field: str) -> str | None:
    if value is None:
        return None
    number = to_decimal(value, field=field, allow_negative=False)
    if number > 100:
        raise InvalidRequestError(
            f"{field} is a percent (0-100), got {value!r}", field=field, value=value
        )
    return decimal_text(number)


def _line_type(value: object, *, field: str) -> int:
    """A line ``type``: 0 (normal) or 1 (a rebilled expense, with ``expenseid``)."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in (0, 1):
        raise InvalidRequestError(
            f"{field} must be 0 (normal line) or 1 (rebilled expense), got {value!r}",
            field=field,
            value=value,
        )
    return value


def invoice_line(line: Mapping[str, Any] | Any, index: int, currency: str | None) -> dict[str, Any]:
    """One invoice line for the wire; ``line`` is a mapping or an ``InvoiceLineCreate``-like object.

    Keys: ``name`` (required), ``description``, ``qty``/``quantity`` (default 1, not negative),
    ``unit_cost`` (money input), ``tax_name1``/``tax_percent1``, ``tax_name2``/``tax_percent2``.
    """
    where = f"lines.{index}"
    if hasattr(line, "model_dump"):
        line = {k: v for k, v in line.model_dump(exclude_none=True).items()}
    if not isinstance(line, Mapping):
        raise InvalidRequestError(
            f"{where} must be a mapping of line fields", field=where, value=line
        )
    unknown = set(line) - LINE_KEYS - {"taxName1", "taxAmount1", "taxName2", "taxAmount2"}
    if unknown:
        raise InvalidRequestError(
            f"{where} has unknown field(s) {sorted(unknown)}", field=f"{where}.{sorted(unknown)[0]}"
        )
    name = line.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidRequestError(
            f"{where}.name is required (a non-empty str)", field=f"{where}.name", value=name
        )
    qty_in = line.get("qty", line.get("quantity", 1))
    qty = to_decimal(qty_in, field=f"{where}.qty", allow_negative=False)
    if "unit_cost" not in line:
        raise InvalidRequestError(f"{where}.unit_cost is required", field=f"{where}.unit_cost")
    body: dict[str, Any] = {
        "type": _line_type(line.get("type", 0), field=f"{where}.type"),
        "name": name,
        "description": check_text(line.get("description"), field=f"{where}.description"),
        "qty": decimal_text(qty),
        "unit_cost": to_wire_money(line["unit_cost"], currency, field=f"{where}.unit_cost"),
        "taxName1": check_text(
            line.get("tax_name1", line.get("taxName1")), field=f"{where}.tax_name1"
        ),
        "taxAmount1": _percent(
            line.get("tax_percent1", line.get("taxAmount1")), field=f"{where}.tax_percent1"
        ),
        "taxName2": check_text(
            line.get("tax_name2", line.get("taxName2")), field=f"{where}.tax_name2"
        ),
        "taxAmount2": _percent(
            line.get("tax_percent2", line.get("taxAmount2")), field=f"{where}.tax_percent2"
        ),
        "expenseid": line.get("expenseid"),
    }
    return _drop_none(body)


def line_unit_costs(lines: object) -> list[object]:
    """The given ``unit_cost`` of each line (mappings or line objects); others are skipped."""
    if isinstance(lines, (str, bytes)) or not isinstance(lines, Sequence):
        return []
    costs = [
        ln.get("unit_cost") if isinstance(ln, Mapping) else getattr(ln, "unit_cost", None)
        for ln in lines
    ]
    return [c for c in costs if c is not None]


def resolve_currency(
    explicit: str | None, default: str | None, money_values: Iterable[object]
) -> str | None:
    """The document currency: the call's, else a ``Money`` input's, else the client default."""
    if explicit is not None:
        return check_currency(explicit)
    for value in money_values:
        own = getattr(value, "code", None)
        if isinstance(own, str):
            return check_currency(own)
    return default


def invoice_body(
    *,
    customer_id: int,
    lines: Sequence[Mapping[str, Any] | Any],
    currency_code: str | None,
    default_currency: str | None,
    create_date: date | None,
    today: date,
    due_offset_days: int | None = None,
    po_number: str | None = None,
    notes: str | None = None,
    terms: str | None = None,
    invoice_number: str | None = None,
    discount_percent: object = None,
    language: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``invoice`` body for create: lines are required and all in one currency."""
    check_id(customer_id, field="customer_id")
    if isinstance(lines, (str, bytes)) or not isinstance(lines, Sequence) or len(lines) == 0:
        raise InvalidRequestError(
            "lines must be a non-empty list of invoice lines", field="lines", value=lines
        )
    currency = resolve_currency(currency_code, default_currency, line_unit_costs(lines))
    if currency is None:
        raise InvalidRequestError(
            "currency_code is required: pass currency_code=..., Money line costs, or set "
            "default_currency on the client (the currency is never assumed)",
            field="currency_code",
        )
    if due_offset_days is not None and (
        isinstance(due_offset_days, bool)
        or not isinstance(due_offset_days, int)
        or due_offset_days < 0
    ):
        raise InvalidRequestError(
            f"due_offset_days must be an int >= 0, got {due_offset_days!r}",
            field="due_offset_days",
            value=due_offset_days,
        )
    day = check_date(create_date, field="create_date") or today
    body: dict[str, Any] = {
        "customerid": customer_id,
        "create_date": day.isoformat(),
        "currency_code": currency,
        "lines": [invoice_line(line, i, currency) for i, line in enumerate(lines)],
        "due_offset_days": due_offset_days,
        "po_number": check_text(po_number, field="po_number"),
        "notes": check_text(notes, field="notes"),
        "terms": check_text(terms, field="terms"),
        "invoice_number": check_text(invoice_number, field="invoice_number"),
        "discount_value": _percent(discount_percent, field="discount_percent"),
        "language": check_text(language, field="language"),
    }
    if extra:
        check_update_phase(
            extra,
            resource="invoices",
            actions="invoices.send(), mark_as_sent() or delete()",
            method="create",
        )
        body.update(extra)
    return _drop_none(body)


def invoice_update_body(fields: Mapping[str, Any], currency: str | None) -> dict[str, Any]:
    """A partial ``invoice`` update: never carries ``vis_state`` or ``action_*`` keys."""
    check_update_phase(
        fields, resource="invoices", actions="invoices.send(), mark_as_sent() or delete()"
    )
    if not fields:
        raise InvalidRequestError("update needs at least one field", field="fields")
    body = dict(fields)
    if "lines" in body:
        body["lines"] = [invoice_line(line, i, currency) for i, line in enumerate(body["lines"])]
    if "create_date" in body and isinstance(body["create_date"], date):
        body["create_date"] = body["create_date"].isoformat()
    return body


def send_body(
    *,
    to: Sequence[str] | None,
    subject: str | None,
    body: str | None,
    include_pdf: bool,
) -> dict[str, Any]:
    """The single-purpose ``action_email`` PUT body."""
    recipients: list[str] = []
    if to is not None:
        if isinstance(to, str):
            to = [to]
        for i, address in enumerate(to):
            if not isinstance(address, str) or "@" not in address:
                raise InvalidRequestError(
                    f"to[{i}] is not an email address: {address!r}", field=f"to.{i}", value=address
                )
            recipients.append(address)
    payload: dict[str, Any] = {"action_email": True, "email_include_pdf": bool(include_pdf)}
    if recipients:
        payload["email_recipients"] = recipients
    if subject is not None or body is not None:
        payload["invoice_customized_email"] = _drop_none(
            {
                "subject": check_text(subject, field="subject"),
                "body": check_text(body, field="body"),
            }
        )
    return payload


# -- expenses ----------------------------------------------------------------------------------


def expense_body(
    *,
    amount: object,
    category_id: int,
    date_: date,
    staff_id: int | None,
    currency_code: str | None,
    default_currency: str | None,
    vendor: str | None = None,
    client_id: int | None = None,
    project_id: int | None = None,
    notes: str | None = None,
    tax_name1: str | None = None,
    tax_amount1: object = None,
    tax_name2: str | None = None,
    tax_amount2: object = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``expense`` body for create (``categoryid``, ``amount``, ``date`` required; FreshBooks
    also requires ``staffid``, which the resource looks up when ``staff_id`` is None)."""
    check_id(category_id, field="category_id")
    if staff_id is not None:
        check_id(staff_id, field="staff_id")
    if client_id is not None:
        check_id(client_id, field="client_id")
    if project_id is not None:
        check_id(project_id, field="project_id")
    day = check_date(date_, field="date")
    if day is None:
        raise InvalidRequestError("date is required (a datetime.date)", field="date")
    currency = resolve_currency(currency_code, default_currency, [amount])
    money = to_wire_money(amount, currency, field="amount", allow_negative=False)
    body: dict[str, Any] = {
        "amount": money,
        "categoryid": category_id,
        "date": day.isoformat(),
        "staffid": staff_id,
        "vendor": check_text(vendor, field="vendor"),
        "clientid": client_id,
        "projectid": project_id,
        "notes": check_text(notes, field="notes"),
        "taxName1": check_text(tax_name1, field="tax_name1"),
        "taxAmount1": None
        if tax_amount1 is None
        else to_wire_money(tax_amount1, money["code"], field="tax_amount1", allow_negative=False),
        "taxName2": check_text(tax_name2, field="tax_name2"),
        "taxAmount2": None
        if tax_amount2 is None
        else to_wire_money(tax_amount2, money["code"], field="tax_amount2", allow_negative=False),
    }
    if extra:
        check_update_phase(extra, resource="expenses", actions="expenses.delete()", method="create")
        body.update(extra)
    return _drop_none(body)


def expense_update_body(
    *,
    amount: object = None,
    currency_code: str | None = None,
    default_currency: str | None = None,
    category_id: int | None = None,
    date_: date | None = None,
    vendor: str | None = None,
    client_id: int | None = None,
    project_id: int | None = None,
    notes: str | None = None,
    fields: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A partial ``expense`` update: only what is given, in wire names; phase keys refused."""
    body: dict[str, Any] = {
        "categoryid": None if category_id is None else check_id(category_id, field="category_id"),
        "date": None if date_ is None else (check_date(date_, field="date") or date_).isoformat(),
        "vendor": check_text(vendor, field="vendor"),
        "clientid": None if client_id is None else check_id(client_id, field="client_id"),
        "projectid": None if project_id is None else check_id(project_id, field="project_id"),
        "notes": check_text(notes, field="notes"),
    }
    if amount is not None:
        currency = resolve_currency(currency_code, default_currency, [amount])
        body["amount"] = to_wire_money(amount, currency, field="amount", allow_negative=False)
    return plain_update_body(
        {**_drop_none(body), **(fields or {})}, resource="expenses", actions="expenses.delete()"
    )


def plain_update_body(fields: Mapping[str, Any], *, resource: str, actions: str) -> dict[str, Any]:
    """A partial update of wire fields (dates become ISO strings); phase keys refused."""
    check_update_phase(fields, resource=resource, actions=actions)
    if not fields:
        raise InvalidRequestError("update needs at least one field", field="fields")
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if isinstance(value, float):
            raise InvalidRequestError(
                f"{key} must not be a float (use a decimal string)", field=key, value=value
            )
        out[key] = value.isoformat() if isinstance(value, date) else value
    return out
