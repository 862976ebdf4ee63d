"""Every imported person is placed by coordinates, a town or a postcode, never by a guess."""

from __future__ import annotations

import pytest

from kinfolk.imports import services
from kinfolk.imports.models import PostcodeCentroid
from kinfolk.imports.reading import FileProblem
from kinfolk.imports.tests.conftest import households_csv
from kinfolk.people.models import Household

PLACES = "id,first_name,town,postcode,lat,lon,speaks,availability"


def _row(n, town="", postcode="", lat="", lon=""):
    return f"H{n},Ann{n},{town},{postcode},{lat},{lon},en:fluent,sat-am"


def test_a_town_of_the_programmes_country_places_the_row(journey):
    journey(households_csv(_row(1, town="leeds"), header=PLACES), commit=True)
    stored = Household.objects.get(external_id="H1")
    assert (stored.town, stored.lat, stored.lon) == ("Leeds", 53.79648, -1.54785)


def test_a_town_name_shared_by_several_towns_is_an_error_naming_them(journey):
    made = journey(households_csv(_row(1, town="Newport"), header=PLACES))
    assert made.invalid == 1
    [problem] = made.problems_shown
    assert problem[:3] == [2, "town", "Newport"]
    assert problem[3] == (
        "names 2 towns: Newport (51.59, -3.00); Newport (50.70, -1.29). "
        "Give latitude and longitude or a postcode instead"
    )


def test_an_unknown_town_is_an_error(journey):
    made = journey(households_csv(_row(1, town="Atlantis"), header=PLACES))
    assert made.problems_shown[0][3].startswith("is not a town of GB we know")


def test_coordinates_without_a_town_take_the_nearest_town(journey):
    journey(households_csv(_row(1, lat="53.80", lon="-1.55"), header=PLACES), commit=True)
    assert Household.objects.get(external_id="H1").town == "Leeds"


def test_a_latitude_of_200_is_an_error_and_nothing_is_stored(journey):
    made = journey(households_csv(_row(1, lat="200", lon="-1.55"), header=PLACES), commit=True)
    assert made.problems_shown == [[2, "lat", "200", "200.0 is outside -90..90 degrees"]]
    assert not Household.objects.filter(external_id="H1").exists()


def test_a_row_with_no_place_at_all_is_an_error(journey):
    made = journey(households_csv(_row(1), header=PLACES))
    assert made.problems_shown[0][3] == (
        "cannot be placed: give latitude and longitude, a town or a postcode"
    )


def test_a_postcode_is_placed_by_the_programmes_postcode_file(journey, programme):
    n = services.postcodes_upload(
        programme=programme, data=b"postcode,lat,lon\nLS1 4AP,53.7997,-1.5492\n"
    )
    assert n == 1
    made = journey(
        households_csv(_row(1, postcode="ls14ap"), _row(2, postcode="XX1 1XX"), header=PLACES),
        commit=True,
    )
    stored = Household.objects.get(external_id="H1")
    assert (stored.lat, stored.lon, stored.town) == (53.7997, -1.5492, "Leeds")
    assert made.problems_shown == [
        [3, "postcode", "XX1 1XX", "is not in the programme's postcode file"]
    ]


def test_a_bad_postcode_file_is_refused_and_the_old_one_kept(programme):
    services.postcodes_upload(programme=programme, data=b"postcode,lat,lon\nLS1 4AP,53.8,-1.5\n")
    with pytest.raises(FileProblem, match="Row 3, lat"):
        services.postcodes_upload(
            programme=programme, data=b"postcode,lat,lon\nLS2 1AA,53.8,-1.5\nLS3,95,-1.5\n"
        )
    assert list(PostcodeCentroid.objects.values_list("postcode", flat=True)) == ["LS14AP"]
