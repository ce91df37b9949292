"""Benchmark 4: the poller's requests per cycle, in the in-process sandbox (no page server).

n invoices are all updated on the same (Eastern) day, so ``search[updated_min]=<that day>``
returns all n on every cycle: no poller can do with fewer than ``ceil(n / 100)`` requests per
cycle. Cycles: the first one (every invoice is new), one with no change, and one after k of the
n invoices were touched. The requests are counted by the sandbox itself (its request log), so the
SDK's own accounting is not trusted; the poller's ``activation.stats.requests`` is shown beside.
"""

from __future__ import annotations

import inspect
import math
import time
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

import httpx

from benchmarks._config import Config
from benchmarks._measure import Row, Section, describe

PER_PAGE = 100


def _call(fn: Any, **kwargs: Any) -> Any:
    """Call ``fn`` with the keyword arguments its signature accepts."""
    params = inspect.signature(fn).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return fn(**kwargs)
    return fn(**{k: v for k, v in kwargs.items() if k in params})


class _World:
    """A sandbox with n same-day invoices, an SDK client on its in-process transport."""

    def __init__(self, n: int) -> None:
        from freshbooks_sdk import FreshBooks
        from freshbooks_sdk.sandbox import Sandbox
        from freshbooks_sdk.sandbox.clock import FakeClock

        self.clock = FakeClock()  # 2024-03-15 14:00 UTC, 10:00 EDT
        self.sb = Sandbox(clock=self.clock)
        self.account = self.sb.account_ids[0]
        client = self.sb.create(self.account, "clients", {"fname": "Ada", "email": "ada@x.test"})
        self.ids = [
            self.sb.create(
                self.account,
                "invoices",
                {
                    "customerid": client["id"],
                    "create_date": "2024-03-15",
                    "currency_code": "USD",
                    "lines": [{"name": "Design", "qty": "1", "unit_cost": {"amount": "10.00"}}],
                },
            )["id"]
            for _ in range(n)
        ]
        self.clock.advance(600)  # past the poller's safety margin
        self.http = httpx.Client(transport=self.sb.transport(), base_url="https://api.test")
        self.fb = FreshBooks(
            access_token=self.sb.issue_token(),
            account_id=self.account,
            base_url="https://api.test",
            http_client=self.http,
            clock=self.clock,
            sleep=self.clock.advance,
        )

    def day_filter_total(self, day: str, vis_state: str | None) -> int:
        """What ``search[updated_min]=day`` returns (asked directly, outside the counted cycle)."""
        params = {"search[updated_min]": day, "per_page": "1"}
        if vis_state is not None:
            params["search[vis_state]"] = vis_state
        token = self.sb.issue_token()
        r = self.http.get(
            f"/accounting/account/{self.account}/invoices/invoices",
            params=params,
            headers={"Authorization": f"Bearer {token}"},
        )
        return int(r.json()["response"]["result"]["total"])


def _cycle(world: _World, poller: Any) -> dict[str, Any]:
    before = len(world.sb.request_log)
    c0 = time.process_time()
    activation = poller.poll_once()
    cpu = time.process_time() - c0
    logged = world.sb.request_log[before:]
    listings = [r for r in logged if r.path.endswith("/invoices/invoices")]
    days = sorted(
        {unquote(v) for r in listings for k, v in r.query if unquote(k) == "search[updated_min]"}
    )
    vis = sorted(
        {unquote(v) for r in listings for k, v in r.query if unquote(k) == "search[vis_state]"}
    )
    minimum = 0
    for day in days or ["?"]:
        for state in [None, *vis] if vis else [None]:
            total = world.day_filter_total(day, state) if day != "?" else 0
            minimum += max(1, math.ceil(total / PER_PAGE))
    stats = getattr(activation, "stats", None)
    out = {
        "requests": len(logged),
        "sdk_requests": getattr(stats, "requests", None),
        "items": len(activation.items),
        "minimum": minimum,
        "days": days,
        "vis_states": vis,
        "cpu_ms": cpu * 1000,
    }
    activation.ack()
    return out


def _scenario(n: int, k: int, include_deleted: bool = False) -> list[tuple[str, dict[str, Any]]]:
    world = _World(n)
    poller = _call(
        world.fb.invoices.poll,
        start=timedelta(hours=1),
        store=None,
        interval=300.0,
        include_deleted=include_deleted,
        clock=world.clock,
        sleep=world.clock.advance,
    )
    tag = f"n={n}" + (", include_deleted" if include_deleted else "")
    rows = [(f"{tag}: first cycle (all {n} new)", _cycle(world, poller))]
    world.clock.advance(300)
    rows.append((f"{tag}: no change", _cycle(world, poller)))
    world.clock.advance(60)
    for invoice_id in world.ids[:: max(1, n // k)][:k]:
        world.sb.touch_invoice(world.account, invoice_id)
    world.clock.advance(600)
    rows.append((f"{tag}: {k} changed", _cycle(world, poller)))
    world.http.close()
    return rows


def run(cfg: Config) -> Section:
    section = Section(
        key="poller",
        title="4. Poller: requests per cycle, n invoices updated the same day (sandbox)",
        goal="requests per cycle = the minimum the day-granular filter allows: ceil(returned / 100)",
        columns=["requests", "minimum", "items", "updated_min", "cycle CPU ms"],
    )
    scenarios = [(cfg.poll_invoices, False)]
    if not cfg.quick:
        scenarios += [(1000, False), (cfg.poll_invoices, True)]
    verdicts: list[str] = []
    for n, deleted in scenarios:
        try:
            rows = _scenario(n, cfg.poll_changes, deleted)
        except Exception as exc:
            tag = f"n={n}" + (", include_deleted" if deleted else "")
            section.skip(tag, f"not available yet: {describe(exc)}")
            continue
        for label, r in rows:
            extra = f" + vis_state={','.join(r['vis_states'])}" if r["vis_states"] else ""
            section.rows.append(
                Row(
                    label,
                    {
                        "requests": f"{r['requests']}"
                        + (
                            f" (SDK says {r['sdk_requests']})"
                            if r["sdk_requests"] not in (None, r["requests"])
                            else ""
                        ),
                        "minimum": str(r["minimum"]),
                        "items": str(r["items"]),
                        "updated_min": ",".join(r["days"]) + extra,
                        "cycle CPU ms": f"{r['cpu_ms']:.0f}",
                    },
                    r,
                )
            )
            if r["requests"] > r["minimum"]:
                verdicts.append(f"{label}: {r['requests']} > minimum {r['minimum']}")
    if not any(row.skipped is None for row in section.rows):
        section.verdict = "poller: not measured"
    else:
        section.verdict = (
            "every cycle at the minimum (met)"
            if not verdicts
            else "; ".join(verdicts) + " (MISSED)"
        )
    section.notes.append(
        "the sandbox counts the requests (its request log); the minimum is computed per listing "
        "the poller issued (the active listing, plus the deleted one with include_deleted: "
        "at least one request each), from the totals the same filters return; cycle CPU is "
        "the client and the in-process sandbox together (about half is the sandbox)"
    )
    return section
