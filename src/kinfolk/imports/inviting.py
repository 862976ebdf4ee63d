"""Inviting imported people in bulk: one invitation each, through the outbox.

An invitation goes by e-mail when the file gave an address, otherwise by text
message to the mobile number it gave; accepting one sent by text makes an
account that signs in with that number (``accounts.User.phone``).

An invitation is the existing kind that links an account to a person already
on record (``Invitation.Role.LINK``): accepting it is the person's consent,
and only then do they take part (charter rule 1).  Each batch creates its
invitations and queues their e-mails in one transaction, so a job stopped
half-way resumes where it stopped and never invites anyone twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kinfolk.imports.models import Invitee, PeopleImport
from kinfolk.outbox.models import Message
from kinfolk.outbox.services import email_new, messages_queue, sms_new
from kinfolk.people.models import Consent, Invitation
from kinfolk.people.services.coordination import invitation_url

_BATCH = 500


def invitable(people_import: PeopleImport) -> Any:
    """Invitees of the import with an address or a number, not invited yet, not taking part."""
    side = people_import.side
    consents = Consent.objects.filter(**{side: OuterRef(side)})
    return (
        Invitee.objects.filter(imported_in=people_import, invitation__isnull=True)
        .exclude(Q(email="") & Q(phone=""))
        .exclude(Exists(consents))
        .exclude(**{f"{side}__state": "left"})
    )


@transaction.atomic
def invitations_start(*, people_import: PeopleImport, by: Any) -> PeopleImport:
    """Queue the job that invites every imported person with an e-mail address or a phone."""
    from kinfolk.imports.tasks import invitations_send_task

    total = invitable(people_import).count()
    claimed = PeopleImport.objects.filter(
        pk=people_import.pk, status=PeopleImport.Status.COMMITTED, inviting=False
    ).update(inviting=True, invite_done=0, invite_total=total, heartbeat_at=timezone.now())
    if not claimed:
        raise ValidationError({NON_FIELD_ERRORS: _("The invitations are already being sent.")})
    transaction.on_commit(lambda: invitations_send_task.enqueue(people_import.pk, by.pk))
    return PeopleImport.objects.get(pk=people_import.pk)


def invitations_send(*, import_id: int, by_id: int | None) -> int:
    """Invite everyone still invitable, batch by batch; returns how many were invited."""
    people_import = PeopleImport.objects.select_related("programme").get(pk=import_id)
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                invitable(people_import)
                .select_for_update(of=("self",))
                .select_related(people_import.side)
                .order_by("pk")[:_BATCH]
            )
            if not batch:
                break
            _batch_invite(people_import, batch, by_id)
            sent += len(batch)
            PeopleImport.objects.filter(pk=import_id).update(
                invite_done=sent, heartbeat_at=timezone.now()
            )
    PeopleImport.objects.filter(pk=import_id).update(inviting=False, invite_done=sent)
    return sent


def _batch_invite(people_import: PeopleImport, batch: list[Invitee], by_id: int | None) -> None:
    programme = people_import.programme
    expires = timezone.now() + dt.timedelta(days=settings.INVITATION_DAYS)
    invitations = []
    for invitee in batch:
        person = getattr(invitee, people_import.side)
        invitation = Invitation(
            programme=programme,
            role=Invitation.Role.LINK,
            email=invitee.email,
            # A phone is where the link goes only for someone without an e-mail address.
            phone="" if invitee.email else invitee.phone,
            first_name=person.first_name,
            **{people_import.side: person},
            created_by_id=by_id,
            expires_at=expires,
        )
        invitation.token_issue()
        invitations.append(invitation)
    Invitation.objects.bulk_create(invitations)
    now = timezone.now()
    for invitee, invitation in zip(batch, invitations, strict=True):
        invitee.invitation, invitee.invited_at = invitation, now
    Invitee.objects.bulk_update(batch, ["invitation", "invited_at"])
    messages_queue([_message(invitation, expires) for invitation in invitations])


def _message(invitation: Invitation, expires: dt.datetime) -> Message:
    programme = invitation.programme
    params = {
        "name": invitation.first_name,
        "programme": programme.name,
        "url": invitation_url(invitation),
        "date": formats.date_format(timezone.localdate(expires, programme.zone), "DATE_FORMAT"),
    }
    if not invitation.email:
        return _text_message(invitation, params)
    body = (
        _(
            "Hello %(name)s,\n\n"
            "%(programme)s has added you to its list of people who may like to take part. "
            "Taking part is voluntary, and nothing happens unless you say yes: if you would "
            "like to, open this link, read what it involves and accept the invitation "
            "yourself.\n\n%(url)s\n\n"
            "The link works until %(date)s. If you do not want to take part, ignore this "
            "message: you will not be paired with anyone, and nobody will visit you."
        )
        % params
    )
    return email_new(
        to=invitation.email,
        subject=_("An invitation to join %(programme)s") % params,
        body=body,
        purpose="invitation",
        key=f"invitation:{invitation.pk}",
        about=("invitation", invitation.pk),
        language=settings.LANGUAGE_CODE,
    )


def _text_message(invitation: Invitation, params: dict[str, str]) -> Message:
    # Short, as a text message must be, but it says the same: voluntary, nothing
    # happens without a yes, and how long the link works.
    body = (
        _(
            "Hello %(name)s, %(programme)s invites you to take part. It is voluntary and "
            "nothing happens unless you accept: %(url)s (until %(date)s). "
            "Not interested? Ignore this message."
        )
        % params
    )
    return sms_new(
        to=invitation.phone,
        body=body,
        purpose="invitation",
        key=f"invitation:{invitation.pk}",
        about=("invitation", invitation.pk),
        language=settings.LANGUAGE_CODE,
    )
