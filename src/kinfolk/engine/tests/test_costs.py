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


def test_costs_priced_in_the_candidate_pass_equal_the_cost_model() -> None:
    import datetime as dt

    from kinfolk.engine import cells
    from kinfolk.engine.synth import generate

    today = dt.date(2026, 11, 1)
    programme = generate(2000, 1800, seed=3, today=today)
    vp, hp = programme.volunteers, programme.households
    languages = cand.shared_languages(vp, hp)
    v, h = cand.traits(vp, languages), cand.traits(hp, languages)
    v_months = cm.months_waited(vp.waiting_since, today)
    h_months = cm.months_waited(hp.waiting_since, today)
    weights = cm.Weights(distance=1.3, language_exchange=2.0, waiting=0.7, language_variant=0.4)
    graph, cost = cand.priced(
        cells.side(v, v_months, np.ones(len(vp), bool)),
        cells.side(h, h_months, np.ones(len(hp), bool)),
        v.variants,
        weights,
        k=6,
    )
    rows, cols = graph.rows(), graph.indices
    features = cm.pair_features(v, h, rows, cols, graph.distance_km, v_months, h_months)
    assert graph.n_edges > 5000  # enough pairs that every cost term varies
    np.testing.assert_array_equal(cost, cm.edge_costs(features, weights))
