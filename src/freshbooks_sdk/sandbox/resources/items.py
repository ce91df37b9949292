"""``items/items``: list, get, create (``tax1``/``tax2`` are tax ids, ``unit_cost`` money)."""

from __future__ import annotations

from ..errors import bad_value
from ..store import AccountStore, Record
from ..validate import read_decimal, read_int, read_money, read_str, require
from ..wire import JsonObj, fmt_decimal, fmt_money_amount
from .base import Ctx, Resource, eastern

__all__ = ["ItemResource"]


class ItemResource(Resource[Record]):
    area = "items"
    name = "items"
    single = "item"
    plural = "items"
    obj = "item"
    id_field = "itemid"
    scope = "billable_items"
    operations = frozenset({"list", "get", "create"})

    def collection(self, store: AccountStore) -> dict[int, Record]:
        return store.items

    def create(self, ctx: Ctx, data: JsonObj) -> Record:
        require(data, ("name",), self.obj)
        name = read_str(data, "name", self.obj, max_len=200)
        if not name or not name.strip():
            raise bad_value("name", self.obj, name or "", "name must not be empty.")
        taxes = {}
        for key in ("tax1", "tax2"):
            tax_id = read_int(data, key, self.obj, default=0) or 0
            if tax_id and tax_id not in ctx.store.taxes:
                raise bad_value(key, self.obj, str(tax_id), f"{key} is not a tax of this business.")
            taxes[key] = tax_id
        cost = read_money(data, "unit_cost", self.obj, default_code=ctx.currency)
        qty = read_decimal(data, "qty", self.obj)
        inventory = read_decimal(data, "inventory", self.obj)
        return Record(
            id=ctx.world.next_id("items"),
            created=ctx.now,
            updated=ctx.now,
            fields={
                "name": name,
                "description": read_str(data, "description", self.obj, default=""),
                "sku": read_str(data, "sku", self.obj, default="", max_len=200),
                "qty": fmt_decimal(qty) if qty is not None else "0",
                "inventory": fmt_decimal(inventory) if inventory is not None else None,
                "unit_cost": {
                    "amount": fmt_money_amount(cost[0]) if cost else "0.00",
                    "code": cost[1] if cost else ctx.currency,
                },
                **taxes,
            },
        )

    def render(self, ctx: Ctx, rec: Record, includes: frozenset[str]) -> JsonObj:
        out: JsonObj = {
            **rec.fields,
            "id": rec.id,
            "itemid": rec.id,
            "accounting_systemid": ctx.store.account_id,
            "updated": eastern(rec.updated),
            "vis_state": rec.vis_state,
        }
        return dict(sorted(out.items()))
