"""Client conventions users expect from openai/stripe/httpx: settings from the environment,
errors that say which call failed, a closed client that says so, a wrong http_client refused."""

from __future__ import annotations

import doctest
import importlib
import warnings
from datetime import datetime
from typing import Any

import httpx
import pytest

from freshbooks_sdk import AsyncFreshBooks, FreshBooks
from freshbooks_sdk._core.clockcheck import clock_mismatch
from freshbooks_sdk._core.environ import resolve_client_env
from freshbooks_sdk._core.transport import DEFAULT_BASE_URL
from freshbooks_sdk.errors import (
    APIStatusError,
    ClientClosedError,
    FreshBooksError,
    InvalidRequestError,
    NotFoundError,
)
from freshbooks_sdk.sandbox import FakeClock, Sandbox

CLIENTS: list[Any] = [FreshBooks, AsyncFreshBooks]
IDS = ["sync", "async"]


def _http_for(cls: Any, sb: Sandbox) -> httpx.Client | httpx.AsyncClient:
    if cls is FreshBooks:
        return httpx.Client(transport=sb.transport())
    return httpx.AsyncClient(transport=sb.async_transport())


def _fake_sleep(cls: Any, sb: Sandbox) -> Any:
    """A sleep that advances the sandbox's FakeClock, sync or async like the client."""
    clock = sb.clock
    assert isinstance(clock, FakeClock)
    if cls is FreshBooks:
        return clock.advance

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)

    return sleep


async def _call(value: Any) -> Any:
    return await value if hasattr(value, "__await__") else value


# ---- environment variables -------------------------------------------------------------


