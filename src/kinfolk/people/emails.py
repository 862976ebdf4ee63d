"""The e-mails of joining: sign-up links, invitations, and the volunteer's checks done.

Each is an outbox row queued in the caller's transaction, so a link never
points at a row that was rolled back, and a committed change always has
its message.  An invitation's e-mail checks, just before it goes, that the
invitation is still pending (not revoked, accepted or expired).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from kinfolk.outbox.models import Message
from kinfolk.outbox.purposes import purpose_register
from kinfolk.outbox.services import email_queue
from kinfolk.people.models import Household, Invitation, Volunteer
from kinfolk.programmes.models import Programme


def site_link(route: str, *args: object) -> str:
    return settings.SITE_URL + reverse(route, args=args)


def signup_verify_send(*, to: str, first_name: str, programme: Programme, token: str) -> None:
    link = site_link("people:signup_verify", token)
    body = _(
        "Hello %(name)s,\n\n"
        "To finish joining %(programme)s, open this link within %(days)s days:\n\n"
        "%(link)s\n\n"
        "If you did not ask to join, ignore this e-mail; nothing has been stored."
    ) % {
        "name": first_name,
        "programme": programme.name,
        "days": settings.SIGNUP_LINK_DAYS,
        "link": link,
    }
    email_queue(
        to=to,
        subject=_("Confirm your e-mail address"),
        body=body,
        purpose="signup_link",
        key=token[-40:],
        language=translation.get_language() or "",
    )


def signup_existing_send(*, to: str, programme: Programme, user: Any = None) -> None:
    """Sent instead of a link when the address already has an account."""
    body = _(
        "Hello,\n\n"
        "Someone asked to join %(programme)s with this e-mail address. You already have "
        "an account; sign in here:\n\n"
        "%(link)s\n\n"
        "Forgot your password? Choose a new one here:\n\n"
        "%(reset)s\n\n"
        "If you did not ask to join, ignore this e-mail. Nothing has been changed."
    ) % {
        "programme": programme.name,
        "link": site_link("accounts:login"),
        "reset": site_link("accounts:password_reset"),
    }
    email_queue(
        to=to,
        subject=_("You already have an account"),
        body=body,
        purpose="signup_existing",
        key=f"{programme.pk}:{timezone.now().isoformat()}",
        user=user,
        language=translation.get_language() or "",
    )


def _invitation_params(invitation: Invitation, url: str) -> dict[str, str]:
    programme = invitation.programme
    expires = timezone.localdate(invitation.expires_at, timezone=programme.zone)
    return {
        "name": invitation.first_name,
        "programme": programme.name,
        "url": url,
        "date": formats.date_format(expires, "DATE_FORMAT"),
    }


def invitation_send(*, invitation: Invitation, url: str) -> None:
    """A coordinator's invitation to take part; accepting it is the consent."""
    params = _invitation_params(invitation, url)
    body = (
        _(
            "Hello %(name)s,\n\n"
            "You are invited to take part in %(programme)s. Taking part is voluntary: "
            "if you would like to, open this link, read what it involves and accept "
            "the invitation yourself.\n\n%(url)s\n\n"
            "The link works until %(date)s. If you do not want to take part, "
            "simply ignore this message; nothing is stored about you beyond it."
        )
        % params
    )
    _invitation_queue(invitation, _("An invitation to join %(programme)s") % params, body)


def link_invitation_send(*, invitation: Invitation, url: str) -> None:
    """To the owner of an existing account given on a paper form: only they can link it."""
    params = _invitation_params(invitation, url)
    body = (
        _(
            "Hello %(name)s,\n\n"
            "A coordinator of %(programme)s recorded that you agreed on a paper form to take "
            "part, and gave this e-mail address. The address already has a Kinfolk account, "
            "so we have not connected it to the paper form: only you can. If the form was "
            "yours, open this link, sign in and accept; you will then see your part in "
            "%(programme)s from your account.\n\n%(url)s\n\n"
            "The link works until %(date)s. If it was not you, ignore this message; "
            "your account stays as it is."
        )
        % params
    )
    _invitation_queue(invitation, _("Your paper form for %(programme)s") % params, body)


