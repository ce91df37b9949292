"""``freshbooks``: the command-line program of the typed FreshBooks SDK.

    $ export FRESHBOOKS_CLIENT_ID=... FRESHBOOKS_CLIENT_SECRET=... FRESHBOOKS_REDIRECT_URI=...
    $ freshbooks connect                      # authorize, pick the business, save the connection
    $ freshbooks clients create --email ada@example.com --fname Ada
    $ freshbooks invoices create --client-id 1000001 --currency USD --line Design 3 120.00
    $ freshbooks invoices send 2000001 --to ada@example.com
    $ freshbooks invoices list --status sent --json
    $ freshbooks action freshbooks/create-expense --input '{"amount": "12.50", ...}'
    $ freshbooks poll invoices --interval 300
    $ freshbooks sandbox serve --port 8765    # a local FreshBooks-compatible API

Tables for people by default; ``--json`` prints exactly one JSON document on stdout (``poll``
without ``--once`` prints one per line). Errors print one line on stderr and exit non-zero
(see :func:`exit_status`); when the failed request may have been applied (a create or an
invoice email whose outcome is unknown) a second line warns to check before retrying, and the
exit status is 6, never 5. The commands other than ``connect``/``sandbox``/``demo`` run the
actions of :mod:`freshbooks_sdk.integration`, so they validate input and report errors the same
way.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO
from urllib.parse import parse_qs, urlsplit

import attrs

from freshbooks_sdk.integration import (
    INVOICE_UPDATED,
    ActionError,
    ActionResult,
    catalog,
    error_from_exception,
    render_activation,
    to_json,
)

if TYPE_CHECKING:
    import httpx

    from freshbooks_sdk._sync.client import FreshBooks

__all__ = ["EXIT_CODES", "EXIT_OUTCOME_UNKNOWN", "default_config_path", "exit_status", "main"]

PROG = "freshbooks"

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_REJECTED = 4
EXIT_RETRY = 5
EXIT_OUTCOME_UNKNOWN = 6
EXIT_INTERRUPTED = 130

EXIT_CODES: Mapping[str, int] = {
    "invalid_input": EXIT_USAGE,
    "cursor_error": EXIT_USAGE,
    "authentication_failed": EXIT_AUTH,
    "permission_denied": EXIT_AUTH,
    "reauthorization_required": EXIT_AUTH,
    "not_connected": EXIT_AUTH,
    "not_found": EXIT_REJECTED,
    "validation_failed": EXIT_REJECTED,
    "bad_request": EXIT_REJECTED,
    "conflict": EXIT_REJECTED,
    "api_error": EXIT_REJECTED,
    "rate_limited": EXIT_RETRY,
    "connection_error": EXIT_RETRY,
    "timeout": EXIT_RETRY,
    "server_error": EXIT_RETRY,
}
"""``error["type"]`` -> exit status (anything else exits 1); :func:`exit_status` gives
:data:`EXIT_OUTCOME_UNKNOWN` instead whenever ``error["may_have_applied"]``."""


def exit_status(error: ActionError) -> int:
    """The exit status for an error: 6 when the request may have been applied (retrying could
    duplicate it: check first), else by ``error["type"]`` (:data:`EXIT_CODES`, default 1).

    >>> from freshbooks_sdk.errors import InternalServerError
    >>> err = InternalServerError("Internal Server Error", status_code=500)
    >>> exit_status(error_from_exception(err))
    5
    >>> err.may_have_applied = True
    >>> exit_status(error_from_exception(err))
    6
    """
    if error.get("may_have_applied"):
        return EXIT_OUTCOME_UNKNOWN
    return EXIT_CODES.get(error["type"], EXIT_ERROR)


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
  FRESHBOOKS_CONFIG         connection file (default ~/.config/freshbooks-typed/connection.json)
  FRESHBOOKS_CURSOR_DB      poll's SQLite cursor file (default: cursors.db beside the connection)

--json prints one JSON document on stdout: the command's output, or on failure
{"ok": false, "output": null, "error": {...}} (the action result shape).
"""

