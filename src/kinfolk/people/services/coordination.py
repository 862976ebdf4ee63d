"""Coordinators' writes: approving volunteers, invitations, paper consents, organisations.

Every service validates (``full_clean``), runs in one transaction and raises
:class:`~django.core.exceptions.ValidationError` keyed by the form field a
coordinator has to correct, so that the page shows the message beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
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
from kinfolk.programmes.models import Organisation, Programme


@transaction.atomic
def volunteer_approve(
    *, volunteer: Volunteer, approved_by: Any, checks: Mapping[str, dt.date | None]
) -> Volunteer:
    """Record the programme's required checks, move an applicant to approved and tell them.

    Refuses, storing nothing, unless the volunteer is still ``applied`` and every
    required check has a completion date that is not in the future.
    """
    volunteer = (
        Volunteer.objects.select_for_update().select_related("programme").get(pk=volunteer.pk)
    )
    if volunteer.state != Volunteer.State.APPLIED:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("Only a volunteer who has applied can be approved.")}
        )
    dates = _check_dates(volunteer.programme, checks)
    existing = {c.kind: c for c in volunteer.checks.all()}
    for kind, completed_on in dates.items():
        _check_record(volunteer, existing.get(kind), kind, completed_on, approved_by)
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
) -> Invitation:
    """Create an invitation and queue the e-mail with its link; accepting it is the consent."""
    email = email.strip().lower()
    if role not in COORDINATOR_INVITATION_ROLES:
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
        created_by=created_by,
        expires_at=timezone.now() + dt.timedelta(days=settings.INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    emails.invitation_send(invitation=invitation, url=invitation_url(invitation))
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
) -> Volunteer | Household:
    """Enrol a person who signed a paper form: a volunteer applies, a household is active.

    The consent records the date on the paper and the coordinator who recorded
    it; the person can withdraw it like any other consent.
    """
    email = email.strip().lower()
    if role not in COORDINATOR_INVITATION_ROLES:
        raise ValidationError({"role": _("Record a volunteer or a household.")})
    if given_on > programme.today():
        raise ValidationError({"given_on": _("The date on the paper cannot be in the future.")})
    if email:
        _email_check(programme, email)
    _organisation_check(programme, role, organisation)
    user = _user_for(email, profile) if email else None
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
    return person


def _user_for(email: str, profile: Mapping[str, Any]) -> Any:
    # The address belongs to the person who signed the paper, so an account
    # they already hold (in another programme) is theirs to use here too.
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email, first_name=profile.get("first_name", ""))
    return user


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
