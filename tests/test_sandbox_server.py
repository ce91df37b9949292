"""The HTTP sandbox under load and under attack: uvicorn + the sandbox's ASGI app.

Every test here runs on loopback with small limits (fractions of a second), so the whole module
costs a few seconds: 128 concurrent clients with 0 errors, half-sent and idle connections released
without a thread each, the body cap for every framing, malformed requests answered 4xx (raw-socket
and in-process fuzz, bounded), the Date header from the sandbox clock, a clean stderr, a prompt
shutdown, and ``serve()`` without the server extra.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import ssl
import statistics
import struct
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from freshbooks_sdk.sandbox import FakeClock, Sandbox
from freshbooks_sdk.sandbox.router import RESOURCES
from freshbooks_sdk.sandbox.server import (
    SandboxServer,
    SandboxServerUnavailable,
    ServerLimits,
    main_serve,
)
from test_sandbox_support import make_sandbox

ROOT = Path(__file__).resolve().parents[1]
FAST = ServerLimits(
    max_body=64 * 1024,
    body_timeout=0.5,
    drain_seconds=0.5,
    header_timeout=0.5,
    keep_alive=0.5,
    shutdown_timeout=1.0,
)
CLIENTS = "/accounting/account/ACM123/users/clients"
# SANDBOX_FUZZ_SCALE=10 runs ten times the fuzz examples (the suite keeps the bounded default)
FUZZ_SCALE = max(1, int(os.environ.get("SANDBOX_FUZZ_SCALE", "1")))


@pytest.fixture
def sb() -> Sandbox:
    return make_sandbox()


@pytest.fixture
def server(sb: Sandbox) -> Iterator[SandboxServer]:
    srv = SandboxServer(sb, limits=FAST)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


def address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    assert parts.hostname and parts.port
    return parts.hostname, parts.port


def exchange(url: str, raw: bytes, *, timeout: float = 3.0) -> bytes:
    """Send raw bytes, read until the server closes (or ``timeout``)."""
    with socket.create_connection(address(url), timeout=timeout) as conn:
        try:
            conn.sendall(raw)
        except OSError:  # the server may close early (e.g. an answered 413); read what it said
            pass
        data = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = conn.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            data += chunk
        return data


def status_of(reply: bytes) -> int:
    line = reply.split(b"\r\n", 1)[0]
    assert line.startswith(b"HTTP/1.1 "), reply[:200]
    return int(line.split()[1])


def body_of(reply: bytes) -> Any:
    """The first response's body, as JSON (by its Content-Length: more may follow)."""
    head, _, rest = reply.partition(b"\r\n\r\n")
    lengths = [
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")[1:]
        if line.lower().startswith(b"content-length:")
    ]
    assert len(lengths) == 1, head
    assert len(rest) >= lengths[0], reply
    return json.loads(rest[: lengths[0]])


