import datetime as dt

import pytest

from kinfolk.pairings.services import pairing_end, proposal_answer
from kinfolk.people.services.participation import participant_pause, participant_resume
from kinfolk.testing import make_household, make_pairing, make_proposal, make_volunteer
from kinfolk.visits.models import Visit
from kinfolk.visits.services.planning import (
    visits_cancel_future,
    visits_plan_for_pairing,
    visits_plan_programme,
    visits_roll_forward,
)

TODAY = dt.date(2027, 1, 4)


def test_a_pairing_that_starts_gets_a_year_of_windows_taking_turns(volunteer, household):
    proposal = make_proposal(volunteer, household)
    proposal_answer(proposal_id=proposal.pk, person=volunteer, accept=True)
    proposal_answer(proposal_id=proposal.pk, person=household, accept=True)
    visits = list(Visit.objects.filter(pairing__volunteer=volunteer).order_by("sequence"))
    assert len(visits) == 7  # 52 weeks / 8-week cadence
    assert [v.host for v in visits[:3]] == ["household", "volunteer", "household"]
    assert [v.sequence for v in visits] == list(range(1, 8))
    assert all((v.window_end - v.window_start).days == 6 for v in visits)
    assert all(v.state == "planned" for v in visits)


def test_windows_fall_on_days_both_are_free_and_avoid_blackouts(programme):
    volunteer = make_volunteer(programme, availability="sat-am", blackout="2027-01-04..2027-01-10")
    household = make_household(programme, availability="sat-am;sat-pm")
    pairing = make_pairing(volunteer, household, started_on=TODAY)
    visits_plan_for_pairing(pairing=pairing, today=TODAY)
    first = pairing.visits.order_by("window_start").first()
    # The first week is blacked out, so the window slides until it holds a free Saturday.
    days = [first.window_start + dt.timedelta(days=i) for i in range(7)]
    assert [d for d in days if d.weekday() == 5 and d > dt.date(2027, 1, 10)]


def test_a_household_that_meets_in_public_gets_public_windows(programme, volunteer):
    household = make_household(programme, visit_places="public")
    pairing = make_pairing(volunteer, household, started_on=TODAY)
    visits_plan_for_pairing(pairing=pairing, today=TODAY)
    assert set(pairing.visits.values_list("host", flat=True)) == {"public"}


def test_planning_a_programme_twice_stores_each_window_once(programme):
    for _ in range(5):
        make_pairing(make_volunteer(programme), make_household(programme), started_on=TODAY)
    added = visits_plan_programme(programme=programme, today=TODAY)
    assert added == Visit.objects.count() == 35
    assert visits_plan_programme(programme=programme, today=TODAY) == 0
    assert Visit.objects.count() == 35


def test_roll_forward_extends_the_plan_continuing_numbers_and_turns(pairing):
    visits_plan_for_pairing(pairing=pairing, today=pairing.started_on)
    last = pairing.visits.order_by("-sequence").first()
    later = dt.datetime.combine(pairing.started_on + dt.timedelta(days=120), dt.time(3), dt.UTC)
    assert visits_roll_forward(now=later) >= 2
    new = list(pairing.visits.filter(sequence__gt=last.sequence).order_by("sequence"))
    assert new[0].sequence == last.sequence + 1
    assert new[0].host != last.host


def test_pause_cancels_the_windows_of_the_pause_and_resume_plans_from_the_next_period(
    pairing, volunteer, mailoutbox, django_capture_on_commit_callbacks
):
    visits_plan_for_pairing(pairing=pairing)
    with django_capture_on_commit_callbacks(execute=True):
        participant_pause(person=volunteer)
    assert not pairing.visits.exclude(state="cancelled").exists()
    assert any("paused for now" in m.subject for m in mailoutbox)
    participant_resume(person=volunteer)
    live = pairing.visits.exclude(state="cancelled").order_by("window_start")
    assert live.exists()
    # Planning restarts with the first period starting after today, never inside the pause.
    from django.utils import timezone

    assert live.first().window_start >= timezone.localdate()


def test_resume_plans_nothing_while_the_other_side_is_still_paused(pairing, volunteer, household):
    visits_plan_for_pairing(pairing=pairing)
    participant_pause(person=volunteer)
    participant_pause(person=household)
    participant_resume(person=volunteer)
    assert not pairing.visits.exclude(state="cancelled").exists()
    participant_resume(person=household)
    assert pairing.visits.exclude(state="cancelled").exists()


def test_ending_a_pairing_cancels_every_future_window_and_keeps_closed_ones(pairing, household):
    from kinfolk.testing import make_visit

    old = make_visit(pairing, window_start=dt.date(2026, 6, 1), state="happened")
    visits_plan_for_pairing(pairing=pairing)
    pairing_end(pairing=pairing, by=household)
    old.refresh_from_db()
    assert old.state == "happened"
    assert set(pairing.visits.exclude(pk=old.pk).values_list("state", flat=True)) == {"cancelled"}


def test_cancel_future_leaves_a_closed_window_awaiting_its_record(pairing):
    from kinfolk.testing import make_visit

    closed = make_visit(pairing, window_start=dt.date(2026, 1, 5))
    visits_cancel_future(pairing=pairing, today=dt.date(2026, 3, 1))
    closed.refresh_from_db()
    assert closed.state == "planned"


@pytest.mark.django_db
def test_a_programme_with_no_pairings_plans_nothing(programme):
    assert visits_plan_programme(programme=programme, today=TODAY) == 0
