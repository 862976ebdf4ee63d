"""Loading existing pairs: consent on record, both told, all rows or none, problems named."""

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.utils import timezone

from kinfolk.pairings.importing import (
    PairingImportError,
    import_problems_purge,
    pairings_import,
    problems_csv,
)
from kinfolk.pairings.models import Pairing, PairingImport, Proposal
from kinfolk.people.models import Consent
from kinfolk.testing import contact_of, make_cohort, make_household, make_pairing, make_proposal
from kinfolk.visits.models import Visit

TODAY = dt.date(2026, 11, 29)
HEADER = "volunteer_id,household_id,since,agreed_on\n"


@pytest.fixture
def people(programme):
    return make_cohort(programme, n=3)


@pytest.fixture
def load(programme, coordinator, people, django_capture_on_commit_callbacks):
    """Import ``rows`` as the coordinator, running the job queued on commit."""

    def load(rows, today=TODAY):
        with django_capture_on_commit_callbacks(execute=True):
            return pairings_import(
                programme=programme, text=HEADER + rows, by=coordinator, today=today
            )

    return load


def _refused(load, rows):
    with pytest.raises(PairingImportError) as refused:
        load(rows)
    return refused.value


def test_rows_become_active_pairings_agreed_on_a_date_and_recorded_by_the_coordinator(
    load, coordinator
):
    batch = load("V0,H0,2025-03-01,2025-02-20\nV1,H1,2026-01-15,2026-01-15\n")
    assert batch.imported == 2 and batch.recorded_by == coordinator
    pairing = Pairing.objects.get(volunteer__external_id="V0")
    assert (pairing.household.external_id, pairing.state, pairing.source) == (
        "H0",
        "active",
        "imported",
    )
    assert (pairing.started_on, pairing.agreed_on) == (dt.date(2025, 3, 1), dt.date(2025, 2, 20))
    assert (pairing.recorded_by, pairing.imported_in) == (coordinator, batch)


def test_both_sides_are_told_with_the_partners_first_name_only(load, people):
    load("V0,H0,2025-03-01,2025-02-20\n")
    (v0, *_), (h0, *_) = people
    to = {m.to[0]: m for m in mail.outbox}
    assert set(to) == {v0.user.email, h0.members.get().user.email}
    assert "Home0" in to[v0.user.email].body and "Vol0" in to[h0.members.get().user.email].body
    assert all("Feb. 20, 2025" in m.body for m in mail.outbox)
    contact = contact_of(h0)
    assert not any(contact["address"] in m.body or contact["phone"] in m.body for m in mail.outbox)


def test_visit_windows_are_planned_at_once(load):
    load("V0,H0,2025-03-01,2025-02-20\n")
    pairing = Pairing.objects.get()
    assert Visit.objects.filter(pairing=pairing, state="planned").count() >= 6  # a year ahead


def test_settling_again_neither_tells_nor_plans_twice(load):
    from kinfolk.pairings.importing import pairings_import_settle

    batch = load("V0,H0,2025-03-01,2025-02-20\n")
    n_mails, n_visits = len(mail.outbox), Visit.objects.count()
    assert pairings_import_settle(import_id=batch.pk) == 0
    assert (len(mail.outbox), Visit.objects.count()) == (n_mails, n_visits)


def test_open_proposals_of_either_person_close_and_only_the_partner_left_out_is_told(
    load, programme, people
):
    (v0, v1, _v2), (h0, h1, h2) = people
    same_pair = make_proposal(v0, h0)
    with_other = make_proposal(v1, h2)  # V1 is imported with H1; H2 loses this proposal
    load("V0,H0,2025-03-01,2025-02-20\nV1,H1,2025-03-01,2025-02-20\n")
    for proposal in (same_pair, with_other):
        proposal.refresh_from_db()
        assert proposal.state == "cancelled"
    h2_mail = [m for m in mail.outbox if m.to == [h2.members.get().user.email]]
    assert len(h2_mail) == 1 and "will not go ahead" in h2_mail[0].body
    assert len(mail.outbox) == 5  # two per imported pairing, one to H2


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("V9,H0,2025-03-01,2025-03-01", "row 3, volunteer_id: no one with id 'V9'"),
        ("V1,,2025-03-01,2025-03-01", "row 3, household_id: this id is empty"),
        ("V1,H1,1 March,2025-03-01", "row 3, since: '1 March' is not a date"),
        ("V1,H1,2025-03-01,", "row 3, agreed_on: '' is not a date"),
        ("V1,H1,2027-01-01,2025-03-01", "row 3, since: Jan. 1, 2027 is in the future"),
        ("V1,H1,2025-03-01,2026-12-01", "row 3, agreed_on: Dec. 1, 2026 is in the future"),
        (
            "V1,H1,0001-01-01,0001-01-01",
            "row 3, since: Jan. 1, 0001 is before 1990; check the year",
        ),
        ("V1,H1,2025-03-01,1989-12-31", "row 3, agreed_on: Dec. 31, 1989 is before 1990"),
        ("V1,H1,2025-03-01,2025-04-01", "row 3, agreed_on: April 1, 2025 is after the pairing"),
        ("V0,H1,2025-03-01,2025-03-01", "row 3, volunteer_id: 'V0' is also on row 2"),
    ],
)
def test_a_bad_row_names_row_and_field_and_nothing_is_stored(load, people, row, expected):
    refused = _refused(load, f"V0,H0,2025-03-01,2025-03-01\n{row}\n")
    assert expected in str(refused)
    assert not Pairing.objects.exists() and not mail.outbox


