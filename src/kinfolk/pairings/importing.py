"""Loading a running programme's existing pairs (CSV: volunteer_id, household_id, since, agreed_on).

An imported pairing is one both sides agreed to outside Kinfolk: the file
names the day they agreed, the importing coordinator is recorded, and both
must already be participants with consent on record.  Both are then told,
their open proposals close and their visit windows are planned.

All or nothing: any bad row stops the import with problems that name the row
and the column, and no pairing is stored.  The problems are kept for a few
days as a CSV file to download, since a large file can have thousands.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kinfolk.pairings import notify
from kinfolk.pairings.models import Pairing, PairingImport, Proposal
from kinfolk.pairings.selectors import forbidden_pairs
from kinfolk.pairings.services import proposal_called_off_tell
from kinfolk.people.models import Consent, Household, Volunteer
from kinfolk.programmes.models import Programme

COLUMNS = ("volunteer_id", "household_id", "since", "agreed_on")
#: No programme that could hand its pairs to Kinfolk ran before this; earlier is a typo.
EARLIEST = dt.date(1990, 1, 1)
#: Days a refused upload's problems stay downloadable.
PROBLEMS_KEPT_DAYS = 7
_PLAN_CHUNK = 20000


@dataclass(frozen=True)
class ImportProblem:
    row: int
    field: str
    message: str
    value: str = ""

    def __str__(self) -> str:
        return _("row %(row)s, %(field)s: %(message)s") % {
            "row": self.row,
            "field": self.field,
            "message": self.message,
        }


class PairingImportError(Exception):
    """The file was refused; ``report`` is the stored upload whose problems can be downloaded."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__("; ".join(map(str, problems[:50])))
        self.problems = problems
        self.report: PairingImport | None = None


def pairings_import(
    *, programme: Programme, text: str, by: Any, today: dt.date | None = None
) -> PairingImport:
    """Create an active pairing per row, or none; rows are numbered as in a spreadsheet.

    Both sides are told and their visits planned by a job queued on commit.
    """
    try:
        new = _pairings_checked(programme, _rows(text), today or programme.today())
    except PairingImportError as refused:
        refused.report = _refusal_store(programme, by, refused.problems)
        raise
    try:
        with transaction.atomic():
            batch = PairingImport.objects.create(
                programme=programme, recorded_by=by, imported=len(new)
            )
            for pairing in new:
                pairing.imported_in, pairing.recorded_by = batch, by
            Pairing.objects.bulk_create(new, batch_size=2000)
            _proposals_close(batch)
            transaction.on_commit(lambda: _settle_enqueue(batch.pk))
    except IntegrityError:
        # Someone in the file was paired between the checks and the insert.
        problem = ImportProblem(1, "file", _("someone in it was paired meanwhile; import it again"))
        raise PairingImportError([problem]) from None
    return batch


def _settle_enqueue(import_id: int) -> None:
    from kinfolk.pairings.tasks import pairings_import_settle_task

    pairings_import_settle_task.enqueue(import_id)


# --- reading the file ---------------------------------------------------------------------


def _rows(text: str) -> list[dict[str, str]]:
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
    rows = []
    try:
        for row in reader:
            rows.append({k: (v or "").strip() for k, v in row.items() if k in COLUMNS})
    except csv.Error as error:
        # A stray line break inside a field: name the row where the file stops being CSV.
        raise PairingImportError(
            [ImportProblem(len(rows) + 2, "file", _("this is not valid CSV: %(e)s") % {"e": error})]
        ) from None
    return rows


# --- checking every row -------------------------------------------------------------------


def _pairings_checked(
    programme: Programme, rows: list[dict[str, str]], today: dt.date
) -> list[Pairing]:
    """The pairings the rows describe, or every problem of every row."""
    known = _Known(programme, rows)
    problems: list[ImportProblem] = []
    new = [
        pairing
        for number, row in enumerate(rows, start=2)
        if (pairing := _RowCheck(number, problems, known).pairing(programme, row, today))
    ]
    if problems:
        raise PairingImportError(problems)
    return new


def _with_consent(people: QuerySet[Any], side: str) -> QuerySet[Any]:
    """Annotated with whether consent is on record now, and whether one was withdrawn."""
    consents = Consent.objects.filter(**{side: OuterRef("pk")})
    return people.annotate(
        consent_standing=Exists(consents.filter(withdrawn_at__isnull=True)),
        consent_withdrawn=Exists(consents.filter(withdrawn_at__isnull=False)),
    )


