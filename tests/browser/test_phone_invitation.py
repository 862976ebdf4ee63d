"""An imported person invited by text message accepts in Chromium and signs in with their number.

Screenshots of the acceptance page, the sign-in page and the texted password
link's request page, at 1280 and 360 px wide.
"""

from __future__ import annotations

import re

import pytest

from kinfolk.imports import inviting, running, services
from kinfolk.imports.tests.conftest import households_csv, row
from kinfolk.outbox.models import Message
from kinfolk.people.models import Household

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long and quiet river"


def _shots(page, screenshot, name):
    screenshot(f"{name}-1280")
    page.set_viewport_size({"width": 360, "height": 780})
    screenshot(f"{name}-360")
    page.set_viewport_size({"width": 1280, "height": 900})


def _texted_link(programme, coordinator):
    made = services.import_upload(
        programme=programme,
        side="household",
        filename="h.csv",
        data=households_csv(row(1, email="", phone="07700 100123", first_name="Amira")),
        by=coordinator,
    )
    services.import_map(people_import=made, mapping=made.mapping, by=coordinator)
    running.import_preview(import_id=made.pk)
    made.refresh_from_db()
    services.import_commit_start(people_import=made, by=coordinator)
    running.import_commit(import_id=made.pk)
    made.refresh_from_db()
    inviting.invitations_start(people_import=made, by=coordinator)
    inviting.invitations_send(import_id=made.pk, by_id=coordinator.pk)
    body = Message.objects.get(channel="sms", purpose="invitation").body
    return re.search(r"http\S+", body).group(0).replace("http://127.0.0.1:8000", "")


def test_a_texted_invitation_is_accepted_and_the_number_signs_in(
    page, live_server, settings, programme, coordinator, screenshot
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    page.set_viewport_size({"width": 1280, "height": 900})
    link = _texted_link(programme, coordinator)
    page.goto(live_server.url + link)
    assert "You will sign in with your mobile number, +44 7700 100123" in page.inner_text("main")
    _shots(page, screenshot, "phone-01-accept")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.check("input[name=consent]")
    page.click("main button:has-text('Accept and join')")
    page.wait_for_url(re.compile(r".*/h/\d+/.*|.*/households?/\d+.*|.*/home.*"))
    assert Household.objects.get(external_id="H1").state == "active"

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "07700 100123")
    page.fill("input[name=password]", PASSWORD)
    _shots(page, screenshot, "phone-02-sign-in")
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/password/reset/")
    _shots(page, screenshot, "phone-03-forgot-password")
