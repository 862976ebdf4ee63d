"""Who was told: the coordinator's list of people to contact, and a link to a cancelled visit."""

from __future__ import annotations

import contextlib
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kinfolk.outbox.services import outbox_deliver
from kinfolk.people.services.participation import participant_pause
from kinfolk.testing import make_cohort, make_household, make_pairing, make_volunteer, run_started
from kinfolk.visits.services.planning import visits_plan_for_pairing
from kinfolk.visits.services.reminders import reminders_send
from tests.browser.conftest import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_coordinator_is_shown_whom_no_message_reached(
    page, live_server, programme, coordinator, screenshot
):
    make_cohort(programme, n=2)
    make_volunteer(programme, external_id="VN", first_name="Nour", lat=54.0, user=None, phone="")
    make_household(programme, external_id="HN", first_name="Nell", lat=54.0, phone="")
    # Outside a test transaction every commit runs its callbacks: nothing to capture.
    run = run_started(programme, coordinator, lambda **kw: contextlib.nullcontext())
    sign_in_as(page, live_server, coordinator)
    page.goto(live_server.url + reverse("matching:run_send", args=[programme.pk, run.pk]))
    assert page.inner_text("#unreachable") == "2"
    page.click("main button:has-text('Send 3 proposals')")
    page.wait_for_selector("text=2 people have no e-mail address or mobile phone")
    page.click("#told-none a")
    page.wait_for_url(re.compile(r".*/unreached/$"))
    assert "Nour" in page.inner_text("#volunteers") and "Nell" in page.inner_text("#households")
    screenshot("told-01-unreached")
    page.click("#households a:has-text('Nell')")
    page.wait_for_url(re.compile(r".*/households/\d+/$"))


def test_a_link_in_an_earlier_email_to_a_cancelled_visit_says_what_happened(
    page, live_server, volunteer, household, household_user, screenshot
):
    pairing = make_pairing(volunteer, household, started_on=timezone.localdate())
    visits_plan_for_pairing(pairing=pairing)
    reminders_send()
    outbox_deliver()
    body = next(m.body for m in mail.outbox if m.to == ["hana@example.org"])
    link = re.search(r"http://\S+", body).group(0).removeprefix("http://127.0.0.1:8000")
    participant_pause(person=volunteer)
    sign_in_as(page, live_server, household_user)
    page.wait_for_url(re.compile(r".*/me/household/.*"))
    page.goto(live_server.url + link)
    text = page.inner_text("#cancelled-why")
    # Its window had begun: it stays cancelled whenever they resume.
    assert "because the visits were paused" in text and "it comes back" not in text
    screenshot("told-02-cancelled-visit")
