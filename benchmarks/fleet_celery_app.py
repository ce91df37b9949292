"""The Celery application of ``python -m benchmarks.bench_fleet --celery``.

``celery -A benchmarks.fleet_celery_app worker --pool prefork`` loads it; the benchmark sets the
environment (``FB_BENCH_CFG``: the broker, the PostgreSQL DSN, the sandbox URL, the table suffix,
the OAuth app). The tasks are the SDK's own: :class:`freshbooks_sdk.celery.FreshBooksFleet`
registers ``freshbooks.poll`` (``acks_late``, ``reject_on_worker_lost``) and
``freshbooks.action``; the fleet is :func:`benchmarks.bench_fleet.make_fleet`, the same one the
dispatcher mode's workers run. Two tasks are the benchmark's own: ``fleet_bench.deliver`` (the
user's downstream task: it writes each activation to the deliveries table) and
``fleet_bench.ping`` (a no-op: the broker's round trip).

Every task execution is recorded in the broker's Redis by Celery's ``task_prerun`` /
``task_postrun`` signals (the benchmark reads start, end, process and state from there), and each
pool process writes its rate gate round trips and token reloads to PostgreSQL when it shuts down.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import httpx
import psycopg
import redis
from celery import Celery
from celery.signals import (
    task_postrun,
    task_prerun,
    worker_process_init,
    worker_process_shutdown,
)

from benchmarks.bench_fleet import delivery_rows, insert_deliveries, make_fleet
from freshbooks_sdk.auth import OAuthClient

CFG: dict[str, Any] = json.loads(os.environ["FB_BENCH_CFG"])

app = Celery("fleet_bench", broker=CFG["broker"], backend=CFG["broker"])
app.conf.update(
    worker_prefetch_multiplier=1,  # a busy pool process holds no other message
    broker_connection_retry_on_startup=True,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    result_expires=3600,
    worker_hijack_root_logger=False,
)

# Built at import, so the worker's main process knows the tasks; each pool process gets its own
# HTTP client at fork (worker_process_init); the Postgres stores reconnect after a fork.
fleet = make_fleet(app, CFG, None, deliver="fleet_bench.deliver")

_local: dict[str, Any] = {}  # this process's Redis and Postgres connections
_started: dict[str, tuple[float, float]] = {}  # task id -> (wall clock, perf counter)


def _redis() -> redis.Redis:
    client = _local.get("redis")
    if client is None or _local.get("pid") != os.getpid():
        client = redis.Redis(unix_socket_path=CFG["broker"].removeprefix("redis+socket://"))
        _local.update(redis=client, pid=os.getpid(), db=None)
    return client


@worker_process_init.connect
def _fresh_http(**_: Any) -> None:
    http = httpx.Client(timeout=30.0)
    base = CFG["base_url"]
    fleet.oauth = OAuthClient(*CFG["app"], api_base_url=base, auth_base_url=base, http_client=http)
    fleet.client_options = {"http_client": http}


@worker_process_shutdown.connect
def _report_process(**_: Any) -> None:
    reloads = sum(source.reloads for source in fleet.sources.values())
    with psycopg.connect(CFG["dsn"], autocommit=True) as db:
        db.execute(
            f"INSERT INTO stats_{CFG['tables']} VALUES (%s, %s, %s)".encode(),
            (os.getpid(), fleet.rate_gate.round_trips, reloads),
        )


@task_prerun.connect
def _task_started(task_id: str, task: Any, **_: Any) -> None:
    _started[task_id] = (time.time(), time.perf_counter())
    member = f"{task_id}:{os.getpid()}"
    pipe = _redis().pipeline()
    pipe.sadd("bench:running", member)
    pipe.hset("bench:pid", task_id, os.getpid())
    pipe.hincrby("bench:runs", task_id, 1)
    pipe.execute()


@task_postrun.connect
def _task_ended(task_id: str, task: Any, args: Any, state: str | None, **_: Any) -> None:
    wall, perf = _started.pop(task_id, (time.time(), time.perf_counter()))
    event = {
        "id": task_id,
        "name": task.name,
        "account": args[0] if args else None,
        "start": wall,
        "seconds": time.perf_counter() - perf,
        "state": state,
    }
    pipe = _redis().pipeline()
    pipe.rpush("bench:events", json.dumps(event))
    pipe.srem("bench:running", f"{task_id}:{os.getpid()}")
    pipe.execute()


@app.task(name="fleet_bench.deliver")
def deliver(account_id: str, activation: dict[str, Any]) -> None:
    """The user's downstream task: make the activation durable (the deliveries table)."""
    db = _local.get("db")
    if db is None or _local.get("db_pid") != os.getpid():
        db = psycopg.connect(CFG["dsn"], autocommit=True)
        _local.update(db=db, db_pid=os.getpid())
    insert_deliveries(db, CFG["tables"], delivery_rows(account_id, activation))


@app.task(name="fleet_bench.ping")
def ping() -> str:
    """A no-op: its send -> result time is the broker's round trip."""
    return "pong"
