"""OAuth2 for FreshBooks: authorization URL, code exchange, refresh, revoke, token sources.

The whole flow (sync; the async names are ``AsyncOAuthClient``/``AsyncTokenSource``, with
``await``)::

    from freshbooks_sdk import FreshBooks
    from freshbooks_sdk.auth import OAuthClient, Token, TokenSource, generate_state

    oauth = OAuthClient(CLIENT_ID, CLIENT_SECRET, "https://example.com/freshbooks/callback")

    # 1. Send the user's browser to FreshBooks (default scopes: DEFAULT_SCOPES).
    state = generate_state()
    session["fb_state"] = state
    redirect(oauth.authorization_url(state))

    # 2. FreshBooks redirects back with ?code=...&state=... (the code expires in 5 minutes).
    if request.args["state"] != session.pop("fb_state"):
        abort(400)
    token = oauth.exchange_code(request.args["code"])     # -> Token
    save(token)                                            # e.g. db.put(json.dumps(token.to_dict()))

    # 3. Use it. The source refreshes ahead of expiry (and once on a 401), and hands each new
    #    token to `save` BEFORE using it: refresh tokens are single-use and rotate.
    def save(token: Token) -> None:
        db.put("freshbooks-token", json.dumps(token.to_dict()))

    token = Token.from_dict(json.loads(db.get("freshbooks-token")))
    fb = FreshBooks(token_source=TokenSource(oauth, token, on_refresh=save), account_id="ABC123")

    # 4. Disconnecting: revoke the grant.
    oauth.revoke(token)

Failures: a refused code or refresh token raises
:class:`~freshbooks_sdk.errors.ReauthorizationRequiredError` (send the user through step 1 again);
network failures raise ``APIConnectionError``/``APITimeoutError``. The token endpoint is never
retried after an ambiguous failure, since a refresh token may already have been spent.

Secrets never appear in ``repr``/``str`` (a :class:`Token` shows ``sha256:`` fingerprints) nor in
the ``freshbooks_sdk`` logger's records. Against the embedded sandbox, set both
``api_base_url`` and ``auth_base_url`` to the sandbox's base URL.
"""

from __future__ import annotations

from freshbooks_sdk._async.oauth import AsyncOAuthClient
from freshbooks_sdk._async.token_source import (
    AsyncStaticToken,
    AsyncTokenProvider,
    AsyncTokenSource,
    RefreshCallback,
)
from freshbooks_sdk._core.oauth import DEFAULT_SCOPES, Token, fingerprint, generate_state
from freshbooks_sdk._sync.oauth import OAuthClient
from freshbooks_sdk._sync.token_source import StaticToken, TokenProvider, TokenSource

__all__ = [
    "DEFAULT_SCOPES",
    "AsyncOAuthClient",
    "AsyncStaticToken",
    "AsyncTokenProvider",
    "AsyncTokenSource",
    "OAuthClient",
    "RefreshCallback",
    "StaticToken",
    "Token",
    "TokenProvider",
    "TokenSource",
    "fingerprint",
    "generate_state",
]
