"""Scenarios recorded into ``cassettes/`` and replayed by ``tests/test_cassettes.py``.

Each scenario is one async function over a :class:`Ctx` that works with the sync or the async
client (``resolve`` awaits only what is awaitable), so one recording serves both replays.
``scripts/record_cassettes.py`` records them against the sandbox on loopback (or the real API
when ``FRESHBOOKS_*`` credentials are set); the tests replay them with ``record_mode="none"``.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import vcr

from freshbooks_sdk.errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)

ROOT = Path(__file__).resolve().parents[1]
CASSETTES = ROOT / "cassettes"
API_HOST = "https://api.freshbooks.com"
REDACTED = "REDACTED"
SECRET_KEYS = ("access_token", "refresh_token", "id_token", "client_secret", "api_token")
# In OAuth request bodies (the token and revoke endpoints) these are secret too.
OAUTH_SECRET_KEYS = (*SECRET_KEYS, "code", "token")
# The sandbox's seeded app (seed=0); replays use the same placeholder credentials.
CLIENT_ID = "sandbox-client-id"
REDIRECT_URI = "https://localhost/callback"


async def resolve(value: Any) -> Any:
    """Await coroutines (async client), pass plain values through (sync client)."""
    return await value if inspect.isawaitable(value) else value


async def collect(pager: Any) -> list[Any]:
    if hasattr(pager, "__aiter__"):
        return [item async for item in pager]
    return list(pager)


@attrs.define
class Ctx:
    """What a scenario gets: a client bound to the account, and an OAuth client."""

    fb: Any
    oauth: Any
    account_id: str
    unauthorized: Any  # a client whose token FreshBooks refuses
    code: str = REDACTED  # an authorization code (replays use the redacted one)


Scenario = Callable[[Ctx], Awaitable[dict[str, Any]]]
SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str) -> Callable[[Scenario], Scenario]:
    def register(fn: Scenario) -> Scenario:
        SCENARIOS[name] = fn
        return fn

    return register


def _money(m: Any) -> str:
    return f"{m.amount} {m.code}"


async def _error(awaitable_or_value: Callable[[], Any]) -> dict[str, Any]:
    try:
        await resolve(awaitable_or_value())
    except APIStatusError as exc:
        return {
            "type": type(exc).__name__,
            "status": exc.status_code,
            "errno": exc.errno,
            "fields": [e.field for e in exc.errors],
        }
    raise AssertionError("expected an error")


@scenario("oauth_exchange_and_refresh")
async def oauth_exchange_and_refresh(ctx: Ctx) -> dict[str, Any]:
    token = await resolve(ctx.oauth.exchange_code(ctx.code))
    rotated = await resolve(ctx.oauth.refresh(token))
    return {
        "scopes": list(token.scopes),
        "rotated_scopes": list(rotated.scopes),
        "type": rotated.token_type,
    }


@scenario("identity_businesses")
async def identity_businesses(ctx: Ctx) -> dict[str, Any]:
    businesses = await resolve(ctx.fb.identity.businesses())
    return {
        "accounts": [b.account_id for b in businesses],
        "staff_id": await resolve(ctx.fb.identity.staff_id()),
    }


@scenario("list_clients_three_pages")
async def list_clients_three_pages(ctx: Ctx) -> dict[str, Any]:
    for i in range(5):
        await resolve(
            ctx.fb.clients.create(
                email=f"page{i}@three-pages.example", organization=f"ThreePages {i}"
            )
        )
    pager = ctx.fb.clients.list(organization_like="ThreePages", per_page=2)
    items = await collect(pager)
    return {"emails": [c.email for c in items], "pages": pager.pages_fetched}


@scenario("rate_limit_then_success")
async def rate_limit_then_success(ctx: Ctx) -> dict[str, Any]:
    # The recorder sets a limit of 1 request per window before this scenario runs.
    first = await collect(ctx.fb.invoices.list(max_items=1))
    second = await collect(ctx.fb.invoices.list(max_items=1))
    return {"counts": [len(first), len(second)], "retries": ctx.fb.stats.retries}


@scenario("error_400")
async def error_400(ctx: Ctx) -> dict[str, Any]:
    made = await resolve(ctx.fb.clients.create(fname="Typo"))
    return await _error(
        lambda: ctx.fb.clients.update(made.id, fields={"email": ["not", "a", "string"]})
    )


@scenario("error_429_beyond_cap")
async def error_429_beyond_cap(ctx: Ctx) -> dict[str, Any]:
    # The recorder sets a limit whose Retry-After (120 s) exceeds the client's max_retry_wait.
    await collect(ctx.fb.clients.list(max_items=1))
    try:
        await collect(ctx.fb.clients.list(max_items=1))
    except RateLimitError as exc:
        return {
            "type": type(exc).__name__,
            "status": exc.status_code,
            "retry_after": exc.retry_after,
            "retryable": exc.retryable,
        }
    raise AssertionError("expected a RateLimitError")


@scenario("error_409")
async def error_409(ctx: Ctx) -> dict[str, Any]:
    # The recorder injects a 409 Conflict for the next create; it is reported, never retried.
    return await _error(lambda: ctx.fb.clients.create(email="conflict@example.com"))


@scenario("error_401")
async def error_401(ctx: Ctx) -> dict[str, Any]:
    return await _error(lambda: collect(ctx.unauthorized.clients.list()))


@scenario("error_403_missing_scope")
async def error_403(ctx: Ctx) -> dict[str, Any]:
    return await _error(lambda: collect(ctx.fb.staff.list()))


@scenario("error_404")
async def error_404(ctx: Ctx) -> dict[str, Any]:
    return await _error(lambda: ctx.fb.clients.get(987654321))


@scenario("error_422")
async def error_422(ctx: Ctx) -> dict[str, Any]:
    category = (await collect(ctx.fb.expense_categories.list(max_items=1)))[0]
    return await _error(
        lambda: ctx.fb.expenses.create(
            amount="10.00",
            currency_code="USD",
            category_id=category.id,
            date=date(2024, 3, 15),
            client_id=987654321,
        )
    )


@scenario("error_500")
async def error_500(ctx: Ctx) -> dict[str, Any]:
    # The recorder injects a 500 for the next request; creates are never retried after a 5xx.
    return await _error(lambda: ctx.fb.clients.create(email="five-hundred@example.com"))


# -- the integration catalog, run from plain dicts ------------------------------------------


async def act(ctx: Ctx, name: str, data: dict[str, Any]) -> dict[str, Any]:
    """Run a catalog entry with the ctx's client (``arun`` for the async client)."""
    from freshbooks_sdk.integration import catalog

    entry = catalog[name]
    is_async = inspect.iscoroutinefunction(ctx.fb.aclose) if hasattr(ctx.fb, "aclose") else False
    result = await entry.arun(ctx.fb, data) if is_async else entry.run(ctx.fb, data)
    return result.to_dict()


