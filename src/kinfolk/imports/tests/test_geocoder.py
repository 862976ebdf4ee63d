"""The optional geocoder, against a Nominatim-like server on 127.0.0.1 that each test starts.

The server (``nominatim_server.py``) answers with the JSON the test gave for
the text asked, counts every request, and can be slow or closed.  No request
leaves the machine.
"""

from __future__ import annotations

import itertools
import json
import socket

import pytest

from kinfolk.imports import services
from kinfolk.imports.models import GeocodedPlace, PeopleImport
from kinfolk.imports.tests.conftest import households_csv
from kinfolk.imports.tests.nominatim_server import NominatimStub, found
from kinfolk.people.models import Household

PLACES = "id,first_name,last_name,address,town,postcode,lat,lon,speaks,availability"


def _row(n, town="", postcode="", address=""):
    return f'H{n},Ann{n},Secretname,"{address}",{town},{postcode},,,en:fluent,sat-am'


@pytest.fixture
def nominatim(settings):
    server = NominatimStub().start()
    settings.KINFOLK_GEOCODER_URL = server.url
    settings.KINFOLK_GEOCODER_MIN_DELAY = 0
    settings.KINFOLK_GEOCODER_TIMEOUT = 5
    settings.KINFOLK_GEOCODER_USER_AGENT = "Kinfolk people import (https://kinfolk.test)"
    yield server
    server.stop()


def test_a_town_we_do_not_know_is_looked_up_and_the_row_placed(journey, nominatim):
    nominatim.answers["little snoring"] = [found(52.8589, 0.9052)]
    made = journey(households_csv(_row(1, town="Little Snoring"), header=PLACES), commit=True)
    assert (made.status, made.new, made.invalid) == ("committed", 1, 0)
    stored = Household.objects.get(external_id="H1")
    assert (stored.town, stored.lat, stored.lon) == ("Little Snoring", 52.8589, 0.9052)
    [(path, params, agent)] = nominatim.asked  # the preview asked; the commit reused it
    assert path == "/search"
    assert params["city"] == "Little Snoring" and params["countrycodes"] == "gb"
    assert params["format"] == "json" and params["addressdetails"] == "1"
    assert agent == "Kinfolk people import (https://kinfolk.test)"


def test_only_the_place_is_sent_never_a_name_or_contact_details(journey, nominatim):
    nominatim.answers["little snoring"] = [found(52.8589, 0.9052)]
    journey(households_csv(_row(1, town="Little Snoring", address="1 Mill Lane"), header=PLACES))
    sent = json.dumps(nominatim.asked)
    assert "Little Snoring" in sent
    for private in ("Ann1", "Secretname", "Mill Lane", "H1"):
        assert private not in sent


def test_each_place_is_asked_once_and_a_reimport_asks_nothing_again(journey, nominatim):
    nominatim.answers["little snoring"] = [found(52.8589, 0.9052)]
    rows = [_row(n, town=town) for n, town in enumerate(["Little Snoring", "little  snoring"])]
    first = journey(households_csv(*rows, header=PLACES), commit=True)
    again = journey(households_csv(*rows, _row(7, town="LITTLE SNORING"), header=PLACES))
    assert (first.new, again.new, again.unchanged, again.invalid) == (2, 1, 2, 0)
    assert len(nominatim.asked) == 1
    # Kept under a keyed hash, not as the text that was sent.
    [kept] = GeocodedPlace.objects.all()
    assert "snoring" not in kept.digest.lower() and kept.candidates == [[52.8589, 0.9052, "GB"]]


def test_a_postcode_not_in_the_programmes_file_is_looked_up(journey, nominatim):
    nominatim.answers["ls1 4ap"] = [found(53.7997, -1.5492)]
    made = journey(households_csv(_row(1, postcode="LS1  4AP"), header=PLACES), commit=True)
    assert made.invalid == 0
    stored = Household.objects.get(external_id="H1")
    assert (stored.town, stored.lat, stored.lon) == ("Leeds", 53.7997, -1.5492)
    assert nominatim.asked[0][1]["postalcode"] == "LS1 4AP"


def test_an_unknown_place_is_an_error_naming_row_and_column(journey, nominatim):
    made = journey(households_csv(_row(1, town="Leeds"), _row(2, town="Atlantis"), header=PLACES))
    assert (made.new, made.invalid) == (1, 1)
    assert made.problems_shown == [
        [
            3,
            "town",
            "Atlantis",
            "is not a place of GB that we or the geocoder know; give a nearby larger town, "
            "latitude and longitude, or a postcode",
        ]
    ]
    assert [params["city"] for _path, params, _agent in nominatim.asked] == ["Atlantis"]


def test_a_place_named_twice_far_apart_is_an_error_naming_both(journey, nominatim):
    nominatim.answers["newport"] = [found(51.5877, -2.9984), found(50.7008, -1.2923)]
    made = journey(households_csv(_row(1, town="Newport"), header=PLACES))
    [problem] = made.problems_shown
    assert problem[:3] == [2, "town", "Newport"]
    assert problem[3] == (
        "names 2 places far apart, by the geocoder: near Newport (51.59, -3.00); "
        "near Newport (50.70, -1.29). Give latitude and longitude or a postcode instead"
    )


def test_two_answers_a_street_apart_are_one_place(journey, nominatim):
    nominatim.answers["little snoring"] = [found(52.8589, 0.9052), found(52.8600, 0.9100)]
    made = journey(households_csv(_row(1, town="Little Snoring"), header=PLACES), commit=True)
    assert made.invalid == 0
    assert Household.objects.get(external_id="H1").lat == 52.8589


