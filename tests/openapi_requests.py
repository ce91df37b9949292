"""Check an HTTP request the SDK sent against ``openapi/freshbooks.yaml``.

Used by ``tests/test_openapi_requests.py`` (every cassette request) and by the ``conftest``
recorder (every request any test makes the SDK send to the sandbox). A request conforms when:

* its method and path match an operation of the fragment (``{param}`` segments by their schema);
* every query parameter is declared: a named parameter of the operation or its path, or a
  ``search[key]`` / ``search[key][]`` whose key the operation lists in ``x-search-keys``;
  ``include[]`` values must be in the operation's ``x-include-keys`` when it has them;
* every query value conforms to its schema, formats included: the parameter's own schema, or
  for ``search[key]`` the schema ``x-search-keys`` gives that key (the text is read as the
  schema's type: ``integer``, ``number``, ``boolean`` as ``true``/``false``, else a string
  checked for ``format: date`` / ``date-time``, ``pattern``, ``enum``);
* its JSON body validates against the operation's request body schema (JSON Schema 2020-12,
  the OpenAPI 3.1 dialect, with formats checked), and an operation without a body gets none.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jsonschema
import yaml

SPEC_PATH = Path(__file__).resolve().parents[1] / "openapi" / "freshbooks.yaml"

KNOWN_DEVIATIONS: dict[str, str] = {}
"""Problems tolerated for now, each with the reason: nothing else may deviate."""


def tolerated(problem: str) -> bool:
    """True for a problem listed in :data:`KNOWN_DEVIATIONS`."""
    return any(problem.endswith(known) for known in KNOWN_DEVIATIONS)


_SEARCH = re.compile(r"^search\[([A-Za-z0-9_]+)\](\[\])?$")


@functools.lru_cache(maxsize=1)
def load_spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as fh:
        spec: dict[str, Any] = yaml.safe_load(fh)
    return spec


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _path_regex(spec: dict[str, Any], template: str, item: dict[str, Any]) -> re.Pattern[str]:
    params = {
        p["name"]: p
        for p in (_resolve(spec, q) for q in item.get("parameters", []))
        if p["in"] == "path"
    }
    out = "^"
    for piece in re.split(r"(\{[^}]+\})", template):
        if piece.startswith("{"):
            schema = params.get(piece[1:-1], {}).get("schema", {})
            out += r"([0-9]+)" if schema.get("type") == "integer" else r"([A-Za-z0-9]+)"
        else:
            out += re.escape(piece)
    return re.compile(out + "$")


@functools.lru_cache(maxsize=1)
def _routes() -> list[tuple[re.Pattern[str], str, dict[str, Any]]]:
    spec = load_spec()
    return [(_path_regex(spec, t, item), t, item) for t, item in spec["paths"].items()]


def find_operation(method: str, path: str) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """``(template, path item, operation)`` for a request, or None."""
    for regex, template, item in _routes():
        operation = item.get(method.lower())
        if operation is not None and regex.match(path):
            return template, item, operation
    return None


def check_request(
    method: str, url: str, query: Sequence[tuple[str, str]] | None, body: bytes | None
) -> list[str]:
    """Every way the request departs from the fragment (empty when it conforms)."""
    spec = load_spec()
    parts = urlsplit(url)
    pairs = list(query) if query is not None else parse_qsl(parts.query, keep_blank_values=True)
    found = find_operation(method, parts.path)
    where = f"{method} {parts.path}"
    if found is None:
        return [f"{where}: no such operation in the OpenAPI fragment"]
    _template, item, operation = found
    problems: list[str] = []
    declared = [
        _resolve(spec, p) for p in [*item.get("parameters", []), *operation.get("parameters", [])]
    ]
    names = {p["name"] for p in declared if p["in"] == "query"}
    search_keys: dict[str, Any] = operation.get("x-search-keys") or {}
    include_keys = operation.get("x-include-keys")
    for key, value in pairs:
        m = _SEARCH.match(key)
        if m is not None and "search" in names:
            if m.group(1) not in search_keys:
                problems.append(f"{where}: search key {m.group(1)!r} is not in x-search-keys")
            else:
                problems += _check_scalar(where, key, value, search_keys[m.group(1)])
        elif key in names:
            if key == "include[]" and include_keys is not None and value not in include_keys:
                problems.append(f"{where}: include {value!r} is not in x-include-keys")
            schema = next(p for p in declared if p["name"] == key).get("schema", {})
            problems += _check_scalar(where, key, value, schema)
        else:
            problems.append(f"{where}: query parameter {key!r} is not declared")
    problems += _check_body(spec, where, operation, body)
    return problems


FORMATS = jsonschema.FormatChecker(["date", "date-time", "email", "uuid"])
"""The formats the fragment uses; ``date-time`` needs ``rfc3339-validator`` (a dev dependency)."""


@FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    """An absolute URI (a scheme and a host): what a callback ``uri`` must be."""
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc) and not any(c.isspace() for c in value)


def _coerce(value: str, kind: Any) -> Any:
    """The query text read as the schema's type (unchanged when it does not read as one)."""
    if kind == "integer" and re.fullmatch(r"-?[0-9]+", value):
        return int(value)
    if kind == "number" and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value):
        return float(value)
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


