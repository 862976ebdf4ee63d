"""What each kind of message checks just before it is sent.

The app that composes a message registers its purpose here, with an
optional check that says which of a batch of messages still apply (a
proposal still open, a reminder still due) and an optional hook told about
the ones dropped.  Apps register when they are loaded (their ``ready``), so
every process that delivers knows every purpose.  A purpose nobody
registered gets only the outbox's own checks (an active account, a
participant who has not left).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kinfolk.outbox.models import Message

#: Returns the ids of the messages that still apply.
Check = Callable[[Sequence["Message"]], set[int]]
#: Told about messages dropped because they no longer apply.
Dropped = Callable[[Sequence["Message"]], None]


@dataclass(frozen=True)
class Purpose:
    name: str
    still_applies: Check | None = None
    dropped: Dropped | None = None


PURPOSES: dict[str, Purpose] = {}


def purpose_register(
    name: str, *, still_applies: Check | None = None, dropped: Dropped | None = None
) -> Purpose:
    """Declare a kind of message; registering the same name again replaces it."""
    PURPOSES[name] = Purpose(name, still_applies, dropped)
    return PURPOSES[name]


def purpose_get(name: str) -> Purpose:
    return PURPOSES.get(name) or Purpose(name)
