"""Links to choose a new password: asked for by the person, or sent by the people in charge.

A coordinator sends one to a volunteer or household adult of their own
programme; a site administrator sends one to a coordinator.  Each such send
is recorded (``AccountEvent``).  The link is Django's password-reset token,
so it works once and expires after ``PASSWORD_RESET_TIMEOUT``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import is_password_usable
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from kinfolk.accounts import emails
from kinfolk.accounts.identifiers import is_phone, sign_in_name_normalise
from kinfolk.accounts.models import AccountEvent
from kinfolk.people.models import HouseholdMember, Volunteer
from kinfolk.programmes.models import Coordinator, Programme


def password_link(user: Any) -> str:
    """The absolute link at which ``user`` chooses a new password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("accounts:password_set", args=[uid, token])


def password_reset_request(*, email: str) -> None:
    """Someone asks for a link for ``email`` (or a phone number): it goes to that account, if any.

    The same work is done whether or not an account has the address (one
    lookup, one job queued), so neither the answer nor its timing tells.  An
    account that signs in with its phone number gets the link by text message.
    """
    name = sign_in_name_normalise(email)
    named = {"phone": name} if is_phone(name) else {"email__iexact": name}
    found = (
        get_user_model()
        .objects.filter(**named, is_active=True)
        .values_list("pk", "password")
        .first()
    )
    # As Django's own reset: an account without a usable password (someone
    # invited who never chose one) is not opened by asking with its address.
    usable = found is not None and is_password_usable(found[1])
    _deliver_on_commit(user_id=found[0] if usable else None, sent_by_id=None)


def password_link_send_to_participant(*, coordinator: Any, programme: Programme, user: Any) -> None:
    """A coordinator sends a volunteer or household adult of their programme a password link."""
    if not Coordinator.objects.filter(programme=programme, user=coordinator).exists():
        raise PermissionDenied("Only the programme's coordinators send its people a link.")
    takes_part = (
        Volunteer.objects.filter(programme=programme, user=user).exists()
        or HouseholdMember.objects.filter(household__programme=programme, user=user).exists()
    )
    if not takes_part:
        raise PermissionDenied("The account is not a participant of this programme.")
    _send(user=user, by=coordinator, programme=programme)


def password_link_send_to_coordinator(*, admin: Any, programme: Programme, user: Any) -> None:
    """A site administrator sends a coordinator of ``programme`` a password link."""
    if not admin.is_staff:
        raise PermissionDenied("Only site administrators send coordinators a link.")
    if not Coordinator.objects.filter(programme=programme, user=user).exists():
        raise PermissionDenied("The account does not coordinate this programme.")
    _send(user=user, by=admin, programme=programme)


@transaction.atomic
def _send(*, user: Any, by: Any, programme: Programme) -> None:
    if not user.is_active:
        raise ValidationError(_("This account is closed; no link can be sent to it."))
    event = AccountEvent(
        kind=AccountEvent.Kind.PASSWORD_LINK_SENT, user=user, by=by, programme=programme
    )
    event.full_clean()
    event.save()
    _deliver_on_commit(user_id=user.pk, sent_by_id=by.pk)


def _deliver_on_commit(*, user_id: int | None, sent_by_id: int | None) -> None:
    from kinfolk.accounts.tasks import password_link_deliver_task

    transaction.on_commit(
        lambda: password_link_deliver_task.enqueue(user_id=user_id, sent_by_id=sent_by_id)
    )


def password_link_deliver(*, user_id: int | None, sent_by_id: int | None = None) -> None:
    """E-mail the link, or text it to a phone-only account; nothing for no account.

    The background half of a request or a send.
    """
    User = get_user_model()
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return
    sender = User.objects.filter(pk=sent_by_id).first() if sent_by_id else None
    if not user.email:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            text = emails.password_link_text(first_name=user.first_name, link=password_link(user))
        emails.sms_send(user=user, body=text, purpose="password_link")
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject, body = emails.password_link_message(
            first_name=user.first_name,
            link=password_link(user),
            sent_by=sender.first_name if sender is not None else "",
        )
    emails.email_send(user=user, subject=subject, body=body, purpose="password_link")
