"""The docs site's parts that can break silently: the nav lists every page, the docstring example
fencing, and the README's sandbox snippet runs as written. (`make docs` builds the site with
--strict; this keeps the suite itself free of a docs build.)"""

from __future__ import annotations

import importlib.util
import re
import warnings
from pathlib import Path
from types import ModuleType

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _extension() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "griffe_examples", ROOT / "docs/griffe_examples.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_docs_page_is_in_the_nav_and_every_nav_entry_exists() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    listed: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, str):
            listed.add(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(config["nav"])
    pages = {str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md")}
    assert listed == pages
    assert config["strict"] is True
    assert config["theme"]["font"] is False  # no web-font download
    plugins = [p if isinstance(p, str) else next(iter(p)) for p in config["plugins"]]
    assert "social" not in plugins


def test_reference_pages_name_importable_objects() -> None:
    for page in (ROOT / "docs/reference").glob("*.md"):
        for target in re.findall(r"^::: ([\w.]+)", page.read_text(), flags=re.M):
            module, _, name = target.rpartition(".")
            try:
                imported = importlib.import_module(target)
            except ImportError:
                imported = getattr(importlib.import_module(module), name)
            assert imported is not None, target


def test_doctest_sessions_become_pycon_blocks() -> None:
    fence = _extension().fence_examples
    text = "Use it:\n\n>>> x = 1  # doctest: +SKIP\n>>> x\n1\n\nAfter."
    assert fence(text) == "Use it:\n\n```pycon\n>>> x = 1\n>>> x\n1\n```\n\nAfter."


def test_rest_literal_blocks_become_python_blocks() -> None:
    fence = _extension().fence_examples
    text = "In-process::\n\n    sb = Sandbox()\n\n    sb.client()\n\nThen more."
    assert fence(text) == (
        "In-process:\n\n```python\nsb = Sandbox()\n\nsb.client()\n```\n\nThen more."
    )
    fenced = "```python\n>>> not touched\n```"
    assert fence(fenced) == fenced


def test_readme_sandbox_snippet_runs_as_written() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### The sandbox") :]
    snippet = re.search(r"```python\n(.*?)```", section, flags=re.S)
    assert snippet is not None and "sb.client()" in snippet.group(1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ClockMismatchWarning: the clients are wired
        exec(compile(snippet.group(1), "README.md", "exec"), {})


def test_sphinx_roles_become_code_spans() -> None:
    fence = _extension().fence_examples
    assert fence("See :class:`FakeClock` and :meth:`~freshbooks_sdk.auth.Token.to_dict`.") == (
        "See `FakeClock` and `freshbooks_sdk.auth.Token.to_dict`."
    )
