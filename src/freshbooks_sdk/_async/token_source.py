"""Access tokens for the HTTP client: a static one, or a refreshing, rotating source.

The client asks a *token provider* for a bearer token before each request, and tells it when
FreshBooks rejected one (HTTP 401)::

    token = await provider.get_token()
    response = await send(request, token)
    if response.status_code == 401 and await provider.handle_rejected(token):
        token = await provider.get_token()      # a fresh token: retry once, never more
        response = await send(request, token)

:class:`AsyncStaticToken` wraps a fixed access token (nothing to refresh).
:class:`AsyncTokenSource` refreshes ahead of expiry and once on a rejected token, hands every new
token to a persistence callback *before* using it (refresh tokens are single-use and rotate), and
makes concurrent callers share one refresh. With a shared :class:`~freshbooks_sdk.stores.TokenStore`
(``store=``/``key=``, or :meth:`AsyncTokenSource.from_store`) the refresh is single-flight across
processes too: it runs under the store's refresh lock and reloads a token another process rotated.
An asyncio store (:class:`~freshbooks_sdk.stores.AsyncTokenStore`, e.g.
:class:`~freshbooks_sdk.stores.postgres.AsyncPostgresTokenStore`) is awaited directly; a blocking
one runs in worker threads.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NoReturn, Protocol, TypeVar, runtime_checkable

from freshbooks_sdk._core.oauth import Token, fingerprint
from freshbooks_sdk._core.transport import check_bearer_token
from freshbooks_sdk.errors import InvalidRequestError, ReauthorizationRequiredError

# Relative imports: their sorted order survives the renaming in the generated twin.
from ._backend import Lock
from .oauth import AsyncOAuthClient

if TYPE_CHECKING:
    # The fleet stores load with the first store (a static token never needs them).
    from freshbooks_sdk.stores import AsyncTokenStore, TokenStore

T = TypeVar("T")
logger = logging.getLogger("freshbooks_sdk")

RefreshCallback = Callable[[Token], object]
"""``on_refresh(token)``: persist the new token (the asyncio source awaits an awaitable result)."""


def _view(store: TokenStore | AsyncTokenStore) -> AsyncTokenStore:
    """``store`` as this side calls it (see :mod:`freshbooks_sdk.stores`)."""
    from freshbooks_sdk import stores

    return stores.as_async_token_store(store)  # unasync: return stores.blocking_token_store(store)


def _finish(work: Awaitable[T]) -> Awaitable[T]:
    """``work`` run to completion even if its caller is cancelled (the sync side: as it is)."""
    from freshbooks_sdk import stores

    return stores.run_to_completion(work)  # unasync: return stores.passthrough(work)


DEFAULT_MARGIN = timedelta(minutes=5)
UNSAVED_RETRY_FIRST = 1.0
UNSAVED_RETRY_MAX = 60.0
"""Backoff (seconds, doubling) between attempts to store a refreshed token the store refused."""
_SYNC_CALLBACK = "on_refresh returned an awaitable: the sync TokenSource needs a plain function"


@runtime_checkable
class AsyncTokenProvider(Protocol):
    """Where the HTTP client gets bearer tokens.

    ``get_token()`` returns the access token to send. ``handle_rejected(token)`` is called once
    when FreshBooks answered 401 to a request made with ``token``; ``True`` means a fresh token
    is now available (``get_token()`` returns it) and the request should be retried once.
    """

    async def get_token(self) -> str:
        """The access token to send now."""
        ...

    async def handle_rejected(self, token: str) -> bool:
        """``token`` got a 401; return True when a different token is now available."""
        ...


class AsyncStaticToken:
    """A fixed access token: never refreshed, a rejection is final.

    >>> provider = AsyncStaticToken("my_access_token")
    >>> provider
    AsyncStaticToken(<sha256:9f528566>)
    """

    __slots__ = ("_access_token",)

    def __init__(self, access_token: str) -> None:
        if not isinstance(access_token, str) or not access_token.strip():
            raise InvalidRequestError(
                "access_token must be a non-empty string", field="access_token"
            )
        # CR/LF, spaces or non-ASCII cannot go in a header: refused now, nothing sent.
        self._access_token = check_bearer_token(access_token)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<{fingerprint(self._access_token)}>)"

    async def get_token(self) -> str:
        """The fixed access token."""
        return self._access_token

    async def handle_rejected(self, token: str) -> bool:
        """Always False: there is no other token to try."""
        return False


async def _deliver(on_refresh: RefreshCallback, token: Token) -> None:
    """Hand a new token to the persistence callback, awaiting it when it returns an awaitable."""
    result = on_refresh(token)
    if inspect.isawaitable(result):
        await result  # unasync: _refuse_awaitable(result)


def _refuse_awaitable(result: object) -> NoReturn:
    """Sync side: an awaitable from ``on_refresh`` would never run (the token would not be
    saved), so close it and refuse."""
    close = getattr(result, "close", None)
    if callable(close):
        close()
    raise TypeError(_SYNC_CALLBACK)


def _no_callback(token: Token) -> None:
    return None


async def _replace(store: AsyncTokenStore, key: str, expected: Token, token: Token) -> bool:
    """Store ``token`` only where ``expected`` still is (a store's ``replace``, when it has one)."""
    replace: Any = getattr(store, "replace", None)
    if not callable(replace):
        await store.save(key, token)
        return True
    return bool(await replace(key, expected, token))


class AsyncTokenSource:
    """A refreshing token provider for :class:`~freshbooks_sdk.AsyncFreshBooks`.

    >>> async def save(token):                 # doctest: +SKIP
    ...     await db.put("freshbooks-token", token.to_dict())
    >>> source = AsyncTokenSource(oauth, token, on_refresh=save)           # doctest: +SKIP
    >>> async with AsyncFreshBooks(token_source=source, account_id="ABC123") as fb:  # doctest: +SKIP
    ...     ...

    * The access token is refreshed when it expires within ``margin`` (default 5 minutes, by the
      injected ``clock``), and once when FreshBooks rejects it (:meth:`handle_rejected`).
    * Refresh tokens are single-use and rotate: every new token is passed to ``on_refresh``
      **before** it is used. If ``on_refresh`` raises, the new token is discarded and the error
      propagates (the old refresh token is spent by then, so the user will have to authorize
      again: make the callback reliable). It runs while the source's lock is held, so it must
      not call this source itself. A coroutine function works as ``on_refresh`` only with the
      asyncio source (its result is awaited); the blocking source refuses it with TypeError.
    * Concurrent callers share one refresh: whoever finds the token due refreshes under a lock;
      the others wait and reuse the new token (or get the same error), so N concurrent
      requests with an expired token cause exactly one refresh request.
    * A refused refresh raises :class:`~freshbooks_sdk.errors.ReauthorizationRequiredError`,
      and every later call raises it again without asking FreshBooks: the grant is dead.
      Network failures raise ``APIConnectionError``/``APITimeoutError`` and are not retried
      (a later call tries again).

    * With ``store`` and ``key`` (a :class:`~freshbooks_sdk.stores.TokenStore` shared by many
      processes), a refresh takes the store's refresh lock for ``key`` first. If the stored
      token is no longer the one this source holds, another process rotated it: this source
      reloads it (``reloads`` counts these) instead of spending a dead refresh token, and
      refreshes only when the reloaded token is itself due. Otherwise it refreshes, commits the
      new token to the store (then calls ``on_refresh``) and only then uses it.
      :class:`~freshbooks_sdk.errors.ReauthorizationRequiredError` is raised only when FreshBooks
      refuses the refresh token that the store holds under the lock: the grant is really dead.
      The lease then marks it dead in the store (``mark_dead``), and every process raises
      ``ReauthorizationRequiredError`` from the store's mark, without a request, until a new
      token is saved (re-connect: this source picks it up on its next refresh). A key with no
      stored token (the connection was deleted) raises it too, and a refresh commits only where
      the row still holds the token read under the lock: a deleted connection is never
      re-created by a worker that still held its token.
    * A store outage while the new token is committed never loses the grant (FreshBooks has
      spent the old refresh token by then): when the lock's commit and a fresh save both fail,
      the new token is kept in memory, **unsaved** (:attr:`unsaved`), used for requests and
      handed to ``on_refresh`` (an error is logged). Saving it is retried on the next call,
      then with a doubling backoff (1 s to 60 s, by ``clock``), and always before the next refresh:
      this source never refreshes while it holds an unsaved token (the call raises
      ``StoreUnavailableError`` instead, retryable).
    * The refresh runs to completion even when the caller is cancelled (``asyncio.wait_for``,
      a request timeout): the store lock is always released and a new token always stored.

    ``token`` always holds the current token (to inspect or persist it).
    """

    def __init__(
        self,
        oauth: AsyncOAuthClient,
        token: Token,
        *,
        on_refresh: RefreshCallback | None = None,
        margin: timedelta | float = DEFAULT_MARGIN,
        clock: Callable[[], datetime] | None = None,
        store: TokenStore | AsyncTokenStore | None = None,
        key: str | None = None,
    ) -> None:
        if (store is None) != (key is None):
            raise InvalidRequestError("store and key go together", field="key")
        if store is not None:
            from freshbooks_sdk.stores import AsyncTokenStore, TokenStore, check_key

            check_key(key)
            if not isinstance(store, (TokenStore, AsyncTokenStore)):
                raise InvalidRequestError(
                    "store must implement freshbooks_sdk.stores.TokenStore", field="store"
                )
        if not isinstance(token, Token):
            raise InvalidRequestError(
                "token must be a freshbooks_sdk.auth.Token (use Token.from_dict() to load one)",
                field="token",
            )
        if not isinstance(margin, timedelta):
            if isinstance(margin, bool) or not isinstance(margin, (int, float)):
                raise InvalidRequestError("margin must be a timedelta or seconds", field="margin")
            margin = timedelta(seconds=margin)
        if margin < timedelta(0):
            raise InvalidRequestError("margin must not be negative", field="margin")
        self._oauth = oauth
        self._token = token
        self._on_refresh: RefreshCallback = on_refresh if on_refresh is not None else _no_callback
        self._margin = margin
        self._clock = clock if clock is not None else oauth.now
        self._lock = Lock()
        self._attempts = 0  # refresh attempts started, successful or not
        self._last_error: Exception | None = None  # of the latest attempt, None when it worked
        self._dead: ReauthorizationRequiredError | None = None
        self._trusted: Token | None = None  # already due when received: refresh only on a 401
        self._store: AsyncTokenStore | None = None  # unasync: self._store: TokenStore | None = None
        if store is not None:
            self._store = _view(store)
        self._key = key
        self.reloads = 0  # tokens another process rotated, picked up from the store
        # A refreshed token the store could not take: (new token, the one it replaces).
        self._unsaved: tuple[Token, Token] | None = None
        self._unsaved_delay = UNSAVED_RETRY_FIRST
        self._unsaved_retry_at = 0.0

    @classmethod
    async def from_store(
        cls,
        oauth: AsyncOAuthClient,
        store: TokenStore | AsyncTokenStore,
        key: str,
        *,
        on_refresh: RefreshCallback | None = None,
        margin: timedelta | float = DEFAULT_MARGIN,
        clock: Callable[[], datetime] | None = None,
    ) -> AsyncTokenSource:
        """A source for the connection ``key`` whose token lives in a shared ``store``.

        >>> source = await AsyncTokenSource.from_store(oauth, store, "ACM123")  # doctest: +SKIP

        Raises :class:`~freshbooks_sdk.errors.ReauthorizationRequiredError` when the store
        holds no token for ``key`` (the connection was never authorized, or was removed).
        """
        from freshbooks_sdk.stores import check_key

        check_key(key)
        token = await _view(store).load(key)
        if token is None:
            raise ReauthorizationRequiredError(
                f"no token stored for {key!r}: authorize this connection first"
            )
        return cls(
            oauth, token, on_refresh=on_refresh, margin=margin, clock=clock, store=store, key=key
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(token={self._token!r}, margin={self._margin})"

    @property
    def token(self) -> Token:
        """The current token (it changes after each refresh)."""
        return self._token

    @property
    def unsaved(self) -> Token | None:
        """The refreshed token the store has not taken yet (``None``: everything is stored).

        >>> source.unsaved is None            # doctest: +SKIP
        True
        """
        return None if self._unsaved is None else self._unsaved[0]

    async def get_token(self) -> str:
        """The access token to send, refreshed first when it expires within the margin."""
        token = self._token
        if self._dead is None and not self._due(token):
            if self._unsaved is not None and self._clock().timestamp() >= self._unsaved_retry_at:
                await _finish(self._try_saving(token))
            return token.access_token
        attempts = self._attempts
        fresh = await _finish(self._refresh_exclusive(token, attempts))
        return fresh.access_token

    async def handle_rejected(self, token: str) -> bool:
        """FreshBooks answered 401 to ``token``: refresh once, unless that already happened.

        Returns True when a fresh token is available (retry the request once with
        :meth:`get_token`); a token that was already replaced returns True without refreshing
        again. Raises :class:`~freshbooks_sdk.errors.ReauthorizationRequiredError` when the
        refresh is refused.
        """
        current = self._token
        if current.access_token != token:
            return True
        attempts = self._attempts
        await _finish(self._refresh_exclusive(current, attempts))
        return True

    async def refresh(self) -> Token:
        """Refresh now (unless a concurrent caller just did) and return the new token."""
        current = self._token
        attempts = self._attempts
        return await _finish(self._refresh_exclusive(current, attempts))

    async def _refresh_exclusive(self, seen: Token, attempts: int) -> Token:
        """Take this source's lock and refresh ``seen``: lock, refresh, commit and release run
        to completion as one piece (the asyncio caller awaits it shielded)."""
        async with self._lock:
            return await self._refresh_locked(seen, attempts)

    async def _try_saving(self, seen: Token) -> bool:
        """A due retry of storing the unsaved token (True: stored); a failure is logged."""
        async with self._lock:
            if self._unsaved is None or self._token is not seen:
                return self._unsaved is None
            if self._clock().timestamp() < self._unsaved_retry_at:
                return False
            try:
                await self._save_unsaved()
            except Exception as exc:
                logger.warning("the refreshed token is still not stored: %s", exc)
                return False
            return True

    def _due(self, token: Token) -> bool:
        if token is self._trusted:
            return False
        return token.expired(self._clock(), self._margin)

    async def _refresh_locked(self, seen: Token, attempts: int) -> Token:
        """Refresh ``seen`` (the lock is held) unless another caller already dealt with it."""
        if self._token is not seen:
            return self._token  # refreshed while we waited: reuse it
        if self._dead is not None and self._store is None:
            # A new instance each time: re-raising one object would grow its traceback forever.
            raise ReauthorizationRequiredError(self._dead.message, errors=self._dead.errors)
        if self._attempts != attempts and self._last_error is not None:
            raise self._last_error  # the attempt we waited for failed: share its error
        if self._unsaved is not None:
            # Never refresh while holding an unsaved token: store it first (or fail, retryable).
            await self._save_unsaved()
            if self._token is not seen:
                return self._token  # a re-connect's token replaced it
        self._attempts += 1
        self._last_error = None
        try:
            if self._store is not None and self._key is not None:
                new = await self._refresh_shared(self._store, self._key, seen)
                if new is None:
                    self._dead = None  # a token saved since (a re-connect) is alive
                    return self._token  # another process had rotated it: reloaded
            else:
                logger.debug(
                    "refreshing the access token (expires %s)", seen.expires_at.isoformat()
                )
                new = await self._oauth.refresh(seen)
                await _deliver(self._on_refresh, new)  # persisted before anything uses it
        except ReauthorizationRequiredError as exc:
            # Dead: later calls raise without a request. With a store they still look at it
            # under its lock (no FreshBooks request) to pick up a re-connect's new token.
            self._dead = self._last_error = exc
            raise
        except Exception as exc:
            self._last_error = exc
            raise
        self._token = new
        self._dead = None
        if self._due(new):
            self._trusted = new
            logger.warning(
                "the refreshed access token already expires within the refresh margin "
                "(expires %s, margin %s): check the clock; it will be refreshed again only "
                "when FreshBooks rejects it",
                new.expires_at.isoformat(),
                self._margin,
            )
        logger.debug("access token refreshed (expires %s)", new.expires_at.isoformat())
        return new

    async def _refresh_shared(self, store: AsyncTokenStore, key: str, seen: Token) -> Token | None:
        """Refresh under the store's lock; ``None`` when a token rotated elsewhere was reloaded.

        Runs with this source's lock held (one caller per process reaches the store).
        """
        from freshbooks_sdk.stores import StoreUnavailableError

        lease = await store.lock(key)
        unsaved: tuple[Exception, Exception] | None = None
        try:
            stored = lease.token
            if stored is None:
                raise ReauthorizationRequiredError(
                    f"no token stored for {key!r} any more (the connection was removed): "
                    "authorize this connection again"
                )
            dead = getattr(lease, "dead", None)
            if isinstance(dead, str):
                raise ReauthorizationRequiredError(
                    f"the grant of {key!r} was refused by FreshBooks ({dead}): "
                    "authorize this connection again"
                )
            if self._dead is not None and stored.refresh_token == seen.refresh_token:
                # Refused before and nothing new saved (a store without dead marks).
                raise ReauthorizationRequiredError(self._dead.message, errors=self._dead.errors)
            current = seen
            if stored.refresh_token != seen.refresh_token:
                # Another process refreshed since this one loaded the token: use theirs.
                self.reloads += 1
                logger.debug(
                    "the token of %r was rotated by another process: reloaded (expires %s)",
                    key,
                    stored.expires_at.isoformat(),
                )
                if not stored.expired(self._clock(), self._margin):
                    self._token = stored
                    return None
                current = stored  # reloaded but already due: refresh it, we hold the lock
            logger.debug(
                "refreshing the access token of %r (expires %s)",
                key,
                current.expires_at.isoformat(),
            )
            try:
                new = await self._oauth.refresh(current)
            except ReauthorizationRequiredError as exc:
                await self._mark_dead(lease, key, exc)
                raise
            try:
                await lease.commit(new)  # committed before anything uses it
            except Exception as fault:
                # The old refresh token is spent: losing the new one would lose the grant.
                # The lock's session failed; store the token through a fresh one instead, but
                # only where the row still holds the token refreshed (compare-and-swap).
                logger.warning("storing the refreshed token of %r under the lock failed", key)
                try:
                    saved = await _replace(store, key, current, new)
                except Exception as again:
                    unsaved = (fault, again)
                    saved = True  # kept in memory below, once the lock is released
                if not saved:
                    if await store.load(key) is None:
                        raise ReauthorizationRequiredError(
                            f"the connection {key!r} was removed while its token was refreshed:"
                            " authorize it again"
                        ) from None
                    raise StoreUnavailableError(
                        f"the token of {key!r} was replaced while it was refreshed "
                        "(a re-connect): the next call uses the stored one"
                    ) from None
        finally:
            await lease.release()
        if unsaved is not None:
            return await self._hold_unsaved(key, new, current, *unsaved)
        await _deliver(self._on_refresh, new)
        return new

    async def _hold_unsaved(
        self, key: str, new: Token, replaces: Token, fault: Exception, again: Exception
    ) -> Token:
        """The store took neither the commit nor the fallback save: keep ``new`` in memory."""
        self._unsaved = (new, replaces)
        self._unsaved_delay = UNSAVED_RETRY_FIRST
        self._unsaved_retry_at = self._clock().timestamp()  # a blip: try again on the next call
        logger.error(
            "the refreshed token of %r (%s) could not be stored (%s; then %s): it is kept in "
            "memory, used, and handed to on_refresh; storing it is retried before any other "
            "refresh. Other processes cannot use this connection until it is stored.",
            key,
            fingerprint(new.refresh_token),
            fault,
            again,
        )
        try:
            await _deliver(self._on_refresh, new)
        except Exception:
            logger.exception("on_refresh failed for the unsaved token of %r", key)
        return new

    async def _save_unsaved(self) -> None:
        """Store the unsaved token under the store's lock (compare-and-swap by hand), or raise
        ``StoreUnavailableError`` and back off. A re-connect saved meanwhile wins."""
        from freshbooks_sdk.stores import StoreUnavailableError

        pending, store, key = self._unsaved, self._store, self._key
        if pending is None or store is None or key is None:
            return
        new, replaces = pending
        try:
            lease = await store.lock(key)
            try:
                stored = lease.token
                if stored is None:
                    self._unsaved = None
                    raise ReauthorizationRequiredError(
                        f"the connection {key!r} was removed while its refreshed token was "
                        "waiting to be stored: authorize it again"
                    )
                if stored.refresh_token == replaces.refresh_token:
                    await lease.commit(new)
                elif stored.refresh_token != new.refresh_token:
                    self._token = stored  # a re-connect saved a new grant: it wins
                    logger.warning("the token of %r was re-connected: the unsaved one dropped", key)
            finally:
                await lease.release()
        except ReauthorizationRequiredError:
            raise
        except Exception as exc:
            self._unsaved_retry_at = self._clock().timestamp() + self._unsaved_delay
            self._unsaved_delay = min(self._unsaved_delay * 2, UNSAVED_RETRY_MAX)
            if isinstance(exc, StoreUnavailableError):
                raise
            raise StoreUnavailableError(
                f"cannot store the refreshed token of {key!r}: {type(exc).__name__}: {exc}"
            ) from exc
        self._unsaved = None
        logger.warning("the refreshed token of %r is stored now", key)

    async def _mark_dead(self, lease: object, key: str, exc: ReauthorizationRequiredError) -> None:
        """Record in the store that FreshBooks refused the stored grant (when it can)."""
        from freshbooks_sdk.stores import StoreUnavailableError

        mark: Any = getattr(lease, "mark_dead", None)
        if not callable(mark):
            return
        try:
            await mark(exc.message or "refresh refused")
        except StoreUnavailableError as fault:
            logger.warning("could not mark the grant of %r dead in the store: %s", key, fault)
