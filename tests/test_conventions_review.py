"""Conventions a user of openai-python or stripe-python expects, checked once more (issue 14).

A client's repr names its account and host, never a token; ``close()`` works on both clients
(``aclose()`` too on the async one) and closing twice is harmless; ``max_retries=0`` means one
attempt (a 401 with a refreshable token is still replayed once: that is not a retry).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from freshbooks_sdk import AsyncFreshBooks, FreshBooks
from freshbooks_sdk.errors import ClientClosedError, InternalServerError

SECRET = "sekret-token-abc123"


def _counting(
    answer: Callable[[httpx.Request], httpx.Response],
) -> tuple[list[httpx.Request], httpx.MockTransport]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(request)

    return seen, httpx.MockTransport(handler)


def _invoice_body() -> dict[str, object]:
    return {
        "response": {
            "result": {
                "invoice": {
                    "id": 7,
                    "customerid": 1,
                    "create_date": "2026-01-02",
                    "updated": "2026-01-02 10:00:00",
                    "status": 2,
                    "v3_status": "sent",
                    "vis_state": 0,
                    "amount": {"amount": "1.00", "code": "USD"},
                }
            }
        }
    }


def test_repr_names_account_and_host_never_the_token() -> None:
    fb = FreshBooks(access_token=SECRET, account_id="ACM123")
    afb = AsyncFreshBooks(access_token=SECRET, account_id="ACM123")
    for client, name in ((fb, "FreshBooks"), (afb, "AsyncFreshBooks")):
        views = (client, client.with_options(timeout=5.0), client.with_account("XYZ9"))
        for view in views:
            text = repr(view)
            assert text.startswith(f"{name}(account_id=")
            assert "base_url='https://api.freshbooks.com'" in text
            assert SECRET not in text and SECRET not in str(view)
        assert "'XYZ9'" in repr(views[2])
    fb.close()
    asyncio.run(afb.aclose())


def test_close_and_context_managers_on_both_clients() -> None:
    seen, transport = _counting(lambda r: httpx.Response(200, json=_invoice_body()))
    with FreshBooks(access_token="t", account_id="ACM123") as fb:
        pass
    fb.close()  # twice: harmless
    with pytest.raises(ClientClosedError):
        fb.invoices.get(7)

    async def run() -> None:
        afb = AsyncFreshBooks(access_token="t", account_id="ACM123")
        await afb.close()  # the openai-python name
        await afb.aclose()  # the httpx name, twice: harmless
        with pytest.raises(ClientClosedError):
            await afb.invoices.get(7)
        async with AsyncFreshBooks(
            access_token="t",
            account_id="ACM123",
            http_client=httpx.AsyncClient(transport=transport),
        ) as live:
            assert (await live.invoices.get(7)).id == 7

    asyncio.run(run())
    assert len(seen) == 1
    assert AsyncFreshBooks.close is AsyncFreshBooks.aclose
    assert FreshBooks.close.__doc__ is not None and "with FreshBooks(" in FreshBooks.close.__doc__


@pytest.mark.parametrize(("max_retries", "attempts"), [(0, 1), (1, 2), (3, 4)])
def test_max_retries_counts_retries_after_the_first_attempt(
    max_retries: int, attempts: int
) -> None:
    seen, transport = _counting(
        lambda r: httpx.Response(503, json={"response": {"errors": [{"message": "down"}]}})
    )
    with FreshBooks(
        access_token="t",
        account_id="ACM123",
        max_retries=max_retries,
        sleep=lambda seconds: None,
        http_client=httpx.Client(transport=transport),
    ) as fb:
        with pytest.raises(InternalServerError):
            fb.invoices.get(7)
        assert len(seen) == attempts
        seen.clear()
        with pytest.raises(InternalServerError):
            fb.invoices.get(7, max_retries=0)  # per call: one attempt whatever the client says
        assert len(seen) == 1


class _Refreshing:
    """A token provider whose first token is rejected and a second one works."""

    def __init__(self) -> None:
        self.current = "old-token"
        self.rejected: list[str] = []

    def get_token(self) -> str:
        return self.current

    def handle_rejected(self, token: str) -> bool:
        self.rejected.append(token)
        self.current = "new-token"
        return True


def test_max_retries_zero_still_replays_once_after_a_token_refresh() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.headers["Authorization"] == "Bearer old-token":
            return httpx.Response(401, json={"error": "unauthenticated"})
        return httpx.Response(200, json=_invoice_body())

    seen, transport = _counting(answer)
    tokens = _Refreshing()
    with FreshBooks(
        token_source=tokens,
        account_id="ACM123",
        max_retries=0,
        http_client=httpx.Client(transport=transport),
    ) as fb:
        assert fb.invoices.get(7).id == 7
    assert [r.headers["Authorization"] for r in seen] == ["Bearer old-token", "Bearer new-token"]
    assert tokens.rejected == ["old-token"]
