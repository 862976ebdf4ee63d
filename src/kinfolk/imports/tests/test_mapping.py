"""The column mapping: guessed in several languages, corrected, remembered; never sensitive."""

from __future__ import annotations

import zlib

import pytest
from django.core.exceptions import ValidationError

from kinfolk.imports import services
from kinfolk.imports.mapping import mapping_guess
from kinfolk.imports.models import ColumnMapping, PeopleImport
from kinfolk.imports.tests.conftest import households_csv, row


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["ID", "First name", "Surname", "E-mail address", "Mobile", "City"],
            ["id", "first_name", "last_name", "email", "phone", "town"],
        ),
        (
            ["Identifiant", "Prénom", "Nom", "Courriel", "Téléphone", "Ville", "Langues"],
            ["id", "first_name", "last_name", "email", "phone", "town", "speaks"],
        ),
        (
            ["Nr", "Imię", "Nazwisko", "Miejscowość", "Kod pocztowy", "Języki"],
            ["id", "first_name", "last_name", "town", "postcode", "speaks"],
        ),
        (["Имя", "Фамилия", "Город"], ["first_name", "last_name", "town"]),
        (["الاسم", "المدينة"], ["first_name", "town"]),
        (["名字", "城市", "经度", "纬度"], ["first_name", "town", "lon", "lat"]),
    ],
)
def test_mapping_is_guessed_from_headers_in_the_programmes_languages(header, expected):
    assert list(mapping_guess(header, {}).values()) == expected


def test_a_field_is_guessed_for_one_column_only():
    assert mapping_guess(["Name", "First name"], {}) == {"Name": "first_name"}


def test_the_confirmed_mapping_is_remembered_for_the_next_file(journey, programme):
    data = households_csv(row(1), header="id,first_name,last_name,email,phone,Wohnort,lat,lon,"
                          "speaks,availability").replace(b"Leeds", b"Leeds")  # fmt: skip
    first = services.import_upload(
        programme=programme, side="household", filename="a.csv", data=data, by=None
    )
    assert "Wohnort" not in first.mapping
    journey(data, mapping={**first.mapping, "Wohnort": "town"})
    assert (
        ColumnMapping.objects.get(programme=programme, side="household").mapping["Wohnort"]
        == "town"
    )
    second = services.import_upload(
        programme=programme, side="household", filename="b.csv", data=data, by=None
    )
    assert second.mapping["Wohnort"] == "town"


def test_a_mapping_without_required_fields_is_refused(journey, programme, coordinator):
    made = services.import_upload(
        programme=programme, side="household", filename="a.csv", data=households_csv(row(1)),
        by=coordinator,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.import_map(people_import=made, mapping={"id": "id"}, by=coordinator)
    messages = refused.value.messages
    assert "Map a column to first_name: it is required." in messages
    made.refresh_from_db()
    assert made.status == PeopleImport.Status.MAPPING


SENSITIVE = "id,first_name,lat,lon,speaks,availability,Religion,Country of birth,Health notes"


def test_sensitive_columns_are_refused_by_name_and_their_values_never_stored(programme):
    data = households_csv(
        "H1,Ann,53.8,-1.55,en:fluent,sat-am,Buddhist,Narnia,Asthma", header=SENSITIVE
    )
    made = services.import_upload(
        programme=programme, side="household", filename="a.csv", data=data, by=None
    )
    assert made.refused == {
        "Religion": "religion",
        "Country of birth": "country of birth",
        "Health notes": "health",
    }
    stored = zlib.decompress(bytes(made.data)).decode()
    assert (
        stored == "id,first_name,lat,lon,speaks,availability\nH1,Ann,53.8,-1.55,en:fluent,sat-am\n"
    )
    assert made.header == ["id", "first_name", "lat", "lon", "speaks", "availability"]


def test_a_sensitive_column_cannot_be_mapped_even_if_posted(programme, coordinator):
    data = households_csv("H1,Ann,53.8,-1.55,en:fluent,sat-am", header=SENSITIVE.rsplit(",", 2)[0])
    made = services.import_upload(
        programme=programme, side="household", filename="a.csv", data=data, by=coordinator
    )
    made.header.append("Religion")  # as if the column had been kept
    made.save(update_fields=["header"])
    with pytest.raises(ValidationError, match="sensitive category"):
        services.import_map(
            people_import=made, mapping={**made.mapping, "Religion": "offers"}, by=coordinator
        )
