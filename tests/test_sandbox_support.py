"""Helpers shared by the sandbox tests (no tests here)."""

from __future__ import annotations

from typing import Any

import httpx

from freshbooks_sdk.sandbox import FakeClock, Sandbox

BASE = "https://api.freshbooks.com"


def make_sandbox(**kwargs: Any) -> Sandbox:
    kwargs.setdefault("clock", FakeClock())
    kwargs.setdefault("seed", 0)
    return Sandbox(**kwargs)


class Api:
    """A thin httpx wrapper bound to one account: ``api.get("users/clients", page=2)``."""

    def __init__(
        self,
        sb: Sandbox,
        http: httpx.Client | None = None,
        *,
        token: str | None = None,
        account_id: str | None = None,
    ) -> None:
        self.sb = sb
        self.http = http or httpx.Client(transport=sb.transport(), base_url=BASE)
        self.token = sb.issue_token() if token is None else token
        self.account_id = account_id or sb.account_ids[0]

    def url(self, suffix: str) -> str:
        return f"/accounting/account/{self.account_id}/{suffix}"

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **(extra or {})}

    def get(
        self, suffix: str, params: Any = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return self.http.get(self.url(suffix), params=params, headers=self.headers(headers))

    def post(self, suffix: str, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.http.post(self.url(suffix), json=body, headers=self.headers(headers))

    def put(self, suffix: str, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.http.put(self.url(suffix), json=body, headers=self.headers(headers))

    def delete(self, suffix: str) -> httpx.Response:
        return self.http.delete(self.url(suffix), headers=self.headers())

    def raw(self, method: str, suffix: str, content: bytes = b"", **kw: Any) -> httpx.Response:
        return self.http.request(
            method, self.url(suffix), content=content, headers=self.headers(kw.pop("headers", {}))
        )

    # -- shortcuts returning the created object --

    def client(self, **fields: Any) -> dict[str, Any]:
        fields.setdefault("email", "ada@example.com")
        created: dict[str, Any] = ok(self.post("users/clients", {"client": fields}))["client"]
        return created

    def invoice(self, customerid: int, **fields: Any) -> dict[str, Any]:
        fields.setdefault("create_date", self.sb.now().date().isoformat())
        fields.setdefault("lines", [{"name": "Work", "qty": "1", "unit_cost": {"amount": "10"}}])
        body = {"invoice": {"customerid": customerid, **fields}}
        created: dict[str, Any] = ok(self.post("invoices/invoices?include[]=lines", body))[
            "invoice"
        ]
        return created

    def expense(self, **fields: Any) -> dict[str, Any]:
        fields.setdefault("categoryid", first_category(self.sb, self.account_id))
        fields.setdefault("staffid", self.sb.staff_id(self.account_id))
        fields.setdefault("amount", {"amount": "12.50", "code": "USD"})
        fields.setdefault("date", "2024-03-14")
        created: dict[str, Any] = ok(self.post("expenses/expenses", {"expense": fields}))["expense"]
        return created


def ok(response: httpx.Response) -> dict[str, Any]:
    """The ``response.result`` of a 200, with a readable failure otherwise."""
    assert response.status_code == 200, (response.status_code, response.text)
    result: dict[str, Any] = response.json()["response"]["result"]
    return result


def errors(response: httpx.Response) -> list[dict[str, Any]]:
    """The classic ``response.errors`` list."""
    errs: list[dict[str, Any]] = response.json()["response"]["errors"]
    return errs


def first_category(sb: Sandbox, account_id: str) -> int:
    return min(sb.store(account_id).categories)
