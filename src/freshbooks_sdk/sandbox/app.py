"""The :class:`Sandbox`: an in-memory, thread-safe FreshBooks-compatible API application.

>>> sb = Sandbox(clock=FakeClock())
>>> token = sb.issue_token()
>>> r = sb.handle("GET", f"/accounting/account/{sb.account_ids[0]}/users/clients", [],
...               {"Authorization": f"Bearer {token}"}, b"")
>>> r.status, r.json()["response"]["result"]["pages"]
(200, 0)
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

from freshbooks_sdk._core.fbtime import ensure_aware

from .clock import Clock, FakeClock, system_clock
from .errors import (
    ACCESS_DENIED_MESSAGE,
    AccountingError,
    AuthError,
    ErrorFormat,
    ErrorItem,
    render_accounting_error,
)
from .faults import (
    HTML_502,
    RESPONSE_FAULTS,
    ConnectionDropped,
    Fault,
    FaultQueue,
    RateLimit,
    ResponseTimedOut,
)
from .identity import render_me
from .oauth import DEFAULT_EXPIRES_IN, InvalidToken, OAuthServer
from .populate import build_store
from .resources.base import Ctx
from .resources.business import (
    UNAUTHORIZED_BODY,
    BusinessData,
    BusinessError,
    BusinessRoute,
    match_business,
)
from .resources.business import respond as business_respond
from .resources.callbacks import (
    CallbackState,
    EventsError,
    PendingDelivery,
    is_loopback,
    match_callbacks,
)
from .resources.callbacks import respond as callbacks_respond
from .resources.invoice_pdf import PDF_CONTENT_TYPE, render_invoice_pdf
from .resources.invoices import pay
from .router import RESOURCES, Route, match
from .seed import (
    APP_CLIENT_ID,
    APP_CLIENT_SECRET,
    APP_REDIRECT_URIS,
    APP_SCOPES,
    BUSINESSES,
    IDENTITY,
    INTEGRATION_SCOPES,
    BusinessSeed,
)
from .store import AccountStore, OutboxEmail, World
from .validate import to_decimal
from .wire import JsonObj, SandboxRequest, SandboxResponse, json_response

if TYPE_CHECKING:
    import httpx

    from freshbooks_sdk._async.client import AsyncFreshBooks
    from freshbooks_sdk._sync.client import FreshBooks

    from .asgi import ASGIApp, ServerLimits

__all__ = ["LoggedRequest", "Sandbox"]

logger = logging.getLogger("freshbooks_sdk.sandbox")

_API_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_RPC_SINCE = "2022-10-31"
_NOT_FOUND_TEXT = (
    "The requested URL was not found on the server. If you entered the URL manually please "
    "check your spelling and try again."
)


@dataclass(frozen=True)
class LoggedRequest:
    """One request the sandbox saw. ``status`` is None when no response was produced."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    status: int | None
    fault: str | None = None


