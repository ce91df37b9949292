"""``connect`` and ``businesses``: authorize, choose and switch the business."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

from freshbooks_sdk.cli.connection import (
    DEFAULT_API_URL,
    DEFAULT_AUTH_URL,
    _config_path,
    forget_connection_token,
    load_connection,
    open_client,
    resolve_connection,
    save_connection_token,
    save_private_json,
)
from freshbooks_sdk.cli.errors import EXIT_OK, PROG, CliError, _fail
from freshbooks_sdk.cli.output import BUSINESS_COLUMNS, Console


def cmd_businesses(args: argparse.Namespace, env: Mapping[str, str], console: Console) -> int:
    from freshbooks_sdk.integration import to_json

    conn = resolve_connection(args, env)
    with open_client(args, env, console, need_account=False) as fb:
        try:
            businesses = [to_json(b) for b in fb.identity.businesses()]
        except Exception as exc:
            raise CliError.of(exc) from None
    current = conn.account_id
    if args.use:
        if args.use not in {b["account_id"] for b in businesses}:
            known = ", ".join(b["account_id"] for b in businesses) or "none"
            _fail("invalid_input", f"{args.use!r} is not one of your businesses ({known})", "use")
        if conn.saved is None:
            _fail(
                "invalid_input",
                "--use changes the saved connection, but the token comes from the environment; "
                "set FRESHBOOKS_ACCOUNT_ID instead",
                "use",
            )
        saved = dict(load_connection(conn.path) or conn.saved)  # as migrated by open_client
        saved["account_id"] = args.use
        save_private_json(conn.path, saved)
        current = args.use
    for b in businesses:
        b["current"] = b["account_id"] == current
    if console.json:
        console.document({"account_id": current, "businesses": businesses})
    else:
        console.table(BUSINESS_COLUMNS, businesses)
        if args.use:
            console.line(f"Now using {args.use}.")
    return EXIT_OK


def cmd_connect(args: argparse.Namespace, env: Mapping[str, str], console: Console) -> int:
    from freshbooks_sdk import FreshBooks
    from freshbooks_sdk.auth import OAuthClient, generate_state
    from freshbooks_sdk.integration import to_json

    missing = [
        n
        for n in ("FRESHBOOKS_CLIENT_ID", "FRESHBOOKS_CLIENT_SECRET", "FRESHBOOKS_REDIRECT_URI")
        if not env.get(n)
    ]
    if missing:
        _fail(
            "invalid_input",
            f"set {', '.join(missing)} (your FreshBooks app's settings) before `connect`",
        )
    base_url = (env.get("FRESHBOOKS_BASE_URL") or DEFAULT_API_URL).rstrip("/")
    auth_url = (
        env.get("FRESHBOOKS_AUTH_URL")
        or (env.get("FRESHBOOKS_BASE_URL") and base_url)
        or DEFAULT_AUTH_URL
    ).rstrip("/")
    path = _config_path(args, env)
    try:
        oauth = OAuthClient(
            env["FRESHBOOKS_CLIENT_ID"],
            env["FRESHBOOKS_CLIENT_SECRET"],
            env["FRESHBOOKS_REDIRECT_URI"],
            api_base_url=base_url,
            auth_base_url=auth_url,
        )
    except Exception as exc:
        raise CliError.of(exc) from None
    with oauth:
        state = generate_state()
        url = oauth.authorization_url(state)
        if args.url_only:
            if console.json:
                console.document({"authorization_url": url})
            else:
                console.line(url)
            return EXIT_OK
        code = args.code
        if code is None:
            console.note("Open this URL, approve access, then paste the code (or the whole URL")
            console.note("FreshBooks redirected you to):\n")
            console.note(f"  {url}\n")
            console.err.write("code: ")
            console.err.flush()
            answer = sys.stdin.readline().strip()
            if not answer:
                _fail("invalid_input", "no authorization code given", "code")
            code = _code_from_answer(answer, state)
        try:
            token = oauth.exchange_code(code)
            with FreshBooks(access_token=token.access_token, base_url=base_url) as fb:
                businesses = fb.identity.businesses()
        except Exception as exc:
            raise CliError.of(exc) from None
    rows = [to_json(b) for b in businesses]
    ids = [b["account_id"] for b in rows]
    if not ids:
        _fail("permission_denied", "this FreshBooks user has no business with accounting access")
    chosen = getattr(args, "account_id", None) or ids[0]
    if chosen not in ids:
        _fail("invalid_input", f"{chosen!r} is not one of your businesses ({', '.join(ids)})")
    saved = {
        **save_connection_token(path, token),  # the token goes to the store, never the file
        "base_url": base_url,
        "auth_base_url": auth_url,
        "client_id": env["FRESHBOOKS_CLIENT_ID"],
        "redirect_uri": env["FRESHBOOKS_REDIRECT_URI"],
        "account_id": chosen,
        "businesses": rows,
        "saved_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    save_private_json(path, saved)
    for row in rows:
        row["current"] = row["account_id"] == chosen
    if console.json:
        console.document({"account_id": chosen, "businesses": rows, "config": str(path)})
    else:
        name = next(b["name"] for b in rows if b["account_id"] == chosen)
        console.table(BUSINESS_COLUMNS, rows)
        console.line(f"Connected to {name} ({chosen}); saved to {path} (readable only by you).")
        if len(rows) > 1:
            console.line(f"Switch business with `{PROG} businesses --use ACCOUNT_ID`.")
    return EXIT_OK


def cmd_disconnect(args: argparse.Namespace, env: Mapping[str, str], console: Console) -> int:
    """Forget the saved connection: revoke the grant at FreshBooks when the app's id and secret
    are in the environment (else say it is still valid; a failed revocation is a warning),
    delete the token from the store and remove the connection file."""
    from freshbooks_sdk.auth import OAuthClient, Token
    from freshbooks_sdk.cli.connection import load_saved_token

    path = _config_path(args, env)
    saved = load_connection(path)
    if saved is None:
        _fail("not_connected", f"no saved connection at {path}")
    revoked = False
    secret = env.get("FRESHBOOKS_CLIENT_SECRET")
    client_id = env.get("FRESHBOOKS_CLIENT_ID") or saved.get("client_id")
    redirect = env.get("FRESHBOOKS_REDIRECT_URI") or saved.get("redirect_uri")
    token: Token | None = None
    if secret and client_id and redirect and not args.keep_grant:
        try:
            _, _, token = load_saved_token(path, saved)
        except CliError:  # no token left (a disconnect cut short): only the files to remove
            console.note(f"{PROG}: warning: no saved token to revoke")
    if token is not None and secret and client_id and redirect:
        base_url = str(env.get("FRESHBOOKS_BASE_URL") or saved.get("base_url") or DEFAULT_API_URL)
        try:
            with OAuthClient(
                client_id,
                secret,
                redirect,
                api_base_url=base_url.rstrip("/"),
                auth_base_url=saved.get("auth_base_url") or base_url,
            ) as oauth:
                oauth.revoke(token)
            revoked = True
        except Exception as exc:  # e.g. a grant FreshBooks already dropped: forget it anyway
            reason = CliError.of(exc).error["message"]
            console.note(f"{PROG}: warning: the grant was not revoked at FreshBooks ({reason})")
        saved = load_connection(path) or saved  # migrated to the store by load_saved_token
    removed = forget_connection_token(path, saved)
    path.unlink(missing_ok=True)
    if console.json:
        console.document({"config": str(path), "revoked": revoked, "token_removed": removed})
    else:
        console.line(f"Disconnected: removed {path} and its saved token.")
        if args.keep_grant:
            console.line("The grant was kept at FreshBooks (--keep-grant).")
        elif not revoked:
            console.line(
                "The grant was not revoked at FreshBooks (set FRESHBOOKS_CLIENT_SECRET to revoke "
                "it, or remove the app in FreshBooks' settings)."
            )
    return EXIT_OK


def _code_from_answer(answer: str, state: str) -> str:
    """The code from a pasted code or redirect URL (whose ``state`` must match)."""
    if "code=" not in answer:
        return answer
    query = parse_qs(urlsplit(answer).query or answer.split("?", 1)[-1])
    if "error" in query:
        _fail("permission_denied", f"authorization refused: {query['error'][0]}")
    if query.get("state", [state])[0] != state:
        _fail("invalid_input", "the redirect's state does not match this request; start again")
    codes = query.get("code")
    if not codes:
        _fail("invalid_input", "no code in the pasted URL", "code")
    return codes[0]
