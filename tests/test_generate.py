"""scripts/generate.py: deterministic output, and --check catches drift and hand edits.

The generated package is the public ``freshbooks_sdk.models`` (one ``__init__.py``). Tests never
touch the committed folder: they compare copies in ``tmp_path``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "generate.py"
COMMITTED = ROOT / "src" / "freshbooks_sdk" / "models"
MODULE = "__init__.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def digest(directory: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.glob("*.py"))
    }


@pytest.fixture
def committed_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "models"
    shutil.copytree(COMMITTED, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_committed_output_is_up_to_date() -> None:
    before = digest(COMMITTED)
    proc = run("--check")
    assert proc.returncode == 0, proc.stderr
    assert "up to date" in proc.stdout
    assert digest(COMMITTED) == before  # --check writes nothing


def test_check_against_an_unmodified_copy_passes(committed_copy: Path) -> None:
    proc = run("--check", "--against", str(committed_copy))
    assert proc.returncode == 0, proc.stderr


def test_hand_edit_of_a_copy_is_detected(committed_copy: Path) -> None:
    before = digest(COMMITTED)
    models = committed_copy / MODULE
    text = models.read_text(encoding="utf-8")
    edited = text.replace("    lineid: int\n", "    lineid: str\n", 1)
    assert edited != text
    models.write_text(edited, encoding="utf-8")
    proc = run("--check", "--against", str(committed_copy))
    assert proc.returncode == 1
    assert "out of date" in proc.stderr and "edited by hand" in proc.stderr
    assert MODULE in proc.stderr
    assert "-    lineid: str" in proc.stderr and "+    lineid: int" in proc.stderr
    assert "scripts/generate.py" in proc.stderr  # tells how to fix it
    assert digest(COMMITTED) == before


def test_whitespace_only_edit_is_detected(committed_copy: Path) -> None:
    init = committed_copy / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    proc = run("--check", "--against", str(committed_copy))
    assert proc.returncode == 1
    assert "__init__.py" in proc.stderr


def test_missing_and_extra_files_are_detected(committed_copy: Path) -> None:
    (committed_copy / MODULE).unlink()
    (committed_copy / "extra.py").write_text("x = 1\n", encoding="utf-8")
    proc = run("--check", "--against", str(committed_copy))
    assert proc.returncode == 1
    assert "missing" in proc.stderr and MODULE in proc.stderr
    assert "extra.py" in proc.stderr


def test_output_dir_generation_is_byte_identical_to_the_committed_one(tmp_path: Path) -> None:
    # Same bytes wherever it is written (the formatter's settings do not leak in from around
    # the output location), and twice in a row.
    first, second = tmp_path / "a" / "models", tmp_path / "b" / "deeper" / "models"
    for out in (first, second):
        proc = run("--output-dir", str(out))
        assert proc.returncode == 0, proc.stderr
    assert digest(first) == digest(COMMITTED)
    assert digest(second) == digest(COMMITTED)
    assert set(digest(first)) == {MODULE}


def test_header_says_generated_and_has_no_timestamp() -> None:
    head = (COMMITTED / MODULE).read_text(encoding="utf-8").splitlines()[:3]
    assert head[0].startswith("# GENERATED from openapi/freshbooks.yaml")
    assert "DO NOT EDIT" in head[0]
    assert not any(re.search(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}", line) for line in head)
    text = (COMMITTED / MODULE).read_text(encoding="utf-8")
    assert "timestamp:" not in text
    assert str(ROOT) not in text  # no machine-specific paths


def test_generated_code_is_ruff_formatted() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "format",
            "--check",
            "--isolated",
            "--line-length=100",
            str(COMMITTED),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_against_needs_check(tmp_path: Path) -> None:
    proc = run("--against", str(tmp_path))
    assert proc.returncode == 2
    assert "--against needs --check" in proc.stderr


def _generator_module() -> Any:
    spec = importlib.util.spec_from_file_location("fb_generate_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_public_module_is_the_generated_one_with_its_docstring_and_all() -> None:
    import freshbooks_sdk.models as models
    from freshbooks_sdk import _types

    gen = _generator_module()
    assert models.__file__ is not None and Path(models.__file__) == COMMITTED / MODULE
    assert models.__doc__ == gen.models_docstring() + "\n"
    assert ">>>" in (models.__doc__ or "")
    assert set(gen.HAND_WRITTEN_PUBLIC) <= set(models.__all__)
    assert set(gen.HAND_WRITTEN_PUBLIC) <= set(_types.__all__)
    assert models.__all__ == sorted(models.__all__)


def test_public_module_adds_docstring_reexports_and_all_and_refuses_clashes() -> None:
    gen = _generator_module()
    source = (
        f"{gen.HEADER}\n\nfrom __future__ import annotations\n\n"
        "from freshbooks_sdk._types import (\n    Money,\n    WireModel,\n)\n\n\n"
        "class Thing(WireModel):\n    price: Money\n"
    )
    text = gen.public_module(source, "Doc line.")
    assert text.startswith(f'{gen.HEADER}\n"""Doc line.\n"""\n\nfrom __future__ import annotations')
    tail = text[text.index("class Thing") :]
    # Money is imported by the classes already: never imported again (that would rebind it).
    assert "    Money,\n" not in tail and "    VisState,\n" in tail
    namespace: dict[str, Any] = {}
    exec(compile(text, "<generated>", "exec"), namespace)
    assert set(namespace["__all__"]) == {"Thing", *gen.HAND_WRITTEN_PUBLIC}
    clash = source + "\n\nclass Money(WireModel):\n    x: int\n"
    with pytest.raises(SystemExit, match="shadow hand-written names"):
        gen.public_module(clash, "Doc.")
    with pytest.raises(SystemExit, match="header"):
        gen.public_module(source.replace("GENERATED", "generated", 1), "Doc.")
