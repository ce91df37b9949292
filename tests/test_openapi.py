"""The OpenAPI fragment: valid OpenAPI 3.1, the paths the SDK uses, and consistent with the code."""

from __future__ import annotations

import importlib
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

import freshbooks_sdk.models as generated  # the generated public module

SPEC_PATH = Path(__file__).resolve().parents[1] / "openapi" / "freshbooks.yaml"


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as fh:
        loaded = yaml.safe_load(fh)
    assert isinstance(loaded, dict)
    return loaded


def schemas(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = spec["components"]["schemas"]
    return result


def test_spec_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1")
    validate(spec)  # raises OpenAPIValidationError on any problem


def test_validator_rejects_a_broken_copy(spec: dict[str, Any]) -> None:
    # Proves the validation above has teeth: a dangling $ref must be refused.
    broken = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    broken["paths"]["/auth/api/v1/users/me"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"] = {"$ref": "#/components/schemas/NoSuchSchema"}
    with pytest.raises(Exception, match="NoSuchSchema"):
        validate(broken)


ACCOUNT = "/accounting/account/{account_id}"

EXPECTED_OPERATIONS = {
    "/auth/oauth/token": {"post"},
    "/auth/oauth/revoke": {"post"},
    "/auth/api/v1/users/me": {"get"},
    f"{ACCOUNT}/users/clients": {"get", "post"},
    f"{ACCOUNT}/users/clients/{{id}}": {"get", "put"},
    f"{ACCOUNT}/invoices/invoices": {"get", "post"},
    f"{ACCOUNT}/invoices/invoices/{{id}}": {"get", "put"},
    f"{ACCOUNT}/expenses/expenses": {"get", "post"},
    f"{ACCOUNT}/expenses/expenses/{{id}}": {"get", "put"},
    f"{ACCOUNT}/expenses/categories": {"get"},
    f"{ACCOUNT}/expenses/categories/{{id}}": {"get"},
    f"{ACCOUNT}/users/staffs": {"get"},
    f"{ACCOUNT}/users/staffs/{{id}}": {"get"},
    "/timetracking/business/{business_id}/time_entries": {"get", "post"},
    "/timetracking/business/{business_id}/time_entries/{id}": {"get", "put", "delete"},
    "/projects/business/{business_id}/projects": {"get"},
    "/projects/business/{business_id}/project": {"post"},
    "/projects/business/{business_id}/project/{id}": {"get", "put", "delete"},
    f"{ACCOUNT}/payments/payments": {"get", "post"},
    f"{ACCOUNT}/payments/payments/{{id}}": {"get"},
    f"{ACCOUNT}/taxes/taxes": {"get", "post"},
    f"{ACCOUNT}/taxes/taxes/{{id}}": {"get"},
    f"{ACCOUNT}/items/items": {"get", "post"},
    f"{ACCOUNT}/items/items/{{id}}": {"get"},
    f"{ACCOUNT}/invoices/invoices/{{id}}/pdf": {"get"},
    "/events/account/{account_id}/events/callbacks": {"get", "post"},
    "/events/account/{account_id}/events/callbacks/{id}": {"get", "put", "delete"},
}

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def test_paths_and_methods(spec: dict[str, Any]) -> None:
    found = {
        path: {method for method in item if method in HTTP_METHODS}
        for path, item in spec["paths"].items()
    }
    assert found == EXPECTED_OPERATIONS


def _ok_schema_ref(operation: dict[str, Any]) -> str:
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    ref: str = schema["$ref"]
    return ref.rsplit("/", 1)[-1]


@pytest.mark.parametrize(
    ("path", "single", "plural", "key", "list_key"),
    [
        ("users/clients", "ClientResponse", "ClientListResponse", "client", "clients"),
        ("invoices/invoices", "InvoiceResponse", "InvoiceListResponse", "invoice", "invoices"),
        ("expenses/expenses", "ExpenseResponse", "ExpenseListResponse", "expense", "expenses"),
        (
            "expenses/categories",
            "ExpenseCategoryResponse",
            "ExpenseCategoryListResponse",
            "category",
            "categories",
        ),
        ("users/staffs", "StaffResponse", "StaffListResponse", "staff", "staffs"),
        ("payments/payments", "PaymentResponse", "PaymentListResponse", "payment", "payments"),
        ("taxes/taxes", "TaxResponse", "TaxListResponse", "tax", "taxes"),
        ("items/items", "ItemResponse", "ItemListResponse", "item", "items"),
    ],
)
def test_accounting_envelopes(
    spec: dict[str, Any], path: str, single: str, plural: str, key: str, list_key: str
) -> None:
    paths = spec["paths"]
    assert _ok_schema_ref(paths[f"{ACCOUNT}/{path}"]["get"]) == plural
    assert _ok_schema_ref(paths[f"{ACCOUNT}/{path}/{{id}}"]["get"]) == single
    s = schemas(spec)

    def step(name: str, attr: str) -> str:
        ref: str = s[name]["properties"][attr]["$ref"]
        assert attr in s[name]["required"]
        return ref.rsplit("/", 1)[-1]

    single_result = step(step(single, "response"), "result")
    assert key in s[single_result]["properties"] and key in s[single_result]["required"]
    list_result = step(step(plural, "response"), "result")
    assert set(s[list_result]["required"]) == {list_key, "page", "pages", "per_page", "total"}


def test_request_bodies_are_wrapped_in_the_single_key(spec: dict[str, Any]) -> None:
    s = schemas(spec)
    for path, key in [
        ("users/clients", "client"),
        ("invoices/invoices", "invoice"),
        ("expenses/expenses", "expense"),
    ]:
        for url, method in [(f"{ACCOUNT}/{path}", "post"), (f"{ACCOUNT}/{path}/{{id}}", "put")]:
            body = spec["paths"][url][method]["requestBody"]["content"]["application/json"]
            branches = body["schema"].get("oneOf", [body["schema"]])  # PUT: one phase per body
            for branch in branches:
                name = branch["$ref"].rsplit("/", 1)[-1]
                assert list(s[name]["properties"]) == [key], (url, method, name)


def test_identity_envelope_has_no_result_level(spec: dict[str, Any]) -> None:
    s = schemas(spec)
    assert _ok_schema_ref(spec["paths"]["/auth/api/v1/users/me"]["get"]) == "IdentityResponse"
    assert s["IdentityResponse"]["properties"]["response"]["$ref"].endswith("/Identity")


def test_x_python_import_targets_exist(spec: dict[str, Any]) -> None:
    imported = {n: sch for n, sch in schemas(spec).items() if "x-python-import" in sch}
    assert {"Money", "EasternDateTime", "UTCSqlDateTime", "IsoDateTime", "InvoiceV3Status"} <= set(
        imported
    )
    for name, schema in imported.items():
        target = schema["x-python-import"]
        module = importlib.import_module(target["module"])
        assert hasattr(module, target["name"]), name
        assert getattr(generated, target["name"]) is getattr(module, target["name"])


def test_open_enums_list_the_same_values_as_the_python_enums(spec: dict[str, Any]) -> None:
    checked = 0
    for name, schema in schemas(spec).items():
        if "anyOf" not in schema or "x-python-import" not in schema:
            continue
        documented = schema["anyOf"][0]["enum"]
        assert schema["anyOf"][1].keys() == {"type"}  # the open branch
        enum_cls = getattr(importlib.import_module(schema["x-python-import"]["module"]), name)
        assert issubclass(enum_cls, Enum)
        assert [member.value for member in enum_cls] == documented, name
        checked += 1
    assert checked == 7


def test_every_other_schema_is_generated(spec: dict[str, Any]) -> None:
    for name, schema in schemas(spec).items():
        if "x-python-import" in schema:
            continue
        assert hasattr(generated, name), f"{name} missing from the generated freshbooks_sdk.models"


def test_extras_convention(spec: dict[str, Any]) -> None:
    for name, schema in schemas(spec).items():
        if "x-python-import" in schema:
            continue
        expected = not name.endswith(("Create", "Update", "Request"))
        assert schema.get("additionalProperties") is expected, name


def test_money_traps_are_typed_as_documented(spec: dict[str, Any]) -> None:
    s = schemas(spec)

    def refs(schema: dict[str, Any]) -> set[str]:
        if "$ref" in schema:
            return {schema["$ref"].rsplit("/", 1)[-1]}
        return {r for part in schema.get("anyOf", []) for r in refs(part)}

    assert refs(s["InvoiceLine"]["properties"]["taxAmount1"]) == {"DecimalString"}
    assert refs(s["Expense"]["properties"]["taxAmount1"]) == {"Money"}
    for schema, field in [
        ("InvoiceLine", "qty"),
        ("Invoice", "discount_value"),
        ("Expense", "markup_percent"),
    ]:
        assert refs(s[schema]["properties"][field]) == {"DecimalString"}, (schema, field)
    assert refs(s["Client"]["properties"]["signup_date"]) == {"UTCSqlDateTime"}
    assert refs(s["Client"]["properties"]["updated"]) == {"EasternDateTime"}
