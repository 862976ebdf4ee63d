"""A household manages its adults: cancels an invitation, removes an adult, never the last."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kinfolk.outbox.models import Message
from kinfolk.people.models import HouseholdMember, Invitation
from kinfolk.testing import make_household, make_user
from kinfolk.visits.models import CalendarFeed


def _adults(household):
    return sorted(household.members.values_list("user__email", flat=True))


def _invite(household, email="kofi@example.org", **fields):
    fields.setdefault("expires_at", timezone.now() + dt.timedelta(days=14))
    return Invitation.objects.create(
        programme=household.programme,
        role="household_adult",
        household=household,
        email=email,
        first_name="Kofi",
        **fields,
    )


@pytest.fixture
def hana(client, household_user):
    client.force_login(household_user)
    return client


@pytest.fixture
def kofi(household):
    user = make_user("kofi@example.org", first_name="Kofi")
    HouseholdMember.objects.create(household=household, user=user)
    return user


def test_the_page_lists_pending_invitations_but_not_accepted_or_expired(hana, household):
    _invite(household, "ama@example.org")
    _invite(household, "old@example.org", expires_at=timezone.now() - dt.timedelta(days=1))
    _invite(household, "done@example.org", accepted_at=timezone.now())
    page = hana.get(reverse("people:household_adults", args=[household.pk])).content.decode()
    assert "ama@example.org" in page
    assert "old@example.org" not in page
    assert "done@example.org" not in page
    assert "Cancel invitation" in page


def test_cancelling_an_invitation_deletes_it_and_its_link(hana, household):
    invitation = _invite(household)
    url = reverse("people:household_invitation_cancel", args=[household.pk, invitation.pk])
    response = hana.post(url)
    assert response.status_code == 302
    assert not Invitation.objects.exists()


def test_another_households_invitation_is_a_404_and_stays(hana, household, programme):
    other = make_household(programme, users=(make_user(),), first_name="Olga")
    theirs = _invite(other, "x@example.org")
    for url in (
        reverse("people:household_invitation_cancel", args=[household.pk, theirs.pk]),
        reverse("people:household_invitation_cancel", args=[other.pk, theirs.pk]),
    ):
        assert hana.post(url).status_code == 404
    assert Invitation.objects.filter(pk=theirs.pk).exists()


def test_a_coordinators_invitation_cannot_be_cancelled_by_the_household(hana, household):
    coordinators = _invite(household, "c@example.org")
    Invitation.objects.filter(pk=coordinators.pk).update(role="link")
    url = reverse("people:household_invitation_cancel", args=[household.pk, coordinators.pk])
    assert hana.post(url).status_code == 404
    assert Invitation.objects.filter(pk=coordinators.pk).exists()


def test_removing_an_adult_takes_them_off_and_tells_them(
    hana, household, kofi, django_capture_on_commit_callbacks
):
    CalendarFeed.objects.create(user=kofi, side="household", person_id=household.pk)
    url = reverse("people:household_adult_remove", args=[household.pk, kofi.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = hana.post(url)
    assert response.status_code == 302
    assert _adults(household) == ["hana@example.org"]
    assert not CalendarFeed.objects.filter(user=kofi).exists()
    (message,) = mail.outbox
    assert message.to == ["kofi@example.org"]
    assert "removed you" in message.body


def test_the_removed_adult_no_longer_opens_the_household(client, household, kofi, household_user):
    client.force_login(household_user)
    client.post(reverse("people:household_adult_remove", args=[household.pk, kofi.pk]))
    client.force_login(kofi)
    assert client.get(reverse("people:household_home", args=[household.pk])).status_code == 404


def test_the_last_adult_cannot_be_removed(hana, household, household_user):
    url = reverse("people:household_adult_remove", args=[household.pk, household_user.pk])
    response = hana.post(url, follow=True)
    assert "A household needs at least one adult" in response.content.decode()
    assert _adults(household) == ["hana@example.org"]
    assert not Message.objects.exists()


def test_an_adult_may_remove_themselves_while_another_remains(hana, household, kofi):
    me = household.members.get(user__email="hana@example.org").user
    response = hana.post(reverse("people:household_adult_remove", args=[household.pk, me.pk]))
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert _adults(household) == ["kofi@example.org"]
    assert not Message.objects.exists()  # nobody else to tell: she did it herself


def test_an_adult_of_another_household_cannot_be_removed(hana, household, programme):
    stranger = make_user("sol@example.org")
    other = make_household(programme, users=(stranger, make_user()), first_name="Sol")
    for url in (
        reverse("people:household_adult_remove", args=[household.pk, stranger.pk]),
        reverse("people:household_adult_remove", args=[other.pk, stranger.pk]),
    ):
        assert hana.post(url).status_code == 404
    assert other.members.count() == 2


def test_removing_needs_a_post(hana, household, kofi):
    url = reverse("people:household_adult_remove", args=[household.pk, kofi.pk])
    assert hana.get(url).status_code == 405
    assert len(_adults(household)) == 2
