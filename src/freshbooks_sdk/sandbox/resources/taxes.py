"""``taxes/taxes``: list, get, create (``amount`` is the percent, a decimal string)."""

from __future__ import annotations

from decimal import Decimal

from ..errors import bad_value
from ..store import AccountStore, Record
from ..validate import read_bool, read_decimal, read_str, require
from ..wire import JsonObj, fmt_decimal
from .base import Ctx, Resource, eastern

__all__ = ["TaxResource"]


class TaxResource(Resource[Record]):
    area = "taxes"
    name = "taxes"
    single = "tax"
    plural = "taxes"
    obj = "tax"
    id_field = "taxid"
    scope = "taxes"
    operations = frozenset({"list", "get", "create"})

    def collection(self, store: AccountStore) -> dict[int, Record]:
        return store.taxes

    def create(self, ctx: Ctx, data: JsonObj) -> Record:
        require(data, ("name", "amount"), self.obj)
        percent = read_decimal(data, "amount", self.obj)
        assert percent is not None  # required above
        if not Decimal(0) <= percent <= Decimal(100):
            raise bad_value("amount", self.obj, str(percent), "amount must be between 0 and 100.")
        name = read_str(data, "name", self.obj, max_len=200)
        if not name or not name.strip():
            raise bad_value("name", self.obj, name or "", "name must not be empty.")
        return Record(
            id=ctx.world.next_id("taxes"),
            created=ctx.now,
            updated=ctx.now,
            fields={
                "name": name,
                "amount": fmt_decimal(percent),
                "number": read_str(data, "number", self.obj, max_len=200),
                "compound": bool(read_bool(data, "compound", self.obj, default=False)),
            },
        )

    def render(self, ctx: Ctx, rec: Record, includes: frozenset[str]) -> JsonObj:
        out: JsonObj = {
            **rec.fields,
            "id": rec.id,
            "taxid": rec.id,
            "accounting_systemid": ctx.store.account_id,
            "updated": eastern(rec.updated),
        }
        return dict(sorted(out.items()))
