"""Site administration: programmes and their coordinators (two-factor required)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kinfolk.accounts.decorators import site_admin_required
from kinfolk.programmes import services
from kinfolk.programmes.forms import AppointForm, ProgrammeForm
from kinfolk.programmes.selectors import programme_admin_get, programme_list


@site_admin_required
def programme_index(request: HttpRequest) -> HttpResponse:
    programmes = programme_list(viewer=request.user)
    return render(request, "programmes/admin/list.html", {"programmes": programmes})


@site_admin_required
def programme_create(request: HttpRequest) -> HttpResponse:
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        programme = services.programme_create(data=form.cleaned_data, created_by=request.user)
        messages.success(request, _("Programme created. Now appoint its coordinators."))
        return redirect("programmes_admin:detail", programme.pk)
    return render(request, "programmes/admin/form.html", {"form": form})


@site_admin_required
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_admin_get(viewer=request.user, programme_id=programme_id)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("programmes_admin:detail", programme.pk)
    context = {
        "programme": programme,
        "form": form,
        "appoint_form": AppointForm(),
        "coordinators": programme.coordinators.select_related("user"),
    }
    return render(request, "programmes/admin/detail.html", context)


@site_admin_required
def coordinator_appoint(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_admin_get(viewer=request.user, programme_id=programme_id)
    form = AppointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.coordinator_appoint(programme=programme, by=request.user, **form.cleaned_data)
        messages.success(request, _("Coordinator appointed; they have been told by e-mail."))
        return redirect("programmes_admin:detail", programme.pk)
    context = {
        "programme": programme,
        "appoint_form": form,
        "form": ProgrammeForm(instance=programme),
        "coordinators": programme.coordinators.select_related("user"),
    }
    return render(request, "programmes/admin/detail.html", context)
