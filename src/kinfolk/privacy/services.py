"""The one door to contact details (charter rules 4 and 5).

Who may see a person's phone, address and e-mail is decided here, never by
the caller: the person themselves (not logged), the partner in an active
pairing, or a coordinator of the person's programme (both logged, grouped per
viewer, person and day).  Anyone else is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from kinfolk.pairings.models import Pairing
from kinfolk.people.models import Household, HouseholdMember, Volunteer
from kinfolk.privacy.models import ContactAccessLog, ContactDetails
from kinfolk.programmes.models import Coordinator

Person = Volunteer | Household

CONTACT_FIELDS = ("email", "phone", "address")
#: The fields stored here; the e-mail is the account's.
STORED_FIELDS = ("phone", "address")


class ContactAccessRefused(Exception):
    """The viewer may not see this person's contact details now; a view answers 404."""


def contact_details_read(
    *, viewer: Any, person: Person, fields: Iterable[str], reason: str
) -> dict[str, str]:
    """The person's contact fields, if the viewer may see them now; raises ContactAccessRefused.

    A read by anyone but the person is logged with the reason, grouped per
    viewer, person and day.
    """
    grant = _grant(viewer, person)
    if grant is None:
        raise ContactAccessRefused
    wanted = list(dict.fromkeys(f for f in fields if f in CONTACT_FIELDS))
    values = _values(person, wanted)
    if grant != "own":
        _log(viewer, person, wanted, reason, grant)
    return values


def _grant(viewer: Any, person: Person) -> str | None:
    """Why the viewer may see the person's details: "own", "partner", "coordinator"; else None."""
    if not getattr(viewer, "is_authenticated", False):
        return None
    if _is_own(viewer, person):
        return "own"
    if _is_active_partner(viewer, person):
        return "partner"
    if Coordinator.objects.filter(programme_id=person.programme_id, user=viewer).exists():
        return "coordinator"
    return None


def _is_own(viewer: Any, person: Person) -> bool:
    if isinstance(person, Household):
        return HouseholdMember.objects.filter(household=person, user=viewer).exists()
    return bool(person.user_id == viewer.pk)


def _is_active_partner(viewer: Any, person: Person) -> bool:
    if isinstance(person, Household):
        pairs = Pairing.objects.filter(household=person, volunteer__user=viewer)
    else:
        pairs = Pairing.objects.filter(volunteer=person, household__members__user=viewer)
    return pairs.filter(state=Pairing.State.ACTIVE).exists()


def _values(person: Person, fields: list[str]) -> dict[str, str]:
    stored = _stored(person)
    values = {}
    for name in fields:
        if name == "email":
            values[name] = _emails(person)
        else:
            values[name] = getattr(stored, name) if stored else ""
    return values


def _stored(person: Person) -> ContactDetails | None:
    return ContactDetails.objects.filter(**{person.side: person}).first()


def _emails(person: Person) -> str:
    if isinstance(person, Household):
        members = person.members.select_related("user").order_by("joined_at", "id")
        return ", ".join(m.user.email for m in members)
    return person.user.email if person.user_id else ""


def _log(viewer: Any, person: Person, wanted: list[str], reason: str, grant: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        log, created = ContactAccessLog.objects.select_for_update().get_or_create(
            viewer_id=viewer.pk,
            person_kind=person.side,
            person_id=person.pk,
            day=now.date(),
            defaults={
                **_viewer_facts(viewer, person, grant),
                "fields": ",".join(wanted),
                "reasons": reason[:300],
                "last_read_at": now,
            },
        )
        if not created:
            log.fields = ",".join(sorted(set(log.fields.split(",")) | set(wanted)))
            if reason not in log.reasons.split("; "):
                log.reasons = f"{log.reasons}; {reason}"[:300]
            log.reads = F("reads") + 1
            log.last_read_at = now
            log.save(update_fields=["fields", "reasons", "reads", "last_read_at"])


def _viewer_facts(viewer: Any, person: Person, grant: str) -> dict[str, Any]:
    """Who read, as the person will see it: first name, role, and a coordinator's appointment.

    The appointment (by whom, when) shows a site administrator who appointed
    themselves for what they are, not as just another coordinator.
    """
    appointment = (
        Coordinator.objects.filter(programme_id=person.programme_id, user=viewer)
        .select_related("appointed_by")
        .first()
    )
    appointer = appointment.appointed_by if appointment else None
    return {
        "viewer_label": viewer.first_name,
        "viewer_role": grant,
        "viewer_is_site_admin": bool(viewer.is_staff),
        "appointed_by_id": appointer.pk if appointer else None,
        "appointed_by_label": appointer.first_name if appointer else "",
        "appointed_at": appointment.appointed_at if appointment else None,
    }


# --- the person's own details ----------------------------------------------------------


def contact_details_write(
    *, person: Person, phone: str | None = None, address: str | None = None
) -> None:
    """Store the person's own phone and address; a field given as None is left as it is."""
    changes = {name: value for name, value in (("phone", phone), ("address", address))}
    changes = {name: value for name, value in changes.items() if value is not None}
    if not changes:
        return
    details = _stored(person)
    created = details is None
    if details is None:
        details = ContactDetails(**{person.side: person})
    for name, value in changes.items():
        setattr(details, name, value)
    details.full_clean()
    details.save(update_fields=None if created else [*changes, "updated_at"])


def contact_details_bulk_create(
    *, rows: Iterable[tuple[Person, str, str]], batch_size: int = 5000
) -> None:
    """Store (person, phone, address) of people who have none yet, in batches (the demo)."""
    details = [
        ContactDetails(**{person.side: person}, phone=phone, address=address)
        for person, phone, address in rows
    ]
    ContactDetails.objects.bulk_create(details, batch_size=batch_size)


def phone_for_delivery(person: Person) -> str:
    """The person's own phone number, for sending a message to them (SMS reminders, notices).

    Delivering to the person themselves is not someone else reading their
    details, so it is not logged; nothing else but messaging may call this.
    """
    stored = _stored(person)
    return stored.phone if stored else ""


def phones_for_delivery(*, people: Iterable[Person]) -> dict[tuple[str, int], str]:
    """``phone_for_delivery`` for many people in two queries: {(side, id): phone}."""
    ids: dict[str, set[int]] = {"volunteer": set(), "household": set()}
    for person in people:
        ids[person.side].add(person.pk)
    phones = dict.fromkeys(((side, pk) for side, pks in ids.items() for pk in pks), "")
    for side, pks in ids.items():
        stored = ContactDetails.objects.filter(**{f"{side}_id__in": pks}).exclude(phone="")
        for pk, phone in stored.values_list(f"{side}_id", "phone"):
            phones[(side, pk)] = phone
    return phones


def address_mentioned(*, text: str, people: Iterable[Person]) -> bool:
    """Whether ``text`` holds the home address of any of ``people`` (the text is never shown).

    For refusing a "public place" that is someone's home; nothing is returned
    but yes or no, so nothing is read out.
    """
    lowered = text.lower()
    for person in people:
        stored = _stored(person)
        address = stored.address.strip().lower() if stored else ""
        if address and address in lowered:
            return True
    return False


def without_phone(*, people: QuerySet[Any]) -> QuerySet[Any]:
    """The people of ``people`` (volunteers or households) with no phone stored.

    For the coordinator's "cannot be reached" list: a yes or no per person,
    decided in the database, so no number is read out and nothing is logged.
    """
    side = people.model.side
    with_phone = ContactDetails.objects.filter(**{f"{side}_id": OuterRef("pk")}).exclude(phone="")
    return people.exclude(Exists(with_phone))
