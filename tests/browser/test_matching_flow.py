"""Matching end to end in Chromium: start a run, watch it, review and send, both accept, end.

The live server's task backend only records the job (django-tasks' dummy
backend); the test then plays the worker, so the run page is seen polling its
progress and reloading itself when the run is done.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kinfolk.pairings import review
from kinfolk.pairings.models import MatchingRun, Pairing, Proposal
from kinfolk.testing import contact_of, make_cohort, make_household
from tests.browser.conftest import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)


def _as(page, live_server, user):
    sign_in_as(page, live_server, user)
    page.wait_for_url(re.compile(r".*/(p|me)/.*"))


def _coordinator_starts_and_watches_a_run(page, live_server, programme, screenshot):
    page.click("nav.actions >> text=Matching")
    page.wait_for_url(f"**/p/{programme.pk}/matching/")
    screenshot("matching-01-runs")
    page.click("main button:has-text('Start the run')")
    page.wait_for_url(re.compile(r".*/matching/\d+/$"))
    run = MatchingRun.objects.get()
    assert "waiting for a worker" in page.inner_text("#run-progress")
    screenshot("matching-02-queued")
    # The worker reports progress; the page shows it in place, without navigating.
    MatchingRun.objects.filter(pk=run.pk).update(
        status="running", stage="candidates", done=1, total=2
    )
    # A string predicate would need 'unsafe-eval', which our CSP forbids: wait on a selector.
    page.wait_for_selector("#run-progress .percent:has-text('50 %')")
    assert "finding candidates nearby" in page.inner_text("#run-progress")
    screenshot("matching-03-progress")
    MatchingRun.objects.filter(pk=run.pk).update(status="queued")
    review.run_execute(run_id=run.pk)  # the worker finishes; the page reloads itself
    page.wait_for_selector("text=Pairs proposed")
    return run


def _coordinator_reviews_and_sends(page, run, screenshot):
    assert "nobody within travelling distance" in page.inner_text("#unpaired")
    # A pair by hand that shares no language is refused beside the field.
    page.fill("#manual input[name=volunteer_id]", "V0")
    page.fill("#manual input[name=household_id]", "HFAR")
    page.click("#manual button[type=submit]")
    page.wait_for_selector("#manual .errorlist:has-text('share no language')")
    screenshot("matching-04-manual-refused")
    page.click("table.pairs details.why summary >> nth=0")
    screenshot("matching-04-ready")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("matching-04-ready-phone")
    page.set_viewport_size({"width": 1200, "height": 900})
    page.click("main a:has-text('Send 6 proposals')")
    # A confirmation first: how many pairs are still free, and how people will be told.
    page.wait_for_selector("#free-pairs:has-text('6')")
    assert page.inner_text("#by-email") == "12" and page.inner_text("#unreachable") == "0"
    screenshot("matching-05-confirm")
    page.click("main button:has-text('Send 6 proposals')")
    page.wait_for_selector("text=6 proposals sent")
    assert "12 people are being told by e-mail" in page.inner_text(".messages")
    assert Proposal.objects.filter(run=run, state="open").count() == 6
    screenshot("matching-05-sent")


def _answers_yes(page, live_server, user, kind, person, proposal, screenshot, name):
    _as(page, live_server, user)
    page.click("main a:has-text('See the proposal')")
    page.wait_for_url(
        f"**{reverse('pairings:proposal_detail', args=[kind, person.pk, proposal.pk])}"
    )
    partner = proposal.household if kind == "volunteer" else proposal.volunteer
    # Before both have said yes: a first name and a distance band, never an address.
    assert partner.first_name in page.inner_text("h1")
    contact = contact_of(partner)
    assert contact["address"] not in page.content() and contact["phone"] not in page.content()
    screenshot(f"{name}-proposal")
    page.click("main button:has-text('Yes, I')")
    page.wait_for_selector("text=your answer is recorded")


def _sees_contact_details(page, live_server, kind, person, pairing, partner, screenshot, name):
    page.goto(
        live_server.url + reverse("pairings:pairing_detail", args=[kind, person.pk, pairing.pk])
    )
    text = page.inner_text("main")
    contact = contact_of(partner)
    assert contact["phone"] in text and contact["address"] in text
    screenshot(f"{name}-pairing")


def _spread_out(volunteers, households):
    """Households a few km east of their volunteers, some learning a language they speak."""
    for i, (volunteer, household) in enumerate(zip(volunteers, households, strict=True)):
        household.lon = volunteer.lon + 0.025 * i
        household.learning = "fr" if i % 2 else ""
        household.save(update_fields=["lon", "learning"])
        volunteer.speaks = "en:fluent;fr:fluent"
        volunteer.save(update_fields=["speaks"])


def test_a_run_from_start_to_an_ended_pairing(
    page, live_server, settings, programme, coordinator, screenshot
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    _spread_out(*make_cohort(programme, n=6))
    make_household(
        programme, external_id="HFAR", first_name="Faraway", speaks="pl:fluent", lat=54.9, lon=-1.6
    )

    _as(page, live_server, coordinator)
    run = _coordinator_starts_and_watches_a_run(page, live_server, programme, screenshot)
    _coordinator_reviews_and_sends(page, run, screenshot)

    proposal = Proposal.objects.select_related("volunteer__user", "household").first()
    volunteer, household = proposal.volunteer, proposal.household
    household_user = household.members.get().user
    _answers_yes(
        page,
        live_server,
        volunteer.user,
        "volunteer",
        volunteer,
        proposal,
        screenshot,
        "matching-06-volunteer",
    )
    _answers_yes(
        page,
        live_server,
        household_user,
        "household",
        household,
        proposal,
        screenshot,
        "matching-07-household",
    )

    pairing = Pairing.objects.get(state="active")
    _sees_contact_details(
        page,
        live_server,
        "household",
        household,
        pairing,
        volunteer,
        screenshot,
        "matching-08-household",
    )
    _as(page, live_server, volunteer.user)
    _sees_contact_details(
        page,
        live_server,
        "volunteer",
        volunteer,
        pairing,
        household,
        screenshot,
        "matching-09-volunteer",
    )

    _as(page, live_server, household_user)
    page.goto(
        live_server.url
        + reverse("pairings:pairing_end", args=["household", household.pk, pairing.pk])
    )
    screenshot("matching-10-end")
    page.click("main button:has-text('End the pairing')")
    page.wait_for_selector("text=Your pairing has ended")
    pairing.refresh_from_db()
    assert pairing.state == "ended" and pairing.ended_by == "household"
    screenshot("matching-11-ended")


def test_an_import_with_bad_rows_shows_every_problem_then_a_good_one_loads(
    page, live_server, programme, coordinator, screenshot
):
    make_cohort(programme, n=2)
    _as(page, live_server, coordinator)
    page.click("nav.actions >> text=Pairings")
    page.wait_for_url(f"**/p/{programme.pk}/pairings/")
    header = "volunteer_id,household_id,since,agreed_on\n"
    bad = header + "V0,H0,2025-03-01,2025-02-01\nV9,H1,someday,2025-02-01\n"
    page.set_input_files("input[name=file]", _upload(bad))
    page.click("main button:has-text('Import')")
    page.wait_for_selector(".import-problems")
    problems = page.inner_text(".import-problems")
    assert "Row 3, volunteer_id" in problems and "Row 3, since" in problems
    assert not Pairing.objects.exists()
    screenshot("pairings-01-import-problems")
    good = header + "V0,H0,2025-03-01,2025-02-01\nV1,H1,2024-09-15,2024-09-01\n"
    page.set_input_files("input[name=file]", _upload(good))
    page.click("main button:has-text('Import')")
    page.wait_for_selector("text=2 pairings imported")
    assert ">Vol1<" in page.inner_html("table")
    screenshot("pairings-02-imported")


def _upload(text):
    return [{"name": "pairs.csv", "mimeType": "text/csv", "buffer": text.encode()}]
