"""What a person's home page shows of their visits: the next window, the late ones, or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kinfolk.testing import make_household, make_pairing, make_visit, make_volunteer
from kinfolk.visits import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(programme):
    volunteer, household = make_volunteer(programme), make_household(programme)
    return make_pairing(volunteer, household), volunteer, household


def _weeks(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(weeks=n)


def test_the_glance_gives_the_next_window_and_the_late_ones_newest_first(pair):
    pairing, volunteer, household = pair
    late_old = make_visit(pairing, window_start=_weeks(-16))
    late_new = make_visit(pairing, window_start=_weeks(-8))
    make_visit(pairing, window_start=_weeks(-24), volunteer_outcome="happened", state="happened")
    make_visit(pairing, window_start=_weeks(16))
    coming = make_visit(pairing, window_start=_weeks(8))
    for person in (volunteer, household):
        glance = selectors.visit_glance(person=person, today=timezone.localdate())
        assert glance.next == coming
        assert glance.overdue == [late_new, late_old]
        assert glance.any
        # The person is the one already read; the partner came with the visit.
        assert getattr(glance.next.pairing, person.side) is person


def test_a_window_one_side_recorded_is_not_late(pair):
    pairing, volunteer, household = pair
    make_visit(pairing, window_start=_weeks(-8), household_outcome="happened")
    glance = selectors.visit_glance(person=volunteer, today=timezone.localdate())
    assert glance.next is None and glance.overdue == []
    # It still waits for the volunteer's record, so the card shows.
    assert glance.any


def test_only_cancelled_windows_show_nothing(pair):
    pairing, volunteer, _household = pair
    make_visit(pairing, window_start=_weeks(-8), state="cancelled")
    make_visit(pairing, window_start=_weeks(8), state="cancelled")
    glance = selectors.visit_glance(person=volunteer, today=timezone.localdate())
    assert (glance.next, glance.overdue, glance.any) == (None, [], False)


def test_the_glance_is_one_query_when_a_visit_is_coming(pair):
    pairing, volunteer, _household = pair
    make_visit(pairing, window_start=_weeks(8))
    with CaptureQueriesContext(connection) as queries:
        glance = selectors.visit_glance(person=volunteer, today=timezone.localdate())
        assert glance.next.pairing.household.first_name
    assert len(queries.captured_queries) == 1
