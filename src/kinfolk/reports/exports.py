"""The outcome report as rows of a CSV file: the same figures, withheld alike, as the page."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kinfolk.reports.build import Report


def report_header() -> list[str]:
    return [_("section"), _("figure"), _("group"), _("period"), _("value")]


def report_rows(report: Report) -> list[list[Any]]:
    """One row per figure; a withheld figure's value reads "fewer than 5", never a number.

    Text cells pass through ``csv_stream``, which neutralises formulas (a town
    or organisation named ``=...`` stays text in a spreadsheet).
    """
    rows: list[list[Any]] = []
    seen: set[str] = set()
    for section in report.sections:
        for line in section.lines:
            # "Pairings ended" heads two sections; the file holds it once.
            if line.label in seen:
                continue
            seen.add(line.label)
            for period, figure in zip(report.periods, line.figures, strict=True):
                rows.append([section.title, line.label, "", period.label, figure.text])
    span = f"{report.first.isoformat()}..{report.last.isoformat()}"
    for breakdown in report.breakdowns:
        for line in breakdown.lines:
            for column, figure in zip(breakdown.columns, line.figures, strict=True):
                rows.append([breakdown.title, column, line.label, span, figure.text])
    return rows
