"""Benchmark 2: peak RSS growth while iterating invoices through the paginator.

Each measurement runs in a fresh interpreter (``benchmarks._memory_child``) against the page
server: the growth is peak RSS during the iteration minus the RSS after the imports and the client
construction. A lazy paginator keeps one page in memory, so the growth must not depend on how
many invoices go by: the small and the large run must show the same growth.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from typing import Any

import httpx

from benchmarks import _before, _sdk
from benchmarks._config import Config
from benchmarks._invoices import LIST_PATH, PER_PAGE, render_page
from benchmarks._measure import Row, Section, Stats
from benchmarks._report import HERE
from benchmarks._server import PageServer

MB = 1024 * 1024
MODES = {
    "raw": "raw httpx + json.loads (one page held)",
    "sdk": "freshbooks_sdk FreshBooks paginator",
    "sdk-async": "freshbooks_sdk AsyncFreshBooks paginator",
}
FLAT_MB = 5.0  # large-run growth may exceed the small-run growth by at most this


def _child(mode: str, base_url: str) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks._memory_child", "--mode", mode, "--base-url", base_url],
        cwd=HERE.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"child exited {proc.returncode}: {tail}"}
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def _held_per_invoice(pages: list[bytes], decode: Callable[[bytes], list[Any]]) -> float:
    """Bytes still allocated per invoice once every invoice of ``pages`` is kept (tracemalloc)."""
    decode(pages[0])  # warm-up: schemas built, offset tables filled
    gc.collect()
    tracemalloc.start()
    try:
        kept: list[Any] = []
        for page in pages:
            kept.extend(decode(page))
        gc.collect()
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return held / len(kept)


def _held_rows(n_pages: int) -> list[tuple[str, float]]:
    from freshbooks_sdk._core.envelope import decode
    from freshbooks_sdk.models import InvoiceListResponse

    pages = [render_page(p, n_pages) for p in range(1, n_pages + 1)]
    before = _before.list_model(money=True, decimal=True, eastern=True)

    def read_all(page: bytes) -> list[Any]:
        invoices = decode(InvoiceListResponse, page).response.result.invoices
        for inv in invoices:
            for name in _sdk.MONEY_FIELDS:
                money = getattr(inv, name)
                if money is not None:
                    money.amount  # noqa: B018 - builds the lazily kept Decimal
            for line in inv.lines or ():
                line.amount.amount  # noqa: B018
                line.unit_cost.amount  # noqa: B018
        return invoices  # type: ignore[no-any-return]

    return [
        (
            "json.loads dicts",
            _held_per_invoice(pages, lambda p: json.loads(p)["response"]["result"]["invoices"]),
        ),
        (
            "freshbooks_sdk models",
            _held_per_invoice(
                pages, lambda p: decode(InvoiceListResponse, p).response.result.invoices
            ),
        ),
        ("freshbooks_sdk models, every money amount read", _held_per_invoice(pages, read_all)),
        (
            "models before issue 12 (BaseModel Money)",
            _held_per_invoice(
                pages, lambda p: before.model_validate_json(p).response.result.invoices
            ),  # type: ignore[attr-defined]
        ),
    ]


def _invoices_alive_at_fetch(n_pages: int) -> int:
    """Most Invoice objects alive while the paginator fetches a page (after the first)."""
    from freshbooks_sdk.models import Invoice

    pages = {p: render_page(p, n_pages) for p in range(1, n_pages + 1)}
    most = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal most
        number = int(request.url.params.get("page", "1"))
        if number > 1:
            most = max(most, sum(1 for o in gc.get_objects() if type(o) is Invoice))
        return httpx.Response(200, content=pages.get(number, render_page(number, n_pages)))

    with httpx.Client(transport=httpx.MockTransport(handler), base_url="http://bench") as http:
        fb = _sdk.sdk_sync("http://bench", http_client=http)
        for inv in fb.invoices.list(include_lines=True, per_page=PER_PAGE):
            inv.id  # noqa: B018
    assert LIST_PATH  # the same listing path the page server serves
    return most


def run(cfg: Config) -> Section:
    sizes = (cfg.mem_small, cfg.mem_large)
    reps = 1 if cfg.quick else 3
    section = Section(
        key="memory",
        title=f"2. Memory: peak RSS growth iterating {sizes[0]:,} vs {sizes[1]:,} invoices",
        goal="flat: the growth does not rise with the number of invoices",
        columns=["invoices", "baseline MB", "peak growth MB", "growth in pages", "end-start MB"],
    )
    growth: dict[tuple[str, int], Stats] = {}
    runs: dict[tuple[str, int], list[dict[str, Any]]] = {}
    errors: dict[str, str] = {}
    page_bytes = 0
    for size in sizes:
        with PageServer(pages=size // PER_PAGE) as server:
            page_bytes = server.page_bytes
            for _ in range(reps):
                for mode in MODES:
                    if mode in errors:
                        continue
                    out = _child(mode, server.base_url)
                    if "error" in out:
                        errors[mode] = out["error"]
                        continue
                    if out["items"] != size:
                        errors[mode] = f"iterated {out['items']:,} invoices, expected {size:,}"
                        continue
                    runs.setdefault((mode, size), []).append(out)
    for mode, label in MODES.items():
        if mode in errors:
            section.skip(label, errors[mode])
            continue
        for size in sizes:
            outs = runs.get((mode, size), [])
            if not outs:
                continue
            g = Stats.of([o["growth"] / MB for o in outs])
            base = Stats.of([o["baseline"] / MB for o in outs])
            drift = Stats.of([(o["end_rss"] - o["first_page_rss"]) / MB for o in outs])
            growth[(mode, size)] = g
            section.rows.append(
                Row(
                    label,
                    {
                        "invoices": f"{size:,}",
                        "baseline MB": f"{base.median:.1f}",
                        "peak growth MB": g.fmt(digits=1),
                        "growth in pages": f"{g.median * MB / page_bytes:.1f}",
                        "end-start MB": drift.fmt(digits=1),
                    },
                    {"size": size, "runs": outs, "growth_mb": g.__dict__},
                )
            )
    verdicts = []
    raw_small, raw_large = growth.get(("raw", sizes[0])), growth.get(("raw", sizes[1]))
    raw_delta = raw_large.median - raw_small.median if raw_small and raw_large else 0.0
    for mode in ("sdk", "sdk-async"):
        small, large = growth.get((mode, sizes[0])), growth.get((mode, sizes[1]))
        if small is None or large is None:
            verdicts.append(f"{MODES[mode]}: not measured")
            continue
        delta = large.median - small.median
        excess = delta - raw_delta
        flat = excess <= FLAT_MB
        verdicts.append(
            f"{MODES[mode]}: {small.median:.1f} MB -> {large.median:.1f} MB "
            f"({delta:+.1f} MB for {sizes[1] // sizes[0]}x the invoices, raw httpx {raw_delta:+.1f} MB: "
            f"{'flat, met' if flat else 'GROWS, missed'})"
        )
    alive = _invoices_alive_at_fetch(4 if cfg.quick else 10)
    verdicts.append(
        f"invoices alive while the next page is fetched: {alive} "
        f"({'one page at a time, met' if alive <= PER_PAGE else 'MORE than one page, missed'}; "
        "the caller's loop variable holds the last invoice of the page before)"
    )
    n_held = 10 if cfg.quick else 100
    held = _held_rows(n_held)
    base_held = held[0][1]
    for label, per in held:
        section.rows.append(
            Row(
                f"held, {n_held * PER_PAGE:,} invoices kept: {label}",
                {
                    "invoices": f"{n_held * PER_PAGE:,}",
                    "peak growth MB": f"{per / 1024:.1f} KB/invoice",
                },
                {
                    "bytes_per_invoice": per,
                    "vs_json": per / base_held,
                    "note": f"{per / base_held:.2f}x json.loads",
                },
            )
        )
    section.verdict = "; ".join(verdicts)
    section.notes.append(
        "'held' rows: bytes still allocated per invoice (tracemalloc, after gc.collect()) once "
        "every invoice of the listing is kept in a list, in this process; the page bytes "
        "themselves are not kept. A Money amount is a Decimal from the start, so the 'every "
        "money amount read' row checks that reading allocates nothing more"
    )
    section.notes.append(
        f"a page is {page_bytes / 1024:.0f} KiB of JSON; 'growth in pages' = peak growth / that; "
        "'end-start MB' = RSS after the last page minus RSS after the first page; "
        f"{reps} fresh interpreter(s) per row. Even raw httpx + json.loads creeps up a few MB "
        "per 10x pages (glibc heap fragmentation from ~300 KiB bodies), so 'flat' means the SDK "
        f"grows no more than raw httpx between the two sizes, plus {FLAT_MB:.0f} MB"
    )
    return section
