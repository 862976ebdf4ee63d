"""Participants' pages for their proposal and pairing.

Coordinators' matching pages are in ``views_coordinator``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinfolk.pairings import services
from kinfolk.pairings.explain import proposal_facts
from kinfolk.pairings.forms import VisitorReportForm
from kinfolk.pairings.selectors import own_pairing_get, own_proposal_get, partner_of
from kinfolk.people.models import Household, Volunteer
from kinfolk.people.selectors import own_person_get
from kinfolk.privacy.services import CONTACT_FIELDS, ContactAccessRefused, contact_details_read

Person = Volunteer | Household


def _home(kind: str, person: Person) -> HttpResponse:
    return redirect(f"people:{kind}_home", person.pk)


@login_required
def proposal_detail(
    request: HttpRequest, kind: str, person_id: int, proposal_id: int
) -> HttpResponse:
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    proposal = own_proposal_get(person=person, proposal_id=proposal_id)
    context = {
        "person": person,
        "kind": kind,
        "proposal": proposal,
        "partner": partner_of(person=person, pair=proposal),
        "facts": proposal_facts(proposal),
        "my_answer": getattr(proposal, f"{kind}_answer"),
    }
    return render(request, "pairings/proposal.html", context)


@require_POST
@login_required
def proposal_answer(
    request: HttpRequest, kind: str, person_id: int, proposal_id: int
) -> HttpResponse:
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    proposal = own_proposal_get(person=person, proposal_id=proposal_id)
    accept = request.POST.get("answer") == "accept"
    try:
        services.proposal_answer(proposal_id=proposal.pk, person=person, accept=accept)
    except services.PairingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Thank you: your answer is recorded.")
            if accept
            else _("Thank you: you said no, and nothing else changes for you."),
        )
    return _home(kind, person)


@login_required
def pairing_detail(
    request: HttpRequest, kind: str, person_id: int, pairing_id: int
) -> HttpResponse:
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    pairing = own_pairing_get(person=person, pairing_id=pairing_id)
    partner = partner_of(person=person, pair=pairing)
    try:
        # The privacy service decides: only while the pairing stands, and logged.
        contact = contact_details_read(
            viewer=request.user, person=partner, fields=CONTACT_FIELDS, reason="active pairing"
        )
    except ContactAccessRefused:
        contact = None
    context = {
        "person": person,
        "kind": kind,
        "pairing": pairing,
        "partner": partner,
        "contact": contact,
    }
    return render(request, "pairings/pairing.html", context)


@login_required
def pairing_end(request: HttpRequest, kind: str, person_id: int, pairing_id: int) -> HttpResponse:
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    pairing = own_pairing_get(person=person, pairing_id=pairing_id)
    if request.method == "POST":
        services.pairing_end(pairing=pairing, by=person)
        messages.success(request, _("Your pairing has ended."))
        return _home(kind, person)
    partner = partner_of(person=person, pair=pairing)
    return render(
        request,
        "pairings/pairing_end.html",
        {"person": person, "kind": kind, "pairing": pairing, "partner": partner},
    )


@login_required
def visitor_report(request: HttpRequest, person_id: int, pairing_id: int) -> HttpResponse:
    household = own_person_get(viewer=request.user, side="household", person_id=person_id)
    pairing = own_pairing_get(person=household, pairing_id=pairing_id)
    form = VisitorReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.visitor_report(
            pairing=pairing, household=household, by=request.user, **form.cleaned_data
        )
        messages.success(
            request, _("Thank you. The programme's coordinators will read your report.")
        )
        return _home("household", household)
    partner = partner_of(person=household, pair=pairing)
    context = {
        "person": household,
        "kind": "household",
        "pairing": pairing,
        "partner": partner,
        "form": form,
    }
    return render(request, "pairings/visitor_report.html", context)
