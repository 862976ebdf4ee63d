"""Messages to the two sides of a proposal or pairing, in each recipient's language.

Messages name the other side by first name only: an address or a phone
number never travels in a message (charter rule 5).  Every message is an
outbox row queued in the caller's transaction, so it goes once that
transaction commits, and never if it rolls back.  A person is told by
e-mail, one message per adult who reads for them; someone with no e-mail
but a phone gets a text message instead; someone with neither cannot be
reached, and ``send`` says so.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from kinfolk.outbox.models import Message
from kinfolk.outbox.purposes import purpose_register
from kinfolk.outbox.services import email_new, messages_queue, sms_new
from kinfolk.pairings.models import Proposal
from kinfolk.people.models import Household, Volunteer
from kinfolk.privacy.services import phone_for_delivery

Person = Volunteer | Household
Compose = Callable[[], tuple[str, str]]


def readers(person: Person) -> list[Any]:
    """The active accounts that read mail for this person (a household may have several)."""
    if isinstance(person, Volunteer):
        user = person.user
        return [user] if user and user.is_active and user.email else []
    # .all() so that a caller's prefetch of members and their users is used (no N+1).
    return [m.user for m in person.members.all() if m.user.is_active and m.user.email]


def recipients(person: Person) -> list[tuple[str, str]]:
    """(e-mail, language) of everyone who reads mail for this person."""
    return [(user.email, user.language) for user in readers(person)]


def home_link(person: Person) -> str:
    route = "people:volunteer_home" if isinstance(person, Volunteer) else "people:household_home"
    return settings.SITE_URL + reverse(route, args=[person.pk])


def messages_for(
    person: Person,
    compose: Compose,
    *,
    purpose: str,
    key: str,
    about: tuple[str, int] | None = None,
    phone: str | None = None,
) -> list[Message]:
    """Unsaved outbox rows telling the person: by e-mail to each reader, else by SMS.

    ``phone`` spares a lookup when the caller already has it; an empty list
    means the person cannot be reached.
    """
    people = readers(person)
    common = {"purpose": purpose, "key": key, "about": about, "person": person}
    if people:
        rows = []
        for user in people:
            language = user.language or settings.LANGUAGE_CODE
            with translation.override(language):
                subject, body = compose()
            rows.append(
                email_new(
                    to=user.email,
                    subject=subject,
                    body=body,
                    user=user,
                    language=user.language,
                    **common,
                )
            )
        return rows
    phone = phone_for_delivery(person) if phone is None else phone
    if not phone:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = compose()
    return [
        sms_new(to=phone, body=f"{subject}\n\n{body}", language=settings.LANGUAGE_CODE, **common)
    ]


def send(
    person: Person,
    compose: Compose,
    *,
    purpose: str = "notice",
    key: str | None = None,
    about: tuple[str, int] | None = None,
) -> str | None:
    """Queue ``compose()``'s (subject, body) for the person, in each reader's language.

    Returns the channel, "email" or "sms", or None when the person cannot be
    reached.  ``key`` names the event so that it is told once; by default
    the ``about`` reference, or a fresh key.
    """
    key = key or (f"{about[0]}:{about[1]}" if about else uuid.uuid4().hex)
    rows = messages_for(person, compose, purpose=purpose, key=key, about=about)
    messages_queue(rows)
    return rows[0].channel if rows else None


# --- what proposal notices check just before they go ---------------------------------------


def _open_proposals(messages: Sequence[Message]) -> dict[int, Proposal]:
    ids = {m.about_id for m in messages if m.about_kind == "proposal"}
    return {p.pk: p for p in Proposal.objects.filter(pk__in=ids, state=Proposal.State.OPEN)}


def _proposal_still_open(messages: Sequence[Message]) -> set[int]:
    still = _open_proposals(messages)
    return {m.pk for m in messages if m.about_id in still}


def _proposal_still_unanswered(messages: Sequence[Message]) -> set[int]:
    # A nudge goes only to a side that has not answered yet.
    still = _open_proposals(messages)
    return {
        m.pk
        for m in messages
        if m.about_id in still and not getattr(still[m.about_id], f"{m.person_kind}_answer", "")
    }


purpose_register("proposal", still_applies=_proposal_still_open)
purpose_register("proposal_nudge", still_applies=_proposal_still_unanswered)
