"""What editors and ``reveal_type`` show for fetched models (checked by tests/test_typing.py).

Every revealed model must be named by its public path (``freshbooks_sdk.models.Invoice`` under
mypy, ``Invoice`` under pyright), never by a private module; the open enums by
``freshbooks_sdk.enums``, the public module that defines them; ``Money`` by
``freshbooks_sdk.money``, ``RawResponse`` by ``freshbooks_sdk.responses`` and ``Page`` by
``freshbooks_sdk.pagination``.
"""

from __future__ import annotations

from typing_extensions import reveal_type

from freshbooks_sdk import AsyncFreshBooks, FreshBooks


def revealed(fb: FreshBooks) -> None:
    reveal_type(fb.invoices.get(1))
    reveal_type(fb.invoices.with_raw_response.get(1))
    reveal_type(fb.invoices.with_raw_response.list())
    reveal_type(fb.invoices.list().first_page())
    for inv in fb.invoices.list():
        reveal_type(inv)
        reveal_type(inv.v3_status)
        reveal_type(inv.amount)
        reveal_type(inv.deposit_amount)
    reveal_type(fb.clients.create(fname="Ada"))


async def revealed_async(afb: AsyncFreshBooks) -> None:
    reveal_type(await afb.invoices.get(1))
    reveal_type(await afb.invoices.with_raw_response.get(1))
    async for exp in afb.expenses.list():
        reveal_type(exp)
