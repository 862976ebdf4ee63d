"""Loading a running programme's existing pairs (CSV: volunteer_id, household_id, since).

All or nothing: any bad row stops the import with messages that name the row
and the field, and nothing is stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from kinfolk.pairings.models import Pairing
from kinfolk.programmes.models import Programme

COLUMNS = ("volunteer_id", "household_id", "since")


@dataclass(frozen=True)
class ImportProblem:
    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return _("row %(row)s, %(field)s: %(message)s") % {
            "row": self.row,
            "field": self.field,
            "message": self.message,
        }


class PairingImportError(Exception):
    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


def pairings_import(*, programme: Programme, text: str, today: dt.date) -> int:
    """Create an active pairing per row; return how many.  Rows are numbered as in a
    spreadsheet, the header being row 1."""
    if "\x00" in text:
        # A NUL byte is never part of an id or a date, and PostgreSQL refuses it outright.
        row = text[: text.index("\x00")].count("\n") + 1
        raise PairingImportError([ImportProblem(row, "file", _("this row holds a NUL character"))])
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise PairingImportError(
            [ImportProblem(1, c, _("this column is missing")) for c in missing]
        )
    rows = _rows(reader)
    volunteers = {
        v.external_id: v
        for v in programme.volunteers.filter(
            external_id__in={r["volunteer_id"].strip() for r in rows}
        )
    }
    households = {
        h.external_id: h
        for h in programme.households.filter(
            external_id__in={r["household_id"].strip() for r in rows}
        )
    }
    paired_v = set(
        Pairing.objects.filter(programme=programme, state="active").values_list(
            "volunteer_id", flat=True
        )
    )
    paired_h = set(
        Pairing.objects.filter(programme=programme, state="active").values_list(
            "household_id", flat=True
        )
    )
    problems: list[ImportProblem] = []
    new: list[Pairing] = []
    seen_v: dict[str, int] = {}
    seen_h: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        check = _RowCheck(number, problems)
        v = check.person(row["volunteer_id"], volunteers, "volunteer_id", paired_v, seen_v)
        h = check.person(row["household_id"], households, "household_id", paired_h, seen_h)
        since = check.since(row["since"], today)
        if v and h and since:
            new.append(
                Pairing(
                    programme=programme,
                    volunteer=v,
                    household=h,
                    started_on=since,
                    source=Pairing.Source.IMPORTED,
                )
            )
    if problems:
        raise PairingImportError(problems)
    with transaction.atomic():
        Pairing.objects.bulk_create(new, batch_size=2000)
    return len(new)


def _rows(reader: csv.DictReader[str]) -> list[dict[str, str]]:
    """All rows, or the row where the file stops being CSV (a stray line break in a field)."""
    rows = []
    try:
        for row in reader:
            rows.append({k: v or "" for k, v in row.items() if k is not None})
    except csv.Error as error:
        raise PairingImportError(
            [ImportProblem(len(rows) + 2, "file", _("this is not valid CSV: %(e)s") % {"e": error})]
        ) from None
    return rows


class _RowCheck:
    def __init__(self, row: int, problems: list[ImportProblem]) -> None:
        self.row = row
        self.problems = problems

    def fail(self, field: str, message: str) -> None:
        self.problems.append(ImportProblem(self.row, field, message))

    def person(
        self, raw: str | None, known: dict, field: str, paired: set[int], seen: dict[str, int]
    ):
        external_id = (raw or "").strip()
        person = known.get(external_id)
        if not external_id:
            self.fail(field, _("this id is empty"))
        elif person is None:
            self.fail(field, _("no one with id '%(id)s' in this programme") % {"id": external_id})
        elif person.state != "active":
            self.fail(
                field,
                _("'%(id)s' is %(state)s, not active") % {"id": external_id, "state": person.state},
            )
        elif person.pk in paired:
            self.fail(field, _("'%(id)s' already has an active pairing") % {"id": external_id})
        elif external_id in seen:
            self.fail(
                field,
                _("'%(id)s' is also on row %(other)s")
                % {"id": external_id, "other": seen[external_id]},
            )
        else:
            seen[external_id] = self.row
            return person
        return None

    def since(self, raw: str | None, today: dt.date) -> dt.date | None:
        try:
            since = dt.date.fromisoformat((raw or "").strip())
        except ValueError:
            self.fail(
                "since", _("'%(value)s' is not a date in the form YYYY-MM-DD") % {"value": raw}
            )
            return None
        if since > today:
            self.fail(
                "since",
                _("%(date)s is in the future")
                % {"date": formats.date_format(since, "DATE_FORMAT")},
            )
            return None
        return since
