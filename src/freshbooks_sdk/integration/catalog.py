"""Every action and trigger by the integration's name."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from freshbooks_sdk.integration.actions import (
    CREATE_CLIENT,
    CREATE_EXPENSE,
    CREATE_INVOICE,
    LIST_CLIENTS,
    LIST_INVOICES,
    SEND_INVOICE,
    Action,
)
from freshbooks_sdk.integration.trigger import INVOICE_UPDATED, Trigger

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


TRIGGERS: Mapping[str, Trigger] = MappingProxyType({INVOICE_UPDATED.name: INVOICE_UPDATED})
"""The triggers by name."""

catalog: Mapping[str, Action[Any] | Trigger] = MappingProxyType({**ACTIONS, **TRIGGERS})
"""Every action and trigger by the integration's name (``catalog["freshbooks/create-client"]``)."""
