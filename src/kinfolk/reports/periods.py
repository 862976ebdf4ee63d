"""The quarters a report covers, ending with the one that holds today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: Two years: enough for a funder to see a trend, few enough to read on a phone.
QUARTERS = 8


@dataclass(frozen=True)
class Period:
    """Dates from ``start`` to ``end`` inclusive; the current quarter ends today."""

    label: str
    start: dt.date
    end: dt.date


def quarter_periods(today: dt.date, count: int = QUARTERS) -> list[Period]:
    """The ``count`` calendar quarters up to and including today's, oldest first.

    >>> [p.label for p in quarter_periods(dt.date(2026, 5, 2), 3)]
    ['2025 Q4', '2026 Q1', '2026 Q2']
    >>> quarter_periods(dt.date(2026, 5, 2), 1)[0].end
    datetime.date(2026, 5, 2)
    """
    index = today.year * 4 + (today.month - 1) // 3
    periods = []
    for k in range(index - count + 1, index + 1):
        year, q = divmod(k, 4)
        start = dt.date(year, 3 * q + 1, 1)
        after = dt.date(year + (q == 3), (3 * q + 3) % 12 + 1, 1)
        end = min(after - dt.timedelta(days=1), today)
        periods.append(Period(f"{year} Q{q + 1}", start, end))
    return periods