def household_adult_invitation_send(*, invitation: Invitation, inviter_name: str) -> None:
    body = _(
        "Hello %(name)s,\n\n"
        "%(inviter)s invites you to join your household's account in %(programme)s. "
        "Open this link to accept (it works until %(expires)s):\n\n"
        "%(link)s\n\n"
        "If you do not want to join, ignore this e-mail."
    ) % {
        "name": invitation.first_name,
        "inviter": inviter_name,
        "programme": invitation.programme.name,
        "expires": formats.date_format(invitation.expires_at.date(), "DATE_FORMAT"),
        "link": site_link("people:invitation_accept", invitation.token),
    }
    _invitation_queue(invitation, _("An invitation to join your household"), body)


def _invitation_queue(invitation: Invitation, subject: str, body: str) -> None:
    email_queue(
        to=invitation.email,
        subject=subject,
        body=body,
        purpose="invitation",
        key=f"invitation:{invitation.pk}",
        about=("invitation", invitation.pk),
        language=translation.get_language() or "",
    )


def volunteer_approved_send(*, volunteer: Volunteer) -> None:
    """The applicant's page promises an e-mail once the checks are done: this is it."""
    user = volunteer.user
    if user is None or not user.is_active:
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        body = _(
            "Hello %(name)s,\n\n"
            "The checks %(programme)s needs are done, and you are approved as a volunteer. "
            "Tell us when you are ready to be paired with a household; your waiting time "
            "starts then:\n\n%(link)s"
        ) % {
            "name": volunteer.first_name,
            "programme": volunteer.programme.name,
            "link": site_link("people:volunteer_home", volunteer.pk),
        }
        subject = _("Your checks are done")
    email_queue(
        to=user.email,
        subject=subject,
        body=body,
        purpose="volunteer_approved",
        key=f"volunteer:{volunteer.pk}",
        user=user,
        person=volunteer,
        about=("volunteer", volunteer.pk),
        language=user.language,
    )


def _invitation_still_pending(messages: Sequence[Message]) -> set[int]:
    pending = set(
        Invitation.objects.filter(
            pk__in={m.about_id for m in messages},
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).values_list("pk", flat=True)
    )
    return {m.pk for m in messages if m.about_id in pending}


purpose_register("invitation", still_applies=_invitation_still_pending)


def withdrawal_recorded_send(*, person: Volunteer | Household, recorded_by: Any, when: Any) -> None:
    """Tell a person with an account that a coordinator recorded their withdrawal.

    Sent although the person has left (it is about leaving), so it names the
    accounts, not the person: the outbox's "has left" check does not apply.
    """
    programme = person.programme
    for user in _accounts(person):
        with translation.override(user.language or settings.LANGUAGE_CODE):
            body = _(
                "Hello,\n\n"
                "%(coordinator)s, a coordinator of %(programme)s, recorded on %(date)s that you "
                "withdrew your consent to take part. You have left the programme: any pairing "
                "has ended and no visits are planned.\n\n"
                "You can see this in your consent record:\n\n%(link)s\n\n"
                "If you did not ask for this, reply to the programme."
            ) % {
                "coordinator": recorded_by.first_name,
                "programme": programme.name,
                "date": formats.date_format(
                    timezone.localdate(when, programme.zone), "DATE_FORMAT"
                ),
                "link": site_link(f"people:{person.side}_consents", person.pk),
            }
            subject = _("Your consent is withdrawn")
        email_queue(
            to=user.email,
            subject=subject,
            body=body,
            purpose="withdrawal_recorded",
            key=f"{person.side}:{person.pk}:{when.isoformat()}",
            user=user,
            language=user.language,
        )


def _accounts(person: Volunteer | Household) -> list[Any]:
    if isinstance(person, Volunteer):
        return [person.user] if person.user_id else []
    return [m.user for m in person.members.select_related("user")]
