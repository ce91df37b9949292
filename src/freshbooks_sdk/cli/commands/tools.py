"""``sandbox serve`` and ``demo``: entry points handed their own arguments."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Mapping

from freshbooks_sdk.cli.errors import _fail
from freshbooks_sdk.cli.output import Console


def cmd_sandbox_serve(args: argparse.Namespace, env: Mapping[str, str], console: Console) -> int:
    from freshbooks_sdk.sandbox import main_serve

    return main_serve(list(args.rest))


def cmd_demo(args: argparse.Namespace, env: Mapping[str, str], console: Console) -> int:
    try:
        module = importlib.import_module("freshbooks_sdk.demo")
    except ImportError as exc:
        _fail("internal_error", f"the demo is not available: {exc}")
    result = module.main(list(args.rest))
    return int(result or 0)
