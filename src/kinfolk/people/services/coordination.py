"""Coordinators' writes: approving volunteers, invitations, paper consents, organisations.

Every service validates (``full_clean``), runs in one transaction and raises
:class:`~django.core.exceptions.ValidationError` keyed by the form field a
coordinator has to correct, so that the page shows the message beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kinfolk.people import emails
from kinfolk.people.models import (
    Consent,
    Household,
    HouseholdMember,
    Invitation,
    Volunteer,
    VolunteerCheck,
)
from kinfolk.people.selectors import COORDINATOR_INVITATION_ROLES
from kinfolk.people.services.enrolment import participant_create
from kinfolk.people.services.participation import participant_leave
from kinfolk.privacy.consents import consent_document_attach
from kinfolk.programmes.models import Organisation, Programme
from kinfolk.vetting.services import checks_expiry_apply


@transaction.atomic
def volunteer_approve(
    *, volunteer: Volunteer, approved_by: Any, checks: Mapping[str, dt.date | None]
) -> Volunteer:
    """Record the programme's required checks, move an applicant to approved and tell them.

    Refuses, storing nothing, unless the volunteer is still ``applied``, has
    consented (an imported volunteer may not have yet), and every required check
    has a completion date that is not in the future.
    """
    volunteer = (
        Volunteer.objects.select_for_update().select_related("programme").get(pk=volunteer.pk)
    )
    if volunteer.state != Volunteer.State.APPLIED:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("Only a volunteer who has applied can be approved.")}
        )
    if not volunteer.consents.filter(withdrawn_at__isnull=True).exists():
        # Someone imported from a spreadsheet has agreed to nothing yet (charter rule 1).
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "%(name)s has not agreed to take part yet, so they cannot be approved. "
                    "Approve them once they accept their invitation, or record the consent "
                    "they gave on paper first."
                )
                % {"name": volunteer.first_name}
            }
        )
    dates = _check_dates(volunteer.programme, checks)
    existing = {c.kind: c for c in volunteer.checks.all()}
    for kind, completed_on in dates.items():
        _check_record(volunteer, existing.get(kind), kind, completed_on, approved_by)
    checks_expiry_apply(volunteer=volunteer)
    now = timezone.now()
    volunteer.state = Volunteer.State.APPROVED
    volunteer.approved_at = now
    volunteer.state_changed_at = now
    volunteer.full_clean()
    volunteer.save(update_fields=["state", "approved_at", "state_changed_at"])
    emails.volunteer_approved_send(volunteer=volunteer)
    return volunteer


def _check_dates(programme: Programme, checks: Mapping[str, dt.date | None]) -> dict[str, dt.date]:
    known = set(VolunteerCheck.Kind.values)
    errors: dict[str, str] = {}
    for kind in checks:
        if kind not in known:
            errors[NON_FIELD_ERRORS] = _("'%(kind)s' is not a kind of check.") % {"kind": kind}
    today = programme.today()
    for kind in programme.required_checks:
        if checks.get(kind) is None:
            errors[kind] = _("Give the date this check was completed.")
    for kind, completed_on in checks.items():
        if completed_on is not None and completed_on > today:
            errors[kind] = _("This date is in the future; record a check once it is done.")
    if errors:
        raise ValidationError(errors)
    return {kind: day for kind, day in checks.items() if day is not None}


def _check_record(
    volunteer: Volunteer,
    check: VolunteerCheck | None,
    kind: str,
    completed_on: dt.date,
    recorded_by: Any,
) -> None:
    if check is None:
        check = VolunteerCheck(volunteer=volunteer, kind=kind)
        fields = None
    else:
        fields = ["completed_on", "recorded_by"]
    check.completed_on = completed_on
    check.recorded_by = recorded_by
    check.full_clean()
    check.save(update_fields=fields)


@transaction.atomic
def invitation_create(
    *,
    programme: Programme,
    created_by: Any,
    role: str,
    email: str,
    first_name: str,
    organisation: Organisation | None = None,
    link_to: Volunteer | Household | None = None,
) -> Invitation:
    """Create an invitation and e-mail its link once committed; accepting it is the consent.

    With ``link_to`` (a person enrolled on paper) it is a ``link`` invitation:
    accepting attaches the invited address's account to that person.
    """
    email = email.strip().lower()
    if link_to is not None:
        role = Invitation.Role.LINK
    elif role not in COORDINATOR_INVITATION_ROLES:
        raise ValidationError({"role": _("Invite a volunteer or a household.")})
    _email_check(programme, email)
    if Invitation.objects.filter(
        programme=programme,
        email__iexact=email,
        accepted_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists():
        raise ValidationError({"email": _("An invitation to this address is still pending.")})
    _organisation_check(programme, role, organisation)
    invitation = Invitation(
        programme=programme,
        role=role,
        email=email,
        first_name=first_name.strip(),
        organisation=organisation,
        volunteer=link_to if isinstance(link_to, Volunteer) else None,
        household=link_to if isinstance(link_to, Household) else None,
        created_by=created_by,
        expires_at=timezone.now() + dt.timedelta(days=settings.INVITATION_DAYS),
    )
    invitation.token_issue()  # the e-mail carries the token; only its hash is stored
    invitation.full_clean()
    invitation.save()
    url = invitation_url(invitation)
    if link_to is not None:
        emails.link_invitation_send(invitation=invitation, url=url)
    else:
        emails.invitation_send(invitation=invitation, url=url)
    return invitation


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("people:invitation_accept", args=[invitation.token])


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> None:
    """Withdraw a pending invitation; its link stops working and the address is forgotten."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("This invitation was accepted; it can no longer be revoked.")}
        )
    # Deleting rather than marking: the person never agreed to anything, so
    # the programme keeps nothing about them (charter rule 4).
    invitation.delete()


