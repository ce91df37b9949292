"""The trigger ``freshbooks/invoice-updated``: one ``updated_since`` poller cycle per call."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal

import attrs
from pydantic import (
    BaseModel,
    Field,
)

from freshbooks_sdk._core.polling import MAX_CURSOR_JSON_LEN
from freshbooks_sdk.errors import (
    CorruptCursorError,
    InvalidRequestError,
)
from freshbooks_sdk.integration.inputs import InvoiceUpdatedInput
from freshbooks_sdk.integration.results import (
    ActionResult,
    error_from_exception,
    model_output_schema,
    to_json,
)

if TYPE_CHECKING:
    from freshbooks_sdk._async.client import AsyncFreshBooks
    from freshbooks_sdk._async.poller import AsyncPoller
    from freshbooks_sdk._sync.client import FreshBooks
    from freshbooks_sdk._sync.poller import Poller
    from freshbooks_sdk.cursors import CursorStore
    from freshbooks_sdk.models import Invoice


# ---------------------------------------------------------------------------------------------
# The trigger: freshbooks/invoice-updated, one poller cycle per call
# ---------------------------------------------------------------------------------------------


class CursorOut(BaseModel):
    """A poller cursor as JSON (keep it and pass it to the next cycle unchanged)."""

    v: int
    watermark: Annotated[str, Field(json_schema_extra={"format": "date-time"})]
    after_id: int | None
    boundary: list[tuple[int, str, str]]


class ActivationStatsOut(BaseModel):
    """Figures of the cycle (pages walked, requests made, items listed and emitted...)."""

    pages: int
    requests: int
    fetched: int
    emitted: int
    lag_seconds: float | None
    failed_cycles: int


def _activation_model() -> type[BaseModel]:
    from freshbooks_sdk.models import Invoice as InvoiceModel

    class Activation(BaseModel):
        """One activation: every invoice updated since the previous cursor (up to ``cap``),
        oldest change first, each in its latest state. ``id`` is deterministic: a cycle replayed
        from the same cursor seeing the same changes has the same id (drop duplicates by it)."""

        id: str
        key: str
        items: list[InvoiceModel]
        count: int
        deleted_ids: list[int]
        has_more: bool
        cursor_before: CursorOut
        cursor_after: CursorOut
        stats: ActivationStatsOut

    class InvoiceUpdatedOutput(BaseModel):
        """``run_once`` output: the activation (``null`` when nothing changed) and the cursor to
        pass to the next cycle (save it only once the activation has been handled)."""

        activation: Activation | None
        cursor: CursorOut

    return InvoiceUpdatedOutput


def render_activation(activation: Any) -> dict[str, Any] | None:
    """An activation (sync or async poller) -> JSON, ``None`` when it holds no item (pure)."""
    if not activation.items:
        return None
    items = [to_json(item) for item in activation.items]
    return {
        "id": activation.id,
        "key": activation.key,
        "items": items,
        "count": len(items),
        "deleted_ids": sorted(activation.deleted_ids),
        "has_more": activation.has_more,
        "cursor_before": activation.cursor_before,
        "cursor_after": activation.cursor_after,
        "stats": to_json(activation.stats),
    }


def _load_cursor(cursor: Mapping[str, Any] | str | None) -> Mapping[str, Any] | None:
    if cursor is None or isinstance(cursor, Mapping):
        return cursor
    if isinstance(cursor, str):
        if len(cursor) > MAX_CURSOR_JSON_LEN:  # a cursor any poller writes fits
            raise CorruptCursorError(f"cursor is larger than {MAX_CURSOR_JSON_LEN} characters")
        try:
            loaded = json.loads(cursor)
        except ValueError as exc:
            raise CorruptCursorError(f"cursor is not valid JSON: {exc}") from None
        except RecursionError:
            raise CorruptCursorError("cursor is not valid JSON: nested too deeply") from None
        if not isinstance(loaded, Mapping):
            raise CorruptCursorError("cursor must be a JSON object")
        return loaded
    raise CorruptCursorError(f"cursor must be a JSON object, got {type(cursor).__name__}")


def _trigger_data(name: str, data: object) -> dict[str, Any]:
    """The trigger's ``{"cursor": ..., **input}`` as a dict; anything but an object is refused."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise InvalidRequestError(
            f"{name} input must be a JSON object, got {type(data).__name__}", field="input"
        )
    return dict(data)


