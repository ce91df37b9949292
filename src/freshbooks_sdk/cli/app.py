"""The ``freshbooks`` argument parser and :func:`main`.

Start-up stays fast: this module and the command modules import no model, no ``pydantic``
and no ``rich``; a command imports what it uses when it runs (``freshbooks --help`` and
``--version`` load neither, which ``tests/test_cli.py`` checks).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from freshbooks_sdk.cli.commands.action import cmd_action
from freshbooks_sdk.cli.commands.connect import cmd_businesses, cmd_connect, cmd_disconnect
from freshbooks_sdk.cli.commands.poll import cmd_poll
from freshbooks_sdk.cli.commands.resources import (
    cmd_clients_create,
    cmd_clients_list,
    cmd_expense_categories,
    cmd_expenses_create,
    cmd_invoices_create,
    cmd_invoices_list,
    cmd_invoices_send,
)
from freshbooks_sdk.cli.commands.tools import cmd_demo, cmd_sandbox_serve
from freshbooks_sdk.cli.errors import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    PROG,
    CliError,
    cli_worded,
    report_error,
)
from freshbooks_sdk.cli.output import Console

EPILOG = """\
exit status:
  0  success
  1  unexpected error
  2  usage error or invalid input (checked before anything is sent)
  3  authentication: not connected, token refused or expired, missing scopes
  4  FreshBooks refused the request: not found (404), validation (422), conflict
  5  retry later: rate limited (429, the wait is printed), network error, timeout, 5xx
  6  outcome unknown: the request may have been applied; check before retrying
     (a create or an invoice email that failed after it was sent: network error, timeout,
     5xx; retrying blindly could create a duplicate or send the email twice)
  130 interrupted

