"""Calendar feeds: subscribable, first names and places only, revocable."""

import datetime as dt

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from kinfolk.testing import contact_of, make_visit
from kinfolk.visits.services.feeds import calendar_feed_create, calendar_feed_revoke
from kinfolk.visits.tests.conftest import at


@pytest.fixture
def agreed(pairing):
    day = timezone.localdate() + dt.timedelta(days=2)
    return make_visit(pairing, window_start=day, state="agreed", agreed_at=at(day, 15))


def _parse(response):
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_the_feed_parses_and_carries_first_names_and_places_never_an_address(
    client, agreed, volunteer, volunteer_user, household
):
    feed = calendar_feed_create(user=volunteer_user, person=volunteer)
    response = client.get(reverse("visits:feed", args=[feed.token]))
    calendar = _parse(response)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    assert str(events[0]["summary"]) == "Visit with Hana"
    assert str(events[0]["location"]) == "at their home"
    assert events[0].decoded("dtstart") == at(agreed.agreed_at.date(), 15)
    assert contact_of(household)["address"] not in response.content.decode()
    assert contact_of(volunteer)["address"] not in response.content.decode()


def test_the_host_sees_at_your_home(client, agreed, household, household_user):
    feed = calendar_feed_create(user=household_user, person=household)
    events = list(_parse(client.get(reverse("visits:feed", args=[feed.token]))).walk("VEVENT"))
    assert str(events[0]["location"]) == "at your home"


def test_a_revoked_token_answers_404(client, agreed, volunteer, volunteer_user):
    feed = calendar_feed_create(user=volunteer_user, person=volunteer)
    calendar_feed_revoke(user=volunteer_user, person=volunteer)
    assert client.get(reverse("visits:feed", args=[feed.token])).status_code == 404


def test_a_new_address_replaces_the_old_one(client, volunteer, volunteer_user):
    old = calendar_feed_create(user=volunteer_user, person=volunteer)
    new = calendar_feed_create(user=volunteer_user, person=volunteer)
    assert client.get(reverse("visits:feed", args=[old.token])).status_code == 404
    assert client.get(reverse("visits:feed", args=[new.token])).status_code == 200


def test_an_unknown_token_answers_404(client, db):
    assert client.get(reverse("visits:feed", args=["nope"])).status_code == 404


def test_an_agreed_visit_downloads_as_ics(client, agreed, volunteer, volunteer_user):
    client.force_login(volunteer_user)
    url = reverse("visits:visit_ics", args=["volunteer", volunteer.pk, agreed.pk])
    response = client.get(url)
    assert "attachment" in response["Content-Disposition"]
    assert len(list(_parse(response).walk("VEVENT"))) == 1


def test_a_visit_with_no_agreed_time_has_no_download(client, visit, volunteer, volunteer_user):
    client.force_login(volunteer_user)
    url = reverse("visits:visit_ics", args=["volunteer", volunteer.pk, visit.pk])
    assert client.get(url).status_code == 404


def test_someone_elses_download_is_404(client, agreed, volunteer, household_user):
    client.force_login(household_user)
    url = reverse("visits:visit_ics", args=["volunteer", volunteer.pk, agreed.pk])
    assert client.get(url).status_code == 404


def test_a_feed_stops_answering_when_the_person_leaves(client, volunteer, volunteer_user):
    from kinfolk.people.services.participation import participant_leave
    from kinfolk.visits.models import CalendarFeed

    feed = calendar_feed_create(user=volunteer_user, person=volunteer)
    participant_leave(person=volunteer)
    assert client.get(reverse("visits:feed", args=[feed.token])).status_code == 404
    assert not CalendarFeed.objects.exists()  # revoked, not merely hidden


def test_a_feed_of_someone_who_left_answers_404_even_if_not_revoked(
    client, volunteer, volunteer_user
):
    feed = calendar_feed_create(user=volunteer_user, person=volunteer)
    volunteer.state = "left"
    volunteer.save(update_fields=["state"])
    assert client.get(reverse("visits:feed", args=[feed.token])).status_code == 404
