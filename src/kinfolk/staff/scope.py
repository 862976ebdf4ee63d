"""What a coordinator limited to some organisations may see of their programme (charter rule 5).

``programme_get`` returns the programme as its viewer sees it: for a coordinator
limited to some organisations, ``programme.organisation_limit`` holds their ids.
Every selector that takes such a programme narrows its rows here, so a page
written later inherits the limit by fetching people through the selectors.

A limited coordinator sees the volunteers of their organisations, the
households paired with, proposed to or put beside those volunteers by a run,
and the pairings, proposals, runs and reports that involve those volunteers.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Exists, Model, OuterRef, QuerySet
from django.http import Http404

from kinfolk.programmes.models import Programme

M = TypeVar("M", bound=Model)


def organisation_limit(programme: Programme) -> frozenset[int] | None:
    """The organisations the viewer is limited to; None when they see the whole programme."""
    return getattr(programme, "organisation_limit", None)


def volunteers_scoped(qs: QuerySet[M], programme: Programme, prefix: str = "") -> QuerySet[M]:
    """Volunteers (or rows reached through ``prefix``, e.g. ``volunteer__``) in the limit."""
    limit = organisation_limit(programme)
    if limit is None:
        return qs
    return qs.filter(**{f"{prefix}organisation_id__in": limit})


def households_scoped(qs: QuerySet[M], programme: Programme) -> QuerySet[M]:
    """Households connected to a volunteer in the limit by a pairing, a proposal or a run."""
    limit = organisation_limit(programme)
    if limit is None:
        return qs
    from kinfolk.pairings.models import Pairing, Proposal, RunPair

    def linked(model: Any) -> Exists:
        return Exists(
            model.objects.filter(household=OuterRef("pk"), volunteer__organisation_id__in=limit)
        )

    return qs.filter(linked(Pairing) | linked(Proposal) | linked(RunPair))


def pairs_scoped(qs: QuerySet[M], programme: Programme, prefix: str = "") -> QuerySet[M]:
    """Pairings, proposals, run pairs, exclusions (or rows reached through ``prefix``)."""
    return volunteers_scoped(qs, programme, prefix=f"{prefix}volunteer__")


def runs_scoped(qs: QuerySet[M], programme: Programme) -> QuerySet[M]:
    """Matching runs: a limited coordinator sees only runs of one of their organisations."""
    limit = organisation_limit(programme)
    if limit is None:
        return qs
    return qs.filter(organisation_id__in=limit)


def organisations_scoped(qs: QuerySet[M], programme: Programme) -> QuerySet[M]:
    limit = organisation_limit(programme)
    return qs if limit is None else qs.filter(pk__in=limit)


def whole_programme_required(programme: Programme) -> None:
    """404 for a limited coordinator on a page about the whole programme (imports, say)."""
    if organisation_limit(programme) is not None:
        raise Http404
