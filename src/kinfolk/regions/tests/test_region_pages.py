"""The regions page: add and edit regions, the border rule, people outside any region, placing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinfolk.people.models import Volunteer
from kinfolk.regions.models import Region, RegionTown
from kinfolk.regions.placing import region_of
from kinfolk.regions.tests.conftest import make_region
from kinfolk.testing import make_household, make_user, make_volunteer

pytestmark = pytest.mark.django_db


def _towns():
    return sorted(RegionTown.objects.values_list("region__name", "town"))


def _url(programme, name="regions:regions", *args):
    return reverse(name, args=[programme.pk, *args])


def test_coordinator_adds_a_region_and_its_people_are_in_it_at_once(client, programme, coordinator):
    vera = make_volunteer(programme, user=make_user(), town="York")
    client.force_login(coordinator)
    response = client.post(_url(programme), {"name": " North ", "towns": "york\nHarrogate; "})
    assert response.status_code == 302
    # Stored in the country's spelling, whatever was typed.
    assert _towns() == [("North", "Harrogate"), ("North", "York")]
    assert region_of(vera).name == "North"


def test_an_unknown_town_is_named_and_nothing_is_stored(client, programme, coordinator):
    client.force_login(coordinator)
    response = client.post(_url(programme), {"name": "North", "towns": "York\nAtlantis"})
    assert response.status_code == 200
    assert "Atlantis" in response.content.decode()
    assert not Region.objects.exists() and _towns() == []


def test_a_town_already_in_another_region_is_refused(client, programme, coordinator, west):
    client.force_login(coordinator)
    response = client.post(_url(programme), {"name": "Centre", "towns": "Leeds"})
    assert "Already in another region" in response.content.decode()
    assert "Leeds (West)" in response.content.decode()
    assert _towns() == [("West", "Leeds")]


def test_a_second_region_of_the_same_name_is_refused(client, programme, coordinator, west):
    client.force_login(coordinator)
    response = client.post(_url(programme), {"name": "west", "towns": "York"})
    assert "already a region called" in response.content.decode()
    assert Region.objects.count() == 1


def test_a_town_an_import_gave_is_accepted_though_not_in_the_country_list(
    client, programme, coordinator
):
    make_household(programme, town="Little Snoring")
    client.force_login(coordinator)
    client.post(_url(programme), {"name": "Norfolk", "towns": "little snoring"})
    assert _towns() == [("Norfolk", "Little Snoring")]


def test_editing_moves_a_town_and_its_people(client, programme, coordinator, west, north):
    wes = make_volunteer(programme, user=make_user(), town="Leeds")
    client.force_login(coordinator)
    response = client.post(
        _url(programme, "regions:region_edit", north.pk),
        {"name": "North", "towns": "York\nHarrogate\nLeeds"},
    )
    assert "Already in another region" in response.content.decode()  # still in West
    client.post(_url(programme, "regions:region_edit", west.pk), {"name": "West", "towns": ""})
    client.post(
        _url(programme, "regions:region_edit", north.pk),
        {"name": "North", "towns": "York\nLeeds"},
    )
    assert _towns() == [("North", "Leeds"), ("North", "York")]
    assert region_of(wes) == north


def test_people_outside_any_region_are_listed_and_placed_by_hand(
    client, programme, coordinator, north
):
    oona = make_volunteer(programme, user=make_user(), first_name="Oonagh", town="Otley")
    client.force_login(coordinator)
    page = client.get(_url(programme)).content.decode()
    assert "Outside any region" in page and "Oonagh" in page
    place = _url(programme, "regions:volunteer_place", oona.pk)
    assert client.post(place, {"region": north.pk}).status_code == 302
    oona.refresh_from_db()
    assert oona.region_by_hand == north and region_of(oona) == north
    assert "Oonagh" not in client.get(_url(programme)).content.decode()
    client.post(place, {"region": ""})  # back to "by their town"
    assert Volunteer.objects.get(pk=oona.pk).region_by_hand is None


def test_placing_in_another_programmes_region_is_refused(
    client, programme, other_programme, coordinator
):
    oona = make_volunteer(programme, user=make_user(), town="Otley")
    theirs = make_region(other_programme, "Avon", "Bristol")
    client.force_login(coordinator)
    response = client.post(
        _url(programme, "regions:volunteer_place", oona.pk), {"region": theirs.pk}
    )
    assert response.status_code == 200 and "valid choice" in response.content.decode()
    assert Volunteer.objects.get(pk=oona.pk).region_by_hand is None


def test_the_border_rule_is_set_on_the_page(client, programme, coordinator, west):
    client.force_login(coordinator)
    client.post(_url(programme, "regions:borders"), {"pairs_cross_regions": "on"})
    programme.refresh_from_db()
    assert programme.pairs_cross_regions is True
    client.post(_url(programme, "regions:borders"), {})
    programme.refresh_from_db()
    assert programme.pairs_cross_regions is False


def test_a_region_is_deleted_and_its_people_are_outside_any(client, programme, coordinator, west):
    wes = make_volunteer(programme, user=make_user(), town="Leeds")
    client.force_login(coordinator)
    assert client.post(_url(programme, "regions:region_delete", west.pk)).status_code == 302
    assert not Region.objects.exists() and region_of(wes) is None


def test_a_region_limited_coordinator_reads_their_regions_only(client, programme, west, rhea):
    client.force_login(rhea)
    page = client.get(_url(programme)).content.decode()
    assert "North" in page and "West" not in page
    assert "Add a region" not in page and "Outside any region" not in page
    assert (
        client.post(_url(programme, "regions:borders"), {"pairs_cross_regions": "on"}).status_code
        == 404
    )
    programme.refresh_from_db()
    assert programme.pairs_cross_regions is False


def test_a_persons_page_names_their_region_and_links_to_placing(
    client, programme, coordinator, north
):
    nora = make_volunteer(programme, user=make_user(), town="York")
    client.force_login(coordinator)
    page = client.get(reverse("programmes:volunteer_detail", args=[programme.pk, nora.pk]))
    text = page.content.decode()
    assert "North" in text and _url(programme, "regions:volunteer_place", nora.pk) in text
