"""Every FreshBooks error shape, parsed into :class:`~freshbooks_sdk.errors.ErrorDetail` (pure).

Shapes handled (API notes §6): accounting classic ``{"response": {"errors": [...]}}``; google.rpc
``{"code", "message", "details": [{"@type": ...ErrorInfo, "reason": "1012", "metadata": {...}}]}``
(and ``BadRequest.fieldViolations``); events ``{"errno", "message", "details": ["field: msg"]}``;
auth ``{"error", "error_description"}``; projects ``{"errno", "error": {"field": "msg"}}`` and
``{"error": "..."}``; payments ``{"error_type", "message"}``; ledger
``{"errors": {"message", "details": [...]}}``; and a non-JSON body (an HTML 502 page), reduced to
a short excerpt.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import attrs

from freshbooks_sdk.errors import ErrorDetail

EXCERPT_LEN = 200
MAX_ERRNO_DIGITS = 18
_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")
_ASCII_INT = re.compile(rf"-?[0-9]{{1,{MAX_ERRNO_DIGITS}}}")


class NotJSON(ValueError):
    """A body that cannot be read as JSON (malformed, truncated, or nested too deeply)."""


def load_json(body: bytes | str) -> Any:
    """``json.loads`` that fails only with :class:`NotJSON` (a ``ValueError``).

    A body nested deeper than the interpreter's recursion limit (``'[' * 100000``) raises
    ``RecursionError`` in ``json.loads``; here it is just a body that is not JSON.

    >>> load_json(b'{"errno": 1012}')
    {'errno': 1012}
    >>> load_json(b"[" * 100_000)
    Traceback (most recent call last):
    ...
    freshbooks_sdk._core.errparse.NotJSON: the body is nested too deeply to be read as JSON
    """
    try:
        return json.loads(body)
    except RecursionError:
        raise NotJSON("the body is nested too deeply to be read as JSON") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        raise NotJSON(f"the body is not JSON: {exc}") from None


@attrs.frozen
class ParsedError:
    """The message to show and FreshBooks' details, whatever the format."""

    message: str
    errors: list[ErrorDetail]
    excerpt: str = ""


def _str_or_none(value: Any) -> str | None:
    # An empty string says nothing: both error formats give None for "no field/object/value".
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    # ASCII digits only: "²".isdigit() is true but int("²") fails; and a bounded length, so a
    # hostile 5,000-digit errno cannot hit int()'s digit limit.
    if isinstance(value, str) and _ASCII_INT.fullmatch(value.strip()):
        return int(value.strip())
    return None


def excerpt(body: bytes, limit: int = EXCERPT_LEN) -> str:
    """A short, single-line, tag-free excerpt of a body for error messages."""
    text = body[: limit * 8].decode("utf-8", errors="replace")
    text = _SPACES.sub(" ", _TAGS.sub(" ", text)).strip()
    return text[:limit] + ("…" if len(text) > limit else "")


def _classic(items: list[Any]) -> list[ErrorDetail]:
    out: list[ErrorDetail] = []
    for item in items:
        if isinstance(item, Mapping):
            out.append(
                ErrorDetail(
                    message=_str_or_none(item.get("message")) or "",
                    errno=_int_or_none(item.get("errno")),
                    field=_str_or_none(item.get("field")),
                    object=_str_or_none(item.get("object")),
                    value=_str_or_none(item.get("value")),
                )
            )
        elif isinstance(item, str):
            out.append(ErrorDetail(message=item))
    return out


def _rpc_details(details: list[Any], fallback: str) -> list[ErrorDetail]:
    out: list[ErrorDetail] = []
    for item in details:
        if isinstance(item, str):
            field, sep, msg = item.partition(":")
            if sep and " " not in field.strip():
                out.append(ErrorDetail(message=msg.strip(), field=field.strip()))
            else:
                out.append(ErrorDetail(message=item))
            continue
        if not isinstance(item, Mapping):
            continue
        violations = item.get("fieldViolations") or item.get("field_violations")
        if isinstance(violations, list):
            for v in violations:
                if isinstance(v, Mapping):
                    out.append(
                        ErrorDetail(
                            message=_str_or_none(v.get("description")) or fallback,
                            field=_str_or_none(v.get("field")),
                        )
                    )
            continue
        meta = item.get("metadata") if isinstance(item.get("metadata"), Mapping) else {}
        assert isinstance(meta, Mapping)
        reason = item.get("reason")
        errno = _int_or_none(reason)
        message = _str_or_none(meta.get("message"))
        if message is None and errno is None and isinstance(reason, str):
            message = reason
        out.append(
            ErrorDetail(
                message=message or fallback,
                errno=errno if errno is not None else _int_or_none(meta.get("errno")),
                field=_str_or_none(meta.get("field")),
                object=_str_or_none(meta.get("object")),
                value=_str_or_none(meta.get("value")),
            )
        )
    return out


def parse_error_payload(payload: Any, status_code: int) -> ParsedError:
    """Parse an already-decoded JSON error body."""
    default = f"FreshBooks answered HTTP {status_code}"
    if not isinstance(payload, Mapping):
        return ParsedError(default, [])
    response = payload.get("response")
    if isinstance(response, Mapping) and isinstance(response.get("errors"), list):
        errors = _classic(response["errors"])
        return ParsedError(errors[0].message if errors else default, errors)
    top_errors = payload.get("errors")
    if isinstance(top_errors, list):
        errors = _classic(top_errors)
        return ParsedError(errors[0].message if errors else default, errors)
    if isinstance(top_errors, Mapping):  # ledger accounts
        msg = _str_or_none(top_errors.get("message")) or default
        details = top_errors.get("details")
        errors = _rpc_details(details, msg) if isinstance(details, list) else []
        if not errors:
            errors = [ErrorDetail(message=msg)]
        return ParsedError(errors[0].message, errors)
    if "error" in payload and ("error_description" in payload or isinstance(payload["error"], str)):
        code = _str_or_none(payload.get("error")) or "error"
        desc = _str_or_none(payload.get("error_description"))
        message = f"{code}: {desc}" if desc else code
        return ParsedError(message, [ErrorDetail(message=message, object=None, value=None)])
    if isinstance(
        payload.get("error"), Mapping
    ):  # projects: {"errno": 2001, "error": {field: msg}}
        errno = _int_or_none(payload.get("errno"))
        errors = [
            ErrorDetail(
                message=_str_or_none(msg) or "",
                errno=errno,
                field=None if field == "__root__" else str(field),
            )
            for field, msg in payload["error"].items()
        ]
        return ParsedError(errors[0].message if errors else default, errors)
    message = _str_or_none(payload.get("message")) or default
    details = payload.get("details")
    if isinstance(details, list) and details:
        errors = _rpc_details(details, message)
        if errors:
            if "errno" in payload and all(e.errno is None for e in errors):
                errno = _int_or_none(payload.get("errno"))
                errors = [attrs.evolve(e, errno=errno) for e in errors]
            first = errors[0]
            shown = first.message if first.message and first.message != message else message
            return ParsedError(shown, errors)
    errno = _int_or_none(payload.get("errno"))
    if "error_type" in payload:
        return ParsedError(
            message, [ErrorDetail(message=message, field=_str_or_none(payload.get("error_type")))]
        )
    if errno is not None or "message" in payload:
        return ParsedError(message, [ErrorDetail(message=message, errno=errno)])
    return ParsedError(default, [])


def parse_error_body(status_code: int, body: bytes) -> ParsedError:
    """Parse raw error bytes; a body that is not JSON still yields a typed, readable error."""
    try:
        payload = load_json(body) if body else None
    except NotJSON:
        short = excerpt(body)
        message = f"FreshBooks answered HTTP {status_code} with a non-JSON body"
        if short:
            message += f": {short}"
        return ParsedError(message, [], short)
    parsed = parse_error_payload(payload, status_code)
    return attrs.evolve(parsed, excerpt=excerpt(body))


def body_carries_errors(payload: Any) -> bool:
    """True when a 2xx accounting body holds ``response.errors`` (FreshBooks does this)."""
    if not isinstance(payload, Mapping):
        return False
    response = payload.get("response")
    return isinstance(response, Mapping) and bool(response.get("errors"))
