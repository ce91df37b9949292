"""The raw escape hatch's pure half: a checked :class:`RequestSpec` and the parsed envelope.

``fb.request(method, path, params=, json=)`` reaches what the SDK does not model yet. Everything
here is decided before a byte is sent: the method is one FreshBooks uses, the path is a path on
the API host (no scheme, host, ``..``, query or fragment), ``{account_id}`` is filled in from
the client, the query values are encoded the way FreshBooks reads them, and the JSON body is
checked to be encodable (no NaN, no ``Decimal`` surprises).

Only ``GET`` and ``DELETE`` are re-sent after an ambiguous failure (a timeout or a connection
dropped after the request went out, a 5xx) by default. ``POST``, ``PUT`` and ``PATCH`` are not:
in FreshBooks a ``PUT`` is as often an action as an update (``action_email`` sends an invoice,
``action_mark_as_sent`` and ``vis_state`` move it between phases), and re-sending one could send
the email twice. Pass ``idempotent=True`` for a plain field update you know is safe to repeat.

>>> spec = build_raw_spec("GET", "/accounting/account/{account_id}/taxes/taxes",
...                       params={"search[name_like]": "GST", "page": 2}, account_id="ABC123")
>>> spec.method, spec.path, spec.params, spec.idempotent
('GET', '/accounting/account/ABC123/taxes/taxes', [('search[name_like]', 'GST'), ('page', '2')], True)
>>> decode_raw(b'{"response": {"result": {"tax": {"id": 7}}}}')
{'response': {'result': {'tax': {'id': 7}}}}
"""

from __future__ import annotations

import json as jsonlib
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Union

from freshbooks_sdk._core.envelope import RequestSpec
from freshbooks_sdk._core.errparse import body_carries_errors, excerpt, parse_error_payload
from freshbooks_sdk._core.fbtime import format_iso_z
from freshbooks_sdk._core.query import QueryParams, check_account_id
from freshbooks_sdk.errors import InvalidRequestError, ResponseValidationError, status_error_class

__all__ = ["RAW_METHODS", "RawParamValue", "RawParams", "build_raw_spec", "decode_raw"]

RAW_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
"""The methods FreshBooks' public API uses."""

_RawScalar = Union[str, int, Decimal, date, bool]
RawParamValue = Union[_RawScalar, Sequence[_RawScalar], None]
RawParams = Union[Mapping[str, RawParamValue], Sequence[tuple[str, str]]]

_REPLAYABLE = frozenset({"GET", "DELETE"})
"""Methods re-sent after an ambiguous failure when the caller does not say otherwise."""

_SEGMENT = re.compile(r"^[A-Za-z0-9._~\-]+$")
_PLACEHOLDER = "{account_id}"
_MAX_PATH = 2048


def _check_path(path: object, account_id: str | None) -> str:
    if not isinstance(path, str) or not path.startswith("/"):
        raise InvalidRequestError(
            f"path must be a string starting with '/', e.g. '/accounting/account/{{account_id}}/"
            f"taxes/taxes'; got {path!r}",
            field="path",
            value=path,
        )
    if len(path) > _MAX_PATH:
        raise InvalidRequestError(
            f"path is {len(path)} characters long (at most {_MAX_PATH})", field="path"
        )
    if _PLACEHOLDER in path:
        if account_id is None:
            raise InvalidRequestError(
                "path holds {account_id} but this client has none: pass "
                "FreshBooks(..., account_id=...)",
                field="account_id",
            )
        path = path.replace(_PLACEHOLDER, account_id)
    segments = path[1:].split("/")
    for segment in segments:
        if segment in (".", "..") or (segment and not _SEGMENT.fullmatch(segment)):
            raise InvalidRequestError(
                f"path segment {segment!r} is not allowed: use plain path segments (letters, "
                "digits, '-', '_', '.', '~'), put the query in params= (not '?'), and no '..'",
                field="path",
                value=path,
            )
    return path


def _encode_value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        try:
            return format_iso_z(value)
        except ValueError as exc:
            raise InvalidRequestError(str(exc), field=f"params[{key}]", value=value) from None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidRequestError(
                f"params[{key}] must be a finite decimal, got {value!r}",
                field=f"params[{key}]",
                value=value,
            )
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidRequestError(
                f"params[{key}] holds a NUL character", field=f"params[{key}]", value=value
            )
        return value
    raise InvalidRequestError(
        f"params[{key}] must be a str, int, bool, Decimal, date or aware datetime (or a list of "
        f"them), got {type(value).__name__}",
        field=f"params[{key}]",
        value=value,
    )