async def _client_id(ctx: Ctx, email: str) -> int:
    made = await act(
        ctx,
        "freshbooks/create-client",
        {"email": email, "fname": "Ada", "organization": "Analytical"},
    )
    return int(made["output"]["id"])


async def _invoice_id(ctx: Ctx, client_id: int) -> int:
    made = await act(
        ctx,
        "freshbooks/create-invoice",
        {
            "client_id": client_id,
            "currency_code": "USD",
            "lines": [
                {"name": "Design", "qty": "3", "unit_cost": "120.00"},
                {"name": "Hosting", "unit_cost": "19.99"},
            ],
        },
    )
    return int(made["output"]["id"])


@scenario("action_list_clients")
async def action_list_clients(ctx: Ctx) -> dict[str, Any]:
    await _client_id(ctx, "list@clients.example")
    return await act(ctx, "freshbooks/list-clients", {"email": "list@clients.example", "limit": 10})


@scenario("action_create_client")
async def action_create_client(ctx: Ctx) -> dict[str, Any]:
    good = await act(
        ctx,
        "freshbooks/create-client",
        {
            "email": "new@client.example",
            "fname": "Grace",
            "address": {"city": "Toronto", "country": "Canada"},
        },
    )
    bad = await act(ctx, "freshbooks/create-client", {"address": {"city": "Toronto"}})
    return {"good": good, "bad": bad}


@scenario("action_list_invoices")
async def action_list_invoices(ctx: Ctx) -> dict[str, Any]:
    client_id = await _client_id(ctx, "inv@list.example")
    await _invoice_id(ctx, client_id)
    return await act(
        ctx, "freshbooks/list-invoices", {"client_id": client_id, "include_lines": True}
    )


