"""A participant's home page: their state, what happens next, their profile."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kinfolk.people.models import Volunteer
from kinfolk.testing import make_volunteer


def _volunteer_url(volunteer: Volunteer) -> str:
    return reverse("people:volunteer_home", args=[volunteer.pk])


def _household_url(household) -> str:
    return reverse("people:household_home", args=[household.pk])


def test_volunteer_sees_their_home(client, volunteer_user, volunteer):
    client.force_login(volunteer_user)
    response = client.get(_volunteer_url(volunteer))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Waiting to be paired since" in page
    assert "Leeds" in page
    assert reverse("people:volunteer_profile", args=[volunteer.pk]) in page
    assert reverse("people:volunteer_consents", args=[volunteer.pk]) in page
    assert reverse("people:volunteer_pause", args=[volunteer.pk]) in page
    assert reverse("people:volunteer_leave", args=[volunteer.pk]) in page


def test_household_sees_their_home(client, household_user, household):
    client.force_login(household_user)
    page = client.get(_household_url(household)).content.decode()
    assert "Waiting to be paired since" in page
    assert reverse("people:household_adults", args=[household.pk]) in page


def test_applicant_is_told_they_wait_for_the_checks(client, applicant):
    client.force_login(applicant.user)
    page = client.get(_volunteer_url(applicant)).content.decode()
    assert "waiting for the coordinator" in page
    assert reverse("people:volunteer_ready", args=[applicant.pk]) not in page


def test_approved_volunteer_is_offered_the_ready_button(client, programme, volunteer_user):
    volunteer = make_volunteer(programme, user=volunteer_user, state="approved", waiting_since=None)
    client.force_login(volunteer_user)
    page = client.get(_volunteer_url(volunteer)).content.decode()
    assert reverse("people:volunteer_ready", args=[volunteer.pk]) in page
    assert "ready to be paired" in page


def test_ready_makes_an_approved_volunteer_active_from_today(client, programme, volunteer_user):
    volunteer = make_volunteer(programme, user=volunteer_user, state="approved", waiting_since=None)
    client.force_login(volunteer_user)
    response = client.post(reverse("people:volunteer_ready", args=[volunteer.pk]))
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.state == "active"
    assert volunteer.waiting_since == timezone.localdate()


def test_ready_does_nothing_for_an_applicant(client, applicant):
    client.force_login(applicant.user)
    client.post(reverse("people:volunteer_ready", args=[applicant.pk]), follow=True)
    applicant.refresh_from_db()
    assert applicant.state == "applied"
    assert applicant.waiting_since == dt.date(2026, 1, 1)


def test_ready_is_post_only(client, programme, volunteer_user):
    volunteer = make_volunteer(programme, user=volunteer_user, state="approved")
    client.force_login(volunteer_user)
    assert client.get(reverse("people:volunteer_ready", args=[volunteer.pk])).status_code == 405


def test_another_households_home_is_404(client, household_user, other_household):
    client.force_login(household_user)
    assert client.get(_household_url(other_household)).status_code == 404


def test_volunteer_on_a_household_home_is_404(client, volunteer_user, household):
    client.force_login(volunteer_user)
    assert client.get(_household_url(household)).status_code == 404


def test_another_volunteers_ready_is_404(client, volunteer_user, programme):
    stranger = make_volunteer(programme, state="approved")
    client.force_login(volunteer_user)
    assert client.post(reverse("people:volunteer_ready", args=[stranger.pk])).status_code == 404
    stranger.refresh_from_db()
    assert stranger.state == "approved"


@pytest.mark.parametrize("who", ["coordinator", "site_admin", "other_volunteer"])
def test_other_roles_on_participant_homes_are_404(client, request, who, volunteer, household):
    from kinfolk.testing import otp_force_login

    person = request.getfixturevalue(who)
    user = person.user if who == "other_volunteer" else person
    if user.is_staff:  # a site administrator passes the second factor first, or sees nothing
        otp_force_login(client, user)
    else:
        client.force_login(user)
    assert client.get(_volunteer_url(volunteer)).status_code == 404
    assert client.get(_household_url(household)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, volunteer, household):
    for url in (_volunteer_url(volunteer), _household_url(household)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))
