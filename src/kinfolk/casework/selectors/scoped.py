"""Rows of one programme, fetched by id for its coordinators: anyone else's is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import Http404

from kinfolk.casework.models import Concern
from kinfolk.pairings.models import Pairing
from kinfolk.people.models import Household, Volunteer
from kinfolk.programmes.models import Programme
from kinfolk.staff.scope import pairs_scoped

Person = Volunteer | Household


def pairing_get(*, programme: Programme, pairing_id: int) -> Pairing:
    """A pairing of a programme already fetched through ``programme_get``; else 404."""
    found = (
        pairs_scoped(Pairing.objects.filter(programme=programme, pk=pairing_id), programme)
        .select_related("volunteer", "household", "programme", "proposal__run", "recorded_by")
        .first()
    )
    if found is None:
        raise Http404
    return found


def person_pairing_list(*, person: Person) -> QuerySet[Pairing]:
    """Every pairing the person has been in, newest first."""
    return Pairing.objects.filter(**{person.side: person}).select_related("volunteer", "household")


def concern_list(*, programme: Programme, open_only: bool = False) -> QuerySet[Concern]:
    """The programme's concerns, oldest first (the open ones are the coordinator's to-do)."""
    found = pairs_scoped(Concern.objects.filter(programme=programme), programme, prefix="pairing__")
    if open_only:
        found = found.exclude(state=Concern.State.CLOSED)
    return found.select_related("pairing__volunteer", "pairing__household", "owner", "visit")


def concern_open_count(*, programme: Programme) -> int:
    return concern_list(programme=programme, open_only=True).count()


def coordinator_list(*, programme: Programme) -> QuerySet[Any]:
    """The accounts that coordinate the programme: who may own a concern."""
    return (
        get_user_model()
        .objects.filter(coordinator_roles__programme=programme)
        .order_by("first_name", "pk")
    )


def concern_get(*, programme: Programme, concern_id: int) -> Concern:
    found = concern_list(programme=programme).filter(pk=concern_id).first()
    if found is None:
        raise Http404
    return found
