"""What every accounting resource shares: paths, get/list/create/update/delete plumbing."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import attrs
import pydantic

from freshbooks_sdk._async._http import AsyncHTTPCore
from freshbooks_sdk._async.pagination import AsyncPaginator
from freshbooks_sdk._core.envelope import ListingUnwrap, RequestSpec, Unwrap
from freshbooks_sdk._core.inputs import check_json_body, check_page_args, check_poll_args
from freshbooks_sdk._core.options import check_call_options, typed_call_errors_in
from freshbooks_sdk._core.pages import DEFAULT_PER_PAGE, Page, Pending
from freshbooks_sdk._core.poll_defaults import (
    DEFAULT_INTERVAL,
    DEFAULT_MAX_STORE_RETRIES,
    DEFAULT_OVERLAP,
    DEFAULT_SAFETY,
)
from freshbooks_sdk._core.query import SearchValue, accounting_path, build_query
from freshbooks_sdk.cursors import (
    DEFAULT_STORE,
    CursorStore,
    DefaultStore,
    SQLiteCursorStore,
    default_cursor_path,
)

if TYPE_CHECKING:
    # The poller and the fleet stores load when a poller is built, not with the client.
    from freshbooks_sdk import stores
    from freshbooks_sdk._async.client import AsyncFreshBooks
    from freshbooks_sdk._async.poller import AsyncPoller
    from freshbooks_sdk._core.polling import Start

# A string bound: evaluating pydantic.BaseModel here would import pydantic.main at import time.
M = TypeVar("M", bound="pydantic.BaseModel")


@typed_call_errors_in
class AsyncResource(Generic[M]):
    """Base of the accounting resources: ``/accounting/account/{account_id}/{path}``."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A misspelt keyword on any resource method: CallSignatureError naming it, first.
        super().__init_subclass__(**kwargs)
        typed_call_errors_in(cls)

    path: ClassVar[str]
    single_key: ClassVar[str]
    _single: ClassVar[Unwrap[Any, Any]]
    _listing: ClassVar[Unwrap[Any, Page[Any]]]

    def __init__(self, client: AsyncFreshBooks) -> None:
        self._client = client

    @property
    def _core(self) -> AsyncHTTPCore:
        return self._client._core

    def _url(self, resource_id: int | None = None) -> str:
        return accounting_path(self._client.account_id, self.path, resource_id)

    async def _fetch(
        self,
        resource_id: int,
        include: Iterable[str] = (),
        *,
        options: Mapping[str, object] | None = None,
    ) -> M:
        opts = check_call_options(options)
        spec = RequestSpec.get(self._url(resource_id), build_query(include=include))
        spec = spec.with_options(opts)
        result: M = await self._core.call(spec, self._single)
        return result

    def _paginate(
        self,
        search: Mapping[str, SearchValue],
        *,
        include: Iterable[str] = (),
        per_page: int = DEFAULT_PER_PAGE,
        max_items: int | None = None,
        where: Callable[[M], bool] | None = None,
        extra: Mapping[str, str] | None = None,
        options: Mapping[str, object] | None = None,
    ) -> AsyncPaginator[M]:
        check_page_args(per_page, max_items)
        opts = check_call_options(options)  # checked now; applied to every page
        path = self._url()
        includes = tuple(include)
        filters = dict(search)
        extras = dict(extra or {})
        listing = self._listing  # items made as they are handed out when the reader allows it
        unwrap = listing.lazily if isinstance(listing, ListingUnwrap) else listing

        async def fetch(page: int, size: int) -> Page[M] | Pending[M]:
            params = build_query(
                search=filters, include=includes, page=page, per_page=size, extra=extras
            )
            spec = RequestSpec.get(path, params).with_options(opts)
            result: Page[M] | Pending[M] = await self._core.call(spec, unwrap)
            return result

        return AsyncPaginator(fetch, per_page=per_page, max_items=max_items, where=where)

    async def _post(
        self,
        body: Mapping[str, Any],
        include: Iterable[str] = (),
        *,
        options: Mapping[str, object] | None = None,
    ) -> M:
        opts = check_call_options(options)
        check_json_body(body)  # strict JSON (no NaN, valid Unicode) or a typed error, unsent
        spec = RequestSpec.create(
            self._url(), {self.single_key: dict(body)}, build_query(include=include)
        ).with_options(opts)
        result: M = await self._core.call(spec, self._single)
        return result

    async def _put(
        self,
        resource_id: int,
        body: Mapping[str, Any],
        *,
        idempotent: bool = True,
        include: Iterable[str] = (),
        options: Mapping[str, object] | None = None,
    ) -> M:
        opts = check_call_options(options)
        check_json_body(body)  # strict JSON (no NaN, valid Unicode) or a typed error, unsent
        spec = RequestSpec.update(
            self._url(resource_id),
            {self.single_key: dict(body)},
            idempotent=idempotent,
            params=build_query(include=include),
        ).with_options(opts)
        result: M = await self._core.call(spec, self._single)
        return result

    async def _set_vis_state(
        self, resource_id: int, vis_state: int, *, options: Mapping[str, object] | None = None
    ) -> M:
        """A single-purpose PUT (FreshBooks drops every other field when vis_state is present)."""
        return await self._put(resource_id, {"vis_state": vis_state}, options=options)


