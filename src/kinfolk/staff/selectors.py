"""Reads for staff roles: the programmes a viewer may read, and who holds which role."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from kinfolk.programmes.models import Programme
from kinfolk.staff.models import CoordinatorOrganisation, Viewer


def figures_programme_get(*, viewer: Any, programme_id: int) -> Programme:
    """A programme whose figures the viewer may read: as its viewer or its coordinator; else 404.

    A limited coordinator's figures are their organisations' (``programme_get``'s scope).
    """
    from kinfolk.programmes.selectors import programme_get

    if not viewer.is_authenticated:
        raise Http404
    if Viewer.objects.filter(programme_id=programme_id, user=viewer).exists():
        return Programme.objects.get(pk=programme_id)
    return programme_get(viewer=viewer, programme_id=programme_id)


def viewed_programme_list(*, viewer: Any) -> QuerySet[Programme]:
    """The programmes whose figures the viewer reads as a viewer (not as a coordinator)."""
    if not viewer.is_authenticated:
        return Programme.objects.none()
    return Programme.objects.filter(viewers__user=viewer)


def viewer_list(*, programme: Programme) -> QuerySet[Viewer]:
    """Viewers of a programme already fetched for a site administrator."""
    return programme.viewers.select_related("user").order_by("user__first_name", "id")


def viewer_admin_get(*, programme: Programme, viewer_id: int) -> Viewer:
    """One viewer of ``programme`` (from ``programme_admin_get``); 404 for another's."""
    found = programme.viewers.filter(pk=viewer_id).select_related("user").first()
    if found is None:
        raise Http404
    return found


def coordinator_limits(*, programme: Programme) -> dict[int, list[str]]:
    """Organisations and regions each limited coordinator of the programme is limited to."""
    rows = CoordinatorOrganisation.objects.filter(coordinator__programme=programme)
    limits: dict[int, list[str]] = {}
    for coordinator_id, name in rows.order_by("organisation__name").values_list(
        "coordinator_id", "organisation__name"
    ):
        limits.setdefault(coordinator_id, []).append(name)
    from kinfolk.regions.models import CoordinatorRegion

    regions = CoordinatorRegion.objects.filter(coordinator__programme=programme)
    for coordinator_id, name in regions.order_by("region__name").values_list(
        "coordinator_id", "region__name"
    ):
        limits.setdefault(coordinator_id, []).append(_("region %(name)s") % {"name": name})
    return limits
