"""Forecast figures shaped for pages and files: the chart, the download's rows, a what-if.

Amounts stay integers of minor units until a template or a file shows them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kinfolk.budget.charts import Chart, bar_chart
from kinfolk.budget.models import AnnualBudget
from kinfolk.budget.money import money_format
from kinfolk.budget.selectors import ForecastReport
from kinfolk.engine.budget import KINDS, Forecast

#: Column names of the download (data dictionary style, not translated: files are for programs).
DOWNLOAD_HEADER = ["section", "name", "visits", "pairings", *(f"{k}_minor" for k in KINDS),
                   "total_minor", "currency"]  # fmt: skip


def kind_labels() -> dict[str, str]:
    return {
        "travel": _("Travel"),
        "allowance": _("Gifts and meals"),
        "per_diem": _("Per-diems"),
        "per_pairing": _("New pairings"),
        "staff": _("Fixed costs"),
    }


def _formatter(currency: str) -> Callable[[int], str]:
    return lambda minor: money_format(int(minor), currency)


def forecast_chart(result: Forecast, currency: str, *, budget: AnnualBudget | None = None) -> Chart:
    """Stacked bars per month, one colour per kind of cost; a rule at a twelfth of the budget."""
    labels = kind_labels()
    series = [(labels[k], f"bar-{k}", result.months[:, i].tolist()) for i, k in enumerate(KINDS)]
    line = None
    if budget is not None:
        line = (budget.amount_minor // 12, _("a twelfth of the budget"))
    return bar_chart(
        [date_format(m, "M") for m in result.month_starts],
        series,
        fmt=_formatter(currency),
        line=line,
    )


def forecast_table(report: ForecastReport) -> tuple[list[str], list[list[Any]]]:
    """The download: one row per month, per town, per organisation, and the total."""
    currency = report.programme.currency
    rows: list[list[Any]] = []
    for month in report.months:
        rows.append(["month", month.month.strftime("%Y-%m"), month.visits, "",
                     *month.kinds.values(), month.total, currency])  # fmt: skip
    for section in ("town", "organisation"):
        for group in report.groups[section]:
            kinds = [group.kinds.get(k, 0) for k in KINDS]
            rows.append([section, group.name, group.visits, group.pairings, *kinds,
                         group.total, currency])  # fmt: skip
    result = report.forecast
    rows.append(["total", f"{report.first:%Y-%m}..{report.until:%Y-%m}",
                 int(result.visits.sum()), result.pairings, *result.kind_totals.values(),
                 result.total, currency])  # fmt: skip
    return DOWNLOAD_HEADER, rows


@dataclass(frozen=True)
class Comparison:
    """The current plan and a what-if, side by side."""

    rows: list[tuple[str, str, str, str]]
    months: list[tuple[str, str, str, str]]
    chart: Chart
    current_total: int
    changed_total: int


def what_if_rows(current: Forecast, changed: Forecast, currency: str) -> Comparison:
    money = _formatter(currency)

    def diff(a: int, b: int) -> str:
        return ("+" if b > a else "") + money(b - a) if b != a else "—"

    def count_diff(a: int, b: int) -> str:
        return f"{b - a:+d}" if b != a else "—"

    visits = (int(current.visits.sum()), int(changed.visits.sum()))
    rows = [
        (_("Total"), money(current.total), money(changed.total),
         diff(current.total, changed.total)),
        (_("Visits"), str(visits[0]), str(visits[1]), count_diff(*visits)),
        (_("Pairs costed"), str(current.pairings), str(changed.pairings),
         count_diff(current.pairings, changed.pairings)),
        (_("Per pairing"), money(current.per_pairing), money(changed.per_pairing),
         diff(current.per_pairing, changed.per_pairing)),
        (_("Per visit"), money(current.per_visit), money(changed.per_visit),
         diff(current.per_visit, changed.per_visit)),
    ]  # fmt: skip
    labels = kind_labels()
    for kind in KINDS:
        a, b = current.kind_totals[kind], changed.kind_totals[kind]
        rows.append((labels[kind], money(a), money(b), diff(a, b)))
    months = [
        (date_format(m, "M Y"), money(int(a)), money(int(b)), diff(int(a), int(b)))
        for m, a, b in zip(
            current.month_starts, current.month_totals, changed.month_totals, strict=True
        )
    ]
    chart = bar_chart(
        [date_format(m, "M") for m in current.month_starts],
        [
            (_("current plan"), "bar-current", current.month_totals.tolist()),
            (_("what-if"), "bar-what-if", changed.month_totals.tolist()),
        ],
        fmt=money,
        stacked=False,
    )
    return Comparison(rows, months, chart, current.total, changed.total)
