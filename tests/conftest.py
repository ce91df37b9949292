"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


# Every request the SDK sends to the sandbox, in every test, must conform to the OpenAPI fragment
# (tests/openapi_requests.py); a test marked ``spec_exempt`` opts out (raw requests that send
# what FreshBooks does not document on purpose).


@pytest.fixture(autouse=True)
def _requests_conform_to_the_openapi_fragment(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Any:
    if request.node.get_closest_marker("spec_exempt"):
        yield
        return
    from freshbooks_sdk._core.transport import USER_AGENT
    from freshbooks_sdk.sandbox import Sandbox
    from openapi_requests import check_request, tolerated

    seen: list[tuple[str, str, tuple[tuple[str, str], ...], bytes]] = []
    original = Sandbox._process

    def recording(self: Sandbox, req: Any, fault: Any) -> Any:
        if (req.header("user-agent") or "") == USER_AGENT:
            seen.append((req.method, req.path, req.query, req.body))
        return original(self, req, fault)

    monkeypatch.setattr(Sandbox, "_process", recording)
    yield
    problems = [
        p
        for m, path, q, body in seen
        for p in check_request(m, path, q, body or None)
        if not tolerated(p)
    ]
    assert not problems, "requests outside the OpenAPI fragment:\n" + "\n".join(problems)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "spec_exempt: the test's SDK requests are not checked against the fragment"
    )
