"""Every page, as every kind of person sees it: the walk the charter's page tests share.

``world_build`` makes two programmes with a volunteer and a two-adult
household in one pairing state, the people around them (another volunteer
and household of the programme, a household enrolled on paper with no
account, a volunteer of another programme) and the people who look (the
coordinators, a site administrator, a stranger).  ``pages_walk`` opens every
page of the URL configuration that answers GET, with every id it can fill,
as every viewer, and yields what each one was shown.

Token pages (sign-up, invitations, calendar feeds) are left out: the token is
the key, whoever holds it; their own tests cover them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from kinfolk.api.services import api_token_create
from kinfolk.imports.models import PeopleImport
from kinfolk.outbox.models import Message
from kinfolk.pairings.models import (
    MatchingRun,
    PairExclusion,
    Pairing,
    PairingImport,
    Proposal,
    RunPair,
)
from kinfolk.people.models import Household, HouseholdMember, Invitation, Volunteer
from kinfolk.people.services.participation import participant_pause
from kinfolk.programmes.models import Coordinator, Organisation, Programme
from kinfolk.regions.models import CoordinatorRegion, Region, RegionTown
from kinfolk.regions.placing import region_of
from kinfolk.staff.models import CoordinatorOrganisation, Viewer
from kinfolk.testing import (
    BRISTOL,
    make_coordinator,
    make_household,
    make_pairing,
    make_programme,
    make_proposal,
    make_time,
    make_user,
    make_visit,
    make_volunteer,
    otp_force_login,
)

#: The pairing states every page is tried in.
STATES = ("proposal_open", "declined", "active", "paused", "ended")

Person = Volunteer | Household


@dataclass
class World:
    """The rows of one walk, and who is who."""

    state: str
    people: dict[str, Person]
    viewers: dict[str, Any]
    #: Row ids each URL parameter is tried with.
    rows: dict[str, list[Any]] = field(default_factory=dict)

    def owners(self, person: Person) -> set[int]:
        """Accounts that are the person: the volunteer's, or every adult of the household."""
        if isinstance(person, Volunteer):
            return {person.user_id} if person.user_id else set()
        return set(
            HouseholdMember.objects.filter(household=person).values_list("user_id", flat=True)
        )

    def coordinators(self, person: Person) -> set[int]:
        """Coordinators who see the person: of the whole programme, of the person's organisation,
        or of the person's region.

        (No household of the walk is linked to a limited coordinator's volunteer, and no
        pair of the walk crosses a region border.)
        """
        limits = CoordinatorOrganisation.objects.filter(coordinator=OuterRef("pk"))
        regions = CoordinatorRegion.objects.filter(coordinator=OuterRef("pk"))
        whole = person.programme.coordinators.exclude(Exists(limits)).exclude(Exists(regions))
        ids = set(whole.values_list("user_id", flat=True))
        region = region_of(person)
        if region is not None:
            ids |= set(
                CoordinatorRegion.objects.filter(region=region).values_list(
                    "coordinator__user_id", flat=True
                )
            )
        if isinstance(person, Volunteer) and person.organisation_id:
            ids |= set(
                CoordinatorOrganisation.objects.filter(
                    organisation_id=person.organisation_id
                ).values_list("coordinator__user_id", flat=True)
            )
        return ids

    def partners(self, person: Person) -> set[int]:
        """The other side's accounts while their pairing is active (pausing keeps it)."""
        vera, hana = self.people["vera"], self.people["hana"]
        if self.state not in ("active", "paused") or person not in (vera, hana):
            return set()
        return self.owners(hana if person == vera else vera)


