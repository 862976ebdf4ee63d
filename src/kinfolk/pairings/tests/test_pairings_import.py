"""Loading existing pairs: all rows or none, errors naming the row and the field."""

import datetime as dt

import pytest

from kinfolk.pairings.importing import PairingImportError, pairings_import
from kinfolk.pairings.models import Pairing
from kinfolk.testing import make_household, make_pairing, make_volunteer

TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def people(programme):
    vs = [make_volunteer(programme, external_id=f"V{i}") for i in range(3)]
    hs = [make_household(programme, external_id=f"H{i}") for i in range(3)]
    return vs, hs


def test_rows_become_active_pairings(programme, people):
    text = "volunteer_id,household_id,since\nV0,H0,2025-03-01\nV1,H1,2026-01-15\n"
    assert pairings_import(programme=programme, text=text, today=TODAY) == 2
    pairing = Pairing.objects.get(volunteer__external_id="V0")
    assert (pairing.household.external_id, pairing.started_on, pairing.source) == (
        "H0",
        dt.date(2025, 3, 1),
        "imported",
    )


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("V9,H0,2025-03-01", "row 3, volunteer_id: no one with id 'V9'"),
        ("V1,,2025-03-01", "row 3, household_id: this id is empty"),
        ("V1,H1,1 March", "row 3, since: '1 March' is not a date"),
        ("V1,H1,2027-01-01", "row 3, since: Jan. 1, 2027 is in the future"),
        ("V0,H1,2025-03-01", "row 3, volunteer_id: 'V0' is also on row 2"),
    ],
)
def test_a_bad_row_names_row_and_field_and_nothing_is_stored(programme, people, row, expected):
    text = f"volunteer_id,household_id,since\nV0,H0,2025-03-01\n{row}\n"
    with pytest.raises(PairingImportError) as error:
        pairings_import(programme=programme, text=text, today=TODAY)
    assert expected in str(error.value)
    assert not Pairing.objects.exists()


def test_a_missing_column_is_named(programme, people):
    with pytest.raises(PairingImportError, match="row 1, since: this column is missing"):
        pairings_import(programme=programme, text="volunteer_id,household_id\nV0,H0\n", today=TODAY)


def test_someone_already_paired_is_refused(programme, people):
    vs, hs = people
    make_pairing(vs[0], hs[2])
    with pytest.raises(PairingImportError, match="'V0' already has an active pairing"):
        pairings_import(
            programme=programme,
            text="volunteer_id,household_id,since\nV0,H0,2025-01-01\n",
            today=TODAY,
        )
    assert Pairing.objects.count() == 1


def test_people_of_another_programme_are_unknown(programme, other_programme, people):
    make_volunteer(other_programme, external_id="VX")
    with pytest.raises(PairingImportError, match="no one with id 'VX'"):
        pairings_import(
            programme=programme,
            text="volunteer_id,household_id,since\nVX,H0,2025-01-01\n",
            today=TODAY,
        )


def test_a_file_that_is_not_csv_names_the_row_and_stores_nothing(programme, people):
    # Found by the fuzz suite: a bare carriage return inside a field broke the reader.
    text = "volunteer_id,household_id,since\nV0,H0,2025-03-01\n,,\r0\n"
    with pytest.raises(PairingImportError, match="row 3, file: this is not valid CSV"):
        pairings_import(programme=programme, text=text, today=TODAY)
    assert not Pairing.objects.exists()


def test_a_nul_character_is_refused_with_its_row(programme, people):
    # Found by the fuzz suite on PostgreSQL, which refuses NUL bytes in text.
    text = "volunteer_id,household_id,since\nV0,H0,2025-03-01\nV1\x00,H1,2025-03-01\n"
    with pytest.raises(PairingImportError, match="row 3, file: this row holds a NUL character"):
        pairings_import(programme=programme, text=text, today=TODAY)
    assert not Pairing.objects.exists()
