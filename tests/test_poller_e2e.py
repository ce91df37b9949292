"""End to end: ``fb.invoices.poll(...)`` against the in-process sandbox, time fully injected.

The client (sync ``FreshBooks`` and async ``AsyncFreshBooks``), its poller and the sandbox all
read one :class:`FakeClock`; the client's ``sleep`` advances it. Every server change goes
through :class:`Rig`, which records the sequence of states each invoice had on the server (the
oracle). A consumer takes each activation and either acknowledges it or "crashes" before the
acknowledgement: the poller object is dropped and a new one is built on the same cursor store
(a fresh ``SQLiteCursorStore`` on the same file, as a restarted process would).

Checked (see :class:`Ledger`):

* every invoice's latest server state is delivered (by an acknowledged activation);
* acknowledged activations never deliver one ``(invoice, state)`` twice, and never go back to an
  older state of an invoice;
* a delivery is repeated only after a crash: the previous delivery of that ``(invoice, state)``
  was in a crashed activation, so each crash costs at most one replay of its items;
* the activation right after a crash starts from the same cursor, and when it holds the same
  items it has the same ``id``.

The property test draws programs of creates, updates (partial payments and notes edits, which
change content, and touches, which change only ``updated``), clock moves (same second, 1 s,
59 s, 1 h, to 23:59:59 Eastern), small caps and pages, updates made *between the page
requests* of a walk (a wrapping transport), and crashes, from start instants just before
Eastern midnight, inside the DST fall-back hour and on an ordinary day. Its updates never bring
an invoice back to a state it had before; the deterministic tests pin each edge on its own,
including the two at the end where a state does come back.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import tempfile
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from freshbooks_sdk import AsyncFreshBooks, FreshBooks
from freshbooks_sdk.cursors import CursorStore, MemoryCursorStore, SQLiteCursorStore
from freshbooks_sdk.sandbox import FakeClock, Sandbox

UTC = timezone.utc
EASTERN = ZoneInfo("America/New_York")
KINDS = ["sync", "async"]
TOKEN_LIFETIME = 60 * 24 * 3600  # programs move the fake clock by hours
DEFAULT_SAFETY = timedelta(minutes=5)  # the poller's documented default

State = tuple[str, str, str, str]
"""What an invoice looks like on the wire: ``(updated, paid amount, v3_status, notes)``."""
Key = tuple[int, State]


def z(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def state_of(wire: Mapping[str, Any]) -> State:
    return (
        str(wire["updated"]),
        str(wire["paid"]["amount"]),
        str(wire["v3_status"]),
        str(wire["notes"]),
    )


def key_of(item: Any) -> Key:
    wire = item.model_dump(mode="json")
    return int(wire["id"]), state_of(wire)


def keys_of(activation: Any) -> list[Key]:
    return [key_of(item) for item in activation.items]


async def resolve(value: Any) -> Any:
    """Await coroutines (async client), pass plain values through (sync client)."""
    return await value if inspect.isawaitable(value) else value


# -------------------------------------------------------------------------------------------
# the rig: sandbox + client + poller + oracle
# -------------------------------------------------------------------------------------------


class WalkHooks:
    """Runs callbacks just before the n-th invoice listing request (1-based) of a cycle."""

    def __init__(self) -> None:
        self.pending: dict[int, list[Callable[[], None]]] = {}
        self.gets = 0
        self.fired = 0

    def arm(self, hooks: Mapping[int, list[Callable[[], None]]]) -> None:
        self.pending = {n: list(fns) for n, fns in hooks.items()}
        self.gets = 0

    def disarm(self) -> None:
        self.pending = {}

    def before(self, request: httpx.Request) -> None:
        if request.method == "GET" and request.url.path.endswith("/invoices/invoices"):
            self.gets += 1
            for hook in self.pending.pop(self.gets, []):
                hook()
                self.fired += 1


class HookedTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, hooks: WalkHooks) -> None:
        self.inner = inner
        self.hooks = hooks

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.hooks.before(request)
        return self.inner.handle_request(request)


class AsyncHookedTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, hooks: WalkHooks) -> None:
        self.inner = inner
        self.hooks = hooks

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.hooks.before(request)
        return await self.inner.handle_async_request(request)


class Rig:
    """One sandbox, one client of ``kind``, one poller on a cursor store; records server states.

    ``store_path``: a SQLite file (each :meth:`crash` opens a new store object on it), else a
    ``MemoryCursorStore`` shared by every poller of the rig.
    """

    def __init__(
        self,
        kind: str,
        now: datetime,
        *,
        store_path: Path | None = None,
        **poll_kw: Any,
    ) -> None:
        self.kind = kind
        self.clock = FakeClock(now)
        self.sb = Sandbox(clock=self.clock, seed=0)
        self.acct = self.sb.account_ids[0]
        self.customer = int(self.sb.create(self.acct, "clients", {"fname": "Ada"})["id"])
        self.hooks = WalkHooks()
        self.history: dict[int, list[State]] = {}
        self.ids: list[int] = []
        self.token = self.sb.issue_token(expires_in=TOKEN_LIFETIME)
        self.note_numbers = itertools.count(1)
        self.store_path = store_path
        self.memory_store = MemoryCursorStore()
        self.poll_kw = {k: v for k, v in poll_kw.items() if v is not None}
        self.fb = self._client()
        self.poller = self._poller()

    def _client(self) -> Any:
        common: dict[str, Any] = {
            "access_token": self.token,
            "account_id": self.acct,
            "clock": self.clock,
        }
        if self.kind == "sync":
            http = httpx.Client(transport=HookedTransport(self.sb.transport(), self.hooks))
            return FreshBooks(http_client=http, sleep=self.clock.advance, **common)

        async def sleep(seconds: float) -> None:
            self.clock.advance(seconds)

        ahttp = httpx.AsyncClient(
            transport=AsyncHookedTransport(self.sb.async_transport(), self.hooks)
        )
        return AsyncFreshBooks(http_client=ahttp, sleep=sleep, **common)

    def _store(self) -> CursorStore:
        if self.store_path is None:
            return self.memory_store
        return SQLiteCursorStore(self.store_path)

    def _poller(self) -> Any:
        return self.fb.invoices.poll(store=self._store(), **self.poll_kw)

    async def close(self) -> None:
        if self.kind == "sync":
            self.fb.close()
        else:
            await self.fb.aclose()

    # -- server changes (all recorded) --

    def _record(self, wire: Mapping[str, Any]) -> int:
        invoice_id = int(wire["id"])
        states = self.history.setdefault(invoice_id, [])
        state = state_of(wire)
        if not states or states[-1] != state:  # a touch in the same second changes nothing
            states.append(state)
        return invoice_id

    def create(self) -> int:
        wire = self.sb.create(
            self.acct,
            "invoices",
            {
                "customerid": self.customer,
                "create_date": self.clock().astimezone(EASTERN).date().isoformat(),
                "lines": [{"qty": 1, "unit_cost": {"amount": "1000.00"}}],
            },
        )
        invoice_id = self._record(wire)
        self.ids.append(invoice_id)
        return invoice_id

    def pay(self, invoice_id: int) -> None:
        """A partial payment: new content (paid, status), ``updated`` set to now."""
        self._record(self.sb.pay_invoice(self.acct, invoice_id, "1.00"))

    def touch(self, invoice_id: int) -> None:
        """Only ``updated`` moves to now (nothing changes within the same second)."""
        self._record(self.sb.touch_invoice(self.acct, invoice_id))

    def edit(self, invoice_id: int, notes: str) -> None:
        """A PUT of ``notes`` (straight to the sandbox: it may run inside a page request)."""
        answer = self.sb.handle(
            "PUT",
            f"/accounting/account/{self.acct}/invoices/invoices/{invoice_id}",
            [("include[]", "lines")],
            {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
            json.dumps({"invoice": {"notes": notes}}).encode(),
        )
        assert answer.status == 200, answer.body
        self._record(answer.json()["response"]["result"]["invoice"])

    def change(self, action: str, index: int) -> None:
        if action == "create" or not self.ids:
            self.create()
            return
        invoice_id = self.ids[index % len(self.ids)]
        if action == "pay":
            self.pay(invoice_id)
        elif action == "note":  # never a value the invoice had before
            self.edit(invoice_id, f"note {next(self.note_numbers)}")
        else:
            self.touch(invoice_id)

    def final(self, invoice_id: int) -> Key:
        return invoice_id, self.history[invoice_id][-1]

    def to_end_of_eastern_day(self) -> None:
        """Jump to 23:59:59 Eastern of the current Eastern day (or 1 s on, if already there)."""
        now = self.clock()
        local = now.astimezone(EASTERN)
        target = datetime.combine(local.date(), time(23, 59, 59), tzinfo=EASTERN)
        target_utc = target.astimezone(UTC)
        self.clock.set(target_utc if target_utc > now else now + timedelta(seconds=1))

    # -- the poller --

    async def poll(self) -> Any:
        return await resolve(self.poller.poll_once())

    async def ack(self, activation: Any) -> None:
        await resolve(activation.ack())

    def crash(self) -> None:
        """The consumer died after taking an activation: a new poller on the same store/key."""
        self.poller = self._poller()


@dataclass
class Delivery:
    activation: Any
    keys: list[Key]
    crashed: bool


class Ledger:
    """Every activation handed to the consumer, checked as it comes and at the end."""

    def __init__(self, rig: Rig) -> None:
        self.rig = rig
        self.deliveries: list[Delivery] = []
        self.events: set[str] = set()  # what happened, for hypothesis' statistics

    def take(self, activation: Any, *, crashed: bool) -> list[Key]:
        keys = keys_of(activation)
        ids = [k[0] for k in keys]
        assert len(set(ids)) == len(ids), f"an invoice twice in one activation: {keys}"
        for invoice_id, state in keys:
            assert state in self.rig.history.get(invoice_id, []), (
                f"invoice {invoice_id} delivered in a state the server never had: {state}"
            )
        last_delivery: dict[Key, Delivery] = {}
        for d in self.deliveries:
            for k in d.keys:
                last_delivery[k] = d
        for k in keys:
            before = last_delivery.get(k)
            assert before is None or before.crashed, (
                f"{k} delivered again without a crash: first in activation "
                f"{before.activation.id}, again in {activation.id}"
            )
        prev = self.deliveries[-1] if self.deliveries else None
        if prev is not None and prev.crashed:
            assert activation.cursor_before == prev.activation.cursor_before, (
                "the cursor moved although the previous activation was never acknowledged"
            )
            if keys == prev.keys:
                assert activation.id == prev.activation.id, "a replay must keep its id"
            if set(keys) & set(prev.keys):
                self.events.add("replay after a crash")
        if activation.has_more:
            self.events.add("cap held changes back")
        if not activation.stats.settled:
            self.events.add("walk changed shape")
        self.deliveries.append(Delivery(activation, keys, crashed))
        return keys

    def check_final(self) -> None:
        history = self.rig.history
        acked: list[Key] = [k for d in self.deliveries if not d.crashed for k in d.keys]
        counts = Counter(acked)
        twice = {k: n for k, n in counts.items() if n > 1}
        assert not twice, f"acknowledged more than once: {twice}"
        by_id: dict[int, list[State]] = {}
        for invoice_id, state in acked:
            by_id.setdefault(invoice_id, []).append(state)
        for invoice_id, states in history.items():
            got = by_id.get(invoice_id)
            assert got, f"invoice {invoice_id} never delivered; server states {states}"
            assert got[-1] == states[-1], (
                f"invoice {invoice_id}: last delivered {got[-1]}, latest on the server "
                f"{states[-1]} (server states {states}, delivered {got})"
            )
            positions = [states.index(s) for s in got]
            assert positions == sorted(positions), (
                f"invoice {invoice_id} went back to an older state: delivered {got}, "
                f"server states {states}"
            )
        everything: Counter[Key] = Counter(k for d in self.deliveries for k in d.keys)
        crashed: Counter[Key] = Counter(k for d in self.deliveries if d.crashed for k in d.keys)
        for k, n in everything.items():
            assert n <= 1 + crashed[k], f"{k} delivered {n} times with {crashed[k]} crashes"


# -------------------------------------------------------------------------------------------
# the property
# -------------------------------------------------------------------------------------------

STARTS = [
    z(2024, 3, 15, 3, 59, 50),  # 23:59:50 EDT: Eastern midnight is seconds away
    z(2024, 11, 3, 4, 59, 50),  # 00:59:50 EDT: the repeated hour starts in 10 s
    z(2024, 11, 3, 5, 50),  # 01:50 EDT, the first 01:xx
    z(2024, 11, 3, 6, 20),  # 01:20 EST, the second 01:xx
    z(2024, 11, 4, 4, 59, 50),  # 23:59:50 EST, midnight after the fall-back
    z(2024, 6, 12, 15, 0),  # an ordinary afternoon
]
ADVANCES: list[int | str] = [0, 1, 1, 59, 3600, "eod"]
INVOICE_PICK = st.integers(0, 7)

change = st.tuples(st.sampled_from(["create", "pay", "note", "touch"]), INVOICE_PICK)
advance = st.tuples(st.just("advance"), st.sampled_from(ADVANCES))
walk_change = st.tuples(
    st.integers(1, 4),  # before the n-th listing request of the cycle
    st.sampled_from(["create", "pay", "note", "touch"]),
    INVOICE_PICK,
    st.sampled_from([0, 1]),  # seconds the clock moves first
)
cycle = st.tuples(
    st.just("cycle"),
    st.booleans(),  # crash between the activation and its acknowledgement
    st.lists(walk_change, max_size=2),
)
program = st.fixed_dictionaries(
    {
        "start": st.sampled_from(STARTS),
        "cap": st.sampled_from([None, 1, 1, 2, 3]),
        "per_page": st.sampled_from([1, 2, 3]),
        "safety": st.sampled_from([None, timedelta(0)]),  # None: the default 5 minutes
        "sqlite": st.booleans(),
        "steps": st.lists(
            st.one_of(change, change, advance, cycle, cycle), min_size=3, max_size=24
        ),
    }
)


async def run_program(kind: str, prog: Mapping[str, Any], tmp: Path) -> set[str]:
    rig = Rig(
        kind,
        prog["start"],
        store_path=tmp / "cursors.db" if prog["sqlite"] else None,
        start=prog["start"],
        cap=prog["cap"],
        per_page=prog["per_page"],
        safety=prog["safety"],
    )
    ledger = Ledger(rig)

    def walk_hook(action: str, index: int, seconds: int) -> Callable[[], None]:
        def run() -> None:
            rig.clock.advance(seconds)
            rig.change(action, index)

        return run

    try:
        for step in prog["steps"]:
            if step[0] == "advance":
                if step[1] == "eod":
                    rig.to_end_of_eastern_day()
                else:
                    rig.clock.advance(step[1])
            elif step[0] == "cycle":
                _, crash, during = step
                hooks: dict[int, list[Callable[[], None]]] = {}
                for n, action, index, seconds in during:
                    hooks.setdefault(n, []).append(walk_hook(action, index, seconds))
                rig.hooks.arm(hooks)
                activation = await rig.poll()
                rig.hooks.disarm()
                ledger.take(activation, crashed=crash)
                if crash:
                    rig.crash()
                else:
                    await rig.ack(activation)
            else:
                rig.change(step[0], step[1])
        if rig.hooks.fired:
            ledger.events.add("changed during a page walk")

        # Drain: let the safety margin pass, then cycle until nothing is left.
        safety = prog["safety"] if prog["safety"] is not None else DEFAULT_SAFETY
        rig.clock.advance(safety.total_seconds() + 1)
        for _ in range(10 + len(rig.ids)):
            activation = await rig.poll()
            ledger.take(activation, crashed=False)
            await rig.ack(activation)
            if not activation.items and not activation.has_more:
                break
        else:
            raise AssertionError("the poller never went quiet")
        # Long after (the repeated hour and every boundary are behind): still nothing.
        rig.clock.advance(3 * 3600)
        late = await rig.poll()
        assert keys_of(late) == [], "re-delivered long after everything was acknowledged"
        ledger.check_final()
        assert not rig.sb.internal_errors, rig.sb.internal_errors
        return ledger.events
    finally:
        await rig.close()


def run_sync_or_async(kind: str, prog: Mapping[str, Any]) -> set[str]:
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(run_program(kind, prog, Path(tmp)))


PROPERTY = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@settings(PROPERTY, max_examples=200)
@given(prog=program)
def test_property_sync_every_latest_state_once_replays_only_after_crashes(
    prog: dict[str, Any],
) -> None:
    for name in run_sync_or_async("sync", prog):
        event(name)


@settings(PROPERTY, max_examples=100)
@given(prog=program)
def test_property_async_every_latest_state_once_replays_only_after_crashes(
    prog: dict[str, Any],
) -> None:
    for name in run_sync_or_async("async", prog):
        event(name)


def test_a_fixed_program_through_the_fall_back_hour() -> None:
    """Smoke test of the runner (and of the fall-back hour with crashes and walk changes)."""
    steps: list[Any] = [("create", 0), ("create", 0), ("create", 0), ("cycle", False, [])]
    for n in range(8):  # 01:50 EDT -> ... -> 01:xx EST -> 02:xx EST
        steps += [
            ("advance", 3600 if n == 2 else 59),
            ("pay", n),
            ("touch", n + 1),
            ("cycle", n % 3 == 0, [(2, "pay", n + 2, 1)]),
        ]
    for kind in KINDS:
        run_sync_or_async(
            kind,
            {
                "start": z(2024, 11, 3, 5, 50),
                "cap": 2,
                "per_page": 1,
                "safety": timedelta(0),
                "sqlite": True,
                "steps": steps,
            },
        )


# -------------------------------------------------------------------------------------------
# each edge on its own
# -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("safety", [timedelta(0), None], ids=["safety0", "default-safety"])
@pytest.mark.parametrize("kind", KINDS)
async def test_same_second_update_after_the_watermark(kind: str, safety: timedelta | None) -> None:
    t = z(2024, 6, 12, 15, 0)
    rig = Rig(kind, t, start=t, safety=safety)
    try:
        inv = rig.create()
        first = await rig.poll()
        assert keys_of(first) == [rig.final(inv)]
        await rig.ack(first)
        if safety == timedelta(0):
            assert first.cursor_after["watermark"] == "2024-06-12T15:00:00Z"
        rig.pay(inv)  # the same second: `updated` unchanged, the content is not
        assert len(rig.history[inv]) == 2
        assert rig.history[inv][0][0] == rig.history[inv][1][0] == "2024-06-12 11:00:00"
        second = await rig.poll()
        assert keys_of(second) == [rig.final(inv)]
        assert second.id != first.id
        await rig.ack(second)
        rig.touch(inv)  # still the same second: nothing changed at all
        assert keys_of(await rig.poll()) == []
    finally:
        await rig.close()


@pytest.mark.parametrize("kind", KINDS)
async def test_updates_during_a_page_walk(kind: str) -> None:
    t = z(2024, 6, 12, 15, 0)
    rig = Rig(kind, t, start=t, per_page=1)
    try:
        a, b, c, d = (rig.create() for _ in range(4))
        a_before = rig.final(a)
        rig.hooks.arm(
            {
                2: [lambda: (rig.clock.advance(1), rig.pay(a))],  # page 1 (a) already read
                3: [lambda: rig.pay(d)],  # page 4 (d) not read yet
            }
        )
        first = await rig.poll()
        rig.hooks.disarm()
        assert rig.hooks.fired == 2
        assert first.stats.pages == 4 and first.stats.settled
        assert keys_of(first) == [a_before, rig.final(b), rig.final(c), rig.final(d)]
        await rig.ack(first)
        second = await rig.poll()  # a's change happened during the walk: it comes now
        assert keys_of(second) == [rig.final(a)]
        await rig.ack(second)
        assert keys_of(await rig.poll()) == []

        # A record created during the walk makes the listing grow, which cannot make another
        # record skip: the walk stays settled and the new record is delivered.
        rig.clock.advance(30)
        created: list[int] = []
        rig.hooks.arm({2: [lambda: created.append(rig.create())]})
        third = await rig.poll()
        rig.hooks.disarm()
        assert third.stats.settled
        await rig.ack(third)
        delivered = keys_of(third)
        for _ in range(2):
            act = await rig.poll()
            delivered += keys_of(act)
            await rig.ack(act)
        assert delivered == [rig.final(created[0])]
    finally:
        await rig.close()


@pytest.mark.parametrize("safety", [timedelta(0), None], ids=["safety0", "default-safety"])
@pytest.mark.parametrize("kind", KINDS)
async def test_update_at_235959_eastern_then_a_cycle_after_midnight(
    kind: str, safety: timedelta | None
) -> None:
    t0 = z(2024, 3, 15, 3, 50)  # 23:50 EDT, March 14
    rig = Rig(kind, t0, start=t0, safety=safety)
    try:
        inv = rig.create()
        rig.clock.set(z(2024, 3, 15, 3, 59, 59))  # 23:59:59 EDT
        first = await rig.poll()
        assert keys_of(first) == [rig.final(inv)]
        await rig.ack(first)
        rig.pay(inv)
        assert rig.final(inv)[1][0] == "2024-03-14 23:59:59"
        rig.clock.advance(2)  # 00:00:01 EDT, March 15: a new Eastern day
        second = await rig.poll()
        assert keys_of(second) == [rig.final(inv)]
        await rig.ack(second)
        rig.clock.advance(3600)
        assert keys_of(await rig.poll()) == []
    finally:
        await rig.close()


@pytest.mark.parametrize("kind", KINDS)
async def test_updates_in_the_second_occurrence_of_the_repeated_hour(kind: str) -> None:
    t0 = z(2024, 11, 3, 5, 45)  # 01:45 EDT
    rig = Rig(kind, t0, start=t0, safety=timedelta(0))
    try:
        a = rig.create()
        assert rig.final(a)[1][0] == "2024-11-03 01:45:00"
        first = await rig.poll()
        assert keys_of(first) == [rig.final(a)]
        assert first.cursor_after["watermark"] == "2024-11-03T05:45:00Z"
        await rig.ack(first)

        rig.clock.set(z(2024, 11, 3, 6, 30))  # 01:30 EST: the wire time reads as 05:30Z
        rig.pay(a)
        b = rig.create()
        assert rig.final(a)[1][0] == rig.final(b)[1][0] == "2024-11-03 01:30:00"
        second = await rig.poll()
        assert second.cursor_before["watermark"] == "2024-11-03T05:45:00Z"
        assert keys_of(second) == [rig.final(a), rig.final(b)]
        await rig.ack(second)
        rig.clock.advance(60)
        assert keys_of(await rig.poll()) == []

        # 01:45 EST: the very wire time `a` had at 01:45 EDT, with new content.
        rig.clock.set(z(2024, 11, 3, 6, 45))
        rig.pay(a)
        assert rig.final(a)[1][0] == "2024-11-03 01:45:00"
        third = await rig.poll()
        assert keys_of(third) == [rig.final(a)]
        await rig.ack(third)
        for later in (z(2024, 11, 3, 6, 46), z(2024, 11, 3, 8, 0)):
            rig.clock.set(later)
            quiet = await rig.poll()
            assert keys_of(quiet) == []
            await rig.ack(quiet)
    finally:
        await rig.close()


@pytest.mark.parametrize("age", [0, 600], ids=["young-second", "old-second"])
@pytest.mark.parametrize("kind", KINDS)
async def test_cap_carries_the_rest_over(kind: str, age: int) -> None:
    t = z(2024, 6, 12, 15, 0)
    rig = Rig(kind, t, start=t, cap=2, per_page=2)
    try:
        ids = [rig.create() for _ in range(5)]  # one second, more than the cap
        initial = {i: rig.final(i) for i in ids}
        rig.clock.advance(age)
        first = await rig.poll()
        assert keys_of(first) == [initial[ids[0]], initial[ids[1]]]
        assert first.has_more
        await rig.ack(first)
        rig.pay(ids[1])  # delivered already: its new state comes again
        rig.pay(ids[3])  # not delivered yet: comes once, in its latest state
        rest = []
        for _ in range(4):
            act = await rig.poll()
            assert len(act.items) <= 2
            rest.append(act)
            await rig.ack(act)
        if age == 0:  # the changes share the bulk second: (updated, id) order
            expected = [
                [rig.final(ids[1]), initial[ids[2]]],
                [rig.final(ids[3]), initial[ids[4]]],
            ]
        else:  # resumed inside the old second by id, the changes come after it
            expected = [
                [initial[ids[2]], initial[ids[4]]],
                [rig.final(ids[1]), rig.final(ids[3])],
            ]
        assert [keys_of(act) for act in rest] == [*expected, [], []]
        assert [act.has_more for act in rest] == [True, False, False, False]
    finally:
        await rig.close()


async def _first_from_the_loop(poller: Any) -> tuple[Any, Any]:
    if hasattr(poller, "__aiter__"):
        agen = poller.__aiter__()
        return agen, await agen.__anext__()
    gen = iter(poller)
    return gen, next(gen)


async def _next_from_the_loop(gen: Any) -> Any:
    return await gen.__anext__() if hasattr(gen, "__anext__") else next(gen)


async def _stop(gen: Any) -> None:
    await resolve(gen.aclose() if hasattr(gen, "aclose") else gen.close())


@pytest.mark.parametrize("kind", KINDS)
async def test_crash_in_the_loop_replays_one_activation_from_sqlite(
    kind: str, tmp_path: Path
) -> None:
    t = z(2024, 6, 12, 15, 0)
    rig = Rig(kind, t, store_path=tmp_path / "cursors.db", start=t, cap=2, per_page=2)
    try:
        ids = [rig.create() for _ in range(3)]
        gen, first = await _first_from_the_loop(rig.poller)
        assert keys_of(first) == [rig.final(ids[0]), rig.final(ids[1])] and first.has_more
        second = await _next_from_the_loop(gen)  # asking for it acknowledged `first`
        assert first.acked
        assert keys_of(second) == [rig.final(ids[2])]
        await _stop(gen)  # the process dies: `second` is never acknowledged
        assert not second.acked

        rig.crash()  # a new process: new store object on the same file, new poller
        replay = await rig.poll()
        assert replay.id == second.id
        assert keys_of(replay) == keys_of(second)
        assert replay.cursor_before == second.cursor_before
        await rig.ack(replay)
        rig.crash()
        assert keys_of(await rig.poll()) == []
    finally:
        await rig.close()


# -------------------------------------------------------------------------------------------
# a state that comes back (A -> B -> A) is delivered again: the boundary keeps one version
# per invoice (these two tests found the bug when it kept every delivered version)
# -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
async def test_a_change_reverted_within_the_same_second_is_delivered(kind: str) -> None:
    t = z(2024, 6, 12, 15, 0)
    rig = Rig(kind, t, start=t)
    try:
        inv = rig.create()  # A: notes ""
        first = await rig.poll()
        await rig.ack(first)
        rig.edit(inv, "rush order")  # B, the same second
        second = await rig.poll()
        assert keys_of(second) == [rig.final(inv)]
        await rig.ack(second)
        rig.edit(inv, "")  # back to A, still the same second: wire-identical to A
        assert rig.history[inv] == [rig.history[inv][0], rig.history[inv][1], rig.history[inv][0]]
        third = await rig.poll()
        assert keys_of(third) == [rig.final(inv)]
    finally:
        await rig.close()


@pytest.mark.parametrize("kind", KINDS)
async def test_an_edit_at_the_same_wall_time_in_the_repeated_hour_is_delivered(
    kind: str,
) -> None:
    t0 = z(2024, 11, 3, 5, 50)  # 01:50 EDT
    rig = Rig(kind, t0, start=t0, safety=timedelta(0))
    try:
        inv = rig.create()  # A: updated "2024-11-03 01:50:00" (05:50Z)
        first = await rig.poll()
        await rig.ack(first)
        rig.clock.set(z(2024, 11, 3, 6, 10))  # 01:10 EST
        rig.touch(inv)  # B: updated "2024-11-03 01:10:00" (06:10Z)
        second = await rig.poll()
        assert keys_of(second) == [rig.final(inv)]
        await rig.ack(second)
        rig.clock.set(z(2024, 11, 3, 6, 50))  # 01:50 EST
        rig.touch(inv)  # updated "2024-11-03 01:50:00" again (06:50Z): wire-identical to A
        assert rig.final(inv)[1] == rig.history[inv][0]
        third = await rig.poll()
        assert keys_of(third) == [rig.final(inv)]
    finally:
        await rig.close()
