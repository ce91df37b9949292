"""What editors and ``reveal_type`` show for a fetched invoice (checked by tests/test_typing.py)."""

from __future__ import annotations

from typing_extensions import reveal_type

from freshbooks_sdk import FreshBooks


def revealed(fb: FreshBooks) -> None:
    reveal_type(fb.invoices.get(1))
    reveal_type(fb.invoices.with_raw_response.get(1))
