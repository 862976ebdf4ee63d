"""Where an import's new and updated people land: their region, for the preview.

A person's region after the import follows the same rule as everywhere else
(``kinfolk.regions.placing``): the region a coordinator placed them in by
hand, which an import keeps, else the region holding the town the row gives,
else outside any region.  Nothing is stored on the people: the preview only
counts, and lists each row for download.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from kinfolk.imports.models import PeopleImport
from kinfolk.pairings.importing import spreadsheet_safe
from kinfolk.regions.models import Region
from kinfolk.regions.placing import town_regions

if TYPE_CHECKING:
    from kinfolk.imports.running import Plan


@dataclass
class Landing:
    """Counts per region ([name, new, updated]; None names "outside any region") and the CSV."""

    counts: list[list[Any]]
    csv: str


def landing_make(people_import: PeopleImport, plan: Plan) -> Landing | None:
    """Each new and updated row's region; None when the programme has no regions."""
    names = dict(
        Region.objects.filter(programme_id=people_import.programme_id).values_list("pk", "name")
    )
    if not names:
        return None
    by_town = town_regions(people_import.programme_id)
    rows: list[tuple[int, str, str, int | None, str]] = [
        (r["row"], r["id"], r["town"], by_town.get(r["town"]), "new") for r in plan.new
    ]
    rows += [
        (r["row"], r["id"], r["town"], plan.by_hand.get(pk) or by_town.get(r["town"]), "updated")
        for pk, r in plan.changed
    ]
    rows.sort()
    tally = Counter((region, change) for *_start, region, change in rows)
    order = sorted(names, key=lambda pk: (names[pk].casefold(), pk))
    counts = [[names[pk], tally[pk, "new"], tally[pk, "updated"]] for pk in order]
    counts.append([None, tally[None, "new"], tally[None, "updated"]])
    return Landing(counts, _csv(rows, names))


def _csv(rows: list[tuple[int, str, str, int | None, str]], names: dict[int, str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("row"), _("id"), _("town"), _("region"), _("change")])
    outside = _("Outside any region")
    changes = {"new": _("new"), "updated": _("updated")}
    for row, external_id, town, region, change in rows:
        writer.writerow(
            [
                row,
                spreadsheet_safe(external_id),
                spreadsheet_safe(town),
                spreadsheet_safe(names[region]) if region is not None else outside,
                changes[change],
            ]
        )
    return out.getvalue()
