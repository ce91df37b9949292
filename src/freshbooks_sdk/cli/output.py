"""Output: the JSON document, or tables for people (drawn by ``rich``), and the page counter.

``rich`` is imported only when a table or the page counter is drawn, so ``freshbooks --help``
and ``--version`` start fast. On a terminal tables get a styled header and fit the width
(long cells end in an ellipsis); through a pipe they are plain text, columns two spaces apart,
one row a line (easy to ``grep``/``cut``), and ``NO_COLOR`` is honoured.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TextIO

import attrs

if TYPE_CHECKING:
    import httpx
    import rich.console
    import rich.progress
    import rich.table


@attrs.define
class Console:
    """Where output goes: ``json`` mode prints one JSON document; tables otherwise.

    >>> import io
    >>> out = io.StringIO()
    >>> Console(json=False, out=out, err=io.StringIO()).table(
    ...     [("ID", lambda r: str(r["id"])), ("NAME", lambda r: r["name"])],
    ...     [{"id": 7, "name": "Ada"}])
    >>> print(out.getvalue(), end="")
    ID  NAME
    7   Ada
    """

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

    def table(self, columns: Sequence[Column], rows: Sequence[Mapping[str, Any]]) -> None:
        """Print ``rows`` as a table: styled to fit a terminal, plain text otherwise."""
        if not _stream_is_tty(self.out):
            self.line(table(columns, rows))
            return
        console = _rich_console(self.out, terminal=True)
        console.print(_rich_table(columns, rows, styled=True, width=console.width))


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
    """A plain-text table: left-aligned, two spaces between columns, no trailing spaces.

    >>> print(table([("ID", lambda r: str(r["id"])), ("CODE", lambda r: r["code"])],
    ...             [{"id": 1, "code": "USD"}, {"id": 22, "code": "CAD"}]))
    ID  CODE
    1   USD
    22  CAD
    """
    buffer = io.StringIO()
    _rich_console(buffer, terminal=False).print(_rich_table(columns, rows, styled=False))
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())


def _rich_console(stream: TextIO, *, terminal: bool) -> rich.console.Console:
    from rich.console import Console as RichConsole

    if terminal:
        return RichConsole(file=stream, highlight=False, emoji=False, markup=False)
    # Not a terminal: as wide as the rows need (one row a line), no colour, no markup.
    return RichConsole(
        file=stream,
        width=1_000_000,
        color_system=None,
        force_terminal=False,
        highlight=False,
        emoji=False,
        markup=False,
    )


def _rich_table(
    columns: Sequence[Column],
    rows: Sequence[Mapping[str, Any]],
    *,
    styled: bool,
    width: int | None = None,
) -> rich.table.Table:
    from rich import box
    from rich.table import Table

    cells = [[get(row) for _, get in columns] for row in rows]
    if styled:
        grid = Table(
            box=box.SIMPLE_HEAD, show_edge=False, header_style="bold", pad_edge=False, expand=False
        )
    else:
        grid = Table(box=None, show_edge=False, pad_edge=False, padding=(0, 1), expand=False)
    natural = [
        max([len(title), *(len(r[i]) for r in cells)]) for i, (title, _) in enumerate(columns)
    ]
    fitted = fit_widths(natural, width - 3 * (len(columns) - 1)) if width else natural
    for (title, _), size in zip(columns, fitted, strict=True):
        grid.add_column(title, no_wrap=True, overflow="ellipsis", width=size)
    for r in cells:
        grid.add_row(*r)
    return grid


def fit_widths(natural: Sequence[int], room: int) -> list[int]:
    """Column widths that fit ``room`` characters: columns up to :data:`_KEEP` characters keep
    their width (ids, statuses, amounts), the longer ones share what is left in proportion to
    their excess (their cells end in an ellipsis).

    >>> fit_widths([7, 40, 30, 8], 100)
    [7, 40, 30, 8]
    >>> fit_widths([7, 40, 30, 8], 60)
    [7, 24, 20, 8]
    """
    if sum(natural) <= room:
        return list(natural)
    base = [min(n, _KEEP) for n in natural]
    spare = room - sum(base)
    excess = [n - b for n, b in zip(natural, base, strict=True)]
    if spare <= 0 or not sum(excess):
        return base
    total = sum(excess)
    return [b + (e * spare) // total for b, e in zip(base, excess, strict=True)]


_KEEP = 16
"""Cells up to this many characters are never shortened to fit a terminal."""


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

CATEGORY_COLUMNS: list[Column] = [
    ("ID", lambda r: str(r.get("id", ""))),
    ("NAME", lambda r: _text(r.get("category"))),
    ("PARENT", lambda r: str(r.get("parentid") or "")),
    ("COST OF GOODS", lambda r: "yes" if r.get("is_cogs") else ""),
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


def plural(word: str) -> str:
    """``client`` -> ``clients``, ``category`` -> ``categories``."""
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


def _plural(n: int, word: str) -> str:
    return f"{n} {word if n == 1 else plural(word)}"


class Progress:
    """A spinner counting listing pages on stderr while they arrive (only when stderr is a
    terminal); it disappears when the command ends. An ``httpx`` response hook.

    >>> import io
    >>> Progress(io.StringIO(), enabled=False).pages
    0
    """

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.pages = 0
        self._bar: rich.progress.Progress | None = None
        self._task: rich.progress.TaskID | None = None

    def on_response(self, response: httpx.Response) -> None:
        """Count a page (a ``GET`` with ``page=`` in its query)."""
        if not self.enabled or response.request.method != "GET":
            return
        if "page=" not in str(response.request.url.query):
            return
        self.pages += 1
        if self._bar is None:
            from rich.progress import Progress as RichProgress
            from rich.progress import SpinnerColumn, TextColumn

            self._bar = RichProgress(
                SpinnerColumn(),
                TextColumn("fetching page {task.completed}…"),
                console=_rich_console(self.stream, terminal=True),
                transient=True,
                auto_refresh=False,  # no thread: redrawn on each page
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._task = self._bar.add_task("pages", total=None, completed=self.pages)
            self._bar.start()  # draws page 1
            return
        assert self._task is not None
        self._bar.update(self._task, completed=self.pages)
        self._bar.refresh()

    def done(self) -> None:
        """Remove the spinner (it leaves nothing behind)."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def _stream_is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
