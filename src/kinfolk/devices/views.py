from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinfolk.devices import selectors, services


@login_required
def device_list(request: HttpRequest) -> HttpResponse:
    devices = selectors.device_list(viewer=request.user, current_key=request.session.session_key)
    return render(request, "devices/device_list.html", {"devices": devices})


@login_required
@require_POST
def device_sign_out(request: HttpRequest) -> HttpResponse:
    """Sign out one other device (``device``), or every other one (``others``)."""
    if request.POST.get("others"):
        ended = services.sessions_end_others(user=request.user, keep=request.session.session_key)
        messages.success(request, _("Signed out of every other device (%(n)d).") % {"n": ended})
    else:
        device_id = selectors.device_get(
            viewer=request.user, device_id=request.POST.get("device", "")
        )
        services.session_end_device(user=request.user, device_id=device_id)
        messages.success(request, _("That device is signed out."))
    return redirect("devices:list")
