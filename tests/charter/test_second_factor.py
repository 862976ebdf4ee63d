"""Site administrators must pass the second factor: every page, walked from the URL configuration.

A password-only session of a site administrator opens any page of the site
and gets the code page instead, GET and POST alike; only the way to the
second factor and the way out are open.  A page added later is walked too,
without anyone remembering to add it here.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from kinfolk.accounts.middleware import SECOND_FACTOR_EXEMPT
from kinfolk.web.converters import SideConverter, TokenConverter


def _pages(resolver: URLResolver | None = None, namespace: str = ""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace) if n)
            yield from _pages(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, entry.pattern.converters


def _value(converter):
    # Any well-formed value will do: the second factor is asked before any row is read.
    if isinstance(converter, IntConverter):
        return 1
    if isinstance(converter, TokenConverter):
        return "sometoken"
    if isinstance(converter, SideConverter):
        return "volunteer"
    return "something"


ALL_PAGES = sorted({(name, tuple(sorted(conv))) for name, conv in _pages()})
GUARDED = [p for p in ALL_PAGES if p[0] not in SECOND_FACTOR_EXEMPT]


def _url(name: str) -> str:
    converters = dict(_pages())[name]
    return reverse(name, kwargs={k: _value(c) for k, c in converters.items()})


def test_only_the_way_to_the_second_factor_and_out_is_exempt():
    # Adding a page here must be a decision made in review, not an accident.
    expected = {
        "accounts:login",
        "accounts:logout",
        "accounts:two_factor_verify",
        "accounts:two_factor_setup",
        "accounts:two_factor_enrol",
    }
    assert expected == SECOND_FACTOR_EXEMPT


def test_the_sweep_reaches_site_administration_and_every_other_area():
    names = {name for name, _params in GUARDED}
    assert {
        "home",
        "programmes_admin:list",
        "programmes_admin:detail",
        "programmes_admin:administrators",
        "programmes:overview",
        "people:volunteer_home",
        "visits:feed",
        "privacy:my_data",
    } <= names
    assert len(names) > 60


@pytest.mark.parametrize(("name", "params"), GUARDED, ids=[p[0] for p in GUARDED])
def test_a_password_only_staff_session_gets_the_code_page(client, site_admin, name, params):
    client.force_login(site_admin)
    url = _url(name)
    verify = reverse("accounts:two_factor_verify")
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, f"{method.__name__.upper()} {url}"
        assert response["Location"].startswith(f"{verify}?next="), url
