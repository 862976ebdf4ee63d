"""A participant's own introduction page; the person comes through ``own_person_get``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kinfolk.introductions.forms import IntroductionForm
from kinfolk.introductions.selectors import introduction_of
from kinfolk.introductions.services import introduction_set
from kinfolk.people.selectors import own_person_get
from kinfolk.programmes.forms import service_errors_add


@login_required
def introduction_edit(request: HttpRequest, kind: str, person_id: int) -> HttpResponse:
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    found = introduction_of(person=person)
    initial = {"about_me": found.about_me, "interests": found.interests} if found else {}
    form = IntroductionForm(request.POST or None, initial=initial)
    if request.method == "POST" and person.state != "left" and form.is_valid():
        try:
            introduction_set(person=person, **form.cleaned_data)
        except ValidationError as error:
            service_errors_add(error, form)
        else:
            messages.success(
                request, _("Saved. This is shown to the person you are proposed to meet.")
            )
            return redirect(f"people:{kind}_home", person.pk)
    context = {"person": person, "kind": kind, "form": form}
    return render(request, "introductions/edit.html", context)
