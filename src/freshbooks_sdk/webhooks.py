"""Receiving FreshBooks webhooks: the verification handshake and signed event deliveries.

FreshBooks POSTs form-encoded bodies to a registered callback ``uri`` (API notes §8):

* right after ``fb.callbacks.create(...)``, a **verification**: ``verifier=<code>&object_id=<id>``;
  the callback stays inactive until ``fb.callbacks.verify(object_id, verifier)`` sends it back.
  Store the verifier: it is also the HMAC secret of every later delivery;
* then **events**: ``name=invoice.create&object_id=...&account_id=...&business_id=...
  &identity_id=...&user_id=...``, signed in the ``X-FreshBooks-Hmac-SHA256`` header with
  ``base64(HMAC-SHA256(key=verifier, msg=json.dumps(<the form fields>)))`` (Python's default
  ``json.dumps`` separators, every value a string).

:func:`verify_event` **fails closed**: a missing or malformed signature, an empty verifier, a
body that is not the expected form, a body too large, or a signature that does not match
raises :class:`WebhookVerificationError` (answer 401/400 and drop the request). Events carry ids
only, and delivery is neither ordered nor guaranteed: use a verified event as a *hint* (see
:meth:`freshbooks_sdk.webhooks.PollHint`) and let the poller stay the source of truth.

>>> body = b"name=invoice.create&object_id=7&account_id=ACM123&business_id=1&identity_id=2&user_id=1"
>>> sig = sign(body, "s3cret")
>>> event = verify_event(body, sig, "s3cret")
>>> event.name, event.object_id, event.account_id
('invoice.create', 7, 'ACM123')
>>> verify_event(body, sig, "other")
Traceback (most recent call last):
...
freshbooks_sdk.webhooks.WebhookVerificationError: the X-FreshBooks-Hmac-SHA256 signature does not match
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

import attrs

from freshbooks_sdk._core.inputs import describe, invalid
from freshbooks_sdk.errors import FreshBooksError

__all__ = [
    "MAX_BODY_BYTES",
    "SIGNATURE_HEADER",
    "PollHint",
    "VerificationRequest",
    "WebhookEvent",
    "WebhookVerificationError",
    "parse_verification",
    "sign",
    "signature_message",
    "verify_event",
]

SIGNATURE_HEADER = "X-FreshBooks-Hmac-SHA256"
MAX_BODY_BYTES = 16 * 1024
"""Webhook bodies are a handful of ids: anything larger is refused unread."""

_EVENT_NAME = re.compile(r"^[a-z_]{1,40}(\.[A-Za-z]{1,40})?$")
_ACCOUNT_ID = re.compile(r"^[A-Za-z0-9]{1,32}$")
_MAX_FIELDS = 32
_ID = re.compile(r"^[0-9]{1,19}$")
_MAX_ID = 2**63 - 1
_EVENT_FIELDS = ("name", "object_id", "account_id", "business_id", "identity_id", "user_id")


class WebhookVerificationError(FreshBooksError):
    """A webhook request that must not be trusted (bad or missing signature, malformed body)."""


@attrs.frozen
class WebhookEvent:
    """A verified FreshBooks event: what changed (``name``, ``object_id``) and where.

    ``resource`` and ``action`` split the name: ``"invoice.create"`` -> ``"invoice"``,
    ``"create"``. The payload holds ids only; fetch the object to see it.
    """

    name: str
    object_id: int
    account_id: str | None
    business_id: int | None
    identity_id: int | None
    user_id: int | None
    fields: Mapping[str, str] = attrs.field(factory=dict, repr=False)

    @property
    def resource(self) -> str:
        """The object the event is about: ``"invoice"`` for ``"invoice.create"``."""
        return self.name.partition(".")[0]

    @property
    def action(self) -> str | None:
        """``"create"``, ``"update"``, ``"delete"`` (or ``"sendByEmail"``); None for a bare name."""
        return self.name.partition(".")[2] or None


@attrs.frozen
class VerificationRequest:
    """FreshBooks' first POST to a new callback: send ``verifier`` back for ``callback_id``.

    ``fb.callbacks.verify(req.callback_id, req.verifier)``; keep ``verifier`` as the secret.
    """

    callback_id: int
    verifier: str = attrs.field(repr=False)


def _form(body: bytes) -> list[tuple[str, str]]:
    if not isinstance(body, (bytes, bytearray)):
        raise WebhookVerificationError(f"the body must be bytes, got {type(body).__name__}")
    if len(body) > MAX_BODY_BYTES:
        raise WebhookVerificationError(
            f"the body is {len(body)} bytes, more than a webhook carries ({MAX_BODY_BYTES})"
        )
    try:
        text = bytes(body).decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True, max_num_fields=32)
    except (UnicodeDecodeError, ValueError):
        raise WebhookVerificationError("the body is not a form-encoded webhook") from None
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise WebhookVerificationError("the body repeats a field")
    return pairs


def signature_message(fields: list[tuple[str, str]] | Mapping[str, str]) -> bytes:
    """The exact bytes FreshBooks signs: Python ``json.dumps`` of the fields, in order."""
    items = _str_pairs(fields)
    return json.dumps(dict(items)).encode()


def _str_pairs(fields: object) -> list[tuple[str, str]]:
    """``fields`` as (str, str) pairs (a form's fields), or a typed error naming ``fields``."""
    if isinstance(fields, Mapping):
        items = list(fields.items())
    elif isinstance(fields, (list, tuple)):
        items = list(fields)
    else:
        raise invalid("fields", f"must be a mapping or a list of pairs, got {describe(fields)}")
    for item in items[: _MAX_FIELDS + 1]:
        if not (isinstance(item, tuple) and len(item) == 2 and all(type(x) is str for x in item)):
            raise invalid("fields", f"must pair str names with str values, got {describe(item)}")
    if len(items) > _MAX_FIELDS:
        raise invalid("fields", f"has more than {_MAX_FIELDS} fields (a webhook has a handful)")
    return items


def sign(body: bytes, verifier: str) -> str:
    """The ``X-FreshBooks-Hmac-SHA256`` value for a form body (what the sandbox sends)."""
    key = _key(verifier)
    digest = hmac.new(key, signature_message(_form(body)), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _key(verifier: object) -> bytes:
    if not isinstance(verifier, str) or not verifier.strip():
        raise WebhookVerificationError("no verifier: cannot check the signature (fail closed)")
    try:
        return verifier.encode()
    except UnicodeEncodeError:  # a lone surrogate: no verifier FreshBooks issued
        raise WebhookVerificationError(
            "the verifier is not valid Unicode text: cannot check the signature (fail closed)"
        ) from None


def _check_account(account_id: object) -> None:
    if account_id is not None and (
        not isinstance(account_id, str) or not _ACCOUNT_ID.fullmatch(account_id)
    ):
        raise invalid("account_id", f"must be a FreshBooks account id, got {describe(account_id)}")


def _int(fields: Mapping[str, str], name: str, *, required: bool = False) -> int | None:
    raw = fields.get(name)
    if raw is None or raw == "":
        if required:
            raise WebhookVerificationError(f"the event has no {name}")
        return None
    # ASCII digits only (str.isdigit() takes '²' and '٣'), and a signed 64-bit id at most.
    if not _ID.fullmatch(raw) or int(raw) > _MAX_ID:
        raise WebhookVerificationError(f"the event's {name} is not an id: {raw[:40]!r}")
    return int(raw)


def verify_event(
    body: bytes, signature: str | None, verifier: str, *, account_id: str | None = None
) -> WebhookEvent:
    """Check a delivery's signature over the raw body, then read the event. Fails closed.

    ``signature`` is the ``X-FreshBooks-Hmac-SHA256`` header; ``verifier`` the callback's
    secret. The HMAC is compared in constant time over the fields in the order received, and
    then in sorted order (the docs do not pin the order). With ``account_id`` an event for
    another business is refused too.
    """
    key = _key(verifier)
    _check_account(account_id)
    if not isinstance(signature, str) or not signature.strip():
        raise WebhookVerificationError(f"the {SIGNATURE_HEADER} header is missing")
    try:
        given = base64.b64decode(signature.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise WebhookVerificationError(f"the {SIGNATURE_HEADER} header is not base64") from None
    if len(given) != hashlib.sha256().digest_size:
        raise WebhookVerificationError(f"the {SIGNATURE_HEADER} header is not an HMAC-SHA256")
    pairs = _form(body)
    candidates = [pairs, sorted(pairs)]
    matched = False
    for candidate in candidates:
        expected = hmac.new(key, signature_message(candidate), hashlib.sha256).digest()
        matched = hmac.compare_digest(expected, given) or matched
    if not matched:
        raise WebhookVerificationError("the X-FreshBooks-Hmac-SHA256 signature does not match")
    fields = dict(pairs)
    name = fields.get("name", "")
    if not _EVENT_NAME.fullmatch(name):
        raise WebhookVerificationError(f"the event name {name[:60]!r} is not a FreshBooks event")
    event_account = fields.get("account_id") or None
    if event_account is not None and not _ACCOUNT_ID.fullmatch(event_account):
        raise WebhookVerificationError("the event's account_id is malformed")
    if account_id is not None and event_account != account_id:
        raise WebhookVerificationError(
            f"the event is for account {event_account!r}, not {account_id!r}"
        )
    object_id = _int(fields, "object_id", required=True)
    assert object_id is not None  # required above
    return WebhookEvent(
        name=name,
        object_id=object_id,
        account_id=event_account,
        business_id=_int(fields, "business_id"),
        identity_id=_int(fields, "identity_id"),
        user_id=_int(fields, "user_id"),
        fields=fields,
    )


def parse_verification(body: bytes) -> VerificationRequest | None:
    """The handshake POST (``verifier`` + ``object_id``), or ``None`` for any other body.

    The handshake is unsigned (it carries the secret itself): only trust it for a callback you
    just registered, and confirm it with ``fb.callbacks.verify(...)``, which FreshBooks checks.
    """
    try:
        fields = dict(_form(body))
    except WebhookVerificationError:
        return None
    verifier = fields.get("verifier")
    if not verifier or "name" in fields:
        return None
    try:
        callback_id = _int(fields, "object_id", required=True)
    except WebhookVerificationError:
        return None
    assert callback_id is not None
    return VerificationRequest(callback_id=callback_id, verifier=verifier)


class PollHint:
    """Turns verified events into "poll now" hints for pollers, keeping polling the truth.

    ``hint.attach(poller, "invoice")`` registers a poller (sync or async) for a resource; then
    ``hint.deliver(body, signature)`` verifies a delivery (fail closed) and, for an event of
    that resource, wakes the poller so its **next cycle runs now** instead of after
    ``interval``. The cycle is the poller's own: same cursor, same dedupe, so an item seen by
    the hint cycle is never handed over twice, and events that never arrive are still caught
    by the regular cycles.

        hint = PollHint(verifier=stored_verifier, account_id="ACM123")
        poller = fb.invoices.poll()
        hint.attach(poller, "invoice")
        # in the webhook HTTP handler (any thread):
        event = hint.deliver(request.body, request.headers.get("X-FreshBooks-Hmac-SHA256"))
    """

    def __init__(self, verifier: str, *, account_id: str | None = None) -> None:
        _key(verifier)
        _check_account(account_id)
        self._verifier = verifier
        self._account_id = account_id
        self._wakers: dict[str, list[Callable[[], None]]] = {}
        self.delivered = 0
        """Verified events that woke at least one poller."""

    def attach(self, poller: Any, resource: str) -> None:
        """Wake ``poller`` (anything with ``wake()``) on events of ``resource`` (``"invoice"``)."""
        if not isinstance(resource, str) or not _EVENT_NAME.fullmatch(resource) or "." in resource:
            raise invalid(
                "resource", f"must be an event object such as 'invoice', not {describe(resource)}"
            )
        wake = getattr(poller, "wake", None)
        if not callable(wake):
            raise invalid("poller", f"has no wake() method ({describe(poller)})")
        self._wakers.setdefault(resource, []).append(wake)

    def deliver(self, body: bytes, signature: str | None) -> WebhookEvent:
        """Verify a delivery and wake the pollers attached to its resource; return the event."""
        event = verify_event(body, signature, self._verifier, account_id=self._account_id)
        wakers = self._wakers.get(event.resource, [])
        for wake in wakers:
            wake()
        if wakers:
            self.delivered += 1
        return event
