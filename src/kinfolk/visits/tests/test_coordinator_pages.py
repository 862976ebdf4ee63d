"""Coordinators: pairs to check in with, and the programme at a glance."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kinfolk.testing import make_household, make_pairing, make_visit, make_volunteer
from kinfolk.visits.selectors import check_in_list, met_last_window, month_counts
from kinfolk.visits.services.times import time_decline, time_propose
from kinfolk.visits.tests.conftest import at

TODAY = timezone.localdate


def _closed(pairing, weeks_ago, **fields):
    return make_visit(pairing, window_start=TODAY() - dt.timedelta(weeks=weeks_ago), **fields)


def test_two_windows_missed_in_a_row_put_the_pair_on_the_list(programme, pairing):
    _closed(pairing, 20, state="missed")
    _closed(pairing, 12)  # no record for weeks: counts as missed for the coordinator
    [entry] = check_in_list(programme=programme, today=TODAY())
    assert entry.pairing == pairing
    assert any("two windows in a row" in text for text, _day in entry.facts)


def test_unconfirmed_visits_and_low_ratings_are_signals_of_the_pairing(programme, pairing):
    _closed(pairing, 20, state="unconfirmed")
    _closed(pairing, 12, state="happened", household_rating=1)
    [entry] = check_in_list(programme=programme, today=TODAY())
    texts = " ".join(text for text, _day in entry.facts)
    assert "differently" in texts and "rated 1 of 5" in texts
    # The facts say what happened to the visits, never who said what.
    assert "Vera" not in texts and "Hana" not in texts and "household" not in texts


def test_declines_and_pauses_are_never_signals(programme, pairing, volunteer, household):
    visit = make_visit(pairing)
    for hour in (9, 11, 13):
        time = time_propose(
            visit_id=visit.pk, person=volunteer, starts_at=at(TODAY() + dt.timedelta(days=1), hour)
        )
        time_decline(visit_id=visit.pk, time_id=time.pk, person=household)
    _closed(pairing, 12, state="happened")
    assert check_in_list(programme=programme, today=TODAY()) == []


def test_the_dashboard_counts_visits_by_month_and_the_share_that_met(programme, pairing):
    _closed(pairing, 12, state="happened")
    other = make_pairing(make_volunteer(programme), make_household(programme))
    make_visit(other, window_start=TODAY() - dt.timedelta(weeks=12), state="missed")
    make_visit(other, window_start=TODAY() + dt.timedelta(weeks=4))
    assert met_last_window(programme=programme, today=TODAY()) == (1, 2)
    months = month_counts(programme=programme, today=TODAY())
    assert sum(m.counts["happened"] for m in months) == 1
    assert sum(m.counts["planned"] for m in months) == 1
    assert all(w % 5 == 0 for m in months for w in m.widths.values())


def test_the_dashboard_and_list_render_for_the_coordinator(client, programme, coordinator, pairing):
    _closed(pairing, 20, state="missed")
    _closed(pairing, 12, state="missed")
    client.force_login(coordinator)
    page = client.get(reverse("visits:programme_dashboard", args=[programme.pk]))
    assert page.status_code == 200 and b"vbar" in page.content and b"style=" not in page.content
    page = client.get(reverse("visits:programme_check_in", args=[programme.pk]))
    assert b"check-in-row" in page.content and b"Vera" in page.content


@pytest.mark.parametrize("name", ["programme_dashboard", "programme_check_in"])
def test_another_programmes_coordinator_gets_404(client, programme, other_coordinator, name):
    client.force_login(other_coordinator)
    assert client.get(reverse(f"visits:{name}", args=[programme.pk])).status_code == 404
