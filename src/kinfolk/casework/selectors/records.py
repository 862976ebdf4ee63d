"""Notes and actions on a person's behalf: for coordinators, and for the person themselves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from kinfolk.casework.models import BehalfAction, CaseNote
from kinfolk.pairings.models import Pairing
from kinfolk.people.models import Household, Volunteer

Person = Volunteer | Household


def _about(person: Person) -> Q:
    """Rows about the person directly, or about a pairing they were in."""
    pairings = Pairing.objects.filter(**{person.side: person}).values("pk")
    return Q(**{person.side: person}) | Q(pairing__in=pairings)


def note_list(
    *, person: Person | None = None, pairing: Pairing | None = None
) -> QuerySet[CaseNote]:
    """Notes and check-ins about a person (theirs and their pairings') or one pairing, newest first.

    For coordinators: safeguarding notes included.
    """
    if pairing is not None:
        found = CaseNote.objects.filter(pairing=pairing)
    else:
        assert person is not None
        found = CaseNote.objects.filter(_about(person))
    return found.select_related(
        "written_by", "pairing__volunteer", "pairing__household", "volunteer", "household"
    )


def behalf_list(
    *, person: Person | None = None, pairing: Pairing | None = None
) -> QuerySet[BehalfAction]:
    """What coordinators did on the person's behalf (or on either side of a pairing)."""
    if pairing is not None:
        found = BehalfAction.objects.filter(
            Q(pairing=pairing)
            | Q(volunteer_id=pairing.volunteer_id, pairing__isnull=True)
            | Q(household_id=pairing.household_id, pairing__isnull=True)
        ).filter(acted_at__gte=_start(pairing))
    else:
        assert person is not None
        found = BehalfAction.objects.filter(**{person.side: person})
    return found.select_related("acted_by", "visit", "volunteer", "household")


def _start(pairing: Pairing) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(pairing.started_on, dt.time.min))


@dataclass
class RecordsAbout:
    """What the casework holds about a person that the person may read (charter rule 4)."""

    notes: list[CaseNote] = field(default_factory=list)
    actions: list[BehalfAction] = field(default_factory=list)


def records_about(person: Person) -> RecordsAbout:
    """Notes (not safeguarding ones) and actions on the person's behalf, newest first.

    Concerns are left out on purpose: a concern is never shown to the person
    it is about, and this is what "My data" and its download show.
    """
    return RecordsAbout(notes=list(_own_notes(person)), actions=list(behalf_list(person=person)))


@dataclass
class RecordsGlance:
    """What a participant's own page shows of :func:`records_about`."""

    actions: list[BehalfAction]
    n_notes: int


def records_glance(person: Person, *, actions: int = 5) -> RecordsGlance:
    """The newest actions on the person's behalf and how many notes they may read.

    Their home page shows no more than this, and reads no more: the notes
    themselves are in My data.
    """
    # The person is read already: join only who acted and the visit.
    mine = BehalfAction.objects.filter(**{person.side: person}).select_related("acted_by", "visit")
    newest = list(mine[:actions])
    for action in newest:
        setattr(action, person.side, person)
    return RecordsGlance(actions=newest, n_notes=_own_notes(person).count())


def _own_notes(person: Person) -> QuerySet[CaseNote]:
    """The notes a person may read about themselves: safeguarding notes never."""
    return note_list(person=person).filter(safeguarding=False)
