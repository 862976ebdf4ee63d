"""What a person types to name their account: an e-mail address or a mobile number.

Sign-in, the lock-out after wrong passwords and the "forgotten password" form
all read it through :func:`sign_in_name_normalise`, so that ``MIRA@…`` and
``mira@…``, or ``07700 100123`` and ``+44 7700 100123``, count as one account.
"""

from __future__ import annotations

from django.conf import settings

from kinfolk.privacy.phones import phone_e164_or_none


def sign_in_name_normalise(text: str) -> str:
    """An address in lower case, a phone number in E.164; anything else trimmed, lower case.

    A number without ``+`` is read as dialled in ``KINFOLK_DEFAULT_COUNTRY``.

    >>> sign_in_name_normalise(" Mira@Example.org ")
    'mira@example.org'
    >>> sign_in_name_normalise("+44 7700 100123")
    '+447700100123'
    """
    cleaned = (text or "").strip()
    if "@" in cleaned or not cleaned:
        return cleaned.lower()
    phone = phone_e164_or_none(cleaned, country=settings.KINFOLK_DEFAULT_COUNTRY)
    return phone if phone is not None else cleaned.lower()


def is_phone(name: str) -> bool:
    """Whether a normalised sign-in name is a phone number."""
    return name.startswith("+")
