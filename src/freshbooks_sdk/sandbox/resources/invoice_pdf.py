"""``invoices/invoices/{id}/pdf``: a small, valid one-page PDF of the invoice.

The document is real PDF 1.4 (header, objects, a cross-reference table with exact byte
offsets, trailer), so PDF readers open it; it holds the invoice number, client, dates, lines and
totals as text.
"""

from __future__ import annotations

from ..wire import JsonObj

__all__ = ["PDF_CONTENT_TYPE", "render_invoice_pdf"]

PDF_CONTENT_TYPE = "application/pdf"


def _escape(text: str) -> str:
    safe = text.encode("latin-1", "replace").decode("latin-1")
    return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _lines(invoice: JsonObj) -> list[str]:
    amount = invoice.get("amount") or {}
    outstanding = invoice.get("outstanding") or {}
    out = [
        f"Invoice {invoice.get('invoice_number') or invoice.get('id')}",
        f"Client: {invoice.get('organization') or invoice.get('customerid')}",
        f"Date: {invoice.get('create_date')}   Due: {invoice.get('due_date')}",
        "",
    ]
    for line in invoice.get("lines") or []:
        cost = line.get("unit_cost") or {}
        total = line.get("amount") or {}
        out.append(
            f"{line.get('name') or ''}  {line.get('qty')} x {cost.get('amount')} = "
            f"{total.get('amount')} {total.get('code')}"
        )
    out += [
        "",
        f"Total: {amount.get('amount')} {amount.get('code')}",
        f"Outstanding: {outstanding.get('amount')} {outstanding.get('code')}",
        f"Status: {invoice.get('v3_status')}",
    ]
    return out[:60]


def render_invoice_pdf(invoice: JsonObj) -> bytes:
    """A one-page PDF listing the invoice (``invoice`` is its rendered wire shape, with lines)."""
    text_ops = ["BT", "/F1 11 Tf", "14 TL", "50 790 Td"]
    for line in _lines(invoice):
        text_ops.append(f"({_escape(line[:110])}) Tj T*")
    text_ops.append("ET")
    stream = "\n".join(text_ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)
