"""``/events/account/{account_id}/events/callbacks``: webhook registrations and deliveries.

FreshBooks' way (API notes §8): a new callback is unverified and FreshBooks POSTs
``verifier=<code>&object_id=<callbackid>`` (form-encoded) to its uri; a PUT of
``{"callback": {"verifier": ...}}`` activates it, ``{"callback": {"resend": true}}`` sends the
code again, DELETE answers 204. Verified callbacks then receive every matching event as a form
POST (``name``, ``object_id``, ``account_id``, ``business_id``, ``identity_id``, ``user_id``)
signed in ``X-FreshBooks-Hmac-SHA256`` with the verifier as the HMAC key. Errors use the events
format: ``{"errno": 422, "message": ..., "details": ["event: Value error, Unrecognized event."]}``.

The sandbox queues deliveries; :meth:`Sandbox.deliver_webhooks` sends them, to loopback
addresses only (tests and local development never reach another host).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode, urlsplit

from freshbooks_sdk._core.fbtime import format_iso_z
from freshbooks_sdk.webhooks import SIGNATURE_HEADER, sign

from ..store import World
from ..validate import parse_json_body
from ..wire import JsonObj, SandboxRequest

__all__ = [
    "CallbackRecord",
    "CallbackState",
    "EventsError",
    "PendingDelivery",
    "event_scope",
    "is_loopback",
    "match_callbacks",
    "respond",
]

_ROUTE = re.compile(r"^/events/account/([^/]*)/events/callbacks(?:/([^/]+))?/*$")
_OBJECTS = (
    "bill",
    "bill_vendor",
    "category",
    "client",
    "credit_note",
    "estimate",
    "expense",
    "invoice",
    "item",
    "payment",
    "project",
    "recurring",
    "service",
    "tax",
    "time_entry",
)
_ACTIONS = ("create", "update", "delete")
_SPECIAL = ("estimate.sendByEmail", "invoice.sendByEmail")
_SCOPES = {"item": "billable_items", "service": "billable_items", "category": "expenses"}
_DEFAULT_PER_PAGE = 15


def match_callbacks(path: str) -> tuple[str, str | None] | None:
    """``(account_id, callback id or None)`` for a callbacks path, else None."""
    m = _ROUTE.match(path)
    return None if m is None else (m.group(1), m.group(2))


def known_event(name: object) -> bool:
    if not isinstance(name, str):
        return False
    obj, _, action = name.partition(".")
    return name in _SPECIAL or (obj in _OBJECTS and (not action or action in _ACTIONS))


def event_scope(name: str) -> str:
    """The read scope a callback for ``name`` needs (``invoice.create`` -> ``user:invoices:read``)."""
    obj = name.partition(".")[0]
    plural = _SCOPES.get(obj) or (obj + "s" if not obj.endswith("s") else obj)
    if obj == "tax":
        plural = "taxes"
    return f"user:{plural}:read"


def is_loopback(uri: str) -> bool:
    """True for ``http(s)://127.0.0.1``, ``[::1]`` or ``localhost`` URIs."""
    try:
        host = urlsplit(uri).hostname
    except ValueError:
        return False
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class EventsError(Exception):
    """An error answer in the events format (``errno``, ``message``, ``details``)."""

    def __init__(self, status: int, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.body: JsonObj = {"errno": status, "message": message}
        if details:
            self.body["details"] = details


def _invalid(*details: str) -> EventsError:
    return EventsError(
        422,
        "The request was well-formed but was unable to be followed due to semantic errors.",
        list(details),
    )


_NOT_FOUND = "Requested resource could not be found."


@dataclass(kw_only=True)
class CallbackRecord:
    id: int
    event: str
    uri: str
    verifier: str
    updated: datetime
    verified: bool = False


@dataclass(frozen=True)
class PendingDelivery:
    """A POST the sandbox owes a callback uri (form body, headers)."""

    callback_id: int
    uri: str
    body: bytes
    headers: tuple[tuple[str, str], ...]
    kind: str  # "verification" | the event name


@dataclass
class CallbackState:
    """Every business's callbacks and the deliveries not sent yet."""

    callbacks: dict[str, dict[int, CallbackRecord]] = field(default_factory=dict)
    pending: list[PendingDelivery] = field(default_factory=list)
    next_id: int = 80_001

    def _verification(self, rec: CallbackRecord) -> None:
        body = urlencode({"verifier": rec.verifier, "object_id": str(rec.id)}).encode()
        headers = (("content-type", "application/x-www-form-urlencoded"),)
        self.pending.append(PendingDelivery(rec.id, rec.uri, body, headers, "verification"))

    def emit(
        self,
        account_id: str,
        name: str,
        object_id: int,
        *,
        business_id: int,
        identity_id: int,
        user_id: int,
    ) -> int:
        """Queue ``name`` for every verified callback of the account that matches it."""
        queued = 0
        for rec in self.callbacks.get(account_id, {}).values():
            if not rec.verified or rec.event not in (name, name.partition(".")[0]):
                continue
            fields = {
                "name": name,
                "object_id": str(object_id),
                "account_id": account_id,
                "business_id": str(business_id),
                "identity_id": str(identity_id),
                "user_id": str(user_id),
            }
            body = urlencode(fields).encode()
            headers = (
                ("content-type", "application/x-www-form-urlencoded"),
                (SIGNATURE_HEADER, sign(body, rec.verifier)),
            )
            self.pending.append(PendingDelivery(rec.id, rec.uri, body, headers, name))
            queued += 1
        return queued


def _render(rec: CallbackRecord) -> JsonObj:
    return {
        "callbackid": rec.id,
        "event": rec.event,
        "uri": rec.uri,
        "verified": rec.verified,
        "updated_at": format_iso_z(rec.updated),
    }


def _envelope(rec: CallbackRecord) -> JsonObj:
    return {"response": {"result": {"callback": _render(rec)}}}


def _data(req: SandboxRequest) -> JsonObj:
    try:
        payload = parse_json_body(req.body)
    except Exception:
        raise EventsError(400, "The request body is not valid JSON.") from None
    data = payload.get("callback") if isinstance(payload, dict) else None
    if not isinstance(data, dict):
        raise _invalid("callback: Field required")
    return data


def _uri_ok(uri: object) -> bool:
    if not isinstance(uri, str) or len(uri) > 2048 or any(c.isspace() for c in uri):
        return False
    try:
        parts = urlsplit(uri)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def respond(
    state: CallbackState,
    world: World,
    req: SandboxRequest,
    account_id: str,
    rid: str | None,
    now: datetime,
    scopes: frozenset[str],
) -> JsonObj | None:
    """Answer an authenticated callbacks request; ``None`` means 204 (no body)."""
    records = state.callbacks.setdefault(account_id, {})
    rec: CallbackRecord | None = None
    if rid is not None:
        rec = records.get(int(rid)) if rid.isdigit() and len(rid) < 19 else None
        if rec is None:
            raise EventsError(404, _NOT_FOUND)
    if req.method == "GET" and rec is not None:
        return _envelope(rec)
    if req.method == "GET":
        params = dict(req.query)
        wanted = params.get("search[event]")
        found = [
            r
            for r in sorted(records.values(), key=lambda r: r.id)
            if wanted is None or r.event in (wanted, wanted.partition(".")[0])
        ]
        page = int(params["page"]) if params.get("page", "").isdigit() else 1
        per = params.get("per_page", "")
        size = min(int(per), 100) if per.isdigit() and int(per) > 0 else _DEFAULT_PER_PAGE
        page = max(page, 1)
        items = found[(page - 1) * size : page * size]
        return {
            "response": {
                "result": {
                    "callbacks": [_render(r) for r in items],
                    "page": page,
                    "pages": (len(found) + size - 1) // size,
                    "per_page": size,
                    "total": len(found),
                }
            }
        }
    if req.method == "POST" and rec is None:
        data = _data(req)
        problems = []
        if not known_event(data.get("event")):
            problems.append("event: Value error, Unrecognized event.")
        if not _uri_ok(data.get("uri")):
            problems.append("uri: Input should be a valid URL, relative URL without a base")
        if problems:
            raise _invalid(*problems)
        needed = event_scope(str(data["event"]))
        if needed not in scopes:
            raise EventsError(403, f"The access token lacks the {needed} scope for this event.")
        new = CallbackRecord(
            id=state.next_id,
            event=str(data["event"]),
            uri=str(data["uri"]),
            verifier=world.token(16),
            updated=now,
        )
        state.next_id += 1
        records[new.id] = new
        state._verification(new)
        return _envelope(new)
    if req.method == "PUT" and rec is not None:
        data = _data(req)
        if set(data) == {"verifier"}:
            if data["verifier"] != rec.verifier:
                raise _invalid("verifier: Value error, Invalid verifier.")
            rec.verified = True
        elif data == {"resend": True}:
            state._verification(rec)
        else:
            raise _invalid("callback: give either verifier or resend: true")
        rec.updated = now
        return _envelope(rec)
    if req.method == "DELETE" and rec is not None:
        del records[rec.id]
        return None
    raise EventsError(405, "The method is not allowed for the requested URL.")
