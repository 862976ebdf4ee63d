"""Reads for operators: how many messages are in each state, and which ones failed.

Operators see a message's purpose, channel, tries and error, never its
address or its words: those belong to the recipient.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min, QuerySet
from django.http import Http404

from kinfolk.outbox.models import Message

#: The columns an operator may see.
OPERATOR_FIELDS = (
    "pk",
    "purpose",
    "channel",
    "about_kind",
    "about_id",
    "attempts",
    "last_error",
    "created_at",
    "next_attempt_at",
    "state",
)


def message_counts() -> dict[str, int]:
    """How many messages are in each state."""
    counts = dict.fromkeys(Message.State.values, 0)
    for row in Message.objects.values("state").annotate(n=Count("pk")).order_by():
        counts[row["state"]] = row["n"]
    return counts


def oldest_waiting_at() -> dt.datetime | None:
    """When the oldest message still waiting was queued: delivery that stalls shows here."""
    waiting = Message.objects.filter(state__in=(Message.State.QUEUED, Message.State.SENDING))
    return waiting.aggregate(at=Min("created_at"))["at"]


def failed_message_list() -> QuerySet[Message]:
    return (
        Message.objects.filter(state=Message.State.FAILED)
        .only(*OPERATOR_FIELDS)
        .order_by("-created_at", "-pk")
    )


def failed_message_get(*, message_id: int) -> Message:
    found = failed_message_list().filter(pk=message_id).first()
    if found is None:
        raise Http404
    return found
