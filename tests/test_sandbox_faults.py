"""Fault injection and the request log, in-process (sync, async) and over loopback HTTP."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from freshbooks_sdk.sandbox import FakeClock, Sandbox
from test_sandbox_support import BASE, Api, errors, make_sandbox, ok

CLIENTS = "/accounting/account/ACM123/users/clients"


@pytest.fixture
def sb() -> Sandbox:
    return make_sandbox()


def count_clients(sb: Sandbox) -> int:
    return len(sb.store("ACM123").clients)


def test_500_and_html502_are_not_processed(sb: Sandbox) -> None:
    api = Api(sb)
    sb.inject_faults(1, "500")
    sb.inject_faults(1, "html502")
    r = api.post("users/clients", {"client": {"email": "a@b.c"}})
    assert r.status_code == 500 and errors(r)[0]["errno"] == 500
    r = api.post("users/clients", {"client": {"email": "a@b.c"}})
    assert r.status_code == 502 and r.headers["content-type"] == "text/html"
    assert b"502 Bad Gateway" in r.content
    assert count_clients(sb) == 0
    assert api.post("users/clients", {"client": {"email": "a@b.c"}}).status_code == 200
    assert [e.status for e in sb.request_log] == [500, 502, 200]
    assert [e.fault for e in sb.request_log] == ["500", "html502", None]
    assert sb.internal_errors == []


def test_500_outside_accounting_uses_the_auth_body(sb: Sandbox) -> None:
    sb.inject_faults(1, "500", path_prefix="/auth/")
    http = httpx.Client(transport=sb.transport(), base_url=BASE)
    r = http.get("/auth/api/v1/users/me")
    assert r.status_code == 500
    assert r.json() == {
        "error": "internal_server_error",
        "error_description": "An unexpected error occurred.",
    }


def test_drop_before_does_not_process_drop_after_does(sb: Sandbox) -> None:
    api = Api(sb)
    sb.inject_faults(1, "drop_before")
    with pytest.raises(httpx.ConnectError):  # never reached the app: safe to retry
        api.post("users/clients", {"client": {"email": "a@b.c"}})
    assert count_clients(sb) == 0
    sb.inject_faults(1, "drop_after")
    with pytest.raises(httpx.RemoteProtocolError):
        api.post("users/clients", {"client": {"email": "a@b.c"}})
    assert count_clients(sb) == 1  # the ambiguous case: it happened, the client cannot know
    assert [(e.status, e.fault) for e in sb.request_log] == [
        (None, "drop_before"),
        (200, "drop_after"),
    ]


def test_timeout_is_raised_after_processing(sb: Sandbox) -> None:
    api = Api(sb)
    sb.inject_faults(1, "timeout", method="POST")
    assert api.get("users/clients").status_code == 200  # a GET does not match
    with pytest.raises(httpx.ReadTimeout):
        api.post("users/clients", {"client": {"email": "a@b.c"}})
    assert count_clients(sb) == 1
    assert sb.pending_faults == 0


def test_delay_advances_the_fake_clock_or_uses_injected_sleep() -> None:
    clock = FakeClock()
    sb = make_sandbox(clock=clock)
    start = clock.now()
    sb.inject_faults(1, "delay", seconds=30)
    assert Api(sb).get("users/clients").status_code == 200
    assert clock.now() - start == timedelta(seconds=30)

    slept: list[float] = []
    sb2 = make_sandbox(sleep=slept.append)
    sb2.inject_faults(2, "delay", seconds=2.5)
    Api(sb2).get("users/clients")
    Api(sb2).get("users/clients")
    assert slept == [2.5, 2.5]


def test_fault_filters_and_queue_order(sb: Sandbox) -> None:
    api = Api(sb)
    sb.inject_faults(1, "500", path_prefix="/accounting/account/ACM123/invoices")
    sb.inject_faults(2, "html502", method="GET")
    assert api.post("users/clients", {"client": {"email": "a@b.c"}}).status_code == 200
    assert api.get("invoices/invoices").status_code == 500
    assert api.get("invoices/invoices").status_code == 502
    assert api.get("users/clients").status_code == 502
    assert api.get("users/clients").status_code == 200
    sb.inject_faults(3, "500")
    sb.clear_faults()
    assert sb.pending_faults == 0 and api.get("users/clients").status_code == 200
    with pytest.raises(ValueError, match="unknown fault kind"):
        sb.inject_faults(1, "explode")


def test_request_log_counts(sb: Sandbox) -> None:
    api = Api(sb)
    for _ in range(3):
        api.get("users/clients", {"page": "1"})
    api.get("users/clients/9")
    gets = [e for e in sb.request_log if e.method == "GET" and e.path == CLIENTS]
    assert len(gets) == 3 and gets[0].query == (("page", "1"),)
    assert sb.request_log[-1].status == 404


async def test_async_transport_and_faults(sb: Sandbox) -> None:
    token = sb.issue_token()
    async with httpx.AsyncClient(
        transport=sb.async_transport(),
        base_url=BASE,
        headers={"Authorization": f"Bearer {token}"},
    ) as http:
        r = await http.post(CLIENTS, json={"client": {"email": "async@x.com"}})
        assert r.status_code == 200
        listed = await http.get(CLIENTS, params={"search[email]": "async@x.com"})
        assert listed.json()["response"]["result"]["total"] == 1
        sb.inject_faults(1, "drop_after")
        with pytest.raises(httpx.RemoteProtocolError):
            await http.get(CLIENTS)
        sb.inject_faults(1, "timeout")
        with pytest.raises(httpx.ReadTimeout):
            await http.get(CLIENTS)
        sb.inject_faults(1, "delay", seconds=5)
        before = sb.now()
        assert (await http.get(CLIENTS)).status_code == 200
        assert sb.now() - before == timedelta(seconds=5)
        sb.inject_faults(1, "html502")
        assert (await http.get(CLIENTS)).status_code == 502


def test_faults_over_http(sb: Sandbox) -> None:
    token = sb.issue_token()
    with sb.serve() as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        with httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=2.0
        ) as http:
            sb.inject_faults(1, "drop_before")
            with pytest.raises(httpx.RemoteProtocolError):
                http.post(CLIENTS, json={"client": {"email": "a@b.c"}})
            assert count_clients(sb) == 0
            sb.inject_faults(1, "drop_after")
            with pytest.raises(httpx.RemoteProtocolError):
                http.post(CLIENTS, json={"client": {"email": "a@b.c"}})
            assert count_clients(sb) == 1
            sb.inject_faults(1, "timeout", seconds=0.3)
            with pytest.raises(httpx.ReadTimeout):
                http.get(CLIENTS, timeout=0.05)
            sb.inject_faults(1, "delay", seconds=0.05)
            assert http.get(CLIENTS).status_code == 200
            sb.inject_faults(1, "html502")
            r = http.get(CLIENTS)
            assert r.status_code == 502 and r.headers["content-type"] == "text/html"
            assert ok(http.get(CLIENTS))["total"] == 1  # the connection pool recovers
