"""Compatibility only: old pickles name ``freshbooks_sdk._generated.models.<Model>``.

Every name resolves to the class of :mod:`freshbooks_sdk.models` (the same object):

>>> from freshbooks_sdk._generated.models import Invoice
>>> from freshbooks_sdk.models import Invoice as Public
>>> Invoice is Public
True
"""

from freshbooks_sdk.models import *  # noqa: F403 - the whole public module, names unchanged
