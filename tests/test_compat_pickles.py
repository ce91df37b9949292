"""Objects pickled by the previous layout still load (the models were ``_generated.models``, the
status enums ``_enums``; both moved to public modules this release).

The old pickles are made here from today's objects by renaming the module in a protocol-0 pickle
(text opcodes: ``c<module>\\n<name>\\n``), which is byte for byte what the old layout wrote for the
class reference.
"""

from __future__ import annotations

import pickle

from freshbooks_sdk.enums import InvoiceStatus, InvoiceV3Status
from freshbooks_sdk.models import ClientResponse, Invoice


def _as_old(obj: object, new: bytes, old: bytes) -> bytes:
    data = pickle.dumps(obj, protocol=0)
    assert b"c" + new + b"\n" in data
    return data.replace(b"c" + new + b"\n", b"c" + old + b"\n")


def test_an_old_model_pickle_loads_as_the_public_class() -> None:
    body = b'{"response": {"result": {"client": {"id": 7, "organization": "Melmac", '
    body += b'"updated": "2021-04-16 10:31:58", "vis_state": 0}}}}'
    page = ClientResponse.model_validate_json(body)
    old = _as_old(page, b"freshbooks_sdk.models", b"freshbooks_sdk._generated.models")
    assert b"freshbooks_sdk._generated.models" in old
    loaded = pickle.loads(old)
    assert type(loaded) is ClientResponse
    assert loaded == page
    assert Invoice.__module__ == "freshbooks_sdk.models"


def test_an_old_enum_pickle_loads_as_the_public_member() -> None:
    for member in (InvoiceStatus(2), InvoiceV3Status("paid")):
        old = _as_old(member, b"freshbooks_sdk.enums", b"freshbooks_sdk._enums")
        assert pickle.loads(old) is member
