"""``AsyncFreshBooks``: the async client (source of the generated sync ``FreshBooks``).

async with AsyncFreshBooks(access_token="...", account_id="ABC123") as afb:
    async for invoice in afb.invoices.list(v3_status="paid"):
        print(invoice.invoice_number, invoice.amount.amount)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import TracebackType

import httpx

from freshbooks_sdk._async._backend import SleepFn
from freshbooks_sdk._async._http import AsyncHTTPCore
from freshbooks_sdk._async.resources.categories import AsyncExpenseCategoriesResource
from freshbooks_sdk._async.resources.clients import AsyncClientsResource
from freshbooks_sdk._async.resources.expenses import AsyncExpensesResource
from freshbooks_sdk._async.resources.identity import AsyncIdentityResource
from freshbooks_sdk._async.resources.invoices import AsyncInvoicesResource
from freshbooks_sdk._async.resources.staff import AsyncStaffResource
from freshbooks_sdk._async.token_source import AsyncTokenProvider
from freshbooks_sdk._core.money_input import check_currency
from freshbooks_sdk._core.query import check_account_id
from freshbooks_sdk._core.transport import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, RetryEvent, RetryStats
from freshbooks_sdk.errors import InvalidRequestError
from freshbooks_sdk.stores import AsyncRateGate, RateGate


class AsyncFreshBooks:
    """A connection to one FreshBooks business (``account_id``), async.

    Args:
        access_token: a bearer token; or pass ``token_source`` (see :mod:`freshbooks_sdk.auth`)
            to refresh ahead of expiry and once on a rejected token.
        account_id: the business to act on (``fb.identity.businesses()`` lists them); may be
            ``None`` for identity-only use. Must be a plain id (letters and digits).
        base_url: API host, ``https://api.freshbooks.com`` by default (the sandbox's URL in tests).
        timeout: seconds (or an ``httpx.Timeout``) for every request; always finite.
        max_retries: retries after a retryable failure (429, and for idempotent calls 5xx and
            dropped connections); ``max_retry_wait`` caps one wait (a longer ``Retry-After``
            raises ``RateLimitError`` at once with ``retry_after``).
        http_client: your own ``httpx.AsyncClient`` (not closed by this object); by default one
            is created that honours proxy environment variables.
        default_currency: the explicit currency for money inputs when a call gives none.
        on_retry: called with a :class:`RetryEvent` before each retry wait.
        sleep, clock, rng: injectable for tests (no wall time).
        rate_gate: a :class:`~freshbooks_sdk.stores.RateGate` shared by every worker: a request
            waits while the account is rate limited, and a 429 closes the gate for everyone for
            its ``Retry-After`` (a wait beyond ``max_retry_wait`` raises ``RateLimitError``).
        rate_gate_key: the gate's key, ``account_id`` by default (``with_account`` views
            share their parent's key).

    >>> afb = AsyncFreshBooks(access_token="t", account_id="ABC123")  # doctest: +SKIP
    """

    def __init__(
        self,
        access_token: str | None = None,
        *,
        account_id: str | None = None,
        token_source: AsyncTokenProvider | None = None,
        base_url: str = DEFAULT_BASE_URL,
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
    ) -> None:
        self.account_id = check_account_id(account_id)
        if rate_gate is not None and not isinstance(rate_gate, RateGate):
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
        )
        self._bind_resources()

    def _bind_resources(self) -> None:
        self.identity = AsyncIdentityResource(self)
        self.clients = AsyncClientsResource(self)
        self.invoices = AsyncInvoicesResource(self)
        self.expenses = AsyncExpensesResource(self)
        self.expense_categories = AsyncExpenseCategoriesResource(self)
        self.staff = AsyncStaffResource(self)

    @property
    def base_url(self) -> str:
        """The API host requests go to."""
        return self._core.base_url

    @property
    def stats(self) -> RetryStats:
        """Requests sent, retries made (by reason) and token refreshes, since construction."""
        return self._core.stats

    def with_account(self, account_id: str) -> AsyncFreshBooks:
        """A view of the same connection bound to another business (shares the HTTP client).

        The returned object must not outlive this one; close only the original.
        """
        other = object.__new__(type(self))
        other.__dict__.update(self.__dict__)
        other.account_id = check_account_id(account_id)
        other._bind_resources()
        return other

    async def aclose(self) -> None:
        """Close the underlying HTTP client (when this object created it)."""
        await self._core.aclose()

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
