"""Each role signs in through the real login page and lands on a page that makes sense."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import sign_in, sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinator_lands_on_the_programme_overview(
    page, live_server, coordinator, volunteer, screenshot
):
    sign_in_as(page, live_server, coordinator)
    page.wait_for_url(f"**/p/{volunteer.programme_id}/")
    assert "Leeds Befriending" in page.inner_text("h1")
    screenshot("coordinator-overview")


def test_volunteer_lands_on_their_own_page(page, live_server, volunteer, screenshot):
    sign_in_as(page, live_server, volunteer.user)
    page.wait_for_url(f"**/me/volunteer/{volunteer.pk}/")
    assert "Vera" in page.inner_text("main")
    screenshot("volunteer-home")


def test_household_lands_on_their_own_page(
    page, live_server, household_user, household, screenshot
):
    sign_in_as(page, live_server, household_user)
    page.wait_for_url(f"**/me/household/{household.pk}/")
    assert "Hana" in page.inner_text("main")
    screenshot("household-home")


def test_site_admin_passes_two_factor_and_sees_the_programmes(
    page, live_server, site_admin, programme, screenshot
):
    device = TOTPDevice.objects.create(user=site_admin, name="phone", confirmed=True)
    sign_in_as(page, live_server, site_admin)
    page.wait_for_url("**/accounts/two-factor/verify/**")
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.fill("input[name=code]", f"{code:06d}")
    page.click("main button[type=submit]")
    page.wait_for_url("**/site/")
    assert "Programmes" in page.inner_text("h1")
    assert "Leeds Befriending" in page.inner_text("main")
    screenshot("site-admin-programmes")


def test_wrong_password_keeps_the_person_on_the_login_page(page, live_server, volunteer):
    sign_in(page, live_server, volunteer.user.email, "not the password")
    assert "/accounts/login/" in page.url
    assert "correct" in page.inner_text("main")
