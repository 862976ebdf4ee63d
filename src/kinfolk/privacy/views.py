from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kinfolk.accounts.decorators import site_admin_required
from kinfolk.people.models import Household, Volunteer
from kinfolk.people.selectors import household_get, roles_get, volunteer_get
from kinfolk.privacy import archive, erasure
from kinfolk.privacy.exports import Subject, sections_build
from kinfolk.privacy.forms import AccountDeleteForm, PaperErasureForm, RetentionForm
from kinfolk.privacy.retention import retention_months, retention_next, retention_set
from kinfolk.privacy.selectors import contact_access_list
from kinfolk.programmes.models import Programme
from kinfolk.programmes.selectors import programme_admin_get, programme_get
from kinfolk.web.bidi import isolated


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """What is stored about me, and who looked at my contact details."""
    roles = roles_get(viewer=request.user)
    people = [*roles.volunteers, *roles.households]
    rows = [(p, list(contact_access_list(person=p))) for p in people]
    context = {
        "rows": rows,
        "sections": sections_build(subject=Subject.of(request.user)),
        "exemptions": archive.exemptions(),
    }
    return render(request, "privacy/my_data.html", context)


@login_required
def my_data_download(request: HttpRequest) -> HttpResponse:
    """POST: the ZIP of everything stored about me; a second one while one is made is refused."""
    if request.method != "POST":
        return redirect("privacy:my_data")
    try:
        content = archive.my_data_archive(user=request.user)
    except archive.ExportBusy:
        message = _("Your data is being prepared in another window. Try again in a minute.")
        return render(request, "privacy/export_busy.html", {"message": message}, status=409)
    response = HttpResponse(content, content_type="application/zip")
    name = f"kinfolk-my-data-{timezone.now():%Y%m%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    """GET explains what erasure does; POST, confirmed, erases the signed-in account at once."""
    user = request.user
    refused = erasure.account_erase_refusal(user=user)
    form = AccountDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not refused and form.is_valid():
        # Signing out first ends this session; erasure then ends every other one.
        logout(request)
        erasure.account_erase(user=user)
        return redirect("privacy:account_deleted")
    context = {"form": form, "refused": refused, "my_roles": roles_get(viewer=user)}
    return render(request, "privacy/account_delete.html", context)


def account_deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/account_deleted.html")


@login_required
def volunteer_erase(request: HttpRequest, programme_id: int, volunteer_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    volunteer = volunteer_get(programme=programme, volunteer_id=volunteer_id)
    return _paper_erasure(request, programme, volunteer)


@login_required
def household_erase(request: HttpRequest, programme_id: int, household_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    household = household_get(programme=programme, household_id=household_id)
    return _paper_erasure(request, programme, household)


def _paper_erasure(
    request: HttpRequest, programme: Programme, person: Volunteer | Household
) -> HttpResponse:
    """GET asks the coordinator to confirm; POST erases the person at once."""
    form = PaperErasureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        name = person.first_name
        erasure.person_erase_for_paper_request(person=person, programme=programme)
        messages.success(
            request, isolated(_("%(name)s is erased; only a dated record remains."), name=name)
        )
        return redirect(f"programmes:{person.side}s", programme.pk)
    context = {"programme": programme, "person": person, "kind": person.side, "form": form}
    return render(request, "privacy/paper_erasure.html", context)


@site_admin_required
def retention(request: HttpRequest, programme_id: int) -> HttpResponse:
    """GET shows the period and what is erased next; POST changes the period."""
    programme = programme_admin_get(viewer=request.user, programme_id=programme_id)
    initial = {"months": retention_months(programme=programme)}
    form = RetentionForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            retention_set(programme=programme, months=form.cleaned_data["months"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("privacy_admin:retention", programme.pk)
    context = {
        "programme": programme,
        "form": form,
        "next": retention_next(programme=programme, now=timezone.now()),
    }
    return render(request, "privacy/retention.html", context)
