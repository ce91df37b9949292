"""Benchmark 1: list 10,000 invoices with lines (100 pages of 100) from the loopback page server.

The floor is raw httpx + ``json.loads`` touching two fields per invoice. Every row touches the same
two fields (``id``, ``amount.amount``), except the money rows, which read every money amount. Wall time and this process's CPU time are reported as
ratios against the floor, paired run by run (the rows are interleaved in every round).
"""

from __future__ import annotations

import asyncio
import gc
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import httpx

from benchmarks import _sdk
from benchmarks._config import Config
from benchmarks._invoices import LIST_PATH, PER_PAGE
from benchmarks._measure import Row, Section, Stats, Timing, describe, ratios, timed
from benchmarks._server import PageServer

FLOOR = "raw httpx + json.loads (floor)"
SDK_SYNC = "freshbooks_sdk FreshBooks (sync)"
SDK_ASYNC = "freshbooks_sdk AsyncFreshBooks"
OFFICIAL = "official freshbooks-sdk 1.3.0"
RAW_ASYNC = "raw httpx.AsyncClient + json.loads"
SDK_NOGC = "(diagnostic) FreshBooks (sync), cyclic GC off"
SDK_MONEY = "freshbooks_sdk FreshBooks (sync), reading every money field"
RAW_MONEY = "(information) raw httpx + json.loads + Decimal() of every money field"
GOAL_SYNC = 1.25
GOAL_ASYNC = 1.4
GOAL_MONEY = 1.4


def _without_gc(fn: Callable[[], int]) -> int:
    """Run ``fn`` with the cyclic collector off: shows what the collector costs the SDK."""
    was = gc.isenabled()
    gc.disable()
    try:
        return fn()
    finally:
        if was:
            gc.enable()


def raw_walk_all_money(client: httpx.Client) -> int:
    """The floor reading every money amount as a Decimal (what the SDK's money row reads)."""
    n = 0
    page = 1
    total = Decimal(0)
    while True:
        r = client.get(LIST_PATH, params={"page": page, "per_page": PER_PAGE, "include[]": "lines"})
        result = json.loads(r.content)["response"]["result"]
        for inv in result["invoices"]:
            for name in _sdk.MONEY_FIELDS:
                money = inv.get(name)
                if money is not None:
                    total += Decimal(money["amount"])
            for line in inv["lines"]:
                total += Decimal(line["amount"]["amount"]) + Decimal(line["unit_cost"]["amount"])
            n += 1
        if page >= result["pages"]:
            return n
        page += 1


def raw_walk(client: httpx.Client) -> int:
    n = 0
    page = 1
    while True:
        r = client.get(LIST_PATH, params={"page": page, "per_page": PER_PAGE, "include[]": "lines"})
        result = json.loads(r.content)["response"]["result"]
        for inv in result["invoices"]:
            inv["id"]
            inv["amount"]["amount"]
            n += 1
        if page >= result["pages"]:
            return n
        page += 1


async def raw_walk_async(client: httpx.AsyncClient) -> int:
    n = 0
    page = 1
    while True:
        r = await client.get(
            LIST_PATH, params={"page": page, "per_page": PER_PAGE, "include[]": "lines"}
        )
        result = json.loads(r.content)["response"]["result"]
        for inv in result["invoices"]:
            inv["id"]
            inv["amount"]["amount"]
            n += 1
        if page >= result["pages"]:
            return n
        page += 1


@dataclass
class Variant:
    label: str
    run: Callable[[], int]
    close: Callable[[], None]
    timings: list[Timing] = field(default_factory=list)
    failed: str | None = None
    items: int = 0


def _nothing() -> int:
    return 0


def _broken(label: str, reason: str) -> Variant:
    return Variant(label, _nothing, lambda: None, failed=reason)


def _variants(base_url: str, loop: asyncio.AbstractEventLoop) -> list[Variant]:
    variants: list[Variant] = []

    raw = httpx.Client(base_url=base_url, headers={"Authorization": "Bearer t"})
    variants.append(Variant(FLOOR, lambda: raw_walk(raw), raw.close))

    try:
        fb = _sdk.sdk_sync(base_url)
        variants.append(Variant(SDK_SYNC, lambda: _sdk.walk_sync(fb), lambda: _sdk.close_sync(fb)))
        variants.append(Variant(SDK_MONEY, lambda: _sdk.walk_sync_all_money(fb), lambda: None))
    except Exception as exc:
        variants.append(_broken(SDK_SYNC, f"not available yet: {describe(exc)}"))
    variants.append(Variant(RAW_MONEY, lambda: raw_walk_all_money(raw), lambda: None))

    try:
        afb = loop.run_until_complete(_sdk.sdk_async(base_url))
        variants.append(
            Variant(
                SDK_ASYNC,
                lambda: loop.run_until_complete(_sdk.walk_async(afb)),
                lambda: loop.run_until_complete(_sdk.close_async(afb)),
            )
        )
    except Exception as exc:
        variants.append(_broken(SDK_ASYNC, f"not available yet: {describe(exc)}"))

    try:
        official = _sdk.official_invoices(base_url)
        variants.append(
            Variant(OFFICIAL, lambda: _sdk.official_walk(official), official.session.close)
        )
    except ImportError as exc:
        variants.append(
            _broken(OFFICIAL, f"not installed ({exc}); pip install freshbooks-sdk==1.3.0")
        )
    except Exception as exc:
        variants.append(_broken(OFFICIAL, f"failed: {describe(exc)}"))

    async def make_raw_async() -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=base_url, headers={"Authorization": "Bearer t"})

    araw = loop.run_until_complete(make_raw_async())
    variants.append(
        Variant(
            RAW_ASYNC,
            lambda: loop.run_until_complete(raw_walk_async(araw)),
            lambda: loop.run_until_complete(araw.aclose()),
        )
    )
    sync = next((v for v in variants if v.label == SDK_SYNC and v.failed is None), None)
    if sync is not None:
        walk = sync.run
        variants.append(Variant(SDK_NOGC, lambda: _without_gc(walk), lambda: None))
    return variants


