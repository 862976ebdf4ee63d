import datetime as dt

from django.utils import timezone

from kinfolk.people.models import Invitation
from kinfolk.ticks.models import TickRun
from kinfolk.ticks.services import tick_run


def test_a_tick_run_twice_in_one_slot_does_each_job_once(db, programme):
    old = timezone.now() - dt.timedelta(days=200)
    Invitation.objects.create(
        programme=programme, role="volunteer", email="a@example.org", first_name="A", expires_at=old
    )
    first = tick_run()
    second = tick_run()
    assert first["invitations_purge"] == "1 expired invitations deleted"
    assert set(second.values()) == {"already done"}
    assert TickRun.objects.filter(job="invitations_purge").count() == 1


def test_the_next_slot_runs_again(db):
    now = timezone.now()
    tick_run(now=now)
    outcomes = tick_run(now=now + dt.timedelta(days=1))
    assert "already done" not in outcomes.values()


def test_pending_invitations_are_kept(db, programme):
    Invitation.objects.create(
        programme=programme,
        role="volunteer",
        email="a@example.org",
        first_name="A",
        expires_at=timezone.now() + dt.timedelta(days=3),
    )
    tick_run()
    assert Invitation.objects.count() == 1