DEFAULT_API_URL = "https://api.freshbooks.com"
DEFAULT_AUTH_URL = "https://auth.freshbooks.com"


class CliError(Exception):
    """A failure to report: one line on stderr, an exit status, and the structured error.

    ``check`` is how to find out whether a request that may have been applied was (printed in
    the warning line when ``error["may_have_applied"]``).
    """

    def __init__(
        self, error: ActionError, code: int | None = None, *, check: str | None = None
    ) -> None:
        super().__init__(error["message"])
        self.error = error
        self.code = code if code is not None else exit_status(error)
        self.check = check


def _plain_error(kind: str, message: str, field: str | None = None) -> ActionError:
    return ActionError(
        type=kind,
        message=message,
        fields=[]
        if field is None
        else [{"field": field, "message": message, "errno": None, "wire_field": None}],
        retryable=False,
        may_have_applied=False,
        retry_after=None,
        status_code=None,
    )


def _fail(kind: str, message: str, field: str | None = None) -> NoReturn:
    raise CliError(_plain_error(kind, message, field))


def error_line(error: ActionError) -> str:
    """The one stderr line for an error: what happened, which fields, when to retry."""
    parts = [error["message"].replace("\n", " ").strip()]
    if error["type"] != "invalid_input":
        named = [
            f["field"] + (f" errno {f['errno']}" if f["errno"] is not None else "")
            for f in error["fields"]
            if f["field"]
        ]
        if named:
            parts.append(f"[{', '.join(named)}]")
    if error["status_code"] is not None:
        parts.append(f"(HTTP {error['status_code']})")
    if error["retry_after"] is not None:
        parts.append(f"retry after {error['retry_after']:g} s")
    label = error["type"].replace("_", " ")
    text = " ".join(parts)
    if text.lower().startswith(label):
        return f"{PROG}: {text}"
    return f"{PROG}: {label}: {text}"


_FIELD_OPTIONS: Mapping[str, str] = {
    "access_token": "FRESHBOOKS_ACCESS_TOKEN or the saved connection",
    "base_url": "FRESHBOOKS_BASE_URL",
    "account_id": "--account-id or FRESHBOOKS_ACCOUNT_ID",
    "default_currency": "FRESHBOOKS_CURRENCY",
    "client_id": "--client-id",
    "customer_id": "--client-id",
    "category_id": "--category-id",
    "project_id": "--project-id",
    "staff_id": "--staff-id",
    "invoice_id": "INVOICE_ID",
    "lines": "--line",
    "currency_code": "--currency or FRESHBOOKS_CURRENCY",
    "create_date": "--date",
    "date": "--date",
    "due_offset_days": "--due-days",
    "po_number": "--po-number",
    "invoice_number": "--number",
    "organization_like": "--organization",
    "updated_since": "--updated-since",
    "include_pdf": "--pdf",
    "include_lines": "--lines",
    "include_deleted": "--include-deleted",
    "store": "--cursor-db or FRESHBOOKS_CURSOR_DB",
}
"""Where a checked field comes from on the command line (for the error line)."""


def cli_worded(error: ActionError, command: str | None) -> ActionError:
    """An input error whose message also names the option (or variable) that gave the field.

    >>> err = {"type": "invalid_input", "message": "invalid input (due_offset_days: >= 0)",
    ...        "fields": [{"field": "due_offset_days", "message": "", "errno": None,
    ...                    "wire_field": None}], "retryable": False, "may_have_applied": False,
    ...        "retry_after": None, "status_code": None}
    >>> cli_worded(err, "invoices")["message"]
    'invalid input (due_offset_days: >= 0) [from --due-days]'
    """
    if error["type"] != "invalid_input" or command == "action":
        return error
    named = [f["field"] for f in error["fields"] if f["field"]]
    if not named:
        return error
    head = named[0].split(".")[0]
    option = _FIELD_OPTIONS.get(head) or (
        f"--{head.replace('_', '-')}" if head.isidentifier() and head.islower() else None
    )
    if option is None or option in error["message"]:
        return error
    return ActionError(**{**error, "message": f"{error['message']} [from {option}]"})