@scenario("action_create_invoice")
async def action_create_invoice(ctx: Ctx) -> dict[str, Any]:
    client_id = await _client_id(ctx, "inv@create.example")
    good = await act(
        ctx,
        "freshbooks/create-invoice",
        {
            "client_id": client_id,
            "currency_code": "USD",
            "due_offset_days": 30,
            "po_number": "PO-1",
            "notes": "Thanks",
            "terms": "Net 30",
            "lines": [{"name": "Design", "qty": "3", "unit_cost": "120.00"}],
        },
    )
    unknown_client = await act(
        ctx,
        "freshbooks/create-invoice",
        {
            "client_id": 987654321,
            "currency_code": "USD",
            "lines": [{"name": "x", "unit_cost": "1.00"}],
        },
    )
    return {"good": good, "unknown_client": unknown_client}


@scenario("action_send_invoice")
async def action_send_invoice(ctx: Ctx) -> dict[str, Any]:
    invoice_id = await _invoice_id(ctx, await _client_id(ctx, "send@invoice.example"))
    return await act(
        ctx,
        "freshbooks/send-invoice",
        {"invoice_id": invoice_id, "to": ["send@invoice.example"], "subject": "Invoice"},
    )


@scenario("action_create_expense")
async def action_create_expense(ctx: Ctx) -> dict[str, Any]:
    client_id = await _client_id(ctx, "expense@client.example")
    category = (await collect(ctx.fb.expense_categories.list(max_items=1)))[0]
    return await act(
        ctx,
        "freshbooks/create-expense",
        {
            "amount": "42.50",
            "currency_code": "USD",
            "category_id": category.id,
            "date": "2024-03-15",
            "vendor": "Cafe",
            "client_id": client_id,
        },
    )


@scenario("trigger_invoice_updated")
async def trigger_invoice_updated(ctx: Ctx) -> dict[str, Any]:
    await _invoice_id(ctx, await _client_id(ctx, "trigger@invoice.example"))
    return await act(ctx, "freshbooks/invoice-updated", {"start": "2024-03-15T13:00:00Z"})


# -- issue 13 coverage: new resources (recorded with the sandbox app's full scope set) -------

COVERAGE_SCENARIOS = (
    "coverage_time_entries_projects",
    "coverage_payments_taxes_items",
    "coverage_raw_request_and_invoice_pdf",
    "coverage_callbacks",
    "coverage_staff_api_token",
    "coverage_time_entry_update_delete",
    "coverage_project_update_delete",
    "coverage_payment_filters",
)
"""Recorded with every scope the sandbox app may ask for (projects, payments, taxes, items...)."""


@scenario("coverage_time_entries_projects")
async def coverage_time_entries_projects(ctx: Ctx) -> dict[str, Any]:
    from datetime import datetime, timezone

    client = await resolve(ctx.fb.clients.create(email="te@coverage.example", fname="Tess"))
    project = await resolve(
        ctx.fb.projects.create(title="Website", client_id=client.id, rate="95.00")
    )
    start = datetime(2024, 5, 1, 13, 30, tzinfo=timezone.utc)
    entry = await resolve(
        ctx.fb.time_entries.create(
            started_at=start,
            duration=5400,
            client_id=client.id,
            project_id=project.id,
            note="Design",
        )
    )
    listed = await collect(ctx.fb.time_entries.list(project_id=project.id, started_from=start))
    got = await resolve(ctx.fb.projects.get(project.id))
    return {
        "entries": [
            [e.id, e.duration, e.started_at.isoformat(), e.local_started_at] for e in listed
        ],
        "entry_note": entry.note,
        "project": [got.title, str(got.rate), got.created_at is not None],
        "projects": [p.id for p in await collect(ctx.fb.projects.list(client_id=client.id))],
    }


