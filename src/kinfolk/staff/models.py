"""Staff roles beside coordinators: read-only viewers, coordinators limited to organisations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kinfolk.programmes.models import Coordinator, Organisation, Programme


class Viewer(models.Model):
    """A user who may read a programme's counts and charts (a funder, a trustee), never a person."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="viewers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="viewer_roles"
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    appointed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "user"], name="viewer_unique")]

    def __str__(self) -> str:
        return f"{self.user} views {self.programme}"


class CoordinatorOrganisation(models.Model):
    """One organisation a coordinator is limited to; a coordinator with none sees everyone.

    A limited coordinator sees the volunteers of these organisations and the
    households paired with, or proposed to, those volunteers (charter rule 5).
    """

    coordinator = models.ForeignKey(
        Coordinator, on_delete=models.CASCADE, related_name="organisation_limits"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["coordinator", "organisation"], name="coordinator_organisation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.coordinator} limited to {self.organisation}"
