"""'Delete my account': the signed-in person erases themselves, and only themselves."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.urls import reverse

from kinfolk.outbox.models import Message
from kinfolk.people.models import Household
from kinfolk.privacy.models import ErasureRecord
from kinfolk.testing import make_pairing, make_visit

URL = reverse("privacy:account_delete")


def test_page_explains_what_is_erased_and_what_remains(client, household_user, household):
    client.force_login(household_user)
    page = client.get(URL).content.decode()
    assert "partner is told only that it ended" in page
    assert "What remains" in page


def test_household_erases_its_account_and_the_volunteer_is_told_only_that_it_ended(
    client, household_user, household, volunteer, django_capture_on_commit_callbacks
):
    pairing = make_pairing(volunteer, household)
    make_visit(pairing)
    client.force_login(household_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"understood": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:account_deleted")
    assert not get_user_model().objects.filter(pk=household_user.pk).exists()
    household.refresh_from_db()
    assert household.is_erased and household.first_name == ""
    assert ErasureRecord.objects.filter(kind="account", erased_id=household_user.pk).exists()
    told = Message.objects.get(person_kind="volunteer", person_id=volunteer.pk)
    assert told.purpose == "pairing_ended"
    assert "Hana" not in told.body + told.subject
    pairing.refresh_from_db()
    assert pairing.state == "ended"
    assert pairing.visits.exclude(state="cancelled").count() == 0


def test_erasing_ends_every_session_of_the_account(client, household_user, household):
    from django.test import Client

    other_device = Client()
    other_device.force_login(household_user)
    client.force_login(household_user)
    client.post(URL, {"understood": "on"})
    assert Session.objects.count() == 0
    assert other_device.get(reverse("privacy:my_data")).status_code == 302


def test_unconfirmed_request_changes_nothing(client, household_user, household):
    client.force_login(household_user)
    response = client.post(URL, {})
    assert response.status_code == 200
    assert "Tick the box" in response.content.decode()
    household.refresh_from_db()
    assert household.state == "active" and not household.is_erased
    assert ErasureRecord.objects.count() == 0


def test_only_the_signed_in_account_is_erased_whatever_the_request_names(
    client, household_user, household, other_household
):
    """There is no id to change: a POST naming another household erases the sender only."""
    client.force_login(household_user)
    client.post(URL, {"understood": "on", "household_id": other_household.pk, "user": 1})
    other_household.refresh_from_db()
    assert not other_household.is_erased and other_household.state == "active"
    assert Household.objects.get(pk=household.pk).is_erased


def test_a_coordinator_cannot_erase_their_own_account_here(client, coordinator, programme):
    client.force_login(coordinator)
    response = client.post(URL, {"understood": "on"})
    assert "Ask a site administrator" in response.content.decode()
    assert get_user_model().objects.filter(pk=coordinator.pk).exists()
    assert ErasureRecord.objects.count() == 0


def test_a_second_adult_leaves_the_household_which_stays(client, household, household_user):
    from kinfolk.people.models import HouseholdMember
    from kinfolk.testing import make_user

    second = make_user("sam@example.org", first_name="Sam")
    HouseholdMember.objects.create(household=household, user=second)
    client.force_login(second)
    client.post(URL, {"understood": "on"})
    household.refresh_from_db()
    assert household.state == "active" and not household.is_erased
    assert list(household.members.values_list("user", flat=True)) == [household_user.pk]


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    assert client.post(URL, {"understood": "on"}).status_code == 302
    assert ErasureRecord.objects.count() == 0