@scenario("coverage_time_entry_update_delete")
async def coverage_time_entry_update_delete(ctx: Ctx) -> dict[str, Any]:
    """PUT ``.../time_entries/{id}`` with only the fields given, then DELETE (204): the entry
    is then listed only with ``include_deleted`` and a second DELETE is a 404."""
    from datetime import datetime, timezone

    client = await resolve(ctx.fb.clients.create(email="teu@coverage.example", fname="Ute"))
    project = await resolve(ctx.fb.projects.create(title="Audit", client_id=client.id))
    start = datetime(2024, 5, 1, 13, 30, tzinfo=timezone.utc)
    entry = await resolve(
        ctx.fb.time_entries.create(started_at=start, duration=900, client_id=client.id)
    )
    changed = await resolve(
        ctx.fb.time_entries.update(
            entry.id,
            started_at=datetime(2024, 5, 1, 15, 0, tzinfo=timezone.utc),
            duration=5400,
            note="Design review",
            project_id=project.id,
            billable=False,
        )
    )
    billed = await resolve(ctx.fb.time_entries.update(entry.id, billed=True))
    kept = await resolve(ctx.fb.time_entries.get(entry.id))
    deleted = await resolve(ctx.fb.time_entries.delete(entry.id))
    listed = await collect(ctx.fb.time_entries.list(project_id=project.id))
    with_deleted = await collect(
        ctx.fb.time_entries.list(project_id=project.id, include_deleted=True)
    )
    return {
        "changed": [
            changed.id == entry.id,
            changed.started_at.isoformat(),
            changed.duration,
            changed.note,
            changed.project_id == project.id,
            changed.billable,
        ],
        "billed": [billed.billed, billed.duration, billed.note],
        "kept": [kept.client_id == client.id, kept.is_logged, kept.local_started_at],
        "delete_returns": deleted,
        "listed_after_delete": [e.id for e in listed],
        "with_deleted": [[e.id == entry.id, e.active] for e in with_deleted],
        "delete_again": await _error(lambda: ctx.fb.time_entries.delete(entry.id)),
        "update_missing": await _error(lambda: ctx.fb.time_entries.update(987654, duration=60)),
    }


@scenario("coverage_project_update_delete")
async def coverage_project_update_delete(ctx: Ctx) -> dict[str, Any]:
    """PUT ``.../project/{id}`` (singular) with only the fields given, then DELETE (204): the
    project is gone (404 on read and on a second delete)."""
    from datetime import datetime, timezone
    from decimal import Decimal

    client = await resolve(ctx.fb.clients.create(email="pu@coverage.example", fname="Pia"))
    project = await resolve(
        ctx.fb.projects.create(title="Website", client_id=client.id, rate="95.00", description="v1")
    )
    changed = await resolve(
        ctx.fb.projects.update(
            project.id,
            title="Website v2",
            due_date=date(2024, 6, 30),
            rate=Decimal("120.50"),
            complete=True,
        )
    )
    fixed = await resolve(
        ctx.fb.projects.update(project.id, project_type="fixed_price", fixed_price="5000")
    )
    refused = await _error(lambda: ctx.fb.projects.update(project.id, client_id=987654321))
    since = datetime(2000, 1, 1, tzinfo=timezone.utc)
    done = await collect(ctx.fb.projects.list(complete=True, updated_since=since))
    deleted = await resolve(ctx.fb.projects.delete(project.id))
    return {
        "changed": [
            changed.title,
            changed.due_date.isoformat(),
            str(changed.rate),
            changed.complete,
            changed.description,
            changed.client_id == client.id,
        ],
        "fixed": [fixed.project_type, str(fixed.fixed_price), fixed.title],
        "refused_unknown_client": refused,
        "done": [p.id == project.id for p in done],
        "delete_returns": deleted,
        "get_after_delete": await _error(lambda: ctx.fb.projects.get(project.id)),
        "delete_again": await _error(lambda: ctx.fb.projects.delete(project.id)),
        "remaining": [p.id for p in await collect(ctx.fb.projects.list(client_id=client.id))],
    }


@scenario("coverage_payment_filters")
async def coverage_payment_filters(ctx: Ctx) -> dict[str, Any]:
    """The documented payment search keys (https://www.freshbooks.com/api/payments):
    ``date_min``/``date_max`` (max exclusive), ``type`` and ``updated_min`` (Eastern day)."""
    from datetime import datetime, timezone

    client = await resolve(ctx.fb.clients.create(email="pf@coverage.example", fname="Flo"))
    invoice = await resolve(
        ctx.fb.invoices.create(
            customer_id=client.id,
            create_date=date(2024, 3, 1),
            currency_code="USD",
            lines=[{"name": "Work", "qty": "1", "unit_cost": "300.00"}],
        )
    )
    paid = [
        await resolve(
            ctx.fb.payments.create(
                invoice_id=invoice.id,
                amount=amount,
                currency_code="USD",
                date=day,
                type=kind,
            )
        )
        for amount, day, kind in (
            ("10.00", date(2024, 3, 2), "Cash"),
            ("20.00", date(2024, 3, 3), "Check"),
            ("30.00", date(2024, 3, 4), "Cash"),
        )
    ]
    ids = {p.id: i for i, p in enumerate(paid)}

    async def listed(**filters: Any) -> list[int]:
        return [ids[p.id] for p in await collect(ctx.fb.payments.list(**filters))]

    return {
        "date_range": await listed(date_from=date(2024, 3, 3), date_to=date(2024, 3, 4)),
        "cash": await listed(type="Cash", client_id=client.id),
        "updated_since": await listed(
            updated_since=datetime(2024, 3, 15, 13, 0, tzinfo=timezone.utc), invoice_id=invoice.id
        ),
        "updated_later": await listed(updated_since=datetime(2024, 3, 16, tzinfo=timezone.utc)),
    }