def check_hint(name: str, data: Mapping[str, Any]) -> str | None:
    """How to find out whether the action ``name`` run with ``data`` was applied after all.

    >>> check_hint("freshbooks/create-invoice", {"client_id": 7})
    '`freshbooks invoices list --client-id 7`'
    """
    if name == "freshbooks/create-invoice":
        client = data.get("client_id")
        return f"`{PROG} invoices list" + (f" --client-id {client}`" if client else "`")
    if name == "freshbooks/send-invoice":
        return f"the status of invoice {data.get('invoice_id')} in `{PROG} invoices list`"
    if name == "freshbooks/create-client":
        email = data.get("email")
        return f"`{PROG} clients list" + (f" --email {email}`" if email else "`")
    if name == "freshbooks/create-expense":
        return "the business's expenses in FreshBooks"
    return None


def warning_line(error: ActionError, check: str | None = None) -> str | None:
    """The stderr warning for an error that may have been applied (else ``None``)."""
    if not error.get("may_have_applied"):
        return None
    how = f" (e.g. {check})" if check else ""
    return (
        f"{PROG}: warning: outcome unknown: the request may have been applied; "
        f"check{how} before retrying, or it may be done twice"
    )


def report_error(console: Console, error: ActionError, check: str | None = None) -> int:
    """Print the error line (and the outcome-unknown warning); return the exit status."""
    console.note(error_line(error))
    warning = warning_line(error, check)
    if warning is not None:
        console.note(warning)
    return exit_status(error)


# ---------------------------------------------------------------------------------------------
# The connection file
# ---------------------------------------------------------------------------------------------


def default_config_path(env: Mapping[str, str] | None = None) -> Path:
    """``$FRESHBOOKS_CONFIG``, else ``$XDG_CONFIG_HOME`` (or ``~/.config``) /
    ``freshbooks-typed/connection.json``."""
    env = os.environ if env is None else env
    if env.get("FRESHBOOKS_CONFIG"):
        return Path(env["FRESHBOOKS_CONFIG"]).expanduser()
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / "freshbooks-typed" / "connection.json"


def save_private_json(path: Path, data: Mapping[str, Any]) -> None:
    """Write ``data`` to ``path`` atomically, readable only by the user (mode 0600); the
    directory is created with mode 0700 when missing."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=".connection-", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
            handle.write("\n")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.chmod(path, 0o600)


def load_connection(path: Path) -> dict[str, Any] | None:
    """The saved connection, or ``None`` when there is none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        _fail("not_connected", f"cannot read {path}: {exc.strerror}")
    try:
        data = json.loads(text)
    except ValueError:
        _fail("not_connected", f"{path} is not valid JSON; run `freshbooks connect` again")
    if not isinstance(data, dict):
        _fail("not_connected", f"{path} is not a connection file; run `freshbooks connect`")
    return data


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


# ---------------------------------------------------------------------------------------------
# Credentials and the client
# ---------------------------------------------------------------------------------------------


@attrs.frozen
class Connection:
    """What a command connects with, resolved from flags, environment and the saved file."""

    base_url: str
    account_id: str | None
    access_token: str | None
    saved: dict[str, Any] | None
    path: Path


def resolve_connection(args: argparse.Namespace, env: Mapping[str, str]) -> Connection:
    """Environment first (``FRESHBOOKS_ACCESS_TOKEN``...), then the saved connection."""
    path = _config_path(args, env)
    token = env.get("FRESHBOOKS_ACCESS_TOKEN") or None
    saved = None if token else load_connection(path)
    if token is None and saved is None:
        _fail(
            "not_connected",
            f"run `{PROG} connect` or set FRESHBOOKS_ACCESS_TOKEN (no connection file at {path})",
        )
    base_url = env.get("FRESHBOOKS_BASE_URL") or (saved or {}).get("base_url") or DEFAULT_API_URL
    account_id = (
        getattr(args, "account_id", None)
        or env.get("FRESHBOOKS_ACCOUNT_ID")
        or (saved or {}).get("account_id")
    )
    return Connection(str(base_url).rstrip("/"), account_id, token, saved, path)


