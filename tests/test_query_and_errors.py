"""Query encoding, error body parsing and the error tree (pure)."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from freshbooks_sdk._core.errparse import parse_error_body
from freshbooks_sdk._core.query import accounting_path, build_query, check_account_id
from freshbooks_sdk.errors import (
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    UnprocessableEntityError,
    status_error_class,
)


def test_build_query_encodes_freshbooks_forms() -> None:
    params = build_query(
        search={
            "email": "a@b.com",
            "customerids": [1, 2],
            "updated_min": date(2024, 3, 10),
            "amount_min": Decimal("1E+1"),
            "paid": True,
            "skip": None,
        },
        include=["lines", "presentation"],
        page=3,
        per_page=100,
    )
    assert params == [
        ("search[email]", "a@b.com"),
        ("search[customerids][]", "1"),
        ("search[customerids][]", "2"),
        ("search[updated_min]", "2024-03-10"),
        ("search[amount_min]", "10"),
        ("search[paid]", "true"),
        ("include[]", "lines"),
        ("include[]", "presentation"),
        ("page", "3"),
        ("per_page", "100"),
    ]


def test_datetime_filter_value_is_refused() -> None:
    with pytest.raises(InvalidRequestError, match="day-granular"):
        build_query(search={"updated_min": datetime(2024, 1, 1, tzinfo=timezone.utc)})


@pytest.mark.parametrize(
    "bad", ["", "../x", "AB C", "abc/def", "a" * 33, "ABC123?x=1", "ACM123\n", 123]
)
def test_account_id_refused(bad: object) -> None:
    with pytest.raises(InvalidRequestError) as info:
        check_account_id(bad)  # type: ignore[arg-type]  # deliberately wrong type in one case
    assert info.value.field == "account_id"


def test_account_path() -> None:
    assert (
        accounting_path("ABC123", "users/clients", 5)
        == "/accounting/account/ABC123/users/clients/5"
    )
    with pytest.raises(InvalidRequestError, match="account_id"):
        accounting_path(None, "users/clients")
    with pytest.raises(InvalidRequestError, match="positive int"):
        accounting_path("ABC123", "users/clients", 0)


def _b(obj: object) -> bytes:
    return json.dumps(obj).encode()


def test_classic_error() -> None:
    body = _b(
        {
            "response": {
                "errors": [
                    {
                        "errno": 1012,
                        "field": "userid",
                        "message": "Client not found.",
                        "object": "client",
                        "value": "12345",
                    }
                ]
            }
        }
    )
    parsed = parse_error_body(404, body)
    assert parsed.message == "Client not found."
    d = parsed.errors[0]
    assert (d.errno, d.field, d.object, d.value) == (1012, "userid", "client", "12345")


def test_rpc_error() -> None:
    body = _b(
        {
            "code": 5,
            "message": "Request failed with status_code: 404",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "1012",
                    "domain": "accounting.api.freshbooks.com",
                    "metadata": {
                        "object": "client",
                        "message": "Client not found.",
                        "value": "12345",
                        "field": "userid",
                    },
                }
            ],
        }
    )
    d = parse_error_body(404, body).errors[0]
    assert (d.errno, d.field, d.message, d.value) == (1012, "userid", "Client not found.", "12345")


def test_rpc_bad_request_field_violations() -> None:
    body = _b(
        {
            "code": 3,
            "message": "Invalid data in this request.",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [{"field": "event", "description": "Unrecognized event."}],
                }
            ],
        }
    )
    d = parse_error_body(400, body).errors[0]
    assert (d.field, d.message) == ("event", "Unrecognized event.")


def test_events_error_with_string_details() -> None:
    body = _b(
        {
            "errno": 422,
            "message": "The request was well-formed but was unable to be followed due to semantic errors.",
            "details": [
                "event: Value error, Unrecognized event.",
                "uri: Input should be a valid URL",
            ],
        }
    )
    errs = parse_error_body(400, body).errors
    assert [e.field for e in errs] == ["event", "uri"]
    assert errs[0].errno == 422


def test_auth_error() -> None:
    parsed = parse_error_body(
        401,
        _b(
            {
                "error": "invalid_token",
                "error_description": "The access token is invalid",
                "state": "unauthorized",
            }
        ),
    )
    assert parsed.message == "invalid_token: The access token is invalid"


def test_projects_error_dict() -> None:
    errs = parse_error_body(
        422, _b({"errno": 2001, "error": {"title": "field required", "__root__": "bad"}})
    ).errors
    assert {(e.field, e.errno) for e in errs} == {("title", 2001), (None, 2001)}


def test_ledger_error() -> None:
    body = _b(
        {
            "errors": {
                "message": "Request failed with status code 400",
                "status": 400,
                "details": [
                    {
                        "reason": "name: This field is required.",
                        "metadata": {"message": "This field is required.", "field": "name"},
                    }
                ],
            }
        }
    )
    d = parse_error_body(400, body).errors[0]
    assert (d.field, d.message) == ("name", "This field is required.")


def test_payments_error() -> None:
    d = parse_error_body(
        400, _b({"error_type": "invalid_cc_type", "message": "Invalid CC type"})
    ).errors[0]
    assert d.message == "Invalid CC type"


def test_html_502_gives_excerpt() -> None:
    html = (
        b"<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>"
        + b"x" * 5000
        + b"</body></html>"
    )
    parsed = parse_error_body(502, html)
    assert "non-JSON" in parsed.message and "502 Bad Gateway" in parsed.message
    assert len(parsed.excerpt) <= 201
    assert "<" not in parsed.excerpt


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (404, NotFoundError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
    ],
)
def test_status_classes(status: int, cls: type) -> None:
    assert status_error_class(status) is cls


def test_fixture_error_bodies_parse(shared_fixtures: object) -> None:
    from pathlib import Path

    root = Path(str(shared_fixtures))
    names = [
        "freshbooks-python-sdk/get_client_response__not_found.json",
        "amcintosh-freshbooks-java-sdk/get_client_response__not_found_old.json",
        "amcintosh-freshbooks-java-sdk/get_client_response__not_found_new.json",
        "amcintosh-freshbooks-java-sdk/get_client_response__no_auth.json",
        "freshbooks-python-sdk/auth_me_response__no_auth.json",
        "freshbooks-python-sdk/create_callback_response__validation_error.json",
        "freshbooks-python-sdk/create_project__validation_errors.json",
        "freshbooks-python-sdk/create_ledger_account_response__validation_errors.json",
    ]
    for name in names:
        path = root / name
        if not path.exists():
            continue
        parsed = parse_error_body(400, path.read_bytes())
        assert parsed.errors, name
        assert all(e.message for e in parsed.errors), name
    not_found = parse_error_body(
        404,
        (
            root / "amcintosh-freshbooks-java-sdk/get_client_response__not_found_new.json"
        ).read_bytes(),
    )
    assert not_found.errors[0].errno == 1012
