"""Preview counts every row; commit writes the confirmed valid rows, all or nothing."""

from __future__ import annotations

import pytest

from kinfolk.imports.models import Invitee, PeopleImport
from kinfolk.imports.tests.conftest import households_csv, row
from kinfolk.people.models import Consent, Household
from kinfolk.privacy.services import contact_details_read


def _households():
    return sorted(
        Household.objects.values_list("external_id", "first_name", "state", "lat", "speaks")
    )


def test_preview_counts_new_rows_and_stores_nobody(journey):
    made = journey(households_csv(row(1), row(2), row(3)))
    assert made.status == PeopleImport.Status.PREVIEWED
    assert (made.new, made.updated, made.unchanged, made.invalid) == (3, 0, 0, 0)
    assert not Household.objects.filter(external_id__startswith="H").exists()


def test_commit_imports_people_who_are_invited_not_participants(journey, programme, coordinator):
    made = journey(households_csv(row(1), row(2)), commit=True)
    assert made.status == PeopleImport.Status.COMMITTED
    people = Household.objects.filter(programme=programme, external_id__in=["H1", "H2"])
    assert sorted(people.values_list("state", flat=True)) == ["invited", "invited"]
    assert not Consent.objects.filter(household__in=people).exists()
    assert sorted(Invitee.objects.values_list("email", flat=True)) == [
        "ann1@example.org",
        "ann2@example.org",
    ]
    h1 = people.get(external_id="H1")
    read = contact_details_read(viewer=coordinator, person=h1, fields=["phone"], reason="test")
    assert read["phone"] == "+441134960000"  # E.164, as the people pages store it
    assert made.data == b""  # the uploaded rows are not kept once imported


def test_importing_the_same_file_again_changes_nothing(journey):
    data = households_csv(row(1), row(2))
    journey(data, commit=True)
    before = _households()
    again = journey(data, commit=True)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    assert _households() == before


def test_an_updated_file_changes_only_what_changed(journey):
    journey(households_csv(row(1), row(2), row(3)), commit=True)
    before = {h[0]: h for h in _households()}
    made = journey(households_csv(row(1), row(2, first_name="Anna"), row(3, phone="0113 496 1111")))
    assert (made.new, made.updated, made.unchanged) == (0, 2, 1)
    with_changes = journey(households_csv(row(1), row(2, first_name="Anna")), commit=True)
    assert with_changes.updated == 1
    after = {h[0]: h for h in _households()}
    assert after["H2"][1] == "Anna"
    assert after["H1"] == before["H1"] and after["H3"] == before["H3"]


def test_rows_of_people_who_accepted_are_left_to_them(journey, programme, household):
    mine = row(9, id=household.external_id, first_name="Renamed")
    made = journey(households_csv(mine), commit=True)
    assert (made.new, made.updated, made.unchanged) == (0, 0, 1)
    household.refresh_from_db()
    assert household.first_name == "Hana"


def test_invalid_rows_are_reported_and_left_out_of_the_commit(journey):
    made = journey(
        households_csv(row(1), row(2, lat=200), row(3, speaks="english"), row(1)), commit=True
    )
    assert (made.new, made.invalid) == (1, 3)
    assert sorted(
        Household.objects.filter(external_id__startswith="H").values_list("external_id", flat=True)
    ) == ["H1"]
    problems = {(p[0], p[1]): p for p in made.problems_shown}
    assert problems[(3, "lat")][2:] == ["200", "200.0 is outside -90..90 degrees"]
    assert problems[(4, "speaks")][2] == "english"
    assert "also the id on row 2" in problems[(5, "id")][3]


def test_the_same_external_id_twice_is_an_error_on_the_second_row(journey):
    made = journey(households_csv(row(1), row(1, first_name="Other")))
    assert (made.new, made.invalid) == (1, 1)
    assert made.problems_shown == [[3, "id", "H1", "'H1' is also the id on row 2"]]


def test_a_formula_in_a_name_is_refused_and_never_stored(journey):
    made = journey(households_csv(row(1, first_name='=HYPERLINK("http://x.example")')), commit=True)
    assert made.invalid == 1 and made.new == 0
    assert not Household.objects.filter(external_id="H1").exists()
    assert made.problems_shown[0][3] == "looks like a spreadsheet formula, not a name"


def test_problems_csv_neutralises_values_a_spreadsheet_would_run(journey):
    made = journey(households_csv(row(1, first_name="=1+2"), row(2, lat="-300")))
    lines = made.problems_csv.splitlines()
    assert lines[0] == "row,column,value,problem"
    assert lines[1].startswith("2,first_name,'=1+2,")
    assert lines[2].startswith("3,lat,'-300,")


@pytest.mark.parametrize("name", ["مريم", "王秀英", "Алёна", "\u200fمريم\u200e", "\u202bדוד\u202c"])
def test_names_in_any_script_are_stored_without_direction_marks(journey, name):
    journey(households_csv(row(1, first_name=name, last_name=name)), commit=True)
    stored = Household.objects.get(external_id="H1")
    clean = name.strip("\u200f\u200e\u202b\u202c")
    assert (stored.first_name, stored.last_name) == (clean, clean)


def test_a_commit_that_fails_half_way_writes_nothing_and_can_run_again(journey, monkeypatch):
    from kinfolk.imports import running

    made = journey(households_csv(row(1), row(2)))

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(running, "contact_details_import", broken)
    from kinfolk.imports import services

    services.import_commit_start(people_import=made, by=made.created_by)
    running.import_commit(import_id=made.pk)
    made.refresh_from_db()
    assert made.status == PeopleImport.Status.PREVIEWED and "nothing was imported" in made.error
    assert not Household.objects.filter(external_id__in=["H1", "H2"]).exists()
    assert not Invitee.objects.exists()

    monkeypatch.undo()
    services.import_commit_start(people_import=made, by=made.created_by)
    running.import_commit(import_id=made.pk)
    made.refresh_from_db()
    assert made.status == PeopleImport.Status.COMMITTED
    assert Household.objects.filter(external_id__in=["H1", "H2"]).count() == 2


def test_a_phone_number_that_cannot_be_texted_names_its_row_and_column(journey):
    made = journey(
        households_csv(
            row(1, phone="0113 496 0000"),
            row(2, phone="12345"),
            row(3, phone="+44 7700 900123"),  # written well, but no such UK number
            row(4, phone="call after 6"),
        )
    )
    assert (made.new, made.invalid) == (1, 3)
    problems = {p[0]: p for p in made.problems_shown}
    assert sorted(problems) == [3, 4, 5]
    assert problems[3][1:3] == ["phone", "12345"]
    assert problems[4][1:3] == ["phone", "+44 7700 900123"]
    assert "is not a phone number we can use" in problems[5][3]
    assert "such as +44" in problems[5][3]
    assert not Household.objects.filter(external_id__startswith="H").exists()
