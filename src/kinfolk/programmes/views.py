"""Coordinators' pages: a programme's overview, its people, approvals and enrolment.

Every view fetches the programme through ``programme_get`` (404 unless the
viewer coordinates it) and its people through the people selectors scoped to
that programme, then calls at most one service and redirects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import TextChoices
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinfolk.accounts.ratelimits import rate_limit_check
from kinfolk.accounts.selectors import participant_account_get
from kinfolk.accounts.services import passwords
from kinfolk.imports.selectors import invitee_exists
from kinfolk.pairings.selectors import exclusion_list, person_statuses
from kinfolk.people.forms import ProfileForm
from kinfolk.people.models import Household, Invitation, Volunteer
from kinfolk.people.selectors import (
    consent_list,
    household_get,
    household_list,
    household_member_list,
    invitation_get,
    invitation_list,
    person_choices,
    person_list_page,
    volunteer_check_list,
    volunteer_get,
    volunteer_list,
)
from kinfolk.people.services import coordination
from kinfolk.people.wording import profile_words, wait_length
from kinfolk.privacy.services import (
    CONTACT_FIELDS,
    ContactAccessRefused,
    contact_details_read,
    contact_details_search,
)
from kinfolk.programmes.forms import (
    ApprovalForm,
    InvitationForm,
    ListFilterForm,
    OrganisationForm,
    PaperConsentForm,
    VolunteerFilterForm,
    service_errors_add,
)
from kinfolk.programmes.models import Programme
from kinfolk.programmes.overview_figures import overview_figures
from kinfolk.programmes.selectors import organisation_list, programme_get
from kinfolk.regions.placing import region_of
from kinfolk.staff.scope import whole_programme_required
from kinfolk.web.bidi import isolated

PAGE_SIZE = 50
INVITATIONS_SHOWN = 100
CONTACT_REASON = "coordinator detail page"
SEARCH_REASON = "coordinator list search"


def _service_call(service: Callable[..., Any], *forms_: Form, **arguments: Any) -> Any:
    """The service's result; None if it refused, with its errors beside the forms' fields."""
    try:
        return service(**arguments)
    except ValidationError as error:
        service_errors_add(error, *forms_)
        return None


# --- overview and lists ---------------------------------------------------


@login_required
def overview(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    figures = overview_figures(programme=programme)
    counts = figures.states
    signup = settings.SITE_URL + reverse("people:signup", args=[programme.signup_token])
    context = {
        "programme": programme,
        "volunteer_states": _state_rows(Volunteer.State, counts["volunteers"]),
        "household_states": _state_rows(Household.State, counts["households"]),
        "towns": figures.towns,
        "breakdown": figures.breakdown,
        "pairing_counts": figures.pairings,
        "counted_at": figures.counted_at,
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
    filters = VolunteerFilterForm(request.GET, states=Volunteer.State.choices, programme=programme)
    chosen = filters.values()
    ids = _contact_search(request, programme, "volunteer", chosen["query"])
    people = volunteer_list(programme=programme, ids=ids, **chosen)
    return _list_page(request, programme, filters, people, "volunteer")


@login_required
def households(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    filters = ListFilterForm(request.GET, states=Household.State.choices)
    chosen = filters.values()
    ids = _contact_search(request, programme, "household", chosen["query"])
    people = household_list(programme=programme, ids=ids, **chosen)
    return _list_page(request, programme, filters, people, "household")


def _contact_search(
    request: HttpRequest, programme: Programme, side: str, query: str
) -> list[int] | None:
    """People whose e-mail or phone the query is, found and logged by the privacy service.

    None when the query is neither, so the list searches names and ids instead.
    """
    if not query.strip():
        return None
    try:
        return contact_details_search(
            viewer=request.user, programme=programme, side=side, query=query, reason=SEARCH_REASON
        )
    except ContactAccessRefused:
        raise Http404 from None


def _list_page(
    request: HttpRequest, programme: Programme, filters: ListFilterForm, people: Any, kind: str
) -> HttpResponse:
    ids = people.values_list("pk", flat=True)
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = person_list_page(programme=programme, side=kind, ids=list(page))
    statuses = person_statuses(people=rows)
    today = programme.today()
    # Each state's label looked up once a page rather than once a row.
    model = Volunteer if kind == "volunteer" else Household
    labels = {state: str(label) for state, label in model.State.choices}
    context = {
        "programme": programme,
        "filters": filters,
        "page": page,
        "kind": kind,
        "rows": [_list_row(p, statuses[p.pk], today, labels) for p in rows],
        "sort": filters.cleaned_data.get("sort") or "name",
    }
    return render(request, "programmes/person_list.html", context)


def _list_row(
    person: Volunteer | Household, status: Any, today: Any, labels: dict[str, str]
) -> dict[str, Any]:
    waiting = wait_length(status.since, today) if status.code == "waiting" else ""
    return {"person": person, "status": status, "waiting": waiting, "state": labels[person.state]}


@login_required
def volunteer_choices(request: HttpRequest, programme_id: int) -> HttpResponse:
    return _choices(request, programme_id, "volunteer")


@login_required
def household_choices(request: HttpRequest, programme_id: int) -> HttpResponse:
    return _choices(request, programme_id, "household")


def _choices(request: HttpRequest, programme_id: int, side: str) -> HttpResponse:
    """The names that match what a coordinator is typing, as a datalist fragment (htmx)."""
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    query = request.GET.get(f"{side}_id") or request.GET.get("q") or ""
    people = person_choices(programme=programme, side=side, query=query[:100])
    context = {"side": side, "people": people}
    return render(request, "programmes/_person_choices.html", context)


# --- detail pages ---------------------------------------------------------


@login_required
def volunteer_detail(request: HttpRequest, programme_id: int, volunteer_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    volunteer = volunteer_get(programme=programme, volunteer_id=volunteer_id)
    checks = volunteer_check_list(volunteer=volunteer)
    return _detail_page(request, programme, volunteer, "volunteer", {"checks": checks})


@login_required
def household_detail(request: HttpRequest, programme_id: int, household_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    household = household_get(programme=programme, household_id=household_id)
    adults = list(household_member_list(household=household))
    extra = {"n_adults": len(adults), "adults": adults}
    return _detail_page(request, programme, household, "household", extra)


def _detail_page(
    request: HttpRequest,
    programme: Programme,
    person: Volunteer | Household,
    kind: str,
    extra: dict[str, Any],
) -> HttpResponse:
    # Contact details come only through the logged service (charter rule 5).
    try:
        contact = contact_details_read(
            viewer=request.user, person=person, fields=CONTACT_FIELDS, reason=CONTACT_REASON
        )
    except ContactAccessRefused:
        raise Http404 from None
    context = {
        "programme": programme,
        "person": person,
        "kind": kind,
        "words": profile_words(person),
        "waiting": wait_length(person.waiting_since, programme.today()),
        "imported": invitee_exists(person=person),
        "contact": contact,
        "consents": consent_list(person=person),
        "exclusions": exclusion_list(programme=programme, person=person),
        "regions": programme.regions.exists(),
        "region": region_of(person),
        **extra,
    }
    return render(request, "programmes/person_detail.html", context)


# --- a link to choose a new password -------------------------------------


@login_required
@require_POST
def volunteer_password_link(
    request: HttpRequest, programme_id: int, volunteer_id: int
) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    volunteer = volunteer_get(programme=programme, volunteer_id=volunteer_id)
    user = participant_account_get(person=volunteer)
    return _password_link_send(request, programme, volunteer, user)


@login_required
@require_POST
def household_password_link(
    request: HttpRequest, programme_id: int, household_id: int
) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    household = household_get(programme=programme, household_id=household_id)
    user = participant_account_get(person=household, member_id=request.POST.get("member"))
    return _password_link_send(request, programme, household, user)


def _password_link_send(
    request: HttpRequest, programme: Programme, person: Volunteer | Household, user: Any
) -> HttpResponse:
    back = redirect(f"programmes:{person.side}_detail", programme.pk, person.pk)
    if user is None:
        messages.error(
            request, _("%(name)s has no account to sign in with.") % {"name": person.first_name}
        )
        return back
    limited = rate_limit_check(request, scope="password_link", address=user.sign_in_name)
    if limited is not None:
        return limited
    try:
        passwords.password_link_send_to_participant(
            coordinator=request.user, programme=programme, user=user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
    messages.success(
        request,
        _("A link to choose a new password is on its way to %(name)s.") % {"name": user.first_name},
    )
    return back


# --- approving a volunteer ------------------------------------------------


@login_required
def volunteer_approve(request: HttpRequest, programme_id: int, volunteer_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    volunteer = volunteer_get(programme=programme, volunteer_id=volunteer_id)
    form = ApprovalForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        approved = _service_call(
            coordination.volunteer_approve,
            form,
            volunteer=volunteer,
            approved_by=request.user,
            checks=form.cleaned_data,
        )
        if approved is not None:
            messages.success(
                request, isolated(_("%(name)s is approved."), name=volunteer.first_name)
            )
            return redirect("programmes:volunteer_detail", programme.pk, volunteer.pk)
    context = {"programme": programme, "person": volunteer, "form": form}
    return render(request, "programmes/volunteer_approve.html", context)


# --- a withdrawal made on paper or by phone --------------------------------


@login_required
def volunteer_withdraw(request: HttpRequest, programme_id: int, volunteer_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    volunteer = volunteer_get(programme=programme, volunteer_id=volunteer_id)
    return _withdraw_page(request, programme, volunteer)


@login_required
def household_withdraw(request: HttpRequest, programme_id: int, household_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    household = household_get(programme=programme, household_id=household_id)
    return _withdraw_page(request, programme, household)


def _withdraw_page(
    request: HttpRequest, programme: Programme, person: Volunteer | Household
) -> HttpResponse:
    """GET asks the coordinator to confirm; POST records the withdrawal at once."""
    if request.method == "POST":
        try:
            coordination.consent_withdraw_record(person=person, recorded_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                isolated(
                    _("The withdrawal of %(name)s is recorded; they have left the programme."),
                    name=person.first_name,
                ),
            )
        return redirect(f"programmes:{person.side}_detail", programme.pk, person.pk)
    context = {"programme": programme, "person": person, "kind": person.side}
    return render(request, "programmes/withdraw.html", context)


# --- invitations ----------------------------------------------------------


@login_required
def invitations(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    form = InvitationForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        limited = rate_limit_check(request, scope="invitation", address=form.cleaned_data["email"])
        if limited is not None:
            return limited
        invitation = _service_call(
            coordination.invitation_create,
            form,
            programme=programme,
            created_by=request.user,
            **form.cleaned_data,
        )
        if invitation is not None:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("programmes:invitations", programme.pk)
    context = {"programme": programme, "form": form, "invitations": _invitation_rows(programme)}
    return render(request, "programmes/invitations.html", context)


def _invitation_rows(programme: Programme) -> list[dict[str, Any]]:
    now = timezone.now()
    found = invitation_list(programme=programme)[:INVITATIONS_SHOWN]
    return [{"invitation": i, "state": _invitation_state(i, now)} for i in found]


def _invitation_state(invitation: Invitation, now: Any) -> str:
    if invitation.accepted_at is not None:
        return "accepted"
    return "expired" if invitation.expires_at <= now else "pending"


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, programme_id: int, invitation_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    invitation = invitation_get(programme=programme, invitation_id=invitation_id)
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
        enrolment = _service_call(
            coordination.paper_consent_record,
            form,
            profile,
            programme=programme,
            recorded_by=request.user,
            profile=profile.cleaned_data,
            **form.cleaned_data,
        )
        if enrolment is not None:
            _paper_consent_recorded(request, enrolment)
            person = enrolment.person
            return redirect(f"programmes:{person.side}_detail", programme.pk, person.pk)
    context = {"programme": programme, "form": form, "profile": profile}
    return render(request, "programmes/paper_consent.html", context)


def _paper_consent_recorded(request: HttpRequest, enrolment: coordination.PaperEnrolment) -> None:
    # The name is the one the coordinator typed: an existing account's owner
    # is never named, only told by e-mail.
    name = enrolment.person.first_name
    messages.success(request, isolated(_("%(name)s is enrolled on paper consent."), name=name))
    if enrolment.link_invitation is not None:
        messages.info(
            request,
            _(
                "That e-mail address already has an account, so it was not attached: an "
                "invitation to link an existing account was sent. It is linked only if its "
                "owner accepts."
            ),
        )


# --- organisations --------------------------------------------------------


@login_required
def organisations(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = programme_get(viewer=request.user, programme_id=programme_id)
    if request.method == "POST":
        whole_programme_required(programme)  # a limited coordinator adds no organisation
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = _service_call(
            coordination.organisation_create, form, programme=programme, **form.cleaned_data
        )
        if organisation is not None:
            messages.success(request, isolated(_("%(name)s is added."), name=organisation.name))
            return redirect("programmes:organisations", programme.pk)
    context = {
        "programme": programme,
        "form": form,
        "organisations": organisation_list(programme=programme),
    }
    return render(request, "programmes/organisations.html", context)
