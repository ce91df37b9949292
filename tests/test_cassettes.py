"""Replay every cassette with ``record_mode="none"`` (no network) through the sync and the async
client, compare with the recorded outcome, and scan every cassette for secrets."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from cassette_scenarios import (
    CASSETTES,
    CLIENT_ID,
    EXPECTED_ERRORS,
    REDACTED,
    REDIRECT_URI,
    SCENARIOS,
    Ctx,
    make_vcr,
)
from freshbooks_sdk import AsyncFreshBooks, FreshBooks
from freshbooks_sdk.auth import AsyncOAuthClient, OAuthClient
from freshbooks_sdk.sandbox import APP_CLIENT_SECRET, FakeClock

NAMES = sorted(SCENARIOS)


def _sync_ctx() -> Ctx:
    clock = FakeClock()  # the recorder's clock: same start, same advances, same requests
    kw: dict[str, Any] = {"account_id": "ACM123", "sleep": clock.advance, "clock": clock}
    return Ctx(
        fb=FreshBooks(access_token=REDACTED, **kw),
        oauth=OAuthClient(CLIENT_ID, REDACTED, REDIRECT_URI),
        account_id="ACM123",
        unauthorized=FreshBooks(access_token=REDACTED, **kw),
    )


def _async_ctx() -> Ctx:
    clock = FakeClock()

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)

    kw: dict[str, Any] = {"account_id": "ACM123", "sleep": sleep, "clock": clock}
    return Ctx(
        fb=AsyncFreshBooks(access_token=REDACTED, **kw),
        oauth=AsyncOAuthClient(CLIENT_ID, REDACTED, REDIRECT_URI),
        account_id="ACM123",
        unauthorized=AsyncFreshBooks(access_token=REDACTED, **kw),
    )


def test_every_scenario_has_a_cassette() -> None:
    for name in NAMES:
        assert (CASSETTES / f"{name}.yaml").is_file(), f"run scripts/record_cassettes.py {name}"
        assert (CASSETTES / f"{name}.result.json").is_file()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_replay(name: str, mode: str) -> None:
    expected = json.loads((CASSETTES / f"{name}.result.json").read_text())
    ctx = _sync_ctx() if mode == "sync" else _async_ctx()
    with make_vcr("none").use_cassette(f"{name}.yaml") as cassette:
        result = await SCENARIOS[name](ctx)
        assert cassette.all_played, f"{name}: not every recorded interaction was replayed"
    assert result == expected


SECRET_PATTERNS = [
    re.compile(r"^\s*-?\s*authorization:", re.I | re.M),  # the header, not "authorization_code"
    re.compile(r"Bearer\s+\S", re.I),
    re.compile(re.escape(APP_CLIENT_SECRET)),
    re.compile(
        r'"(?:access_token|refresh_token|id_token|client_secret|api_token)"\s*:\s*"(?!REDACTED)'
    ),
    re.compile(r'"grant_type"[^}]*"code"\s*:\s*"(?!REDACTED)'),
    re.compile(r"(?:client_secret|refresh_token|code)=(?!REDACTED)"),
]


@pytest.mark.parametrize("path", sorted(CASSETTES.glob("*.yaml")), ids=lambda p: Path(p).name)
def test_cassette_has_no_secret(path: Path) -> None:
    text = path.read_text()
    for pattern in SECRET_PATTERNS:
        assert not pattern.search(text), f"{path.name} leaks {pattern.pattern}"


@pytest.mark.parametrize("name", sorted(EXPECTED_ERRORS))
def test_error_families_recorded(name: str) -> None:
    """Each error family has a cassette whose replayed outcome is that exception class."""
    expected = EXPECTED_ERRORS[name]
    classes = expected if isinstance(expected, tuple) else (expected,)
    recorded = json.loads((CASSETTES / f"{name}.result.json").read_text())
    assert recorded["type"] in {cls.__name__ for cls in classes}
