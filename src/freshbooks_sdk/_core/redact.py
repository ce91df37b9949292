"""Secrets taken out of the requests and responses that errors keep (pure).

An error carries the request it is about (``exc.request``, ``exc.response.request``) so that it
can be logged, shown and sent across a process boundary (a task queue pickles it). None of that
may carry a credential: the ``Authorization`` header becomes ``Bearer [REDACTED]``, and the
values of OAuth fields (``client_secret``, ``code``, ``refresh_token``, ...) in a JSON or form
body or in the query string become ``[REDACTED]``.

>>> import httpx
>>> req = httpx.Request("POST", "https://api.freshbooks.com/auth/oauth/token",
...                     headers={"Authorization": "Bearer s3cret"},
...                     json={"grant_type": "refresh_token", "refresh_token": "r3fresh"})
>>> clean = redact_request(req)
>>> clean.headers["authorization"], b"r3fresh" in clean.content, b"grant_type" in clean.content
('Bearer [REDACTED]', False, True)
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from typing import Any, overload
from urllib.parse import parse_qsl, quote, quote_plus, urlencode

import httpx

REDACTED = "[REDACTED]"

SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
)
"""Headers whose value is a credential (compared lower-case)."""

SECRET_FIELDS = frozenset(
    {
        "access_token",
        "refresh_token",
        "id_token",
        "token",
        "client_secret",
        "code",
        "code_verifier",
        "password",
        "secret",
        "assertion",
    }
)
"""Body and query keys whose value is a secret (exact, lower-case names: ``currency_code`` is
not one)."""

MIN_SECRET_LEN = 8
"""Values shorter than this are not looked for by :func:`redact_secrets`: every credential
FreshBooks issues is far longer, and a one-letter "secret" (a test's ``"t"``) would cut every
word of the body apart while protecting nothing."""

_HOP_HEADERS = (b"content-encoding", b"content-length", b"transfer-encoding")


def _redact_header(name: bytes, value: bytes) -> bytes:
    if name.decode("latin-1").lower() not in SENSITIVE_HEADERS:
        return value
    scheme, sep, _ = value.partition(b" ")
    if sep and scheme.isalpha() and len(scheme) <= 16:
        return scheme + b" " + REDACTED.encode()  # keep "Bearer"/"Basic": it says nothing
    return REDACTED.encode()


def redact_headers(headers: httpx.Headers) -> list[tuple[bytes, bytes]]:
    """The headers as raw pairs (bytes, as received), credential values replaced."""
    return [(name, _redact_header(name, value)) for name, value in headers.raw]


def _redact_tree(node: Any, depth: int = 0) -> Any:
    if depth > 64:  # a body this deep is not an OAuth form: drop what is below
        return REDACTED
    if isinstance(node, dict):
        return {
            key: (
                REDACTED
                if isinstance(key, str) and key.lower() in SECRET_FIELDS
                else _redact_tree(value, depth + 1)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_redact_tree(value, depth + 1) for value in node]
    return node


def redact_body(content: bytes, content_type: str = "") -> bytes:
    """``content`` with the values of :data:`SECRET_FIELDS` replaced (JSON or form bodies).

    A body that holds no secret field is returned unchanged (the same bytes); one that cannot be
    read as JSON or as a form is returned unchanged too.

    >>> redact_body(b"client_secret=abc&grant_type=authorization_code",
    ...             "application/x-www-form-urlencoded")
    b'client_secret=%5BREDACTED%5D&grant_type=authorization_code'
    """
    if not content:
        return content
    lowered = content.lower()
    if not any(name.encode() in lowered for name in SECRET_FIELDS):
        return content
    if "x-www-form-urlencoded" in content_type.lower():
        try:
            pairs = parse_qsl(content.decode("ascii"), keep_blank_values=True)
        except (UnicodeDecodeError, ValueError):
            return REDACTED.encode()
        return urlencode(
            [(k, REDACTED if k.lower() in SECRET_FIELDS else v) for k, v in pairs]
        ).encode()
    try:
        payload = json.loads(content)
    except (ValueError, RecursionError):
        return REDACTED.encode()  # names a secret field but cannot be read: keep nothing
    clean = _redact_tree(payload)
    if clean == payload:  # "currency_code" matched the cheap scan, but nothing is secret
        return content
    return json.dumps(clean, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "replace")


def redact_url(url: httpx.URL) -> httpx.URL:
    """``url`` with secret query parameters (``?code=...``) replaced."""
    if not url.query:
        return url
    pairs = list(url.params.multi_items())
    if not any(key.lower() in SECRET_FIELDS for key, _ in pairs):
        return url
    clean = [(key, REDACTED if key.lower() in SECRET_FIELDS else value) for key, value in pairs]
    return url.copy_with(query=urlencode(clean).encode("ascii"))


def _content_of(message: httpx.Request | httpx.Response) -> bytes:
    try:
        return message.content
    except (httpx.RequestNotRead, httpx.ResponseNotRead):
        return b""  # a stream never read: nothing of it is kept


@overload
def redact_request(request: httpx.Request) -> httpx.Request: ...
@overload
def redact_request(request: None) -> None: ...
def redact_request(request: httpx.Request | None) -> httpx.Request | None:
    """A copy of ``request`` that holds no credential (headers, body, query)."""
    if not isinstance(request, httpx.Request) or getattr(request, "_fb_redacted", False):
        return request
    content = redact_body(_content_of(request), request.headers.get("content-type", ""))
    headers = [
        (name, value)
        for name, value in redact_headers(request.headers)
        if name.lower() != b"content-length"
    ]
    clean = httpx.Request(
        request.method,
        redact_url(request.url),
        headers=headers,
        content=content,
    )
    clean._fb_redacted = True  # type: ignore[attr-defined]  # a marker only: already clean
    return clean


@overload
def redact_response(
    response: httpx.Response, *, secrets: Iterable[str | None] = ()
) -> httpx.Response: ...
@overload
def redact_response(response: None, *, secrets: Iterable[str | None] = ()) -> None: ...
def redact_response(
    response: httpx.Response | None, *, secrets: Iterable[str | None] = ()
) -> httpx.Response | None:
    """A copy of ``response`` (status, headers, decoded body) whose request holds no credential.

    The copy is read in full (it pickles); ``Content-Encoding`` is dropped since its body is the
    decoded one. ``secrets`` (what the request sent, e.g. the bearer token) are taken out of the
    body and header values too, wherever the server quoted them (:func:`redact_secrets`).
    """
    if not isinstance(response, httpx.Response) or getattr(response, "_fb_redacted", False):
        return response
    try:
        request: httpx.Request | None = response.request
    except RuntimeError:  # a response built without a request
        request = None
    secrets = tuple(secrets)
    headers = [
        (name, redact_secrets(value, secrets))
        for name, value in redact_headers(response.headers)
        if name.lower() not in _HOP_HEADERS
    ]
    clean = httpx.Response(
        response.status_code,
        headers=headers,
        content=redact_secrets(_content_of(response), secrets),
        request=redact_request(request),
        extensions={
            key: value
            for key, value in response.extensions.items()
            if key in ("http_version", "reason_phrase")
        },
    )
    clean._fb_redacted = True  # type: ignore[attr-defined]  # a marker only: already clean
    return clean


def _secret_forms(secret: str) -> set[bytes]:
    """The ways a server may quote ``secret`` back: as sent, URL- or HTML-encoded, and each of
    those JSON-escaped (a JSON body quoting an encoded value)."""
    base = {secret, html.escape(secret), html.escape(secret, quote=False)}
    base |= {quote(secret, safe=""), quote(secret), quote_plus(secret, safe="")}
    forms = set(base)
    for _ in range(2):  # a JSON body may quote a JSON-escaped value: escaped twice
        for form in tuple(forms):
            for escaped in (json.dumps(form)[1:-1], json.dumps(form, ensure_ascii=False)[1:-1]):
                forms |= {escaped, escaped.replace("/", "\\/")}  # JSON may escape "/" too
    return {form.encode("utf-8", "surrogatepass") for form in forms if form}


def redact_secrets(content: bytes, secrets: Iterable[str | None]) -> bytes:
    """``content`` with every one of ``secrets`` replaced by ``[REDACTED]``.

    For the bodies a server answers with: one that quotes back what it was sent (the refresh
    token, the client secret, the bearer token) must not carry it into an error. Each secret is
    found as sent, JSON-escaped, URL-encoded (``%2F`` or ``%2f``, ``+`` for a space) and
    HTML-escaped. Should a secret survive (one that is part of the ``[REDACTED]`` marker itself),
    nothing of ``content`` is kept. Values shorter than :data:`MIN_SECRET_LEN` are left alone.

    >>> redact_secrets(b'{"error": "bad token r3f/resh", "echo": "r3f%2Fresh"}', ["r3f/resh"])
    b'{"error": "bad token [REDACTED]", "echo": "[REDACTED]"}'
    """
    wanted = {s for s in secrets if isinstance(s, str) and len(s) >= MIN_SECRET_LEN}
    if not content or not wanted:
        return content
    forms = sorted(set().union(*(_secret_forms(s) for s in wanted)), key=len, reverse=True)
    pattern = re.compile(b"|".join(_form_pattern(form) for form in forms))
    clean = pattern.sub(REDACTED.encode(), content)
    if pattern.search(clean):
        return b""  # a secret the marker itself spells: keep nothing
    return clean


def _form_pattern(form: bytes) -> bytes:
    """A regex for ``form`` whose ``%XX`` escapes match in either case (``%2F``, ``%2f``)."""
    parts = re.split(rb"(%[0-9A-F]{2})", form)
    return b"".join(
        b"%[" + p[1:2] + p[1:2].lower() + b"][" + p[2:3] + p[2:3].lower() + b"]"
        if i % 2
        else re.escape(p)
        for i, p in enumerate(parts)
    )


def redact_secrets_text(text: str, secrets: Iterable[str | None]) -> str:
    """:func:`redact_secrets` for a ``str`` (a message, an excerpt).

    >>> redact_secrets_text("refused token abc123xyz", ["abc123xyz"])
    'refused token [REDACTED]'
    """
    clean = redact_secrets(text.encode("utf-8", "surrogatepass"), secrets)
    return clean.decode("utf-8", "surrogatepass")
