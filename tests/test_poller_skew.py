"""The poller against a host clock that is wrong: its watermark follows FreshBooks' clock.

FreshBooks' clock reaches the poller as the HTTP ``Date`` of each listing response
(``Page.server_time``). Here the server side (the in-process sandbox, or the fake listing of
``test_poller_shell``) reads one ``FakeClock`` and the poller reads that clock plus a skew, from
-1 day to +1 day. Nothing may be lost: every invoice's last state is delivered, including the
updates in the first skew-length window after ``start="now"``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from freshbooks_sdk import AsyncFreshBooks, FreshBooks
from freshbooks_sdk._async.poller import AsyncPoller
from freshbooks_sdk._core.clockcheck import clock_mismatch
from freshbooks_sdk._core.pages import Page
from freshbooks_sdk._core.polling import (
    MAX_CLOCK_SKEW,
    ClockSample,
    Cursor,
    earliest_http_date,
    estimate_skew,
    parse_http_date,
)
from freshbooks_sdk._sync.poller import Poller
from freshbooks_sdk.cursors import MemoryCursorStore
from freshbooks_sdk.sandbox import ClockMismatchWarning, FakeClock, Sandbox
from test_poller_shell import FakeClock as ListingClock
from test_poller_shell import FakeInvoice, FakeServer

UTC = timezone.utc
MIN = timedelta(minutes=1)
DAY = timedelta(days=1)
T0 = datetime(2024, 3, 15, 14, 0, 0, tzinfo=UTC)
TOKEN_LIFETIME = 60 * 24 * 3600


# -------------------------------------------------------------------------------------------
# pure parts
# -------------------------------------------------------------------------------------------


def test_parse_http_date_forms() -> None:
    expected = datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)
    assert parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == expected  # IMF-fixdate
    assert parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == expected  # RFC 850
    assert parse_http_date("Sun Nov  6 08:49:37 1994") is None  # asctime has no zone
    assert parse_http_date("Sun, 06 Nov 1994 03:49:37 -0500") == expected
    for bad in ("", "yesterday", "Sun, 06 Nov 9999 08:49:37 GMT", "Sun, 31 Feb 2024 00:00:00 GMT"):
        assert parse_http_date(bad) is None, bad
    assert parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT" + " " * 100) is None  # too long
    assert parse_http_date(None) is None and parse_http_date(b"x") is None


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=80), st.binary(max_size=40).map(lambda b: b.decode("latin-1"))))
def test_parse_http_date_never_raises(value: str) -> None:
    parsed = parse_http_date(value)
    assert parsed is None or (parsed.tzinfo is UTC and 1970 <= parsed.year <= 2200)


def test_earliest_of_several_dates_wins() -> None:
    assert earliest_http_date([]) is None
    assert earliest_http_date(["junk"]) is None
    got = earliest_http_date(
        ["Fri, 15 Mar 2024 14:00:09 GMT", "junk", "Fri, 15 Mar 2024 14:00:01 GMT"]
    )
    assert got == datetime(2024, 3, 15, 14, 0, 1, tzinfo=UTC)


def test_estimate_is_a_lower_bound_and_rejects_wild_dates() -> None:
    host = T0
    # FreshBooks 10 minutes behind; the Date was stamped somewhere in a 4-second round trip
    samples = [
        ClockSample(host - 10 * MIN + timedelta(seconds=1), host, host + timedelta(seconds=4)),
        ClockSample(
            host - 10 * MIN + timedelta(seconds=9),
            host + timedelta(seconds=8),
            host + timedelta(seconds=9),
        ),
        ClockSample(host + 30 * DAY, host, host),  # a broken proxy: not believed
    ]
    est = estimate_skew(samples)
    assert est.used == 2 and est.rejected == 1
    assert est.offset == -10 * MIN - timedelta(seconds=3)  # min(server - received)
    assert est.skew == -10 * MIN + timedelta(seconds=0.5)  # the sample with the 1 s round trip
    assert est.exceeds(5 * MIN) and not est.exceeds(10 * MIN)
    none = estimate_skew([samples[2]])
    assert none.offset is None and none.skew is None and none.rejected == 1
    assert not none.exceeds(timedelta(0))
    assert estimate_skew([]).used == 0


@settings(max_examples=150, deadline=None)
@given(
    skew=st.integers(-86_400_000, 86_400_000),  # ms
    stamp=st.integers(0, 5_000),  # when, within the round trip, the server stamped the Date
    rtt=st.integers(0, 5_000),
)
def test_offset_never_exceeds_the_true_skew(skew: int, stamp: int, rtt: int) -> None:
    """Whatever the round trip and the Date's flooring, host + offset <= FreshBooks' clock."""
    sent = T0
    received = sent + timedelta(milliseconds=rtt)
    at = sent + timedelta(milliseconds=min(stamp, rtt))
    server = (at + timedelta(milliseconds=skew)).replace(microsecond=0)  # Date is whole seconds
    est = estimate_skew([ClockSample(server, sent, received)])
    assert est.offset is not None and est.skew is not None
    assert est.offset <= timedelta(milliseconds=skew)
    assert est.offset > timedelta(milliseconds=skew - rtt) - timedelta(seconds=1)
    assert abs(est.skew - timedelta(milliseconds=skew)) <= est.uncertainty


# -------------------------------------------------------------------------------------------
# the sandbox sends its own clock
# -------------------------------------------------------------------------------------------


def test_sandbox_date_header_follows_its_clock_in_process_and_over_loopback() -> None:
    clock = FakeClock(T0 + timedelta(microseconds=900_000))
    sb = Sandbox(clock=clock, seed=0)
    token = sb.issue_token(expires_in=TOKEN_LIFETIME)
    path = f"/accounting/account/{sb.account_ids[0]}/invoices/invoices"
    headers = {"authorization": f"Bearer {token}"}
    with httpx.Client(transport=sb.transport(), base_url="https://api.freshbooks.com") as http:
        r = http.get(path, headers=headers)
    assert r.status_code == 200
    assert r.headers.get_list("date") == ["Fri, 15 Mar 2024 14:00:00 GMT"]  # floored
    clock.advance(86_400 * 3)
    with sb.serve(port=0) as base_url, httpx.Client(base_url=base_url) as http:
        r = http.get(path, headers=headers)
        missing = http.get("/no/such/path")
    assert r.status_code == 200 and missing.status_code == 404
    assert r.headers.get_list("date") == ["Mon, 18 Mar 2024 14:00:00 GMT"]  # one Date: the app's
    assert missing.headers.get_list("date") == ["Mon, 18 Mar 2024 14:00:00 GMT"]


def test_pages_from_the_client_carry_server_time() -> None:
    clock = FakeClock(T0)
    sb = Sandbox(clock=clock, seed=0)
    with pytest.warns(ClockMismatchWarning, match="1 days apart"):  # the skew is the subject
        fb = FreshBooks(
            access_token=sb.issue_token(),
            account_id=sb.account_ids[0],
            http_client=httpx.Client(transport=sb.transport()),
            clock=lambda: clock() + DAY,
            sleep=clock.advance,
        )
    seen: list[Page[Any]] = []
    poller = fb.invoices.poll(store=None, start="now")
    fetch = poller._fetch_page

    def spy(*args: Any) -> Page[Any]:
        page = fetch(*args)
        seen.append(page)
        return page

    poller._fetch_page = spy
    poller.poll_once()
    assert seen and all(p.server_time == T0 for p in seen)
    assert poller.clock_skew is not None
    assert abs(poller.clock_skew + DAY) <= timedelta(seconds=1)


# -------------------------------------------------------------------------------------------
# the fake listing of test_poller_shell, with a Date
# -------------------------------------------------------------------------------------------


class DatedServer(FakeServer):
    """``FakeServer`` answering, like FreshBooks, its clock in whole seconds (the HTTP Date)."""

    def __init__(self, clock: ListingClock, *, dated: bool = True) -> None:
        super().__init__(clock, order="updated_desc")
        self.dated = dated

    def fetch(
        self, updated_min: date, page: int, per_page: int, vis_state: int | None
    ) -> Page[FakeInvoice]:
        listed = super().fetch(updated_min, page, per_page, vis_state)
        if not self.dated:
            return listed
        return Page(listed.items, listed.info, server_time=self.clock().replace(microsecond=0))

    async def afetch(
        self, updated_min: date, page: int, per_page: int, vis_state: int | None
    ) -> Page[FakeInvoice]:
        return self.fetch(updated_min, page, per_page, vis_state)


def listing_poller(kind: str, server: DatedServer, skew: timedelta, **kw: Any) -> Any:
    host = lambda: server.clock() + skew  # noqa: E731
    kw.setdefault("store", MemoryCursorStore())
    kw.setdefault("rng", random.Random(3))
    if kind == "sync":
        return Poller(
            server.fetch, key="ACM:invoices", clock=host, sleep=server.clock.advance, **kw
        )

    async def sleep(seconds: float) -> None:
        server.clock.advance(seconds)

    return AsyncPoller(server.afetch, key="ACM:invoices", clock=host, sleep=sleep, **kw)


class Listing:
    """One shell (sync or async) over the dated fake listing: ``cycle()`` polls and acks."""

    def __init__(self, kind: str, server: DatedServer, skew: timedelta, **kw: Any) -> None:
        self.kind = kind
        self.poller = listing_poller(kind, server, skew, **kw)
        self.loop = asyncio.new_event_loop() if kind == "async" else None
        self.delivered: set[tuple[int, int]] = set()
        self.requests_per_cycle: list[int] = []

    def cycle(self) -> Any:
        if self.loop is None:
            act = self.poller.poll_once()
            act.ack()
        else:
            act = self.loop.run_until_complete(self.poller.poll_once())
            self.loop.run_until_complete(act.ack())
        self.delivered.update((i.id, i.rev) for i in act.items)
        self.requests_per_cycle.append(act.stats.requests)
        return act

    def close(self) -> None:
        if self.loop is not None:
            self.loop.run_until_complete(self.loop.shutdown_default_executor())
            self.loop.close()


def finals(server: FakeServer) -> set[tuple[int, int]]:
    return {(r.id, r.rev) for r in server.records.values()}


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("skew", [10 * MIN, -10 * MIN, DAY, -DAY, timedelta(seconds=299)])
def test_issue_scenario_on_the_listing(
    kind: str, skew: timedelta, caplog: pytest.LogCaptureFixture
) -> None:
    """Host clock off, default 5-minute safety, 60 updates over 30 cycles: all 60 delivered."""
    server = DatedServer(ListingClock(T0))
    listing = Listing(kind, server, skew)
    with caplog.at_level(logging.WARNING, logger="freshbooks_sdk.poller"):
        listing.cycle()  # start="now": the cursor starts at FreshBooks' now
        writes = 0
        for n in range(30):
            for _ in range(2):
                server.clock.advance(7)
                server.write(1000 + writes)
                writes += 1
            server.clock.advance(30)
            act = listing.cycle()
            assert act.stats.emitted == 2, (n, act.stats)
    listing.close()
    assert writes == 60 and listing.delivered == finals(server)
    warned = [r for r in caplog.records if "more than the safety margin" in r.getMessage()]
    assert len(warned) == (0 if abs(skew) < 5 * MIN else 1)  # once, not every cycle
    if warned:
        assert ("ahead of" if skew > timedelta(0) else "behind") in warned[0].getMessage()


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_start_now_is_freshbooks_now_without_extra_requests(kind: str) -> None:
    server = DatedServer(ListingClock(T0))
    listing = Listing(kind, server, 10 * MIN)
    act = listing.cycle()
    assert Cursor.from_json(act.cursor_before).watermark == T0  # FreshBooks' now, not ours
    assert listing.requests_per_cycle == [1]  # the walk itself read the clock
    listing.cycle()
    assert listing.requests_per_cycle == [1, 1]
    backfill = Listing(kind, server, 10 * MIN, start=timedelta(hours=2), store=MemoryCursorStore())
    act = backfill.cycle()
    assert Cursor.from_json(act.cursor_before).watermark == T0 - timedelta(hours=2)
    assert backfill.requests_per_cycle == [1]
    listing.close()
    backfill.close()


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_host_ahead_across_a_day_walks_the_earlier_day_once(kind: str) -> None:
    """10:00 EDT on FreshBooks, 10:00 EDT the next day on the host: the first walk (planned on
    the host clock) misses the day FreshBooks is in; a second walk of that day follows."""
    server = DatedServer(ListingClock(T0))
    server.write(7)  # at FreshBooks' now: delivered by the first cycle, as "now" admits it
    listing = Listing(kind, server, DAY)
    act = listing.cycle()
    days = [r[0] for r in server.requests]
    assert days == [date(2024, 3, 16), date(2024, 3, 15)]
    assert listing.requests_per_cycle == [2]
    assert Cursor.from_json(act.cursor_before).watermark == T0
    assert [i.id for i in act.items] == [7]
    server.clock.advance(60)
    server.write(8)
    assert [i.id for i in listing.cycle().items] == [8]
    assert listing.requests_per_cycle == [2, 1]  # the stored cursor plans on FreshBooks' day
    listing.close()


def test_a_racing_poller_seeding_the_same_key_wins(kind: str = "sync") -> None:
    """Two pollers create the same missing key; the loser runs its cycle from the winner's."""
    server = DatedServer(ListingClock(T0))
    store = MemoryCursorStore()
    loser = Listing(kind, server, timedelta(0), store=store)
    winner = Listing(kind, server, timedelta(0), store=store, start=timedelta(hours=1))
    server.write(1)
    original = server.fetch

    def racing_fetch(*args: Any) -> Page[FakeInvoice]:
        server.fetch = original  # type: ignore[method-assign]
        winner.poller.poll_once()  # seeds the key (1 h back) while the loser walks
        return original(*args)

    loser.poller._fetch_page = racing_fetch
    act = loser.cycle()
    assert Cursor.from_json(act.cursor_before).watermark == T0 - timedelta(hours=1)
    assert [i.id for i in act.items] == [1]
    assert act.stats.requests == 2  # its own walk, then the walk from the winner's cursor


