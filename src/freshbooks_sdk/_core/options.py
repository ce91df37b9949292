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
freshbooks_sdk.errors.CallSignatureError: got an unexpected keyword argument 'timout' (did you mean 'timeout'?; request options: extra_headers, extra_query, max_retries, timeout)

A keyword no method takes is a :class:`~freshbooks_sdk.errors.CallSignatureError` (an
``InvalidRequestError`` that is also a ``TypeError``) naming it, on every public entry point:
methods taking ``**options`` check the names here (and name the method's own parameter a typo
was meant to be), the others (the constructors, ``with_options``, ``with_account``, ``poll``,
``for_business``) are wrapped by :func:`typed_call_errors`.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, ParamSpec, TypeVar, Union
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
from freshbooks_sdk.errors import CallSignatureError

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
    "typed_call_errors",
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
        raise _unknown_option(unknown[0], options)
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


# -- keywords a call does not take --------------------------------------------------------------


def _did_you_mean(name: str, choices: tuple[str, ...]) -> str | None:
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return close[0] if close else None


def _unknown_keyword(
    label: str, name: object, params: tuple[str, ...], *, options: bool
) -> CallSignatureError:
    shown = str(name)[:60]
    guess = _did_you_mean(shown, (*params, *_OPTION_NAMES) if options else params)
    hints = [f"did you mean {guess!r}?"] if guess is not None else []
    if options:
        hints.append(f"request options: {', '.join(_OPTION_NAMES)}")
    hint = f" ({'; '.join(hints)})" if hints else ""
    called = f"{label} " if label else ""
    return CallSignatureError(
        f"{called}got an unexpected keyword argument {shown!r}{hint}", field=shown
    )


def _unknown_option(name: str, options: Mapping[str, object]) -> CallSignatureError:
    # A backstop: public methods taking **options are wrapped by typed_call_errors, which names
    # the method and its own parameters before anything else is checked.
    return _unknown_keyword("", name, (), options=True)


def _call_label(fn: Callable[..., object]) -> str:
    owner, _, name = fn.__qualname__.rpartition(".")
    if name == "__init__" and owner:
        return f"{owner.rpartition('.')[2]}()"
    return f"{name}()"


def _keyword_params(signature: inspect.Signature) -> tuple[str, ...]:
    return tuple(
        n
        for n, p in signature.parameters.items()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and n not in ("self", "cls")
    )


def call_signature_error(
    fn: Callable[..., object], args: tuple[object, ...], kwargs: Mapping[str, object]
) -> CallSignatureError | None:
    """Why ``fn(*args, **kwargs)`` does not bind, as a typed error naming the argument
    (``None`` when it binds). The values are never kept.

    >>> def create(self, *, fname=None, lname=None): ...
    >>> err = call_signature_error(create, (object(),), {"fnmae": "Ada"})
    >>> err.field, str(err)
    ('fnmae', "create() got an unexpected keyword argument 'fnmae' (did you mean 'fname'?)")
    >>> call_signature_error(create, (object(),), {"fname": "Ada"}) is None
    True
    """
    signature = inspect.signature(fn)
    try:
        signature.bind(*args, **kwargs)
    except TypeError as exc:
        problem = str(exc)
    else:
        return None
    label = _call_label(fn)
    params = signature.parameters
    by_keyword = _keyword_params(signature)
    if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
        for key in kwargs:
            if key not in by_keyword:
                return _unknown_keyword(label, key, by_keyword, options=False)
    named = re.search(r"'(\w+)'", problem)
    field = named.group(1) if named is not None and named.group(1) in params else None
    return CallSignatureError(f"{label}: {problem}", field=field)


_P = ParamSpec("_P")
_R = TypeVar("_R")
_C = TypeVar("_C", bound=type)


