"""Matching runs and regions, through the real run: region runs, and the border rule both ways."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinfolk.pairings.models import MatchingRun, RunPair
from kinfolk.pairings.services import PairingError
from kinfolk.regions.tests.conftest import make_region
from kinfolk.testing import make_coordinator, make_household, make_user, make_volunteer, run_started

pytestmark = pytest.mark.django_db

#: Bradford and Leeds are 14 km apart: near enough to pair, but in two regions here.
NEAR = {"lat": 53.80, "lon": -1.60}


@pytest.fixture
def run_now(programme, django_capture_on_commit_callbacks):
    by = make_coordinator(programme)
    return lambda **kwargs: run_started(programme, by, django_capture_on_commit_callbacks, **kwargs)


@pytest.fixture
def border(programme):
    """Vic in Leeds (West) and Hope in Bradford (East): each other's only possible partner."""
    make_region(programme, "West", "Leeds")
    make_region(programme, "East", "Bradford")
    vic = make_volunteer(programme, user=make_user(), external_id="VIC", town="Leeds", **NEAR)
    hope = make_household(
        programme, users=(make_user(),), external_id="HOPE", town="Bradford", **NEAR
    )
    return vic, hope


def _pairs(run):
    return set(
        RunPair.objects.filter(run=run).values_list(
            "volunteer__external_id", "household__external_id"
        )
    )


def test_closed_borders_keep_a_whole_programme_run_inside_each_region(programme, border, run_now):
    assert programme.pairs_cross_regions is False  # the default
    run = run_now()
    assert run.status == "ready"
    assert _pairs(run) == set()
    assert run.summary["unpaired_volunteers"] == 1 and run.summary["unpaired_households"] == 1


def test_open_borders_let_a_whole_programme_run_pair_across_them(programme, border, run_now):
    programme.pairs_cross_regions = True
    programme.save(update_fields=["pairs_cross_regions"])
    run = run_now()
    assert _pairs(run) == {("VIC", "HOPE")}
    assert run.summary["pairs"] == 1


def test_closed_borders_still_pair_within_every_region_and_outside_any(programme, run_now):
    make_region(programme, "West", "Leeds")
    make_region(programme, "East", "Bradford")
    for key, town in (("W", "Leeds"), ("E", "Bradford"), ("O", "Otley")):
        make_volunteer(programme, user=make_user(), external_id=f"V{key}", town=town, **NEAR)
        make_household(programme, users=(make_user(),), external_id=f"H{key}", town=town, **NEAR)
    run = run_now()
    assert _pairs(run) == {("VW", "HW"), ("VE", "HE"), ("VO", "HO")}
    assert run.summary["pairs"] == 3 and run.summary["unpaired_volunteers"] == 0


def test_a_region_run_considers_only_its_region_even_with_open_borders(programme, border, run_now):
    programme.pairs_cross_regions = True
    programme.save(update_fields=["pairs_cross_regions"])
    west = programme.regions.get(name="West")
    make_household(programme, users=(make_user(),), external_id="HW", town="Leeds", **NEAR)
    run = run_now(region=west)
    assert run.scope == "region" and run.region == west
    assert _pairs(run) == {("VIC", "HW")}
    assert not run.unpaired.filter(household__external_id="HOPE").exists()


def test_a_person_placed_by_hand_is_matched_in_that_region(programme, border, run_now):
    vic, hope = border
    hope.region_by_hand = programme.regions.get(name="West")
    hope.save(update_fields=["region_by_hand"])
    assert _pairs(run_now()) == {("VIC", "HOPE")}


def test_region_limited_coordinator_starts_only_runs_of_their_regions(
    client, programme, border, rhea_west
):
    east = programme.regions.get(name="East")
    client.force_login(rhea_west)
    url = reverse("matching:runs", args=[programme.pk])
    page = client.get(url).content.decode()
    assert "East" not in page and "West" in page
    response = client.post(url, {"scope": "region", "region": east.pk, "mode": "optimal"})
    assert response.status_code == 200  # the form refuses a region that is not theirs
    assert not MatchingRun.objects.exists()
    response = client.post(url, {"scope": "programme", "mode": "optimal"})
    assert not MatchingRun.objects.exists()


def test_run_start_refuses_another_regions_run_for_a_limited_coordinator(
    programme, border, rhea_west
):
    from kinfolk.pairings import review
    from kinfolk.programmes.selectors import programme_get

    seen = programme_get(viewer=rhea_west, programme_id=programme.pk)
    with pytest.raises(PairingError, match="your own regions"):
        review.run_start(programme=seen, by=rhea_west, region=programme.regions.get(name="East"))
    with pytest.raises(PairingError, match="your own regions"):
        review.run_start(programme=seen, by=rhea_west)
    assert not MatchingRun.objects.exists()


def test_region_limited_coordinator_sees_only_runs_of_their_regions(
    client, programme, border, rhea_west, run_now
):
    east_run = run_now(region=programme.regions.get(name="East"))
    west_run = run_now(region=programme.regions.get(name="West"))
    whole = run_now()
    client.force_login(rhea_west)
    assert (
        client.get(reverse("matching:run_detail", args=[programme.pk, west_run.pk])).status_code
        == 200
    )
    for run in (east_run, whole):
        response = client.get(reverse("matching:run_detail", args=[programme.pk, run.pk]))
        assert response.status_code == 404


@pytest.fixture
def rhea_west(programme, border):
    from kinfolk.regions.tests.conftest import limit_to

    user = make_coordinator(programme, make_user("rhea@example.org", first_name="Rhea"))
    return limit_to(programme, user, programme.regions.get(name="West"))


def test_runs_of_two_regions_do_not_put_each_other_out_of_date(programme, border, run_now):
    from kinfolk.pairings import review

    west, east = programme.regions.get(name="West"), programme.regions.get(name="East")
    west_run = run_now(region=west)
    east_run = run_now(region=east)
    assert review.run_superseded_reason(run=west_run) is None
    again = run_now(region=west)
    assert review.run_superseded_reason(run=west_run) is not None
    assert review.run_superseded_reason(run=east_run) is None
    assert again.region == west


def test_a_region_run_started_again_keeps_its_region(programme, border, run_now):
    from kinfolk.pairings import review

    west = programme.regions.get(name="West")
    run = run_now(region=west)
    again = review.run_rerun(run=run, by=run.started_by)
    assert again.scope == "region" and again.region == west


# --- regional teams do not queue behind each other ---------------------------------------


def test_runs_of_two_regions_may_be_under_way_at_once(programme, border):
    from kinfolk.pairings import review

    by = make_coordinator(programme)
    west, east = programme.regions.order_by("name").reverse()  # West, East
    first = review.run_start(programme=programme, by=by, region=west)  # no commit: stays queued
    second = review.run_start(programme=programme, by=by, region=east)
    assert {first.status, second.status} == {MatchingRun.Status.QUEUED}


def test_a_second_run_of_the_same_region_waits_for_the_first(programme, border):
    from kinfolk.pairings import review

    by = make_coordinator(programme)
    west = programme.regions.get(name="West")
    review.run_start(programme=programme, by=by, region=west)
    with pytest.raises(PairingError, match="already under way"):
        review.run_start(programme=programme, by=by, region=west)
    assert MatchingRun.objects.filter(programme=programme).count() == 1


def test_a_whole_programme_run_waits_for_a_region_run(programme, border):
    from kinfolk.pairings import review

    by = make_coordinator(programme)
    review.run_start(programme=programme, by=by, region=programme.regions.get(name="East"))
    with pytest.raises(PairingError, match="already under way"):
        review.run_start(programme=programme, by=by)
