"""Exit statuses and the error lines the ``freshbooks`` program prints."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from freshbooks_sdk.cli.output import Console
    from freshbooks_sdk.integration import ActionError

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
    >>> from freshbooks_sdk.integration import error_from_exception
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

    @classmethod
    def of(cls, exc: BaseException) -> CliError:
        """The error for an exception raised by the SDK (typed errors keep their kind, status,
        fields and retry advice; anything else is an ``internal_error``)."""
        from freshbooks_sdk.integration import error_from_exception

        return cls(error_from_exception(exc))


def _plain_error(kind: str, message: str, field: str | None = None) -> ActionError:
    error: ActionError = {
        "type": kind,
        "message": message,
        "fields": []
        if field is None
        else [{"field": field, "message": message, "errno": None, "wire_field": None}],
        "retryable": False,
        "may_have_applied": False,
        "retry_after": None,
        "status_code": None,
    }
    return error


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


_CLI_MESSAGES: Mapping[tuple[str, str], str] = {
    ("currency_code", "is required"): "--currency is required (or set FRESHBOOKS_CURRENCY): "
    "FreshBooks never assumes a currency",
    ("lines", "at least 1"): "--line is required: give at least one line (--line NAME QTY COST)",
}
"""Messages reworded for the command line, by (field, a phrase of the library's message)."""

_AUTH_HINTS: Mapping[str, str] = {
    "authentication_failed": "the token was refused",
    "reauthorization_required": "the connection has expired or was revoked",
    "permission_denied": "this connection lacks a permission",
}


def _option(field: str) -> str | None:
    head = field.split(".")[0]
    return _FIELD_OPTIONS.get(head) or (
        f"--{head.replace('_', '-')}" if head.isidentifier() and head.islower() else None
    )


def cli_worded(
    error: ActionError, command: str | None, env: Mapping[str, str] | None = None
) -> ActionError:
    """The error worded for the command line: an input error names the option (or variable)
    that gave the field, in place of the library's parameter name; an authentication error
    says how to connect again (``freshbooks connect``, or the variable that gave the token).

    >>> err = {"type": "invalid_input", "message": "invalid input (due_offset_days: >= 0)",
    ...        "fields": [{"field": "due_offset_days", "message": "must be >= 0, got -1",
    ...                    "errno": None, "wire_field": None}], "retryable": False,
    ...        "may_have_applied": False, "retry_after": None, "status_code": None}
    >>> cli_worded(err, "invoices")["message"]
    '--due-days: must be >= 0, got -1'
    >>> err.update(type="authentication_failed", message="Unauthorized.", fields=[])
    >>> cli_worded(err, "clients", {})["message"]
    'Unauthorized; run `freshbooks connect` to sign in again'
    """
    if command == "action":  # the catalog's own names: the JSON input used them
        return error
    worded = error.copy()
    if error["type"] in _AUTH_HINTS and env is not None:
        how = (
            "check FRESHBOOKS_ACCESS_TOKEN (it is used instead of the saved connection)"
            if env.get("FRESHBOOKS_ACCESS_TOKEN")
            else f"run `{PROG} connect` to sign in again"
        )
        if how not in error["message"]:
            worded["message"] = f"{error['message'].rstrip('. ')}; {how}"
        return worded
    if error["type"] != "invalid_input":
        return error
    named = [f for f in error["fields"] if f["field"]]
    if not named:
        return error
    field = named[0]["field"] or ""
    option = _option(field)
    if option is None:
        return error
    head = field.split(".")[0]
    said = named[0]["message"] or error["message"]
    for (name, phrase), text in _CLI_MESSAGES.items():
        if name == head and phrase in said:
            worded["message"] = text
            return worded
    flag, _, alternative = option.partition(" or ")
    if "_" in head:  # a parameter name (client_id) reads as its flag (--client-id)
        said = said.replace(f"{head}=...", flag).replace(head, flag)
    where = f"{flag} (or {alternative})" if alternative else flag
    if flag in said and not said.startswith(f"{flag} "):  # it already says where
        worded["message"] = said
    elif said.startswith(f"{flag} "):  # "--account-id must be ...": no second flag
        worded["message"] = where + said[len(flag) :]
    else:
        worded["message"] = f"{where}: {said.removeprefix(f'{flag}: ')}"
    return worded


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
