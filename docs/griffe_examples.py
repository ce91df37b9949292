"""A griffe extension for the docs build: docstring examples become code blocks.

The SDK's docstrings show use the Python way (``>>>`` doctest sessions, reST ``::`` literal
blocks), which Markdown would read as quotes and plain paragraphs. Before mkdocstrings renders
a docstring, this fences them: ``>>>`` sessions as ``pycon``, ``::`` blocks as ``python``;
Sphinx roles such as ``:class:`X` `` become code spans.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import griffe

__all__ = ["FenceExamples", "fence_examples"]

_DIRECTIVE = re.compile(r"\s*#\s*doctest:.*$")
_ROLE = re.compile(r":(?:class|func|meth|mod|data|attr|exc|obj):`~?([^`]+)`")


def _roles(line: str) -> str:
    """Sphinx roles (``:class:`~a.B` ``) as Markdown code spans (`` `a.B` ``)."""
    return _ROLE.sub(lambda m: f"`{m.group(1)}`", line)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def fence_examples(text: str) -> str:
    """``>>>`` sessions and ``::`` literal blocks in ``text`` as fenced Markdown code blocks."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    in_fence = False
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
            out.append(line)
            i += 1
            continue
        if in_fence:
            out.append(line)
            i += 1
            continue
        if stripped.startswith(">>>"):
            pad = " " * _indent(line)
            block: list[str] = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            session = textwrap.dedent("\n".join(block)).splitlines()
            out.extend([f"{pad}```pycon", *(_DIRECTIVE.sub("", s) for s in session)])
            out.append(f"{pad}```")
            continue
        if stripped.endswith("::") and not stripped.startswith(".."):
            base = _indent(line)
            keep = _roles(line.rstrip()[:-1])  # "Example::" reads "Example:"; a lone "::" vanishes
            if keep.strip() == ":":
                keep = ""
            out.append(keep)
            i += 1
            block = []
            while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > base):
                block.append(lines[i])
                i += 1
            while block and not block[-1].strip():
                block.pop()
            code = textwrap.dedent("\n".join(b for b in block)).strip("\n")
            pad = " " * base
            out.extend(["", f"{pad}```python"])
            out.extend(f"{pad}{c}" if c else "" for c in code.splitlines())
            out.extend([f"{pad}```", ""])
            continue
        out.append(_roles(line))
        i += 1
    return "\n".join(out)


class FenceExamples(griffe.Extension):
    """Rewrites every loaded docstring with :func:`fence_examples`."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence_examples(obj.docstring.value)
