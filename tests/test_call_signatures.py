"""A call that does not fit the signature is a typed error naming the argument, before sending.

Every public entry point of both clients (constructors, ``with_options``, ``with_account``,
``request``, ``close``, every resource method and its raw/streamed twins, ``poll``,
``for_business``) refuses a keyword it does not take with ``CallSignatureError``: an
``InvalidRequestError`` (``field`` names the keyword) that is also a ``TypeError``, raised before
any request, never keeping the value given.
"""

from __future__ import annotations

import asyncio
import inspect
import pickle
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from freshbooks_sdk import AsyncFreshBooks, FreshBooks
from freshbooks_sdk._core.options import call_signature_error, typed_call_errors
from freshbooks_sdk.errors import CallSignatureError, InvalidRequestError

TYPO = "zzz_not_an_argument"


def _refuse(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"a request was sent: {request.method} {request.url}")


@pytest.fixture
def fb() -> Iterator[FreshBooks]:
    http = httpx.Client(transport=httpx.MockTransport(_refuse))
    with FreshBooks(access_token="t", account_id="ACM123", http_client=http) as client:
        yield client
    http.close()


def _entry_points(client: Any) -> list[tuple[str, Callable[..., Any]]]:
    """Every public method of a client and of its resources (and their raw/streamed twins)."""
    found: list[tuple[str, Callable[..., Any]]] = []

    def methods(owner: Any, label: str) -> None:
        for name in dir(owner):
            if name.startswith("_"):
                continue
            value = getattr(owner, name)
            module = getattr(type(value), "__module__", "")
            if inspect.ismethod(value) or inspect.isfunction(value):
                found.append((f"{label}.{name}", value))
            elif module.startswith("freshbooks_sdk.") and not isinstance(value, (str, int)):
                if (
                    name in ("with_raw_response", "with_streaming_response")
                    or module.split(".")[-2] == "resources"
                ):
                    methods(value, f"{label}.{name}")

    methods(client, "fb")
    return found


def _outcome(result: Any) -> None:
    """Finish a call whose error may come later (a coroutine, an async stream context)."""

    async def finish() -> None:
        if inspect.isawaitable(result):
            await result
        elif hasattr(result, "__aenter__"):
            async with result:
                pass

    if inspect.isawaitable(result) or hasattr(result, "__aenter__"):
        asyncio.run(finish())
    elif hasattr(result, "__enter__") and hasattr(result, "__exit__"):
        with result:
            pass


def test_every_public_entry_point_names_a_misspelt_keyword(fb: FreshBooks) -> None:
    async_http = httpx.AsyncClient(transport=httpx.MockTransport(_refuse))
    afb = AsyncFreshBooks(access_token="t", account_id="ACM123", http_client=async_http)
    points = _entry_points(fb) + [(f"a{label}", m) for label, m in _entry_points(afb)]
    labels = {label for label, _ in points}
    # The walk really covers the surface (so a new method cannot slip past this test).
    for expected in (
        "fb.with_options",
        "fb.with_account",
        "fb.request",
        "fb.close",
        "afb.aclose",
        "fb.invoices.list",
        "fb.invoices.poll",
        "fb.invoices.with_raw_response.get",
        "fb.invoices.with_streaming_response.pdf",
        "afb.clients.create",
        "fb.projects.for_business",
        "fb.identity.me",
        "afb.time_entries.update",
    ):
        assert expected in labels, expected
    assert len(points) > 150
    for label, method in points:
        with pytest.raises(CallSignatureError) as info:
            _outcome(method(**{TYPO: 1}))
        assert info.value.field == TYPO, label
        assert isinstance(info.value, InvalidRequestError) and isinstance(info.value, TypeError)
        assert f"unexpected keyword argument {TYPO!r}" in str(info.value), label
    asyncio.run(async_http.aclose())


@pytest.mark.parametrize("cls", [FreshBooks, AsyncFreshBooks])
@pytest.mark.parametrize(
    ("kwargs", "field", "meant"),
    [
        ({"access_token": "t", "acount_id": "ACM123"}, "acount_id", "account_id"),
        ({"access_token": "t", "max_retry": 2}, "max_retry", "max_retries"),
        ({"access_token": "t", "http": None}, "http", None),
    ],
)
def test_constructors_name_a_misspelt_keyword(
    cls: type[Any], kwargs: dict[str, Any], field: str, meant: str | None
) -> None:
    with pytest.raises(CallSignatureError) as info:
        cls(**kwargs)
    assert info.value.field == field
    assert str(info.value).startswith(f"{cls.__name__}() got an unexpected keyword argument")
    assert (f"did you mean {meant!r}?" in str(info.value)) is (meant is not None)


