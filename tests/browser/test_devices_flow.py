"""Signed-in devices, in a real browser: a lost phone is signed out from the laptop."""

from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long pass phrase"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def test_a_person_signs_their_phone_out_from_the_devices_page(
    chromium, page, live_server, volunteer, screenshot
):
    volunteer.user.set_password(PASSWORD)
    volunteer.user.save(update_fields=["password"])
    phone_context = chromium.new_context(user_agent=IPHONE, viewport={"width": 360, "height": 740})
    phone = phone_context.new_page()
    sign_in(phone, live_server, volunteer.user.email, PASSWORD)
    phone.wait_for_url(f"**/me/volunteer/{volunteer.pk}/")

    sign_in(page, live_server, volunteer.user.email, PASSWORD)
    page.wait_for_url(f"**/me/volunteer/{volunteer.pk}/")
    page.click("header >> text=Devices")
    page.wait_for_selector("h1:has-text('Signed-in devices')")
    assert "Safari on iPhone" in page.inner_text("main")
    assert "Chrome on Linux" in page.inner_text("main")  # this browser, headless
    assert "this device" in page.inner_text("main")
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot("devices-1280")
    page.set_viewport_size({"width": 360, "height": 740})
    screenshot("devices-360")

    page.click("li:has-text('Safari on iPhone') >> text=Sign out this device")
    page.wait_for_selector("text=That device is signed out.")
    assert "iPhone" not in page.inner_text("main ul.devices")
    phone.reload()
    assert "/accounts/login/" in phone.url
    phone_context.close()

    page.click("main a:has-text('Change your password')")
    page.wait_for_selector("h1:has-text('Change your password')")
    screenshot("password-change-360")
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot("password-change-1280")


def test_an_idle_session_lands_on_the_sign_in_page_saying_why(
    page, live_server, volunteer, screenshot, settings
):
    import time

    from kinfolk.devices import sessions
    from kinfolk.devices.sessions import SessionStore

    volunteer.user.set_password(PASSWORD)
    volunteer.user.save(update_fields=["password"])
    sign_in(page, live_server, volunteer.user.email, PASSWORD)
    page.wait_for_url(f"**/me/volunteer/{volunteer.pk}/")
    (cookie,) = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    store = SessionStore(session_key=cookie["value"])
    store[sessions.SEEN] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 5
    store.save()
    page.reload()
    page.wait_for_url("**/accounts/login/**")
    assert "not used for a while" in page.inner_text("main")
    page.set_viewport_size({"width": 360, "height": 740})
    screenshot("timed-out-360")
