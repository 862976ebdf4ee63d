"""The outcome report in Chromium: charts drawn, console clean, readable at 360 px and in print."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kinfolk.programmes.models import Organisation
from kinfolk.reports.tests.conftest import pair
from kinfolk.staff.models import Viewer
from kinfolk.testing import make_coordinator, make_programme, make_user, make_visit
from tests.browser.conftest import sign_in_as
from tests.browser.test_console_clean import WIDTHS, _watch

pytestmark = pytest.mark.django_db(transaction=True)


def _programme_over_two_years():
    """Pairings formed each quarter in three towns and two organisations, some ended, visits met."""
    programme = make_programme()
    acme = Organisation.objects.create(programme=programme, name="Acme Ltd", kind="company")
    today = timezone.localdate()
    towns = ("Leeds", "Leeds", "Bradford", "Wakefield", "Leeds", "Bradford", "Otley")
    n = 0
    for quarter in range(8):
        started = today - dt.timedelta(days=91 * (7 - quarter) + 10)
        for k in range(9 + quarter % 3):
            n += 1
            fields = {}
            if quarter < 6 and k % 2 == 0:
                ended = started + dt.timedelta(days=120 + 7 * k)
                fields = {
                    "state": "ended",
                    "ended_at": dt.datetime.combine(ended, dt.time(12), dt.UTC),
                    "ended_by": ("household", "household", "volunteer", "left")[n % 4],
                }
            pairing = pair(
                programme,
                town=towns[n % len(towns)],
                started_on=started,
                waited=(7 * (1 + n % 5), 7 * (2 + n % 4)),
                organisation=acme if n % 2 else None,
                **fields,
            )
            window = started + dt.timedelta(days=40)
            if window < today - dt.timedelta(days=7):
                make_visit(
                    pairing,
                    window_start=window,
                    state="happened" if n % 4 else "missed",
                    volunteer_rating=None if n % 4 == 0 else 3 + n % 3,
                    household_rating=None if n % 4 == 0 else 2 + n % 4,
                )
    return programme


def test_viewer_reads_the_report_with_charts_clean_console(page, live_server, screenshot):
    programme = _programme_over_two_years()
    trustee = make_user("tess@example.org", first_name="Tess")
    Viewer.objects.create(programme=programme, user=trustee)
    problems = _watch(page)
    sign_in_as(page, live_server, trustee)
    page.goto(f"{live_server.url}/p/{programme.pk}/outcomes/")
    # The first reader asks for the report; the page follows its build and reloads when built.
    page.wait_for_selector("svg.chart")
    page.wait_for_load_state("networkidle")
    drawn = page.locator("svg.chart").count()
    assert drawn >= 4
    assert drawn + page.locator("p.report-empty").count() == 6
    assert page.locator("td.withheld").count() > 0
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"reports-outcomes-{width}")
        # Nothing but the tables' own scrolling boxes may be wider than the screen.
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"the page scrolls sideways at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("text=Printable page")
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    assert not page.locator("header.topbar").is_visible()
    screenshot("reports-outcomes-print")
    assert problems == []


def test_coordinator_reaches_the_report_from_the_programme_menu(page, live_server, screenshot):
    programme = _programme_over_two_years()
    coordinator = make_coordinator(programme, make_user("cora@example.org", first_name="Cora"))
    problems = _watch(page)
    sign_in_as(page, live_server, coordinator)
    page.goto(f"{live_server.url}/p/{programme.pk}/")
    page.click("nav.programme-nav >> text=Outcomes")
    page.wait_for_selector("svg.chart")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/p/{programme.pk}/outcomes/")
    screenshot("reports-outcomes-coordinator")
    assert problems == []
