"""Synthetic, realistic FreshBooks invoices and list pages (the shape of the Java SDK fixture).

Every invoice has the 67 top-level keys of ``get_invoice_response.json`` (amcintosh's Java SDK
fixture, see ``../shared/freshbooks-api.md`` section 4.3) including two ``lines`` and a
``presentation`` block, so one invoice is about 3.4 kB of JSON and a page of 100 about 340 kB.
Values vary per invoice (ids, numbers, amounts, dates, statuses) so nothing is accidentally cached.
Timestamps are distinct: invoice n is created about an hour after invoice n-1 (10,000 invoices span
14 months, DST changes included) at a varying minute and second, and updated later the same or the
next day; a line's ``updated`` is its invoice's ``created_at``, as in FreshBooks' bodies.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

ACCOUNT_ID = "ACM123"
PER_PAGE = 100
LIST_PATH = f"/accounting/account/{ACCOUNT_ID}/invoices/invoices"

_V3 = ("draft", "sent", "viewed", "paid", "partial", "overdue", "created", "autopaid")
_PAYMENT = ("unpaid", "partial", "paid", "auto-paid")
_DISPLAY = ("draft", "created", "sent", "viewed", "outstanding")
_ORGS = ("Gordon Shumway", "American Cyanamid", "Melmac Dinnerware", "Huron Street Supply")


def _money(cents: int, code: str = "CAD") -> dict[str, str]:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return {"amount": f"{sign}{cents // 100}.{cents % 100:02d}", "code": code}


def _line(invoice_id: int, lineid: int, n: int, updated: str) -> dict[str, Any]:
    qty = 1 + (n + lineid) % 9
    unit = 100 + (n * 37 + lineid * 11) % 9900
    return {
        "amount": _money(qty * unit),
        "basecampid": 0,
        "compounded_tax": False,
        "date": None,
        "description": f"Melmac melamine resin molded dinnerware #{lineid}",
        "expenseid": 0,
        "invoiceid": invoice_id,
        "lineid": lineid,
        "modern_project_id": None,
        "modern_time_entries": [],
        "name": ("Bowls", "Mugs", "Plates", "Saucers")[(n + lineid) % 4],
        "qty": str(qty),
        "retainer_id": None,
        "retainer_period_id": None,
        "taskno": lineid,
        "taxAmount1": "13" if lineid == 1 else "0",
        "taxAmount2": "0",
        "taxName1": "HST1" if lineid == 1 else "",
        "taxName2": None,
        "taxNumber1": "RT" if lineid == 1 else None,
        "taxNumber2": None,
        "type": 0,
        "unit_cost": _money(unit),
        "updated": updated,
    }


_EPOCH = datetime(2021, 1, 1, 8, 0, 0)  # Eastern wall clock


def _timestamps(n: int) -> tuple[str, str, str]:
    """(create_date, created_at, updated) of invoice n: distinct for every n."""
    created = _EPOCH + timedelta(seconds=n * 3607 + (n * 7919) % 600)
    updated = created + timedelta(seconds=60 + (n * 104_729) % 86_400)
    fmt = "%Y-%m-%d %H:%M:%S"
    return created.strftime("%Y-%m-%d"), created.strftime(fmt), updated.strftime(fmt)


def make_invoice(n: int) -> dict[str, Any]:
    """The n-th synthetic invoice (n >= 0): 67 top-level fields, two lines, a presentation."""
    invoice_id = 100_000 + n
    date, created, updated = _timestamps(n)
    lines = [_line(invoice_id, 1, n, created), _line(invoice_id, 2, n, created)]
    total = sum(int(line["amount"]["amount"].replace(".", "")) for line in lines)
    paid = total // 2 if n % 3 == 0 else 0
    org = _ORGS[n % len(_ORGS)]
    return {
        "accountid": ACCOUNT_ID,
        "accounting_systemid": ACCOUNT_ID,
        "address": "",
        "amount": _money(total),
        "auto_bill": False,
        "autobill_status": None,
        "basecampid": 0,
        "city": "Toronto",
        "code": "M5T 2B3",
        "country": "Canada",
        "create_date": date,
        "created_at": created,
        "currency_code": "CAD",
        "current_organization": org,
        "customerid": 12345 + n % 500,
        "date_paid": date if paid else None,
        "deposit_amount": _money(100) if n % 5 == 0 else None,
        "deposit_percentage": "1.5" if n % 5 == 0 else None,
        "deposit_status": "none",
        "description": "Melmac melamine resin molded dinnerware",
        "discount_description": None,
        "discount_total": _money(-(total // 10)),
        "discount_value": "10",
        "display_status": _DISPLAY[n % len(_DISPLAY)],
        "dispute_status": None,
        "due_date": date,
        "due_offset_days": 0,
        "estimateid": 0,
        "ext_archive": 0,
        "fname": "Gordon",
        "fulfillment_date": date,
        "generation_date": None,
        "gmail": False,
        "id": invoice_id,
        "invoice_number": f"ACM{invoice_id:07d}",
        "invoiceid": invoice_id,
        "language": "en",
        "last_order_status": None,
        "lines": lines,
        "lname": "Shumway",
        "net_paid_amount": {"amount": f"{paid / 100:.26f}", "code": "CAD"},
        "notes": "Thanks for your business",
        "organization": org,
        "outstanding": _money(total - paid),
        "ownerid": 1,
        "paid": _money(paid),
        "parent": 0,
        "payment_details": "",
        "payment_status": _PAYMENT[n % len(_PAYMENT)],
        "po_number": None if n % 2 else f"PO-{n}",
        "presentation": {
            "date_format": "dd/mm/yyyy",
            "description_heading": None,
            "hours_heading": None,
            "image_banner_position_y": 0,
            "image_banner_src": "/uploads/images/banner_jwt",
            "image_logo_src": "/uploads/images/logo_jwt",
            "invoiceid": invoice_id,
            "item_heading": None,
            "label": None,
            "quantity_heading": None,
            "rate_heading": None,
            "task_heading": None,
            "theme_font_name": "modern",
            "theme_layout": "simple",
            "theme_primary_color": "#663399",
            "time_entry_notes_heading": None,
            "unit_cost_heading": None,
        },
        "province": "Ontario",
        "return_uri": None,
        "sentid": 1,
        "show_attachments": False,
        "status": 2,
        "street": "123 Huron St.",
        "street2": "",
        "template": "clean-grouped",
        "terms": None,
        "updated": updated,
        "uuid": f"ab1c33f1-8827-4a46-b335-{invoice_id:012x}",
        "v3_status": _V3[n % len(_V3)],
        "vat_name": "VAT Number",
        "vat_number": "123",
        "version": f"{updated}.480684",
        "vis_state": 0,
    }


def render_page(page: int, pages: int, items_per_page: int = PER_PAGE) -> bytes:
    """The JSON body of list page ``page`` (1-based) of ``pages``; beyond the last: empty list."""
    total = pages * items_per_page
    if 1 <= page <= pages:
        start = (page - 1) * items_per_page
        invoices = [make_invoice(n) for n in range(start, start + items_per_page)]
    else:
        invoices = []
    body = {
        "response": {
            "result": {
                "invoices": invoices,
                "page": page,
                "pages": pages,
                "per_page": items_per_page,
                "total": total,
            }
        }
    }
    return json.dumps(body, separators=(",", ":")).encode()


def render_single(n: int = 0) -> bytes:
    """The JSON body of a single-invoice answer (what a create returns)."""
    body = {"response": {"result": {"invoice": make_invoice(n)}}}
    return json.dumps(body, separators=(",", ":")).encode()
