"""After a visit: each side says whether it happened, and may leave feedback on the visit.

A visit counts as happened when both sides say so, or when one says so and
the other has not answered within 14 days; when they disagree it is
unconfirmed, which both sides and the coordinator see.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kinfolk.visits.models import Visit
from kinfolk.visits.services import VisitError
from kinfolk.visits.services._common import Person, own_visit_lock, today_in

#: Days the other side has to answer before one side's "it happened" stands alone.
CONFIRM_DAYS = 14
_H, _M = Visit.Outcome.HAPPENED, Visit.Outcome.MISSED


def settled_state(visit: Visit, now: dt.datetime) -> str:
    """The state both sides' records give the visit at ``now``."""
    answers = {visit.volunteer_outcome, visit.household_outcome}
    if answers == {_H}:
        return Visit.State.HAPPENED
    if answers == {_M} or answers == {_M, ""}:
        return Visit.State.MISSED
    if answers == {_H, _M}:
        return Visit.State.UNCONFIRMED
    if answers == {_H, ""}:
        first = visit.first_outcome_at or now
        if now - first >= dt.timedelta(days=CONFIRM_DAYS):
            return Visit.State.HAPPENED
    return Visit.State.AGREED if visit.agreed_at else Visit.State.PLANNED


def outcome_record(
    *, visit_id: int, person: Person, happened: bool, now: dt.datetime | None = None
) -> Visit:
    """Record the person's side of whether the visit happened; a later answer replaces it."""
    now = now or timezone.now()
    side = person.side
    with transaction.atomic():
        visit = own_visit_lock(visit_id, person)
        _recordable_check(visit, now)
        setattr(visit, f"{side}_outcome", _H if happened else _M)
        visit.first_outcome_at = visit.first_outcome_at or now
        visit.state = settled_state(visit, now)
        visit.save(update_fields=[f"{side}_outcome", "first_outcome_at", "state"])
    return visit


def _recordable_check(visit: Visit, now: dt.datetime) -> None:
    if visit.state == Visit.State.CANCELLED:
        raise VisitError(_("This visit was cancelled; there is nothing to record."))
    if visit.agreed_at and visit.agreed_at > now:
        raise VisitError(_("This visit is still to come; record it afterwards."))
    if visit.window_start > today_in(visit.pairing.programme, now):
        raise VisitError(_("This visit's window has not opened yet; record it afterwards."))


def feedback_leave(*, visit_id: int, person: Person, rating: int | None, words: str = "") -> Visit:
    """Leave (or change) the person's feedback on a visit that happened; the other side reads it."""
    side = person.side
    with transaction.atomic():
        visit = own_visit_lock(visit_id, person)
        if visit.state != Visit.State.HAPPENED:
            raise VisitError(
                _(
                    "Feedback is for visits that happened, and this one has not (yet); "
                    "nothing was saved."
                )
            )
        if rating is not None and not 1 <= rating <= 5:
            raise VisitError(_("Choose a rating from 1 to 5, or none."))
        words = words.strip()
        if len(words) > 300:
            raise VisitError(_("Keep it to 300 characters; nothing was saved."))
        setattr(visit, f"{side}_rating", rating)
        setattr(visit, f"{side}_words", words)
        visit.save(update_fields=[f"{side}_rating", f"{side}_words"])
    return visit


def visits_settle(*, now: dt.datetime | None = None) -> int:
    """One side said it happened 14 days ago and the other never answered: it counts as happened."""
    now = now or timezone.now()
    lone = Q(volunteer_outcome=_H, household_outcome="") | Q(
        volunteer_outcome="", household_outcome=_H
    )
    return Visit.objects.filter(
        lone,
        state__in=(Visit.State.PLANNED, Visit.State.AGREED),
        first_outcome_at__lte=now - dt.timedelta(days=CONFIRM_DAYS),
    ).update(state=Visit.State.HAPPENED)
