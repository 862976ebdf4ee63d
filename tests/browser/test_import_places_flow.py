"""The import preview in Chromium: where rows land by region, and the geocoder's errors.

The geocoder is a Nominatim-like server on 127.0.0.1 that the test starts.  The
live server's task backend only records jobs; the test plays the worker.
Screenshots at 1280 and 360 px wide.
"""

from __future__ import annotations

import re

import pytest

from kinfolk.imports import running
from kinfolk.imports.models import PeopleImport
from kinfolk.imports.tests.nominatim_server import NominatimStub, found
from kinfolk.regions.services import region_save
from tests.browser.conftest import sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)

FILE = (
    "id,first_name,last_name,town,speaks,availability\n"
    "H1,Amira,Haddad,Leeds,ar:fluent,sat-am\n"
    "H2,王秀英,Wang,Bradford,zh:fluent,sun-pm\n"
    "H3,Алёна,Orlova,Harrogate,ru:fluent,mon-eve\n"
    "H4,Sam,Jones,Scarborough,en:fluent,tue-am\n"
    "H5,Ola,Nowak,Little Snoring,pl:fluent,tue-am\n"
    "H6,Tom,Brown,Calais,en:fluent,wed-am\n"
    "H7,Ann,Lee,Newport,en:fluent,wed-pm\n"
)


def _shots(page, screenshot, name):
    screenshot(f"{name}-1280")
    page.set_viewport_size({"width": 360, "height": 780})
    screenshot(f"{name}-360")
    page.set_viewport_size({"width": 1280, "height": 900})


def _upload_and_check(page, live_server, programme, tmp_path, text):
    page.goto(f"{live_server.url}/p/{programme.pk}/imports/")
    upload = tmp_path / "households.csv"
    upload.write_bytes(text.encode())
    page.select_option("select[name=side]", "household")
    page.set_input_files("input[name=file]", str(upload))
    page.click("main form button:has-text('Upload')")
    page.wait_for_url(re.compile(r".*/imports/\d+/$"))
    page.click("#mapping button:has-text('Check every row')")
    page.wait_for_selector("#import-progress")
    made = PeopleImport.objects.latest("pk")
    running.import_preview(import_id=made.pk)
    return made


@pytest.fixture
def nominatim(settings):
    server = NominatimStub().start()
    settings.KINFOLK_GEOCODER_URL = server.url
    settings.KINFOLK_GEOCODER_MIN_DELAY = 0
    settings.KINFOLK_GEOCODER_TIMEOUT = 2
    yield server
    server.stop()


def test_the_preview_says_where_rows_land_and_what_the_geocoder_refused(
    page, live_server, settings, programme, coordinator, screenshot, tmp_path, nominatim
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    region_save(programme=programme, name="West Yorkshire", towns_text="Leeds\nBradford")
    region_save(programme=programme, name="Coast", towns_text="Scarborough")
    nominatim.answers["little snoring"] = [found(52.8589, 0.9052)]
    nominatim.answers["calais"] = [found(50.95, 1.85, country="fr")]
    nominatim.answers["newport"] = [found(51.5877, -2.9984), found(50.7008, -1.2923)]
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_as(page, live_server, coordinator)
    page.wait_for_url(re.compile(r".*/p/.*"))

    _upload_and_check(page, live_server, programme, tmp_path, FILE)
    page.wait_for_selector("#regions")
    rows = page.inner_text("#regions")
    assert "West Yorkshire" in rows and "Coast" in rows and "Outside any region" in rows
    problems = page.inner_text("#problems")
    assert "is in FR by the geocoder, not in GB" in problems
    assert "names 2 places far apart, by the geocoder" in problems
    _shots(page, screenshot, "import-places-01-regions")

    # The geocoder goes away: a file with a place it was never asked about stops clearly.
    nominatim.stop()
    made = _upload_and_check(
        page, live_server, programme, tmp_path, FILE.replace("Little Snoring", "Great Snoring")
    )
    made.refresh_from_db()
    assert made.status == "mapping" and made.error.startswith("The geocoder at")
    page.wait_for_selector("[role=alert]:has-text('The geocoder at')")
    _shots(page, screenshot, "import-places-02-geocoder-down")
