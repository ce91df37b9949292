"""The defaults of ``poll(...)`` (pure constants).

They live apart from :mod:`freshbooks_sdk._core.polling` (which re-exports them) so that the
resources can name them in their signatures without loading the poller's cursor arithmetic
when the client is imported::

    >>> from freshbooks_sdk._core.poll_defaults import DEFAULT_INTERVAL, DEFAULT_SAFETY
    >>> DEFAULT_INTERVAL, DEFAULT_SAFETY.total_seconds()
    (300.0, 300.0)
"""

from __future__ import annotations

from datetime import timedelta

from freshbooks_sdk._core.fbtime import DST_OVERLAP

__all__ = ["DEFAULT_INTERVAL", "DEFAULT_MAX_STORE_RETRIES", "DEFAULT_OVERLAP", "DEFAULT_SAFETY"]

DEFAULT_INTERVAL = 300.0
"""Seconds between two poll cycles."""
DEFAULT_OVERLAP = DST_OVERLAP
"""How far each walk reaches back before the watermark (an hour: a DST change repeats one)."""
DEFAULT_SAFETY = timedelta(minutes=5)
"""How long a record stays unsettled after its ``updated`` (it may still change)."""
DEFAULT_MAX_STORE_RETRIES = 10
"""How many times in a row the poller waits out a cursor store that is unavailable (locked,
disk full, I/O error) before raising :class:`~freshbooks_sdk.errors.CursorStoreUnavailableError`
(about 10-17 minutes of backoff with the default ``max_backoff``)."""