@pytest.mark.parametrize("cls", CLIENTS, ids=IDS)
def test_settings_come_from_the_environment(cls: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRESHBOOKS_ACCESS_TOKEN", "env-token")
    monkeypatch.setenv("FRESHBOOKS_ACCOUNT_ID", "ENV123")
    monkeypatch.setenv("FRESHBOOKS_BASE_URL", "http://127.0.0.1:8765/")
    fb = cls()
    assert fb.account_id == "ENV123"
    assert fb.base_url == "http://127.0.0.1:8765"


@pytest.mark.parametrize("cls", CLIENTS, ids=IDS)
def test_an_explicit_argument_wins_over_the_environment(
    cls: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRESHBOOKS_ACCOUNT_ID", "ENV123")
    monkeypatch.setenv("FRESHBOOKS_BASE_URL", "http://127.0.0.1:8765")
    fb = cls(access_token="t", account_id="ARG456", base_url="https://example.test")
    assert (fb.account_id, fb.base_url) == ("ARG456", "https://example.test")


@pytest.mark.parametrize("cls", CLIENTS, ids=IDS)
async def test_the_environment_token_is_the_one_sent(
    cls: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sb = Sandbox(clock=FakeClock())
    monkeypatch.setenv("FRESHBOOKS_ACCESS_TOKEN", sb.issue_token())
    monkeypatch.setenv("FRESHBOOKS_ACCOUNT_ID", sb.account_ids[1])
    fb = cls(http_client=_http_for(cls, sb), clock=sb.now, sleep=_fake_sleep(cls, sb))
    businesses = await _call(fb.identity.businesses())
    assert [b.account_id for b in businesses] == sb.account_ids
    await _call(fb.clients.create(email="env@example.com"))
    assert sb.request_log[-1].path == f"/accounting/account/{sb.account_ids[1]}/users/clients"
    assert sb.request_log[-1].status == 200


@pytest.mark.parametrize("cls", CLIENTS, ids=IDS)
def test_without_token_argument_or_variable_the_error_names_the_argument(
    cls: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRESHBOOKS_ACCESS_TOKEN", "   ")  # blank counts as unset
    with pytest.raises(InvalidRequestError) as info:
        cls(account_id="ABC123")
    assert info.value.field == "access_token"


@pytest.mark.parametrize("cls", CLIENTS, ids=IDS)
@pytest.mark.parametrize(
    ("variable", "value"),
    [("FRESHBOOKS_ACCOUNT_ID", "../ABC"), ("FRESHBOOKS_BASE_URL", "api.freshbooks.com")],
)
def test_an_unusable_variable_is_named(
    cls: Any, variable: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(InvalidRequestError) as info:
        cls(access_token="t")
    assert info.value.field == variable
    assert variable in str(info.value) and value in str(info.value)


def test_a_token_source_means_the_token_variable_is_not_read() -> None:
    env = {"FRESHBOOKS_ACCESS_TOKEN": "from-env"}
    resolved = resolve_client_env(None, True, None, None, env)
    assert resolved.access_token is None
    assert resolved.access_token_source == "access_token"
    plain = resolve_client_env(None, False, None, None, env)
    assert (plain.access_token, plain.access_token_source) == (
        "from-env",
        "FRESHBOOKS_ACCESS_TOKEN",
    )
    assert plain.base_url == DEFAULT_BASE_URL and plain.base_url_source == "base_url"


# ---- error text ------------------------------------------------------------------------


def _response(status: int, headers: dict[str, str] | None = None) -> httpx.Response:
    request = httpx.Request("GET", "https://api.freshbooks.com/accounting/account/ABC/x/9?q=secret")
    return httpx.Response(status, headers=headers, request=request)


def test_status_error_text_names_method_path_and_request_id() -> None:
    err = NotFoundError(
        "Invoice not found.",
        status_code=404,
        response=_response(404, {"X-Request-Id": "req-7f3a"}),
    )
    assert str(err) == (
        "404 Not Found: Invoice not found. (GET /accounting/account/ABC/x/9, request id req-7f3a)"
    )
    assert err.request_id == "req-7f3a"
    assert "secret" not in str(err)  # never the query string


def test_status_error_text_without_response_or_request_id() -> None:
    assert str(NotFoundError("Gone.", status_code=404)) == "404 Not Found: Gone."
    assert str(APIStatusError("Odd.", status_code=299)) == "299: Odd."
    no_request = httpx.Response(500, headers={"Request-Id": "r1"})
    err = APIStatusError("Boom.", status_code=500, response=no_request)
    assert str(err) == "500 Internal Server Error: Boom. (request id r1)"


def test_a_hostile_request_id_is_cleaned_and_bounded() -> None:
    err = NotFoundError(
        "x", status_code=404, response=_response(404, {"X-Request-Id": "a\tb" + "c" * 1000})
    )
    assert err.request_id is not None
    assert "\t" not in err.request_id and len(err.request_id) == 128


@pytest.mark.parametrize("cls", CLIENTS, ids=IDS)
async def test_a_real_404_prints_its_call(cls: Any) -> None:
    sb = Sandbox(clock=FakeClock())
    fb = sb.client() if cls is FreshBooks else sb.async_client()
    with pytest.raises(NotFoundError) as info:
        await _call(fb.invoices.get(9))
    assert str(info.value).startswith("404 Not Found: ")
    assert str(info.value).endswith("(GET /accounting/account/ACM123/invoices/invoices/9)")


# ---- closed clients and the wrong http_client --------------------------------------------


def test_a_closed_sync_client_raises_a_typed_error_and_sends_nothing() -> None:
    fb = FreshBooks(access_token="t", account_id="ACM123")  # the SDK's own httpx.Client
    fb.close()
    with pytest.raises(ClientClosedError) as info:
        fb.clients.get(1)
    assert isinstance(info.value, FreshBooksError) and not info.value.retryable
    assert "GET /accounting/account/ACM123/users/clients/1" in str(info.value)
    assert fb.stats.requests == 0


def test_the_callers_http_client_stays_open_and_a_closed_one_is_reported() -> None:
    sb = Sandbox(clock=FakeClock())
    http = httpx.Client(transport=sb.transport())
    kwargs: dict[str, Any] = {"access_token": sb.issue_token(), "account_id": "ACM123"}
    with FreshBooks(
        http_client=http, clock=sb.now, sleep=_fake_sleep(FreshBooks, sb), **kwargs
    ) as fb:
        fb.clients.create(email="a@example.com")
    assert not http.is_closed  # not created by the SDK, not closed by it
    assert len(list(fb.clients.list())) == 1
    http.close()
    with pytest.raises(ClientClosedError):
        fb.clients.get(1)


async def test_a_closed_async_client_raises_a_typed_error_and_sends_nothing() -> None:
    afb = AsyncFreshBooks(access_token="t", account_id="ACM123")
    async with afb:
        pass
    with pytest.raises(ClientClosedError):
        await afb.clients.get(1)
    with pytest.raises(ClientClosedError):
        [c async for c in afb.clients.list()]
    assert afb.stats.requests == 0


def test_a_closed_wired_client_refuses_every_call() -> None:
    sb = Sandbox(clock=FakeClock())
    with sb.client() as fb:
        fb.clients.create(email="a@example.com")
    seen = len(sb.request_log)
    with pytest.raises(ClientClosedError):
        list(fb.clients.list())
    assert len(sb.request_log) == seen


@pytest.mark.parametrize(
    ("cls", "wrong"),
    [(AsyncFreshBooks, httpx.Client), (FreshBooks, httpx.AsyncClient), (FreshBooks, dict)],
)
def test_the_wrong_kind_of_http_client_is_refused_at_construction(cls: Any, wrong: Any) -> None:
    with pytest.raises(InvalidRequestError) as info:
        cls(access_token="t", http_client=wrong())
    assert info.value.field == "http_client"
    assert wrong.__name__ in str(info.value)


# ---- clock agreement ----------------------------------------------------------------------


@pytest.mark.parametrize("cls", CLIENTS, ids=IDS)
def test_a_client_on_real_time_over_a_fake_clock_sandbox_warns(cls: Any) -> None:
    sb = Sandbox(clock=FakeClock())
    with pytest.warns(UserWarning, match=r"sandbox's clock reads 2024-03-15.*days apart"):
        cls(access_token="t", http_client=_http_for(cls, sb))


@pytest.mark.parametrize("cls", CLIENTS, ids=IDS)
def test_clients_that_agree_with_the_sandbox_do_not_warn(cls: Any) -> None:
    sb = Sandbox(clock=FakeClock())
    real = Sandbox()  # real time on both sides
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cls(
            access_token="t",
            http_client=_http_for(cls, sb),
            clock=sb.now,
            sleep=_fake_sleep(cls, sb),
        )
        cls(access_token="t", http_client=_http_for(cls, real))
        sb.client() if cls is FreshBooks else sb.async_client()
        cls(access_token="t", http_client=httpx.Client() if cls is FreshBooks else None)


def test_clock_mismatch_tolerance() -> None:
    clock = FakeClock()
    now = clock()
    clock.advance(300)
    assert clock_mismatch(now, clock()) is None
    clock.advance(1)
    message = clock_mismatch(now, clock())
    assert message is not None and "(301 s apart)" in message


@pytest.mark.parametrize(
    "name", ["freshbooks_sdk._core.environ", "freshbooks_sdk._core.clockcheck"]
)
def test_module_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_a_200_carrying_errors_prints_no_reason_phrase() -> None:
    err = NotFoundError("Client not found.", status_code=200, response=_response(200))
    assert str(err) == "200: Client not found. (GET /accounting/account/ABC/x/9)"


def test_a_closed_oauth_client_raises_a_typed_error() -> None:
    from freshbooks_sdk.auth import OAuthClient

    oauth = OAuthClient("id", "secret", "https://example.com/cb")
    oauth.close()
    with pytest.raises(ClientClosedError) as info:
        oauth.exchange_code("code")
    assert "POST /auth/oauth/token" in str(info.value)


async def test_a_closed_async_oauth_client_raises_a_typed_error() -> None:
    from freshbooks_sdk.auth import AsyncOAuthClient

    async with AsyncOAuthClient("id", "secret", "https://example.com/cb") as oauth:
        pass
    with pytest.raises(ClientClosedError):
        await oauth.refresh("refresh-token")


def test_a_naive_client_clock_does_not_break_construction() -> None:
    sb = Sandbox(clock=FakeClock())
    naive = datetime(2024, 3, 15, 14, 0)
    assert clock_mismatch(naive, sb.now()) is None
    with pytest.warns(UserWarning, match="sleeps in real time"):
        FreshBooks(access_token="t", http_client=_http_for(FreshBooks, sb), clock=lambda: naive)


@pytest.mark.parametrize("cls", CLIENTS, ids=IDS)
def test_a_real_sleep_over_a_fake_clock_sandbox_warns(cls: Any) -> None:
    sb = Sandbox(clock=FakeClock())
    with pytest.warns(UserWarning, match="sleeps in real time.*never let the sandbox's time pass"):
        cls(access_token="t", http_client=_http_for(cls, sb), clock=sb.now)
