"""Benchmark 5: ``import freshbooks_sdk`` against ``import httpx, pydantic``, fresh interpreters.

Each figure is the wall time of ``python -c "<statement>"`` minus the median wall time of
``python -c "pass"`` (interpreter start-up), median of several fresh processes; the rows are
interleaved so they share conditions. ``-X importtime`` of one more process names the slowest
modules the SDK imports (self time), to show where the time goes.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._config import Config
from benchmarks._measure import Row, Section, Stats, ratios

BASELINE = "import httpx, pydantic"
ROWS = {
    BASELINE: "import httpx, pydantic (baseline)",
    "import httpx; from pydantic import BaseModel": "import httpx; from pydantic import BaseModel",
    "import freshbooks_sdk": "import freshbooks_sdk",
    "from freshbooks_sdk import FreshBooks, AsyncFreshBooks": "from freshbooks_sdk import FreshBooks, AsyncFreshBooks",
    "import freshbooks_sdk.models": "import freshbooks_sdk.models (every model, for information)",
    "import freshbooks": "import freshbooks (official SDK)",
}
# What the client import must not build: checked in a fresh interpreter, reported in the verdict.
FORBIDDEN = (
    "freshbooks_sdk.models",
    "freshbooks_sdk._generated",
    "pydantic.main",
    "asyncio",
    "freshbooks_sdk.stores",
    "sqlite3",
    "freshbooks_sdk._async._gate",
    "freshbooks_sdk._sync._gate",
    "freshbooks_sdk._netdeadline",
    "httpcore",
)
_CHECK = (
    "import sys\n"
    "from freshbooks_sdk import FreshBooks, AsyncFreshBooks\n"
    f"print(','.join(m for m in sys.modules if m.startswith({FORBIDDEN!r})))"
)


def forbidden_modules() -> list[str] | str:
    """The forbidden modules ``from freshbooks_sdk import FreshBooks, AsyncFreshBooks`` loads."""
    proc = subprocess.run(
        [sys.executable, "-c", _CHECK], env=_env(), cwd="/", capture_output=True, text=True
    )
    if proc.returncode != 0:
        return (proc.stderr.strip().splitlines() or ["failed"])[-1]
    return [m for m in proc.stdout.strip().split(",") if m]


GOAL = 1.5


PYCACHE = Path(tempfile.gettempdir()) / "freshbooks-bench-pycache"


def _env() -> dict[str, str]:
    """A clean environment whose bytecode cache lives outside the tree and is always written.

    Installed packages come with compiled bytecode; an editable checkout run with
    PYTHONDONTWRITEBYTECODE would compile the SDK from source on every import and look slower
    than it is. The untimed warm-up round fills this cache for every row alike.
    """
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return env


def _wall(statement: str) -> float | str:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", statement], env=_env(), cwd="/", capture_output=True, text=True
    )
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        return tail
    return elapsed


def _importtime(statement: str) -> dict[str, float]:
    """Self time in ms of every module ``statement`` imports (``-X importtime``)."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        env=_env(),
        cwd="/",
        capture_output=True,
        text=True,
    )
    rows: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        parts = line[len("import time:") :].split("|")
        rows[parts[2].strip()] = int(parts[0]) / 1000
    return rows


def _slowest(statement: str, top: int = 8) -> list[tuple[str, float]]:
    """The modules with the most self time, among those the interpreter start-up does not load."""
    startup = _importtime("pass")
    rows = [(name, ms) for name, ms in _importtime(statement).items() if name not in startup]
    rows.sort(key=lambda r: r[1], reverse=True)
    return rows[:top]


def run(cfg: Config) -> Section:
    section = Section(
        key="import",
        title="5. Import time (fresh interpreter, start-up subtracted)",
        goal=f"import freshbooks_sdk at most {GOAL}x import httpx, pydantic",
        columns=["import ms", "vs baseline", "paired"],
    )
    statements = ["pass", *ROWS]
    times: dict[str, list[float]] = {s: [] for s in statements}
    failed: dict[str, str] = {}
    # one untimed round warms the OS file cache and writes .pyc files
    for s in statements:
        _wall(s)
    for _ in range(cfg.import_runs):
        for s in statements:
            if s in failed:
                continue
            got = _wall(s)
            if isinstance(got, str):
                failed[s] = got
            else:
                times[s].append(got)
    startup = statistics.median(times["pass"])
    net = {s: [max(t - startup, 0.0) for t in times[s]] for s in ROWS if s not in failed}
    base = net.get(BASELINE)
    for s, label in ROWS.items():
        if s in failed:
            reason = failed[s]
            if "freshbooks_sdk" in s:
                reason = f"not available yet: {reason}"
            section.skip(label, reason)
            continue
        st = Stats.of([t * 1000 for t in net[s]])
        cells = {"import ms": st.fmt(digits=1)}
        data: dict[str, object] = {"net_ms": st.__dict__}
        if base is not None and statistics.median(base) > 0:
            r = statistics.median(net[s]) / statistics.median(base)
            cells["vs baseline"] = f"{r:.2f}x"
            data["ratio"] = r
            if len(net[s]) == len(base):  # the rows run interleaved: round i against round i
                pr = ratios(net[s], base)
                cells["paired"] = pr.ratio()
                data["paired_ratio"] = pr.__dict__
        section.rows.append(Row(label, cells, data))
    full = "from freshbooks_sdk import FreshBooks, AsyncFreshBooks"
    verdict: list[str] = []
    if base is None or statistics.median(base) <= 0:
        verdict.append("baseline not measured")
    else:
        b = statistics.median(base)
        plain = net.get("import freshbooks_sdk")
        if plain is not None:
            verdict.append(
                f"import freshbooks_sdk {statistics.median(plain) * 1000:.0f} ms = "
                f"{statistics.median(plain) / b:.2f}x"
                + (" (the package imports its names lazily)" if full in net else "")
            )
        if full in net:
            r = statistics.median(net[full]) / b
            paired = ratios(net[full], base).median if len(net[full]) == len(base) else r
            verdict.append(
                f"{full} {statistics.median(net[full]) * 1000:.0f} ms = {r:.2f}x baseline, "
                f"{paired:.2f}x paired round by round "
                f"({'met' if paired <= GOAL else 'MISSED'} <= {GOAL}x on the paired ratio; judged "
                "on this line: no use of the SDK imports less)"
            )
            loaded = forbidden_modules()
            if isinstance(loaded, str):
                verdict.append(f"module check failed: {loaded}")
            else:
                verdict.append(
                    "no models, BaseModel, asyncio, fleet stores, sqlite3, rate gate or socket "
                    "deadline loaded by it (met)"
                    if not loaded
                    else f"it loads {', '.join(loaded)} (MISSED: none of {', '.join(FORBIDDEN)})"
                )
            slow = _slowest(full)
            if slow:
                section.notes.append(
                    f"slowest modules of `{full}` by self time (-X importtime, modules the bare "
                    "interpreter already loads left out): "
                    + ", ".join(f"{name} {ms:.1f} ms" for name, ms in slow)
                )
        else:
            verdict.append(f"{full}: not available yet")
    section.verdict = "; ".join(verdict)
    section.notes.append(
        f"interpreter start-up (python -c pass) {startup * 1000:.1f} ms, subtracted; "
        f"{cfg.import_runs} fresh processes per row, interleaved; bytecode cached "
        f"(PYTHONPYCACHEPREFIX={PYCACHE})"
    )
    return section
