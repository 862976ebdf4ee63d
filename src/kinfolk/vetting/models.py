"""How long a volunteer's checks stay valid, and when each one expires.

The checks themselves are ``kinfolk.people.models.VolunteerCheck``; this app
adds their expiry without changing that table.  A programme may give a
validity in months for each kind of check; a coordinator may also give one
check an explicit date.  A check whose date has passed keeps its volunteer
out of new proposals until it is renewed; an active pairing is flagged, never
ended.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kinfolk.people.models import VolunteerCheck
from kinfolk.programmes.models import Programme


class CheckValidity(models.Model):
    """How many months a kind of check stays valid in one programme."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="check_validities"
    )
    kind = models.CharField(max_length=16, choices=VolunteerCheck.Kind.choices)
    months = models.PositiveSmallIntegerField(
        _("valid for (months)"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind"], name="check_validity_unique")
        ]


class CheckExpiry(models.Model):
    """The last day one recorded check is valid; the volunteer is reminded once before it."""

    volunteer_check = models.OneToOneField(
        VolunteerCheck, on_delete=models.CASCADE, primary_key=True, related_name="expiry"
    )
    expires_on = models.DateField(_("valid until"))
    #: Given by a coordinator for this check, rather than worked out from the validity.
    explicit = models.BooleanField(default=False)
    #: The ``expires_on`` a reminder was queued for: claiming it is the once-only guard.
    reminded_for = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_on"])]

    @property
    def reminded(self) -> bool:
        return self.reminded_for == self.expires_on
