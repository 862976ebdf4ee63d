"""Private calendar feed addresses: one per reader and role, revocable at once."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kinfolk.visits.models import CalendarFeed
from kinfolk.visits.services._common import Person


def calendar_feed_create(*, user: Any, person: Person) -> CalendarFeed:
    """A new secret address for the user's calendar of this role; any earlier one stops working."""
    feed = CalendarFeed(user=user, side=person.side, person_id=person.pk)
    feed.token_issue()  # shown once to the user; only its hash is stored
    with transaction.atomic():
        calendar_feed_revoke(user=user, person=person)
        feed.save()
    return feed


def calendar_feed_revoke(*, user: Any, person: Person) -> int:
    """The address answers 404 from now on."""
    deleted, _ = CalendarFeed.objects.filter(
        user=user, side=person.side, person_id=person.pk
    ).delete()
    return deleted


def calendar_feeds_revoke_all(*, person: Person) -> int:
    """Every reader's address of this person answers 404 from now on (they left)."""
    deleted, _ = CalendarFeed.objects.filter(side=person.side, person_id=person.pk).delete()
    return deleted
