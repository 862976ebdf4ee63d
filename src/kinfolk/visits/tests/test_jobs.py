"""The periodic tick runs the visit jobs once per slot."""

from kinfolk.ticks.services import tick_run
from kinfolk.visits.models import Visit


def test_the_tick_rolls_plans_forward_and_reminds_once(pairing, visit, mailoutbox):
    first = tick_run()
    assert "windows planned" in first["visits_roll_forward"]
    assert "2 window_open" in first["visit_reminders"]
    assert Visit.objects.filter(pairing=pairing).count() > 1
    again = tick_run()
    assert again["visit_reminders"] == "already done"
    assert len(mailoutbox) == 2


def test_leaving_cancels_every_future_window(pairing, volunteer):
    from kinfolk.people.services.participation import participant_leave
    from kinfolk.visits.services.planning import visits_plan_for_pairing

    visits_plan_for_pairing(pairing=pairing)
    participant_leave(person=volunteer)
    assert set(pairing.visits.values_list("state", flat=True)) == {"cancelled"}
