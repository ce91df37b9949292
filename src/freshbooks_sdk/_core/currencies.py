"""ISO 4217 currency codes accepted in money inputs (pure data, no I/O).

Source: ISO 4217 "List One: Currency, fund and precious metal codes", published by the
maintenance agency (SIX Financial Information, https://www.six-group.com/en/products-services/
financial-information/data-standards.html), as published in 2025 (``ZWG`` Zimbabwe gold and
``XCG`` Caribbean guilder included; ``HRK`` withdrawn when Croatia adopted the euro in 2023). FreshBooks' API notes
(``freshbooks-api.md`` section 4.1) say only that ``code`` is "an ISO-4217 currency code"; the
API publishes no narrower list, so every active List One code is accepted.

:data:`WITHDRAWN_CODES` are codes withdrawn from List One since 2007 that records created before
the change may still carry (an invoice in ``HRK`` written before Croatia adopted the euro): they
are accepted so that such a record can still be updated in its own currency.

>>> is_currency_code("USD"), is_currency_code("XYZ"), is_currency_code("HRK")
(True, False, True)
"""

from __future__ import annotations

__all__ = ["ACTIVE_CODES", "CURRENCY_CODES", "WITHDRAWN_CODES", "is_currency_code"]

ACTIVE_CODES: frozenset[str] = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN
    BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN
    ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD
    JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT
    MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG
    QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT
    TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU XBA
    XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XTS XUA XXX YER ZAR ZMW ZWG
    """.split()
)
"""Every code in ISO 4217 List One (currencies, funds, precious metals, test and no-currency)."""

WITHDRAWN_CODES: frozenset[str] = frozenset(
    """
    BYR CUC CYP EEK HRK LTL LVL MRO MTL SKK SLL STD VEF ZMK ZWL
    """.split()
)
"""Codes withdrawn from List One since 2007, still found on older FreshBooks records."""

CURRENCY_CODES: frozenset[str] = ACTIVE_CODES | WITHDRAWN_CODES
"""Every code accepted as a ``currency_code`` or a ``Money`` code (upper case)."""


def is_currency_code(code: str) -> bool:
    """Whether ``code`` (any case) is a known ISO 4217 code.

    >>> is_currency_code("cad")
    True
    """
    return code.upper() in CURRENCY_CODES