def world_build(state: str, *, names: dict[str, str] | None = None) -> World:
    """Two programmes and everyone in them, the volunteer and household in ``state``.

    ``names`` replaces first names (of people and accounts) by key, for
    tests that need unusual ones.
    """
    leeds, bristol = make_programme(), make_programme("Bristol Welcome", centre=BRISTOL)
    acme = Organisation.objects.create(programme=leeds, name="Acme Ltd", kind="company")
    names = names or {}

    def user(key: str, default: str) -> Any:
        return make_user(f"{key}@example.org", first_name=names.get(key, default))

    def volunteer(key: str, default: str, programme: Any = leeds, **fields: Any) -> Volunteer:
        first = names.get(key, default)
        return make_volunteer(programme, user=user(key, default), first_name=first, **fields)

    def household(key: str, default: str, users: tuple[Any, ...]) -> Household:
        return make_household(leeds, users=users, first_name=names.get(key, default))

    adults = (user("hana_adult", "Hana"), user("kofi_adult", "Kofi"))
    people: dict[str, Person] = {
        "vera": volunteer("vera", "Vera"),
        "hana": household("hana", "Hana", adults),
        "vic": volunteer("vic", "Vic"),
        "olu": household("olu", "Olu", (user("olu_adult", "Olu"),)),
        "pia": household("pia", "Pia", ()),
        "bea": volunteer("bea", "Bea", bristol, town="Bristol", lat=BRISTOL[0], lon=BRISTOL[1]),
        "ines": volunteer("ines", "Ines", organisation=acme),
        "ren": volunteer("ren", "Ren", town="York", lat=YORK[0], lon=YORK[1]),
    }
    viewers = {
        "volunteer": people["vera"].user,
        "household adult": adults[0],
        "second household adult": adults[1],
        "another volunteer": people["vic"].user,
        "another household": people["olu"].members.get().user,
        "coordinator": make_coordinator(leeds, user("cora", "Cora")),
        "another programme's coordinator": make_coordinator(bristol, user("otto", "Otto")),
        "another programme's volunteer": people["bea"].user,
        "site administrator": make_user("ada@example.org", first_name="Ada", is_staff=True),
        # Staff roles: reads counts only; coordinates only Acme's volunteers (Ines).
        "viewer": _viewer(leeds, user("tess", "Tess")),
        "organisation-limited coordinator": _limited(leeds, acme, user("lin", "Lin")),
        # Coordinates only the York region (Ren).
        "region-limited coordinator": _region_limited(leeds, user("rhea", "Rhea")),
        "stranger": user("stan", "Stan"),
    }
    world = World(state=state, people=people, viewers=viewers)
    world.rows = {"programme": [leeds, bristol], **_pair_rows(world, leeds)}
    return world


def _viewer(programme: Programme, user: Any) -> Any:
    Viewer.objects.create(programme=programme, user=user)
    return user


def _limited(programme: Programme, organisation: Organisation, user: Any) -> Any:
    make_coordinator(programme, user)
    membership = Coordinator.objects.get(programme=programme, user=user)
    CoordinatorOrganisation.objects.create(coordinator=membership, organisation=organisation)
    return user


#: York, a region of the Leeds programme in the walk.
YORK = (53.95763, -1.08271)


def _region_limited(programme: Programme, user: Any) -> Any:
    """A coordinator limited to a York region (Ren's); Leeds, everyone else's town, is in none."""
    make_coordinator(programme, user)
    york = Region.objects.create(programme=programme, name="York area")
    RegionTown.objects.create(programme=programme, region=york, town="York")
    membership = Coordinator.objects.get(programme=programme, user=user)
    CoordinatorRegion.objects.create(coordinator=membership, region=york)
    return user


def _pair_rows(world: World, leeds: Any) -> dict[str, list[Any]]:
    """The volunteer and household's proposal, pairing, visit, time, run and an invitation."""
    vera, hana = world.people["vera"], world.people["hana"]
    now = timezone.now()
    rows: dict[str, list[Any]] = {}
    if world.state in ("proposal_open", "declined"):
        proposal = make_proposal(vera, hana)
        if world.state == "declined":
            proposal.state, proposal.household_answer, proposal.closed_at = (
                Proposal.State.DECLINED,
                Proposal.Answer.DECLINED,
                now,
            )
            proposal.save(update_fields=["state", "household_answer", "closed_at"])
        rows["proposal"] = [proposal]
    else:
        pairing = make_pairing(vera, hana, started_on=leeds.today() - dt.timedelta(days=60))
        visit = make_visit(pairing, state="agreed", agreed_at=now + dt.timedelta(days=2))
        rows |= {"pairing": [pairing], "visit": [visit], "time": [make_time(visit)]}
        rows["concern"] = [_concern(pairing, world.viewers["household adult"])]
        rows["claim"] = [_claim(visit, vera)]
        if world.state == "paused":
            participant_pause(person=hana)
        if world.state == "ended":
            pairing.state, pairing.ended_at, pairing.ended_by = (
                Pairing.State.ENDED,
                now,
                "household",
            )
            pairing.save(update_fields=["state", "ended_at", "ended_by"])
    run = MatchingRun.objects.create(programme=leeds, status="ready", total=1, done=1)
    RunPair.objects.create(run=run, volunteer=vera, household=hana, cost=1, distance_km=3.2)
    invitation = Invitation.objects.create(
        programme=leeds,
        role="volunteer",
        email="ivy@example.org",
        first_name="Ivy",
        expires_at=now + dt.timedelta(days=30),
    )
    exclusion = PairExclusion.objects.create(
        programme=leeds, volunteer=world.people["vic"], household=world.people["olu"], set_at=now
    )
    api_token = api_token_create(
        programme=leeds, created_by=world.viewers["coordinator"], name="CRM", scope="read"
    )
    refused = PairingImport.objects.create(
        programme=leeds, problems=1, problems_csv="row,column,value,problem\r\n"
    )
    failed = Message.objects.create(
        channel="email",
        to=world.people["vic"].user.email,
        subject="s",
        body="b",
        purpose="walk",
        dedupe_key="walk",
        message_id="<walk@kinfolk.invalid>",
        state="failed",
        attempts=6,
    )
    return rows | {
        "message": [failed],
        "run": [run],
        "invitation": [invitation],
        "exclusion": [exclusion],
        "import": [refused],
        "people_import": [
            PeopleImport.objects.create(
                programme=leeds, side="household", filename="people.csv", status="previewed"
            )
        ],
        "api_token": [api_token],
        "coordinator": list(Coordinator.objects.filter(programme=leeds)),
        "viewer": list(Viewer.objects.filter(programme=leeds)),
        "user": [world.viewers["coordinator"]],
        "region": list(Region.objects.filter(programme=leeds)),
    }


