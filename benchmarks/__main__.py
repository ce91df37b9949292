"""``python -m benchmarks``: run every benchmark, print the table, write the result files."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from benchmarks import (
    bench_cli_startup,
    bench_create,
    bench_fanout,
    bench_import,
    bench_levers,
    bench_list,
    bench_memory,
    bench_poller,
    bench_transport,
)
from benchmarks._config import Config
from benchmarks._measure import Section, describe
from benchmarks._report import machine_info, section_markdown, write_results

BENCHMARKS: dict[str, Callable[[Config], Section]] = {
    "1": bench_list.run,
    "2": bench_memory.run,
    "3": bench_fanout.run,
    "4": bench_poller.run,
    "5": bench_import.run,
    "6": bench_create.run,
    "7": bench_levers.run,
    "8": bench_cli_startup.run,
    "9": bench_transport.run,
}
NAMES = {
    "list": "1",
    "memory": "2",
    "fanout": "3",
    "poller": "4",
    "import": "5",
    "create": "6",
    "levers": "7",
    "cli": "8",
    "transport": "9",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, few runs (a smoke run, ~1 min)"
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated benchmarks to run, by number or name "
        "(1 list, 2 memory, 3 fanout, 4 poller, 5 import, 6 create, 7 levers, 8 cli, "
        "9 transport)",
    )
    parser.add_argument("--no-write", action="store_true", help="print only, write no files")
    args = parser.parse_args(argv)

    cfg = Config.quick_run() if args.quick else Config()
    wanted = [NAMES.get(x.strip(), x.strip()) for x in args.only.split(",") if x.strip()]
    unknown = [w for w in wanted if w not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    keys = wanted or list(BENCHMARKS)

    machine = machine_info()
    print(f"# freshbooks-typed benchmarks ({'quick' if cfg.quick else 'full'} run)")
    print(f"# {machine['cpu']}, {machine['cores']} cores, {machine['python']}", flush=True)
    started = time.perf_counter()
    sections: list[Section] = []
    for key in keys:
        t0 = time.perf_counter()
        try:
            section = BENCHMARKS[key](cfg)
        except Exception as exc:  # a broken benchmark must not hide the others
            section = Section(key=key, title=f"{key}. (failed)", goal="-", columns=[])
            section.verdict = f"benchmark failed: {describe(exc)}"
        section.seconds = time.perf_counter() - t0
        sections.append(section)
        print()
        print(section_markdown(section))
        print(f"({section.seconds:.1f} s)", flush=True)
    total = time.perf_counter() - started
    print(f"\nTotal: {total:.1f} s")

    if not args.no_write:
        partial = bool(wanted) and set(keys) != set(BENCHMARKS)
        stem = "quick" if cfg.quick else ("partial" if partial else "latest")
        meta = {
            "mode": "quick" if cfg.quick else ("partial" if partial else "full"),
            "seconds": total,
            "benchmarks": keys,
            "argv": sys.argv[1:] if argv is None else argv,
        }
        for path in write_results(sections, machine, meta, stem):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
