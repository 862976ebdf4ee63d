"""Coordinators' pairings pages: the list and its import, visitor reports, lifting a forbid.

Every view fetches the programme through ``programme_get`` (404 unless the
viewer coordinates it) and each row through a selector scoped to that
programme, so another programme's id under this URL is a 404 too.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kinfolk.pairings.exclusions import pair_exclusion_lift
from kinfolk.pairings.forms import PairingImportForm, PairingSearchForm
from kinfolk.pairings.importing import PROBLEMS_KEPT_DAYS, PairingImportError, pairings_import
from kinfolk.pairings.selectors import (
    exclusion_get,
    pairing_import_get,
    pairing_list,
    visitor_report_list,
)
from kinfolk.pairings.services import PairingError
from kinfolk.programmes.selectors import programme_get

PAGE_SIZE = 50
#: Problems of a refused import shown on the page; all of them are in the CSV download.
PROBLEMS_SHOWN = 50


# --- pairings: the list and the import ----------------------------------------


@login_required
def pairings(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    form = PairingImportForm(request.POST or None, request.FILES or None)
    refused: PairingImportError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            batch = pairings_import(
                programme=programme, text=form.cleaned_data["file"], by=request.user
            )
        except PairingImportError as error:
            refused = error
        else:
            messages.success(request, _imported_message(batch.imported))
            return redirect("matching:pairings", programme.pk)
    search = PairingSearchForm(request.GET)
    found = pairing_list(programme=programme, query=search.query(), state=search.state_value())
    page: Page[Any] = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "programme": programme,
        "form": form,
        "problems": refused.problems[:PROBLEMS_SHOWN] if refused else [],
        "n_problems": len(refused.problems) if refused else 0,
        "report": refused.report if refused else None,
        "kept_days": PROBLEMS_KEPT_DAYS,
        "search": search,
        "page": page,
    }
    return render(request, "pairings/coordinator/pairings.html", context)


def _imported_message(n: int) -> str:
    return ngettext(
        "%(n)s pairing imported. Both sides are being told, and their visits planned.",
        "%(n)s pairings imported. Both sides of each are being told, and their visits planned.",
        n,
    ) % {"n": n}


@login_required
def import_problems(request: HttpRequest, programme_id: int, import_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    report = pairing_import_get(programme=programme, import_id=import_id)
    response = HttpResponse(report.problems_csv, content_type="text/csv; charset=utf-8")
    name = f"pairings-import-{report.pk}-problems.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def visitor_reports(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    page = Paginator(visitor_report_list(programme=programme), PAGE_SIZE)
    context = {"programme": programme, "page": page.get_page(request.GET.get("page"))}
    return render(request, "pairings/coordinator/reports.html", context)


# --- forbidden pairs: lifted from either person's page ------------------------


@require_POST
@login_required
def exclusion_lift(request: HttpRequest, programme_id: int, exclusion_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    exclusion = exclusion_get(programme=programme, exclusion_id=exclusion_id)
    try:
        pair_exclusion_lift(exclusion=exclusion, by=request.user)
    except PairingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(v)s and %(h)s may be proposed to each other again.")
            % {"v": exclusion.volunteer.first_name, "h": exclusion.household.first_name},
        )
    if request.POST.get("back") == "household":
        return redirect("programmes:household_detail", programme.pk, exclusion.household_id)
    return redirect("programmes:volunteer_detail", programme.pk, exclusion.volunteer_id)
