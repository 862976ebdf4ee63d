"""A household downloads its data, reads it, and erases its account, in Chromium.

The volunteer's page then says only that the pairing ended: no name, and
nothing of the household is left to find.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from kinfolk.people.models import Household
from kinfolk.testing import make_pairing, make_visit
from tests.browser.conftest import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)


def _at(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})


def test_a_household_downloads_its_data_then_erases_its_account(
    page, live_server, household, household_user, volunteer, screenshot
):
    pairing = make_pairing(volunteer, household)
    make_visit(pairing, household_words="A warm afternoon")
    sign_in_as(page, live_server, household_user)
    page.goto(live_server.url + reverse("privacy:my_data"))
    page.click("summary:has-text('Visits')")
    assert "A warm afternoon" in page.inner_text("main")
    for width in (1280, 360):
        _at(page, width)
        screenshot(f"rights-01-my-data-{width}")

    with page.expect_download() as download_info:
        page.click("main button:has-text('Download my data')")
    archive = zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    data = json.loads(archive.read("my-data.json"))
    assert data["profiles"][0]["first_name"] == "Hana"
    assert data["visits"][0]["your_words"] == "A warm afternoon"
    assert "not shown the report" in archive.read("README.txt").decode()

    _at(page, 1280)
    page.click("main a:has-text('Delete my account')")
    for width in (1280, 360):
        _at(page, width)
        screenshot(f"rights-02-delete-confirm-{width}")
    page.click("main button:has-text('Erase my account now')")
    page.wait_for_selector("text=Tick the box")
    page.check("input[name=understood]")
    page.click("main button:has-text('Erase my account now')")
    page.wait_for_url(f"**{reverse('privacy:account_deleted')}")
    for width in (1280, 360):
        _at(page, width)
        screenshot(f"rights-03-erased-{width}")
    assert Household.objects.get(pk=household.pk).is_erased

    _at(page, 1280)
    sign_in_as(page, live_server, volunteer.user)
    page.goto(live_server.url + reverse("people:volunteer_home", args=[volunteer.pk]))
    text = page.inner_text("main")
    assert "Your pairing ended on" in text
    assert "Hana" not in text
    for width in (1280, 360):
        _at(page, width)
        screenshot(f"rights-04-volunteer-after-{width}")


def test_a_coordinator_records_an_erasure_and_an_administrator_sets_retention(
    page, live_server, programme, coordinator, household, site_admin, screenshot
):
    from tests.browser.test_health_flow import _past_second_factor

    sign_in_as(page, live_server, coordinator)
    url = reverse("programmes:household_detail", args=[programme.pk, household.pk])
    page.goto(live_server.url + url)
    page.click("main a:has-text('Record an erasure request')")
    for width in (1280, 360):
        _at(page, width)
        screenshot(f"rights-05-paper-erasure-{width}")
    page.check("input[name=asked]")
    page.click("main button:has-text('Erase now')")
    page.wait_for_selector("text=only a dated record remains")
    assert "(erased)" in page.inner_text("main table")
    screenshot("rights-06-erased-in-list-1280")

    Household.objects.filter(pk=household.pk).update(state="left")
    _at(page, 1280)
    _past_second_factor(page, live_server, site_admin)
    page.goto(live_server.url + reverse("privacy_admin:retention", args=[programme.pk]))
    page.fill("input[name=months]", "0")
    page.click("main button:has-text('Save')")
    page.wait_for_selector(".errorlist")
    for width in (1280, 360):
        _at(page, width)
        screenshot(f"rights-07-retention-refused-{width}")
    page.fill("input[name=months]", "24")
    page.click("main button:has-text('Save')")
    page.wait_for_selector("text=kept for 24 months")
    screenshot("rights-08-retention-saved-1280")
