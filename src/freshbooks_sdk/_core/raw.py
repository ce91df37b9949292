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
from urllib.parse import urlencode

from freshbooks_sdk._core import inputs
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
_KEY = re.compile(r"^[A-Za-z0-9_]{1,64}(\[[A-Za-z0-9_]{0,64}\]){0,3}$")
_MAX_VALUE = 1000
_MAX_QUERY = 6000
_MAX_EXPONENT = 40
MAX_RAW_BODY = 1_000_000
"""The largest ``json=`` body sent (1 MB encoded): FreshBooks objects are a few KB."""
_PLACEHOLDER = "{account_id}"
_MAX_PATH = 2048


def _check_path(path: object, account_id: str | None) -> str:
    if not isinstance(path, str) or not path.startswith("/"):
        raise InvalidRequestError(
            f"path must be a string starting with '/', e.g. '/accounting/account/{{account_id}}/"
            f"taxes/taxes'; got {inputs.describe(path)}",
            field="path",
        )
    path = str.__str__(path)  # a str subclass cannot bring its own __str__ onto the wire
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
    field = f"params[{key}]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_iso_z(inputs.check_instant(value, field=field))
    if isinstance(value, date):
        day = inputs.check_date(value, field=field)
        assert day is not None  # a date was given
        return day.isoformat()
    if isinstance(value, Decimal):
        if not value.is_finite() or not -_MAX_EXPONENT <= value.adjusted() <= _MAX_EXPONENT:
            raise inputs.invalid(
                field, f"must be a finite decimal of sensible size, got {inputs.describe(value)}"
            )
        return format(value, "f")
    if isinstance(value, int):
        return str(inputs.check_int(value, field=field, minimum=-inputs.MAX_ID))
    if isinstance(value, str):
        text = inputs.check_text(value, field=field, max_len=_MAX_VALUE)
        assert text is not None  # a str was given
        return text
    raise inputs.invalid(
        field,
        "must be a str, int, bool, Decimal, date or aware datetime (or a list of them), got "
        + inputs.describe(value),
    )


def _check_key(key: Any) -> str:
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise inputs.invalid(
            "params",
            "keys must be query names such as 'search[name_like]' or 'page', got "
            + inputs.describe(key),
        )
    return str.__str__(key)


def _values(key: str, value: Any) -> list[str]:
    if isinstance(value, (list, tuple, set, frozenset)):
        if len(value) > inputs.MAX_LIST:
            raise inputs.invalid(f"params[{key}]", f"has more than {inputs.MAX_LIST} values")
        return [_encode_value(key, item) for item in value]
    return [_encode_value(key, value)]


def _encode_params(params: RawParams | None) -> QueryParams:
    if params is None:
        return []
    out: QueryParams = []
    if isinstance(params, Mapping):
        for raw_key, value in params.items():
            key = _check_key(raw_key)
            if value is not None:
                out.extend((key, text) for text in _values(key, value))
    elif isinstance(params, (str, bytes, bytearray)) or not isinstance(params, Sequence):
        raise inputs.invalid(
            "params",
            "must be a mapping or a sequence of (key, value) pairs, got " + inputs.describe(params),
        )
    else:
        for pair in params:
            if not isinstance(pair, tuple) or len(pair) != 2:
                raise inputs.invalid(
                    "params", "pairs must be (key, value) tuples, got " + inputs.describe(pair)
                )
            key = _check_key(pair[0])
            out.append((key, _encode_value(key, pair[1])))
    if len(urlencode(out)) > _MAX_QUERY:
        raise inputs.invalid("params", f"make a query longer than {_MAX_QUERY} characters")
    return out


def _check_json(body: Any) -> None:
    def default(value: Any) -> Any:
        raise TypeError(type(value).__name__)

    try:
        size = len(
            jsonlib.dumps(body, allow_nan=False, default=default, ensure_ascii=False).encode()
        )
    except UnicodeEncodeError:  # a ValueError: caught first
        raise inputs.invalid(
            "json", "holds text that is not valid Unicode (a lone surrogate)"
        ) from None
    except (TypeError, ValueError) as exc:
        raise InvalidRequestError(
            "json= must be plain JSON data (dict, list, str, int, finite float, bool, None); "
            f'found {inputs.describe(str(exc))} (pass money amounts as strings such as "12.50")',
            field="json",
        ) from None
    except RecursionError:
        raise InvalidRequestError("json= is nested too deeply", field="json") from None
    if size > MAX_RAW_BODY:
        raise inputs.invalid("json", f"is {size} bytes once encoded (at most {MAX_RAW_BODY})")


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
    verb = str.upper(method) if isinstance(method, str) else None
    if verb not in RAW_METHODS:
        raise inputs.invalid(
            "method",
            f"must be one of {', '.join(sorted(RAW_METHODS))}, got {inputs.describe(method)}",
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
        raise inputs.invalid("idempotent", f"must be a bool, got {inputs.describe(idempotent)}")
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
