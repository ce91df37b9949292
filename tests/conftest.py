"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


@pytest.fixture
def shared_fixtures() -> Path:
    """``../shared/fixtures`` beside the project; the test is skipped when it is absent."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip("../shared/fixtures is not present")
    return SHARED_FIXTURES


pytest_plugins = ["freshbooks_sdk.sandbox.pytest_plugin"]


@pytest.fixture(autouse=True)
def _cursor_db_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default poller store is a SQLite file under the user's state folder: keep tests out."""
    monkeypatch.setenv("FRESHBOOKS_CURSOR_DB", str(tmp_path / "cursors.db"))
    # The clients read these when an argument is left out: the developer's shell must not leak in.
    for name in ("FRESHBOOKS_ACCESS_TOKEN", "FRESHBOOKS_ACCOUNT_ID", "FRESHBOOKS_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
