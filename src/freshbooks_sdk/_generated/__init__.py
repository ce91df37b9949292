"""Compatibility only: the generated models used to live here (``_generated.models``).

They are generated into the public package :mod:`freshbooks_sdk.models` now. This package is
hand-written and tiny; it exists so that objects pickled by an older version (which name
``freshbooks_sdk._generated.models``) still load. Nothing in the SDK imports it.
"""
