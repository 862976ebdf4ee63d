"""Coordinators' pages of the people import.

Each view fetches the programme through ``programme_get`` (404 unless the
viewer coordinates it) and the import through ``import_get`` (404 unless it
is that programme's), then calls at most one service.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinfolk.imports import inviting, selectors, services
from kinfolk.imports.forms import InviteeConsentForm, MappingForm, PostcodeForm, UploadForm
from kinfolk.imports.mapping import refusal_message
from kinfolk.imports.models import PeopleImport
from kinfolk.imports.reading import FileProblem
from kinfolk.programmes.forms import service_errors_add
from kinfolk.programmes.selectors import programme_get
from kinfolk.staff.scope import whole_programme_required


def _read(upload: object) -> bytes:
    return b"".join(upload.chunks())  # type: ignore[attr-defined]


@login_required
def imports(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    whole_programme_required(programme)  # a limited coordinator sees only some people
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > services.max_bytes():
                raise FileProblem(_("The file is too large; split it."))
            made = services.import_upload(
                programme=programme,
                side=form.cleaned_data["side"],
                filename=upload.name,
                data=_read(upload),
                by=request.user,
            )
        except FileProblem as problem:
            form.add_error("file", problem.message)
        else:
            return redirect("imports:detail", programme.pk, made.pk)
    context = {
        "programme": programme,
        "form": form,
        "postcode_form": PostcodeForm(),
        "postcodes": selectors.postcode_count(programme=programme),
        "imports": selectors.import_list(programme=programme),
    }
    return render(request, "imports/imports.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def postcodes(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    whole_programme_required(programme)  # a limited coordinator sees only some people
    form = PostcodeForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            n = services.postcodes_upload(
                programme=programme, data=_read(form.cleaned_data["postcodes"])
            )
        except FileProblem as problem:
            messages.error(request, problem.message)
        else:
            messages.success(request, _("%(n)s postcodes are now on record.") % {"n": n})
    else:
        messages.error(request, _("Choose a postcode file."))
    return redirect("imports:imports", programme.pk)


def _context(people_import: PeopleImport, **extra: object) -> dict[str, object]:
    return {
        "programme": people_import.programme,
        "people_import": people_import,
        "refusals": [refusal_message(c, cat) for c, cat in people_import.refused.items()],
        **extra,
    }


@login_required
def detail(request: HttpRequest, programme_id: int, people_import_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    whole_programme_required(programme)  # a limited coordinator sees only some people
    services.imports_stale_reset(programme=programme)
    people_import = selectors.import_get(programme=programme, import_id=people_import_id)
    form = MappingForm(
        request.POST or None, header=people_import.header, mapping=people_import.mapping
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.import_map(
                people_import=people_import, mapping=form.mapping(), by=request.user
            )
        except ValidationError as error:
            service_errors_add(error, form)
        else:
            return redirect("imports:detail", programme.pk, people_import.pk)
    context = _context(people_import, form=form)
    if people_import.status == PeopleImport.Status.COMMITTED:
        context["invitees"] = selectors.invitee_counts(people_import=people_import)
    return render(request, "imports/detail.html", context, status=400 if form.errors else 200)


@login_required
def progress(request: HttpRequest, programme_id: int, people_import_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    whole_programme_required(programme)  # a limited coordinator sees only some people
    services.imports_stale_reset(programme=programme)
    people_import = selectors.import_get(programme=programme, import_id=people_import_id)
    response = render(request, "imports/_progress.html", _context(people_import))
    if not people_import.live:
        response["HX-Refresh"] = "true"  # the whole page changes once the job is done
    return response


@login_required
@require_POST
def commit(request: HttpRequest, programme_id: int, people_import_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    whole_programme_required(programme)  # a limited coordinator sees only some people
    people_import = selectors.import_get(programme=programme, import_id=people_import_id)
    try:
        services.import_commit_start(people_import=people_import, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("imports:detail", programme.pk, people_import.pk)


@login_required
@require_POST
def invite(request: HttpRequest, programme_id: int, people_import_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    whole_programme_required(programme)  # a limited coordinator sees only some people
    people_import = selectors.import_get(programme=programme, import_id=people_import_id)
    try:
        inviting.invitations_start(people_import=people_import, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("imports:detail", programme.pk, people_import.pk)


@login_required
def problems(request: HttpRequest, programme_id: int, people_import_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    whole_programme_required(programme)  # a limited coordinator sees only some people
    people_import = selectors.import_get(programme=programme, import_id=people_import_id)
    return _csv_download(people_import.problems_csv, f"import-{people_import.pk}-problems.csv")


@login_required
def placements(request: HttpRequest, programme_id: int, people_import_id: int) -> HttpResponse:
    """Each new and updated row's region, as the preview counted them."""
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    whole_programme_required(programme)  # a limited coordinator sees only some people
    people_import = selectors.import_placements_get(programme=programme, import_id=people_import_id)
    return _csv_download(people_import.placements_csv, f"import-{people_import.pk}-regions.csv")


def _csv_download(text: str, name: str) -> HttpResponse:
    """A small CSV the import kept, as a download (with a BOM, so spreadsheets read UTF-8)."""
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _consent(request: HttpRequest, programme_id: int, side: str, person_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    whole_programme_required(programme)  # a limited coordinator sees only some people
    person = selectors.invitee_person_get(programme=programme, side=side, person_id=person_id)
    form = InviteeConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitee_consent_record(
                person=person, given_on=form.cleaned_data["given_on"], recorded_by=request.user
            )
        except ValidationError as error:
            service_errors_add(error, form)
        else:
            messages.success(request, _("The paper consent is recorded."))
            return redirect(f"programmes:{side}_detail", programme.pk, person.pk)
    context = {"programme": programme, "person": person, "form": form}
    return render(request, "imports/consent.html", context, status=400 if form.errors else 200)


@login_required
def volunteer_consent(request: HttpRequest, programme_id: int, volunteer_id: int) -> HttpResponse:
    return _consent(request, programme_id, "volunteer", volunteer_id)


@login_required
def household_consent(request: HttpRequest, programme_id: int, household_id: int) -> HttpResponse:
    return _consent(request, programme_id, "household", household_id)
