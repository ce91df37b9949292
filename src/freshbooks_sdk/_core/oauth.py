"""OAuth2 request building and response parsing (pure: no sockets, no sleep, no clock reads).

The I/O lives in ``_async/oauth.py`` (and its generated sync twin); everything that is a decision
lives here: the authorization URL, the JSON bodies sent to the token and revoke endpoints, the
token response -> :class:`Token`, and the token endpoint's errors -> typed exceptions.

>>> token = parse_token_response(
...     200,
...     b'{"access_token": "a", "refresh_token": "r", "token_type": "Bearer",'
...     b' "expires_in": 100, "scope": "user:profile:read", "created_at": 1287273500}',
...     grant_type="refresh_token",
... )
>>> token.expires_at.isoformat(), token.scopes
('2010-10-17T00:00:00+00:00', ('user:profile:read',))
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, Literal
from urllib.parse import quote, urlencode

import attrs

from freshbooks_sdk._core.errparse import excerpt, parse_error_body
from freshbooks_sdk._core.fbtime import ensure_aware, format_iso_z, parse_iso_datetime
from freshbooks_sdk._core.redact import redact_body, redact_secrets
from freshbooks_sdk._core.transport import DEFAULT_BASE_URL
from freshbooks_sdk.errors import (
    APIStatusError,
    ErrorDetail,
    FreshBooksError,
    InvalidRequestError,
    RateLimitError,
    ReauthorizationRequiredError,
    ResponseValidationError,
    status_error_class,
)

__all__ = [
    "AUTHORIZE_PATH",
    "DEFAULT_API_BASE_URL",
    "DEFAULT_AUTH_BASE_URL",
    "DEFAULT_SCOPES",
    "REVOKE_PATH",
    "TOKEN_PATH",
    "GrantType",
    "Token",
    "authorization_url",
    "check_revoke_response",
    "check_scopes",
    "code_exchange_body",
    "fingerprint",
    "generate_state",
    "oauth_error_code",
    "parse_auth_error",
    "parse_token_response",
    "refresh_body",
    "revoke_body",
    "revoke_url",
    "token_error",
    "token_url",
]

DEFAULT_SCOPES: tuple[str, ...] = (
    "user:profile:read",
    "user:clients:read",
    "user:clients:write",
    "user:invoices:read",
    "user:invoices:write",
    "user:expenses:read",
    "user:expenses:write",
    "user:time_entries:read",
    "user:projects:read",  # create-expense bills back to a project: list them to pick one
)
"""The scopes the integration needs; requested by default in the authorization URL."""

DEFAULT_API_BASE_URL = DEFAULT_BASE_URL
DEFAULT_AUTH_BASE_URL = "https://auth.freshbooks.com"
AUTHORIZE_PATH = "/oauth/authorize"  # on the auth base URL (the browser goes there)
TOKEN_PATH = "/auth/oauth/token"  # on the API base URL: code exchange and refresh
REVOKE_PATH = "/auth/oauth/revoke"  # on the API base URL

GrantType = Literal["authorization_code", "refresh_token"]

# Token endpoint error codes meaning "this grant is dead": the user has to authorize again.
_REAUTH_ERRORS = frozenset(
    {"invalid_grant", "invalid_token", "access_denied", "invalid_scope", "unauthenticated"}
)
_REQUIRED_FIELDS = ("access_token", "refresh_token", "expires_in", "created_at")


def fingerprint(secret: str) -> str:
    """A short, non-reversible fingerprint of a secret, safe for ``repr`` and logs.

    The same secret always gives the same fingerprint, so two tokens can be told apart (or
    matched against a stored one) without showing either.

    >>> fingerprint("my_access_token")
    'sha256:9f528566'
    """
    return "sha256:" + hashlib.sha256(secret.encode("utf-8")).hexdigest()[:8]


def generate_state() -> str:
    """A fresh, unguessable ``state`` value for :func:`authorization_url` (CSRF protection).

    Store it in the user's session, and compare it with the ``state`` FreshBooks sends back to
    the redirect URI before exchanging the code.

    >>> len(generate_state()) >= 32
    True
    """
    return secrets.token_urlsafe(32)


def _scopes_converter(value: str | Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(value.split())
    return tuple(value)


def _aware_utc(value: datetime) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"expires_at must be a datetime, got {type(value).__name__}")
    return ensure_aware(value, name="expires_at")


def _non_empty_str(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{attribute.name} must be a non-empty string")


@attrs.frozen(repr=False)
class Token:
    """An OAuth2 token pair from FreshBooks: an access token and its single-use refresh token.

    ``expires_at`` is an aware UTC datetime (``created_at + expires_in`` from FreshBooks).
    ``repr``/``str`` never show the secrets, only a short fingerprint of each:

    >>> from datetime import datetime, timezone
    >>> token = Token("my_access_token", "my_refresh_token",
    ...               datetime(2030, 1, 1, tzinfo=timezone.utc), scopes=("user:profile:read",))
    >>> token
    Token(access_token=<sha256:9f528566>, refresh_token=<sha256:bdca01f8>, expires_at=2030-01-01T00:00:00Z, scopes=('user:profile:read',), token_type='Bearer')
    >>> token.expired(datetime(2029, 12, 31, 23, 58, tzinfo=timezone.utc), margin=300)
    True

    Persist it with :meth:`to_dict` (the dict *does* hold the secrets: store it like a
    password) and load it back with :meth:`from_dict`.
    """

    access_token: str = attrs.field(validator=_non_empty_str)
    refresh_token: str = attrs.field(validator=_non_empty_str)
    expires_at: datetime = attrs.field(converter=_aware_utc)
    scopes: tuple[str, ...] = attrs.field(default=(), converter=_scopes_converter)
    token_type: str = "Bearer"

    def __repr__(self) -> str:
        return (
            f"Token(access_token=<{fingerprint(self.access_token)}>, "
            f"refresh_token=<{fingerprint(self.refresh_token)}>, "
            f"expires_at={format_iso_z(self.expires_at)}, scopes={self.scopes!r}, "
            f"token_type={self.token_type!r})"
        )

    __str__ = __repr__

    def expired(self, now: datetime, margin: timedelta | float = 0) -> bool:
        """True when the access token has expired at ``now``, or will within ``margin``.

        ``now`` must be aware; ``margin`` is a :class:`~datetime.timedelta` or seconds.

        >>> from datetime import datetime, timezone
        >>> t = Token("a", "r", datetime(2030, 1, 1, tzinfo=timezone.utc))
        >>> t.expired(datetime(2029, 12, 31, 23, 0, tzinfo=timezone.utc))
        False
        >>> t.expired(datetime(2029, 12, 31, 23, 0, tzinfo=timezone.utc), margin=timedelta(hours=1))
        True
        """
        if not isinstance(margin, timedelta):
            margin = timedelta(seconds=margin)
        return ensure_aware(now, name="now") + margin >= self.expires_at

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serializable dict for persistence (it holds the secrets).

        >>> from datetime import datetime, timezone
        >>> Token("a", "r", datetime(2030, 1, 1, tzinfo=timezone.utc)).to_dict()["expires_at"]
        '2030-01-01T00:00:00Z'
        """
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": format_iso_z(self.expires_at),
            "scopes": list(self.scopes),
            "token_type": self.token_type,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Token:
        """Load a token saved with :meth:`to_dict` (``expires_at`` ISO 8601 or epoch seconds).

        A missing or malformed field raises :class:`~freshbooks_sdk.errors.InvalidRequestError`
        naming the field (never showing its value).

        >>> Token.from_dict({"access_token": "a", "refresh_token": "r",
        ...                  "expires_at": "2030-01-01T00:00:00Z"}).expires_at.year
        2030
        """
        if not isinstance(data, Mapping):
            raise InvalidRequestError("a stored token must be a mapping (from Token.to_dict())")
        for name in ("access_token", "refresh_token", "expires_at"):
            if name not in data:
                raise InvalidRequestError(f"stored token has no {name!r}", field=name)
        raw_expiry = data["expires_at"]
        try:
            if isinstance(raw_expiry, (int, float)) and not isinstance(raw_expiry, bool):
                expires_at = datetime.fromtimestamp(raw_expiry, tz=timezone.utc)
            elif isinstance(raw_expiry, str):
                expires_at = parse_iso_datetime(raw_expiry)
            else:
                raise ValueError(f"not a timestamp: {type(raw_expiry).__name__}")
        except (ValueError, OverflowError, OSError) as exc:
            raise InvalidRequestError(
                f"stored token has an invalid 'expires_at': {exc}",
                field="expires_at",
                value=raw_expiry,
            ) from None
        scopes = data.get("scopes", ())
        if not isinstance(scopes, (str, list, tuple)) or not all(
            isinstance(s, str) for s in (scopes.split() if isinstance(scopes, str) else scopes)
        ):
            raise InvalidRequestError(
                "stored token 'scopes' must be a list of strings", field="scopes"
            )
        token_type = data.get("token_type") or "Bearer"
        try:
            return cls(
                access_token=data["access_token"],
                refresh_token=data["refresh_token"],
                expires_at=expires_at,
                scopes=scopes,
                token_type=str(token_type),
            )
        except ValueError as exc:
            # The message names the field (from the validator), never the value.
            raise InvalidRequestError(f"stored token is invalid: {exc}") from None


