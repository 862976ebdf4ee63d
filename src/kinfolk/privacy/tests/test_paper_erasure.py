"""A coordinator records an erasure the person asked for on paper, in their own programme only."""

from __future__ import annotations

from django.urls import reverse

from kinfolk.privacy.models import ErasureRecord


def _url(person, programme=None):
    programme = programme or person.programme
    return reverse(f"privacy_coordinator:{person.side}_erase", args=[programme.pk, person.pk])


def test_coordinator_erases_a_household_of_their_programme(client, coordinator, household):
    client.force_login(coordinator)
    assert client.get(_url(household)).status_code == 200
    response = client.post(_url(household), {"asked": "on"})
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.is_erased and household.state == "left"
    assert ErasureRecord.objects.filter(kind="household", erased_id=household.pk).exists()


def test_coordinator_erases_a_volunteer_and_the_account_goes_with_them(
    client, coordinator, volunteer, volunteer_user
):
    from django.contrib.auth import get_user_model

    client.force_login(coordinator)
    client.post(_url(volunteer), {"asked": "on"})
    volunteer.refresh_from_db()
    assert volunteer.is_erased and volunteer.user_id is None
    assert not get_user_model().objects.filter(pk=volunteer_user.pk).exists()


def test_unconfirmed_request_changes_nothing(client, coordinator, household):
    client.force_login(coordinator)
    response = client.post(_url(household), {})
    assert response.status_code == 200
    household.refresh_from_db()
    assert not household.is_erased and household.state == "active"


def test_another_programmes_coordinator_gets_404_and_nothing_changes(
    client, other_coordinator, household, other_programme
):
    client.force_login(other_coordinator)
    assert client.post(_url(household), {"asked": "on"}).status_code == 404
    assert client.post(_url(household, other_programme), {"asked": "on"}).status_code == 404
    household.refresh_from_db()
    assert not household.is_erased
    assert ErasureRecord.objects.count() == 0


def test_a_participant_cannot_erase_someone_else(client, household_user, other_household):
    client.force_login(household_user)
    assert client.post(_url(other_household), {"asked": "on"}).status_code == 404
    other_household.refresh_from_db()
    assert not other_household.is_erased


def test_the_programmes_list_shows_an_erased_person_without_a_name(client, coordinator, household):
    client.force_login(coordinator)
    client.post(_url(household), {"asked": "on"}, follow=True)  # the message names them, once
    page = client.get(reverse("programmes:households", args=[household.programme_id]))
    text = page.content.decode()
    assert "(erased)" in text and "Hana" not in text
