"""Raw PUTs are not re-sent after a dropped response; the OpenAPI request check reads formats
and search-value types; the sandbox ignores the undocumented ``search[email_like]``."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from freshbooks_sdk import AsyncFreshBooks, FreshBooks
from freshbooks_sdk._core.raw import build_raw_spec
from freshbooks_sdk.errors import APIConnectionError
from freshbooks_sdk.sandbox import Sandbox
from freshbooks_sdk.sandbox.clock import FakeClock
from freshbooks_sdk.sandbox.seed import APP_SCOPES
from openapi_requests import FORMATS, KNOWN_DEVIATIONS, check_request, load_spec

API = "https://api.freshbooks.com"


async def resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


@pytest.fixture(params=["sync", "async"])
async def fb(
    request: pytest.FixtureRequest, freshbooks_sandbox: Sandbox, freshbooks_clock: FakeClock
) -> AsyncIterator[Any]:
    sb = freshbooks_sandbox
    token = sb.issue_token(scopes=APP_SCOPES)
    client: Any
    if request.param == "sync":
        client = FreshBooks(
            http_client=httpx.Client(transport=sb.transport()),
            clock=freshbooks_clock,
            sleep=freshbooks_clock.advance,
            access_token=token,
            account_id=sb.account_ids[0],
        )
        yield client
        client.close()
        return

    async def sleep(seconds: float) -> None:
        freshbooks_clock.advance(seconds)

    client = AsyncFreshBooks(
        http_client=httpx.AsyncClient(transport=sb.async_transport()),
        clock=freshbooks_clock,
        sleep=sleep,
        access_token=token,
        account_id=sb.account_ids[0],
    )
    yield client
    await client.aclose()


def _invoice(sb: Sandbox) -> int:
    account = sb.account_ids[0]
    client = sb.create(account, "clients", {"fname": "Raw", "email": "raw@example.com"})
    invoice = sb.create(
        account,
        "invoices",
        {
            "customerid": client["id"],
            "create_date": "2024-03-01",
            "currency_code": "USD",
            "lines": [{"name": "x", "qty": "1", "unit_cost": {"amount": "5.00"}}],
        },
    )
    return int(invoice["id"])


# ---- 1. fb.request: only GET and DELETE are replayed by default ------------------------------


async def test_raw_put_action_email_is_not_resent_after_a_dropped_response(
    fb: Any, freshbooks_sandbox: Sandbox
) -> None:
    sb = freshbooks_sandbox
    invoice_id = _invoice(sb)
    path = f"/accounting/account/{{account_id}}/invoices/invoices/{invoice_id}"
    body = {"invoice": {"action_email": True, "email_recipients": ["d@example.com"]}}
    sent_before = len(sb.outbox)
    sb.inject_faults(1, "drop_after", method="PUT")
    try:
        with pytest.raises(APIConnectionError) as info:
            await resolve(fb.request("PUT", path, json=body))
    finally:
        sb.clear_faults()
    assert info.value.may_have_applied and not info.value.retryable
    assert len(sb.outbox) == sent_before + 1  # one email, like invoices.send

    # The typed call behaves the same way: the raw hatch no longer differs from it.
    sb.inject_faults(1, "drop_after", method="PUT")
    try:
        with pytest.raises(APIConnectionError) as typed:
            await resolve(fb.invoices.send(invoice_id, to=["d@example.com"]))
    finally:
        sb.clear_faults()
    assert typed.value.may_have_applied
    assert len(sb.outbox) == sent_before + 2


async def test_raw_put_is_resent_only_when_the_caller_says_it_is_idempotent(
    fb: Any, freshbooks_sandbox: Sandbox
) -> None:
    sb = freshbooks_sandbox
    client = sb.create(sb.account_ids[0], "clients", {"fname": "Before"})
    path = f"/accounting/account/{{account_id}}/users/clients/{client['id']}"
    sb.inject_faults(1, "drop_after", method="PUT")
    try:
        result = await resolve(
            fb.request("PUT", path, json={"client": {"fname": "After"}}, idempotent=True)
        )
    finally:
        sb.clear_faults()
    assert result["response"]["result"]["client"]["fname"] == "After"
    puts = [r for r in sb.request_log if r.method == "PUT"]
    assert len(puts) == 2  # the dropped one and its retry


@pytest.mark.parametrize(
    ("method", "json", "expected"),
    [
        ("GET", None, True),
        ("DELETE", None, True),
        ("POST", {"client": {}}, False),
        ("PUT", {"client": {"fname": "x"}}, False),
        ("PUT", {"invoice": {"action_email": True}}, False),
        ("PUT", {"invoice": {"action_mark_as_sent": True}}, False),
        ("PUT", {"invoice": {"vis_state": 1}}, False),
        ("PATCH", {"a": 1}, False),
        ("get", None, True),
    ],
)
def test_raw_default_idempotency_by_method(method: str, json: Any, expected: bool) -> None:
    spec = build_raw_spec(method, "/accounting/account/{account_id}/x", json=json, account_id="A1")
    assert spec.idempotent is expected
    explicit = build_raw_spec(
        method, "/accounting/account/{account_id}/x", json=json, account_id="A1", idempotent=True
    )
    assert explicit.idempotent is True


# ---- 2. the OpenAPI request check reads formats and search-value types -----------------------


def test_format_checker_knows_the_formats_the_fragment_uses() -> None:
    assert FORMATS.conforms("2024-05-01T12:00:00Z", "date-time")
    assert not FORMATS.conforms("yesterday-ish", "date-time")
    assert not FORMATS.conforms("2024-05-01 12:00:00", "date-time")  # no zone: not RFC 3339
    assert FORMATS.conforms("2024-05-01", "date")
    assert not FORMATS.conforms("2024-5-1", "date")
    assert FORMATS.conforms("https://example.com/hooks/freshbooks", "uri")
    assert not FORMATS.conforms("/relative/hook", "uri")


@pytest.mark.parametrize(
    ("method", "path", "query", "body", "needle"),
    [
        (
            "POST",
            "/timetracking/business/7/time_entries",
            [],
            b'{"time_entry": {"started_at": "yesterday-ish", "duration": 60, "is_logged": true}}',
            "started_at: 'yesterday-ish' is not a 'date-time'",
        ),
        (
            "GET",
            "/timetracking/business/7/time_entries",
            [("started_from", "not a date")],
            None,
            "started_from='not a date'",
        ),
        (
            "GET",
            "/timetracking/business/7/time_entries",
            [("updated_since", "2024-05-01")],
            None,
            "is not a 'date-time'",
        ),
        (
            "GET",
            "/accounting/account/ABC123/users/clients",
            [("search[updated_min]", "not-a-date")],
            None,
            "search[updated_min]='not-a-date'",
        ),
        (
            "GET",
            "/accounting/account/ABC123/invoices/invoices",
            [("search[date_min]", "2024-05-01T00:00:00Z")],
            None,
            "is not a 'date'",
        ),
        (
            "GET",
            "/accounting/account/ABC123/invoices/invoices",
            [("search[customerids][]", "abc")],
            None,
            "is not an integer",
        ),
        (
            "GET",
            "/accounting/account/ABC123/users/clients",
            [("search[has_outstanding]", "yes")],
            None,
            "is not true/false",
        ),
        (
            "GET",
            "/accounting/account/ABC123/users/clients",
            [("search[vis_state]", "7")],
            None,
            "is not one of [0, 1, 2]",
        ),
        (
            "GET",
            "/accounting/account/ABC123/expenses/expenses",
            [("search[amount_min]", "ten")],
            None,
            "search[amount_min]='ten'",
        ),
    ],
)
def test_request_check_refuses_badly_typed_values(
    method: str, path: str, query: list[tuple[str, str]], body: bytes | None, needle: str
) -> None:
    problems = check_request(method, API + path, query, body)
    assert any(needle in p for p in problems), problems


def test_request_check_accepts_well_typed_values() -> None:
    good = [
        (
            "/accounting/account/ABC123/users/clients",
            [
                ("search[updated_min]", "2024-05-01"),
                ("search[userids][]", "5"),
                ("search[has_outstanding]", "true"),
                ("search[vis_state]", "0"),
                ("search[fname_like]", "Gor"),
            ],
        ),
        (
            "/accounting/account/ABC123/expenses/expenses",
            [("search[amount_min]", "10.50"), ("search[date_max]", "2024-05-31")],
        ),
        (
            "/timetracking/business/7/time_entries",
            [("started_from", "2024-05-01T00:00:00Z"), ("billable", "true")],
        ),
    ]
    for path, query in good:
        assert check_request("GET", API + path, query, None) == [], path


def test_every_search_key_has_a_schema() -> None:
    spec = load_spec()
    for template, item in spec["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "x-search-keys" not in operation:
                continue
            keys = operation["x-search-keys"]
            assert isinstance(keys, dict), (method, template)
            for key, schema in keys.items():
                assert isinstance(schema, dict) and "type" in schema, (method, template, key)
            for date_key in ("updated_min", "updated_max", "date_min", "date_max"):
                if date_key in keys:
                    assert keys[date_key]["format"] == "date", (template, date_key)


# ---- 3. search[email_like] is ignored like any undocumented key ------------------------------


def test_sandbox_ignores_email_like_on_clients_and_staff(freshbooks_sandbox: Sandbox) -> None:
    sb = freshbooks_sandbox
    account = sb.account_ids[0]
    sb.create(account, "clients", {"fname": "A", "email": "a@melmac.com"})
    sb.create(account, "clients", {"fname": "B", "email": "b@tanner.com"})
    token = sb.issue_token(scopes=APP_SCOPES)
    with httpx.Client(transport=sb.transport(), base_url=API) as http:
        headers = {"Authorization": f"Bearer {token}"}
        for area in ("users/clients", "users/staffs"):
            url = f"/accounting/account/{account}/{area}"
            every = http.get(url, headers=headers).json()["response"]["result"]["total"]
            filtered = http.get(
                url, params={"search[email_like]": "melmac"}, headers=headers
            ).json()["response"]["result"]["total"]
            assert every >= 1 and filtered == every, area


def test_no_deviation_is_tolerated_any_more() -> None:
    assert KNOWN_DEVIATIONS == {}
