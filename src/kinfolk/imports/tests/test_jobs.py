"""The tick's import jobs: imports whose worker was lost are set back; old uploads go."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kinfolk.imports import services
from kinfolk.imports.models import PeopleImport
from kinfolk.imports.tests.conftest import households_csv, row


def test_a_commit_whose_worker_went_silent_is_set_back_to_run_again(journey, settings):
    made = journey(households_csv(row(1)))
    services.import_commit_start(people_import=made, by=made.created_by)  # queued, never run
    fresh = services.imports_stale_reset(now=timezone.now())
    later = timezone.now() + dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS + 1)
    assert (fresh, services.imports_stale_reset(now=later)) == (0, 1)
    made.refresh_from_db()
    assert made.status == "previewed" and "nothing was imported" in made.error


def test_a_silent_invitation_job_can_be_started_again(journey, settings):
    made = journey(households_csv(row(1)), commit=True)
    PeopleImport.objects.filter(pk=made.pk).update(inviting=True)
    later = timezone.now() + dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS + 1)
    services.imports_stale_reset(now=later)
    made.refresh_from_db()
    assert made.inviting is False


def test_old_uploads_are_deleted_and_old_problems_forgotten(journey):
    waiting = journey(households_csv(row(1), row(2, lat=200)))
    done = journey(households_csv(row(3), row(4, lat=200)), commit=True)
    week_later = timezone.now() + dt.timedelta(days=8)
    assert services.import_problems_purge(now=timezone.now()) == 0
    services.import_problems_purge(now=week_later)
    assert not PeopleImport.objects.filter(pk=waiting.pk).exists()
    done.refresh_from_db()
    assert (done.status, done.problems_csv, done.problems_shown) == ("committed", "", [])
    assert done.new == 1  # the counts stay
