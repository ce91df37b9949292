"""Re-record ``cassettes/`` (vcrpy) from the scenarios in ``tests/cassette_scenarios.py``.

    python scripts/record_cassettes.py            # against the embedded sandbox on 127.0.0.1
    python scripts/record_cassettes.py --real     # against FreshBooks itself (see below)

Against the sandbox, each scenario gets a fresh sandbox on a fake clock (seed 0), so recordings
are reproducible. With ``--real``, ``FRESHBOOKS_ACCESS_TOKEN`` and ``FRESHBOOKS_ACCOUNT_ID`` must
be set (and ``FRESHBOOKS_CLIENT_ID``, ``FRESHBOOKS_CLIENT_SECRET``, ``FRESHBOOKS_REDIRECT_URI``,
``FRESHBOOKS_CODE`` for the OAuth scenario); scenarios that need a provoked failure (429, 500)
keep their sandbox recording. Authorization headers, tokens, codes and client secrets are
scrubbed before anything is written; ``tests/test_cassettes.py`` scans for leftovers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from cassette_scenarios import (  # noqa: E402  (tests/ is put on the path above)
    CASSETTES,
    COVERAGE_SCENARIOS,
    SCENARIOS,
    Ctx,
    make_vcr,
)
from freshbooks_sdk import FreshBooks  # noqa: E402
from freshbooks_sdk.auth import OAuthClient, generate_state  # noqa: E402
from freshbooks_sdk.sandbox import FakeClock, Sandbox  # noqa: E402
from freshbooks_sdk.sandbox.seed import APP_SCOPES  # noqa: E402

SANDBOX_ONLY = {"rate_limit_then_success", "error_409", "error_429_beyond_cap", "error_500"}


def _prepare(name: str, sb: Sandbox) -> None:
    account = sb.account_ids[0]
    if name == "rate_limit_then_success":
        sb.set_rate_limit(account, 1, window_seconds=10.0, retry_after=10)
    if name == "error_429_beyond_cap":
        sb.set_rate_limit(account, 1, window_seconds=120.0, retry_after=120)
    if name == "error_409":
        sb.inject_faults(1, "409", method="POST", path_prefix="/accounting/")
    if name == "error_500":
        sb.inject_faults(1, "500", method="POST", path_prefix="/accounting/")


def _code(sb: Sandbox, base_url: str, oauth: OAuthClient) -> str:
    url = oauth.authorization_url(generate_state())
    location = httpx.get(url, follow_redirects=False).headers["location"]
    return parse_qs(urlsplit(location).query)["code"][0]


def record_sandbox(name: str) -> dict[str, Any]:
    clock = FakeClock()
    sb = Sandbox(clock=clock, seed=0)
    with sb.serve(port=0) as base_url:
        oauth = OAuthClient(
            sb.client_id,
            sb.client_secret,
            sb.redirect_uris[0],
            api_base_url=base_url,
            auth_base_url=base_url,
            clock=clock,
        )
        code = _code(sb, base_url, oauth) if name.startswith("oauth") else "unused"
        common: dict[str, Any] = {"base_url": base_url, "clock": clock, "sleep": clock.advance}
        scopes = APP_SCOPES if name in COVERAGE_SCENARIOS else None
        token = sb.issue_token(scopes=scopes)
        fb = FreshBooks(access_token=token, account_id=sb.account_ids[0], **common)
        bad = FreshBooks(
            access_token="revoked-or-unknown-token", account_id=sb.account_ids[0], **common
        )
        _prepare(name, sb)
        ctx = Ctx(fb=fb, oauth=oauth, account_id=sb.account_ids[0], unauthorized=bad, code=code)
        with make_vcr("all").use_cassette(f"{name}.yaml"):
            return asyncio.run(SCENARIOS[name](ctx))


def record_real(name: str) -> dict[str, Any]:
    env = os.environ
    base_url = env.get("FRESHBOOKS_BASE_URL", "https://api.freshbooks.com")
    oauth = OAuthClient(
        env.get("FRESHBOOKS_CLIENT_ID", ""),
        env.get("FRESHBOOKS_CLIENT_SECRET", ""),
        env.get("FRESHBOOKS_REDIRECT_URI", "https://localhost/callback"),
        api_base_url=base_url,
    )
    fb = FreshBooks(
        access_token=env["FRESHBOOKS_ACCESS_TOKEN"],
        account_id=env["FRESHBOOKS_ACCOUNT_ID"],
        base_url=base_url,
    )
    bad = FreshBooks(
        access_token="invalid", account_id=env["FRESHBOOKS_ACCOUNT_ID"], base_url=base_url
    )
    ctx = Ctx(
        fb=fb,
        oauth=oauth,
        account_id=env["FRESHBOOKS_ACCOUNT_ID"],
        unauthorized=bad,
        code=env.get("FRESHBOOKS_CODE", ""),
    )
    with make_vcr("all").use_cassette(f"{name}.yaml"):
        return asyncio.run(SCENARIOS[name](ctx))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--real", action="store_true", help="record against FreshBooks itself")
    parser.add_argument("names", nargs="*", help="scenarios to record (default: all)")
    args = parser.parse_args(argv)
    if args.real and not os.environ.get("FRESHBOOKS_ACCESS_TOKEN"):
        parser.error("--real needs FRESHBOOKS_ACCESS_TOKEN and FRESHBOOKS_ACCOUNT_ID")
    CASSETTES.mkdir(exist_ok=True)
    for name in args.names or sorted(SCENARIOS):
        (CASSETTES / f"{name}.yaml").unlink(missing_ok=True)
        real = args.real and name not in SANDBOX_ONLY
        result = record_real(name) if real else record_sandbox(name)
        (CASSETTES / f"{name}.result.json").write_text(
            json.dumps(result, indent=2, sort_keys=True) + "\n"
        )
        print(f"recorded {name} ({'FreshBooks' if real else 'sandbox'}): {result}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
