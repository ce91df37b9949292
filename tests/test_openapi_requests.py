"""The OpenAPI fragment describes every request the SDK sends: each recorded cassette request is
checked against it (the resource tests are checked as they run, see ``conftest.py``), and the
checker itself is shown to refuse what the fragment does not describe."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cassette_scenarios import CASSETTES
from freshbooks_sdk._core.inputs import send_body
from openapi_requests import KNOWN_DEVIATIONS, cassette_requests, check_request, tolerated

ACM = "/accounting/account/ACM123"
DELIBERATELY_INVALID = {"error_400.yaml"}  # sends a list as an email to provoke FreshBooks' 400


def test_every_cassette_request_conforms() -> None:
    requests = cassette_requests(sorted(CASSETTES.glob("*.yaml")))
    assert len(requests) > 40  # the check ran over the recordings, not over nothing
    problems = [
        f"{name}: {problem}"
        for name, method, uri, body in requests
        if name not in DELIBERATELY_INVALID
        for problem in check_request(method, uri, None, body)
        if not tolerated(problem)
    ]
    assert problems == []
    invalid = [r for r in requests if r[0] in DELIBERATELY_INVALID]
    assert any(check_request(method, uri, None, body) for _, method, uri, body in invalid)


def test_known_deviations_have_reasons() -> None:
    assert all(len(reason) > 20 for reason in KNOWN_DEVIATIONS.values())


def _body(obj: object) -> bytes:
    return json.dumps(obj).encode()


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        (
            "GET",
            f"{ACM}/invoices/invoices?search[v3_status]=paid&include[]=lines&sort=invoice_date_desc&page=2&per_page=100",
            None,
        ),
        ("GET", f"{ACM}/expenses/expenses?search[categoryids][]=1&search[categoryids][]=2", None),
        ("GET", f"{ACM}/expenses/categories?search[is_cogs]=true&search[name]=Travel", None),
        (
            "PUT",
            f"{ACM}/invoices/invoices/7?include[]=lines",
            _body(
                {"invoice": send_body(to=["a@b.co"], subject="Hi", body="Thanks", include_pdf=True)}
            ),
        ),
        ("PUT", f"{ACM}/invoices/invoices/7", _body({"invoice": {"action_mark_as_sent": True}})),
        ("PUT", f"{ACM}/invoices/invoices/7", _body({"invoice": {"vis_state": 1}})),
        ("PUT", f"{ACM}/users/clients/7", _body({"client": {"vis_state": 0}})),
        ("PUT", f"{ACM}/invoices/invoices/7", _body({"invoice": {"notes": "n"}})),
        (
            "GET",
            "/timetracking/business/7310001/time_entries?started_from=2024-05-01T00:00:00Z&billable=true",
            None,
        ),
        ("POST", "/projects/business/7310001/project", _body({"project": {"title": "T"}})),
        ("PUT", "/events/account/ACM123/events/callbacks/3", _body({"callback": {"resend": True}})),
        ("DELETE", "/events/account/ACM123/events/callbacks/3", None),
        ("GET", f"{ACM}/invoices/invoices/7/pdf", None),
    ],
)
def test_described_requests_pass(method: str, url: str, body: bytes | None) -> None:
    assert check_request(method, url, None, body) == []


@pytest.mark.parametrize(
    ("method", "url", "body", "problem"),
    [
        ("GET", f"{ACM}/invoices/wat", None, "no such operation"),
        ("PATCH", f"{ACM}/users/clients/7", None, "no such operation"),
        (
            "GET",
            f"{ACM}/invoices/invoices?search[status]=2",
            None,
            "'status' is not in x-search-keys",
        ),
        ("GET", f"{ACM}/invoices/invoices?statusid=2", None, "'statusid' is not declared"),
        ("GET", f"{ACM}/invoices/invoices?include[]=everything", None, "not in x-include-keys"),
        ("GET", f"{ACM}/invoices/invoices?per_page=many", None, "not an integer"),
        ("GET", f"{ACM}/invoices/invoices?sort=invoice_date", None, "does not match"),
        ("GET", "/timetracking/business/7310001/time_entries?billable=yes", None, "true/false"),
        (
            "GET",
            "/timetracking/business/7310001/time_entries?search[client_id]=5",
            None,
            "not declared",
        ),
        ("GET", f"{ACM}/users/clients", b"{}", "does not take"),
        ("POST", f"{ACM}/users/clients", None, "requires a body"),
        # the update-phase trap: a phase key beside data is not a body FreshBooks honours
        (
            "PUT",
            f"{ACM}/invoices/invoices/7",
            _body({"invoice": {"vis_state": 1, "notes": "x"}}),
            "not valid under any",
        ),
        (
            "PUT",
            f"{ACM}/invoices/invoices/7",
            _body({"invoice": {"action_email": True, "notes": "x"}}),
            "not valid under any",
        ),
        (
            "POST",
            f"{ACM}/invoices/invoices",
            _body({"invoice": {"customerid": 1, "colour": "red"}}),
            "colour",
        ),
        (
            "POST",
            "/timetracking/business/7310001/time_entries",
            _body({"time_entry": {"duration": 60}}),
            "required",
        ),
        (
            "PUT",
            "/events/account/ACM123/events/callbacks/3",
            _body({"callback": {"verifier": "v", "resend": True}}),
            "callback",
        ),
    ],
)
def test_undescribed_requests_are_refused(
    method: str, url: str, body: bytes | None, problem: str
) -> None:
    problems = check_request(method, url, None, body)
    assert problems and any(problem in p for p in problems), problems


def test_oauth_bodies_conform() -> None:
    from freshbooks_sdk._core.oauth import refresh_body, revoke_body

    revoke = revoke_body(client_id="id", client_secret="secret", token="t")
    assert check_request("POST", "/auth/oauth/revoke", None, _body(revoke)) == []
    refresh = refresh_body(
        client_id="id",
        client_secret="secret",
        redirect_uri="https://x.example/cb",
        refresh_token="r",
    )
    assert check_request("POST", "/auth/oauth/token", None, _body(refresh)) == []
    assert check_request("POST", "/auth/oauth/revoke", None, _body({"token": "t"}))


def test_cassette_reader_reads_bodies(tmp_path: Path) -> None:
    cassette = tmp_path / "x.yaml"
    cassette.write_text(
        "interactions:\n- request:\n    method: POST\n    uri: https://api.freshbooks.com/x\n"
        "    body: '{\"a\": 1}'\n  response: {}\nversion: 1\n"
    )
    assert cassette_requests([cassette]) == [
        ("x.yaml", "POST", "https://api.freshbooks.com/x", b'{"a": 1}')
    ]
