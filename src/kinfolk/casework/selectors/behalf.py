"""What a coordinator may do on a person's behalf now: the visits and invitation it concerns."""

from __future__ import annotations

from kinfolk.people.models import Household, Invitation, Volunteer
from kinfolk.visits.models import Visit

Person = Volunteer | Household
#: Visits offered for an outcome: the latest windows that have opened, not cancelled.
OUTCOME_VISITS = 6


def recordable_visits(*, person: Person) -> list[Visit]:
    """The person's latest opened, not cancelled windows, newest first."""
    today = person.programme.today()
    return list(
        Visit.objects.filter(**{f"pairing__{person.side}": person}, window_start__lte=today)
        .exclude(state=Visit.State.CANCELLED)
        .order_by("-window_start")[:OUTCOME_VISITS]
    )


def pending_invitation(*, person: Person) -> Invitation | None:
    """The person's latest invitation not yet accepted (expired ones too: a resend renews it)."""
    return (
        Invitation.objects.filter(**{person.side: person}, accepted_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
