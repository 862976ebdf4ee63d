import numpy as np

from kinfolk.engine.assign import match
from kinfolk.engine.explain import COLUMNS, explain
from kinfolk.engine.synth import generate

from . import TODAY, make_person, people


def test_explanations_agree_with_the_costs_and_ranks() -> None:
    programme = generate(300, 300, seed=4, today=TODAY)
    result = match(programme.volunteers, programme.households, today=TODAY)
    explanations = explain(result)
    assert len(explanations) == result.summary.pairs
    assert sum(e.cost for e in explanations) == result.summary.total_cost
    for item in explanations:
        assert item.volunteer_rank is not None and item.household_rank is not None
        cheaper = [cost for _, cost in item.volunteer_alternatives if cost < item.cost]
        assert len(cheaper) <= item.volunteer_rank - 1
        assert item.shared_languages  # every pair can talk
        assert item.common_slots
        costs = [cost for _, cost in item.volunteer_alternatives]
        assert costs == sorted(costs)


def test_exchange_languages_and_slots_are_named() -> None:
    volunteers = people("volunteers", make_person(id="V1", learning="ar"))
    households = people(
        "households",
        make_person(id="H1", speaks="ar:fluent;en:conversational", availability="sat-am;sun-pm"),
    )
    (item,) = explain(match(volunteers, households, today=TODAY))
    assert item.exchange_languages == ("volunteer learns ar",)
    assert item.shared_languages == ("en",)
    assert item.common_slots == ("sat-am",)
    record = item.to_record()
    assert list(record) == list(COLUMNS)


def test_manual_lock_says_what_it_costs_against_the_optimum() -> None:
    volunteers = people("volunteers", make_person(id="V1"), make_person(id="V2", lon="-1.2"))
    households = people("households", make_person(id="H1"), make_person(id="H2", lon="-1.2"))
    free = match(volunteers, households, today=TODAY)
    assert sorted(free.pair_ids()) == [("V1", "H1"), ("V2", "H2")]
    locked = match(volunteers, households, locks=[("V1", "H2")], today=TODAY)
    by_pair = {(e.volunteer_id, e.household_id): e for e in explain(locked)}
    change = by_pair[("V1", "H2")].lock_cost_change
    assert change == locked.summary.total_cost - free.summary.total_cost > 0
    assert by_pair[("V1", "H2")].lock_pairs_change == 0


def test_lock_beyond_distance_carries_its_warning() -> None:
    volunteers = people("volunteers", make_person(id="V1"))
    households = people("households", make_person(id="H1", lat="51.5", lon="-0.1"))
    (item,) = explain(match(volunteers, households, locks=[("V1", "H1")], today=TODAY))
    assert item.locked and item.volunteer_rank is None
    assert "beyond a travel limit" in item.warnings[0]
    assert np.isclose(item.distance_km, 281, atol=2)
