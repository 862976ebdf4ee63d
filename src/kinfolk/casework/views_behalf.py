"""Acting on a person's behalf, from the coordinator's person page.

One page per person lists what can be done now (pause or resume, leave, end
the pairing, record a visit's outcome, resend an invitation or a password
link) and, separately, the profile form.  Each POST asks how the person
asked, calls one service, and returns to the person's page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kinfolk.accounts.selectors import participant_account_get
from kinfolk.casework.forms import AskedForm, BehalfForm
from kinfolk.casework.models import BehalfAction
from kinfolk.casework.selectors.behalf import pending_invitation, recordable_visits
from kinfolk.casework.services import CaseworkError, behalf
from kinfolk.casework.views import person_get, person_url
from kinfolk.pairings.selectors import pairing_active_get
from kinfolk.people.forms import ProfileForm
from kinfolk.people.selectors import household_member_list
from kinfolk.programmes.models import Programme
from kinfolk.programmes.selectors import programme_get
from kinfolk.visits.selectors import own_visit_get
from kinfolk.web.bidi import isolated

Action = BehalfAction.Action
EDIT_REASON = "editing the profile on their behalf"


def _call(programme: Programme, person: Any, user: Any, data: dict[str, Any]) -> Any:
    """The one service the chosen action names, with what it needs fetched through selectors."""
    common = {"programme": programme, "person": person, "by": user, "asked_by": data["asked_by"]}
    action = data["action"]
    if action == Action.PAUSE:
        return behalf.behalf_pause(**common)
    if action == Action.RESUME:
        return behalf.behalf_resume(**common)
    if action == Action.LEAVE:
        return behalf.behalf_leave(**common)
    if action == Action.PAIRING_END:
        pairing = pairing_active_get(person=person)
        if pairing is None:
            raise CaseworkError(_("There is no active pairing to end."))
        return behalf.behalf_pairing_end(pairing=pairing, **common)
    if action == Action.OUTCOME:
        if data["visit"] is None or data["happened"] in (None, ""):
            raise CaseworkError(_("Choose the visit and whether it happened."))
        visit = own_visit_get(person=person, visit_id=data["visit"])
        return behalf.behalf_outcome(visit=visit, happened=data["happened"], **common)
    if action == Action.PASSWORD_LINK:
        account = participant_account_get(person=person, member_id=data["member"])
        if account is None:
            raise CaseworkError(_("This person has no account to sign in with."))
        return behalf.behalf_password_link(user=account, **common)
    invitation = pending_invitation(person=person)
    if invitation is None:
        raise CaseworkError(_("There is no unaccepted invitation to send again."))
    return behalf.behalf_invitation_resend(invitation=invitation, **common)


def _left_message(person: Any) -> str:
    message = _("%(name)s has left the programme; nothing can be done on their behalf.")
    return isolated(message, name=person.first_name)


def _behalf_page(
    request: HttpRequest, programme_id: int, side: str, person_id: int
) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    person = person_get(programme, side, person_id)
    if person.state == "left":
        messages.error(request, _left_message(person))
        return redirect(person_url(programme, person))
    if request.method == "POST":
        form = BehalfForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose an action and say how the person asked."))
            return redirect(request.path)
        try:
            _call(programme, person, request.user, form.cleaned_data)
        except CaseworkError as error:
            messages.error(request, error.message)
            return redirect(request.path)
        except Http404:
            messages.error(request, _("That visit is not one of this person's."))
            return redirect(request.path)
        label = dict(Action.choices)[form.cleaned_data["action"]]
        messages.success(
            request,
            isolated(_("Done on %(name)s's behalf: %(what)s."), name=person.first_name, what=label),
        )
        return redirect(person_url(programme, person) + "#casework")
    context = {
        "programme": programme,
        "person": person,
        "kind": side,
        "asked": AskedForm(),
        "pairing": pairing_active_get(person=person),
        "visits": recordable_visits(person=person),
        "invitation": pending_invitation(person=person),
        "adults": list(household_member_list(household=person)) if side == "household" else [],
    }
    return render(request, "casework/behalf.html", context)


@login_required
def volunteer_behalf(request: HttpRequest, programme_id: int, volunteer_id: int) -> HttpResponse:
    return _behalf_page(request, programme_id, "volunteer", volunteer_id)


@login_required
def household_behalf(request: HttpRequest, programme_id: int, household_id: int) -> HttpResponse:
    return _behalf_page(request, programme_id, "household", household_id)


def _profile_page(
    request: HttpRequest, programme_id: int, side: str, person_id: int
) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    person = person_get(programme, side, person_id)
    if person.state == "left":
        messages.error(request, _left_message(person))
        return redirect(person_url(programme, person))
    data = request.POST if request.method == "POST" else None
    asked = AskedForm(data)
    initial = (
        None if data else ProfileForm.initial_for(person, viewer=request.user, reason=EDIT_REASON)
    )
    form = ProfileForm(data, programme=programme, initial=initial)
    if data is not None and asked.is_valid() and form.is_valid():
        try:
            behalf.behalf_profile_edit(
                programme=programme,
                person=person,
                by=request.user,
                asked_by=asked.cleaned_data["asked_by"],
                data=form.cleaned_data,
            )
        except CaseworkError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, isolated(_("%(name)s's profile is saved."), name=person.first_name)
            )
            return redirect(person_url(programme, person) + "#casework")
    context = {"programme": programme, "person": person, "kind": side, "form": form, "asked": asked}
    return render(request, "casework/behalf_profile.html", context)


@login_required
def volunteer_profile(request: HttpRequest, programme_id: int, volunteer_id: int) -> HttpResponse:
    return _profile_page(request, programme_id, "volunteer", volunteer_id)


@login_required
def household_profile(request: HttpRequest, programme_id: int, household_id: int) -> HttpResponse:
    return _profile_page(request, programme_id, "household", household_id)