def test_without_a_date_the_host_clock_stands_in() -> None:
    server = DatedServer(ListingClock(T0), dated=False)
    listing = Listing("sync", server, timedelta(0), safety=timedelta(0))
    act = listing.cycle()
    assert Cursor.from_json(act.cursor_after).watermark == T0
    assert listing.poller.clock_skew is None


def test_an_unbelievable_date_is_ignored(caplog: pytest.LogCaptureFixture) -> None:
    """A Date beyond MAX_CLOCK_SKEW (a broken proxy) must not throw the watermark years ahead."""

    class WildServer(DatedServer):
        def fetch(self, *args: Any) -> Page[FakeInvoice]:
            listed = super().fetch(*args)
            return Page(listed.items, listed.info, server_time=T0 + MAX_CLOCK_SKEW + DAY)

    server = WildServer(ListingClock(T0))
    listing = Listing("sync", server, timedelta(0), safety=timedelta(0))
    with caplog.at_level(logging.WARNING, logger="freshbooks_sdk.poller"):
        act = listing.cycle()
    assert Cursor.from_json(act.cursor_after).watermark == T0
    server.clock.advance(60)
    server.write(1)
    with caplog.at_level(logging.WARNING, logger="freshbooks_sdk.poller"):
        assert [i.id for i in listing.cycle().items] == [1]
    assert sum("ignored 1 response Date" in r.getMessage() for r in caplog.records) == 1


