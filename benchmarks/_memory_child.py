"""One memory measurement in a fresh interpreter (run by ``bench_memory``; prints one JSON line).

Baseline: RSS after the imports and the client construction (and a ``gc.collect()``). Peak: the
highest of the RSS sampled at every page boundary and, when it rose during the iteration,
``ru_maxrss`` (which catches spikes between two samples).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import resource
import sys
from typing import Any

import httpx

from benchmarks import _sdk
from benchmarks._invoices import LIST_PATH, PER_PAGE
from benchmarks._measure import describe

try:
    import psutil  # type: ignore[import-untyped]  # no stubs installed; only memory_info() is used

    _proc = psutil.Process()

    def _rss() -> int:
        return int(_proc.memory_info().rss)

except ImportError:  # the bench extra is missing: read /proc (Linux) instead
    _PAGE = os.sysconf("SC_PAGE_SIZE")

    def _rss() -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * _PAGE


def _maxrss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


class Probe:
    def __init__(self) -> None:
        gc.collect()
        self.baseline = _rss()
        self.maxrss_before = _maxrss()
        self.peak = self.baseline
        self.first_page_rss = 0
        self.n = 0

    def tick(self) -> None:
        self.n += 1
        if self.n % PER_PAGE == 0:
            rss = _rss()
            if self.n == PER_PAGE:
                self.first_page_rss = rss
            if rss > self.peak:
                self.peak = rss

    def result(self) -> dict[str, Any]:
        maxrss = _maxrss()
        peak = max(self.peak, maxrss if maxrss > self.maxrss_before else 0)
        return {
            "items": self.n,
            "baseline": self.baseline,
            "peak": peak,
            "growth": peak - self.baseline,
            "sampled_peak": self.peak,
            "maxrss": maxrss,
            "first_page_rss": self.first_page_rss,
            "end_rss": _rss(),
        }


def run_raw(base_url: str) -> dict[str, Any]:
    client = httpx.Client(base_url=base_url, headers={"Authorization": "Bearer t"})
    probe = Probe()
    page = 1
    while True:
        r = client.get(LIST_PATH, params={"page": page, "per_page": PER_PAGE, "include[]": "lines"})
        result = json.loads(r.content)["response"]["result"]
        pages = int(result["pages"])
        for inv in result["invoices"]:
            inv["id"]
            inv["amount"]["amount"]
            probe.tick()
        del r, result
        if page >= pages:
            return probe.result()
        page += 1


def run_sdk(base_url: str) -> dict[str, Any]:
    fb = _sdk.sdk_sync(base_url)
    probe = Probe()
    for inv in fb.invoices.list(include_lines=True, per_page=100):
        inv.id  # noqa: B018
        inv.amount.amount  # noqa: B018
        probe.tick()
    return probe.result()


async def run_sdk_async(base_url: str) -> dict[str, Any]:
    afb = await _sdk.sdk_async(base_url)
    probe = Probe()
    async for inv in afb.invoices.list(include_lines=True, per_page=100):
        inv.id  # noqa: B018
        inv.amount.amount  # noqa: B018
        probe.tick()
    out = probe.result()
    await _sdk.close_async(afb)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["raw", "sdk", "sdk-async"], required=True)
    parser.add_argument("--base-url", required=True)
    args = parser.parse_args()
    try:
        if args.mode == "raw":
            out = run_raw(args.base_url)
        elif args.mode == "sdk":
            out = run_sdk(args.base_url)
        else:
            out = asyncio.run(run_sdk_async(args.base_url))
    except Exception as exc:
        out = {"error": f"not available yet: {describe(exc)}"}
    print(json.dumps(out), flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
