"""The collected counts as JSON, so a built report can be kept in the database.

What is kept is the counts before any is withheld (``Collected``), not the
page: the page withholds small cells and words its labels in the reader's
language each time it is read, from these counts, in milliseconds.  JSON
rather than pickle: a row read back can never run code.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from kinfolk.reports.periods import Period
from kinfolk.reports.selectors import Collected, Facts

#: Bumped when the shape changes; a kept report of another version is built again.
VERSION = 1

_COUNTS = ("formed", "ended", "active", "windows", "met", "window_pairs")
_MORE = ("rating_sum", "ratings", "ratings_good", "raters")
_HISTOGRAMS = ("lengths", "waits")


def _facts_dump(f: Facts) -> dict[str, Any]:
    out: dict[str, Any] = {name: getattr(f, name) for name in (*_COUNTS, *_MORE)}
    out["endings"] = dict(f.endings)
    for name in _HISTOGRAMS:
        out[name] = [[k, v] for k, v in sorted(getattr(f, name).items())]
    return out


def _facts_load(data: dict[str, Any]) -> Facts:
    f = Facts(**{name: int(data[name]) for name in (*_COUNTS, *_MORE)})
    f.endings = Counter({str(k): int(v) for k, v in data["endings"].items()})
    for name in _HISTOGRAMS:
        setattr(f, name, Counter({int(k): int(v) for k, v in data[name]}))
    return f


def snapshot_dump(collected: Collected, periods: list[Period]) -> dict[str, Any]:
    """The counts and their periods as JSON-ready values."""
    return {
        "version": VERSION,
        "periods": [[p.label, p.start.isoformat(), p.end.isoformat()] for p in periods],
        "towns": collected.towns,
        "organisations": collected.organisations,
        "regions": None if collected.regions is None else [list(r) for r in collected.regions],
        "table": [
            [town, organisation, region, [_facts_dump(f) for f in facts]]
            for (town, organisation, region), facts in collected.table.items()
        ],
    }


def snapshot_load(data: dict[str, Any]) -> tuple[Collected, list[Period]]:
    """The counts and periods back from ``snapshot_dump``; ValueError for another version."""
    if data.get("version") != VERSION:
        raise ValueError(f"a kept report of version {data.get('version')!r}, not {VERSION}")
    periods = [
        Period(label, dt.date.fromisoformat(start), dt.date.fromisoformat(end))
        for label, start, end in data["periods"]
    ]
    table = {
        (town, organisation, region): [_facts_load(f) for f in facts]
        for town, organisation, region, facts in data["table"]
    }
    regions = data["regions"]
    return (
        Collected(
            table,
            list(data["towns"]),
            list(data["organisations"]),
            None if regions is None else [(int(pk), str(name)) for pk, name in regions],
        ),
        periods,
    )
