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
