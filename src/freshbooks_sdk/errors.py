"""The exception tree: every error this SDK raises is a :class:`FreshBooksError`.

```
FreshBooksError
├── InvalidRequestError          bad input, refused before anything is sent (also a ValueError)
│   └── CallSignatureError         a keyword the call does not take (typo), a missing argument
│                                  (also a TypeError, as Python's own call errors are)
├── APIConnectionError           the request could not be completed
│   ├── APITimeoutError            a timeout, or the overall deadline of a call passed
│   └── ResponseTooLargeError      the (decoded) body passed ``max_response_bytes``
├── ResponseValidationError      FreshBooks answered, but the body does not fit the model
├── ReauthorizationRequiredError the refresh token was refused: the user must connect again
├── ClientClosedError            a call on a client after close()
├── CursorError                  poller cursor problems
│   ├── CorruptCursorError       a stored cursor cannot be read (never silently reset)
│   ├── CursorConflictError      another poller advanced the same cursor first
│   ├── CursorStoreUnavailableError  the store is locked or failing (retryable)
│   └── CursorStoreBrokenError   the store cannot work until repaired (not a database, ...)
└── APIStatusError               FreshBooks answered with an error status (or a 200 carrying errors)
    ├── BadRequestError            400
    ├── AuthenticationError        401
    ├── PermissionDeniedError      403 (missing scopes)
    ├── NotFoundError              404 (errno 1012)
    ├── ConflictError              409
    ├── UnprocessableEntityError   422 (validation, errno 7012, 1001, ...)
    ├── RateLimitError             429 (``retry_after`` seconds)
    └── InternalServerError        5xx
```

Handle them by class and read FreshBooks' own details from ``errors``:

>>> from freshbooks_sdk.errors import NotFoundError, ErrorDetail
>>> err = NotFoundError("Client not found.", status_code=404,
...                     errors=[ErrorDetail(errno=1012, field="userid", message="Client not found.")])
>>> err.errors[0].errno, err.errors[0].field
(1012, 'userid')

Errors keep no secret and cross process boundaries: the request they hold (``exc.request``,
``exc.response.request``) has its ``Authorization`` header and OAuth secrets redacted, and every
error pickles and unpickles to an equal error (task queues send them between processes):

>>> import pickle
>>> again = pickle.loads(pickle.dumps(err))
>>> type(again).__name__, again.status_code, again.errno, str(again)
('NotFoundError', 404, 1012, '404 Not Found: Client not found.')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import httpx

from freshbooks_sdk._core.redact import redact_request, redact_response

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CallSignatureError",
    "ClientClosedError",
    "ConflictError",
    "CorruptCursorError",
    "CursorConflictError",
    "CursorError",
    "CursorStoreBrokenError",
    "CursorStoreUnavailableError",
    "ErrorDetail",
    "FreshBooksError",
    "InternalServerError",
    "InvalidRequestError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ReauthorizationRequiredError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "UnprocessableEntityError",
    "status_error_class",
]


@attrs.frozen
class ErrorDetail:
    """One error reported by FreshBooks, whatever the wire format it came in.

    ``errno`` is FreshBooks' error number (1012 not found, 7012 missing identifying field, ...);
    ``field``/``object``/``value`` say what it is about when FreshBooks says so.
    """

    message: str
    errno: int | None = None
    field: str | None = None
    object: str | None = None
    value: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serializable view: ``{"errno": 1012, "field": "userid", ...}``."""
        return attrs.asdict(self)


class FreshBooksError(Exception):
    """Base class of every error raised by this SDK.

    ``may_have_applied`` is true when a request that is not safe to repeat (a create, an
    invoice email) failed in a way that leaves its outcome unknown: it may have been applied
    (read timeout, connection dropped after sending, 5xx). Such an error is never
    ``retryable``: check (list or get) before trying again, or you may create a duplicate.
    """

    may_have_applied: bool = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def retryable(self) -> bool:
        """Whether trying the same call again later is safe and may succeed."""
        return False

    def __reduce__(self) -> tuple[Any, ...]:
        # The default rebuilds with ``cls(*args)``, which fails for errors whose constructors
        # take required keywords (``status_code``); rebuild from the state instead.
        return (_rebuild_error, (type(self), self.args, dict(self.__dict__)))


