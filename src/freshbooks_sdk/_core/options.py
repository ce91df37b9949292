"""Per-call and per-client request options, checked before anything is sent (pure).

Every public resource method takes the same keyword-only options at the end of its signature
(typed by :class:`CallOptions`)::

    fb.invoices.get(7, timeout=5.0, max_retries=0, extra_headers={"X-Trace": "abc"})
    for inv in fb.invoices.list(v3_status="paid", extra_query={"sort": "create_date_desc"}):
        ...  # the options apply to every page

They are checked by :func:`check_call_options` into a :class:`RequestOptions` carried by the
:class:`~freshbooks_sdk._core.envelope.RequestSpec`; the HTTP core applies them on every
attempt. A header that would split the request (CR/LF), one the SDK owns (``Authorization``,
``Host``, ``Content-Length``, ...) or an unknown option raises ``InvalidRequestError`` naming it.

>>> opts = check_call_options({"timeout": 5, "extra_headers": {"X-Trace": "abc"}})
>>> opts.timeout.read, opts.headers, opts.max_retries
(5.0, (('X-Trace', 'abc'),), None)
>>> check_call_options({"extra_headers": {"Authorization": "Bearer x"}})
Traceback (most recent call last):
...
freshbooks_sdk.errors.InvalidRequestError: extra_headers[Authorization] is set by the SDK and cannot be overridden
>>> check_call_options({"timout": 5})
Traceback (most recent call last):
...
freshbooks_sdk.errors.InvalidRequestError: timout is not a request option (expected one of: extra_headers, extra_query, max_retries, timeout)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Union
from urllib.parse import quote

import attrs
import httpx

from freshbooks_sdk._core.inputs import (
    MAX_RETRIES,
    MAX_RETRY_WAIT,
    check_int,
    check_seconds,
    check_timeout_arg,
    describe,
    invalid,
)
from freshbooks_sdk._core.transport import check_timeout

if TYPE_CHECKING:
    from typing_extensions import TypedDict
else:  # pydantic is never involved: the stdlib TypedDict is enough at run time
    from typing import TypedDict

__all__ = [
    "PROTECTED_HEADERS",
    "CallOptions",
    "QueryValue",
    "RequestOptions",
    "check_call_options",
    "check_extra_headers",
    "check_extra_query",
    "merge_options",
]

QueryValue = Union[str, int]
"""An ``extra_query`` value (an int goes out in decimal; a bool is refused: say "true")."""


class CallOptions(TypedDict, total=False):
    """The keyword-only options every resource method and ``fb.request`` accept.

    - ``timeout``: seconds (or an ``httpx.Timeout``) for each attempt of this call; the
      attempt's overall deadline follows it unless the client has an explicit ``deadline``.
    - ``max_retries``: retries for this call (0 disables them).
    - ``extra_headers``: more headers, printable ASCII, 8 KiB in all (never one of
      :data:`PROTECTED_HEADERS` such as ``Authorization``, ``Host``, ``Content-Length``,
      ``Content-Type`` or ``Accept-Encoding``: the SDK owns them).
    - ``extra_query``: more query parameters, after the SDK's own: FreshBooks-style names
      (``sort``, ``search[email]``), single-line values, 4 KiB in all (never
      ``page``/``per_page``, which paging owns).

    >>> fb.invoices.get(7, timeout=5.0, extra_headers={"X-Trace": "abc"})  # doctest: +SKIP
    """

    timeout: float | httpx.Timeout
    max_retries: int
    extra_headers: Mapping[str, str]
    extra_query: Mapping[str, QueryValue]


PROTECTED_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "accept-encoding",
        "te",
        "upgrade",
        "content-type",
        "expect",
        "keep-alive",
        "trailer",
        "proxy-connection",
    }
)
"""Headers the SDK (or HTTP itself) owns; ``extra_headers`` cannot set them (compared
lower-case). ``Accept-Encoding`` is here because the SDK decodes bodies itself, bounded;
``Content-Type`` because the SDK encodes the body; ``Expect``, ``Keep-Alive``, ``Trailer`` and
``Proxy-Connection`` because they change how the connection is used (hop-by-hop)."""

_PAGING_KEYS = frozenset({"page", "per_page"})
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$")
_MAX_HEADERS = 64
_MAX_HEADER_VALUE = 8192
_MAX_HEADER_BYTES = 8192  # all extra headers together (servers refuse blocks past 8-16 KiB)
_MAX_QUERY = 64
_MAX_QUERY_TEXT = 1000
_MAX_QUERY_BYTES = 4096  # all extra query pairs together, percent-encoded (URLs stay < 8 KiB)
# FreshBooks' query names: ``sort``, ``include[]``, ``search[email]``, ``search[userids][]``.
_QUERY_KEY = re.compile(r"^[a-z][a-z0-9_]{0,40}(\[[a-z0-9_]{1,64}\])?(\[\])?$")
_QUERY_TEXT_BAD = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")
_OPTION_NAMES = ("extra_headers", "extra_query", "max_retries", "timeout")


@attrs.frozen
class RequestOptions:
    """Checked per-call options (``None``/empty: the client's own setting)."""

    timeout: httpx.Timeout | None = None
    max_retries: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    query: tuple[tuple[str, str], ...] = ()
    max_response_bytes: int | None = None  # set by the SDK itself (invoice PDFs' max_bytes)


def check_timeout_option(value: object, field: str = "timeout") -> httpx.Timeout:
    """A finite positive timeout (seconds or ``httpx.Timeout``), as an ``httpx.Timeout``."""
    if isinstance(value, httpx.Timeout):
        check_timeout_arg(value, parts=(value.connect, value.read, value.write, value.pool))
        return check_timeout(value)
    if value is None:
        raise invalid(field, "must be a finite number of seconds or an httpx.Timeout, not None")
    check_timeout_arg(value)
    return check_timeout(value)  # type: ignore[arg-type]  # checked a number just above


def check_max_retries(value: object) -> int:
    """An int in ``0..20``."""
    return check_int(value, field="max_retries", maximum=MAX_RETRIES, what="an int >= 0")


def check_retry_wait(value: object) -> float:
    """Seconds, finite, ``0..86400`` (the longest single wait between retries)."""
    return check_seconds(value, field="max_retry_wait", maximum=MAX_RETRY_WAIT)


def check_deadline(value: object) -> float:
    """Seconds one attempt may take in all: finite, positive, at most a day."""
    return check_seconds(value, field="deadline", minimum=0.001, maximum=MAX_RETRY_WAIT)


def _check_text(value: object, field: str, limit: int) -> str:
    if not isinstance(value, str):
        raise invalid(field, f"must be a str, got {describe(value)}", value)
    if len(value) > limit:
        raise invalid(field, f"is {len(value)} characters long (at most {limit})")
    return str.__str__(value)


def check_extra_headers(value: object, field: str = "extra_headers") -> tuple[tuple[str, str], ...]:
    """``(name, value)`` pairs that can be sent safely: a token name, a value of visible
    ASCII text and tabs/spaces (no CR/LF/NUL: no header injection), not a header the SDK owns.

    >>> check_extra_headers({"X-Trace": "a b"})
    (('X-Trace', 'a b'),)
    >>> check_extra_headers({"X-Evil": "1\\r\\nHost: evil"})
    Traceback (most recent call last):
    ...
    freshbooks_sdk.errors.InvalidRequestError: extra_headers[X-Evil] holds a character that cannot be sent in a header value (CR, LF, NUL or another control character) at index 1
    """
    if not isinstance(value, Mapping):
        raise invalid(field, f"must be a mapping of header names to str, got {describe(value)}")
    if len(value) > _MAX_HEADERS:
        raise invalid(field, f"holds {len(value)} headers (at most {_MAX_HEADERS})")
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    size = 0
    for name, text in list(value.items()):  # read once: a mapping may answer differently twice
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise invalid(
                field,
                f"has a header name that is not an HTTP token: {describe(name)}",
                name,
            )
        where = f"{field}[{name}]"
        lowered = name.lower()
        if lowered in PROTECTED_HEADERS:
            raise invalid(where, "is set by the SDK and cannot be overridden")
        if lowered in seen:
            raise invalid(where, "is given twice (header names are case-insensitive)")
        seen.add(lowered)
        text = _check_text(text, where, _MAX_HEADER_VALUE)
        for index, char in enumerate(text):
            code = ord(char)
            if (code < 0x20 and char != "\t") or code >= 0x7F:
                kind = (
                    "a character outside ASCII (encode it, e.g. percent-encoding)"
                    if code > 0x7F
                    else "a character that cannot be sent in a header value (CR, LF, NUL or "
                    "another control character)"
                )
                raise invalid(where, f"holds {kind} at index {index}")
        size += len(name) + len(text) + 4
        if size > _MAX_HEADER_BYTES:
            raise invalid(field, f"add up to more than {_MAX_HEADER_BYTES} bytes of headers")
        out.append((str.__str__(name), text))
    return tuple(out)


def check_extra_query(value: object, field: str = "extra_query") -> tuple[tuple[str, str], ...]:
    """``(key, value)`` pairs: FreshBooks-style names (``sort``, ``include[]``,
    ``search[email]``), non-empty single-line str or int values, never ``page``/``per_page``,
    at most 4 KiB in all once percent-encoded.

    >>> check_extra_query({"sort": "create_date_desc", "x": 2})
    (('sort', 'create_date_desc'), ('x', '2'))
    >>> check_extra_query({"search[email]": "a\\nb"})
    Traceback (most recent call last):
    ...
    freshbooks_sdk.errors.InvalidRequestError: extra_query[search[email]] must not contain line breaks or control characters
    """
    if not isinstance(value, Mapping):
        raise invalid(field, f"must be a mapping of names to str or int, got {describe(value)}")
    if len(value) > _MAX_QUERY:
        raise invalid(field, f"holds {len(value)} parameters (at most {_MAX_QUERY})")
    out: list[tuple[str, str]] = []
    size = 0
    for key, item in list(value.items()):  # read once: a mapping may answer differently twice
        if not isinstance(key, str) or not _QUERY_KEY.fullmatch(key):
            raise invalid(
                field,
                f"has a key that is not a FreshBooks query name (such as sort, include[] or "
                f"search[email]): {describe(key)}",
                key if isinstance(key, str) and key.isprintable() else None,
            )
        where = f"{field}[{key}]"
        if key in _PAGING_KEYS:
            raise invalid(where, "is set by the paginator and cannot be overridden")
        if isinstance(item, bool) or not isinstance(item, (str, int)):
            raise invalid(where, f"must be a str or an int, got {describe(item)}", item)
        if isinstance(item, int):
            text = str(check_int(item, field=where, minimum=-(2**63), maximum=2**63 - 1))
        else:
            text = _check_text(item, where, _MAX_QUERY_TEXT)
            if not text:
                raise invalid(where, "is empty (leave the parameter out instead)")
            if _QUERY_TEXT_BAD.search(text):
                raise invalid(where, "must not contain line breaks or control characters")
            try:
                encoded = text.encode()
            except UnicodeEncodeError:
                raise invalid(
                    where, "holds text that is not valid Unicode (a lone surrogate)"
                ) from None
            size += len(quote(encoded, safe=""))
        size += len(key) * 3 + 2
        if size > _MAX_QUERY_BYTES:
            raise invalid(
                field, f"adds up to more than {_MAX_QUERY_BYTES} bytes once percent-encoded"
            )
        out.append((str.__str__(key), text))
    return tuple(out)


def check_call_options(options: Mapping[str, object] | None) -> RequestOptions | None:
    """The checked options of one call (``None`` when none were given)."""
    if not options:
        return None
    unknown = sorted(str(name) for name in options if name not in _OPTION_NAMES)
    if unknown:
        raise invalid(
            unknown[0][:60],
            f"is not a request option (expected one of: {', '.join(_OPTION_NAMES)})",
        )
    timeout = options.get("timeout")
    retries = options.get("max_retries")
    headers = options.get("extra_headers")
    query = options.get("extra_query")
    return RequestOptions(
        timeout=None if "timeout" not in options else check_timeout_option(timeout),
        max_retries=None if "max_retries" not in options else check_max_retries(retries),
        headers=() if headers is None else check_extra_headers(headers),
        query=() if query is None else check_extra_query(query),
    )


def merge_options(
    base: RequestOptions | None, extra: RequestOptions | None
) -> RequestOptions | None:
    """``extra`` over ``base``: its timeout/retries win, headers are merged (``extra``'s win,
    case-insensitively) and query pairs are appended.

    >>> merged = merge_options(RequestOptions(headers=(("X-A", "1"),)),
    ...                        RequestOptions(headers=(("x-a", "2"),), max_retries=0))
    >>> merged.headers, merged.max_retries
    ((('x-a', '2'),), 0)
    """
    if base is None:
        return extra
    if extra is None:
        return base
    overridden = {name.lower() for name, _ in extra.headers}
    return RequestOptions(
        timeout=extra.timeout if extra.timeout is not None else base.timeout,
        max_retries=extra.max_retries if extra.max_retries is not None else base.max_retries,
        headers=tuple(h for h in base.headers if h[0].lower() not in overridden) + extra.headers,
        query=base.query + extra.query,
        max_response_bytes=(
            extra.max_response_bytes
            if extra.max_response_bytes is not None
            else base.max_response_bytes
        ),
    )
