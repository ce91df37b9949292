"""``clients``, ``invoices`` and ``expenses``: the catalog actions with flags."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from freshbooks_sdk.cli.connection import open_client
from freshbooks_sdk.cli.errors import EXIT_OK, CliError, check_hint
from freshbooks_sdk.cli.output import (
    CLIENT_COLUMNS,
    EXPENSE_COLUMNS,
    INVOICE_COLUMNS,
    LINE_COLUMNS,
    Column,
    Console,
    _plural,
    table,
)
from freshbooks_sdk.integration import (
    catalog,
    error_from_exception,
)

if TYPE_CHECKING:
    pass

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------


def _run_action(
    name: str,
    data: Mapping[str, Any],
    args: argparse.Namespace,
    env: Mapping[str, str],
    console: Console,
) -> Any:
    """Run a catalog action and return its output; a failure raises :class:`CliError`."""
    action = catalog[name]
    try:
        action.parse(data)  # input errors exit 2 before any connection is needed
    except Exception as exc:
        raise CliError(error_from_exception(exc)) from None  # the keys sent: never renamed
    with open_client(args, env, console) as fb:
        result = action.run(fb, data)
    if not result.ok:
        assert result.error is not None
        raise CliError(result.error, check=check_hint(name, data))
    return result.output


def _show_list(console: Console, output: Any, columns: Sequence[Column], noun: str) -> None:
    if console.json:
        console.document(output)
        return
    items = output["items"]
    if items:
        console.line(table(columns, items))
    console.line(_plural(output["count"], noun))


def _show_one(console: Console, output: Any, columns: Sequence[Column], headline: str) -> None:
    if console.json:
        console.document(output)
        return
    console.line(headline)
    console.line(table(columns, [output]))
    lines = output.get("lines") if isinstance(output, Mapping) else None
    if lines:
        console.line()
        console.line(table(LINE_COLUMNS, lines))


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
    _show_list(console, output, CLIENT_COLUMNS, "client")
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
    _show_list(console, output, INVOICE_COLUMNS, "invoice")
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
