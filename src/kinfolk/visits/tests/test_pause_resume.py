"""A pause cancels only what lies inside it; links to cancelled visits say what happened.

Issue 8, item 8: resuming deleted the windows the pause had cancelled and
planned new ones with no time, so a visit agreed for after the pause was
lost, and a link to it in an earlier e-mail answered 404.
"""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from kinfolk.outbox.models import Message
from kinfolk.outbox.services import outbox_deliver
from kinfolk.pairings.services import pairing_end
from kinfolk.people.services.participation import participant_pause, participant_resume
from kinfolk.testing import make_user
from kinfolk.visits.services.planning import visits_plan_for_pairing, visits_resume
from kinfolk.visits.services.reminders import reminders_send
from kinfolk.visits.tests.conftest import at


@pytest.fixture
def planned(pairing):
    visits_plan_for_pairing(pairing=pairing, today=pairing.started_on)
    return pairing


def _later_window(pairing, n=1):
    """The n-th window starting after today."""
    return pairing.visits.filter(window_start__gt=timezone.localdate()).order_by("period")[n - 1]


def _agree(visit, hour=15):
    visit.state = "agreed"
    visit.agreed_at = at(visit.window_start + dt.timedelta(days=2), hour)
    visit.save(update_fields=["state", "agreed_at"])
    return visit


def _resume_at(person, moment):
    person.state = "active"
    person.save(update_fields=["state"])
    visits_resume(person=person, now=moment)


def test_a_visit_agreed_for_after_the_pause_survives_it(planned, volunteer):
    visit = _agree(_later_window(planned))
    agreed_at = visit.agreed_at
    participant_pause(person=volunteer)
    visit.refresh_from_db()
    assert visit.state == "cancelled"  # nobody turns up while the pause lasts
    participant_resume(person=volunteer)
    visit.refresh_from_db()  # the same row: a link to it still works
    assert (visit.state, visit.agreed_at) == ("agreed", agreed_at)


def test_a_cancelled_visit_records_why_and_when_until_it_comes_back(planned, volunteer):
    visit = _later_window(planned)
    participant_pause(person=volunteer)
    visit.refresh_from_db()
    assert visit.cancelled_because == "paused" and visit.cancelled_at is not None
    participant_resume(person=volunteer)
    visit.refresh_from_db()
    assert (visit.state, visit.cancelled_because, visit.cancelled_at) == ("planned", "", None)


def test_a_visit_agreed_for_a_time_inside_the_pause_stays_cancelled(planned, volunteer):
    visit = _agree(_later_window(planned))
    participant_pause(person=volunteer)
    _resume_at(volunteer, visit.agreed_at + dt.timedelta(days=1))
    visit.refresh_from_db()
    assert (visit.state, visit.cancelled_because) == ("cancelled", "paused")


def test_windows_inside_the_pause_stay_cancelled_and_the_plan_goes_on_after_it(planned, volunteer):
    before = list(planned.visits.order_by("period").values_list("pk", "period", "window_start"))
    participant_pause(person=volunteer)
    second = _later_window(planned, 2)
    resumed = at(second.window_start - dt.timedelta(days=1))
    _resume_at(volunteer, resumed)
    states = dict(planned.visits.values_list("pk", "state"))
    for pk, _period, start in before:
        if start > resumed.date():
            assert states[pk] == "planned", start  # given back, not planned anew
        elif start >= timezone.localdate():
            assert states[pk] == "cancelled", start
    # The same windows, numbered as before, and none lost from the plan.
    assert (
        list(planned.visits.order_by("period").values_list("pk", "period", "window_start"))[
            : len(before)
        ]
        == before
    )


def test_resume_plans_nothing_while_the_other_side_is_still_paused(planned, volunteer, household):
    visit = _agree(_later_window(planned))
    participant_pause(person=volunteer)
    participant_pause(person=household)
    participant_resume(person=volunteer)
    visit.refresh_from_db()
    assert visit.state == "cancelled"
    participant_resume(person=household)
    visit.refresh_from_db()
    assert visit.state == "agreed"