def test_a_place_abroad_is_an_error(journey, nominatim):
    nominatim.answers["calais"] = [found(50.95, 1.85, country="fr")]
    made = journey(households_csv(_row(1, town="Calais"), header=PLACES), commit=True)
    assert made.problems_shown == [
        [
            2,
            "town",
            "Calais",
            "is in FR by the geocoder, not in GB; give latitude and longitude, a town or a "
            "postcode of GB",
        ]
    ]
    assert not Household.objects.exists()


def _unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_geocoder_that_is_down_stops_the_preview_clearly_and_nothing_is_stored(journey, settings):
    settings.KINFOLK_GEOCODER_URL = f"http://127.0.0.1:{_unused_port()}"
    settings.KINFOLK_GEOCODER_MIN_DELAY = 0
    made = journey(households_csv(_row(1, town="Leeds"), _row(2, town="Atlantis"), header=PLACES))
    assert made.status == PeopleImport.Status.MAPPING
    host = settings.KINFOLK_GEOCODER_URL.removeprefix("http://")
    assert made.error.startswith(
        f"The geocoder at {host} failed: it could not be reached, or answered with an error. "
        "Nothing was imported."
    )
    assert (made.new, made.problems_csv) == (0, "")
    assert not GeocodedPlace.objects.exists() and not Household.objects.exists()


def test_a_geocoder_that_times_out_stops_the_preview_clearly_once_and_logs_no_place(
    journey, nominatim, settings, caplog
):
    settings.KINFOLK_GEOCODER_TIMEOUT = 0.3
    nominatim.delay = 1.0
    made = journey(households_csv(_row(1, town="Atlantis"), header=PLACES))
    assert made.status == PeopleImport.Status.MAPPING
    assert "did not answer within 0.3 seconds; nothing was imported" in made.error
    assert len(nominatim.asked) == 1  # not retried
    assert not GeocodedPlace.objects.exists() and not Household.objects.exists()
    assert "Atlantis" not in caplog.text


def test_without_the_setting_no_request_is_made_at_all(journey, nominatim, settings):
    settings.KINFOLK_GEOCODER_URL = ""
    made = journey(
        households_csv(_row(1, town="Atlantis"), _row(2, postcode="ZZ9 9ZZ"), header=PLACES),
        commit=True,
    )
    assert made.invalid == 2
    assert made.problems_shown[0][3].startswith("is not a town of GB we know")
    assert nominatim.asked == []
    assert not GeocodedPlace.objects.exists()


def test_an_address_is_sent_only_when_the_site_allows_it(journey, nominatim, settings):
    nominatim.answers["1 mill lane, fakenham"] = [found(52.83, 0.85)]
    made = journey(households_csv(_row(1, address="1 Mill Lane, Fakenham"), header=PLACES))
    assert (made.invalid, nominatim.asked) == (1, [])
    settings.KINFOLK_GEOCODER_ADDRESSES = True
    made = journey(households_csv(_row(1, address="1 Mill Lane, Fakenham"), header=PLACES))
    assert (made.new, made.invalid) == (1, 0)
    assert nominatim.asked[0][1]["q"] == "1 Mill Lane, Fakenham"


def test_the_lookups_run_as_a_stage_of_the_job_with_their_progress(programme, nominatim):
    from kinfolk.imports.geocoding import Query, answers_get

    nominatim.answers["york"] = [found(53.96, -1.08)]
    seen: list[tuple[str, int]] = []
    queries = [Query("town", "York"), Query("town", "york"), Query("postcode", "YO1 7HH")]
    answers = answers_get(
        programme_id=programme.pk,
        country="GB",
        queries=queries,
        started=lambda n: seen.append(("started", n)),
        asked=lambda done: seen.append(("asked", done)),
    )
    assert seen == [("started", 2), ("asked", 1), ("asked", 2)]
    assert answers["town:york"][0].lat == 53.96 and answers["postcode:yo1 7hh"] == []


def test_the_commit_checks_again_from_the_kept_answers_without_asking(
    journey, nominatim, coordinator, django_capture_on_commit_callbacks
):
    nominatim.answers["little snoring"] = [found(52.8589, 0.9052)]
    made = journey(households_csv(_row(1, town="Little Snoring"), header=PLACES))
    nominatim.answers.clear()  # were the commit to ask again, the row would be refused
    with django_capture_on_commit_callbacks(execute=True):
        services.import_commit_start(people_import=made, by=coordinator)
    made.refresh_from_db()
    assert (made.status, made.new, len(nominatim.asked)) == ("committed", 1, 1)


def test_requests_are_spaced_by_the_configured_delay(journey, nominatim, settings):
    settings.KINFOLK_GEOCODER_MIN_DELAY = 0.4
    towns = ["Atlantis", "Lyonesse", "Ys"]
    journey(households_csv(*(_row(n, town=t) for n, t in enumerate(towns)), header=PLACES))
    gaps = [b - a for a, b in itertools.pairwise(nominatim.times)]
    assert len(nominatim.asked) == 3 and min(gaps) >= 0.39


def test_a_commit_that_must_ask_a_geocoder_that_is_down_writes_nothing(
    journey, nominatim, coordinator, django_capture_on_commit_callbacks
):
    nominatim.answers["little snoring"] = [found(52.8589, 0.9052)]
    made = journey(households_csv(_row(1, town="Leeds"), _row(2, town="Little Snoring"),
                                  header=PLACES))  # fmt: skip
    GeocodedPlace.objects.all().delete()  # the kept answer is gone: the commit must ask again
    nominatim.stop()
    with django_capture_on_commit_callbacks(execute=True):
        services.import_commit_start(people_import=made, by=coordinator)
    made.refresh_from_db()
    assert made.status == PeopleImport.Status.PREVIEWED and "Nothing was imported" in made.error
    assert not Household.objects.exists()
