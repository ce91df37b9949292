"""The sandbox over real loopback HTTP, and the ``freshbooks sandbox serve`` entry point."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from freshbooks_sdk.sandbox import Sandbox, main_serve
from freshbooks_sdk.sandbox.server import SandboxServer
from test_sandbox_support import Api, make_sandbox, ok


@pytest.fixture
def sb() -> Sandbox:
    return make_sandbox()


@pytest.fixture
def base_url(sb: Sandbox) -> Iterator[str]:
    with sb.serve() as url:
        yield url


def test_crud_and_paging_over_http(sb: Sandbox, base_url: str) -> None:
    with httpx.Client(base_url=base_url) as http:
        api = Api(sb, http)
        client = api.client(fname="Over", lname="Http")
        inv = api.invoice(client["id"], due_offset_days=5)
        sent = ok(
            api.put(f"invoices/invoices/{inv['id']}", {"invoice": {"action_mark_as_sent": True}})
        )
        assert sent["invoice"]["v3_status"] == "sent"
        listed = ok(api.get("invoices/invoices", {"include[]": "lines", "per_page": "500"}))
        assert listed["per_page"] == 100 and listed["invoices"][0]["lines"][0]["qty"] == "1"
        assert api.get("users/clients/424242").status_code == 404
        assert api.get("users/clients", {"page": "abc"}).status_code == 400


def test_oauth_flow_over_http(sb: Sandbox, base_url: str) -> None:
    with httpx.Client(base_url=base_url) as http:
        r = http.get(
            "/oauth/authorize",
            params={
                "client_id": sb.client_id,
                "response_type": "code",
                "redirect_uri": sb.redirect_uris[0],
                "state": "s1",
            },
        )
        assert r.status_code == 302
        code = parse_qs(urlsplit(r.headers["location"]).query)["code"][0]
        tokens = http.post(
            "/auth/oauth/token",
            data={
                "grant_type": "authorization_code",
                "client_id": sb.client_id,
                "client_secret": sb.client_secret,
                "redirect_uri": sb.redirect_uris[0],
                "code": code,
            },
        ).json()
        me = http.get(
            "/auth/api/v1/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
        )
        assert me.status_code == 200 and len(me.json()["response"]["business_memberships"]) == 2


def test_chunked_body_and_keep_alive(sb: Sandbox, base_url: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"client": {"email":'
        yield b' "chunked@x.com"}}'

    token = sb.issue_token()
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}) as http:
        r = http.post(
            "/accounting/account/ACM123/users/clients",
            content=chunks(),
            headers={"content-type": "application/json"},
        )
        assert r.status_code == 200, r.text
        for _ in range(5):  # one pooled connection, several requests
            assert http.get("/accounting/account/ACM123/users/clients").status_code == 200


def read_all(conn: socket.socket) -> bytes:
    """Everything until the server closes the connection."""
    data = b""
    while chunk := conn.recv(65536):
        data += chunk
    return data


def test_protocol_garbage_gets_json(base_url: str) -> None:
    host, port = urlsplit(base_url).hostname, urlsplit(base_url).port
    assert host and port
    with socket.create_connection((host, port), timeout=2) as conn:
        conn.sendall(b"NONSENSE\r\n\r\n")
        reply = read_all(conn)
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400") or head.startswith(b"HTTP/1.0 400")
    assert body.startswith(b"{") and b"Traceback" not in body
    with socket.create_connection((host, port), timeout=2) as conn:
        conn.sendall(b"POST /auth/oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
        assert b" 400 " in conn.recv(65536).split(b"\r\n")[0]


def test_serve_on_a_given_port(sb: Sandbox) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with sb.serve(port=port) as url:
        assert url == f"http://127.0.0.1:{port}"
        assert httpx.get(f"{url}/nope").status_code == 404


def test_main_serve_prints_url_token_and_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[SandboxServer] = []

    def fake_forever(self: SandboxServer) -> None:
        seen.append(self)
        self.stop()  # releases the bound socket, as a Ctrl+C would

    monkeypatch.setattr(SandboxServer, "serve_forever", fake_forever)
    out = io.StringIO()
    assert main_serve(["--port", "0", "--seed", "7"], out=out) == 0
    text = out.getvalue()
    url = seen[0].base_url
    assert f"listening on {url}" in text
    token_line = next(line for line in text.splitlines() if "access token" in line)
    token = token_line.split()[-1]
    assert len(token) == 64
    sandbox = seen[0].sandbox
    assert (
        sandbox.handle(
            "GET", "/auth/api/v1/users/me", [], {"Authorization": f"Bearer {token}"}, b""
        ).status
        == 200
    )
    assert "ACM123" in text and "BAY456" in text and sandbox.client_id in text


def test_main_serve_reports_a_busy_port(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main_serve(["--port", str(port)], out=io.StringIO()) == 1
    assert "cannot listen" in capsys.readouterr().err


def test_concurrent_creates_are_serialized(sb: Sandbox, base_url: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    token = sb.issue_token()
    customer = sb.create("ACM123", "clients", {"email": "many@x.com"})["id"]

    def create(n: int) -> dict[str, object]:
        with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}) as h:
            body = {
                "invoice": {
                    "customerid": customer,
                    "create_date": "2024-03-15",
                    "lines": [{"qty": str(n), "unit_cost": {"amount": "1"}}],
                }
            }
            return ok(h.post("/accounting/account/ACM123/invoices/invoices", json=body))["invoice"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        made = list(pool.map(create, range(1, 25)))
    assert len({inv["id"] for inv in made}) == 24
    assert len({inv["invoice_number"] for inv in made}) == 24
    assert sb.internal_errors == []
