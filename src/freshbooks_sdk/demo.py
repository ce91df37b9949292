"""The integration story end to end, against the embedded sandbox on loopback (``freshbooks demo``).

OAuth connect -> pick a business -> create a client -> draft an invoice (two lines given as
decimal strings) -> send it -> record an expense billed back to the client -> list invoices
updated since the start -> two ``invoice-updated`` cycles with a payment in between -> a 429
honoured. Nothing leaves 127.0.0.1; it takes a few seconds.

    python -m freshbooks_sdk.demo
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TextIO
from urllib.parse import parse_qs, urlsplit

import httpx

from freshbooks_sdk._core.fbtime import eastern_date
from freshbooks_sdk._core.transport import RetryEvent
from freshbooks_sdk._sync.client import FreshBooks
from freshbooks_sdk.auth import OAuthClient, Token, TokenSource, fingerprint, generate_state
from freshbooks_sdk.sandbox import Sandbox


class Printer:
    """Readable, step-numbered output."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.step = 0

    def title(self, text: str) -> None:
        self.step += 1
        print(f"\n[{self.step}] {text}", file=self.out)

    def line(self, text: str = "") -> None:
        print(f"    {text}", file=self.out)

    def table(self, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
        cells = [[str(c) for c in headers], *[[str(c) for c in row] for row in rows]]
        widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
        for n, row in enumerate(cells):
            self.line("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
            if n == 0:
                self.line("  ".join("-" * w for w in widths))


def _follow_authorize(url: str) -> tuple[str, str]:
    """Play the user's browser: the sandbox approves at once and redirects with code and state."""
    response = httpx.get(url, follow_redirects=False, timeout=5.0)
    location = response.headers.get("location", "")
    query = parse_qs(urlsplit(location).query)
    if response.status_code not in (301, 302, 303, 307) or "code" not in query:
        raise RuntimeError(f"authorize did not redirect with a code (HTTP {response.status_code})")
    return query["code"][0], query["state"][0]


def run(
    out: TextIO = sys.stdout,
    *,
    sleep: Callable[[float], None] = time.sleep,
    sandbox: Sandbox | None = None,
) -> int:
    """Run the whole story; returns the exit code."""
    p = Printer(out)
    sandbox = sandbox or Sandbox()
    started = datetime.now(timezone.utc) - timedelta(seconds=1)
    with sandbox.serve(port=0) as base_url, tempfile.TemporaryDirectory() as tmp:
        print(f"FreshBooks sandbox listening on {base_url} (in-memory, loopback only)", file=out)

        p.title("OAuth2 connect")
        saved: list[Token] = []
        oauth = OAuthClient(
            sandbox.client_id,
            sandbox.client_secret,
            sandbox.redirect_uris[0],
            api_base_url=base_url,
            auth_base_url=base_url,
        )
        state = generate_state()
        url = oauth.authorization_url(state)
        p.line(f"authorization URL: {url.split('?')[0]}?client_id=...&scope=...&state=...")
        code, returned_state = _follow_authorize(url)
        if returned_state != state:
            raise RuntimeError("state mismatch on the OAuth redirect")
        p.line(f"redirected back with a code ({len(code)} chars) and the same state")
        token = oauth.exchange_code(code)
        saved.append(token)
        p.line(
            f"token {fingerprint(token.access_token)} (secrets never printed), "
            f"expires {token.expires_at:%Y-%m-%d %H:%M}Z"
        )
        p.line(f"scopes: {' '.join(token.scopes)}")
        source = TokenSource(oauth, token, on_refresh=saved.append)
        rotated = source.refresh()
        p.line(
            f"refresh rotated it to {fingerprint(rotated.access_token)}; the new refresh token "
            "was handed to on_refresh before use"
        )

        p.title("List businesses and pick one")
        events: list[RetryEvent] = []
        identity_client = FreshBooks(token_source=source, base_url=base_url)
        businesses = identity_client.identity.businesses()
        p.table(
            ["account_id", "business_id", "name", "role"],
            [(b.account_id, b.business_id, b.name, b.role) for b in businesses],
        )
        chosen = businesses[0]
        p.line(f"-> using {chosen.account_id} ({chosen.name})")
        identity_client.close()

        def on_retry(event: RetryEvent) -> None:
            events.append(event)
            p.line(
                f"retry {event.attempt}: {event.method} {event.path} -> {event.status_code}, "
                f"waiting {event.delay:.1f}s ({event.reason})"
            )

        with FreshBooks(
            token_source=source,
            account_id=chosen.account_id,
            base_url=base_url,
            default_currency=None,
            on_retry=on_retry,
            sleep=sleep,
        ) as fb:
            fb.identity.require_account()

            p.title("Create a client")
            client = fb.clients.create(
                email="ada@analytical.example",
                fname="Ada",
                lname="Lovelace",
                organization="Analytical Engines Ltd",
                address={
                    "street": "12 St James's Sq",
                    "city": "London",
                    "country": "United Kingdom",
                },
            )
            p.line(
                f"client {client.id}: {client.organization} <{client.email}>, updated {client.updated}"
            )

            p.title("Draft an invoice with two lines given as decimal strings")
            invoice = fb.invoices.create(
                customer_id=client.id,
                currency_code="USD",
                due_offset_days=30,
                po_number="PO-1843",
                notes="Thank you for your business.",
                terms="Net 30",
                lines=[
                    {"name": "Engine design", "qty": "3", "unit_cost": "1200.10"},
                    {"name": "Punched cards", "qty": "250", "unit_cost": "0.07"},
                ],
            )
            p.table(
                ["line", "qty", "unit cost", "amount"],
                [(ln.name, ln.qty, ln.unit_cost, ln.amount) for ln in invoice.lines or []],
            )
            p.line(
                f"invoice {invoice.id} ({invoice.invoice_number}): total {invoice.amount}, {invoice.v3_status}"
            )

            p.title("Send it by email")
            sent = fb.invoices.send(
                invoice.id, to=[client.email or ""], subject="Invoice from Acme"
            )
            p.line(
                f"invoice {sent.id} is now {sent.v3_status}; sandbox outbox: {len(sandbox.outbox)} email(s)"
            )

            p.title("Record an expense billed back to the client")
            category = next(iter(fb.expense_categories.list()))
            expense = fb.expenses.create(
                amount="42.50",
                currency_code="USD",
                category_id=category.id,
                date=eastern_date(datetime.now(timezone.utc)),
                vendor="Babbage Brass Works",
                client_id=client.id,
                notes="Gears",
            )
            p.line(
                f"expense {expense.id}: {expense.amount} at {expense.vendor}, category {category.category!r}, "
                f"client {expense.clientid}, staff {expense.staffid} (from users/me)"
            )

            p.title("List invoices updated since the start of the demo")
            rows = [
                (inv.id, inv.invoice_number, inv.v3_status, inv.amount, inv.updated)
                for inv in fb.invoices.list(updated_since=started)
            ]
            p.table(["id", "number", "status", "amount", "updated (UTC)"], rows)

            p.title("invoice-updated trigger: two cycles with a payment in between")
            poller = fb.invoices.poll(start=started, store=Path(tmp) / "cursors.db", interval=300)
            first = poller.poll_once()
            p.line(
                f"cycle 1: activation {first.id[:12]}… with {len(first.items)} invoice(s): "
                f"{[(i.id, str(i.v3_status)) for i in first.items]}"
            )
            first.ack()
            sleep(1.0)  # FreshBooks timestamps have one-second resolution
            paid = sandbox.pay_invoice(chosen.account_id, invoice.id)
            p.line(f"(the client pays invoice {invoice.id}: {paid['v3_status']})")
            second = poller.poll_once()
            p.line(
                f"cycle 2: activation {second.id[:12]}… with {len(second.items)} invoice(s): "
                f"{[(i.id, str(i.v3_status)) for i in second.items]}"
            )
            second.ack()
            if [i.id for i in second.items] != [invoice.id]:
                raise RuntimeError("the paid invoice was not in the second activation")

            p.title("A 429 with Retry-After is honoured")
            sandbox.set_rate_limit(chosen.account_id, 2, window_seconds=1.0, retry_after=1)
            for _ in range(3):
                fb.clients.get(client.id)
            sandbox.set_rate_limit(chosen.account_id, None)
            p.line(
                f"3 calls made, {len(events)} retried after a 429; client stats: "
                f"{fb.stats.requests} requests, {fb.stats.retries} retries"
            )
            if not events:
                raise RuntimeError("expected a 429 to be retried")

        print(
            f"\nDone: {len(saved)} token(s) handed to the persistence callback, "
            f"{len(sandbox.request_log)} requests served.",
            file=out,
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``freshbooks demo`` and ``python -m freshbooks_sdk.demo`` (``--help``
    prints what it does and runs nothing)."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m freshbooks_sdk.demo",
        description=(__doc__ or "").strip().split("\n\n")[1].replace("\n", " ").replace("``", ""),
    )
    parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    return run()


if __name__ == "__main__":
    raise SystemExit(main())
