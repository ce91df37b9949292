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

from freshbooks_sdk.errors import InvalidRequestError

Scalar = Union[str, int, Decimal, date, bool]
SearchValue = Union[Scalar, Sequence[Scalar], None]
QueryParams = list[tuple[str, str]]

_ACCOUNT_ID_RE = re.compile(r"^[A-Za-z0-9]{1,32}$")


def encode_scalar(value: Scalar) -> str:
    """Render one filter value the way FreshBooks expects it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        raise InvalidRequestError(
            "datetime filters are day-granular on FreshBooks; pass a date or use updated_since",
            value=value,
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


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
        if value is None:
            continue
        if isinstance(value, (list, tuple, set, frozenset)):
            for item in value:
                params.append((f"search[{key}][]", encode_scalar(item)))
        else:
            params.append((f"search[{key}]", encode_scalar(value)))  # type: ignore[arg-type]  # narrowed: not a sequence here
    for name in include:
        params.append(("include[]", name))
    if page is not None:
        params.append(("page", str(page)))
    if per_page is not None:
        params.append(("per_page", str(per_page)))
    for key, val in (extra or {}).items():
        params.append((key, val))
    return params


def check_account_id(account_id: str | None) -> str | None:
    """Refuse an ``account_id`` that is not a plain FreshBooks id (it goes into URL paths)."""
    if account_id is None:
        return None
    if not isinstance(account_id, str) or not _ACCOUNT_ID_RE.fullmatch(account_id):
        raise InvalidRequestError(
            f"account_id must be a plain FreshBooks account id (letters and digits, e.g. 'ABC123'), "
            f"got {account_id!r}",
            field="account_id",
            value=account_id,
        )
    return account_id


def check_resource_id(value: int, *, field: str = "id") -> int:
    """Refuse a resource id that is not a positive int before it goes into a URL path."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidRequestError(
            f"{field} must be a positive int, got {value!r}", field=field, value=value
        )
    return value


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
