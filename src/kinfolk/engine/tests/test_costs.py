import numpy as np

from kinfolk.engine import candidates as cand
from kinfolk.engine import costs as cm

from . import make_person, people


def _cost(volunteer: dict[str, str], household: dict[str, str]) -> int:
    v_pop = people("volunteers", make_person(id="V1", **volunteer))
    h_pop = people("households", make_person(id="H1", lat="54.0", **household))
    languages = cand.shared_languages(v_pop, h_pop)
    v, h = cand.traits(v_pop, languages), cand.traits(h_pop, languages)
    rows = cols = np.zeros(1, dtype=np.int64)
    km = cand.chord_to_km(np.linalg.norm(v.xyz[rows] - h.xyz[cols], axis=1))
    zero = np.zeros(1)
    return int(cm.edge_costs(cm.pair_features(v, h, rows, cols, km, zero, zero), cm.Weights())[0])


def test_walking_costs_more_per_kilometre_than_driving() -> None:
    by_car = _cost({"travel_mode": "car"}, {"travel_mode": "car"})
    one_walks = _cost({"travel_mode": "walk"}, {"travel_mode": "car"})
    both_walk = _cost({"travel_mode": "walk"}, {"travel_mode": "walk"})
    assert by_car < one_walks < both_walk
    # About 4.45 km apart: walking both ways costs 2 km-equivalents per km more.
    assert both_walk - by_car == round(2 * 4448.6, -2) or abs(both_walk - by_car - 8897) < 20


def test_a_regional_variant_costs_a_little_more_than_the_exact_language() -> None:
    exact = _cost({"speaks": "en-GB:fluent"}, {"speaks": "en-GB:fluent"})
    variant = _cost({"speaks": "en:fluent"}, {"speaks": "en-GB:fluent"})
    assert variant - exact == 5 * 0.2 * cm.UNITS_PER_KM  # langcodes distance 5
