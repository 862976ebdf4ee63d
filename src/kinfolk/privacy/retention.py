"""Retention: a programme erases the people who left once its retention period has passed.

The period is set per programme in months (12 unless changed).  The daily
tick job erases whoever is due; a person already erased is never due again,
so running it twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, QuerySet
from django.utils.translation import gettext as _

from kinfolk.people.models import Household, Volunteer
from kinfolk.privacy.erasure import person_erase, sessions_end
from kinfolk.privacy.models import RetentionPolicy
from kinfolk.programmes.models import Programme

DEFAULT_MONTHS = 12
MAX_MONTHS = 120


def retention_months(*, programme: Programme) -> int:
    policy = RetentionPolicy.objects.filter(programme=programme).first()
    return policy.months if policy else DEFAULT_MONTHS


@transaction.atomic
def retention_set(*, programme: Programme, months: int) -> RetentionPolicy:
    """Set the period; 0, negative or over ten years is refused, and nothing changes."""
    if not 1 <= months <= MAX_MONTHS:
        raise ValidationError(
            {"months": _("Keep the data of people who left for 1 to 120 months.")}
        )
    policy, _created = RetentionPolicy.objects.update_or_create(
        programme=programme, defaults={"months": months}
    )
    return policy


def _left(programme: Programme) -> list[QuerySet[Volunteer] | QuerySet[Household]]:
    return [
        model.objects.filter(programme=programme, state="left").exclude(
            external_id__startswith="erased-"
        )
        for model in (Volunteer, Household)
    ]


def retention_due(*, programme: Programme, now: dt.datetime) -> list[Volunteer | Household]:
    """The people who left before the programme's period and are not erased yet."""
    cutoff = now - relativedelta(months=retention_months(programme=programme))
    due: list[Volunteer | Household] = []
    for people in _left(programme):
        due += [p for p in people.filter(state_changed_at__lte=cutoff) if not p.is_erased]
    return due


@dataclass(frozen=True)
class RetentionNext:
    months: int
    due_now: int
    next_on: dt.datetime | None  # when the next person becomes due, if nobody is due now
    next_count: int


def retention_next(*, programme: Programme, now: dt.datetime) -> RetentionNext:
    """What the daily job erases next, and when: for the programme's settings page."""
    months = retention_months(programme=programme)
    due_now = len(retention_due(programme=programme, now=now))
    firsts = [qs.aggregate(first=Min("state_changed_at"))["first"] for qs in _left(programme)]
    cutoff = now - relativedelta(months=months)
    later = [f for f in firsts if f is not None and f > cutoff]
    if due_now or not later:
        return RetentionNext(months, due_now, None, 0)
    next_on = min(later) + relativedelta(months=months)
    day_end = min(later) + dt.timedelta(days=1)
    count = sum(qs.filter(state_changed_at__lt=day_end).count() for qs in _left(programme))
    return RetentionNext(months, 0, next_on, count)


def retention_erase(*, now: dt.datetime) -> int:
    """Erase everyone due in every programme; returns how many were erased."""
    erased = 0
    accounts: set[int] = set()
    for programme in Programme.objects.all().iterator():
        for person in retention_due(programme=programme, now=now):
            person_erase(person=person, sessions_later=accounts)
            erased += 1
    # One pass over the sessions for everyone, rather than one per person.
    sessions_end(user_ids=accounts)
    return erased
