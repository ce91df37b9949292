"""Exit statuses and the error lines the ``freshbooks`` program prints."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NoReturn

from freshbooks_sdk.integration import (
    ActionError,
)

if TYPE_CHECKING:
    from freshbooks_sdk.cli.output import Console

    pass

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
