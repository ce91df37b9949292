"""Benchmark 7: what each speed lever of issue 12 gives, one at a time, in one run.

The same pages (100 invoices with lines each, distinct timestamps) are validated in this process
by the SDK's models as they are now, by variants with one lever put back the way it was before
(``_before.py``), and by all of them put back; ``json.loads`` of the same bytes is the baseline.
Rows run interleaved, round by round; figures are CPU microseconds per invoice and ratios paired
round by round. "gain" is (the variant) / (now): how much slower the SDK would be without that
lever. The decode of a page includes the cyclic collector's work it triggers. The "SDK walk" row
is what the paginator does: the page is checked whole and each item made as it is handed out,
then dropped (its gain is "now", the page made whole, over it).
"""

from __future__ import annotations

import gc
import importlib
import importlib.machinery
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from benchmarks import _before
from benchmarks._config import Config
from benchmarks._invoices import PER_PAGE, render_page
from benchmarks._measure import Row, Section, Stats, ratios

BASE = "json.loads (baseline)"
NOW = "SDK models now (every lever)"
PYDANTIC = "without: the fast reader (pydantic reads every page)"
BEFORE = "before issue 12 (every lever put back)"
NOW_MONEY = "SDK models now, reading every money field"
LAZY_READING = "with: the amount kept as text, reading every money field (gain vs the row above)"
ONE_AT_A_TIME = "SDK walk: page checked whole, items made one at a time (gain: 'now' / this)"


def _decode_now() -> Callable[[bytes], Any]:
    from freshbooks_sdk._core.envelope import decode
    from freshbooks_sdk.models import InvoiceListResponse

    def run(content: bytes) -> Any:
        return decode(InvoiceListResponse, content)

    return run


def _walk_now() -> Callable[[bytes], Any]:
    """What the paginator does with a page: check it whole, make each item as it is taken."""
    from freshbooks_sdk._core.envelope import listing
    from freshbooks_sdk.models import InvoiceListResponse

    lazily = listing(InvoiceListResponse, "invoices").lazily

    def run(content: bytes) -> Any:
        fetched = lazily(content)
        for item in fetched:
            del item  # handed out, used, dropped: the next one is made after
        return fetched

    return run


def _decode_with(model: Any, *, paused: bool = False, scan: bool = True) -> Callable[[bytes], Any]:
    """decode() as it was: validate, then scan the bytes for "errors" (and maybe pause the GC)."""

    def run(content: bytes) -> Any:
        result = model.model_validate_json(content)
        if scan and b'"errors"' in content:
            json.loads(content)
        return result

    return _before.with_collector_paused(run) if paused else run


def _variants() -> dict[str, tuple[Callable[[bytes], Any], str]]:
    now = _decode_now()
    return {
        BASE: (json.loads, ""),
        NOW: (now, ""),
        ONE_AT_A_TIME: (_walk_now(), "items one at a time"),
        PYDANTIC: (_decode_with(_current_list_model(), scan=False), "fast reader"),
        "without: Money as a value (BaseModel Money), pydantic path": (
            _decode_with(_before.list_model(money=True)),
            "Money",
        ),
        "without: left-to-right Decimal (union + decimal_schema), pydantic path": (
            _decode_with(_before.list_model(decimal=True)),
            "Decimal",
        ),
        "without: Eastern fast path (regex + zoneinfo + lru_cache), pydantic path": (
            _decode_with(_before.list_model(eastern=True)),
            "Eastern",
        ),
        "with: the first pass's error shortcuts (dict_type, invalid_decimal), pydantic path": (
            _decode_with(_before.list_model(shortcuts=True), scan=False),
            "exact errors",
        ),
        "with: the money amount kept as text until read (first pass), pydantic path": (
            _decode_with(_before.list_model(lazy_amount=True), scan=False),
            "Decimal slot",
        ),
        NOW_MONEY: (_reading_money(now), ""),
        LAZY_READING: (
            _reading_money(_decode_with(_before.list_model(lazy_amount=True), scan=False)),
            "",
        ),
        "without: GC untouched (GC paused per page)": (
            _before.with_collector_paused(now),
            "GC pause",
        ),
        BEFORE: (
            _decode_with(
                _before.list_model(money=True, decimal=True, eastern=True), paused=True, scan=True
            ),
            "",
        ),
    }


def _current_list_model() -> Any:
    from freshbooks_sdk.models import InvoiceListResponse

    return InvoiceListResponse


def _reading_money(decode: Callable[[bytes], Any]) -> Callable[[bytes], Any]:
    def run(content: bytes) -> Any:
        page = decode(content)
        _touch_all_money(page)
        return page

    return run


