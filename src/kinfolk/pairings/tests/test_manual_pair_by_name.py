"""Pairing by hand: both people are picked by typing a name, not by knowing an id."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinfolk.pairings.models import RunRule
from kinfolk.testing import make_cohort, make_household, make_volunteer, run_started


@pytest.fixture
def cohort(programme):
    return make_cohort(programme)


@pytest.fixture
def run(programme, coordinator, cohort, django_capture_on_commit_callbacks):
    return run_started(programme, coordinator, django_capture_on_commit_callbacks)


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def _manual(run):
    return reverse("matching:run_manual", args=[run.programme_id, run.pk])


def _choices(programme, side):
    return reverse(f"programmes:{side}_choices", args=[programme.pk])


def test_the_picker_offers_matching_names_with_their_ids(signed_in, programme, cohort):
    make_volunteer(programme, first_name="Volker", last_name="Brandt", external_id="VB")
    page = signed_in.get(_choices(programme, "volunteer"), {"volunteer_id": "volk"})
    html = page.content.decode()
    assert html.startswith('<datalist id="volunteer-choices">')
    assert 'value="Volker Brandt · VB"' in html
    assert "Vol1" not in html


def test_the_picker_offers_only_active_people_and_nothing_for_one_letter(
    signed_in, programme, cohort
):
    make_household(programme, first_name="Homer", state="paused")
    html = signed_in.get(_choices(programme, "household"), {"household_id": "hom"}).content
    assert b"Home0" in html and b"Homer" not in html
    one = signed_in.get(_choices(programme, "household"), {"household_id": "h"}).content
    assert b"<option" not in one


def test_the_picker_never_offers_another_programmes_people(
    signed_in, programme, other_programme, other_volunteer
):
    html = signed_in.get(_choices(programme, "volunteer"), {"volunteer_id": "Bea"}).content
    assert b"Bea" not in html


@pytest.mark.parametrize("side", ["volunteer", "household"])
def test_another_coordinator_and_participants_cannot_use_the_picker(
    client, programme, other_coordinator, volunteer_user, volunteer, side
):
    for user in (other_coordinator, volunteer_user):
        client.force_login(user)
        assert client.get(_choices(programme, side), {"q": "Vera"}).status_code == 404


def test_the_run_page_wires_the_inputs_to_the_picker(signed_in, programme, run):
    url = reverse("matching:run_detail", args=[programme.pk, run.pk])
    page = signed_in.get(url).content.decode()
    assert f'hx-get="{_choices(programme, "volunteer")}"' in page
    assert 'list="household-choices"' in page and '<datalist id="household-choices">' in page


def test_pairing_by_the_offered_name_and_id(signed_in, run, cohort):
    (v0, *_), (_h0, h1, *_) = cohort
    signed_in.post(_manual(run), {"volunteer_id": "Vol0 · V0", "household_id": "Home1 · H1"})
    rule = RunRule.objects.get()
    assert (rule.volunteer, rule.household) == (v0, h1)


def test_pairing_by_a_unique_full_name_typed_without_javascript(signed_in, run, cohort):
    (_v0, v1, *_), (h0, *_) = cohort
    signed_in.post(_manual(run), {"volunteer_id": "vol1", "household_id": "HOME0"})
    rule = RunRule.objects.get()
    assert (rule.volunteer, rule.household) == (v1, h0)


def test_a_name_two_people_share_asks_to_pick_from_the_list(signed_in, programme, run, cohort):
    make_volunteer(programme, first_name="Vol1", external_id="V1-TWIN")
    response = signed_in.post(_manual(run), {"volunteer_id": "Vol1", "household_id": "Home0"})
    errors = response.context["manual"].errors["volunteer_id"]
    assert "Several people are called Vol1" in errors[0]
    assert not RunRule.objects.exists()


def test_a_name_nobody_has_is_named_beside_its_field(signed_in, run, cohort):
    response = signed_in.post(_manual(run), {"volunteer_id": "Nobody", "household_id": "Home0"})
    assert "No one with id or name 'Nobody'" in response.context["manual"].errors["volunteer_id"][0]
    assert not RunRule.objects.exists()
