"""Rules every page keeps, applied once here rather than remembered by each view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

#: The only pages a site administrator's password-only session may open: the
#: way to the second factor, and the way out.
SECOND_FACTOR_EXEMPT = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:two_factor_verify",
        "accounts:two_factor_setup",
        "accounts:two_factor_enrol",
    }
)


def second_factor_redirect(request: HttpRequest) -> HttpResponseRedirect:
    """To the code page, coming back to this page afterwards."""
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse('accounts:two_factor_verify')}?{query}")


class SecondFactorMiddleware:
    """A site administrator reaches no page until their session passed the second factor.

    Enforced for every URL, not by a decorator on each view, so that a page
    added later cannot forget it (``test_second_factor_sweep`` walks them all).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not (user.is_authenticated and user.is_staff) or user.is_verified():  # type: ignore[union-attr]
            return None
        match = request.resolver_match
        if match is not None and match.view_name in SECOND_FACTOR_EXEMPT:
            return None
        return second_factor_redirect(request)


class NoStoreForSignedInMiddleware:
    """Nothing shown to a signed-in person is kept by the browser's cache or a proxy.

    Their pages hold contact details and other personal data; on a shared
    computer, the back button after signing out must not bring them back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class AccountLanguageMiddleware:
    """A signed-in person reads every page in the language stored on their account.

    ``LocaleMiddleware`` has already picked one from the cookie or the
    browser; the account's choice wins because it is also the language of
    the person's e-mails and SMS, and the two should agree.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.language:
            return self.get_response(request)
        # override, not activate: the thread's language is restored after this request.
        with translation.override(user.language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
