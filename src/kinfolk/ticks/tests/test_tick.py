"""The periodic tick: each job once per slot; a failing job is retried and stops nothing."""

import datetime as dt
import logging

import pytest
from django.utils import timezone

from kinfolk.people.models import Invitation
from kinfolk.ticks import services
from kinfolk.ticks.models import TickRun
from kinfolk.ticks.services import Job, backoff, tick_run


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


# --- one failing job stops nothing (issue 8, item 4) ---------------------------------------


T0 = dt.datetime(2027, 3, 1, 8, 10, tzinfo=dt.UTC)


class Flaky:
    """A job that fails until it is told to work."""

    def __init__(self) -> None:
        self.broken = True
        self.calls = 0

    def __call__(self, now: dt.datetime) -> str:
        self.calls += 1
        if self.broken:
            raise RuntimeError("the mail server is down")
        return "fine"


@pytest.fixture
def flaky(monkeypatch):
    job = Flaky()
    after = Job("after_it", "minute", lambda now: "ran")
    monkeypatch.setattr(services, "JOBS", [Job("flaky", "hour", job), after])
    return job


def test_a_failing_job_is_logged_and_the_jobs_after_it_still_run(db, flaky, caplog):
    with caplog.at_level(logging.ERROR, logger="kinfolk.ticks.services"):
        outcomes = tick_run(now=T0)
    assert outcomes == {
        "flaky": "failed: RuntimeError: the mail server is down",
        "after_it": "ran",
    }
    assert "tick job flaky failed" in caplog.text
    claim = TickRun.objects.get(job="flaky")
    assert (claim.state, claim.attempts, claim.last_error) == (
        "failed",
        1,
        "RuntimeError: the mail server is down",
    )
    assert claim.next_try_at == T0 + dt.timedelta(minutes=1)


def test_a_failed_job_waits_out_its_back_off_then_is_tried_again(db, flaky):
    tick_run(now=T0)
    assert tick_run(now=T0 + dt.timedelta(seconds=30))["flaky"].startswith("waiting")
    assert flaky.calls == 1
    tick_run(now=T0 + dt.timedelta(minutes=1))  # same hour: the same claim row, tried again
    claim = TickRun.objects.get(job="flaky")
    assert (claim.state, claim.attempts, flaky.calls) == ("failed", 2, 2)
    assert claim.next_try_at == T0 + dt.timedelta(minutes=3)
    flaky.broken = False
    assert tick_run(now=T0 + dt.timedelta(minutes=3))["flaky"] == "fine"
    claim.refresh_from_db()
    assert (claim.state, claim.next_try_at, claim.outcome) == ("done", None, "fine")
    assert tick_run(now=T0 + dt.timedelta(minutes=4))["flaky"] == "already done"


def test_failures_in_a_row_carry_into_the_next_slot(db, flaky):
    tick_run(now=T0.replace(minute=59))
    tick_run(now=T0.replace(hour=9, minute=0))  # a new hour: a new slot, the count goes on
    latest = TickRun.objects.filter(job="flaky").order_by("-started_at").first()
    assert (latest.slot, latest.attempts) == ("2027-03-01T09", 2)


def test_the_back_off_doubles_up_to_an_hour():
    assert [backoff(n).total_seconds() / 60 for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]


def test_a_claim_whose_process_died_is_taken_over_after_the_timeout(db, flaky):
    flaky.broken = False
    stuck = TickRun.objects.create(job="flaky", slot="2027-03-01T08")
    TickRun.objects.filter(pk=stuck.pk).update(started_at=T0 - dt.timedelta(minutes=5))
    assert tick_run(now=T0)["flaky"] == "already done"  # it may still be running
    TickRun.objects.filter(pk=stuck.pk).update(started_at=T0 - dt.timedelta(minutes=31))
    assert tick_run(now=T0)["flaky"] == "fine"
    stuck.refresh_from_db()
    assert (stuck.state, stuck.attempts) == ("done", 2)


def test_a_job_that_breaks_the_database_does_not_spoil_the_next_one(db, monkeypatch):
    from django.db import connection

    def broken(now):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")
        return "never"

    def writes(now):
        TickRun.objects.create(job="written", slot="x")
        return "wrote"

    monkeypatch.setattr(services, "JOBS", [Job("broken", "day", broken), Job("w", "day", writes)])
    outcomes = tick_run(now=T0)
    assert outcomes["broken"].startswith("failed:") and outcomes["w"] == "wrote"
    assert TickRun.objects.filter(job="written").exists()
