"""Fidelity fixes of issue 13: staff times and secrets, documented expense-category filters, the
expense ``staffid`` fallback."""

from __future__ import annotations

import json
import logging
from datetime import date
from typing import Any

import httpx
import pytest

from freshbooks_sdk import FreshBooks
from freshbooks_sdk.errors import InvalidRequestError
from freshbooks_sdk.sandbox import Sandbox
from freshbooks_sdk.sandbox.seed import APP_SCOPES, INTEGRATION_SCOPES, SEED_TIME


def _fb(sb: Sandbox, scopes: Any = APP_SCOPES, transport: Any = None) -> FreshBooks:
    if transport is None:  # wired: the sandbox's clock and sleep
        return sb.client(access_token=sb.issue_token(scopes=scopes))
    return FreshBooks(
        access_token=sb.issue_token(scopes=scopes),
        account_id=sb.account_ids[0],
        http_client=httpx.Client(transport=transport or sb.transport()),
    )


def test_staff_signup_date_is_eastern_and_api_token_is_hidden(
    freshbooks_sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="freshbooks_sdk")
    with _fb(freshbooks_sandbox) as fb:
        people = list(fb.staff.list())
    wire = freshbooks_sandbox.get(freshbooks_sandbox.account_ids[0], "staffs", people[0].id)
    assert wire["signup_date"] == "2023-01-03 09:00:00"  # 14:00Z written on the Eastern clock
    for person in people:
        assert person.signup_date == SEED_TIME  # read back as the same instant (not 09:00Z)
        assert person.api_token and len(person.api_token) == 32
        assert person.api_token not in repr(person) and person.api_token not in str(person)
        assert "api_token" not in (person.model_extra or {})  # modelled, not an extra
        assert all(person.api_token not in r.getMessage() for r in caplog.records)


@pytest.mark.spec_exempt  # it sends undocumented keys on purpose, to see them ignored
def test_expense_category_filters_are_the_documented_ones(freshbooks_sandbox: Sandbox) -> None:
    with _fb(freshbooks_sandbox) as fb:
        every = fb.request(
            "GET", "/accounting/account/{account_id}/expenses/categories", params={"per_page": 100}
        )
        cats = every["response"]["result"]["categories"]
        total = every["response"]["result"]["total"]

        def search(**params: Any) -> list[Any]:
            query = {f"search[{k}]": v for k, v in params.items()}
            body = fb.request(
                "GET",
                "/accounting/account/{account_id}/expenses/categories",
                params=query | {"per_page": 100},
            )
            return list(body["response"]["result"]["categories"])

        parent = next(c for c in cats if any(k["parentid"] == c["id"] for k in cats))
        children = [c["id"] for c in cats if c["parentid"] == parent["id"]]
        assert children and [c["id"] for c in search(parentid=parent["id"])] == children
        assert [c["id"] for c in search(name=parent["category"].upper())] == [parent["id"]]
        cogs = search(is_cogs=True)
        assert cogs and all(c["is_cogs"] for c in cogs)
        assert len(cogs) + len(search(is_cogs=False)) == total
        assert search(is_editable=True) == []
        two = [cats[0]["id"], cats[1]["id"]]
        listed = fb.request(
            "GET",
            "/accounting/account/{account_id}/expenses/categories",
            params={"search[categoryids][]": two},
        )
        assert [c["id"] for c in listed["response"]["result"]["categories"]] == two
        # undocumented keys are ignored, as FreshBooks does: the whole list comes back
        assert len(search(category_like="zzz-no-such")) == min(total, 100)
        assert len(search(categoryid=cats[0]["id"])) == min(total, 100)


class _NoRoleUserid(httpx.BaseTransport):
    """The sandbox, with ``users/me`` stripped of ``roles[].userid`` (an undocumented field)."""

    def __init__(self, sb: Sandbox) -> None:
        self.inner = sb.transport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path != "/auth/api/v1/users/me" or response.status_code != 200:
            return response
        response.read()
        body = json.loads(response.content)
        for role in body["response"]["roles"]:
            role.pop("userid", None)
        return httpx.Response(200, json=body)


def test_expense_staffid_falls_back_to_the_documented_staff_list(
    freshbooks_sandbox: Sandbox,
) -> None:
    sb = freshbooks_sandbox
    category = next(iter(sb.store(sb.account_ids[0]).categories))
    with _fb(sb, transport=_NoRoleUserid(sb)) as fb:
        assert fb.identity.staff_id() == sb.staff_id(sb.account_ids[0])
        expense = fb.expenses.create(
            amount="12.00", currency_code="USD", category_id=category, date=date(2024, 5, 1)
        )
        assert expense.staffid == sb.staff_id(sb.account_ids[0])
        staff_requests = [r for r in sb.request_log if r.path.endswith("/users/staffs")]
        assert staff_requests  # the fallback used the documented endpoint
    with _fb(sb, scopes=INTEGRATION_SCOPES, transport=_NoRoleUserid(sb)) as fb:
        with pytest.raises(InvalidRequestError, match="user:teams:read") as info:
            fb.expenses.create(
                amount="12.00", currency_code="USD", category_id=category, date=date(2024, 5, 1)
            )
        assert info.value.field == "staff_id"
        # an explicit staff_id needs neither users/me nor the staff list
        made = fb.expenses.create(
            amount="1.00",
            currency_code="USD",
            category_id=category,
            date=date(2024, 5, 1),
            staff_id=sb.staff_id(sb.account_ids[0]),
        )
        assert made.staffid == sb.staff_id(sb.account_ids[0])