environment:
  FRESHBOOKS_ACCESS_TOKEN   use this token instead of the saved connection
  FRESHBOOKS_ACCOUNT_ID     the business (account id) to act on
  FRESHBOOKS_BASE_URL       API host (e.g. the sandbox's http://127.0.0.1:8765)
  FRESHBOOKS_AUTH_URL       authorization page host (default: FRESHBOOKS_BASE_URL if set)
  FRESHBOOKS_CURRENCY       default currency for money inputs (e.g. USD)
  FRESHBOOKS_CLIENT_ID, FRESHBOOKS_CLIENT_SECRET, FRESHBOOKS_REDIRECT_URI
                            the OAuth app (connect; token refresh)
  FRESHBOOKS_CONFIG         connection file (default ~/.config/freshbooks-typed/connection.json;
                            its token is in the SQLite store <name>-tokens.db beside it)
  FRESHBOOKS_CURSOR_DB      poll's SQLite cursor file (default: cursors.db beside the connection)

--json prints one JSON document on stdout: the command's output, or on failure
{"ok": false, "output": null, "error": {...}} (the action result shape).
"""

DEMO_DESCRIPTION = (
    "The integration story end to end against the embedded sandbox on 127.0.0.1: OAuth "
    "connect, pick a business, create a client, draft and send an invoice, record an "
    "expense, list what changed, two invoice-updated cycles and a 429 honoured. Nothing "
    "leaves this machine; it takes a few seconds and needs no account."
)

LEAF_EPILOG = (
    "exit status: 0 ok, 2 invalid input, 3 not connected or refused token, 4 refused by "
    "FreshBooks, 5 retry later, 6 outcome unknown (check before retrying); "
    f"`{PROG} --help` explains them and the FRESHBOOKS_* variables."
)
"""The short epilog of each command's help (the full one is on ``freshbooks --help``)."""


def version_text() -> str:
    """What ``freshbooks --version`` prints.

    >>> version_text().startswith("freshbooks ")
    True
    """
    from freshbooks_sdk import __version__

    python = ".".join(str(n) for n in sys.version_info[:3])
    return f"{PROG} {__version__} (freshbooks-typed SDK, Python {python})"


# ---------------------------------------------------------------------------------------------
# Parser
# ---------------------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error message (and exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{PROG}: usage error: {message} (see `{self.prog} --help`)\n")


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print one JSON document on stdout instead of a table",
    )
    common.add_argument(
        "--config",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="connection file (default: $FRESHBOOKS_CONFIG or "
        "~/.config/freshbooks-typed/connection.json)",
    )
    common.add_argument(
        "--account-id",
        metavar="ID",
        default=argparse.SUPPRESS,
        help="business to act on (default: $FRESHBOOKS_ACCOUNT_ID or the saved one)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """The ``freshbooks`` argument parser."""
    common = _common()
    parser = _Parser(
        prog=PROG,
        description="Work with FreshBooks from the command line (typed FreshBooks SDK).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=version_text())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    def command(
        group: Any, name: str, helptext: str, handler: Callable[..., int], **kw: Any
    ) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = group.add_parser(
            name,
            help=helptext,
            description=helptext,
            parents=[common],
            epilog=LEAF_EPILOG,
            **kw,
        )
        p.set_defaults(handler=handler)
        return p

    p = command(sub, "connect", "authorize this program and save the connection", cmd_connect)
    p.add_argument("--code", help="the authorization code (skips the prompt)")
    p.add_argument(
        "--url-only",
        action="store_true",
        help="only print the authorization URL (then run `connect --code CODE`)",
    )

    p = command(
        sub, "disconnect", "revoke and forget the saved connection (token and file)", cmd_disconnect
    )
    p.add_argument(
        "--keep-grant",
        action="store_true",
        help="do not revoke the grant at FreshBooks, only forget it here",
    )

    p = command(sub, "businesses", "list the businesses this connection can use", cmd_businesses)
    p.add_argument("--use", metavar="ACCOUNT_ID", help="make this business the saved default")

    clients = sub.add_parser("clients", help="list or create clients").add_subparsers(
        dest="clients_command", metavar="ACTION", parser_class=_Parser
    )
    clients.required = True
    p = command(clients, "list", "list clients", cmd_clients_list)
    p.add_argument("--email", help="exact email address")
    p.add_argument("--organization", help="part of the organization name")
    p.add_argument("--updated-since", metavar="ISO", help="e.g. 2024-05-01T00:00:00Z")
    p.add_argument("--limit", type=int, default=100, help="most clients to show (default 100)")
    p = command(clients, "create", "create a client", cmd_clients_create)
    for flag in ("--email", "--fname", "--lname", "--organization"):
        p.add_argument(flag)
    for flag in ("--street", "--street2", "--city", "--province", "--postal-code", "--country"):
        p.add_argument(flag, help="primary address")
    p.add_argument("--currency", metavar="CODE", help="the client's currency (e.g. USD)")

    invoices = sub.add_parser("invoices", help="list, draft or send invoices").add_subparsers(
        dest="invoices_command", metavar="ACTION", parser_class=_Parser
    )
    invoices.required = True
    p = command(invoices, "list", "list invoices", cmd_invoices_list)
    p.add_argument("--client-id", type=int)
    p.add_argument("--status", help="v3 status: draft, sent, viewed, paid, partial, overdue, ...")
    p.add_argument("--updated-since", metavar="ISO", help="e.g. 2024-05-01T00:00:00Z")
    p.add_argument("--lines", action="store_true", help="include invoice lines")
    p.add_argument("--limit", type=int, default=100, help="most invoices to show (default 100)")
    p = command(invoices, "create", "draft an invoice", cmd_invoices_create)
    p.add_argument("--client-id", type=int, required=True)
    p.add_argument(
        "--line",
        nargs=3,
        action="append",
        metavar=("NAME", "QTY", "UNIT_COST"),
        help='a line, repeatable: --line "Design" 3 120.00',
    )
    p.add_argument("--currency", metavar="CODE", help="default: $FRESHBOOKS_CURRENCY")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="invoice date (default: today)")
    p.add_argument("--due-days", type=int, help="due N days after the invoice date")
    p.add_argument("--po-number")
    p.add_argument("--number", help="invoice number (default: the next one)")
    p.add_argument("--notes")
    p.add_argument("--terms")
    p = command(invoices, "send", "email an invoice (or --mark-sent)", cmd_invoices_send)
    p.add_argument("invoice_id", type=int)
    p.add_argument("--to", action="append", metavar="EMAIL", help="recipient, repeatable")
    p.add_argument("--subject")
    p.add_argument("--body")
    p.add_argument("--pdf", action="store_true", help="attach the PDF")
    p.add_argument("--mark-sent", action="store_true", help="mark as sent without emailing")

    expenses = sub.add_parser(
        "expenses", help="record expenses, list their categories"
    ).add_subparsers(dest="expenses_command", metavar="ACTION", parser_class=_Parser)
    expenses.required = True
    p = command(expenses, "create", "record an expense", cmd_expenses_create)
    p.add_argument("--amount", required=True, help='decimal amount, e.g. "12.50"')
    p.add_argument(
        "--category-id", type=int, required=True, help=f"see `{PROG} expenses categories`"
    )
    p.add_argument("--date", metavar="YYYY-MM-DD", required=True)
    p.add_argument("--currency", metavar="CODE", help="default: $FRESHBOOKS_CURRENCY")
    p.add_argument("--vendor")
    p.add_argument("--notes")
    p.add_argument("--client-id", type=int, help="bill back to this client")
    p.add_argument("--project-id", type=int, help="bill back to this project")
    p.add_argument("--staff-id", type=int, help="default: your own staff id")
    p = command(
        expenses, "categories", "list expense categories (their ids)", cmd_expense_categories
    )
    p.add_argument("--limit", type=int, default=200, help="most categories to show (default 200)")

    p = command(sub, "action", "run a catalog action with JSON input", cmd_action)
    p.add_argument("name", nargs="?", help="e.g. freshbooks/create-client (or create-client)")
    p.add_argument(
        "--input", default="{}", metavar="JSON", help="JSON object, @file, or - for stdin"
    )
    p.add_argument("--list", action="store_true", help="list the catalog")
    p.add_argument("--schema", action="store_true", help="print the input and output schemas")

    polls = sub.add_parser("poll", help="poll for changes").add_subparsers(
        dest="poll_command", metavar="RESOURCE", parser_class=_Parser
    )
    polls.required = True
    p = command(polls, "invoices", "print each batch of updated invoices", cmd_poll)
    p.add_argument("--interval", type=float, default=300.0, help="seconds between polls")
    p.add_argument("--once", action="store_true", help="run one cycle and exit")
    p.add_argument(
        "--cursor-db",
        metavar="PATH",
        help="SQLite cursor file (default: $FRESHBOOKS_CURSOR_DB, else cursors.db beside the "
        "connection file)",
    )
    p.add_argument("--start", default="now", help='"now", "backfill:1h", or an ISO instant')
    p.add_argument("--cap", type=int, default=100, help="most invoices per batch (default 100)")
    p.add_argument("--include-deleted", action="store_true", help="also report deleted ones")

    sandbox = sub.add_parser("sandbox", help="the local FreshBooks-compatible API").add_subparsers(
        dest="sandbox_command", metavar="ACTION", parser_class=_Parser
    )
    sandbox.required = True
    p = sandbox.add_parser(
        "serve",
        help="serve it over HTTP (--port N, default 8765; --help for more)",
        add_help=False,
    )
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(handler=cmd_sandbox_serve)

    p = sub.add_parser(
        "demo",
        help="run the integration story against the sandbox",
        description=DEMO_DESCRIPTION,
    )
    p.set_defaults(handler=cmd_demo, rest=[])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``freshbooks`` program; returns the exit status.

    >>> main(["action", "--list"])  # doctest: +SKIP
    0
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # `sandbox serve` hands every following argument (--help included) to its own entry
    # point; argparse's REMAINDER would refuse an option in first position.
    prefix = ["sandbox", "serve"]
    if argv[: len(prefix)] == prefix:
        args = parser.parse_args(prefix)
        args.rest = argv[len(prefix) :]
    else:
        args = parser.parse_args(argv)
    console = Console(json=bool(getattr(args, "json", False)), out=sys.stdout, err=sys.stderr)
    env = dict(os.environ)
    try:
        try:
            code: int = args.handler(args, env, console)
            return code
        except CliError:
            raise
        except Exception as exc:  # e.g. a bad --account-id refused by the client: one line
            raise CliError.of(exc) from exc
    except CliError as exc:
        error = cli_worded(exc.error, getattr(args, "command", None), env)
        if console.json:
            console.document({"ok": False, "output": None, "error": error})
        report_error(console, error, exc.check)
        return exc.code
    except KeyboardInterrupt:
        console.note(f"{PROG}: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
