"""Coordinators' casework pages under /p/<programme>/, and a volunteer's private concern.

Every view fetches the programme through ``programme_get`` (404 unless the
viewer coordinates it) and each row through a selector scoped to it, then
calls one service and redirects with a message that says what happened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kinfolk.casework import selectors
from kinfolk.casework.forms import CheckInForm, ConcernActionForm, ConcernRaiseForm, NoteForm
from kinfolk.casework.selectors.checkins import check_in_due_for, check_in_due_page
from kinfolk.casework.selectors.scoped import coordinator_list
from kinfolk.casework.selectors.story import pairing_story
from kinfolk.casework.selectors.todo import todo_get
from kinfolk.casework.services import CaseworkError, concerns, notes
from kinfolk.people.models import Household, Volunteer
from kinfolk.people.selectors import household_get, own_person_get, volunteer_get
from kinfolk.programmes.models import Programme
from kinfolk.programmes.selectors import programme_get
from kinfolk.staff.scope import whole_programme_required
from kinfolk.visits.selectors import own_visit_get

PAGE_SIZE = 50
Person = Volunteer | Household


def _attempt(request: HttpRequest, write: Callable[[], Any], done: str) -> bool:
    """Run one service call; its refusal becomes an error message. True if it went through."""
    try:
        write()
    except CaseworkError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, done)
    return True


def person_get(programme: Programme, side: str, person_id: int) -> Person:
    """A person of the programme by side; another programme's is a 404."""
    if side == "volunteer":
        return volunteer_get(programme=programme, volunteer_id=person_id)
    return household_get(programme=programme, household_id=person_id)


def person_url(programme: Programme, person: Person) -> str:
    return reverse(f"programmes:{person.side}_detail", args=[programme.pk, person.pk])


# --- the to-do page -------------------------------------------------------------------------


@login_required
def todo(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    whole_programme_required(programme)  # its lists span every organisation
    context = {"programme": programme, "todo": todo_get(programme=programme)}
    return render(request, "casework/todo.html", context)


# --- check-ins ------------------------------------------------------------------------------


@login_required
def check_ins(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    whole_programme_required(programme)  # its lists span every organisation
    page = check_in_due_page(programme=programme, number=request.GET.get("page"), size=PAGE_SIZE)
    return render(request, "casework/check_ins.html", {"programme": programme, "page": page})


@login_required
def check_in_record(request: HttpRequest, programme_id: int, pairing_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    pairing = selectors.pairing_get(programme=programme, pairing_id=pairing_id)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            request,
            lambda: notes.check_in_record(
                programme=programme, pairing=pairing, by=request.user, **form.cleaned_data
            ),
            _("Check-in recorded. The pair leaves the list until something new comes up."),
        )
        if done:
            return redirect("casework:check_ins", programme.pk)
    context = {
        "programme": programme,
        "pairing": pairing,
        "form": form,
        "due": check_in_due_for(programme=programme, pairing=pairing),
    }
    return render(request, "casework/check_in_record.html", context)


# --- notes ----------------------------------------------------------------------------------


def _note_add(request: HttpRequest, programme: Programme, subject: Any, back: str) -> HttpResponse:
    form = NoteForm(request.POST)
    if form.is_valid():
        _attempt(
            request,
            lambda: notes.note_write(
                programme=programme, subject=subject, by=request.user, **form.cleaned_data
            ),
            _("Note saved."),
        )
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect(back)


@login_required
@require_POST
def pairing_note(request: HttpRequest, programme_id: int, pairing_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    pairing = selectors.pairing_get(programme=programme, pairing_id=pairing_id)
    back = reverse("casework:pairing_story", args=[programme.pk, pairing.pk]) + "#notes"
    return _note_add(request, programme, pairing, back)


@login_required
@require_POST
def volunteer_note(request: HttpRequest, programme_id: int, volunteer_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    person = person_get(programme, "volunteer", volunteer_id)
    return _note_add(request, programme, person, person_url(programme, person) + "#casework")


@login_required
@require_POST
def household_note(request: HttpRequest, programme_id: int, household_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    person = person_get(programme, "household", household_id)
    return _note_add(request, programme, person, person_url(programme, person) + "#casework")


# --- a pairing's story ----------------------------------------------------------------------


@login_required
def pairing_story_page(request: HttpRequest, programme_id: int, pairing_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    pairing = selectors.pairing_get(programme=programme, pairing_id=pairing_id)
    context = {
        "programme": programme,
        "story": pairing_story(pairing=pairing),
        "note_form": NoteForm(),
    }
    return render(request, "casework/pairing_story.html", context)


# --- concerns -------------------------------------------------------------------------------


@login_required
def concern_list(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    open_only = request.GET.get("show") != "all"
    found = selectors.concern_list(programme=programme, open_only=open_only)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"programme": programme, "page": page, "open_only": open_only}
    return render(request, "casework/concerns.html", context)


_CONCERN_DONE = {
    "take": gettext_lazy("You have this concern in hand."),
    "assign": gettext_lazy("The concern has a new owner."),
    "note": gettext_lazy("Note added."),
    "close": gettext_lazy("The concern is closed. The person it is about never sees it."),
}


@login_required
def concern_detail(request: HttpRequest, programme_id: int, concern_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    concern = selectors.concern_get(programme=programme, concern_id=concern_id)
    form = ConcernActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        do, words = form.cleaned_data["do"], form.cleaned_data["words"]
        calls = {
            "take": lambda: concerns.concern_take(concern=concern, by=request.user),
            "assign": lambda: concerns.concern_assign(
                concern=concern, owner_id=form.cleaned_data["owner"]
            ),
            "note": lambda: concerns.concern_note_add(
                concern=concern, by=request.user, words=words
            ),
            "close": lambda: concerns.concern_close(
                concern=concern, by=request.user, outcome=words
            ),
        }
        _attempt(request, calls[do], str(_CONCERN_DONE[do]))
        return redirect("casework:concern_detail", programme.pk, concern.pk)
    context = {
        "programme": programme,
        "concern": concern,
        "notes": concern.notes.all(),
        "coordinators": coordinator_list(programme=programme),
    }
    return render(request, "casework/concern_detail.html", context)


@login_required
def volunteer_concern(request: HttpRequest, person_id: int, visit_id: int) -> HttpResponse:
    """A volunteer raises a private concern about a visit; the household never sees it."""
    person = own_person_get(viewer=request.user, side="volunteer", person_id=person_id)
    visit = own_visit_get(person=person, visit_id=visit_id)
    form = ConcernRaiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            request,
            lambda: concerns.concern_raise(
                volunteer=person, visit=visit, by=request.user, words=form.cleaned_data["words"]
            ),
            _("Thank you. The programme's coordinators have your concern and will be in touch."),
        )
        if done:
            return redirect("visits:visit_detail", "volunteer", person.pk, visit.pk)
    context = {"person": person, "visit": visit, "form": form, "kind": "volunteer"}
    return render(request, "casework/volunteer_concern.html", context)
