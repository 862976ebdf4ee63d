"""A visit end to end in Chromium: a window opens, a time is proposed, declined, answered,
accepted, both are reminded, both record it happened and read each other's feedback.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from kinfolk.casework.services.signals import check_in_signals_refresh
from kinfolk.outbox import sms
from kinfolk.testing import (
    make_coordinator,
    make_household,
    make_pairing,
    make_user,
    make_visit,
    make_volunteer,
)
from kinfolk.visits.models import Visit
from kinfolk.visits.services.reminders import reminder_preference_set, reminders_send
from tests.browser.conftest import sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _user(email, first_name):
    return make_user(email, first_name=first_name)


def _as(page, live_server, user, url):  # noqa: F811
    sign_in_as(page, live_server, user)
    page.wait_for_url(re.compile(r".*/(p|me)/.*"))
    page.goto(f"{live_server.url}{url}")


def test_a_visit_from_window_to_feedback(page, live_server, screenshot, settings, tmp_path):  # noqa: F811
    from kinfolk.testing import make_programme

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "file"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.log")
    programme = make_programme()
    vera, hana = _user("vera@example.org", "Vera"), _user("hana@example.org", "Hana")
    volunteer = make_volunteer(programme, user=vera, first_name="Vera")
    household = make_household(programme, users=(hana,), first_name="Hana")
    visit = make_visit(make_pairing(volunteer, household), window_start=timezone.localdate())
    reminder_preference_set(user=hana, email=True, sms=True)
    v_url = f"/me/volunteer/{volunteer.pk}/visits/{visit.pk}/"
    h_url = f"/me/household/{household.pk}/visits/{visit.pk}/"
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()

    # The window opens: both are told.
    assert reminders_send()["window_open"] == 2
    assert {m.to[0] for m in mail.outbox} == {"vera@example.org", "hana@example.org"}

    # Vera, the guest, proposes a time.
    _as(page, live_server, vera, v_url)
    screenshot("visits-01-window")
    page.fill("input[name=day]", tomorrow)
    page.fill("input[name=time]", "18:00")
    page.click("main button:has-text('Propose')")
    page.wait_for_selector("text=Your time is proposed")

    # Hana, the host, declines and answers with another time.
    _as(page, live_server, hana, h_url)
    assert "Vera proposes" in page.inner_text("#open-time")
    screenshot("visits-02-host-sees-proposal")
    page.click("main button:has-text('Decline')")
    page.wait_for_selector("text=You said no to this time")
    page.fill("input[name=day]", tomorrow)
    page.fill("input[name=time]", "11:00")
    page.click("main button:has-text('Propose')")
    page.wait_for_selector("text=Your time is proposed")

    # Vera accepts.
    _as(page, live_server, vera, v_url)
    page.click("main button:has-text('Accept this time')")
    page.wait_for_selector("#agreed-time")
    screenshot("visits-03-agreed")
    assert Visit.objects.get(pk=visit.pk).state == "agreed"

    # The day before, both get the reminder (Hana by e-mail and SMS).
    mail.outbox.clear()
    eve = timezone.now().replace(hour=8, minute=0)
    assert reminders_send(now=eve)["day_before"] == 2
    assert {m.to[0] for m in mail.outbox} == {"vera@example.org", "hana@example.org"}
    assert any("Tomorrow" in t.body for t in sms.read_file(settings.SMS_FILE_PATH))

    # The visit takes place; each records it and leaves feedback.
    Visit.objects.filter(pk=visit.pk).update(agreed_at=timezone.now() - dt.timedelta(hours=2))
    for user, url in ((vera, v_url), (hana, h_url)):
        _as(page, live_server, user, url)
        page.click("main button[name=happened][value=yes]")
        page.wait_for_selector("text=your answer is recorded")
    page.select_option("select[name=rating]", "5")
    page.fill("textarea[name=words]", "Good talk.")
    page.click("main button:has-text('Save feedback')")
    page.wait_for_selector("text=your feedback is saved")
    _as(page, live_server, vera, v_url)
    assert "Good talk." in page.inner_text("#their-feedback")
    page.select_option("select[name=rating]", "4")
    page.fill("textarea[name=words]", "We cooked together.")
    page.click("main button:has-text('Save feedback')")
    page.wait_for_selector("text=your feedback is saved")
    screenshot("visits-04-feedback")
    _as(page, live_server, hana, h_url)
    assert "We cooked together." in page.inner_text("#their-feedback")
    screenshot("visits-05-feedback-read")

    # The coordinator sees the programme at a glance: a bar per state and month.
    cora = _user("cora@example.org", "Cora")
    make_coordinator(programme, cora)
    for weeks, fields in (
        (16, {"state": "missed"}),
        (8, {"state": "happened", "household_rating": 2}),
    ):
        make_visit(
            visit.pairing, window_start=timezone.localdate() - dt.timedelta(weeks=weeks), **fields
        )
    check_in_signals_refresh(programme=programme)  # the hourly tick's work
    _as(page, live_server, cora, f"/p/{programme.pk}/visits/")
    assert page.locator(".vbar-happened").first.bounding_box()["width"] > 10
    assert page.inner_text("#met-share") == "100%"
    screenshot("visits-06-dashboard")
    page.click("main a:has-text('Check in with these pairs')")
    page.wait_for_selector(".check-in-row")
    screenshot("visits-07-check-in")
