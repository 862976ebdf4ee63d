"""Editing one's own profile: the data dictionary's fields, checked beside each field."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from kinfolk.people.models import Household, Volunteer
from kinfolk.privacy.models import ContactAccessLog
from kinfolk.testing import contact_of


def profile_data(**changes: Any) -> dict[str, Any]:
    """A valid profile POST for a person in Leeds; tests change one field at a time."""
    data: dict[str, Any] = {
        "first_name": "Vera",
        "last_name": "",
        "phone": "",
        "address": "",
        "town": "Leeds",
        "lat": "",
        "lon": "",
        "max_travel_km": "12",
        "visit_places": "either",
        "speaks": "en:fluent;pl:conversational",
        "learning": "fr",
        "availability": ["mon-eve", "sat-am"],
        "offers": ["pets"],
        "accepts": [],
        "blackout": "2026-12-20..2027-01-03",
        "travel_mode": "public",
    }
    data.update(changes)
    return data


def _url(person: Volunteer | Household) -> str:
    kind = "volunteer" if isinstance(person, Volunteer) else "household"
    return reverse(f"people:{kind}_profile", args=[person.pk])


def _stored(person: Volunteer | Household) -> dict[str, Any]:
    return type(person).objects.values().get(pk=person.pk)


def test_owner_sees_the_form_filled_in(client, volunteer_user, volunteer):
    client.force_login(volunteer_user)
    response = client.get(_url(volunteer))
    assert response.status_code == 200
    assert 'value="Leeds"' in response.content.decode()
    assert 'list="towns"' in response.content.decode()


def test_availability_is_a_week_grid_of_21_boxes(client, volunteer_user, volunteer):
    client.force_login(volunteer_user)
    page = client.get(_url(volunteer)).content.decode()
    assert page.count('name="availability"') == 21
    assert 'class="slot-grid"' in page
    assert "Monday morning" in page


def test_volunteer_saves_a_profile(client, volunteer_user, volunteer):
    client.force_login(volunteer_user)
    response = client.post(_url(volunteer), profile_data(speaks="pl:conversational;en:fluent"))
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.speaks == "en:fluent;pl:conversational"
    assert volunteer.availability == "mon-eve;sat-am"
    assert volunteer.blackout == "2026-12-20..2027-01-03"
    assert volunteer.max_travel_km == 12


def test_own_phone_and_address_are_kept_by_the_privacy_app_and_not_logged(
    client, volunteer_user, volunteer
):
    client.force_login(volunteer_user)
    client.post(_url(volunteer), profile_data(phone="0113 496 0123", address="4 Park Row"))
    assert contact_of(volunteer)["phone"] == "+441134960123"
    form = client.get(_url(volunteer)).context["form"]
    assert (form.initial["phone"], form.initial["address"]) == ("+441134960123", "4 Park Row")
    assert not ContactAccessLog.objects.exists()


def test_a_phone_that_is_not_a_number_is_refused_beside_its_field_and_nothing_changes(
    client, volunteer_user, volunteer
):
    before = contact_of(volunteer)
    client.force_login(volunteer_user)
    response = client.post(_url(volunteer), profile_data(phone="12345", address="4 Park Row"))
    assert response.status_code == 200
    errors = response.context["form"].errors["phone"]
    assert errors and errors[0].startswith("Phone:") and "12345" in errors[0]
    assert contact_of(volunteer) == before


def test_household_saves_a_profile(client, household_user, household):
    client.force_login(household_user)
    response = client.post(_url(household), profile_data(first_name="Hana", visit_places="public"))
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.visit_places == "public"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("speaks", "xx:fluent", "not a known language tag"),
        ("learning", "klingon", "not a known language tag"),
        ("town", "Bristol", "outside the programme"),
        ("town", "Atlantis", "Pick a town"),
        ("availability", ["mon-am", "sun-night"], "Select a valid choice"),
        ("blackout", "2027-01-03..2026-12-20", "ends before it starts"),
        ("lat", "53.8", "both latitude and longitude"),
        ("phone", "0" * 33, "at most 32 characters"),
    ],
)
def test_bad_input_answers_beside_the_field_and_stores_nothing(
    client, volunteer_user, volunteer, field, value, message
):
    client.force_login(volunteer_user)
    before = _stored(volunteer), contact_of(volunteer)
    response = client.post(_url(volunteer), profile_data(**{field: value}))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in str(errors[field])
    assert "Nothing was saved" in response.content.decode()
    assert (_stored(volunteer), contact_of(volunteer)) == before


def test_a_refined_point_within_the_town_is_kept(client, volunteer_user, volunteer):
    client.force_login(volunteer_user)
    client.post(_url(volunteer), profile_data(lat="53.81", lon="-1.56"))
    volunteer.refresh_from_db()
    assert (volunteer.lat, volunteer.lon) == (53.81, -1.56)


def test_another_households_profile_is_404(client, household_user, other_household):
    client.force_login(household_user)
    assert client.get(_url(other_household)).status_code == 404
    before = _stored(other_household)
    assert client.post(_url(other_household), profile_data()).status_code == 404
    assert _stored(other_household) == before


def test_volunteer_on_a_household_profile_is_404(client, volunteer_user, household):
    client.force_login(volunteer_user)
    assert client.get(_url(household)).status_code == 404


def test_coordinator_on_a_participant_profile_is_404(client, coordinator, volunteer, household):
    client.force_login(coordinator)
    assert client.get(_url(volunteer)).status_code == 404
    assert client.get(_url(household)).status_code == 404


def test_volunteer_of_another_programme_is_404(client, volunteer_user, other_volunteer):
    client.force_login(volunteer_user)
    assert client.get(_url(other_volunteer)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, volunteer):
    response = client.get(_url(volunteer))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_an_unrefined_point_is_left_empty_so_another_town_moves_it(
    client, volunteer_user, volunteer
):
    client.force_login(volunteer_user)
    form = client.get(_url(volunteer)).context["form"]
    assert form.initial["lat"] is None and form.initial["lon"] is None
    client.post(_url(volunteer), profile_data(town="bradford"))
    volunteer.refresh_from_db()
    assert volunteer.town == "Bradford"
    assert round(volunteer.lat, 1) == 53.8 and round(volunteer.lon, 1) == -1.8
