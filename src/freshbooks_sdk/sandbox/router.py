"""Which part of the sandbox answers a path."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from .resources.base import Resource
from .resources.clients import ClientResource
from .resources.expenses import CategoryResource, ExpenseResource
from .resources.invoices import InvoiceResource
from .resources.items import ItemResource
from .resources.payments import PaymentResource
from .resources.staff import StaffResource
from .resources.taxes import TaxResource

__all__ = ["RESOURCES", "Route", "match"]

RouteKind = Literal["authorize", "token", "revoke", "me", "accounting", "not_found"]

RESOURCES: dict[str, Resource[Any]] = {
    r.name: r
    for r in (
        ClientResource(),
        InvoiceResource(),
        ExpenseResource(),
        CategoryResource(),
        StaffResource(),
        PaymentResource(),
        TaxResource(),
        ItemResource(),
    )
}
"""The accounting resources by their URL name (``clients``, ``invoices``, ``expenses``,
``categories``, ``staffs``)."""

_BY_PATH = {(r.area, r.name): r for r in RESOURCES.values()}
_FIXED: dict[str, RouteKind] = {
    "/oauth/authorize": "authorize",
    "/auth/oauth/token": "token",
    "/auth/oauth/revoke": "revoke",
    "/auth/api/v1/users/me": "me",
}
_ACCOUNTING = re.compile(r"^/accounting/account/([^/]*)(?:/([^/]+)/([^/]+)(?:/([^/]+))?)?/*$")


@dataclass(frozen=True)
class Route:
    kind: RouteKind
    account_id: str | None = None
    resource: Resource[Any] | None = None
    rid: str | None = None
    accounting: bool = False  # under /accounting/: errors use the accounting formats


def match(path: str) -> Route:
    trimmed = path.rstrip("/") or "/"
    kind = _FIXED.get(trimmed)
    if kind is not None:
        return Route(kind)
    m = _ACCOUNTING.match(path)
    if m:
        account_id, area, name, rid = m.groups()
        resource = _BY_PATH.get((area, name))
        if resource is not None and account_id:
            return Route("accounting", account_id, resource, rid, accounting=True)
    return Route("not_found", accounting=path.startswith("/accounting/"))
