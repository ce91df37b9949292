"""``AsyncFreshBooks``: the async client (source of the generated sync ``FreshBooks``).

async with AsyncFreshBooks(access_token="...", account_id="ABC123") as afb:
    async for invoice in afb.invoices.list(v3_status="paid"):
        print(invoice.invoice_number, invoice.amount.amount)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING

import httpx

from freshbooks_sdk._async._backend import SleepFn
from freshbooks_sdk._async._http import AsyncHTTPCore
from freshbooks_sdk._async.resources.callbacks import AsyncCallbacksResource
from freshbooks_sdk._async.resources.categories import AsyncExpenseCategoriesResource
from freshbooks_sdk._async.resources.clients import AsyncClientsResource
from freshbooks_sdk._async.resources.expenses import AsyncExpensesResource
from freshbooks_sdk._async.resources.identity import AsyncIdentityResource
from freshbooks_sdk._async.resources.invoices import AsyncInvoicesResource
from freshbooks_sdk._async.resources.items import AsyncItemsResource
from freshbooks_sdk._async.resources.payments import AsyncPaymentsResource
from freshbooks_sdk._async.resources.projects import AsyncProjectsResource
from freshbooks_sdk._async.resources.staff import AsyncStaffResource
from freshbooks_sdk._async.resources.taxes import AsyncTaxesResource
from freshbooks_sdk._async.resources.time_entries import AsyncTimeEntriesResource
from freshbooks_sdk._async.streaming import wrap_raw
from freshbooks_sdk._core.clockcheck import warn_on_sandbox_clock
from freshbooks_sdk._core.environ import resolve_client_env
from freshbooks_sdk._core.input_types import JSONResponse, RequestJSON
from freshbooks_sdk._core.inputs import check_client_args, check_timeout_arg
from freshbooks_sdk._core.money_input import check_currency
from freshbooks_sdk._core.options import (
    check_call_options,
    check_deadline,
    check_extra_headers,
    check_max_retries,
    check_retry_wait,
    check_timeout_option,
    typed_call_errors,
)
from freshbooks_sdk._core.query import check_account_id
from freshbooks_sdk._core.raw import RawParams, build_raw_spec, decode_raw
from freshbooks_sdk._core.transport import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT,
    RetryEvent,
    RetryStats,
    check_max_response_bytes,
)
from freshbooks_sdk.errors import InvalidRequestError

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from freshbooks_sdk._async.token_source import AsyncTokenProvider
    from freshbooks_sdk._core.options import CallOptions
    from freshbooks_sdk.stores import AsyncRateGate, RateGate


class AsyncFreshBooks:
    """A connection to one FreshBooks business (``account_id``), async.

    Args:
        access_token: a bearer token (default: ``$FRESHBOOKS_ACCESS_TOKEN``); or pass
            ``token_source`` (see :mod:`freshbooks_sdk.auth`) to refresh ahead of expiry and once
            on a rejected token.
        account_id: the business to act on (``fb.identity.businesses()`` lists them; default:
            ``$FRESHBOOKS_ACCOUNT_ID``); ``None`` with the variable unset is for identity-only
            use. Must be a plain id (letters and digits).
        base_url: API host (default: ``$FRESHBOOKS_BASE_URL``, else
            ``https://api.freshbooks.com``; the sandbox's URL in tests).
        timeout: seconds (or an ``httpx.Timeout``) for every request; always finite.
        max_retries: retries after a retryable failure (429, and for idempotent calls 5xx and
            dropped connections), default 3: a call makes at most ``max_retries + 1``
            attempts, so ``0`` turns retrying off (the first failure is raised; a token
            rejected with 401 is still refreshed and the request replayed once when a
            ``token_source`` can refresh, which is not a retry). ``max_retry_wait`` caps one
            wait (a longer ``Retry-After`` raises ``RateLimitError`` at once with
            ``retry_after``).
        http_client: your own ``httpx.AsyncClient`` (not closed by this object); by default one
            is created that honours proxy environment variables.
        default_currency: the explicit currency for money inputs when a call gives none.
        on_retry: called with a :class:`RetryEvent` before each retry wait.
        sleep: the wait between retries (injectable: tests wait no wall time).
        clock: returns the current aware UTC datetime (``updated_since`` windows, the poller).
        rng: the jitter source for backoff, returning floats in [0, 1).
        user_agent: the ``User-Agent`` header (default ``freshbooks-typed/<version>``).
        rate_gate: a :class:`~freshbooks_sdk.stores.RateGate` shared by every worker: a request
            waits while the account is rate limited, and a 429 closes the gate for everyone for
            its ``Retry-After`` (a wait beyond ``max_retry_wait`` raises ``RateLimitError``).
        rate_gate_key: the gate's key, ``account_id`` by default (a ``with_account`` view is
            gated by its own account id, unless ``rate_gate_key`` was given explicitly).
        deadline: seconds one attempt of a call may take in all (connect, send, the whole body);
            default 4x the timeout. A server dripping its answer ends in ``APITimeoutError``.
        max_response_bytes: the largest decoded body read (default 32 MiB); a larger one (or a
            compression bomb) ends in ``ResponseTooLargeError`` without reading further.

    An argument given always wins over its environment variable; an empty variable counts as
    unset, and a variable that cannot be used raises ``InvalidRequestError`` naming it
    (``field="FRESHBOOKS_ACCOUNT_ID"``). With the variables set, no argument is needed:

    >>> afb = AsyncFreshBooks()  # doctest: +SKIP
    >>> afb = AsyncFreshBooks(access_token="t", account_id="ABC123")  # doctest: +SKIP
    """

    @typed_call_errors
    def __init__(
        self,
        access_token: str | None = None,
        *,
        account_id: str | None = None,
        token_source: AsyncTokenProvider | None = None,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        max_retry_wait: float = 60.0,
        http_client: httpx.AsyncClient | None = None,
        default_currency: str | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
        sleep: SleepFn | None = None,
        clock: Callable[[], datetime] | None = None,
        rng: Callable[[], float] | None = None,
        user_agent: str | None = None,
        rate_gate: RateGate | AsyncRateGate | None = None,
        rate_gate_key: str | None = None,
        deadline: float | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        access_token, account_id, base_url = resolve_client_env(
            access_token, token_source is not None, account_id, base_url, os.environ
        )[:3]
        access_token, base_url, user_agent = check_client_args(
            access_token=access_token,
            has_token_source=token_source is not None,
            base_url=base_url,
            max_retries=max_retries,
            max_retry_wait=max_retry_wait,
            default_currency=default_currency,
            user_agent=user_agent,
            callables={"on_retry": on_retry, "sleep": sleep, "clock": clock, "rng": rng},
        )
        if isinstance(timeout, httpx.Timeout):
            check_timeout_arg(
                timeout, parts=(timeout.connect, timeout.read, timeout.write, timeout.pool)
            )
        else:
            check_timeout_arg(timeout)
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise InvalidRequestError(
                f"http_client must be an httpx.AsyncClient, got {type(http_client).__name__}",
                field="http_client",
                value=type(http_client).__name__,
            )
        if token_source is not None and not callable(getattr(token_source, "get_token", None)):
            raise InvalidRequestError(
                "token_source must provide get_token() and handle_rejected() "
                "(see freshbooks_sdk.auth.TokenSource)",
                field="token_source",
            )
        self.account_id = check_account_id(account_id)
        if rate_gate is not None:
            from freshbooks_sdk.stores import RateGate  # the fleet stores load with a gate only

            if not isinstance(rate_gate, RateGate):
                raise InvalidRequestError(
                    "rate_gate must implement freshbooks_sdk.stores.RateGate", field="rate_gate"
                )
        self.default_currency = (
            None
            if default_currency is None
            else check_currency(default_currency, "default_currency")
        )
        self._core = AsyncHTTPCore(
            access_token=access_token,
            token_source=token_source,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_wait=max_retry_wait,
            http_client=http_client,
            on_retry=on_retry,
            sleep=sleep,
            clock=clock,
            rng=rng,
            user_agent=user_agent,
            rate_gate=rate_gate,
            rate_gate_key=rate_gate_key or self.account_id,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
        )
        self._gate_key_explicit = rate_gate_key is not None
        self._bind_resources()
        warn_on_sandbox_clock(http_client, self._core.now, real_sleep=sleep is None)

    def _bind_resources(self) -> None:
        self.identity = AsyncIdentityResource(self)
        self.clients = AsyncClientsResource(self)
        self.invoices = AsyncInvoicesResource(self)
        self.expenses = AsyncExpensesResource(self)
        self.expense_categories = AsyncExpenseCategoriesResource(self)
        self.staff = AsyncStaffResource(self)
        self.time_entries = AsyncTimeEntriesResource(self)
        self.projects = AsyncProjectsResource(self)
        self.payments = AsyncPaymentsResource(self)
        self.taxes = AsyncTaxesResource(self)
        self.items = AsyncItemsResource(self)
        self.callbacks = AsyncCallbacksResource(self)

    @typed_call_errors
    async def request(
        self,
        method: str,
        path: str,
        *,
        params: RawParams | None = None,
        json: RequestJSON = None,
        idempotent: bool | None = None,
        **options: Unpack[CallOptions],
    ) -> JSONResponse:
        """The typed raw escape hatch: call what the SDK does not model, get the parsed body.

        Same auth, retries and typed errors as the modelled calls (a 404 raises
        ``NotFoundError``, a 200 carrying ``response.errors`` raises too). ``path`` is a path
        on the API host; ``{account_id}`` in it is replaced by this client's account id and
        ``{business_id}`` by its business id (from ``users/me``, for time tracking and projects).
        ``params`` is a mapping (a list value repeats the key: ``{"search[clientids][]": [1, 2]}``)
        or ``(key, value)`` pairs; dates go out as ``YYYY-MM-DD``, aware datetimes as ISO UTC,
        bools as ``true``/``false``. ``json`` is the body (not allowed on GET/DELETE).
        Only GET and DELETE are re-sent after an ambiguous failure; a POST, PUT (which may be an
        action such as ``action_email``) or PATCH is not, unless ``idempotent=True``.
        Returns the decoded JSON (``None`` for an empty body such as a 204). The per-call
        options (``timeout=``, ``max_retries=``, ``extra_headers=``, ``extra_query=``) apply.

            taxes = await afb.request("GET", "/accounting/account/{account_id}/taxes/taxes",
                                      params={"per_page": 100})
            print(taxes["response"]["result"]["taxes"])
        """
        opts = check_call_options(options)
        if isinstance(path, str) and "{business_id}" in path:
            business = await self.identity.require_account()
            path = path.replace("{business_id}", str(int(business.business_id)))
        spec = build_raw_spec(
            method,
            path,
            params=params,
            json=json,
            account_id=self.account_id,
            idempotent=idempotent,
        ).with_options(opts)
        response = await self._core.send(spec)
        body: JSONResponse = decode_raw(response.content, response.status_code, response)
        return body

    @cached_property
    def with_raw_response(self) -> AsyncFreshBooksWithRawResponse:
        """``request`` returning a :class:`~freshbooks_sdk.responses.RawResponse` (each
        resource has its own: ``afb.invoices.with_raw_response.get(7)``).

            raw = await afb.with_raw_response.request("GET", "/auth/api/v1/users/me")
            print(raw.status_code, raw.request_id, raw.parse()["response"]["id"])
        """
        return AsyncFreshBooksWithRawResponse(self)

    @property
    def base_url(self) -> str:
        """The API host requests go to."""
        return self._core.base_url

    @property
    def stats(self) -> RetryStats:
        """Requests sent, retries made (by reason) and token refreshes, since construction."""
        return self._core.stats

    @typed_call_errors
    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        max_retry_wait: float | None = None,
        deadline: float | None = None,
        max_response_bytes: int | None = None,
        extra_headers: Mapping[str, str] | None = None,
        default_currency: str | None = None,
        account_id: str | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
    ) -> AsyncFreshBooks:
        """A copy of this client with other settings (``None``: keep this client's).

        The copy shares this client's HTTP connection pool, token source, clock, sleep, rate
        gate and ``stats``; this client is unchanged. Closing the copy does not close the pool
        (close the original). Values are checked as the constructor checks them
        (``InvalidRequestError`` naming the option, before any request); a name it does not take
        (``with_options(retries=2)``) is a ``CallSignatureError`` (an ``InvalidRequestError``
        that is also a ``TypeError``) naming it and the option meant. ``extra_headers`` are
        sent on every call of the copy (added to this client's own; per-call ``extra_headers``
        win over them).

            fast = afb.with_options(timeout=5.0, max_retries=0)
            invoice = await fast.invoices.get(7)
            tagged = afb.with_options(extra_headers={"X-Correlation-Id": "job-42"})
        """
        checked_timeout = None if timeout is None else check_timeout_option(timeout)
        retries = None if max_retries is None else check_max_retries(max_retries)
        wait = None if max_retry_wait is None else check_retry_wait(max_retry_wait)
        checked_deadline = None if deadline is None else check_deadline(deadline)
        limit = None if max_response_bytes is None else check_max_response_bytes(max_response_bytes)
        headers = None if extra_headers is None else check_extra_headers(extra_headers)
        currency = (
            None
            if default_currency is None
            else check_currency(default_currency, "default_currency")
        )
        account = None if account_id is None else check_account_id(account_id)
        if on_retry is not None and not callable(on_retry):
            raise InvalidRequestError(
                "on_retry must be callable", field="on_retry", value=type(on_retry).__name__
            )
        other = object.__new__(type(self))
        other.__dict__.update(self.__dict__)
        other.__dict__.pop("with_raw_response", None)  # cached for this client, not the copy
        other._core = self._core.derive(
            timeout=checked_timeout,
            max_retries=retries,
            max_retry_wait=wait,
            deadline=checked_deadline,
            max_response_bytes=limit,
            extra_headers=headers,
            on_retry=on_retry,
        )
        if currency is not None:
            other.default_currency = currency
        if account is not None:
            other.account_id = account
            self._gate_for_account(other)
        other._bind_resources()
        return other

    @typed_call_errors
    def with_account(self, account_id: str) -> AsyncFreshBooks:
        """A view of the same connection bound to another business (shares the HTTP client).

        The returned object must not outlive this one; close only the original.
        """
        other = object.__new__(type(self))
        other.__dict__.update(self.__dict__)
        other.__dict__.pop("with_raw_response", None)  # cached for this client, not the copy
        other.account_id = check_account_id(account_id)
        self._gate_for_account(other)
        other._bind_resources()
        return other

    def _gate_for_account(self, other: AsyncFreshBooks) -> None:
        """FreshBooks rate-limits per account: a copy bound to another account gets its own gate
        key (its core is a copy sharing the HTTP client, token source, gate and stats), unless
        ``rate_gate_key`` was given explicitly."""
        if not self._gate_key_explicit and other.account_id != self.account_id:
            if other._core is self._core:
                other._core = self._core.derive()
            other._core._rate_gate_key = other.account_id or "default"

    @typed_call_errors
    async def aclose(self) -> None:
        """Close the underlying HTTP client (when this object created it).

        ``async with AsyncFreshBooks(...) as client:`` closes it on leaving the block; closing
        twice is harmless; a call after closing raises ``ClientClosedError`` and sends nothing.
        """
        await self._core.aclose()

    # The async client answers to close() too (the name openai-python uses).  # unasync:
    close = aclose  # unasync:

    async def __aenter__(self) -> AsyncFreshBooks:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(account_id={self.account_id!r}, base_url={self.base_url!r})"


class AsyncFreshBooksWithRawResponse:
    """``afb.with_raw_response``: the client's own calls returning raw responses."""

    def __init__(self, client: AsyncFreshBooks) -> None:
        self.request = wrap_raw(client.request)
