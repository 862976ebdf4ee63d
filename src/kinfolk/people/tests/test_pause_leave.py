"""Pause, resume and leave: one action each, effective at once, no reason asked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kinfolk.people.models import Household, Volunteer


def _url(person: Volunteer | Household, page: str) -> str:
    kind = "volunteer" if isinstance(person, Volunteer) else "household"
    return reverse(f"people:{kind}_{page}", args=[person.pk])


def test_volunteer_pauses_with_one_post_and_keeps_their_waiting_date(
    client, volunteer_user, volunteer
):
    client.force_login(volunteer_user)
    response = client.post(_url(volunteer, "pause"))
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.state == "paused"
    assert volunteer.waiting_since == dt.date(2026, 1, 1)


def test_household_pauses_and_resumes_alone(client, household_user, household):
    client.force_login(household_user)
    client.post(_url(household, "pause"))
    household.refresh_from_db()
    assert household.state == "paused"
    changed = household.state_changed_at
    client.post(_url(household, "resume"))
    household.refresh_from_db()
    assert household.state == "active"
    assert household.state_changed_at > changed
    assert household.waiting_since == dt.date(2026, 1, 1)


def test_the_pause_button_has_no_reason_field(client, household_user, household):
    client.force_login(household_user)
    page = client.get(_url(household, "home")).content.decode()
    form_start = page.index(f'action="{_url(household, "pause")}"')
    form = page[form_start : page.index("</form>", form_start)]
    assert "textarea" not in form
    assert "reason" not in form.lower()


def test_pause_is_post_only(client, household_user, household):
    client.force_login(household_user)
    assert client.get(_url(household, "pause")).status_code == 405
    household.refresh_from_db()
    assert household.state == "active"


def test_pausing_twice_says_so_and_changes_nothing(client, household_user, household):
    client.force_login(household_user)
    client.post(_url(household, "pause"))
    response = client.post(_url(household, "pause"), follow=True)
    assert "Only someone taking part can pause" in response.content.decode()
    household.refresh_from_db()
    assert household.state == "paused"


def test_leave_asks_for_confirmation_without_a_reason(client, volunteer_user, volunteer):
    client.force_login(volunteer_user)
    response = client.get(_url(volunteer, "leave"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "textarea" not in page
    assert "You do not need to give a reason" in page
    volunteer.refresh_from_db()
    assert volunteer.state == "active"


def test_leave_works_at_once_and_withdraws_consent(client, household_user, household):
    client.force_login(household_user)
    response = client.post(_url(household, "leave"))
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.state == "left"
    assert not household.consents.filter(withdrawn_at__isnull=True).exists()


def test_a_paused_volunteer_can_leave(client, volunteer_user, volunteer):
    client.force_login(volunteer_user)
    client.post(_url(volunteer, "pause"))
    client.post(_url(volunteer, "leave"))
    volunteer.refresh_from_db()
    assert volunteer.state == "left"


@pytest.mark.parametrize("page", ["pause", "resume", "leave"])
def test_another_households_actions_are_404(client, household_user, other_household, page):
    client.force_login(household_user)
    assert client.post(_url(other_household, page)).status_code == 404
    other_household.refresh_from_db()
    assert other_household.state == "active"


@pytest.mark.parametrize("page", ["pause", "leave"])
def test_volunteer_on_a_households_actions_is_404(client, volunteer_user, household, page):
    client.force_login(volunteer_user)
    assert client.post(_url(household, page)).status_code == 404


@pytest.mark.parametrize("page", ["pause", "leave"])
def test_coordinator_cannot_pause_or_leave_for_a_participant(client, coordinator, volunteer, page):
    client.force_login(coordinator)
    assert client.post(_url(volunteer, page)).status_code == 404
    volunteer.refresh_from_db()
    assert volunteer.state == "active"


@pytest.mark.parametrize("page", ["pause", "resume", "leave"])
def test_anonymous_is_sent_to_sign_in(client, volunteer, page):
    response = client.post(_url(volunteer, page))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    volunteer.refresh_from_db()
    assert volunteer.state == "active"
