"""Pure, I/O-free logic shared by the sync and async clients and by the sandbox.

Nothing in this package sends a request, sleeps or reads a clock of its own.
"""
