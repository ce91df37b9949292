"""The saved connection file, the credentials a command uses and its ``FreshBooks`` client."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from freshbooks_sdk.cli.errors import PROG, _fail
from freshbooks_sdk.cli.output import Console, Progress, _stream_is_tty

if TYPE_CHECKING:
    from freshbooks_sdk._sync.client import FreshBooks

DEFAULT_API_URL = "https://api.freshbooks.com"
DEFAULT_AUTH_URL = "https://auth.freshbooks.com"

# ---------------------------------------------------------------------------------------------
# The connection file
# ---------------------------------------------------------------------------------------------


def default_config_path(env: Mapping[str, str] | None = None) -> Path:
    """``$FRESHBOOKS_CONFIG``, else ``$XDG_CONFIG_HOME`` (or ``~/.config``) /
    ``freshbooks-typed/connection.json``."""
    env = os.environ if env is None else env
    if env.get("FRESHBOOKS_CONFIG"):
        return Path(env["FRESHBOOKS_CONFIG"]).expanduser()
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / "freshbooks-typed" / "connection.json"


def save_private_json(path: Path, data: Mapping[str, Any]) -> None:
    """Write ``data`` to ``path`` atomically, readable only by the user (mode 0600); the
    directory is created with mode 0700 when missing."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=".connection-", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
            handle.write("\n")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.chmod(path, 0o600)


def load_connection(path: Path) -> dict[str, Any] | None:
    """The saved connection, or ``None`` when there is none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        _fail("not_connected", f"cannot read {path}: {exc.strerror}")
    try:
        data = json.loads(text)
    except ValueError:
        _fail("not_connected", f"{path} is not valid JSON; run `freshbooks connect` again")
    if not isinstance(data, dict):
        _fail("not_connected", f"{path} is not a connection file; run `freshbooks connect`")
    return data


# ---------------------------------------------------------------------------------------------
# Credentials and the client
# ---------------------------------------------------------------------------------------------


@attrs.frozen
class Connection:
    """What a command connects with, resolved from flags, environment and the saved file."""

    base_url: str
    account_id: str | None
    access_token: str | None
    saved: dict[str, Any] | None
    path: Path


def resolve_connection(args: argparse.Namespace, env: Mapping[str, str]) -> Connection:
    """Environment first (``FRESHBOOKS_ACCESS_TOKEN``...), then the saved connection."""
    path = _config_path(args, env)
    token = env.get("FRESHBOOKS_ACCESS_TOKEN") or None
    saved = None if token else load_connection(path)
    if token is None and saved is None:
        _fail(
            "not_connected",
            f"run `{PROG} connect` or set FRESHBOOKS_ACCESS_TOKEN (no connection file at {path})",
        )
    base_url = env.get("FRESHBOOKS_BASE_URL") or (saved or {}).get("base_url") or DEFAULT_API_URL
    account_id = (
        getattr(args, "account_id", None)
        or env.get("FRESHBOOKS_ACCOUNT_ID")
        or (saved or {}).get("account_id")
    )
    return Connection(str(base_url).rstrip("/"), account_id, token, saved, path)


def _config_path(args: argparse.Namespace, env: Mapping[str, str]) -> Path:
    given = getattr(args, "config", None)
    return Path(given).expanduser() if given else default_config_path(env)


@contextlib.contextmanager
def open_client(
    args: argparse.Namespace,
    env: Mapping[str, str],
    console: Console,
    *,
    need_account: bool = True,
) -> Iterator[FreshBooks]:
    """A ``FreshBooks`` client for the resolved connection (refreshing a saved token when the
    OAuth app's id and secret are in the environment)."""
    import httpx

    from freshbooks_sdk import FreshBooks
    from freshbooks_sdk.auth import OAuthClient, Token, TokenSource

    conn = resolve_connection(args, env)
    if need_account and not conn.account_id:
        _fail(
            "invalid_input",
            f"no business chosen: pass --account-id or set FRESHBOOKS_ACCOUNT_ID "
            f"(`{PROG} businesses` lists them)",
            "account_id",
        )
    progress = Progress(console.err, _stream_is_tty(console.err) and not console.json)
    http = httpx.Client(trust_env=True, event_hooks={"response": [progress.on_response]})
    currency = env.get("FRESHBOOKS_CURRENCY") or None
    oauth: OAuthClient | None = None
    try:
        if conn.access_token is not None:
            fb = FreshBooks(
                access_token=conn.access_token,
                account_id=conn.account_id,
                base_url=conn.base_url,
                http_client=http,
                default_currency=currency,
            )
        else:
            saved = conn.saved or {}
            try:
                token = Token.from_dict(saved.get("token") or {})
            except Exception as exc:
                _fail(
                    "not_connected",
                    f"{conn.path} holds no usable token ({exc}); run `{PROG} connect`",
                )
            client_id = env.get("FRESHBOOKS_CLIENT_ID") or saved.get("client_id")
            secret = env.get("FRESHBOOKS_CLIENT_SECRET")
            redirect = env.get("FRESHBOOKS_REDIRECT_URI") or saved.get("redirect_uri")
            if client_id and secret and redirect:
                oauth = OAuthClient(
                    client_id,
                    secret,
                    redirect,
                    api_base_url=conn.base_url,
                    auth_base_url=saved.get("auth_base_url") or conn.base_url,
                )
                path = conn.path

                def persist(new: Token) -> None:
                    current = load_connection(path) or dict(saved)
                    current["token"] = new.to_dict()
                    save_private_json(path, current)

                fb = FreshBooks(
                    token_source=TokenSource(oauth, token, on_refresh=persist),
                    account_id=conn.account_id,
                    base_url=conn.base_url,
                    http_client=http,
                    default_currency=currency,
                )
            else:
                fb = FreshBooks(
                    access_token=token.access_token,
                    account_id=conn.account_id,
                    base_url=conn.base_url,
                    http_client=http,
                    default_currency=currency,
                )
        with fb:
            yield fb
    finally:
        progress.done()
        if oauth is not None:
            oauth.close()
        http.close()
