"""Coordinators' region pages: the regions and their towns, the border rule, placing people.

Every view fetches the programme through ``programme_get`` and its rows through
the regions selectors (a region-limited coordinator reads the list of their
regions; only a coordinator of the whole programme changes anything).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinfolk.programmes.forms import service_errors_add
from kinfolk.programmes.selectors import programme_get
from kinfolk.regions import selectors, services
from kinfolk.regions.forms import BordersForm, PlaceForm, RegionForm
from kinfolk.regions.placing import region_of
from kinfolk.staff.scope import whole_programme_required

#: People outside any region listed on the regions page (the count says how many more).
OUTSIDE_SHOWN = 20


@login_required
def regions(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    if request.method == "POST":
        whole_programme_required(programme)
    form = RegionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            region = services.region_save(
                programme=programme, name=data["name"], towns_text=data["towns"]
            )
        except ValidationError as error:
            service_errors_add(error, form)
        else:
            messages.success(request, _("Region %(name)s is added.") % {"name": region.name})
            return redirect("regions:regions", programme.pk)
    context: dict[str, Any] = {
        "programme": programme,
        "form": form,
        "regions": selectors.region_list(programme=programme),
        "breakdown": selectors.region_breakdown(programme=programme),
        "borders_form": BordersForm(initial={"pairs_cross_regions": programme.pairs_cross_regions}),
    }
    if programme.viewed_whole:
        volunteers, households = selectors.outside_people(programme=programme)
        context |= {
            "outside_volunteers": volunteers[:OUTSIDE_SHOWN],
            "outside_households": households[:OUTSIDE_SHOWN],
            "n_outside": volunteers.count() + households.count(),
        }
    return render(request, "regions/regions.html", context)


@login_required
@require_POST
def borders(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    whole_programme_required(programme)
    form = BordersForm(request.POST)
    form.is_valid()  # a lone checkbox: absent means off
    allowed = bool(form.cleaned_data.get("pairs_cross_regions"))
    services.pairs_cross_regions_set(programme=programme, allowed=allowed)
    if allowed:
        messages.success(request, _("Runs may now pair people across region borders."))
    else:
        messages.success(request, _("Runs now pair people only within their region."))
    return redirect("regions:regions", programme.pk)


@login_required
def region_edit(request: HttpRequest, programme_id: int, region_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    region = selectors.region_get(programme=programme, region_id=region_id)
    towns = "\n".join(region.towns.values_list("town", flat=True))
    form = RegionForm(request.POST or None, initial={"name": region.name, "towns": towns})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.region_save(
                programme=programme, name=data["name"], towns_text=data["towns"], region=region
            )
        except ValidationError as error:
            service_errors_add(error, form)
        else:
            messages.success(request, _("Saved."))
            return redirect("regions:regions", programme.pk)
    context = {"programme": programme, "region": region, "form": form}
    return render(request, "regions/region_edit.html", context)


@login_required
@require_POST
def region_delete(request: HttpRequest, programme_id: int, region_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    region = selectors.region_get(programme=programme, region_id=region_id)
    try:
        services.region_delete(programme=programme, region=region)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("regions:region_edit", programme.pk, region.pk)
    messages.success(request, _("Region %(name)s is deleted.") % {"name": region.name})
    return redirect("regions:regions", programme.pk)


def _place(request: HttpRequest, programme_id: int, side: str, person_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    person = selectors.person_for_placing_get(programme=programme, side=side, person_id=person_id)
    form = PlaceForm(
        request.POST or None, programme=programme, initial={"region": person.region_by_hand}
    )
    if request.method == "POST" and form.is_valid():
        services.person_region_set(
            programme=programme, person=person, region=form.cleaned_data["region"]
        )
        messages.success(request, _("Saved."))
        return redirect("regions:regions", programme.pk)
    context = {
        "programme": programme,
        "person": person,
        "side": side,
        "form": form,
        "region": region_of(person),
    }
    return render(request, "regions/person_place.html", context)


@login_required
def volunteer_place(request: HttpRequest, programme_id: int, volunteer_id: int) -> HttpResponse:
    return _place(request, programme_id, "volunteer", volunteer_id)


@login_required
def household_place(request: HttpRequest, programme_id: int, household_id: int) -> HttpResponse:
    return _place(request, programme_id, "household", household_id)
