"""The fleet simulation, small: 30 businesses on loopback, 4 worker processes, shared state in
a real PostgreSQL, invoice updates (chaos and concurrent actions on connections being polled),
expiring tokens, 429 bursts and a worker SIGKILLed in the middle of a cycle (the full run is
``make bench-fleet``; a real Celery worker killed with SIGKILL and redelivered by ``acks_late``
is ``tests/test_fleet_celery.py``). Only invariants are asserted, never
timings.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("pgserver")
pytest.importorskip("psycopg")
pytest.importorskip("celery")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the benchmarks package

from benchmarks.bench_fleet import Settings, simulate


def test_fleet_simulation_loses_nothing() -> None:
    report = simulate(
        Settings(
            businesses=30,
            invoices_per_business=2,
            workers=4,
            chaos_seconds=3.0,
            token_lifetime=3,
            token_margin=1.5,
            touches_per_second=20.0,
            burst_every=1.5,
            burst_accounts=4,
            burst_seconds=1.5,
        )
    )
    shown = f"{report}"
    assert report.workers_killed == 1 and report.killed_mid_cycle == 1, shown
    # two processes worked on one connection at once (a poll and an action), and tokens
    # rotated by one process were found stale and reloaded by another
    assert report.actions > 0 and report.overlapping_jobs > 0, shown
    assert report.token_reloads > 0, shown
    assert report.updates_recorded > 20, shown
    assert report.updates_lost == 0 and report.seeded_invoices_lost == 0, shown
    # tokens expired during the run and every rotation took exactly one refresh request
    assert report.rotations >= 30, shown  # each of the 30 grants rotated at least once
    assert report.refused_refreshes == 0 and report.refresh_requests_per_rotation == 1.0, shown
    assert report.grants_lost == 0, shown
    assert report.responses_429 > 0, shown  # the bursts happened ...
    # ... and were absorbed (Retry-After, shared gate); a cycle that still met one is retried
    # by the next round, never a loss
    assert set(report.cycle_errors) <= {"RateLimitError"}, shown
    assert report.sandbox_internal_errors == 0, shown
    # the shared gate was used: at most one read per request plus one write per 429 (the
    # in-process cache saves reads within an account's cycle; measured in test_fleet_followup)
    assert 0 < report.gate_round_trips <= report.requests + report.responses_429, shown
    assert report.duplicate_deliveries <= report.deliveries // 4, shown
