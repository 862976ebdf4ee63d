"""Access decorators: who may open a page at all (what they may see is the selectors' job)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

View = Callable[..., HttpResponse]


def site_admin_required(view: View) -> View:
    """Site administrators only, and only once they have passed two-factor authentication."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_staff:
            raise Http404
        if not request.user.is_verified():  # type: ignore[union-attr]
            return redirect("accounts:two_factor_verify")
        return view(request, *args, **kwargs)

    return wrapped
