"""Concerns: raised by a household about its visitor or by a volunteer about a visit.

Each reaches the programme's coordinators at once (an e-mail through the
outbox, a badge on the overview).  Handling it never tells the person it is
about anything: not when it is taken in hand, not when it is closed.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinfolk.casework.models import Concern, ConcernNote
from kinfolk.casework.notices import concern_tell_coordinators
from kinfolk.casework.services import CaseworkError, words_clean
from kinfolk.pairings.models import VisitorReport
from kinfolk.people.models import Volunteer
from kinfolk.programmes.models import Coordinator
from kinfolk.visits.models import Visit

MAX_WORDS = 2000


def concern_from_visitor_report(*, report: VisitorReport) -> Concern:
    """Open a concern for a household's report (called in the report's transaction)."""
    pairing = report.pairing
    concern = Concern(
        programme_id=pairing.programme_id,
        pairing=pairing,
        visitor_report=report,
        source=Concern.Source.HOUSEHOLD,
        raised_by=report.reported_by,
        words=report.words,
    )
    concern.full_clean()
    concern.save()
    concern_tell_coordinators(concern)
    return concern


@transaction.atomic
def concern_raise(*, volunteer: Volunteer, visit: Visit, by: Any, words: str) -> Concern:
    """A volunteer tells the programme privately about a visit; the household never sees it."""
    pairing = visit.pairing
    if pairing.volunteer_id != volunteer.pk:
        raise CaseworkError(_("This is not your visit."))
    words = words_clean(
        words,
        limit=MAX_WORDS,
        empty=_("Tell us what happened."),
        too_long=_("Keep it to 2,000 characters."),
    )
    concern = Concern(
        programme_id=pairing.programme_id,
        pairing=pairing,
        visit=visit,
        source=Concern.Source.VOLUNTEER,
        raised_by=by,
        words=words,
    )
    concern.full_clean()
    concern.save()
    concern_tell_coordinators(concern)
    return concern


def _locked(concern: Concern) -> Concern:
    locked = Concern.objects.select_for_update().get(pk=concern.pk)
    if locked.state == Concern.State.CLOSED:
        raise CaseworkError(_("This concern is closed."))
    return locked


@transaction.atomic
def concern_take(*, concern: Concern, by: Any) -> Concern:
    """The coordinator takes the concern in hand and becomes its owner."""
    locked = _locked(concern)
    locked.state = Concern.State.IN_HAND
    locked.owner = by
    locked.save(update_fields=["state", "owner"])
    return locked


@transaction.atomic
def concern_assign(*, concern: Concern, owner_id: int | None) -> Concern:
    """Hand the concern to another coordinator of its programme; it is then in hand."""
    owner = (
        Coordinator.objects.filter(programme_id=concern.programme_id, user_id=owner_id)
        .select_related("user")
        .first()
    )
    if owner is None:
        raise CaseworkError(_("Choose one of this programme's coordinators."))
    locked = _locked(concern)
    locked.state = Concern.State.IN_HAND
    locked.owner = owner.user
    locked.save(update_fields=["state", "owner"])
    return locked


@transaction.atomic
def concern_note_add(*, concern: Concern, by: Any, words: str) -> ConcernNote:
    """A note while handling the concern; only the programme's coordinators read it."""
    locked = _locked(concern)
    message = _("Write a note of up to 500 characters.")
    words = words_clean(words, limit=500, empty=message, too_long=message)
    note = ConcernNote(concern=locked, words=words, written_by=by)
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def concern_close(*, concern: Concern, by: Any, outcome: str) -> Concern:
    """Close with an outcome; nobody outside the coordinators is told (it protects the raiser)."""
    locked = _locked(concern)
    outcome = words_clean(
        outcome,
        limit=300,
        empty=_("Say how the concern was resolved before closing it."),
        too_long=_("Keep the outcome to 300 characters."),
    )
    locked.state = Concern.State.CLOSED
    locked.owner = locked.owner or by
    locked.outcome = outcome
    locked.closed_at = timezone.now()
    locked.save(update_fields=["state", "owner", "outcome", "closed_at"])
    return locked
