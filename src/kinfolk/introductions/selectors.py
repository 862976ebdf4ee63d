"""Reads of introductions: one's own, and the other side's in a proposal or pairing."""

from __future__ import annotations

from kinfolk.introductions.models import Introduction
from kinfolk.people.models import Household, Volunteer

Person = Volunteer | Household


def introduction_of(*, person: Person) -> Introduction | None:
    """The person's introduction: the viewer's own, or their proposal partner's."""
    return Introduction.objects.filter(**{person.side: person}).first()
