"""Telling a claimant that their claim was approved or not, through the outbox.

The e-mail gives the amount, the decision and the coordinator's note, and
links to the claim's page; it is queued in the decision's transaction, so a
decision that rolls back tells nobody.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from kinfolk.outbox.purposes import purpose_register
from kinfolk.outbox.services import email_new, messages_queue

if TYPE_CHECKING:
    from kinfolk.budget.models import ExpenseClaim

PURPOSE = "claim_decided"


def _accounts(claim: ExpenseClaim) -> list[Any]:
    person = claim.claimant
    if claim.side == "volunteer":
        users = [person.user] if person.user_id else []
    else:
        users = [m.user for m in person.members.select_related("user")]
    return [u for u in users if u.is_active and u.email]


def claim_decided_tell(claim: ExpenseClaim) -> int:
    """Queue one e-mail per account of the claimant; returns how many."""
    from kinfolk.budget.claims import minor_text

    person = claim.claimant
    link = settings.SITE_URL + reverse(
        "budget:my_claim", kwargs={"kind": claim.side, "person_id": person.pk, "claim_id": claim.pk}
    )
    rows = []
    for user in _accounts(claim):
        with translation.override(user.language or settings.LANGUAGE_CODE):
            words = {
                "name": person.first_name,
                "amount": minor_text(claim, claim.total_minor),
                "day": claim.visit.window_start.isoformat(),
                "note": claim.decision_note or _("(no note)"),
                "link": link,
            }
            if claim.state == claim.State.APPROVED:
                subject = _("Your expense claim is approved")
                body = _(
                    "Hello %(name)s,\n\nYour claim of %(amount)s for the visit of the window "
                    "starting %(day)s is approved. It will be paid with the next payment run.\n\n"
                    "Note from the coordinator: %(note)s\n\n%(link)s"
                )
            else:
                subject = _("Your expense claim was not approved")
                body = _(
                    "Hello %(name)s,\n\nYour claim of %(amount)s for the visit of the window "
                    "starting %(day)s was not approved.\n\nWhy: %(note)s\n\nYou may claim "
                    "again for this visit.\n\n%(link)s"
                )
        rows.append(
            email_new(
                to=user.email,
                subject=subject,
                body=body % words,
                purpose=PURPOSE,
                key=f"claim:{claim.pk}:{claim.state}",
                user=user,
                person=person,
                language=user.language,
                about=("claim", claim.pk),
            )
        )
    messages_queue(rows)
    return len(rows)


purpose_register(PURPOSE)
