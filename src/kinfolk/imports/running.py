"""The import's background jobs: check every row (preview), then write the valid ones (commit).

Both read the stored file and check it afresh against the database as it is
now, so a commit never writes what a preview saw an hour ago.  The commit
writes every confirmed valid row in one transaction: a worker killed half-way
leaves nothing behind, and the import can be started again.

Rows are keyed by the programme's external id: a row equal to the stored
person changes nothing, a different one changes only that person.  People
who have accepted (consent on record) now keep their own profile: their rows
are counted as unchanged and never written.
"""

from __future__ import annotations

import csv
import io
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from kinfolk.imports import geocoding
from kinfolk.imports.checking import ColumnChecker, Problem
from kinfolk.imports.landing import Landing, landing_make
from kinfolk.imports.models import Invitee, PeopleImport, PostcodeCentroid
from kinfolk.imports.places import Placer
from kinfolk.imports.services import data_unpack
from kinfolk.pairings.importing import spreadsheet_safe
from kinfolk.people.models import Consent, Household, Volunteer
from kinfolk.privacy.services import contact_details_import, contact_details_same
from kinfolk.web.bulk import db_date, db_datetime, rows_insert, rows_update

logger = logging.getLogger(__name__)

#: Model fields an import writes, beside the external id.
PROFILE = (
    "first_name", "last_name", "town", "lat", "lon", "max_travel_km", "visit_places", "speaks",
    "learning", "availability", "offers", "accepts", "waiting_since", "blackout", "travel_mode",
)  # fmt: skip
PROBLEMS_SHOWN = 200
_BATCH = 5000


@dataclass
class Plan:
    """What the checked rows would do: new people, changed people, and the counts."""

    new: list[dict[str, Any]] = field(default_factory=list)
    changed: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    invalid: int = 0
    #: The region each changed person was placed in by hand, which an import keeps.
    by_hand: dict[int, int] = field(default_factory=dict)


class Progress:
    """Writes stage and rows done on the import row; a thread keeps its heartbeat fresh."""

    def __init__(self, import_id: int, status: str) -> None:
        self.import_id = import_id
        self.status = status
        self.done = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True)

    def __enter__(self) -> Progress:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def stage(self, stage: str, total: int | None = None) -> None:
        fields: dict[str, Any] = {"stage": stage, "heartbeat_at": timezone.now()}
        if total is not None:
            fields["total"] = max(total, 1)
            self.done = fields["done"] = 0
        self._write(**fields)

    def rows(self, done: int) -> None:
        self.done = done

    def _write(self, **fields: Any) -> None:
        PeopleImport.objects.filter(pk=self.import_id, status=self.status).update(**fields)

    def _beat(self) -> None:
        # Its own connection: on PostgreSQL progress shows while the commit's transaction is
        # open.  SQLite locks the file for that long, so the beat waits until it is done.
        try:
            while not self._stop.wait(_beat_seconds()):
                try:
                    self._write(done=self.done, heartbeat_at=timezone.now())
                except DatabaseError:
                    logger.info("import %s: heartbeat not written", self.import_id)
        finally:
            connections.close_all()


def _beat_seconds() -> float:
    return max(0.2, min(5.0, settings.IMPORT_STALE_SECONDS / 10))


def _claim(import_id: int, status: str) -> PeopleImport | None:
    claimed = PeopleImport.objects.filter(pk=import_id, status=status, stage="queued").update(
        stage="reading", heartbeat_at=timezone.now()
    )
    return PeopleImport.objects.select_related("programme").get(pk=import_id) if claimed else None


def _fail(people_import: PeopleImport, status: str, back_to: str, message: str = "") -> None:
    """Set the import back a step with what went wrong; ``message`` for a known cause."""
    if message:
        logger.warning("people import %s stopped: the geocoder failed", people_import.pk)
    else:
        logger.exception("people import %s failed", people_import.pk)
    PeopleImport.objects.filter(pk=people_import.pk, status=status).update(
        status=back_to,
        stage="",
        error=(
            message or _("The work stopped because of an error; nothing was imported. Try again.")
        )[:300],
    )


# --- preview --------------------------------------------------------------------------------


def import_preview(*, import_id: int) -> None:
    """Check every row and count what a commit would do; stores counts and problems only."""
    status = PeopleImport.Status.PREVIEWING
    people_import = _claim(import_id, status)
    if people_import is None:
        return
    try:
        with Progress(import_id, status) as progress:
            plan = plan_make(people_import, progress)
            landing = landing_make(people_import, plan)
    except geocoding.GeocoderDown as down:
        _fail(people_import, status, PeopleImport.Status.MAPPING, down.message)
        return
    except Exception:
        _fail(people_import, status, PeopleImport.Status.MAPPING)
        return
    PeopleImport.objects.filter(pk=import_id, status=status).update(
        status=PeopleImport.Status.PREVIEWED,
        stage="",
        done=people_import.rows,
        new=len(plan.new),
        updated=len(plan.changed),
        unchanged=plan.unchanged,
        invalid=plan.invalid,
        problems_csv=problems_csv(plan.problems),
        problems_shown=[_shown(p) for p in plan.problems[:PROBLEMS_SHOWN]],
        **_landing_fields(landing),
        heartbeat_at=timezone.now(),
    )


