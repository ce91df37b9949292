"""Client settings from environment variables (pure: the environment is passed in).

An argument given to ``FreshBooks(...)`` / ``AsyncFreshBooks(...)`` always wins; an argument left
out (``None``) is read from the environment; what is in neither gets the built-in default:

| variable | argument | read when |
|---|---|---|
| ``FRESHBOOKS_ACCESS_TOKEN`` | ``access_token`` | neither it nor ``token_source`` is given |
| ``FRESHBOOKS_ACCOUNT_ID`` | ``account_id`` | it is not given |
| ``FRESHBOOKS_BASE_URL`` | ``base_url`` | it is not given (else ``https://api.freshbooks.com``) |

An empty (or blank) variable counts as unset. Values read from the environment go through the
same checks as arguments, and an error names the variable:

>>> s = resolve_client_env(None, False, None, None, {"FRESHBOOKS_ACCOUNT_ID": " ABC123 "})
>>> s.account_id, s.account_id_source, s.base_url
('ABC123', 'FRESHBOOKS_ACCOUNT_ID', 'https://api.freshbooks.com')
>>> resolve_client_env("explicit", False, "XYZ9", None, {"FRESHBOOKS_ACCESS_TOKEN": "env"}).access_token
'explicit'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from freshbooks_sdk._core.query import check_account_id
from freshbooks_sdk._core.transport import DEFAULT_BASE_URL
from freshbooks_sdk.errors import InvalidRequestError

__all__ = [
    "ENV_ACCESS_TOKEN",
    "ENV_ACCOUNT_ID",
    "ENV_BASE_URL",
    "ClientEnv",
    "resolve_client_env",
]

ENV_ACCESS_TOKEN = "FRESHBOOKS_ACCESS_TOKEN"
ENV_ACCOUNT_ID = "FRESHBOOKS_ACCOUNT_ID"
ENV_BASE_URL = "FRESHBOOKS_BASE_URL"


class ClientEnv(NamedTuple):
    """The settings a client uses, and where each came from (the argument's or variable's name)."""

    access_token: str | None
    account_id: str | None
    base_url: str
    access_token_source: str
    account_id_source: str
    base_url_source: str


def _env(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name)
    if value is None or not value.strip():
        return None
    return value.strip()


def _blame(variable: str, problem: str, value: str) -> InvalidRequestError:
    return InvalidRequestError(
        f"the environment variable {variable} is not usable ({problem}); got {value!r}",
        field=variable,
        value=value,
    )


def resolve_client_env(
    access_token: str | None,
    has_token_source: bool,
    account_id: str | None,
    base_url: str | None,
    environ: Mapping[str, str],
) -> ClientEnv:
    """Fill the arguments left as ``None`` from ``environ`` (see the module docstring).

    The token variable is not read when a ``token_source`` is given: the source supplies tokens.
    A value read from a variable that cannot be used raises ``InvalidRequestError`` whose
    ``field`` is the variable's name.

    >>> resolve_client_env(None, False, None, None, {"FRESHBOOKS_BASE_URL": "localhost:8765"})
    Traceback (most recent call last):
    ...
    freshbooks_sdk.errors.InvalidRequestError: the environment variable FRESHBOOKS_BASE_URL is not usable (must start with http:// or https://); got 'localhost:8765'
    """
    token_from = "access_token"
    if access_token is None and not has_token_source:
        access_token = _env(environ, ENV_ACCESS_TOKEN)
        if access_token is not None:
            token_from = ENV_ACCESS_TOKEN
    account_from = "account_id"
    if account_id is None:
        account_id = _env(environ, ENV_ACCOUNT_ID)
        if account_id is not None:
            account_from = ENV_ACCOUNT_ID
            try:
                check_account_id(account_id)
            except InvalidRequestError as exc:
                raise _blame(ENV_ACCOUNT_ID, exc.message, account_id) from None
    url_from = "base_url"
    if base_url is None:
        base_url = _env(environ, ENV_BASE_URL)
        if base_url is not None:
            url_from = ENV_BASE_URL
            if not base_url.startswith(("http://", "https://")):
                raise _blame(ENV_BASE_URL, "must start with http:// or https://", base_url)
        else:
            base_url = DEFAULT_BASE_URL
    return ClientEnv(access_token, account_id, base_url, token_from, account_from, url_from)
