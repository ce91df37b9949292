"""Webhooks: the fail-closed signature verifier, the handshake against the sandbox (which POSTs
verifications and signed events to a loopback receiver), and verified events as poll hints."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import inspect
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from freshbooks_sdk import AsyncFreshBooks, FreshBooks
from freshbooks_sdk.errors import InvalidRequestError, NotFoundError, UnprocessableEntityError
from freshbooks_sdk.models import Callback
from freshbooks_sdk.sandbox import ClockMismatchWarning, Sandbox
from freshbooks_sdk.sandbox.clock import FakeClock
from freshbooks_sdk.sandbox.seed import APP_SCOPES
from freshbooks_sdk.webhooks import (
    SIGNATURE_HEADER,
    PollHint,
    WebhookVerificationError,
    parse_verification,
    sign,
    verify_event,
)

UTC = timezone.utc
FIELDS = {
    "name": "invoice.update",
    "object_id": "921895",
    "account_id": "p7rQW5",
    "business_id": "14393743",
    "identity_id": "14051539",
    "user_id": "1",
}
BODY = urlencode(FIELDS).encode()


async def resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def collect(pager: Any) -> list[Any]:
    if hasattr(pager, "__aiter__"):
        return [item async for item in pager]
    return list(pager)


def reference_signature(fields: dict[str, str], verifier: str) -> str:
    # Written out by hand: Python's json.dumps defaults put ", " and ": " between items.
    message = "{" + ", ".join(f'"{k}": "{v}"' for k, v in fields.items()) + "}"
    digest = hmac.new(verifier.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


# ---- the verifier ------------------------------------------------------------------------------


def test_signature_is_hmac_sha256_over_python_json_of_the_form() -> None:
    assert sign(BODY, "verifier-123") == reference_signature(FIELDS, "verifier-123")
    event = verify_event(BODY, reference_signature(FIELDS, "verifier-123"), "verifier-123")
    assert (event.name, event.resource, event.action) == ("invoice.update", "invoice", "update")
    assert (event.object_id, event.account_id, event.business_id) == (921895, "p7rQW5", 14393743)
    assert (event.identity_id, event.user_id) == (14051539, 1)
    # the key order is not pinned by the docs: a signature over the sorted fields passes too
    sorted_sig = reference_signature(dict(sorted(FIELDS.items())), "verifier-123")
    assert verify_event(BODY, sorted_sig, "verifier-123").object_id == 921895


@pytest.mark.parametrize(
    ("body", "signature", "verifier", "account", "message"),
    [
        (BODY, None, "v", None, "missing"),
        (BODY, "", "v", None, "missing"),
        (BODY, "not base64!", "v", None, "base64"),
        (BODY, base64.b64encode(b"short").decode(), "v", None, "HMAC-SHA256"),
        (BODY, "SIG", "", None, "no verifier"),
        (BODY, "SIG", "   ", None, "no verifier"),
        (BODY.replace(b"921895", b"921896"), "SIG", "v", None, "does not match"),
        (BODY, "SIG:other", "v", None, "does not match"),
        (b"x" * 20_000, "SIG", "v", None, "bytes"),
        (BODY + b"&name=client.create", "SIG", "v", None, "repeats"),
        (b'{"name": "invoice.update"}', "SIG", "v", None, "form"),
        (b"\xff\xfe", "SIG", "v", None, "form"),
        (BODY, "SIG", "v", "ACM123", "not 'ACM123'"),
    ],
)
def test_verify_event_fails_closed(
    body: bytes, signature: str | None, verifier: str, account: str | None, message: str
) -> None:
    if signature == "SIG":
        signature = reference_signature(FIELDS, "v")
    elif signature == "SIG:other":
        signature = reference_signature(FIELDS, "another verifier")
    with pytest.raises(WebhookVerificationError, match=message):
        verify_event(body, signature, verifier, account_id=account)


def test_signed_but_malformed_events_are_refused() -> None:
    for fields, message in [
        (FIELDS | {"name": "invoice.update; drop"}, "not a FreshBooks event"),
        (FIELDS | {"object_id": "12a"}, "not an id"),
        ({k: v for k, v in FIELDS.items() if k != "object_id"}, "no object_id"),
        (FIELDS | {"account_id": "../x"}, "malformed"),
    ]:
        body = urlencode(fields).encode()
        with pytest.raises(WebhookVerificationError, match=message):
            verify_event(body, sign(body, "v"), "v")


def test_parse_verification() -> None:
    req = parse_verification(b"verifier=abc123&object_id=80001")
    assert req is not None and (req.callback_id, req.verifier) == (80001, "abc123")
    assert "abc123" not in repr(req)  # the verifier is the HMAC secret
    assert parse_verification(BODY) is None
    assert parse_verification(b"verifier=abc&object_id=x") is None
    assert parse_verification(b"\xff") is None


# ---- the handshake against the sandbox ---------------------------------------------------------


class Receiver:
    """A loopback HTTP endpoint recording every POST (form fields and headers)."""

    def __init__(self) -> None:
        self.posts: list[tuple[bytes, dict[str, str]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                outer.posts.append((self.rfile.read(length), dict(self.headers.items())))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/freshbooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


@pytest.fixture(params=["sync", "async"])
async def fb(
    request: pytest.FixtureRequest, freshbooks_sandbox: Sandbox, freshbooks_clock: FakeClock
) -> AsyncIterator[Any]:
    sb = freshbooks_sandbox
    kw: dict[str, Any] = {
        "access_token": sb.issue_token(scopes=APP_SCOPES),
        "clock": freshbooks_clock,
    }
    if request.param == "sync":
        client: Any = sb.client(**kw)
        yield client
        client.close()
    else:
        aclient = sb.async_client(**kw)
        yield aclient
        await aclient.aclose()


async def test_callback_handshake_and_signed_delivery(
    fb: Any, freshbooks_sandbox: Sandbox, receiver: Receiver
) -> None:
    sb = freshbooks_sandbox
    cb = await resolve(fb.callbacks.create(event="invoice", uri=receiver.url))
    assert isinstance(cb, Callback) and cb.verified is False and cb.event == "invoice"
    assert sb.request_log[-1].path == f"/events/account/{sb.account_ids[0]}/events/callbacks"

    sent = sb.deliver_webhooks()
    assert [status for _, status in sent] == [200]
    handshake = parse_verification(receiver.posts[0][0])
    assert handshake is not None and handshake.callback_id == cb.callbackid
    assert SIGNATURE_HEADER not in receiver.posts[0][1]

    with pytest.raises(UnprocessableEntityError):
        await resolve(fb.callbacks.verify(cb.callbackid, "wrong verifier"))
    verified = await resolve(fb.callbacks.verify(handshake.callback_id, handshake.verifier))
    assert verified.verified is True

    client = await resolve(fb.clients.create(email="hook@example.com", fname="Hook"))
    invoice = await resolve(
        fb.invoices.create(
            customer_id=client.id,
            create_date=date(2024, 5, 1),
            currency_code="USD",
            lines=[{"name": "Work", "qty": "1", "unit_cost": "10.00"}],
        )
    )
    assert [d.kind for d in sb.pending_webhooks] == ["invoice.create"]  # not client.create
    sb.deliver_webhooks()
    body, headers = receiver.posts[-1]
    event = verify_event(
        body, headers[SIGNATURE_HEADER], handshake.verifier, account_id=sb.account_ids[0]
    )
    assert (event.name, event.object_id) == ("invoice.create", invoice.id)
    assert event.business_id == sb.business(sb.account_ids[0]).business_id
    with pytest.raises(WebhookVerificationError):
        verify_event(body, headers[SIGNATURE_HEADER], "a guessed verifier")

    listed = await collect(fb.callbacks.list(event="invoice.create"))
    assert [c.callbackid for c in listed] == [cb.callbackid]
    assert ("search[event]", "invoice.create") in sb.request_log[-1].query
    assert await collect(fb.callbacks.list(event="client")) == []

    await resolve(fb.callbacks.resend_verification(cb.callbackid))
    assert [d.kind for d in sb.pending_webhooks] == ["verification"]
    assert await resolve(fb.callbacks.delete(cb.callbackid)) is None
    assert sb.request_log[-1].status == 204
    with pytest.raises(NotFoundError):
        await resolve(fb.callbacks.get(cb.callbackid))


async def test_callbacks_refuse_bad_input_before_network(
    fb: Any, freshbooks_sandbox: Sandbox
) -> None:
    before = len(freshbooks_sandbox.request_log)
    for kwargs, field in [
        ({"event": "invoice.paid", "uri": "https://x.example/h"}, "event"),
        ({"event": "invoices", "uri": "https://x.example/h"}, "event"),
        ({"event": "invoice", "uri": "ftp://x.example/h"}, "uri"),
        ({"event": "invoice", "uri": "https:///nohost"}, "uri"),
        ({"event": "invoice", "uri": "https://x.example/a b"}, "uri"),
    ]:
        with pytest.raises(InvalidRequestError) as info:
            await resolve(fb.callbacks.create(**kwargs))
        assert info.value.field == field
    with pytest.raises(InvalidRequestError) as info:
        await resolve(fb.callbacks.verify(5, ""))
    assert info.value.field == "verifier"
    with pytest.raises(InvalidRequestError):
        fb.callbacks.list(event="nope.create")
    assert len(freshbooks_sandbox.request_log) == before


def test_sandbox_never_posts_beyond_loopback(freshbooks_sandbox: Sandbox) -> None:
    sb = freshbooks_sandbox
    token = sb.issue_token(scopes=APP_SCOPES)
    with sb.client(access_token=token) as fb:
        fb.callbacks.create(event="client.create", uri="https://hooks.example.com/fb")
    [(delivery, status)] = sb.deliver_webhooks()
    assert status == "skipped: not a loopback address" and delivery.kind == "verification"


# ---- verified events as poll hints -------------------------------------------------------------


def _invoice(sb: Sandbox, note: str) -> int:
    client = sb.create(sb.account_ids[0], "clients", {"email": f"{note}@example.com"})
    made = sb.create(
        sb.account_ids[0],
        "invoices",
        {
            "customerid": client["id"],
            "create_date": "2024-05-01",
            "notes": note,
            "lines": [{"qty": 1, "unit_cost": {"amount": "5"}}],
        },
    )
    return int(made["id"])


def _event_for(invoice_id: int, verifier: str) -> tuple[bytes, str]:
    body = urlencode(
        FIELDS | {"name": "invoice.create", "object_id": str(invoice_id), "account_id": "ACM123"}
    ).encode()
    return body, sign(body, verifier)


async def test_async_hint_runs_the_next_cycle_now_with_the_same_dedupe(
    freshbooks_sandbox: Sandbox, freshbooks_clock: FakeClock
) -> None:
    sb, clock = freshbooks_sandbox, freshbooks_clock
    first = _invoice(sb, "first")
    clock.advance(600)
    with pytest.warns(ClockMismatchWarning, match="sleeps in real time"):
        afb = AsyncFreshBooks(
            access_token=sb.issue_token(),
            account_id=sb.account_ids[0],
            http_client=httpx.AsyncClient(transport=sb.async_transport()),
            clock=clock,  # the real asyncio sleep: the interval wait is really an hour long
        )
    poller = afb.invoices.poll(start=timedelta(days=1), store=None, interval=3600)
    hint = PollHint("hook-secret", account_id="ACM123")
    hint.attach(poller, "invoice")
    cycles = poller.run()
    assert [i.id for i in (await cycles.__anext__()).items] == [first]

    waiting = asyncio.ensure_future(cycles.__anext__())
    await asyncio.sleep(0.05)
    assert not waiting.done()  # sleeping out the hour
    with pytest.raises(WebhookVerificationError):  # a forged hint wakes nothing
        hint.deliver(*_event_for(first, "not the secret"))
    await asyncio.sleep(0.05)
    assert not waiting.done()

    second = _invoice(sb, "second")
    clock.advance(600)
    event = hint.deliver(*_event_for(second, "hook-secret"))
    activation = await asyncio.wait_for(waiting, timeout=5)
    assert event.object_id == second and hint.delivered == 1
    assert [i.id for i in activation.items] == [second]  # the first is not handed over again
    await cycles.aclose()
    await afb.aclose()


def test_sync_hint_wakes_a_sleeping_poller_from_another_thread(
    freshbooks_sandbox: Sandbox, freshbooks_clock: FakeClock
) -> None:
    sb, clock = freshbooks_sandbox, freshbooks_clock
    first = _invoice(sb, "first")
    clock.advance(600)
    with pytest.warns(ClockMismatchWarning, match="sleeps in real time"):  # on purpose: woken
        fb = FreshBooks(
            access_token=sb.issue_token(),
            account_id=sb.account_ids[0],
            http_client=httpx.Client(transport=sb.transport()),
            clock=clock,
        )
    poller = fb.invoices.poll(start=timedelta(days=1), store=None, interval=3600)
    hint = PollHint("hook-secret")
    hint.attach(poller, "invoice")
    cycles = iter(poller)
    assert [i.id for i in next(cycles).items] == [first]
    got: list[Any] = []
    worker = threading.Thread(target=lambda: got.append(next(cycles)), daemon=True)
    worker.start()
    worker.join(0.1)
    assert worker.is_alive()
    second = _invoice(sb, "second")
    clock.advance(600)
    hint.deliver(*_event_for(second, "hook-secret"))
    worker.join(5)
    assert not worker.is_alive() and [i.id for i in got[0].items] == [second]
    fb.close()


def test_hint_refuses_what_it_cannot_wake() -> None:
    with pytest.raises(WebhookVerificationError):
        PollHint("")
    hint = PollHint("s")
    with pytest.raises(InvalidRequestError, match="wake"):  # typed, naming ``poller``
        hint.attach(object(), "invoice")
    with pytest.raises(ValueError, match="event object"):
        hint.attach(datetime.now(UTC), "invoice.create")


async def test_wakeup_primitives_keep_a_wake_that_comes_early() -> None:
    from freshbooks_sdk._async._backend import Wakeup as AsyncWakeup
    from freshbooks_sdk._sync._backend import Wakeup as SyncWakeup

    slept: list[float] = []

    async def fake_async_sleep(seconds: float) -> None:
        slept.append(seconds)

    aw = AsyncWakeup()
    assert await aw.wait(fake_async_sleep, 60) is False and slept == [60]
    aw.set()
    assert await aw.wait(fake_async_sleep, 60) is True and slept == [60]  # no sleep at all
    assert await aw.wait(fake_async_sleep, 60) is False  # the wake was used up

    sw = SyncWakeup()
    sw.set()
    assert sw.wait(slept.append, 30) is True and slept == [60, 60]
    assert sw.wait(slept.append, 30) is False and slept[-1] == 30


# ---- hostile input never escapes as anything but WebhookVerificationError ----------------------


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=400), signature=st.one_of(st.none(), st.text(max_size=60)))
def test_random_deliveries_are_refused_typed(body: bytes, signature: str | None) -> None:
    with pytest.raises(WebhookVerificationError):
        verify_event(body, signature, "the-real-verifier")
    parse_verification(body)  # never raises: None or a request


@settings(max_examples=200, deadline=None)
@given(
    flip=st.integers(min_value=0, max_value=len(BODY) - 1),
    bit=st.integers(min_value=0, max_value=7),
)
def test_any_single_bit_flip_of_a_signed_body_is_refused(flip: int, bit: int) -> None:
    signature = sign(BODY, "v")
    tampered = bytearray(BODY)
    tampered[flip] ^= 1 << bit
    with pytest.raises(WebhookVerificationError):
        verify_event(bytes(tampered), signature, "v")


def test_auto_delivery_posts_as_soon_as_queued(
    freshbooks_sandbox: Sandbox, receiver: Receiver
) -> None:
    import time

    sb = freshbooks_sandbox
    sb.auto_deliver_webhooks()
    try:
        with sb.client(access_token=sb.issue_token(scopes=APP_SCOPES)) as fb:
            fb.callbacks.create(event="client", uri=receiver.url)
            deadline = time.monotonic() + 5
            while not receiver.posts and time.monotonic() < deadline:
                time.sleep(0.01)
            handshake = parse_verification(receiver.posts[0][0])
            assert handshake is not None
            fb.callbacks.verify(handshake.callback_id, handshake.verifier)
            client = fb.clients.create(email="auto@example.com")
            while len(receiver.posts) < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
        body, headers = receiver.posts[1]
        event = verify_event(body, headers[SIGNATURE_HEADER], handshake.verifier)
        assert (event.name, event.object_id) == ("client.create", client.id)
        assert sb.pending_webhooks == []
    finally:
        sb.auto_deliver_webhooks(False)
