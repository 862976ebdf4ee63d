"""The budget pages through HTTP: who may open them, what they show, what they refuse."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from kinfolk.budget.models import AnnualBudget, RateCard
from kinfolk.budget.tests.helpers import rates_add, small_programme
from kinfolk.pairings.models import Pairing
from kinfolk.visits.models import Visit

PAGES = ("dashboard", "rates", "forecast", "forecast_download", "what_if")


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def _url(name, programme):
    return reverse(f"budget:{name}", args=[programme.pk])


def _rate_post(programme, **changes):
    data = {
        "effective_from": (programme.today() + dt.timedelta(days=1)).isoformat(),
        "currency": programme.currency,
        "car_per_km_minor": "0.45",
        "public_per_km_minor": "0.30",
        "walk_per_km_minor": "0",
        "detour_factor": "1.25",
        "allowance_minor": "5.00",
        "per_diem_minor": "0",
        "per_diem_from_km": "0",
        "per_pairing_minor": "100",
        "per_year_minor": "1200",
    }
    return {**data, **changes}


def _stored():
    return (
        sorted(RateCard.objects.values_list()),
        sorted(AnnualBudget.objects.values_list()),
        sorted(Visit.objects.values_list("id", "state", "window_start", "host", "updated_at")),
        sorted(Pairing.objects.values_list("id", "state", "updated_at")),
    )


@pytest.mark.parametrize("name", PAGES)
def test_other_programmes_coordinators_and_participants_are_refused(
    client, programme, other_coordinator, volunteer_user, household_user, volunteer, household,
    name,
):  # fmt: skip
    url = _url(name, programme)
    for intruder in (other_coordinator, volunteer_user, household_user):
        client.force_login(intruder)
        assert client.get(url).status_code == 404
        assert client.post(url, _rate_post(programme)).status_code == 404
    assert not RateCard.objects.exists()


def test_a_coordinator_limited_to_some_organisations_is_refused(client, programme):
    from kinfolk.programmes.models import Coordinator, Organisation
    from kinfolk.staff.models import CoordinatorOrganisation
    from kinfolk.testing import make_user

    user = make_user("lin@example.org")
    membership = Coordinator.objects.create(programme=programme, user=user)
    acme = Organisation.objects.create(programme=programme, name="Acme Ltd")
    CoordinatorOrganisation.objects.create(coordinator=membership, organisation=acme)
    client.force_login(user)
    for name in PAGES:
        assert client.get(_url(name, programme)).status_code == 404


def test_new_rates_are_saved_in_minor_units(signed_in, programme):
    response = signed_in.post(_url("rates", programme), _rate_post(programme))
    assert response.status_code == 302
    card = RateCard.objects.get()
    assert (card.car_per_km_minor, card.public_per_km_minor, card.allowance_minor) == (45, 30, 500)
    assert (card.per_pairing_minor, card.per_year_minor, card.currency) == (10000, 120000, "GBP")
    page = signed_in.get(_url("rates", programme)).content.decode()
    assert "£0.45" in page and "not yet in effect" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"car_per_km_minor": "-0.45"}, "car_per_km_minor", "A rate cannot be negative."),
        ({"per_year_minor": "-1"}, "per_year_minor", "A rate cannot be negative."),
        ({"currency": "EUR"}, "currency", "amounts are in GBP, not EUR"),
        ({"allowance_minor": "5.001"}, "allowance_minor", "GBP has 2 decimal places"),
        ({"detour_factor": "0.9"}, "detour_factor", "between 1 and 3"),
        ({"public_per_km_minor": "abc"}, "public_per_km_minor", "Enter a number."),
    ],
)
def test_bad_rates_are_refused_naming_the_field_and_nothing_changes(
    signed_in, programme, changes, field, message
):
    rates_add(programme)
    before = _stored()
    response = signed_in.post(_url("rates", programme), _rate_post(programme, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert "Nothing was saved" in response.content.decode()
    assert _stored() == before


def test_rates_already_in_effect_are_kept_for_their_time(signed_in, programme):
    rates_add(programme, effective_from=programme.today() - dt.timedelta(days=30))
    before = _stored()
    day = (programme.today() - dt.timedelta(days=40)).isoformat()
    response = signed_in.post(_url("rates", programme), _rate_post(programme, effective_from=day))
    assert "already in effect" in " ".join(response.context["form"].errors["effective_from"])
    assert _stored() == before


def test_a_budget_in_another_currency_is_refused(signed_in, programme):
    data = {"starts_on": "2027-01-01", "currency": "USD", "amount_minor": "1000"}
    response = signed_in.post(_url("dashboard", programme), data)
    assert "not USD" in " ".join(response.context["form"].errors["currency"])
    data["amount_minor"] = "-5"
    data["currency"] = "GBP"
    response = signed_in.post(_url("dashboard", programme), data)
    assert "cannot be negative" in " ".join(response.context["form"].errors["amount_minor"])
    assert not AnnualBudget.objects.exists()


def test_the_forecast_page_shows_the_totals_chart_and_breakdowns(signed_in, programme):
    rates_add(programme)
    small_programme(programme, pairing_started=programme.today())
    response = signed_in.get(_url("forecast", programme))
    page = response.content.decode()
    report = response.context["report"]
    assert report.forecast.total > 0
    assert "<svg" in page and 'class="bar-travel"' in page
    assert "Otley" in page and "Acme" in page
    assert f"£{report.forecast.total / 100:,.2f}" in page


def test_the_download_adds_up_and_cannot_carry_a_formula(signed_in, programme):
    rates_add(programme)
    _first, second = small_programme(programme)
    second.household.town = '=HYPERLINK("http://x")'
    second.household.save(update_fields=["town"])
    response = signed_in.get(_url("forecast_download", programme) + "?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    months = [r for r in rows if r["section"] == "month"]
    total = next(r for r in rows if r["section"] == "total")
    assert len(months) == 12
    assert sum(int(r["total_minor"]) for r in months) == int(total["total_minor"])
    towns = [r for r in rows if r["section"] == "town"]
    assert '\'=HYPERLINK("http://x")' in [r["name"] for r in towns]
    assert sum(int(r["total_minor"]) for r in towns) + int(total["staff_minor"]) == int(
        total["total_minor"]
    )
    xlsx = signed_in.get(_url("forecast_download", programme) + "?format=xlsx")
    assert xlsx.status_code == 200
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"
    assert signed_in.get(_url("forecast_download", programme) + "?format=pdf").status_code == 404


def test_what_if_compares_without_storing_anything(signed_in, programme):
    rates_add(programme)
    small_programme(programme, pairing_started=programme.today())
    before = _stored()
    query = {"cadence_weeks": "4", "pairs": "5", "allowance_minor": "7.00"}
    response = signed_in.get(_url("what_if", programme), query)
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert comparison is not None and comparison.changed_total > comparison.current_total
    assert "Side by side" in response.content.decode()
    assert _stored() == before


def test_what_if_refuses_a_negative_rate_by_name(signed_in, programme):
    response = signed_in.get(_url("what_if", programme), {"car_per_km_minor": "-1"})
    assert "cannot be negative" in " ".join(response.context["form"].errors["car_per_km_minor"])
    assert response.context["comparison"] is None


def test_the_dashboard_warns_before_the_forecast_passes_the_budget(signed_in, programme):
    rates_add(programme)
    small_programme(programme, pairing_started=programme.today())
    year = programme.today().replace(day=1)
    AnnualBudget.objects.create(programme=programme, starts_on=year, currency="GBP",
                                amount_minor=10**9)  # fmt: skip
    assert signed_in.get(_url("dashboard", programme)).context["status"].level == "ok"
    status = signed_in.get(_url("dashboard", programme)).context["status"]
    AnnualBudget.objects.update(amount_minor=int(status.forecast.total / 0.95))
    response = signed_in.get(_url("dashboard", programme))
    assert response.context["status"].level == "near"
    assert "of the budget" in response.content.decode()
    AnnualBudget.objects.update(amount_minor=status.forecast.total // 2)
    response = signed_in.get(_url("dashboard", programme))
    status = response.context["status"]
    assert status.level == "over" and status.runs_out is not None
    assert "runs out in" in response.content.decode()
    assert "Committed (approved claims)" in response.content.decode()


def test_what_if_more_pairs_with_none_to_copy_says_so(signed_in, programme):
    response = signed_in.get(_url("what_if", programme), {"pairs": "10"})
    assert "no active pairs" in " ".join(response.context["form"].errors["pairs"])
    assert response.context["comparison"] is None


def test_a_budget_year_starts_on_the_first_of_its_month(signed_in, programme):
    data = {"starts_on": "2027-01-15", "currency": "GBP", "amount_minor": "12000.50"}
    assert signed_in.post(_url("dashboard", programme), data).status_code == 302
    budget = AnnualBudget.objects.get()
    assert (budget.starts_on, budget.amount_minor) == (dt.date(2027, 1, 1), 1200050)
    data["amount_minor"] = "9000"
    signed_in.post(_url("dashboard", programme), data)
    assert AnnualBudget.objects.get().amount_minor == 900000  # that year's budget, replaced


def test_what_if_walking_detour_and_per_diem_worked_out_by_hand(signed_in, programme, monkeypatch):
    from kinfolk.programmes.models import Programme

    rates_add(programme)
    small_programme(programme)
    # The year of test_forecast (2027), whose current plan is worked out there: 139700.
    monkeypatch.setattr(Programme, "today", lambda self, now=None: dt.date(2027, 1, 10))
    before = _stored()
    query = {
        "walk_per_km_minor": "0.10",
        "detour_factor": "1.50",
        "per_diem_minor": "3.00",
        "per_diem_from_km": "5",
    }
    comparison = signed_in.get(_url("what_if", programme), query).context["comparison"]
    # Ada and Hana, 4 km apart: 2 x 1.5 x 4 = 12 km, by car at 45 = 540 (Hana hosts, 4 times)
    # or by bus at 30 = 360 (Ada hosts, 3 times); the longest journey, 1.5 x 4 = 6 km one way,
    # reaches 5 km, so each visit also has the 300 per-diem; the allowance is 500; the new
    # pairing 10000.  Ben and Ola, 1 km apart, walk 2 x 1.5 x 1 = 3 km at 10 = 30, 7 times,
    # with no per-diem (1.5 km).  Staff 120000.
    ada_hana = 4 * (540 + 500 + 300) + 3 * (360 + 500 + 300) + 10000
    ben_ola = 7 * (30 + 500)
    assert comparison.current_total == 139700
    assert comparison.changed_total == ada_hana + ben_ola + 120000 == 142550
    assert _stored() == before


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("walk_per_km_minor", "-0.01", "cannot be negative"),
        ("per_diem_minor", "-3", "cannot be negative"),
        ("detour_factor", "0.9", "greater than or equal to 1"),
        ("detour_factor", "3.5", "less than or equal to 3"),
        ("detour_factor", "abc", "Enter a number"),
        ("per_diem_from_km", "-1", "greater than or equal to 0"),
        ("per_diem_from_km", "2.5", "Enter a whole number"),
    ],
)
def test_what_if_refuses_bad_walking_detour_and_per_diem_by_name(
    signed_in, programme, field, value, words
):
    rates_add(programme)
    response = signed_in.get(_url("what_if", programme), {field: value})
    assert words in " ".join(response.context["form"].errors[field])
    assert response.context["comparison"] is None
