"""Sizes and repetitions of one benchmark run (``--quick`` shrinks every one of them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Config:
    quick: bool = False
    reps: int = 7  # timed runs per row (the median, min and max are over these)
    list_pages: int = 100  # benchmark 1: 100 pages of 100 = 10,000 invoices
    mem_small: int = 10_000  # benchmark 2: invoices in the small and the large memory run
    mem_large: int = 100_000
    fanout_requests: int = 50  # benchmark 3
    fanout_latency: float = 0.050
    fanout_reps: int = 5
    poll_invoices: int = 250  # benchmark 4: n invoices updated the same day
    poll_changes: int = 5  # k of them changed between two cycles
    import_runs: int = 9  # benchmark 5: fresh interpreters per row
    creates: int = 1000  # benchmark 6
    create_reps: int = 5

    @classmethod
    def quick_run(cls) -> Config:
        return cls(
            quick=True,
            reps=2,
            list_pages=10,
            mem_small=1_000,
            mem_large=10_000,
            fanout_requests=20,
            fanout_reps=1,
            poll_invoices=120,
            poll_changes=3,
            import_runs=3,
            creates=100,
            create_reps=1,
        )