def _config_path(args: argparse.Namespace, env: Mapping[str, str]) -> Path:
    given = getattr(args, "config", None)
    return Path(given).expanduser() if given else default_config_path(env)


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


@contextlib.contextmanager
def open_client(
    args: argparse.Namespace,
    env: Mapping[str, str],
    console: Console,
    *,
    need_account: bool = True,
) -> Iterator[FreshBooks]:
    """A ``FreshBooks`` client for the resolved connection (refreshing a saved token when the
    OAuth app's id and secret are in the environment)."""
    import httpx

    from freshbooks_sdk import FreshBooks
    from freshbooks_sdk.auth import OAuthClient, Token, TokenSource

    conn = resolve_connection(args, env)
    if need_account and not conn.account_id:
        _fail(
            "invalid_input",
            f"no business chosen: pass --account-id or set FRESHBOOKS_ACCOUNT_ID "
            f"(`{PROG} businesses` lists them)",
            "account_id",
        )
    progress = Progress(console.err, _stream_is_tty(console.err) and not console.json)
    http = httpx.Client(trust_env=True, event_hooks={"response": [progress.on_response]})
    currency = env.get("FRESHBOOKS_CURRENCY") or None
    oauth: OAuthClient | None = None
    try:
        if conn.access_token is not None:
            fb = FreshBooks(
                access_token=conn.access_token,
                account_id=conn.account_id,
                base_url=conn.base_url,
                http_client=http,
                default_currency=currency,
            )
        else:
            saved = conn.saved or {}
            try:
                token = Token.from_dict(saved.get("token") or {})
            except Exception as exc:
                _fail("not_connected", f"{conn.path} holds no usable token ({exc}); reconnect")
            client_id = env.get("FRESHBOOKS_CLIENT_ID") or saved.get("client_id")
            secret = env.get("FRESHBOOKS_CLIENT_SECRET")
            redirect = env.get("FRESHBOOKS_REDIRECT_URI") or saved.get("redirect_uri")
            if client_id and secret and redirect:
                oauth = OAuthClient(
                    client_id,
                    secret,
                    redirect,
                    api_base_url=conn.base_url,
                    auth_base_url=saved.get("auth_base_url") or conn.base_url,
                )
                path = conn.path

                def persist(new: Token) -> None:
                    current = load_connection(path) or dict(saved)
                    current["token"] = new.to_dict()
                    save_private_json(path, current)

                fb = FreshBooks(
                    token_source=TokenSource(oauth, token, on_refresh=persist),
                    account_id=conn.account_id,
                    base_url=conn.base_url,
                    http_client=http,
                    default_currency=currency,
                )
            else:
                fb = FreshBooks(
                    access_token=token.access_token,
                    account_id=conn.account_id,
                    base_url=conn.base_url,
                    http_client=http,
                    default_currency=currency,
                )
        with fb:
            yield fb
    finally:
        progress.done()
        if oauth is not None:
            oauth.close()
        http.close()


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


def _read_input(text: str, stdin: TextIO) -> Any:
    if text == "-":
        raw = stdin.read()
    elif text.startswith("@"):
        try:
            raw = Path(text[1:]).expanduser().read_text(encoding="utf-8")
        except OSError as exc:
            _fail("invalid_input", f"cannot read --input file {text[1:]}: {exc.strerror}", "input")
    else:
        raw = text
    if len(raw) > MAX_INPUT_CHARS:
        _fail("invalid_input", f"--input is larger than {MAX_INPUT_CHARS} characters", "input")
    try:
        return json.loads(raw, parse_constant=_refuse_json_constant)
    except ValueError as exc:
        _fail("invalid_input", f"--input is not valid JSON: {exc}", "input")
    except RecursionError:
        _fail("invalid_input", "--input is not valid JSON: nested too deeply", "input")


