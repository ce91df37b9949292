"""Benchmark 9: the SDK's HTTP path alone, from "a page is asked for" to "bytes reach the decoder".

The same 100 pages of 306 KiB (the loopback page server of benchmark 1) are fetched, and every
body is handed to the same trivial decoder (``json.loads``), two ways:

- **raw**: ``httpx.Client.get(url).content`` (``httpx.AsyncClient`` for the async rows), the
  page loop written by hand;
- **SDK**: the client's HTTP core (auth header, options, rate gate hook, retry/attempt loop,
  per-attempt deadline, bounded body reading, redaction hooks) under the SDK's paginator (page
  walk checks, ``PageInfo``), with ``json.loads`` as the decoder instead of the typed models.

What is left between the two is the SDK's transport overhead per page, separate from the cost
of typed decoding that benchmark 1 adds on top. Client CPU time (``process_time``) and wall time
are reported as ratios against the raw row of the same side, paired round by round (the rows
are interleaved in every round); median and min-max over the rounds.
"""

from __future__ import annotations

import asyncio
import gc
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from benchmarks import _sdk
from benchmarks._config import Config
from benchmarks._invoices import LIST_PATH, PER_PAGE
from benchmarks._measure import Row, Section, Stats, Timing, describe, ratios, timed
from benchmarks._server import PageServer

RAW_SYNC = "raw httpx.Client .get().content + json.loads (baseline, sync)"
SDK_SYNC = "SDK HTTP path + paginator + json.loads (sync)"
RAW_SYNC_BYTES = "raw httpx.Client .get().content, bytes only (baseline, sync)"
SDK_SYNC_BYTES = "SDK HTTP core .call(), bytes only, no paginator (sync)"
RAW_ASYNC = "raw httpx.AsyncClient .get().content + json.loads (baseline, async)"
SDK_ASYNC = "SDK HTTP path + paginator + json.loads (async)"
RAW_ASYNC_BYTES = "raw httpx.AsyncClient .get().content, bytes only (baseline, async)"
SDK_ASYNC_BYTES = "SDK HTTP core .call(), bytes only, no paginator (async)"
BASELINE = {
    SDK_SYNC: RAW_SYNC,
    SDK_SYNC_BYTES: RAW_SYNC_BYTES,
    SDK_ASYNC: RAW_ASYNC,
    SDK_ASYNC_BYTES: RAW_ASYNC_BYTES,
}
GOAL = 1.10
MIN_ROUNDS = 9


def _params(page: int) -> dict[str, Any]:
    return {"page": page, "per_page": PER_PAGE, "include[]": "lines"}


def raw_walk(client: httpx.Client) -> int:
    n = 0
    page = 1
    while True:
        result = json.loads(client.get(LIST_PATH, params=_params(page)).content)["response"][
            "result"
        ]
        n += len(result["invoices"])
        if page >= result["pages"]:
            return n
        page += 1


async def raw_walk_async(client: httpx.AsyncClient) -> int:
    n = 0
    page = 1
    while True:
        response = await client.get(LIST_PATH, params=_params(page))
        result = json.loads(response.content)["response"]["result"]
        n += len(result["invoices"])
        if page >= result["pages"]:
            return n
        page += 1


def raw_bytes(client: httpx.Client, pages: int) -> int:
    return sum(len(client.get(LIST_PATH, params=_params(n)).content) for n in range(1, pages + 1))


async def raw_bytes_async(client: httpx.AsyncClient, pages: int) -> int:
    n = 0
    for page in range(1, pages + 1):
        n += len((await client.get(LIST_PATH, params=_params(page))).content)
    return n


def _bytes(content: bytes, status_code: int = 200, response: Any = None) -> bytes:
    return content


def _json_page(content: bytes, status_code: int = 200, response: Any = None) -> Any:
    """The trivial decoder on the SDK side: ``json.loads`` plus the page numbers the paginator
    needs (the items stay plain dicts)."""
    from freshbooks_sdk._core.pages import Page, PageInfo

    result = json.loads(content)["response"]["result"]
    items = result["invoices"]
    info = PageInfo(result["page"], result["pages"], result["per_page"], result["total"])
    return Page(items=items, info=info)


def _spec(page: int, per_page: int) -> Any:
    from freshbooks_sdk._core.envelope import RequestSpec
    from freshbooks_sdk._core.query import build_query

    return RequestSpec.get(LIST_PATH, build_query(include=("lines",), page=page, per_page=per_page))


def sdk_walk(fb: Any) -> int:
    """Every page through the sync client's HTTP core and paginator, decoded by ``json.loads``."""
    from freshbooks_sdk._sync.pagination import Paginator

    core = fb._core

    def fetch(page: int, per_page: int) -> Any:
        return core.call(_spec(page, per_page), _json_page)

    return sum(len(page.items) for page in Paginator(fetch, per_page=PER_PAGE).iter_pages())


def sdk_bytes(fb: Any, pages: int) -> int:
    """Every page's bytes through ``core.call`` in a plain loop (no paginator, no decoding)."""
    core = fb._core
    return sum(len(core.call(_spec(n, PER_PAGE), _bytes)) for n in range(1, pages + 1))


async def sdk_bytes_async(afb: Any, pages: int) -> int:
    core = afb._core
    n = 0
    for page in range(1, pages + 1):
        n += len(await core.call(_spec(page, PER_PAGE), _bytes))
    return n


async def sdk_walk_async(afb: Any) -> int:
    from freshbooks_sdk._async.pagination import AsyncPaginator

    core = afb._core

    async def fetch(page: int, per_page: int) -> Any:
        return await core.call(_spec(page, per_page), _json_page)

    n = 0
    async for page in AsyncPaginator(fetch, per_page=PER_PAGE).iter_pages():
        n += len(page.items)
    return n


