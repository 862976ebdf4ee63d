"""Acting on a person's behalf, each time with a record of how they asked, who acted and when.

Every action wraps the service the person would use themselves (or the one a
coordinator already has), so the rules, messages and effects are the same;
this module adds the check that the person is still in the programme and the
``BehalfAction`` row the person later reads on their page and in "My data".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kinfolk.accounts.services import passwords
from kinfolk.casework.models import BehalfAction, Channel
from kinfolk.casework.services import CaseworkError
from kinfolk.casework.services.signals import unreachable_recheck
from kinfolk.pairings import services as pairing_services
from kinfolk.pairings.models import Pairing
from kinfolk.people.models import Household, Invitation, Volunteer
from kinfolk.people.services import coordination, participation
from kinfolk.programmes.models import Programme
from kinfolk.visits.models import Visit
from kinfolk.visits.services import VisitError, outcomes

Person = Volunteer | Household
Action = BehalfAction.Action


def _refusal(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(getattr(error, "message", error))


def _act(
    *,
    programme: Programme,
    person: Person,
    by: Any,
    asked_by: str,
    action: str,
    work: Callable[[], Any],
    **record: Any,
) -> BehalfAction:
    """Run ``work`` and record it, all or nothing; any refusal becomes a CaseworkError."""
    if person.programme_id != programme.pk:
        raise CaseworkError(_("This person is not in this programme."))
    if asked_by not in Channel.values:
        raise CaseworkError(_("Say how the person asked: by phone, letter or in person."))
    fresh = type(person).objects.get(pk=person.pk)
    if fresh.state == "left":
        raise CaseworkError(
            _("%(name)s has left the programme; nothing can be done on their behalf.")
            % {"name": fresh.first_name}
        )
    try:
        with transaction.atomic():
            work()
            entry = BehalfAction(
                programme=programme,
                action=action,
                asked_by=asked_by,
                acted_by=by,
                **{person.side: person},
                **record,
            )
            entry.full_clean()
            entry.save()
    except (
        participation.ParticipationError,
        pairing_services.PairingError,
        VisitError,
        ValidationError,
        PermissionDenied,
    ) as error:
        raise CaseworkError(_refusal(error)) from error
    return entry


def behalf_pause(*, programme: Programme, person: Person, by: Any, asked_by: str) -> BehalfAction:
    """Pause for the person, as their own pause does: the partner hears "paused for now"."""
    return _act(
        programme=programme,
        person=person,
        by=by,
        asked_by=asked_by,
        action=Action.PAUSE,
        work=lambda: participation.participant_pause(person=person),
    )


def behalf_resume(*, programme: Programme, person: Person, by: Any, asked_by: str) -> BehalfAction:
    return _act(
        programme=programme,
        person=person,
        by=by,
        asked_by=asked_by,
        action=Action.RESUME,
        work=lambda: participation.participant_resume(person=person),
    )


def behalf_leave(*, programme: Programme, person: Person, by: Any, asked_by: str) -> BehalfAction:
    """The person leaves: their withdrawal is recorded by this coordinator, as on paper."""
    return _act(
        programme=programme,
        person=person,
        by=by,
        asked_by=asked_by,
        action=Action.LEAVE,
        work=lambda: coordination.consent_withdraw_record(person=person, recorded_by=by),
    )


def behalf_pairing_end(
    *, programme: Programme, person: Person, pairing: Pairing, by: Any, asked_by: str
) -> BehalfAction:
    """End the person's pairing as if they had; the other side learns only that it ended."""

    def work() -> None:
        if pairing.state != Pairing.State.ACTIVE:
            raise CaseworkError(_("This pairing has already ended."))
        pairing_services.pairing_end(pairing=pairing, by=person)

    return _act(
        programme=programme,
        person=person,
        by=by,
        asked_by=asked_by,
        action=Action.PAIRING_END,
        work=work,
        pairing=pairing,
    )


def behalf_profile_edit(
    *, programme: Programme, person: Person, by: Any, asked_by: str, data: dict[str, Any]
) -> BehalfAction:
    """Store a profile (and phone and address) checked by ``ProfileForm``."""
    return _act(
        programme=programme,
        person=person,
        by=by,
        asked_by=asked_by,
        action=Action.PROFILE_EDIT,
        work=lambda: _profile_update(person, data),
    )


def _profile_update(person: Person, data: dict[str, Any]) -> None:
    participation.profile_update(person=person, data=data)
    # A phone added for them takes them off the to-do's "cannot be reached" at once.
    unreachable_recheck(person=person)


def behalf_outcome(
    *, programme: Programme, person: Person, visit: Visit, happened: bool, by: Any, asked_by: str
) -> BehalfAction:
    """Record the person's side of whether a visit happened, as they told the coordinator."""
    detail = _("it happened") if happened else _("it did not happen")
    return _act(
        programme=programme,
        person=person,
        by=by,
        asked_by=asked_by,
        action=Action.OUTCOME,
        work=lambda: outcomes.outcome_record(visit_id=visit.pk, person=person, happened=happened),
        pairing=visit.pairing,
        visit=visit,
        detail=str(detail),
    )


def behalf_password_link(
    *, programme: Programme, person: Person, user: Any, by: Any, asked_by: str
) -> BehalfAction:
    """E-mail one of the person's accounts a link to choose a new password."""
    return _act(
        programme=programme,
        person=person,
        by=by,
        asked_by=asked_by,
        action=Action.PASSWORD_LINK,
        work=lambda: passwords.password_link_send_to_participant(
            coordinator=by, programme=programme, user=user
        ),
    )


def behalf_invitation_resend(
    *, programme: Programme, person: Person, invitation: Invitation, by: Any, asked_by: str
) -> BehalfAction:
    """Send a fresh link for an unaccepted invitation; the old link stops working."""

    def work() -> None:
        if invitation.accepted_at is not None:
            raise CaseworkError(_("This invitation was accepted already."))
        email, first_name = invitation.email, invitation.first_name
        coordination.invitation_revoke(invitation=invitation)
        coordination.invitation_create(
            programme=programme,
            created_by=by,
            role=Invitation.Role.LINK,
            email=email,
            first_name=first_name,
            link_to=person,
        )

    return _act(
        programme=programme,
        person=person,
        by=by,
        asked_by=asked_by,
        action=Action.INVITATION_RESEND,
        work=work,
    )
