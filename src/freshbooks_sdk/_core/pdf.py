"""Invoice PDF download: the request and the checks on what comes back (pure).

FreshBooks serves ``GET /accounting/account/{account_id}/invoices/invoices/{id}/pdf`` with
``Accept: application/pdf``. What comes back is checked before it is handed over: the body must
start with the PDF signature (``%PDF-``), a JSON body is read for FreshBooks errors, and the size
is bounded (``max_bytes``) so a hostile or broken server cannot exhaust memory.

>>> spec = pdf_spec("/accounting/account/ABC123/invoices/invoices/7")
>>> spec.method, spec.path, spec.accept
('GET', '/accounting/account/ABC123/invoices/invoices/7/pdf', 'application/pdf')
>>> check_pdf(b"%PDF-1.4 ...", content_type="application/pdf", max_bytes=100)[:8]
b'%PDF-1.4'
"""

from __future__ import annotations

from typing import Any

from freshbooks_sdk._core import inputs
from freshbooks_sdk._core.envelope import RequestSpec
from freshbooks_sdk._core.errparse import excerpt
from freshbooks_sdk._core.raw import decode_raw
from freshbooks_sdk.errors import ResponseValidationError

__all__ = ["DEFAULT_MAX_PDF_BYTES", "PDF_MEDIA_TYPE", "check_max_bytes", "check_pdf", "pdf_spec"]

PDF_MEDIA_TYPE = "application/pdf"
DEFAULT_MAX_PDF_BYTES = 50 * 1024 * 1024
"""The largest PDF accepted by default (50 MiB); pass ``max_bytes=`` to change it."""
MAX_PDF_LIMIT = 2**31
"""The largest ``max_bytes`` accepted (2 GiB)."""


def check_max_bytes(value: object) -> int:
    """A positive int byte limit."""
    return inputs.check_int(
        value, field="max_bytes", minimum=1, maximum=MAX_PDF_LIMIT, what="a positive int"
    )


def pdf_spec(invoice_path: str) -> RequestSpec:
    """The GET for ``{invoice_path}/pdf``, asking for a PDF (a read: retried like any read)."""
    return RequestSpec("GET", f"{invoice_path}/pdf", [], None, True, accept=PDF_MEDIA_TYPE)


def check_pdf(
    content: bytes,
    *,
    content_type: str | None,
    max_bytes: int,
    status_code: int = 200,
    response: Any = None,
) -> bytes:
    """``content`` when it is a PDF within ``max_bytes``; a typed error otherwise."""
    if len(content) > max_bytes:
        raise ResponseValidationError(
            f"the invoice PDF is {len(content)} bytes, more than max_bytes={max_bytes}",
            response=response,
            body_excerpt="",
        )
    if content.startswith(b"%PDF-"):
        return content
    media = (content_type or "").split(";")[0].strip().lower()
    if media.endswith("json"):
        decode_raw(content, status_code, response)  # raises when FreshBooks put errors in it
    raise ResponseValidationError(
        f"FreshBooks did not answer with a PDF (content-type {media or 'missing'})",
        response=response,
        body_excerpt=excerpt(content),
    )
