"""A household's own adults: cancelling an invitation it sent, removing an adult.

The household's powers over its own account; coordinators act elsewhere.
A household always keeps at least one adult: to stop taking part it leaves.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kinfolk.outbox.services import email_queue
from kinfolk.people.emails import site_link
from kinfolk.people.models import Household, HouseholdMember, Invitation
from kinfolk.people.services.participation import ParticipationError
from kinfolk.visits.services.feeds import calendar_feed_revoke


@transaction.atomic
def household_invitation_cancel(*, invitation: Invitation) -> None:
    """Withdraw a pending invitation to join the household; its link stops working at once.

    The row is deleted: the invited person never agreed to anything, so
    nothing about them is kept (charter rule 4).
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ParticipationError(
            _("%(name)s has already accepted and joined; remove them from the adults instead.")
            % {"name": invitation.first_name}
        )
    invitation.delete()


@transaction.atomic
def household_adult_remove(*, household: Household, member: HouseholdMember, by: Any) -> None:
    """Take one adult off the household's account, never the last one; they are told by e-mail.

    Their calendar address for the household stops working.  Removing
    yourself is allowed while another adult remains.
    """
    household = (
        Household.objects.select_for_update().select_related("programme").get(pk=household.pk)
    )
    members = list(HouseholdMember.objects.select_for_update().filter(household=household))
    if member.pk not in {m.pk for m in members}:
        raise ParticipationError(_("This adult is no longer part of the household."))
    if len(members) <= 1:
        raise ParticipationError(
            _(
                "A household needs at least one adult, so the last one cannot be removed. "
                "To stop taking part, leave the programme instead."
            )
        )
    user = member.user
    member.delete()
    calendar_feed_revoke(user=user, person=household)
    _removed_tell(household, user, by)


def _removed_tell(household: Household, user: Any, by: Any) -> None:
    if not user.is_active or not user.email or user == by:
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        body = _(
            "Hello %(name)s,\n\n"
            "%(by)s has removed you from your household's account in %(programme)s. You no "
            "longer see the household's pages, visits or partner's details.\n\n"
            "If this is a mistake, ask %(by)s to invite you again, or contact the programme:"
            "\n\n%(link)s"
        ) % {
            "name": user.first_name,
            "by": by.first_name,
            "programme": household.programme.name,
            "link": site_link("accounts:login"),
        }
        subject = _("You were removed from a household's account")
    email_queue(
        to=user.email,
        subject=subject,
        body=body,
        purpose="household_adult_removed",
        key=f"household:{household.pk}:user:{user.pk}",
        user=user,
        language=user.language,
    )
