"""Errors as FreshBooks sends them (API notes §6), raised inside the app and rendered once.

Accounting errors render in one of two formats:

* ``classic``: ``{"response": {"errors": [{"errno": 1012, "field": "userid", ...}]}}``
* ``rpc`` (API versions >= 2022-10-31): ``{"code": 5, "message": "Request failed with
  status_code: 404", "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", ...}]}``

Auth endpoints (``/auth/...``) use ``{"error": ..., "error_description": ...}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .wire import JsonObj, SandboxResponse, json_response

__all__ = [
    "ACCESS_DENIED_MESSAGE",
    "AccountingError",
    "AuthError",
    "ErrorFormat",
    "ErrorItem",
    "bad_value",
    "not_found",
    "render_accounting_error",
    "required",
    "required_item",
]

ErrorFormat = Literal["classic", "rpc"]

ACCESS_DENIED_MESSAGE = (
    "The server could not verify that you are authorized to access the URL requested."
)

# HTTP status -> google.rpc code (the ones FreshBooks is seen sending: 3, 5, 16).
_RPC_CODES = {400: 3, 401: 16, 403: 7, 404: 5, 405: 12, 409: 10, 413: 3, 422: 3, 429: 8, 500: 13}
_RPC_DOMAIN = "accounting.api.freshbooks.com"
_RPC_TYPE = "type.googleapis.com/google.rpc.ErrorInfo"


@dataclass(frozen=True)
class ErrorItem:
    """One entry of ``response.errors`` (classic) / one ``ErrorInfo`` detail (rpc)."""

    errno: int
    message: str
    field: str | None = None
    object: str | None = None
    value: str | None = None

    def classic(self) -> JsonObj:
        out: JsonObj = {"errno": self.errno}
        if self.field is not None:
            out["field"] = self.field
        out["message"] = self.message
        if self.object is not None:
            out["object"] = self.object
        if self.value is not None:
            out["value"] = self.value
        return out

    def rpc(self) -> JsonObj:
        return {
            "@type": _RPC_TYPE,
            "reason": str(self.errno),
            "domain": _RPC_DOMAIN,
            "metadata": {
                "object": self.object or "",
                "message": self.message,
                "value": self.value or "",
                "field": self.field or "",
            },
        }


class AccountingError(Exception):
    """An accounting-API error; rendered classic or rpc by :func:`render_accounting_error`."""

    def __init__(
        self,
        status: int,
        items: list[ErrorItem] | ErrorItem,
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        self.status = status
        self.items = [items] if isinstance(items, ErrorItem) else list(items)
        self.headers = headers or []
        super().__init__(f"{status}: {'; '.join(i.message for i in self.items)}")


class AuthError(Exception):
    """An OAuth/identity error with an ``{"error", "error_description"}`` body."""

    def __init__(
        self,
        status: int,
        error: str,
        description: str,
        *,
        extra: JsonObj | None = None,
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        self.status = status
        self.body: JsonObj = {"error": error, "error_description": description, **(extra or {})}
        self.headers = headers or []
        super().__init__(f"{status} {error}: {description}")

    def response(self) -> SandboxResponse:
        return json_response(self.status, self.body, self.headers)


def render_accounting_error(err: AccountingError, fmt: ErrorFormat) -> SandboxResponse:
    """Render ``err`` in the requested accounting error format."""
    body: JsonObj
    if fmt == "rpc":
        body = {
            "code": _RPC_CODES.get(err.status, 2),
            "message": f"Request failed with status_code: {err.status}",
            "details": [item.rpc() for item in err.items],
        }
    else:
        body = {"response": {"errors": [item.classic() for item in err.items]}}
    return json_response(err.status, body, err.headers)


def not_found(obj: str, field: str, value: object, *, status: int = 404) -> AccountingError:
    """errno 1012, e.g. ``not_found("client", "userid", 12345)`` -> "Client not found."."""
    message = f"{obj.replace('_', ' ').capitalize()} not found."
    return AccountingError(
        status, ErrorItem(1012, message, field=field, object=obj, value=str(value))
    )


def required_item(field: str, obj: str) -> ErrorItem:
    """One errno 1001 RequiredField entry."""
    return ErrorItem(1001, f"{field} is required.", field=field, object=obj, value="")


def required(field: str, obj: str) -> AccountingError:
    """errno 1001 RequiredField (HTTP 422)."""
    return AccountingError(422, required_item(field, obj))


def bad_value(
    field: str, obj: str, value: object, message: str, *, errno: int = 1004, status: int = 400
) -> AccountingError:
    """A value of the wrong type or form (errno 1004 InvalidValue, 1015 number, 1033 date...)."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > 200:
        text = text[:200] + "..."
    # quote undecodable text (a lone surrogate) back as an escape, never as invalid UTF-8
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return AccountingError(status, ErrorItem(errno, message, field=field, object=obj, value=text))
