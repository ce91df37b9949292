"""Run thousands of FreshBooks connections on a Celery worker fleet (``pip install 'freshbooks-typed[celery,postgres]'``).

One connection per client business (``account_id``); everything the workers share lives in the
stores of :mod:`freshbooks_sdk.stores` (Postgres for a fleet), so any worker can run any
connection's next cycle or action::

    # fleet.py  (celery -A fleet worker   /   celery -A fleet beat)
    from celery import Celery
    from freshbooks_sdk.auth import OAuthClient
    from freshbooks_sdk.celery import Connection, FreshBooksFleet
    from freshbooks_sdk.stores.postgres import (
        PostgresCursorStore, PostgresRateGate, PostgresTokenStore)

    DSN = "postgresql://fb@db/freshbooks"
    app = Celery("fleet", broker="redis://localhost:6379/0", backend="redis://localhost:6379/1")
    fleet = FreshBooksFleet(
        app,
        oauth=OAuthClient(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI),
        token_store=PostgresTokenStore(DSN),
        cursor_store=PostgresCursorStore(DSN),
        rate_gate=PostgresRateGate(DSN),
        deliver="myapp.tasks.invoices_updated",     # your task: (account_id, activation_json)
    )
    app.conf.beat_schedule = fleet.beat_schedule(
        [Connection("ACM123"), Connection("BAY456", interval=60)]     # default every 5 minutes
    )

    # anywhere: run an action of the catalog on a worker
    fleet.action.delay("ACM123", "freshbooks/create-client", {"email": "a@b.com"})

Semantics:

* **Polling** (task ``freshbooks.poll``): one cycle for one connection: the token comes from the
  token store (refreshed single-flight across the fleet), the cursor from the cursor store;
  :meth:`~freshbooks_sdk.AsyncPoller.poll_once` runs one cycle; a non-empty activation is
  **enqueued** to your ``deliver`` task (JSON, see
  :func:`freshbooks_sdk.integration.render_activation`) and only then acknowledged (the cursor
  saved). At least once: a worker that dies between the two re-delivers the same activation
  (same ``id``) at the next cycle; deduplicate on ``activation["id"]`` if it matters. The task is
  ``acks_late`` and re-queued when its worker process is lost.
* **Schedule**: :meth:`FreshBooksFleet.beat_schedule` gives each connection its own interval
  (default 300 s) at a stable per-connection phase (an offset within the interval from a hash of
  the connection: the runs keep exactly the interval on average, and a thousand connections are
  spread over it instead of firing on the same second). A poll message expires after one interval (no backlog).
* **Actions** (task ``freshbooks.action``): the catalog of :mod:`freshbooks_sdk.integration`.
  A failure with ``retryable`` is retried by Celery after ``retry_after`` (a 429's
  ``Retry-After``) or an exponential backoff; a failure with ``may_have_applied=True`` (a create
  whose outcome is unknown) is **never** retried: the task returns the failure for you to
  check. The task result is :meth:`~freshbooks_sdk.integration.ActionResult.to_dict`.
* A connection whose grant is dead (``ReauthorizationRequiredError``) is reported (result
  ``{"status": "reauthorization_required"}`` and a warning), not retried.
"""

from __future__ import annotations

import hashlib
import logging
import math
import random
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
from celery import Celery
from celery.schedules import schedule

from freshbooks_sdk._core.polling import backoff_delay
from freshbooks_sdk._core.query import check_account_id
from freshbooks_sdk._core.transport import DEFAULT_BASE_URL
from freshbooks_sdk._sync.client import FreshBooks
from freshbooks_sdk._sync.oauth import OAuthClient
from freshbooks_sdk._sync.poller import Activation
from freshbooks_sdk._sync.token_source import TokenSource
from freshbooks_sdk.cursors import CursorStore
from freshbooks_sdk.errors import (
    CursorConflictError,
    CursorStoreUnavailableError,
    FreshBooksError,
    InvalidRequestError,
    ReauthorizationRequiredError,
)
from freshbooks_sdk.integration import ACTIONS, INVOICE_UPDATED, render_activation
from freshbooks_sdk.models import Invoice
from freshbooks_sdk.stores import RateGate, TokenStore

__all__ = ["DEFAULT_INTERVAL", "Connection", "FreshBooksFleet", "JitteredSchedule"]

logger = logging.getLogger("freshbooks_sdk.celery")

DEFAULT_INTERVAL = 300.0
"""Seconds between two polls of one connection (FreshBooks' usual trigger interval)."""


