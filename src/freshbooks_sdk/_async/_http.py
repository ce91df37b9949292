"""The one place that sends requests and sleeps.

Everything that is a decision (query building, retries, error parsing, envelopes) is a pure
function in :mod:`freshbooks_sdk._core`; this module only runs the loop around them.

What a hostile or broken server can do to a call is bounded here: the body is read as a stream,
decoded by the SDK itself (gzip/deflate) and refused past ``max_response_bytes``
(:class:`~freshbooks_sdk.errors.ResponseTooLargeError`); each attempt has an overall
``deadline`` checked while the body arrives (a server dripping bytes ends in
:class:`~freshbooks_sdk.errors.APITimeoutError`); redirects are never followed (a 3xx is an
:class:`~freshbooks_sdk.errors.APIStatusError`); a token that cannot be sent in a header is
refused before anything is sent.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from contextvars import ContextVar
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import httpx

from freshbooks_sdk._async._backend import SleepFn, default_sleep, within
from freshbooks_sdk._async._bounded import DeadlinePassed as _DeadlinePassed
from freshbooks_sdk._async._bounded import read_bounded, send_streamed
from freshbooks_sdk._core.envelope import RequestSpec, raise_for_status
from freshbooks_sdk._core.errparse import excerpt
from freshbooks_sdk._core.options import RequestOptions
from freshbooks_sdk._core.redact import redact_request, redact_response
from freshbooks_sdk._core.retry import Decision, RetryPolicy, decide, parse_retry_after
from freshbooks_sdk._core.streaming import ELAPSED_KEY, RETRIES_KEY
from freshbooks_sdk._core.transport import (
    ACCEPT_ENCODING,
    DEFAULT_MAX_RESPONSE_BYTES,
    USER_AGENT,
    BodyTooLarge,
    RetryEvent,
    RetryStats,
    UnreadableBody,
    check_bearer_token,
    check_max_response_bytes,
    check_timeout,
    classify_failure,
    resolve_deadline,
    utc_now,
)
from freshbooks_sdk.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ClientClosedError,
    InvalidRequestError,
    ResponseTooLargeError,
)

if TYPE_CHECKING:
    # Loaded on first use, not with the client: the fleet stores and the rate gate (only with a
    # rate_gate), the token providers (only when a token is needed), the socket deadline (only
    # for an httpx.Client the SDK built itself).
    from freshbooks_sdk._async.token_source import AsyncTokenProvider
    from freshbooks_sdk.stores import AsyncRateGate, RateGate

logger = logging.getLogger("freshbooks_sdk")

R = TypeVar("R")

_HARD_DEADLINE_GRACE = 1.0
"""Wall seconds past ``deadline`` before the async client cancels an attempt outright (the
deadline itself runs on the injected clock; this bounds even a server dripping its headers)."""

_NO_OPTIONS = RequestOptions()
"""The options of a call made without any (frozen: one value shared by every such call)."""

captured_responses: ContextVar[list[httpx.Response] | None] = ContextVar(
    "freshbooks_sdk_captured_responses", default=None
)
"""While ``with_raw_response`` runs a method, the final responses of its calls land here."""


def _redact_cause(exc: httpx.HTTPError) -> None:
    """httpx's exception (kept as ``__cause__``) holds the request: take the token out of it."""
    if isinstance(exc, httpx.RequestError):
        try:
            exc.request = redact_request(exc.request)
        except RuntimeError:  # no request attached
            pass


