"""Reads of check expiry: who is out of date, who soon will be.

Every function takes a programme or volunteer already fetched through a
scoped selector (``programme_get``, ``volunteer_get``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from kinfolk.people.models import Volunteer, VolunteerCheck
from kinfolk.programmes.models import Programme
from kinfolk.vetting.models import CheckExpiry, CheckValidity

#: How many days before its date a check shows as expiring, and its reminder goes.
REMIND_DAYS = 30


def _expired(programme: Programme, today: dt.date) -> QuerySet[CheckExpiry]:
    # Only checks the programme still requires keep someone out of proposals.
    return CheckExpiry.objects.filter(
        volunteer_check__volunteer__programme=programme,
        volunteer_check__kind__in=programme.required_checks,
        expires_on__lt=today,
    )


def volunteers_with_valid_checks(
    volunteers: QuerySet[Volunteer], *, programme: Programme, today: dt.date | None = None
) -> QuerySet[Volunteer]:
    """The volunteers none of whose required checks has passed its date (one query)."""
    today = today or programme.today()
    expired = _expired(programme, today).filter(volunteer_check__volunteer_id=OuterRef("pk"))
    return volunteers.exclude(Exists(expired))


def check_expired_exists(*, volunteer_ref: Any, programme: Programme, today: dt.date) -> Exists:
    """Whether the volunteer at ``volunteer_ref`` has an expired check (exclude or annotate)."""
    return Exists(_expired(programme, today).filter(volunteer_check__volunteer_id=volunteer_ref))


def volunteer_checks_expired(
    *, volunteer: Volunteer, today: dt.date | None = None
) -> list[CheckExpiry]:
    """The volunteer's required checks whose date has passed, oldest first."""
    programme = volunteer.programme
    today = today or programme.today()
    return list(
        _expired(programme, today)
        .filter(volunteer_check__volunteer=volunteer)
        .select_related("volunteer_check")
        .order_by("expires_on")
    )


def checks_expiring(
    *, programme: Programme, within_days: int = REMIND_DAYS, today: dt.date | None = None
) -> QuerySet[CheckExpiry]:
    """Checks of people still taking part that expire within ``within_days``, or already have.

    Oldest date first, each with its check and volunteer loaded: a to-do list
    links each row to ``programmes:volunteer_detail``.  ``row.expires_on <
    today`` tells an expired check from one about to expire.
    """
    today = today or programme.today()
    return (
        CheckExpiry.objects.filter(
            volunteer_check__volunteer__programme=programme,
            volunteer_check__kind__in=programme.required_checks,
            expires_on__lte=today + dt.timedelta(days=within_days),
        )
        .exclude(volunteer_check__volunteer__state=Volunteer.State.LEFT)
        .select_related("volunteer_check__volunteer")
        .order_by("expires_on", "volunteer_check_id")
    )


def validity_months(*, programme: Programme) -> dict[str, int]:
    """Months each kind of check stays valid in the programme; a kind left out never expires."""
    return dict(programme.check_validities.values_list("kind", "months"))


@dataclass(frozen=True)
class CheckRow:
    """One check of a volunteer as the coordinator's page shows it."""

    check: VolunteerCheck
    expires_on: dt.date | None
    state: str  # "valid", "expiring", "expired" or "" (no date)


def volunteer_check_rows(*, volunteer: Volunteer, today: dt.date | None = None) -> list[CheckRow]:
    """Each recorded check with its date and whether it is valid, expiring or expired."""
    today = today or volunteer.programme.today()
    soon = today + dt.timedelta(days=REMIND_DAYS)
    rows = []
    checks = volunteer.checks.select_related("recorded_by", "expiry").order_by("kind")
    for check in checks:
        expiry = getattr(check, "expiry", None)
        day = expiry.expires_on if expiry else None
        state = (
            ""
            if day is None
            else "expired"
            if day < today
            else "expiring"
            if day <= soon
            else "valid"
        )
        rows.append(CheckRow(check, day, state))
    return rows


def reminders_due(*, programme: Programme, today: dt.date) -> QuerySet[CheckExpiry]:
    """Checks expiring within ``REMIND_DAYS`` whose reminder for that date has not been queued."""
    return (
        CheckExpiry.objects.filter(
            volunteer_check__volunteer__programme=programme,
            volunteer_check__kind__in=programme.required_checks,
            expires_on__gte=today,
            expires_on__lte=today + dt.timedelta(days=REMIND_DAYS),
        )
        .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("expires_on")))
        .exclude(volunteer_check__volunteer__state=Volunteer.State.LEFT)
        .select_related("volunteer_check__volunteer__user")
    )


def validity_get(*, programme: Programme, kind: str) -> CheckValidity | None:
    return programme.check_validities.filter(kind=kind).first()
