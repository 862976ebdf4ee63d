"""Participants' visit pages: the whole walk through, and refusals that change nothing."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kinfolk.accounts.tokens import token_hash
from kinfolk.testing import make_visit
from kinfolk.visits.models import TimeProposal, Visit


def _url(name, side, person, *args):
    return reverse(f"visits:{name}", args=[side, person.pk, *args])


def _as(client, user):
    client.force_login(user)
    return client


def _tomorrow():
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


def test_propose_decline_answer_accept_record_and_read_feedback(
    client, visit, volunteer, household, volunteer_user, household_user
):
    v, h = ("volunteer", volunteer), ("household", household)
    _as(client, volunteer_user).post(
        _url("time_propose", *v, visit.pk), {"day": _tomorrow(), "time": "18:00"}
    )
    first = TimeProposal.objects.get()
    _as(client, household_user)
    page = client.get(_url("visit_detail", *h, visit.pk))
    assert b"<bdi>Vera</bdi> proposes" in page.content
    client.post(_url("time_decline", *h, visit.pk, first.pk))
    client.post(_url("time_propose", *h, visit.pk), {"day": _tomorrow(), "time": "11:00"})
    second = TimeProposal.objects.get(state="open")
    _as(client, volunteer_user).post(_url("time_accept", *v, visit.pk, second.pk))
    visit.refresh_from_db()
    assert visit.state == "agreed"
    # The visit takes place; both record it and leave feedback.
    Visit.objects.filter(pk=visit.pk).update(agreed_at=timezone.now() - dt.timedelta(hours=3))
    client.post(_url("outcome_record", *v, visit.pk), {"happened": "yes"})
    _as(client, household_user).post(_url("outcome_record", *h, visit.pk), {"happened": "yes"})
    client.post(_url("feedback_leave", *h, visit.pk), {"rating": "5", "words": "Tea and cake."})
    _as(client, volunteer_user).post(
        _url("feedback_leave", *v, visit.pk), {"rating": "4", "words": "A long walk."}
    )
    assert b"Tea and cake." in client.get(_url("visit_detail", *v, visit.pk)).content
    _as(client, household_user)
    assert b"A long walk." in client.get(_url("visit_detail", *h, visit.pk)).content


def test_a_bad_time_answers_clearly_and_changes_nothing(client, visit, volunteer, volunteer_user):
    _as(client, volunteer_user)
    far = (timezone.localdate() + dt.timedelta(days=40)).isoformat()
    response = client.post(
        _url("time_propose", "volunteer", volunteer, visit.pk),
        {"day": far, "time": "18:00"},
        follow=True,
    )
    assert b"inside this visit&#x27;s window" in response.content
    assert not TimeProposal.objects.exists()


def test_a_time_that_is_not_a_time_is_refused(client, visit, volunteer, volunteer_user):
    _as(client, volunteer_user)
    response = client.post(
        _url("time_propose", "volunteer", volunteer, visit.pk),
        {"day": "soon", "time": "18:00"},
        follow=True,
    )
    assert b"Enter a valid date" in response.content
    assert not TimeProposal.objects.exists()


def test_feedback_before_the_visit_happened_answers_clearly(
    client, visit, volunteer, volunteer_user
):
    _as(client, volunteer_user)
    response = client.post(
        _url("feedback_leave", "volunteer", volunteer, visit.pk),
        {"rating": "5", "words": "x"},
        follow=True,
    )
    assert b"visits that happened" in response.content
    assert Visit.objects.get(pk=visit.pk).volunteer_rating is None


@pytest.mark.parametrize(
    "name", ["visit_detail", "time_propose", "outcome_record", "feedback_leave", "visit_ics"]
)
def test_another_pairs_visit_is_404(client, programme, volunteer, name):
    from kinfolk.testing import make_household, make_pairing, make_user
    from kinfolk.testing import make_volunteer as mv

    other_user = make_user("otis@example.org")
    other = mv(programme, user=other_user)
    foreign = make_visit(make_pairing(other, make_household(programme)))
    _as(client, volunteer.user)
    before = Visit.objects.filter(pk=foreign.pk).values().get()
    url = _url(name, "volunteer", volunteer, foreign.pk)
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, {"happened": "yes", "rating": "1"}).status_code == 404
    assert Visit.objects.filter(pk=foreign.pk).values().get() == before


def test_the_visit_list_shows_overdue_windows_and_the_home_page_says_so(
    client, pairing, volunteer, volunteer_user
):
    make_visit(pairing, window_start=timezone.localdate() - dt.timedelta(days=20))
    _as(client, volunteer_user)
    assert (
        b"Did these visits happen?"
        in client.get(_url("visit_list", "volunteer", volunteer)).content
    )
    home = client.get(reverse("people:volunteer_home", args=[volunteer.pk]))
    assert b"nobody has said whether you met" in home.content


def test_reminder_channels_and_calendar_address_are_set_on_the_list_page(
    client, volunteer, volunteer_user
):
    from kinfolk.visits.models import CalendarFeed, ReminderPreference

    _as(client, volunteer_user)
    client.post(_url("reminder_channels", "volunteer", volunteer), {"sms": "on"})
    preference = ReminderPreference.objects.get(user=volunteer_user)
    assert (preference.email, preference.sms) == (False, True)
    client.post(_url("calendar_feed", "volunteer", volunteer))
    feed = CalendarFeed.objects.get()
    page = client.get(_url("visit_list", "volunteer", volunteer)).content.decode()
    token = re.search(r'id="feed-url">https?://[^<]*/visits/feed/([^<]+)\.ics<', page).group(1)
    assert feed.token_hash == token_hash(token)
    # Shown once: the next visit to the page says the address works, without it.
    again = client.get(_url("visit_list", "volunteer", volunteer)).content.decode()
    assert token not in again and 'id="feed-url"' not in again
    client.post(_url("calendar_feed", "volunteer", volunteer), {"action": "revoke"})
    assert not CalendarFeed.objects.exists()
