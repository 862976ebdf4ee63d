"""Site administrators' writes to a programme's coordinators."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from kinfolk.accounts.models import AccountEvent
from kinfolk.programmes.models import Coordinator


@transaction.atomic
def coordinator_remove(*, membership: Coordinator, removed_by: Any) -> AccountEvent:
    """End a coordinator's appointment: from their next request on, the programme is closed to them.

    Their account stays (it may have other roles); the removal is recorded.
    """
    if not removed_by.is_staff:
        raise PermissionDenied("Only site administrators remove coordinators.")
    event = AccountEvent(
        kind=AccountEvent.Kind.COORDINATOR_REMOVED,
        user=membership.user,
        by=removed_by,
        programme=membership.programme,
    )
    event.full_clean()
    event.save()
    # Deleted, not flagged: every access check asks whether this row exists.
    membership.delete()
    return event
