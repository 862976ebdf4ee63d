"""Coordinators' budget pages: the dashboard, rates, the forecast, its download, what-if.

Every page fetches the programme through ``programme_get`` (404 unless the
viewer coordinates it) and ``whole_programme_required`` (costs are about the
whole programme); every write goes through ``kinfolk.budget.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kinfolk.api.exports import download_response
from kinfolk.budget import forecast_adapter as adapter
from kinfolk.budget import services
from kinfolk.budget.figures import forecast_chart, forecast_table, what_if_rows
from kinfolk.budget.forms import BudgetForm, RateCardForm, WhatIfForm
from kinfolk.budget.money import to_major
from kinfolk.budget.selectors import (
    budget_current,
    budget_status,
    budgets_list,
    forecast_report,
    rate_cards_list,
)
from kinfolk.programmes.forms import service_errors_add
from kinfolk.programmes.models import Programme
from kinfolk.programmes.selectors import programme_get
from kinfolk.staff.scope import whole_programme_required


def _programme(request: HttpRequest, programme_id: int) -> Programme:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    whole_programme_required(programme)
    return programme


@login_required
def dashboard(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    today = programme.today()
    current = budget_current(programme=programme, today=today)
    form = BudgetForm(
        request.POST or None,
        programme=programme,
        initial={
            "currency": programme.currency,
            "starts_on": current.starts_on if current else today.replace(day=1),
            "amount_minor": to_major(current.amount_minor, current.currency) if current else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_set(programme=programme, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            service_errors_add(error, form)
        else:
            messages.success(request, _("The budget is saved."))
            return redirect("budget:dashboard", programme.pk)
    status = budget_status(programme=programme, today=today)
    context = {
        "programme": programme,
        "status": status,
        "form": form,
        "budgets": budgets_list(programme=programme),
        "chart": forecast_chart(status.forecast, programme.currency, budget=status.budget),
        "has_rates": bool(rate_cards_list(programme=programme)),
    }
    return render(request, "budget/dashboard.html", context)


@login_required
def rates(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    cards = rate_cards_list(programme=programme)
    initial = RateCardForm.initial_from(cards[0] if cards else None, programme, programme.today())
    form = RateCardForm(request.POST or None, programme=programme, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_card_add(programme=programme, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            service_errors_add(error, form)
        else:
            messages.success(
                request, _("The rates are saved; the forecast uses them from their day.")
            )
            return redirect("budget:rates", programme.pk)
    context = {"programme": programme, "form": form, "cards": cards, "today": programme.today()}
    return render(request, "budget/rates.html", context)


@login_required
def forecast(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    report = forecast_report(programme=programme, today=programme.today())
    context = {
        "programme": programme,
        "report": report,
        "chart": forecast_chart(report.forecast, programme.currency),
        "sections": [
            ("town", _("By town (the household's)"), report.groups["town"]),
            ("organisation", _("By organisation (the volunteer's)"), report.groups["organisation"]),
        ],
    }
    return render(request, "budget/forecast.html", context)


@login_required
def forecast_download(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    kind = request.GET.get("format", "csv")
    if kind not in ("csv", "xlsx"):
        raise Http404
    report = forecast_report(programme=programme, today=programme.today())
    header, rows = forecast_table(report)
    filename = f"forecast-{programme.pk}-{report.first:%Y-%m}.{kind}"
    return download_response(
        fmt=kind, title=_("Forecast"), header=header, batches=iter([rows]), filename=filename
    )


@login_required
def what_if(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    today = programme.today()
    form = WhatIfForm(request.GET or None, programme=programme)
    comparison = None
    if form.is_bound and form.is_valid() and not form.is_blank():
        first, until = adapter.period_of(today)
        plan = adapter.plan_load(programme, today=today, first=first, until=until)
        cards = [
            c for c in rate_cards_list(programme=programme) if c.currency == programme.currency
        ]
        rates = adapter.cards_engine(cards)
        changes = form.rate_changes()
        other = adapter.cards_changed(cards, changes, first) if changes else None
        scenario = adapter.Scenario(
            cadence_weeks=form.cleaned_data.get("cadence_weeks"),
            pairs=form.cleaned_data.get("pairs"),
            rates=other,
        )
        if scenario.pairs and not plan.active.any():
            form.add_error("pairs", _("There are no active pairs yet to model more pairs on."))
        else:
            current = adapter.forecast_run(plan, rates)
            changed = adapter.scenario_run(programme, plan, rates, scenario)
            comparison = what_if_rows(current, changed, programme.currency)
    context = {"programme": programme, "form": form, "comparison": comparison}
    return render(request, "budget/what_if.html", context)
