"""In Chromium: a coordinator sets the rates, reads the forecast, asks what if, sets a budget.

The console stays clean (no CSP report from the SVG charts).  Screenshots at
1280 and 360 px wide when KINFOLK_SCREENSHOTS names a folder.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kinfolk.budget.models import AnnualBudget, RateCard
from kinfolk.budget.tests.helpers import EVERY_SLOT, north_of, rates_add
from kinfolk.programmes.models import Organisation
from kinfolk.testing import make_household, make_pairing, make_volunteer
from tests.browser.conftest import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)

TOWNS = ("Leeds", "Otley", "Wetherby", "Pudsey")
MODES = ("car", "public", "walk")


def _both_widths(page, screenshot, name):
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"budget-{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return problems


def _programme_of_pairs(programme, n=24):
    today = programme.today()
    acme = Organisation.objects.create(programme=programme, name="Acme Volunteers")
    for i in range(n):
        volunteer = make_volunteer(
            programme,
            travel_mode=MODES[i % 3],
            availability=EVERY_SLOT,
            organisation=acme if i % 2 else None,
        )
        household = make_household(
            programme,
            town=TOWNS[i % 4],
            travel_mode=MODES[(i + 1) % 3],
            availability=EVERY_SLOT,
            lat=north_of(programme.centre_lat, 1 + i % 9),
            lon=programme.centre_lon,
        )
        make_pairing(volunteer, household, started_on=today - dt.timedelta(days=7 * (i % 30)))


def test_a_coordinator_costs_the_year(page, live_server, programme, coordinator, screenshot):
    _programme_of_pairs(programme)
    rates_add(programme, effective_from=programme.today() - dt.timedelta(days=60))
    problems = _watch(page)
    sign_in_as(page, live_server, coordinator)

    page.goto(live_server.url + reverse("budget:rates", args=[programme.pk]))
    page.fill("input[name=car_per_km_minor]", "-0.45")
    page.click("main form button[type=submit]")
    assert "A rate cannot be negative." in page.inner_text("main")
    assert RateCard.objects.count() == 1
    _both_widths(page, screenshot, "rates-refused")
    page.fill("input[name=car_per_km_minor]", "0.50")
    page.click("main form button[type=submit]")
    assert "The rates are saved" in page.inner_text("main")
    assert RateCard.objects.count() == 2
    _both_widths(page, screenshot, "rates")

    page.goto(live_server.url + reverse("budget:forecast", args=[programme.pk]))
    assert page.locator("svg.cost-svg rect").count() > 12
    assert "Otley" in page.inner_text("main") and "Acme Volunteers" in page.inner_text("main")
    _both_widths(page, screenshot, "forecast")
    with page.expect_download() as download:
        page.click("text=Download CSV")
    assert download.value.suggested_filename.endswith(".csv")

    page.goto(live_server.url + reverse("budget:what_if", args=[programme.pk]))
    page.select_option("select[name=cadence_weeks]", "4")
    page.fill("input[name=pairs]", "40")
    page.click("main form button[type=submit]")
    assert "Side by side" in page.inner_text("main")
    _both_widths(page, screenshot, "what-if")

    page.goto(live_server.url + reverse("budget:dashboard", args=[programme.pk]))
    page.fill("input[name=starts_on]", programme.today().replace(day=1).isoformat())
    page.fill("input[name=amount_minor]", "1500")
    page.click("main form button[type=submit]")
    assert AnnualBudget.objects.get().amount_minor == 150000
    assert "runs out in" in page.inner_text("main")
    _both_widths(page, screenshot, "dashboard")
    assert problems == []
