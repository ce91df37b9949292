"""Compatibility only: old pickles name ``freshbooks_sdk._enums.<Enum>``; the status enums live
in :mod:`freshbooks_sdk.enums` now (the same classes).

>>> from freshbooks_sdk._enums import InvoiceV3Status
>>> from freshbooks_sdk.enums import InvoiceV3Status as Public
>>> InvoiceV3Status is Public
True
"""

from freshbooks_sdk.enums import *  # noqa: F403 - the whole public module, names unchanged
