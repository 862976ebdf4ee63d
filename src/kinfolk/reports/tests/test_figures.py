"""The report's figures against a small programme worked out by hand (see conftest)."""

from __future__ import annotations

import pytest

from kinfolk.reports.build import report_build
from kinfolk.reports.tests.conftest import TODAY

pytestmark = pytest.mark.django_db

W = "fewer than 5"


def texts(report, slug, label):
    section = next(s for s in report.sections if s.slug == slug)
    line = next(line for line in section.lines if line.label == label)
    return [f.text for f in line.figures]


def breakdown(report, slug):
    found = next(b for b in report.breakdowns if b.slug == slug)
    return {line.label: [f.text for f in line.figures] for line in found.lines}


def test_quarters_end_today(small_programme):
    report = report_build(programme=small_programme, today=TODAY)
    assert [p.label for p in report.periods][-3:] == ["2026 Q2", "2026 Q3", "2026 Q4"]
    assert report.last == TODAY
    assert len(report.periods) == 8


def test_pairings_formed_ended_and_active(small_programme):
    report = report_build(programme=small_programme, today=TODAY)
    assert texts(report, "pairs", "pairings formed")[-3:] == [W, "6", "7"]
    assert texts(report, "pairs", "pairings ended")[-2:] == [W, "5"]
    # 6 at the end of Q3; 6 - 5 + 7 at the end of Q4.
    assert texts(report, "pairs", "active at the end of the quarter")[-2:] == ["6", "8"]


def test_ending_reasons_are_all_small_so_all_withheld(small_programme):
    report = report_build(programme=small_programme, today=TODAY)
    for label in ("ended by the household", "ended by the volunteer", "someone left the programme"):
        assert texts(report, "endings", label)[-1] == W


def test_windows_met_share_and_feedback(small_programme):
    report = report_build(programme=small_programme, today=TODAY)
    # Q3: 4 of 6 closed windows met.  Q4: 3 closed windows only (the cancelled
    # and the open one do not count): too few pairs, withheld.
    assert texts(report, "met", "windows in which the pair met")[-2:] == ["67%", W]
    # Ratings 5,5,4,3 and 4,4,2,5: mean 32/8 = 4.0; 6 of 8 are 4 or 5.
    assert texts(report, "feedback", "average visit rating")[-2:] == ["4.0 / 5", W]
    assert texts(report, "feedback", "ratings of 4 or 5")[-2] == "75%"


def test_median_length_and_wait(small_programme):
    report = report_build(programme=small_programme, today=TODAY)
    # 10 July to 2 November: 115 days, 16.4 weeks.
    assert texts(report, "length", "median length of pairings that ended")[-1] == "16 weeks"
    # Q3: six waits of 14 days, six of 28: the median is 21 days, 3 weeks.
    # Q4: fourteen waits of 14 days.
    assert texts(report, "wait", "median wait of people paired")[-2:] == ["3 weeks", "2 weeks"]


def test_by_town_gathers_small_towns_and_withholds_what_subtraction_reveals(small_programme):
    report = report_build(programme=small_programme, today=TODAY)
    towns = breakdown(report, "town")
    # York's 4 pairings are gathered as "other towns" and withheld; Leeds's 9
    # would give them back (13 - 9), so Leeds is withheld too.
    assert list(towns) == ["Leeds", "other towns", "whole programme"]
    assert towns["other towns"][0] == W
    assert towns["Leeds"][0] == W
    assert towns["whole programme"][:3] == ["13", "5", "8"]
    # Active: Leeds 1 + 3, other towns 4, whole 8: Leeds 4 withheld, so other towns too.
    assert towns["Leeds"][2] == W and towns["other towns"][2] == W


def test_by_organisation_names_no_organisation(small_programme):
    report = report_build(programme=small_programme, today=TODAY)
    organisations = breakdown(report, "organisation")
    assert organisations["no organisation"][:3] == ["13", "5", "8"]


def test_an_empty_programme_withholds_everything(programme):
    report = report_build(programme=programme, today=TODAY)
    assert set(texts(report, "pairs", "pairings formed")) == {W}
    assert set(texts(report, "met", "windows in which the pair met")) == {W}