@attrs.frozen
class Trigger:
    """The ``freshbooks/invoice-updated`` polling trigger, for hosts that schedule the cycles.

    Each call runs **one** cycle of the invoice poller from a cursor the host keeps, and
    answers the activation (``None`` when nothing changed) and the next cursor::

        trigger = catalog["freshbooks/invoice-updated"]
        state = None                                    # the host persists this between calls
        out = trigger.run_once(fb, state, {"cap": 50})  # raises FreshBooksError on failure
        if out["activation"] is not None:
            deliver(out["activation"]["id"], out["activation"]["items"])
        state = out["cursor"]                           # save only after delivering

    With ``cursor=None`` the cursor starts at ``start`` (default ``"now"``: only later changes
    are reported). Delivery is at least once: a host that crashes before saving the cursor runs
    the same cycle again, and gets the same ``activation["id"]`` if nothing else changed.
    ``run(fb, {"cursor": ..., **input})`` / ``arun`` do the same but report failures as an
    :class:`ActionResult` (a 429 gives ``retryable`` and ``retry_after``; keep the old cursor).
    For a long-running process, :meth:`poller` builds the SDK's poller (sleeps, retries, stores
    the cursor in SQLite) from the same input.
    """

    name: str
    title: str
    description: str
    input_model: type[InvoiceUpdatedInput]
    output_model: type[BaseModel]
    example: Mapping[str, Any] = attrs.field(factory=dict)
    kind: Literal["trigger"] = "trigger"

    def parse(self, data: Mapping[str, Any] | BaseModel | None) -> InvoiceUpdatedInput:
        """Validate the trigger input (raises ``pydantic.ValidationError``)."""
        if isinstance(data, InvoiceUpdatedInput):
            return data
        if isinstance(data, BaseModel):
            data = data.model_dump()
        if data is not None and not isinstance(data, Mapping):
            raise InvalidRequestError(
                f"{self.name} input must be a JSON object, got {type(data).__name__}",
                field="input",
            )
        return self.input_model.model_validate(dict(data or {}))

    def input_schema(self) -> dict[str, Any]:
        """JSON Schema of the input."""
        schema = self.input_model.model_json_schema(mode="validation")
        schema["examples"] = [dict(self.example)]
        return schema

    def output_schema(self) -> dict[str, Any]:
        """JSON Schema of :meth:`run_once`'s answer."""
        return model_output_schema(self.output_model)

    # -- sync shell ---------------------------------------------------------------------------

    def poller(
        self,
        fb: FreshBooks,
        params: Mapping[str, Any] | InvoiceUpdatedInput | None = None,
        *,
        store: CursorStore | str | os.PathLike[str] | None = None,
        max_store_retries: int | None = None,
    ) -> Poller[Invoice]:
        """``fb.invoices.poll(...)`` configured by the trigger input: iterate it for a
        long-running process; ``store`` is a cursor store or a SQLite path (default: memory);
        ``max_store_retries``: the poller's (None: its default)."""
        p = self.parse(params)
        if max_store_retries is None:
            from freshbooks_sdk._sync.poller import DEFAULT_MAX_STORE_RETRIES

            max_store_retries = DEFAULT_MAX_STORE_RETRIES
        return fb.invoices.poll(
            start=p.start_value(),
            interval=p.interval,
            store=store,
            cap=p.cap,
            include_deleted=p.include_deleted,
            max_store_retries=max_store_retries,
        )

    def run_once(
        self,
        fb: FreshBooks,
        cursor: Mapping[str, Any] | str | None = None,
        params: Mapping[str, Any] | InvoiceUpdatedInput | None = None,
    ) -> dict[str, Any]:
        """One cycle: ``{"activation": {...} | None, "cursor": {...}}``. Raises on failure
        (``pydantic.ValidationError`` for bad input, ``FreshBooksError`` otherwise)."""
        # Without a cursor the poller's (in-memory) store seeds one from `start`.
        activation = self.poller(fb, params).poll_once(_load_cursor(cursor))
        return {"activation": render_activation(activation), "cursor": activation.cursor_after}

    def run(self, fb: FreshBooks, data: Mapping[str, Any] | None = None) -> ActionResult:
        """:meth:`run_once` with ``data = {"cursor": ..., **input}``; never raises."""
        try:
            params = _trigger_data(self.name, data)
            cursor = params.pop("cursor", None)
            return ActionResult(ok=True, output=self.run_once(fb, cursor, params))
        except Exception as exc:
            return ActionResult(ok=False, error=error_from_exception(exc))

    # -- async shell --------------------------------------------------------------------------

    def apoller(
        self,
        afb: AsyncFreshBooks,
        params: Mapping[str, Any] | InvoiceUpdatedInput | None = None,
        *,
        store: CursorStore | str | os.PathLike[str] | None = None,
    ) -> AsyncPoller[Invoice]:
        """The async twin of :meth:`poller` (``afb.invoices.poll(...)``)."""
        p = self.parse(params)
        return afb.invoices.poll(
            start=p.start_value(),
            interval=p.interval,
            store=store,
            cap=p.cap,
            include_deleted=p.include_deleted,
        )

    async def arun_once(
        self,
        afb: AsyncFreshBooks,
        cursor: Mapping[str, Any] | str | None = None,
        params: Mapping[str, Any] | InvoiceUpdatedInput | None = None,
    ) -> dict[str, Any]:
        """The async twin of :meth:`run_once`."""
        activation = await self.apoller(afb, params).poll_once(_load_cursor(cursor))
        return {"activation": render_activation(activation), "cursor": activation.cursor_after}

    async def arun(
        self, afb: AsyncFreshBooks, data: Mapping[str, Any] | None = None
    ) -> ActionResult:
        """The async twin of :meth:`run`; never raises."""
        try:
            params = _trigger_data(self.name, data)
            cursor = params.pop("cursor", None)
            return ActionResult(ok=True, output=await self.arun_once(afb, cursor, params))
        except Exception as exc:
            return ActionResult(ok=False, error=error_from_exception(exc))


INVOICE_UPDATED = Trigger(
    name="freshbooks/invoice-updated",
    title="Invoice updated",
    description=(
        "Polls the invoices list on an interval (default 5 minutes) and produces one activation "
        "per cycle holding every invoice updated since the previous cursor, never losing one "
        "(at least once; deterministic activation ids)."
    ),
    input_model=InvoiceUpdatedInput,
    output_model=_activation_model(),
    example={"start": "backfill:1h", "interval": 300, "cap": 100, "include_deleted": False},
)
