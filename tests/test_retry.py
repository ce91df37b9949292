"""Table tests for retry decisions and Retry-After parsing (pure, no network)."""

from __future__ import annotations

import pytest

from freshbooks_sdk._core.retry import (
    Failure,
    RetryPolicy,
    backoff_delay,
    decide,
    http_date,
    parse_retry_after,
)

NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("0", 0.0),
        ("7", 7.0),
        ("  12 ", 12.0),
        ("1.5", 1.5),
        ("-3", 0.0),
        (http_date(NOW + 30), 30.0),
        (http_date(NOW - 30), 0.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
        ("", None),
        ("soon", None),
        ("nan", None),
        ("inf", None),
        (None, None),
    ],
)
def test_parse_retry_after_forms(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, NOW) == expected


POLICY = RetryPolicy(max_retries=3, max_retry_wait=60.0)


@pytest.mark.parametrize(
    ("kwargs", "retry", "delay"),
    [
        # 429 honours Retry-After for every method, POST included
        ({"status": 429, "retry_after": "5", "idempotent": False}, True, 5.0),
        ({"status": 429, "retry_after": http_date(NOW + 9), "idempotent": True}, True, 9.0),
        # absent / unparseable Retry-After: jittered backoff (rnd=0.5 -> 0.75 * 0.5)
        ({"status": 429, "retry_after": None, "idempotent": False}, True, 0.375),
        ({"status": 429, "retry_after": "later", "idempotent": False}, True, 0.375),
        # over the cap: not waited for
        ({"status": 429, "retry_after": "61", "idempotent": True}, False, 0.0),
        # 5xx: only idempotent
        ({"status": 500, "idempotent": True}, True, 0.375),
        ({"status": 503, "idempotent": False}, False, 0.0),
        ({"status": 507, "idempotent": True}, True, 0.375),  # every 5xx, not only 500/502/503/504
        ({"status": 503, "retry_after": "5", "idempotent": True}, True, 5.0),  # honoured on 5xx
        ({"status": 503, "retry_after": "600", "idempotent": True}, False, 0.0),  # over the cap
        # never retried
        ({"status": 400, "idempotent": True}, False, 0.0),
        ({"status": 401, "idempotent": True}, False, 0.0),
        ({"status": 403, "idempotent": True}, False, 0.0),
        ({"status": 404, "idempotent": True}, False, 0.0),
        ({"status": 409, "idempotent": True}, False, 0.0),
        ({"status": 422, "idempotent": True}, False, 0.0),
        # transport failures: before sending -> always; after sending -> idempotent only
        ({"failure": Failure.CONNECT, "idempotent": False}, True, 0.375),
        ({"failure": Failure.CONNECT_TIMEOUT, "idempotent": False}, True, 0.375),
        ({"failure": Failure.POOL_TIMEOUT, "idempotent": False}, True, 0.375),
        ({"failure": Failure.READ_TIMEOUT, "idempotent": False}, False, 0.0),
        ({"failure": Failure.DROPPED, "idempotent": False}, False, 0.0),
        ({"failure": Failure.WRITE_ERROR, "idempotent": False}, False, 0.0),
        ({"failure": Failure.READ_TIMEOUT, "idempotent": True}, True, 0.375),
        ({"failure": Failure.DROPPED, "idempotent": True}, True, 0.375),
    ],
)
def test_decision_table(kwargs: dict[str, object], retry: bool, delay: float) -> None:
    decision = decide(POLICY, attempt=0, now=NOW, rnd=0.5, **kwargs)  # type: ignore[arg-type]  # table rows
    assert decision.retry is retry, decision.reason
    assert decision.delay == pytest.approx(delay)
    assert decision.reason


def test_429_over_cap_reports_retry_after() -> None:
    decision = decide(
        POLICY, attempt=0, idempotent=True, status=429, retry_after="120", now=NOW, rnd=0.5
    )
    assert not decision.retry
    assert decision.retry_after == 120.0
    assert "max_retry_wait" in decision.reason


def test_retries_exhausted() -> None:
    last = decide(POLICY, attempt=3, idempotent=True, status=429, retry_after="1", now=NOW, rnd=0.5)
    assert not last.retry and last.retry_after == 1.0
    assert not decide(POLICY, attempt=3, idempotent=True, status=500, now=NOW, rnd=0.5).retry


@pytest.mark.parametrize("attempt", range(8))
@pytest.mark.parametrize("rnd", [0.0, 0.3, 1.0])
def test_backoff_is_bounded_and_jittered(attempt: int, rnd: float) -> None:
    ceiling = min(POLICY.backoff_max, POLICY.backoff_base * 2**attempt)
    d = backoff_delay(POLICY, attempt, rnd)
    assert ceiling / 2 <= d <= ceiling


def test_policy_refuses_negative_values() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)
