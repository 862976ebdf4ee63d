"""Getting back in, in a real browser: a forgotten password, an administrator's new phone."""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kinfolk.testing import make_user
from tests.browser.conftest import sign_in, sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_forgotten_password_is_replaced_from_a_link_by_e_mail(
    page, live_server, volunteer, screenshot
):
    volunteer.user.set_password("a password long forgotten")
    volunteer.user.save(update_fields=["password"])
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("text=Forgot your password?")
    page.fill("input[name=email]", volunteer.user.email)
    screenshot("password-reset-1-ask")
    page.click("main button[type=submit]")
    page.wait_for_selector("h1:has-text('Check your inbox')")
    screenshot("password-reset-2-sent")
    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/accounts/password/\S+/)", message.body).group(1)
    page.goto(live_server.url + link)
    page.fill("input[name=new_password1]", "short-pass")
    page.fill("input[name=new_password2]", "short-pass")
    page.click("main button[type=submit]")
    assert "at least 12 characters" in page.inner_text("main")
    screenshot("password-reset-3-too-short")
    page.fill("input[name=new_password1]", "a pass phrase of my own")
    page.fill("input[name=new_password2]", "a pass phrase of my own")
    page.click("main button[type=submit]")
    page.wait_for_selector("h1:has-text('Your new password is saved')")
    screenshot("password-reset-4-done")
    sign_in(page, live_server, volunteer.user.email, "a pass phrase of my own")
    page.wait_for_url(f"**/me/volunteer/{volunteer.pk}/")


def _verify(page, device) -> None:
    page.wait_for_url("**/accounts/two-factor/verify/**")
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.fill("input[name=code]", f"{code:06d}")
    page.click("main button[type=submit]")


def _shot(page, name: str) -> None:
    folder = os.environ.get("KINFOLK_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_an_administrator_enrols_a_colleagues_authenticator_with_a_one_time_link(
    page, chromium, live_server, site_admin, programme, coordinator, screenshot
):
    grace = make_user("grace@example.org", first_name="Grace", is_staff=True)
    device = TOTPDevice.objects.create(user=site_admin, name="phone", confirmed=True)
    sign_in_as(page, live_server, site_admin)
    _verify(page, device)
    page.goto(f"{live_server.url}/site/{programme.pk}/")
    screenshot("admin-programme-coordinators")
    page.goto(f"{live_server.url}/site/")
    page.click("text=Site administrators and their authenticators")
    page.click("tr:has-text('Grace') button:has-text('Issue an enrolment link')")
    link = page.inner_text("#enrolment-link")
    screenshot("admin-enrolment-link")

    # Grace, on her phone: her password alone does not let her add an authenticator.
    phone = chromium.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in_as(phone, live_server, grace)
    phone.wait_for_url("**/accounts/two-factor/")
    assert "one-time enrolment link" in phone.inner_text("main")
    _shot(phone, "two-factor-refused-phone")
    phone.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    phone.wait_for_url("**/accounts/two-factor/")
    _shot(phone, "two-factor-setup-phone")
    key = base64.b32decode(phone.inner_text("main code"))
    phone.fill("input[name=code]", f"{totp(key):06d}")
    phone.click("main button[type=submit]")
    phone.wait_for_selector("text=Two-factor authentication is on")
    phone.goto(f"{live_server.url}/site/")
    assert "Programmes" in phone.inner_text("h1")
    phone.context.close()