class _Known:
    """What the rows are checked against, each read once for the whole file."""

    def __init__(self, programme: Programme, rows: list[dict[str, str]]) -> None:
        self.people: dict[str, dict[str, Any]] = {}
        self.paired: dict[str, set[int]] = {}
        active = Pairing.objects.filter(programme=programme, state="active")
        for field, model, side in (
            ("volunteer_id", Volunteer, "volunteer"),
            ("household_id", Household, "household"),
        ):
            ids = {r[field] for r in rows}
            found = model.objects.filter(programme=programme, external_id__in=ids)
            self.people[field] = {p.external_id: p for p in _with_consent(found, side)}
            self.paired[field] = set(active.values_list(f"{side}_id", flat=True))
        self.forbidden = forbidden_pairs(programme=programme)
        self.seen: dict[str, dict[str, int]] = {"volunteer_id": {}, "household_id": {}}


class _RowCheck:
    def __init__(self, row: int, problems: list[ImportProblem], known: _Known) -> None:
        self.row = row
        self.problems = problems
        self.known = known

    def fail(self, field: str, message: str, value: str) -> None:
        self.problems.append(ImportProblem(self.row, field, message, value))

    def pairing(self, programme: Programme, row: dict[str, str], today: dt.date) -> Any:
        """The row's pairing, or None with the row's problems added."""
        v = self.person(row["volunteer_id"], "volunteer_id")
        h = self.person(row["household_id"], "household_id")
        since = self.day(row["since"], "since", today)
        agreed = self.day(row["agreed_on"], "agreed_on", today)
        if since and agreed and agreed > since:
            message = _("%(agreed)s is after the pairing started (since %(since)s)") % {
                "agreed": formats.date_format(agreed, "DATE_FORMAT"),
                "since": formats.date_format(since, "DATE_FORMAT"),
            }
            self.fail("agreed_on", message, row["agreed_on"])
        elif v and h and (v.pk, h.pk) in self.known.forbidden:
            message = _(
                "'%(v)s' and '%(h)s' are a forbidden pair; lift it on either person's page first"
            ) % {"v": v.external_id, "h": h.external_id}
            self.fail("household_id", message, row["household_id"])
        elif v and h and since and agreed:
            return Pairing(
                programme=programme,
                volunteer=v,
                household=h,
                started_on=since,
                agreed_on=agreed,
                source=Pairing.Source.IMPORTED,
            )
        return None

    def person(self, external_id: str, field: str) -> Any:
        person = self.known.people[field].get(external_id)
        problem = self._person_problem(external_id, person, field)
        if problem:
            self.fail(field, problem, external_id)
            return None
        self.known.seen[field][external_id] = self.row
        return person

    def _person_problem(self, external_id: str, person: Any, field: str) -> str:
        names = {"id": external_id}
        seen = self.known.seen[field]
        if not external_id:
            return _("this id is empty")
        if person is None:
            return _("no one with id '%(id)s' in this programme") % names
        if person.state != "active":
            return _("'%(id)s' is %(state)s, not active") % {**names, "state": person.state}
        if not person.consent_standing:
            if person.consent_withdrawn:
                return _("'%(id)s' has withdrawn their consent") % names
            return _("'%(id)s' has no consent on record") % names
        if person.pk in self.known.paired[field]:
            return _("'%(id)s' already has an active pairing") % names
        if external_id in seen:
            return _("'%(id)s' is also on row %(other)s") % {**names, "other": seen[external_id]}
        return ""

    def day(self, raw: str, field: str, today: dt.date) -> dt.date | None:
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            message = _("'%(value)s' is not a date in the form YYYY-MM-DD") % {"value": raw}
            self.fail(field, message, raw)
            return None
        if day < EARLIEST:
            message = _("%(date)s is before %(earliest)s; check the year") % {
                "date": formats.date_format(day, "DATE_FORMAT"),
                "earliest": EARLIEST.year,
            }
            self.fail(field, message, raw)
            return None
        if day > today:
            self.fail(
                field,
                _("%(date)s is in the future") % {"date": formats.date_format(day, "DATE_FORMAT")},
                raw,
            )
            return None
        return day


# --- after the import: proposals, messages, visits ----------------------------------------


