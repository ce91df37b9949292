"""Generate the public package ``src/freshbooks_sdk/models/`` from ``openapi/freshbooks.yaml``.

Runs datamodel-code-generator (the exact version pinned in pyproject.toml) with pinned options,
so the output is deterministic: no timestamp, a fixed header, the generator's own ``builtin``
formatter (no dependency on the installed black/ruff versions). The generated models import
the hand-written types of ``freshbooks_sdk._types`` named by ``x-python-import`` in the spec.

The classes are written into ``freshbooks_sdk/models/__init__.py`` itself (not into a private
module re-exported by a hand-written one), so the module that defines them is the public one:
``Invoice.__module__``, pickles, reprs, mypy's ``reveal_type`` and the docs all say
``freshbooks_sdk.models.Invoice``. The package is generated as a whole: its docstring comes from
``openapi/models_docstring.rst``, and the hand-written public names of ``freshbooks_sdk._types``
(``Money``, the open enums, the time types) are re-exported and listed in ``__all__``.

Usage::

    python scripts/generate.py                      # regenerate the committed package
    python scripts/generate.py --check              # exit 1 if the committed package is stale
    python scripts/generate.py --output-dir DIR     # write the package into DIR instead
    python scripts/generate.py --check --against DIR  # compare a fresh generation with DIR

``--check`` generates into a temporary directory and compares file by file; it never writes
into the project.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = Path("openapi/freshbooks.yaml")
PACKAGE = Path("src/freshbooks_sdk/models")
MODELS_DOCSTRING = Path("openapi/models_docstring.rst")
PYPROJECT = ROOT / "pyproject.toml"

HEADER = (
    "# GENERATED from openapi/freshbooks.yaml by scripts/generate.py: DO NOT EDIT.\n"
    "# Edit the spec (or src/freshbooks_sdk/_types.py) and run `make generate`."
)

HAND_WRITTEN_MODULE = "freshbooks_sdk._types"
HAND_WRITTEN_SOURCE = Path("src/freshbooks_sdk/_types.py")


def _hand_written_public() -> tuple[str, ...]:
    """The hand-written types of ``freshbooks_sdk._types`` that are public in
    ``freshbooks_sdk.models`` too (re-exported and listed in its ``__all__``): the capitalised
    names of that module's own ``__all__`` (its helper functions stay out), read from its source
    so the list is kept in one place."""
    tree = ast.parse((ROOT / HAND_WRITTEN_SOURCE).read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            names: list[str] = ast.literal_eval(node.value)
            return tuple(n for n in names if n[:1].isupper())
    raise SystemExit(f"{HAND_WRITTEN_SOURCE} has no __all__")


HAND_WRITTEN_PUBLIC = _hand_written_public()


# The pinned generator options. Changing one changes the output: regenerate and commit.
OPTIONS: tuple[str, ...] = (
    "--input-file-type=openapi",
    "--output-model-type=pydantic_v2.BaseModel",
    "--target-python-version=3.10",
    "--target-pydantic-version=2",
    "--disable-timestamp",
    "--formatters=builtin",
    "--use-annotated",
    "--field-constraints",
    "--use-standard-collections",
    "--use-union-operator",
    "--use-double-quotes",
    "--use-schema-description",
    "--use-field-description",
    "--enum-field-as-literal=all",
    "--field-extra-keys-without-x-prefix=x-repr",
    "--ignore-pyproject",
    "--no-allow-remote-refs",
    # Schemas are built on first use, not at import (import time is a benchmark goal).
    "--base-class=freshbooks_sdk._types.WireModel",
)


def pinned_generator_version() -> str:
    """The datamodel-code-generator version pinned in pyproject.toml's dev extra."""
    text = PYPROJECT.read_text(encoding="utf-8")
    match = re.search(r'"datamodel-code-generator(?:\[[^\]]*\])?==([^"]+)"', text)
    if match is None:
        raise SystemExit("generate.py: pyproject.toml does not pin datamodel-code-generator==X")
    return match.group(1)


def installed_generator_version() -> str | None:
    try:
        return version("datamodel-code-generator")
    except PackageNotFoundError:
        return None


def check_generator_version() -> None:
    pinned = pinned_generator_version()
    installed = installed_generator_version()
    if installed != pinned:
        found = f"version {installed} is installed" if installed else "it is not installed"
        raise SystemExit(
            f"generate.py: pyproject.toml pins datamodel-code-generator=={pinned} but {found} "
            f"for {sys.executable}; run `.venv/bin/pip install -e '.[dev]'` "
            "(or use .venv/bin/python)"
        )


# The builtin formatter reads its line length from the pyproject.toml nearest to the output file;
# generating in a scratch directory that holds this one makes the bytes independent of where the
# result is copied to.
FORMATTER_PYPROJECT = "[tool.datamodel-codegen]\nbuiltin-format-line-length = 100\n"


