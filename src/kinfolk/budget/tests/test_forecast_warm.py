"""The tick keeps each budget's forecast computed, so the budget pages answer from the cache."""

from __future__ import annotations

from django.urls import reverse

from kinfolk.budget.jobs import forecasts_warm
from kinfolk.budget.selectors import forecast_report
from kinfolk.budget.tests.helpers import rates_add, small_programme
from kinfolk.ticks.services import tick_run


def test_after_the_tick_the_forecast_is_read_from_the_cache(
    programme, django_assert_max_num_queries
):
    rates_add(programme)
    small_programme(programme)
    assert forecasts_warm() == 1
    # Only the stamp's queries: no plan loaded, no windows read.
    with django_assert_max_num_queries(6):
        forecast_report(programme=programme, today=programme.today())


def test_the_tick_computes_again_after_the_rates_change(programme, django_assert_max_num_queries):
    rates_add(programme)
    small_programme(programme)
    forecasts_warm()
    before = forecast_report(programme=programme, today=programme.today()).forecast.total
    rates_add(programme, effective_from=programme.today(), allowance_minor=900)
    forecasts_warm()
    with django_assert_max_num_queries(6):
        after = forecast_report(programme=programme, today=programme.today()).forecast.total
    assert after > before


def test_a_programme_without_rates_is_not_forecast(programme):
    small_programme(programme)
    assert forecasts_warm() == 0


def test_the_periodic_tick_runs_the_warming_job(programme, client, coordinator):
    rates_add(programme)
    small_programme(programme)
    outcomes = tick_run()
    assert outcomes["budget_forecasts_warm"] == "1 forecasts up to date"
    client.force_login(coordinator)
    response = client.get(reverse("budget:forecast", args=[programme.pk]))
    assert response.status_code == 200
