"""An operator past the second factor finds a failing job and a failed message, and resends it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kinfolk.outbox.models import Message
from kinfolk.outbox.services import email_queue
from kinfolk.ticks.models import TickRun
from tests.browser.conftest import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)


def _past_second_factor(page, live_server, site_admin):
    device = TOTPDevice.objects.create(user=site_admin, name="phone", confirmed=True)
    sign_in_as(page, live_server, site_admin)
    page.wait_for_url("**/accounts/two-factor/verify/**")
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.fill("input[name=code]", f"{code:06d}")
    page.click("main button[type=submit]")
    page.wait_for_url("**/site/")


def test_an_operator_sees_what_failed_and_sends_a_message_again(
    page, live_server, site_admin, settings, screenshot
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    TickRun.objects.create(job="tick_runs_purge", slot="2027-03-01", state="done", outcome="0")
    TickRun.objects.create(
        job="visit_reminders",
        slot="2027-03-01T08",
        state="failed",
        attempts=3,
        last_error="OperationalError: could not connect to server",
        next_try_at=timezone.now() + dt.timedelta(minutes=4),
    )
    email_queue(
        to="ivy@example.org", subject="s", body="b", purpose="coordinator_appointed", key="1"
    )
    Message.objects.update(state="failed", attempts=6, last_error="SMTPServerDisconnected")

    _past_second_factor(page, live_server, site_admin)
    page.click("main a:has-text('Health')")
    page.wait_for_url("**/site/health/")
    assert "Failed 3 times in a row" in page.inner_text("#job-visit_reminders")
    assert page.inner_text("#count-failed") == "1"
    assert "ivy@example.org" not in page.content()
    screenshot("health-01-failing")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("health-01-failing-phone")
    page.set_viewport_size({"width": 1200, "height": 900})

    page.click("table.failed-messages button:has-text('Send again')")
    page.wait_for_selector("text=is queued to be sent again")
    assert page.inner_text("#count-queued") == "1"
    screenshot("health-02-resent")
    from kinfolk.outbox.services import outbox_deliver

    outbox_deliver()
    assert [m.to for m in mail.outbox] == [["ivy@example.org"]]