@dataclass
class Variant:
    label: str
    run: Callable[[], int]
    close: Callable[[], None]
    timings: list[Timing] = field(default_factory=list)
    failed: str | None = None
    expect_bytes: bool = False


def _variants(base_url: str, pages: int, loop: asyncio.AbstractEventLoop) -> list[Variant]:
    variants: list[Variant] = []
    raw = httpx.Client(base_url=base_url, headers={"Authorization": "Bearer t"})
    variants.append(Variant(RAW_SYNC, lambda: raw_walk(raw), raw.close))
    variants.append(
        Variant(RAW_SYNC_BYTES, lambda: raw_bytes(raw, pages), lambda: None, expect_bytes=True)
    )
    try:
        fb = _sdk.sdk_sync(base_url)
        variants.append(Variant(SDK_SYNC, lambda: sdk_walk(fb), lambda: _sdk.close_sync(fb)))
        variants.append(
            Variant(SDK_SYNC_BYTES, lambda: sdk_bytes(fb, pages), lambda: None, expect_bytes=True)
        )
    except Exception as exc:
        variants.append(Variant(SDK_SYNC, lambda: 0, lambda: None, failed=describe(exc)))

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
    variants.append(
        Variant(
            RAW_ASYNC_BYTES,
            lambda: loop.run_until_complete(raw_bytes_async(araw, pages)),
            lambda: None,
            expect_bytes=True,
        )
    )
    try:
        afb = loop.run_until_complete(_sdk.sdk_async(base_url))
        variants.append(
            Variant(
                SDK_ASYNC,
                lambda: loop.run_until_complete(sdk_walk_async(afb)),
                lambda: loop.run_until_complete(_sdk.close_async(afb)),
            )
        )
        variants.append(
            Variant(
                SDK_ASYNC_BYTES,
                lambda: loop.run_until_complete(sdk_bytes_async(afb, pages)),
                lambda: None,
                expect_bytes=True,
            )
        )
    except Exception as exc:
        variants.append(Variant(SDK_ASYNC, lambda: 0, lambda: None, failed=describe(exc)))
    return variants


def run(cfg: Config) -> Section:
    pages = cfg.list_pages
    expected = pages * PER_PAGE
    rounds = max(cfg.reps, 3 if cfg.quick else MIN_ROUNDS)
    section = Section(
        key="transport",
        title=f"9. The HTTP path alone: {pages} pages of 100 invoices, json.loads as decoder",
        goal=(
            f"client CPU of the SDK's HTTP path + paginator at most {GOAL}x raw httpx "
            "(same decoder), sync and async"
        ),
        columns=["CPU s", "CPU vs raw", "wall vs raw", "CPU ms/page over raw"],
    )
    loop = asyncio.new_event_loop()
    with PageServer(pages=pages) as server:
        variants = _variants(server.base_url, pages, loop)
        body_bytes: int | None = None  # what the raw bytes row read: the SDK must read as much
        for v in variants:  # warm-up (imports, connections) and the count check
            if v.failed is not None:
                continue
            try:
                got = v.run()
                want = expected
                if v.expect_bytes:
                    body_bytes = got if body_bytes is None else body_bytes
                    want = body_bytes
                if got != want:
                    v.failed = f"returned {got:,}, expected {want:,}"
            except Exception as exc:
                v.failed = describe(exc)
        live = [v for v in variants if v.failed is None]
        for _ in range(rounds):
            for v in live:
                # Garbage left by the row before is collected first, untimed: no row pays for
                # another's (raw httpx leaves every response in a reference cycle, the SDK none).
                gc.collect()
                v.timings.append(timed(v.run))
        for v in variants:
            try:
                v.close()
            except Exception:
                pass
    loop.close()

    by_label = {v.label: v for v in variants}
    cpu_ratio: dict[str, Stats] = {}
    for v in variants:
        if v.failed is not None:
            section.skip(v.label, v.failed)
            continue
        cpu = Stats.of([t.cpu for t in v.timings])
        cells = {"CPU s": cpu.fmt()}
        data: dict[str, Any] = {"cpu_s": cpu.__dict__}
        base = by_label.get(BASELINE.get(v.label, v.label))
        if base is not None and base.failed is None:
            cr = ratios([t.cpu for t in v.timings], [t.cpu for t in base.timings])
            wr = ratios([t.wall for t in v.timings], [t.wall for t in base.timings])
            extra = Stats.of(
                [
                    (t.cpu - b.cpu) * 1000 / pages
                    for t, b in zip(v.timings, base.timings, strict=True)
                ]
            )
            cells["CPU vs raw"] = cr.ratio()
            cells["wall vs raw"] = wr.ratio()
            cells["CPU ms/page over raw"] = extra.fmt(digits=3)
            data.update(cpu_ratio=cr.__dict__, wall_ratio=wr.__dict__, extra_ms=extra.__dict__)
            if v.label != base.label:
                cpu_ratio[v.label] = cr
        section.rows.append(Row(v.label, cells, data))

    verdicts = []
    for label in (SDK_SYNC, SDK_ASYNC, SDK_SYNC_BYTES, SDK_ASYNC_BYTES):
        r = cpu_ratio.get(label)
        if r is None:
            verdicts.append(f"{label}: not measured")
        else:
            verdicts.append(
                f"{label}: CPU {r.median:.2f}x raw "
                f"({'met' if r.median <= GOAL else 'MISSED'} <= {GOAL}x)"
            )
    section.verdict = "; ".join(verdicts)
    section.notes.append(
        f"page body {server.page_bytes / 1024:.0f} KiB, identity encoding with Content-Length; "
        f"server in a separate process; {rounds} rounds, rows interleaved in every round; "
        "ratios paired round by round; gc.collect() (untimed) before every run"
    )
    return section
