"""Refreshing what the check-in list and the to-do page read: signals, people out of reach."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kinfolk.casework.models import CheckInSignal, UnreachablePerson
from kinfolk.casework.selectors.checkins import check_in_signals_compute
from kinfolk.casework.selectors.todo import unreachable_households, unreachable_volunteers
from kinfolk.people.models import Household, Volunteer
from kinfolk.programmes.models import Programme


@transaction.atomic
def check_in_signals_refresh(*, programme: Programme, today: dt.date | None = None) -> int:
    """Replace the programme's stored signals with today's; returns how many there are.

    Check-ins are not consulted here: the list leaves out signals a check-in
    answered when it reads them, so recording one takes effect at once.
    """
    today = today or programme.today()
    found = check_in_signals_compute(programme=programme, today=today)
    CheckInSignal.objects.filter(programme=programme).delete()
    CheckInSignal.objects.bulk_create(
        [
            CheckInSignal(
                programme=programme,
                pairing_id=s.pairing_id,
                reason=s.reason,
                window_start=s.window_start,
                arose_on=s.arose_on,
                rating=s.rating,
            )
            for s in found
        ],
        batch_size=5000,
    )
    return len(found)


def check_in_signals_refresh_all(*, now: dt.datetime | None = None) -> int:
    """Every programme's signals, each in its own transaction and its own "today"."""
    now = now or timezone.now()
    return sum(
        check_in_signals_refresh(programme=programme, today=programme.today(now))
        for programme in Programme.objects.all()
    )


@transaction.atomic
def unreachable_refresh(*, programme: Programme) -> int:
    """Replace the programme's list of people no message can reach; returns how many."""
    UnreachablePerson.objects.filter(programme=programme).delete()
    rows = [
        UnreachablePerson(programme=programme, volunteer=v, since=v.created_at)
        for v in unreachable_volunteers(programme)
    ]
    rows += [
        UnreachablePerson(programme=programme, household=h, since=h.created_at)
        for h in unreachable_households(programme)
    ]
    UnreachablePerson.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def unreachable_recheck(*, person: Volunteer | Household) -> None:
    """After someone's details change: drop them from the list if a message can now reach them."""
    found = unreachable_volunteers if isinstance(person, Volunteer) else unreachable_households
    if not found(person.programme).filter(pk=person.pk).exists():
        UnreachablePerson.objects.filter(**{person.side: person}).delete()


def unreachable_refresh_all() -> int:
    return sum(unreachable_refresh(programme=p) for p in Programme.objects.all())
