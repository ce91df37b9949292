"""Output: the JSON document or the tables (and the page counter) for people."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

import attrs

if TYPE_CHECKING:
    import httpx


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------


@attrs.define
class Console:
    """Where output goes: ``json`` mode prints one JSON document; tables otherwise."""

    json: bool
    out: TextIO
    err: TextIO

    def document(self, value: Any) -> None:
        self.out.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")

    def line(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def note(self, text: str) -> None:
        self.err.write(text + "\n")
        self.err.flush()


def money(value: Any) -> str:
    """``{"amount": "12.50", "code": "USD"}`` -> ``"12.50 USD"`` (exact, as FreshBooks holds it)."""
    if isinstance(value, Mapping) and "amount" in value:
        return f"{value['amount']} {value.get('code') or ''}".strip()
    return "" if value is None else str(value)


def _text(value: Any, width: int = 40) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


Column = tuple[str, Callable[[Mapping[str, Any]], str]]


def table(columns: Sequence[Column], rows: Sequence[Mapping[str, Any]]) -> str:
    """A plain-text table (left-aligned, two spaces between columns)."""
    cells = [[get(row) for _, get in columns] for row in rows]
    widths = [
        max([len(title), *(len(r[i]) for r in cells)]) for i, (title, _) in enumerate(columns)
    ]
    lines = ["  ".join(t.ljust(w) for (t, _), w in zip(columns, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def _name(row: Mapping[str, Any]) -> str:
    return _text(" ".join(p for p in (row.get("fname"), row.get("lname")) if p))


CLIENT_COLUMNS: list[Column] = [
    ("ID", lambda r: str(r.get("id", ""))),
    ("NAME", _name),
    ("ORGANIZATION", lambda r: _text(r.get("organization"))),
    ("EMAIL", lambda r: _text(r.get("email"))),
    ("CURRENCY", lambda r: _text(r.get("currency_code"))),
    ("UPDATED", lambda r: _text(r.get("updated"))),
]

INVOICE_COLUMNS: list[Column] = [
    ("ID", lambda r: str(r.get("id", ""))),
    ("NUMBER", lambda r: _text(r.get("invoice_number"))),
    ("CLIENT", lambda r: str(r.get("customerid", ""))),
    ("STATUS", lambda r: _text(r.get("v3_status"))),
    ("AMOUNT", lambda r: money(r.get("amount"))),
    ("OUTSTANDING", lambda r: money(r.get("outstanding"))),
    ("DATE", lambda r: _text(r.get("create_date"))),
    ("DUE", lambda r: _text(r.get("due_date"))),
    ("UPDATED", lambda r: _text(r.get("updated"))),
]

EXPENSE_COLUMNS: list[Column] = [
    ("ID", lambda r: str(r.get("id", ""))),
    ("DATE", lambda r: _text(r.get("date"))),
    ("AMOUNT", lambda r: money(r.get("amount"))),
    ("CATEGORY", lambda r: str(r.get("categoryid", ""))),
    ("VENDOR", lambda r: _text(r.get("vendor"))),
    ("CLIENT", lambda r: str(r.get("clientid") or "")),
    ("PROJECT", lambda r: str(r.get("projectid") or "")),
]

BUSINESS_COLUMNS: list[Column] = [
    ("", lambda r: "*" if r.get("current") else ""),
    ("ACCOUNT_ID", lambda r: str(r.get("account_id", ""))),
    ("NAME", lambda r: _text(r.get("name"))),
    ("ROLE", lambda r: _text(r.get("role"))),
    ("BUSINESS_ID", lambda r: str(r.get("business_id", ""))),
]

LINE_COLUMNS: list[Column] = [
    ("LINE", lambda r: _text(r.get("name"))),
    ("QTY", lambda r: _text(r.get("qty"))),
    ("UNIT COST", lambda r: money(r.get("unit_cost"))),
    ("AMOUNT", lambda r: money(r.get("amount"))),
]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class Progress:
    """Counts listing pages on stderr while they arrive (only when stderr is a terminal)."""

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.pages = 0

    def on_response(self, response: httpx.Response) -> None:
        if not self.enabled or response.request.method != "GET":
            return
        if "page=" not in str(response.request.url.query):
            return
        self.pages += 1
        self.stream.write(f"\rfetching page {self.pages}…")
        self.stream.flush()

    def done(self) -> None:
        if self.enabled and self.pages:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _stream_is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
