"""Invoice PDF memory: a large PDF streamed, read whole, and refused by ``max_bytes``.

``python -m benchmarks.bench_pdf_stream [--mib 64]`` serves a PDF of ``--mib`` MiB from an
in-process mock transport (64 KiB chunks, generated on the fly, so the server holds no copy)
and reports the Python heap peak (``tracemalloc``) of each way of getting it, as a ratio of the
body size measured in the same run:

- ``with_streaming_response.pdf`` + ``iter_bytes()``: the goal is a peak of a few chunks, a
  ratio near 0 whatever the size;
- ``pdf()`` (whole body in memory): about 1-2x the body, the cost of holding it;
- ``pdf(max_bytes=1 MiB)`` on the same answer: bounded by ``max_bytes`` (reading stops there),
  not by what the server offers.
"""

from __future__ import annotations

import argparse
import gc
import json
import tracemalloc
from collections.abc import Callable, Iterator

import httpx

from freshbooks_sdk import FreshBooks
from freshbooks_sdk.errors import ResponseValidationError

CHUNK = 64 * 1024


class _Body(httpx.SyncByteStream):
    def __init__(self, size: int) -> None:
        self.size = size

    def __iter__(self) -> Iterator[bytes]:
        yield b"%PDF-1.4\n"
        sent = 9
        while sent < self.size:
            piece = b"0" * min(CHUNK, self.size - sent)
            sent += len(piece)
            yield piece


def _client(size: int) -> FreshBooks:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "application/pdf"}, stream=_Body(size))

    return FreshBooks(
        access_token="bench",
        account_id="ABC123",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )


def _peak(fn: Callable[[], int]) -> tuple[int, int]:
    gc.collect()
    tracemalloc.start()
    try:
        got = fn()
        return got, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def run(mib: int) -> dict[str, object]:
    """Measure the three ways; returns the figures (bytes and ratios to the body size)."""
    size = mib * 1024 * 1024
    fb = _client(size)

    def streamed() -> int:
        total = 0
        with fb.invoices.with_streaming_response.pdf(7, max_bytes=size + 1) as r:
            for chunk in r.iter_bytes():
                total += len(chunk)
        return total

    def whole() -> int:
        return len(fb.invoices.pdf(7, max_bytes=size + 1))

    def capped() -> int:
        try:
            fb.invoices.pdf(7, max_bytes=1024 * 1024)
        except ResponseValidationError:
            return 0
        raise AssertionError("max_bytes was not enforced")

    results: dict[str, object] = {"body_bytes": size}
    for name, fn in (("streamed", streamed), ("whole", whole), ("capped_1MiB", capped)):
        got, peak = _peak(fn)
        if name != "capped_1MiB":
            assert got == size, (name, got, size)
        results[f"{name}_peak_bytes"] = peak
        results[f"{name}_peak_ratio"] = round(peak / size, 4)
    fb.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=64, help="PDF size in MiB (default 64)")
    print(json.dumps(run(parser.parse_args().mib), indent=2))


if __name__ == "__main__":
    main()
