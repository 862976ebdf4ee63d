"""The check-in list: both people linked, the reason, the last check-in; a check-in clears it.

Signals are stored by the hourly tick (``check_in_signals_refresh``); the
list reads them, leaving out those a check-in answered.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from kinfolk.casework.jobs import check_in_signals_job
from kinfolk.casework.models import CaseNote, CheckInSignal
from kinfolk.casework.selectors.checkins import check_in_due_first
from kinfolk.casework.services.notes import check_in_record
from kinfolk.casework.services.signals import check_in_signals_refresh
from kinfolk.testing import make_visit


def _listed(programme, today=None):
    check_in_signals_refresh(programme=programme, today=today)
    entries, total = check_in_due_first(programme=programme, n=50)
    assert total == len(entries)
    return entries


def test_a_new_pair_whose_first_window_opened_is_listed_with_links(
    coordinator_client, programme, pairing, past_visit
):
    check_in_signals_refresh(programme=programme)
    page = coordinator_client.get(reverse("casework:check_ins", args=[programme.pk]))
    text = page.content.decode()
    assert "first visit is due" in text
    assert reverse("programmes:volunteer_detail", args=[programme.pk, pairing.volunteer_id]) in text
    assert reverse("programmes:household_detail", args=[programme.pk, pairing.household_id]) in text
    assert reverse("casework:check_in", args=[programme.pk, pairing.pk]) in text
    assert "Last check-in: never" in text
    form = coordinator_client.get(reverse("casework:check_in", args=[programme.pk, pairing.pk]))
    assert "first visit is due" in form.content.decode()


def test_recording_a_check_in_takes_the_pair_off_until_the_next_signal(
    coordinator_client, programme, coordinator, pairing, past_visit
):
    assert [e.pairing for e in _listed(programme)] == [pairing]
    url = reverse("casework:check_in", args=[programme.pk, pairing.pk])
    response = coordinator_client.post(url, {"channel": "phone", "words": "All fine"}, follow=True)
    assert "Check-in recorded" in response.content.decode()
    assert check_in_due_first(programme=programme, n=50) == ([], 0)  # at once, before a refresh
    assert _listed(programme) == []
    assert CaseNote.objects.get().kind == "check_in"
    # A later window the two remember differently is a new signal: back on the list.
    today = programme.today()
    make_visit(
        pairing,
        window_start=today - dt.timedelta(days=1),
        state="unconfirmed",
        volunteer_outcome="happened",
        household_outcome="missed",
    )
    due = _listed(programme, today + dt.timedelta(days=8))
    assert [e.pairing for e in due] == [pairing]
    assert [text for text, _day in due[0].reasons] == [
        "the two sides remember the visit differently, window from"
    ]
    assert due[0].last_check_in is not None


def test_a_low_rating_is_worded_with_its_rating(programme, pairing):
    today = programme.today()
    make_visit(
        pairing, window_start=today - dt.timedelta(days=30), state="happened", household_rating=1
    )
    (entry,) = _listed(programme)
    assert entry.reasons[0][0] == "a visit rated 1 of 5, window from"


def test_a_pair_that_met_is_not_a_new_pair_due(programme, pairing, past_visit):
    past_visit.state = "happened"
    past_visit.save(update_fields=["state"])
    assert _listed(programme) == []


def test_an_ended_pairing_leaves_the_list_at_once(programme, pairing, past_visit):
    assert _listed(programme)
    pairing.state = "ended"
    pairing.save(update_fields=["state"])
    assert check_in_due_first(programme=programme, n=50) == ([], 0)


def test_the_hourly_tick_stores_every_programmes_signals(programme, pairing, past_visit):
    assert "1 check-in signals stored" in check_in_signals_job(timezone.now())
    assert CheckInSignal.objects.get().reason == "first_visit"


def test_the_check_in_list_never_shows_another_programme(
    client, other_coordinator, programme, pairing, past_visit
):
    check_in_signals_refresh(programme=programme)
    client.force_login(other_coordinator)
    assert client.get(reverse("casework:check_ins", args=[programme.pk])).status_code == 404
    url = reverse("casework:check_in", args=[programme.pk, pairing.pk])
    assert client.post(url, {"channel": "phone", "words": "x"}).status_code == 404
    assert not CaseNote.objects.exists()


def test_check_in_list_queries_do_not_grow_with_rows(
    coordinator_client, programme, coordinator, django_assert_max_num_queries
):
    from kinfolk.testing import make_cohort, make_pairing

    url = reverse("casework:check_ins", args=[programme.pk])
    volunteers, households = make_cohort(programme, n=6)
    today = programme.today()
    for i, (v, h) in enumerate(zip(volunteers, households, strict=True)):
        make_visit(make_pairing(v, h, started_on=today), window_start=today - dt.timedelta(days=3))
        check_in_signals_refresh(programme=programme)
        if i == 1:
            with django_assert_max_num_queries(30) as few:
                coordinator_client.get(url)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(url)
    assert response.content.decode().count('class="check-in-row"') == 6
    check_in_record(
        programme=programme,
        pairing=volunteers[0].pairings.get(),
        by=coordinator,
        channel="phone",
        words="ok",
    )
    assert len(check_in_due_first(programme=programme, n=50)[0]) == 5


def test_the_refreshes_are_jobs_of_the_periodic_tick():
    from kinfolk.ticks.services import JOBS

    every = {job.name: job.every for job in JOBS}
    assert every["check_in_signals"] == every["unreachable_people"] == "hour"
