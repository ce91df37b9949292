"""OAuth2 I/O against FreshBooks: code exchange, refresh and revoke requests.

Request bodies, URLs and response parsing are pure functions in :mod:`freshbooks_sdk._core.oauth`;
this module only sends them. The token endpoint is **never retried** after a failure: a refresh
token is single-use, so a request that may have reached FreshBooks (a read timeout, a dropped
connection, a 5xx) may already have consumed it, and sending it again would at best fail with
``invalid_grant``. Such failures surface at once as
:class:`~freshbooks_sdk.errors.APIConnectionError` / :class:`~freshbooks_sdk.errors.APITimeoutError`
(or a status error); the caller decides. The same holds for code exchange (a code works once).

A token answer is read the way the API client reads its answers (the same
:func:`~freshbooks_sdk._async._bounded.receive_bounded`): redirects are not followed, the body is
decoded by the SDK and refused past ``max_response_bytes``
(:class:`~freshbooks_sdk.errors.ResponseTooLargeError`, so a gzip bomb never expands in memory),
and the whole exchange must finish within ``deadline`` (a server dripping bytes ends in
:class:`~freshbooks_sdk.errors.APITimeoutError`).

Logging (``freshbooks_sdk`` logger, DEBUG): method, path, status and elapsed time only; never a
token, a code or the client secret.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from types import TracebackType
from typing import Any

import httpx

from freshbooks_sdk._async._backend import within
from freshbooks_sdk._async._bounded import DeadlinePassed, receive_bounded
from freshbooks_sdk._core import oauth as core
from freshbooks_sdk._core.oauth import (
    DEFAULT_API_BASE_URL,
    DEFAULT_AUTH_BASE_URL,
    DEFAULT_SCOPES,
    Token,
)
from freshbooks_sdk._core.retry import parse_retry_after
from freshbooks_sdk._core.transport import (
    DEFAULT_MAX_RESPONSE_BYTES,
    BodyTooLarge,
    UnreadableBody,
    check_max_response_bytes,
    resolve_deadline,
)
from freshbooks_sdk.errors import (
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    InvalidRequestError,
    ResponseTooLargeError,
)

__all__ = ["AsyncOAuthClient"]

logger = logging.getLogger("freshbooks_sdk")

_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}
_NOT_RETRIED = "not retried: a refresh token or code is single-use and may already be spent"
_HARD_DEADLINE_GRACE = 1.0
"""Wall seconds past ``deadline`` before the async client cancels an exchange outright."""


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _require_str(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidRequestError(f"{name} must be a non-empty string", field=name)
    return value


def _base_url(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise InvalidRequestError(
            f"{name} must start with http:// or https://, got {value!r}", field=name, value=value
        )
    return value.rstrip("/")


class AsyncOAuthClient:
    """FreshBooks OAuth2 for one app: authorization URL, code exchange, refresh, revoke.

    >>> oauth = AsyncOAuthClient("client-id", "client-secret", "https://example.com/callback")
    >>> url = oauth.authorization_url(state="xyz")  # send the browser there
    >>> url.startswith("https://auth.freshbooks.com/oauth/authorize?client_id=client-id")
    True

    Then, in the redirect handler (after checking ``state``)::

        async with AsyncOAuthClient(client_id, client_secret, redirect_uri) as oauth:
            token = await oauth.exchange_code(code)     # -> Token; persist token.to_dict()
            token = await oauth.refresh(token)          # the old refresh token is now spent

    Args:
        client_id: the app's client id, from FreshBooks' developer page.
        client_secret: the app's client secret, from the same page.
        redirect_uri: the app's redirect URI (it must match exactly; FreshBooks wants HTTPS
            and no query string).
        scopes: requested by :meth:`authorization_url` unless it is given others; an empty
            sequence requests the scopes the app is registered for.
        api_base_url: where ``/auth/oauth/token`` and ``/auth/oauth/revoke`` live.
        auth_base_url: where the browser's ``/oauth/authorize`` page lives. For the embedded
            sandbox, set both to the sandbox's base URL.
        http_client: an ``httpx.AsyncClient`` to send with (not closed by :meth:`aclose`);
            by default one is created and owned.
        timeout: seconds (or an ``httpx.Timeout``) for each token request.
        clock: ``() -> aware UTC datetime``; also the default clock of token sources built on
            this client, and the clock ``deadline`` runs on. Defaults to real time.
        deadline: overall seconds one token request may take, the whole body included
            (default: 4 times the largest part of ``timeout``).
        max_response_bytes: the largest decoded token answer read (default 32 MiB; at least
            1024); past it :class:`~freshbooks_sdk.errors.ResponseTooLargeError`.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        *,
        scopes: Iterable[str] = DEFAULT_SCOPES,
        api_base_url: str = DEFAULT_API_BASE_URL,
        auth_base_url: str = DEFAULT_AUTH_BASE_URL,
        http_client: httpx.AsyncClient | None = None,
        timeout: float | httpx.Timeout = 30.0,
        clock: Callable[[], datetime] | None = None,
        deadline: float | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self.client_id = _require_str(client_id, "client_id")
        self._client_secret = _require_str(client_secret, "client_secret")
        self.redirect_uri = _require_str(redirect_uri, "redirect_uri")
        self.scopes: tuple[str, ...] = core.check_scopes(scopes)
        self.api_base_url = _base_url(api_base_url, "api_base_url")
        self.auth_base_url = _base_url(auth_base_url, "auth_base_url")
        if not isinstance(timeout, httpx.Timeout):
            if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
                raise InvalidRequestError(
                    f"timeout must be a positive number of seconds, got {timeout!r}",
                    field="timeout",
                    value=timeout,
                )
        self._timeout = timeout
        self._deadline = resolve_deadline(
            deadline, timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        )
        self._max_response_bytes = check_max_response_bytes(max_response_bytes)
        self._clock = clock or _utc_now
        # Deadlines run on the injected clock when there is one (tests take no wall time), else
        # on a monotonic clock, as in the API client.
        self._seconds: Callable[[], float] = (
            time.monotonic if clock is None else (lambda: clock().timestamp())
        )
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else httpx.AsyncClient(timeout=timeout)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(client_id={self.client_id!r}, "
            f"redirect_uri={self.redirect_uri!r}, api_base_url={self.api_base_url!r})"
        )

    def now(self) -> datetime:
        """The current time from the injected clock (aware UTC)."""
        return self._clock()

    def authorization_url(self, state: str, scopes: Iterable[str] | None = None) -> str:
        """The URL to send the user's browser to; FreshBooks redirects back with ``code``.

        ``state`` (see :func:`freshbooks_sdk.auth.generate_state`) comes back on the redirect:
        compare it with the one you stored before calling :meth:`exchange_code`. ``scopes``
        defaults to the client's (space-separated on the wire).

        >>> oauth = AsyncOAuthClient("cid", "secret", "https://example.com/cb")
        >>> "scope=user%3Aprofile%3Aread%20user%3Aclients%3Aread" in oauth.authorization_url("s")
        True
        """
        return core.authorization_url(
            auth_base_url=self.auth_base_url,
            client_id=self.client_id,
            redirect_uri=self.redirect_uri,
            state=state,
            scopes=self.scopes if scopes is None else scopes,
        )

    async def exchange_code(self, code: str) -> Token:
        """Exchange the ``code`` from the redirect for a :class:`Token` (codes work once, 5 min).

        Raises :class:`~freshbooks_sdk.errors.ReauthorizationRequiredError` when FreshBooks
        refuses the code (``invalid_grant``: expired, used, or a different redirect URI).
        """
        body = core.code_exchange_body(
            client_id=self.client_id,
            client_secret=self._client_secret,
            redirect_uri=self.redirect_uri,
            code=code,
        )
        response = await self._post(core.TOKEN_PATH, body)
        return core.parse_token_response(
            response.status_code,
            response.content,
            grant_type="authorization_code",
            previous_scopes=self.scopes,
            retry_after=self._retry_after(response),
            secrets=(self._client_secret, code),
        )

    async def refresh(self, token_or_refresh_token: Token | str) -> Token:
        """Trade a refresh token for a new :class:`Token`; the old refresh token is then spent.

        Persist the returned token before using it (a :class:`AsyncTokenSource` does this for
        you through its ``on_refresh`` callback). A refused refresh token raises
        :class:`~freshbooks_sdk.errors.ReauthorizationRequiredError`; the request is never
        retried (see the module docs).
        """
        if isinstance(token_or_refresh_token, Token):
            refresh_token = token_or_refresh_token.refresh_token
            previous_scopes = token_or_refresh_token.scopes
        else:
            refresh_token = token_or_refresh_token
            previous_scopes = ()
        body = core.refresh_body(
            client_id=self.client_id,
            client_secret=self._client_secret,
            redirect_uri=self.redirect_uri,
            refresh_token=refresh_token,
        )
        response = await self._post(core.TOKEN_PATH, body)
        return core.parse_token_response(
            response.status_code,
            response.content,
            grant_type="refresh_token",
            previous_scopes=previous_scopes,
            retry_after=self._retry_after(response),
            secrets=(self._client_secret, refresh_token),
        )

    async def revoke(self, token: Token | str) -> None:
        """Revoke a token so it can no longer be used (disconnecting the user).

        Given a :class:`Token`, its refresh token is revoked (FreshBooks revokes the grant, the
        access token with it); given a string, that token.
        """
        value = token.refresh_token if isinstance(token, Token) else token
        body = core.revoke_body(
            client_id=self.client_id, client_secret=self._client_secret, token=value
        )
        response = await self._post(core.REVOKE_PATH, body)
        core.check_revoke_response(
            response.status_code,
            response.content,
            retry_after=self._retry_after(response),
            secrets=(self._client_secret, value),
        )

    def _retry_after(self, response: httpx.Response) -> float | None:
        if response.status_code != 429:
            return None
        return parse_retry_after(response.headers.get("Retry-After"), self.now().timestamp())

    async def _post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        """POST ``body`` as JSON, once. Errors carry a body-less copy of the request."""
        url = self.api_base_url + path
        if self._http.is_closed:
            raise ClientClosedError(
                f"POST {path}: the OAuth client has been closed; nothing was sent"
            )
        request = self._http.build_request(
            "POST", url, json=body, headers=_HEADERS, timeout=self._timeout
        )
        bare = httpx.Request("POST", url)  # errors carry no body: it holds the secrets
        started = time.perf_counter()
        try:
            response = await within(
                self._deadline + _HARD_DEADLINE_GRACE,
                receive_bounded(
                    self._http,
                    request,
                    limit=self._max_response_bytes,
                    deadline_at=self._seconds() + self._deadline,
                    seconds=self._seconds,
                ),
            )
        except (DeadlinePassed, TimeoutError):
            raise APITimeoutError(
                f"POST {path}: no complete answer within the {self._deadline:g}s deadline "
                f"({_NOT_RETRIED})",
                request=bare,
                may_have_applied=True,
            ) from None
        except BodyTooLarge as exc:
            raise ResponseTooLargeError(
                f"POST {path}: the answer is larger than max_response_bytes={exc.limit}; "
                f"reading stopped there ({_NOT_RETRIED})",
                request=bare,
                may_have_applied=True,
                limit=exc.limit,
            ) from None
        except httpx.RequestError as exc:
            elapsed = time.perf_counter() - started
            logger.debug("POST %s failed: %s (%.3fs)", path, type(exc).__name__, elapsed)
            error_cls = (
                APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
            )
            from freshbooks_sdk._async._http import _redact_cause  # (_http imports this module)

            _redact_cause(exc)  # the cause holds the request: its body has the secrets
            raise error_cls(
                f"POST {path}: {type(exc).__name__}: {exc} ({_NOT_RETRIED})",
                request=bare,
            ) from exc
        except (httpx.HTTPError, UnreadableBody) as exc:  # e.g. a corrupt gzip body
            raise APIConnectionError(
                f"POST {path}: {type(exc).__name__}: {exc} ({_NOT_RETRIED})",
                request=bare,
                may_have_applied=True,
            ) from None
        logger.debug(
            "POST %s -> %d (%.3fs)",
            path,
            response.status_code,
            time.perf_counter() - started,
        )
        return response

    async def aclose(self) -> None:
        """Close the HTTP client if this object created it."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncOAuthClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
