"""In Chromium: a programme divided into regions; a region's coordinator sees only theirs."""

from __future__ import annotations

import pytest

from kinfolk.programmes.models import Coordinator
from kinfolk.regions.models import CoordinatorRegion, Region
from kinfolk.testing import (
    make_coordinator,
    make_household,
    make_pairing,
    make_user,
    make_visit,
    make_volunteer,
)
from tests.browser.conftest import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1280, 360)


def _both_widths(page, screenshot, name):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        screenshot(f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def _people(programme):
    for n, town in enumerate(("Leeds", "Leeds", "York", "York", "Harrogate", "Otley")):
        volunteer = make_volunteer(programme, user=make_user(), first_name=f"Vol{n}", town=town)
        household = make_household(
            programme, users=(make_user(),), first_name=f"Home{n}", town=town
        )
        if n % 2 == 0:
            make_visit(make_pairing(volunteer, household), state="agreed")


def test_coordinator_adds_regions_and_a_region_coordinator_sees_only_theirs(
    page, live_server, screenshot, programme, coordinator
):
    _people(programme)
    sign_in_as(page, live_server, coordinator)
    page.goto(f"{live_server.url}/p/{programme.pk}/regions/")
    page.fill("input[name=name]", "North")
    page.fill("textarea[name=towns]", "York\nHarrogate")
    page.click("form:has(textarea[name=towns]) button[type=submit]")
    page.fill("input[name=name]", "West")
    page.fill("textarea[name=towns]", "Atlantis")
    page.click("form:has(textarea[name=towns]) button[type=submit]")
    assert page.get_by_text("Atlantis").first.is_visible()  # the error names the town
    page.fill("textarea[name=towns]", "Leeds")
    page.click("form:has(textarea[name=towns]) button[type=submit]")
    assert page.locator(".region-breakdown").is_visible()
    assert page.get_by_text("Outside any region").first.is_visible()
    _both_widths(page, screenshot, "regions")
    page.click("#outside a:text-is('Place') >> nth=0")
    page.select_option("select[name=region]", value=str(Region.objects.get(name="West").pk))
    _both_widths(page, screenshot, "region-place")
    page.click("main button[type=submit]")
    page.goto(f"{live_server.url}/p/{programme.pk}/")
    _both_widths(page, screenshot, "overview-by-region")
    page.goto(f"{live_server.url}/p/{programme.pk}/visits/")
    _both_widths(page, screenshot, "visits-by-region")

    rhea = make_coordinator(programme, make_user("rhea@example.org", first_name="Rhea"))
    CoordinatorRegion.objects.create(
        coordinator=Coordinator.objects.get(user=rhea), region=Region.objects.get(name="North")
    )
    sign_in_as(page, live_server, rhea)
    page.goto(f"{live_server.url}/p/{programme.pk}/")
    body = page.locator("main").inner_text()
    assert "North" in body and "West" not in body and "Outside any region" not in body
    assert "Vol0" not in page.goto(f"{live_server.url}/p/{programme.pk}/volunteers/").text()
    page.goto(f"{live_server.url}/p/{programme.pk}/")
    _both_widths(page, screenshot, "overview-region-coordinator")
