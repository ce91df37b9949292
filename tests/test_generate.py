"""scripts/generate.py: deterministic output, and --check catches drift and hand edits.

Tests never touch the committed ``_generated`` folder: they compare copies in ``tmp_path``.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "generate.py"
COMMITTED = ROOT / "src" / "freshbooks_sdk" / "_generated"


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
    copy = tmp_path / "_generated"
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
    models = committed_copy / "models.py"
    text = models.read_text(encoding="utf-8")
    edited = text.replace("    lineid: int\n", "    lineid: str\n", 1)
    assert edited != text
    models.write_text(edited, encoding="utf-8")
    proc = run("--check", "--against", str(committed_copy))
    assert proc.returncode == 1
    assert "out of date" in proc.stderr and "edited by hand" in proc.stderr
    assert "models.py" in proc.stderr
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
    (committed_copy / "models.py").unlink()
    (committed_copy / "extra.py").write_text("x = 1\n", encoding="utf-8")
    proc = run("--check", "--against", str(committed_copy))
    assert proc.returncode == 1
    assert "missing" in proc.stderr and "models.py" in proc.stderr
    assert "extra.py" in proc.stderr


def test_output_dir_generation_is_byte_identical_to_the_committed_one(tmp_path: Path) -> None:
    # Same bytes wherever it is written (the formatter's settings do not leak in from around
    # the output location), and twice in a row.
    first, second = tmp_path / "a" / "_generated", tmp_path / "b" / "deeper" / "_generated"
    for out in (first, second):
        proc = run("--output-dir", str(out))
        assert proc.returncode == 0, proc.stderr
    assert digest(first) == digest(COMMITTED)
    assert digest(second) == digest(COMMITTED)
    assert set(digest(first)) == {"__init__.py", "models.py"}


def test_header_says_generated_and_has_no_timestamp() -> None:
    for name in ("models.py", "__init__.py"):
        head = (COMMITTED / name).read_text(encoding="utf-8").splitlines()[:3]
        assert head[0].startswith("# GENERATED from openapi/freshbooks.yaml")
        assert "DO NOT EDIT" in head[0]
        assert not any(re.search(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}", line) for line in head)
    text = (COMMITTED / "models.py").read_text(encoding="utf-8")
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
