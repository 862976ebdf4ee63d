"""Coordinators' pages for check expiry: the programme's validities, and renewing a check.

The programme comes through ``programme_get`` and the volunteer through
``volunteer_get`` (404 unless the viewer coordinates that programme).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kinfolk.people.selectors import volunteer_get
from kinfolk.programmes.forms import service_errors_add
from kinfolk.programmes.selectors import programme_get
from kinfolk.vetting import services
from kinfolk.vetting.forms import RenewalForm, ValidityForm
from kinfolk.vetting.selectors import checks_expiring, validity_months, volunteer_check_rows

#: The longest list of expiring checks a page shows; the to-do page pages through the rest.
EXPIRING_SHOWN = 200


@login_required
def check_validity(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    form = ValidityForm(request.POST or None, initial=validity_months(programme=programme))
    if request.method == "POST" and form.is_valid():
        try:
            services.check_validity_set(programme=programme, months=form.months())
        except ValidationError as error:
            service_errors_add(error, form)
        else:
            messages.success(request, _("Saved. Checks are dated from these validities."))
            return redirect("vetting:check_validity", programme.pk)
    context = {
        "programme": programme,
        "form": form,
        "expiring": checks_expiring(programme=programme)[:EXPIRING_SHOWN],
        "today": programme.today(),
    }
    return render(request, "vetting/check_validity.html", context)


@login_required
def check_renew(request: HttpRequest, programme_id: int, volunteer_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    volunteer = volunteer_get(programme=programme, volunteer_id=volunteer_id)
    form = RenewalForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        try:
            services.check_renew(volunteer=volunteer, recorded_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            service_errors_add(error, form)
        else:
            messages.success(request, _("The check is recorded."))
            return redirect("programmes:volunteer_detail", programme.pk, volunteer.pk)
    context = {
        "programme": programme,
        "person": volunteer,
        "form": form,
        "rows": volunteer_check_rows(volunteer=volunteer),
    }
    return render(request, "vetting/check_renew.html", context)
