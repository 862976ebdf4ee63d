"""Coordinators' pages: the programme's API tokens, and its exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinfolk.accounts.tokens import shown_once_pop, shown_once_set
from kinfolk.api import exports as export_files
from kinfolk.api.forms import ApiTokenForm, ExportForm
from kinfolk.api.selectors import api_token_get, api_token_list
from kinfolk.api.services import api_token_create, api_token_revoke
from kinfolk.programmes.selectors import programme_get
from kinfolk.staff.scope import whole_programme_required
from kinfolk.web.bidi import isolated


@login_required
def tokens(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    whole_programme_required(programme)  # a limited coordinator sees only some people
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        token = api_token_create(programme=programme, created_by=request.user, **form.cleaned_data)
        shown_once_set(request, f"api_token:{programme.pk}", token.token)
        return redirect("api_pages:tokens", programme.pk)
    context = {
        "programme": programme,
        "form": form,
        "tokens": api_token_list(programme=programme),
        "new_token": shown_once_pop(request, f"api_token:{programme.pk}"),
        "api_url": request.build_absolute_uri("/api/"),
    }
    return render(request, "api/tokens.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, programme_id: int, api_token_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    whole_programme_required(programme)  # a limited coordinator sees only some people
    token = api_token_get(programme=programme, api_token_id=api_token_id)
    if api_token_revoke(token=token, revoked_by=request.user):
        messages.success(
            request,
            isolated(_("Token %(name)s revoked; it no longer opens the API."), name=token.name),
        )
    return redirect("api_pages:tokens", programme.pk)


@login_required
def exports(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    whole_programme_required(programme)  # a limited coordinator sees only some people
    links = [
        {
            "title": e.title,
            "people": e.people,
            "csv_url": reverse(f"api_pages:export_{e.name}_csv", args=[programme.pk]),
            "xlsx_url": reverse(f"api_pages:export_{e.name}_xlsx", args=[programme.pk]),
        }
        for e in export_files.EXPORTS.values()
    ]
    context = {"programme": programme, "exports": links}
    return render(request, "api/exports.html", context)


@login_required
def export_download(request: HttpRequest, programme_id: int, export: str, fmt: str) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    whole_programme_required(programme)  # a limited coordinator sees only some people
    kind = export_files.EXPORTS[export]
    form = ExportForm(request.GET)
    contact = bool(form.is_valid() and form.cleaned_data["contact"] and kind.people)
    header = export_files.export_header(export=kind, contact=contact)
    batches = export_files.export_batches(
        export=kind, programme=programme, viewer=request.user, contact=contact
    )
    stamp = timezone.localdate(timezone=programme.zone).isoformat()
    filename = f"{kind.name}-{stamp}.{fmt}"
    return export_files.download_response(
        fmt=fmt, title=str(kind.title), header=header, batches=batches, filename=filename
    )
