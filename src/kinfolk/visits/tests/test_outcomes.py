"""After a visit: whether it happened, feedback, and overdue windows."""

import datetime as dt

import pytest
from django.utils import timezone

from kinfolk.testing import make_visit
from kinfolk.visits.models import Visit
from kinfolk.visits.selectors import is_overdue
from kinfolk.visits.services import VisitError
from kinfolk.visits.services.outcomes import feedback_leave, outcome_record, visits_settle


def _values(visit):
    return Visit.objects.filter(pk=visit.pk).values().get()


@pytest.fixture
def past(pairing):
    return make_visit(pairing, window_start=timezone.localdate() - dt.timedelta(days=20))


def test_it_happened_when_both_say_so(past, volunteer, household):
    outcome_record(visit_id=past.pk, person=volunteer, happened=True)
    assert Visit.objects.get(pk=past.pk).state == "planned"  # waiting for the other side
    visit = outcome_record(visit_id=past.pk, person=household, happened=True)
    assert visit.state == "happened"


def test_one_side_suffices_when_the_other_is_silent_for_14_days(past, volunteer):
    outcome_record(visit_id=past.pk, person=volunteer, happened=True)
    assert visits_settle(now=timezone.now() + dt.timedelta(days=13)) == 0
    assert visits_settle(now=timezone.now() + dt.timedelta(days=14, minutes=1)) == 1
    assert Visit.objects.get(pk=past.pk).state == "happened"


def test_disagreement_is_unconfirmed(past, volunteer, household):
    outcome_record(visit_id=past.pk, person=volunteer, happened=True)
    visit = outcome_record(visit_id=past.pk, person=household, happened=False)
    assert visit.state == "unconfirmed"


def test_both_saying_no_is_missed(past, volunteer, household):
    outcome_record(visit_id=past.pk, person=volunteer, happened=False)
    assert outcome_record(visit_id=past.pk, person=household, happened=False).state == "missed"


def test_recording_an_outcome_for_someone_elses_visit_changes_nothing(past, programme):
    from kinfolk.testing import make_household

    stranger = make_household(programme, first_name="Olu")
    before = _values(past)
    with pytest.raises(VisitError, match="not one of your visits"):
        outcome_record(visit_id=past.pk, person=stranger, happened=True)
    assert _values(past) == before


def test_a_visit_still_to_come_cannot_be_recorded(pairing, volunteer):
    coming = make_visit(pairing, window_start=timezone.localdate() + dt.timedelta(days=10))
    before = _values(coming)
    with pytest.raises(VisitError, match="not opened yet"):
        outcome_record(visit_id=coming.pk, person=volunteer, happened=True)
    assert _values(coming) == before


def test_feedback_on_a_visit_that_has_not_happened_is_refused(past, volunteer):
    before = _values(past)
    with pytest.raises(VisitError, match="visits that happened"):
        feedback_leave(visit_id=past.pk, person=volunteer, rating=5, words="Lovely")
    assert _values(past) == before


def test_feedback_is_kept_per_side_for_the_other_to_read(past, volunteer, household):
    outcome_record(visit_id=past.pk, person=volunteer, happened=True)
    outcome_record(visit_id=past.pk, person=household, happened=True)
    feedback_leave(visit_id=past.pk, person=volunteer, rating=5, words="We baked bread.")
    feedback_leave(visit_id=past.pk, person=household, rating=4, words="")
    visit = Visit.objects.get(pk=past.pk)
    assert (visit.volunteer_rating, visit.volunteer_words) == (5, "We baked bread.")
    assert visit.household_rating == 4


def test_a_rating_outside_1_to_5_is_refused(past, volunteer, household):
    outcome_record(visit_id=past.pk, person=volunteer, happened=True)
    outcome_record(visit_id=past.pk, person=household, happened=True)
    before = _values(past)
    with pytest.raises(VisitError, match="1 to 5"):
        feedback_leave(visit_id=past.pk, person=volunteer, rating=9)
    assert _values(past) == before


def test_a_closed_window_with_no_record_is_overdue_to_the_pair_then_the_coordinator(past):
    today = timezone.localdate()
    assert is_overdue(past, today)
    assert not is_overdue(past, today, grace_days=14)  # closed 14 days ago, not yet more
    assert is_overdue(past, today + dt.timedelta(days=1), grace_days=14)
