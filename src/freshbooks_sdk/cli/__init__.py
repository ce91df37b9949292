"""``freshbooks``: the command-line program of the typed FreshBooks SDK.

    $ export FRESHBOOKS_CLIENT_ID=... FRESHBOOKS_CLIENT_SECRET=... FRESHBOOKS_REDIRECT_URI=...
    $ freshbooks connect                      # authorize, pick the business, save the connection
    $ freshbooks disconnect                   # revoke the grant, forget the token and the file
    $ freshbooks clients create --email ada@example.com --fname Ada
    $ freshbooks invoices create --client-id 1000001 --currency USD --line Design 3 120.00
    $ freshbooks invoices send 2000001 --to ada@example.com
    $ freshbooks invoices list --status sent --json
    $ freshbooks expenses categories          # the ids `expenses create --category-id` takes
    $ freshbooks action freshbooks/create-expense --input '{"amount": "12.50", ...}'
    $ freshbooks poll invoices --interval 300
    $ freshbooks sandbox serve --port 8765    # a local FreshBooks-compatible API

Tables for people by default (drawn by ``rich`` on a terminal, plain columns through a pipe; a
listing cut by ``--limit`` says ``100 of 150 clients shown``); ``--json`` prints exactly one JSON
document on stdout (``poll`` without ``--once`` prints one per line). Errors print one line on stderr and exit non-zero
(see :func:`exit_status`); when the failed request may have been applied (a create or an
invoice email whose outcome is unknown) a second line warns to check before retrying, and the
exit status is 6, never 5. The commands other than ``connect``/``sandbox``/``demo`` run the
actions of :mod:`freshbooks_sdk.integration`, so they validate input and report errors the same
way, worded for the command line (the option at fault; ``freshbooks connect`` when a token is
refused).

The parts: :mod:`~freshbooks_sdk.cli.app` (parser, :func:`main`), :mod:`~freshbooks_sdk.cli.errors`,
:mod:`~freshbooks_sdk.cli.output`, :mod:`~freshbooks_sdk.cli.connection` and
:mod:`freshbooks_sdk.cli.commands`; every name below is importable from here.
"""

from __future__ import annotations

from freshbooks_sdk.cli.app import EPILOG as EPILOG
from freshbooks_sdk.cli.app import build_parser as build_parser
from freshbooks_sdk.cli.app import main
from freshbooks_sdk.cli.commands.action import MAX_INPUT_CHARS as MAX_INPUT_CHARS
from freshbooks_sdk.cli.commands.action import cmd_action as cmd_action
from freshbooks_sdk.cli.commands.connect import cmd_businesses as cmd_businesses
from freshbooks_sdk.cli.commands.connect import cmd_connect as cmd_connect
from freshbooks_sdk.cli.commands.connect import cmd_disconnect as cmd_disconnect
from freshbooks_sdk.cli.commands.poll import cmd_poll as cmd_poll
from freshbooks_sdk.cli.commands.resources import cmd_clients_create as cmd_clients_create
from freshbooks_sdk.cli.commands.resources import cmd_clients_list as cmd_clients_list
from freshbooks_sdk.cli.commands.resources import cmd_expenses_create as cmd_expenses_create
from freshbooks_sdk.cli.commands.resources import cmd_invoices_create as cmd_invoices_create
from freshbooks_sdk.cli.commands.resources import cmd_invoices_list as cmd_invoices_list
from freshbooks_sdk.cli.commands.resources import cmd_invoices_send as cmd_invoices_send
from freshbooks_sdk.cli.commands.tools import cmd_demo as cmd_demo
from freshbooks_sdk.cli.commands.tools import cmd_sandbox_serve as cmd_sandbox_serve
from freshbooks_sdk.cli.connection import DEFAULT_API_URL as DEFAULT_API_URL
from freshbooks_sdk.cli.connection import DEFAULT_AUTH_URL as DEFAULT_AUTH_URL
from freshbooks_sdk.cli.connection import Connection as Connection
from freshbooks_sdk.cli.connection import default_config_path
from freshbooks_sdk.cli.connection import load_connection as load_connection
from freshbooks_sdk.cli.connection import open_client as open_client
from freshbooks_sdk.cli.connection import open_token_store as open_token_store
from freshbooks_sdk.cli.connection import resolve_connection as resolve_connection
from freshbooks_sdk.cli.connection import save_private_json as save_private_json
from freshbooks_sdk.cli.connection import token_store_path as token_store_path
from freshbooks_sdk.cli.errors import EXIT_AUTH as EXIT_AUTH
from freshbooks_sdk.cli.errors import EXIT_CODES, EXIT_OUTCOME_UNKNOWN, exit_status
from freshbooks_sdk.cli.errors import EXIT_ERROR as EXIT_ERROR
from freshbooks_sdk.cli.errors import EXIT_INTERRUPTED as EXIT_INTERRUPTED
from freshbooks_sdk.cli.errors import EXIT_OK as EXIT_OK
from freshbooks_sdk.cli.errors import EXIT_REJECTED as EXIT_REJECTED
from freshbooks_sdk.cli.errors import EXIT_RETRY as EXIT_RETRY
from freshbooks_sdk.cli.errors import EXIT_USAGE as EXIT_USAGE
from freshbooks_sdk.cli.errors import PROG as PROG
from freshbooks_sdk.cli.errors import CliError as CliError
from freshbooks_sdk.cli.errors import check_hint as check_hint
from freshbooks_sdk.cli.errors import cli_worded as cli_worded
from freshbooks_sdk.cli.errors import error_line as error_line
from freshbooks_sdk.cli.errors import report_error as report_error
from freshbooks_sdk.cli.errors import warning_line as warning_line
from freshbooks_sdk.cli.output import BUSINESS_COLUMNS as BUSINESS_COLUMNS
from freshbooks_sdk.cli.output import CLIENT_COLUMNS as CLIENT_COLUMNS
from freshbooks_sdk.cli.output import EXPENSE_COLUMNS as EXPENSE_COLUMNS
from freshbooks_sdk.cli.output import INVOICE_COLUMNS as INVOICE_COLUMNS
from freshbooks_sdk.cli.output import LINE_COLUMNS as LINE_COLUMNS
from freshbooks_sdk.cli.output import Column as Column
from freshbooks_sdk.cli.output import Console as Console
from freshbooks_sdk.cli.output import Progress as Progress
from freshbooks_sdk.cli.output import money as money
from freshbooks_sdk.cli.output import table as table

__all__ = ["EXIT_CODES", "EXIT_OUTCOME_UNKNOWN", "default_config_path", "exit_status", "main"]
