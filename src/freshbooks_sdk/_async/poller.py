"""Polling triggers (``invoice-updated`` and friends): a change feed that never loses an update.

This is the I/O shell of the poller; every decision (which items are new, where the cursor goes,
how long to back off) is made by the pure functions of :mod:`freshbooks_sdk._core.polling`. The
blocking twin in ``_sync/poller.py`` is generated from this file by ``scripts/unasync.py``.

A poller walks one FreshBooks listing once per cycle and hands over an **activation** per cycle:
the records that changed since the cursor, oldest change first, each in its latest state::

    poller = AsyncPoller(fetch_page, key="ACM123:invoices", store="cursors.db", start=timedelta(hours=1))
    async for activation in poller:          # or client.invoices.poll(...)
        for invoice in activation.items:
            await handle(invoice, deleted=invoice.id in activation.deleted_ids)
        # the cursor is saved when the loop asks for the next activation (or on activation.ack())

Delivery is **at least once**: the cursor moves only after the consumer has taken an activation
(the generator acknowledges an activation when the next one is requested; ``activation.ack()`` or
``poller.ack(activation)`` do it explicitly). A crash in between replays the same activation,
with the same :attr:`AsyncActivation.id` when nothing else changed meanwhile. Leaving the loop
with ``break`` does not acknowledge the last activation: call ``activation.ack()`` first if it was
handled. A cycle that fails with a retryable :class:`~freshbooks_sdk.errors.FreshBooksError`
(connection error, 429, 5xx) leaves the cursor alone; the generator waits (jittered exponential
backoff, at least the ``Retry-After`` FreshBooks gave) and tries again. A cursor store that is
briefly unavailable (locked, disk full) is waited for too, at most ``max_store_retries`` times
in a row. Other errors (401, 403, invalid input, a corrupt stored cursor, a broken cursor store,
a cursor saved by another poller) are raised at once.

The watermark follows **FreshBooks' clock**, read from each page's HTTP ``Date``
(``Page.server_time``), not this host's: a host clock minutes or hours off loses nothing (see
"Whose clock" in :mod:`freshbooks_sdk._core.polling`). A skew larger than ``safety`` is logged
as a warning on the ``freshbooks_sdk.poller`` logger.

For hosts whose own scheduler runs the cycles, :meth:`AsyncPoller.poll_once` runs one cycle and
returns the activation without moving the cursor (it only creates a missing one); acknowledge
it when it has been handled::

    activation = await poller.poll_once()
    await deliver(activation.id, activation.items)
    await activation.ack()
"""

from __future__ import annotations

import collections.abc
import inspect
import logging
import os
import random
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any, Generic, ParamSpec, Protocol, TypeVar, cast

import attrs

from freshbooks_sdk import stores
from freshbooks_sdk._core.inputs import check_int
from freshbooks_sdk._core.pages import DEFAULT_PER_PAGE, Page, PageWalk, check_per_page
from freshbooks_sdk._core.poll_defaults import (
    DEFAULT_MAX_STORE_RETRIES as DEFAULT_MAX_STORE_RETRIES,  # defined with the other defaults
)
from freshbooks_sdk._core.polling import (
    DEFAULT_BOUNDARY_LIMIT,
    DEFAULT_INTERVAL,
    DEFAULT_MAX_BACKOFF,
    DEFAULT_OVERLAP,
    DEFAULT_SAFETY,
    MAX_CLOCK_SKEW,
    ActivationStats,
    Candidate,
    ClockSample,
    Cursor,
    SkewEstimate,
    Start,
    activation_id,
    backoff_delay,
    check_boundary_limit,
    check_cap,
    check_duration,
    check_interval,
    check_start,
    describe_model,
    estimate_skew,
    plan,
    resolve_start,
    select,
)
from freshbooks_sdk.cursors import CursorStore, MemoryCursorStore, SQLiteCursorStore, StoredCursor
from freshbooks_sdk.errors import (
    CorruptCursorError,
    CursorConflictError,
    CursorStoreUnavailableError,
    FreshBooksError,
    InvalidRequestError,
    RateLimitError,
)
from freshbooks_sdk.stores import StoreUnavailableError

