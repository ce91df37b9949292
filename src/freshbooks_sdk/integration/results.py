"""Results and errors as data (:class:`ActionResult`, :class:`ActionError`), exception ->
error dict, and SDK values -> JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import attrs
import pydantic
from pydantic import (
    BaseModel,
    ConfigDict,
)
from typing_extensions import TypedDict  # pydantic needs this one on Python < 3.12

from freshbooks_sdk._core.fbtime import format_iso_z
from freshbooks_sdk._types import Money
from freshbooks_sdk.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    CursorError,
    FreshBooksError,
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ReauthorizationRequiredError,
    ResponseValidationError,
    UnprocessableEntityError,
)

# ---------------------------------------------------------------------------------------------
# Results and errors
# ---------------------------------------------------------------------------------------------


class FieldError(TypedDict):
    """One invalid field: the input field name, the message, FreshBooks' errno when it gave one,
    and the wire field FreshBooks named (``None`` when the check happened before sending)."""

    field: str | None
    message: str
    errno: int | None
    wire_field: str | None


class ActionError(TypedDict):
    """A failure, as data (see the module docs for the ``type`` values).

    ``retryable``: running the same action again later is safe and may succeed.
    ``may_have_applied``: the request may have been carried out although it failed (a create
    that timed out after sending, a dropped connection, a 5xx); it is then never ``retryable``:
    check (list or get) before running it again, or it may be done twice.
    """

    type: str
    message: str
    fields: list[FieldError]
    retryable: bool
    may_have_applied: bool
    retry_after: float | None
    status_code: int | None


class ActionResult(BaseModel):
    """What every catalog entry answers: ``ok`` and an ``output``, or ``ok=False`` and ``error``.

    >>> ActionResult(ok=True, output={"id": 1}).to_dict()
    {'ok': True, 'output': {'id': 1}, 'error': None}
    """

    model_config = ConfigDict(frozen=True)

    ok: bool
    output: Any = None
    error: ActionError | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serializable dict (``json.dumps(result.to_dict())`` always works)."""
        return {"ok": self.ok, "output": self.output, "error": self.error}

    def unwrap(self) -> Any:
        """The output; raises ``RuntimeError`` with the error message when ``ok`` is false."""
        if not self.ok:
            assert self.error is not None
            raise RuntimeError(f"{self.error['type']}: {self.error['message']}")
        return self.output


_ERROR_TYPES: tuple[tuple[type[BaseException], str], ...] = (
    (pydantic.ValidationError, "invalid_input"),
    (InvalidRequestError, "invalid_input"),
    (RateLimitError, "rate_limited"),
    (NotFoundError, "not_found"),
    (UnprocessableEntityError, "validation_failed"),
    (BadRequestError, "bad_request"),
    (AuthenticationError, "authentication_failed"),
    (PermissionDeniedError, "permission_denied"),
    (ConflictError, "conflict"),
    (InternalServerError, "server_error"),
    (APIStatusError, "api_error"),
    (APITimeoutError, "timeout"),
    (APIConnectionError, "connection_error"),
    (ReauthorizationRequiredError, "reauthorization_required"),
    (ResponseValidationError, "unexpected_response"),
    (CursorError, "cursor_error"),
    (FreshBooksError, "error"),
)
"""Exception class -> ``error["type"]``, most specific first."""

ERROR_TYPES: tuple[str, ...] = (*dict.fromkeys(t for _, t in _ERROR_TYPES), "internal_error")
"""Every ``error["type"]`` value."""


def _pydantic_fields(exc: pydantic.ValidationError) -> list[FieldError]:
    out: list[FieldError] = []
    for err in exc.errors(include_url=False):
        ctx = err.get("ctx") or {}
        named = ctx.get("fields")
        path = ".".join(str(p) for p in err["loc"])
        if named and not path:
            for name in named:
                out.append(FieldError(field=name, message=err["msg"], errno=None, wire_field=None))
            continue
        out.append(FieldError(field=path or None, message=err["msg"], errno=None, wire_field=None))
    return out


def _summary(fields: Sequence[FieldError]) -> str:
    """``"a, b: message; c: other"``: fields sharing a message are listed together."""
    grouped: dict[str, list[str]] = {}
    for item in fields:
        grouped.setdefault(item["message"], []).append(item["field"] or "")
    return "; ".join(
        f"{', '.join(n for n in names if n)}: {msg}" if any(names) else msg
        for msg, names in grouped.items()
    )


def _map_field(name: str | None, names: Mapping[str, str]) -> str | None:
    """Rename an SDK argument or wire field to the action's input field (``customerid`` ->
    ``client_id``); dotted paths are renamed by their first part (``to.0`` stays ``to.0``)."""
    if name is None:
        return None
    if name in names:
        return names[name]
    head, dot, rest = name.partition(".")
    if dot and head in names:
        return f"{names[head]}.{rest}"
    return name