def _check_scalar(where: str, key: str, value: str, schema: dict[str, Any]) -> list[str]:
    if schema.get("type") == "array":  # a repeated parameter (include[]=a&include[]=b)
        schema = schema.get("items", {})
    kind = schema.get("type")
    if kind == "integer" and not re.fullmatch(r"-?[0-9]+", value):
        return [f"{where}: {key}={value!r} is not an integer"]
    if kind == "boolean" and value not in ("true", "false"):
        return [f"{where}: {key}={value!r} is not true/false"]
    validator = jsonschema.Draft202012Validator(schema, format_checker=FORMATS)
    return [
        f"{where}: {key}={value!r}: {error.message}"
        for error in validator.iter_errors(_coerce(value, kind))
    ]


def _check_body(
    spec: dict[str, Any], where: str, operation: dict[str, Any], body: bytes | None
) -> list[str]:
    request_body = operation.get("requestBody")
    if not body:
        if request_body is not None and request_body.get("required"):
            return [f"{where}: the operation requires a body"]
        return []
    if request_body is None:
        return [f"{where}: sends a body the operation does not take"]
    content = request_body["content"]
    try:
        payload = json.loads(body)
    except ValueError:
        if "application/x-www-form-urlencoded" in content:
            payload = dict(parse_qsl(body.decode(), keep_blank_values=True))
            schema = content["application/x-www-form-urlencoded"]["schema"]
            return _validate(spec, where, payload, schema)
        return [f"{where}: the body is not JSON"]
    if "application/json" not in content:
        return [f"{where}: sends JSON, the operation takes {sorted(content)}"]
    return _validate(spec, where, payload, content["application/json"]["schema"])


def _validate(spec: dict[str, Any], where: str, payload: Any, schema: dict[str, Any]) -> list[str]:
    rooted = {**schema, "components": spec["components"]}
    validator = jsonschema.Draft202012Validator(rooted, format_checker=FORMATS)
    return [
        f"{where}: body {'/'.join(str(p) for p in error.absolute_path) or '<root>'}: {error.message}"
        for error in validator.iter_errors(payload)
    ]


def cassette_requests(paths: Iterable[Path]) -> list[tuple[str, str, str, bytes | None]]:
    """``(cassette name, method, uri, body)`` of every recorded request."""
    out: list[tuple[str, str, str, bytes | None]] = []
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for interaction in data.get("interactions", []):
            request = interaction["request"]
            body = request.get("body")
            if isinstance(body, str):
                body = body.encode()
            out.append((path.name, request["method"], request["uri"], body or None))
    return out
