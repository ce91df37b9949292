"""Errors keep no secret and cross process boundaries.

Every class in :mod:`freshbooks_sdk.errors` (found by walking the tree, so a new class is covered
without editing this file) pickles and unpickles to an equal error, and neither the error, its
``request``, its ``response.request``, its cause, nor its pickle holds the bearer token or an
OAuth secret.
"""

from __future__ import annotations

import inspect
import json
import pickle
from typing import Any

import httpx
import pytest

from freshbooks_sdk import AsyncFreshBooks, FreshBooks, errors
from freshbooks_sdk._core.redact import REDACTED, redact_body, redact_request, redact_url
from freshbooks_sdk.errors import (
    APIConnectionError,
    APIStatusError,
    ErrorDetail,
    FreshBooksError,
    NotFoundError,
)

TOKEN = "s3cr3t_bearer_token_0123456789"
SECRET = "client_s3cr3t_abcdef"
CODE = "auth_c0de_987654"
URL = "https://api.freshbooks.com/accounting/account/ABC123/users/clients/1"


def all_error_classes() -> list[type[FreshBooksError]]:
    found: list[type[FreshBooksError]] = []
    todo: list[type[FreshBooksError]] = [FreshBooksError]
    while todo:
        cls = todo.pop()
        if cls.__module__ == errors.__name__:
            found.append(cls)
        todo.extend(cls.__subclasses__())
    return sorted(found, key=lambda c: c.__name__)


def secret_request() -> httpx.Request:
    return httpx.Request(
        "POST",
        URL + "?code=" + CODE,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        json={"client_secret": SECRET, "refresh_token": TOKEN, "grant_type": "refresh_token"},
    )


def secret_response(status: int = 404) -> httpx.Response:
    return httpx.Response(
        status,
        json={"response": {"errors": [{"errno": 1012, "message": "Client not found."}]}},
        headers={"Set-Cookie": f"session={TOKEN}"},
        request=secret_request(),
    )


def build(cls: type[FreshBooksError]) -> FreshBooksError:
    """An instance of ``cls`` with every argument its constructor takes, holding secrets."""
    params = inspect.signature(cls.__init__).parameters
    kw: dict[str, Any] = {}
    if "request" in params:
        kw["request"] = secret_request()
    if "response" in params:
        kw["response"] = secret_response()
    if "status_code" in params:
        kw["status_code"] = 404
    if "errors" in params:
        kw["errors"] = (
            [{"loc": ("id",), "msg": "bad", "type": "int_parsing"}]
            if cls is errors.ResponseValidationError
            else [ErrorDetail(message="Client not found.", errno=1012, field="userid")]
        )
    if "body_excerpt" in params:
        kw["body_excerpt"] = "Client not found."
    if "retry_after" in params:
        kw["retry_after"] = 2.5
    if "field" in params:
        kw["field"] = "email"
        kw["value"] = "x@y"
    if "may_have_applied" in params:
        kw["may_have_applied"] = True
    if "limit" in params:
        kw["limit"] = 1024
    return cls("something failed", **kw)


def test_the_tree_is_enumerated() -> None:
    names = {c.__name__ for c in all_error_classes()}
    assert len(names) >= 18
    assert {"APIStatusError", "RateLimitError", "ResponseTooLargeError"} <= names


def _state(error: FreshBooksError) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in vars(error).items():
        if isinstance(value, httpx.Request):
            out[key] = (value.method, str(value.url), value.headers.raw, value.content)
        elif isinstance(value, httpx.Response):
            out[key] = (
                value.status_code,
                value.headers.raw,
                value.content,
                str(value.request.url),
                value.request.headers.raw,
                value.request.content,
            )
        else:
            out[key] = value
    return out


