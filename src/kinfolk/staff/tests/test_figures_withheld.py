"""The Figures page withholds small counts as the outcome report does, so the two cannot be
compared to give back a figure the report withholds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kinfolk.reports.keeping import reports_refresh
from kinfolk.reports.tests.conftest import pair
from kinfolk.staff.models import Viewer
from kinfolk.testing import make_user, make_visit, make_volunteer

pytestmark = pytest.mark.django_db

W = "fewer than 5"
NOW = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)


@pytest.fixture
def trustee(programme):
    user = make_user("tess@example.org", first_name="Tess")
    Viewer.objects.create(programme=programme, user=user)
    return user


def _figures(client, user, programme):
    client.force_login(user)
    url = reverse("staff:figures", args=[programme.pk])
    client.get(url)  # asks for the outcome report the active pairings come from
    reports_refresh(now=NOW)
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_small_counts_read_fewer_than_5(client, programme, trustee):
    for _i in range(6):
        make_volunteer(programme, state="active")
    for _i in range(2):
        make_volunteer(programme, state="applied")
    response = _figures(client, trustee, programme)
    rows = {r.label: r for r in response.context["figures"].volunteer_states}
    assert rows["active"].figure.text == "6" and rows["active"].width == 100
    assert rows["applied"].figure.text == W and rows["applied"].width == 0
    assert rows["left"].figure.text == W  # zero too: "nobody" is never told from "one"
    text = response.content.decode()
    assert '<td class="num withheld">fewer than 5</td>' in text
    assert '<td class="num">2</td>' not in text


def test_the_active_pairings_are_the_reports_withheld_alike(client, programme, trustee):
    """10 pairings formed in Q3; in Q4 3 formed and 8 ended: 5 active today.

    The report withholds Q4's 3 formed, and then the smallest figure tied to it
    (active = last quarter's 10 + 3 formed - 8 ended): the 5 active.  Shown
    here, the 5 would give the 3 back.
    """
    ended_at = dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC)
    for i in range(10):
        fields = {"state": "ended", "ended_at": ended_at, "ended_by": "household"} if i < 8 else {}
        pair(programme, started_on=dt.date(2026, 7, 10), **fields)
    for _i in range(3):
        pair(programme, started_on=dt.date(2026, 10, 5))
    response = _figures(client, trustee, programme)
    report = client.get(reverse("reports:report", args=[programme.pk])).context["report"]
    pairs = next(s for s in report.sections if s.slug == "pairs")
    assert [f.text for f in pairs.lines[2].figures[-2:]] == ["10", W]  # active, Q3 and Q4
    assert response.context["figures"].active.text == W
    assert "Active pairings as in the outcome report, as of" in response.content.decode()


def test_the_share_that_met_is_withheld_when_a_part_is_small(client, programme, trustee):
    """6 active pairings with a closed window: 4 met, 2 did not; the 4 and the 2 are withheld."""
    today = programme.today()
    for i in range(6):
        pairing = pair(programme, started_on=today - dt.timedelta(days=90))
        make_visit(
            pairing,
            window_start=today - dt.timedelta(days=30),
            state="happened" if i < 4 else "missed",
        )
    figures = _figures(client, trustee, programme).context["figures"]
    assert figures.met_total.text == "6"
    assert figures.met.text == W and figures.met_percent.withheld


def test_the_share_that_met_shows_when_every_part_is_large(client, programme, trustee):
    today = programme.today()
    for i in range(10):
        pairing = pair(programme, started_on=today - dt.timedelta(days=90))
        make_visit(
            pairing,
            window_start=today - dt.timedelta(days=30),
            state="happened" if i < 5 else "missed",
        )
    response = _figures(client, trustee, programme)
    figures = response.context["figures"]
    assert (figures.met.text, figures.met_total.text, figures.met_percent.text) == (
        "5",
        "10",
        "50%",
    )
    # The month chart: 5 happened, 5 missed that month; nothing planned reads fewer than 5.
    month = next(m for m in figures.months if m.figures["happened"].value)
    assert month.figures["happened"].text == "5" and month.figures["planned"].text == W
    assert month.widths["planned"] == 0


def test_a_coordinator_reads_the_same_withheld_figures(client, programme, coordinator):
    make_volunteer(programme, state="active")
    response = _figures(client, coordinator, programme)
    rows = {r.label: r.figure.text for r in response.context["figures"].volunteer_states}
    assert rows["active"] == W
