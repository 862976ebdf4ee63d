"""Everything waiting on a programme's coordinators, each kind oldest first.

Each section runs a count and one query for the rows it shows, so the page
costs the same number of queries however many rows there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from kinfolk.casework.models import CaseNote, UnreachablePerson
from kinfolk.casework.selectors.checkins import check_in_due_first
from kinfolk.casework.selectors.scoped import concern_list
from kinfolk.pairings.models import MatchingRun, Proposal
from kinfolk.people.models import Household, HouseholdMember, Volunteer
from kinfolk.privacy.services import without_phone
from kinfolk.programmes.models import Programme

#: Rows shown per section; each section says how many there are in all.
SHOWN = 10
#: Proposals whose answer is due within this many days are "about to lapse".
LAPSE_DAYS = 3
#: Checks expiring within this many days.
EXPIRY_DAYS = 30


@dataclass
class Section:
    rows: list[Any] = field(default_factory=list)
    total: int = 0


@dataclass
class ToDo:
    follow_ups: Section
    applicants: Section
    concerns: Section
    check_ins: Section
    unreachable: Section
    lapsing: Section
    runs: Section
    #: None when this Kinfolk records no expiry dates for checks.
    expiring: Section | None


def _section(found: QuerySet[Any]) -> Section:
    rows = list(found[:SHOWN])
    # A short section is all there is: count only one that may go on.
    return Section(rows=rows, total=found.count() if len(rows) == SHOWN else len(rows))


def unreachable_volunteers(programme: Programme) -> QuerySet[Volunteer]:
    """Volunteers taking part with no active account e-mail and no phone (the refresh's input)."""
    no_email = Q(user__isnull=True) | Q(user__is_active=False)
    no_email |= Q(user__email="") | Q(user__email__isnull=True)  # phone-only accounts
    found = Volunteer.objects.filter(programme=programme).exclude(state="left").filter(no_email)
    return without_phone(people=found).order_by("created_at", "pk")


def unreachable_households(programme: Programme) -> QuerySet[Household]:
    """Households taking part with no adult account to e-mail and no phone."""
    reader = HouseholdMember.objects.filter(household=OuterRef("pk"), user__is_active=True).exclude(
        Q(user__email="") | Q(user__email__isnull=True)
    )
    found = Household.objects.filter(programme=programme).exclude(state="left")
    found = found.exclude(Exists(reader))
    return without_phone(people=found).order_by("created_at", "pk")


def _unreachable(programme: Programme) -> QuerySet[UnreachablePerson]:
    return (
        UnreachablePerson.objects.filter(programme=programme)
        .exclude(volunteer__state="left")
        .exclude(household__state="left")
        .select_related("volunteer", "household")
    )


def _expiring(programme: Programme, today: dt.date) -> Section | None:
    """Checks expiring soon, where this Kinfolk records expiry dates (the vetting app)."""
    try:
        from kinfolk.vetting.selectors import checks_expiring
    except ImportError:
        return None
    return _section(checks_expiring(programme=programme, within_days=EXPIRY_DAYS, today=today))


def _follow_ups(programme: Programme, today: dt.date) -> QuerySet[CaseNote]:
    """Notes whose follow-up day has come, with no later note about the same person or pair.

    A note about the same person or pairing written on or after that day answers it.
    """
    # Each note has one subject; NULL never equals NULL, so match the one that is set.
    same_subject = (
        Q(volunteer__isnull=False, volunteer_id=OuterRef("volunteer_id"))
        | Q(household__isnull=False, household_id=OuterRef("household_id"))
        | Q(pairing__isnull=False, pairing_id=OuterRef("pairing_id"))
    )
    later = CaseNote.objects.filter(
        same_subject,
        written_at__gt=OuterRef("written_at"),
        written_at__date__gte=OuterRef("follow_up_on"),
    )
    return (
        CaseNote.objects.filter(programme=programme, follow_up_on__lte=today)
        .exclude(Exists(later))
        .select_related("volunteer", "household", "pairing__volunteer", "pairing__household")
        .order_by("follow_up_on", "pk")
    )


def _check_ins(programme: Programme) -> Section:
    rows, total = check_in_due_first(programme=programme, n=SHOWN)
    return Section(rows=rows, total=total)


def todo_get(*, programme: Programme, now: dt.datetime | None = None) -> ToDo:
    now = now or timezone.now()
    today = programme.today(now)
    applicants = Volunteer.objects.filter(programme=programme, state=Volunteer.State.APPLIED)
    lapsing = Proposal.objects.filter(
        programme=programme,
        state=Proposal.State.OPEN,
        answer_by__lte=now + dt.timedelta(days=LAPSE_DAYS),
    ).select_related("volunteer", "household")
    runs = MatchingRun.objects.filter(programme=programme, status=MatchingRun.Status.READY)
    return ToDo(
        follow_ups=_section(_follow_ups(programme, today)),
        applicants=_section(applicants.order_by("created_at", "pk")),
        concerns=_section(concern_list(programme=programme, open_only=True)),
        check_ins=_check_ins(programme),
        unreachable=_section(_unreachable(programme)),
        lapsing=_section(lapsing.order_by("answer_by", "pk")),
        runs=_section(runs.order_by("created_at", "pk")),
        expiring=_expiring(programme, today),
    )
