"""Envelopes: a response body straight into a typed model, and request descriptions (pure).

Success bodies are validated from the raw JSON bytes in one pass
(``Model.model_validate_json``); only when that fails is the body decoded again, to tell a
FreshBooks error carried in a 200 (``response.errors``) from a body that does not fit the model.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs
import pydantic

from freshbooks_sdk._core.errparse import (
    NotJSON,
    body_carries_errors,
    excerpt,
    load_json,
    parse_error_body,
    parse_error_payload,
)
from freshbooks_sdk._core.pages import Page, Pending, page_info
from freshbooks_sdk._core.query import QueryParams
from freshbooks_sdk.errors import (
    APIStatusError,
    InvalidRequestError,
    RateLimitError,
    ResponseValidationError,
    status_error_class,
)

if TYPE_CHECKING:
    from freshbooks_sdk._core.options import RequestOptions

# A string bound: evaluating pydantic.BaseModel here would import pydantic.main at import time.
E = TypeVar("E", bound="pydantic.BaseModel")
T = TypeVar("T")
R = TypeVar("R")


@attrs.frozen
class RequestSpec:
    """One HTTP call to FreshBooks, fully described before anything is sent.

    ``idempotent`` says whether repeating the call cannot duplicate work (reads, plain updates,
    deletes). Creates, and a PUT that emails an invoice, are not idempotent: they are never
    re-sent after an ambiguous failure.
    """

    method: str
    path: str
    params: QueryParams = attrs.field(factory=list)
    body: Any = None
    idempotent: bool = True
    authenticated: bool = True
    accept: str = "application/json"  # the Accept header (invoice PDFs: application/pdf)
    options: RequestOptions | None = None  # per-call timeout/retries/headers/query (_core.options)

    def with_options(self, options: RequestOptions | None) -> RequestSpec:
        """This request with per-call options (``None``: unchanged)."""
        return self if options is None else attrs.evolve(self, options=options)

    @classmethod
    def get(cls, path: str, params: QueryParams | None = None) -> RequestSpec:
        """A read."""
        return cls("GET", path, params or [], None, True)

    @classmethod
    def create(cls, path: str, body: Any, params: QueryParams | None = None) -> RequestSpec:
        """A POST that creates something: never re-sent after an ambiguous failure."""
        return cls("POST", path, params or [], body, False)

    @classmethod
    def update(
        cls, path: str, body: Any, *, idempotent: bool = True, params: QueryParams | None = None
    ) -> RequestSpec:
        """A PUT; pass ``idempotent=False`` when it triggers a side effect (an email)."""
        return cls("PUT", path, params or [], body, idempotent)

    def encoded_body(self) -> bytes | None:
        """The JSON body bytes (compact), or ``None`` for a bodiless request.

        A string that cannot be sent as UTF-8 (a lone surrogate) is refused, naming its field.
        """
        if self.body is None:
            return None
        text = json.dumps(self.body, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        try:
            return text.encode()
        except UnicodeEncodeError:
            field = _unencodable_field(self.body)
            raise InvalidRequestError(
                f"{field or 'the request body'} holds text that is not valid Unicode "
                "(a lone surrogate); it cannot be sent",
                field=field,
            ) from None


def _unencodable_field(node: Any, path: str = "") -> str | None:
    """The dotted path of the first string that cannot be encoded as UTF-8."""
    if isinstance(node, str):
        try:
            node.encode()
        except UnicodeEncodeError:
            return path or None
        return None
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, value in items:
        found = _unencodable_field(value, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


_fast_readers: dict[type[Any], Callable[[bytes], Any] | None] = {}


def decode(
    model: type[E],
    content: bytes,
    *,
    status_code: int = 200,
    response: Any = None,
    fast: bool = True,
) -> E:
    """Validate ``content`` into ``model``; raise a typed error instead of a ``KeyError``.

    A body that fits the models exactly is read by :mod:`~freshbooks_sdk._core.fastread` (the same
    result, faster); any other body, and every error, is pydantic's. ``fast=False``: pydantic
    reads it (a body the fast reader already declined).
    """
    try:
        read = _fast_readers[model] if fast else None
    except KeyError:
        from freshbooks_sdk._core.fastread import reader_for  # msgspec and the models: first use

        read = _fast_readers[model] = reader_for(model)
    if read is not None:
        built = read(content)
        if built is not None and not _carries_errors(built, content):
            return built  # type: ignore[no-any-return]  # built as model_validate_json builds it
    try:
        result = model.model_validate_json(content)
    except (RecursionError, ArithmeticError) as exc:  # a hostile body past a validator's range
        raise ResponseValidationError(
            f"FreshBooks' response does not fit {model.__name__}: {type(exc).__name__}: {exc}",
            response=response,
            body_excerpt=excerpt(content),
        ) from None
    except pydantic.ValidationError as exc:
        _raise_carried_errors(content, status_code, response)
        problems = exc.errors(include_url=False)
        where = ".".join(str(p) for p in problems[0]["loc"]) if problems else ""
        what = problems[0]["msg"] if problems else "invalid"
        raise ResponseValidationError(
            f"FreshBooks' response does not fit {model.__name__}: "
            f"{where or '<body>'}: {what} ({len(problems)} problem(s))",
            response=response,
            errors=[dict(p) for p in problems],
            body_excerpt=excerpt(content),
        ) from None
    if _carries_errors(result, content):  # FreshBooks can answer 200 with errors beside a result
        _raise_carried_errors(content, status_code, response)
    return result


def _carries_errors(envelope: Any, content: bytes) -> bool:
    """Whether a body that validated holds a non-empty ``response.errors``.

    Read from the model when it can tell (the generated envelopes keep unknown fields), not by
    scanning the bytes: a page whose text merely contains ``"errors"`` (a note, an unknown
    field) then costs nothing more. A model that drops unknown fields falls back to the scan.
    """
    body = getattr(envelope, "response", None)
    if isinstance(body, pydantic.BaseModel):
        if body.__pydantic_extra__ is not None or "errors" in type(body).model_fields:
            return bool(getattr(body, "errors", None))
    elif isinstance(body, dict):
        return bool(body.get("errors"))
    return b'"errors"' in content


def _raise_carried_errors(content: bytes, status_code: int, response: Any) -> None:
    """Raise the typed error when a body carries ``response.errors``; else return."""
    try:
        payload = load_json(content) if content else None
    except NotJSON:
        return
    if not body_carries_errors(payload):
        return
    parsed = parse_error_payload(payload, status_code)
    cls = status_error_class(status_code, parsed.errors)
    raise cls(
        parsed.message,
        status_code=status_code,
        errors=parsed.errors,
        response=response,
        body_excerpt=excerpt(content),
    )


MODELS_MODULE = "freshbooks_sdk.models"


@attrs.frozen
class Unwrap(Generic[E, R]):
    """How to get a result out of an envelope model: ``extract(envelope) -> result``.

    ``envelope`` is the model class, or its name in :mod:`freshbooks_sdk.models`, resolved on
    first use: a resource module then names its envelopes without importing (and building) the
    models, so ``from freshbooks_sdk import FreshBooks`` stays light.

    >>> unwrap = single("InvoiceResponse", "invoice")
    >>> unwrap.model().__name__
    'InvoiceResponse'
    """

    envelope: type[E] | str
    extract: Callable[[E], R]

    def model(self) -> type[E]:
        """The envelope model class (imported on the first call when given by name)."""
        envelope = self.envelope
        if isinstance(envelope, str):
            envelope = getattr(importlib.import_module(MODELS_MODULE), envelope)
            object.__setattr__(self, "envelope", envelope)  # a one-time cache on a frozen value
        return envelope

    def __call__(self, content: bytes, status_code: int = 200, response: Any = None) -> R:
        return self.extract(
            decode(self.model(), content, status_code=status_code, response=response)
        )


def single(envelope: type[E] | str, key: str) -> Unwrap[E, Any]:
    """Unwrap ``{"response": {"result": {key: {...}}}}``."""

    def extract(env: E) -> Any:
        return getattr(env.response.result, key)  # type: ignore[attr-defined]  # generated envelope shape

    return Unwrap(envelope, extract)


@attrs.frozen
class ListingUnwrap(Unwrap[E, Page[Any]]):
    """:class:`Unwrap` of a list page whose items sit at ``response.result.<key>``.

    Called, it answers a :class:`Page`; :meth:`lazily` answers the same page as a
    :class:`~freshbooks_sdk._core.pages.Pending` when the fast reader takes the body (items made
    as a paginator hands them out, the same instances), else the :class:`Page`.
    """

    key: str = ""

    def lazily(
        self, content: bytes, status_code: int = 200, response: Any = None
    ) -> Page[Any] | Pending[Any]:
        """This page with its items made one at a time when the fast reader takes the body."""
        model = self.model()
        try:
            read = _listing_readers[model, self.key]
        except KeyError:
            from freshbooks_sdk._core.fastread import listing_reader_for  # as decode() does

            read = _listing_readers[model, self.key] = listing_reader_for(model, self.key)
        listed = None if read is None else read(content)
        if listed is None:  # declined: pydantic reads the whole body, and raises any error, now
            return self.extract(
                decode(model, content, status_code=status_code, response=response, fast=False)
            )
        items = listed.items
        return Pending(wire=items, make=listed.make, info=page_info(listed.result, len(items)))


_listing_readers: dict[tuple[type[Any], str], Callable[[bytes], Any] | None] = {}


def listing(envelope: type[E] | str, key: str) -> ListingUnwrap[E]:
    """Unwrap a list page: items under ``key`` and ``page/pages/per_page/total`` beside them."""

    def extract(env: E) -> Page[Any]:
        result = env.response.result  # type: ignore[attr-defined]  # generated envelope shape
        items = getattr(result, key) or []
        return Page(items=list(items), info=page_info(result, len(items)))

    return ListingUnwrap(envelope, extract, key)


def raise_for_status(
    status_code: int,
    content: bytes,
    response: Any,
    retry_after: float | None,
    *,
    may_have_applied: bool = False,
) -> None:
    """Raise the typed error for an error status (never returns for >= 400)."""
    if status_code < 400:
        return
    parsed = parse_error_body(status_code, content)
    cls: type[APIStatusError] = status_error_class(status_code, parsed.errors)
    error = cls(
        parsed.message,
        status_code=status_code,
        errors=parsed.errors,
        response=response,
        body_excerpt=parsed.excerpt,
    )
    if isinstance(error, RateLimitError):
        error.retry_after = retry_after
    error.may_have_applied = may_have_applied and status_code >= 500
    raise error
