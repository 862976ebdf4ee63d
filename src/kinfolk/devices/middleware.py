"""Idle and absolute time-outs, checked on every request of a signed-in person."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from kinfolk.devices.services import session_expired, session_touch


class SessionTimeoutMiddleware:
    """A session unused for the idle limit, or older than the absolute one, is over.

    Only this device is signed out (a time-out on a laptop leaves the phone
    signed in); the page asked for then answers as to anyone not signed in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            why = session_expired(session=request.session, now=now)
            if why is None:
                session_touch(session=request.session, now=now)
            else:
                request.session.flush()
                request.user = AnonymousUser()
                messages.info(request, _EXPLAINED[why]())
        return self.get_response(request)


_EXPLAINED = {
    "idle": lambda: _("You were signed out because this device was not used for a while."),
    "absolute": lambda: _("You were signed out because you signed in a long time ago."),
}