def _touch_all_money(page: Any) -> None:
    for inv in page.response.result.invoices:
        for name in ("amount", "paid", "outstanding", "discount_total", "deposit_amount"):
            money = getattr(inv, name)
            if money is not None:
                money.amount  # noqa: B018 - reading is the point
        for line in inv.lines or ():
            line.amount.amount  # noqa: B018
            line.unit_cost.amount  # noqa: B018


def _errors_check_us(pages: list[bytes]) -> tuple[float, float]:
    """Microseconds per page: the byte scan vs reading response.errors from the envelope."""
    from freshbooks_sdk._core.envelope import _carries_errors
    from freshbooks_sdk.models import InvoiceListResponse

    envs = [InvoiceListResponse.model_validate_json(p) for p in pages]
    reps = 20
    t0 = time.perf_counter()
    for _ in range(reps):
        for p in pages:
            _ = b'"errors"' in p
    scan = (time.perf_counter() - t0) / (reps * len(pages)) * 1e6
    t0 = time.perf_counter()
    for _ in range(reps):
        for env, p in zip(envs, pages, strict=True):
            _carries_errors(env, p)
    model = (time.perf_counter() - t0) / (reps * len(pages)) * 1e6
    return scan, model


def tracked_per_invoice(decode: Callable[[bytes], Any], page: bytes) -> tuple[float, str]:
    """GC-tracked objects that one decoded page keeps alive, per invoice, by type."""
    gc.collect()
    before = {id(o) for o in gc.get_objects()}
    result = decode(page)
    kept = [o for o in gc.get_objects() if id(o) not in before and o is not result]
    by_type: dict[str, int] = {}
    for obj in kept:
        by_type[type(obj).__name__] = by_type.get(type(obj).__name__, 0) + 1
    del result, kept
    top = sorted(by_type.items(), key=lambda kv: -kv[1])[:6]
    return (
        sum(by_type.values()) / PER_PAGE,
        ", ".join(f"{name} {count / PER_PAGE:.1f}" for name, count in top),
    )