def _proposals_close(batch: PairingImport) -> None:
    """Close every open proposal of anyone now paired; a partner left out keeps their place."""
    pairings = Pairing.objects.filter(imported_in=batch)
    mine = Q(volunteer_id__in=pairings.values("volunteer_id")) | Q(
        household_id__in=pairings.values("household_id")
    )
    closing = list(
        Proposal.objects.filter(mine, state="open")
        .select_related("volunteer__user", "household")
        .prefetch_related("household__members__user")
    )
    Proposal.objects.filter(pk__in=[p.pk for p in closing]).update(
        state=Proposal.State.CANCELLED, closed_at=timezone.now()
    )
    paired_v = set(pairings.values_list("volunteer_id", flat=True))
    paired_h = set(pairings.values_list("household_id", flat=True))
    for proposal in closing:
        if proposal.volunteer_id not in paired_v:
            proposal_called_off_tell(person=proposal.volunteer)
        if proposal.household_id not in paired_h:
            proposal_called_off_tell(person=proposal.household)


def pairings_import_settle(*, import_id: int) -> int:
    """Plan the imported pairings' visits and tell both sides, once; return the windows added.

    Planning only extends what is stored, and telling is claimed first, so running
    the job twice plans and tells nothing twice.
    """
    from kinfolk.visits.schedule_adapter import windows_plan, windows_write

    batch = PairingImport.objects.select_related("programme").get(pk=import_id)
    today = batch.programme.today()
    ids = list(batch.pairings.filter(state="active").order_by("pk").values_list("pk", flat=True))
    added = 0
    for start in range(0, len(ids), _PLAN_CHUNK):
        chunk = Pairing.objects.filter(pk__in=ids[start : start + _PLAN_CHUNK]).order_by("pk")
        added += windows_write(windows_plan(chunk, today=today))
    if PairingImport.objects.filter(pk=import_id, told_at__isnull=True).update(
        told_at=timezone.now()
    ):
        _tell_both(batch)
    return added


def _tell_both(batch: PairingImport) -> None:
    pairings = (
        batch.pairings.filter(state="active")
        .select_related("volunteer__user", "household")
        .prefetch_related("household__members__user")
        .order_by("pk")
    )
    for pairing in pairings.iterator(chunk_size=2000):
        for person in (pairing.volunteer, pairing.household):
            notify.send(
                person,
                lambda p=person, pr=pairing: _recorded_message(p, pr),
                purpose="pairing_recorded",
                about=("pairing", pairing.pk),
            )


def _recorded_message(person: Volunteer | Household, pairing: Pairing) -> tuple[str, str]:
    partner = pairing.household if isinstance(person, Volunteer) else pairing.volunteer
    agreed = formats.date_format(pairing.agreed_on, "DATE_FORMAT") if pairing.agreed_on else ""
    body = _(
        "Your programme has recorded your pairing with %(partner)s, which you both agreed to "
        "on %(date)s. Your page now shows how to reach each other and when your visits "
        "can be:\n\n%(link)s\n\nYou can end the pairing there at any time."
    ) % {"partner": partner.first_name, "date": agreed, "link": notify.home_link(person)}
    return _("Your pairing is now on Kinfolk"), body


# --- the problems of a refused file, as CSV -----------------------------------------------


def _refusal_store(programme: Programme, by: Any, problems: list[ImportProblem]) -> PairingImport:
    return PairingImport.objects.create(
        programme=programme,
        recorded_by=by,
        problems=len(problems),
        problems_csv=problems_csv(problems),
    )


#: A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value: str) -> str:
    """The value as a spreadsheet shows it, never as a formula it would run (OWASP)."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def problems_csv(problems: list[ImportProblem]) -> str:
    """Every problem as CSV: row, column, value, problem."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("row"), _("column"), _("value"), _("problem")])
    for p in problems:
        writer.writerow([p.row, p.field, *map(spreadsheet_safe, (p.value, p.message))])
    return out.getvalue()


def import_problems_purge(*, now: dt.datetime) -> int:
    """Delete refused uploads older than ``PROBLEMS_KEPT_DAYS``: their values are people's ids."""
    old = PairingImport.objects.filter(
        problems__gt=0, created_at__lt=now - dt.timedelta(days=PROBLEMS_KEPT_DAYS)
    )
    deleted, _counts = old.delete()
    return deleted