MAX_INPUT_CHARS = 1_000_000
"""Largest ``--input`` document accepted."""


def _refuse_json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (strict JSON has no NaN or Infinity)")


def _catalog_name(name: str) -> str:
    full = name if "/" in name else f"freshbooks/{name}"
    if full not in catalog:
        known = ", ".join(catalog)
        _fail("invalid_input", f"unknown action {name!r}; known: {known}", "name")
    return full


def cmd_action(args: argparse.Namespace, env: Mapping[str, str], console: Console) -> int:
    if args.list or not args.name:
        rows = [{"name": e.name, "kind": e.kind, "title": e.title} for e in catalog.values()]
        if console.json:
            console.document(rows)
        else:
            console.line(
                table(
                    [
                        ("NAME", lambda r: r["name"]),
                        ("KIND", lambda r: r["kind"]),
                        ("TITLE", lambda r: r["title"]),
                    ],
                    rows,
                )
            )
        return EXIT_OK
    name = _catalog_name(args.name)
    entry = catalog[name]
    if args.schema:
        console.document({"input": entry.input_schema(), "output": entry.output_schema()})
        return EXIT_OK
    data = _read_input(args.input, sys.stdin)
    if not isinstance(data, dict):
        _fail("invalid_input", "--input must be a JSON object", "input")
    result: ActionResult
    try:
        entry.parse({k: v for k, v in data.items() if k != "cursor"})
    except Exception as exc:
        result = ActionResult(ok=False, error=error_from_exception(exc))  # keys as sent
    else:
        with open_client(args, env, console) as fb:
            result = entry.run(fb, data)
    if console.json:
        console.document(result.to_dict())
    elif result.ok:
        console.line(json.dumps(result.output, indent=2, ensure_ascii=False))
    if not result.ok:
        assert result.error is not None
        return report_error(console, result.error, check_hint(name, data))
    return EXIT_OK


def cmd_businesses(args: argparse.Namespace, env: Mapping[str, str], console: Console) -> int:
    conn = resolve_connection(args, env)
    with open_client(args, env, console, need_account=False) as fb:
        try:
            businesses = [to_json(b) for b in fb.identity.businesses()]
        except Exception as exc:
            raise CliError(error_from_exception(exc)) from None
    current = conn.account_id
    if args.use:
        if args.use not in {b["account_id"] for b in businesses}:
            known = ", ".join(b["account_id"] for b in businesses) or "none"
            _fail("invalid_input", f"{args.use!r} is not one of your businesses ({known})", "use")
        if conn.saved is None:
            _fail(
                "invalid_input",
                "--use changes the saved connection, but the token comes from the environment; "
                "set FRESHBOOKS_ACCOUNT_ID instead",
                "use",
            )
        saved = dict(conn.saved)
        saved["account_id"] = args.use
        save_private_json(conn.path, saved)
        current = args.use
    for b in businesses:
        b["current"] = b["account_id"] == current
    if console.json:
        console.document({"account_id": current, "businesses": businesses})
    else:
        console.line(table(BUSINESS_COLUMNS, businesses))
        if args.use:
            console.line(f"Now using {args.use}.")
    return EXIT_OK


