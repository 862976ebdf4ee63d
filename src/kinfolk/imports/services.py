"""Coordinators' writes of the people import: upload, mapping, postcodes, paper consent.

The checking and writing themselves run as background jobs (``running.py``);
the invitations are sent by another (``inviting.py``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zlib
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinfolk.imports.mapping import columns_refused, mapping_guess, mapping_problems
from kinfolk.imports.models import ColumnMapping, Invitee, PeopleImport, PostcodeCentroid
from kinfolk.imports.places import postcode_fold
from kinfolk.imports.reading import FileProblem, Table, table_read, table_rows
from kinfolk.people.models import Consent, Household, Volunteer
from kinfolk.programmes.models import Programme
from kinfolk.web.field_errors import field_error_text


def max_bytes() -> int:
    return settings.IMPORT_MAX_MB * 1024 * 1024


def data_pack(header: list[str], rows: list[list[str]]) -> bytes:
    """The kept columns as UTF-8 CSV, compressed: what the jobs read."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return zlib.compress(out.getvalue().encode(), 1)  # fast; a file of text shrinks 4x anyway


def data_unpack(data: bytes) -> tuple[list[str], list[list[str]]]:
    lines = list(csv.reader(io.StringIO(zlib.decompress(data).decode(), newline="")))
    return lines[0], lines[1:]


def import_upload(
    *, programme: Programme, side: str, filename: str, data: bytes, by: Any
) -> PeopleImport:
    """Read the file, drop the columns the charter forbids, keep the rest and guess the mapping.

    Raises :class:`FileProblem` for a file that cannot be read; nothing is stored then.
    """
    if side not in ("volunteer", "household"):
        raise FileProblem(_("Choose volunteers or households."))
    if len(data) > max_bytes():
        raise FileProblem(
            _("The file is larger than %(n)s MB; split it.") % {"n": settings.IMPORT_MAX_MB}
        )
    table = table_read(data)
    refused = columns_refused(table.header)
    header, rows = _kept(table, refused)
    remembered = ColumnMapping.objects.filter(programme=programme, side=side).first()
    return PeopleImport.objects.create(
        programme=programme,
        side=side,
        created_by=by,
        filename=filename[:200],
        read_as=" · ".join([table.read_as, *table.notes])[:200],
        data=data_pack(header, rows),
        header=header,
        mapping=mapping_guess(header, remembered.mapping if remembered else {}),
        refused=refused,
        rows=len(rows),
    )


def _kept(table: Table, refused: dict[str, str]) -> tuple[list[str], list[list[str]]]:
    """Named columns the charter allows; a refused column's values are never kept."""
    keep = [i for i, name in enumerate(table.header) if name and name not in refused]
    rows = table_rows(table)
    if len(keep) == len(table.header):
        return table.header, rows
    return [table.header[i] for i in keep], [[row[i] for i in keep] for row in rows]


@transaction.atomic
def import_map(*, people_import: PeopleImport, mapping: dict[str, str], by: Any) -> PeopleImport:
    """Keep the coordinator's mapping (and remember it), then check every row in the background."""
    from kinfolk.imports.tasks import import_preview_task

    people_import = PeopleImport.objects.select_for_update().get(pk=people_import.pk)
    if people_import.status not in (PeopleImport.Status.MAPPING, PeopleImport.Status.PREVIEWED):
        raise ValidationError({NON_FIELD_ERRORS: _("This import can no longer be changed.")})
    mapping = {column: field for column, field in mapping.items() if field}
    problems = mapping_problems(people_import.header, mapping)
    if problems:
        raise ValidationError({NON_FIELD_ERRORS: problems})
    ColumnMapping.objects.update_or_create(
        programme_id=people_import.programme_id,
        side=people_import.side,
        defaults={"mapping": mapping},
    )
    people_import.mapping = mapping
    people_import.status = PeopleImport.Status.PREVIEWING
    people_import.stage = "queued"
    people_import.done = 0
    people_import.error = ""
    people_import.heartbeat_at = timezone.now()
    people_import.save(
        update_fields=["mapping", "status", "stage", "done", "error", "heartbeat_at"]
    )
    transaction.on_commit(lambda: import_preview_task.enqueue(people_import.pk))
    return people_import


@transaction.atomic
def import_commit_start(*, people_import: PeopleImport, by: Any) -> PeopleImport:
    """Queue the commit of a checked import's valid rows; it is claimed once."""
    from kinfolk.imports.tasks import import_commit_task

    claimed = PeopleImport.objects.filter(
        pk=people_import.pk, status=PeopleImport.Status.PREVIEWED
    ).update(
        status=PeopleImport.Status.COMMITTING,
        stage="queued",
        done=0,
        error="",
        committed_by=by,
        heartbeat_at=timezone.now(),
    )
    if not claimed:
        raise ValidationError({NON_FIELD_ERRORS: _("This import is not waiting to be committed.")})
    transaction.on_commit(lambda: import_commit_task.enqueue(people_import.pk))
    return PeopleImport.objects.get(pk=people_import.pk)


