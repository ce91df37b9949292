"""JSON Schema export of the catalog (``python -m freshbooks_sdk.integration --export schemas``)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from freshbooks_sdk.integration.catalog import catalog
from freshbooks_sdk.integration.results import ActionResult

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


# ---------------------------------------------------------------------------------------------
# JSON Schema export
# ---------------------------------------------------------------------------------------------


def _file_stem(name: str) -> str:
    return name.split("/", 1)[-1]


def schema_documents() -> dict[str, dict[str, Any]]:
    """Every schema file by name: ``<entry>.input.schema.json`` and ``<entry>.output.schema.json``
    for each action and trigger, plus ``action-result.schema.json`` (the result envelope)."""
    docs: dict[str, dict[str, Any]] = {}
    for entry in catalog.values():
        stem = _file_stem(entry.name)
        for part, schema in (("input", entry.input_schema()), ("output", entry.output_schema())):
            body = {
                "$schema": JSON_SCHEMA_DIALECT,
                "$id": f"{stem}.{part}.schema.json",
                "x-freshbooks-name": entry.name,
                "x-kind": entry.kind,
                **schema,
            }
            body["title"] = f"{entry.name} {part}"
            body["description"] = (
                entry.description if part == "input" else body.get("description", "")
            )
            docs[f"{stem}.{part}.schema.json"] = body
    result = ActionResult.model_json_schema(mode="serialization")
    docs["action-result.schema.json"] = {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": "action-result.schema.json",
        **result,
        "title": "ActionResult",
        "description": "What every action answers (the output schemas describe `output`).",
    }
    return docs


def _render(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export_schemas(directory: str | Path) -> list[Path]:
    """Write every schema file into ``directory`` (created if needed) and remove stale
    ``*.schema.json`` files there; returns the files written.

    >>> import tempfile
    >>> paths = export_schemas(tempfile.mkdtemp())
    >>> sorted(p.name for p in paths)[:2]
    ['action-result.schema.json', 'create-client.input.schema.json']
    """
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    docs = schema_documents()
    for stale in root.glob("*.schema.json"):
        if stale.name not in docs:
            stale.unlink()
    written: list[Path] = []
    for name, doc in sorted(docs.items()):
        path = root / name
        text = _render(doc)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def check_schemas(directory: str | Path) -> list[str]:
    """Problems between ``directory`` and the current schemas (empty when up to date)."""
    root = Path(directory)
    docs = schema_documents()
    problems: list[str] = []
    for name, doc in sorted(docs.items()):
        path = root / name
        if not path.exists():
            problems.append(f"missing: {path}")
        elif path.read_text(encoding="utf-8") != _render(doc):
            problems.append(f"out of date: {path}")
    for extra in sorted(root.glob("*.schema.json")):
        if extra.name not in docs:
            problems.append(f"stale: {extra}")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m freshbooks_sdk.integration --export schemas`` (or ``--check schemas``)."""
    parser = argparse.ArgumentParser(
        prog="python -m freshbooks_sdk.integration",
        description="Export (or check) the JSON Schemas of the action/trigger catalog.",
    )
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--export", metavar="DIR", help="write the schema files into DIR")
    group.add_argument("--check", metavar="DIR", help="exit 1 if DIR is not up to date")
    group.add_argument("--list", action="store_true", help="list the catalog")
    args = parser.parse_args(argv)
    if args.list:
        for entry in catalog.values():
            print(f"{entry.name:32} {entry.kind:8} {entry.title}")
        return 0
    if args.export:
        for path in export_schemas(args.export):
            print(path)
        return 0
    problems = check_schemas(args.check)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("run: python -m freshbooks_sdk.integration --export " + args.check, file=sys.stderr)
    return 1 if problems else 0
