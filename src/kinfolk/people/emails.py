"""The e-mails participants receive: sign-up links and household invitations.

Every message is sent after the surrounding transaction commits, so that a
link never points at a row that was rolled back.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kinfolk.people.models import Household, Invitation, Volunteer
from kinfolk.programmes.models import Programme


def site_link(route: str, *args: object) -> str:
    return settings.SITE_URL + reverse(route, args=args)


def _send_on_commit(*, to: str, subject: str, body: str) -> None:
    transaction.on_commit(lambda: send_mail(subject, body, None, [to]))


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
    _send_on_commit(to=to, subject=_("Confirm your e-mail address"), body=body)


def signup_existing_send(*, to: str, programme: Programme) -> None:
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
    _send_on_commit(to=to, subject=_("You already have an account"), body=body)


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
    _send_on_commit(
        to=invitation.email, subject=_("An invitation to join your household"), body=body
    )


def withdrawal_recorded_send(*, person: Volunteer | Household, recorded_by: Any, when: Any) -> None:
    """Tell a person with an account that a coordinator recorded their withdrawal."""
    programme = person.programme
    body = _(
        "Hello,\n\n"
        "%(coordinator)s, a coordinator of %(programme)s, recorded on %(date)s that you "
        "withdrew your consent to take part. You have left the programme: any pairing has "
        "ended and no visits are planned.\n\n"
        "You can see this in your consent record:\n\n%(link)s\n\n"
        "If you did not ask for this, reply to the programme."
    ) % {
        "coordinator": recorded_by.first_name,
        "programme": programme.name,
        "date": formats.date_format(timezone.localdate(when, programme.zone), "DATE_FORMAT"),
        "link": site_link(f"people:{person.side}_consents", person.pk),
    }
    for to in _account_emails(person):
        _send_on_commit(to=to, subject=_("Your consent is withdrawn"), body=body)


def _account_emails(person: Volunteer | Household) -> list[str]:
    if isinstance(person, Volunteer):
        return [person.user.email] if person.user_id else []
    return [m.user.email for m in person.members.select_related("user")]
