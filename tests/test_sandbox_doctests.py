"""The usage examples in the sandbox's docstrings run and stay true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import freshbooks_sdk.sandbox as sandbox_pkg

MODULES = sorted(
    name
    for _, name, _ in pkgutil.walk_packages(sandbox_pkg.__path__, "freshbooks_sdk.sandbox.")
    if not name.endswith("pytest_plugin")
)


@pytest.mark.parametrize("name", ["freshbooks_sdk.sandbox", *MODULES])
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
