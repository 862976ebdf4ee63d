"""The report by region, against figures worked out by hand, and a region-limited reader's view.

The programme (all pairings formed on 5 October 2026, in the report's last
quarter, none ended) has two regions: West (Leeds) and North (Harrogate, York).

=====================================  ========  ==========  =========
pairs (volunteer's town → household's)  count    household's region
=====================================  ========  =====================
York → York                             6        North
Leeds → Leeds, household placed by hand 1        North (by hand)
York → Leeds                            5        West (across the border)
Leeds → Leeds                           5        West
Otley → Otley                           5        outside any region
=====================================  ========  =====================

So by region: North 7, West 10, outside 5, whole programme 22.  A coordinator
limited to North sees the pairs with a side in North (6 + 1 + 5 = 12): North 7
and 5 with the household in another region; West's own 5 pairs never count.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from kinfolk.programmes.models import Programme
from kinfolk.regions.tests.conftest import limit_to, make_region
from kinfolk.reports.build import report_build
from kinfolk.reports.keeping import reports_refresh
from kinfolk.reports.tests.conftest import TODAY
from kinfolk.staff.models import Viewer
from kinfolk.testing import (
    make_coordinator,
    make_household,
    make_pairing,
    make_user,
    make_volunteer,
)

pytestmark = pytest.mark.django_db

W = "fewer than 5"
STARTED = dt.date(2026, 10, 5)


def _pairs(programme, n, v_town, h_town, **household):
    for _i in range(n):
        volunteer = make_volunteer(programme, town=v_town)
        make_pairing(
            volunteer, make_household(programme, town=h_town, **household), started_on=STARTED
        )


@pytest.fixture
def regions(programme):
    west = make_region(programme, "West", "Leeds")
    north = make_region(programme, "North", "Harrogate", "York")
    _pairs(programme, 6, "York", "York")
    _pairs(programme, 1, "Leeds", "Leeds", region_by_hand=north)
    _pairs(programme, 5, "York", "Leeds")
    _pairs(programme, 5, "Leeds", "Leeds")
    _pairs(programme, 5, "Otley", "Otley")
    return {"west": west, "north": north}


def _by_region(report):
    found = [b for b in report.breakdowns if b.slug == "region"]
    if not found:
        return None
    # formed, ended, active of each row
    return {line.label: [f.text for f in line.figures[:3]] for line in found[0].lines}


def _limited(programme, *regions):
    limited = Programme.objects.get(pk=programme.pk)
    limited.region_limit = frozenset(r.pk for r in regions)  # as programme_get sets it
    return limited


def test_each_region_counts_the_pairs_of_its_households(programme, regions):
    rows = _by_region(report_build(programme=programme, today=TODAY))
    assert rows == {
        "North": ["7", W, "7"],  # York's 6 and the household placed in North by hand
        "West": ["10", W, "10"],  # Leeds' 5, and 5 across the border from York
        "Outside any region": ["5", W, "5"],
        "whole programme": ["22", W, "22"],
    }


def test_a_small_region_is_withheld_and_so_is_the_figure_that_would_give_it_away(
    programme, regions
):
    make_region(programme, "East", "Hull")
    _pairs(programme, 2, "Hull", "Hull")
    rows = _by_region(report_build(programme=programme, today=TODAY))
    # 24 = 7 + 10 + 5 + 2: East's 2 is withheld, and the smallest count beside it (5) too.
    assert rows["East"][0] == W
    assert rows["Outside any region"][0] == W
    assert rows["North"][0] == "7" and rows["West"][0] == "10"
    assert rows["whole programme"][0] == "24"


def test_an_empty_region_has_its_row_withheld(programme, regions):
    make_region(programme, "South", "Wakefield")
    rows = _by_region(report_build(programme=programme, today=TODAY))
    assert rows["South"] == [W, W, W]
    assert rows["whole programme"][0] == "22"


def test_no_regions_no_breakdown_by_region(programme):
    _pairs(programme, 6, "Leeds", "Leeds")
    report = report_build(programme=programme, today=TODAY)
    assert _by_region(report) is None
    assert {b.slug for b in report.breakdowns} == {"town", "organisation"}


def test_a_region_limited_reader_sees_only_their_regions(programme, regions):
    report = report_build(programme=_limited(programme, regions["north"]), today=TODAY)
    assert _by_region(report) == {
        "North": ["7", W, "7"],
        "household in another region": ["5", W, "5"],
        "whole programme": ["12", W, "12"],
    }


def test_another_regions_figures_never_appear(programme, regions):
    report = report_build(programme=_limited(programme, regions["north"]), today=TODAY)
    labels = {line.label for b in report.breakdowns for line in b.lines}
    assert "West" not in labels and "Outside any region" not in labels
    # West's own 5 pairs and Otley's 5 are in no figure: 12 formed in all, not 22.
    pairs = next(s for s in report.sections if s.slug == "pairs")
    assert pairs.lines[0].figures[-1].text == "12"
    assert "Otley" not in {line.label for b in report.breakdowns for line in b.lines}


def _read(client, user, name, programme):
    """GET a report page once its reader's report is built (the first GET asks for it)."""
    client.force_login(user)
    url = reverse(name, args=[programme.pk])
    client.get(url)
    reports_refresh()
    return client.get(url)


def test_the_page_print_and_csv_break_down_by_region(client, programme, regions):
    trustee = make_user("tess@example.org")
    Viewer.objects.create(programme=programme, user=trustee)
    page = _read(client, trustee, "reports:report", programme).content.decode()
    assert "By region" in page and "Outside any region" in page
    printable = client.get(reverse("reports:report_print", args=[programme.pk])).content.decode()
    assert "By region" in printable
    response = client.get(reverse("reports:report_csv", args=[programme.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    by_region = {(r[2], r[1]): r[4] for r in rows if r[0] == "By region"}
    assert by_region[("North", "formed")] == "7"
    assert by_region[("West", "formed")] == "10"
    assert by_region[("whole programme", "formed")] == "22"


def test_a_region_limited_coordinator_reads_only_their_regions_on_every_page(
    client, programme, regions
):
    rhea = make_coordinator(programme, make_user("rhea@example.org", first_name="Rhea"))
    limit_to(programme, rhea, regions["north"])
    page = _read(client, rhea, "reports:report", programme).content.decode()
    assert "By region" in page and ">North<" in page
    assert ">West<" not in page and "Outside any region" not in page
    assert "your regions only" in page
    response = client.get(reverse("reports:report_csv", args=[programme.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    groups = {r[2] for r in csv.reader(io.StringIO(text)) if r[0] == "By region"}
    assert groups == {"North", "household in another region", "whole programme"}
    printable = client.get(reverse("reports:report_print", args=[programme.pk])).content.decode()
    assert ">West<" not in printable


def test_the_whole_programme_report_is_never_served_to_a_region_limited_reader(
    client, programme, regions, coordinator
):
    _read(client, coordinator, "reports:report", programme)  # the whole programme's is built
    rhea = make_coordinator(programme, make_user("rhea@example.org", first_name="Rhea"))
    limit_to(programme, rhea, regions["north"])
    client.force_login(rhea)
    first = client.get(reverse("reports:report", args=[programme.pk]))
    assert first.context["report"] is None  # theirs is being prepared, not the whole one
    assert "being prepared" in first.content.decode()
