"""Telling the side that proposed a visit time that it was declined.

Queued in the declining transaction (both commit, or neither), by e-mail and,
for those who chose it, by text message; the outbox's key makes it once per
reader.  The words carry no reason, because a decline needs none (charter
rule 2).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from kinfolk.outbox.models import Message
from kinfolk.outbox.services import email_new, messages_queue, sms_new
from kinfolk.visits.models import TimeProposal
from kinfolk.visits.services.reminders import Due, _readers
from kinfolk.visits.wording import local_time_words, window_words


def time_declined_tell(*, time: TimeProposal) -> int:
    """Queue the notice to every reader of the side that proposed ``time``; returns how many."""
    visit = time.visit
    side = time.proposed_by
    pairing = visit.pairing
    person = pairing.volunteer if side == "volunteer" else pairing.household
    partner = pairing.household if side == "volunteer" else pairing.volunteer
    rows: list[Message] = []
    readers = _readers([Due(visit, "declined", side, str(time.pk), time)])[(visit.pk, side)]
    for reader in readers:
        with translation.override(reader.language):
            subject = _("%(name)s cannot make the time you proposed") % {"name": partner.first_name}
            body = _(
                "%(name)s cannot make %(time)s for your visit. You can propose another time "
                "inside the window, %(window)s."
            ) % {
                "name": partner.first_name,
                "time": local_time_words(visit, time.starts_at),
                "window": window_words(visit),
            }
        link = settings.SITE_URL + reverse("visits:visit_detail", args=[side, person.pk, visit.pk])
        common = {
            "purpose": "time_declined",
            "key": str(time.pk),
            "language": reader.language,
            "user": reader.user,
            "person": person,
            "about": ("visit", visit.pk),
        }
        if reader.by_email:
            rows.append(
                email_new(to=reader.email, subject=subject, body=f"{body}\n\n{link}", **common)
            )
        if reader.by_sms:
            rows.append(sms_new(to=reader.phone, body=f"{body} {link}", **common))
    messages_queue(rows)
    return len(readers)
