"""Amounts of money as integers of minor units, and how people read and type them.

Kinfolk stores money as integer minor units of an ISO 4217 currency: 1234
means £12.34 in GBP, ¥1234 in JPY, 1.234 dinars in KWD.  People type and
read major units; these helpers convert exactly, without floats.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

#: ISO 4217 currencies without two decimal places (the rest have two).
_DIGITS = {
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG"), 0),
    **dict.fromkeys(("RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}
_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "JPY": "¥", "INR": "₹"}


def digits(currency: str) -> int:
    """Decimal places of ``currency`` (2 unless ISO 4217 says otherwise)."""
    return _DIGITS.get(currency.upper(), 2)


def to_minor(amount: Decimal | str, currency: str) -> int:
    """``amount`` in major units as an integer of minor units.

    Raises ``ValueError`` for something that is not a number, or that has
    more decimal places than the currency has (a fraction of a penny).

    >>> to_minor("12.34", "GBP"), to_minor("500", "JPY")
    (1234, 500)
    """
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"{amount!r} is not an amount") from None
    if not value.is_finite():
        raise ValueError(f"{amount!r} is not an amount")
    scaled = value.scaleb(digits(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{currency} has {digits(currency)} decimal places, not more")
    return int(scaled)


def to_major(minor: int, currency: str) -> Decimal:
    """Minor units back as a Decimal of major units, for a form's initial value."""
    return Decimal(minor).scaleb(-digits(currency))


def money_format(minor: int, currency: str) -> str:
    """An amount for people to read: ``£1,234.56``, ``-€5.00``, ``KWD 1.250``.

    >>> money_format(123456, "GBP"), money_format(-500, "EUR"), money_format(1250, "KWD")
    ('£1,234.56', '-€5.00', 'KWD 1.250')
    """
    places = digits(currency)
    number = f"{abs(to_major(minor, currency)):,.{places}f}"
    sign = "-" if minor < 0 else ""
    symbol = _SYMBOLS.get(currency.upper())
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{currency.upper()} {number}"
