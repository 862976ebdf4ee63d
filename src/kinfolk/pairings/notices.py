"""Who a run's proposal notices reached, read from the outbox: counts, and whom to contact.

A person is counted once however many adults read for them.  The run comes
through ``run_get`` (scoped to the coordinator's programme) before any of
these is called.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet

from kinfolk.outbox.models import Message
from kinfolk.pairings.models import MatchingRun, Proposal
from kinfolk.people.models import Household, Volunteer

_WAITING = (Message.State.QUEUED, Message.State.SENDING)


def _notices(run: MatchingRun) -> QuerySet[Message]:
    proposals = Proposal.objects.filter(run=run).values("pk")
    return Message.objects.filter(purpose="proposal", about_kind="proposal", about_id__in=proposals)


def run_notice_counts(*, run: MatchingRun) -> dict[str, dict[str, int]]:
    """People by channel ("email", "sms") and delivery ("sent", "waiting", "failed", "dropped")."""
    counts: dict[str, dict[str, int]] = {
        channel: {"sent": 0, "waiting": 0, "failed": 0, "dropped": 0}
        for channel in Message.Channel.values
    }
    rows = (
        _notices(run)
        .values("channel", "state", "person_kind")
        .annotate(people=Count("person_id", distinct=True))
        .order_by()
    )
    for row in rows:
        state = "waiting" if row["state"] in _WAITING else row["state"]
        counts[row["channel"]][state] += row["people"]
    return counts


def run_unreached_list(*, run: MatchingRun, side: str) -> QuerySet[Any]:
    """People of the run's open proposals whom no notice reached: none could go, or all failed.

    Each carries ``failed``: True when a notice was tried and failed, False
    when there was no e-mail address or phone to try.
    """
    model = Volunteer if side == "volunteer" else Household
    proposals = Proposal.objects.filter(run=run, state=Proposal.State.OPEN)
    mine = _notices(run).filter(person_kind=side, person_id=OuterRef("pk"))
    return (
        model.objects.filter(pk__in=proposals.values(f"{side}_id"))
        .exclude(Exists(mine.exclude(state=Message.State.FAILED)))
        .annotate(failed=Exists(mine.filter(state=Message.State.FAILED)))
        .order_by("first_name", "pk")
    )
