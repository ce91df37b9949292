"""Regressions from the second review of the hardening work (issue 10).

The hostile-server parts (a sync call held by a dripping server, OAuth secrets on errors) are in
``tests/test_hostile_server.py``'s census; the rest is here.
"""

from __future__ import annotations

import pickle

import httpx

from freshbooks_sdk._netdeadline import (
    AttemptDeadlinePassed,
    _DeadlineBackend,
    hard_deadline,
    install_deadline_backend,
)
from freshbooks_sdk.sandbox.server import SandboxServerUnavailable


def test_sandbox_server_unavailable_round_trips_through_pickle() -> None:
    error = SandboxServerUnavailable("ModuleNotFoundError: No module named 'uvicorn'")
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is SandboxServerUnavailable
    assert str(again) == str(error)
    assert again.cause == error.cause and again.name == "uvicorn"
    default = pickle.loads(pickle.dumps(SandboxServerUnavailable()))
    assert str(default) == str(SandboxServerUnavailable())


def test_deadline_backend_wraps_owned_pools_once() -> None:
    with httpx.Client() as client:
        assert install_deadline_backend(client)
        pool = client._transport._pool  # type: ignore[attr-defined]  # httpx internals
        backend = pool._network_backend
        assert isinstance(backend, _DeadlineBackend)
        assert install_deadline_backend(client)  # idempotent: not wrapped twice
        assert pool._network_backend is backend


def test_a_client_the_sdk_does_not_own_is_left_alone() -> None:
    with httpx.Client() as client:
        with hard_deadline(client, 1.0, owned=False):
            pass
        backend = client._transport._pool._network_backend  # type: ignore[attr-defined]
        assert not isinstance(backend, _DeadlineBackend)
    mock = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    assert not install_deadline_backend(mock)  # nothing to wrap: bounded by its timeouts


def test_an_expired_deadline_refuses_the_next_socket_wait() -> None:
    with httpx.Client() as client:
        with hard_deadline(client, -1.0, owned=True):
            try:
                client.get("http://127.0.0.1:9/")  # never connected: the deadline is gone
            except AttemptDeadlinePassed:
                pass
            else:
                raise AssertionError("a connect after the deadline was attempted")
        # Outside the block the same client connects (and fails) as usual.
        try:
            client.get("http://127.0.0.1:9/", timeout=0.5)
        except httpx.TransportError:
            pass
