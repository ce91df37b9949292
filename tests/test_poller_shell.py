"""The poller shells (AsyncPoller and the generated sync Poller) against a fake FreshBooks listing.

The fake server below is the only FreshBooks stand-in here. It is deliberately small and sits
behind the same four operations a sandbox-backed version needs (``clock``, ``write``, ``delete``,
``fetch``, plus ``during_walk`` hooks run between page fetches), so an end-to-end variant can swap
in ``freshbooks_sdk.sandbox`` + ``fb.invoices`` without touching the scenarios.
No wall time: the clock is a ``FakeClock`` and every sleep advances it.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from freshbooks_sdk._async.poller import AsyncActivation, AsyncPoller
from freshbooks_sdk._core.fbtime import format_accounting_datetime
from freshbooks_sdk._core.pages import Page, PageInfo
from freshbooks_sdk._core.polling import Cursor, describe_model, reading_bounds
from freshbooks_sdk._sync.poller import Activation, Poller
from freshbooks_sdk.cursors import CursorStore, MemoryCursorStore, SQLiteCursorStore
from freshbooks_sdk.errors import (
    APIConnectionError,
    AuthenticationError,
    CorruptCursorError,
    CursorConflictError,
    InternalServerError,
    InvalidRequestError,
    PermissionDeniedError,
    RateLimitError,
)

UTC = timezone.utc
ZERO = timedelta(0)


def z(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# -------------------------------------------------------------------------------------------
# fakes
# -------------------------------------------------------------------------------------------


class FakeInvoice(pydantic.BaseModel):
    """Stands in for freshbooks_sdk.models.Invoice: ``id`` plus the Eastern ``updated`` string
    that ``model_dump(mode="json")`` gives back (the real model parses and re-formats it)."""

    id: int
    updated: str
    vis_state: int = 0
    rev: int = 0


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class FakeServer:
    """A FreshBooks-like listing.

    * ``updated`` is stamped from the clock as an Eastern wall-clock string (so the repeated DST
      hour produces the same strings twice);
    * ``search[updated_min]`` compares the Eastern *date* only;
    * default listings hide deleted records (``vis_state`` 1), ``vis_state=1`` lists only them;
    * pages are sorted newest ``updated`` first by default: a record updated during a walk jumps
      to page 1 (already read) and shifts the others down (read twice); ``order="updated_asc"``
      moves it to the last page instead (the others shift up), ``order="id"`` keeps it in place;
    * ``during_walk`` hooks run, one per page, before pages 2, 3, ...; ``failures`` are raised
      by the next fetches.
    """

    def __init__(self, clock: FakeClock, order: str = "updated_desc") -> None:
        self.clock = clock
        self.order = order
        self.records: dict[int, FakeInvoice] = {}
        self.during_walk: list[Callable[[], None]] = []
        self.failures: list[Exception] = []
        self.requests: list[tuple[date, int, int, int | None]] = []

    def write(self, record_id: int) -> FakeInvoice:
        old = self.records.get(record_id)
        rec = FakeInvoice(
            id=record_id,
            updated=format_accounting_datetime(self.clock()),
            rev=0 if old is None else old.rev + 1,
        )
        self.records[record_id] = rec
        return rec

    def delete(self, record_id: int) -> None:
        old = self.records[record_id]
        self.records[record_id] = old.model_copy(
            update={
                "vis_state": 1,
                "rev": old.rev + 1,
                "updated": format_accounting_datetime(self.clock()),
            }
        )

    def fetch(
        self, updated_min: date, page: int, per_page: int, vis_state: int | None
    ) -> Page[FakeInvoice]:
        self.requests.append((updated_min, page, per_page, vis_state))
        if self.failures:
            raise self.failures.pop(0)
        if page > 1 and self.during_walk:
            self.during_walk.pop(0)()
        rows = [
            r
            for r in self.records.values()
            if (r.vis_state == 1) == (vis_state == 1) and r.updated[:10] >= updated_min.isoformat()
        ]
        if self.order == "updated_desc":
            rows.sort(key=lambda r: (reading_bounds(r.updated)[0], r.id), reverse=True)
        elif self.order == "updated_asc":  # an update moves a record to the last page
            rows.sort(key=lambda r: (reading_bounds(r.updated)[0], r.id))
        else:
            rows.sort(key=lambda r: r.id)
        pages = (len(rows) + per_page - 1) // per_page
        chunk = rows[(page - 1) * per_page : page * per_page]
        return Page(
            items=list(chunk),
            info=PageInfo(page=page, pages=pages, per_page=per_page, total=len(rows)),
        )

    async def afetch(
        self, updated_min: date, page: int, per_page: int, vis_state: int | None
    ) -> Page[FakeInvoice]:
        return self.fetch(updated_min, page, per_page, vis_state)


def key_of(item: Any) -> tuple[int, str, str]:
    return describe_model(item)


def make_sync(server: FakeServer, **kw: Any) -> Poller[FakeInvoice]:
    kw.setdefault("key", "ACM:invoices")
    kw.setdefault("clock", server.clock)
    kw.setdefault("sleep", lambda s: server.clock.advance(s))
    kw.setdefault("rng", random.Random(7))
    return Poller(server.fetch, **kw)


def make_async(server: FakeServer, **kw: Any) -> AsyncPoller[FakeInvoice]:
    async def sleep(s: float) -> None:
        server.clock.advance(s)

    kw.setdefault("key", "ACM:invoices")
    kw.setdefault("clock", server.clock)
    kw.setdefault("sleep", sleep)
    kw.setdefault("rng", random.Random(7))
    return AsyncPoller(server.afetch, **kw)


T0 = z(2024, 7, 10, 15)


@pytest.fixture
def server() -> FakeServer:
    return FakeServer(FakeClock(T0))


# -------------------------------------------------------------------------------------------
# poll_once / ack
# -------------------------------------------------------------------------------------------


def test_poll_once_and_ack(server: FakeServer) -> None:
    store = MemoryCursorStore()
    poller = make_sync(server, store=store, safety=ZERO, per_page=2)
    first = poller.poll_once()  # seeds the cursor at "now"
    assert first.items == [] and store.load("ACM:invoices") is not None
    first.ack()
    server.clock.advance(5)
    a = server.write(1)
    server.clock.advance(1)
    b = server.write(2)
    server.clock.advance(1)
    c = server.write(3)
    act = poller.poll_once()
    assert [i.id for i in act.items] == [1, 2, 3]  # oldest change first
    assert act.items == [a, b, c] and act.deleted_ids == frozenset()
    assert act.stats.pages == 2 and act.stats.requests == 2
    assert act.stats.fetched == 3 and act.stats.emitted == 3
    assert act.stats.lag_seconds == 0.0 and act.stats.failed_cycles == 0
    assert not act.has_more and not act.acked
    assert Cursor.from_json(act.cursor_before).watermark == T0
    assert server.requests[-1][0] == date(2024, 7, 10)
    stored = store.load("ACM:invoices")
    assert stored is not None and stored.value == act.cursor_before  # poll_once saves nothing
    poller.ack(act)
    assert act.acked
    stored = store.load("ACM:invoices")
    assert stored is not None and stored.value == act.cursor_after
    act.ack()  # idempotent
    stored2 = store.load("ACM:invoices")
    assert stored2 is not None and stored2.version == stored.version
    assert poller.poll_once().items == []


def test_crash_before_ack_replays_the_same_activation(server: FakeServer) -> None:
    store = MemoryCursorStore()
    make_sync(server, store=store).poll_once().ack()
    server.write(1)
    server.write(2)
    crashed = make_sync(server, store=store).poll_once()
    # the process dies here: no ack
    server.clock.advance(60)
    replay = make_sync(server, store=store).poll_once()
    assert replay.id == crashed.id and replay.items == crashed.items
    replay.ack()
    assert make_sync(server, store=store).poll_once().items == []


def test_start_now_is_fixed_at_the_first_poll_not_at_each_restart(server: FakeServer) -> None:
    store = MemoryCursorStore()
    make_sync(server, store=store).poll_once()  # seeds, never acked (crash)
    server.clock.advance(600)
    server.write(1)  # after the first poll, before the restart
    server.clock.advance(600)
    act = make_sync(server, store=store).poll_once()
    assert [i.id for i in act.items] == [1]


def test_start_backfill_and_instant(server: FakeServer) -> None:
    server.clock.now = T0 - timedelta(hours=3)
    server.write(1)
    server.clock.now = T0 - timedelta(minutes=30)
    server.write(2)
    server.clock.now = T0
    recent = make_sync(server, store=MemoryCursorStore(), start=timedelta(hours=1)).poll_once()
    assert [i.id for i in recent.items] == [2]
    since = make_sync(server, store=MemoryCursorStore(), start=T0 - timedelta(days=1)).poll_once()
    assert [i.id for i in since.items] == [1, 2]
    now = make_sync(server, store=MemoryCursorStore()).poll_once()
    assert now.items == []


def test_explicit_cursor_bypasses_the_store(server: FakeServer) -> None:
    store = MemoryCursorStore()
    poller = make_sync(server, store=store, safety=ZERO)
    server.write(1)
    act = poller.poll_once(Cursor.starting_at(T0 - timedelta(minutes=1)))
    assert [i.id for i in act.items] == [1]
    assert store.load("ACM:invoices") is None
    with pytest.raises(InvalidRequestError, match="cursor_after yourself"):
        act.ack()
    server.clock.advance(5)
    server.write(2)
    nxt = poller.poll_once(act.cursor_after)  # the JSON form works too
    assert [i.id for i in nxt.items] == [2]


def test_update_during_a_page_walk_is_delivered_next_cycle(server: FakeServer) -> None:
    store = MemoryCursorStore()
    poller = make_sync(server, store=store, per_page=1, safety=ZERO)
    poller.poll_once().ack()
    for i in range(1, 5):
        server.write(i)
        server.clock.advance(1)

    def touch_1() -> None:
        server.clock.advance(2)
        server.write(1)  # jumps to page 1 (already read); 4 shifts to page 2 (read twice)

    server.during_walk = [touch_1]
    first = poller.poll_once()
    # newest first: 4 | touch | 4 (shifted, read twice) | 3 | 2 -- 1 was never seen by that
    # walk, which is unsettled (4 listed twice): the cycle walks again and finds 1 at once.
    assert [(i.id, i.rev) for i in first.items] == [(2, 0), (3, 0), (4, 0), (1, 1)]
    assert first.stats.emitted == 4 and first.stats.settled
    assert first.stats.pages == 8  # two walks of four pages
    first.ack()
    assert poller.poll_once().items == []


def _walk_with_touches(
    server: FakeServer, touches: list[tuple[int, int]], **kw: Any
) -> Poller[FakeInvoice]:
    """Records 1..4 listed by id, one per page; before pages 2, 3, 4 record ``touches[n][0]`` is
    updated after advancing the clock ``touches[n][1]`` seconds."""
    server.order = "id"
    poller = make_sync(server, store=MemoryCursorStore(), per_page=1, safety=ZERO, **kw)
    for i in range(1, 5):
        server.write(i)
    server.clock.advance(10)
    assert poller.poll_once().items == []  # seeds the cursor after the four writes
    server.clock.advance(10)

    def touch(rid: int, adv: int) -> Callable[[], None]:
        def run() -> None:
            server.clock.advance(adv)
            server.write(rid)

        return run

    server.during_walk = [touch(r, a) for r, a in touches]
    return poller


def drain(poller: Poller[FakeInvoice], server: FakeServer) -> list[tuple[int, int]]:
    got: list[tuple[int, int]] = []
    for _ in range(20):
        act = poller.poll_once()
        got += [(i.id, i.rev) for i in act.items]
        act.ack()
        if not act.items and not act.has_more:
            return got
        server.clock.advance(1)
    raise AssertionError("never quiet")


def test_cap_with_updates_during_the_walk_keeps_the_watermark_behind_the_walk(
    server: FakeServer,
) -> None:
    # record 1 is updated (at S) after page 1 was read: missed. Records 3 and 4 are updated at
    # S+1 and seen. With cap=1 only record 3 is emitted; the watermark must not jump to S+1
    # (the clamp to cycle start - safety), or record 1's update at S would be skipped.
    poller = _walk_with_touches(server, [(1, 0), (3, 1), (4, 0)], cap=1)
    assert drain(poller, server) == [(3, 1), (1, 1), (4, 1)]


def test_cap_inside_a_young_second_does_not_resume_by_id(server: FakeServer) -> None:
    # records 1, 3, 4 are all updated within the cycle's first second; 1 is missed by the walk.
    # Emitting 3 (cap=1) must not record "after id 3 in this second": 1 comes later, with a
    # smaller id, in that same second.
    poller = _walk_with_touches(server, [(1, 0), (3, 0), (4, 0)], cap=1)
    assert sorted(drain(poller, server)) == [(1, 1), (3, 1), (4, 1)]


def test_deletion_during_a_walk_does_not_skip_an_unchanged_record(server: FakeServer) -> None:
    server.order = "id"
    poller = make_sync(server, store=MemoryCursorStore(), per_page=1, safety=ZERO)
    poller.poll_once().ack()
    server.clock.advance(5)
    for i in range(1, 5):
        server.write(i)
    server.clock.advance(5)
    # record 1 (page 1, read) is deleted: 2 moves up to page 1 and page 2 now shows 3
    server.during_walk = [lambda: server.delete(1)]
    first = poller.poll_once()
    # The first walk skips 2 (total dropped: unsettled); the cycle walks again and finds it.
    assert [i.id for i in first.items] == [1, 2, 3, 4]
    assert first.stats.settled and first.stats.pages == 3 + 3  # the first walk ends a page early
    first.ack()
    assert poller.poll_once().items == []


def test_record_moving_to_a_later_page_marks_the_walk_unsettled(server: FakeServer) -> None:
    server.order = "updated_asc"
    poller = make_sync(server, store=MemoryCursorStore(), per_page=1, safety=ZERO)
    poller.poll_once().ack()
    for i in range(1, 4):
        server.clock.advance(1)
        server.write(i)
    server.clock.advance(5)

    def touch_1() -> None:
        server.clock.advance(1)
        server.write(1)  # 1 moves from page 1 (read) to the end: 2 is shifted onto page 1

    server.during_walk = [touch_1]
    first = poller.poll_once()
    # 1 is listed twice (the first walk is unsettled); the second walk settles the cycle.
    assert first.stats.settled and first.stats.pages > 3
    first.ack()
    rest = poller.poll_once()
    delivered = [(i.id, i.rev) for i in first.items + rest.items]
    assert sorted(delivered) == [(1, 1), (2, 0), (3, 0)]


def test_a_listing_that_never_settles_keeps_the_watermark(server: FakeServer) -> None:
    server.order = "id"
    poller = make_sync(server, store=MemoryCursorStore(), per_page=1, safety=ZERO)
    poller.poll_once().ack()
    server.clock.advance(5)
    for i in range(1, 21):
        server.write(i)
    server.clock.advance(5)

    def delete_lowest() -> None:
        active = [rid for rid, rec in server.records.items() if rec.vis_state != 1]
        if active:
            server.delete(min(active))

    # Before every page after the first, a record is deleted: no walk of this cycle settles,
    # so the watermark stays where it was (the window is read again next cycle).
    server.during_walk = [delete_lowest] * 40
    first = poller.poll_once()
    assert not first.stats.settled
    assert first.cursor_after["watermark"] == first.cursor_before["watermark"]


def test_same_second_update_of_the_watermark_second(server: FakeServer) -> None:
    store = MemoryCursorStore()
    poller = make_sync(server, store=store, safety=ZERO)
    poller.poll_once().ack()
    server.write(1)
    act = poller.poll_once()
    act.ack()
    server.write(1)  # same second, new content
    server.write(2)  # same second, another invoice
    act2 = poller.poll_once()
    assert [(i.id, i.rev) for i in act2.items] == [(1, 1), (2, 0)]


def test_cap_with_has_more(server: FakeServer) -> None:
    store = MemoryCursorStore()
    poller = make_sync(server, store=store, cap=2, safety=ZERO)
    poller.poll_once().ack()
    for i in range(1, 6):
        server.write(i)
    server.clock.advance(10)
    seen: list[int] = []
    while True:
        act = poller.poll_once()
        seen += [i.id for i in act.items]
        act.ack()
        if not act.has_more:
            break
    assert seen == [1, 2, 3, 4, 5]


def test_include_deleted(server: FakeServer) -> None:
    store = MemoryCursorStore()
    poller = make_sync(server, store=store, include_deleted=True, safety=ZERO)
    poller.poll_once().ack()
    server.write(1)
    server.write(2)
    server.clock.advance(1)
    server.delete(2)
    act = poller.poll_once()
    assert [(i.id, i.vis_state) for i in act.items] == [(1, 0), (2, 1)]
    assert act.deleted_ids == frozenset({2})
    assert [r[3] for r in server.requests[-2:]] == [None, 1]  # a second query
    plain = make_sync(server, store=MemoryCursorStore(), start=timedelta(minutes=1)).poll_once()
    assert [i.id for i in plain.items] == [1]


@dataclass
class PlainItem:
    ident: int
    stamp: str
    body: str


def test_non_model_items_with_explicit_readers(server: FakeServer) -> None:
    rows = [PlainItem(1, format_accounting_datetime(T0), "a")]

    def fetch(updated_min: date, page: int, per_page: int, vis: int | None) -> Page[PlainItem]:
        return Page(items=list(rows), info=PageInfo(page=1, pages=1, per_page=per_page, total=1))

    poller = Poller(
        fetch,
        key="k",
        clock=server.clock,
        safety=ZERO,
        item_id=lambda r: r.ident,
        wire_updated=lambda r: r.stamp,
        digest=lambda r: r.body,
    )
    assert poller.poll_once().items == rows
    bare = Poller(fetch, key="k2", clock=server.clock)
    with pytest.raises(Exception, match="pydantic model"):
        bare.poll_once()


# -------------------------------------------------------------------------------------------
# stores, conflicts, corrupt cursors, bad input
# -------------------------------------------------------------------------------------------


def test_two_pollers_on_one_sqlite_key_cannot_both_advance(
    server: FakeServer, tmp_path: Path
) -> None:
    path = tmp_path / "cursors.db"
    make_sync(server, store=path).poll_once().ack()
    server.write(1)
    a = make_sync(server, store=path).poll_once()
    b = make_sync(server, store=str(path)).poll_once()
    a.ack()
    with pytest.raises(CursorConflictError, match="another poller"):
        b.ack()
    assert not b.acked


def test_corrupt_stored_cursor_is_an_error_and_is_left_alone(server: FakeServer) -> None:
    store = MemoryCursorStore()
    store.save("ACM:invoices", {"v": 1, "watermark": "garbage", "boundary": []}, None)
    with pytest.raises(CorruptCursorError, match="not reset automatically") as info:
        make_sync(server, store=store).poll_once()
    assert "ACM:invoices" in str(info.value)
    stored = store.load("ACM:invoices")
    assert stored is not None and stored.value["watermark"] == "garbage" and stored.version == 1
    with pytest.raises(CorruptCursorError):
        next(iter(make_sync(server, store=store)))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"start": datetime(2024, 1, 1)}, "start"),
        ({"start": "yesterday"}, "start"),
        ({"interval": 0}, "interval"),
        ({"interval": -5.0}, "interval"),
        ({"cap": 0}, "cap"),
        ({"per_page": 101}, "per_page"),
        ({"key": ""}, "key"),
        ({"store": 42}, "store"),
        ({"safety": timedelta(seconds=-1)}, "safety"),
        ({"boundary_limit": 0}, "boundary_limit"),
        ({"max_backoff": 0}, "max_backoff"),
    ],
)
def test_bad_input_is_refused_before_anything_runs(
    server: FakeServer, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidRequestError) as info:
        make_sync(server, **kwargs)
    assert info.value.field == field
    with pytest.raises(InvalidRequestError):
        make_async(server, **kwargs)
    assert server.requests == []


def test_naive_clock_is_refused(server: FakeServer) -> None:
    poller = make_sync(server, clock=lambda: datetime(2024, 1, 1))
    with pytest.raises(InvalidRequestError, match="clock"):
        poller.poll_once()


def test_ack_of_another_pollers_activation(server: FakeServer) -> None:
    act = make_sync(server).poll_once()
    with pytest.raises(InvalidRequestError, match="another poller"):
        make_sync(server).ack(act)


# -------------------------------------------------------------------------------------------
# the generator loop
# -------------------------------------------------------------------------------------------


class SleepLog:
    """A fake sleep: advances the fake clock, records the waits, runs ``actions[n]`` on call n."""

    def __init__(
        self, clock: FakeClock, actions: dict[int, Callable[[], object]] | None = None
    ) -> None:
        self.clock = clock
        self.calls: list[float] = []
        self.actions = actions or {}

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        self.clock.advance(seconds)
        action = self.actions.get(len(self.calls))
        if action is not None:
            action()


def test_generator_acks_on_next_and_sleeps_interval(server: FakeServer) -> None:
    store = MemoryCursorStore()
    sleeps = SleepLog(server.clock, actions={3: lambda: server.write(3)})
    server.write(1)
    server.write(2)
    poller = make_sync(server, store=store, start=timedelta(seconds=1), sleep=sleeps, interval=60)
    gen = iter(poller)
    a1 = next(gen)
    assert [i.id for i in a1.items] == [1, 2] and sleeps.calls == []
    stored = store.load("ACM:invoices")
    assert stored is not None and stored.value == a1.cursor_before  # not taken yet
    a2 = next(gen)
    assert a1.acked and not a2.acked
    assert [i.id for i in a2.items] == [3]
    assert sleeps.calls == [60.0, 60.0, 60.0]  # two empty cycles in between, not yielded
    stored = store.load("ACM:invoices")
    assert stored is not None and stored.value == a2.cursor_before  # empty cycles saved
    gen.close()  # leaving the loop does not acknowledge a2
    assert not a2.acked
    stored = store.load("ACM:invoices")
    assert stored is not None and stored.value == a2.cursor_before


def test_generator_yield_empty(server: FakeServer) -> None:
    gen = iter(make_sync(server, yield_empty=True, sleep=SleepLog(server.clock)))
    assert next(gen).items == []
    assert next(gen).items == []


def test_generator_has_more_skips_the_interval(server: FakeServer) -> None:
    sleeps = SleepLog(server.clock)
    for i in range(1, 6):
        server.write(i)
    gen = iter(make_sync(server, start=timedelta(minutes=1), cap=2, sleep=sleeps, safety=ZERO))
    got = [next(gen) for _ in range(3)]
    assert [[i.id for i in a.items] for a in got] == [[1, 2], [3, 4], [5]]
    assert [a.has_more for a in got] == [True, True, False]
    assert sleeps.calls == []


def test_generator_explicit_ack_is_not_repeated(server: FakeServer) -> None:
    store = MemoryCursorStore()
    server.write(1)
    gen = iter(
        make_sync(server, store=store, start=timedelta(minutes=1), sleep=SleepLog(server.clock))
    )
    a1 = next(gen)
    a1.ack()
    v = store.load("ACM:invoices")
    server.clock.advance(1)
    server.write(2)
    a2 = next(gen)  # would raise CursorConflictError if the ack were repeated
    assert [i.id for i in a2.items] == [2]
    assert v is not None


def test_generator_backs_off_on_retryable_errors(server: FakeServer) -> None:
    store = MemoryCursorStore()
    sleeps = SleepLog(server.clock)
    server.write(1)
    poller = make_sync(
        server, store=store, start=timedelta(minutes=1), sleep=sleeps, rng=random.Random(1)
    )
    poller.poll_once()  # seed
    before = store.load("ACM:invoices")
    server.failures = [
        InternalServerError("boom", status_code=503),
        APIConnectionError("reset"),
        RateLimitError("slow down", retry_after=42.0),
    ]
    act = next(iter(poller))
    assert [i.id for i in act.items] == [1]
    assert len(sleeps.calls) == 3
    assert 1.0 <= sleeps.calls[0] <= 2.0 and 2.0 <= sleeps.calls[1] <= 4.0
    assert sleeps.calls[2] == 42.0  # Retry-After honoured
    assert act.stats.failed_cycles == 3 and act.stats.requests == 4 and act.stats.pages == 1
    after = store.load("ACM:invoices")
    assert after == before  # failed cycles never moved the cursor


@pytest.mark.parametrize(
    "error",
    [
        AuthenticationError("expired", status_code=401),
        PermissionDeniedError("scopes", status_code=403),
        InvalidRequestError("bad"),
    ],
)
def test_generator_raises_non_retryable_errors(server: FakeServer, error: Exception) -> None:
    server.failures = [error]
    with pytest.raises(type(error)):
        next(iter(make_sync(server, sleep=SleepLog(server.clock))))


# -------------------------------------------------------------------------------------------
# the async shell
# -------------------------------------------------------------------------------------------


async def test_async_poll_once_ack_and_sqlite(server: FakeServer, tmp_path: Path) -> None:
    store = SQLiteCursorStore(tmp_path / "c.db")
    poller = make_async(server, store=store, safety=ZERO, per_page=1)
    await (await poller.poll_once()).ack()
    server.write(1)
    server.write(2)
    act = await poller.poll_once()
    assert isinstance(act, AsyncActivation)
    assert [i.id for i in act.items] == [1, 2] and act.stats.pages == 2
    await poller.ack(act)
    stored = store.load("ACM:invoices")
    assert stored is not None and stored.value == act.cursor_after


async def test_async_generator(server: FakeServer) -> None:
    store = MemoryCursorStore()
    server.write(1)
    server.failures = [InternalServerError("boom", status_code=500)]
    poller = make_async(server, store=store, start=timedelta(minutes=1), cap=1, safety=ZERO)
    server.clock.advance(1)
    server.write(2)
    got: list[AsyncActivation[FakeInvoice]] = []
    async for act in poller:
        got.append(act)
        if len(got) == 2:
            await act.ack()
            break
    assert [[i.id for i in a.items] for a in got] == [[1], [2]]
    assert got[0].acked and got[1].acked and got[0].stats.failed_cycles == 1
    stored = store.load("ACM:invoices")
    assert stored is not None and stored.value == got[1].cursor_after


async def test_async_non_retryable_error_propagates(server: FakeServer) -> None:
    server.failures = [AuthenticationError("expired", status_code=401)]
    with pytest.raises(AuthenticationError):
        await make_async(server).run().__anext__()


# -------------------------------------------------------------------------------------------
# property: random interleavings never lose the latest state, and duplicate only on crashes
# -------------------------------------------------------------------------------------------

STARTS = [
    z(2024, 11, 3, 4, 50),  # 00:50 EDT: the repeated hour (05:00-06:59Z) is minutes away
    z(2024, 6, 1, 3, 58),  # 23:58 EDT: Eastern midnight is minutes away
    T0,
]
ADVANCES = [0, 0, 0, 1, 1, 2, 59, 600, 1800, 3600]
N_RECORDS = 5

write_op = st.tuples(st.just("write"), st.integers(1, N_RECORDS), st.sampled_from(ADVANCES))
delete_op = st.tuples(st.just("delete"), st.integers(1, N_RECORDS), st.sampled_from([0, 1, 30]))
cycle_op = st.tuples(
    st.just("cycle"),
    st.booleans(),  # crash between the activation and its ack
    # changes made between two page reads: (record, seconds to advance first, delete it?)
    st.lists(
        st.tuples(
            st.integers(1, N_RECORDS), st.sampled_from([0, 0, 1, 5]), st.sampled_from([0, 0, 1])
        ),
        max_size=4,
    ),
)
scenario = st.fixed_dictionaries(
    {
        "start": st.sampled_from(STARTS),
        "cap": st.sampled_from([None, 1, 2, 3]),
        "per_page": st.sampled_from([1, 2, 3]),
        "safety": st.sampled_from([0, 90]),
        "include_deleted": st.booleans(),
        "order": st.sampled_from(["updated_desc", "updated_asc", "id"]),
        "prefill": st.booleans(),  # every record exists from the start: multi-page walks
        "ops": st.lists(st.one_of(write_op, write_op, delete_op, cycle_op, cycle_op), max_size=30),
    }
)


class Driver:
    """One interface over both shells: ``poll()`` -> activation, ``ack(activation)``."""

    def __init__(self, kind: str, server: FakeServer, kw: dict[str, Any]) -> None:
        self.kind = kind
        self.server = server
        self.kw = kw
        self.loop = asyncio.new_event_loop() if kind == "async" else None
        self.restart()

    def restart(self) -> None:
        """A new process: a fresh poller object on the same store."""
        if self.loop is None:
            self.sync_poller = make_sync(self.server, **self.kw)
        else:
            self.async_poller = make_async(self.server, **self.kw)

    def poll(self) -> Activation[FakeInvoice] | AsyncActivation[FakeInvoice]:
        if self.loop is None:
            return self.sync_poller.poll_once()
        return self.loop.run_until_complete(self.async_poller.poll_once())

    def ack(self, act: Any) -> None:
        if self.loop is None:
            act.ack()
        else:
            self.loop.run_until_complete(act.ack())

    def close(self) -> None:
        if self.loop is not None:
            self.loop.run_until_complete(self.loop.shutdown_default_executor())
            self.loop.close()


def run_scenario(kind: str, sc: dict[str, Any]) -> None:
    clock = FakeClock(sc["start"])
    server = FakeServer(clock, order=sc["order"])
    store: CursorStore = MemoryCursorStore()
    driver = Driver(
        kind,
        server,
        {
            "store": store,
            "start": sc["start"],
            "cap": sc["cap"],
            "per_page": sc["per_page"],
            "safety": timedelta(seconds=sc["safety"]),
            "include_deleted": sc["include_deleted"],
        },
    )
    acked: Counter[tuple[int, str, str]] = Counter()
    every: Counter[tuple[int, str, str]] = Counter()
    crashed_with: Counter[tuple[int, str, str]] = Counter()
    last_crash: Any = None

    def cycle(crash: bool) -> Any:
        nonlocal last_crash
        act = driver.poll()
        keys = [key_of(i) for i in act.items]
        assert len(set(keys)) == len(keys)
        every.update(keys)
        if last_crash is not None and act.cursor_before == last_crash.cursor_before:
            if [key_of(i) for i in last_crash.items] == keys:
                assert act.id == last_crash.id  # a replay has the same id
        last_crash = None
        if crash:
            crashed_with.update(keys)
            last_crash = act
            driver.restart()
        else:
            driver.ack(act)
            acked.update(keys)
        return act

    if sc.get("prefill"):
        for rid in range(1, N_RECORDS + 1):
            server.write(rid)
    try:
        for op in sc["ops"]:
            if op[0] == "write":
                clock.advance(op[2])
                server.write(op[1])
            elif op[0] == "delete":
                clock.advance(op[2])
                if op[1] in server.records:
                    server.delete(op[1])
            else:
                _, crash, walk_writes = op

                def hook(rid: int, adv: int, delete: int) -> Callable[[], None]:
                    def run() -> None:
                        clock.advance(adv)
                        if delete and rid in server.records:
                            server.delete(rid)
                        else:
                            server.write(rid)

                    return run

                server.during_walk = [hook(*w) for w in walk_writes]
                cycle(crash)
                server.during_walk = []
                clock.advance(1)
        # drain: let the safety window and the repeated hour pass, then cycle until quiet
        clock.advance(sc["safety"] + 1)
        for _ in range(200):
            act = cycle(False)
            if not act.items and not act.has_more:
                break
            clock.advance(1)
        else:
            raise AssertionError("the poller never went quiet")
    finally:
        driver.close()

    for rec in server.records.values():
        if rec.vis_state == 1 and not sc["include_deleted"]:
            continue
        assert key_of(rec) in acked, f"latest state of {rec} was never delivered"
    for k, n in acked.items():
        assert n == 1, f"{k} acknowledged {n} times"
    for k, n in every.items():
        assert n <= 1 + crashed_with[k], f"{k} delivered {n} times with {crashed_with[k]} crashes"


PROPERTY = settings(
    max_examples=400,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@PROPERTY
@given(sc=scenario)
def test_property_sync_poller_never_loses_and_duplicates_only_on_crash(sc: dict[str, Any]) -> None:
    run_scenario("sync", sc)


@settings(PROPERTY, max_examples=100)
@given(sc=scenario)
def test_property_async_poller_never_loses_and_duplicates_only_on_crash(
    sc: dict[str, Any],
) -> None:
    run_scenario("async", sc)


def test_property_scenario_dst_fall_back_by_hand() -> None:
    """A fixed scenario through the repeated hour (also a smoke test of run_scenario)."""
    ops: list[Any] = [("cycle", False, [])]
    for minute in range(0, 140, 10):  # 00:50 EDT -> 01:00 EDT ... 01:00 EST ... 02:10 EST
        ops += [
            ("write", 1 + minute % N_RECORDS, 600),
            ("cycle", minute % 30 == 0, [(2, 0, 0), (3, 0, 1)]),
        ]
    run_scenario(
        "sync",
        {
            "start": STARTS[0],
            "cap": 2,
            "per_page": 1,
            "safety": 0,
            "include_deleted": True,
            "order": "updated_desc",
            "ops": ops,
        },
    )


def test_generator_waits_out_a_locked_store_at_ack(server: FakeServer) -> None:
    from freshbooks_sdk.errors import CursorStoreUnavailableError

    class FlakyStore(MemoryCursorStore):
        """Refuses the first save after arming, as a SQLite file locked by another process."""

        armed = False

        def save(self, key: str, value: Any, expected_version: int | None) -> int:
            if self.armed:
                self.armed = False
                raise CursorStoreUnavailableError("database is locked")
            return super().save(key, value, expected_version)

    store = FlakyStore()
    poller = make_sync(server, store=store, safety=ZERO, interval=60, start=timedelta(hours=1))
    gen = iter(poller)
    server.write(1)
    server.clock.advance(5)
    first = next(gen)
    assert [i.id for i in first.items] == [1]
    store.armed = True
    server.write(2)
    server.clock.advance(5)
    second = next(gen)  # acking the first hit the lock once: waited, saved, went on
    assert [i.id for i in second.items] == [2] and first.acked
    assert not store.armed