def imports_stale_reset(
    *, programme: Programme | None = None, now: dt.datetime | None = None
) -> int:
    """Imports whose worker died mid-way go back a step; a commit that died wrote nothing."""
    limit = (now or timezone.now()) - dt.timedelta(seconds=settings.IMPORT_STALE_SECONDS)
    stale = PeopleImport.objects.filter(heartbeat_at__lt=limit)
    if programme is not None:
        stale = stale.filter(programme=programme)
    message = _("The work stopped before it finished (its worker was lost); nothing was "
                "imported. Start it again.")  # fmt: skip
    reset = stale.filter(status=PeopleImport.Status.COMMITTING).update(
        status=PeopleImport.Status.PREVIEWED, stage="", error=message
    )
    reset += stale.filter(status=PeopleImport.Status.PREVIEWING).update(
        status=PeopleImport.Status.MAPPING, stage="", error=message
    )
    # Invitations already sent stay sent; sending again picks up the rest.
    reset += stale.filter(inviting=True).update(inviting=False)
    return reset


def import_problems_purge(*, now: dt.datetime) -> int:
    """Uncommitted uploads hold people who never agreed to anything: gone after a week."""
    old = PeopleImport.objects.filter(created_at__lt=now - dt.timedelta(days=7))
    return old.exclude(status=PeopleImport.Status.COMMITTED).delete()[0] + old.filter(
        status=PeopleImport.Status.COMMITTED
    ).exclude(problems_csv="", placements_csv="").update(
        problems_csv="", problems_shown=[], placements_csv=""
    )


# --- postcodes ------------------------------------------------------------------------------


@transaction.atomic
def postcodes_upload(*, programme: Programme, data: bytes) -> int:
    """Replace the programme's postcode centroids with the file's (postcode, lat, lon) rows."""
    from kinfolk.engine import dictionary as dd

    table = table_read(data)
    names = [name.casefold() for name in table.header]
    try:
        at = [names.index(name) for name in ("postcode", "lat", "lon")]
    except ValueError:
        raise FileProblem(_("The postcode file needs the columns postcode, lat and lon.")) from None
    centroids: dict[str, PostcodeCentroid] = {}
    for number, row in enumerate(table_rows(table), start=2):
        code, lat, lon = (row[i] for i in at)
        try:
            centroid = PostcodeCentroid(
                programme=programme,
                postcode=postcode_fold(code),
                lat=dd.parse_coordinate(lat, field="lat"),
                lon=dd.parse_coordinate(lon, field="lon"),
            )
        except dd.FieldError as error:
            raise FileProblem(
                _("Row %(row)s, %(field)s: %(message)s")
                % {"row": number, "field": error.field, "message": field_error_text(error)}
            ) from None
        if not centroid.postcode or len(centroid.postcode) > 16:
            raise FileProblem(
                _("Row %(row)s: the postcode is empty or too long.") % {"row": number}
            )
        centroids[centroid.postcode] = centroid
    PostcodeCentroid.objects.filter(programme=programme).delete()
    PostcodeCentroid.objects.bulk_create(centroids.values(), batch_size=5000)
    return len(centroids)


# --- paper consent of an imported person ----------------------------------------------------


@transaction.atomic
def invitee_consent_record(
    *, person: Volunteer | Household, given_on: dt.date, recorded_by: Any
) -> Volunteer | Household:
    """Record that an imported person agreed on paper: from now on they take part.

    A household becomes active; a volunteer has applied and waits for the
    programme's checks.  The person can withdraw this consent like any other.
    """
    person = type(person).objects.select_for_update().select_related("programme").get(pk=person.pk)
    programme = person.programme
    if not Invitee.objects.filter(**{person.side: person}).exists():
        raise ValidationError({NON_FIELD_ERRORS: _("This person was not imported.")})
    if person.consents.filter(withdrawn_at__isnull=True).exists():
        raise ValidationError({NON_FIELD_ERRORS: _("Their consent is already on record.")})
    if person.state == "left":
        raise ValidationError({NON_FIELD_ERRORS: _("This person has left the programme.")})
    if given_on > programme.today():
        raise ValidationError({"given_on": _("The date on the paper cannot be in the future.")})
    Consent.objects.create(
        **{person.side: person},
        method=Consent.Method.PAPER,
        recorded_by=recorded_by,
        given_at=dt.datetime.combine(given_on, dt.time(12), tzinfo=ZoneInfo(programme.time_zone)),
    )
    if isinstance(person, Household) and person.state == Household.State.INVITED:
        person.state = Household.State.ACTIVE
        person.waiting_since = person.waiting_since or programme.today()
        person.state_changed_at = timezone.now()
        person.save(update_fields=["state", "waiting_since", "state_changed_at"])
    return person
