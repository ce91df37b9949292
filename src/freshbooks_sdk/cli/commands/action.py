"""``action``: run a catalog action with JSON input."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from freshbooks_sdk.cli.connection import open_client
from freshbooks_sdk.cli.errors import EXIT_OK, _fail, check_hint, report_error
from freshbooks_sdk.cli.output import Console


def _read_input(text: str, stdin: TextIO) -> Any:
    if text == "-":
        raw = stdin.read()
    elif text.startswith("@"):
        try:
            raw = Path(text[1:]).expanduser().read_text(encoding="utf-8")
        except OSError as exc:
            _fail("invalid_input", f"cannot read --input file {text[1:]}: {exc.strerror}", "input")
    else:
        raw = text
    if len(raw) > MAX_INPUT_CHARS:
        _fail("invalid_input", f"--input is larger than {MAX_INPUT_CHARS} characters", "input")
    try:
        return json.loads(raw, parse_constant=_refuse_json_constant)
    except ValueError as exc:
        _fail("invalid_input", f"--input is not valid JSON: {exc}", "input")
    except RecursionError:
        _fail("invalid_input", "--input is not valid JSON: nested too deeply", "input")


MAX_INPUT_CHARS = 1_000_000
"""Largest ``--input`` document accepted."""


def _refuse_json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON (strict JSON has no NaN or Infinity)")


def _catalog_name(name: str) -> str:
    from freshbooks_sdk.integration import catalog

    full = name if "/" in name else f"freshbooks/{name}"
    if full not in catalog:
        known = ", ".join(catalog)
        _fail("invalid_input", f"unknown action {name!r}; known: {known}", "name")
    return full


def cmd_action(args: argparse.Namespace, env: Mapping[str, str], console: Console) -> int:
    from freshbooks_sdk.integration import ActionResult, catalog, error_from_exception

    if args.list or not args.name:
        rows = [{"name": e.name, "kind": e.kind, "title": e.title} for e in catalog.values()]
        if console.json:
            console.document(rows)
        else:
            console.table(
                [
                    ("NAME", lambda r: r["name"]),
                    ("KIND", lambda r: r["kind"]),
                    ("TITLE", lambda r: r["title"]),
                ],
                rows,
            )
        return EXIT_OK
    name = _catalog_name(args.name)
    entry = catalog[name]
    if args.schema:
        console.document({"input": entry.input_schema(), "output": entry.output_schema()})
        return EXIT_OK
    data = _read_input(args.input, sys.stdin)
    if not isinstance(data, dict):
        _fail("invalid_input", "--input must be a JSON object", "input")
    result: ActionResult
    try:
        entry.parse({k: v for k, v in data.items() if k != "cursor"})
    except Exception as exc:
        result = ActionResult(ok=False, error=error_from_exception(exc))  # keys as sent
    else:
        with open_client(args, env, console) as fb:
            result = entry.run(fb, data)
    if console.json:
        console.document(result.to_dict())
    elif result.ok:
        console.line(json.dumps(result.output, indent=2, ensure_ascii=False))
    if not result.ok:
        assert result.error is not None
        return report_error(console, result.error, check_hint(name, data))
    return EXIT_OK
