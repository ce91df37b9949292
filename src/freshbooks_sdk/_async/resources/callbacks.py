"""``fb.callbacks``: webhook registrations (``/events/account/{account_id}/events/callbacks``).

The handshake, step by step (see :mod:`freshbooks_sdk.webhooks` for the receiving side)::

    cb = fb.callbacks.create(event="invoice", uri="https://hooks.example.com/freshbooks")
    # FreshBooks POSTs verifier=...&object_id=<cb.callbackid> to the uri; your handler does:
    req = freshbooks_sdk.webhooks.parse_verification(body)
    fb.callbacks.verify(req.callback_id, req.verifier)       # now cb is active
    # later deliveries: freshbooks_sdk.webhooks.verify_event(body, signature, req.verifier)
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from freshbooks_sdk._async.pagination import AsyncPaginator
from freshbooks_sdk._async.resources._base import AsyncResource
from freshbooks_sdk._async.streaming import wrap_raw, wrap_raw_page
from freshbooks_sdk._core.accounting_inputs import check_callback_uri, check_event, check_verifier
from freshbooks_sdk._core.envelope import RequestSpec, listing, single
from freshbooks_sdk._core.input_types import CallbackEvent
from freshbooks_sdk._core.options import check_call_options
from freshbooks_sdk._core.pages import DEFAULT_PER_PAGE
from freshbooks_sdk._core.query import accounting_path, check_resource_id

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from freshbooks_sdk._core.options import CallOptions
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
        **options: Unpack[CallOptions],
    ) -> AsyncPaginator[Callback]:
        """Callbacks, lazily; ``event`` (``search[event]``) matches the event and its parent."""
        search = {"event": None if event is None else check_event(event)}
        return self._paginate(search, per_page=per_page, max_items=max_items, options=options)

    async def get(self, callback_id: int, **options: Unpack[CallOptions]) -> Callback:
        """One callback by ``callbackid``."""
        return await self._fetch(
            check_resource_id(callback_id, field="callback_id"), options=options
        )

    async def create(
        self, *, event: CallbackEvent, uri: str, **options: Unpack[CallOptions]
    ) -> Callback:
        """Register ``uri`` for ``event`` (``"invoice"`` or ``"invoice.create"``). FreshBooks
        POSTs a verifier to ``uri`` at once; the callback is inactive until :meth:`verify`."""
        return await self._post(
            {"event": check_event(event), "uri": check_callback_uri(uri)}, options=options
        )

    async def verify(
        self, callback_id: int, verifier: str, **options: Unpack[CallOptions]
    ) -> Callback:
        """Send back the verifier FreshBooks POSTed to the uri; the callback becomes active."""
        cid = check_resource_id(callback_id, field="callback_id")
        return await self._put(cid, {"verifier": check_verifier(verifier)}, options=options)

    async def resend_verification(
        self, callback_id: int, **options: Unpack[CallOptions]
    ) -> Callback:
        """Ask FreshBooks to POST the verifier to the uri again."""
        cid = check_resource_id(callback_id, field="callback_id")
        return await self._put(cid, {"resend": True}, idempotent=False, options=options)

    async def delete(self, callback_id: int, **options: Unpack[CallOptions]) -> None:
        """Remove a callback (FreshBooks answers 204)."""
        cid = check_resource_id(callback_id, field="callback_id")
        opts = check_call_options(options)
        await self._core.send(RequestSpec("DELETE", self._url(cid)).with_options(opts))

    @cached_property
    def with_raw_response(self) -> AsyncCallbacksWithRawResponse:
        """These methods returning a :class:`~freshbooks_sdk.responses.RawResponse` (status,
        headers, request id, retries, ``parse()``) instead of the plain value; a listing gives
        its first page's.

            raw = await afb.callbacks.with_raw_response.list(...)
        """
        return AsyncCallbacksWithRawResponse(self)


class AsyncCallbacksWithRawResponse:
    """``fb.callbacks.with_raw_response``: the same methods, returning raw responses."""

    def __init__(self, resource: AsyncCallbacksResource) -> None:
        self.list = wrap_raw_page(resource.list)
        self.get = wrap_raw(resource.get)
        self.create = wrap_raw(resource.create)
        self.verify = wrap_raw(resource.verify)
        self.resend_verification = wrap_raw(resource.resend_verification)
        self.delete = wrap_raw(resource.delete)
