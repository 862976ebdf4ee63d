"""Reads of programmes, scoped to who asks (charter rule 5: least access)."""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from kinfolk.ops.fixed_sql import column, table
from kinfolk.programmes.models import Coordinator, Organisation, Programme


def programme_list(*, viewer: Any) -> QuerySet[Programme]:
    """The programmes the viewer coordinates (a site administrator's are all)."""
    if not viewer.is_authenticated:
        return Programme.objects.none()
    if viewer.is_staff:
        return Programme.objects.all()
    return Programme.objects.filter(coordinators__user=viewer)


def programme_get(*, viewer: Any, programme_id: int) -> Programme:
    """A programme the viewer coordinates; 404 for anyone else, site administrators included.

    Site administrators create programmes and appoint coordinators, but they
    do not read the people in them: that is the coordinators' work.
    """
    if not viewer.is_authenticated:
        raise Http404
    found = Programme.objects.filter(pk=programme_id, coordinators__user=viewer).first()
    if found is None:
        raise Http404
    found.organisation_limit, found.region_limit = _limits(found, viewer)
    return found


Limit = frozenset[int] | None


def _limits(programme: Programme, viewer: Any) -> tuple[Limit, Limit]:
    """The organisations and the regions a limited coordinator sees; None for no such limit.

    One fixed statement for both (:func:`_limits_sql`), as every coordinator page asks.
    """
    found: dict[str, set[int]] = {"organisation": set(), "region": set()}
    with connection.cursor() as cursor:
        cursor.execute(_limits_sql(), [programme.pk, viewer.pk] * 2)
        for kind, pk in cursor.fetchall():
            found[kind].add(pk)
    return frozenset(found["organisation"]) or None, frozenset(found["region"]) or None


@functools.cache
def _limits_sql() -> str:
    """The statement of :func:`_limits`: the coordinator's organisation and region rows."""
    from kinfolk.regions.models import CoordinatorRegion
    from kinfolk.staff.models import CoordinatorOrganisation

    coordinator = table(Coordinator)
    mine = f"c.{column(Coordinator, 'programme')} = %s AND c.{column(Coordinator, 'user')} = %s"

    def limit(kind: str, model: Any, field: str) -> str:
        return (
            f"SELECT '{kind}', x.{column(model, field)} FROM {table(model)} x"
            f" JOIN {coordinator} c ON c.id = x.{column(model, 'coordinator')} WHERE {mine}"
        )

    return " UNION ALL ".join(
        [
            limit("organisation", CoordinatorOrganisation, "organisation"),
            limit("region", CoordinatorRegion, "region"),
        ]
    )


def programme_admin_get(*, viewer: Any, programme_id: int) -> Programme:
    """A programme as its site administrator sees it (settings and coordinators)."""
    if not (viewer.is_authenticated and viewer.is_staff):
        raise Http404
    found = Programme.objects.filter(pk=programme_id).first()
    if found is None:
        raise Http404
    return found


def programme_by_signup_token(*, token: str) -> Programme:
    found = Programme.objects.filter(signup_token=token, signup_open=True).first()
    if found is None:
        raise Http404
    return found


def organisation_list(*, programme: Programme) -> QuerySet[Organisation]:
    """The organisations the viewer sees (a limited coordinator: theirs), with live volunteers."""
    from kinfolk.staff.scope import organisations_scoped

    return organisations_scoped(programme.organisations.all(), programme).annotate(
        n_volunteers=Count("volunteers", filter=~Q(volunteers__state="left"))
    )