def test_skew_within_the_margin_is_not_warned(caplog: pytest.LogCaptureFixture) -> None:
    server = DatedServer(ListingClock(T0))
    listing = Listing("sync", server, -4 * MIN)
    with caplog.at_level(logging.WARNING, logger="freshbooks_sdk.poller"):
        listing.cycle()
    assert not caplog.records
    skew = listing.poller.clock_skew
    assert skew is not None and abs(skew - 4 * MIN) <= timedelta(seconds=1)


skews = st.one_of(
    st.integers(-86_400, 86_400).map(lambda s: timedelta(seconds=s)),
    st.sampled_from([DAY, -DAY, 10 * MIN, -10 * MIN, 5 * MIN, -5 * MIN, timedelta(0)]),
)
programs = st.lists(
    st.tuples(st.sampled_from(["write", "write", "cycle"]), st.integers(0, 7), st.integers(0, 900)),
    max_size=25,
)


def run_listing_program(
    kind: str, skew: timedelta, safety: timedelta, program: list[tuple[str, int, int]]
) -> None:
    server = DatedServer(ListingClock(T0))
    listing = Listing(kind, server, skew, safety=safety)
    try:
        listing.cycle()  # start="now" on FreshBooks' clock
        for op, record, advance in program:
            server.clock.advance(advance)
            if op == "write":
                server.write(record)
            else:
                listing.cycle()
        server.clock.advance(1)
        listing.cycle()
    finally:
        listing.close()
    missing = finals(server) - listing.delivered
    assert not missing, f"lost {sorted(missing)} with skew {skew}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["sync", "async"]),
    skew=skews,
    safety=st.sampled_from([timedelta(0), 5 * MIN, timedelta(hours=1)]),
    program=programs,
)
def test_property_listing_loses_nothing_under_skew(
    kind: str, skew: timedelta, safety: timedelta, program: list[tuple[str, int, int]]
) -> None:
    run_listing_program(kind, skew, safety, program)