def test_someone_without_consent_on_record_is_refused(load, people):
    (v0, *_), _households = people
    Consent.objects.filter(volunteer=v0).delete()
    refused = _refused(load, "V0,H0,2025-03-01,2025-03-01\n")
    assert "row 2, volunteer_id: 'V0' has no consent on record" in str(refused)
    assert not Pairing.objects.exists()


def test_someone_who_withdrew_consent_is_refused(load, people):
    _volunteers, (h0, *_) = people
    Consent.objects.filter(household=h0).update(withdrawn_at=timezone.now())
    refused = _refused(load, "V0,H0,2025-03-01,2025-03-01\n")
    assert "row 2, household_id: 'H0' has withdrawn their consent" in str(refused)
    assert not Pairing.objects.exists()


def test_someone_not_active_is_refused(load, programme, people):
    make_household(programme, external_id="HI", state="invited")
    refused = _refused(load, "V0,HI,2025-03-01,2025-03-01\n")
    assert "row 2, household_id: 'HI' is invited, not active" in str(refused)


def test_a_missing_column_is_named(load, people, programme, coordinator):
    with pytest.raises(PairingImportError, match="row 1, agreed_on: this column is missing"):
        pairings_import(
            programme=programme,
            text="volunteer_id,household_id,since\nV0,H0,2025-03-01\n",
            by=coordinator,
            today=TODAY,
        )
    assert not Pairing.objects.exists()


def test_someone_already_paired_is_refused(load, people):
    (v0, *_), (_h0, _h1, h2) = people
    make_pairing(v0, h2)
    refused = _refused(load, "V0,H0,2025-01-01,2025-01-01\n")
    assert "'V0' already has an active pairing" in str(refused)
    assert Pairing.objects.count() == 1


def test_people_of_another_programme_are_unknown(load, other_programme, people):
    from kinfolk.testing import make_volunteer

    make_volunteer(other_programme, external_id="VX")
    assert "no one with id 'VX'" in str(_refused(load, "VX,H0,2025-01-01,2025-01-01\n"))


def test_a_file_that_is_not_csv_names_the_row_and_stores_nothing(load, people):
    # Found by the fuzz suite: a bare carriage return inside a field broke the reader.
    refused = _refused(load, "V0,H0,2025-03-01,2025-03-01\n,,\r0\n")
    assert "row 3, file: this is not valid CSV" in str(refused)
    assert not Pairing.objects.exists()


def test_a_nul_character_is_refused_with_its_row(load, people):
    # Found by the fuzz suite on PostgreSQL, which refuses NUL bytes in text.
    refused = _refused(load, "V0,H0,2025-03-01,2025-03-01\nV1\x00,H1,2025-03-01,2025-03-01\n")
    assert "row 3, file: this row holds a NUL character" in str(refused)
    assert not Pairing.objects.exists()


def test_a_refused_file_keeps_every_problem_as_csv_with_the_value(load, coordinator, people):
    refused = _refused(load, "V9,H0,2025-03-01,2025-03-01\nV1,H1,0001-01-01,2025-03-01\n")
    report = refused.report
    assert (report.problems, report.imported, report.recorded_by) == (2, 0, coordinator)
    rows = list(csv.reader(io.StringIO(report.problems_csv)))
    assert rows[0] == ["row", "column", "value", "problem"]
    assert rows[1][:3] == ["2", "volunteer_id", "V9"]
    assert rows[2][:3] == ["3", "since", "0001-01-01"]


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx"])
def test_the_problems_csv_never_hands_a_spreadsheet_a_formula(value):
    from kinfolk.pairings.importing import ImportProblem

    text = problems_csv([ImportProblem(2, "volunteer_id", f"no one with id '{value}'", value)])
    [_header, row] = list(csv.reader(io.StringIO(text)))
    assert row[2] == "'" + value
    assert not any(cell.startswith(("=", "+", "-", "@", "\t")) for cell in row)


def test_refused_uploads_are_deleted_after_seven_days_and_imports_kept(load, people):
    batch = load("V0,H0,2025-03-01,2025-03-01\n")
    refused = _refused(load, "V9,H1,2025-03-01,2025-03-01\n").report
    later = timezone.now() + dt.timedelta(days=8)
    assert import_problems_purge(now=timezone.now()) == 0
    assert import_problems_purge(now=later) == 1
    assert list(PairingImport.objects.values_list("pk", flat=True)) == [batch.pk]
    assert not PairingImport.objects.filter(pk=refused.pk).exists()
    assert Proposal.objects.count() == 0
