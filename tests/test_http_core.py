"""The HTTP engine: auth header, retries (counting transport), typed errors, logging.

Runs against ``httpx.MockTransport``; sleeps are recorded, never waited.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import httpx
import pydantic
import pytest

from freshbooks_sdk._async._http import AsyncHTTPCore
from freshbooks_sdk._core.envelope import RequestSpec, single
from freshbooks_sdk._core.retry import http_date
from freshbooks_sdk._core.transport import RetryEvent
from freshbooks_sdk._sync._http import HTTPCore
from freshbooks_sdk.errors import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    ResponseValidationError,
    UnprocessableEntityError,
)

NOW = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


class Thing(pydantic.BaseModel):
    id: int


class ThingResult(pydantic.BaseModel):
    thing: Thing


class ThingBody(pydantic.BaseModel):
    result: ThingResult


class ThingEnvelope(pydantic.BaseModel):
    response: ThingBody


UNWRAP = single(ThingEnvelope, "thing")
OK_BODY = {"response": {"result": {"thing": {"id": 7}}}}


class Script:
    """A transport that answers from a script and counts what it saw."""

    def __init__(self, steps: list[Callable[[httpx.Request], httpx.Response]]) -> None:
        self.steps = steps
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps[min(len(self.requests), len(self.steps)) - 1]
        return step(request)


def ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=OK_BODY)


def status(
    code: int, body: Any = None, headers: dict[str, str] | None = None
) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        if isinstance(body, bytes):
            return httpx.Response(code, content=body, headers=headers)
        return httpx.Response(code, json=body if body is not None else {}, headers=headers)

    return answer


def fail(exc_type: type[Exception]) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        raise exc_type("boom", request=request)  # type: ignore[call-arg]  # httpx exceptions take request=

    return answer


def make_sync(script: Script, **kw: Any) -> tuple[HTTPCore, list[float]]:
    sleeps: list[float] = []
    core = HTTPCore(
        access_token=kw.pop("access_token", "secret-token"),
        token_source=kw.pop("token_source", None),
        base_url="https://api.freshbooks.com",
        timeout=5.0,
        max_retries=kw.pop("max_retries", 3),
        max_retry_wait=kw.pop("max_retry_wait", 60.0),
        http_client=httpx.Client(transport=httpx.MockTransport(script)),
        on_retry=kw.pop("on_retry", None),
        sleep=sleeps.append,
        clock=lambda: NOW,
        rng=lambda: 0.5,
        user_agent=None,
    )
    return core, sleeps


def make_async(script: Script, **kw: Any) -> tuple[AsyncHTTPCore, list[float]]:
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    core = AsyncHTTPCore(
        access_token="secret-token",
        token_source=None,
        base_url="https://api.freshbooks.com",
        timeout=5.0,
        max_retries=kw.pop("max_retries", 3),
        max_retry_wait=60.0,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(script)),
        on_retry=None,
        sleep=sleep,
        clock=lambda: NOW,
        rng=lambda: 0.5,
        user_agent=None,
    )
    return core, sleeps


GET = RequestSpec.get("/accounting/account/ABC/things/7", [("include[]", "lines")])
POST = RequestSpec.create("/accounting/account/ABC/things", {"thing": {"name": "x"}})


def test_get_sends_bearer_no_content_type_and_unwraps() -> None:
    script = Script([ok])
    core, _ = make_sync(script)
    assert core.call(GET, UNWRAP).id == 7
    req = script.requests[0]
    assert req.headers["Authorization"] == "Bearer secret-token"
    assert "content-type" not in req.headers
    assert req.url.query == b"include%5B%5D=lines"


def test_post_sends_json_body() -> None:
    script = Script([ok])
    core, _ = make_sync(script)
    core.call(POST, UNWRAP)
    req = script.requests[0]
    assert req.headers["content-type"] == "application/json"
    assert json.loads(req.content) == {"thing": {"name": "x"}}


def test_post_not_resent_after_read_timeout() -> None:
    script = Script([fail(httpx.ReadTimeout), ok])
    core, sleeps = make_sync(script)
    with pytest.raises(APITimeoutError):
        core.call(POST, UNWRAP)
    assert len(script.requests) == 1 and sleeps == []


def test_post_not_resent_after_dropped_connection() -> None:
    script = Script([fail(httpx.RemoteProtocolError), ok])
    core, _ = make_sync(script)
    with pytest.raises(APIConnectionError):
        core.call(POST, UNWRAP)
    assert len(script.requests) == 1


def test_post_resent_after_connect_error() -> None:
    script = Script([fail(httpx.ConnectError), ok])
    core, sleeps = make_sync(script)
    assert core.call(POST, UNWRAP).id == 7
    assert len(script.requests) == 2 and len(sleeps) == 1


def test_post_resent_after_429_with_retry_after() -> None:
    events: list[RetryEvent] = []
    script = Script(
        [
            status(429, {"response": {"errors": [{"message": "slow down"}]}}, {"Retry-After": "3"}),
            ok,
        ]
    )
    core, sleeps = make_sync(script, on_retry=events.append)
    assert core.call(POST, UNWRAP).id == 7
    assert len(script.requests) == 2
    assert sleeps == [3.0]
    assert events[0].status_code == 429 and events[0].delay == 3.0 and events[0].attempt == 1
    assert core.stats.retries == 1 and core.stats.by_reason == {"rate limited (429)": 1}


def test_429_http_date_retry_after() -> None:
    script = Script([status(429, {}, {"Retry-After": http_date(NOW.timestamp() + 12)}), ok])
    core, sleeps = make_sync(script)
    core.call(GET, UNWRAP)
    assert sleeps == [12.0]


def test_429_beyond_cap_raises_with_retry_after() -> None:
    script = Script([status(429, {}, {"Retry-After": "600"}), ok])
    core, sleeps = make_sync(script, max_retry_wait=30.0)
    with pytest.raises(RateLimitError) as info:
        core.call(GET, UNWRAP)
    assert info.value.retry_after == 600.0 and sleeps == [] and len(script.requests) == 1
    assert info.value.retryable


def test_429_retries_exhausted() -> None:
    script = Script([status(429, {}, {"Retry-After": "1"})])
    core, sleeps = make_sync(script, max_retries=2)
    with pytest.raises(RateLimitError) as info:
        core.call(GET, UNWRAP)
    assert len(script.requests) == 3 and sleeps == [1.0, 1.0]
    assert info.value.retry_after == 1.0


def test_get_retries_5xx_with_backoff_post_does_not() -> None:
    script = Script([status(500), status(502, b"<html>bad gateway</html>"), ok])
    core, sleeps = make_sync(script)
    assert core.call(GET, UNWRAP).id == 7
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0]
    script2 = Script([status(500), ok])
    core2, _ = make_sync(script2)
    with pytest.raises(InternalServerError):
        core2.call(POST, UNWRAP)
    assert len(script2.requests) == 1


def test_html_502_gives_typed_error_with_excerpt() -> None:
    script = Script([status(502, b"<html><title>502 Bad Gateway</title></html>")])
    core, _ = make_sync(script, max_retries=0)
    with pytest.raises(InternalServerError) as info:
        core.call(GET, UNWRAP)
    assert info.value.status_code == 502 and "502 Bad Gateway" in info.value.body_excerpt


@pytest.mark.parametrize("code", [400, 403, 404, 409, 422])
def test_client_errors_not_retried(code: int) -> None:
    script = Script(
        [
            status(
                code,
                {"response": {"errors": [{"errno": 1012, "message": "nope", "field": "userid"}]}},
            )
        ]
    )
    core, sleeps = make_sync(script)
    with pytest.raises(Exception) as info:
        core.call(GET, UNWRAP)
    assert len(script.requests) == 1 and sleeps == []
    assert getattr(info.value, "status_code", None) == code
    assert info.value.errors[0].field == "userid"  # type: ignore[attr-defined]  # APIStatusError


def test_200_with_errors_is_an_error() -> None:
    script = Script(
        [status(200, {"response": {"errors": [{"errno": 1012, "message": "Client not found."}]}})]
    )
    core, _ = make_sync(script)
    with pytest.raises(NotFoundError) as info:
        core.call(GET, UNWRAP)
    assert info.value.errno == 1012


def test_body_not_fitting_model_is_validation_error() -> None:
    script = Script([status(200, {"response": {"result": {"other": {}}}})])
    core, _ = make_sync(script)
    with pytest.raises(ResponseValidationError, match=r"response\.result\.thing"):
        core.call(GET, UNWRAP)


def test_422_details_parsed() -> None:
    body = {
        "response": {
            "errors": [
                {
                    "errno": 7012,
                    "message": "At least one field among fname, lname, email and organization is required.",
                    "field": "fname",
                }
            ]
        }
    }
    script = Script([status(422, body)])
    core, _ = make_sync(script)
    with pytest.raises(UnprocessableEntityError) as info:
        core.call(POST, UNWRAP)
    assert info.value.errno == 7012


def test_401_static_token_not_retried() -> None:
    script = Script(
        [status(401, {"response": {"errors": [{"errno": 1003, "message": "unauthorized"}]}})]
    )
    core, _ = make_sync(script)
    with pytest.raises(AuthenticationError):
        core.call(GET, UNWRAP)
    assert len(script.requests) == 1


def test_bad_construction_refused() -> None:
    with pytest.raises(InvalidRequestError, match="timeout"):
        HTTPCore(
            access_token="t",
            token_source=None,
            base_url="https://x",
            timeout=None,  # type: ignore[arg-type]  # refused on purpose
            max_retries=1,
            max_retry_wait=1,
            http_client=None,
            on_retry=None,
            sleep=None,
            clock=None,
            rng=None,
            user_agent=None,
        )
    with pytest.raises(InvalidRequestError, match="access_token"):
        make_sync(Script([ok]), access_token="")
    with pytest.raises(InvalidRequestError, match="max_retries"):
        make_sync(Script([ok]), max_retries=-1)


def test_logs_have_no_token(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="freshbooks_sdk")
    script = Script([status(429, {}, {"Retry-After": "1"}), ok])
    core, _ = make_sync(script)
    core.call(GET, UNWRAP)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "GET /accounting/account/ABC/things/7 -> 429" in text and "-> 200" in text
    assert "secret-token" not in text


async def test_async_same_decisions() -> None:
    script = Script([fail(httpx.ReadTimeout), ok])
    core, sleeps = make_async(script)
    assert (await core.call(GET, UNWRAP)).id == 7  # GET retried after read timeout
    assert len(sleeps) == 1
    script2 = Script([fail(httpx.ReadTimeout), ok])
    core2, _ = make_async(script2)
    with pytest.raises(APITimeoutError):
        await core2.call(POST, UNWRAP)
    assert len(script2.requests) == 1
    script3 = Script([status(429, {}, {"Retry-After": "2"}), ok])
    core3, sleeps3 = make_async(script3)
    assert (await core3.call(POST, UNWRAP)).id == 7
    assert sleeps3 == [2.0]


def test_ambiguous_failures_of_a_create_are_not_retryable() -> None:
    core, _ = make_sync(Script([fail(httpx.ReadTimeout)]))
    with pytest.raises(APITimeoutError) as timeout:
        core.call(POST, UNWRAP)
    assert timeout.value.may_have_applied and not timeout.value.retryable
    core, _ = make_sync(Script([status(500)]))
    with pytest.raises(InternalServerError) as five:
        core.call(POST, UNWRAP)
    assert five.value.may_have_applied and not five.value.retryable
    core, _ = make_sync(Script([fail(httpx.ConnectError)]), max_retries=0)
    with pytest.raises(APIConnectionError) as never_sent:
        core.call(POST, UNWRAP)
    assert not never_sent.value.may_have_applied and never_sent.value.retryable
    core, _ = make_sync(Script([status(500)]), max_retries=0)
    with pytest.raises(InternalServerError) as read:
        core.call(GET, UNWRAP)
    assert read.value.retryable


def test_undecodable_body_is_a_freshbooks_error() -> None:
    def bad_gzip(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"not gzip", headers={"Content-Encoding": "gzip"})

    core, _ = make_sync(Script([bad_gzip]))
    with pytest.raises(APIConnectionError, match="DecodingError"):
        core.call(GET, UNWRAP)


def test_200_with_result_and_errors_is_an_error() -> None:
    body = {
        "response": {"result": {"thing": {"id": 7}}, "errors": [{"errno": 1012, "message": "gone"}]}
    }
    core, _ = make_sync(Script([status(200, body)]))
    with pytest.raises(NotFoundError, match="gone"):
        core.call(GET, UNWRAP)


def test_word_errors_in_a_value_is_not_an_error() -> None:
    body = {"response": {"result": {"thing": {"id": 7, "note": 'no "errors" here'}}}}
    core, _ = make_sync(Script([status(200, body)]))
    assert core.call(GET, UNWRAP).id == 7


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"timeout": float("inf")}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": httpx.Timeout(None)}, "timeout.connect"),
        ({"timeout": httpx.Timeout(5.0, read=None)}, "timeout.read"),
        ({"max_retries": 1.5}, "max_retries"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retry_wait": float("inf")}, "max_retry_wait"),
    ],
)
def test_unbounded_settings_refused(kwargs: dict[str, Any], field: str) -> None:
    from freshbooks_sdk import FreshBooks

    with pytest.raises(InvalidRequestError) as info:
        FreshBooks(access_token="t", **kwargs)
    assert info.value.field == field


def test_5xx_retry_after_honoured_for_reads() -> None:
    script = Script([status(503, {}, {"Retry-After": "5"}), status(507), ok])
    core, sleeps = make_sync(script)
    assert core.call(GET, UNWRAP).id == 7
    assert sleeps[0] == 5.0 and len(sleeps) == 2
