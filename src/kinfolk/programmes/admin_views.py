"""Site administration: programmes and their coordinators (two-factor required)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinfolk.accounts import selectors as account_selectors
from kinfolk.accounts.decorators import site_admin_required
from kinfolk.accounts.ratelimits import rate_limit_check
from kinfolk.accounts.services import passwords, two_factor
from kinfolk.accounts.tokens import shown_once_pop, shown_once_set
from kinfolk.programmes import admin_services, services
from kinfolk.programmes.admin_selectors import account_event_list, coordinator_admin_get
from kinfolk.programmes.forms import AppointForm, ProgrammeForm, service_errors_add
from kinfolk.programmes.models import Programme
from kinfolk.programmes.selectors import programme_admin_get, programme_list
from kinfolk.staff import selectors as staff_selectors
from kinfolk.staff import services as staff_services


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
def programme_places(request: HttpRequest) -> HttpResponse:
    """The centre's towns and the time zones of the country picked (an htmx fragment)."""
    form = ProgrammeForm(initial={"country": request.GET.get("country", "")})
    return render(request, "programmes/admin/_place_fields.html", {"form": form})


@site_admin_required
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_admin_get(viewer=request.user, programme_id=programme_id)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("programmes_admin:detail", programme.pk)
    return _detail_page(
        request, programme, form=form, appoint_form=AppointForm(programme=programme)
    )


@site_admin_required
def coordinator_appoint(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_admin_get(viewer=request.user, programme_id=programme_id)
    form = AppointForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            staff_services.staff_appoint(programme=programme, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            service_errors_add(error, form)
        else:
            messages.success(request, _appointed_words(form.cleaned_data["role"]))
            return redirect("programmes_admin:detail", programme.pk)
    return _detail_page(
        request, programme, form=ProgrammeForm(instance=programme), appoint_form=form
    )


def _detail_page(
    request: HttpRequest, programme: Programme, *, form: ProgrammeForm, appoint_form: AppointForm
) -> HttpResponse:
    limits = staff_selectors.coordinator_limits(programme=programme)
    context = {
        "programme": programme,
        "form": form,
        "appoint_form": appoint_form,
        "coordinators": [
            (c, limits.get(c.pk, [])) for c in programme.coordinators.select_related("user")
        ],
        "viewers": staff_selectors.viewer_list(programme=programme),
        "events": account_event_list(programme=programme),
    }
    return render(request, "programmes/admin/detail.html", context)


@require_POST
@site_admin_required
def coordinator_password_link(
    request: HttpRequest, programme_id: int, coordinator_id: int
) -> HttpResponse:
    programme = programme_admin_get(viewer=request.user, programme_id=programme_id)
    user = coordinator_admin_get(programme=programme, coordinator_id=coordinator_id).user
    limited = rate_limit_check(request, scope="password_link", address=user.sign_in_name)
    if limited is not None:
        return limited
    try:
        passwords.password_link_send_to_coordinator(
            admin=request.user, programme=programme, user=user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("A link to choose a new password is on its way to %(name)s.")
            % {"name": user.first_name},
        )
    return redirect("programmes_admin:detail", programme.pk)


@site_admin_required
def coordinator_remove(
    request: HttpRequest, programme_id: int, coordinator_id: int
) -> HttpResponse:
    """GET asks to confirm; POST removes the coordinator at once."""
    programme = programme_admin_get(viewer=request.user, programme_id=programme_id)
    membership = coordinator_admin_get(programme=programme, coordinator_id=coordinator_id)
    if request.method != "POST":
        context = {"programme": programme, "membership": membership}
        return render(request, "programmes/admin/coordinator_remove.html", context)
    admin_services.coordinator_remove(membership=membership, removed_by=request.user)
    messages.success(
        request,
        _("%(name)s no longer coordinates %(programme)s.")
        % {"name": membership.user.first_name, "programme": programme.name},
    )
    return redirect("programmes_admin:detail", programme.pk)


def _appointed_words(role: str) -> str:
    if role == AppointForm.VIEWER:
        return _("Viewer appointed. They have been told by e-mail where to read the figures.")
    return _("Coordinator appointed; they have been told by e-mail.")


@site_admin_required
def viewer_remove(request: HttpRequest, programme_id: int, viewer_id: int) -> HttpResponse:
    """GET asks to confirm; POST ends the viewer's appointment at once."""
    programme = programme_admin_get(viewer=request.user, programme_id=programme_id)
    viewer = staff_selectors.viewer_admin_get(programme=programme, viewer_id=viewer_id)
    if request.method != "POST":
        context = {"programme": programme, "membership": viewer}
        return render(request, "staff/viewer_remove.html", context)
    staff_services.viewer_remove(viewer=viewer, removed_by=request.user)
    messages.success(
        request,
        _("%(name)s no longer reads the figures of %(programme)s.")
        % {"name": viewer.user.first_name, "programme": programme.name},
    )
    return redirect("programmes_admin:detail", programme.pk)


# --- site administrators and their authenticators ----------------------------


@site_admin_required
def administrator_index(request: HttpRequest) -> HttpResponse:
    context = {
        "administrators": account_selectors.administrator_list(viewer=request.user),
        "enrolments": account_selectors.two_factor_enrolment_list(viewer=request.user),
        "new_link": shown_once_pop(request, "enrolment_link"),
    }
    return render(request, "programmes/admin/administrators.html", context)


@require_POST
@site_admin_required
def two_factor_enrolment_issue(request: HttpRequest, user_id: int) -> HttpResponse:
    user = account_selectors.administrator_get(viewer=request.user, user_id=user_id)
    _enrolment, token = two_factor.two_factor_enrolment_issue(user=user, issued_by=request.user)
    # The link is shown once, on the next page, and stored only as a hash.
    link = settings.SITE_URL + reverse("accounts:two_factor_enrol", args=[token])
    shown_once_set(request, "enrolment_link", link)
    messages.success(
        request,
        _("Give this link to %(name)s yourself (in person or by phone); it is not shown again.")
        % {"name": user.first_name},
    )
    return redirect("programmes_admin:administrators")