@scenario("coverage_payments_taxes_items")
async def coverage_payments_taxes_items(ctx: Ctx) -> dict[str, Any]:
    from freshbooks_sdk import Money

    tax = await resolve(ctx.fb.taxes.create(name="GST", percent="5", number="GST-1"))
    item = await resolve(
        ctx.fb.items.create(name="Bowl", unit_cost=Money.of("12.50", "USD"), qty="3", tax1=tax.id)
    )
    client = await resolve(ctx.fb.clients.create(email="pay@coverage.example", fname="Pat"))
    invoice = await resolve(
        ctx.fb.invoices.create(
            customer_id=client.id,
            create_date=date(2024, 5, 1),
            currency_code="USD",
            lines=[{"name": "Bowl", "qty": "2", "unit_cost": "12.50"}],
        )
    )
    payment = await resolve(
        ctx.fb.payments.create(
            invoice_id=invoice.id, amount=Money.of("25.00", "USD"), date=date(2024, 5, 2)
        )
    )
    after = await resolve(ctx.fb.invoices.get(invoice.id))
    return {
        "tax": [tax.name, str(tax.amount)],
        "item": [item.name, _money(item.unit_cost), item.tax1 == tax.id],
        "payment": [_money(payment.amount), payment.date.isoformat(), payment.type],
        "invoice_status": after.v3_status.value,
        "payments": [p.id for p in await collect(ctx.fb.payments.list(invoice_id=invoice.id))],
        "items": len(await collect(ctx.fb.items.list())),
        "taxes": len(await collect(ctx.fb.taxes.list())),
    }


@scenario("coverage_raw_request_and_invoice_pdf")
async def coverage_raw_request_and_invoice_pdf(ctx: Ctx) -> dict[str, Any]:
    client = await resolve(ctx.fb.clients.create(email="pdf@coverage.example", fname="Paige"))
    invoice = await resolve(
        ctx.fb.invoices.create(
            customer_id=client.id,
            create_date=date(2024, 5, 1),
            currency_code="USD",
            lines=[{"name": "Print", "qty": "1", "unit_cost": "80.00"}],
        )
    )
    raw = await resolve(
        ctx.fb.request(
            "GET",
            "/accounting/account/{account_id}/invoices/invoices",
            params={"search[customerid]": client.id, "include[]": "lines"},
        )
    )
    pdf = await resolve(ctx.fb.invoices.pdf(invoice.id))
    return {
        "raw_total": raw["response"]["result"]["total"],
        "raw_line": raw["response"]["result"]["invoices"][0]["lines"][0]["name"],
        "pdf_header": pdf[:8].decode("latin-1"),
        "pdf_mentions_total": b"80.00" in pdf,
    }


@scenario("coverage_callbacks")
async def coverage_callbacks(ctx: Ctx) -> dict[str, Any]:
    callback = await resolve(
        ctx.fb.callbacks.create(event="invoice.create", uri="https://hooks.example.com/fb")
    )
    listed = await collect(ctx.fb.callbacks.list(event="invoice.create"))
    refused = await _error(lambda: ctx.fb.callbacks.verify(callback.callbackid, "wrong"))
    resent = await resolve(ctx.fb.callbacks.resend_verification(callback.callbackid))
    await resolve(ctx.fb.callbacks.delete(callback.callbackid))
    gone = await _error(lambda: ctx.fb.callbacks.get(callback.callbackid))
    return {
        "created": [callback.event, callback.uri, callback.verified],
        "listed": [c.callbackid == callback.callbackid for c in listed],
        "wrong_verifier": refused,
        "resent_verified": resent.verified,
        "after_delete": gone["type"],
    }


