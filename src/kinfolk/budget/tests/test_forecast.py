"""The forecast of a small programme, worked out by hand, through the one adapter."""

from __future__ import annotations

import datetime as dt

import pytest

from kinfolk.budget.selectors import forecast_report
from kinfolk.budget.tests.helpers import rates_add, small_programme
from kinfolk.visits.models import Visit

TODAY = dt.date(2027, 1, 10)


@pytest.fixture
def costed(programme):
    rates_add(programme)
    return small_programme(programme)


def test_a_year_of_a_small_programme_matches_the_hand_computed_totals(programme, costed):
    report = forecast_report(programme=programme, today=TODAY)
    result = report.forecast
    assert (report.first, report.until) == (dt.date(2027, 1, 1), dt.date(2028, 1, 1))
    # Ada and Hana: periods of 8 weeks from 4 January 2027; Hana hosts visits 1, 3, 5, 7
    # (Ada drives 2 x 1.25 x 4 km = 10 km at 45 = 450) and Ada hosts 2, 4, 6 (Hana's bus,
    # 10 km at 30 = 300); each visit has the 500 allowance.  The pairing starts this year: 10000.
    first_pair = 4 * (450 + 500) + 3 * (300 + 500) + 10000
    # Ben and Ola (from 30 November 2026): 7 windows in 2027, a walk costs 0, allowance 500.
    second_pair = 7 * 500
    staff = 120000
    assert result.total == first_pair + second_pair + staff == 139700
    months = {row.month.month: row for row in report.months}
    assert months[1].visits == 2  # 4 January (stored) and 25 January (planned)
    assert months[1].kinds == {
        "travel": 450,
        "allowance": 1000,
        "per_diem": 0,
        "per_pairing": 10000,
        "staff": 10000,
    }
    assert months[3].total == 800 + 500 + 10000  # 1 March (Ada hosts), 22 March
    assert sum(row.total for row in report.months) == result.total
    assert result.visits.sum() == 14
    assert result.pairings == 2
    assert result.per_visit == 693  # (4 x 950 + 3 x 800 + 7 x 500) / 14 = 692.86, half up
    assert result.per_pairing == 139700 // 2


def test_the_breakdowns_by_town_and_organisation_add_up(programme, costed):
    report = forecast_report(programme=programme, today=TODAY)
    towns = {row.name: row.total for row in report.groups["town"]}
    assert towns == {"Leeds": 4 * 950 + 3 * 800 + 10000, "Otley": 3500}
    organisations = {row.name: (row.total, row.pairings) for row in report.groups["organisation"]}
    assert organisations == {"": (16200, 1), "Acme": (3500, 1)}
    staff = report.forecast.kind_totals["staff"]
    assert sum(towns.values()) + staff == report.forecast.total


def test_cancelled_and_missed_windows_cost_nothing(programme, costed):
    before = forecast_report(programme=programme, today=TODAY).forecast.total
    Visit.objects.filter(window_start=dt.date(2027, 1, 4)).update(state="missed")
    assert forecast_report(programme=programme, today=TODAY).forecast.total == before - 950


def test_later_rates_apply_from_their_day_only(programme, costed):
    rates_add(programme, effective_from=dt.date(2027, 7, 1), allowance_minor=700)
    report = forecast_report(programme=programme, today=TODAY)
    # From July: Ada and Hana 16 Aug, 11 Oct, 6 Dec; Ben and Ola 12 Jul, 6 Sep, 1 Nov, 27 Dec.
    assert report.forecast.total == 139700 + 7 * 200


def test_no_rates_means_no_cost_yet(programme):
    small_programme(programme)
    report = forecast_report(programme=programme, today=TODAY)
    assert report.forecast.total == 0
    assert not report.has_rates
    assert report.forecast.visits.sum() == 14