class AsyncHTTPCore:
    """Sends :class:`RequestSpec` values with auth, retries and typed errors."""

    def __init__(
        self,
        *,
        access_token: str | None,
        token_source: AsyncTokenProvider | None,
        base_url: str,
        timeout: float | httpx.Timeout,
        max_retries: int,
        max_retry_wait: float,
        http_client: httpx.AsyncClient | None,
        on_retry: Callable[[RetryEvent], None] | None,
        sleep: SleepFn | None,
        clock: Callable[[], datetime] | None,
        rng: Callable[[], float] | None,
        user_agent: str | None,
        rate_gate: RateGate | AsyncRateGate | None = None,
        rate_gate_key: str | None = None,
        deadline: float | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        if token_source is not None and access_token is not None:
            raise InvalidRequestError(
                "pass either access_token or token_source, not both", field="token_source"
            )
        if token_source is None:
            if not isinstance(access_token, str) or not access_token.strip():
                raise InvalidRequestError(
                    "an access_token (str) or a token_source is required", field="access_token"
                )
            from freshbooks_sdk._async.token_source import AsyncStaticToken

            token_source = AsyncStaticToken(access_token)
        if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
            raise InvalidRequestError(
                f"base_url must start with http:// or https://, got {base_url!r}",
                field="base_url",
                value=base_url,
            )
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise InvalidRequestError(
                f"max_retries must be an int >= 0, got {max_retries!r}",
                field="max_retries",
                value=max_retries,
            )
        if (
            isinstance(max_retry_wait, bool)
            or not isinstance(max_retry_wait, (int, float))
            or not math.isfinite(max_retry_wait)
            or max_retry_wait < 0
        ):
            raise InvalidRequestError(
                f"max_retry_wait must be a finite number of seconds >= 0, got {max_retry_wait!r}",
                field="max_retry_wait",
                value=max_retry_wait,
            )
        self.policy = RetryPolicy(max_retries=max_retries, max_retry_wait=float(max_retry_wait))
        self._timeout = check_timeout(timeout)
        self.deadline = resolve_deadline(deadline, self._timeout)
        self._deadline_given = deadline is not None
        self.extra_headers: tuple[tuple[str, str], ...] = ()  # with_options(extra_headers=...)
        self.max_response_bytes = check_max_response_bytes(max_response_bytes)
        self._tokens = token_source
        self.base_url = base_url.rstrip("/")
        self._owns_http = http_client is None  # closed by this object (copies never close it)
        self._http = http_client or httpx.AsyncClient(timeout=self._timeout, trust_env=True)
        # A blocking client built here is bounded at the socket as well (see _netdeadline): its
        # pools are wrapped once, each attempt then only sets its deadline. On an event loop an
        # attempt is cancelled instead, and a client passed in is never modified.
        self._socket_deadline: Callable[[float], AbstractContextManager[None]] | None = None
        if http_client is None and isinstance(self._http, httpx.Client):
            from freshbooks_sdk._netdeadline import AttemptDeadline, install_deadline_backend

            install_deadline_backend(self._http)
            self._socket_deadline = AttemptDeadline
        self._on_retry = on_retry
        self._sleep: SleepFn = sleep or default_sleep
        self._clock = clock or utc_now
        # Deadlines run on the injected clock when there is one (tests take no wall time),
        # else on a monotonic clock (a wall-clock jump cannot cut a call short).
        self._seconds: Callable[[], float] = (
            time.monotonic if clock is None else (lambda: clock().timestamp())
        )
        self._rng = rng or random.random
        self._user_agent = user_agent or USER_AGENT
        self.stats = RetryStats()
        self._last_token: str | None = None
        # Shared per-account rate gate (freshbooks_sdk.stores): consulted before each send,
        # told after each 429.
        self._rate_gate = rate_gate
        self._rate_gate_key = rate_gate_key or "default"

    async def sleep(self, seconds: float) -> None:
        """The injected sleep (shared with pollers built by resources)."""
        await self._sleep(seconds)

    def now(self) -> datetime:
        """The injected clock's current time (aware UTC)."""
        return self._clock()

    @property
    def tokens(self) -> AsyncTokenProvider:
        """The token provider (static token or refreshing token source)."""
        return self._tokens

    async def aclose(self) -> None:
        """Close the HTTP client if this object created it."""
        if self._owns_http:
            await self._http.aclose()

    def derive(
        self,
        *,
        timeout: httpx.Timeout | None = None,
        max_retries: int | None = None,
        max_retry_wait: float | None = None,
        deadline: float | None = None,
        max_response_bytes: int | None = None,
        extra_headers: tuple[tuple[str, str], ...] | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
    ) -> AsyncHTTPCore:
        """A copy with other settings sharing the connection pool, token provider, clock, sleep,
        rate gate and counters; it never closes the pool (arguments are already checked)."""
        other = object.__new__(type(self))
        other.__dict__.update(self.__dict__)
        other._owns_http = False
        if max_retries is not None or max_retry_wait is not None:
            other.policy = attrs.evolve(
                self.policy,
                max_retries=self.policy.max_retries if max_retries is None else max_retries,
                max_retry_wait=(
                    self.policy.max_retry_wait if max_retry_wait is None else max_retry_wait
                ),
            )
        if timeout is not None:
            other._timeout = timeout
        if deadline is not None:
            other.deadline = resolve_deadline(deadline, other._timeout)
            other._deadline_given = True
        elif timeout is not None and not self._deadline_given:
            other.deadline = resolve_deadline(None, timeout)
        if max_response_bytes is not None:
            other.max_response_bytes = max_response_bytes
        if extra_headers is not None:
            other.extra_headers = _merged(self.extra_headers, extra_headers)
        if on_retry is not None:
            other._on_retry = on_retry
        return other

    def _headers(
        self, token: str | None, has_body: bool, accept: str = "application/json"
    ) -> dict[str, str]:
        headers = {
            "Accept": accept,
            "Accept-Encoding": ACCEPT_ENCODING,
            "User-Agent": self._user_agent,
        }
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if has_body:
            headers["Content-Type"] = "application/json"
        return headers

    def _note_retry(
        self, spec: RequestSpec, attempt: int, decision: Decision, status: int | None
    ) -> None:
        self.stats.retries += 1
        self.stats.by_reason[decision.reason] = self.stats.by_reason.get(decision.reason, 0) + 1
        logger.info(
            "retrying %s %s (attempt %d) in %.2fs: %s",
            spec.method,
            spec.path,
            attempt + 1,
            decision.delay,
            decision.reason,
        )
        if self._on_retry is not None:
            self._on_retry(
                RetryEvent(
                    spec.method, spec.path, attempt + 1, decision.reason, decision.delay, status
                )
            )

    async def send(self, spec: RequestSpec, *, stream: bool = False) -> httpx.Response:
        """Send with auth and retries; return a 2xx response or raise a typed error.

        ``spec.options`` (per-call timeout, retries, headers, query, body limit) apply to every
        attempt. With ``stream=True`` a 2xx response is returned unread and open (the caller
        reads it through :class:`~freshbooks_sdk._core.streaming.StreamDecoder` and closes it);
        error answers are read and raised as usual.
        """
        if self._http.is_closed:
            raise ClientClosedError(
                f"{spec.method} {spec.path}: the client has been closed "
                "(a call after close() or after its `with` block); nothing was sent"
            )
        body = spec.encoded_body()
        url = self.base_url + spec.path
        opts = spec.options or _NO_OPTIONS
        timeout = self._timeout if opts.timeout is None else opts.timeout
        deadline = self.deadline_for(spec)
        policy = (
            self.policy
            if opts.max_retries is None
            else attrs.evolve(self.policy, max_retries=opts.max_retries)
        )
        limit = (
            self.max_response_bytes if opts.max_response_bytes is None else opts.max_response_bytes
        )
        params = (*spec.params, *opts.query)
        extra_headers = _merged(self.extra_headers, opts.headers)
        call_started = time.perf_counter()
        attempt = 0
        refreshed = False
        while True:
            token = await self._tokens.get_token() if spec.authenticated else None
            if token is not None:
                check_bearer_token(token)  # CR/LF or non-ASCII: refused, nothing sent
                if self._last_token is not None and token != self._last_token:
                    self.stats.refreshes += 1  # ahead of expiry, or after a rejected token
                self._last_token = token
            if self._rate_gate is not None:
                from freshbooks_sdk._async._gate import gate_before_send

                await gate_before_send(
                    self._rate_gate,
                    self._rate_gate_key,
                    self._clock,
                    self._sleep,
                    policy.max_retry_wait,
                )
            request = self._http.build_request(
                spec.method,
                url,
                params=params,
                content=body,
                headers=_with_extra(
                    self._headers(token, body is not None, spec.accept), extra_headers
                ),
                timeout=timeout,
            )
            started = time.perf_counter()
            deadline_at = self._seconds() + deadline
            self.stats.requests += 1
            try:
                seconds = deadline + _HARD_DEADLINE_GRACE
                if self._socket_deadline is None:
                    response = await within(
                        seconds, self._receive(request, deadline_at, limit, stream=stream)
                    )
                else:
                    with self._socket_deadline(seconds):  # a blocking wait ends at the socket
                        response = await within(
                            seconds, self._receive(request, deadline_at, limit, stream=stream)
                        )
            except (_DeadlinePassed, TimeoutError):
                # Not retried: a server this slow would hold the call for every attempt.
                raise APITimeoutError(
                    f"{spec.method} {spec.path}: no complete answer within the "
                    f"{deadline:g}s deadline (not retried)",
                    request=request,
                    may_have_applied=not spec.idempotent,
                ) from None
            except httpx.TransportError as exc:
                failure = classify_failure(exc)
                decision = decide(
                    policy,
                    attempt=attempt,
                    idempotent=spec.idempotent,
                    failure=failure,
                    now=self._clock().timestamp(),
                    rnd=self._rng(),
                )
                logger.debug(
                    "%s %s failed: %s (attempt %d, %.3fs)",
                    spec.method,
                    spec.path,
                    failure.value,
                    attempt + 1,
                    time.perf_counter() - started,
                )
                if not decision.retry:
                    error_cls = (
                        APITimeoutError
                        if isinstance(exc, httpx.TimeoutException)
                        else APIConnectionError
                    )
                    _redact_cause(exc)
                    raise error_cls(
                        f"{spec.method} {spec.path}: {failure.value} ({decision.reason})",
                        request=request,
                        may_have_applied=failure.request_was_sent and not spec.idempotent,
                    ) from exc
                self._note_retry(spec, attempt, decision, None)
                await self._sleep(decision.delay)
                attempt += 1
                continue
            except BodyTooLarge as exc:
                raise ResponseTooLargeError(
                    f"{spec.method} {spec.path}: the response body is larger than "
                    f"max_response_bytes={exc.limit}; reading stopped there",
                    request=request,
                    may_have_applied=not spec.idempotent,
                    limit=exc.limit,
                ) from None
            except (httpx.HTTPError, UnreadableBody) as exc:  # e.g. a corrupt gzip body
                if isinstance(exc, httpx.HTTPError):
                    _redact_cause(exc)
                raise APIConnectionError(
                    f"{spec.method} {spec.path}: {type(exc).__name__}: {exc}",
                    request=request,
                    may_have_applied=not spec.idempotent,
                ) from exc
            status = response.status_code
            if stream and 200 <= status < 300:
                response.extensions[RETRIES_KEY] = attempt
                response.extensions[ELAPSED_KEY] = time.perf_counter() - call_started
                return response  # open and unread: the caller streams and closes it
            content = response.content
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug(
                    "%s %s -> %d (attempt %d, %.3fs)",
                    spec.method,
                    spec.path,
                    response.status_code,
                    attempt + 1,
                    time.perf_counter() - started,
                )
            if 200 <= status < 300:
                response.extensions[RETRIES_KEY] = attempt
                response.extensions[ELAPSED_KEY] = time.perf_counter() - call_started
                slot = captured_responses.get()
                if slot is not None:
                    slot.append(response)
                return response
            if token is not None:  # a server may quote the bearer token back: keep none of it
                response = redact_response(response, secrets=(token,))
                content = response.content
            if status < 400:
                raise self._unexpected_status(spec, response)
            if status == 401 and token is not None and not refreshed:
                refreshed = True
                if await self._tokens.handle_rejected(token):
                    logger.info(
                        "%s %s: token rejected, retrying once with a refreshed token",
                        spec.method,
                        spec.path,
                    )
                    continue
            header = response.headers.get("Retry-After")
            decision = decide(
                policy,
                attempt=attempt,
                idempotent=spec.idempotent,
                status=status,
                retry_after=header,
                now=self._clock().timestamp(),
                rnd=self._rng(),
            )
            if status == 429 and self._rate_gate is not None:
                from freshbooks_sdk._async._gate import gate_after_429

                await gate_after_429(
                    self._rate_gate,
                    self._rate_gate_key,
                    self._clock,
                    parse_retry_after(header, self._clock().timestamp()),
                    decision.delay,
                )
            if not decision.retry:
                retry_after = (
                    decision.retry_after
                    if status == 429
                    else parse_retry_after(header, self._clock().timestamp())
                )
                raise_for_status(
                    status, content, response, retry_after, may_have_applied=not spec.idempotent
                )
                raise AssertionError("unreachable: raise_for_status returned for an error status")
            self._note_retry(spec, attempt, decision, status)
            await self._sleep(decision.delay)
            attempt += 1

    async def _receive(
        self, request: httpx.Request, deadline_at: float, limit: int, *, stream: bool = False
    ) -> httpx.Response:
        """Send ``request`` and read its whole body, bounded in size and time.

        The returned response holds the decoded body (no ``Content-Encoding`` left), except a
        2xx with ``stream=True``: that one is returned open and unread.
        """
        response = await send_streamed(self._http, request)
        if stream and 200 <= response.status_code < 300:
            if self._seconds() > deadline_at:
                await response.aclose()
                raise _DeadlinePassed
            return response
        return await read_bounded(
            response, request, limit=limit, deadline_at=deadline_at, seconds=self._seconds
        )

    def _unexpected_status(self, spec: RequestSpec, response: httpx.Response) -> APIStatusError:
        """A 1xx/3xx final answer: the API never redirects, so following one is not safe (the
        request, token included, would go wherever the server says)."""
        status = response.status_code
        location = response.headers.get("location", "")
        try:
            target = httpx.URL(location).host if location else ""
        except (httpx.InvalidURL, ValueError):
            target = ""
        kind = "a redirect" if 300 <= status < 400 else "an unexpected status"
        where = f" to {target[:100]!r}" if target else ""
        error = APIStatusError(
            f"{spec.method} {spec.path}: FreshBooks answered HTTP {status}, {kind}{where}; "
            "redirects from the API are not followed",
            status_code=status,
            response=response,
            body_excerpt=excerpt(response.content),
        )
        error.may_have_applied = not spec.idempotent
        return error

    def deadline_for(self, spec: RequestSpec) -> float:
        """The overall seconds one attempt of ``spec`` may take: the client's ``deadline``, or
        4x a per-call ``timeout`` when the client has no explicit deadline."""
        timeout = None if spec.options is None else spec.options.timeout
        if timeout is None or self._deadline_given:
            return self.deadline
        return resolve_deadline(None, timeout)

    def seconds(self) -> float:
        """The clock deadlines run on (the injected clock's seconds, else monotonic)."""
        return self._seconds()

    async def call(self, spec: RequestSpec, unwrap: Callable[[bytes, int, Any], R]) -> R:
        """Send ``spec`` and unwrap the body into the typed result."""
        response = await self.send(spec)
        return unwrap(response.content, response.status_code, response)


def _merged(
    base: tuple[tuple[str, str], ...], extra: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, str], ...]:
    """``extra`` headers over ``base`` (names compared case-insensitively)."""
    if not base or not extra:
        return extra or base
    overridden = {name.lower() for name, _ in extra}
    return tuple(h for h in base if h[0].lower() not in overridden) + extra


def _with_extra(headers: dict[str, str], extra: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """The SDK's headers with checked extra headers set over them (case-insensitively)."""
    for name, value in extra:
        for existing in [key for key in headers if key.lower() == name.lower()]:
            del headers[existing]
        headers[name] = value
    return headers
