"""FreshBooks query encoding (pure).

Accounting lists take ``search[key]=value``, ``search[keys][]=v`` for "in" filters,
``include[]=lines``, ``page`` and ``per_page``; httpx percent-encodes the brackets.

>>> build_query(search={"email": "a@b.com", "customerids": [1, 2]}, include=["lines"], page=2, per_page=100)
[('search[email]', 'a@b.com'), ('search[customerids][]', '1'), ('search[customerids][]', '2'), ('include[]', 'lines'), ('page', '2'), ('per_page', '100')]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Union

from freshbooks_sdk._core.inputs import MAX_ID, check_int, describe
from freshbooks_sdk._core.money_input import decimal_text, to_decimal
from freshbooks_sdk.errors import InvalidRequestError

Scalar = Union[str, int, Decimal, date, bool]
SearchValue = Union[Scalar, Sequence[Scalar], None]
QueryParams = list[tuple[str, str]]

_ACCOUNT_ID_RE = re.compile(r"^[A-Za-z0-9]{1,32}$")
_QUERY_TEXT_BAD = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
MAX_QUERY_TEXT = 255
"""Longest text filter value (a query string must stay a sane URL)."""
MAX_IN_VALUES = 100
"""Most values in one "in" filter (``search[userids][]``)."""

CLIENT_INCLUDES = (
    "outstanding_balance",
    "credit_balance",
    "draft_balance",
    "overdue_balance",
    "grand_total_balance",
    "last_activity",
    "late_reminders",
    "late_fee",
)
"""Documented ``include[]`` names of clients (FreshBooks API docs, clients)."""
INVOICE_INCLUDES = ("lines", "presentation", "allowed_gateways", "contacts")
"""Known ``include[]`` names of invoices."""
EXPENSE_INCLUDES = ("attachment", "category", "expense_profile", "project", "account")
"""Documented ``include[]`` names of expenses (FreshBooks API docs, expenses)."""


def encode_scalar(value: Scalar, *, field: str = "filter") -> str:
    """Render one filter value the way FreshBooks expects it; anything else is refused.

    >>> encode_scalar(date(2024, 5, 1)), encode_scalar(True), encode_scalar(Decimal("1.50"))
    ('2024-05-01', 'true', '1.50')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        raise InvalidRequestError(
            f"{field}: datetime filters are day-granular on FreshBooks; pass a date or use "
            "updated_since",
            field=field,
        )
    if isinstance(value, date):
        return date(value.year, value.month, value.day).isoformat()
    if isinstance(value, int):
        if not -MAX_ID <= value <= MAX_ID:
            raise InvalidRequestError(f"{field} is out of range", field=field)
        return int.__repr__(int.__int__(value))
    if isinstance(value, Decimal):
        return decimal_text(to_decimal(value, field=field))
    if isinstance(value, str):
        text = str.__str__(value)
        if len(text) > MAX_QUERY_TEXT:
            raise InvalidRequestError(
                f"{field} is longer than {MAX_QUERY_TEXT} characters", field=field
            )
        if _QUERY_TEXT_BAD.search(text):
            raise InvalidRequestError(
                f"{field} must not contain line breaks or control characters", field=field
            )
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidRequestError(
                f"{field} holds text that is not valid Unicode (a lone surrogate)", field=field
            ) from None
        return text
    raise InvalidRequestError(
        f"{field} must be a str, int, Decimal, date or bool, got {type(value).__name__}",
        field=field,
    )


def build_query(
    *,
    search: Mapping[str, SearchValue] | None = None,
    include: Iterable[str] = (),
    page: int | None = None,
    per_page: int | None = None,
    extra: Mapping[str, str] | None = None,
) -> QueryParams:
    """Build the ordered query parameter list; ``None`` filters are left out."""
    params: QueryParams = []
    for key, value in (search or {}).items():
        if not isinstance(key, str) or not _KEY_RE.fullmatch(key):
            raise InvalidRequestError("a search key must be a plain filter name", field="search")
        if value is None:
            continue
        if isinstance(value, (list, tuple, set, frozenset)):
            if len(value) > MAX_IN_VALUES:
                raise InvalidRequestError(f"{key} takes at most {MAX_IN_VALUES} values", field=key)
            for item in value:
                params.append((f"search[{key}][]", encode_scalar(item, field=key)))
        else:
            params.append((f"search[{key}]", encode_scalar(value, field=key)))  # type: ignore[arg-type]  # narrowed: not a sequence here
    for name in include:
        if not isinstance(name, str) or not _KEY_RE.fullmatch(name):
            raise InvalidRequestError("include names must be plain names", field="include")
        params.append(("include[]", name))
    if page is not None:
        params.append(("page", encode_scalar(page, field="page")))
    if per_page is not None:
        params.append(("per_page", encode_scalar(per_page, field="per_page")))
    for key, val in (extra or {}).items():
        params.append((key, encode_scalar(val, field=key)))
    return params


def check_account_id(account_id: str | None) -> str | None:
    """Refuse an ``account_id`` that is not a plain FreshBooks id (it goes into URL paths)."""
    if account_id is None:
        return None
    if not isinstance(account_id, str) or not _ACCOUNT_ID_RE.fullmatch(account_id):
        raise InvalidRequestError(
            f"account_id must be a plain FreshBooks account id (letters and digits, e.g. 'ABC123'), "
            f"got {describe(account_id)}",
            field="account_id",
            value=describe(account_id),
        )
    return str.__str__(account_id)


def check_resource_id(value: int, *, field: str = "id") -> int:
    """Refuse a resource id that is not a positive int before it goes into a URL path."""
    return check_int(value, field=field, minimum=1, maximum=MAX_ID, what="a positive int id")


def accounting_path(
    account_id: str | None, resource_path: str, resource_id: int | None = None
) -> str:
    """``/accounting/account/{account_id}/{resource_path}[/{id}]``; needs an account_id."""
    if account_id is None:
        raise InvalidRequestError(
            "this call needs an account_id: pass FreshBooks(..., account_id=...) "
            "(fb.identity.businesses() lists the ones this token can use)",
            field="account_id",
        )
    path = f"/accounting/account/{account_id}/{resource_path}"
    if resource_id is not None:
        path += f"/{check_resource_id(resource_id)}"
    return path
