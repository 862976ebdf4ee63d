"""The outcome report of a programme with regions in Chromium: prepared in the background while
the reader watches its progress, then shown by region, with the time its figures were built."""

from __future__ import annotations

import pytest

from kinfolk.regions.models import Region, RegionTown
from kinfolk.reports.keeping import reports_refresh
from kinfolk.reports.models import StoredReport
from kinfolk.staff.models import Viewer
from kinfolk.testing import make_user
from tests.browser.conftest import sign_in_as
from tests.browser.test_console_clean import WIDTHS, _watch
from tests.browser.test_outcome_report import _programme_over_two_years

pytestmark = pytest.mark.django_db(transaction=True)


def _regions(programme):
    """West (Leeds, Bradford) and South (Wakefield); Otley is in no region."""
    for name, towns in (("West", ("Leeds", "Bradford")), ("South", ("Wakefield",))):
        region = Region.objects.create(programme=programme, name=name)
        for town in towns:
            RegionTown.objects.create(programme=programme, region=region, town=town)


def test_the_report_is_prepared_then_shown_by_region(page, live_server, screenshot):
    programme = _programme_over_two_years()
    _regions(programme)
    trustee = make_user("tess@example.org", first_name="Tess")
    Viewer.objects.create(programme=programme, user=trustee)
    # Asked for already (by another reader), not built yet: no task runs it for this one.
    StoredReport.objects.create(programme=programme, scope="all/all")
    problems = _watch(page)
    sign_in_as(page, live_server, trustee)
    page.goto(f"{live_server.url}/p/{programme.pk}/outcomes/")
    page.wait_for_selector("text=The report is being prepared.")
    assert page.locator("#report-progress progress").count() == 1
    screenshot("reports-outcomes-preparing")
    reports_refresh()  # the worker's tick; the page polls and reloads by itself
    page.wait_for_selector("svg.chart")
    page.wait_for_load_state("networkidle")
    assert page.locator("text=Figures as of").count() == 1
    regions = page.locator("#by-region")
    assert regions.locator("th[scope=row]").all_inner_texts() == [
        "South",
        "West",
        "Outside any region",
        "whole programme",
    ]
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"reports-outcomes-regions-{width}")
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"the page scrolls sideways at {width} px"
    assert problems == []
