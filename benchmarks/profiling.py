"""Profile the SDK's hot paths with cProfile: ``python -m benchmarks.profiling [list|create|poller]``.

Prints the top functions by cumulative and by own time, against the same page server (or, for
the poller, the same sandbox) the benchmarks use. Not part of ``python -m benchmarks``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
from datetime import timedelta

from benchmarks import _sdk
from benchmarks._server import PageServer


def _report(prof: cProfile.Profile, top: int) -> None:
    stats = pstats.Stats(prof)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def profile_list(pages: int, top: int) -> None:
    with PageServer(pages=pages) as server:
        fb = _sdk.sdk_sync(server.base_url)
        _sdk.walk_sync(fb)  # warm-up
        prof = cProfile.Profile()
        prof.runcall(_sdk.walk_sync, fb)
        _sdk.close_sync(fb)
    _report(prof, top)


def profile_create(n: int, top: int) -> None:
    with PageServer(pages=1) as server:
        fb = _sdk.sdk_sync(server.base_url)
        _sdk.create_sync(fb)
        prof = cProfile.Profile()
        prof.runcall(lambda: [_sdk.create_sync(fb) for _ in range(n)])
        _sdk.close_sync(fb)
    _report(prof, top)


def profile_poller(n: int, top: int) -> None:
    from benchmarks.bench_poller import _World

    world = _World(n)
    poller = world.fb.invoices.poll(start=timedelta(hours=1), store=None)
    poller.poll_once().ack()
    world.clock.advance(300)
    prof = cProfile.Profile()
    prof.runcall(poller.poll_once)  # a cycle without changes
    _report(prof, top)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profiling", description=__doc__)
    parser.add_argument("what", choices=["list", "create", "poller"], nargs="?", default="list")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    if args.what == "list":
        profile_list(100, args.top)
    elif args.what == "create":
        profile_create(1000, args.top)
    else:
        profile_poller(1000, args.top)


if __name__ == "__main__":
    main()
