"""What participants do themselves: sign up, accept, edit, pause, resume, leave.

Every change of state is effective at once and asks for no reason (charter
rule 1).  Nothing here writes a row for a sign-up before its e-mail address is
verified: the sign-up travels in a signed, time-limited link instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinfolk.accounts.languages import language_of_request
from kinfolk.pairings import services as pairing_services
from kinfolk.people import emails
from kinfolk.people.forms import PROFILE_FIELDS
from kinfolk.people.models import Consent, Household, HouseholdMember, Invitation, Volunteer
from kinfolk.people.selectors import account_for_email, signup_programme_get
from kinfolk.people.services.enrolment import participant_create
from kinfolk.privacy.consents import consent_document_attach
from kinfolk.privacy.services import contact_details_write
from kinfolk.programmes.models import Programme
from kinfolk.visits.services.feeds import calendar_feeds_revoke_all
from kinfolk.visits.services.planning import visits_pause, visits_resume

Person = Volunteer | Household

_SIGNUP_SALT = "kinfolk.people.signup"


class ParticipationError(Exception):
    """A step that does not apply to the person as they are now; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SignupLinkInvalid(ParticipationError):
    pass


class SignupLinkExpired(SignupLinkInvalid):
    pass


def _state_set(person: Person, state: str, *, extra: tuple[str, ...] = ()) -> None:
    person.state = state
    person.state_changed_at = timezone.now()
    person.save(update_fields=["state", "state_changed_at", *extra])


def _owner(person: Person) -> dict[str, Person]:
    return {"volunteer": person} if isinstance(person, Volunteer) else {"household": person}


# --- states -------------------------------------------------------------------------------


def volunteer_ready(*, volunteer: Volunteer) -> Volunteer:
    """An approved volunteer says they are ready; their waiting time starts today."""
    if volunteer.state != Volunteer.State.APPROVED:
        raise ParticipationError(_("Only an approved volunteer can say they are ready."))
    volunteer.waiting_since = volunteer.programme.today()
    _state_set(volunteer, Volunteer.State.ACTIVE, extra=("waiting_since",))
    return volunteer


def participant_pause(*, person: Person) -> Person:
    """Active → paused at once; waiting time is kept, so pausing costs nothing later."""
    if person.state != "active":
        raise ParticipationError(_("Only someone taking part can pause."))
    with transaction.atomic():
        # An open proposal cannot wait for someone who paused; the pairing itself stays.
        pairing_services.proposals_cancel_for_person(person=person)
        _state_set(person, "paused")
        visits_pause(person=person)
    return person


def participant_resume(*, person: Person) -> Person:
    """Paused → active at once, keeping the original waiting date."""
    if person.state != "paused":
        raise ParticipationError(_("Only someone who paused can resume."))
    extra: tuple[str, ...] = ()
    if person.waiting_since is None:
        person.waiting_since = person.programme.today()
        extra = ("waiting_since",)
    with transaction.atomic():
        _state_set(person, "active", extra=extra)
        visits_resume(person=person)
    return person


