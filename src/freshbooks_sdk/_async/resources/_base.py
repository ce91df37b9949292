"""What every accounting resource shares: paths, get/list/create/update/delete plumbing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import pydantic

from freshbooks_sdk._async._http import AsyncHTTPCore
from freshbooks_sdk._async.pagination import AsyncPaginator
from freshbooks_sdk._core.envelope import RequestSpec, Unwrap
from freshbooks_sdk._core.inputs import validation_to_invalid_request
from freshbooks_sdk._core.pages import DEFAULT_PER_PAGE, Page
from freshbooks_sdk._core.query import SearchValue, accounting_path, build_query

if TYPE_CHECKING:
    from freshbooks_sdk._async.client import AsyncFreshBooks

M = TypeVar("M", bound=pydantic.BaseModel)


class AsyncResource(Generic[M]):
    """Base of the accounting resources: ``/accounting/account/{account_id}/{path}``."""

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

    async def _fetch(self, resource_id: int, include: Iterable[str] = ()) -> M:
        spec = RequestSpec.get(self._url(resource_id), build_query(include=include))
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
    ) -> AsyncPaginator[M]:
        path = self._url()
        includes = tuple(include)
        filters = dict(search)
        extras = dict(extra or {})

        async def fetch(page: int, size: int) -> Page[M]:
            params = build_query(
                search=filters, include=includes, page=page, per_page=size, extra=extras
            )
            result: Page[M] = await self._core.call(RequestSpec.get(path, params), self._listing)
            return result

        return AsyncPaginator(fetch, per_page=per_page, max_items=max_items, where=where)

    async def _post(self, body: Mapping[str, Any], include: Iterable[str] = ()) -> M:
        spec = RequestSpec.create(
            self._url(), {self.single_key: dict(body)}, build_query(include=include)
        )
        result: M = await self._core.call(spec, self._single)
        return result

    async def _put(
        self,
        resource_id: int,
        body: Mapping[str, Any],
        *,
        idempotent: bool = True,
        include: Iterable[str] = (),
    ) -> M:
        spec = RequestSpec.update(
            self._url(resource_id),
            {self.single_key: dict(body)},
            idempotent=idempotent,
            params=build_query(include=include),
        )
        result: M = await self._core.call(spec, self._single)
        return result

    async def _set_vis_state(self, resource_id: int, vis_state: int) -> M:
        """A single-purpose PUT (FreshBooks drops every other field when vis_state is present)."""
        return await self._put(resource_id, {"vis_state": vis_state})


def checked(build: Callable[[], M]) -> M:
    """Build an input model, turning pydantic's error into an ``InvalidRequestError``."""
    try:
        return build()
    except pydantic.ValidationError as exc:
        raise validation_to_invalid_request(exc) from None