def _landing_fields(landing: Landing | None) -> dict[str, Any]:
    if landing is None:
        return {"regions_shown": None, "placements_csv": ""}
    return {"regions_shown": landing.counts, "placements_csv": landing.csv}


def _shown(problem: Problem) -> list[Any]:
    return [problem.row, problem.column, problem.value[:100], problem.message]


def problems_csv(problems: list[Problem]) -> str:
    """Every problem: row, column, value, problem; cells a spreadsheet would run are neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("row"), _("column"), _("value"), _("problem")])
    for p in problems:
        writer.writerow(
            [p.row, spreadsheet_safe(p.column), *map(spreadsheet_safe, (p.value, p.message))]
        )
    return out.getvalue()


def plan_make(people_import: PeopleImport, progress: Progress) -> Plan:
    programme = people_import.programme
    header, rows = data_unpack(bytes(people_import.data))
    postcodes = {
        code: (lat, lon)
        for code, lat, lon in PostcodeCentroid.objects.filter(programme=programme).values_list(
            "postcode", "lat", "lon"
        )
    }
    checker = ColumnChecker(
        side=people_import.side,
        mapping=people_import.mapping,
        header=header,
        placer=Placer(country=programme.country, postcodes=postcodes),
        geocode=_geocode(people_import, progress) if geocoding.geocoder_on() else None,
        geocode_addresses=settings.KINFOLK_GEOCODER_ADDRESSES,
    )
    progress.stage("checking", total=checker.steps)
    checked = checker.check(rows, progress.rows)
    progress.stage("comparing", total=len(checked.records))
    plan = _compared(people_import, checked.records)
    plan.problems, plan.invalid = checked.problems, checked.invalid_rows
    return plan


def _geocode(
    people_import: PeopleImport, progress: Progress
) -> Callable[[list[geocoding.Query]], geocoding.Answers]:
    """The checker's geocoder: the lookups run as a stage of this job, with their progress."""
    programme = people_import.programme

    def lookup(queries: list[geocoding.Query]) -> geocoding.Answers:
        answers = geocoding.answers_get(
            programme_id=programme.pk,
            country=programme.country,
            queries=queries,
            started=lambda n: progress.stage("geocoding", total=n),
            asked=progress.rows,
        )
        progress.stage("checking")
        return answers

    return lookup


def _model(side: str) -> type[Volunteer] | type[Household]:
    return Volunteer if side == "volunteer" else Household


def _compared(people_import: PeopleImport, records: list[dict[str, Any]]) -> Plan:
    side = people_import.side
    mapped = set(people_import.mapping.values())
    fields = [f for f in PROFILE if f in mapped or f in ("town", "lat", "lon")]
    model = _model(side)
    consents = Consent.objects.filter(**{side: OuterRef("pk")}, withdrawn_at__isnull=True)
    stored = {
        row[0]: row[1:]
        for row in model.objects.filter(programme=people_import.programme_id)
        .annotate(taking_part=Exists(consents))
        .values_list("external_id", "pk", "taking_part", "region_by_hand_id", *fields)
        .iterator(chunk_size=_BATCH)
    }
    emails = dict(
        Invitee.objects.filter(programme=people_import.programme_id)
        .exclude(**{side: None})
        .values_list(f"{side}_id", "email")
    )
    plan = Plan()
    contacts: dict[int, tuple[str, str]] = {}
    candidates: list[tuple[int, dict[str, Any], bool]] = []
    for record in records:
        found = stored.get(record["id"])
        if found is None:
            plan.new.append(record)
            continue
        pk, taking_part, by_hand, *values = found
        if taking_part:
            plan.unchanged += 1  # their profile is theirs now
            continue
        if by_hand is not None:
            plan.by_hand[pk] = by_hand
        differs = any(record[f] != v for f, v in zip(fields, values, strict=True)) or (
            "email" in mapped and emails.get(pk, "") != record["email"]
        )
        if {"phone", "address"} & mapped:
            contacts[pk] = (record.get("phone", ""), record.get("address", ""))
        candidates.append((pk, record, differs))
    same = (
        contact_details_same(side=side, programme_id=people_import.programme_id, given=contacts)
        if contacts
        else set()
    )
    for pk, record, differs in candidates:
        if differs or (pk in contacts and pk not in same):
            plan.changed.append((pk, record))
        else:
            plan.unchanged += 1
    return plan


# --- commit ---------------------------------------------------------------------------------


