"""Open status enums of the FreshBooks wire models (re-exported by :mod:`freshbooks_sdk.models`).

Plain ``enum`` classes with no pydantic in sight, in their own module so the resources can use
them (``InvoiceV3Status("paid")`` in a filter) without importing the models: ``from freshbooks_sdk
import FreshBooks`` builds no model. The module is public because it is where the classes are
defined: type checkers (``reveal_type(invoice.v3_status)``), reprs and pickles name
``freshbooks_sdk.enums.InvoiceV3Status``; import them from here or from
:mod:`freshbooks_sdk.models` (the same classes).
"""

from __future__ import annotations

from enum import Enum
from typing import Any

__all__ = [
    "DepositStatus",
    "DisplayStatus",
    "ExpenseStatus",
    "InvoiceStatus",
    "InvoiceV3Status",
    "OpenIntEnum",
    "OpenStrEnum",
    "PaymentStatus",
    "VisState",
]


class _OpenMembers:
    """What both open enums share: pseudo-members named ``UNKNOWN`` for unlisted values."""

    _name_: str
    _value_: Any

    @property
    def is_known(self) -> bool:
        """True for a documented value, False for a pseudo-member made for an unknown one."""
        return self._name_ != "UNKNOWN"

    def __str__(self) -> str:
        return str(self._value_)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}.{self._name_}: {self._value_!r}>"


class OpenStrEnum(_OpenMembers, str, Enum):
    """A string enum that accepts values it does not list (a new FreshBooks status).

    Documented values are members; any other string becomes a *pseudo-member* whose ``value``
    is that string and whose ``name`` is ``"UNKNOWN"``. Pseudo-members compare equal to their
    string, serialize back unchanged, and are not added to the class (``list(cls)`` only shows
    the documented values).

    >>> InvoiceV3Status("paid") is InvoiceV3Status.PAID
    True
    >>> future = InvoiceV3Status("refunded")
    >>> (future.name, future.value, future == "refunded", future.is_known)
    ('UNKNOWN', 'refunded', True, False)
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = "UNKNOWN"
        member._value_ = value
        return member


class OpenIntEnum(_OpenMembers, int, Enum):
    """An integer enum that accepts values it does not list (see :class:`OpenStrEnum`).

    >>> InvoiceStatus(4) is InvoiceStatus.PAID
    True
    >>> InvoiceStatus(9).is_known, InvoiceStatus(9) == 9
    (False, True)
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        member = int.__new__(cls, value)
        member._name_ = "UNKNOWN"
        member._value_ = value
        return member


class InvoiceV3Status(OpenStrEnum):
    """Invoice ``v3_status``, the status meant for filtering (``search[v3_status]=paid``).

    >>> InvoiceV3Status("deposit-partial") is InvoiceV3Status.DEPOSIT_PARTIAL
    True
    """

    CREATED = "created"
    DRAFT = "draft"
    SENT = "sent"
    VIEWED = "viewed"
    FAILED = "failed"
    RETRY = "retry"
    SUCCESS = "success"
    AUTOPAID = "autopaid"
    PAID = "paid"
    PARTIAL = "partial"
    DISPUTED = "disputed"
    RESOLVED = "resolved"
    OVERDUE = "overdue"
    DEPOSIT_PARTIAL = "deposit-partial"
    DEPOSIT_PAID = "deposit-paid"
    DECLINED = "declined"
    PENDING = "pending"


class InvoiceStatus(OpenIntEnum):
    """Invoice ``status`` (an int on the wire; ``v3_status`` is the richer one).

    >>> InvoiceStatus(2).name
    'SENT'
    """

    DISPUTED = 0
    DRAFT = 1
    SENT = 2
    VIEWED = 3
    PAID = 4
    AUTO_PAID = 5
    RETRY = 6
    FAILED = 7
    PARTIAL = 8


class ExpenseStatus(OpenIntEnum):
    """Expense ``status`` (read-only): 0 internal, 1 outstanding, 2 invoiced, 4 recouped.

    >>> ExpenseStatus(4).name
    'RECOUPED'
    """

    INTERNAL = 0
    OUTSTANDING = 1
    INVOICED = 2
    RECOUPED = 4


class PaymentStatus(OpenStrEnum):
    """Invoice ``payment_status``.

    >>> PaymentStatus("auto-paid") is PaymentStatus.AUTO_PAID
    True
    """

    UNPAID = "unpaid"
    PARTIAL = "partial"
    PAID = "paid"
    AUTO_PAID = "auto-paid"


class DisplayStatus(OpenStrEnum):
    """Invoice ``display_status`` (what the FreshBooks UI shows).

    >>> DisplayStatus("outstanding").name
    'OUTSTANDING'
    """

    DRAFT = "draft"
    CREATED = "created"
    SENT = "sent"
    VIEWED = "viewed"
    OUTSTANDING = "outstanding"


class DepositStatus(OpenStrEnum):
    """Invoice ``deposit_status``.

    >>> DepositStatus("none") is DepositStatus.NONE
    True
    """

    PAID = "paid"
    UNPAID = "unpaid"
    PARTIAL = "partial"
    NONE = "none"
    CONVERTED = "converted"


class VisState(OpenIntEnum):
    """``vis_state`` of accounting objects: 0 active, 1 deleted, 2 archived.

    Never send it in a normal update: a PUT carrying ``vis_state`` drops every other field.

    >>> VisState(2).name
    'ARCHIVED'
    """

    ACTIVE = 0
    DELETED = 1
    ARCHIVED = 2
