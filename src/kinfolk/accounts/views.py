from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinfolk.accounts import services
from kinfolk.accounts.forms import LoginForm, TotpForm
from kinfolk.people.selectors import roles_get

login = auth_views.LoginView.as_view(
    template_name="accounts/login.html",
    authentication_form=LoginForm,
    redirect_authenticated_user=True,
)
logout = require_POST(auth_views.LogoutView.as_view())


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
        return redirect("people:household_home", roles.households[0].pk)
    return render(request, "accounts/home.html", {"my_roles": roles})


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Site administrators add an authenticator app; the first code confirms it."""
    device = services.totp_device_pending(user=request.user)
    form = TotpForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        services.totp_device_confirm(request=request, device=device)
        messages.success(request, _("Two-factor authentication is on."))
        return redirect("home")
    context = {
        "form": form,
        "qr_svg": services.totp_qr_svg(device),
        "secret": services.totp_secret(device),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    device = services.totp_device_confirmed(user=request.user)
    if device is None:
        return redirect("accounts:two_factor_setup")
    form = TotpForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        services.totp_login(request=request, device=device)
        return redirect(_safe_next(request))
    return render(request, "accounts/two_factor_verify.html", {"form": form})


def _safe_next(request: HttpRequest) -> str:
    """Where to go after the second factor: only a page of this site, never another's."""
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return resolve_url("home")