# -------------------------------------------------------------------------------------------
# the in-process sandbox through fb.invoices.poll
# -------------------------------------------------------------------------------------------


class SandboxRig:
    """Sandbox on ``FakeClock``; a client (sync or async) whose clock is off by ``skew``."""

    def __init__(self, kind: str, skew: timedelta, **poll_kw: Any) -> None:
        self.kind = kind
        self.clock = FakeClock(T0)
        self.sb = Sandbox(clock=self.clock, seed=0)
        self.acct = self.sb.account_ids[0]
        self.customer = int(self.sb.create(self.acct, "clients", {"fname": "Ada"})["id"])
        host: Callable[[], datetime] = lambda: self.clock() + skew  # noqa: E731
        common: dict[str, Any] = {
            "access_token": self.sb.issue_token(expires_in=TOKEN_LIFETIME),
            "account_id": self.acct,
            "clock": host,
        }
        self.loop: asyncio.AbstractEventLoop | None = None
        # The skew is the subject: the client warns exactly when it is past the tolerance.
        expected = clock_mismatch(host(), self.sb.now()) is not None
        with pytest.warns(ClockMismatchWarning) if expected else contextlib.nullcontext():
            self._connect(kind, common)
        poll_kw.setdefault("store", MemoryCursorStore())
        self.poller = self.fb.invoices.poll(**poll_kw)
        self.ids: list[int] = []
        self.finals: dict[int, str] = {}
        self.delivered: set[tuple[int, str]] = set()

    def _connect(self, kind: str, common: dict[str, Any]) -> None:
        if kind == "sync":
            self.fb: Any = FreshBooks(
                http_client=httpx.Client(transport=self.sb.transport()),
                sleep=self.clock.advance,
                **common,
            )
        else:
            self.loop = asyncio.new_event_loop()

            async def sleep(seconds: float) -> None:
                self.clock.advance(seconds)

            self.fb = AsyncFreshBooks(
                http_client=httpx.AsyncClient(transport=self.sb.async_transport()),
                sleep=sleep,
                **common,
            )

    def create(self) -> None:
        wire = self.sb.create(
            self.acct,
            "invoices",
            {
                "customerid": self.customer,
                "create_date": "2024-03-15",
                "lines": [{"qty": 1, "unit_cost": {"amount": "10.00"}}],
            },
        )
        self.ids.append(int(wire["id"]))
        self.finals[int(wire["id"])] = str(wire["updated"])

    def touch(self, index: int) -> None:
        if not self.ids:
            self.create()
            return
        invoice_id = self.ids[index % len(self.ids)]
        self.finals[invoice_id] = str(self.sb.touch_invoice(self.acct, invoice_id)["updated"])

    def cycle(self) -> Any:
        if self.loop is None:
            act = self.poller.poll_once()
            act.ack()
        else:
            act = self.loop.run_until_complete(self.poller.poll_once())
            self.loop.run_until_complete(act.ack())
        for item in act.items:
            wire = item.model_dump(mode="json")
            self.delivered.add((int(wire["id"]), str(wire["updated"])))
        return act

    def missing(self) -> set[tuple[int, str]]:
        return set(self.finals.items()) - self.delivered

    def close(self) -> None:
        if self.loop is None:
            self.fb.close()
        else:
            self.loop.run_until_complete(self.fb.aclose())
            self.loop.run_until_complete(self.loop.shutdown_default_executor())
            self.loop.close()


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_issue_scenario_on_the_sandbox(kind: str, caplog: pytest.LogCaptureFixture) -> None:
    """The issue's figures: host 10 minutes ahead, default safety, 60 updates in 30 cycles."""
    rig = SandboxRig(kind, 10 * MIN, start="now")
    try:
        with caplog.at_level(logging.WARNING, logger="freshbooks_sdk.poller"):
            rig.cycle()
            delivered = 0
            for n in range(60):
                rig.clock.advance(7)
                if n < 20:
                    rig.create()
                else:
                    rig.touch(n)  # 20 invoices, each touch another one than the last
                if n % 2:
                    rig.clock.advance(30)
                    delivered += rig.cycle().stats.emitted
    finally:
        rig.close()
    assert delivered == 60 and not rig.missing()
    warned = [r for r in caplog.records if "more than the safety margin" in r.getMessage()]
    assert len(warned) == 1 and "ahead of" in warned[0].getMessage()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["sync", "async"]),
    skew=skews,
    program=st.lists(
        st.tuples(
            st.sampled_from(["create", "touch", "cycle"]), st.integers(0, 9), st.integers(0, 600)
        ),
        max_size=15,
    ),
)
def test_property_sandbox_loses_nothing_under_skew(
    kind: str, skew: timedelta, program: list[tuple[str, int, int]]
) -> None:
    rig = SandboxRig(kind, skew, start="now")
    try:
        rig.cycle()
        for op, index, advance in program:
            rig.clock.advance(advance)
            if op == "create":
                rig.create()
            elif op == "touch":
                rig.touch(index)
            else:
                rig.cycle()
        rig.clock.advance(1)
        rig.cycle()
    finally:
        rig.close()
    assert not rig.missing(), f"lost {sorted(rig.missing())} with skew {skew}"