def typed_call_errors(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Make a call that does not fit ``fn``'s signature raise :class:`CallSignatureError`
    naming the argument (instead of a bare ``TypeError``), before ``fn`` runs.

    A function taking ``**options`` (the per-call :class:`CallOptions`) has its keywords checked
    first, against its own parameters and the option names, so a misspelt parameter is named as
    such rather than as a missing one. The signature type checkers see is unchanged (they still
    report the typo); a ``TypeError`` raised inside ``fn`` is never touched. Coroutine functions
    stay coroutine functions.

    >>> @typed_call_errors
    ... def with_options(*, timeout=None, max_retries=None):
    ...     return timeout, max_retries
    >>> with_options(timeout=5)
    (5, None)
    >>> with_options(max_retry=1)
    Traceback (most recent call last):
    ...
    freshbooks_sdk.errors.CallSignatureError: with_options() got an unexpected keyword argument 'max_retry' (did you mean 'max_retries'?)
    >>> @typed_call_errors
    ... def create(*, fname=None, **options):
    ...     return fname
    >>> create(fnmae="Ada")
    Traceback (most recent call last):
    ...
    freshbooks_sdk.errors.CallSignatureError: create() got an unexpected keyword argument 'fnmae' (did you mean 'fname'?; request options: extra_headers, extra_query, max_retries, timeout)
    """
    if getattr(fn, "_typed_call_errors", False):
        return fn
    signature = inspect.signature(fn)
    label = _call_label(fn)
    own = _keyword_params(signature)
    takes_options = any(
        p.kind is p.VAR_KEYWORD and p.name == "options" for p in signature.parameters.values()
    )
    accepted = frozenset((*own, *_OPTION_NAMES)) if takes_options else None

    def refused(args: tuple[object, ...], kwargs: Mapping[str, object]) -> CallSignatureError:
        if accepted is not None:
            for key in kwargs:
                if key not in accepted:
                    return _unknown_keyword(label, key, own, options=True)
        return call_signature_error(fn, args, kwargs) or CallSignatureError(
            f"{label}: the call does not fit the signature"
        )

    def binding_failed(exc: TypeError) -> bool:
        # Raised by the call itself (fn never started) only when no deeper frame exists.
        return exc.__traceback__ is not None and exc.__traceback__.tb_next is None

    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def checked_async(*args: _P.args, **kwargs: _P.kwargs) -> object:
            if accepted is not None and not accepted.issuperset(kwargs):
                raise refused(args, kwargs)
            try:
                pending = fn(*args, **kwargs)
            except TypeError as exc:
                if not binding_failed(exc) or call_signature_error(fn, args, kwargs) is None:
                    raise
                raise refused(args, kwargs) from None
            return await pending

        checked_async._typed_call_errors = True  # type: ignore[attr-defined]  # a marker
        return checked_async  # type: ignore[return-value]  # same parameters, same awaited result

    @functools.wraps(fn)
    def checked(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if accepted is not None and not accepted.issuperset(kwargs):
            raise refused(args, kwargs)
        try:
            return fn(*args, **kwargs)
        except TypeError as exc:
            if not binding_failed(exc) or call_signature_error(fn, args, kwargs) is None:
                raise
            raise refused(args, kwargs) from None

    checked._typed_call_errors = True  # type: ignore[attr-defined]  # a marker
    return checked


def typed_call_errors_in(cls: _C) -> _C:
    """Apply :func:`typed_call_errors` to every public method ``cls`` defines (the resource
    bases call it from ``__init_subclass__``, so every resource method is covered).

    >>> class Things:
    ...     def get(self, thing_id, **options):
    ...         return thing_id
    >>> Things = typed_call_errors_in(Things)
    >>> Things().get(1, max_retry=2)
    Traceback (most recent call last):
    ...
    freshbooks_sdk.errors.CallSignatureError: get() got an unexpected keyword argument 'max_retry' (did you mean 'max_retries'?; request options: extra_headers, extra_query, max_retries, timeout)
    """
    for name, value in list(vars(cls).items()):
        if not name.startswith("_") and inspect.isfunction(value):
            setattr(cls, name, typed_call_errors(value))
    return cls
