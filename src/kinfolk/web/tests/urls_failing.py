"""The site's URLs plus one page that fails, to see the 500 page as a visitor would."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from kinfolk.web.urls import urlpatterns as site_urlpatterns


def _fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a page that fails, for the test of the 500 page")


urlpatterns = [*site_urlpatterns, path("fails/", _fails)]
