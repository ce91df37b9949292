"""What the business-id resources (time entries, projects) share: path, business id, paging.

These live under ``/{family}/business/{business_id}/`` (not the accounting account_id). The
business id is resolved once from ``users/me`` for the client's ``account_id`` (or given
explicitly with ``fb.time_entries.for_business(7310001)``), on first use, not at construction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic

from freshbooks_sdk._async._http import AsyncHTTPCore
from freshbooks_sdk._async.pagination import AsyncPaginator
from freshbooks_sdk._async.resources._base import M
from freshbooks_sdk._core.business import business_path, check_business_id
from freshbooks_sdk._core.envelope import RequestSpec, Unwrap
from freshbooks_sdk._core.inputs import check_page_args
from freshbooks_sdk._core.options import check_call_options, typed_call_errors_in
from freshbooks_sdk._core.pages import DEFAULT_PER_PAGE, Page
from freshbooks_sdk._core.query import QueryParams

if TYPE_CHECKING:
    from typing_extensions import Self

    from freshbooks_sdk._async.client import AsyncFreshBooks


@typed_call_errors_in
class AsyncBusinessResource(Generic[M]):
    """Base of ``/{family}/business/{business_id}/{collection}`` resources."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # A misspelt keyword on any resource method: CallSignatureError naming it, first.
        super().__init_subclass__(**kwargs)
        typed_call_errors_in(cls)

    family: ClassVar[str]
    collection: ClassVar[str]
    single_collection: ClassVar[str | None] = None  # projects: list ``projects``, one ``project``
    single_key: ClassVar[str]
    _single: ClassVar[Unwrap[Any, Any]]
    _listing: ClassVar[Unwrap[Any, Page[Any]]]

    def __init__(self, client: AsyncFreshBooks, business_id: int | None = None) -> None:
        self._client = client
        self._business_id = None if business_id is None else check_business_id(business_id)

    def for_business(self, business_id: int) -> Self:
        """The same resource bound to an explicit ``business_id`` (no ``users/me`` lookup)."""
        return type(self)(self._client, business_id)

    @property
    def _core(self) -> AsyncHTTPCore:
        return self._client._core

    async def business_id(self) -> int:
        """The business id used in paths: explicit, or the client's account's from ``users/me``."""
        if self._business_id is None:
            summary = await self._client.identity.require_account()
            self._business_id = check_business_id(summary.business_id)
        return self._business_id

    async def _url(self, resource_id: int | None = None, *, single: bool = False) -> str:
        collection = (self.single_collection or self.collection) if single else self.collection
        return business_path(self.family, await self.business_id(), collection, resource_id)

    async def _fetch(self, resource_id: int, *, options: Mapping[str, object] | None = None) -> M:
        opts = check_call_options(options)
        spec = RequestSpec.get(await self._url(resource_id, single=True)).with_options(opts)
        result: M = await self._core.call(spec, self._single)
        return result

    def _paginate(
        self,
        filters: QueryParams,
        *,
        per_page: int = DEFAULT_PER_PAGE,
        max_items: int | None = None,
        options: Mapping[str, object] | None = None,
    ) -> AsyncPaginator[M]:
        check_page_args(per_page, max_items)
        per_page = int.__int__(per_page)  # a plain int: a subclass's __str__ stays off the wire
        fixed = list(filters)
        opts = check_call_options(options)  # checked now; applied to every page

        async def fetch(page: int, size: int) -> Page[M]:
            params = [*fixed, ("page", str(page)), ("per_page", str(size))]
            spec = RequestSpec.get(await self._url(), params).with_options(opts)
            result: Page[M] = await self._core.call(spec, self._listing)
            return result

        return AsyncPaginator(fetch, per_page=per_page, max_items=max_items)

    async def _post(
        self, body: Mapping[str, Any], *, options: Mapping[str, object] | None = None
    ) -> M:
        opts = check_call_options(options)
        spec = RequestSpec.create(
            await self._url(single=True), {self.single_key: dict(body)}
        ).with_options(opts)
        result: M = await self._core.call(spec, self._single)
        return result

    async def _put(
        self,
        resource_id: int,
        body: Mapping[str, Any],
        *,
        options: Mapping[str, object] | None = None,
    ) -> M:
        """A field update (idempotent: sending the same fields twice changes nothing more)."""
        opts = check_call_options(options)
        url = await self._url(resource_id, single=True)
        spec = RequestSpec.update(url, {self.single_key: dict(body)}).with_options(opts)
        result: M = await self._core.call(spec, self._single)
        return result

    async def _delete(
        self, resource_id: int, *, options: Mapping[str, object] | None = None
    ) -> None:
        """A DELETE (FreshBooks answers 204, no body)."""
        opts = check_call_options(options)
        spec = RequestSpec("DELETE", await self._url(resource_id, single=True)).with_options(opts)
        await self._core.send(spec)
