"""``fb.callbacks``: webhook registrations (``/events/account/{account_id}/events/callbacks``).

The handshake, step by step (see :mod:`freshbooks_sdk.webhooks` for the receiving side)::

    cb = fb.callbacks.create(event="invoice", uri="https://hooks.example.com/freshbooks")
    # FreshBooks POSTs verifier=...&object_id=<cb.callbackid> to the uri; your handler does:
    req = freshbooks_sdk.webhooks.parse_verification(body)
    fb.callbacks.verify(req.callback_id, req.verifier)       # now cb is active
    # later deliveries: freshbooks_sdk.webhooks.verify_event(body, signature, req.verifier)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from freshbooks_sdk._async.pagination import AsyncPaginator
from freshbooks_sdk._async.resources._base import AsyncResource
from freshbooks_sdk._core.accounting_inputs import check_callback_uri, check_event, check_verifier
from freshbooks_sdk._core.envelope import RequestSpec, listing, single
from freshbooks_sdk._core.input_types import CallbackEvent
from freshbooks_sdk._core.pages import DEFAULT_PER_PAGE
from freshbooks_sdk._core.query import accounting_path, check_resource_id

if TYPE_CHECKING:
    from freshbooks_sdk.models import Callback


class AsyncCallbacksResource(AsyncResource["Callback"]):
    """Webhook callbacks: list, get, create, verify, resend the verification, delete."""

    path = "events/callbacks"
    single_key = "callback"
    _single = single("CallbackResponse", "callback")
    _listing = listing("CallbackListResponse", "callbacks")

    def _url(self, resource_id: int | None = None) -> str:
        # Same account check as accounting paths, under /events/account/{account_id}/events/.
        accounting = accounting_path(self._client.account_id, self.path, resource_id)
        return "/events/account/" + accounting.removeprefix("/accounting/account/")

    def list(
        self,
        *,
        event: CallbackEvent | None = None,
        per_page: int = DEFAULT_PER_PAGE,
        max_items: int | None = None,
    ) -> AsyncPaginator[Callback]:
        """Callbacks, lazily; ``event`` (``search[event]``) matches the event and its parent."""
        search = {"event": None if event is None else check_event(event)}
        return self._paginate(search, per_page=per_page, max_items=max_items)

    async def get(self, callback_id: int) -> Callback:
        """One callback by ``callbackid``."""
        return await self._fetch(check_resource_id(callback_id, field="callback_id"))

    async def create(self, *, event: CallbackEvent, uri: str) -> Callback:
        """Register ``uri`` for ``event`` (``"invoice"`` or ``"invoice.create"``). FreshBooks
        POSTs a verifier to ``uri`` at once; the callback is inactive until :meth:`verify`."""
        return await self._post({"event": check_event(event), "uri": check_callback_uri(uri)})

    async def verify(self, callback_id: int, verifier: str) -> Callback:
        """Send back the verifier FreshBooks POSTed to the uri; the callback becomes active."""
        cid = check_resource_id(callback_id, field="callback_id")
        return await self._put(cid, {"verifier": check_verifier(verifier)})

    async def resend_verification(self, callback_id: int) -> Callback:
        """Ask FreshBooks to POST the verifier to the uri again."""
        cid = check_resource_id(callback_id, field="callback_id")
        return await self._put(cid, {"resend": True}, idempotent=False)

    async def delete(self, callback_id: int) -> None:
        """Remove a callback (FreshBooks answers 204)."""
        cid = check_resource_id(callback_id, field="callback_id")
        await self._core.send(RequestSpec("DELETE", self._url(cid)))
