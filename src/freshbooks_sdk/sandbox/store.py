"""In-memory state: records per business, id counters, randomness and the email outbox.

Records keep typed values (``Decimal`` money, aware ``datetime``) and render to FreshBooks' wire
shape in ``resources/``. Tests may read them through ``Sandbox.store(account_id)``.
"""

from __future__ import annotations

import random
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from .seed import BusinessSeed
from .wire import JsonObj

__all__ = [
    "AccountStore",
    "ExpenseRecord",
    "InvoiceRecord",
    "LineRecord",
    "OutboxEmail",
    "Record",
    "World",
]

# First id handed out per resource: far apart so a client id never passes for an invoice id.
_FIRST_IDS = {
    "clients": 1_000_001,
    "invoices": 2_000_001,
    "expenses": 3_000_001,
    "categories": 4_000_001,
    "attachments": 5_000_001,
    "payments": 6_000_001,
    "taxes": 6_500_001,
    "items": 7_000_001,
}


@dataclass(kw_only=True)
class Record:
    """One stored object. ``fields`` holds plain wire values (str/int/bool/None/list/dict)."""

    id: int
    created: datetime
    updated: datetime
    vis_state: int = 0
    fields: JsonObj = field(default_factory=dict)


@dataclass(kw_only=True)
class LineRecord:
    """An invoice line; ``amount`` is computed (``qty * unit_cost``, rounded to cents)."""

    lineid: int
    qty: Decimal
    unit_cost: Decimal
    tax1: Decimal = Decimal(0)  # percent
    tax2: Decimal = Decimal(0)  # percent
    updated: datetime
    fields: JsonObj = field(default_factory=dict)


@dataclass(kw_only=True)
class InvoiceRecord(Record):
    customerid: int
    currency_code: str
    create_date: date
    due_offset_days: int = 0
    discount: Decimal = Decimal(0)  # percent
    lines: list[LineRecord] = field(default_factory=list)
    paid: Decimal = Decimal(0)
    status: int = 1
    v3_status: str = "draft"
    display_status: str = "draft"
    date_paid: date | None = None


@dataclass(kw_only=True)
class ExpenseRecord(Record):
    amount: Decimal
    currency_code: str
    tax_amount1: Decimal | None = None
    tax_amount2: Decimal | None = None


@dataclass(frozen=True)
class OutboxEmail:
    """An invoice email FreshBooks would have sent (``sb.outbox``)."""

    account_id: str
    invoice_id: int
    recipients: tuple[str, ...]
    subject: str
    body: str
    include_pdf: bool
    sent_at: datetime


class AccountStore:
    """Everything one business (``account_id``) holds. Mutate only under the sandbox lock."""

    def __init__(self, business: BusinessSeed) -> None:
        self.business = business
        self.clients: dict[int, Record] = {}
        self.invoices: dict[int, InvoiceRecord] = {}
        self.expenses: dict[int, ExpenseRecord] = {}
        self.categories: dict[int, Record] = {}
        self.staff: dict[int, Record] = {}
        self.payments: dict[int, Record] = {}
        self.taxes: dict[int, Record] = {}
        self.items: dict[int, Record] = {}
        self.invoice_counter = 0

    @property
    def account_id(self) -> str:
        return self.business.account_id

    def __repr__(self) -> str:
        return (
            f"AccountStore({self.account_id}: {len(self.clients)} clients, "
            f"{len(self.invoices)} invoices, {len(self.expenses)} expenses)"
        )


class World:
    """Cross-business state: id counters, randomness (seedable), the outbox."""

    def __init__(self, seed: int | None) -> None:
        self.rng: random.Random = (
            random.Random(seed) if seed is not None else secrets.SystemRandom()
        )
        self._next = dict(_FIRST_IDS)
        self.outbox: list[OutboxEmail] = []

    def next_id(self, kind: str) -> int:
        value = self._next[kind]
        self._next[kind] = value + 1
        return value

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def token(self, nbytes: int = 32) -> str:
        return f"{self.rng.getrandbits(nbytes * 8):0{nbytes * 2}x}"

    def username(self) -> str:
        alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        return "".join(self.rng.choice(alphabet) for _ in range(10))
