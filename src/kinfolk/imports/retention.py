"""Retention of imported people who never accepted: erased after the programme's period.

A spreadsheet import stores people who have agreed to nothing (charter rule
1).  Someone who neither accepts their invitation nor gives a paper consent
within the programme's retention period (the same months that apply to people
who left) is erased, as if they had left on the day of their invitation, or of
their import when they were never invited.  An invitation still open keeps
them.  Erased people have no invitee row any more, so a second run finds
nobody new.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef, Q, QuerySet

from kinfolk.imports.models import Invitee
from kinfolk.people.models import Consent, Household, Volunteer
from kinfolk.privacy.erasure import person_erase, sessions_end
from kinfolk.privacy.retention import retention_months
from kinfolk.programmes.models import Programme


def invitees_unaccepted_due(*, programme: Programme, now: dt.datetime) -> list[Invitee]:
    """Imported people of ``programme`` who never consented and whose period has passed."""
    cutoff = now - relativedelta(months=retention_months(programme=programme))
    found: list[Invitee] = []
    for side in ("volunteer", "household"):
        ever_consented = Consent.objects.filter(**{side: OuterRef(side)})
        due: QuerySet[Invitee] = (
            Invitee.objects.filter(programme=programme, **{f"{side}__isnull": False})
            .exclude(Exists(ever_consented))
            .filter(
                Q(invited_at__lte=cutoff)
                | Q(invited_at__isnull=True, **{f"{side}__created_at__lte": cutoff})
            )
            # An invitation still open is a promise that the link works: keep them until then.
            .exclude(invitation__accepted_at__isnull=True, invitation__expires_at__gt=now)
        )
        found += due.select_related(side).order_by("pk")
    return found


def invitees_unaccepted_erase(*, now: dt.datetime) -> int:
    """Erase every imported person past their programme's period without consent; how many."""
    erased = 0
    accounts: set[int] = set()
    for programme in Programme.objects.all().iterator():
        for invitee in invitees_unaccepted_due(programme=programme, now=now):
            person: Volunteer | Household | None = invitee.volunteer or invitee.household
            if person is None or person.is_erased:
                continue
            person_erase(person=person, sessions_later=accounts)
            erased += 1
    sessions_end(user_ids=accounts)
    return erased