def _concern(pairing: Pairing, by: Any) -> Any:
    from kinfolk.casework.models import Concern

    return Concern.objects.create(
        programme=pairing.programme,
        pairing=pairing,
        source="household",
        raised_by=by,
        words="Came late twice.",
    )


def _claim(visit: Any, volunteer: Volunteer) -> Any:
    """The volunteer's expense claim for the visit (no receipt: its pages answer 404)."""
    from kinfolk.budget.models import ExpenseClaim

    return ExpenseClaim.objects.create(
        programme=volunteer.programme,
        visit=visit,
        side="volunteer",
        volunteer=volunteer,
        travel_mode="car",
        distance_m=2900,
        distance_suggested_m=2900,
        currency="GBP",
        travel_minor=1250,
    )


# --- the URL configuration ----------------------------------------------------------------


def _patterns(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[tuple]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            params = tuple(sorted(entry.pattern.converters))
            if "token" not in params:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield name, params, dict(entry.default_args)


def _own_people(world: World, viewer: Any) -> list[Person]:
    return [p for p in world.people.values() if viewer.pk in world.owners(p)]


def _choices(world: World, viewer: Any, param: str, kind: str | None) -> list[Any]:
    """The rows to try ``param`` with: the viewer's own, and for a coordinator their programme's.

    Someone else's id answers 404 whoever asks (``test_least_access``), so
    trying them here would show nothing.
    """
    own = _own_people(world, viewer)
    coordinated = list(Programme.objects.filter(coordinators__user=viewer))
    if param == "programme_id":
        return list(dict.fromkeys([*coordinated, world.rows["programme"][0]]))
    if param == "person_id":
        return [p for p in own if kind in (None, p.side)]
    if param in ("volunteer_id", "household_id"):
        side = param.removesuffix("_id")
        everyone = [p for p in world.people.values() if p.programme in coordinated]
        return [p for p in list(dict.fromkeys([*own, *everyone])) if p.side == side]
    return world.rows.get(param.removesuffix("_id"), [])


def page_urls(world: World, viewer: Any) -> list[str]:
    """Every page with every combination of ids the viewer might open."""
    urls = []
    for name, params, defaults in _patterns():
        kind = defaults.get("kind")
        if "kind" in params:
            for side in ("volunteer", "household"):
                urls += _fill(world, viewer, name, params, side, in_url=True)
        else:
            urls += _fill(world, viewer, name, params, kind, in_url=False)
    return sorted(set(urls))


def _fill(
    world: World, viewer: Any, name: str, params: tuple, kind: str | None, *, in_url: bool
) -> list[str]:
    names = [p for p in params if p != "kind"]
    choices = [_choices(world, viewer, p, kind) for p in names]
    unknown = [p for p in names if p.removesuffix("_id") not in _KNOWN]
    assert not unknown, f"the walk does not know how to fill {unknown} of {name}"
    urls = []
    for combination in itertools.product(*choices):
        kwargs = {p: row.pk for p, row in zip(names, combination, strict=True)}
        if in_url:
            kwargs["kind"] = kind
        urls.append(reverse(name, kwargs=kwargs))
    return urls


#: What the walk fills URLs with; a page with another parameter stops it until taught.
_KNOWN = {"programme", "person", "volunteer", "household", "proposal", "pairing", "visit"}
_KNOWN |= {"time", "run", "invitation", "exclusion", "import", "coordinator", "user", "message"}
_KNOWN |= {"viewer"}
_KNOWN |= {"people_import"}
_KNOWN |= {"api_token"}
_KNOWN |= {"concern"}
_KNOWN |= {"claim"}
_KNOWN |= {"region"}


def pages_walk(
    world: World, *, before_each: Callable[[], Any] | None = None, html_only: bool = False
) -> Iterator[tuple[str, Any, str, str]]:
    """(viewer key, viewer, url, page text) for every page that each viewer opens with GET.

    ``before_each`` runs before each request (to clear a log, say); ``html_only``
    leaves out calendar files and other non-HTML answers.
    """
    client = Client()
    for key, viewer in world.viewers.items():
        if viewer.is_staff:
            otp_force_login(client, viewer)
        else:
            client.force_login(viewer)
        for url in page_urls(world, viewer):
            if before_each:
                before_each()
            response = client.get(url)
            if html_only and not response["Content-Type"].startswith("text/html"):
                continue
            if response.status_code == 200 and not response.streaming:
                yield key, viewer, url, response.content.decode()
