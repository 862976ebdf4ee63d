"""Coordinators' pages: a programme's overview, its people, approvals and enrolment.

Every view fetches the programme through ``programme_get`` (404 unless the
viewer coordinates it) and its people through the people selectors scoped to
that programme, then calls at most one service and redirects.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import TextChoices
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kinfolk.people.forms import ProfileForm
from kinfolk.people.models import Household, Invitation, Volunteer, VolunteerCheck
from kinfolk.people.selectors import (
    consent_list,
    household_get,
    household_list,
    state_counts,
    town_counts,
    volunteer_get,
    volunteer_list,
)
from kinfolk.people.services import coordination
from kinfolk.privacy.services import CONTACT_FIELDS, contact_details_read
from kinfolk.programmes.models import Organisation, Programme
from kinfolk.programmes.selectors import organisation_list, programme_get

PAGE_SIZE = 50
CONTACT_REASON = "coordinator detail page"
ROLE_CHOICES = [("volunteer", gettext_lazy("volunteer")), ("household", gettext_lazy("household"))]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"})

# Forms live here until programmes/forms.py or people/forms.py takes them:
# they only parse input; every rule is checked by the services.


class ListFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    town = forms.CharField(label=gettext_lazy("Town"), required=False, max_length=120)

    def __init__(self, *args: Any, states: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        state = cast(forms.ChoiceField, self.fields["state"])
        state.choices = [("", _("any state")), *states]
        if organisations is not None:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Organisation"),
                queryset=organisations,
                required=False,
                empty_label=_("any organisation"),
            )

    def values(self) -> dict[str, Any]:
        # A filter that does not parse is dropped rather than answered with
        # an error; the others still apply and the list stays useful.
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}


class ApprovalForm(forms.Form):
    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in programme.required_checks:
            self.fields[kind] = forms.DateField(
                label=VolunteerCheck.Kind(kind).label,
                widget=DATE_WIDGET,
                help_text=_("The day it was completed."),
            )


class InvitationForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Invite as"), choices=ROLE_CHOICES)
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=80)
    email = forms.EmailField(label=gettext_lazy("E-mail address"))
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation (volunteers only)"),
        queryset=Organisation.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = programme.organisations.all()  # type: ignore[attr-defined]


class PaperConsentForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Taking part as"), choices=ROLE_CHOICES)
    given_on = forms.DateField(label=gettext_lazy("Date on the signed form"), widget=DATE_WIDGET)
    email = forms.EmailField(label=gettext_lazy("E-mail address (optional)"), required=False)
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation (volunteers only)"),
        queryset=Organisation.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = programme.organisations.all()  # type: ignore[attr-defined]


class OrganisationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Organisation.Kind.choices)


def _add_errors(error: ValidationError, *forms_: forms.Form) -> None:
    """Put a service's errors beside the fields they name, else at the top of the first form."""
    errors = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, texts in errors.items():
        target = next((f for f in forms_ if field in f.fields), None)
        if target is None:
            forms_[0].add_error(None, texts)
        else:
            target.add_error(field, texts)


# --- overview and lists ---------------------------------------------------