def participant_leave(*, person: Person) -> Person:
    """Leaves at once from any state and withdraws every consent; no reason is asked."""
    if person.state == "left":
        return person
    with transaction.atomic():
        pairing_services.pairings_end_for_person(person=person, reason="left")
        Consent.objects.filter(**_owner(person), withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
        calendar_feeds_revoke_all(person=person)
        _state_set(person, "left")
    return person


def consent_withdraw(*, person: Person) -> Person:
    """Withdrawing consent is leaving: the person is out of the programme at once."""
    return participant_leave(person=person)


@transaction.atomic
def profile_update(*, person: Person, data: dict[str, Any]) -> Person:
    """Store a profile already checked by ``ProfileForm``; only the dictionary's fields change.

    Phone and address go to the privacy app, the one place that stores them.
    """
    for name in PROFILE_FIELDS:
        setattr(person, name, data[name])
    person.full_clean()
    person.save(update_fields=list(PROFILE_FIELDS))
    contact_details_write(person=person, phone=data["phone"], address=data["address"])
    return person


# --- accounts ----------------------------------------------------------------------------


def _account_create(*, email: str, password: str, first_name: str) -> Any:
    if account_for_email(email=email) is not None:
        raise ParticipationError(_("This e-mail address already has an account; sign in."))
    # The person is at the keyboard: the language their browser asked for
    # (or they picked on the form) becomes their account's, for pages and messages.
    return get_user_model().objects.create_user(  # type: ignore[attr-defined]
        email,
        password,
        first_name=first_name,
        email_verified_at=timezone.now(),
        language=language_of_request(),
    )


def _account_create_by_phone(*, phone: str, password: str, first_name: str) -> Any:
    """An account that signs in with its phone number: someone invited by text message."""
    if not phone:
        raise ParticipationError(_("This invitation has no address or number to sign in with."))
    if get_user_model().objects.filter(phone=phone).exists():
        raise ParticipationError(_("This phone number already has an account; sign in."))
    return get_user_model().objects.create_user(  # type: ignore[attr-defined]
        None, password, phone=phone, first_name=first_name, phone_verified_at=timezone.now()
    )


# --- public sign-up ----------------------------------------------------------------------


@dataclass(frozen=True)
class Signup:
    """A sign-up as carried by its link: nothing of it is stored until it is completed."""

    programme: Programme
    role: str
    first_name: str
    email: str
    consented_at: dt.datetime
    used: bool


def signup_request(
    *, programme: Programme, role: str, first_name: str, email: str, consented_at: dt.datetime
) -> None:
    """E-mail a verification link, or a "sign in" note if the address has an account.

    The caller answers the same either way, so the page never reveals who is registered.
    """
    email = email.strip().lower()
    account = account_for_email(email=email)
    if account is not None:
        emails.signup_existing_send(to=email, programme=programme, user=account)
        return
    payload = {
        "p": programme.pk,
        "r": role,
        "f": first_name,
        "e": email,
        "c": consented_at.isoformat(),
    }
    token = signing.dumps(payload, salt=_SIGNUP_SALT, compress=True)
    emails.signup_verify_send(to=email, first_name=first_name, programme=programme, token=token)


def signup_load(*, token: str) -> Signup:
    """Read a sign-up link; raises SignupLinkExpired or SignupLinkInvalid."""
    max_age = dt.timedelta(days=settings.SIGNUP_LINK_DAYS)
    try:
        data = signing.loads(token, salt=_SIGNUP_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise SignupLinkExpired(
            _("This link has expired. Sign up again to get a new one.")
        ) from None
    except signing.BadSignature:
        raise SignupLinkInvalid(
            _("This link is not valid. Copy the whole link from the e-mail, or sign up again.")
        ) from None
    programme = signup_programme_get(programme_id=data["p"])
    if programme is None:
        raise SignupLinkInvalid(_("This programme is not taking sign-ups at the moment."))
    return Signup(
        programme=programme,
        role=data["r"],
        first_name=data["f"],
        email=data["e"],
        consented_at=dt.datetime.fromisoformat(data["c"]),
        used=account_for_email(email=data["e"]) is not None,
    )


@transaction.atomic
def signup_complete(
    *, signup: Signup, password: str, profile: dict[str, Any]
) -> tuple[Any, Person]:
    """Create the verified account, the person and their online consent, all or nothing."""
    if signup.used:
        raise ParticipationError(_("This link has already been used; sign in."))
    user = _account_create(email=signup.email, password=password, first_name=profile["first_name"])
    person = participant_create(
        programme=signup.programme, role=signup.role, profile=profile, user=user
    )
    consent = Consent.objects.create(
        **_owner(person), user=user, method=Consent.Method.ONLINE, given_at=signup.consented_at
    )
    consent_document_attach(consent=consent, programme=signup.programme)
    return user, person


# --- invitations -------------------------------------------------------------------------


def invitation_problem(*, invitation: Invitation) -> str | None:
    """Why an invitation can no longer be accepted, in words for its recipient; else None."""
    if invitation.accepted_at is not None:
        return _("This invitation has already been accepted. Sign in to continue.")
    if invitation.expires_at <= timezone.now():
        return _("This invitation has expired. Ask the person who sent it for a new one.")
    if invitation.household is not None and invitation.household.state == "left":
        return _("This household has left the programme, so the invitation is closed.")
    if invitation.volunteer is not None and invitation.volunteer.state == "left":
        return _("This enrolment has ended, so the invitation is closed.")
    return None


@transaction.atomic
def household_adult_invite(
    *, household: Household, invited_by: Any, first_name: str, email: str
) -> Invitation:
    """Invite another adult to the household; they join only by accepting the e-mailed link."""
    if household.state == "left":
        raise ParticipationError(_("A household that has left cannot invite anyone."))
    invitation = Invitation(
        programme=household.programme,
        role=Invitation.Role.HOUSEHOLD_ADULT,
        household=household,
        email=email.strip().lower(),
        first_name=first_name,
        created_by=invited_by,
        expires_at=timezone.now() + dt.timedelta(days=settings.INVITATION_DAYS),
    )
    invitation.token_issue()  # the e-mail carries the token; only its hash is stored
    invitation.full_clean()
    invitation.save()
    emails.household_adult_invitation_send(
        invitation=invitation, inviter_name=invited_by.first_name
    )
    return invitation


def _invitation_account(
    invitation: Invitation, user: Any, password: str, profile: dict[str, Any] | None
) -> Any:
    """The account accepting: the signed-in owner of the address or number, or a new one.

    The link proves the address (or, sent by text message, the number) it went to.
    """
    if user is None:
        first_name = profile["first_name"] if profile else invitation.first_name
        if not invitation.email:
            return _account_create_by_phone(
                phone=invitation.phone, password=password, first_name=first_name
            )
        return _account_create(email=invitation.email, password=password, first_name=first_name)
    if invitation.email and user.email != invitation.email.lower():
        raise ParticipationError(_("This invitation was sent to another e-mail address."))
    if not invitation.email and user.phone != invitation.phone:
        raise ParticipationError(_("This invitation was sent to another phone number."))
    field = "email_verified_at" if invitation.email else "phone_verified_at"
    if getattr(user, field) is None:
        setattr(user, field, timezone.now())
        user.save(update_fields=[field])
    return user


def _invited_person(invitation: Invitation, user: Any, profile: dict[str, Any] | None) -> Person:
    if invitation.role == Invitation.Role.LINK and invitation.volunteer is not None:
        return _volunteer_link(invitation.volunteer, user)
    if invitation.role in (Invitation.Role.HOUSEHOLD_ADULT, Invitation.Role.LINK):
        assert invitation.household is not None
        HouseholdMember.objects.get_or_create(household=invitation.household, user=user)
        return _household_joined(invitation.household)
    assert profile is not None
    programme = invitation.programme
    if (
        invitation.role == Invitation.Role.VOLUNTEER
        and Volunteer.objects.filter(programme=programme, user=user).exists()
    ):
        raise ParticipationError(_("You already volunteer in this programme."))
    return participant_create(
        programme=programme,
        role=invitation.role,
        profile=profile,
        user=user,
        organisation=invitation.organisation,
    )


def _household_joined(household: Household) -> Household:
    """An imported household (``invited``) takes part from the moment its first adult accepts."""
    if household.state == Household.State.INVITED:
        household.state = Household.State.ACTIVE
        household.waiting_since = household.waiting_since or household.programme.today()
        household.state_changed_at = timezone.now()
        household.save(update_fields=["state", "waiting_since", "state_changed_at"])
    return household


def _volunteer_link(volunteer: Volunteer, user: Any) -> Volunteer:
    """Attach the accepting account to a volunteer enrolled on paper."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.user_id is not None:
        raise ParticipationError(_("This enrolment is already linked to an account."))
    if Volunteer.objects.filter(programme=volunteer.programme_id, user=user).exists():
        raise ParticipationError(_("You already volunteer in this programme."))
    volunteer.user = user
    volunteer.save(update_fields=["user"])
    return volunteer


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: Any = None,
    password: str = "",
    profile: dict[str, Any] | None = None,
) -> tuple[Any, Person]:
    """Accepting is consenting: joins (creating the account if needed) and records it.

    ``user`` is the signed-in owner of the invited address; without one, an
    account is created with ``password`` (the link proves the address).
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    problem = invitation_problem(invitation=invitation)
    if problem:
        raise ParticipationError(problem)
    user = _invitation_account(invitation, user, password, profile)
    person = _invited_person(invitation, user, profile)
    now = timezone.now()
    consent = Consent.objects.create(
        **_owner(person), user=user, method=Consent.Method.INVITATION, given_at=now
    )
    consent_document_attach(consent=consent, programme=invitation.programme)
    invitation.accepted_at = now
    invitation.save(update_fields=["accepted_at"])
    return user, person
