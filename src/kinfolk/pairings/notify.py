"""Messages to the two sides of a proposal or pairing, in each recipient's language.

Messages name the other side by first name only: an address or a phone
number never travels by e-mail (charter rule 5).  Every message is sent once
the surrounding transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from kinfolk.people.models import Household, Volunteer

Person = Volunteer | Household


def recipients(person: Person) -> list[tuple[str, str]]:
    """(e-mail, language) of everyone who reads mail for this person."""
    if isinstance(person, Volunteer):
        user = person.user
        return [(user.email, user.language)] if user and user.is_active else []
    # .all() so that a caller's prefetch of members and their users is used (no N+1).
    return [(m.user.email, m.user.language) for m in person.members.all() if m.user.is_active]


def home_link(person: Person) -> str:
    route = "people:volunteer_home" if isinstance(person, Volunteer) else "people:household_home"
    return settings.SITE_URL + reverse(route, args=[person.pk])


def send(person: Person, compose: Callable[[], tuple[str, str]]) -> None:
    """Send ``compose()``'s (subject, body) to the person, composed in each reader's language."""
    for email, language in recipients(person):

        def deliver(email: str = email, language: str = language) -> None:
            with translation.override(language or settings.LANGUAGE_CODE):
                subject, body = compose()
            send_mail(subject, body, None, [email])

        transaction.on_commit(deliver)
