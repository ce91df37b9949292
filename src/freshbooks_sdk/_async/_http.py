"""The one place that sends requests and sleeps.

Everything that is a decision (query building, retries, error parsing, envelopes) is a pure
function in :mod:`freshbooks_sdk._core`; this module only runs the loop around them.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import httpx

from freshbooks_sdk._async._backend import SleepFn, default_sleep
from freshbooks_sdk._async._gate import gate_after_429, gate_before_send
from freshbooks_sdk._async.token_source import AsyncStaticToken, AsyncTokenProvider
from freshbooks_sdk._core.envelope import RequestSpec, Unwrap, raise_for_status
from freshbooks_sdk._core.retry import Decision, RetryPolicy, decide, parse_retry_after
from freshbooks_sdk._core.transport import (
    USER_AGENT,
    RetryEvent,
    RetryStats,
    check_timeout,
    classify_failure,
    utc_now,
)
from freshbooks_sdk.errors import APIConnectionError, APITimeoutError, InvalidRequestError
from freshbooks_sdk.stores import AsyncRateGate, RateGate

logger = logging.getLogger("freshbooks_sdk")

R = TypeVar("R")


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
        self._tokens = token_source
        self.base_url = base_url.rstrip("/")
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(timeout=self._timeout, trust_env=True)
        self._on_retry = on_retry
        self._sleep: SleepFn = sleep or default_sleep
        self._clock = clock or utc_now
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

    def _headers(self, token: str | None, has_body: bool) -> dict[str, str]:
        headers = {"Accept": "application/json", "User-Agent": self._user_agent}
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

    async def send(self, spec: RequestSpec) -> httpx.Response:
        """Send with auth and retries; return a 2xx response or raise a typed error."""
        body = spec.encoded_body()
        url = self.base_url + spec.path
        attempt = 0
        refreshed = False
        while True:
            token = await self._tokens.get_token() if spec.authenticated else None
            if token is not None:
                if self._last_token is not None and token != self._last_token:
                    self.stats.refreshes += 1  # ahead of expiry, or after a rejected token
                self._last_token = token
            if self._rate_gate is not None:
                await gate_before_send(
                    self._rate_gate,
                    self._rate_gate_key,
                    self._clock,
                    self._sleep,
                    self.policy.max_retry_wait,
                )
            request = self._http.build_request(
                spec.method,
                url,
                params=tuple(spec.params),
                content=body,
                headers=self._headers(token, body is not None),
                timeout=self._timeout,
            )
            started = time.perf_counter()
            self.stats.requests += 1
            try:
                response = await self._http.send(request)
            except httpx.TransportError as exc:
                failure = classify_failure(exc)
                decision = decide(
                    self.policy,
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
                    raise error_cls(
                        f"{spec.method} {spec.path}: {failure.value} ({decision.reason})",
                        request=request,
                        may_have_applied=failure.request_was_sent and not spec.idempotent,
                    ) from exc
                self._note_retry(spec, attempt, decision, None)
                await self._sleep(decision.delay)
                attempt += 1
                continue
            except httpx.HTTPError as exc:  # e.g. a body that cannot be decoded
                raise APIConnectionError(
                    f"{spec.method} {spec.path}: {type(exc).__name__}: {exc}",
                    request=request,
                    may_have_applied=not spec.idempotent,
                ) from exc
            content = response.content
            logger.debug(
                "%s %s -> %d (attempt %d, %.3fs)",
                spec.method,
                spec.path,
                response.status_code,
                attempt + 1,
                time.perf_counter() - started,
            )
            status = response.status_code
            if status < 400:
                return response
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
                self.policy,
                attempt=attempt,
                idempotent=spec.idempotent,
                status=status,
                retry_after=header,
                now=self._clock().timestamp(),
                rnd=self._rng(),
            )
            if status == 429 and self._rate_gate is not None:
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

    async def call(self, spec: RequestSpec, unwrap: Unwrap[Any, R]) -> R:
        """Send ``spec`` and unwrap the body into the typed result."""
        response = await self.send(spec)
        return unwrap(response.content, response.status_code, response)
