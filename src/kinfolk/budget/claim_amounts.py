"""Money as claimants type it and as Kinfolk stores it: integer minor units of a currency.

A claimant writes "12.50"; Kinfolk stores 1250 (pence).  The number of minor
digits comes from :mod:`kinfolk.budget.money`, as for the rates.
Parsing refuses what cannot be stored exactly rather than rounding it, so
the amount paid is the amount the claimant wrote.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from kinfolk.budget.money import digits, to_major, to_minor

#: The largest amount one line of a claim may hold, in major units: a guard against typos.
MAX_MAJOR = 100_000


class AmountError(ValueError):
    """The text is not an amount this currency can hold; the message says why."""


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
    try:
        return to_minor(amount, currency)
    except ValueError:
        raise AmountError("too many decimals") from None


def minor_to_text(minor: int, currency: str) -> str:
    """``1250, "GBP"`` as ``"12.50"``: the amount with the currency's digits, no symbol."""
    return f"{to_major(minor, currency):.{digits(currency)}f}"
