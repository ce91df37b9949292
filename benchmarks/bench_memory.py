"""Benchmark 2: peak RSS growth while iterating invoices through the paginator.

Each measurement runs in a fresh interpreter (``benchmarks._memory_child``) against the page
server: the growth is peak RSS during the iteration minus the RSS after the imports and the client
construction. A lazy paginator keeps one page in memory, so the growth must not depend on how
many invoices go by: the small and the large run must show the same growth.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from benchmarks._config import Config
from benchmarks._invoices import PER_PAGE
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
    section.verdict = "; ".join(verdicts)
    section.notes.append(
        f"a page is {page_bytes / 1024:.0f} KiB of JSON; 'growth in pages' = peak growth / that; "
        "'end-start MB' = RSS after the last page minus RSS after the first page; "
        f"{reps} fresh interpreter(s) per row. Even raw httpx + json.loads creeps up a few MB "
        "per 10x pages (glibc heap fragmentation from ~300 KiB bodies), so 'flat' means the SDK "
        f"grows no more than raw httpx between the two sizes, plus {FLAT_MB:.0f} MB"
    )
    return section