def error_from_exception(
    exc: BaseException, field_names: Mapping[str, str] | None = None
) -> ActionError:
    """The structured error for an exception (pure).

    ``field_names`` renames SDK argument and wire field names (errors raised by the SDK or
    answered by FreshBooks) to input field names. A ``pydantic.ValidationError`` is the
    action's own input validation: its fields already are the keys the caller sent, and are
    never renamed.

    >>> from freshbooks_sdk.errors import ErrorDetail, NotFoundError
    >>> err = NotFoundError("Client not found.", status_code=404,
    ...     errors=[ErrorDetail("Client not found.", errno=1012, field="customerid")])
    >>> e = error_from_exception(err, {"customerid": "client_id"})
    >>> e["type"], e["fields"][0]["field"], e["fields"][0]["errno"], e["retryable"]
    ('not_found', 'client_id', 1012, False)
    """
    names = field_names or {}
    kind = next((t for cls, t in _ERROR_TYPES if isinstance(exc, cls)), "internal_error")
    fields: list[FieldError] = []
    status_code: int | None = None
    retry_after: float | None = None
    retryable = False
    may_have_applied = False
    message = str(exc)
    if isinstance(exc, pydantic.ValidationError):
        fields = _pydantic_fields(exc)  # the caller's own keys: never renamed
        message = "invalid input (" + _summary(fields) + ")"
    elif isinstance(exc, InvalidRequestError):
        message = exc.message
        fields = [
            FieldError(
                field=_map_field(d.field, names), message=d.message, errno=d.errno, wire_field=None
            )
            for d in exc.errors
        ]
    elif isinstance(exc, APIStatusError):
        status_code = exc.status_code
        message = exc.message
        fields = [
            FieldError(
                field=_map_field(d.field, names) if d.field else None,
                message=d.message,
                errno=d.errno,
                wire_field=d.field or None,
            )
            for d in exc.errors
        ]
    elif isinstance(exc, FreshBooksError):
        message = exc.message
    else:
        message = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, FreshBooksError):
        may_have_applied = bool(exc.may_have_applied)
        retryable = exc.retryable and not may_have_applied
    if isinstance(exc, RateLimitError):
        retry_after = exc.retry_after
    return ActionError(
        type=kind,
        message=message,
        fields=fields,
        retryable=retryable,
        may_have_applied=may_have_applied,
        retry_after=retry_after,
        status_code=status_code,
    )


# ---------------------------------------------------------------------------------------------
# JSON output
# ---------------------------------------------------------------------------------------------


def to_json(value: Any) -> Any:
    """A JSON-serializable copy of an SDK value (pure).

    Models are dumped with ``model_dump()``; then ``Decimal`` becomes its exact decimal string,
    an aware ``datetime`` ISO 8601 UTC with ``Z`` (not FreshBooks' Eastern wire string, which
    ``model_dump(mode="json")`` would write), ``date`` ``YYYY-MM-DD``, an enum its value.

    >>> from freshbooks_sdk.models import Money
    >>> to_json({"paid": Money.of("7.60133524082021936099189318", "CAD")})
    {'paid': {'amount': '7.60133524082021936099189318', 'code': 'CAD'}}
    """
    if isinstance(value, (BaseModel, Money)):  # Money is a slotted value, not a BaseModel
        return to_json(value.model_dump(mode="python"))
    if isinstance(value, Enum):
        return to_json(value.value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return value.isoformat()
        return format_iso_z(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json(v) for v in value]
    if attrs.has(type(value)):
        return to_json(attrs.asdict(value, recurse=False))
    return str(value)


_OPEN_FORMATS = {
    "freshbooks-eastern-datetime": "date-time",
    "freshbooks-utc-datetime": "date-time",
}


def _output_schema_fixup(node: Any) -> Any:
    """Make a model's serialization schema describe :func:`to_json` output: FreshBooks time
    formats become ``date-time`` (ISO ``Z``) and status enums are open (any value, the known
    ones listed as ``examples``), because a new FreshBooks status must not break a consumer."""
    if isinstance(node, list):
        return [_output_schema_fixup(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _output_schema_fixup(v) for k, v in node.items()}
    fmt = out.get("format")
    if isinstance(fmt, str) and fmt in _OPEN_FORMATS:
        out["format"] = _OPEN_FORMATS[fmt]
    if "enum" in out and "type" in out:
        out["examples"] = out.pop("enum")
    return out


def model_output_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema of ``to_json(model_instance)``."""
    schema = model.model_json_schema(mode="serialization")
    fixed: dict[str, Any] = _output_schema_fixup(schema)
    return fixed
