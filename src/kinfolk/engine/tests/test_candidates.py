import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinfolk.engine import candidates as cand
from kinfolk.engine.synth import generate

from . import TODAY, make_person, people


def _graph(volunteers, households, k=32, excluded=None):  # type: ignore[no-untyped-def]
    languages = cand.shared_languages(volunteers, households)
    v, h = cand.traits(volunteers, languages), cand.traits(households, languages)
    return v, h, cand.build(v, h, k=k, excluded=excluded)


def _brute_force(v, h, i, k):  # type: ignore[no-untyped-def]
    cols = np.arange(h.xyz.shape[0])
    chord = np.linalg.norm(h.xyz - v.xyz[i], axis=1)
    # compatible_stage is symmetric in its two sides, so this serves households too.
    ok = cand.compatible_stage(v, h, np.full(cols.size, i), cols, chord) == cand.PAIRED
    order = np.lexsort((cols[ok], chord[ok]))
    return cols[ok][order][:k], chord[ok][order]


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.sampled_from([1, 3, 8]))
def test_graph_holds_each_persons_k_nearest_compatible_partners(seed: int, k: int) -> None:
    programme = generate(120, 150, seed=seed, today=TODAY)
    v, h, graph = _graph(programme.volunteers, programme.households, k=k)
    rows, cols = graph.rows(), graph.indices
    for i in range(graph.n_volunteers):
        row = cols[rows == i]
        _, chords = _brute_force(v, h, i, k)
        # The row holds the volunteer's own k nearest, and households' picks besides,
        # which are no nearer (equal distances may be listed in either order).
        got = np.sort(np.linalg.norm(h.xyz[row] - v.xyz[i], axis=1))[: min(k, chords.size)]
        np.testing.assert_allclose(got, np.sort(chords)[: got.size], rtol=1e-9, atol=1e-12)
        assert got.size == min(k, chords.size)
    for j in range(graph.n_households):
        listed = rows[cols == j]
        _, chords = _brute_force(h, v, j, k)
        got = np.sort(np.linalg.norm(v.xyz[listed] - h.xyz[j], axis=1))[: min(k, chords.size)]
        np.testing.assert_allclose(got, np.sort(chords)[: got.size], rtol=1e-9, atol=1e-12)


def test_a_crowd_at_one_point_spreads_its_lists_and_is_paired_in_full() -> None:
    # 300 + 300 people placed at one postcode centroid, everyone compatible.
    same = {"lat": "53.96", "lon": "-1.08"}
    volunteers = people("volunteers", *[make_person(id=f"V{i}", **same) for i in range(300)])
    households = people("households", *[make_person(id=f"H{i}", **same) for i in range(300)])
    _, _, graph = _graph(volunteers, households, k=8)
    assert np.unique(graph.indices).size > 250  # not the same 8 for everyone
    from kinfolk.engine.assign import match

    assert match(volunteers, households, k=8, today=TODAY).summary.pairs == 300


def test_graph_never_lists_an_incompatible_or_excluded_pair() -> None:
    programme = generate(400, 400, seed=5, today=TODAY)
    m = len(programme.households)
    excluded = np.array([0 * m + 0, 3 * m + 7, 10 * m + 11], dtype=np.int64)
    v, h, graph = _graph(programme.volunteers, programme.households, k=16, excluded=excluded)
    rows, cols = graph.rows(), graph.indices
    chord = np.linalg.norm(v.xyz[rows] - h.xyz[cols], axis=1)
    assert np.all(cand.compatible_stage(v, h, rows, cols, chord) == cand.PAIRED)
    assert not np.isin(rows.astype(np.int64) * m + cols, excluded).any()
    assert np.all(graph.distance_km <= programme.volunteers.max_travel_km[rows] + 1e-3)
    assert np.all(np.diff(graph.indptr) <= 16)


@pytest.mark.parametrize("places", ["home", "either", "public"])
def test_household_limit_applies_whatever_its_visit_places(places: str) -> None:
    # Visits alternate hosts, so the household travels on the volunteer's turn too.
    volunteers = people("volunteers", make_person(id="V1", max_travel_km="50"))
    far = {"lat": "54.06", "max_travel_km": "2", "visit_places": places}  # about 11 km north
    near = {"lat": "54.06", "max_travel_km": "20", "visit_places": places}
    households = people("households", make_person(id="H1", **far), make_person(id="H2", **near))
    _, _, graph = _graph(volunteers, households)
    assert graph.indices.tolist() == [1]


@pytest.mark.parametrize(
    ("volunteer", "household", "fits"),
    [
        ("home", "public", False),
        ("public", "home", False),
        ("home", "home", True),
        ("public", "public", True),
        ("either", "public", True),
        ("home", "either", True),
    ],
)
def test_visit_places_of_both_sides_must_fit(volunteer: str, household: str, fits: bool) -> None:
    volunteers = people("volunteers", make_person(id="V1", visit_places=volunteer))
    households = people("households", make_person(id="H1", visit_places=household))
    _, _, graph = _graph(volunteers, households)
    assert graph.n_edges == (1 if fits else 0)
    if not fits:
        assert cand.REASONS[graph.volunteer_reason[0]] == "no condition met"