def _rebuild_error(
    cls: type[FreshBooksError], args: tuple[Any, ...], state: dict[str, Any]
) -> FreshBooksError:
    """Unpickle an error: the same class, ``args`` and attributes, no constructor call."""
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class InvalidRequestError(FreshBooksError, ValueError):
    """Bad input, refused before any request was sent.

    ``field`` names the argument (dotted path for nested input, e.g. ``lines.0.qty``);
    ``errors`` lists every problem found when several fields are wrong.

    >>> try:
    ...     raise InvalidRequestError("per_page must be between 1 and 100", field="per_page", value=101)
    ... except ValueError as exc:   # it is also a ValueError
    ...     print(exc.field)
    per_page
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: object = None,
        errors: Sequence[ErrorDetail] = (),
    ) -> None:
        super().__init__(message)
        self.field = field
        self.value = value
        self.errors: list[ErrorDetail] = list(errors) or [
            ErrorDetail(message=message, field=field, value=None if value is None else str(value))
        ]


class CallSignatureError(InvalidRequestError, TypeError):
    """The call does not fit the signature: a keyword the method does not take (a typo), a
    required argument left out, too many positional arguments. Raised before anything is sent.

    ``field`` names the argument. It is an :class:`InvalidRequestError` (so one ``except``
    handles every bad input) and also a ``TypeError``, which is what Python raises for the same
    mistake on any other function (code and tools that expect ``TypeError`` keep working). The
    value given is never kept: a misspelt ``acess_token=`` must not carry the token into logs.

    >>> from freshbooks_sdk import FreshBooks
    >>> try:
    ...     FreshBooks(access_token="t", acount_id="ABC123")
    ... except InvalidRequestError as exc:
    ...     print(exc.field, "|", exc, "|", isinstance(exc, TypeError))
    acount_id | FreshBooks() got an unexpected keyword argument 'acount_id' (did you mean 'account_id'?) | True
    """


class APIConnectionError(FreshBooksError):
    """The request could not be completed (DNS, refused connection, dropped connection)."""

    def __init__(
        self, message: str, *, request: httpx.Request | None = None, may_have_applied: bool = False
    ) -> None:
        super().__init__(message)
        self.request = redact_request(request)
        self.may_have_applied = may_have_applied

    @property
    def retryable(self) -> bool:
        return not self.may_have_applied


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool timeout), or the whole call took
    longer than the client's ``deadline`` (a server dripping its answer byte by byte)."""


class ResponseTooLargeError(APIConnectionError):
    """The response body, once decoded, was larger than the client's ``max_response_bytes``
    (a runaway listing, or a compression bomb): reading stopped there.

    Not ``retryable`` (the same call would get the same answer); after a create it
    ``may_have_applied``.

    >>> ResponseTooLargeError("body over 33554432 bytes", limit=33554432).limit
    33554432
    """

    def __init__(
        self,
        message: str,
        *,
        request: httpx.Request | None = None,
        may_have_applied: bool = False,
        limit: int | None = None,
    ) -> None:
        super().__init__(message, request=request, may_have_applied=may_have_applied)
        self.limit = limit

    @property
    def retryable(self) -> bool:
        """Never: the same request would get the same oversized answer."""
        return False


class ResponseValidationError(FreshBooksError):
    """FreshBooks answered 2xx but the body does not fit the expected model.

    ``errors`` holds pydantic's error list; ``body_excerpt`` the start of the body.
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response | None = None,
        errors: Sequence[Mapping[str, Any]] = (),
        body_excerpt: str = "",
    ) -> None:
        super().__init__(message)
        self.response = redact_response(response)
        self.errors = list(errors)
        self.body_excerpt = body_excerpt


class ReauthorizationRequiredError(FreshBooksError):
    """The refresh token was refused (used twice, revoked, or the app lost access).

    Refresh tokens are single-use; the user has to go through the authorization URL again.
    """

    def __init__(self, message: str, *, errors: Sequence[ErrorDetail] = ()) -> None:
        super().__init__(message)
        self.errors = list(errors)


class ClientClosedError(FreshBooksError):
    """A call was made on a client after ``close()`` / ``aclose()`` (or after its ``with``
    block ended); nothing was sent. Build a new client, or keep the block open longer.

    >>> str(ClientClosedError("GET /auth/api/v1/users/me: the client has been closed"))
    'GET /auth/api/v1/users/me: the client has been closed'
    """


class CursorError(FreshBooksError):
    """A poller cursor problem."""


class CorruptCursorError(CursorError):
    """The stored cursor cannot be read. It is never silently reset (that would skip updates)."""


class CursorConflictError(CursorError):
    """Another poller saved the same cursor key first (compare-and-swap lost)."""


class CursorStoreUnavailableError(CursorError):
    """The cursor store could not be read or written (a database lock held too long, a full
    disk). Nothing was lost: the poller backs off and tries again."""

    @property
    def retryable(self) -> bool:
        """Always: the store may be available again later."""
        return True


class CursorStoreBrokenError(CursorError):
    """The cursor store fails in a way that waiting cannot fix: the file is not a SQLite
    database (overwritten, truncated), its table lacks the expected columns, the database or its
    folder is read-only, or it cannot be opened at all. The poller raises it at once instead of
    backing off: repair or move the file (the cursor is never reset silently).
    """


class APIStatusError(FreshBooksError):
    """FreshBooks answered with an error.

    ``status_code`` is the HTTP status, ``errors`` FreshBooks' details parsed from any of its
    error formats, ``response`` the raw :class:`httpx.Response` when there is one.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        errors: Sequence[ErrorDetail] = (),
        response: httpx.Response | None = None,
        body_excerpt: str = "",
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.errors = list(errors)
        self.response = redact_response(response)
        self.body_excerpt = body_excerpt

    @property
    def errno(self) -> int | None:
        """The first error number FreshBooks gave, if any."""
        return next((e.errno for e in self.errors if e.errno is not None), None)

    @property
    def request_id(self) -> str | None:
        """The request id the server answered with (``X-Request-Id`` or ``Request-Id``), if any:
        quote it when asking FreshBooks support about a failed call."""
        if self.response is None:
            return None
        for name in _REQUEST_ID_HEADERS:
            value = "".join(c for c in self.response.headers.get(name, "") if c.isprintable())
            if value.strip():
                return value.strip()[:_REQUEST_ID_MAX]
        return None

    def __str__(self) -> str:
        """``404 Not Found: Invoice not found. (GET /accounting/account/ABC/invoices/invoices/9,
        request id 7f3a...)``: status, FreshBooks' message, then the method and path (never
        the query string, which may hold search terms) and the request id when known."""
        # A 200 carrying errors reads "200: ..." (not "200 OK: ...").
        reason = _reason_phrase(self.status_code) if self.status_code >= 400 else ""
        head = (
            f"{self.status_code} {reason}: {self.message}"
            if reason
            else f"{self.status_code}: {self.message}"
        )
        where = [] if self.response is None else _where(self.response)
        request_id = self.request_id
        if request_id is not None:
            where.append(f"request id {request_id}")
        return f"{head} ({', '.join(where)})" if where else head


