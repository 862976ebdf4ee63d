"""The host controls the door: every exact time is a proposal the other side answers.

Either side may propose a time inside the window; the side that did not
propose accepts it, declines it (no reason asked) or answers with another
time.  Nothing counts or ranks declines (charter rule 2): a decline only
closes that one proposal.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kinfolk.engine import dictionary as dd
from kinfolk.privacy.services import address_mentioned
from kinfolk.visits.models import TimeProposal, Visit
from kinfolk.visits.services import VisitError
from kinfolk.visits.services._common import (
    Person,
    own_visit_lock,
    pairing_live_check,
    today_in,
    zone,
)
from kinfolk.visits.services.declines import time_declined_tell
from kinfolk.visits.services.reminders import reminders_for_time

_LIVE = (Visit.State.PLANNED, Visit.State.AGREED)


def time_propose(
    *, visit_id: int, person: Person, starts_at: dt.datetime, place_note: str = ""
) -> TimeProposal:
    """Propose a time inside the window; it replaces any time still waiting for an answer."""
    side = person.side
    with transaction.atomic():
        visit = own_visit_lock(visit_id, person)
        _settleable_check(visit)
        pairing_live_check(visit)
        _time_check(visit, starts_at)
        place_note = _place_check(visit, place_note) if visit.host == Visit.Host.PUBLIC else ""
        now = timezone.now()
        visit.times.filter(state=TimeProposal.State.OPEN).update(
            state=TimeProposal.State.SUPERSEDED, answered_at=now
        )
        proposal = TimeProposal.objects.create(
            visit=visit, proposed_by=side, starts_at=starts_at, place_note=place_note
        )
        # The other side's message is queued with the proposal: both commit, or neither.
        reminders_for_time(time_id=proposal.pk)
    return proposal


def time_accept(*, visit_id: int, time_id: int, person: Person) -> Visit:
    """Accept the other side's time: the visit is agreed for it."""
    with transaction.atomic():
        visit, proposal = _answerable(visit_id, time_id, person)
        if proposal.starts_at <= timezone.now():
            raise VisitError(
                _("This time has already passed; propose another. Nothing was agreed.")
            )
        _close(proposal, TimeProposal.State.ACCEPTED)
        visit.state = Visit.State.AGREED
        visit.agreed_at = proposal.starts_at
        fields = ["state", "agreed_at"]
        if proposal.place_note:
            visit.place_note = proposal.place_note
            fields.append("place_note")
        visit.save(update_fields=fields)
    return visit


def time_decline(*, visit_id: int, time_id: int, person: Person) -> TimeProposal:
    """Decline the other side's time: no reason asked, nothing counted; the proposer is told."""
    with transaction.atomic():
        _visit, proposal = _answerable(visit_id, time_id, person)
        _close(proposal, TimeProposal.State.DECLINED)
        # The side that proposed is told, in this transaction: both commit, or neither.
        time_declined_tell(time=proposal)
    return proposal


def _answerable(visit_id: int, time_id: int, person: Person) -> tuple[Visit, TimeProposal]:
    visit = own_visit_lock(visit_id, person)
    proposal = visit.times.filter(pk=time_id).first()
    if proposal is None:
        raise VisitError(_("This is not one of your visits; nothing was changed."))
    if proposal.state == TimeProposal.State.SUPERSEDED:
        raise VisitError(
            _(
                "This time was changed since you opened the page, so it can no longer be "
                "answered. Nothing was agreed: the latest time is shown below."
            )
        )
    if proposal.state != TimeProposal.State.OPEN:
        raise VisitError(_("This time has already been answered; nothing was changed."))
    if proposal.proposed_by == person.side:
        raise VisitError(
            _("You proposed this time: %(other)s answers it.")
            % {"other": _("the household") if person.side == "volunteer" else _("the volunteer")}
        )
    _settleable_check(visit)
    pairing_live_check(visit)
    return visit, proposal


def _close(proposal: TimeProposal, state: str) -> None:
    proposal.state = state
    proposal.answered_at = timezone.now()
    proposal.save(update_fields=["state", "answered_at"])


def _settleable_check(visit: Visit) -> None:
    if visit.state not in _LIVE:
        raise VisitError(
            _("This visit is %(state)s, so its time cannot change.")
            % {"state": visit.get_state_display()}
        )
    if visit.window_end < today_in(visit.pairing.programme):
        raise VisitError(_("This window has closed; its time cannot change."))


def _time_check(visit: Visit, starts_at: dt.datetime) -> None:
    """Inside the window, in the future, and on no day either side blacked out."""
    if timezone.is_naive(starts_at):
        raise VisitError(_("Give the time with its time zone."))
    day = timezone.localtime(starts_at, zone(visit.pairing.programme)).date()
    if starts_at <= timezone.now():
        raise VisitError(_("This time has already passed; choose a later one."))
    if not visit.window_start <= day <= visit.window_end:
        raise VisitError(
            _("Choose a day between %(start)s and %(end)s, inside this visit's window.")
            % {
                "start": formats.date_format(visit.window_start, "DATE_FORMAT"),
                "end": formats.date_format(visit.window_end, "DATE_FORMAT"),
            }
        )
    for person in (visit.pairing.volunteer, visit.pairing.household):
        for first, last in _blackout(person.blackout):
            if first <= day <= last:
                raise VisitError(
                    _("%(day)s is a date one of you keeps free of visits; choose another day.")
                    % {"day": formats.date_format(day, "DATE_FORMAT")}
                )


#: A UK-style postcode: a place note holding one is an address.
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)


def _place_check(visit: Visit, note: str) -> str:
    """A public place by name (a café, a library), never a home address (charter rule 5)."""
    note = note.strip()
    people = (visit.pairing.volunteer, visit.pairing.household)
    if _POSTCODE.search(note) or address_mentioned(text=note, people=people):
        raise VisitError(
            _("Name a public place, such as a café or a library, not an address. Nothing was sent.")
        )
    return note


def _blackout(text: str) -> tuple[dd.DateRange, ...]:
    try:
        return dd.parse_blackout(text)
    except ValueError:
        return ()