def test_regional_variants_of_a_language_are_shared() -> None:
    volunteers = people("volunteers", make_person(id="V1", speaks="en:fluent"))
    households = people(
        "households",
        make_person(id="H1", speaks="en-GB:conversational"),
        make_person(id="H2", speaks="zh-Hant:fluent"),
    )
    _, _, graph = _graph(volunteers, households)
    assert households.id[graph.indices].tolist() == ["H1"]


def test_reasons_name_the_first_constraint_that_ruled_everyone_out() -> None:
    volunteers = people(
        "volunteers",
        make_person(id="V1", lat="51.5", lon="-0.1"),  # London, far from York
        make_person(id="V2", speaks="sw:fluent;en:basic"),
        make_person(id="V3", availability="mon-eve"),
        make_person(id="V4", offers="smoking"),
        make_person(id="V5"),
    )
    households = people("households", make_person(id="H1", accepts="pets"))
    _, _, graph = _graph(volunteers, households)
    reasons = [cand.REASONS[r] for r in graph.volunteer_reason]
    assert reasons == [
        "no candidate within distance",
        "no shared language",
        "no common slot",
        "no condition met",
        "paired",
    ]


def test_a_household_lists_its_own_candidates_and_is_told_why_when_it_has_none() -> None:
    volunteers = people("volunteers", make_person(id="V1"))
    households = people(
        "households",
        make_person(id="H1"),
        make_person(id="H2", lon="-1.081"),  # compatible; V1 keeps only k=1, H2 lists V1
        make_person(id="H3", speaks="ti:fluent"),
    )
    _, _, graph = _graph(volunteers, households, k=1)
    assert sorted(households.id[graph.indices].tolist()) == ["H1", "H2"]
    reasons = [cand.REASONS[r] for r in graph.household_reason]
    assert reasons == ["paired", "paired", "no shared language"]


def test_rare_language_speakers_find_distant_speakers_in_a_dense_city() -> None:
    # 3,000 English-only households near the volunteer, one Tigrinya speaker further out.
    rng = np.random.default_rng(0)
    rows = [make_person(id=f"H{i}", lat=f"{53.96 + rng.normal(0, 0.01):.5f}") for i in range(3000)]
    rows.append(make_person(id="HT", lat="54.0", speaks="ti:fluent"))
    households = people("households", *rows)
    volunteers = people("volunteers", make_person(id="V1", speaks="ti:fluent;en:basic"))
    _, _, graph = _graph(volunteers, households, k=4)
    assert households.id[graph.indices].tolist() == ["HT"]


def test_distances_are_great_circle_kilometres() -> None:
    york_to_leeds = cand.chord_to_km(
        np.linalg.norm(cand.unit_vectors(53.96, -1.08) - cand.unit_vectors(53.80, -1.55))
    )
    assert 34 < float(york_to_leeds) < 36


def test_each_row_lists_a_pair_once_nearest_first_then_by_household() -> None:
    programme = generate(300, 300, seed=11, today=TODAY)
    v, h, graph = _graph(programme.volunteers, programme.households, k=5)
    rows, cols = graph.rows(), graph.indices.astype(np.int64)
    assert np.unique(rows * graph.n_households + cols).size == graph.n_edges
    chord = np.linalg.norm(v.xyz[rows] - h.xyz[cols], axis=1)
    order = np.lexsort((cols, chord, rows))
    np.testing.assert_array_equal(order, np.arange(graph.n_edges))


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), locked_share=st.sampled_from([0.0, 0.5, 0.9, 1.0]))
def test_locked_people_are_never_listed_and_the_free_list_their_k_nearest_free(
    seed: int, locked_share: float
) -> None:
    # Re-pairing locks most people: the lists must be those of the free alone.
    programme = generate(90, 110, seed=seed, today=TODAY)
    languages = cand.shared_languages(programme.volunteers, programme.households)
    v = cand.traits(programme.volunteers, languages)
    h = cand.traits(programme.households, languages)
    rng = np.random.default_rng(seed)
    v_free = rng.random(v.xyz.shape[0]) >= locked_share
    h_free = rng.random(h.xyz.shape[0]) >= locked_share
    k = 4
    graph = cand.build(v, h, k=k, volunteer_free=v_free, household_free=h_free)
    rows, cols = graph.rows(), graph.indices
    assert v_free[rows].all() and h_free[cols].all()
    for i in np.flatnonzero(v_free):
        _, chords = _brute_force(v, h.take(np.flatnonzero(h_free)), i, k)
        row = cols[rows == i]
        got = np.sort(np.linalg.norm(h.xyz[row] - v.xyz[i], axis=1))[: min(k, chords.size)]
        np.testing.assert_allclose(got, np.sort(chords)[: got.size], rtol=1e-9, atol=1e-12)
        assert got.size == min(k, chords.size)
