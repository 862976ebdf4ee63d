"""Writing an introduction: short, optional, and never a way to pass on contact details."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kinfolk.introductions.models import Introduction
from kinfolk.people.models import Household, Volunteer
from kinfolk.privacy.services import address_mentioned

Person = Volunteer | Household

#: Seven or more digits, perhaps spaced: a phone number, which the other side
#: may read only once both have said yes (charter rule 5).
_PHONE = re.compile(r"(?:\+?\d[\s().-]?){7,}")
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")


@transaction.atomic
def introduction_set(*, person: Person, about_me: str, interests: str) -> Introduction | None:
    """Store the person's introduction; both fields empty removes it.

    Refused, storing nothing, if it holds a phone number, an e-mail address or
    the person's home address: the other side reads it before any yes.
    """
    about_me, interests = about_me.strip(), " ".join(interests.split())
    for field, text in (("about_me", about_me), ("interests", interests)):
        if (
            _PHONE.search(text)
            or _EMAIL.search(text)
            or address_mentioned(text=text, people=[person])
        ):
            raise ValidationError(
                {
                    field: _(
                        "Please leave out phone numbers, e-mail and home addresses: you share "
                        "them once you have both said yes."
                    )
                }
            )
    found = Introduction.objects.filter(**{person.side: person}).first()
    if not about_me and not interests:
        if found is not None:
            found.delete()
        return None
    introduction = found or Introduction(**{person.side: person})
    introduction.about_me = about_me
    introduction.interests = interests
    introduction.full_clean()
    introduction.save()
    return introduction