def _run_generator() -> str:
    """The generator's own output (one module of classes), with normalised line endings."""
    with tempfile.TemporaryDirectory(prefix="fb-datamodel-") as scratch_name:
        scratch = Path(scratch_name)
        (scratch / "pyproject.toml").write_text(FORMATTER_PYPROJECT, encoding="utf-8")
        output = scratch / "models.py"
        command = [
            sys.executable,
            "-m",
            "datamodel_code_generator",
            f"--input={(ROOT / SPEC).as_posix()}",
            f"--output={output.as_posix()}",
            f"--custom-file-header={HEADER}",
            *OPTIONS,
        ]
        proc = subprocess.run(command, cwd=scratch, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            sys.stderr.write(proc.stdout + proc.stderr)
            raise SystemExit(
                f"generate.py: datamodel-code-generator failed (exit {proc.returncode})"
            )
        text = output.read_text(encoding="utf-8")
    # Normalise line endings and the trailing newline so the bytes never depend on the platform.
    return text.replace("\r\n", "\n").rstrip("\n") + "\n"


def models_docstring() -> str:
    """The public module's docstring: ``openapi/models_docstring.rst`` below its comment block."""
    text = (ROOT / MODELS_DOCSTRING).read_text(encoding="utf-8").replace("\r\n", "\n")
    _, sep, body = text.partition("\n\n")
    body = body.strip("\n")
    if not sep or not body:
        raise SystemExit(f"generate.py: {MODELS_DOCSTRING} has no docstring after its comments")
    if '"""' in body or "\\" in body:
        raise SystemExit(f"generate.py: {MODELS_DOCSTRING} may hold no triple quote or backslash")
    return body


def public_module(generated: str, docstring: str) -> str:
    """The generator's module turned into the public ``freshbooks_sdk.models``.

    Adds the docstring after the header, re-exports the hand-written public names the classes do
    not import already (a separate parenthesised import at the end: it never rebinds a name the
    class annotations use), and lists every generated class and hand-written name in ``__all__``.
    """
    if not generated.startswith(HEADER + "\n"):
        raise SystemExit("generate.py: the generator's output does not start with the header")
    tree = ast.parse(generated)
    classes = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
    imported = {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == HAND_WRITTEN_MODULE
        for alias in node.names
    }
    clashes = sorted(set(classes) & set(HAND_WRITTEN_PUBLIC))
    if clashes:
        raise SystemExit(f"generate.py: generated classes shadow hand-written names: {clashes}")
    missing = [name for name in HAND_WRITTEN_PUBLIC if name not in imported]
    body = generated[len(HEADER) + 1 :].lstrip("\n")
    parts = [f'{HEADER}\n"""{docstring}\n"""\n\n{body}']
    if missing:
        names = "".join(f"    {name},\n" for name in missing)
        parts.append(
            "\n\n# The hand-written types the classes do not use, public here as well.\n"
            f"from {HAND_WRITTEN_MODULE} import (  # noqa: E402\n{names})\n"
        )
    exported = "".join(f'    "{name}",\n' for name in sorted({*classes, *HAND_WRITTEN_PUBLIC}))
    parts.append(f"\n\n__all__ = [\n{exported}]\n")
    return "".join(parts)


def generate_into(directory: Path) -> None:
    """Write a freshly generated public package (``__init__.py``) into ``directory``."""
    text = public_module(_run_generator(), models_docstring())
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "__init__.py").write_text(text, encoding="utf-8", newline="\n")


def _python_files(directory: Path) -> dict[str, bytes]:
    if not directory.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in sorted(directory.glob("*.py"))}


def compare(expected_dir: Path, actual_dir: Path, *, label: str) -> list[str]:
    """Differences between a fresh generation and ``actual_dir``, as printable lines."""
    expected = _python_files(expected_dir)
    actual = _python_files(actual_dir)
    problems: list[str] = []
    for name in sorted(expected.keys() | actual.keys()):
        if name not in actual:
            problems.append(f"missing: {label}/{name}")
        elif name not in expected:
            problems.append(f"unexpected file (not generated): {label}/{name}")
        elif expected[name] != actual[name]:
            diff = difflib.unified_diff(
                actual[name].decode("utf-8", "replace").splitlines(),
                expected[name].decode("utf-8", "replace").splitlines(),
                fromfile=f"{label}/{name} (committed)",
                tofile=f"{label}/{name} (fresh from {SPEC.as_posix()})",
                lineterm="",
                n=2,
            )
            lines = list(diff)
            shown = lines[:60]
            if len(lines) > len(shown):
                shown.append(f"... ({len(lines) - len(shown)} more diff lines)")
            problems.append(f"differs: {label}/{name}\n" + "\n".join(shown))
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="generate into a temporary directory and fail if it differs from the committed output",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        help=f"write the generated package here instead of {PACKAGE.as_posix()}",
    )
    parser.add_argument(
        "--against",
        type=Path,
        help=f"with --check: the directory to compare with (default {PACKAGE.as_posix()})",
    )
    args = parser.parse_args(argv)
    if args.against is not None and not args.check:
        parser.error("--against needs --check")
    if args.check and args.output_dir is not None:
        parser.error("--check writes nothing; use --against to choose what it compares")

    check_generator_version()

    if args.check:
        target = args.against if args.against is not None else ROOT / PACKAGE
        label = target.as_posix() if args.against is not None else PACKAGE.as_posix()
        with tempfile.TemporaryDirectory(prefix="fb-generate-") as tmp:
            fresh = Path(tmp) / "models"
            generate_into(fresh)
            problems = compare(fresh, target, label=label)
        if problems:
            print(
                f"generate.py --check: {label} is out of date with {SPEC.as_posix()} "
                "(or was edited by hand). Run `python scripts/generate.py` (make generate) "
                "and commit the result.",
                file=sys.stderr,
            )
            for problem in problems:
                print(problem, file=sys.stderr)
            return 1
        print(f"generate.py --check: {label} is up to date with {SPEC.as_posix()}")
        return 0

    target = args.output_dir if args.output_dir is not None else ROOT / PACKAGE
    generate_into(target)
    print(f"generate.py: wrote {target.as_posix()} from {SPEC.as_posix()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
