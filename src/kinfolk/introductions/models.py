"""A few words each person writes about themselves, shown to the other side of a proposal.

Optional, short, and never matched on: the engine never sees it (the matching
adapter reads only the data dictionary's columns).  It lives in its own app
so that nothing that pairs people can reach it by accident.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kinfolk.people.models import Household, Volunteer

ABOUT_MAX = 300
INTERESTS_MAX = 150


class Introduction(models.Model):
    """What a volunteer or a household says about themselves to a person they may meet."""

    volunteer = models.OneToOneField(
        Volunteer, on_delete=models.CASCADE, null=True, blank=True, related_name="introduction"
    )
    household = models.OneToOneField(
        Household, on_delete=models.CASCADE, null=True, blank=True, related_name="introduction"
    )
    about_me = models.CharField(_("about me"), max_length=ABOUT_MAX, blank=True)
    interests = models.CharField(_("interests"), max_length=INTERESTS_MAX, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False, household__isnull=True)
                | Q(volunteer__isnull=True, household__isnull=False),
                name="introduction_has_one_person",
            )
        ]
