"""Money as claimants type it and as Kinfolk stores it: integer minor units of a currency.

A claimant writes "12.50"; Kinfolk stores 1250 (pence).  The number of minor
digits comes from ISO 4217: most currencies have two, a few none or three.
Parsing refuses what cannot be stored exactly rather than rounding it, so
the amount paid is the amount the claimant wrote.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

#: ISO 4217 currencies whose minor unit is not the hundredth.
_MINOR_DIGITS = {
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG"), 0),
    **dict.fromkeys(("RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}
#: The largest amount one line of a claim may hold, in major units: a guard against typos.
MAX_MAJOR = 100_000


class AmountError(ValueError):
    """The text is not an amount this currency can hold; the message says why."""


def minor_digits(currency: str) -> int:
    """How many digits follow the decimal point in ``currency`` (2 unless ISO 4217 says not)."""
    return _MINOR_DIGITS.get(currency.upper(), 2)


def minor_from_text(text: str, currency: str) -> int:
    """The amount in minor units; raises ``AmountError`` for a negative or inexact amount.

    >>> minor_from_text("12.5", "GBP"), minor_from_text("300", "JPY")
    (1250, 300)
    """
    cleaned = text.strip().replace(",", "").replace(" ", "")
    if not cleaned:
        return 0
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise AmountError("not a number") from None
    if not amount.is_finite():
        raise AmountError("not a number")
    if amount < 0:
        raise AmountError("negative")
    if amount > MAX_MAJOR:
        raise AmountError("too large")
    scaled = amount.scaleb(minor_digits(currency))
    if scaled != scaled.to_integral_value():
        raise AmountError("too many decimals")
    return int(scaled)


def minor_to_text(minor: int, currency: str) -> str:
    """``1250, "GBP"`` as ``"12.50"``: the amount with the currency's digits, no symbol."""
    digits = minor_digits(currency)
    if digits == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    whole, part = divmod(abs(minor), 10**digits)
    return f"{sign}{whole}.{part:0{digits}d}"