class Sandbox:
    """An in-memory FreshBooks API: OAuth, identity, clients, invoices (and their PDF), expenses,
    categories, staff, payments, taxes, items, time entries, projects and webhook callbacks.

    >>> sb = Sandbox()
    >>> sb.account_ids
    ['ACM123', 'BAY456']
    >>> sb.staff_id("BAY456")   # the identity's own staff id in that business
    2

    Args:
        clock: returns the current aware UTC datetime; a :class:`FakeClock` makes time
            controllable (default: real time).
        error_format: ``"classic"`` (default) or ``"rpc"`` for accounting errors; a request's
            ``X-API-VERSION: 2022-10-31`` (or later) header selects ``rpc`` per request.
        seed: makes tokens, uuids and usernames reproducible (cassettes, demos).
        sleep: how in-process ``delay`` faults wait (default: advance a FakeClock, else sleep).
        client_id: the seeded OAuth app's client id.
        client_secret: the seeded OAuth app's client secret.
        redirect_uris: the seeded OAuth app's registered redirect URIs.

    Use it in-process with ``httpx.Client(transport=sb.transport())`` (or
    ``sb.async_transport()``), or over loopback HTTP with ``with sb.serve() as base_url:``.
    """

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        error_format: ErrorFormat = "classic",
        seed: int | None = None,
        sleep: Callable[[float], None] | None = None,
        client_id: str = APP_CLIENT_ID,
        client_secret: str = APP_CLIENT_SECRET,
        redirect_uris: Sequence[str] = APP_REDIRECT_URIS,
    ) -> None:
        if error_format not in ("classic", "rpc"):
            raise ValueError(f"error_format must be 'classic' or 'rpc', not {error_format!r}")
        self._lock = threading.RLock()
        self._clock: Clock = clock or system_clock
        self._sleep = sleep
        self.error_format: ErrorFormat = error_format
        self._world = World(seed)
        self._oauth = OAuthServer(
            self._world,
            client_id=client_id,
            client_secret=client_secret,
            redirect_uris=redirect_uris,
            app_scopes=APP_SCOPES,
        )
        self._businesses: dict[str, BusinessSeed] = {b.account_id: b for b in BUSINESSES}
        self._stores = {b.account_id: build_store(self._world, b) for b in BUSINESSES}
        self._faults = FaultQueue()
        self._business_data = BusinessData()  # time entries and projects, by business_id
        self._callbacks = CallbackState()  # webhook registrations and queued deliveries
        self._delivery_wake = threading.Event()
        self._delivery_thread: threading.Thread | None = None
        self._delivery_stop = False
        self._limits: dict[str, RateLimit] = {}
        self.request_log: list[LoggedRequest] = []
        """Every request seen, in order (method, path, query, status, fault)."""
        self.internal_errors: list[BaseException] = []
        """Exceptions the sandbox turned into 500s: sandbox bugs, never FreshBooks behaviour."""

    # ---- identity and seeded world -------------------------------------------------------

    @property
    def account_ids(self) -> list[str]:
        """The seeded businesses' account ids; the first is the default business."""
        return list(self._businesses)

    @property
    def identity_id(self) -> int:
        """The seeded user's identity id (``users/me`` ``identity_id``)."""
        return IDENTITY.identity_id

    @property
    def client_id(self) -> str:
        """The seeded OAuth app's client id."""
        return self._oauth.client_id

    @property
    def client_secret(self) -> str:
        """The seeded OAuth app's client secret."""
        return self._oauth.client_secret

    @property
    def redirect_uris(self) -> list[str]:
        """Redirect URIs registered for the seeded app (append to register more)."""
        return self._oauth.redirect_uris

    @property
    def outbox(self) -> list[OutboxEmail]:
        """Invoice emails "sent" by ``action_email``, oldest first."""
        return self._world.outbox

    def business(self, account_id: str) -> BusinessSeed:
        """The seeded business behind ``account_id`` (name, business_id, currency...)."""
        return self._businesses[account_id]

    def add_business(self, account_id: str, name: str | None = None) -> BusinessSeed:
        """Add a business (like the first seeded one) to the identity, e.g. for fleet tests.

        >>> sb = Sandbox()
        >>> sb.add_business("FLT0001").account_id in sb.account_ids
        True
        """
        import dataclasses
        import zlib

        if not re.fullmatch(r"[A-Za-z0-9]{1,32}", account_id):
            raise ValueError(f"account_id must be a plain id, got {account_id!r}")
        with self._lock:
            if account_id in self._businesses:
                raise ValueError(f"business {account_id} already exists")
            number = 7_400_000 + zlib.crc32(account_id.encode()) % 1_000_000
            seed = dataclasses.replace(
                next(iter(self._businesses.values())),
                account_id=account_id,
                business_id=number,
                business_uuid=f"00000000-0000-4000-8000-{number:012d}",
                name=name or f"Business {account_id}",
                membership_id=number,
            )
            self._businesses[account_id] = seed
            self._stores[account_id] = build_store(self._world, seed)
            return seed

    def staff_id(self, account_id: str) -> int:
        """The identity's own staff id in a business (what ``users/me`` ``roles[].userid`` says)."""
        return self._businesses[account_id].identity_staff_id

    def store(self, account_id: str) -> AccountStore:
        """Direct access to a business's records (hold no references across requests)."""
        return self._stores[account_id]

    # ---- time ----------------------------------------------------------------------------

    @property
    def clock(self) -> Clock:
        """The injected clock (a :class:`FakeClock` in tests)."""
        return self._clock

    def set_clock(self, clock: Clock) -> None:
        """Swap the clock, e.g. ``sb.set_clock(FakeClock(datetime(...)))``."""
        with self._lock:
            self._clock = clock

    def now(self) -> datetime:
        """The clock's current instant (aware UTC)."""
        return ensure_aware(self._clock(), name="clock()")

    # ---- tokens --------------------------------------------------------------------------

    def issue_token(
        self, scopes: Sequence[str] | None = None, expires_in: int = DEFAULT_EXPIRES_IN
    ) -> str:
        """An access token for the seeded identity (default: the integration scope set).

        >>> sb = Sandbox()
        >>> len(sb.issue_token(scopes=["user:profile:read"]))
        64
        """
        return str(self.issue_tokens(scopes, expires_in)["access_token"])

    def issue_tokens(
        self, scopes: Sequence[str] | None = None, expires_in: int = DEFAULT_EXPIRES_IN
    ) -> JsonObj:
        """A token endpoint body (``access_token``, ``refresh_token``, ``expires_in``...)."""
        with self._lock:
            grant = self._oauth.issue(
                self.now(), INTEGRATION_SCOPES if scopes is None else scopes, expires_in
            )
            return self._oauth.token_body(grant)

    def revoke_token(self, token: str) -> None:
        """Revoke an access or refresh token (and its pair), as ``/auth/oauth/revoke`` does."""
        with self._lock:
            grant = self._oauth.find(token)
            if grant is not None:
                grant.revoked = True

    # ---- data helpers for tests ----------------------------------------------------------

    def create(self, account_id: str, resource: str, data: JsonObj) -> JsonObj:
        """Create through the same validation as a POST, without HTTP or tokens.

        ``resource`` is ``"clients"``, ``"invoices"`` or ``"expenses"``; invalid data raises
        :class:`AccountingError` (``.status``, ``.items``) with the body FreshBooks would send.

        >>> sb = Sandbox()
        >>> sb.create("ACM123", "clients", {"email": "a@b.com"})["email"]
        'a@b.com'
        """
        with self._lock:
            res = RESOURCES[resource]
            if "create" not in res.operations:
                raise ValueError(f"FreshBooks has no create for {resource}")
            ctx = self._ctx(account_id)
            envelope = res.commit(ctx, res.create(ctx, data), frozenset({"lines"}))
            created: JsonObj = envelope["response"]["result"][res.single]
            return created

    def get(self, account_id: str, resource: str, object_id: int) -> JsonObj:
        """An object's wire shape (invoices with ``lines``), e.g. ``sb.get("ACM123", "invoices", 7)``."""
        with self._lock:
            res = RESOURCES[resource]
            ctx = self._ctx(account_id)
            return res.render(ctx, res.lookup(ctx, str(object_id)), frozenset({"lines"}))

    def touch_invoice(self, account_id: str, invoice_id: int) -> JsonObj:
        """Bump an invoice's ``updated`` to now (what any edit in the FreshBooks UI does)."""
        with self._lock:
            ctx = self._ctx(account_id)
            inv = RESOURCES["invoices"].lookup(ctx, str(invoice_id))
            inv.updated = ctx.now
            return self.get(account_id, "invoices", invoice_id)

    def pay_invoice(
        self, account_id: str, invoice_id: int, amount: Decimal | str | None = None
    ) -> JsonObj:
        """Record a payment (default: everything outstanding) -> ``paid``/``partial``.

        >>> sb = Sandbox()
        >>> c = sb.create("ACM123", "clients", {"fname": "Ada"})
        >>> inv = sb.create("ACM123", "invoices", {"customerid": c["id"],
        ...     "create_date": "2024-03-01", "lines": [{"qty": 2, "unit_cost": {"amount": "5"}}]})
        >>> sb.pay_invoice("ACM123", inv["id"])["v3_status"]
        'paid'
        """
        with self._lock:
            ctx = self._ctx(account_id)
            inv = RESOURCES["invoices"].lookup(ctx, str(invoice_id))
            value = None if amount is None else to_decimal(amount, "amount", "payment")
            pay(ctx, inv, value)
            return self.get(account_id, "invoices", invoice_id)

    def _ctx(self, account_id: str, now: datetime | None = None) -> Ctx:
        return Ctx(
            store=self._stores[account_id],
            world=self._world,
            now=now or self.now(),
            staff_id=self.staff_id(account_id),
        )

    # ---- rate limit and faults -----------------------------------------------------------

    def set_rate_limit(
        self,
        account_id: str,
        limit: int | None,
        window_seconds: float = 60.0,
        *,
        retry_after: int | None = None,
    ) -> None:
        """Answer 429 + ``Retry-After`` past ``limit`` requests per ``window_seconds``.

        ``retry_after`` fixes the header value; by default it is the seconds until a request
        slot frees up. ``limit=None`` removes the limit.
        """
        with self._lock:
            if limit is None:
                self._limits.pop(account_id, None)
            else:
                if limit < 0 or window_seconds <= 0:
                    raise ValueError("limit must be >= 0 and window_seconds > 0")
                self._limits[account_id] = RateLimit(
                    limit, timedelta(seconds=window_seconds), retry_after
                )

    def inject_faults(
        self,
        count: int,
        kind: str,
        *,
        seconds: float = 1.0,
        method: str | None = None,
        path_prefix: str | None = None,
    ) -> None:
        """Queue ``count`` faults of ``kind`` for the next matching requests.

        Kinds: ``"500"``, ``"html502"``, ``"409"``, ``"drop_before"``, ``"drop_after"``, ``"timeout"``,
        ``"delay"`` (see :mod:`freshbooks_sdk.sandbox.faults`). ``seconds`` is the delay, or how
        long an HTTP ``timeout`` waits before closing.

        >>> sb = Sandbox()
        >>> sb.inject_faults(2, "500", method="POST", path_prefix="/accounting/")
        """
        fault = Fault(kind, seconds, method.upper() if method else None, path_prefix)
        with self._lock:
            self._faults.add(fault, count)

    def clear_faults(self) -> None:
        """Forget every queued fault."""
        with self._lock:
            self._faults.clear()

    @property
    def pending_faults(self) -> int:
        """How many injected faults have not fired yet."""
        with self._lock:
            return len(self._faults)

    # ---- transports ----------------------------------------------------------------------

    def transport(self) -> httpx.BaseTransport:
        """An in-process ``httpx`` transport: ``httpx.Client(transport=sb.transport())``."""
        from .transport import SandboxTransport

        return SandboxTransport(self)

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """The async twin: ``httpx.AsyncClient(transport=sb.async_transport())``."""
        from .transport import AsyncSandboxTransport

        return AsyncSandboxTransport(self)

    def client(self, account_id: str | None = None, **options: Any) -> FreshBooks:
        """A ``FreshBooks`` client wired to this sandbox: in-process transport, a token, the
        sandbox's clock and sleep (a FakeClock sandbox never hangs a listing, poller or
        rate-limit wait). ``account_id`` defaults to the first business; ``options`` go to
        ``FreshBooks(...)`` (``max_retries=``, ``default_currency=``, ``on_retry=``, even
        ``clock=``/``sleep=``/``access_token=``), except ``http_client``/``base_url``.

        >>> sb = Sandbox(clock=FakeClock())
        >>> with sb.client(default_currency="USD") as fb:
        ...     fb.account_id, fb.identity.businesses()[0].account_id
        ('ACM123', 'ACM123')
        """
        from .clients import wired_client

        return wired_client(self, account_id, options)

    def async_client(self, account_id: str | None = None, **options: Any) -> AsyncFreshBooks:
        """The async twin of :meth:`client`: an ``AsyncFreshBooks`` whose waits advance a fake
        clock (or sleep with ``asyncio``). Building it needs no event loop.

        ```python
        async with sb.async_client() as afb:
            async for invoice in afb.invoices.list():
                ...
        ```
        """
        from .clients import wired_async_client

        return wired_async_client(self, account_id, options)

    def serve(
        self, port: int = 0, host: str = "127.0.0.1", *, limits: ServerLimits | None = None
    ) -> AbstractContextManager[str]:
        """Real HTTP in a daemon thread: ``with sb.serve() as base_url: ...``.

        An ASGI app under uvicorn (the ``freshbooks-typed[server]`` extra); without it this
        raises :class:`~freshbooks_sdk.sandbox.server.SandboxServerUnavailable` at once.
        ``limits`` (:class:`~freshbooks_sdk.sandbox.asgi.ServerLimits`) changes body caps,
        timeouts and the listen backlog.
        """
        from .server import serve

        return serve(self, port=port, host=host, limits=limits)

    def asgi_app(self) -> ASGIApp:
        """The sandbox as an ASGI application, for any ASGI server or ``httpx.ASGITransport``.

        >>> sb = Sandbox()
        >>> app = sb.asgi_app()   # e.g. hypercorn / uvicorn, or mounted in your own app
        """
        from .asgi import SandboxASGIApp

        return SandboxASGIApp(self)

    def serve_forever(self, host: str = "127.0.0.1", port: int = 8765) -> None:
        """Serve HTTP in this thread until interrupted (the ``freshbooks sandbox serve`` loop)."""
        from .server import serve_forever

        serve_forever(self, host=host, port=port)

    # ---- request handling ----------------------------------------------------------------

    def handle(
        self,
        method: str,
        path: str,
        query: Sequence[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> SandboxResponse:
        """Answer one request; never raises (a sandbox bug becomes a 500 JSON body).

        Only response faults (``500``, ``html502``) apply here; connection faults need a
        transport (:meth:`transport`, :meth:`serve`).
        """
        req = SandboxRequest.build(method, path, list(query), headers, body)
        with self._lock:
            fault = self._faults.take(req.method, req.path, kinds=RESPONSE_FAULTS)
        return self._process(req, fault)

    def _begin(self, req: SandboxRequest) -> Fault | None:
        """Transports: take the request's fault; a ``drop_before`` raises at once."""
        with self._lock:
            fault = self._faults.take(req.method, req.path)
            if fault is not None and fault.kind == "drop_before":
                self._log(req, None, fault)
                raise ConnectionDropped("injected drop_before", before_processing=True)
        return fault

    def _finish(self, req: SandboxRequest, fault: Fault | None) -> SandboxResponse:
        """Transports: process, then drop or time out if the fault says so."""
        response = self._process(req, fault)
        if fault is not None and fault.kind == "drop_after":
            raise ConnectionDropped("injected drop_after")
        if fault is not None and fault.kind == "timeout":
            raise ResponseTimedOut(fault.seconds)
        return response

    def _delay_sync(self, seconds: float) -> None:
        if self._sleep is not None:
            self._sleep(seconds)
        elif isinstance(self._clock, FakeClock):
            self._clock.advance(seconds)
        else:
            time.sleep(seconds)

    async def _delay_async(self, seconds: float) -> None:
        if self._sleep is not None or isinstance(self._clock, FakeClock):
            self._delay_sync(seconds)
        else:
            await asyncio.sleep(seconds)

    def _process(self, req: SandboxRequest, fault: Fault | None) -> SandboxResponse:
        with self._lock:
            route = match(req.path)
            try:
                response = self._respond(req, route, fault)
            except Exception as exc:  # a sandbox bug: answer like a server, keep the cause
                logger.exception("sandbox bug while answering %s %s", req.method, req.path)
                self.internal_errors.append(exc)
                response = self._server_error(
                    req, route, f"sandbox internal error: {type(exc).__name__}: {exc}"
                )
            self._log(req, response.status, fault)
            return self.dated(response)

    def dated(self, response: SandboxResponse) -> SandboxResponse:
        """``response`` with a ``Date`` header read from the sandbox clock (as FreshBooks sends
        its own time on every answer; clients use it to measure clock skew). A response that
        already has one, or a clock that cannot be read, is returned unchanged."""
        if response.header("date") is not None:
            return response
        try:
            stamp = format_datetime(self.now().astimezone(timezone.utc), usegmt=True)
        except (ValueError, TypeError, OverflowError):  # a broken injected clock: no Date at all
            return response
        return response._replace(headers=[*response.headers, ("date", stamp)])

    def _log(self, req: SandboxRequest, status: int | None, fault: Fault | None) -> None:
        self.request_log.append(
            LoggedRequest(req.method, req.path, req.query, status, fault.kind if fault else None)
        )

    def _respond(self, req: SandboxRequest, route: Route, fault: Fault | None) -> SandboxResponse:
        if fault is not None and fault.kind == "500":
            return self._server_error(req, route, "An unexpected error occurred.")
        if fault is not None and fault.kind == "html502":
            return SandboxResponse(502, [("content-type", "text/html")], HTML_502)
        if fault is not None and fault.kind == "409":
            conflict = AccountingError(409, ErrorItem(409, _CONFLICT_TEXT))
            return render_accounting_error(conflict, self._error_format_for(req))
        try:
            if route.kind == "accounting":
                return self._accounting(req, route)
            callbacks = match_callbacks(req.path) if route.kind == "not_found" else None
            if callbacks is not None:
                return self._events(req, *callbacks)
            pdf = _INVOICE_PDF.match(req.path) if route.kind == "not_found" else None
            if pdf is not None:
                return self._invoice_pdf(req, pdf.group(1), pdf.group(2))
            business_route = match_business(req.path) if route.kind == "not_found" else None
            if business_route is not None:
                return self._business(req, business_route)
            if route.kind == "not_found":
                if route.accounting:
                    raise AccountingError(404, ErrorItem(404, _NOT_FOUND_TEXT))
                return json_response(404, {"error": "Requested resource could not be found."})
            return self._auth(req, route)
        except AuthError as err:
            return err.response()
        except AccountingError as err:
            return render_accounting_error(err, self._error_format_for(req))

    def _auth(self, req: SandboxRequest, route: Route) -> SandboxResponse:
        expected = "GET" if route.kind in ("authorize", "me") else "POST"
        if req.method != expected:
            raise AuthError(
                405,
                "method_not_allowed",
                f"{req.method} is not allowed here; use {expected}.",
                headers=[("allow", expected)],
            )
        now = self.now()
        if route.kind == "authorize":
            return self._oauth.authorize(req, now)
        if route.kind == "token":
            return self._oauth.token(req, now)
        if route.kind == "revoke":
            return self._oauth.revoke(req, now)
        try:
            grant = self._oauth.authenticate(req.header("authorization"), now)
        except InvalidToken as exc:
            if exc.reason == "missing":
                raise AuthError(401, "unauthenticated", str(exc)) from None
            raise AuthError(
                401, "invalid_token", str(exc), extra={"state": "unauthorized"}
            ) from None
        if "user:profile:read" not in grant.scopes:
            raise AuthError(
                403, "insufficient_scope", _scope_message(grant.scopes, "user:profile:read")
            )
        return json_response(200, render_me())

    def _accounting(self, req: SandboxRequest, route: Route) -> SandboxResponse:
        resource, account_id = route.resource, route.account_id
        assert resource is not None and account_id is not None
        now = self.now()
        try:
            grant = self._oauth.authenticate(req.header("authorization"), now)
        except InvalidToken:
            raise AccountingError(401, ErrorItem(1003, ACCESS_DENIED_MESSAGE)) from None
        if account_id not in self._stores:
            raise AccountingError(
                403,
                ErrorItem(
                    1003,
                    f"You do not have access to account {account_id[:40]}.",
                    field="account_id",
                    value=account_id[:40],
                ),
            )
        limit = self._limits.get(account_id)
        retry_after = limit.check(now) if limit is not None else None
        if retry_after is not None:
            raise AccountingError(
                429,
                ErrorItem(429, f"Rate limit exceeded. Retry in {retry_after} seconds."),
                headers=[("retry-after", str(retry_after))],
            )
        op = resource.operation(req.method, route.rid is not None)
        if op is None:
            allowed = resource.allowed_methods(route.rid is not None)
            raise AccountingError(
                405,
                ErrorItem(405, "The method is not allowed for the requested URL."),
                headers=[("allow", ", ".join(allowed))],
            )
        needed = resource.required_scope(req.method)
        if needed not in grant.scopes:
            raise AccountingError(403, ErrorItem(1003, _scope_message(grant.scopes, needed)))
        ctx = self._ctx(account_id, now)
        body = resource.dispatch(ctx, op, route.rid, req.query, req.body)
        if op in ("create", "update", "delete"):
            result = body.get("response", {}).get("result", {}).get(resource.single, {})
            object_id = result.get("id") if isinstance(result, dict) else None
            if isinstance(object_id, int):
                self._emit(account_id, f"{resource.single}.{op}", object_id)
        return json_response(200, body)

    # ---- webhooks ------------------------------------------------------------------------

    def _emit(self, account_id: str, name: str, object_id: int) -> None:
        seed = self._businesses[account_id]
        self._callbacks.emit(
            account_id,
            name,
            object_id,
            business_id=seed.business_id,
            identity_id=IDENTITY.identity_id,
            user_id=seed.identity_staff_id,
        )
        self._delivery_wake.set()

    def auto_deliver_webhooks(self, enabled: bool = True) -> None:
        """Send queued webhooks from a background thread as soon as they are queued (what
        FreshBooks does), instead of on :meth:`deliver_webhooks` calls. Loopback only, in order.

        >>> sb = Sandbox()
        >>> sb.auto_deliver_webhooks()
        >>> sb.auto_deliver_webhooks(False)
        """
        with self._lock:
            thread = self._delivery_thread
            if enabled and thread is None:
                self._delivery_stop = False
                thread = threading.Thread(
                    target=self._deliver_loop, name="sandbox-webhooks", daemon=True
                )
                self._delivery_thread = thread
                thread.start()
                self._delivery_wake.set()
                return
            if enabled or thread is None:
                return
            self._delivery_stop = True
            self._delivery_thread = None
        self._delivery_wake.set()
        thread.join(timeout=10)

    def _deliver_loop(self) -> None:
        while True:
            self._delivery_wake.wait()
            self._delivery_wake.clear()
            if self._delivery_stop:
                return
            try:
                self.deliver_webhooks()
            except Exception:  # a sandbox bug: keep it, keep delivering
                logger.exception("sandbox webhook delivery failed")

    @property
    def pending_webhooks(self) -> list[PendingDelivery]:
        """Webhook POSTs queued and not yet sent by :meth:`deliver_webhooks` (oldest first)."""
        with self._lock:
            return list(self._callbacks.pending)

    def callback_verifier(self, account_id: str, callback_id: int) -> str:
        """The verifier the sandbox POSTed for a callback (tests that skip the receiver)."""
        with self._lock:
            return self._callbacks.callbacks[account_id][callback_id].verifier

    def deliver_webhooks(self, *, timeout: float = 5.0) -> list[tuple[PendingDelivery, int | str]]:
        """POST every queued webhook (verifications and signed events) to its uri, in order.

        Only loopback uris (``127.0.0.1``, ``::1``, ``localhost``) are contacted: any other is
        reported as skipped and dropped. Sent outside the sandbox lock, so a receiver may call
        the sandbox back (``fb.callbacks.verify(...)``). Returns ``(delivery, status code or
        error text)`` pairs.
        """
        import httpx

        with self._lock:
            batch, self._callbacks.pending = self._callbacks.pending, []
        results: list[tuple[PendingDelivery, int | str]] = []
        with httpx.Client(timeout=timeout, trust_env=False) as client:
            for delivery in batch:
                if not is_loopback(delivery.uri):
                    results.append((delivery, "skipped: not a loopback address"))
                    continue
                try:
                    answer = client.post(
                        delivery.uri, content=delivery.body, headers=list(delivery.headers)
                    )
                    results.append((delivery, answer.status_code))
                except httpx.HTTPError as exc:
                    results.append((delivery, f"failed: {type(exc).__name__}: {exc}"))
        return results

    def _events(self, req: SandboxRequest, account_id: str, rid: str | None) -> SandboxResponse:
        """``/events/account/{account_id}/events/callbacks[/{id}]``."""
        now = self.now()
        try:
            try:
                grant = self._oauth.authenticate(req.header("authorization"), now)
            except InvalidToken:
                raise EventsError(
                    401, "invalid_token: The request token failed to authenticate or validate."
                ) from None
            if account_id not in self._stores:
                raise EventsError(403, f"You do not have access to account {account_id[:40]}.")
            limit = self._limits.get(account_id)
            wait = limit.check(now) if limit is not None else None
            if wait is not None:
                return json_response(
                    429,
                    {"errno": 429, "message": f"Rate limit exceeded. Retry in {wait} seconds."},
                    headers=[("retry-after", str(wait))],
                )
            body = callbacks_respond(
                self._callbacks,
                self._world,
                req,
                account_id,
                rid,
                now,
                frozenset(grant.scopes),
            )
        except EventsError as err:
            return json_response(err.status, err.body)
        self._delivery_wake.set()  # a create or resend may have queued a verification
        if body is None:
            return SandboxResponse(204, [], b"")
        return json_response(200, body)

    def _invoice_pdf(self, req: SandboxRequest, account_id: str, rid: str) -> SandboxResponse:
        """``GET .../invoices/invoices/{id}/pdf``: the invoice as a PDF document."""
        invoices = RESOURCES["invoices"]
        route = Route("accounting", account_id, invoices, rid, accounting=True)
        if req.method != "GET":
            raise AccountingError(
                405,
                ErrorItem(405, "The method is not allowed for the requested URL."),
                headers=[("allow", "GET")],
            )
        probe = SandboxRequest.build("GET", req.path, [], dict(req.headers), b"")
        self._accounting(probe, route)  # the same auth, account, rate limit and scope checks
        ctx = self._ctx(account_id)
        rendered = invoices.render(ctx, invoices.lookup(ctx, rid), frozenset({"lines"}))
        return SandboxResponse(
            200, [("content-type", PDF_CONTENT_TYPE)], render_invoice_pdf(rendered)
        )

    def _business(self, req: SandboxRequest, route: BusinessRoute) -> SandboxResponse:
        """Time tracking and projects: ``/{family}/business/{business_id}/...``."""
        now = self.now()
        retry_after: int | None = None
        try:
            try:
                grant = self._oauth.authenticate(req.header("authorization"), now)
            except InvalidToken:
                raise BusinessError(401, UNAUTHORIZED_BODY) from None
            seed = next(
                (b for b in self._businesses.values() if str(b.business_id) == route.business_id),
                None,
            )
            if seed is None:
                raise BusinessError(
                    403,
                    {"errno": 1003, "message": "You do not have access to this business."},
                )
            limit = self._limits.get(seed.account_id)
            retry_after = limit.check(now) if limit is not None else None
            if retry_after is not None:
                raise BusinessError(429, {"errno": 429, "message": "Rate limit exceeded."})
            needed = f"user:{route.scope}:{'read' if req.method in ('GET', 'HEAD') else 'write'}"
            if needed not in grant.scopes:
                raise BusinessError(
                    403, {"errno": 1003, "message": _scope_message(grant.scopes, needed)}
                )
            body = business_respond(
                self._business_data,
                route,
                req,
                business_id=seed.business_id,
                store=self._stores[seed.account_id],
                now=now,
                identity_id=IDENTITY.identity_id,
            )
            if req.method in ("POST", "PUT", "DELETE"):
                kind = "time_entry" if route.family == "timetracking" else "project"
                changed = body.get(kind) or {} if body is not None else {"id": int(route.rid or 0)}
                if isinstance(changed.get("id"), int) and changed["id"] > 0:
                    action = {"POST": "create", "PUT": "update", "DELETE": "delete"}[req.method]
                    self._emit(seed.account_id, f"{kind}.{action}", changed["id"])
        except BusinessError as err:
            if err.status == 429 and retry_after is not None:
                return json_response(429, err.body, headers=[("retry-after", str(retry_after))])
            return err.response()
        if body is None:
            return SandboxResponse(204, [], b"")
        return json_response(200, body)

    def _error_format_for(self, req: SandboxRequest) -> ErrorFormat:
        version = (req.header("x-api-version") or "").strip()
        if _API_VERSION.match(version):
            return "rpc" if version >= _RPC_SINCE else "classic"
        return self.error_format

    def _server_error(self, req: SandboxRequest, route: Route, message: str) -> SandboxResponse:
        if route.accounting:
            err = AccountingError(500, ErrorItem(500, message))
            return render_accounting_error(err, self._error_format_for(req))
        return json_response(500, {"error": "internal_server_error", "error_description": message})

    def __repr__(self) -> str:
        return f"<Sandbox accounts={self.account_ids} error_format={self.error_format!r}>"


_INVOICE_PDF = re.compile(r"^/accounting/account/([A-Za-z0-9]+)/invoices/invoices/([^/]+)/pdf/*$")
_CONFLICT_TEXT = "The resource is being modified by another request. Please try again."


def _scope_message(provided: Sequence[str], required: str) -> str:
    return (
        "The access token does not have the scopes this request requires. "
        f"Provided scopes: {' '.join(provided) or '(none)'}. Required scopes: {required}."
    )
