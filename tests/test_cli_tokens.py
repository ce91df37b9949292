"""The ``freshbooks`` program's saved token: one SQLite token store, refreshed single-flight.

Issue 11: two concurrent CLI invocations with an expired saved token both spent the single-use
refresh token (the second one lost the grant). The token now lives in a
:class:`~freshbooks_sdk.stores.SQLiteTokenStore` beside the connection file, and every invocation
refreshes under its cross-process lock. These tests start real processes (``python -m
freshbooks_sdk.cli``) against the sandbox served on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from freshbooks_sdk import cli
from freshbooks_sdk.auth import Token
from freshbooks_sdk.sandbox import Sandbox

N_PROCESSES = 8
TOKEN_PATH = "/auth/oauth/token"
REVOKE_PATH = "/auth/oauth/revoke"
PAST = datetime(2000, 1, 1, tzinfo=timezone.utc)


class Clock:
    """The sandbox's clock: real time plus an offset the test moves forward."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(timezone.utc) + self.offset


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Sandbox, str, Clock]]:
    clock = Clock()
    sb = Sandbox(seed=0, clock=clock)
    with sb.serve() as base_url:
        yield sb, base_url, clock
    assert not sb.internal_errors, sb.internal_errors


def env_for(home: Path, **extra: str) -> dict[str, str]:
    """The parent's environment without any FRESHBOOKS_* variable, HOME in a temp dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRESHBOOKS_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"), PYTHONIOENCODING="utf-8")
    env.update(extra)
    return env


def app_env(sb: Sandbox, base_url: str, home: Path, config: Path) -> dict[str, str]:
    return env_for(
        home,
        FRESHBOOKS_CONFIG=str(config),
        FRESHBOOKS_CLIENT_ID=sb.client_id,
        FRESHBOOKS_CLIENT_SECRET=sb.client_secret,
        FRESHBOOKS_REDIRECT_URI=sb.redirect_uris[0],
        FRESHBOOKS_BASE_URL=base_url,
    )


def start(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "freshbooks_sdk.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def run(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    proc = start(*args, env=env)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


def run_concurrently(n: int, *args: str, env: dict[str, str]) -> list[tuple[int, str, str]]:
    procs = [start(*args, env=env) for _ in range(n)]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        results.append((proc.returncode, out, err))
    return results


def token_grants(sb: Sandbox, since: int) -> int:
    """POSTs to the token endpoint since log index ``since`` (no code exchange happens in
    between, so these are refresh-token grants)."""
    return sum(1 for r in sb.request_log[since:] if r.method == "POST" and r.path == TOKEN_PATH)


def saved_v1(sb: Sandbox, base_url: str, config: Path, expires_at: datetime) -> Token:
    """A connection file as version 1 wrote it (the token inside), with a fresh grant."""
    body = sb.issue_tokens()
    token = Token(str(body["access_token"]), str(body["refresh_token"]), expires_at)
    cli.save_private_json(
        config,
        {
            "version": 1,
            "base_url": base_url,
            "auth_base_url": base_url,
            "client_id": sb.client_id,
            "redirect_uri": sb.redirect_uris[0],
            "account_id": sb.account_ids[0],
            "token": token.to_dict(),
        },
    )
    return token


def secrets_outside_store(root: Path, secrets: set[str]) -> list[str]:
    """Files under ``root`` (other than the token store) that contain one of ``secrets``."""
    found = []
    for path in root.rglob("*"):
        if not path.is_file() or path.name.startswith("connection-tokens.db"):
            continue
        data = path.read_bytes()
        found += [f"{path}" for s in secrets if s.encode() in data]
    return found


def private_files(config: Path) -> dict[str, int]:
    """The mode of the connection file and of every token store file that exists."""
    store = cli.token_store_path(config)
    paths = [config, store, Path(f"{store}-wal"), Path(f"{store}-shm")]
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in paths if p.exists()}


def test_concurrent_invocations_refresh_once(
    served: tuple[Sandbox, str, Clock], tmp_path: Path
) -> None:
    """N processes started together with a token that must be refreshed: all succeed, and
    FreshBooks sees exactly one refresh-token grant per round (the others reload the rotated
    token from the store). Round 1 starts from a version-1 connection file (the first use
    migrates it, concurrently); round 2 has the stored token expired; round 3 has it rejected
    by FreshBooks (401) while the CLI still believes it valid."""
    sb, base_url, clock = served
    config = tmp_path / "config" / "freshbooks-typed" / "connection.json"
    first = saved_v1(sb, base_url, config, PAST)
    env = app_env(sb, base_url, tmp_path, config)
    store = cli.open_token_store(cli.token_store_path(config))
    key = "freshbooks-cli"
    secrets = {first.access_token, first.refresh_token}
    outputs: list[str] = []
    for round_ in ("migrate expired", "expired in store", "rejected by FreshBooks"):
        if round_ == "expired in store":
            current = store.load(key)
            assert current is not None
            store.save(key, attrs.evolve(current, expires_at=PAST))
        elif round_ == "rejected by FreshBooks":
            clock.offset += timedelta(days=1)  # every access token issued so far has expired
        before = store.load(key)
        since = len(sb.request_log)
        results = run_concurrently(N_PROCESSES, "clients", "list", "--json", env=env)
        assert [code for code, _, _ in results] == [0] * N_PROCESSES, (round_, results)
        assert all(isinstance(json.loads(out), dict | list) for _, out, _ in results)
        assert token_grants(sb, since) == 1, round_
        after = store.load(key)
        assert after is not None and after != before
        if before is not None:
            assert after.refresh_token != before.refresh_token
        secrets |= {after.access_token, after.refresh_token}
        outputs += [out + err for _, out, err in results]
        saved = json.loads(config.read_text())
        assert "token" not in saved and saved["version"] == 2, round_
    assert not [s for s in secrets for text in outputs if s in text]
    assert secrets_outside_store(tmp_path, secrets) == []
    assert private_files(config) == dict.fromkeys(private_files(config), 0o600)
    assert "connection-tokens.db" in private_files(config)
    assert stat.S_IMODE(config.parent.stat().st_mode) == 0o700


def test_connect_use_and_disconnect(served: tuple[Sandbox, str, Clock], tmp_path: Path) -> None:
    """``connect`` puts the token in the store (never in the file or the output), later
    commands use it, ``businesses --use`` keeps it out of the file, ``disconnect`` revokes the
    grant at FreshBooks and removes the store and the file."""
    sb, base_url, _ = served
    config = tmp_path / "secret" / "connection.json"
    env = app_env(sb, base_url, tmp_path, config)
    code_, url, _ = run("connect", "--url-only", env=env)
    assert code_ == 0
    location = httpx.get(url.strip(), follow_redirects=False).headers["location"]
    auth_code = httpx.URL(location).params["code"]

    code_, out, err = run("connect", "--code", auth_code, "--json", env=env)
    assert code_ == 0, err
    assert json.loads(out)["config"] == str(config)
    saved = json.loads(config.read_text())
    assert "token" not in saved and saved["token_key"] == "freshbooks-cli"
    token = cli.open_token_store(cli.token_store_path(config)).load("freshbooks-cli")
    assert token is not None
    secrets = {token.access_token, token.refresh_token}
    texts = [out, err]

    code_, out, err = run("businesses", "--use", sb.account_ids[1], "--json", env=env)
    assert code_ == 0, err
    texts += [out, err]
    assert json.loads(config.read_text())["account_id"] == sb.account_ids[1]
    code_, out, err = run("clients", "list", "--json", env=env)
    assert code_ == 0, err
    texts += [out, err]
    assert not [s for s in secrets for t in texts if s in t]
    assert secrets_outside_store(tmp_path, secrets) == []
    assert set(private_files(config).values()) == {0o600}

    since = len(sb.request_log)
    code_, out, err = run("disconnect", env=env)
    assert code_ == 0, err
    assert "Disconnected" in out and "not revoked" not in out
    assert [r.status for r in sb.request_log[since:] if r.path == REVOKE_PATH] == [200]
    assert private_files(config) == {}
    assert secrets_outside_store(tmp_path, secrets) == []
    # FreshBooks refuses the revoked token; the CLI has nothing left to use.
    assert (
        httpx.get(
            f"{base_url}/auth/api/v1/users/me",
            headers={"Authorization": f"Bearer {token.access_token}"},
        ).status_code
        == 401
    )
    code_, _, err = run("clients", "list", env=env)
    assert code_ == cli.EXIT_AUTH and "connect" in err
    code_, _, err = run("disconnect", env=env)
    assert code_ == cli.EXIT_AUTH and "no saved connection" in err


def test_disconnect_without_the_secret_keeps_the_grant(
    served: tuple[Sandbox, str, Clock], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """Without FRESHBOOKS_CLIENT_SECRET nothing is revoked (and the user is told so), but the
    token is still deleted: a version-1 file's token too (migrated, then forgotten), and the
    deleted row does not linger in the database file."""
    sb, base_url, _ = served
    config = tmp_path / "c" / "connection.json"
    token = saved_v1(sb, base_url, config, datetime.now(timezone.utc) + timedelta(hours=1))
    other = cli.open_token_store(cli.token_store_path(config))
    kept = Token("other-access-token", "other-refresh-token", PAST)
    other.save("another-key", kept)  # a store shared with another key survives, minus ours
    for name in [k for k in os.environ if k.startswith("FRESHBOOKS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("FRESHBOOKS_CONFIG", str(config))
    assert cli.main(["clients", "list", "--json"]) == 0  # migrates (static token: no secret)
    capsys.readouterr()
    assert "token" not in json.loads(config.read_text())
    assert cli.main(["disconnect"]) == 0
    out = capsys.readouterr().out
    assert "not revoked" in out and token.access_token not in out
    assert not config.exists()
    store_file = cli.token_store_path(config)
    assert other.load("freshbooks-cli") is None and other.load("another-key") == kept
    on_disk = b"".join(p.read_bytes() for p in store_file.parent.glob(f"{store_file.name}*"))
    assert token.access_token.encode() not in on_disk
    assert token.refresh_token.encode() not in on_disk
    assert b"other-access-token" in on_disk  # the check above could fail
    # The grant itself is still alive at FreshBooks (not revoked).
    assert (
        httpx.get(
            f"{base_url}/auth/api/v1/users/me",
            headers={"Authorization": f"Bearer {token.access_token}"},
        ).status_code
        == 200
    )


def test_token_store_is_created_private(tmp_path: Path) -> None:
    path = tmp_path / "d" / "connection-tokens.db"
    path.parent.mkdir(mode=0o755)
    path.touch(mode=0o644)
    path.chmod(0o644)
    store = cli.open_token_store(path)
    store.save("k", Token("a", "r", PAST))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # narrowed
    for suffix in ("-wal", "-shm"):
        extra = Path(f"{path}{suffix}")
        if extra.exists():
            assert stat.S_IMODE(extra.stat().st_mode) == 0o600
    fresh = tmp_path / "new" / "sub" / "t.db"
    cli.open_token_store(fresh)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    assert stat.S_IMODE(fresh.parent.stat().st_mode) == 0o700


def test_disconnect_finishes_a_cut_short_one(
    served: tuple[Sandbox, str, Clock], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """A connection file whose token is gone from the store (a disconnect interrupted between
    the two deletions) is still removed, with a warning; commands say to connect again."""
    sb, base_url, _ = served
    config = tmp_path / "connection.json"
    fields = cli.connection.save_connection_token(config, Token("a", "r", PAST))
    cli.save_private_json(config, {**fields, "base_url": base_url, "account_id": "X"})
    assert cli.connection.forget_connection_token(config, fields) is True
    assert not cli.token_store_path(config).exists()  # empty: removed
    for name, value in app_env(sb, base_url, tmp_path, config).items():
        monkeypatch.setenv(name, value)
    assert cli.main(["clients", "list"]) == cli.EXIT_AUTH
    assert "no token saved" in capsys.readouterr().err
    assert cli.main(["disconnect", "--json"]) == 0
    captured = capsys.readouterr()
    assert "no saved token to revoke" in captured.err
    assert json.loads(captured.out) == {
        "config": str(config),
        "revoked": False,
        "token_removed": False,
    }
    assert not config.exists()


def test_disconnect_keep_grant(
    served: tuple[Sandbox, str, Clock], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    sb, base_url, _ = served
    config = tmp_path / "connection.json"
    token = saved_v1(sb, base_url, config, datetime.now(timezone.utc) + timedelta(hours=1))
    for name, value in app_env(sb, base_url, tmp_path, config).items():
        monkeypatch.setenv(name, value)
    since = len(sb.request_log)
    assert cli.main(["disconnect", "--keep-grant"]) == 0
    assert "kept at FreshBooks" in capsys.readouterr().out
    assert not [r for r in sb.request_log[since:] if r.path == REVOKE_PATH]
    assert not config.exists()
    assert secrets_outside_store(tmp_path, {token.access_token, token.refresh_token}) == []


@pytest.mark.parametrize("damage", ["not a database", "bad row"])
def test_damaged_token_store_says_connect_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any, damage: str
) -> None:
    """A token store that cannot be read is an authentication problem (exit 3, `connect`
    again), not a "retry later"."""
    config = tmp_path / "connection.json"
    fields = cli.connection.save_connection_token(config, Token("a", "r", PAST))
    cli.save_private_json(config, {**fields, "base_url": "http://127.0.0.1:9", "account_id": "X"})
    store_file = cli.token_store_path(config)
    if damage == "not a database":
        for extra in store_file.parent.glob(f"{store_file.name}-*"):
            extra.unlink()
        store_file.write_bytes(b"garbage " * 1000)
    else:
        import sqlite3

        with sqlite3.connect(store_file) as db:
            db.execute("UPDATE freshbooks_tokens SET token = '{oops'")
    for name in [k for k in os.environ if k.startswith("FRESHBOOKS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("FRESHBOOKS_CONFIG", str(config))
    assert cli.main(["clients", "list"]) == cli.EXIT_AUTH
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "connect` again" in err, err