@pytest.mark.parametrize("cls", all_error_classes(), ids=lambda c: c.__name__)
def test_every_error_pickles_faithfully_without_secrets(cls: type[FreshBooksError]) -> None:
    error = build(cls)
    data = pickle.dumps(error)
    for secret in (TOKEN, SECRET, CODE):
        assert secret.encode() not in data, f"{cls.__name__} pickles {secret}"
        assert secret not in repr(vars(error))
    again = pickle.loads(data)
    assert type(again) is cls
    assert again.args == error.args
    assert str(again) == str(error)
    assert again.retryable == error.retryable
    assert again.may_have_applied == error.may_have_applied
    assert _state(again) == _state(error)
    if isinstance(error, APIStatusError):
        assert again.errno == error.errno == 1012


def test_pickled_error_survives_a_process_style_round_trip_twice() -> None:
    error = build(errors.RateLimitError)
    twice = pickle.loads(pickle.dumps(pickle.loads(pickle.dumps(error))))
    assert isinstance(twice, errors.RateLimitError)
    assert twice.retry_after == 2.5 and twice.status_code == 404


def test_redacted_request_keeps_what_helps() -> None:
    clean = redact_request(secret_request())
    assert clean.headers["authorization"] == f"Bearer {REDACTED}"
    assert clean.method == "POST" and clean.url.path.endswith("/clients/1")
    assert clean.url.params["code"] == REDACTED
    body = json.loads(clean.content)
    assert body == {
        "client_secret": REDACTED,
        "refresh_token": REDACTED,
        "grant_type": "refresh_token",
    }
    assert redact_request(clean) is clean  # already clean: not copied again


def test_redact_leaves_ordinary_bodies_alone() -> None:
    body = json.dumps({"client": {"currency_code": "USD", "email": "a@b.c"}}).encode()
    assert redact_body(body, "application/json") is body
    assert redact_url(httpx.URL("https://x/y?page=2")) == httpx.URL("https://x/y?page=2")
    assert redact_body(b'{"token": [' * 10, "application/json") == REDACTED.encode()


def _handler(status: int) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status, json={"response": {"errors": [{"errno": 1012, "message": "nope"}]}}
        )

    return httpx.MockTransport(handle)


@pytest.mark.parametrize("status", [302, 400, 401, 404, 422, 429, 500])
def test_errors_from_calls_hold_no_token(status: int) -> None:
    fb = FreshBooks(
        access_token=TOKEN,
        account_id="ABC123",
        http_client=httpx.Client(transport=_handler(status)),
        sleep=lambda s: None,
        max_retries=1,
    )
    with pytest.raises(APIStatusError) as info:
        fb.clients.get(1)
    error = info.value
    assert error.response is not None
    assert error.response.request.headers["authorization"] == f"Bearer {REDACTED}"
    assert TOKEN.encode() not in pickle.dumps(error)
    assert pickle.loads(pickle.dumps(error)).status_code == status


def test_connection_errors_hold_no_token_not_even_in_the_cause() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    fb = FreshBooks(
        access_token=TOKEN,
        account_id="ABC123",
        http_client=httpx.Client(transport=httpx.MockTransport(refuse)),
        sleep=lambda s: None,
        max_retries=0,
    )
    with pytest.raises(APIConnectionError) as info:
        fb.clients.get(1)
    error = info.value
    assert error.request is not None
    assert error.request.headers["authorization"] == f"Bearer {REDACTED}"
    cause = error.__cause__
    assert isinstance(cause, httpx.RequestError)
    assert cause.request.headers["authorization"] == f"Bearer {REDACTED}"
    assert TOKEN.encode() not in pickle.dumps(error)


async def test_async_errors_hold_no_token() -> None:
    async with httpx.AsyncClient(transport=_handler(404)) as http:
        fb = AsyncFreshBooks(access_token=TOKEN, account_id="ABC123", http_client=http)
        with pytest.raises(NotFoundError) as info:
            await fb.clients.get(1)
    assert TOKEN.encode() not in pickle.dumps(info.value)
    assert info.value.response is not None
    assert TOKEN not in str(info.value.response.request.headers)