def read_response(conn: socket.socket) -> bytes:
    """Exactly one whole response from a keep-alive connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        assert chunk, data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")[1:]
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        chunk = conn.recv(65536)
        assert chunk, data
        body += chunk
    return head + b"\r\n\r\n" + body


# ---- the Date header -----------------------------------------------------------------------


def test_date_header_comes_from_the_sandbox_clock_and_there_is_no_server_header() -> None:
    clock = FakeClock(datetime(2024, 3, 15, 14, 0, 0, tzinfo=timezone.utc))
    sb = Sandbox(clock=clock)
    with sb.serve() as url, httpx.Client(base_url=url) as http:
        first = http.get("/auth/api/v1/users/me")
        clock.advance(3600 * 24 * 400)  # the server's clock, not the host's, is what is sent
        second = http.get(CLIENTS)
        garbage = exchange(url, b"NONSENSE\r\n\r\n")
    assert first.headers["date"] == "Fri, 15 Mar 2024 14:00:00 GMT"
    assert second.headers["date"] == "Sat, 19 Apr 2025 14:00:00 GMT"
    assert first.headers.get_list("date") == [first.headers["date"]]  # uvicorn adds none
    assert "server" not in first.headers and "server" not in second.headers
    assert b"\r\ndate: Sat, 19 Apr 2025 14:00:00 GMT\r\n" in garbage
    # in-process too: the same answer whichever transport
    inproc = httpx.Client(transport=sb.transport(), base_url="https://api.freshbooks.com")
    assert inproc.get("/auth/api/v1/users/me").headers["date"] == "Sat, 19 Apr 2025 14:00:00 GMT"


# ---- load --------------------------------------------------------------------------------------


def test_128_concurrent_clients_see_no_errors(sb: Sandbox) -> None:
    """128 clients connect at once (the old ``http.server`` had a listen backlog of 5 and lost
    21-39 requests a run). Sync httpx in threads, as a fleet of SDK workers would be."""
    token = sb.issue_token()
    for n in range(3):
        sb.create("ACM123", "clients", {"email": f"load{n}@x.com"})
    clients, rounds = 128, 3
    latencies: list[float] = []
    errors: list[str] = []
    peers: set[object] = set()
    start = threading.Barrier(clients)

    def one(http: httpx.Client) -> None:
        start.wait()  # every client at once: 128 connects in the same instant
        for _ in range(rounds):
            began = time.perf_counter()
            try:
                r = http.get(CLIENTS, params={"per_page": "3"})
                if r.status_code != 200 or len(r.json()["response"]["result"]["clients"]) != 3:
                    errors.append(f"{r.status_code}: {r.text[:100]}")
                peers.add(r.extensions["network_stream"].get_extra_info("client_addr"))
            except httpx.HTTPError as exc:
                errors.append(repr(exc))
            latencies.append(time.perf_counter() - began)

    tls = ssl.create_default_context()  # built once: 128 clients need not load it 128 times
    with SandboxServer(sb) as url:  # the default limits, as users get them
        headers = {"Authorization": f"Bearer {token}"}
        https = [
            httpx.Client(base_url=url, headers=headers, timeout=30, verify=tls)
            for _ in range(clients)
        ]  # one client each, so one connection each
        threads = [threading.Thread(target=one, args=(http,)) for http in https]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for http in https:
            http.close()
    assert errors == []
    assert len(latencies) == clients * rounds
    assert len(peers) >= clients  # a connection each (more if one idled out under load)
    cuts = statistics.quantiles(latencies, n=100)
    print(f"128 clients x {rounds}: p50 {cuts[49] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms")
    assert sb.internal_errors == []


def test_half_sent_and_idle_connections_are_released_without_threads(
    sb: Sandbox, server: SandboxServer
) -> None:
    url = server.base_url
    threads_before = threading.active_count()
    held: list[socket.socket] = []
    try:
        for n in range(200):
            conn = socket.create_connection(address(url), timeout=5)
            if n % 2:  # half a request head, then silence (slowloris)
                conn.sendall(b"GET /auth/api/v1/users/me HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            held.append(conn)
        assert threading.active_count() <= threads_before + 1  # no thread per connection
        # the server still answers while 200 connections dangle
        assert httpx.get(f"{url}/auth/api/v1/users/me").status_code == 401
        deadline = time.monotonic() + 5
        closed = 0
        for conn in held:  # each one is closed by the server within the head deadline
            conn.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                closed += conn.recv(1024) == b""
            except ConnectionResetError:
                closed += 1
        assert closed == 200
    finally:
        for conn in held:
            conn.close()


def test_idle_keep_alive_and_slow_bodies_are_cut_off(server: SandboxServer) -> None:
    url = server.base_url
    with socket.create_connection(address(url), timeout=5) as conn:  # keep-alive, then idle
        conn.sendall(b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
        first = read_response(conn)
        assert status_of(first) == 404 and body_of(first)["error"]
        assert conn.recv(65536) == b""  # closed after keep_alive (0.5 s)
    slow = exchange(
        url,
        b"POST /auth/oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc",
    )
    assert status_of(slow) == 408
    assert body_of(slow)["error"] == "request_timeout"


def test_a_client_that_never_reads_is_cut_off(sb: Sandbox) -> None:
    """Pipelined requests for big pages, never read: the server buffers one answer, waits
    ``write_timeout`` for the client to take it, then closes the connection."""
    for n in range(100):
        sb.create("ACM123", "clients", {"email": f"reader{n}@x.com", "note": "n" * 2000})
    limits = ServerLimits(write_timeout=0.3, shutdown_timeout=1.0)
    request = (
        f"GET {CLIENTS}?per_page=100 HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {sb.issue_token()}\r\n\r\n"
    ).encode()
    with sb.serve(limits=limits) as url:
        conn = socket.socket()
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        conn.connect(address(url))
        with conn:
            conn.sendall(request * 30)  # about 9 MB of answers asked for
            time.sleep(0.6)  # two write timeouts: the server has given up on us
            conn.settimeout(5)
            received = b""
            while True:
                try:
                    chunk = conn.recv(1 << 20)
                except ConnectionResetError:
                    break
                if not chunk:
                    break
                received += chunk
        assert 0 < received.count(b"HTTP/1.1 200 OK") < 30  # cut off, not served to the end
        assert httpx.get(f"{url}/nope").status_code == 404  # and the server is fine
    assert sb.internal_errors == []


# ---- the body cap -----------------------------------------------------------------------------


def test_body_cap_holds_for_every_framing(sb: Sandbox, server: SandboxServer) -> None:
    url = server.base_url
    cap = FAST.max_body
    head = f"POST {CLIENTS} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    # declared too big, with Expect: 100-continue: refused before any body is invited
    reply = exchange(
        url, f"{head}Content-Length: {cap + 1}\r\nExpect: 100-continue\r\n\r\n".encode()
    )
    assert status_of(reply) == 413 and b"100 Continue" not in reply
    assert body_of(reply)["response"]["errors"][0]["errno"] == 413
    # declared too big and sent: drained, then a clean 413 the client can read
    reply = exchange(url, f"{head}Content-Length: {cap + 10}\r\n\r\n".encode() + b"x" * (cap + 10))
    assert status_of(reply) == 413
    # chunked, honest sizes, too many of them
    chunk = b"%x\r\n%s\r\n" % (4096, b"y" * 4096)
    reply = exchange(url, f"{head}Transfer-Encoding: chunked\r\n\r\n".encode() + chunk * 20)
    assert status_of(reply) == 413
    # chunked with a size that lies (a terabyte), then more data than the cap
    reply = exchange(
        url,
        f"{head}Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFF\r\n".encode() + b"z" * (cap + 4096),
    )
    assert status_of(reply) == 413
    # chunk size -1 (bypassed the old cap): a protocol error, answered 400 in JSON
    reply = exchange(url, f"{head}Transfer-Encoding: chunked\r\n\r\n-1\r\n".encode() + b"w" * 1000)
    assert status_of(reply) == 400 and body_of(reply)["error"] == "bad_request"
    # no length at all: nothing is read as a body (errno 1005), what follows is a bad request
    auth = f"Authorization: Bearer {sb.issue_token()}\r\n"
    reply = exchange(url, f"{head}{auth}\r\n{{}}\r\n\r\n".encode())
    first, _, rest = reply.partition(b"\r\n\r\n")
    assert status_of(first) == 400 and b'"errno":1005' in rest
    assert b"HTTP/1.1 400 Bad Request" in rest and b'"error":"bad_request"' in rest
    assert sb.internal_errors == []


def test_default_cap_is_10_mb_and_a_body_under_it_is_read(sb: Sandbox) -> None:
    token = sb.issue_token()
    with sb.serve() as url, httpx.Client(base_url=url, timeout=30) as http:
        headers = {"Authorization": f"Bearer {token}", "content-type": "application/json"}
        big = http.post(CLIENTS, content=b" " * (10 * 1024 * 1024 + 1), headers=headers)
        assert big.status_code == 413
        padded = b'{"client": {"email": "pad@x.com"}}' + b" " * (9 * 1024 * 1024)
        assert http.post(CLIENTS, content=padded, headers=headers).status_code == 200


# ---- malformed input ----------------------------------------------------------------------------

NASTY_PATHS = [
    "/accounting/account/ACM123/invoices/invoices/%C2%B2",
    "/accounting/account/ACM123/invoices/invoices/%E0%A5%A8",  # a Devanagari digit
    "/accounting/account/ACM123/users/clients/99999999999999999999999999",
    "/accounting/account/ACM123/users/clients/-1",
    "/accounting/account/%00/users/clients",
    "/accounting/account/ACM123/users/clients/1/2/3/4",
    "/accounting/account//users/clients",
    "/accounting/account/ACM123/%ff%fe/%c0%af",
    "/auth/api/v1/users/me/%ED%A0%80",
    "//",
    "/%",
    "/accounting/account/ACM123/users/clients?page=%C2%B2",
    "/accounting/account/ACM123/invoices/invoices?search[invoiceid]=%C2%B2",
    "/accounting/account/ACM123/invoices/invoices?search[customerid]=%D9%A3&page=1&per_page=%00",
    "/accounting/account/ACM123/invoices/invoices?include[]=lines&include[]=%ff",
]


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_malformed_paths_are_4xx(sb: Sandbox, server: SandboxServer, method: str) -> None:
    token = sb.issue_token()
    with httpx.Client(base_url=server.base_url) as http:
        for path in NASTY_PATHS:
            r = http.request(
                method, path, headers={"Authorization": f"Bearer {token}"}, content=b"{}"
            )
            # a bad id or page is refused; a bad filter over no records may find nothing
            low = 200 if "?" in path and method == "GET" else 400
            assert low <= r.status_code < 500, (path, r.status_code, r.text)
            assert r.headers["content-type"] == "application/json"
            assert "Traceback" not in r.text and "Error:" not in r.text
            r.json()
    assert sb.internal_errors == []


_TOKEN_SB = make_sandbox()
_TOKEN = _TOKEN_SB.issue_token()
_SEEDED = _TOKEN_SB.create("ACM123", "clients", {"email": "fuzz@x.com"})["id"]  # 1000001
_TOKEN_SB.create(
    "ACM123",
    "invoices",
    {"customerid": _SEEDED, "create_date": "2024-03-01", "lines": [{"unit_cost": {"amount": "1"}}]},
)  # 2000001 (categories start at 4000001)
# every registered accounting resource (new ones are fuzzed as soon as they are routed)
_COLLECTIONS = sorted(f"{r.area}/{r.name}" for r in RESOURCES.values())
_SINGLES = sorted({r.single for r in RESOURCES.values()})
_FIELDS = [
    *("email", "fname", "lname", "organization", "customerid", "clientid", "create_date"),
    *("due_offset_days", "currency_code", "lines", "qty", "unit_cost", "amount", "code"),
    *("vis_state", "ext_vis_state", "action_email", "action_mark_as_sent", "date", "notes"),
    *("categoryid", "staffid", "vendor", "po_number", "invoice_number", "recipients", "taxAmount1"),
]
_rid = st.one_of(
    st.sampled_from(["1", "1000001", "2000001", "0", "-1", "1.5", " 1", "²", "9" * 25]),
    st.text(max_size=6),
)
_accounting_path = st.builds(
    lambda account, collection, rid: (
        f"/accounting/account/{account}/{collection}" + ("" if rid is None else f"/{rid}")
    ),
    st.sampled_from(["ACM123", "ACM123", "ACM123", "BAY456", "NOPE99", ""]),
    st.sampled_from(_COLLECTIONS),
    st.one_of(
        st.none(), st.none(), st.sampled_from(["1000001", "2000001", "4000001", "3000001"]), _rid
    ),
)
_segment = st.one_of(
    st.sampled_from(["accounting", "account", "ACM123", "users", "clients", "auth", "me", ""]),
    st.text(max_size=8),
)
_path = st.one_of(
    _accounting_path,
    _accounting_path,
    st.sampled_from(
        ["/auth/api/v1/users/me", "/auth/oauth/token", "/auth/oauth/revoke", "/oauth/authorize"]
    ),
    st.lists(_segment, min_size=1, max_size=7).map(lambda parts: "/" + "/".join(parts)),
)
_query_value = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["1", "0", "-1", "²", "", "lines", "2024-03-15", "9999-12-31T23:59:59"]),
)
_query_key = st.one_of(
    st.sampled_from(["page", "per_page", "include[]", "search[invoiceid]", "search[updated_min]"])
    | st.sampled_from(["search[email]", "search[vis_state]", "search[customerids][]", "sort"]),
    st.text(max_size=10),
)
_json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10) | st.floats(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
_record = st.dictionaries(st.sampled_from(_FIELDS), _json_value, max_size=5)
_wrapped = st.builds(
    lambda key, inner: json.dumps({key: inner}).encode(), st.sampled_from(_SINGLES), _record
)
_body = st.one_of(
    st.binary(max_size=64), _json_value.map(lambda v: json.dumps(v).encode()), _wrapped, _wrapped
)


@settings(
    max_examples=300 * FUZZ_SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    method=st.sampled_from(
        ["GET", "GET", "POST", "POST", "POST", "PUT", "PUT", "PUT", "DELETE", "PATCH", "BREW"]
    ),
    path=_path,
    query=st.lists(st.tuples(_query_key, _query_value), max_size=4),
    body=_body,
    headers=st.dictionaries(
        st.sampled_from(["x-api-version", "content-type", "accept", "x-anything"]),
        st.text(max_size=12),
        max_size=3,
    ),
    authed=st.integers(0, 3).map(bool),  # mostly authenticated: the handlers get to run
)
def test_fuzz_router_queries_bodies_headers_never_5xx(
    method: str,
    path: str,
    query: list[tuple[str, str]],
    body: bytes,
    headers: dict[str, str],
    authed: bool,
) -> None:
    """The application itself (what every transport calls): never a 5xx, always JSON."""
    sb = _TOKEN_SB
    if authed:
        headers = {**headers, "authorization": f"Bearer {_TOKEN}"}
    r = sb.handle(method, path, query, headers, body)
    assert r.status < 500, (r.status, r.body[:300])
    assert r.header("content-type") == "application/json"
    r.json()
    assert sb.internal_errors == []


_token_chars = st.sampled_from(list("GETPOSTPUTDELEHADxyz-!#"))
_target = st.one_of(
    st.sampled_from([CLIENTS, "/auth/api/v1/users/me", "/auth/oauth/token", "*", "/"]),
    st.binary(max_size=20).map(lambda b: "/" + quote(b, safe="/?=&[]%")),
    st.binary(min_size=1, max_size=12),  # raw bytes, CR/LF/NUL included
)
_header_line = st.one_of(
    st.sampled_from(
        [
            *(b"Content-Length: 5", b"Content-Length: -1", b"Content-Length: 1e3"),
            *(b"Content-Length:", b"Transfer-Encoding: chunked", b"Expect: 100-x"),
            *(b"Transfer-Encoding: gzip, chunked", b"Content-Length: 2\r\nContent-Length: 3"),
            *(b"Host:", b" folded", b"X: \x00", b":"),
        ]
    ),
    st.binary(max_size=24),
)


@settings(
    max_examples=100 * FUZZ_SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    method=st.text(_token_chars, min_size=0, max_size=8).map(str.encode),
    target=_target.map(lambda t: t if isinstance(t, bytes) else t.encode()),
    version=st.sampled_from([b"HTTP/1.1", b"HTTP/1.0", b"HTTP/2.0", b"HTTP/1.1x", b""]),
    header_lines=st.lists(_header_line, max_size=4),
    body=st.binary(max_size=16),
)
def test_fuzz_raw_requests_over_the_socket_never_5xx(
    fuzz_server: SandboxServer,
    method: bytes,
    target: bytes,
    version: bytes,
    header_lines: list[bytes],
    body: bytes,
) -> None:
    """Raw bytes at the real server: a 4xx (JSON) or a closed connection, never a 5xx."""
    head = b" ".join(part for part in (method, target, version) if part)
    lines = [head, b"Host: fuzz", b"Connection: close", *header_lines]
    reply = exchange(fuzz_server.base_url, b"\r\n".join(lines) + b"\r\n\r\n" + body, timeout=3)
    if reply:
        status = status_of(reply)
        assert status < 500, reply[:300]
        if status >= 400 and method != b"HEAD":  # (a HEAD answer has no body)
            body_of(reply)
    assert fuzz_server.sandbox.internal_errors == []


@pytest.fixture(scope="module")
def fuzz_server() -> Iterator[SandboxServer]:
    srv = SandboxServer(make_sandbox(), limits=FAST)
    srv.start()
    yield srv
    srv.stop()


# ---- disconnects, faults, shutdown, a clean stderr ------------------------------------------


def test_disconnects_and_faults_leave_stderr_clean(
    sb: Sandbox,
    server: SandboxServer,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    url = server.base_url
    token = sb.issue_token()
    for n in range(120):
        sb.create("ACM123", "clients", {"email": f"many{n}@x.com"})
    auth = f"Authorization: Bearer {token}\r\n".encode()
    for _ in range(5):
        # a client that goes away mid-body, one that goes away before reading a big answer
        with socket.create_connection(address(url)) as conn:
            conn.sendall(b"POST " + CLIENTS.encode() + b" HTTP/1.1\r\nContent-Length: 100\r\n\r\n{")
        with socket.create_connection(address(url)) as conn:
            conn.sendall(
                b"GET "
                + CLIENTS.encode()
                + b"?per_page=100 HTTP/1.1\r\nHost: x\r\n"
                + auth
                + b"\r\n"
            )
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        exchange(url, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(40))  # TLS hello
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as http:
        sb.inject_faults(1, "drop_before")
        with pytest.raises(httpx.RemoteProtocolError):
            http.get(CLIENTS)
        sb.inject_faults(1, "drop_after", method="POST")
        with pytest.raises(httpx.RemoteProtocolError):
            http.post(CLIENTS, json={"client": {"email": "applied@x.com"}})
        assert (
            http.get(CLIENTS, params={"search[email]": "applied@x.com"}).json()["response"][
                "result"
            ]["total"]
            == 1
        )  # processed, then dropped
        sb.inject_faults(1, "timeout", seconds=0.2)
        with pytest.raises(httpx.RemoteProtocolError):
            http.get(CLIENTS)
        sb.inject_faults(1, "delay", seconds=0.05)
        assert http.get(CLIENTS).status_code == 200
        head = http.head("/auth/api/v1/users/me")
        assert head.status_code == 405 and head.content == b""  # users/me is GET only
    time.sleep(0.1)  # let the server notice the last disconnects
    _out, err = capfd.readouterr()
    assert err == ""
    noisy = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert noisy == []
    assert sb.internal_errors == []


def test_stop_is_prompt_with_requests_waiting(sb: Sandbox) -> None:
    srv = SandboxServer(sb, limits=FAST)
    url = srv.start()
    sb.inject_faults(1, "timeout", seconds=60)
    failures: list[BaseException] = []

    def waiting_client() -> None:
        try:
            httpx.get(f"{url}/nope", timeout=30)
        except httpx.HTTPError as exc:
            failures.append(exc)

    slow = socket.create_connection(address(url))  # a body that never comes
    slow.sendall(b"POST /auth/oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n")
    thread = threading.Thread(target=waiting_client)
    thread.start()
    time.sleep(0.1)
    began = time.monotonic()
    srv.stop()
    stopped_in = time.monotonic() - began
    thread.join(5)
    slow.close()
    assert stopped_in < 2.0  # neither the 60 s fault nor the stuck body holds the stop
    assert len(failures) == 1 and isinstance(failures[0], httpx.RemoteProtocolError)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/nope", timeout=1)


async def test_the_asgi_app_alone_caps_bodies_and_dates_answers() -> None:
    """``sb.asgi_app()`` needs no server: the same cap and Date under ``httpx.ASGITransport``."""
    clock = FakeClock(datetime(2024, 3, 15, 14, 0, 0, tzinfo=timezone.utc))
    sb = Sandbox(clock=clock)
    headers = {"Authorization": f"Bearer {sb.issue_token()}"}
    transport = httpx.ASGITransport(app=sb.asgi_app())
    async with httpx.AsyncClient(
        transport=transport, base_url="http://sandbox", headers=headers
    ) as http:
        made = await http.post(CLIENTS, json={"client": {"email": "asgi@x.com"}})
        assert made.status_code == 200 and made.headers["date"] == "Fri, 15 Mar 2024 14:00:00 GMT"

        async def stream() -> AsyncIterator[bytes]:
            for _ in range(11):
                yield b" " * (1024 * 1024)

        big = await http.post(CLIENTS, content=stream())
        assert big.status_code == 413
        assert big.json()["response"]["errors"][0]["errno"] == 413
    assert sb.internal_errors == []


# ---- without the server extra -----------------------------------------------------------------


def test_serve_without_the_extra_is_a_typed_error(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if `server` were not installed
    with pytest.raises(SandboxServerUnavailable) as caught:
        sb.serve(port=0)
    assert isinstance(caught.value, ImportError)
    assert "freshbooks-typed[server]" in str(caught.value)
    with httpx.Client(transport=sb.transport(), base_url="https://api.freshbooks.com") as http:
        assert http.get("/auth/api/v1/users/me").status_code == 401
    assert main_serve(["--port", "0"]) == 1
    assert "freshbooks-typed[server]" in capsys.readouterr().err


def test_in_process_transport_never_imports_uvicorn() -> None:
    code = (
        "import sys; sys.modules['uvicorn'] = None\n"
        "import asyncio, httpx\n"
        "from freshbooks_sdk import FreshBooks\n"
        "from freshbooks_sdk.sandbox import Sandbox\n"
        "sb = Sandbox()\n"
        "fb = FreshBooks(access_token=sb.issue_token(), account_id=sb.account_ids[0],\n"
        "    http_client=httpx.Client(transport=sb.transport()))\n"
        "fb.clients.create(email='a@b.com')\n"
        "async def main():\n"
        "    async with httpx.AsyncClient(transport=sb.async_transport(),\n"
        "            base_url='https://api.freshbooks.com') as h:\n"
        "        return (await h.get('/auth/api/v1/users/me')).status_code\n"
        "assert asyncio.run(main()) == 401\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
    assert "uvicorn" not in done.stderr


def test_server_limits_are_checked() -> None:
    with pytest.raises(ValueError, match="max_body"):
        ServerLimits(max_body=0)
    with pytest.raises(ValueError, match="header_timeout"):
        ServerLimits(header_timeout=float("nan"))
    with pytest.raises(ValueError, match="backlog"):
        ServerLimits(backlog=True)
