"""OAuth2 authorization-code flow with rotating refresh tokens (API notes §1.2).

* ``GET /oauth/authorize`` approves at once and 302-redirects to ``redirect_uri`` with ``code``
  and ``state`` (errors about the request itself are redirected too, as OAuth says).
* ``POST /auth/oauth/token``: JSON, form or multipart body; ``authorization_code`` (single use,
  5-minute expiry, same ``redirect_uri``) and ``refresh_token`` (single use: a used refresh token
  answers ``invalid_grant``). Replaying a code also revokes what it issued (RFC 6749 §4.1.2).
* ``POST /auth/oauth/revoke`` (RFC 7009): revokes the access token *and* its refresh token.

Error bodies are Doorkeeper's (FreshBooks' auth server): ``{"error", "error_description"}``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.parser import BytesParser
from email.policy import HTTP
from typing import ClassVar
from urllib.parse import parse_qsl, urlencode

from .errors import AuthError
from .seed import IDENTITY
from .store import World
from .wire import JsonObj, SandboxRequest, SandboxResponse, json_response

__all__ = ["CODE_LIFETIME", "Grant", "InvalidToken", "OAuthServer"]

CODE_LIFETIME = timedelta(minutes=5)
DEFAULT_EXPIRES_IN = 43200

_INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)
_INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication included, "
    "or unsupported authentication method."
)
_NO_STORE = [("cache-control", "no-store"), ("pragma", "no-cache")]


@dataclass
class Grant:
    """One issued access token and its refresh token."""

    access_token: str
    refresh_token: str
    client_id: str
    identity_id: int
    scopes: tuple[str, ...]
    created_at: datetime
    expires_in: int
    revoked: bool = False
    refreshed: bool = False  # the refresh token has been used

    @property
    def expires_at(self) -> datetime:
        return self.created_at + timedelta(seconds=self.expires_in)


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    expires_at: datetime
    used: bool = False
    grant: Grant | None = None


class InvalidToken(Exception):
    """The bearer token is missing, unknown, expired or revoked (``reason`` says which)."""

    MESSAGES: ClassVar[dict[str, str]] = {
        "missing": "This action requires authentication to continue.",
        "invalid": "The access token is invalid",
        "expired": "The access token expired",
        "revoked": "The access token was revoked",
    }

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(self.MESSAGES[reason])


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class OAuthServer:
    """Codes and tokens for the one seeded OAuth app."""

    def __init__(
        self,
        world: World,
        *,
        client_id: str,
        client_secret: str,
        redirect_uris: Sequence[str],
        app_scopes: Sequence[str],
    ) -> None:
        self.world = world
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris = list(redirect_uris)
        self.app_scopes = tuple(app_scopes)
        self._codes: dict[str, _Code] = {}
        self._access: dict[str, Grant] = {}
        self._refresh: dict[str, Grant] = {}

    # -- direct helpers --

    def issue(self, now: datetime, scopes: Sequence[str], expires_in: int) -> Grant:
        grant = Grant(
            access_token=self.world.token(),
            refresh_token=self.world.token(),
            client_id=self.client_id,
            identity_id=IDENTITY.identity_id,
            scopes=tuple(scopes),
            created_at=now.replace(microsecond=0),
            expires_in=expires_in,
        )
        self._access[grant.access_token] = grant
        self._refresh[grant.refresh_token] = grant
        return grant

    def find(self, token: str) -> Grant | None:
        return self._access.get(token) or self._refresh.get(token)

    def token_body(self, grant: Grant) -> JsonObj:
        return {
            "access_token": grant.access_token,
            "refresh_token": grant.refresh_token,
            "token_type": "Bearer",
            "expires_in": grant.expires_in,
            "scope": " ".join(grant.scopes),
            "created_at": int(grant.created_at.timestamp()),
            "id_token": self._id_token(grant),
        }

    def _id_token(self, grant: Grant) -> str:
        header = _b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
        issued = int(grant.created_at.timestamp())
        claims = {
            "iss": "https://auth.freshbooks.com",
            "sub": IDENTITY.identity_uuid,
            "aud": grant.client_id,
            "iat": issued,
            "exp": issued + grant.expires_in,
            "email": IDENTITY.email,
        }
        return f"{header}.{_b64url(json.dumps(claims).encode())}."

    def authenticate(self, authorization: str | None, now: datetime) -> Grant:
        """The grant behind an ``Authorization: Bearer ...`` header, or :class:`InvalidToken`."""
        if not authorization or not authorization.strip():
            raise InvalidToken("missing")
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise InvalidToken("invalid")
        grant = self._access.get(token.strip())
        if grant is None:
            raise InvalidToken("invalid")
        if grant.revoked:
            raise InvalidToken("revoked")
        if now >= grant.expires_at:
            raise InvalidToken("expired")
        return grant

    # -- endpoints --

    def authorize(self, req: SandboxRequest, now: datetime) -> SandboxResponse:
        params = dict(req.query)
        if params.get("client_id") != self.client_id:
            raise AuthError(401, "invalid_client", _INVALID_CLIENT)
        redirect_uri = params.get("redirect_uri", "")
        if redirect_uri not in self.redirect_uris:
            raise AuthError(
                400,
                "invalid_redirect_uri",
                "The requested redirect uri is malformed or doesn't match client redirect URI.",
            )
        state = params.get("state")
        if params.get("response_type") != "code":
            return _redirect(
                redirect_uri,
                error="unsupported_response_type",
                error_description="The authorization server does not support this response type.",
                state=state,
            )
        requested = tuple(params["scope"].split()) if params.get("scope") else self.app_scopes
        if not requested or any(s not in self.app_scopes for s in requested):
            return _redirect(
                redirect_uri,
                error="invalid_scope",
                error_description="The requested scope is invalid, unknown, or malformed.",
                state=state,
            )
        code = self.world.token(20)
        self._codes[code] = _Code(
            client_id=self.client_id,
            redirect_uri=redirect_uri,
            scopes=requested,
            expires_at=now + CODE_LIFETIME,
        )
        return _redirect(redirect_uri, code=code, state=state)

    def token(self, req: SandboxRequest, now: datetime) -> SandboxResponse:
        params = _read_params(req)
        grant_type = params.get("grant_type")
        if not grant_type:
            raise AuthError(400, "invalid_request", "Missing required parameter: grant_type.")
        if grant_type not in ("authorization_code", "refresh_token"):
            raise AuthError(
                400,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server.",
            )
        self._check_client(req, params)
        if grant_type == "authorization_code":
            grant = self._exchange_code(params, now)
        else:
            grant = self._refresh_grant(params, now)
        return json_response(200, self.token_body(grant), list(_NO_STORE))

    def _exchange_code(self, params: dict[str, str], now: datetime) -> Grant:
        value = params.get("code")
        if not value:
            raise AuthError(400, "invalid_request", "Missing required parameter: code.")
        code = self._codes.get(value)
        if code is None:
            raise AuthError(400, "invalid_grant", _INVALID_GRANT)
        if code.used:
            if code.grant is not None:  # a replayed code revokes what it issued
                code.grant.revoked = True
            raise AuthError(400, "invalid_grant", _INVALID_GRANT)
        if now >= code.expires_at or params.get("redirect_uri") != code.redirect_uri:
            raise AuthError(400, "invalid_grant", _INVALID_GRANT)
        code.used = True
        code.grant = self.issue(now, code.scopes, DEFAULT_EXPIRES_IN)
        return code.grant

    def _refresh_grant(self, params: dict[str, str], now: datetime) -> Grant:
        value = params.get("refresh_token")
        if not value:
            raise AuthError(400, "invalid_request", "Missing required parameter: refresh_token.")
        old = self._refresh.get(value)
        if old is None or old.refreshed or old.revoked:
            raise AuthError(400, "invalid_grant", _INVALID_GRANT)
        old.refreshed = True
        return self.issue(now, old.scopes, old.expires_in)

    def revoke(self, req: SandboxRequest, now: datetime) -> SandboxResponse:
        params = _read_params(req)
        self._check_client(req, params)
        token = params.get("token")
        if not token:
            raise AuthError(400, "invalid_request", "Missing required parameter: token.")
        grant = self.find(token)
        if grant is not None:
            grant.revoked = True
        return json_response(200, {}, list(_NO_STORE))

    def _check_client(self, req: SandboxRequest, params: dict[str, str]) -> None:
        client_id, client_secret = params.get("client_id"), params.get("client_secret")
        basic = req.header("authorization") or ""
        if basic.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(basic[6:].strip(), validate=True).decode()
                client_id, _, client_secret = decoded.partition(":")
            except (binascii.Error, UnicodeDecodeError):
                pass
        if client_id != self.client_id or client_secret != self.client_secret:
            raise AuthError(401, "invalid_client", _INVALID_CLIENT)


def _redirect(uri: str, **params: str | None) -> SandboxResponse:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    location = f"{uri}{'&' if '?' in uri else '?'}{query}"
    return SandboxResponse(302, [("location", location), ("content-length", "0")], b"")


def _read_params(req: SandboxRequest) -> dict[str, str]:
    """A token/revoke body as JSON, form-encoded or multipart, whichever it is."""
    ctype = (req.header("content-type") or "").lower()
    body = req.body
    malformed = AuthError(
        400,
        "invalid_request",
        "The request is missing a required parameter, includes an unsupported parameter "
        "value, or is otherwise malformed.",
    )
    try:
        if "multipart/form-data" in ctype:
            return _multipart(req.header("content-type") or "", body)
        text = body.decode("utf-8")
        if "json" in ctype or (not ctype and text.lstrip().startswith("{")):
            data = json.loads(text) if text.strip() else {}
            if not isinstance(data, dict):
                raise malformed
            return {str(k): str(v) for k, v in data.items() if v is not None}
        return dict(parse_qsl(text, keep_blank_values=True))
    except (ValueError, RecursionError):
        raise malformed from None


def _multipart(content_type: str, body: bytes) -> dict[str, str]:
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    out: dict[str, str] = {}
    if not message.is_multipart():
        raise ValueError("not multipart")
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            out[name] = payload.decode("utf-8")
    return out
