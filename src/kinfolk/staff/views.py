"""The figures of a programme: counts and charts for its viewers and coordinators, no person.

Small counts are withheld as in the outcome report (``kinfolk.staff.figures``),
so the two pages read side by side give nothing away.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kinfolk.staff.figures import figures_page
from kinfolk.staff.selectors import figures_programme_get


@login_required
def figures(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = figures_programme_get(viewer=request.user, programme_id=programme_id)
    context = {
        "programme": programme,
        "figures": figures_page(programme=programme, today=programme.today()),
        "is_coordinator": programme.coordinators.filter(user=request.user).exists(),
    }
    return render(request, "staff/figures.html", context)
