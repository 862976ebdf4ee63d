"""Exports of a programme's people, pairings, visits and outcomes, as CSV or XLSX.

Three promises hold for every export:

* **Streamed.**  Rows are read in batches of :data:`BATCH` by id (keyset, a
  fresh query per batch, so no cursor stays open while the access log is
  written), and a CSV file leaves the server batch by batch: a programme of
  110,000 pairings never sits in memory.  An XLSX file streams the same way:
  its ZIP archive is compressed and sent batch by batch (``api/xlsx.py``).
* **No formulas.**  Every text cell goes through the engine's
  :func:`~kinfolk.engine.csvfiles.neutralise`: a cell starting with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``, in
  both formats, so the file can be imported again unchanged.
* **Contact details are logged.**  They are added only on request, only for
  volunteers and households, and each batch is read through
  ``contact_details_read_many``: one access-log row per person per day.

Column names are the data dictionary's, not translated: the files are made
to be read by programs and imported again.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _

from kinfolk.engine.csvfiles import neutralise
from kinfolk.pairings.models import Pairing
from kinfolk.people.models import Household, Volunteer
from kinfolk.privacy.services import CONTACT_FIELDS, contact_details_read_many
from kinfolk.programmes.models import Programme
from kinfolk.visits.models import Visit

#: Rows read, logged and sent at a time.
BATCH = 2000
CONTACT_REASON = "export"

_PERSON = (
    ("kinfolk_id", "id"),
    ("id", "external_id"),
    ("first_name", "first_name"),
    ("last_name", "last_name"),
    ("state", "state"),
    ("town", "town"),
    ("lat", "lat"),
    ("lon", "lon"),
    ("max_travel_km", "max_travel_km"),
    ("visit_places", "visit_places"),
    ("speaks", "speaks"),
    ("learning", "learning"),
    ("availability", "availability"),
    ("offers", "offers"),
    ("accepts", "accepts"),
    ("blackout", "blackout"),
    ("travel_mode", "travel_mode"),
    ("waiting_since", "waiting_since"),
    ("updated_at", "updated_at"),
)
_PAIR = (
    ("volunteer_id", "pairing__volunteer__external_id"),
    ("household_id", "pairing__household__external_id"),
)


@dataclass(frozen=True)
class Export:
    """One kind of export: its columns (header, ORM path) and the rows it starts from."""

    name: str
    title: Any
    columns: tuple[tuple[str, str], ...]
    rows: Callable[[Programme], QuerySet[Any]]
    #: Whether contact details may be added (volunteers and households only).
    people: bool = False

    @property
    def header(self) -> list[str]:
        return [name for name, _path in self.columns]


def visit_rows(programme: Programme) -> QuerySet[Visit]:
    return Visit.objects.filter(pairing__programme=programme)


def outcome_rows(programme: Programme) -> QuerySet[Visit]:
    recorded = Q(first_outcome_at__isnull=False) | Q(
        state__in=[Visit.State.HAPPENED, Visit.State.MISSED, Visit.State.UNCONFIRMED]
    )
    return visit_rows(programme).filter(recorded)


EXPORTS = {
    e.name: e
    for e in (
        Export(
            "volunteers",
            _("Volunteers"),
            (*_PERSON, ("organisation", "organisation__name"), ("approved_at", "approved_at")),
            lambda p: Volunteer.objects.filter(programme=p),
            people=True,
        ),
        Export(
            "households",
            _("Households"),
            _PERSON,
            lambda p: Household.objects.filter(programme=p),
            people=True,
        ),
        Export(
            "pairings",
            _("Pairings"),
            (
                ("kinfolk_id", "id"),
                ("volunteer_id", "volunteer__external_id"),
                ("household_id", "household__external_id"),
                ("volunteer_first_name", "volunteer__first_name"),
                ("household_first_name", "household__first_name"),
                ("state", "state"),
                ("source", "source"),
                ("started_on", "started_on"),
                ("ended_at", "ended_at"),
                ("ended_by", "ended_by"),
                ("updated_at", "updated_at"),
            ),
            lambda p: Pairing.objects.filter(programme=p),
        ),
        Export(
            "visits",
            _("Visits"),
            (
                ("kinfolk_id", "id"),
                ("pairing_kinfolk_id", "pairing_id"),
                *_PAIR,
                ("sequence", "sequence"),
                ("window_start", "window_start"),
                ("window_end", "window_end"),
                ("host", "host"),
                ("state", "state"),
                ("agreed_at", "agreed_at"),
                ("place_note", "place_note"),
                ("cancelled_because", "cancelled_because"),
                ("updated_at", "updated_at"),
            ),
            visit_rows,
        ),
        Export(
            "outcomes",
            _("Visit outcomes"),
            (
                ("visit_kinfolk_id", "id"),
                ("pairing_kinfolk_id", "pairing_id"),
                *_PAIR,
                ("window_start", "window_start"),
                ("window_end", "window_end"),
                ("state", "state"),
                ("volunteer_outcome", "volunteer_outcome"),
                ("household_outcome", "household_outcome"),
                ("first_outcome_at", "first_outcome_at"),
                ("volunteer_rating", "volunteer_rating"),
                ("household_rating", "household_rating"),
                ("updated_at", "updated_at"),
            ),
            outcome_rows,
        ),
    )
}


def export_batches(
    *, export: Export, programme: Programme, viewer: Any, contact: bool
) -> Iterator[list[list[Any]]]:
    """The export's rows, batch by batch, in id order, with contact columns when asked.

    ``contact`` for a non-people export is ignored.  Each batch of contact
    details is read (and logged) just before it is handed on.
    """
    paths = [path for _name, path in export.columns]
    queryset = export.rows(programme).order_by("pk")
    last = 0
    while True:
        # The batch's ids first, from the primary key's index alone; then their rows and
        # relations.  Asked in one query, the database may join the whole of each related
        # table for every batch.
        ids = list(queryset.filter(pk__gt=last).values_list("pk", flat=True)[:BATCH])
        if not ids:
            return
        # The programme's rows between the first and last id are exactly this batch.
        rows = queryset.filter(pk__gte=ids[0], pk__lte=ids[-1])
        last = ids[-1]
        batch = list(rows.values_list(*paths))
        if contact and export.people:
            yield _with_contact(programme, viewer, rows, batch)
        else:
            yield [list(row) for row in batch]


def export_header(*, export: Export, contact: bool) -> list[str]:
    return [*export.header, *(CONTACT_FIELDS if contact and export.people else ())]


def _with_contact(
    programme: Programme, viewer: Any, rows: QuerySet[Any], batch: list[tuple[Any, ...]]
) -> list[list[Any]]:
    details = contact_details_read_many(
        viewer=viewer,
        programme=programme,
        people=rows,
        fields=CONTACT_FIELDS,
        reason=CONTACT_REASON,
    )
    empty = dict.fromkeys(CONTACT_FIELDS, "")
    return [[*row, *(details.get(row[0], empty)[f] for f in CONTACT_FIELDS)] for row in batch]


# --- cells and files ---------------------------------------------------------------------


#: First characters after which a text cell may need a quote (see ``neutralise``).
_RISKY_START = frozenset("=+-@\t\r'")


def cell_text(value: Any) -> str:
    """A cell as CSV text: ISO dates and times (UTC), no formulas, empty for none."""
    kind = type(value)
    if kind is str:
        # Most cells start with a letter or digit: skip neutralise's regular expression.
        return value if not value or value[0] not in _RISKY_START else neutralise(value)
    if value is None:
        return ""
    if kind is dt.datetime:
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if kind is dt.date:
        return value.isoformat()
    if isinstance(value, bool | int | float):
        return str(value)
    return neutralise(str(value))


class _Echo:
    """A file that hands back what is written to it, for ``csv.writer`` to stream."""

    def write(self, value: str) -> str:
        return value


def csv_stream(header: list[str], batches: Iterator[list[list[Any]]]) -> Iterator[str]:
    """The CSV file as text chunks: a BOM and the header at once, then one chunk per batch.

    The BOM makes spreadsheet programs read the names as UTF-8.
    """
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for batch in batches:
        yield "".join(writer.writerow([cell_text(v) for v in row]) for row in batch)


def xlsx_stream(
    title: str, header: list[str], batches: Iterator[list[list[Any]]]
) -> Iterator[bytes]:
    """The XLSX workbook as a stream of bytes, a chunk per batch (:mod:`kinfolk.api.xlsx`)."""
    from kinfolk.api.xlsx import xlsx_stream as stream

    return stream(title, header, batches, text=cell_text)


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_response(
    *, fmt: str, title: str, header: list[str], batches: Iterator[list[list[Any]]], filename: str
) -> StreamingHttpResponse:
    """A streamed CSV or XLSX attachment (``fmt`` is ``csv`` or ``xlsx``), formulas neutralised."""
    if fmt == "xlsx":
        response = StreamingHttpResponse(
            xlsx_stream(title, header, batches), content_type=XLSX_CONTENT_TYPE
        )
    else:
        response = StreamingHttpResponse(
            csv_stream(header, batches), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
