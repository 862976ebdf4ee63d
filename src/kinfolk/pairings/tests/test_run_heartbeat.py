"""A run whose worker died mid-way is marked failed, so it no longer blocks the programme."""

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from kinfolk.pairings import review
from kinfolk.pairings.matching import Heartbeat
from kinfolk.pairings.models import MatchingRun, RunPair
from kinfolk.testing import make_cohort
from kinfolk.ticks.services import tick_run

STALE = 300
LOST = "The computer running this matching stopped before it finished; nothing was saved."


@pytest.fixture(autouse=True)
def _stale_after(settings):
    settings.MATCHING_RUN_STALE_SECONDS = STALE


@pytest.fixture
def cohort(programme):
    return make_cohort(programme)


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def _running(programme, by, *, silent_for):
    """A run a worker claimed and then stopped reporting on ``silent_for`` seconds ago."""
    run = MatchingRun.objects.create(
        programme=programme, started_by=by, status="running", stage="costs"
    )
    then = timezone.now() - dt.timedelta(seconds=silent_for)
    MatchingRun.objects.filter(pk=run.pk).update(created_at=then, heartbeat_at=then)
    return run


def _start(client, programme, capture):
    with capture(execute=True):
        return client.post(
            reverse("matching:runs", args=[programme.pk]), {"scope": "programme", "mode": "optimal"}
        )


def test_starting_a_run_after_a_worker_died_mid_run_works(
    signed_in, programme, coordinator, cohort, django_capture_on_commit_callbacks
):
    dead = _running(programme, coordinator, silent_for=STALE + 60)
    response = _start(signed_in, programme, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    new = MatchingRun.objects.exclude(pk=dead.pk).get()
    assert new.status == "ready"
    dead.refresh_from_db()
    assert dead.status == "failed"


def test_opening_the_runs_page_marks_the_silent_run_failed_and_says_why(
    signed_in, programme, coordinator
):
    dead = _running(programme, coordinator, silent_for=STALE + 1)
    signed_in.get(reverse("matching:runs", args=[programme.pk]))
    dead.refresh_from_db()
    assert (dead.status, dead.error) == ("failed", MatchingRun.WORKER_LOST)
    page = signed_in.get(reverse("matching:run_detail", args=[programme.pk, dead.pk]))
    text = page.content.decode()
    assert LOST in text and "Start a new run." in text
    assert reverse("matching:run_discard", args=[programme.pk, dead.pk]) in text


def test_the_progress_poll_turns_a_silent_run_into_a_failed_one(signed_in, programme, coordinator):
    dead = _running(programme, coordinator, silent_for=STALE + 1)
    response = signed_in.get(reverse("matching:run_progress", args=[programme.pk, dead.pk]))
    assert response["HX-Refresh"] == "true"
    dead.refresh_from_db()
    assert dead.status == "failed"


def test_a_run_that_still_beats_is_left_running(signed_in, programme, coordinator):
    alive = _running(programme, coordinator, silent_for=STALE - 30)
    signed_in.get(reverse("matching:runs", args=[programme.pk]))
    tick_run()
    alive.refresh_from_db()
    assert alive.status == "running"


def test_the_tick_marks_silent_runs_of_every_programme_failed(
    programme, other_programme, coordinator, other_coordinator
):
    dead = _running(programme, coordinator, silent_for=STALE + 1)
    other = _running(other_programme, other_coordinator, silent_for=STALE + 1)
    outcomes = tick_run()
    assert outcomes["matching_runs_stale"] == "2 runs without a heartbeat marked failed"
    for run in (dead, other):
        run.refresh_from_db()
        assert run.status == "failed" and run.finished_at is not None


def test_a_run_claimed_before_heartbeats_existed_counts_from_its_creation(programme, coordinator):
    old = _running(programme, coordinator, silent_for=STALE + 1)
    MatchingRun.objects.filter(pk=old.pk).update(heartbeat_at=None)
    assert review.runs_stale_fail(programme=programme) == 1


def test_the_failed_silent_run_can_be_discarded(signed_in, programme, coordinator):
    dead = _running(programme, coordinator, silent_for=STALE + 1)
    review.runs_stale_fail()
    signed_in.post(reverse("matching:run_discard", args=[programme.pk, dead.pk]))
    dead.refresh_from_db()
    assert dead.status == "discarded"


def test_a_queued_run_can_be_discarded_and_its_job_then_does_nothing(
    programme, coordinator, cohort
):
    queued = review.run_start(programme=programme, by=coordinator)  # no commit: no job yet
    review.run_discard(run=queued)
    review.run_execute(run_id=queued.pk)  # the job comes late
    queued.refresh_from_db()
    assert queued.status == "discarded" and not RunPair.objects.exists()


def test_a_job_given_up_for_dead_stores_nothing_when_it_finishes_after_all(
    programme, coordinator, cohort, monkeypatch
):
    from kinfolk.pairings import matching

    explain = matching._explanations

    def tick_in_between(result):
        # The worker stalled long enough for the tick to give the run up, then carried on.
        MatchingRun.objects.update(heartbeat_at=timezone.now() - dt.timedelta(seconds=STALE + 1))
        review.runs_stale_fail()
        return explain(result)

    monkeypatch.setattr(matching, "_explanations", tick_in_between)
    run = review.run_start(programme=programme, by=coordinator)
    review.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.error) == ("failed", MatchingRun.WORKER_LOST)
    assert not RunPair.objects.exists()


def test_a_progress_report_after_the_run_was_given_up_stops_the_job(
    programme, coordinator, cohort, monkeypatch
):
    from kinfolk.pairings import matching

    match = matching.match

    def give_up_then_match(*args, **kwargs):
        MatchingRun.objects.update(status="failed", error=MatchingRun.WORKER_LOST)
        return match(*args, **kwargs)

    monkeypatch.setattr(matching, "match", give_up_then_match)
    run = review.run_start(programme=programme, by=coordinator)
    review.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "failed" and run.stage != "saving"
    assert not RunPair.objects.exists()


def test_a_run_refreshes_its_heartbeat_as_it_goes(programme, coordinator, cohort):
    before = timezone.now()
    run = review.run_start(programme=programme, by=coordinator)
    review.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "ready" and run.heartbeat_at >= before


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_beats_while_the_job_is_silent_and_stops_with_the_run(
    programme, coordinator
):
    run = _running(programme, coordinator, silent_for=STALE + 1)
    with Heartbeat(run.pk, every_seconds=0.05) as heartbeat:
        time.sleep(0.5)  # an engine call that reports no progress
        run.refresh_from_db()
        assert timezone.now() - run.heartbeat_at < dt.timedelta(seconds=5)
        assert review.runs_stale_fail() == 0
        MatchingRun.objects.filter(pk=run.pk).update(status="discarded")
        heartbeat._thread.join(timeout=5)
        assert not heartbeat._thread.is_alive()  # the run is no longer running: no more beats


def test_a_run_that_finishes_is_not_mistaken_for_one_given_up(
    programme, coordinator, cohort, caplog
):
    run = review.run_start(programme=programme, by=coordinator)
    review.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.stage, run.percent) == ("ready", "saving", 100)
    assert "given up" not in caplog.text


def test_polling_a_live_run_only_reads(signed_in, programme, coordinator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    alive = _running(programme, coordinator, silent_for=1)
    with CaptureQueriesContext(connection) as queries:
        signed_in.get(reverse("matching:run_progress", args=[programme.pk, alive.pk]))
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert not [w for w in writes if "pairings_matchingrun" in w]
