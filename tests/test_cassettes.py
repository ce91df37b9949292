"""Replay every cassette with ``record_mode="none"`` (no network) through the sync and the async
client, compare with the recorded outcome, and scan every cassette for secrets."""

from __future__ import annotations

import gc
import json
import re
import traceback
from pathlib import Path
from typing import Any

import pytest
from vcr.errors import CannotOverwriteExistingCassetteException

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
from freshbooks_sdk._async.resources import _business as async_business
from freshbooks_sdk._async.resources import projects as async_projects
from freshbooks_sdk._async.resources import time_entries as async_time_entries
from freshbooks_sdk._core.business import business_path, project_filters, time_entry_update_body
from freshbooks_sdk._core.envelope import RequestSpec
from freshbooks_sdk._core.query import QueryParams
from freshbooks_sdk._sync.resources import _business as sync_business
from freshbooks_sdk._sync.resources import projects as sync_projects
from freshbooks_sdk._sync.resources import time_entries as sync_time_entries
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


# -- a replay catches a wire regression --------------------------------------------------------
# The cassettes match on method, path, query and body, so each of these plausible regressions in
# the time entry / project update and delete wire makes the replay fail (no recorded answer).


def _put_as_post(monkeypatch: pytest.MonkeyPatch) -> None:
    def update(cls: type[RequestSpec], path: str, body: Any, **_: Any) -> RequestSpec:
        return RequestSpec.create(path, body)

    monkeypatch.setattr(RequestSpec, "update", classmethod(update))


def _plural_single_path(monkeypatch: pytest.MonkeyPatch) -> None:
    def wrong(family: str, business_id: int, collection: str, rid: int | None = None) -> str:
        plural = "projects" if collection == "project" and rid is not None else collection
        return business_path(family, business_id, plural, rid)

    for module in (sync_business, async_business):
        monkeypatch.setattr(module, "business_path", wrong)


def _renamed_body_field(monkeypatch: pytest.MonkeyPatch) -> None:
    def renamed(**kwargs: Any) -> dict[str, Any]:
        body = time_entry_update_body(**kwargs)
        return {("is_billed" if k == "billed" else k): v for k, v in body.items()}

    for module in (sync_time_entries, async_time_entries):
        monkeypatch.setattr(module, "time_entry_update_body", renamed)


def _bool_as_int(monkeypatch: pytest.MonkeyPatch) -> None:
    """``billed: 1`` for ``billed: true`` (equal in Python, not on the wire)."""

    def as_int(**kwargs: Any) -> dict[str, Any]:
        body = time_entry_update_body(**kwargs)
        return {k: int(v) if isinstance(v, bool) else v for k, v in body.items()}

    for module in (sync_time_entries, async_time_entries):
        monkeypatch.setattr(module, "time_entry_update_body", as_int)


def _day_not_instant(monkeypatch: pytest.MonkeyPatch) -> None:
    def by_day(**kwargs: Any) -> QueryParams:
        return [(k, v[:10] if k == "updated_since" else v) for k, v in project_filters(**kwargs)]

    for module in (sync_projects, async_projects):
        monkeypatch.setattr(module, "project_filters", by_day)


def _soft_delete(monkeypatch: pytest.MonkeyPatch) -> None:
    """A delete sent as an accounting-style soft delete (PUT ``active: false``)."""

    async def soft_async(self: Any, resource_id: int, **_: Any) -> None:
        await self._put(resource_id, {"active": False})

    def soft_sync(self: Any, resource_id: int, **_: Any) -> None:
        self._put(resource_id, {"active": False})

    monkeypatch.setattr(async_business.AsyncBusinessResource, "_delete", soft_async)
    monkeypatch.setattr(sync_business.BusinessResource, "_delete", soft_sync)


REGRESSIONS = {
    "put_sent_as_post": (_put_as_post, "coverage_time_entry_update_delete"),
    "project_put_on_plural_path": (_plural_single_path, "coverage_project_update_delete"),
    "renamed_put_field": (_renamed_body_field, "coverage_time_entry_update_delete"),
    "bool_sent_as_int": (_bool_as_int, "coverage_time_entry_update_delete"),
    "updated_since_as_a_day": (_day_not_instant, "coverage_project_update_delete"),
    "delete_as_soft_put": (_soft_delete, "coverage_time_entry_update_delete"),
}


@pytest.mark.parametrize("regression", sorted(REGRESSIONS))
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_replay_catches_a_wire_regression(
    regression: str, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    mutate, name = REGRESSIONS[regression]
    mutate(monkeypatch)
    ctx = _sync_ctx() if mode == "sync" else _async_ctx()
    unmatched = False
    with make_vcr("none").use_cassette(f"{name}.yaml") as cassette:
        try:
            result = await SCENARIOS[name](ctx)
        except Exception as exc:  # the unmatched request surfaces, maybe wrapped by the SDK
            node: BaseException | None = exc
            for _ in range(10):
                if node is None:
                    break
                unmatched = unmatched or isinstance(node, CannotOverwriteExistingCassetteException)
                if node.__traceback__ is not None:  # no frame (and listing page) left in a cycle
                    traceback.clear_frames(node.__traceback__)
                node = node.__cause__ or node.__context__
            del exc, node
            gc.collect()
            assert unmatched, f"{regression}: the replay failed, but not on an unmatched request"
            return
    expected = json.loads((CASSETTES / f"{name}.result.json").read_text())
    assert not cassette.all_played or result != expected, f"{regression} was not caught"
