"""Every write of the coordinator's casework: notes, check-ins, concerns, actions on behalf."""

from __future__ import annotations


class CaseworkError(Exception):
    """A step that does not apply now; the message says why, in the coordinator's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
