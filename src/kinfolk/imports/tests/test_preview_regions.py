"""The import preview says which region each new and updated row lands in."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from kinfolk.imports import services
from kinfolk.imports.tests.conftest import households_csv, row
from kinfolk.people.models import Household
from kinfolk.regions.services import region_save


def _regions(programme):
    north = region_save(programme=programme, name="West Yorkshire", towns_text="Leeds\nBradford")
    region_save(programme=programme, name="Coast", towns_text="Scarborough")
    return north


def test_the_preview_counts_new_and_updated_rows_per_region_and_outside_any(journey, programme):
    north = _regions(programme)
    journey(households_csv(row(1), row(2, town="York")), commit=True)
    # A coordinator put H2 (York) in West Yorkshire by hand: an import keeps that.
    Household.objects.filter(external_id="H2").update(region_by_hand=north)
    made = journey(
        households_csv(
            row(1, first_name="Anne"),  # updated, Leeds
            row(2, first_name="Bea", town="York"),  # updated, by hand
            row(3, town="Bradford"),  # new
            row(4, town="Scarborough"),  # new
            row(5, town="Harrogate"),  # new, in no region
            row(6, lat=200),  # invalid: not counted
        )
    )
    assert (made.new, made.updated, made.invalid) == (3, 2, 1)
    assert made.regions_shown == [["Coast", 1, 0], ["West Yorkshire", 1, 2], [None, 1, 0]]


def test_the_page_shows_the_regions_and_the_list_downloads(client, coordinator, journey, programme):
    _regions(programme)
    made = journey(households_csv(row(1), row(2, town="Harrogate"), row(3, town="=cmd")))
    client.force_login(coordinator)
    page = client.get(reverse("imports:detail", args=[made.programme_id, made.pk])).content
    page = page.decode()
    assert 'id="regions"' in page
    assert "West Yorkshire" in page and "Outside any region" in page
    response = client.get(reverse("imports:placements", args=[made.programme_id, made.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith(f'import-{made.pk}-regions.csv"')
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "row,id,town,region,change",
        "2,H1,Leeds,West Yorkshire,new",
        "3,H2,Harrogate,Outside any region,new",
        "4,H3,'=cmd,Outside any region,new",  # a cell a spreadsheet would run, neutralised
    ]


def test_a_programme_without_regions_shows_no_region_table(client, coordinator, journey):
    made = journey(households_csv(row(1)))
    assert (made.regions_shown, made.placements_csv) == (None, "")
    client.force_login(coordinator)
    page = client.get(reverse("imports:detail", args=[made.programme_id, made.pk])).content
    assert b'id="regions"' not in page and b"Outside any region" not in page


def test_a_region_name_a_spreadsheet_would_run_is_neutralised_in_the_list(journey, programme):
    region_save(programme=programme, name="=HYPERLINK(1)", towns_text="Leeds")
    made = journey(households_csv(row(1)))
    assert "2,H1,Leeds,'=HYPERLINK(1),new" in made.placements_csv


def test_the_committed_import_counts_where_people_went(journey, programme):
    _regions(programme)
    made = journey(households_csv(row(1), row(2, town="York")), commit=True)
    assert made.status == "committed"
    assert made.regions_shown == [["Coast", 0, 0], ["West Yorkshire", 1, 0], [None, 1, 0]]


def test_another_programmes_coordinator_cannot_download_the_list(
    client, other_coordinator, journey, programme, other_programme
):
    _regions(programme)
    made = journey(households_csv(row(1)))
    client.force_login(other_coordinator)
    url = reverse("imports:placements", args=[programme.pk, made.pk])
    assert client.get(url).status_code == 404
    own = reverse("imports:placements", args=[other_programme.pk, made.pk])
    assert client.get(own).status_code == 404


def test_the_list_is_forgotten_with_the_problems_after_a_week(journey, programme):
    _regions(programme)
    made = journey(households_csv(row(1)), commit=True)
    assert made.placements_csv
    services.import_problems_purge(now=timezone.now() + dt.timedelta(days=8))
    made.refresh_from_db()
    assert made.placements_csv == ""