_REQUEST_ID_HEADERS = ("x-request-id", "request-id")
_REQUEST_ID_MAX = 128


def _reason_phrase(status_code: int) -> str:
    return httpx.codes.get_reason_phrase(status_code)


def _where(response: httpx.Response) -> list[str]:
    try:
        request = response.request
    except RuntimeError:  # a Response built without a request (tests, hand-made errors)
        return []
    return [f"{request.method} {request.url.path}"]


class BadRequestError(APIStatusError):
    """HTTP 400."""


class AuthenticationError(APIStatusError):
    """HTTP 401: the access token is missing, expired, revoked or invalid."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403: typically scopes missing from the token (FreshBooks lists them in the message)."""


class NotFoundError(APIStatusError):
    """HTTP 404 (FreshBooks errno 1012)."""


class ConflictError(APIStatusError):
    """HTTP 409: concurrent modification, or an invoice number collision.

    Not retried automatically (the SDK cannot know the conflict is gone), but trying again
    later is safe: FreshBooks refused the request without applying it.
    """

    @property
    def retryable(self) -> bool:
        """Always: the conflicting request was refused without being applied."""
        return True


class UnprocessableEntityError(APIStatusError):
    """HTTP 422: FreshBooks refused the input; ``errors`` names the fields."""


class RateLimitError(APIStatusError):
    """HTTP 429. ``retry_after`` is the wait FreshBooks asked for, in seconds, when it said."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int = 429,
        errors: Sequence[ErrorDetail] = (),
        response: httpx.Response | None = None,
        body_excerpt: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(
            message,
            status_code=status_code,
            errors=errors,
            response=response,
            body_excerpt=body_excerpt,
        )
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        """Always: FreshBooks refused the request before doing anything; wait ``retry_after``."""
        return True


class InternalServerError(APIStatusError):
    """HTTP 5xx. After a create or an invoice email, ``may_have_applied`` is true and the
    error is not ``retryable`` (FreshBooks may have done the work before failing)."""

    @property
    def retryable(self) -> bool:
        """True unless the request may have been applied (a create or an invoice email)."""
        return not self.may_have_applied


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}

_BY_ERRNO: dict[int, type[APIStatusError]] = {
    1003: AuthenticationError,
    1012: NotFoundError,
    7012: UnprocessableEntityError,
    1001: UnprocessableEntityError,
}


def status_error_class(
    status_code: int, errors: Sequence[ErrorDetail] = ()
) -> type[APIStatusError]:
    """The exception class for an error status; a 200 carrying errors is classed by its errno."""
    if status_code >= 500:
        return InternalServerError
    if status_code in _BY_STATUS:
        return _BY_STATUS[status_code]
    for detail in errors:
        if detail.errno in _BY_ERRNO:
            return _BY_ERRNO[detail.errno]
    if 400 <= status_code < 500:
        return BadRequestError
    return APIStatusError
