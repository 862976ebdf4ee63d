"""Which language a person reads Kinfolk in: their own choice, else their browser's.

A signed-in person's choice is stored on their account, so that e-mails and
SMS written while someone else is at the keyboard still go out in it.  A
visitor who is not signed in keeps theirs in Django's language cookie, which
``LocaleMiddleware`` reads before ``Accept-Language``.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def language_supported(code: str | None) -> str:
    """The site language ``code`` stands for (``zh-Hans-CN`` → ``zh-hans``), else the default."""
    if not code:
        return settings.LANGUAGE_CODE
    try:
        # Django keeps the caller's case ("zh-Hans"); store the code as LANGUAGES spells it.
        return translation.get_supported_language_variant(code).lower()
    except LookupError:
        return settings.LANGUAGE_CODE


def language_of_request() -> str:
    """The language the current request is answered in (picked by ``LocaleMiddleware``)."""
    return language_supported(translation.get_language())