def _check_interval(value: object) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or not 1 <= value <= 86_400
    ):
        raise InvalidRequestError(
            "interval must be between 1 and 86400 seconds", field="interval", value=value
        )
    return float(value)


@attrs.frozen
class Connection:
    """One connection to schedule: its ``account_id`` (the token store key), its own
    ``interval`` (seconds) and ``params`` (the ``freshbooks/invoice-updated`` input).

    >>> Connection("ACM123", interval=60).interval
    60.0
    """

    account_id: str = attrs.field(converter=check_account_id)
    interval: float = attrs.field(default=DEFAULT_INTERVAL, converter=_check_interval)
    params: Mapping[str, Any] | None = None


class JitteredSchedule(schedule):  # type: ignore[misc] # celery ships no type information
    """Every ``run_every``, at a fixed per-connection phase: a stable offset in ``[0, jitter)``.

    The runs of one connection fall on the epoch-aligned grid ``phase + k * run_every`` where
    ``phase`` comes from a stable hash of ``key``: the mean period is exactly ``run_every``
    (a late run does not push the next ones back) and a thousand connections with
    ``jitter == run_every`` are spread evenly over the interval instead of firing together.
    The next run is the first grid point at least half an interval after the previous run, so
    a run that beat started late is never followed by a second one moments later.

    >>> s = JitteredSchedule(timedelta(minutes=5), 300.0, "ACM123")
    >>> 0 <= s.phase < 300
    True
    >>> s.phase == JitteredSchedule(timedelta(minutes=5), 300.0, "ACM123").phase
    True
    >>> due = s.next_run(datetime(2026, 1, 1, tzinfo=timezone.utc))
    >>> round(due.timestamp() % 300, 3) == s.phase
    True
    """

    def __init__(self, run_every: timedelta, jitter: float, key: str, **kwargs: Any) -> None:
        super().__init__(run_every, **kwargs)
        period = self.run_every.total_seconds()
        self.jitter = min(max(0.0, float(jitter)), period)
        self.key = key
        digest = hashlib.sha256(key.encode()).digest()
        # Whole milliseconds: the grid arithmetic below stays exact in floats.
        self.phase = round(int.from_bytes(digest[:8], "big") / 2**64 * self.jitter, 3) % period

    def next_run(self, last_run_at: datetime) -> datetime:
        """When the run after ``last_run_at`` is due (aware UTC)."""
        period = self.run_every.total_seconds()
        after = self.maybe_make_aware(last_run_at).timestamp() + period / 2
        slots = math.floor((after - self.phase) / period) + 1
        return datetime.fromtimestamp(self.phase + slots * period, timezone.utc)

    def remaining_estimate(self, last_run_at: datetime) -> timedelta:
        """Time left until :meth:`next_run` (negative when overdue)."""
        now: datetime = self.maybe_make_aware(self.now())
        return self.next_run(last_run_at) - now

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.__class__, (self.run_every, self.jitter, self.key))

    def __repr__(self) -> str:
        return f"<JitteredSchedule every {self.run_every} at phase {self.phase:g}s for {self.key}>"