@login_required
def overview(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    counts = state_counts(programme=programme)
    signup = settings.SITE_URL + reverse("people:signup", args=[programme.signup_token])
    context = {
        "programme": programme,
        "volunteer_states": _state_rows(Volunteer.State, counts["volunteers"]),
        "household_states": _state_rows(Household.State, counts["households"]),
        "towns": town_counts(programme=programme),
        "organisations": organisation_list(programme=programme),
        "applicants": _longest_waiting_applicants(programme),
        "n_applicants": counts["volunteers"].get("applied", 0),
        "n_volunteers": sum(counts["volunteers"].values()),
        "n_households": sum(counts["households"].values()),
        "signup_volunteer": f"{signup}?role=volunteer",
        "signup_household": f"{signup}?role=household",
    }
    return render(request, "programmes/overview.html", context)


def _longest_waiting_applicants(programme: Programme) -> Any:
    applicants = volunteer_list(programme=programme, state=Volunteer.State.APPLIED)
    return applicants.order_by("created_at", "id")[:10]


def _state_rows(states: type[TextChoices], counts: dict[str, int]) -> list[dict[str, Any]]:
    return [{"state": s.value, "label": s.label, "n": counts.get(s.value, 0)} for s in states]


@login_required
def volunteers(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    filters = ListFilterForm(
        request.GET,
        states=Volunteer.State.choices,
        organisations=programme.organisations.all(),
    )
    chosen = filters.values()
    people = volunteer_list(
        programme=programme, query=chosen["q"], state=chosen["state"], town=chosen["town"]
    )
    if chosen["organisation"]:
        people = people.filter(organisation=chosen["organisation"])
    return _list_page(request, programme, filters, people, "volunteer")


@login_required
def households(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    filters = ListFilterForm(request.GET, states=Household.State.choices)
    chosen = filters.values()
    people = household_list(
        programme=programme, query=chosen["q"], state=chosen["state"], town=chosen["town"]
    )
    return _list_page(request, programme, filters, people, "household")


def _list_page(
    request: HttpRequest, programme: Programme, filters: ListFilterForm, people: Any, kind: str
) -> HttpResponse:
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"programme": programme, "filters": filters, "page": page, "kind": kind}
    return render(request, "programmes/person_list.html", context)


# --- detail pages ---------------------------------------------------------


@login_required
def volunteer_detail(request: HttpRequest, programme_id: int, volunteer_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    volunteer = volunteer_get(programme=programme, volunteer_id=volunteer_id)
    checks = volunteer.checks.select_related("recorded_by").order_by("kind")
    return _detail_page(request, programme, volunteer, "volunteer", {"checks": checks})


@login_required
def household_detail(request: HttpRequest, programme_id: int, household_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    household = household_get(programme=programme, household_id=household_id)
    extra = {"n_adults": household.members.count()}
    return _detail_page(request, programme, household, "household", extra)


def _detail_page(
    request: HttpRequest,
    programme: Programme,
    person: Volunteer | Household,
    kind: str,
    extra: dict[str, Any],
) -> HttpResponse:
    # Contact details come only through the logged service (charter rule 5).
    contact = contact_details_read(request.user, person, CONTACT_FIELDS, CONTACT_REASON)
    context = {
        "programme": programme,
        "person": person,
        "kind": kind,
        "facts": _profile_facts(person),
        "contact": [(_contact_labels()[f], contact[f]) for f in CONTACT_FIELDS],
        "consents": consent_list(person=person),
        **extra,
    }
    return render(request, "programmes/person_detail.html", context)


def _contact_labels() -> dict[str, str]:
    return {"email": _("E-mail"), "phone": _("Phone"), "address": _("Address")}


_FACT_FIELDS = (
    "external_id",
    "town",
    "lat",
    "lon",
    "max_travel_km",
    "visit_places",
    "speaks",
    "learning",
    "availability",
    "offers",
    "accepts",
    "blackout",
    "travel_mode",
    "waiting_since",
)


def _profile_facts(person: Volunteer | Household) -> list[tuple[Any, Any]]:
    meta = person._meta
    return [
        (getattr(meta.get_field(f), "verbose_name", f), getattr(person, f)) for f in _FACT_FIELDS
    ]


# --- approving a volunteer ------------------------------------------------


@login_required
def volunteer_approve(request: HttpRequest, programme_id: int, volunteer_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    volunteer = volunteer_get(programme=programme, volunteer_id=volunteer_id)
    form = ApprovalForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            coordination.volunteer_approve(
                volunteer=volunteer, approved_by=request.user, checks=form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(error, form)
        else:
            messages.success(request, _("%(name)s is approved.") % {"name": volunteer.first_name})
            return redirect("programmes:volunteer_detail", programme.pk, volunteer.pk)
    context = {"programme": programme, "person": volunteer, "form": form}
    return render(request, "programmes/volunteer_approve.html", context)


# --- invitations ----------------------------------------------------------


@login_required
def invitations(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    form = InvitationForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = coordination.invitation_create(
                programme=programme, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(error, form)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("programmes:invitations", programme.pk)
    context = {"programme": programme, "form": form, "invitations": _invitation_rows(programme)}
    return render(request, "programmes/invitations.html", context)


def _invitation_rows(programme: Programme) -> list[dict[str, Any]]:
    now = timezone.now()
    found = (
        programme.invitations.filter(role__in=coordination.COORDINATOR_INVITATION_ROLES)
        .select_related("organisation")
        .order_by("-created_at")[:100]
    )
    return [{"invitation": i, "state": _invitation_state(i, now)} for i in found]


def _invitation_state(invitation: Invitation, now: Any) -> str:
    if invitation.accepted_at is not None:
        return "accepted"
    return "expired" if invitation.expires_at <= now else "pending"


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, programme_id: int, invitation_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    invitation = get_object_or_404(programme.invitations, pk=invitation_id)
    try:
        coordination.invitation_revoke(invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The invitation to %(email)s is revoked.") % {"email": invitation.email}
        )
    return redirect("programmes:invitations", programme.pk)


# --- paper consent --------------------------------------------------------


@login_required
def paper_consent(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    data = request.POST if request.method == "POST" else None
    form = PaperConsentForm(data, programme=programme)
    profile = ProfileForm(data, programme=programme)
    if data is not None and form.is_valid() and profile.is_valid():
        try:
            person = coordination.paper_consent_record(
                programme=programme,
                recorded_by=request.user,
                profile=profile.cleaned_data,
                **form.cleaned_data,
            )
        except ValidationError as error:
            _add_errors(error, form, profile)
        else:
            messages.success(
                request, _("%(name)s is enrolled on paper consent.") % {"name": person.first_name}
            )
            kind = "volunteer" if isinstance(person, Volunteer) else "household"
            return redirect(f"programmes:{kind}_detail", programme.pk, person.pk)
    context = {
        "programme": programme,
        "form": form,
        "profile": profile,
    }
    return render(request, "programmes/paper_consent.html", context)


# --- organisations --------------------------------------------------------


@login_required
def organisations(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = coordination.organisation_create(
                programme=programme, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(error, form)
        else:
            messages.success(request, _("%(name)s is added.") % {"name": organisation.name})
            return redirect("programmes:organisations", programme.pk)
    context = {
        "programme": programme,
        "form": form,
        "organisations": organisation_list(programme=programme),
    }
    return render(request, "programmes/organisations.html", context)