@scenario("coverage_staff_api_token")
async def coverage_staff_api_token(ctx: Ctx) -> dict[str, Any]:
    people = await collect(ctx.fb.staff.list())
    return {
        "staff": [p.email for p in people],
        "api_token_modelled": all(p.api_token for p in people),
        "api_token_hidden": all(str(p.api_token) not in repr(p) for p in people),
        "signup_dates": [p.signup_date.isoformat() for p in people],
    }


EXPECTED_ERRORS = {
    "error_409": ConflictError,
    "error_400": BadRequestError,
    "error_401": AuthenticationError,
    "error_403_missing_scope": PermissionDeniedError,
    "error_404": NotFoundError,
    "error_422": (UnprocessableEntityError, NotFoundError),
    "error_500": InternalServerError,
    "error_429_beyond_cap": RateLimitError,
}


# -- recording configuration shared by the recorder and the replays ------------------------


def _scrub_json_text(text: str) -> str:
    try:
        payload = json.loads(text)
    except ValueError:
        return re.sub(
            r"((?:client_secret|refresh_token|code|access_token)=)[^&]+", rf"\1{REDACTED}", text
        )

    is_oauth = isinstance(payload, dict) and ("grant_type" in payload or "token" in payload)
    secret = OAUTH_SECRET_KEYS if is_oauth else SECRET_KEYS

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: (REDACTED if k in secret and isinstance(v, str) else walk(v))
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return json.dumps(walk(payload), separators=(",", ":"))


def scrub_request(request: Any) -> Any:
    """Drop Authorization, point the URI at the public host, redact body secrets."""
    for name in (
        "Authorization",
        "authorization",
        "host",
        "Host",
        "content-length",
        "Content-Length",
    ):
        request.headers.pop(name, None)
    request.uri = re.sub(r"^https?://[^/]+", API_HOST, request.uri)
    if request.body:
        body = (
            request.body
            if isinstance(request.body, str)
            else request.body.decode("utf-8", "replace")
        )
        request.body = _scrub_json_text(body).encode()
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """Redact tokens in bodies (token endpoint answers)."""
    body = response.get("body", {}).get("string")
    if body:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        if any(
            f'"{k}"' in text for k in ("access_token", "refresh_token", "id_token", "api_token")
        ):
            scrubbed = _scrub_json_text(text).encode()
            response["body"]["string"] = scrubbed
            headers = response.get("headers", {})
            for name in ("content-length", "Content-Length"):
                if name in headers:
                    headers[name] = [str(len(scrubbed))]
    for name in ("Set-Cookie", "set-cookie", "date", "Date"):
        response.get("headers", {}).pop(name, None)
    return response


_NOT_JSON = object()


def _json_of(request: Any) -> Any:
    body = request.body
    if not body:
        return _NOT_JSON
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _NOT_JSON


def exact_body(r1: Any, r2: Any) -> None:
    """vcrpy's body matcher, with JSON compared as JSON text: its own compares parsed values
    with ``==``, where ``true == 1`` and ``5400 == 5400.0``, so a bool sent as an int (or an
    int as a float) would replay as if nothing had changed. Key order still does not matter.
    Other bodies (forms, bytes) go to vcrpy's own matcher."""
    a, b = _json_of(r1), _json_of(r2)
    if a is _NOT_JSON or b is _NOT_JSON:
        vcr.matchers.body(r1, r2)
        return

    def text(value: Any) -> str:
        return json.dumps(value, sort_keys=True, separators=(",", ":"))

    assert text(a) == text(b), f"the JSON bodies differ: {text(a)[:200]} != {text(b)[:200]}"


def make_vcr(record_mode: str) -> vcr.VCR:
    """The one VCR configuration: matching ignores host and port (recordings come from loopback)
    but not the body, so a replay fails when a request's JSON (or form) body drifts from the
    recording, not only its method, path or query (``test_replay_catches_a_wire_regression``);
    JSON bodies are compared as JSON text (:func:`exact_body`)."""
    recorder = vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode=record_mode,
        match_on=["method", "path", "query", "exact_body"],
        filter_headers=["authorization"],
        before_record_request=scrub_request,
        before_record_response=scrub_response,
        decode_compressed_response=True,
    )
    recorder.register_matcher("exact_body", exact_body)
    return recorder
