"""Charter rule 5, tried against every page: nobody reaches a row that is not theirs.

The test walks the URL configuration, so a page added later is covered
without anyone remembering to add it here.  Each page is opened with ids of
the Leeds programme's rows by people who must not see them; every answer is
a 404 (or, for an anonymous visitor, the login page), for GET and for POST,
and a refused POST changes nothing.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kinfolk.outbox.models import Message
from kinfolk.outbox.services import email_queue
from kinfolk.pairings.models import MatchingRun, Pairing, Proposal
from kinfolk.people.models import Household, Invitation, Volunteer
from kinfolk.testing import (
    make_pairing,
    make_proposal,
    make_time,
    make_user,
    make_visit,
    otp_force_login,
)

GUARDED_NAMESPACES = {"programmes", "people", "pairings", "visits", "matching", "outbox"}


def _patterns(resolver: URLResolver = None, namespace: str = ""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and namespace in GUARDED_NAMESPACES:
            params = set(entry.pattern.converters)
            if "token" in params or not params:  # token pages are public by design
                continue
            if "kind" in params:  # one page per side: try both
                for kind in ("volunteer", "household"):
                    yield (
                        f"{namespace}:{entry.name}",
                        params - {"kind"},
                        {"kind": kind, "in_url": 1},
                    )
            else:
                yield f"{namespace}:{entry.name}", params, entry.default_args


ALL_PAGES = sorted(
    {
        (name, tuple(sorted(params)), tuple(sorted(defaults.items())))
        for name, params, defaults in _patterns()
    }
)


def _owner_kind(name: str, defaults: dict) -> str:
    if name.startswith("outbox:"):
        return "site_admin"
    if name.startswith(("programmes:", "matching:", "visits:programme_")):
        return "coordinator"
    if "volunteer" in name or defaults.get("kind") == "volunteer":
        return "volunteer"
    return "household"


def _url(name, params, defaults, rows):
    kwargs = {"kind": defaults["kind"]} if defaults.get("in_url") else {}
    for param in params:
        if param == "person_id":
            kwargs[param] = rows[defaults.get("kind") or _owner_kind(name, defaults)].pk
        elif param == "programme_id":
            kwargs[param] = rows["programme"].pk
        else:
            kwargs[param] = rows[param.removesuffix("_id")].pk
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def rows(programme, volunteer, household, coordinator):
    invitation = Invitation.objects.create(
        programme=programme,
        role="volunteer",
        email="ivy@example.org",
        first_name="Ivy",
        expires_at="2099-01-01T00:00:00Z",
    )
    pairing = make_pairing(volunteer, household)
    visit = make_visit(pairing, state="agreed", agreed_at="2099-01-01T18:00:00Z")
    return {
        "programme": programme,
        "volunteer": volunteer,
        "household": household,
        "invitation": invitation,
        "proposal": make_proposal(volunteer, household),
        "pairing": pairing,
        "visit": visit,
        "time": make_time(visit),
        "run": MatchingRun.objects.create(programme=programme, status="ready"),
        "message": _failed_message(volunteer),
    }


def _failed_message(volunteer):
    email_queue(
        to=volunteer.user.email, subject="s", body="b", purpose="test", key="walk", person=volunteer
    )
    Message.objects.update(state="failed", attempts=6)
    return Message.objects.get()


@pytest.fixture
def intruders(request, other_coordinator, other_volunteer, applicant, other_household, site_admin):
    """People who must not reach the rows above, by the kind of page."""
    volunteer_user = request.getfixturevalue("volunteer_user")
    household_user = request.getfixturevalue("household_user")
    coordinator = request.getfixturevalue("coordinator")
    other_adult = other_household.members.get().user
    stranger = make_user("stranger@example.org", first_name="Stan")
    return {
        "site_admin": [coordinator, other_coordinator, volunteer_user, household_user, stranger],
        "coordinator": [other_coordinator, volunteer_user, household_user, site_admin, stranger],
        "volunteer": [
            coordinator,
            other_coordinator,
            household_user,
            other_volunteer.user,
            applicant.user,
            site_admin,
            stranger,
        ],
        "household": [
            coordinator,
            other_coordinator,
            volunteer_user,
            other_adult,
            applicant.user,
            site_admin,
            stranger,
        ],
    }


def _snapshot():
    return (
        sorted(Volunteer.objects.values_list("id", "state", "first_name", "speaks", "user_id")),
        sorted(Household.objects.values_list("id", "state", "first_name", "speaks")),
        sorted(Invitation.objects.values_list("id", "accepted_at", "expires_at")),
        sorted(Proposal.objects.values_list("id", "state", "volunteer_answer", "household_answer")),
        sorted(Pairing.objects.values_list("id", "state", "ended_at")),
        sorted(MatchingRun.objects.values_list("id", "status")),
        sorted(Message.objects.values_list("id", "state", "attempts")),
    )


def test_the_walk_reaches_the_pages_of_every_role():
    names = {name for name, _params, _defaults in ALL_PAGES}
    assert {
        "programmes:overview",
        "programmes:volunteer_detail",
        "people:volunteer_home",
        "people:household_home",
    } <= names


@pytest.mark.parametrize(("name", "params", "defaults"), ALL_PAGES, ids=[p[0] for p in ALL_PAGES])
def test_nobody_else_reaches_the_page(client, rows, intruders, name, params, defaults):
    defaults = dict(defaults)
    url = _url(name, params, defaults, rows)
    before = _snapshot()
    for intruder in intruders[_owner_kind(name, defaults)]:
        if intruder.is_staff:
            otp_force_login(client, intruder)
        else:
            client.force_login(intruder)
        # A POST-only action answers every GET with 405, whoever asks: that leaks nothing.
        assert client.get(url).status_code in (404, 405), f"{intruder.email} GET {url}"
        assert client.post(url).status_code == 404, f"{intruder.email} POST {url}"
    assert _snapshot() == before


@pytest.mark.parametrize(("name", "params", "defaults"), ALL_PAGES, ids=[p[0] for p in ALL_PAGES])
def test_anonymous_visitors_are_sent_to_sign_in(client, rows, name, params, defaults):
    url = _url(name, params, dict(defaults), rows)
    before = _snapshot()
    for method in (client.get, client.post):
        response = method(url)
        if method == client.get and response.status_code == 405:
            continue  # POST-only action: nothing to see
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert _snapshot() == before
