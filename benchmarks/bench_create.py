"""Benchmark 6: 1,000 invoice creates, the SDK's overhead per call over a raw httpx POST.

All rows POST to the loopback page server, which answers every create with the same
pre-rendered invoice (about 3.4 kB). The raw row builds the body with ``json.dumps``, posts it
and reads the id from ``json.loads`` of the answer; the difference per call is the SDK's cost
(input validation, body building, envelope unwrapping, model validation, retry bookkeeping).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx

from benchmarks import _sdk
from benchmarks._config import Config
from benchmarks._invoices import LIST_PATH
from benchmarks._measure import Row, Section, Stats, describe, ratios, timed
from benchmarks._server import PageServer

RAW = "raw httpx POST + json.loads (baseline)"
SDK = "freshbooks_sdk invoices.create"
OFFICIAL = "official freshbooks-sdk 1.3.0 invoices.create"


def _raw_create(client: httpx.Client) -> int:
    body = {
        "invoice": {
            "customerid": 12345,
            "create_date": "2021-04-16",
            "currency_code": "USD",
            "lines": [
                {"name": "Bowls", "qty": "1", "unit_cost": {"amount": "10.00", "code": "USD"}}
            ],
        }
    }
    r = client.post(
        LIST_PATH, content=json.dumps(body), headers={"Content-Type": "application/json"}
    )
    return int(json.loads(r.content)["response"]["result"]["invoice"]["id"])


def run(cfg: Config) -> Section:
    n = cfg.creates
    section = Section(
        key="create",
        title=f"6. {n:,} invoice creates against the loopback server",
        goal="small SDK overhead per call over a raw httpx POST",
        columns=[
            "per call us",
            "CPU per call us",
            "vs raw (wall)",
            "vs raw (CPU)",
            "overhead us/call",
        ],
    )
    variants: dict[str, Callable[[], object]] = {}
    closers: list[Callable[[], None]] = []
    skipped: dict[str, str] = {}
    with PageServer(pages=1) as server:
        raw = httpx.Client(base_url=server.base_url, headers={"Authorization": "Bearer t"})
        closers.append(raw.close)
        variants[RAW] = lambda: [_raw_create(raw) for _ in range(n)]
        try:
            fb = _sdk.sdk_sync(server.base_url)
            closers.append(lambda: _sdk.close_sync(fb))
            variants[SDK] = lambda: [_sdk.create_sync(fb) for _ in range(n)]
        except Exception as exc:
            skipped[SDK] = f"not available yet: {describe(exc)}"
        try:
            official = _sdk.official_invoices(server.base_url)
            closers.append(official.session.close)
            variants[OFFICIAL] = lambda: [_sdk.official_create(official) for _ in range(n)]
        except ImportError as exc:
            skipped[OFFICIAL] = f"not installed ({exc})"
        except Exception as exc:
            skipped[OFFICIAL] = f"failed: {describe(exc)}"
        for label, fn in list(variants.items()):  # warm-up and a correctness check
            try:
                _ = fn()
            except Exception as exc:
                skipped[label] = f"not available yet: {describe(exc)}"
                del variants[label]
        walls: dict[str, list[float]] = {k: [] for k in variants}
        cpus: dict[str, list[float]] = {k: [] for k in variants}
        for _ in range(cfg.create_reps):
            for label, fn in variants.items():
                t = timed(fn)
                walls[label].append(t.wall / n * 1e6)
                cpus[label].append(t.cpu / n * 1e6)
        for close in closers:
            try:
                close()
            except Exception:
                pass
    base, base_cpu = walls[RAW], cpus[RAW]
    verdict = ""
    for label in (RAW, SDK, OFFICIAL):
        if label in skipped:
            section.skip(label, skipped[label])
            continue
        w, c = Stats.of(walls[label]), Stats.of(cpus[label])
        r, rc = ratios(walls[label], base), ratios(cpus[label], base_cpu)
        # paired, run by run: CPU is the steadier of the two on a shared machine
        over = Stats.of([a - b for a, b in zip(cpus[label], base_cpu, strict=True)])
        section.rows.append(
            Row(
                label,
                {
                    "per call us": w.fmt("", 0),
                    "CPU per call us": c.fmt("", 0),
                    "vs raw (wall)": r.ratio(),
                    "vs raw (CPU)": rc.ratio(),
                    "overhead us/call": f"{over.median:+.0f} CPU",
                },
                {
                    "per_call_us": w.__dict__,
                    "cpu_per_call_us": c.__dict__,
                    "ratio": r.__dict__,
                    "cpu_ratio": rc.__dict__,
                    "cpu_overhead_us": over.__dict__,
                },
            )
        )
        if label == SDK:
            verdict = (
                f"SDK create costs {over.median:+.0f} us of CPU per call over raw httpx "
                f"({rc.median:.2f}x CPU, {r.median:.2f}x wall)"
            )
    section.verdict = verdict or "SDK create: not measured"
    section.notes.append(f"{cfg.create_reps} timed rounds of {n:,} creates per row, interleaved")
    return section
