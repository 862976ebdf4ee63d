"""The figures of a programme: counts and charts for its viewers and coordinators, no person."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kinfolk.pairings.selectors import pairing_counts
from kinfolk.people.models import Household, Volunteer
from kinfolk.people.selectors import state_counts
from kinfolk.staff.selectors import figures_programme_get
from kinfolk.visits.selectors import met_last_window, month_counts


@login_required
def figures(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = figures_programme_get(viewer=request.user, programme_id=programme_id)
    today = programme.today()
    counts = state_counts(programme=programme)
    met, met_total = met_last_window(programme=programme, today=today)
    context = {
        "programme": programme,
        "volunteer_states": _rows(Volunteer.State, counts["volunteers"]),
        "household_states": _rows(Household.State, counts["households"]),
        "pairs": pairing_counts(programme=programme),
        "met": met,
        "met_total": met_total,
        "met_percent": round(100 * met / met_total) if met_total else None,
        "months": month_counts(programme=programme, today=today),
        "is_coordinator": programme.coordinators.filter(user=request.user).exists(),
    }
    return render(request, "staff/figures.html", context)


def _rows(states: type, counts: dict[str, int]) -> list[tuple[str, int, int]]:
    """(state's name, count, bar width in 5 % steps for the ``w-N`` classes) per state."""
    top = max(counts.values(), default=0) or 1
    return [
        (state.label, n, 0 if n == 0 else max(5, round(20 * n / top) * 5))
        for state in states
        for n in [counts.get(state.value, 0)]
    ]
