"""The wording of people and pairs: words, never codes, coordinates or costs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from kinfolk.people import wording as w


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_languages_are_named_with_their_levels():
    assert w.speaks_words("en:fluent;sw:conversational") == [
        "English (fluent)",
        "Swahili (conversational)",
    ]
    assert w.learning_words("ar;fr") == ["Arabic", "French"]


def test_a_language_tag_that_is_not_valid_is_shown_as_typed_not_dropped():
    assert w.speaks_words("not a tag") == ["not a tag"]
    assert w.speaks_words("") == []


def test_availability_is_a_grid_of_seven_days_by_three_parts():
    grid = w.availability_grid("mon-am;tue-eve;sun-pm")
    assert [d.name for d in grid] == [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
    assert grid[0].free == (True, False, False)
    assert grid[1].free == (False, False, True)
    assert grid[6].free == (False, True, False)
    assert sum(sum(d.free) for d in grid) == 3
    assert w.part_names() == ["morning", "afternoon", "evening"]


def test_travel_is_kilometres_and_a_mode():
    assert w.travel_words(10.0, "public") == "up to 10 km, by public transport"
    assert w.travel_words(2.5, "walk") == "up to 2.5 km, on foot"


def test_conditions_are_third_person_sentences_with_the_first_name():
    assert w.condition_sentences("Ana", "pets;step_free", "children") == [
        "Ana's home has pets and step-free access.",
        "Ana is happy to visit a home with children.",
    ]


def test_no_conditions_still_reads_as_a_sentence():
    assert w.condition_sentences("Tom", "", "") == [
        "Tom's home has none of the listed conditions.",
        "Tom prefers a home without any of the listed conditions.",
    ]


@pytest.mark.parametrize(
    ("km", "words"),
    [(2.14, "2.1 km apart"), (0.04, "under 0.1 km apart"), (12.0, "12 km apart")],
)
def test_distance_reads_as_kilometres_apart(km, words):
    assert w.distance_words(km) == words


@pytest.mark.parametrize(
    ("n", "words"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (22, "22nd")]
)
def test_ordinals(n, words):
    assert w.ordinal(n) == words


def test_choices_name_both_people_by_first_name_never_by_pronoun():
    assert w.choice_words("Ana", 1, "Tom", 2) == "Ana's 1st choice, Tom's 2nd"
    assert w.choice_words("Ana", None, "Tom", 3) == "Tom's 3rd choice"
    assert w.choice_words("Ana", None, "Tom", None) == ""


def test_waiting_time_in_months_weeks_or_days():
    today = dt.date(2026, 11, 30)
    assert w.waiting_words(dt.date(2026, 3, 20), today) == "waiting 8 months"
    assert w.waiting_words(dt.date(2026, 11, 2), today) == "waiting 4 weeks"
    assert w.waiting_words(dt.date(2026, 11, 29), today) == "waiting 1 day"
    assert w.waiting_words(None, today) == ""
    assert w.wait_length(dt.date(2026, 3, 20), today) == "8 months"
    assert w.wait_length(dt.date(2026, 11, 30), today) == "0 days"


def test_languages_of_a_pair_shared_and_exchanged():
    ana = w.Side("Ana", "sw:fluent;en:conversational", "ar")
    tom = w.Side("Tom", "sw:conversational;ar:fluent", "")
    assert w.language_words(ana, tom) == "shares Swahili; Ana is learning Arabic, which Tom speaks"


def test_a_language_spoken_only_at_basic_level_is_not_shared():
    ana = w.Side("Ana", "en:fluent;fr:basic", "")
    tom = w.Side("Tom", "en:fluent;fr:fluent", "")
    assert w.language_words(ana, tom) == "shares English"


def test_the_next_best_alternative_says_how_much_further():
    assert w.alternative_words("Tom", "Bea", 1.26) == "next best for Tom: Bea, 1.3 km further"
    assert w.alternative_words("Tom", "Bea", -0.5) == "next best for Tom: Bea, 0.5 km nearer"
    assert w.alternative_words("Tom", "Bea", 0.02) == "next best for Tom: Bea, about as far"
    assert w.alternative_words("Tom", "Bea", None) == "next best for Tom: Bea"


def test_a_pair_kept_by_hand_is_described_without_cost_units():
    assert w.lock_words(None, None) == ""
    assert w.lock_words(0, 0) == "kept by hand: it is also the best fit"
    assert "fit a little less well" in w.lock_words(23340, 0)
    assert w.lock_words(23340, -1) == "kept by hand: the run makes 1 pair fewer because of it"
    assert "23340" not in w.lock_words(23340, 0)


def test_great_circle_distance_leeds_to_bradford():
    assert 13 < w.great_circle_km((53.7965, -1.5478), (53.7939, -1.7521)) < 14


def test_no_wording_prints_a_cost_or_a_coordinate():
    phrases = [
        w.distance_words(2.1),
        w.choice_words("Ana", 1, "Tom", 2),
        w.alternative_words("Tom", "Bea", 1.3),
        w.pair_summary([w.distance_words(2.1), "", None, "shares English"]),
    ]
    assert all("cost" not in p.lower() and "°" not in p for p in phrases)
    assert phrases[-1] == "2.1 km apart · shares English"