class FreshBooksFleet:
    """Registers the fleet's tasks on a Celery ``app`` (see the module docs).

    Args:
        app: your Celery application.
        oauth: the OAuth app (refreshes tokens); point ``api_base_url``/``auth_base_url`` at the
            sandbox in tests.
        token_store: the shared token store (:mod:`freshbooks_sdk.stores`).
        cursor_store: the shared cursor store.
        rate_gate: the shared per-account rate gate.
        deliver: the name of your task that receives ``(account_id, activation)`` for each
            non-empty activation (``None``: activations are only logged and acknowledged).
        base_url: the API host.
        max_retry_wait: the longest wait the SDK does inline; a longer ``Retry-After`` becomes a
            Celery retry (the worker slot is freed meanwhile).
        action_retries: most Celery retries of one action.
        client_options: more :class:`~freshbooks_sdk.FreshBooks` keyword arguments.
        token_margin: refresh a token this many seconds before it expires.
        max_store_retries: how many times in a row an unavailable cursor store is waited for:
            the poller's option, the in-task retries of the acknowledgement (with backoff,
            so a delivered activation is not replayed for a transient reason) and the Celery
            retries of a poll task whose cursor store is unavailable (then it is raised).
        sleep: how the acknowledgement retries wait (injected in tests).
        prefix: task names are ``{prefix}.poll`` and ``{prefix}.action``.

    ``fleet.poll`` and ``fleet.action`` are the registered Celery tasks.
    """

    def __init__(
        self,
        app: Celery,
        *,
        oauth: OAuthClient,
        token_store: TokenStore,
        cursor_store: CursorStore,
        rate_gate: RateGate | None = None,
        deliver: str | None = None,
        base_url: str | None = None,
        max_retry_wait: float = 10.0,
        action_retries: int = 5,
        client_options: Mapping[str, Any] | None = None,
        token_margin: float = 300.0,
        prefix: str = "freshbooks",
        max_store_retries: int = 3,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not isinstance(token_store, TokenStore):
            raise InvalidRequestError("token_store must be a TokenStore", field="token_store")
        if not isinstance(cursor_store, CursorStore):
            raise InvalidRequestError("cursor_store must be a CursorStore", field="cursor_store")
        if deliver is not None and (not isinstance(deliver, str) or not deliver):
            raise InvalidRequestError("deliver must be a task name", field="deliver")
        self.app = app
        self.oauth = oauth
        self.token_store = token_store
        self.cursor_store = cursor_store
        self.rate_gate = rate_gate
        self.deliver = deliver
        self.base_url = base_url or getattr(oauth, "api_base_url", None) or DEFAULT_BASE_URL
        self.max_retry_wait = float(max_retry_wait)
        self.action_retries = int(action_retries)
        self.client_options = dict(client_options or {})
        self.token_margin = float(token_margin)
        self.prefix = prefix
        if (
            isinstance(max_store_retries, bool)
            or not isinstance(max_store_retries, int)
            or not 0 <= max_store_retries <= 100
        ):
            raise InvalidRequestError(
                "max_store_retries must be an int between 0 and 100",
                field="max_store_retries",
                value=max_store_retries,
            )
        self.max_store_retries = max_store_retries
        self._sleep = sleep
        fleet = self

        @app.task(  # type: ignore[untyped-decorator] # celery ships no type information
            bind=True,
            name=f"{prefix}.poll",
            acks_late=True,
            reject_on_worker_lost=True,
            max_retries=3,
        )
        def poll(task: Any, account_id: str, params: Mapping[str, Any] | None = None) -> Any:
            """One poll cycle for one connection (see :class:`FreshBooksFleet`)."""
            return fleet._poll_task(task, account_id, params)

        @app.task(  # type: ignore[untyped-decorator] # celery ships no type information
            bind=True, name=f"{prefix}.action", max_retries=self.action_retries
        )
        def action(task: Any, account_id: str, name: str, data: Any = None) -> Any:
            """Run one catalog action for one connection (see :class:`FreshBooksFleet`)."""
            return fleet._action_task(task, account_id, name, data)

        self.poll: Any = poll
        self.action: Any = action

    # -- building blocks (usable without Celery, e.g. in the fleet benchmark) --------------------

    def client(self, account_id: str) -> FreshBooks:
        """A client for ``account_id`` whose token comes from the shared token store."""
        account_id = check_account_id(account_id) or ""
        source = TokenSource.from_store(
            self.oauth, self.token_store, account_id, margin=self.token_margin
        )
        return FreshBooks(
            token_source=source,
            account_id=account_id,
            base_url=self.base_url,
            rate_gate=self.rate_gate,
            max_retry_wait=self.max_retry_wait,
            **self.client_options,
        )

    def poll_cycle(
        self,
        account_id: str,
        params: Mapping[str, Any] | None = None,
        *,
        enqueue: Callable[[str, dict[str, Any]], object] | None = None,
    ) -> dict[str, Any]:
        """One poll cycle for one connection: poll, enqueue the activation, then acknowledge.

        ``enqueue(account_id, activation)`` hands the activation over (default: send it to the
        ``deliver`` task); it must have made it durable when it returns. Returns ``{"account_id", "activation_id", "count", "delivered", "requests"}``.
        Raises :class:`~freshbooks_sdk.errors.FreshBooksError` on failure (nothing acknowledged).
        """
        with self.client(account_id) as fb:
            poller = INVOICE_UPDATED.poller(
                fb, params, store=self.cursor_store, max_store_retries=self.max_store_retries
            )
            activation = poller.poll_once()
            payload = render_activation(activation)
            if payload is not None and enqueue is not None:
                enqueue(account_id, payload)  # durable before the cursor moves: at least once
            elif payload is not None and self.deliver is not None:
                # Enqueued (published to the broker) before the cursor moves: at least once.
                self.app.send_task(self.deliver, args=(account_id, payload))
            self._ack(account_id, activation)
            return {
                "account_id": account_id,
                "activation_id": activation.id if payload is not None else None,
                "count": len(activation.items),
                "delivered": payload is not None
                and (enqueue is not None or self.deliver is not None),
                "requests": fb.stats.requests,
            }

    def _ack(self, account_id: str, activation: Activation[Invoice]) -> None:
        """Acknowledge; an unavailable cursor store is waited for ``max_store_retries`` times
        (the activation is delivered already: retrying here avoids replaying it)."""
        attempt = 0
        while True:
            try:
                activation.ack()
                return
            except CursorStoreUnavailableError as exc:
                if attempt >= self.max_store_retries:
                    raise
                attempt += 1
                delay = backoff_delay(attempt, random.random(), None, maximum=5.0)
                logger.warning(
                    "connection %s: cannot save the cursor (%s); retrying in %.1fs",
                    account_id,
                    exc,
                    delay,
                )
                self._sleep(delay)

    def beat_schedule(
        self,
        connections: Iterable[Connection],
        *,
        jitter: float | None = None,
    ) -> dict[str, dict[str, Any]]:
        """``app.conf.beat_schedule`` entries: one poll per connection at its own interval.

        ``jitter``: the window of per-connection phases in seconds (default: the whole
        interval, so the connections are spread evenly over it; ``0``: all on the same grid).

        >>> fleet.beat_schedule([Connection("ACM123")])   # doctest: +SKIP
        {'freshbooks.poll:ACM123': {'task': 'freshbooks.poll', 'schedule': <JitteredSchedule ...>, ...}}
        """
        entries: dict[str, dict[str, Any]] = {}
        for conn in connections:
            if not isinstance(conn, Connection):
                raise InvalidRequestError(
                    "connections must be freshbooks_sdk.celery.Connection values",
                    field="connections",
                )
            spread = conn.interval if jitter is None else float(jitter)
            if not math.isfinite(spread) or not 0 <= spread <= conn.interval:
                raise InvalidRequestError(
                    "jitter must be between 0 and the interval", field="jitter", value=jitter
                )
            name = f"{self.prefix}.poll:{conn.account_id}"
            if name in entries:
                raise InvalidRequestError(
                    f"connection {conn.account_id} is listed twice", field="connections"
                )
            entries[name] = {
                "task": f"{self.prefix}.poll",
                "schedule": JitteredSchedule(
                    timedelta(seconds=conn.interval), spread, conn.account_id
                ),
                "args": (conn.account_id,),
                "kwargs": {"params": dict(conn.params)} if conn.params else {},
                "options": {"expires": conn.interval},
            }
        return entries

    # -- tasks --------------------------------------------------------------------------------

    def _poll_task(
        self, task: Any, account_id: str, params: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        try:
            return self.poll_cycle(account_id, params)
        except ReauthorizationRequiredError as exc:
            logger.warning("connection %s needs to be authorized again: %s", account_id, exc)
            return {"account_id": account_id, "status": "reauthorization_required"}
        except CursorConflictError:
            # Another worker ran this connection's cycle at the same time and saved first;
            # the activation was enqueued anyway (at least once), nothing is lost.
            logger.info("connection %s was polled concurrently by another worker", account_id)
            return {"account_id": account_id, "status": "concurrent"}
        except FreshBooksError as exc:
            if not exc.retryable:
                raise
            if (
                isinstance(exc, CursorStoreUnavailableError)
                and task.request.retries >= self.max_store_retries
            ):
                raise
            countdown = backoff_delay(task.request.retries + 1, random.random(), _retry_after(exc))
            raise task.retry(exc=exc, countdown=countdown) from exc

    def _action_task(self, task: Any, account_id: str, name: str, data: Any) -> dict[str, Any]:
        action = ACTIONS.get(name)
        if action is None:
            raise InvalidRequestError(f"unknown action {name!r}", field="name", value=name)
        try:
            fb = self.client(account_id)
        except FreshBooksError as exc:
            result = action.failure(exc)
        else:
            with fb:
                result = action.run(fb, data)
        error = result.error
        if (
            error is not None
            and error["retryable"]
            and not error["may_have_applied"]
            and task.request.retries < self.action_retries
        ):
            countdown = error["retry_after"]
            if countdown is None:
                countdown = backoff_delay(task.request.retries + 1, random.random())
            logger.info(
                "action %s for %s failed (%s): retrying in %.1fs",
                name,
                account_id,
                error["type"],
                countdown,
            )
            raise task.retry(countdown=countdown)
        return result.to_dict()


def _retry_after(exc: FreshBooksError) -> float | None:
    value = getattr(exc, "retry_after", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return max(0.0, float(value))
    return None
