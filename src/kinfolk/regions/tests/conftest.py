"""Two regions of the Leeds programme: West (Leeds) and North (Harrogate, York)."""

from __future__ import annotations

import pytest

from kinfolk.programmes.models import Coordinator
from kinfolk.regions.models import CoordinatorRegion, Region, RegionTown
from kinfolk.testing import make_coordinator, make_user


def make_region(programme, name, *towns):
    region = Region.objects.create(programme=programme, name=name)
    for town in towns:
        RegionTown.objects.create(programme=programme, region=region, town=town)
    return region


def limit_to(programme, user, *regions):
    membership = Coordinator.objects.get(programme=programme, user=user)
    for region in regions:
        CoordinatorRegion.objects.create(coordinator=membership, region=region)
    return user


@pytest.fixture
def west(programme):
    return make_region(programme, "West", "Leeds")


@pytest.fixture
def north(programme):
    return make_region(programme, "North", "Harrogate", "York")


@pytest.fixture
def rhea(programme, north):
    """A coordinator limited to the North region."""
    user = make_coordinator(programme, make_user("rhea@example.org", first_name="Rhea"))
    return limit_to(programme, user, north)
