"""Access decorators: who may open a page at all (what they may see is the selectors' job)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from kinfolk.accounts.middleware import second_factor_redirect

View = Callable[..., HttpResponse]


def site_admin_required(view: View) -> View:
    """Site administrators only, and only once they have passed two-factor authentication.

    ``SecondFactorMiddleware`` already stops an unverified session; this is the
    second line, beside the view it protects.
    """

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_staff:
            raise Http404
        if not request.user.is_verified():  # type: ignore[union-attr]
            return second_factor_redirect(request)
        return view(request, *args, **kwargs)

    return wrapped
