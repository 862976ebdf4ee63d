import datetime as dt
import time

import numpy as np
import pytest

from kinfolk.engine import dictionary as dd
from kinfolk.engine.population import Population
from kinfolk.engine.synth import generate

TODAY = dt.date(2026, 11, 1)


def test_same_seed_gives_the_same_programme() -> None:
    first = generate(200, 150, seed=7, today=TODAY)
    second = generate(200, 150, seed=7, today=TODAY)
    assert first.volunteers.to_records() == second.volunteers.to_records()
    assert first.households.to_records() == second.households.to_records()
    other = generate(200, 150, seed=8, today=TODAY)
    assert other.volunteers.to_records() != first.volunteers.to_records()


def test_ids_and_sizes() -> None:
    programme = generate(3, 2, seed=1, today=TODAY)
    assert programme.volunteers.id.tolist() == ["V000001", "V000002", "V000003"]
    assert programme.households.id.tolist() == ["H000001", "H000002"]
    assert programme.country == "GB"


def test_people_live_near_real_towns_of_the_country() -> None:
    people = generate(2000, 0, seed=2, today=TODAY).volunteers
    assert 49.5 < np.median(people.lat) < 56 and -6 < np.median(people.lon) < 2
    assert np.all((people.lat > 49) & (people.lat < 61) & (people.lon > -9) & (people.lon < 3))
    assert "London" in set(people.town.tolist())


def test_main_language_is_nearly_universal_with_a_long_tail() -> None:
    people = generate(0, 5000, seed=3, today=TODAY).households
    english = np.uint64(1 << people.languages.index("en"))
    assert np.mean((people.speaks_any & english) != 0) > 0.9
    others = people.speaks_any & ~english
    assert 0.1 < np.mean(others != 0) < 0.8
    assert np.bitwise_count(np.bitwise_or.reduce(others)) >= 15
    assert np.mean(people.learning != 0) > 0.1
    assert np.all(people.speaks_any != 0)


def test_availability_is_typically_three_to_nine_slots_mostly_evenings() -> None:
    people = generate(5000, 0, seed=4, today=TODAY).volunteers
    counts = np.bitwise_count(people.availability)
    assert counts.min() >= 1 and counts.max() <= 21
    assert np.mean((counts >= 3) & (counts <= 9)) > 0.6
    slot = np.arange(21, dtype=np.uint32)
    share = ((people.availability[:, None] >> slot) & 1).mean(axis=0)
    assert share[dd.SLOTS.index("sat-eve")] > share[dd.SLOTS.index("tue-am")]


def test_travel_places_waiting_and_blackouts_are_plausible() -> None:
    programme = generate(3000, 3000, seed=5, today=TODAY)
    volunteers, households = programme.volunteers, programme.households
    km = volunteers.max_travel_km
    assert np.mean((km >= 5) & (km <= 25)) > 0.7
    assert np.mean(households.visit_places == dd.VISIT_PLACES.index("home")) > 0.5
    waited = (np.datetime64(TODAY) - households.waiting_since).astype(int)
    assert waited.min() >= 0 and waited.max() <= 550 and waited.mean() > 60
    assert 0.02 < np.mean([bool(b) for b in households.blackout]) < 0.2
    assert set(np.unique(volunteers.travel_mode).tolist()) == {0, 1, 2}


def test_generated_people_survive_a_csv_round_trip() -> None:
    programme = generate(300, 300, seed=6, today=TODAY)
    for people in (programme.volunteers, programme.households):
        records = people.to_records()
        again = Population.from_records(records, kind=people.kind)
        assert again.to_records() == records


def test_other_countries_use_their_main_language() -> None:
    people = generate(500, 0, country="FR", seed=1, today=TODAY).volunteers
    assert people.languages[0] == "fr"
    assert np.mean(people.speaks_any & np.uint64(1) != 0) > 0.9


def test_unknown_country_is_an_error() -> None:
    with pytest.raises(ValueError, match="country"):
        generate(1, 1, country="XX", today=TODAY)


def test_three_thousand_people_take_well_under_a_second() -> None:
    generate(10, 10, seed=0, today=TODAY)  # warm the town table cache
    start = time.perf_counter()
    generate(3000, 3000, seed=9, today=TODAY)
    assert time.perf_counter() - start < 0.5