def _join(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def check_scopes(scopes: Iterable[str]) -> tuple[str, ...]:
    """Validate scopes (a sequence, or one space-separated string) into a tuple.

    >>> check_scopes("user:profile:read user:clients:read")
    ('user:profile:read', 'user:clients:read')
    """
    if isinstance(scopes, str):
        scopes = scopes.split()
    out = tuple(scopes)
    for scope in out:
        if not isinstance(scope, str) or not scope or any(c.isspace() for c in scope):
            raise InvalidRequestError(
                f"each scope must be a non-empty string without spaces, got {scope!r}",
                field="scopes",
                value=scope,
            )
    return out


def authorization_url(
    *,
    auth_base_url: str,
    client_id: str,
    redirect_uri: str,
    state: str,
    scopes: Iterable[str] = DEFAULT_SCOPES,
) -> str:
    """The URL to send the user's browser to, to authorize the app.

    Scopes are space-separated (``%20`` on the wire); an empty ``scopes`` leaves the parameter
    out, so the token gets the scopes the app is registered for. ``state`` comes back unchanged
    on the redirect: compare it before exchanging the code.

    >>> authorization_url(auth_base_url="https://auth.freshbooks.com", client_id="cid",
    ...                   redirect_uri="https://example.com/cb", state="xyz",
    ...                   scopes=["user:profile:read", "user:clients:read"])
    'https://auth.freshbooks.com/oauth/authorize?client_id=cid&response_type=code&redirect_uri=https%3A%2F%2Fexample.com%2Fcb&scope=user%3Aprofile%3Aread%20user%3Aclients%3Aread&state=xyz'
    """
    if not isinstance(state, str) or not state:
        raise InvalidRequestError(
            "state must be a non-empty string (use generate_state())", field="state"
        )
    params: list[tuple[str, str]] = [
        ("client_id", client_id),
        ("response_type", "code"),
        ("redirect_uri", redirect_uri),
    ]
    checked = check_scopes(scopes)
    if checked:
        params.append(("scope", " ".join(checked)))
    params.append(("state", state))
    return _join(auth_base_url, AUTHORIZE_PATH) + "?" + urlencode(params, quote_via=quote, safe="")


def token_url(api_base_url: str) -> str:
    """``{api_base_url}/auth/oauth/token`` (code exchange and refresh)."""
    return _join(api_base_url, TOKEN_PATH)


def revoke_url(api_base_url: str) -> str:
    """``{api_base_url}/auth/oauth/revoke``."""
    return _join(api_base_url, REVOKE_PATH)


def code_exchange_body(
    *, client_id: str, client_secret: str, redirect_uri: str, code: str
) -> dict[str, str]:
    """The JSON body exchanging an authorization code (the keys the official Node SDK sends)."""
    if not isinstance(code, str) or not code:
        raise InvalidRequestError("code must be a non-empty string", field="code")
    return {
        "grant_type": "authorization_code",
        "client_id": client_id,
        "client_secret": client_secret,
        "redirect_uri": redirect_uri,
        "code": code,
    }


def refresh_body(
    *, client_id: str, client_secret: str, redirect_uri: str, refresh_token: str
) -> dict[str, str]:
    """The JSON body trading a (single-use) refresh token for a new token pair."""
    if not isinstance(refresh_token, str) or not refresh_token:
        raise InvalidRequestError("refresh_token must be a non-empty string", field="refresh_token")
    return {
        "grant_type": "refresh_token",
        "client_id": client_id,
        "client_secret": client_secret,
        "redirect_uri": redirect_uri,
        "refresh_token": refresh_token,
    }


def revoke_body(*, client_id: str, client_secret: str, token: str) -> dict[str, str]:
    """The JSON body revoking a token (access or refresh)."""
    if not isinstance(token, str) or not token:
        raise InvalidRequestError("token must be a non-empty string", field="token")
    return {"client_id": client_id, "client_secret": client_secret, "token": token}


def _decode(content: bytes) -> Any:
    try:
        return json.loads(content) if content else None
    except (ValueError, RecursionError):  # a hostile body nested past the recursion limit
        return None


def oauth_error_code(payload: Any) -> str | None:
    """The OAuth ``error`` code of an auth error body (``"invalid_grant"``, ...), if any."""
    if isinstance(payload, Mapping):
        code = payload.get("error")
        if isinstance(code, str) and code:
            return code
    return None


def parse_auth_error(status_code: int, content: bytes) -> list[ErrorDetail]:
    """Auth error bodies ``{"error", "error_description"}`` -> details (``"code: description"``).

    >>> parse_auth_error(400, b'{"error": "invalid_grant", "error_description": "Expired."}')
    [ErrorDetail(message='invalid_grant: Expired.', errno=None, field=None, object=None, value=None)]
    """
    return parse_error_body(status_code, content).errors


def _number(payload: Mapping[str, Any], name: str) -> float | None:
    value = payload.get(name)
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _status_error(
    status_code: int,
    content: bytes,
    prefix: str,
    retry_after: float | None,
) -> APIStatusError:
    parsed = parse_error_body(status_code, content)
    cls = status_error_class(status_code, parsed.errors)
    message = f"{prefix}: {parsed.message}"
    if cls is RateLimitError:
        return RateLimitError(
            message,
            status_code=status_code,
            errors=parsed.errors,
            body_excerpt=parsed.excerpt,
            retry_after=retry_after,
        )
    return cls(message, status_code=status_code, errors=parsed.errors, body_excerpt=parsed.excerpt)


def token_error(
    status_code: int,
    content: bytes,
    *,
    grant_type: GrantType,
    retry_after: float | None = None,
    secrets: Iterable[str | None] = (),
) -> FreshBooksError:
    """The exception for a token endpoint error answer.

    A refused grant (``invalid_grant`` and the like, or an unexplained 400/401/403 on refresh)
    is :class:`~freshbooks_sdk.errors.ReauthorizationRequiredError`; a refused client
    (``invalid_client``: wrong client id or secret), 429 and 5xx are status errors.

    >>> err = token_error(400, b'{"error": "invalid_grant", "error_description": "Revoked."}',
    ...                   grant_type="refresh_token")
    >>> type(err).__name__, err.errors[0].message
    ('ReauthorizationRequiredError', 'invalid_grant: Revoked.')

    ``secrets`` are what the request sent (client secret, refresh token or code, code
    verifier): a server that quotes them back has them taken out of everything the error keeps.
    """
    content = redact_secrets(content, secrets)
    payload = _decode(content)
    code = oauth_error_code(payload)
    parsed = parse_error_body(status_code, content)
    what = "refresh token" if grant_type == "refresh_token" else "authorization code"
    dead = code in _REAUTH_ERRORS or (
        code is None and grant_type == "refresh_token" and status_code in (400, 401, 403)
    )
    if dead and status_code < 500 and status_code != 429:
        description = ""
        if isinstance(payload, Mapping) and isinstance(payload.get("error_description"), str):
            description = payload["error_description"]
        reason = f"{code}: {description}" if code and description else (code or parsed.message)
        hint = (
            "refresh tokens are single-use; a used, revoked or expired one cannot be refreshed"
            if grant_type == "refresh_token"
            else "authorization codes expire after 5 minutes and work once, and redirect_uri "
            "must match the one in the authorization URL"
        )
        return ReauthorizationRequiredError(
            f"FreshBooks refused the {what} (HTTP {status_code}, {reason}); {hint}. "
            "Re-authorization is needed: send the user to the authorization URL again and "
            "exchange the new code.",
            errors=parsed.errors,
        )
    prefix = f"token request ({grant_type}) failed"
    if code == "invalid_client":
        prefix += " (check client_id and client_secret)"
    return _status_error(status_code, content, prefix, retry_after)


def parse_token_response(
    status_code: int,
    content: bytes,
    *,
    grant_type: GrantType,
    previous_scopes: tuple[str, ...] = (),
    retry_after: float | None = None,
    secrets: Iterable[str | None] = (),
) -> Token:
    """Turn a token endpoint answer into a :class:`Token`, or raise the matching error.

    A 2xx body must hold ``access_token``, ``refresh_token``, ``expires_in`` and ``created_at``
    (epoch seconds); ``expires_at = created_at + expires_in``. A body missing any of them raises
    :class:`~freshbooks_sdk.errors.ResponseValidationError` naming the missing fields (never the
    values). Without ``scope`` in the answer, ``previous_scopes`` is kept. ``secrets`` (what the
    request sent) never reach an error, wherever the server quotes them (:func:`token_error`).
    """
    payload = _decode(content)
    if status_code >= 300 or oauth_error_code(payload) is not None:
        raise token_error(
            status_code if status_code >= 300 else 400,
            content,
            grant_type=grant_type,
            retry_after=retry_after,
            secrets=secrets,
        )
    if not isinstance(payload, Mapping):
        raise ResponseValidationError(
            f"the token endpoint answered HTTP {status_code} without a JSON object",
            # A 200 body can hold the new tokens even when it is not readable JSON (trailing
            # junk, cut short): the excerpt keeps nothing a secret field names.
            body_excerpt=excerpt(redact_secrets(redact_body(content), secrets))
            if payload is None
            else "",
            errors=[{"loc": (), "msg": "expected a JSON object", "type": "model_type"}],
        )
    problems: list[dict[str, Any]] = []
    for name in _REQUIRED_FIELDS:
        value = payload.get(name)
        if name in ("access_token", "refresh_token"):
            ok = isinstance(value, str) and bool(value)
        else:
            ok = _number(payload, name) is not None
        if not ok:
            kind = "missing" if value is None else "invalid"
            problems.append({"loc": (name,), "msg": f"{kind} {name}", "type": kind})
    if problems:
        names = ", ".join(str(p["loc"][0]) for p in problems)
        raise ResponseValidationError(
            f"the token endpoint's answer is missing or has invalid: {names}",
            errors=problems,
        )
    created_at = _number(payload, "created_at")
    expires_in = _number(payload, "expires_in")
    assert created_at is not None and expires_in is not None  # checked above
    try:
        expires_at = datetime.fromtimestamp(created_at, tz=timezone.utc) + timedelta(
            seconds=expires_in
        )
    except (ValueError, OverflowError, OSError):
        raise ResponseValidationError(
            "the token endpoint's created_at/expires_in are out of range",
            errors=[{"loc": ("created_at",), "msg": "out of range", "type": "value_error"}],
        ) from None
    scope = payload.get("scope")
    scopes: tuple[str, ...]
    if isinstance(scope, str):
        scopes = tuple(scope.split())
    elif isinstance(scope, list) and all(isinstance(s, str) for s in scope):
        scopes = tuple(scope)
    else:
        scopes = previous_scopes
    token_type = payload.get("token_type")
    return Token(
        access_token=payload["access_token"],
        refresh_token=payload["refresh_token"],
        expires_at=expires_at,
        scopes=scopes,
        token_type=token_type if isinstance(token_type, str) and token_type else "Bearer",
    )


def check_revoke_response(
    status_code: int,
    content: bytes,
    *,
    retry_after: float | None = None,
    secrets: Iterable[str | None] = (),
) -> None:
    """Accept a 2xx answer from the revoke endpoint; raise a status error otherwise (with
    ``secrets``, what the request sent, taken out of it)."""
    if status_code < 300:
        return
    content = redact_secrets(content, secrets)
    raise _status_error(status_code, content, "token revocation failed", retry_after)
