"""``clients``, ``invoices`` and ``expenses``: the catalog actions with flags, and the expense
categories (the ids ``expenses create --category-id`` takes).

A listing stops at ``--limit``; when FreshBooks holds more, the count line says so
(``100 of 150 clients shown``) and how to see them all.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from typing import Any

from freshbooks_sdk.cli.connection import open_client
from freshbooks_sdk.cli.errors import EXIT_OK, CliError, _fail, check_hint
from freshbooks_sdk.cli.output import (
    CATEGORY_COLUMNS,
    CLIENT_COLUMNS,
    EXPENSE_COLUMNS,
    INVOICE_COLUMNS,
    LINE_COLUMNS,
    Column,
    Console,
    _plural,
    plural,
)


def _run_action(
    name: str,
    data: Mapping[str, Any],
    args: argparse.Namespace,
    env: Mapping[str, str],
    console: Console,
) -> Any:
    """Run a catalog action and return its output; a failure raises :class:`CliError`."""
    from freshbooks_sdk.integration import catalog

    action = catalog[name]
    try:
        action.parse(data)  # input errors exit 2 before any connection is needed
    except Exception as exc:
        raise CliError.of(exc) from None  # the keys sent: never renamed
    with open_client(args, env, console) as fb:
        result = action.run(fb, data)
    if not result.ok:
        assert result.error is not None
        raise CliError(result.error, check=check_hint(name, data))
    return result.output


def shown_line(
    count: int, total: int | None, limit: int | None, noun: str, *, upto: bool = False
) -> str:
    """The line under a listing: how many rows, and when ``--limit`` cut it short, how many
    FreshBooks holds and how to see them (``upto``: the total may count a few more than the
    filter keeps, as with ``--updated-since``).

    >>> shown_line(3, 3, 100, "client")
    '3 clients'
    >>> shown_line(100, 150, 100, "client")
    '100 of 150 clients shown (--limit 150 to see them all)'
    >>> shown_line(1, 2, 1, "invoice", upto=True)
    '1 of up to 2 invoices shown (--limit 2 to see them all)'
    """
    if limit is None or count < limit or total is None or total <= count:
        return _plural(count, noun)
    return (
        f"{count} of {'up to ' if upto else ''}{total} {plural(noun)} shown "
        f"(--limit {total} to see them all)"
    )


def _show_list(
    console: Console,
    output: Any,
    columns: Sequence[Column],
    noun: str,
    args: argparse.Namespace,
) -> None:
    if console.json:
        console.document(output)
        return
    items = output["items"]
    if items:
        console.table(columns, items)
    console.line(
        shown_line(
            output["count"],
            output.get("total"),
            getattr(args, "limit", None),
            noun,
            upto=bool(getattr(args, "updated_since", None)),
        )
    )


def _show_one(console: Console, output: Any, columns: Sequence[Column], headline: str) -> None:
    if console.json:
        console.document(output)
        return
    console.line(headline)
    console.table(columns, [output])
    lines = output.get("lines") if isinstance(output, Mapping) else None
    if lines:
        console.line()
        console.table(LINE_COLUMNS, lines)


def _compact(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None and v != [] and v is not False}


def cmd_clients_list(args: argparse.Namespace, env: Mapping[str, str], console: Console) -> int:
    data = _compact(
        {
            "email": args.email,
            "organization_like": args.organization,
            "updated_since": args.updated_since,
            "limit": args.limit,
        }
    )
    output = _run_action("freshbooks/list-clients", data, args, env, console)
    _show_list(console, output, CLIENT_COLUMNS, "client", args)
    return EXIT_OK


def cmd_clients_create(args: argparse.Namespace, env: Mapping[str, str], console: Console) -> int:
    address = _compact(
        {
            "street": args.street,
            "street2": args.street2,
            "city": args.city,
            "province": args.province,
            "postal_code": args.postal_code,
            "country": args.country,
        }
    )
    data = _compact(
        {
            "email": args.email,
            "fname": args.fname,
            "lname": args.lname,
            "organization": args.organization,
            "currency_code": args.currency,
            "address": address or None,
        }
    )
    output = _run_action("freshbooks/create-client", data, args, env, console)
    _show_one(console, output, CLIENT_COLUMNS, f"Created client {output['id']}.")
    return EXIT_OK


def cmd_invoices_list(args: argparse.Namespace, env: Mapping[str, str], console: Console) -> int:
    data = _compact(
        {
            "client_id": args.client_id,
            "status": args.status,
            "updated_since": args.updated_since,
            "include_lines": args.lines,
            "limit": args.limit,
        }
    )
    output = _run_action("freshbooks/list-invoices", data, args, env, console)
    _show_list(console, output, INVOICE_COLUMNS, "invoice", args)
    return EXIT_OK


def cmd_invoices_create(args: argparse.Namespace, env: Mapping[str, str], console: Console) -> int:
    lines = [{"name": name, "qty": qty, "unit_cost": cost} for name, qty, cost in args.line or []]
    data = _compact(
        {
            "client_id": args.client_id,
            "lines": lines,
            "currency_code": args.currency or env.get("FRESHBOOKS_CURRENCY"),
            "create_date": args.date,
            "due_offset_days": args.due_days,
            "po_number": args.po_number,
            "invoice_number": args.number,
            "notes": args.notes,
            "terms": args.terms,
        }
    )
    if not lines:
        data["lines"] = []
    output = _run_action("freshbooks/create-invoice", data, args, env, console)
    headline = f"Drafted invoice {output.get('invoice_number')} (id {output['id']})."
    _show_one(console, output, INVOICE_COLUMNS, headline)
    return EXIT_OK


def cmd_invoices_send(args: argparse.Namespace, env: Mapping[str, str], console: Console) -> int:
    data = _compact(
        {
            "invoice_id": args.invoice_id,
            "method": "mark_as_sent" if args.mark_sent else "email",
            "to": args.to,
            "subject": args.subject,
            "body": args.body,
            "include_pdf": args.pdf,
        }
    )
    output = _run_action("freshbooks/send-invoice", data, args, env, console)
    verb = "Marked as sent" if args.mark_sent else "Sent"
    headline = f"{verb}: invoice {output.get('invoice_number')} (id {output['id']})."
    _show_one(console, output, INVOICE_COLUMNS, headline)
    return EXIT_OK


def cmd_expenses_create(args: argparse.Namespace, env: Mapping[str, str], console: Console) -> int:
    data = _compact(
        {
            "amount": args.amount,
            "currency_code": args.currency or env.get("FRESHBOOKS_CURRENCY"),
            "category_id": args.category_id,
            "date": args.date,
            "vendor": args.vendor,
            "notes": args.notes,
            "client_id": args.client_id,
            "project_id": args.project_id,
            "staff_id": args.staff_id,
        }
    )
    output = _run_action("freshbooks/create-expense", data, args, env, console)
    _show_one(console, output, EXPENSE_COLUMNS, f"Recorded expense {output['id']}.")
    return EXIT_OK


def cmd_expense_categories(
    args: argparse.Namespace, env: Mapping[str, str], console: Console
) -> int:
    """``freshbooks expenses categories``: the business's expense categories (the ids that
    ``expenses create --category-id`` takes), with each one's parent category."""
    from freshbooks_sdk.integration import to_json

    if args.limit < 1:
        _fail("invalid_input", f"--limit: must be at least 1, got {args.limit}", "limit")
    with open_client(args, env, console) as fb:
        try:
            pages = fb.expense_categories.list(max_items=args.limit)
            items = [to_json(c) for c in pages]
        except Exception as exc:
            raise CliError.of(exc) from None
        info = pages.last_page_info
    output = {"items": items, "count": len(items), "total": info.total if info else None}
    _show_list(console, output, CATEGORY_COLUMNS, "category", args)
    return EXIT_OK
