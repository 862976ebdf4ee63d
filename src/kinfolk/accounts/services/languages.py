"""Storing the language a person picked."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def language_choose(*, user: Any, language: str) -> Any:
    """Store ``language`` (one of ``settings.LANGUAGES``) as the account's; messages follow it."""
    codes = {code for code, _name in settings.LANGUAGES}
    if language not in codes:
        raise ValidationError({"language": _("Pick one of the languages offered.")})
    user.language = language
    user.save(update_fields=["language"])
    return user