def test_ending_a_paused_pairing_says_the_visits_are_cancelled_because_it_ended(
    planned, volunteer, household
):
    visit = _later_window(planned)
    participant_pause(person=volunteer)
    pairing_end(pairing=planned, by=household)
    visit.refresh_from_db()
    assert (visit.state, visit.cancelled_because) == ("cancelled", "ended")
    participant_resume(person=volunteer)
    visit.refresh_from_db()
    assert visit.state == "cancelled"


def test_the_other_side_is_told_of_the_pause_and_the_resume_and_no_reason(
    planned, volunteer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        participant_pause(person=volunteer)
    with django_capture_on_commit_callbacks(execute=True):
        participant_resume(person=volunteer)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["hana@example.org"], "Your visits are paused for now"),
        (["hana@example.org"], "Your visits are planned again"),
    ]
    assert "Vera" not in mail.outbox[0].body  # paused for now: not who, not why


# --- the visit page, opened from a link in an earlier message ------------------------------


def _emailed_link(visit):
    """The visit's link from the window reminder both sides were sent."""
    reminders_send()
    outbox_deliver()
    body = next(m.body for m in mail.outbox if m.to == ["hana@example.org"])
    return re.search(r"http://\S+", body).group(0).removeprefix("http://127.0.0.1:8000")


def test_a_link_to_a_visit_the_pause_cancelled_says_what_happened(
    client, planned, volunteer, household_user
):
    current = planned.visits.get(window_start__lte=timezone.localdate())
    link = _emailed_link(current)
    participant_pause(person=volunteer)
    participant_resume(person=volunteer)
    client.force_login(household_user)
    page = client.get(link)
    assert page.status_code == 200
    today = date_format(timezone.localdate(), "DATE_FORMAT")
    text = page.content.decode()
    assert f"This visit was cancelled on {today} because the visits were paused." in text
    assert "it comes back" not in text  # the pause is over: this one stays cancelled


def test_while_paused_a_cancelled_visit_says_it_may_come_back(
    client, planned, volunteer, household, household_user
):
    later = _later_window(planned)
    participant_pause(person=volunteer)
    client.force_login(household_user)
    page = client.get(reverse("visits:visit_detail", args=["household", household.pk, later.pk]))
    assert "If you both take part again before it, it comes back" in page.content.decode()


def test_a_link_to_a_later_visit_still_opens_it_after_the_pause(
    client, planned, volunteer, household, household_user
):
    later = _later_window(planned)
    link = reverse("visits:visit_detail", args=["household", household.pk, later.pk])
    participant_pause(person=volunteer)
    participant_resume(person=volunteer)
    client.force_login(household_user)
    response = client.get(link)
    assert response.status_code == 200
    assert 'id="visit-state">planned<' in response.content.decode()


def test_a_link_to_a_visit_of_an_ended_pairing_says_it_ended(
    client, planned, volunteer, household, volunteer_user
):
    later = _later_window(planned)
    pairing_end(pairing=planned, by=household)
    client.force_login(volunteer_user)
    page = client.get(reverse("visits:visit_detail", args=["volunteer", volunteer.pk, later.pk]))
    assert "because the pairing ended" in page.content.decode()


def test_a_cancelled_visit_is_still_shown_only_to_the_two_people(
    client, planned, volunteer, household, other_household, coordinator, other_volunteer
):
    later = _later_window(planned)
    participant_pause(person=volunteer)
    outsiders = [other_household.members.get().user, coordinator, other_volunteer.user]
    outsiders.append(make_user("stranger@example.org"))
    for outsider in outsiders:
        client.force_login(outsider)
        for side, person in (("volunteer", volunteer), ("household", household)):
            url = reverse("visits:visit_detail", args=[side, person.pk, later.pk])
            assert client.get(url).status_code == 404, outsider


def test_nothing_is_queued_for_a_visit_of_a_pause(planned, volunteer):
    participant_pause(person=volunteer)
    reminders_send()
    assert not Message.objects.filter(purpose="visit_reminder").exists()
