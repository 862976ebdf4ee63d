"""Every write about visits: plans, times, outcomes, feedback, reminders, calendar feeds.

Modules by subject: ``planning`` (windows), ``times`` (the host controls the
door), ``outcomes`` (what happened, feedback), ``reminders``, ``feeds``.
"""

from __future__ import annotations


class VisitError(Exception):
    """A step that does not apply now; the message says why, in the asker's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
