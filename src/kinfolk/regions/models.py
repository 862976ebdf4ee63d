"""Regions of a programme: a name and a set of towns; people are placed by their town.

A person's region is the one they were placed in by hand
(``Participant.region_by_hand``), else the region holding their town, else
none ("outside any region").  It is worked out when asked (``kinfolk.regions.placing``)
rather than stored on each person, so moving a town between regions or
importing people needs no re-placing step that could be forgotten.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kinfolk.programmes.models import Coordinator, Programme


class Region(models.Model):
    """A named part of a programme, run by its own coordinators."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="regions")
    name = models.CharField(_("name"), max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="region_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class RegionTown(models.Model):
    """One town of a region; a town of the programme is in one region at most."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="towns")
    town = models.CharField(_("town"), max_length=120)

    class Meta:
        ordering = ["town"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "town"], name="region_town_unique")
        ]

    def __str__(self) -> str:
        return f"{self.town} in {self.region}"


class CoordinatorRegion(models.Model):
    """One region a coordinator is limited to; a coordinator with none sees every region.

    ``PROTECT``: deleting a region must never silently widen a coordinator's view
    to the whole programme (charter rule 5), so their limit is changed first.
    """

    coordinator = models.ForeignKey(
        Coordinator, on_delete=models.CASCADE, related_name="region_limits"
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="coordinator_limits",
        verbose_name=_("region"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["coordinator", "region"], name="coordinator_region_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.coordinator} limited to {self.region}"
