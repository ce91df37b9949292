"""The saved connection file, the token store, the credentials a command uses and its client.

The connection file (``connection.json``, mode 0600) holds the non-secret parts of a connection:
the API and auth URLs, the app's client id and redirect URI, the chosen business. The OAuth token
lives in a :class:`~freshbooks_sdk.stores.SQLiteTokenStore` beside it
(``connection.json`` -> ``connection-tokens.db``, mode 0600, in a 0700 directory), under the key
:data:`TOKEN_KEY`. Every invocation refreshes through that store, so of several ``freshbooks``
processes started at once with an expired token exactly one spends the single-use refresh
token; the others wait for its refresh lock and reload the rotated token.

A connection file written by an earlier version (``"version": 1``, the token inside it) is
migrated on first use: its token goes into the store (unless the store already holds a newer
one, e.g. rotated by a concurrent invocation), then the token is removed from the file.
"""

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
    from freshbooks_sdk._core.oauth import Token
    from freshbooks_sdk._sync.client import FreshBooks
    from freshbooks_sdk.stores import SQLiteTokenStore

DEFAULT_API_URL = "https://api.freshbooks.com"
DEFAULT_AUTH_URL = "https://auth.freshbooks.com"
CONNECTION_VERSION = 2
"""Version 2 keeps the token in the token store; version 1 kept it in the connection file."""
TOKEN_KEY = "freshbooks-cli"
"""The key of the CLI's token in its token store (one store file per connection file)."""

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


def token_store_path(path: Path) -> Path:
    """The token store of the connection file ``path``: ``<stem>-tokens.db`` beside it.

    >>> token_store_path(Path("/home/ada/.config/freshbooks-typed/connection.json")).name
    'connection-tokens.db'
    """
    return path.with_name(f"{path.stem}-tokens.db")


def _store_path_of(path: Path, saved: Mapping[str, Any]) -> Path:
    """Where the saved connection says its token is (relative to its directory), else the
    default beside it."""
    named = saved.get("token_store")
    if isinstance(named, str) and named:
        return path.parent / Path(named).expanduser()
    return token_store_path(path)


def open_token_store(store_path: Path) -> SQLiteTokenStore:
    """The CLI's :class:`~freshbooks_sdk.stores.SQLiteTokenStore` at ``store_path``, created
    readable only by the user: the directory 0700, the database (and SQLite's ``-wal``/``-shm``
    files, which take the database's mode) 0600.

    >>> import tempfile
    >>> store = open_token_store(Path(tempfile.mkdtemp()) / "c-tokens.db")
    >>> oct(Path(store.path).stat().st_mode & 0o777)
    '0o600'
    """
    from freshbooks_sdk.stores import SQLiteTokenStore, StoreUnavailableError

    store_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(store_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            os.fchmod(fd, 0o600)  # an existing file made wider by hand is narrowed again
        finally:
            os.close(fd)
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.chmod(f"{store_path}{suffix}", 0o600)
    except OSError as exc:
        _fail("not_connected", f"cannot open the token store {store_path}: {exc.strerror}")
    try:
        return SQLiteTokenStore(store_path)
    except StoreUnavailableError as exc:  # not a database (damaged), unreadable...
        _fail("not_connected", f"{exc}; run `{PROG} connect` again")


def save_connection_token(path: Path, token: Token) -> dict[str, Any]:
    """Store ``token`` as the connection of the file ``path`` (in its token store) and return
    the connection fields that point at it (to merge into the file, which never holds it)."""
    store_path = token_store_path(path)
    open_token_store(store_path).save(TOKEN_KEY, token)
    return {
        "version": CONNECTION_VERSION,
        "token_store": store_path.name,
        "token_key": TOKEN_KEY,
    }


def forget_connection_token(path: Path, saved: Mapping[str, Any]) -> bool:
    """Remove the token of the connection file ``path`` from its store; True when one was
    there. :meth:`~freshbooks_sdk.stores.SQLiteTokenStore.delete` waits for a refresh in
    progress, overwrites the deleted row and truncates the write-ahead log, so the secret does
    not linger on disk; an empty store file is removed."""
    from freshbooks_sdk.stores import StoreUnavailableError

    store_path = _store_path_of(path, saved)
    named = saved.get("token_key")
    key = named if isinstance(named, str) and named else TOKEN_KEY
    if not store_path.exists():
        return False
    store = open_token_store(store_path)  # creates the table when missing, checks permissions
    try:
        removed = store.delete(key)
        left = store.keys()
    except StoreUnavailableError as exc:  # locked past the timeout (retry), or damaged
        kind = "timeout" if exc.retryable else "not_connected"
        _fail(kind, f"cannot remove the token from {store_path}: {exc}")
    if not left:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{store_path}{suffix}")
    return removed


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


def load_saved_token(path: Path, saved: Mapping[str, Any]) -> tuple[SQLiteTokenStore, str, Token]:
    """The token store, key and current token of the saved connection ``saved`` (read from
    ``path``), migrating a version-1 file's token into the store first."""
    from freshbooks_sdk.stores import StoreUnavailableError

    if "token" in saved:
        store, key = _migrate_file_token(path, saved)
    else:
        named = saved.get("token_key")
        key = named if isinstance(named, str) and named else TOKEN_KEY
        store = open_token_store(_store_path_of(path, saved))
    try:
        token = store.load(key)
    except StoreUnavailableError as exc:  # a damaged row: a later try would not do better
        _fail("not_connected", f"{exc}; run `{PROG} connect` again")
    if token is None:
        _fail(
            "not_connected",
            f"no token saved for the connection {path} (disconnected?); run `{PROG} connect`",
        )
    return store, key, token


def _migrate_file_token(path: Path, saved: Mapping[str, Any]) -> tuple[SQLiteTokenStore, str]:
    """Move a version-1 connection file's token into the token store (under its refresh lock,
    so concurrent first uses agree), then rewrite the file without it."""
    from freshbooks_sdk.auth import Token

    try:
        file_token = Token.from_dict(saved.get("token") or {})
    except Exception as exc:
        _fail("not_connected", f"{path} holds no usable token ({exc}); run `{PROG} connect`")
    store_path = token_store_path(path)
    store = open_token_store(store_path)
    lease = store.lock(TOKEN_KEY)
    try:
        stored = lease.token
        # The store wins unless the file's token is a newer grant (a connect by an older
        # version after the migration): a token rotated by a concurrent invocation expires
        # later than the file's, a newly authorized one later than the store's.
        if stored is None or (
            stored.refresh_token != file_token.refresh_token
            and file_token.expires_at > stored.expires_at
        ):
            lease.commit(file_token)
    finally:
        lease.release()
    current = load_connection(path)
    if current is not None and current.get("token") == saved.get("token"):
        current.pop("token", None)
        current.update(version=CONNECTION_VERSION, token_store=store_path.name, token_key=TOKEN_KEY)
        save_private_json(path, current)
    return store, TOKEN_KEY


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
    from freshbooks_sdk.auth import OAuthClient, TokenSource

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
            store, key, token = load_saved_token(conn.path, saved)
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
                # Single-flight across processes: the refresh runs under the store's lock and
                # reloads a token another invocation already rotated.
                fb = FreshBooks(
                    token_source=TokenSource(oauth, token, store=store, key=key),
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
