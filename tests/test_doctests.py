"""The usage examples in public docstrings run and stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "freshbooks_sdk._core.fbtime",
    "freshbooks_sdk._core.retry",
    "freshbooks_sdk._core.query",
    "freshbooks_sdk._core.pages",
    "freshbooks_sdk.pagination",
    "freshbooks_sdk._core.money_input",
    "freshbooks_sdk._core.inputs",
    "freshbooks_sdk.errors",
    "freshbooks_sdk.models",
    "freshbooks_sdk._types",
    "freshbooks_sdk.money",
    "freshbooks_sdk._decimal",
    "freshbooks_sdk._core.oauth",
    "freshbooks_sdk._core.options",
]


@pytest.mark.parametrize("name", MODULES)
def test_module_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no usage example"
    assert result.failed == 0, f"{name}: {result.failed} doctest(s) failed"
