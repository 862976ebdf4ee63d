"""Case notes and check-ins: a dated log per person and per pairing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kinfolk.casework.models import CaseNote
from kinfolk.casework.services import CaseworkError, words_clean
from kinfolk.pairings.models import Pairing
from kinfolk.people.models import Household, Volunteer
from kinfolk.programmes.models import Programme

Subject = Volunteer | Household | Pairing


def _subject_fields(subject: Subject) -> dict[str, Any]:
    if isinstance(subject, Pairing):
        return {"pairing": subject}
    return {subject.side: subject}


def _note_check(programme: Programme, subject: Subject, words: str, follow_up_on: Any) -> None:
    if subject.programme_id != programme.pk:
        raise CaseworkError(_("This person or pairing is not in this programme."))
    words_clean(
        words,
        limit=500,
        empty=_("Write a short note."),
        too_long=_("Keep the note to 500 characters."),
    )
    if follow_up_on is not None and follow_up_on < programme.today():
        raise CaseworkError(_("The follow-up date is in the past; choose today or later."))


@transaction.atomic
def note_write(
    *,
    programme: Programme,
    subject: Subject,
    by: Any,
    channel: str,
    words: str,
    follow_up_on: dt.date | None = None,
    safeguarding: bool = False,
) -> CaseNote:
    """Add a note to a person's or a pairing's log; the person reads it unless safeguarding."""
    _note_check(programme, subject, words, follow_up_on)
    note = CaseNote(
        programme=programme,
        kind=CaseNote.Kind.NOTE,
        channel=channel,
        words=words.strip(),
        follow_up_on=follow_up_on,
        safeguarding=safeguarding,
        written_by=by,
        **_subject_fields(subject),
    )
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def check_in_record(
    *,
    programme: Programme,
    pairing: Pairing,
    by: Any,
    channel: str,
    words: str,
    follow_up_on: dt.date | None = None,
    safeguarding: bool = False,
) -> CaseNote:
    """Record a check-in with a pair: it leaves the check-in list until the next signal."""
    locked = Pairing.objects.select_for_update().filter(pk=pairing.pk).first()
    if locked is None or locked.state != Pairing.State.ACTIVE:
        raise CaseworkError(_("This pairing has ended; check-ins are for pairs still meeting."))
    _note_check(programme, locked, words, follow_up_on)
    note = CaseNote(
        programme=programme,
        pairing=locked,
        kind=CaseNote.Kind.CHECK_IN,
        channel=channel,
        words=words.strip(),
        follow_up_on=follow_up_on,
        safeguarding=safeguarding,
        written_by=by,
    )
    note.full_clean()
    note.save()
    return note
