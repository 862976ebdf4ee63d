"""Enrolment: the one way a volunteer or household row comes into being.

Sign-up, invitations and paper consent all create participants here, so that
every new person gets the same starting state and an id of the same form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models.functions import Length

from kinfolk.people.forms import PROFILE_FIELDS
from kinfolk.people.models import Household, HouseholdMember, Volunteer
from kinfolk.privacy.services import contact_details_write
from kinfolk.programmes.models import Organisation, Programme

#: How often to take a fresh id when a concurrent enrolment saved the same one first.
_ID_ATTEMPTS = 5


def external_id_next(*, programme: Programme, model: type[Volunteer] | type[Household]) -> str:
    """``V000042``/``H000042``: one more than the largest id of that form in the programme.

    Imported ids of another form (``imported-77``) are passed over, never reused.
    """
    prefix = "V" if model is Volunteer else "H"
    last = (
        model.objects.filter(programme=programme, external_id__regex=rf"^{prefix}[0-9]{{6,}}$")
        .order_by(Length("external_id").desc(), "-external_id")
        .values_list("external_id", flat=True)
        .first()
    )
    n = int(last[1:]) + 1 if last else 1
    return f"{prefix}{n:06d}"


def participant_create(
    *,
    programme: Programme,
    role: str,
    profile: Mapping[str, Any],
    user: Any = None,
    organisation: Organisation | None = None,
) -> Volunteer | Household:
    """Create an applied volunteer or an active household, waiting from today, with a fresh id.

    A household's ``user`` becomes its first adult; the caller records the consent.
    The profile's phone and address are stored by the privacy app.
    """
    values = {name: profile[name] for name in PROFILE_FIELDS}
    person: Volunteer | Household
    if role == "volunteer":
        person = Volunteer(
            programme=programme,
            user=user,
            organisation=organisation,
            state=Volunteer.State.APPLIED,
            **values,
        )
    else:
        person = Household(
            programme=programme,
            state=Household.State.ACTIVE,
            waiting_since=programme.today(),
            **values,
        )
    _save_with_new_id(person)
    contact_details_write(
        person=person, phone=profile.get("phone", ""), address=profile.get("address", "")
    )
    if isinstance(person, Household) and user is not None:
        member = HouseholdMember(household=person, user=user)
        member.full_clean()
        member.save()
    return person


def _save_with_new_id(person: Volunteer | Household) -> None:
    # Two enrolments at once can both read the same largest id; the unique
    # constraint stops the second, which then takes the next one.
    for attempt in range(_ID_ATTEMPTS):
        person.external_id = external_id_next(programme=person.programme, model=type(person))
        person.full_clean()
        try:
            with transaction.atomic():
                person.save()
            return
        except IntegrityError:
            if attempt == _ID_ATTEMPTS - 1:
                raise
