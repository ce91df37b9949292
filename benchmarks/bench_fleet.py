"""Fleet simulation: many connections, several worker processes, shared Postgres state, chaos.

The sandbox serves ``businesses`` FreshBooks businesses on loopback; ``workers`` processes run
poll cycles (:meth:`freshbooks_sdk.celery.FreshBooksFleet.poll_cycle`, the code the Celery task
runs) with the token store, cursor store and rate gate in a real PostgreSQL (``pgserver``). A
dispatcher (standing in for Celery beat + broker: the real-Celery SIGKILL/``acks_late`` check is
``tests/test_fleet_celery.py``) hands each connection a poll per round and, for ``overlap`` of
them, an action (an invoice update through the SDK) at the same moment on another worker: two
processes work on one connection at once, sharing its token row. Each worker keeps its token
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
replacement, standing in for ``acks_late`` + ``reject_on_worker_lost``). After the chaos, drain
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
(writes ``benchmarks/results/fleet.json``). ``tests/test_fleet_simulation.py`` runs a small
variant and asserts the invariants (never the timings).
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
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from multiprocessing.connection import Connection as Pipe
from multiprocessing.connection import wait
from pathlib import Path
from typing import Any

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


@dataclass
class Report:
    settings: dict[str, Any]
    cycles: int = 0
    elapsed_s: float = 0.0
    workers_killed: int = 0
    killed_mid_cycle: int = 0
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


# ---- worker process --------------------------------------------------------------------------


def _worker_main(pipe: Pipe, cfg: dict[str, Any]) -> None:
    import httpx
    import psycopg
    from celery import Celery

    from freshbooks_sdk import FreshBooks
    from freshbooks_sdk.auth import OAuthClient, TokenSource
    from freshbooks_sdk.celery import FreshBooksFleet
    from freshbooks_sdk.errors import FreshBooksError
    from freshbooks_sdk.stores.postgres import (
        PostgresCursorStore,
        PostgresRateGate,
        PostgresTokenStore,
    )

    dsn, base, t = cfg["dsn"], cfg["base_url"], cfg["tables"]
    http = httpx.Client(timeout=30.0)
    gate = PostgresRateGate(dsn, table=f"gate_{t}")
    sources: dict[str, TokenSource] = {}

    class Fleet(FreshBooksFleet):
        """Keeps each connection's token source across cycles, as a long-lived worker would:
        a token rotated by another process meanwhile is stale here and must be reloaded."""

        def client(self, account_id: str) -> FreshBooks:
            source = sources.get(account_id)
            if source is None:
                source = TokenSource.from_store(
                    self.oauth, self.token_store, account_id, margin=self.token_margin
                )
                sources[account_id] = source
            return FreshBooks(
                token_source=source,
                account_id=account_id,
                base_url=self.base_url,
                rate_gate=self.rate_gate,
                max_retry_wait=self.max_retry_wait,
                **self.client_options,
            )

    fleet = Fleet(
        Celery("fleet-bench"),
        oauth=OAuthClient(*cfg["app"], api_base_url=base, auth_base_url=base, http_client=http),
        token_store=PostgresTokenStore(dsn, table=f"tokens_{t}"),
        cursor_store=PostgresCursorStore(dsn, table=f"cursors_{t}"),
        rate_gate=gate,
        base_url=base,
        max_retry_wait=3.0,
        token_margin=cfg["margin"],
        client_options={"http_client": http},
    )
    sink = psycopg.connect(dsn, autocommit=True)

    def enqueue(account: str, payload: dict[str, Any]) -> None:
        rows = [(account, it["id"], it["updated"], payload["id"]) for it in payload["items"]]
        with sink.cursor() as cur:  # committed (durable) before the cursor is acknowledged
            cur.executemany(
                f"INSERT INTO deliveries_{t} (account, invoice_id, updated, activation) "
                "VALUES (%s, %s, %s, %s)".encode(),
                rows,
            )

    params = {"start": "backfill:2d", "cap": 1000}
    pipe.send(("ready",))
    while True:
        job = pipe.recv()
        if job is None:
            reloads = sum(source.reloads for source in sources.values())
            pipe.send(("gate", gate.round_trips, reloads))  # the rate gate's database trips
            return
        kind, account, invoice_id = job
        started = time.perf_counter()
        status = "ok"
        touched = None
        try:
            if kind == "poll":
                fleet.poll_cycle(account, params, enqueue=enqueue)
            else:  # an action on the same connection, concurrently with its poll elsewhere
                with fleet.client(account) as fb:
                    invoice = fb.invoices.update(invoice_id, notes=f"action {started}")
                touched = (account, invoice_id, invoice.updated.isoformat())
        except FreshBooksError as exc:
            status = type(exc).__name__
        pipe.send(("done", account, time.perf_counter() - started, status, kind, touched))


# ---- parent ----------------------------------------------------------------------------------


class _Worker:
    def __init__(self, cfg: dict[str, Any]) -> None:
        self.pipe, child = SPAWN.Pipe()
        self.proc = SPAWN.Process(target=_worker_main, args=(child, cfg), daemon=True)
        self.proc.start()
        child.close()
        self.job: tuple[str, str, int] | None = None
        self.ready = False


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


def simulate(settings: Settings) -> Report:
    """Run the simulation and return the report (see the module docs)."""
    SPAWN.set_forkserver_preload(PRELOAD)
    if settings.dsn is not None:
        return _simulate(settings, settings.dsn)
    dsn, server = _start_postgres()
    try:
        return _simulate(settings, dsn)
    finally:
        server.cleanup()


def _simulate(settings: Settings, dsn: str) -> Report:
    import httpx
    import psycopg

    from freshbooks_sdk import FreshBooks
    from freshbooks_sdk._core.fbtime import parse_accounting_datetime, parse_iso_datetime
    from freshbooks_sdk._core.oauth import TOKEN_PATH
    from freshbooks_sdk.auth import OAuthClient, Token, TokenSource
    from freshbooks_sdk.errors import FreshBooksError
    from freshbooks_sdk.sandbox import Sandbox
    from freshbooks_sdk.stores.postgres import PostgresTokenStore

    report = Report(settings=asdict(settings) | {"dsn": None})
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
    workers: list[_Worker] = []
    action_touches: list[tuple[str, int, str]] = []
    latencies: list[float] = []
    errors: dict[str, int] = {}
    chaos = _Chaos(sb, settings, invoices)
    rng = random.Random(settings.seed + 1)
    try:
        with sb.serve(port=0) as base_url:
            cfg = {
                "dsn": dsn,
                "base_url": base_url,
                "tables": tables,
                "app": app,
                "margin": settings.token_margin,
            }
            workers = [_Worker(cfg) for _ in range(settings.workers)]
            for w in workers:
                if not w.pipe.poll(120):
                    raise RuntimeError("a worker did not start")
                w.pipe.recv()
                w.ready = True

            active: dict[str, int] = {}  # connection -> jobs in progress

            def record(message: tuple[Any, ...]) -> None:
                _, account, seconds, status, kind, touched = message
                active[account] -= 1
                latencies.append(seconds)
                if kind == "poll":
                    report.cycles += 1
                else:
                    report.actions += 1
                    if touched is not None:
                        action_touches.append(touched)
                if status != "ok":
                    errors[status] = errors.get(status, 0) + 1

            def give(w: _Worker, job: tuple[str, str, int]) -> None:
                w.job = job
                if active.get(job[1], 0) > 0:
                    report.overlapping_jobs += 1
                active[job[1]] = active.get(job[1], 0) + 1
                w.pipe.send(job)

            def collect(timeout: float) -> None:
                for pipe in wait([w.pipe for w in workers if w.job is not None], timeout=timeout):
                    w = next(x for x in workers if x.pipe is pipe)
                    record(pipe.recv())
                    w.job = None

            def kill_mid_cycle(pending: deque[tuple[str, str, int]]) -> None:
                """SIGKILL a worker inside a poll cycle: its listing is held by a delay."""
                while all(w.job is not None for w in workers):
                    collect(60)
                polls = [j for j in pending if j[0] == "poll"]
                job = next((j for j in polls if j[1] not in chaos.limited), polls[0])
                pending.remove(job)
                sb.inject_faults(
                    1,
                    "delay",
                    seconds=3.0,
                    method="GET",
                    path_prefix=f"/accounting/account/{job[1]}/invoices",
                )
                victim = next(w for w in workers if w.job is None)
                give(victim, job)
                time.sleep(0.5 + rng.uniform(0.0, 0.5))  # inside the held listing
                finished = victim.pipe.poll()
                os.kill(victim.proc.pid, signal.SIGKILL)
                victim.proc.join(10)
                report.workers_killed += 1
                if finished:
                    record(victim.pipe.recv())
                else:
                    report.killed_mid_cycle += 1
                    active[job[1]] -= 1
                    pending.appendleft(job)  # redelivered, like acks_late
                replacement = _Worker(cfg)
                replacement.pipe.recv()
                workers[workers.index(victim)] = replacement

            def run_round(kill: bool, actions: bool = True) -> None:
                pending: deque[tuple[str, str, int]] = deque()
                for account in rng.sample(accounts, len(accounts)):
                    pending.append(("poll", account, 0))
                    if (
                        actions and rng.random() < settings.overlap
                    ):  # at the same time, on another worker
                        pending.append(("action", account, rng.choice(invoices[account])))
                kill_at = len(pending) // 2 if kill else -1
                while pending or any(w.job is not None for w in workers):
                    for w in workers:
                        if w.job is None and pending:
                            give(w, pending.popleft())
                    if kill_at >= 0 and len(pending) <= kill_at:
                        kill_at = -1
                        kill_mid_cycle(pending)
                        continue
                    collect(60)

            started = time.perf_counter()
            chaos.start()
            rounds = 0
            while rounds < settings.min_chaos_rounds or (
                time.perf_counter() - started < settings.chaos_seconds
            ):
                run_round(kill=settings.kill_worker and rounds == 0)
                rounds += 1
            chaos.stop.set()
            chaos.join(30)
            time.sleep(1.05)  # whole-second timestamps: the last updates settle
            for _ in range(settings.drain_rounds):
                run_round(kill=False, actions=False)  # the updates made so far get delivered
            report.elapsed_s = time.perf_counter() - started
            for w in workers:
                w.pipe.send(None)
            for w in workers:
                while w.pipe.poll(10):
                    message = w.pipe.recv()
                    if message[0] == "gate":
                        report.gate_round_trips += int(message[1])
                        report.token_reloads += int(message[2])
                        break
            for w in workers:
                w.proc.join(10)

            # grants: every stored token still opens its connection
            oauth = OAuthClient(*app, api_base_url=base_url, auth_base_url=base_url)
            http = httpx.Client(timeout=30.0)
            for account in accounts:
                try:
                    source = TokenSource.from_store(oauth, token_store, account, margin=0)
                    with FreshBooks(
                        token_source=source,
                        account_id=account,
                        base_url=base_url,
                        http_client=http,
                    ) as fb:
                        fb.invoices.list(per_page=1).first_page()
                except FreshBooksError:
                    report.grants_lost += 1
            http.close()
    finally:
        for w in workers:
            if w.proc.is_alive():
                w.proc.kill()
        chaos.stop.set()
    with psycopg.connect(dsn, autocommit=True) as db:
        rows = db.execute(
            f"SELECT account, invoice_id, updated FROM deliveries_{tables}".encode()
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
    recorded += [(a, i, parse_iso_datetime(u)) for a, i, u in action_touches]
    report.updates_recorded = len(recorded)
    for account, invoice_id, when in recorded:
        seen = latest.get((account, invoice_id))
        if seen is None or seen < when:
            report.updates_lost += 1
    report.seeded_invoices_lost = sum(
        1 for a, ids in invoices.items() for i in ids if (a, i) not in latest
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
    report.cycle_errors = errors
    cores = min(settings.workers, os.cpu_count() or 1)
    report.cycles_per_s = report.cycles / report.elapsed_s if report.elapsed_s else 0.0
    report.cycles_per_s_per_core = report.cycles_per_s / cores
    if latencies:
        ordered = sorted(latencies)
        report.p50_ms = statistics.median(ordered) * 1000
        report.p99_ms = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    report.sandbox_internal_errors = len(sb.internal_errors)
    return report


def _table(report: Report) -> str:
    r = report
    lines = [
        "| figure | value | goal |",
        "|---|---|---|",
        f"| businesses / workers | {r.settings['businesses']} / {r.settings['workers']} | >= 1000 / >= 4 |",
        f"| cycles (elapsed) | {r.cycles} ({r.elapsed_s:.1f} s) | |",
        f"| workers SIGKILLed (mid-cycle) | {r.workers_killed} ({r.killed_mid_cycle}) | 1 (1) |",
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
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_fleet", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100 businesses, 8 s of chaos")
    parser.add_argument("--businesses", type=int)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--seconds", type=float, help="chaos duration")
    args = parser.parse_args(argv)
    settings = Settings()
    if args.quick:
        settings = Settings(businesses=100, chaos_seconds=8.0, burst_accounts=5)
    if args.businesses:
        settings.businesses = args.businesses
    if args.workers:
        settings.workers = args.workers
    if args.seconds is not None:
        settings.chaos_seconds = args.seconds
    report = simulate(settings)
    table = _table(report)
    print(table)
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    name = "fleet-quick" if args.quick else "fleet"
    (out / f"{name}.json").write_text(json.dumps(asdict(report), indent=2) + "\n")
    (out / f"{name}.md").write_text(table + "\n")
    ok = (
        report.killed_mid_cycle == 1
        and report.refresh_requests_per_rotation == 1.0
        and report.updates_lost == 0
        and report.seeded_invoices_lost == 0
        and report.grants_lost == 0
        and report.refused_refreshes == 0
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
