"""Which region a person is in, as query conditions (for scoping, counting and reports).

A person's region is, in order: the region a coordinator placed them in by hand,
the region holding their town, or none.  Every rule here reads the same two
columns (``region_by_hand`` and ``town``) so scoping, breakdowns and reports agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import BigIntegerField, F, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from kinfolk.regions.models import Region, RegionTown

M = TypeVar("M", bound=Model)


def in_regions(region_ids: Iterable[int], prefix: str = "") -> Q:
    """People (or rows reached through ``prefix``, e.g. ``household__``) in these regions."""
    ids = list(region_ids)
    towns = RegionTown.objects.filter(region_id__in=ids).values("town")
    return Q(**{f"{prefix}region_by_hand_id__in": ids}) | Q(
        **{f"{prefix}region_by_hand__isnull": True, f"{prefix}town__in": towns}
    )


def outside_regions(programme_id: int, prefix: str = "") -> Q:
    """People of the programme in no region: not placed by hand, and a town in no region."""
    towns = RegionTown.objects.filter(programme_id=programme_id).values("town")
    return Q(**{f"{prefix}region_by_hand__isnull": True}) & ~Q(**{f"{prefix}town__in": towns})


def region_annotate(qs: QuerySet[M], prefix: str = "", name: str = "region_pk") -> QuerySet[M]:
    """Annotate each row with its person's region id (``name``; None outside any region).

    ``prefix`` reaches the person from another row: ``household__`` gives a
    pairing's, proposal's or visit's region (a pair is counted in its household's
    region, where the household's door is), ``volunteer__`` the volunteer's.
    For breakdowns, e.g. ``region_annotate(pairings, "household__").values("region_pk")``.
    """
    by_town = RegionTown.objects.filter(
        programme_id=OuterRef(f"{prefix}programme_id"), town=OuterRef(f"{prefix}town")
    ).values("region_id")[:1]
    region = Coalesce(
        F(f"{prefix}region_by_hand_id"), Subquery(by_town), output_field=BigIntegerField()
    )
    return qs.annotate(**{name: region})


def region_of(person: object) -> Region | None:
    """The region a volunteer or household is in, or None."""
    by_hand = getattr(person, "region_by_hand", None)
    if by_hand is not None:
        return by_hand
    found = (
        RegionTown.objects.filter(programme_id=person.programme_id, town=person.town)  # type: ignore[attr-defined]
        .select_related("region")
        .first()
    )
    return found.region if found else None


def town_regions(programme_id: int) -> dict[str, int]:
    """Region id of each town that is in a region, for grouping counts in Python."""
    return dict(
        RegionTown.objects.filter(programme_id=programme_id).values_list("town", "region_id")
    )