def _check_key(key: Any) -> str:
    if not isinstance(key, str) or not key or "\x00" in key:
        raise InvalidRequestError(
            f"params keys must be non-empty strings, got {key!r}", field="params", value=key
        )
    return key


def _encode_params(params: RawParams | None) -> QueryParams:
    if params is None:
        return []
    out: QueryParams = []
    if isinstance(params, Mapping):
        for raw_key, value in params.items():
            key = _check_key(raw_key)
            if value is None:
                continue
            if isinstance(value, (list, tuple, set, frozenset)):
                out.extend((key, _encode_value(key, item)) for item in value)
            else:
                out.append((key, _encode_value(key, value)))
        return out
    if isinstance(params, (str, bytes)) or not isinstance(params, Sequence):
        raise InvalidRequestError(
            f"params must be a mapping or a sequence of (key, value) pairs, got "
            f"{type(params).__name__}",
            field="params",
        )
    for pair in params:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise InvalidRequestError(
                f"params pairs must be (key, value) tuples, got {pair!r}", field="params"
            )
        key = _check_key(pair[0])
        out.append((key, _encode_value(key, pair[1])))
    return out


def _check_json(body: Any) -> None:
    def default(value: Any) -> Any:
        raise TypeError(type(value).__name__)

    try:
        jsonlib.dumps(body, allow_nan=False, default=default)
    except (TypeError, ValueError) as exc:
        raise InvalidRequestError(
            "json= must be plain JSON data (dict, list, str, int, finite float, bool, None); "
            f'found {exc} (pass money amounts as strings such as "12.50")',
            field="json",
        ) from None
    except RecursionError:
        raise InvalidRequestError("json= is nested too deeply", field="json") from None


def build_raw_spec(
    method: str,
    path: str,
    *,
    params: RawParams | None = None,
    json: Any = None,
    account_id: str | None = None,
    idempotent: bool | None = None,
) -> RequestSpec:
    """Check everything and describe the call.

    ``idempotent`` defaults to ``True`` only for ``GET`` and ``DELETE``: a ``POST`` (create), a
    ``PUT`` (update, or an action such as ``action_email``) or a ``PATCH`` is never re-sent after
    an ambiguous failure unless the caller passes ``idempotent=True`` explicitly.

    >>> build_raw_spec("PUT", "/accounting/account/{account_id}/invoices/invoices/5",
    ...                json={"invoice": {"action_email": True}}, account_id="ABC123").idempotent
    False
    >>> build_raw_spec("DELETE", "/events/account/{account_id}/events/callbacks/1",
    ...                account_id="ABC123").idempotent
    True
    """
    verb = method.upper() if isinstance(method, str) else method
    if verb not in RAW_METHODS:
        raise InvalidRequestError(
            f"method must be one of {', '.join(sorted(RAW_METHODS))}, got {method!r}",
            field="method",
            value=method,
        )
    full_path = _check_path(path, check_account_id(account_id))
    query = _encode_params(params)
    if json is not None:
        if verb in ("GET", "DELETE"):
            raise InvalidRequestError(
                f"a {verb} request carries no body; drop json= or use PUT/POST",
                field="json",
            )
        _check_json(json)
    if idempotent is not None and not isinstance(idempotent, bool):
        raise InvalidRequestError(
            f"idempotent must be a bool, got {idempotent!r}", field="idempotent", value=idempotent
        )
    return RequestSpec(
        verb,
        full_path,
        query,
        json,
        verb in _REPLAYABLE if idempotent is None else idempotent,
    )


def decode_raw(content: bytes, status_code: int = 200, response: Any = None) -> Any:
    """The parsed JSON body (``None`` for an empty body, e.g. a 204 after DELETE).

    A body that is not JSON raises :class:`ResponseValidationError`; a 200 carrying FreshBooks
    errors raises the same typed :class:`~freshbooks_sdk.errors.APIStatusError` as the models do.
    """
    if not content.strip():
        return None
    try:
        payload = jsonlib.loads(content)
    except (ValueError, RecursionError):
        raise ResponseValidationError(
            "FreshBooks' response is not JSON",
            response=response,
            errors=[],
            body_excerpt=excerpt(content),
        ) from None
    if body_carries_errors(payload):
        parsed = parse_error_payload(payload, status_code)
        cls = status_error_class(status_code, parsed.errors)
        raise cls(
            parsed.message,
            status_code=status_code,
            errors=parsed.errors,
            response=response,
            body_excerpt=excerpt(content),
        )
    return payload