class _SniffioAbsent:
    """A meta-path finder that makes ``import sniffio`` cost what it costs when sniffio is not
    installed: the same ``sys.path`` scan (for a name nothing provides), then ImportError."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> None:
        if name == "sniffio":
            importlib.machinery.PathFinder.find_spec("sniffio_absent_probe")
            raise ModuleNotFoundError("No module named 'sniffio'", name="sniffio")
        return None


def _async_request_us(rounds: int, requests: int) -> tuple[Stats, Stats, Stats]:
    """Client CPU per async page request (10 invoices), sniffio absent (emulated) vs present,
    interleaved round by round against the loopback page server."""
    import asyncio

    from benchmarks import _sdk
    from benchmarks._server import PageServer

    absent: list[float] = []
    present: list[float] = []

    async def walk(base_url: str) -> None:
        client = await _sdk.sdk_async(base_url)
        try:
            for _ in range(10):  # connection opened, envelopes built
                await _sdk.page_async(client, 1)
            for _ in range(rounds):
                for times, hide in ((absent, True), (present, False)):
                    finder = _SniffioAbsent()
                    if hide:
                        sys.modules.pop("sniffio", None)
                        sys.meta_path.insert(0, finder)
                    try:
                        c0 = time.process_time()
                        for i in range(requests):
                            await _sdk.page_async(client, 1 + i % 20)
                        times.append((time.process_time() - c0) / requests * 1e6)
                    finally:
                        if hide:
                            sys.meta_path.remove(finder)
                            importlib.import_module("sniffio")
        finally:
            await _sdk.close_async(client)

    with PageServer(pages=20, items_per_page=10) as server:
        asyncio.run(walk(server.base_url))
    return Stats.of(absent), Stats.of(present), ratios(absent, present)


def run(cfg: Config) -> Section:
    n_pages = 4 if cfg.quick else 20
    pages = [render_page(p, n_pages) for p in range(1, n_pages + 1)]
    invoices = n_pages * PER_PAGE
    section = Section(
        key="levers",
        title=f"7. Levers: validating {invoices:,} invoices in-process, one lever at a time",
        goal="information: what each lever of issue 12 gives (ratio without it / with it)",
        columns=["CPU us/invoice", "vs json.loads", "gain (variant / now)"],
    )
    variants = _variants()
    for fn, _ in variants.values():  # warm-up: schemas built, caches filled once
        fn(pages[0])
    times: dict[str, list[float]] = {k: [] for k in variants}
    rounds = max(cfg.reps, 5)
    for _ in range(rounds):
        for label, (fn, _) in variants.items():
            _before.clear_caches()
            gc.collect()
            c0 = time.process_time()
            for p in pages:
                result = fn(p)
                del result  # one page alive at a time, as in a walk
            times[label].append((time.process_time() - c0) / invoices * 1e6)
    now = times[NOW]
    gains: dict[str, float] = {}
    for label, (_, lever) in variants.items():
        per = Stats.of(times[label])
        vs_base = ratios(times[label], times[BASE])
        reading = label == LAZY_READING  # compared with the SDK reading every money field
        # A lever of the pydantic path is measured against the pydantic path as it is now (the
        # fast reader reads the pages that fit the models exactly; pydantic reads the others).
        pydantic_path = label.endswith("pydantic path")
        gain = ratios(
            times[label], times[NOW_MONEY] if reading else times[PYDANTIC] if pydantic_path else now
        )
        if label == ONE_AT_A_TIME:  # a lever added on top of 'now': its gain is the other way
            gain = ratios(now, times[label])
        if lever:
            gains[lever] = gain.median
        if reading:
            gains["Decimal slot, reading money"] = gain.median
        section.rows.append(
            Row(
                label,
                {
                    "CPU us/invoice": per.fmt(digits=1),
                    "vs json.loads": vs_base.ratio(),
                    "gain (variant / now)": "-" if label == BASE else gain.ratio(),
                },
                {
                    "us_per_invoice": per.__dict__,
                    "vs_json": vs_base.__dict__,
                    "gain": gain.__dict__,
                },
            )
        )
    scan_us, model_us = _errors_check_us(pages)
    section.rows.append(
        Row(
            "errors check per page: byte scan vs parsed envelope",
            {"CPU us/invoice": f"{scan_us / PER_PAGE:.3f} vs {model_us / PER_PAGE:.3f}"},
            {"scan_us_per_page": scan_us, "model_us_per_page": model_us},
        )
    )
    try:
        importlib.import_module("sniffio")
    except ImportError:
        section.notes.append("sniffio is not installed: the async request row was skipped")
    else:
        absent, present, gain = _async_request_us(rounds, 40 if cfg.quick else 150)
        section.rows.append(
            Row(
                "async page request (10 invoices), client CPU us: sniffio absent vs present",
                {
                    "CPU us/invoice": f"{absent.median:.0f} vs {present.median:.0f} per request",
                    "gain (variant / now)": gain.ratio(),
                },
                {"absent": absent.__dict__, "present": present.__dict__, "gain": gain.__dict__},
            )
        )
        section.notes.append(
            "the async request row: httpcore asks sniffio for the running event loop several "
            "times per request; without sniffio installed each ask is a failed import that scans "
            "sys.path (emulated here by a finder doing that same scan), so the SDK now depends "
            "on sniffio; both rows fetch the same pages from the loopback page server"
        )
    sdk_objs, sdk_types = tracked_per_invoice(variants[NOW][0], pages[0])
    raw_objs, raw_types = tracked_per_invoice(json.loads, pages[0])
    section.rows.append(
        Row(
            "GC-tracked objects kept per invoice: SDK vs json.loads",
            {"CPU us/invoice": f"{sdk_objs:.1f} vs {raw_objs:.1f}"},
            {"sdk": sdk_objs, "sdk_types": sdk_types, "json": raw_objs, "json_types": raw_types},
        )
    )
    section.notes.append(
        f"GC-tracked objects a decoded page keeps, per invoice: SDK {sdk_types}; "
        f"json.loads {raw_types}. Money is a msgspec struct with gc=False: not tracked, and a "
        "dict holding only Money, Decimal, str, int and None values stays untracked too; every "
        "model keeps a __dict__ (tracked when it holds a list or an enum member) and a "
        "fields-set (always tracked), its extra dict stays untracked"
    )
    section.notes.append(
        "rows ending in 'pydantic path' put one lever of the pydantic validation back and are "
        "compared with 'without: the fast reader' (pydantic reads the pages the fast reader "
        "declines: unknown fields, ids as strings, amounts as JSON numbers); 'fast reader' is "
        "pydantic's model_validate_json / the SDK's decode() of the same pages"
    )
    total = ratios(times[BEFORE], now).median
    section.verdict = f"every lever together: {total:.2f}x faster decode than before; " + ", ".join(
        f"{k} {v:.2f}x" for k, v in gains.items()
    )
    section.notes.append(
        "'with: the first pass's error shortcuts' is the first pass's validation (a typed-dict "
        "Money, no decimal step): faster, but a non-object money value gave dict_type and an "
        "exponent beyond Decimal's range invalid_decimal; its gain below 1.00x is what "
        "restoring the original errors (model_type, decimal_parsing) costs"
    )
    section.notes.append(
        f"{rounds} interleaved rounds of {n_pages} pages; CPU = time.process_time() including the "
        "cyclic GC work each row triggers; the Eastern 'before' cache is cleared every round "
        "(each page brings new timestamps, as a real walk does)"
    )
    section.notes.append(
        "the errors check row: the byte scan costs a full json.loads of the page whenever the "
        "text contains '\"errors\"' anywhere (a note, an unknown field), the model read never does"
    )
    return section
