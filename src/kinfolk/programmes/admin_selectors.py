"""Reads for site administration, scoped to a programme already fetched for a site admin."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from kinfolk.accounts.models import AccountEvent
from kinfolk.programmes.models import Coordinator, Programme


def coordinator_admin_get(*, programme: Programme, coordinator_id: int) -> Coordinator:
    """One coordinator of ``programme`` (from ``programme_admin_get``); 404 for another's."""
    found = programme.coordinators.filter(pk=coordinator_id).select_related("user").first()
    if found is None:
        raise Http404
    return found


def account_event_list(*, programme: Programme, limit: int = 20) -> QuerySet[AccountEvent]:
    """What site administrators and coordinators did to accounts of this programme, newest first."""
    return programme.account_events.select_related("user", "by")[:limit]
