"""E-mails to a programme's coordinators about a new concern, through the outbox.

The e-mail says that a concern arrived and where to read it, never its words:
what was reported stays on the site, behind the coordinator's sign-in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from kinfolk.outbox.purposes import purpose_register
from kinfolk.outbox.services import email_new, messages_queue
from kinfolk.programmes.models import Coordinator

if TYPE_CHECKING:
    from kinfolk.casework.models import Concern

PURPOSE = "concern_new"


def concern_tell_coordinators(concern: Concern) -> int:
    """Queue one e-mail per coordinator of the concern's programme; returns how many."""
    link = settings.SITE_URL + reverse(
        "casework:concern_detail", args=[concern.programme_id, concern.pk]
    )
    rows = []
    appointments = Coordinator.objects.filter(programme_id=concern.programme_id)
    for appointment in appointments.select_related("user"):
        user = appointment.user
        if not (user.is_active and user.email):
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject = _("A new concern in %(programme)s") % {"programme": concern.programme.name}
            body = _(
                "A concern about a pairing has just been raised. Please read it and take it "
                "in hand:\n\n%(link)s"
            ) % {"link": link}
        rows.append(
            email_new(
                to=user.email,
                subject=subject,
                body=body,
                purpose=PURPOSE,
                key=f"concern:{concern.pk}",
                user=user,
                language=user.language,
                about=("concern", concern.pk),
            )
        )
    messages_queue(rows)
    return len(rows)


purpose_register(PURPOSE)
