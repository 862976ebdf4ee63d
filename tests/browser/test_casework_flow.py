"""In Chromium: a coordinator's day — approve an applicant, handle a concern, record a check-in
from the list, pause a household on its behalf after a phone call, read the pairing's story,
and pair two people by typing their names.

Screenshots at 1280 and 360 px wide when KINFOLK_SCREENSHOTS names a folder.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from kinfolk.casework.models import BehalfAction, CaseNote, Concern
from kinfolk.casework.services.signals import check_in_signals_refresh
from kinfolk.pairings.models import RunRule
from kinfolk.pairings.services import visitor_report
from kinfolk.people.models import Volunteer
from kinfolk.testing import make_cohort, make_pairing, make_visit, make_volunteer, run_started
from tests.browser.conftest import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)


def _both_widths(page, screenshot, name):
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"casework-{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_coordinators_casework_day(
    page,
    live_server,
    programme,
    coordinator,
    volunteer,
    household,
    household_user,
    screenshot,
    django_capture_on_commit_callbacks,
):
    today = programme.today()
    applicant = make_volunteer(programme, state="applied", first_name="Aisha", external_id="V-AI")
    pairing = make_pairing(volunteer, household, started_on=today - dt.timedelta(days=20))
    make_visit(
        pairing,
        window_start=today - dt.timedelta(days=10),
        state="unconfirmed",
        volunteer_outcome="happened",
        household_outcome="missed",
    )
    visitor_report(
        pairing=pairing,
        household=household,
        by=household_user,
        words="Came an hour late and did not call.",
        end=False,
    )
    check_in_signals_refresh(programme=programme)  # the hourly tick's work
    sign_in_as(page, live_server, coordinator)
    page.wait_for_url(re.compile(r".*/p/.*"))

    # Approve the applicant the to-do page lists, recording the date of each required check.
    page.goto(live_server.url + reverse("casework:todo", args=[programme.pk]))
    page.click("a:has-text('Aisha')")
    for field in page.locator("form input[type=date]").all():
        field.fill((today - dt.timedelta(days=3)).isoformat())
    page.click("button:has-text('Approve')")
    page.wait_for_url(re.compile(r".*/volunteers/\d+/$"))
    applicant.refresh_from_db()
    assert applicant.state == Volunteer.State.APPROVED

    # The overview shows the open concern; handle it.
    page.goto(live_server.url + reverse("programmes:overview", args=[programme.pk]))
    assert "1 open" in page.inner_text("#open-concerns")
    _both_widths(page, screenshot, "01-overview")
    page.click(".casework-card a:has-text('Concerns')")
    page.click("tr.concern-row a >> nth=0")
    page.click("button:has-text('Take it in hand')")
    page.wait_for_selector("text=You have this concern in hand.")
    page.fill("#concern-note", "Phoned Vera; she apologised.")
    page.click("button:has-text('Save note')")
    page.wait_for_selector("text=Note added.")
    page.fill("#concern-outcome", "Talked it through with both.")
    _both_widths(page, screenshot, "02-concern")
    page.click("button:has-text('Close the concern')")
    page.wait_for_selector("text=The concern is closed.")
    assert Concern.objects.get().state == "closed"

    # Record a check-in from the list.
    page.goto(live_server.url + reverse("casework:check_ins", args=[programme.pk]))
    assert "differently" in page.inner_text(".check-in-row")
    _both_widths(page, screenshot, "03-check-ins")
    page.click(".check-in-row a:has-text('Record a check-in')")
    page.select_option("select[name=channel]", "phone")
    page.fill("textarea[name=words]", "Both fine; the visit did happen, Hana misremembered.")
    _both_widths(page, screenshot, "04-check-in-form")
    page.click("button:has-text('Record the check-in')")
    page.wait_for_selector("text=Check-in recorded.")
    assert "No pair needs a check-in" in page.inner_text("#check-ins")
    assert CaseNote.objects.get().kind == "check_in"

    # Pause the household on its behalf after a phone call.
    page.goto(
        live_server.url + reverse("programmes:household_detail", args=[programme.pk, household.pk])
    )
    page.click("#casework a:has-text('Act on their behalf')")
    _both_widths(page, screenshot, "05-behalf")
    page.select_option("#asked-pause", "phone")
    page.click("button:has-text('Pause on their behalf')")
    page.wait_for_selector("text=Done on Hana's behalf")
    assert "Paused taking part" in page.inner_text("#casework")
    household.refresh_from_db()
    assert household.state == "paused"
    assert BehalfAction.objects.get().asked_by == "phone"
    _both_widths(page, screenshot, "06-person-page")

    # Read the pairing's story.
    page.click("#casework a:has-text('The story of')")
    story = page.inner_text("main")
    assert "Visits" in story and "Both fine" in story and "Talked" not in story
    assert "Concerns" in story
    _both_widths(page, screenshot, "07-story")

    # The to-do page, then the household reads what was done on its behalf.
    page.goto(live_server.url + reverse("casework:todo", args=[programme.pk]))
    assert "Concerns open" in page.inner_text("#todo-concerns")
    _both_widths(page, screenshot, "08-todo")
    sign_in_as(page, live_server, household_user)
    page.wait_for_url(re.compile(r".*/me/.*"))
    page.goto(live_server.url + reverse("privacy:my_data"))
    mine = page.inner_text(".records-about")
    assert "Paused taking part" in mine and "Both fine" in mine
    assert "Came an hour late" not in page.inner_text("main")
    _both_widths(page, screenshot, "09-my-data")

    # Back as the coordinator: pair two people by hand, picking both by typing their names.
    make_cohort(programme, n=3)
    make_volunteer(programme, first_name="Zoltan", last_name="Nagy", external_id="V-ZN")
    run = run_started(programme, coordinator, django_capture_on_commit_callbacks)
    sign_in_as(page, live_server, coordinator)
    page.wait_for_url(re.compile(r".*/p/.*"))
    page.goto(live_server.url + reverse("matching:run_detail", args=[programme.pk, run.pk]))
    page.fill("input[name=volunteer_id]", "Zol")
    page.wait_for_selector(
        "#volunteer-choices option[value='Zoltan Nagy · V-ZN']", state="attached"
    )
    page.fill("input[name=volunteer_id]", "Zoltan Nagy · V-ZN")
    page.fill("input[name=household_id]", "Home2")
    page.wait_for_selector("#household-choices option", state="attached")
    page.click("#manual button[type=submit]")
    page.wait_for_selector("text=are paired by hand")
    rule = RunRule.objects.get()
    assert (rule.volunteer.first_name, rule.household.first_name) == ("Zoltan", "Home2")