def test_a_misspelt_secret_keyword_keeps_no_secret() -> None:
    secret = "sekret-access-token-123"
    with pytest.raises(CallSignatureError) as info:
        FreshBooks(acess_token=secret, account_id="ACM123")
    error = info.value
    assert error.field == "acess_token" and "access_token" in str(error)
    assert secret not in str(error) and secret not in repr(vars(error))
    assert secret.encode() not in pickle.dumps(error)
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is CallSignatureError and again.field == "acess_token"


@pytest.mark.parametrize(
    ("call", "field", "message"),
    [
        (lambda fb: fb.with_options(unknown=1), "unknown", "with_options() got an unexpected"),
        (lambda fb: fb.with_options(retries=2), "retries", "did you mean 'max_retries'?"),
        (lambda fb: fb.with_account(), "account_id", "missing a required argument"),
        (lambda fb: fb.with_account("A", "B"), None, "too many positional arguments"),
        # A typo is named first, not reported as the missing field it was meant to be.
        (lambda fb: fb.clients.create(fnmae="Ada"), "fnmae", "did you mean 'fname'?"),
        (lambda fb: fb.invoices.get(1, timout=5), "timout", "did you mean 'timeout'?"),
        (lambda fb: fb.invoices.poll(intervall=3), "intervall", "did you mean 'interval'?"),
        (lambda fb: fb.projects.for_business(busines_id=1), "busines_id", "'business_id'?"),
    ],
)
def test_sync_calls_name_the_argument(
    fb: FreshBooks, call: Callable[[Any], object], field: str | None, message: str
) -> None:
    with pytest.raises(CallSignatureError) as info:
        call(fb)
    assert info.value.field == field
    assert message in str(info.value)


async def test_async_calls_name_the_argument() -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(_refuse)) as http:
        afb = AsyncFreshBooks(access_token="t", account_id="ACM123", http_client=http)
        bad: Any = afb  # keeps the checkers quiet about the typos tested here
        with pytest.raises(CallSignatureError) as info:
            bad.with_options(unknown=1)
        assert info.value.field == "unknown"
        with pytest.raises(CallSignatureError) as info:
            await bad.clients.create(fnmae="Ada")
        assert info.value.field == "fnmae" and "create()" in str(info.value)
        with pytest.raises(CallSignatureError) as info:
            await bad.invoices.with_raw_response.get(1, timout=5)
        assert info.value.field == "timout"
        with pytest.raises(CallSignatureError) as info:
            bad.invoices.list(v3_statuss="paid")  # a paginator: refused when made
        assert info.value.field == "v3_statuss"
        await afb.aclose()


def test_the_wrapped_methods_keep_their_signatures_and_coroutine_nature() -> None:
    afb = AsyncFreshBooks(access_token="t", account_id="ACM123")
    assert inspect.iscoroutinefunction(afb.invoices.get)
    assert inspect.iscoroutinefunction(afb.request)
    assert inspect.iscoroutinefunction(afb.aclose)
    assert not inspect.iscoroutinefunction(afb.invoices.list)
    assert "include_lines" in inspect.signature(afb.invoices.get).parameters
    assert "timeout" in inspect.signature(FreshBooks).parameters
    assert list(inspect.signature(FreshBooks.with_account).parameters) == ["self", "account_id"]


def test_a_type_error_raised_inside_is_left_alone() -> None:
    @typed_call_errors
    def broken(value: int = 0) -> str:
        return "x" + value  # type: ignore[operator]  # the inner TypeError tested

    with pytest.raises(TypeError) as info:
        broken(value=1)
    assert not isinstance(info.value, CallSignatureError)

    @typed_call_errors
    async def abroken(value: int = 0) -> str:
        return "x" + value  # type: ignore[operator]  # the inner TypeError tested

    with pytest.raises(TypeError) as ainfo:
        asyncio.run(abroken(value=1))
    assert not isinstance(ainfo.value, CallSignatureError)
    bad: Any = abroken
    with pytest.raises(CallSignatureError):
        asyncio.run(bad(valeu=1))


def test_call_signature_error_is_none_for_a_call_that_binds() -> None:
    def f(a: int, *, b: int = 0) -> None: ...

    assert call_signature_error(f, (1,), {"b": 2}) is None
    error = call_signature_error(f, (), {"b": 2})
    assert error is not None and error.field == "a" and "missing" in str(error)