def test_a_cached_forecast_is_recomputed_when_what_it_reads_changes(
    programme, costed, django_assert_max_num_queries
):
    from kinfolk.budget.selectors import forecast_report as report

    total = report(programme=programme, today=TODAY).forecast.total
    # From the cache: only the stamp's queries, no plan loaded.
    with django_assert_max_num_queries(6):
        assert report(programme=programme, today=TODAY).forecast.total == total
    rates_add(programme, effective_from=dt.date(2027, 6, 1), allowance_minor=600)
    with_rates = report(programme=programme, today=TODAY).forecast.total
    assert with_rates > total
    Visit.objects.filter(window_start=dt.date(2027, 1, 4)).update(state="cancelled")
    assert report(programme=programme, today=TODAY).forecast.total == with_rates - 950
    first, _second = costed
    first.volunteer.travel_mode = "walk"
    first.volunteer.save(update_fields=["travel_mode"])
    # Ada now walks: her three drives left (the first visit is cancelled) cost nothing.
    assert report(programme=programme, today=TODAY).forecast.total == with_rates - 950 - 3 * 450


def _what_if(programme, **scenario):
    from kinfolk.budget import forecast_adapter as adapter

    first, until = adapter.period_of(TODAY)
    plan = adapter.plan_load(programme, today=TODAY, first=first, until=until)
    rates = adapter.rate_cards(programme)
    return adapter.scenario_run(programme, plan, rates, adapter.Scenario(**scenario))


def test_what_if_every_four_weeks_worked_out_by_hand(programme, costed):
    result = _what_if(programme, cadence_weeks=4)
    # Ada and Hana: 13 periods from 4 January, Hana hosting 7 (950 each), Ada 6 (800 each),
    # and the new pairing's 10000; Ben and Ola: 13 windows from 25 January at 500.
    assert result.visit_count == 26
    assert result.total == 7 * 950 + 6 * 800 + 10000 + 13 * 500 + 120000 == 147950


def test_what_if_with_one_more_pair_like_the_first(programme, costed):
    result = _what_if(programme, pairs=3)
    # The new pair travels like Ada and Hana, from 1 January, every 8 weeks: 7 windows,
    # Hana-like hosts first (4 x 950 + 3 x 800), and a new pairing's 10000.
    assert result.total == 139700 + 4 * 950 + 3 * 800 + 10000
    assert result.pairings == 3


def test_what_if_with_other_rates_keeps_the_visits(programme, costed):
    from kinfolk.budget import forecast_adapter as adapter
    from kinfolk.budget.models import RateCard

    cards = list(RateCard.objects.filter(programme=programme))
    changed = adapter.cards_changed(cards, {"allowance_minor": 0, "per_year_minor": 0}, TODAY)
    result = _what_if(programme, rates=changed)
    assert result.visit_count == 14
    assert result.total == 4 * 450 + 3 * 300 + 10000
    assert RateCard.objects.get().allowance_minor == 500  # the stored card is untouched


def test_a_stored_plan_gives_the_same_forecast_in_two_queries(
    programme, costed, django_assert_max_num_queries
):
    from kinfolk.budget import forecast_adapter as adapter
    from kinfolk.pairings.models import Pairing
    from kinfolk.visits.schedule_adapter import windows_plan, windows_write

    in_memory = forecast_report(programme=programme, today=TODAY).forecast
    pairings = Pairing.objects.filter(programme=programme).order_by("id")
    # 12 windows in 2027 and one of each pairing early in 2028, beyond the period.
    assert windows_write(windows_plan(pairings, today=TODAY, horizon_days=400)) == 14
    first, until = adapter.period_of(TODAY)
    # The pairings, the windows (PostgreSQL's COPY is not counted): nothing to extend.
    with django_assert_max_num_queries(2):
        plan = adapter.plan_load(programme, today=TODAY, first=first, until=until)
    stored = adapter.forecast_run(plan, adapter.rate_cards(programme))
    assert stored.months.tolist() == in_memory.months.tolist()
