"""Checked request bodies for payments, taxes and items (pure).

Every value is checked before anything is sent and a bad one raises
:class:`~freshbooks_sdk.errors.InvalidRequestError` naming the argument. Money is exact: a
``Money``, a decimal string, an int or a ``Decimal`` (never a float), in an explicit currency.

>>> from datetime import date
>>> payment_body(invoice_id=7, amount="41.94", date_paid=date(2024, 5, 1), currency="CAD")
{'invoiceid': 7, 'amount': {'amount': '41.94', 'code': 'CAD'}, 'date': '2024-05-01'}
>>> tax_body(name="HST", percent="13", number="RT 1234")
{'name': 'HST', 'amount': '13', 'number': 'RT 1234'}
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from freshbooks_sdk._core import inputs
from freshbooks_sdk._core.money_input import decimal_text, to_decimal, to_wire_money

__all__ = ["item_body", "payment_body", "tax_body"]

_MAX_TEXT = 10_000
_MAX_PERCENT = Decimal(100)


# One set of checks for the whole SDK: these delegate to ``_core/inputs.py``.


def _id(value: object, field: str) -> int:
    return inputs.check_id(value, field=field)


def _text(
    value: object,
    field: str,
    *,
    required: bool = False,
    max_len: int = _MAX_TEXT,
    single_line: bool = True,
) -> str | None:
    if value is None and required:
        raise inputs.invalid(field, "is required (a non-empty str)")
    text = inputs.check_text(value, field=field, max_len=max_len, single_line=single_line)
    if required and (text is None or not text.strip()):
        raise inputs.invalid(field, "must be a non-empty str", value)
    return text


def _bool(value: object, field: str) -> bool | None:
    return None if value is None else inputs.check_bool(value, field=field)


def _drop_none(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


def payment_body(
    *,
    invoice_id: int,
    amount: object,
    date_paid: date,
    currency: str | None,
    payment_type: str | None = None,
    note: str | None = None,
    send_client_notification: bool | None = None,
) -> dict[str, Any]:
    """The ``payment`` object: a positive exact amount in an explicit currency."""
    day = inputs.check_date(date_paid, field="date")
    if day is None:
        raise inputs.invalid("date", "is required (a datetime.date)")
    paid_to = _id(invoice_id, "invoice_id")
    money = to_wire_money(amount, currency, field="amount", allow_negative=False)
    if Decimal(money["amount"]) == 0:
        raise inputs.invalid("amount", "must be more than zero", amount)
    return _drop_none(
        {
            "invoiceid": paid_to,
            "amount": money,
            "date": day.isoformat(),
            "type": _text(payment_type, "type", max_len=100),
            "note": _text(note, "note", single_line=False),
            "send_client_notification": _bool(send_client_notification, "send_client_notification"),
        }
    )


def tax_body(
    *, name: str, percent: object, number: str | None = None, compound: bool | None = None
) -> dict[str, Any]:
    """The ``tax`` object: ``percent`` is the rate (``"13"`` for 13 %), 0..100."""
    rate = to_decimal(percent, field="percent", allow_negative=False)
    if rate > _MAX_PERCENT:
        raise inputs.invalid(
            "percent", f"must be between 0 and 100, got {inputs.describe(rate)}", percent
        )
    return _drop_none(
        {
            "name": _text(name, "name", required=True, max_len=200),
            "amount": decimal_text(rate),
            "number": _text(number, "number", max_len=200),
            "compound": _bool(compound, "compound"),
        }
    )


def item_body(
    *,
    name: str,
    unit_cost: object = None,
    currency: str | None = None,
    description: str | None = None,
    qty: object = None,
    inventory: object = None,
    sku: str | None = None,
    tax1: int | None = None,
    tax2: int | None = None,
) -> dict[str, Any]:
    """The ``item`` object; ``tax1``/``tax2`` are tax ids (``fb.taxes``), not percents."""
    return _drop_none(
        {
            "name": _text(name, "name", required=True, max_len=200),
            "description": _text(description, "description", single_line=False),
            "qty": None if qty is None else decimal_text(to_decimal(qty, field="qty")),
            "inventory": None
            if inventory is None
            else decimal_text(to_decimal(inventory, field="inventory", allow_negative=False)),
            "sku": _text(sku, "sku", max_len=200),
            "tax1": None if tax1 is None else _id(tax1, "tax1"),
            "tax2": None if tax2 is None else _id(tax2, "tax2"),
            "unit_cost": None
            if unit_cost is None
            else to_wire_money(unit_cost, currency, field="unit_cost", allow_negative=False),
        }
    )


# ---- webhooks (callbacks) --------------------------------------------------------------------

CALLBACK_OBJECTS = frozenset(
    {
        "bill",
        "bill_vendor",
        "category",
        "client",
        "credit_note",
        "estimate",
        "expense",
        "invoice",
        "item",
        "payment",
        "project",
        "recurring",
        "service",
        "tax",
        "time_entry",
    }
)
"""The objects FreshBooks sends events for (API notes §8)."""
CALLBACK_ACTIONS = frozenset({"create", "update", "delete"})
_SPECIAL_EVENTS = frozenset({"estimate.sendByEmail", "invoice.sendByEmail"})


def check_event(event: object, field: str = "event") -> str:
    """``"invoice"`` (every invoice event) or ``"invoice.create"``; unknown names are refused
    (FreshBooks answers 422 "Unrecognized event")."""
    if isinstance(event, str):
        obj, _, action = event.partition(".")
        if event in _SPECIAL_EVENTS or (
            obj in CALLBACK_OBJECTS and (not action or action in CALLBACK_ACTIONS)
        ):
            return str.__str__(event)
    raise inputs.invalid(
        field,
        f"must be an object ({', '.join(sorted(CALLBACK_OBJECTS))}) optionally followed "
        f"by .create/.update/.delete (or invoice.sendByEmail, estimate.sendByEmail); "
        f"got {inputs.describe(event)}",
        event,
    )


def check_callback_uri(uri: object) -> str:
    """An absolute ``https://`` (or ``http://``) URL with a host, no spaces, at most 2048 long."""
    from urllib.parse import urlsplit

    text = _text(uri, "uri", required=True, max_len=2048)
    if text is not None and not any(c.isspace() for c in text):
        try:
            parts = urlsplit(text)
            reachable = parts.scheme in ("https", "http") and bool(parts.hostname)
        except ValueError:
            reachable = False
        if reachable:
            return text
    raise inputs.invalid(
        "uri", f"must be an absolute https:// URL FreshBooks can reach, got {inputs.describe(uri)}"
    )


def check_verifier(verifier: object) -> str:
    """The code FreshBooks POSTed to the callback's uri."""
    text = _text(verifier, "verifier", required=True, max_len=1000)
    assert text is not None
    return text
