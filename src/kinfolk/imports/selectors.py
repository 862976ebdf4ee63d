"""Reads of the people import, always scoped to a programme the viewer coordinates."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from kinfolk.imports.models import Invitee, PeopleImport, PostcodeCentroid
from kinfolk.people.models import Consent, Household, Volunteer
from kinfolk.programmes.models import Programme

IMPORTS_SHOWN = 20


def import_list(*, programme: Programme) -> QuerySet[PeopleImport]:
    return PeopleImport.objects.filter(programme=programme).defer(
        "data", "problems_csv", "placements_csv"
    )[:IMPORTS_SHOWN]


def import_get(*, programme: Programme, import_id: int) -> PeopleImport:
    """The programme's import, or 404 (another programme's id included)."""
    found = (
        PeopleImport.objects.filter(programme=programme, pk=import_id)
        .defer("data", "placements_csv")
        .first()
    )
    if found is None:
        raise Http404
    return found


def import_placements_get(*, programme: Programme, import_id: int) -> PeopleImport:
    """The programme's import with its list of where each row lands, or 404."""
    found = (
        PeopleImport.objects.filter(programme=programme, pk=import_id)
        .only("pk", "programme", "placements_csv")
        .first()
    )
    if found is None:
        raise Http404
    return found


def postcode_count(*, programme: Programme) -> int:
    return PostcodeCentroid.objects.filter(programme=programme).count()


def invitee_person_get(*, programme: Programme, side: str, person_id: int) -> Volunteer | Household:
    """An imported person of the programme (404 otherwise), for recording a paper consent."""
    model = Volunteer if side == "volunteer" else Household
    person = model.objects.filter(programme=programme, pk=person_id).first()
    if person is None or not Invitee.objects.filter(**{side: person}).exists():
        raise Http404
    return person


def invitee_exists(*, person: Volunteer | Household) -> bool:
    """Whether the person came from an import (and so may need a paper consent recorded)."""
    return Invitee.objects.filter(**{person.side: person}).exists()


def invitee_counts(*, people_import: PeopleImport) -> dict[str, int]:
    """Of the import's people: invited, still to invite, without an address, taking part now."""
    from kinfolk.imports.inviting import invitable

    side = people_import.side
    invitees = Invitee.objects.filter(imported_in=people_import)
    consents = Consent.objects.filter(**{side: OuterRef(side)}, withdrawn_at__isnull=True)
    return {
        "people": invitees.count(),
        "invited": invitees.filter(invitation__isnull=False).count(),
        "to_invite": invitable(people_import).count(),
        "no_email": invitees.filter(email="").count(),
        "by_sms": invitees.filter(email="").exclude(phone="").count(),
        "no_address": invitees.filter(email="", phone="").count(),
        "taking_part": invitees.filter(Exists(consents)).count(),
    }
