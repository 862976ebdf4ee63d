"""Pages of volunteers and households, and the public sign-up and invitation links.

Every participant page fetches its person through an ``own_*`` selector, so
another person's id answers 404 whoever asks.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinfolk.accounts.ratelimits import rate_limit_check
from kinfolk.people.forms import (
    AdultInviteForm,
    ConsentForm,
    PasswordForm,
    ProfileForm,
    SignupForm,
)
from kinfolk.people.models import Invitation, Volunteer
from kinfolk.people.selectors import (
    account_for_invitation,
    consent_list,
    household_invitation_get,
    household_invitation_list,
    household_member_get,
    household_member_list,
    invitation_by_token,
    invitation_for_unconsented,
    own_household_get,
    own_person_get,
    own_volunteer_get,
)
from kinfolk.people.services import adults, participation
from kinfolk.people.services.participation import ParticipationError, Person, Signup
from kinfolk.people.wording import profile_words
from kinfolk.privacy.phones import phone_international
from kinfolk.programmes.selectors import programme_by_signup_token
from kinfolk.web.bidi import isolated

_PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _url(person: Person, page: str) -> str:
    return reverse(f"people:{person.side}_{page}", args=[person.pk])


def _links(person: Person) -> dict[str, str]:
    pages = ["home", "profile", "consents", "consent_withdraw", "pause", "resume", "leave"]
    pages += ["ready"] if isinstance(person, Volunteer) else ["adults"]
    return {page: _url(person, page) for page in pages}


def _home(request: HttpRequest, person: Person) -> HttpResponse:
    context = {
        "person": person,
        "kind": person.side,
        "links": _links(person),
        "words": profile_words(person),
    }
    return render(request, "people/home.html", context)


@login_required
def volunteer_home(request: HttpRequest, volunteer_id: int) -> HttpResponse:
    return _home(request, own_volunteer_get(viewer=request.user, volunteer_id=volunteer_id))


@login_required
def household_home(request: HttpRequest, household_id: int) -> HttpResponse:
    return _home(request, own_household_get(viewer=request.user, household_id=household_id))


@login_required
def profile_edit(request: HttpRequest, kind: str, person_id: int) -> HttpResponse:
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    form = ProfileForm(
        request.POST or None,
        programme=person.programme,
        initial=ProfileForm.initial_for(person, viewer=request.user),
    )
    if request.method == "POST" and form.is_valid():
        participation.profile_update(person=person, data=form.cleaned_data)
        messages.success(request, _("Your profile is saved."))
        return redirect(_url(person, "home"))
    return render(
        request, "people/profile.html", {"person": person, "form": form, "links": _links(person)}
    )


@login_required
def consents(request: HttpRequest, kind: str, person_id: int) -> HttpResponse:
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    context = {"person": person, "consents": consent_list(person=person), "links": _links(person)}
    return render(request, "people/consents.html", context)


def _confirmed(
    request: HttpRequest, kind: str, person_id: int, action: str, service: Callable[..., Any]
) -> HttpResponse:
    """GET asks once for confirmation; POST acts at once, with no reason asked."""
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    if request.method == "POST":
        service(person=person)
        messages.success(
            request,
            _(
                "You have left the programme and your consent is withdrawn. "
                "Thank you for taking part."
            ),
        )
        return redirect(_url(person, "home"))
    context = {"person": person, "action": action, "links": _links(person)}
    return render(request, "people/leave.html", context)


@login_required
def leave(request: HttpRequest, kind: str, person_id: int) -> HttpResponse:
    return _confirmed(request, kind, person_id, "leave", participation.participant_leave)


@login_required
def consent_withdraw(request: HttpRequest, kind: str, person_id: int) -> HttpResponse:
    return _confirmed(request, kind, person_id, "withdraw", participation.consent_withdraw)


def _state_change(
    request: HttpRequest, person: Person, change: Callable[[], Any], done: str
) -> HttpResponse:
    try:
        change()
    except ParticipationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect(_url(person, "home"))


def _own_state_change(
    request: HttpRequest, kind: str, person_id: int, service: Callable[..., Any], done: str
) -> HttpResponse:
    person = own_person_get(viewer=request.user, side=kind, person_id=person_id)
    return _state_change(request, person, partial(service, person=person), done)


@require_POST
@login_required
def pause(request: HttpRequest, kind: str, person_id: int) -> HttpResponse:
    done = _("You have paused. Nobody will be paired with you until you resume.")
    return _own_state_change(request, kind, person_id, participation.participant_pause, done)


@require_POST
@login_required
def resume(request: HttpRequest, kind: str, person_id: int) -> HttpResponse:
    done = _("Welcome back: you are taking part again, with your original waiting date.")
    return _own_state_change(request, kind, person_id, participation.participant_resume, done)


@require_POST
@login_required
def volunteer_ready(request: HttpRequest, volunteer_id: int) -> HttpResponse:
    volunteer = own_volunteer_get(viewer=request.user, volunteer_id=volunteer_id)
    done = _("Thank you: you are now waiting to be paired.")
    change = partial(participation.volunteer_ready, volunteer=volunteer)
    return _state_change(request, volunteer, change, done)


@login_required
def household_adults(request: HttpRequest, household_id: int) -> HttpResponse:
    household = own_household_get(viewer=request.user, household_id=household_id)
    form = AdultInviteForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        limited = rate_limit_check(
            request, scope="adult_invitation", address=form.cleaned_data["email"]
        )
        if limited is not None:
            return limited
        try:
            participation.household_adult_invite(
                household=household, invited_by=request.user, **form.cleaned_data
            )
        except ParticipationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Invitation sent. They join once they accept it."))
        return redirect(_url(household, "adults"))
    members = list(household_member_list(household=household))
    context = {
        "person": household,
        "members": members,
        "invitations": household_invitation_list(household=household),
        "form": form,
        "links": _links(household),
    }
    return render(request, "people/adults.html", context)


@require_POST
@login_required
def household_invitation_cancel(
    request: HttpRequest, household_id: int, invitation_id: int
) -> HttpResponse:
    household = own_household_get(viewer=request.user, household_id=household_id)
    invitation = household_invitation_get(household=household, invitation_id=invitation_id)
    try:
        adults.household_invitation_cancel(invitation=invitation)
    except ParticipationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            isolated(_("The invitation to %(name)s is cancelled."), name=invitation.first_name),
        )
    return redirect(_url(household, "adults"))


@require_POST
@login_required
def household_adult_remove(request: HttpRequest, household_id: int, user_id: int) -> HttpResponse:
    household = own_household_get(viewer=request.user, household_id=household_id)
    member = household_member_get(household=household, user_id=user_id)
    try:
        adults.household_adult_remove(household=household, member=member, by=request.user)
    except ParticipationError as error:
        messages.error(request, error.message)
        return redirect(_url(household, "adults"))
    if member.user == request.user:
        messages.success(request, _("You are no longer an adult of this household."))
        return redirect("home")
    done = _("%(name)s is no longer an adult of this household; they have been told by e-mail.")
    messages.success(request, isolated(done, name=member.user.first_name))
    return redirect(_url(household, "adults"))


# --- public sign-up ----------------------------------------------------------------------


def signup(request: HttpRequest, token: str) -> HttpResponse:
    programme = programme_by_signup_token(token=token)
    form = SignupForm(request.POST or None, programme=programme, role=request.GET.get("role"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        limited = rate_limit_check(request, scope="signup", address=data["email"])
        if limited is not None:
            return limited
        participation.signup_request(
            programme=programme,
            role=data["role"],
            first_name=data["first_name"],
            email=data["email"],
            consented_at=timezone.now(),
        )
        # The same answer whether or not the address is registered.
        return redirect("people:signup_sent", token)
    return render(request, "people/signup.html", {"programme": programme, "form": form})


def signup_sent(request: HttpRequest, token: str) -> HttpResponse:
    programme = programme_by_signup_token(token=token)
    return render(request, "people/signup_sent.html", {"programme": programme})


def _link_problem(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "people/link_problem.html", {"message": message}, status=status)


def _link_used(request: HttpRequest) -> HttpResponse:
    used = _("This link has already been used. Sign in with your e-mail address and password.")
    return _link_problem(request, used, 410)


def signup_verify(request: HttpRequest, token: str) -> HttpResponse:
    try:
        signup = participation.signup_load(token=token)
    except participation.SignupLinkExpired as error:
        return _link_problem(request, error.message, 410)
    except participation.SignupLinkInvalid as error:
        return _link_problem(request, error.message, 400)
    if signup.used:
        return _link_used(request)
    data = request.POST or None
    password = PasswordForm(data, email=signup.email, first_name=signup.first_name)
    profile = ProfileForm(
        data, programme=signup.programme, initial={"first_name": signup.first_name}
    )
    if request.method == "POST" and all([password.is_valid(), profile.is_valid()]):
        return _signup_complete(request, signup, password, profile)
    context = {
        "signup": signup,
        "programme": signup.programme,
        "password_form": password,
        "form": profile,
    }
    return render(request, "people/signup_verify.html", context)


def _signup_complete(
    request: HttpRequest, signup: Signup, password: PasswordForm, profile: ProfileForm
) -> HttpResponse:
    try:
        user, person = participation.signup_complete(
            signup=signup,
            password=password.cleaned_data["password1"],
            profile=profile.cleaned_data,
        )
    except ParticipationError:
        return _link_used(request)
    login(request, user, backend=_PASSWORD_BACKEND)
    messages.success(request, _("Welcome! Your e-mail address is confirmed."))
    return redirect(_url(person, "home"))


def _invitation_forms(request: HttpRequest, invitation: Invitation, account: Any) -> dict[str, Any]:
    data = request.POST or None
    forms: dict[str, Any] = {"consent_form": ConsentForm(data, programme=invitation.programme)}
    if account is None:
        forms["password_form"] = PasswordForm(
            data, email=invitation.email or invitation.phone, first_name=invitation.first_name
        )
    # An adult joins a household, a link joins a paper enrolment: both exist already.
    if invitation.role not in (Invitation.Role.HOUSEHOLD_ADULT, Invitation.Role.LINK):
        forms["form"] = ProfileForm(
            data, programme=invitation.programme, initial={"first_name": invitation.first_name}
        )
    return forms


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_by_token(token=token)
    problem = participation.invitation_problem(invitation=invitation)
    if problem:
        return _link_problem(request, problem, 410)
    account = account_for_invitation(invitation=invitation)
    if account is not None and request.user != account:
        return _not_the_invited_account(request)
    forms = _invitation_forms(request, invitation, account)
    if request.method == "POST" and all([f.is_valid() for f in forms.values()]):
        return _invitation_join(request, invitation, account, forms)
    context = {
        "invitation": invitation,
        "programme": invitation.programme,
        "imported": invitation_for_unconsented(invitation=invitation),
        # The invitee's own number, which the SMS went to: they will sign in with it.
        "sign_in_number": (
            phone_international(invitation.phone)
            if invitation.phone and not invitation.email
            else ""
        ),
        **forms,
    }
    return render(request, "people/invitation_accept.html", context)


def _not_the_invited_account(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        wrong = _(
            "This invitation was sent to another e-mail address. "
            "Sign out, then open the link again."
        )
        return _link_problem(request, wrong, 403)
    return redirect_to_login(request.get_full_path())


def _invitation_join(
    request: HttpRequest, invitation: Invitation, account: Any, forms: dict[str, Any]
) -> HttpResponse:
    try:
        user, person = participation.invitation_accept(
            invitation=invitation,
            user=account,
            password=forms["password_form"].cleaned_data["password1"] if account is None else "",
            profile=forms["form"].cleaned_data if "form" in forms else None,
        )
    except ParticipationError as error:
        return _link_problem(request, error.message, 409)
    if account is None:
        login(request, user, backend=_PASSWORD_BACKEND)
    messages.success(
        request,
        isolated(_("Welcome! You have joined %(programme)s."), programme=invitation.programme.name),
    )
    return redirect(_url(person, "home"))
