"""Refusing an oversized request by its Content-Length, before anything reads its body."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _


class RequestSizeLimitMiddleware:
    """A body larger than the largest import file (plus form overhead) is answered 413.

    Django streams uploads to disk without a limit of its own; this stops a
    200 MB upload before the CSRF check or any view parses it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > (settings.IMPORT_MAX_MB + 1) * 1024 * 1024:
            message = _("This upload is larger than %(n)s MB and was refused unread.") % {
                "n": settings.IMPORT_MAX_MB
            }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
