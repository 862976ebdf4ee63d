"""What a coordinator limited to some organisations or regions may see (charter rule 5).

``programme_get`` returns the programme as its viewer sees it: for a coordinator
limited to some organisations, ``programme.organisation_limit`` holds their ids;
for one limited to some regions, ``programme.region_limit`` holds those.  Every
selector that takes such a programme narrows its rows here, so a page written
later inherits the limits by fetching people through the selectors.  A
coordinator limited both ways sees what both limits allow.

An organisation-limited coordinator sees the volunteers of their organisations,
the households paired with, proposed to or put beside those volunteers by a run,
and the pairings, proposals, runs and reports that involve those volunteers.

A region-limited coordinator sees the volunteers and households placed in their
regions (``kinfolk.regions.placing``), the pairings, proposals, visits and
reports with a side in their regions, the partner across the border of such a
pair, and the runs of their regions.  People outside any region are seen only
by coordinators of the whole programme.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404

from kinfolk.programmes.models import Programme

M = TypeVar("M", bound=Model)


def organisation_limit(programme: Programme) -> frozenset[int] | None:
    """The organisations the viewer is limited to; None when they see the whole programme."""
    return getattr(programme, "organisation_limit", None)


def region_limit(programme: Programme) -> frozenset[int] | None:
    """The regions the viewer is limited to; None when they see every region."""
    return getattr(programme, "region_limit", None)


def is_limited(programme: Programme) -> bool:
    return organisation_limit(programme) is not None or region_limit(programme) is not None


def _pair_models() -> tuple[Any, ...]:
    from kinfolk.pairings.models import Pairing, Proposal, RunPair

    return (Pairing, Proposal, RunPair)


def _linked(side: str, condition: Q, ref: str) -> Q:
    """Linked to someone matching ``condition`` by a pairing, a proposal or a run."""
    found = Q()
    for model in _pair_models():
        found |= Exists(model.objects.filter(condition, **{side: OuterRef(ref)}))
    return found


def volunteers_scoped(qs: QuerySet[M], programme: Programme, prefix: str = "") -> QuerySet[M]:
    """Volunteers (or rows reached through ``prefix``, e.g. ``volunteer__``) in the limits."""
    limit = organisation_limit(programme)
    if limit is not None:
        qs = qs.filter(**{f"{prefix}organisation_id__in": limit})
    regions = region_limit(programme)
    if regions is None:
        return qs
    from kinfolk.regions.placing import in_regions

    across = _linked("volunteer", in_regions(regions, "household__"), f"{prefix}pk")
    return qs.filter(in_regions(regions, prefix) | across)


def households_scoped(qs: QuerySet[M], programme: Programme) -> QuerySet[M]:
    """Households in the limits: linked to a volunteer of the organisations, in the regions."""
    limit = organisation_limit(programme)
    if limit is not None:
        by_organisation = Q(volunteer__organisation_id__in=limit)
        qs = qs.filter(_linked("household", by_organisation, "pk"))
    regions = region_limit(programme)
    if regions is None:
        return qs
    from kinfolk.regions.placing import in_regions

    across = _linked("household", in_regions(regions, "volunteer__"), "pk")
    return qs.filter(in_regions(regions) | across)


def pairs_scoped(qs: QuerySet[M], programme: Programme, prefix: str = "") -> QuerySet[M]:
    """Pairings, proposals, run pairs, exclusions, visits (rows reached through ``prefix``).

    For a region limit, a pair with either side in the regions.
    """
    limit = organisation_limit(programme)
    if limit is not None:
        qs = qs.filter(**{f"{prefix}volunteer__organisation_id__in": limit})
    regions = region_limit(programme)
    if regions is None:
        return qs
    from kinfolk.regions.placing import in_regions

    return qs.filter(
        in_regions(regions, f"{prefix}volunteer__") | in_regions(regions, f"{prefix}household__")
    )


def invitations_scoped(qs: QuerySet[M], programme: Programme) -> QuerySet[M]:
    """Invitations: of the organisations; for a region limit, those of a person in the regions.

    An invitation to someone not yet enrolled has no town, so it is in no region.
    """
    limit = organisation_limit(programme)
    if limit is not None:
        qs = qs.filter(organisation_id__in=limit)
    regions = region_limit(programme)
    if regions is None:
        return qs
    from kinfolk.regions.placing import in_regions

    return qs.filter(in_regions(regions, "volunteer__") | in_regions(regions, "household__"))


def runs_scoped(qs: QuerySet[M], programme: Programme) -> QuerySet[M]:
    """Matching runs: a limited coordinator sees only runs of one of their organisations/regions."""
    regions = region_limit(programme)
    if regions is not None:
        return qs.filter(region_id__in=regions)
    limit = organisation_limit(programme)
    if limit is None:
        return qs
    return qs.filter(organisation_id__in=limit)


def organisations_scoped(qs: QuerySet[M], programme: Programme) -> QuerySet[M]:
    limit = organisation_limit(programme)
    return qs if limit is None else qs.filter(pk__in=limit)


def regions_scoped(qs: QuerySet[M], programme: Programme) -> QuerySet[M]:
    regions = region_limit(programme)
    return qs if regions is None else qs.filter(pk__in=regions)


def whole_programme_required(programme: Programme) -> None:
    """404 for a limited coordinator on a page about the whole programme (imports, say)."""
    if is_limited(programme):
        raise Http404