@dataclass(frozen=True)
class PaperEnrolment:
    """The person a paper consent created; the link invitation if their address had an account."""

    person: Volunteer | Household
    link_invitation: Invitation | None = None


@transaction.atomic
def paper_consent_record(
    *,
    programme: Programme,
    recorded_by: Any,
    role: str,
    given_on: dt.date,
    profile: Mapping[str, Any],
    email: str = "",
    organisation: Organisation | None = None,
) -> PaperEnrolment:
    """Enrol a new person who signed a paper form: a volunteer applies, a household is active.

    It never attaches an existing account: if the address has one, the person
    is created without it and the address gets an invitation to link it, which
    only its owner can accept.  The consent records the date on the paper and
    the coordinator who recorded it; the person can withdraw it like any other.
    """
    email = email.strip().lower()
    if role not in COORDINATOR_INVITATION_ROLES:
        raise ValidationError({"role": _("Record a volunteer or a household.")})
    if given_on > programme.today():
        raise ValidationError({"given_on": _("The date on the paper cannot be in the future.")})
    if email:
        _email_check(programme, email)
    _organisation_check(programme, role, organisation)
    existing = get_user_model().objects.filter(email__iexact=email).first() if email else None
    user = _account_new(email, profile) if email and existing is None else None
    person = participant_create(
        programme=programme, role=role, profile=profile, user=user, organisation=organisation
    )
    consent = Consent(
        volunteer=person if role == "volunteer" else None,
        household=person if role == "household" else None,
        user=user,
        method=Consent.Method.PAPER,
        recorded_by=recorded_by,
        given_at=dt.datetime.combine(given_on, dt.time(12), tzinfo=ZoneInfo(programme.time_zone)),
    )
    consent.full_clean()
    consent.save()
    consent_document_attach(consent=consent, programme=programme)
    if existing is None:
        return PaperEnrolment(person)
    invitation = invitation_create(
        programme=programme,
        created_by=recorded_by,
        role=Invitation.Role.LINK,
        email=email,
        first_name=person.first_name,
        link_to=person,
    )
    return PaperEnrolment(person, invitation)


@transaction.atomic
def consent_withdraw_record(
    *, person: Volunteer | Household, recorded_by: Any
) -> Volunteer | Household:
    """Record a withdrawal the person made on paper or by phone: the same effect as leaving.

    Every open consent keeps who recorded the withdrawal and when; a person
    with an account is told by e-mail.
    """
    person = type(person).objects.select_for_update().get(pk=person.pk)
    if person.state == "left":
        raise ValidationError(
            {NON_FIELD_ERRORS: _("%(name)s has already left the programme.") % {"name": person}}
        )
    now = timezone.now()
    Consent.objects.filter(**{person.side: person}, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawal_recorded_by=recorded_by
    )
    participant_leave(person=person)
    emails.withdrawal_recorded_send(person=person, recorded_by=recorded_by, when=now)
    return person


def _account_new(email: str, profile: Mapping[str, Any]) -> Any:
    # A new address: the account is the paper person's own, with no password
    # until they set one.  An address that has an account is never used here.
    return get_user_model().objects.create_user(email, first_name=profile.get("first_name", ""))


def _email_check(programme: Programme, email: str) -> None:
    """Coordinators (never the public) are told when an address is already in the programme."""
    in_use = (
        Volunteer.objects.filter(programme=programme, user__email__iexact=email).exists()
        or HouseholdMember.objects.filter(
            household__programme=programme, user__email__iexact=email
        ).exists()
    )
    if in_use:
        raise ValidationError(
            {"email": _("This e-mail address is already used by someone in this programme.")}
        )


def _organisation_check(programme: Programme, role: str, organisation: Organisation | None) -> None:
    if organisation is None:
        return
    if role != "volunteer":
        raise ValidationError({"organisation": _("Only volunteers come from an organisation.")})
    if organisation.programme_id != programme.pk:
        raise ValidationError({"organisation": _("Pick one of this programme's organisations.")})


@transaction.atomic
def organisation_create(*, programme: Programme, name: str, kind: str) -> Organisation:
    """Add an organisation volunteers come from; names are unique within a programme."""
    name = " ".join(name.split())
    if programme.organisations.filter(name__iexact=name).exists():
        raise ValidationError(
            {"name": _("This programme already has an organisation by that name.")}
        )
    organisation = Organisation(programme=programme, name=name, kind=kind)
    organisation.full_clean()
    organisation.save()
    return organisation
