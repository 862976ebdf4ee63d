"""Every write of the coordinator's casework: notes, check-ins, concerns, actions on behalf."""

from __future__ import annotations


class CaseworkError(Exception):
    """A step that does not apply now; the message says why, in the coordinator's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def words_clean(words: str, *, limit: int, empty: str, too_long: str) -> str:
    """The text stripped, or a CaseworkError with ``empty`` or ``too_long`` as its message.

    Text from a form never holds a NUL character (Django's forms refuse it), but
    a service can be called from elsewhere, and PostgreSQL cannot store one.
    """
    from django.utils.translation import gettext as _

    words = words.strip()
    if not words:
        raise CaseworkError(empty)
    if len(words) > limit:
        raise CaseworkError(too_long)
    if "\x00" in words:
        raise CaseworkError(_("The text holds a character that cannot be stored."))
    return words
