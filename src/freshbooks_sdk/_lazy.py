"""Names a module offers but imports on first use (PEP 562), so importing it stays light.

A module lists ``{name: defining module}`` and delegates its ``__getattr__``::

    _LAZY = {"Paginator": "freshbooks_sdk._sync.pagination"}

    def __getattr__(name: str) -> Any:
        return load_lazily(__name__, _LAZY, name)

>>> import freshbooks_sdk.pagination as pagination
>>> load_lazily(pagination.__name__, {"Paginator": "freshbooks_sdk._sync.pagination"}, "Paginator")
<class 'freshbooks_sdk._sync.pagination.Paginator'>
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping
from typing import Any


def load_lazily(module: str, names: Mapping[str, str], name: str) -> Any:
    """``name`` of module ``module``, imported from its defining module in ``names`` and kept in
    ``module`` (the next access is a plain attribute); ``AttributeError`` for any other name."""
    source = names.get(name)
    if source is None:
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(source), name)
    setattr(sys.modules[module], name, value)
    return value
