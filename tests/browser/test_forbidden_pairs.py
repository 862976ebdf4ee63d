"""In Chromium: forbid a pair in review with a note, see it on the person's page, lift it there;
and a run whose worker died shows why and can be discarded."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kinfolk.pairings.models import MatchingRun, PairExclusion, RunPair
from kinfolk.testing import make_cohort, run_started
from tests.browser.conftest import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)


def _as(page, live_server, user):
    sign_in_as(page, live_server, user)
    page.wait_for_url(re.compile(r".*/(p|me)/.*"))


def test_a_pair_forbidden_in_review_is_listed_on_the_persons_page_and_lifted_there(
    page, live_server, programme, coordinator, screenshot, django_capture_on_commit_callbacks
):
    make_cohort(programme, n=3)
    run = run_started(programme, coordinator, django_capture_on_commit_callbacks)
    pair = RunPair.objects.filter(run=run).order_by("volunteer__external_id").first()
    _as(page, live_server, coordinator)
    page.goto(live_server.url + reverse("matching:run_detail", args=[programme.pk, run.pk]))

    page.click("table.pairs details.forbid summary >> nth=0")
    page.fill("table.pairs details.forbid[open] input[name=note]", "they have met before")
    screenshot("forbid-01-note")
    page.click("table.pairs details.forbid[open] button:has-text('Never pair these two')")
    page.wait_for_selector("text=will never be proposed to each other")
    assert "never this pair" in page.inner_text(".rules")
    screenshot("forbid-02-forbidden")

    page.click(f".rules a:has-text('{pair.volunteer.first_name}')")
    page.wait_for_selector("#forbidden")
    section = page.inner_text("#forbidden")
    assert pair.household.first_name in section and "they have met before" in section
    screenshot("forbid-03-person-page")
    page.click("#forbidden button:has-text('Lift')")
    page.wait_for_selector("text=may be proposed to each other again")
    assert "lifted by Cora" in page.inner_text("#forbidden")
    assert PairExclusion.objects.get().lifted_by == coordinator
    screenshot("forbid-04-lifted")


def test_a_run_whose_worker_died_says_so_and_is_discarded(
    page, live_server, programme, coordinator, screenshot, settings
):
    settings.MATCHING_RUN_STALE_SECONDS = 300
    run = MatchingRun.objects.create(
        programme=programme, started_by=coordinator, status="running", stage="costs"
    )
    silent = timezone.now() - dt.timedelta(minutes=10)
    MatchingRun.objects.filter(pk=run.pk).update(heartbeat_at=silent, created_at=silent)
    _as(page, live_server, coordinator)
    page.goto(live_server.url + reverse("matching:run_detail", args=[programme.pk, run.pk]))
    page.wait_for_selector(".run-error")
    assert "The computer running this matching stopped" in page.inner_text(".run-error")
    screenshot("run-lost-01-failed")
    page.click("main button:has-text('Discard this run')")
    page.wait_for_url(f"**/p/{programme.pk}/matching/")
    run.refresh_from_db()
    assert run.status == "discarded"
    screenshot("run-lost-02-runs")
