"""Figures by region: the overview, the visits dashboard, and the annotation reports use."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kinfolk.pairings.models import Pairing
from kinfolk.people.models import Volunteer
from kinfolk.regions.placing import region_annotate
from kinfolk.regions.selectors import region_breakdown, visit_region_breakdown
from kinfolk.testing import make_household, make_pairing, make_user, make_visit, make_volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def pairs(programme, west, north):
    """Two pairs in York (North), one in Leeds (West), one across, one in Otley (no region)."""

    def pair(v_town, h_town):
        volunteer = make_volunteer(programme, user=make_user(), town=v_town)
        return make_pairing(volunteer, make_household(programme, town=h_town))

    return {
        "york1": pair("York", "York"),
        "york2": pair("York", "York"),
        "leeds": pair("Leeds", "Leeds"),
        "across": pair("Leeds", "Harrogate"),
        "otley": pair("Otley", "Otley"),
    }


def _by_name(rows):
    return {row.name: row.counts for row in rows}


def test_the_breakdown_counts_people_and_pairings_per_region(programme, pairs, west, north):
    rows = _by_name(region_breakdown(programme=programme))
    assert rows["North"]["volunteers"] == 2 and rows["North"]["households"] == 3
    assert rows["North"]["pairings"] == 3  # the pair across counts in its household's region
    assert rows["West"]["volunteers"] == 2 and rows["West"]["pairings"] == 1
    assert rows["Outside any region"]["pairings"] == 1


def test_a_person_placed_by_hand_counts_in_that_region(programme, pairs, west, north):
    Volunteer.objects.filter(town="Otley").update(region_by_hand=west)
    rows = _by_name(region_breakdown(programme=programme))
    assert rows["West"]["volunteers"] == 3
    assert rows["Outside any region"]["volunteers"] == 0


def test_no_regions_no_breakdown(programme, coordinator):
    assert region_breakdown(programme=programme) == []
    make_volunteer(programme, user=make_user())
    client_page = _overview(programme, coordinator)
    assert "By region" not in client_page


def _overview(programme, user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.get(reverse("programmes:overview", args=[programme.pk])).content.decode()


def test_the_overview_shows_the_breakdown(programme, pairs, coordinator):
    page = _overview(programme, coordinator)
    assert "By region" in page and "North" in page and "Outside any region" in page


def test_the_visits_dashboard_breaks_down_by_region(client, programme, pairs, coordinator):
    today = programme.today()
    last_window = today - dt.timedelta(days=20)
    make_visit(pairs["york1"], state="happened", window_start=last_window)
    make_visit(pairs["york2"], state="missed", window_start=last_window)
    make_visit(pairs["leeds"], state="happened", window_start=last_window)
    rows = _by_name(visit_region_breakdown(programme=programme, today=today))
    assert rows["North"]["met"] == 1 and rows["North"]["met_total"] == 2
    assert rows["North"]["happened"] == 1 and rows["North"]["missed"] == 1
    assert rows["West"]["met"] == 1 and rows["West"]["met_total"] == 1
    client.force_login(coordinator)
    page = client.get(reverse("visits:programme_dashboard", args=[programme.pk])).content
    assert b"By region" in page and b"50% (1/2)" in page


def test_region_annotate_gives_each_pairing_its_households_region(programme, pairs, west, north):
    found = dict(
        region_annotate(Pairing.objects.all(), "household__").values_list("pk", "region_pk")
    )
    assert found[pairs["york1"].pk] == north.pk
    assert found[pairs["across"].pk] == north.pk
    assert found[pairs["leeds"].pk] == west.pk
    assert found[pairs["otley"].pk] is None
    by_volunteer = dict(
        region_annotate(Pairing.objects.all(), "volunteer__").values_list("pk", "region_pk")
    )
    assert by_volunteer[pairs["across"].pk] == west.pk