def import_commit(*, import_id: int) -> None:
    """Check the file again and write its valid rows, all in one transaction."""
    status = PeopleImport.Status.COMMITTING
    people_import = _claim(import_id, status)
    if people_import is None:
        return
    try:
        with Progress(import_id, status) as progress:
            plan = plan_make(people_import, progress)
            progress.stage("writing", total=len(plan.new) + len(plan.changed))
            landing = landing_make(people_import, plan)
            with transaction.atomic():
                _write(people_import, plan, progress)
                _finish(people_import, plan, landing)
    except geocoding.GeocoderDown as down:
        _fail(people_import, status, PeopleImport.Status.PREVIEWED, down.message)
    except Exception:
        _fail(people_import, status, PeopleImport.Status.PREVIEWED)


def _finish(people_import: PeopleImport, plan: Plan, landing: Landing | None) -> None:
    PeopleImport.objects.filter(pk=people_import.pk).update(
        status=PeopleImport.Status.COMMITTED,
        stage="",
        new=len(plan.new),
        updated=len(plan.changed),
        unchanged=plan.unchanged,
        invalid=plan.invalid,
        problems_csv=problems_csv(plan.problems),
        problems_shown=[_shown(p) for p in plan.problems[:PROBLEMS_SHOWN]],
        **_landing_fields(landing),
        committed_at=timezone.now(),
        data=b"",  # the file held people who have not agreed to anything yet
        done=len(plan.new) + len(plan.changed),
        heartbeat_at=timezone.now(),
    )


def _write(people_import: PeopleImport, plan: Plan, progress: Progress) -> None:
    side = people_import.side
    model = _model(side)
    mapped = set(people_import.mapping.values())
    fields = [f for f in PROFILE if f in mapped or f in ("town", "lat", "lon")]
    created = _people_insert(people_import, model, fields, plan.new)
    progress.rows(len(created))
    rows_update(
        model,
        [model._meta.get_field(f).column for f in fields],
        ((*(_db(f, r[f]) for f in fields), pk) for pk, r in plan.changed),
    )
    progress.rows(len(created) + len(plan.changed))
    contacts = {"phone", "address"} & mapped
    if contacts:
        contact_details_import(
            side=side,
            programme_id=people_import.programme_id,
            new={pk: (r.get("phone", ""), r.get("address", "")) for pk, r in created},
            changed={pk: (r.get("phone", ""), r.get("address", "")) for pk, r in plan.changed},
        )
    _invitees_write(people_import, created, plan.changed, {"email", "phone"} & mapped)


def _db(field: str, value: Any) -> Any:
    return db_date(value) if field == "waiting_since" else value


def _column(records: list[dict[str, Any]], key: str) -> list[Any]:
    column = [r[key] for r in records]
    return list(map(db_date, column)) if key == "waiting_since" else column


def _people_insert(
    people_import: PeopleImport, model: Any, fields: list[str], new: list[dict[str, Any]]
) -> list[tuple[int, dict[str, Any]]]:
    """Insert the new people in one statement; returns (id, record) of each."""
    now = db_datetime(timezone.now())
    fixed: dict[str, Any] = {
        "programme": people_import.programme_id,
        "state": "applied" if people_import.side == "volunteer" else "invited",
    }
    # Each column takes the record's value (by key) or one value for every row.
    columns: list[str] = []
    sources: list[tuple[str, Any]] = []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        columns.append(f.column)
        if f.name == "external_id":
            sources.append(("id", None))
        elif f.name in fields:
            sources.append((f.name, None))
        elif f.name in fixed:
            sources.append(("", fixed[f.name]))
        elif getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
            sources.append(("", now))
        else:
            sources.append(("", f.get_default()))
    n = len(new)
    values = [([_db(key, r[key]) for r in new] if key else [value] * n) for key, value in sources]
    rows_insert(model, columns, zip(*values, strict=True))
    ids = dict(
        model.objects.filter(programme=people_import.programme_id).values_list("external_id", "pk")
    )
    return [(ids[r["id"]], r) for r in new]


def _invitees_write(
    people_import: PeopleImport,
    created: list[tuple[int, dict[str, Any]]],
    changed: list[tuple[int, dict[str, Any]]],
    addresses: set[str],
) -> None:
    """Each new person's invitee row; changed people get their mapped e-mail and phone."""
    side = people_import.side
    existing: dict[int, int] = {}
    if changed:
        invitees = Invitee.objects.filter(programme=people_import.programme_id)
        existing = dict(invitees.exclude(**{side: None}).values_list(f"{side}_id", "pk"))
    new = created + [(pk, r) for pk, r in changed if pk not in existing]
    columns = ["programme_id", f"{side}_id", "email", "phone", "imported_in_id"]
    programme_id = people_import.programme_id
    rows_insert(
        Invitee,
        columns,
        ((programme_id, pk, r.get("email", ""), r.get("phone", ""), people_import.pk)
         for pk, r in new),
    )  # fmt: skip
    fields = sorted(addresses)  # the columns of the file that say where an invitation goes
    if fields:
        rows_update(
            Invitee,
            fields,
            ((*(r[f] for f in fields), existing[pk]) for pk, r in changed if pk in existing),
        )
