from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from kinfolk.accounts import selectors
from kinfolk.accounts.forms import LanguageForm, LoginForm, PasswordResetRequestForm, TotpForm
from kinfolk.accounts.ratelimits import rate_limit_check
from kinfolk.accounts.services import two_factor
from kinfolk.accounts.services.languages import language_choose
from kinfolk.devices.services import sessions_end_others
from kinfolk.people.selectors import roles_get

#: The session key holding the enrolment link a site administrator opened.
_ENROLMENT = "two_factor_enrolment"

login = auth_views.LoginView.as_view(
    template_name="accounts/login.html",
    authentication_form=LoginForm,
    redirect_authenticated_user=True,
)
_logout = auth_views.LogoutView.as_view()


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Signing out here signs out every other device of the person too."""
    if request.user.is_authenticated:
        sessions_end_others(user=request.user, keep=request.session.session_key)
    return _logout(request)


class _PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request, rate-limited per client IP and per address."""

    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetRequestForm) -> HttpResponse:
        limited = rate_limit_check(
            self.request, scope="password_reset", address=form.cleaned_data["email"]
        )
        return limited if limited is not None else super().form_valid(form)


password_reset = _PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)


class _PasswordSetView(auth_views.PasswordResetConfirmView):
    """A new password from a link: every device signed in with the old one is signed out."""

    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        sessions_end_others(user=form.user, keep=None)
        return response


password_set = _PasswordSetView.as_view()


class _PasswordChangeView(auth_views.PasswordChangeView):
    """A signed-in person changes their password: this device stays, the others are signed out."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("devices:list")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)  # keeps this session, under a new key
        sessions_end_others(user=form.user, keep=self.request.session.session_key)
        messages.success(
            self.request, _("Your password is changed; every other device is signed out.")
        )
        return response


password_change = _PasswordChangeView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = roles_get(viewer=request.user)
    if roles.count == 1:
        if roles.site_admin:
            return redirect("programmes_admin:list")
        if roles.programmes:
            return redirect("programmes:overview", roles.programmes[0].pk)
        if roles.volunteers:
            return redirect("people:volunteer_home", roles.volunteers[0].pk)
        if roles.viewing:
            return redirect("staff:figures", roles.viewing[0].pk)
        return redirect("people:household_home", roles.households[0].pk)
    return render(request, "accounts/home.html", {"my_roles": roles})


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Add or replace an authenticator: with a verified session or an enrolment link only."""
    if not request.user.is_staff:
        raise Http404
    enrolment = selectors.two_factor_enrolment_usable(
        viewer=request.user, enrolment_id=request.session.get(_ENROLMENT)
    )
    if enrolment is None and not request.user.is_verified():  # type: ignore[union-attr]
        return _setup_refused(request)
    device = two_factor.totp_device_pending(user=request.user)
    form = TotpForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.totp_device_confirm(device=device, enrolment=enrolment)
        except two_factor.EnrolmentUnusable as error:
            return _setup_refused(request, error.message)
        request.session.pop(_ENROLMENT, None)
        otp_login(request, device)
        messages.success(request, _("Two-factor authentication is on."))
        return redirect("home")
    context = {
        "form": form,
        "qr_svg": two_factor.totp_qr_svg(device),
        "secret": two_factor.totp_secret(device),
    }
    return render(request, "accounts/two_factor_setup.html", context)


def _setup_refused(request: HttpRequest, problem: str = "") -> HttpResponse:
    has_device = two_factor.totp_device_confirmed(user=request.user) is not None
    context = {"problem": problem, "has_device": has_device}
    return render(request, "accounts/two_factor_refused.html", context, status=403)


@login_required
def two_factor_enrol(request: HttpRequest, token: str) -> HttpResponse:
    """An enrolment link, opened by the administrator it was issued for, starts a fresh set-up."""
    if not request.user.is_staff:
        raise Http404
    enrolment = selectors.two_factor_enrolment_by_token(viewer=request.user, token=token)
    usable = selectors.two_factor_enrolment_usable(viewer=request.user, enrolment_id=enrolment.pk)
    if usable is None:
        return _setup_refused(
            request, _("This enrolment link has been used or has expired. Ask for a new one.")
        )
    two_factor.totp_device_restart(user=request.user)
    request.session[_ENROLMENT] = enrolment.pk
    return redirect("accounts:two_factor_setup")


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    device = two_factor.totp_device_confirmed(user=request.user)
    if device is None:
        return redirect("accounts:two_factor_setup")
    form = TotpForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        otp_login(request, device)
        return redirect(_safe_next(request))
    return render(request, "accounts/two_factor_verify.html", {"form": form})


def _safe_next(request: HttpRequest) -> str:
    """Where to go after the second factor: only a page of this site, never another's."""
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return resolve_url("home")


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch the site's language: on the account when signed in, in a cookie either way.

    The cookie makes the choice hold before sign-in (the sign-up form) and on
    this device at once; the account makes messages follow it.
    """
    form = LanguageForm(request.POST)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = resolve_url("home")
    response = redirect(target)
    if not form.is_valid():
        messages.error(request, _("Pick one of the languages offered."))
        return response
    code = form.cleaned_data["language"]
    if request.user.is_authenticated:
        language_choose(user=request.user, language=code)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response
