"""Charter rule 5, tried against every page: nobody reaches a row that is not theirs.

The test walks the URL configuration, so a page added later is covered
without anyone remembering to add it here.  Each page is opened with ids of
the Leeds programme's rows by people who must not see them; every answer is
a 404 (or, for an anonymous visitor, the login page), for GET and for POST,
and a refused POST changes nothing.

It also mixes ids: a coordinator's own programme with another programme's
rows, and a participant's own person with another pair's rows (of the same
programme and of another), which must answer 404 just the same.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kinfolk.accounts.models import AccountEvent, TwoFactorEnrolment
from kinfolk.api.models import ApiToken
from kinfolk.api.services import api_token_create
from kinfolk.imports.models import PeopleImport
from kinfolk.outbox.models import Message
from kinfolk.outbox.services import email_queue
from kinfolk.pairings.models import MatchingRun, PairExclusion, Pairing, PairingImport, Proposal
from kinfolk.people.models import Household, Invitation, Volunteer
from kinfolk.programmes.models import Coordinator, Organisation
from kinfolk.regions.models import CoordinatorRegion, Region, RegionTown
from kinfolk.staff.models import CoordinatorOrganisation, Viewer
from kinfolk.testing import (
    BRISTOL,
    make_household,
    make_pairing,
    make_proposal,
    make_time,
    make_user,
    make_visit,
    make_volunteer,
    otp_force_login,
)

GUARDED_NAMESPACES = {
    "programmes",
    "people",
    "pairings",
    "visits",
    "matching",
    "programmes_admin",
    "outbox",
    "staff",
    "imports",
    "api_pages",
    "casework",
    "budget",
    "reports",
    "regions",
}


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


#: The budget's coordinator pages: rates, budgets, the forecast and what-if.
BUDGET_PAGES = ("budget:dashboard", "budget:rates", "budget:forecast", "budget:what_if")


def _owner_kind(name: str, defaults: dict) -> str:
    if name.startswith(("programmes_admin:", "outbox:")):
        return "site_admin"
    if name.startswith(("staff:", "reports:")):
        return "figures"  # the programme's coordinators and viewers
    if name == "casework:volunteer_concern":
        return "volunteer"
    if name.startswith("budget:") and not defaults.get("in_url"):
        return "coordinator"  # the claimant's pages name their side in the URL
    coordinators_only = (
        "programmes:",
        "matching:",
        "visits:programme_",
        "imports:",
        "api_pages:",
        "regions:",
        *BUDGET_PAGES,
    )
    if name.startswith((*coordinators_only, "casework:")):
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
        "coordinator": Coordinator.objects.get(programme=programme, user=coordinator),
        "user": make_user("grace@example.org", first_name="Grace", is_staff=True),
        "import": PairingImport.objects.create(
            programme=programme, problems=1, problems_csv="row,column,value,problem\r\n"
        ),
        "people_import": _people_import(programme),
        "exclusion": PairExclusion.objects.create(
            programme=programme,
            volunteer=volunteer,
            household=household,
            set_by=coordinator,
            set_at="2026-11-01T10:00:00Z",
        ),
        "coordinator_user": coordinator,
        "message": _failed_message(volunteer),
        "viewer": Viewer.objects.create(programme=programme, user=make_user("vivi@example.org")),
        "api_token": api_token_create(
            programme=programme, created_by=coordinator, name="CRM", scope="read"
        ),
        "concern": _concern(pairing, None),
        "claim": _claim(visit, volunteer),
        "region": Region.objects.create(programme=programme, name="Leeds and around"),
    }


def _claim(visit, volunteer):
    from kinfolk.budget.models import ExpenseClaim

    visit.state = "happened"
    visit.save(update_fields=["state"])
    return ExpenseClaim.objects.create(
        programme=volunteer.programme,
        visit=visit,
        side="volunteer",
        volunteer=volunteer,
        travel_mode="car",
        currency="GBP",
        travel_minor=1250,
    )


def _people_import(programme):
    return PeopleImport.objects.create(
        programme=programme, side="household", filename="people.csv", status="previewed"
    )


def _concern(pairing, by):
    from kinfolk.casework.models import Concern

    return Concern.objects.create(
        programme=pairing.programme, pairing=pairing, source="household", raised_by=by, words="w"
    )


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
    viewer, other_viewer = _viewers(request)
    return {
        "site_admin": [
            coordinator,
            other_coordinator,
            volunteer_user,
            household_user,
            viewer,
            stranger,
        ],
        "coordinator": [
            other_coordinator,
            volunteer_user,
            household_user,
            site_admin,
            viewer,
            stranger,
        ],
        "figures": [
            other_coordinator,
            other_viewer,
            volunteer_user,
            household_user,
            site_admin,
            stranger,
        ],
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


def _viewers(request):
    """A viewer of Leeds (the rows' programme), and one of Bristol."""
    leeds = request.getfixturevalue("programme")
    bristol = request.getfixturevalue("other_programme")
    viewer = make_user("tess@example.org", first_name="Tess")
    other = make_user("theo@example.org", first_name="Theo")
    Viewer.objects.create(programme=leeds, user=viewer)
    Viewer.objects.create(programme=bristol, user=other)
    return viewer, other


@pytest.fixture
def limited_coordinator(programme):
    """A Leeds coordinator limited to an organisation none of the rows' people belong to."""
    user = make_user("lin@example.org", first_name="Lin")
    membership = Coordinator.objects.create(programme=programme, user=user)
    acme = Organisation.objects.create(programme=programme, name="Acme Ltd")
    CoordinatorOrganisation.objects.create(coordinator=membership, organisation=acme)
    return user


def _snapshot():
    return (
        sorted(Volunteer.objects.values_list("id", "state", "first_name", "speaks", "user_id")),
        sorted(Household.objects.values_list("id", "state", "first_name", "speaks")),
        sorted(Invitation.objects.values_list("id", "accepted_at", "expires_at")),
        sorted(Proposal.objects.values_list("id", "state", "volunteer_answer", "household_answer")),
        sorted(Pairing.objects.values_list("id", "state", "ended_at")),
        sorted(MatchingRun.objects.values_list("id", "status")),
        sorted(Coordinator.objects.values_list("id", "programme_id", "user_id")),
        sorted(AccountEvent.objects.values_list("id", flat=True)),
        sorted(TwoFactorEnrolment.objects.values_list("id", flat=True)),
        sorted(PairExclusion.objects.values_list("id", "lifted_at", "lifted_by")),
        sorted(Message.objects.values_list("id", "state", "attempts")),
        sorted(Viewer.objects.values_list("id", "programme_id", "user_id")),
        sorted(CoordinatorOrganisation.objects.values_list("id", "coordinator_id")),
        sorted(PeopleImport.objects.values_list("id", "status", "stage", "inviting")),
        sorted(ApiToken.objects.values_list("id", "name", "revoked_at")),
        sorted(Region.objects.values_list("id", "name")),
        sorted(RegionTown.objects.values_list("id", "region_id", "town")),
        sorted(CoordinatorRegion.objects.values_list("id", "coordinator_id", "region_id")),
        sorted(Volunteer.objects.values_list("id", "region_by_hand_id")),
        sorted(Household.objects.values_list("id", "region_by_hand_id")),
        _casework_snapshot(),
        _claims_snapshot(),
    )


def _claims_snapshot():
    from kinfolk.budget.models import ClaimSettings, ExpenseClaim

    return (
        sorted(ExpenseClaim.objects.values_list("id", "state", "decision_note", "paid_at")),
        sorted(ClaimSettings.objects.values_list("programme_id", "households_may_claim")),
    )


def _casework_snapshot():
    from kinfolk.casework.models import BehalfAction, CaseNote, Concern, ConcernNote

    return (
        sorted(CaseNote.objects.values_list("id", flat=True)),
        sorted(BehalfAction.objects.values_list("id", flat=True)),
        sorted(Concern.objects.values_list("id", "state", "owner_id", "outcome")),
        sorted(ConcernNote.objects.values_list("id", flat=True)),
    )


def _pair_rows(volunteer, household, programme):
    """A proposal, pairing, visit, time, run and invitation of someone else's pair."""
    pairing = make_pairing(volunteer, household)
    visit = make_visit(pairing, state="agreed", agreed_at="2099-01-01T18:00:00Z")
    return {
        "programme": programme,
        "volunteer": volunteer,
        "household": household,
        "invitation": Invitation.objects.create(
            programme=programme,
            role="volunteer",
            email="ines@example.org",
            first_name="Ines",
            expires_at="2099-01-01T00:00:00Z",
        ),
        "proposal": make_proposal(volunteer, household),
        "pairing": pairing,
        "visit": visit,
        "time": make_time(visit),
        "run": MatchingRun.objects.create(programme=programme, status="ready"),
        "import": PairingImport.objects.create(
            programme=programme, problems=1, problems_csv="row,column,value,problem\r\n"
        ),
        "people_import": _people_import(programme),
        "exclusion": PairExclusion.objects.create(
            programme=programme,
            volunteer=volunteer,
            household=household,
            set_at="2026-11-01T10:00:00Z",
        ),
        # An account of someone else's household (or their volunteer): never one's own adult.
        "user": (household.members.first() or volunteer).user,
        "api_token": api_token_create(
            programme=programme,
            created_by=programme.coordinators.first().user,
            name="CRM",
            scope="read",
        ),
        "concern": _concern(pairing, None),
        "claim": _claim(visit, volunteer),
        "region": Region.objects.create(programme=programme, name=f"Region of {volunteer.pk}"),
    }


@pytest.fixture
def foreign_rows(
    programme, other_programme, other_volunteer, other_household, coordinator, other_coordinator
):
    """Rows of another pair in Leeds, and of a pair in Bristol (another programme)."""
    bristol_household = make_household(
        other_programme, users=(make_user(),), town="Bristol", lat=BRISTOL[0], lon=BRISTOL[1]
    )
    leeds_volunteer = make_volunteer(programme, user=make_user(), first_name="Vic")
    return {
        "leeds": _pair_rows(leeds_volunteer, other_household, programme),
        "bristol": _pair_rows(other_volunteer, bristol_household, other_programme),
    }


def _mixed_url(name, params, defaults, own, foreign):
    """The URL with the viewer's own programme or person, and every other id from ``foreign``."""
    kind = defaults.get("kind") or _owner_kind(name, defaults)
    kwargs = {"kind": kind} if defaults.get("in_url") else {}
    for param in params:
        row = param.removesuffix("_id")
        if param == "programme_id":
            kwargs[param] = own["programme"].pk
        elif param == "person_id" or (row in ("volunteer", "household") and kind == row):
            kwargs[param] = own[kind].pk
        else:
            kwargs[param] = foreign[row].pk
    return reverse(name, kwargs=kwargs)


def _mixes_ids(name, params, defaults):
    """Pages that take the viewer's own programme or person and another row's id."""
    kind = _owner_kind(name, defaults)
    own = {"programme_id"} if kind == "coordinator" else {"person_id", f"{kind}_id"}
    return bool(own & set(params)) and bool(set(params) - own)


MIXED_PAGES = [p for p in ALL_PAGES if _mixes_ids(p[0], p[1], dict(p[2]))]


def _refused(client, url, who):
    # A POST-only action answers every GET with 405, whoever asks: that leaks nothing.
    assert client.get(url).status_code in (404, 405), f"{who} GET {url}"
    assert client.post(url).status_code == 404, f"{who} POST {url}"


def _mixed_tries(name, defaults, rows, foreign_rows, request):
    """(viewer, their own rows, someone else's rows) to open the page with."""
    kind = _owner_kind(name, defaults)
    if kind == "coordinator":
        # Each coordinator's own programme with the other programme's rows.
        other = request.getfixturevalue("other_coordinator")
        bristol = foreign_rows["bristol"]
        return [(rows["coordinator_user"], rows, bristol), (other, bristol, rows)]
    viewer = request.getfixturevalue(f"{kind}_user")
    return [(viewer, rows, foreign) for foreign in foreign_rows.values()]


@pytest.mark.parametrize(
    ("name", "params", "defaults"), MIXED_PAGES, ids=[p[0] for p in MIXED_PAGES]
)
def test_own_programme_or_person_with_another_rows_id_is_404(
    client, request, rows, foreign_rows, other_coordinator, name, params, defaults
):
    defaults = dict(defaults)
    before = _snapshot()  # after every viewer exists, so that only the requests could change it
    for viewer, own, foreign in _mixed_tries(name, defaults, rows, foreign_rows, request):
        client.force_login(viewer)
        url = _mixed_url(name, params, defaults, own, foreign)
        _refused(client, url, f"{viewer.email}, own {own['programme']} ids with others'")
    assert _snapshot() == before


def test_mixed_ids_are_tried_on_every_kind_of_page():
    names = {name for name, _params, _defaults in MIXED_PAGES}
    assert {
        "programmes:volunteer_detail",
        "matching:run_detail",
        "pairings:pairing_detail",
        "visits:time_accept",
    } <= names


def test_the_walk_reaches_the_pages_of_every_role():
    names = {name for name, _params, _defaults in ALL_PAGES}
    assert {
        "programmes:overview",
        "programmes:volunteer_detail",
        "programmes_admin:detail",
        "programmes_admin:coordinator_remove",
        "programmes_admin:enrolment_issue",
        "programmes_admin:viewer_remove",
        "staff:figures",
        "reports:report",
        "reports:report_csv",
        "reports:report_progress",
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
        _refused(client, url, intruder.email)
    assert _snapshot() == before


ID_PAGES = [
    p for p in ALL_PAGES if _owner_kind(p[0], dict(p[2])) == "coordinator" and len(p[1]) > 1
]


@pytest.mark.parametrize(("name", "params", "defaults"), ID_PAGES, ids=[p[0] for p in ID_PAGES])
def test_organisation_limited_coordinator_gets_404_for_everyone_outside(
    client, rows, limited_coordinator, name, params, defaults
):
    """Every coordinator page with an id: the rows' people are in no organisation of Lin's."""
    url = _url(name, params, dict(defaults), rows)
    before = _snapshot()
    client.force_login(limited_coordinator)
    _refused(client, url, limited_coordinator.email)
    assert _snapshot() == before


@pytest.fixture
def region_limited_coordinator(programme, rows):
    """A Leeds coordinator limited to York: the rows' people live in Leeds, in another region."""
    user = make_user("rhea@example.org", first_name="Rhea")
    membership = Coordinator.objects.create(programme=programme, user=user)
    york = Region.objects.create(programme=programme, name="York and around")
    RegionTown.objects.create(programme=programme, region=york, town="York")
    RegionTown.objects.create(programme=programme, region=rows["region"], town="Leeds")
    CoordinatorRegion.objects.create(coordinator=membership, region=york)
    return user


@pytest.mark.parametrize(("name", "params", "defaults"), ID_PAGES, ids=[p[0] for p in ID_PAGES])
def test_region_limited_coordinator_gets_404_for_another_regions_ids(
    client, rows, region_limited_coordinator, name, params, defaults
):
    """Every coordinator page with an id: the person, pairing, visit ids are of another region."""
    url = _url(name, params, dict(defaults), rows)
    before = _snapshot()
    client.force_login(region_limited_coordinator)
    _refused(client, url, region_limited_coordinator.email)
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