def run(cfg: Config) -> Section:
    expected = cfg.list_pages * PER_PAGE
    section = Section(
        key="list",
        title=f"1. List {expected:,} invoices with lines ({cfg.list_pages} pages of 100)",
        goal=(
            "judged on client CPU time (wall time shown too): "
            f"SDK sync at most {GOAL_SYNC}x the floor and below the official SDK; "
            f"async at most {GOAL_ASYNC}x; sync reading every money field at most {GOAL_MONEY}x"
        ),
        columns=["wall s", "CPU s", "wall vs floor", "CPU vs floor", "invoices/s"],
    )
    loop = asyncio.new_event_loop()
    with PageServer(pages=cfg.list_pages) as server:
        variants = _variants(server.base_url, loop)
        for v in variants:  # warm-up: imports, connections, caches; also checks the count
            if v.failed is not None:
                continue
            try:
                v.items = v.run()
                if v.items != expected:
                    v.failed = f"returned {v.items:,} invoices, expected {expected:,}"
            except Exception as exc:
                v.failed = f"not available yet: {describe(exc)}"
        live = [v for v in variants if v.failed is None]
        for _ in range(cfg.reps):
            for v in live:
                gc.collect()  # untimed: no row pays for the garbage the row before it left
                v.timings.append(timed(v.run))
        for v in variants:
            try:
                v.close()
            except Exception:
                pass
    loop.close()

    floor = next(v for v in variants if v.label == FLOOR)
    floor_wall = [t.wall for t in floor.timings]
    floor_cpu = [t.cpu for t in floor.timings]
    wall_ratio: dict[str, Stats] = {}
    cpu_ratio: dict[str, Stats] = {}
    for v in variants:
        if v.failed is not None:
            section.skip(v.label, v.failed)
            continue
        wall = Stats.of([t.wall for t in v.timings])
        cpu = Stats.of([t.cpu for t in v.timings])
        wr = ratios([t.wall for t in v.timings], floor_wall)
        cr = ratios([t.cpu for t in v.timings], floor_cpu)
        wall_ratio[v.label] = wr
        cpu_ratio[v.label] = cr
        section.rows.append(
            Row(
                v.label,
                {
                    "wall s": wall.fmt(),
                    "CPU s": cpu.fmt(),
                    "wall vs floor": wr.ratio(),
                    "CPU vs floor": cr.ratio(),
                    "invoices/s": f"{expected / wall.median:,.0f}",
                },
                {
                    "wall_s": wall.__dict__,
                    "cpu_s": cpu.__dict__,
                    "wall_ratio": wr.__dict__,
                    "cpu_ratio": cr.__dict__,
                    "items": v.items,
                },
            )
        )

    verdicts = []
    official = cpu_ratio.get(OFFICIAL)
    goals = (
        (SDK_SYNC, GOAL_SYNC, True),
        (SDK_ASYNC, GOAL_ASYNC, False),
        (SDK_MONEY, GOAL_MONEY, False),
    )
    for label, goal, versus_official in goals:
        r = cpu_ratio.get(label)
        if r is None:
            verdicts.append(f"{label}: not measured")
            continue
        ok = r.median <= goal
        wall = wall_ratio[label].median
        text = (
            f"{label}: CPU {r.median:.2f}x floor ({'met' if ok else 'MISSED'} <= {goal}x; "
            f"wall {wall:.2f}x)"
        )
        if versus_official and official is not None:
            faster = r.median < official.median
            text += f", official {official.median:.2f}x ({'faster' if faster else 'NOT faster'})"
        verdicts.append(text)
    section.verdict = "; ".join(verdicts)
    section.notes.append(
        f"page body {server.page_bytes / 1024:.0f} KiB; server in a separate process; "
        "client CPU = time.process_time() of the benchmark process; a full collection runs "
        "untimed before every run, so no row pays for the garbage the row before it left"
    )
    section.notes.append(
        "the official SDK's resource is taken once (client.invoices builds a new "
        "requests.Session on every access); it parses JSON eagerly but wraps items lazily "
        "(dict access on attribute read), while freshbooks_sdk validates every field of every "
        "invoice and line into typed models"
    )
    section.notes.append(
        "every ratio is against the floor row (which reads two fields); the money row reads all "
        "6 invoice money fields and both lines' amount and unit_cost as Decimal (about 10 per "
        "invoice); the raw money row shows what that reading costs without the SDK"
    )
    section.notes.append(
        f"'{SDK_NOGC}' is not a way to use the SDK: it measures how much of the SDK's time "
        "goes to CPython's cyclic garbage collector (triggered by the many objects pydantic "
        "allocates per page)"
    )
    return section