from ._backend import SleepFn, Wakeup, default_sleep, run_blocking

__all__ = ["AsyncActivation", "AsyncPoller", "PollingFetcher"]

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")

logger = logging.getLogger("freshbooks_sdk.poller")

VIS_DELETED = 1
"""``search[vis_state]`` value of deleted records (the default listing leaves them out)."""

WALK_ATTEMPTS = 3
"""How many times one cycle walks a listing that keeps changing shape under it."""


class PollingFetcher(Protocol[T]):
    """How a poller reads one page: ``fetch_page(updated_min, page, per_page, vis_state)``.

    Return the page ``page`` (1-based, ``per_page`` items) of the listing filtered with
    ``search[updated_min]=updated_min`` (an Eastern calendar date) and, when ``vis_state`` is not
    ``None``, ``search[vis_state]=vis_state``. Any other filter the caller wants goes here too.
    """

    async def __call__(
        self, updated_min: date, page: int, per_page: int, vis_state: int | None, /
    ) -> Page[T]: ...


def _refused() -> InvalidRequestError:
    return InvalidRequestError("an asyncio cursor store needs the asyncio poller", field="store")


async def _call_store(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run a cursor-store call: in a worker thread when there is an event loop to keep free,
    inline otherwise. An asyncio store (:class:`~freshbooks_sdk.stores.AsyncCursorStore`) is
    awaited directly; the blocking poller refuses one."""
    if inspect.iscoroutinefunction(fn):  # unasync: if inspect.iscoroutinefunction(fn):
        return await cast("Awaitable[R]", fn(*args, **kwargs))  # unasync: raise _refused()
    return await run_blocking(fn, *args, **kwargs)


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@attrs.define(eq=False)
class _AckState:
    poller: AsyncPoller[Any]
    version: int | None
    from_store: bool
    acked: bool = False


@attrs.frozen(eq=False)
class AsyncActivation(Generic[T]):
    """What one poll cycle delivers.

    * ``id``: deterministic (32 hex characters): the same cycle replayed after a crash, seeing the
      same changes, has the same id, so a host can drop the duplicate.
    * ``key``: the cursor store key.
    * ``items``: the changed records in their latest state, oldest change first.
    * ``deleted_ids``: ids of the ``items`` that are deleted (only with ``include_deleted``).
    * ``cursor_before`` / ``cursor_after``: the cursor (JSON-ready dicts) this cycle started from
      and the one saved by :meth:`ack`.
    * ``has_more``: the cap held changes back; the next cycle starts without waiting.
    * ``stats``: :class:`~freshbooks_sdk._core.polling.ActivationStats` (pages, requests,
      fetched, emitted, lag_seconds, failed_cycles, settled).

    ::

        activation = await poller.poll_once()
        print(activation.id, len(activation.items), activation.stats.lag_seconds)
        await activation.ack()
    """

    id: str
    key: str
    items: list[T]
    deleted_ids: frozenset[int]
    cursor_before: dict[str, Any]
    cursor_after: dict[str, Any]
    has_more: bool
    stats: ActivationStats
    _state: _AckState = attrs.field(repr=False, alias="state")

    @property
    def acked(self) -> bool:
        """Whether this activation has been acknowledged (its cursor saved)."""
        return self._state.acked

    async def ack(self) -> None:
        """Save ``cursor_after`` (compare-and-swap): the consumer has handled these items.

        Acknowledging twice is harmless. Raises
        :class:`~freshbooks_sdk.errors.CursorConflictError` when another poller moved the
        cursor since this activation's cycle loaded it.
        """
        await self._state.poller.ack(self)


@attrs.define(eq=False)
class _Counters:
    requests: int = 0
    pages: int = 0
    samples: list[ClockSample] = attrs.Factory(list)


class AsyncPoller(Generic[T]):
    """A polling trigger over one FreshBooks listing (invoices, clients, expenses, ...).

    Usually built by ``client.invoices.poll(...)``; build one directly for any listing::

        poller = AsyncPoller(
            fetch_page,                    # (updated_min, page, per_page, vis_state) -> Page
            key="ACM123:invoices",         # one key per account and resource
            store="cursors.db",            # a path (SQLite), a CursorStore, or None (memory)
            start="now",                   # or timedelta(days=1) (backfill), or an aware datetime
            interval=300.0,                # seconds between cycles
            cap=100,                       # at most 100 items per activation; the rest next
        )
        async for activation in poller:
            ...

    Arguments:

    * ``fetch_page``: see :class:`PollingFetcher`.
    * ``key``, ``store``: where the cursor lives. A missing cursor is created from ``start`` by
      the first cycle and saved before anything is handed over, so that ``"now"`` means the
      first time this key was polled, not the latest restart.
    * ``start``: ``"now"``, a ``timedelta`` (changes from that long ago), or an aware datetime;
      ``"now"`` and backfills are taken on FreshBooks' clock, read by the first cycle's walk.
    * ``interval``: seconds between cycles (positive); ``cap``: ``None`` or items per activation.
    * ``include_deleted``: also list ``search[vis_state]=1`` and flag those items in
      ``deleted_ids`` (a second query per cycle).
    * ``yield_empty``: also hand over activations without items (otherwise an empty cycle just
      saves its cursor).
    * ``per_page``: page size (1..100).
    * ``overlap``: how far before the watermark the ``search[updated_min]`` day is taken
      (at least the repeated DST hour; raise it to re-read more).
    * ``safety``: how far behind FreshBooks' clock the watermark stays: covers FreshBooks'
      replication lag. FreshBooks' clock is read from the responses' ``Date`` headers (this
      host's clock only stands in when no page carries ``server_time``); a measured skew larger
      than ``safety`` is logged as a warning.
    * ``boundary_limit``: most ``(id, updated, digest)`` keys kept in the cursor; overflow can
      only cause a re-delivery.
    * ``max_backoff``: longest wait after failed cycles (a ``Retry-After`` may ask for more).
    * ``max_store_retries``: how many times in a row an unavailable cursor store (locked, disk
      full), token store or rate gate is waited for before its error is raised; a broken store
      (not a database, schema changed, read-only, a damaged token) is raised at once.
    * ``item_id``, ``wire_updated``, ``digest``: read an item's id, its ``updated`` as
      FreshBooks wrote it, and a digest of its content. By default they come from
      ``item.model_dump(mode="json")`` (the SDK's pydantic models); give all three for other
      item types.
    * ``clock``, ``sleep``, ``rng``: injectable for tests (aware-UTC clock, sleep, jitter source).
    """

    def __init__(
        self,
        fetch_page: PollingFetcher[T],
        *,
        key: str,
        store: CursorStore | stores.AsyncCursorStore | str | os.PathLike[str] | None = None,
        start: Start = "now",
        interval: float = DEFAULT_INTERVAL,
        cap: int | None = None,
        include_deleted: bool = False,
        yield_empty: bool = False,
        per_page: int = DEFAULT_PER_PAGE,
        overlap: timedelta = DEFAULT_OVERLAP,
        safety: timedelta = DEFAULT_SAFETY,
        boundary_limit: int = DEFAULT_BOUNDARY_LIMIT,
        max_backoff: float = DEFAULT_MAX_BACKOFF,
        max_store_retries: int = DEFAULT_MAX_STORE_RETRIES,
        item_id: Callable[[T], int] | None = None,
        wire_updated: Callable[[T], str] | None = None,
        digest: Callable[[T], str] | None = None,
        clock: Callable[[], datetime] | None = None,
        sleep: SleepFn | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if not isinstance(key, str) or not key:
            raise InvalidRequestError("key must be a non-empty string", field="key", value=key)
        self._fetch_page = fetch_page
        self._key = key
        self._store = _resolve_store(store)
        self._start = check_start(start)
        self._interval = check_interval(interval)
        self._cap = check_cap(cap)
        self._include_deleted = bool(include_deleted)
        self._yield_empty = bool(yield_empty)
        self._per_page = check_per_page(per_page)
        self._overlap = check_duration(overlap, field="overlap")
        self._safety = check_duration(safety, field="safety")
        self._boundary_limit = check_boundary_limit(boundary_limit)
        self._max_backoff = check_interval(max_backoff, field="max_backoff")
        self._max_store_retries = check_int(
            max_store_retries, field="max_store_retries", maximum=1_000, what="an int >= 0"
        )
        self._offset: timedelta | None = None  # FreshBooks' clock minus ours, lower bound
        self._skew: timedelta | None = None
        self._seed_started: datetime | None = None
        self._dates_rejected = False
        self._skew_warned = False
        self._item_id = item_id
        self._wire_updated = wire_updated
        self._digest = digest
        self._clock = clock or _utc_now
        self._sleep = sleep or default_sleep
        self._rng = rng or random.Random()
        self._wakeup = Wakeup()

    @property
    def key(self) -> str:
        """The cursor store key."""
        return self._key

    @property
    def store(self) -> CursorStore:
        """The cursor store."""
        return self._store

    @property
    def clock_skew(self) -> timedelta | None:
        """FreshBooks' clock minus this host's, as last measured from the responses' ``Date``
        headers (``None`` before the first response with one). Positive: this host is behind.

        The watermark follows FreshBooks' clock whatever this says; a value beyond ``safety``
        is also logged as a warning. Export it as a metric to catch a drifting host clock.
        """
        return self._skew

    def __repr__(self) -> str:
        return f"{type(self).__name__}(key={self._key!r}, store={self._store!r})"

    def wake(self) -> None:
        """Run the next cycle now instead of after ``interval`` (e.g. on a verified webhook,
        see :class:`freshbooks_sdk.webhooks.PollHint`). Thread-safe; the cycle is a normal one
        (same cursor and dedupe). A wake during a cycle makes the following one start at once."""
        self._wakeup.set()

    # -- one cycle -------------------------------------------------------------------------

    async def poll_once(
        self, cursor: Cursor | Mapping[str, object] | None = None
    ) -> AsyncActivation[T]:
        """Run one cycle and return its activation (possibly empty). Nothing is acknowledged.

        Without ``cursor`` the cycle starts from the store (a missing cursor is created from
        ``start`` and saved: the only write this method makes) and :meth:`ack` saves
        ``cursor_after``. With a ``cursor`` (a :class:`Cursor` or its JSON), the store is not
        used: keep ``activation.cursor_after`` yourself and pass it to the next call.
        """
        return await self._cycle(cursor, _Counters(), 0)

    async def ack(self, activation: AsyncActivation[T]) -> None:
        """Save ``activation.cursor_after`` if it still follows the stored version.

        Idempotent; raises :class:`~freshbooks_sdk.errors.CursorConflictError` when another
        poller saved the key since this activation's cycle loaded it.
        """
        state = activation._state
        if state.poller is not self:
            raise InvalidRequestError(
                "this activation comes from another poller; acknowledge it with its own",
                field="activation",
            )
        if state.acked:
            return
        if not state.from_store:
            raise InvalidRequestError(
                "this activation was computed from a cursor you passed to poll_once(); "
                "keep activation.cursor_after yourself (the store was not used)",
                field="activation",
            )
        if activation.cursor_after != activation.cursor_before:
            await _call_store(self._store.save, self._key, activation.cursor_after, state.version)
        state.acked = True

    async def _cycle(
        self,
        cursor: Cursor | Mapping[str, object] | None,
        counters: _Counters,
        failed_cycles: int,
        *,
        may_seed: bool = True,
    ) -> AsyncActivation[T]:
        started = self._now()
        version: int | None = None
        seed_at: datetime | None = None
        if cursor is None:
            stored = await _call_store(self._store.load, self._key)
            if stored is None:
                if self._seed_started is None:
                    self._seed_started = started  # "now" is the first attempt, not a retry
                seed_at = self._seed_started
                before = self._seed(seed_at)  # provisional: the walk reads FreshBooks' clock
            else:
                before, version = self._read_stored(stored)
        elif isinstance(cursor, Cursor):
            before = cursor
        else:
            before = Cursor.from_json(cursor)
        updated_min = plan(before, self._overlap)
        candidates, settled = await self._walk_listings(updated_min, counters)
        self._measure(counters)
        if seed_at is not None:
            # Place the new cursor on FreshBooks' clock, now measured. Only a host clock ahead
            # across an Eastern day boundary needs the earlier day read too.
            before = self._seed(seed_at)
            earlier = plan(before, self._overlap)
            if earlier < updated_min:
                more, more_settled = await self._walk_listings(earlier, counters)
                candidates.extend(more)
                settled = settled and more_settled
                self._measure(counters)
            try:
                version = await _call_store(self._store.save, self._key, before.to_json(), None)
            except CursorConflictError:
                if not may_seed:
                    raise
                # another poller created the cursor meanwhile: run the cycle from its cursor
                return await self._cycle(None, counters, failed_cycles, may_seed=False)
            self._seed_started = None
        if not settled:
            logger.warning(
                "poller %s: the listing kept changing shape during %d walks; the watermark "
                "stays where it was this cycle (nothing is lost, the window is read again)",
                self._key,
                WALK_ATTEMPTS,
            )
        chosen = select(
            before,
            candidates,
            cap=self._cap,
            cycle_started_at=self._server_instant(started),
            safety=self._safety,
            boundary_limit=self._boundary_limit,
            settled=settled,
        )
        return AsyncActivation(
            id=activation_id(self._key, before, [c.key for c in chosen.emitted]),
            key=self._key,
            items=[c.item for c in chosen.emitted],
            deleted_ids=frozenset(c.id for c in chosen.emitted if c.deleted),
            cursor_before=before.to_json(),
            cursor_after=chosen.cursor_after.to_json(),
            has_more=chosen.has_more,
            stats=ActivationStats(
                pages=counters.pages,
                requests=counters.requests,
                fetched=chosen.fetched,
                emitted=len(chosen.emitted),
                lag_seconds=chosen.lag_seconds,
                failed_cycles=failed_cycles,
                settled=settled,
            ),
            state=_AckState(poller=self, version=version, from_store=cursor is None),
        )

    def _seed(self, host_instant: datetime) -> Cursor:
        """The cursor a missing key starts from: ``start`` taken at ``host_instant`` as
        FreshBooks' clock read it (by the last measurement)."""
        return Cursor.starting_at(resolve_start(self._start, self._server_instant(host_instant)))

    def _read_stored(self, stored: StoredCursor) -> tuple[Cursor, int]:
        try:
            return Cursor.from_json(stored.value), stored.version
        except CorruptCursorError as exc:
            raise CorruptCursorError(
                f"stored cursor {self._key!r} in {self._store!r} is corrupt: {exc.message}. "
                "It is not reset automatically (that could skip changes): repair it, or delete "
                "the key to start again from `start`"
            ) from exc

    async def _walk_listings(
        self, updated_min: date, counters: _Counters
    ) -> tuple[list[Candidate[T]], bool]:
        """The active listing and, with ``include_deleted``, the deleted one."""
        candidates, settled = await self._walk_until_settled(updated_min, None, counters)
        if self._include_deleted:
            deleted, deleted_settled = await self._walk_until_settled(
                updated_min, VIS_DELETED, counters
            )
            candidates.extend(deleted)
            settled = settled and deleted_settled
        return candidates, settled

    async def _walk_until_settled(
        self, updated_min: date, vis_state: int | None, counters: _Counters
    ) -> tuple[list[Candidate[T]], bool]:
        """Walk the listing again (at most ``WALK_ATTEMPTS`` times) while it changes shape under
        the walk; the candidates of every walk are kept (a record skipped by one walk is found
        by the next, and the last reading of an id wins in :func:`select`)."""
        found: list[Candidate[T]] = []
        settled = False
        for _ in range(WALK_ATTEMPTS):
            walked, settled = await self._walk(updated_min, vis_state, counters)
            found.extend(walked)
            if settled:
                break
        return found, settled

    async def _walk(
        self, updated_min: date, vis_state: int | None, counters: _Counters
    ) -> tuple[list[Candidate[T]], bool]:
        """Every page of one listing; also whether it kept its shape during the walk.

        A record can be skipped only when records before it leave the listing while it is
        walked (a deletion, or a record moved behind the read position, which then shows up
        twice). So the walk is unsettled when ``total`` drops or an id is listed twice; a
        record added meanwhile (``total`` grows, no id twice) cannot make another one skip.
        """
        found: list[Candidate[T]] = []
        ids: set[int] = set()
        shape: tuple[int, int] | None = None
        settled = True
        page_no = 1
        walk = PageWalk(per_page=self._per_page)
        while True:
            page = await self._fetch_timed(
                updated_min, page_no, self._per_page, vis_state, counters
            )
            counters.pages += 1
            # Bounded: the echoed page must be page_no, the first page bounds the walk.
            following = walk.next_after(page_no, page.info, len(page.items))
            this_shape = (page.info.total, page.info.pages)
            settled = settled and (shape is None or this_shape >= shape)
            shape = this_shape
            for item in page.items:
                item_id, wire, digest = self._describe(item)
                settled = settled and item_id not in ids
                ids.add(item_id)
                found.append(
                    Candidate.build(item_id, wire, digest, item, deleted=vis_state == VIS_DELETED)
                )
            if following is None:
                return found, settled
            page_no = following

    async def _fetch_timed(
        self,
        updated_min: date,
        page_no: int,
        per_page: int,
        vis_state: int | None,
        counters: _Counters,
    ) -> Page[T]:
        """Fetch one page, timing it on the host clock against the page's ``server_time``."""
        counters.requests += 1
        sent_at = self._now()
        page = await self._fetch_page(updated_min, page_no, per_page, vis_state)
        server_time = page.server_time
        if isinstance(server_time, datetime) and server_time.utcoffset() is not None:
            counters.samples.append(ClockSample(server_time, sent_at, self._now()))
        return page

    def _measure(self, counters: _Counters) -> SkewEstimate:
        """Update the offset to FreshBooks' clock from this cycle's pages; warn about a skew
        beyond ``safety`` (once, until it is back within) and about unbelievable ``Date``s."""
        estimate = estimate_skew(counters.samples)
        counters.samples.clear()
        if estimate.rejected and not self._dates_rejected:
            self._dates_rejected = True  # once per poller: a broken proxy stays broken
            logger.warning(
                "poller %s: ignored %d response Date header(s) more than %s from this host's "
                "clock; the host clock stands in for FreshBooks' where no other Date is usable",
                self._key,
                estimate.rejected,
                MAX_CLOCK_SKEW,
            )
        if estimate.offset is None or estimate.skew is None:
            return estimate
        self._offset = estimate.offset
        self._skew = estimate.skew
        if estimate.exceeds(self._safety):
            if not self._skew_warned:
                self._skew_warned = True
                logger.warning(
                    "poller %s: this host's clock is %s FreshBooks' by about %.0f s, more than "
                    "the safety margin (%.0f s); the poller follows FreshBooks' clock (from the "
                    "responses' Date headers), so nothing is lost, but fix the host clock (NTP)",
                    self._key,
                    "behind" if estimate.skew > timedelta(0) else "ahead of",
                    abs(estimate.skew.total_seconds()),
                    self._safety.total_seconds(),
                )
        else:
            self._skew_warned = False
        return estimate

    def _server_instant(self, host_instant: datetime) -> datetime:
        """``host_instant`` on FreshBooks' clock (never later than it), as last measured."""
        return host_instant if self._offset is None else host_instant + self._offset

    def _describe(self, item: T) -> tuple[int, str, str]:
        if (
            self._item_id is not None
            and self._wire_updated is not None
            and self._digest is not None
        ):
            return self._item_id(item), self._wire_updated(item), self._digest(item)
        item_id, wire, digest = describe_model(item)
        return (
            item_id if self._item_id is None else self._item_id(item),
            wire if self._wire_updated is None else self._wire_updated(item),
            digest if self._digest is None else self._digest(item),
        )

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None or now.utcoffset() is None:
            raise InvalidRequestError(
                "clock() must return a timezone-aware datetime", field="clock", value=now
            )
        return now.astimezone(timezone.utc)

    # -- the loop --------------------------------------------------------------------------

    def __aiter__(self) -> collections.abc.AsyncIterator[AsyncActivation[T]]:
        return self.run()

    async def run(self) -> collections.abc.AsyncIterator[AsyncActivation[T]]:
        """Cycle forever, yielding each non-empty activation (every one with ``yield_empty``).

        The previous activation is acknowledged when the next one is requested, before the next
        cycle starts; an empty cycle saves its cursor without yielding. Between cycles the
        poller sleeps ``interval`` seconds, except after an activation with ``has_more``.
        Retryable failures are retried after a backoff; the others are raised.
        """
        failures = 0
        store_failures = 0
        carried_requests = 0
        while True:
            counters = _Counters(requests=carried_requests)
            try:
                activation = await self._cycle(None, counters, failures)
            except FreshBooksError as exc:
                if not exc.retryable:
                    raise
                if isinstance(exc, (CursorStoreUnavailableError, StoreUnavailableError)):
                    store_failures += 1  # a cursor or token store (or gate): capped
                    if store_failures > self._max_store_retries:
                        raise
                else:
                    store_failures = 0
                failures += 1
                carried_requests = counters.requests
                retry_after = exc.retry_after if isinstance(exc, RateLimitError) else None
                delay = backoff_delay(
                    failures, self._rng.random(), retry_after, maximum=self._max_backoff
                )
                logger.warning(
                    "poller %s: cycle failed (%s: %s); retrying in %.1f s (failure %d)",
                    self._key,
                    type(exc).__name__,
                    exc,
                    delay,
                    failures,
                )
                await self._sleep(delay)
                continue
            failures = 0
            store_failures = 0
            carried_requests = 0
            if activation.items or self._yield_empty:
                yield activation
            await self._ack_with_backoff(activation)
            if not activation.has_more:
                await self._wakeup.wait(self._sleep, self._interval)

    async def _ack_with_backoff(self, activation: AsyncActivation[T]) -> None:
        """Save the cursor; a store that is briefly unavailable (a lock) is waited for, so the
        taken activation is not replayed for a transient reason (at most
        ``max_store_retries`` times in a row; a broken store is raised at once)."""
        attempts = 0
        while True:
            try:
                await self.ack(activation)
                return
            except FreshBooksError as exc:
                if not exc.retryable or attempts >= self._max_store_retries:
                    raise
                attempts += 1
                delay = backoff_delay(attempts, self._rng.random(), None, maximum=self._max_backoff)
                logger.warning(
                    "poller %s: could not save the cursor (%s); retrying in %.1f s",
                    self._key,
                    exc,
                    delay,
                )
                await self._sleep(delay)


def _resolve_store(
    store: CursorStore | stores.AsyncCursorStore | str | os.PathLike[str] | None,
) -> CursorStore:
    if store is None:
        return MemoryCursorStore()
    if isinstance(store, (str, os.PathLike)):
        return SQLiteCursorStore(store)
    if not isinstance(store, CursorStore):
        raise InvalidRequestError(
            "store must be a CursorStore (load/save), a SQLite file path, or None",
            field="store",
            value=type(store).__name__,
        )
    return store
