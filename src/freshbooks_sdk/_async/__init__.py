"""Async implementation: the source from which ``_sync`` is generated."""
