"""Benchmarks for freshbooks-typed: run ``python -m benchmarks`` (``--quick`` for a smoke run)."""