def cmd_connect(args: argparse.Namespace, env: Mapping[str, str], console: Console) -> int:
    from freshbooks_sdk import FreshBooks
    from freshbooks_sdk.auth import OAuthClient, generate_state

    missing = [
        n
        for n in ("FRESHBOOKS_CLIENT_ID", "FRESHBOOKS_CLIENT_SECRET", "FRESHBOOKS_REDIRECT_URI")
        if not env.get(n)
    ]
    if missing:
        _fail(
            "invalid_input",
            f"set {', '.join(missing)} (your FreshBooks app's settings) before `connect`",
        )
    base_url = (env.get("FRESHBOOKS_BASE_URL") or DEFAULT_API_URL).rstrip("/")
    auth_url = (
        env.get("FRESHBOOKS_AUTH_URL")
        or (env.get("FRESHBOOKS_BASE_URL") and base_url)
        or DEFAULT_AUTH_URL
    ).rstrip("/")
    path = _config_path(args, env)
    try:
        oauth = OAuthClient(
            env["FRESHBOOKS_CLIENT_ID"],
            env["FRESHBOOKS_CLIENT_SECRET"],
            env["FRESHBOOKS_REDIRECT_URI"],
            api_base_url=base_url,
            auth_base_url=auth_url,
        )
    except Exception as exc:
        raise CliError(error_from_exception(exc)) from None
    with oauth:
        state = generate_state()
        url = oauth.authorization_url(state)
        if args.url_only:
            if console.json:
                console.document({"authorization_url": url})
            else:
                console.line(url)
            return EXIT_OK
        code = args.code
        if code is None:
            console.note("Open this URL, approve access, then paste the code (or the whole URL")
            console.note("FreshBooks redirected you to):\n")
            console.note(f"  {url}\n")
            console.err.write("code: ")
            console.err.flush()
            answer = sys.stdin.readline().strip()
            if not answer:
                _fail("invalid_input", "no authorization code given", "code")
            code = _code_from_answer(answer, state)
        try:
            token = oauth.exchange_code(code)
            with FreshBooks(access_token=token.access_token, base_url=base_url) as fb:
                businesses = fb.identity.businesses()
        except Exception as exc:
            raise CliError(error_from_exception(exc)) from None
    rows = [to_json(b) for b in businesses]
    ids = [b["account_id"] for b in rows]
    if not ids:
        _fail("permission_denied", "this FreshBooks user has no business with accounting access")
    chosen = getattr(args, "account_id", None) or ids[0]
    if chosen not in ids:
        _fail("invalid_input", f"{chosen!r} is not one of your businesses ({', '.join(ids)})")
    saved = {
        "version": 1,
        "base_url": base_url,
        "auth_base_url": auth_url,
        "client_id": env["FRESHBOOKS_CLIENT_ID"],
        "redirect_uri": env["FRESHBOOKS_REDIRECT_URI"],
        "account_id": chosen,
        "businesses": rows,
        "token": token.to_dict(),
        "saved_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    save_private_json(path, saved)
    for row in rows:
        row["current"] = row["account_id"] == chosen
    if console.json:
        console.document({"account_id": chosen, "businesses": rows, "config": str(path)})
    else:
        name = next(b["name"] for b in rows if b["account_id"] == chosen)
        console.line(table(BUSINESS_COLUMNS, rows))
        console.line(f"Connected to {name} ({chosen}); saved to {path} (readable only by you).")
        if len(rows) > 1:
            console.line(f"Switch business with `{PROG} businesses --use ACCOUNT_ID`.")
    return EXIT_OK


def _code_from_answer(answer: str, state: str) -> str:
    """The code from a pasted code or redirect URL (whose ``state`` must match)."""
    if "code=" not in answer:
        return answer
    query = parse_qs(urlsplit(answer).query or answer.split("?", 1)[-1])
    if "error" in query:
        _fail("permission_denied", f"authorization refused: {query['error'][0]}")
    if query.get("state", [state])[0] != state:
        _fail("invalid_input", "the redirect's state does not match this request; start again")
    codes = query.get("code")
    if not codes:
        _fail("invalid_input", "no code in the pasted URL", "code")
    return codes[0]


def _poll_params(args: argparse.Namespace) -> dict[str, Any]:
    return _compact(
        {
            "start": args.start,
            "interval": args.interval,
            "cap": args.cap,
            "include_deleted": args.include_deleted,
        }
    )


def _show_activation(console: Console, activation: Any, cursor: Any) -> None:
    if activation is None:
        console.line(f"No invoice updated (cursor at {cursor['watermark']}).")
        return
    more = " (more to come)" if activation["has_more"] else ""
    console.line(
        f"Activation {activation['id'][:12]}: "
        f"{_plural(activation['count'], 'invoice')} updated{more}"
    )
    console.line(table(INVOICE_COLUMNS, activation["items"]))


def cmd_poll(args: argparse.Namespace, env: Mapping[str, str], console: Console) -> int:
    params = _poll_params(args)
    try:
        INVOICE_UPDATED.parse(params)
    except Exception as exc:
        raise CliError(error_from_exception(exc)) from None
    given = args.cursor_db or env.get("FRESHBOOKS_CURSOR_DB")
    store = Path(given).expanduser() if given else _config_path(args, env).parent / "cursors.db"
    store.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open_client(args, env, console) as fb:
        try:
            poller = INVOICE_UPDATED.poller(fb, params, store=str(store))
            if args.once:
                activation = poller.poll_once()
                rendered = render_activation(activation)
                if console.json:
                    console.document({"activation": rendered, "cursor": activation.cursor_after})
                else:
                    _show_activation(console, rendered, activation.cursor_after)
                activation.ack()
                return EXIT_OK
            if not console.json:
                console.note(
                    f"polling invoices of {fb.account_id} every {args.interval:g} s "
                    f"(cursor in {store}); Ctrl+C to stop"
                )
            for activation in poller:
                rendered = render_activation(activation)
                if console.json:
                    console.out.write(json.dumps(rendered, ensure_ascii=False) + "\n")
                else:
                    _show_activation(console, rendered, activation.cursor_after)
                console.out.flush()
        except CliError:
            raise
        except Exception as exc:
            raise CliError(error_from_exception(exc)) from None
    return EXIT_OK  # pragma: no cover - the loop only ends by an exception


def cmd_sandbox_serve(args: argparse.Namespace, env: Mapping[str, str], console: Console) -> int:
    from freshbooks_sdk.sandbox import main_serve

    return main_serve(list(args.rest))


def cmd_demo(args: argparse.Namespace, env: Mapping[str, str], console: Console) -> int:
    try:
        module = importlib.import_module("freshbooks_sdk.demo")
    except ImportError as exc:
        _fail("internal_error", f"the demo is not available: {exc}")
    result = module.main(list(args.rest))
    return int(result or 0)


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
            epilog=EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
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

    expenses = sub.add_parser("expenses", help="record expenses").add_subparsers(
        dest="expenses_command", metavar="ACTION", parser_class=_Parser
    )
    expenses.required = True
    p = command(expenses, "create", "record an expense", cmd_expenses_create)
    p.add_argument("--amount", required=True, help='decimal amount, e.g. "12.50"')
    p.add_argument("--category-id", type=int, required=True)
    p.add_argument("--date", metavar="YYYY-MM-DD", required=True)
    p.add_argument("--currency", metavar="CODE", help="default: $FRESHBOOKS_CURRENCY")
    p.add_argument("--vendor")
    p.add_argument("--notes")
    p.add_argument("--client-id", type=int, help="bill back to this client")
    p.add_argument("--project-id", type=int, help="bill back to this project")
    p.add_argument("--staff-id", type=int, help="default: your own staff id")

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

    p = sub.add_parser("demo", help="run the integration story against the sandbox", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(handler=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``freshbooks`` program; returns the exit status.

    >>> main(["action", "--list"])  # doctest: +SKIP
    0
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # `sandbox serve` and `demo` hand every following argument (--help included) to their own
    # entry point; argparse's REMAINDER would refuse an option in first position.
    for prefix in (["sandbox", "serve"], ["demo"]):
        if argv[: len(prefix)] == prefix:
            args = parser.parse_args(prefix)
            args.rest = argv[len(prefix) :]
            break
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
            raise CliError(error_from_exception(exc)) from exc
    except CliError as exc:
        error = cli_worded(exc.error, getattr(args, "command", None))
        if console.json:
            console.document({"ok": False, "output": None, "error": error})
        report_error(console, error, exc.check)
        return exc.code
    except KeyboardInterrupt:
        console.note(f"{PROG}: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
