"""Benchmark 7: start-up of the ``freshbooks`` program against ``python -c pass``.

Each row is the median wall time of fresh processes running the installed ``freshbooks``
entry point (``python -m freshbooks_sdk.cli`` when the script is not installed), interleaved
with ``python -c pass`` so they share conditions; the ratio is against that baseline, measured
in the same run. The goal is the issue's: ``freshbooks --help`` in under 0.3 s, which the CLI
meets by importing no model, no ``pydantic``, no ``rich`` and no ``httpx`` until a command runs
(``tests/test_cli.py`` checks that structurally; no test times it).

    python -m benchmarks --only cli        # or: python -m benchmarks.bench_cli_startup
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks._config import Config
from benchmarks._measure import Row, Section, Stats
from benchmarks.bench_import import _env

GOAL_SECONDS = 0.3
ROWS: dict[str, list[str]] = {
    "freshbooks --help": ["--help"],
    "freshbooks --version": ["--version"],
    "freshbooks invoices create --help": ["invoices", "create", "--help"],
}
BASELINE = "python -c pass (baseline)"


def _command(args: list[str]) -> list[str]:
    script = Path(sys.executable).with_name("freshbooks")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "freshbooks_sdk.cli", *args]


def _wall(command: list[str]) -> float | str:
    t0 = time.perf_counter()
    proc = subprocess.run(command, env=_env(), cwd="/", capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        return (proc.stderr.strip().splitlines() or ["failed"])[-1]
    return elapsed


def run(cfg: Config) -> Section:
    section = Section(
        key="cli",
        title="8. CLI start-up (fresh processes)",
        goal=f"freshbooks --help under {GOAL_SECONDS} s; reported as a ratio to python -c pass",
        columns=["wall ms", "vs python -c pass"],
    )
    commands = {BASELINE: [sys.executable, "-c", "pass"]}
    commands.update({label: _command(args) for label, args in ROWS.items()})
    times: dict[str, list[float]] = {label: [] for label in commands}
    failed: dict[str, str] = {}
    for command in commands.values():  # untimed: warms the file cache, writes bytecode
        _wall(command)
    for _ in range(max(cfg.import_runs, 5)):
        for label, command in commands.items():
            if label in failed:
                continue
            got = _wall(command)
            if isinstance(got, str):
                failed[label] = got
            else:
                times[label].append(got)
    if BASELINE in failed:
        section.verdict = f"baseline failed: {failed[BASELINE]}"
        return section
    base = statistics.median(times[BASELINE])
    for label in commands:
        if label in failed:
            section.skip(label, failed[label])
            continue
        st = Stats.of([t * 1000 for t in times[label]])
        ratio = statistics.median(times[label]) / base if base > 0 else float("nan")
        cells = {"wall ms": st.fmt(digits=1), "vs python -c pass": f"{ratio:.2f}x"}
        section.rows.append(Row(label, cells, {"wall_ms": st.__dict__, "ratio": ratio}))
    helped = "freshbooks --help"
    if helped in failed:
        section.verdict = f"{helped} failed: {failed[helped]}"
    else:
        median = statistics.median(times[helped])
        section.verdict = (
            f"{helped} {median * 1000:.0f} ms = {median / base:.2f}x python -c pass "
            f"({base * 1000:.0f} ms): {'met' if median < GOAL_SECONDS else 'MISSED'} "
            f"< {GOAL_SECONDS * 1000:.0f} ms"
        )
    section.notes.append(
        f"{len(times[BASELINE])} fresh processes per row, interleaved; bytecode cached; "
        f"command: {' '.join(_command(['--help']))}"
    )
    return section


def main() -> int:
    """Run this benchmark alone and print its table."""
    from benchmarks._report import section_markdown

    print(section_markdown(run(Config.quick_run() if "--quick" in sys.argv else Config())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