class AsyncPollable(AsyncResource[M]):
    """A resource whose ``updated`` changes can be polled (invoices, clients, expenses)."""

    poll_include: ClassVar[tuple[str, ...]] = ()

    def poll(
        self,
        *,
        start: Start = "now",
        interval: float = DEFAULT_INTERVAL,
        store: CursorStore
        | stores.AsyncCursorStore
        | str
        | os.PathLike[str]
        | DefaultStore
        | None = DEFAULT_STORE,
        key: str | None = None,
        cap: int | None = None,
        include_deleted: bool = False,
        yield_empty: bool = False,
        per_page: int = DEFAULT_PER_PAGE,
        overlap: timedelta = DEFAULT_OVERLAP,
        safety: timedelta = DEFAULT_SAFETY,
        max_store_retries: int = DEFAULT_MAX_STORE_RETRIES,
    ) -> AsyncPoller[M]:
        """A poller yielding one activation per cycle with every record updated since the
        cursor (at-least-once; see :mod:`freshbooks_sdk._async.poller` and the README).

        ``start``: ``"now"``, a ``timedelta`` backfill, or an aware datetime (first run only;
        afterwards the stored cursor wins). ``store``: by default a SQLite file at
        :func:`~freshbooks_sdk.cursors.default_cursor_path` (a restarted service resumes where it
        stopped); a SQLite path, any ``CursorStore``, or ``None`` for an in-memory cursor.
        ``key`` defaults to ``"{account_id}:{path}"``, e.g. ``"ABC123:invoices/invoices"``.
        ``max_store_retries``: times in a row an unavailable cursor store is waited for.
        """
        check_poll_args(
            start=start,
            interval=interval,
            key=key,
            cap=cap,
            include_deleted=include_deleted,
            yield_empty=yield_empty,
            per_page=per_page,
            overlap=overlap,
            safety=safety,
            store=store,
        )
        from freshbooks_sdk._async.poller import AsyncPoller  # loaded with the first poller
        from freshbooks_sdk._core.polling import earliest_http_date

        path = self._url()
        includes = self.poll_include

        async def fetch_page(
            updated_min: date, page: int, size: int, vis_state: int | None
        ) -> Page[M]:
            params = build_query(
                search={"updated_min": updated_min, "vis_state": vis_state},
                include=includes,
                page=page,
                per_page=size,
            )
            response = await self._core.send(RequestSpec.get(path, params))
            listed: Page[M] = self._listing(response.content, response.status_code, response)
            # FreshBooks' clock, for the poller's watermark (see _core/polling.py, "Whose clock").
            server_time = earliest_http_date(response.headers.get_list("date"))
            return attrs.evolve(listed, server_time=server_time)

        return AsyncPoller(
            fetch_page,
            key=key or f"{self._client.account_id}:{self.path}",
            store=SQLiteCursorStore(default_cursor_path()) if store is DEFAULT_STORE else store,
            start=start,
            interval=interval,
            cap=cap,
            include_deleted=include_deleted,
            yield_empty=yield_empty,
            per_page=per_page,
            overlap=overlap,
            safety=safety,
            clock=self._core.now,
            sleep=self._core.sleep,
            max_store_retries=max_store_retries,
        )
