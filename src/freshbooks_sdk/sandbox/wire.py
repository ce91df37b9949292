"""Wire-level building blocks: the request/response values, JSON and money formatting."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any, NamedTuple

__all__ = [
    "CENT",
    "JsonObj",
    "SandboxRequest",
    "SandboxResponse",
    "dumps",
    "fmt_decimal",
    "fmt_money_amount",
    "json_response",
    "money",
    "quantize_cents",
]

JsonObj = dict[str, Any]
"""A JSON object as the sandbox builds it (values are str/int/bool/None/list/dict only)."""

CENT = Decimal("0.01")


class SandboxResponse(NamedTuple):
    """What :meth:`Sandbox.handle` answers: ``status, headers, body``.

    >>> r = SandboxResponse(200, [("content-type", "application/json")], b"{}")
    >>> status, headers, body = r
    """

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    def json(self) -> Any:
        """The body decoded as JSON."""
        return json.loads(self.body)


@dataclass(frozen=True)
class SandboxRequest:
    """One request as the application sees it (transport-neutral)."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)  # keys lower-cased
    body: bytes = b""

    @classmethod
    def build(
        cls,
        method: str,
        path: str,
        query: list[tuple[str, str]] | tuple[tuple[str, str], ...],
        headers: Mapping[str, str],
        body: bytes,
    ) -> SandboxRequest:
        return cls(
            method=method.upper(),
            path=path or "/",
            query=tuple((str(k), str(v)) for k, v in query),
            headers={str(k).lower(): str(v) for k, v in headers.items()},
            body=bytes(body or b""),
        )

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def _default(value: object) -> object:
    if isinstance(value, Decimal):  # never a float on the wire: decimals become strings
        return fmt_decimal(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def dumps(obj: object) -> bytes:
    """Encode a JSON body (UTF-8, compact, Decimals as strings).

    Text that UTF-8 cannot encode (a lone surrogate; the validation layer refuses those, but an
    error body may quote one back) falls back to ``\\uXXXX`` escapes instead of failing:

    >>> dumps({"v": "\\ud800"})
    b'{"v":"\\\\ud800"}'
    """
    text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False, default=_default)
    try:
        return text.encode()
    except UnicodeEncodeError:
        return json.dumps(obj, separators=(",", ":"), ensure_ascii=True, default=_default).encode()


def json_response(
    status: int, obj: object, headers: list[tuple[str, str]] | None = None
) -> SandboxResponse:
    """A JSON response with the content type FreshBooks sends."""
    out = [("content-type", "application/json")]
    out.extend(headers or [])
    return SandboxResponse(status, out, dumps(obj))


def _quantize(value: Decimal, exp: Decimal, rounding: str | None = None) -> Decimal:
    """``value.quantize(exp)`` with enough precision for any finite value (the default context's
    28 digits would make a 30-digit amount raise ``InvalidOperation``)."""
    with localcontext() as ctx:
        ctx.prec = max(ctx.prec, value.adjusted() - exp.adjusted() + 2)
        return value.quantize(exp, rounding=rounding)


def fmt_decimal(value: Decimal) -> str:
    """A decimal as a plain string without exponent or trailing zeros: ``4``, ``1.5``, ``0``.

    >>> fmt_decimal(Decimal("1E+30")), fmt_decimal(Decimal("2.50")), fmt_decimal(Decimal("0E-3"))
    ('1000000000000000000000000000000', '2.5', '0')
    """
    if not value.is_finite():  # refused on input; never a crash while rendering
        return str(value)
    if value == value.to_integral_value():
        return str(_quantize(value, Decimal(1)))
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def quantize_cents(value: Decimal) -> Decimal:
    """Round half-up to cents, as invoice totals are (any finite magnitude).

    >>> quantize_cents(Decimal("2.345")), quantize_cents(Decimal("1E+30"))
    (Decimal('2.35'), Decimal('1000000000000000000000000000000.00'))
    """
    return _quantize(value, CENT, ROUND_HALF_UP)


def fmt_money_amount(value: Decimal) -> str:
    """A money amount string: at least two decimals (``5`` -> ``5.00``), more kept as given."""
    if not value.is_finite():
        return str(value)
    cents = _quantize(value, CENT)
    return f"{cents:f}" if value == cents else f"{value:f}"


def money(value: Decimal, code: str) -> JsonObj:
    """FreshBooks' money object: ``{"amount": "12.50", "code": "USD"}``."""
    return {"amount": fmt_money_amount(value), "code": code}
