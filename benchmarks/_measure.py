"""Statistics, result rows and the SDK availability guard shared by every benchmark."""

from __future__ import annotations

import statistics
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Stats:
    """Median, min and max of several runs of one measurement."""

    median: float
    min: float
    max: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Stats:
        if not values:
            raise ValueError("no values")
        return cls(statistics.median(values), min(values), max(values), len(values))

    def fmt(self, unit: str = "", digits: int = 3) -> str:
        """``1.23 (1.20-1.31)``: the median, then min-max."""
        return f"{self.median:.{digits}f}{unit} ({self.min:.{digits}f}-{self.max:.{digits}f})"

    def ratio(self, digits: int = 2) -> str:
        return f"{self.median:.{digits}f}x ({self.min:.{digits}f}-{self.max:.{digits}f})"


def ratios(values: Sequence[float], baseline: Sequence[float]) -> Stats:
    """Paired ratios run by run (the runs are interleaved, so run i of each shares conditions)."""
    return Stats.of([v / b for v, b in zip(values, baseline, strict=False) if b > 0])


@dataclass
class Row:
    """One line of a benchmark table; ``skipped`` carries the reason when it could not run."""

    label: str
    cells: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    skipped: str | None = None


@dataclass
class Section:
    """One benchmark: a table plus its goal and the verdict against that goal."""

    key: str
    title: str
    goal: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    verdict: str = ""
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def skip(self, label: str, reason: str) -> Row:
        row = Row(label, skipped=reason)
        self.rows.append(row)
        return row

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Timing:
    wall: float
    cpu: float


def timed(fn: Callable[[], object]) -> Timing:
    """Wall time (perf_counter) and this process's CPU time (process_time) of one call."""
    c0 = time.process_time()
    w0 = time.perf_counter()
    fn()
    w1 = time.perf_counter()
    c1 = time.process_time()
    return Timing(w1 - w0, c1 - c0)


class Unavailable(Exception):
    """An SDK row could not run (the SDK part it needs is missing or failed)."""


def describe(exc: BaseException) -> str:
    """A one-line reason for a skipped row, with the innermost frame that raised."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" at {frames[-1].filename.rsplit('/', 2)[-1]}:{frames[-1].lineno}" if frames else ""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}{where}"[:300]


@contextmanager
def guard(section: Section, label: str) -> Iterator[None]:
    """Turn any failure inside the block into a skipped row, so the run always completes."""
    try:
        yield
    except Exception as exc:  # every failure becomes a visible skipped row
        section.skip(label, f"not available yet: {describe(exc)}")


def median(values: Sequence[float]) -> float:
    return statistics.median(values)
