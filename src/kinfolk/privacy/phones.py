"""Phone numbers: parsed, validated and stored in one form, E.164 (``+441134960000``).

People type numbers the way they dial them (``0113 496 0000``); the
programme's country says what a number without ``+`` means.  Storing one form
lets search find a number however it was typed, and lets SMS delivery use it
as it is.
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def phone_normalise(text: str, *, country: str) -> str:
    """The number in E.164, "" for an empty one; raises ValidationError naming the phone field.

    >>> phone_normalise("0113 496 0000", country="GB")
    '+441134960000'
    """
    cleaned = (text or "").strip()
    if not cleaned:
        return ""
    found = _e164(cleaned, country.upper())
    if found is None:
        raise ValidationError(
            _(
                "Phone: “%(value)s” is not a phone number we can use. Write it as you would "
                "dial it in %(country)s, or with its country code, such as %(example)s."
            )
            % {"value": cleaned[:40], "country": country.upper(), "example": _example(country)},
            code="invalid_phone",
        )
    return found


def phone_e164_or_none(text: str, *, country: str) -> str | None:
    """The number in E.164, or None when it is not a valid number (for search and migration)."""
    cleaned = (text or "").strip()
    return _e164(cleaned, country.upper()) if cleaned else None


@lru_cache(maxsize=4096)
def _e164(text: str, region: str) -> str | None:
    try:
        number = phonenumbers.parse(text, region or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_international(e164: str) -> str:
    """A stored number in the international format people read; as given if it does not parse.

    >>> phone_international("+447700100123")
    '+44 7700 100123'
    """
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_example(country: str) -> str:
    """An example number of ``country``, written as people read it (for messages)."""
    return _example(country)


def _example(country: str) -> str:
    number = phonenumbers.example_number(country.upper())
    if number is None:
        return "+44 113 496 0000"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
