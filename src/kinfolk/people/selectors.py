"""Reads of volunteers and households, scoped to who asks.

Coordinators reach people through their programme; participants reach only
their own rows.  Everything else is a 404, never a 403, so that ids do not
leak whether a row exists.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from kinfolk.accounts.tokens import token_hash
from kinfolk.ops.fixed_sql import column, table
from kinfolk.people.models import (
    Consent,
    Household,
    HouseholdMember,
    Invitation,
    Volunteer,
    VolunteerCheck,
)
from kinfolk.programmes.models import Organisation, Programme
from kinfolk.staff.scope import households_scoped, invitations_scoped, volunteers_scoped

#: The roles a coordinator invites; a household's second adult is invited by the household.
COORDINATOR_INVITATION_ROLES = (Invitation.Role.VOLUNTEER, Invitation.Role.HOUSEHOLD)


@dataclass
class Roles:
    """Every role a signed-in user holds, for the home page and navigation."""

    site_admin: bool = False
    programmes: list[Programme] = field(default_factory=list)
    volunteers: list[Volunteer] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    #: Programmes whose figures (counts and charts, no person) the user reads as a viewer.
    viewing: list[Programme] = field(default_factory=list)

    @property
    def count(self) -> int:
        return (
            int(self.site_admin)
            + len(self.programmes)
            + len(self.volunteers)
            + len(self.households)
            + len(self.viewing)
        )


def roles_get(*, viewer: Any) -> Roles:
    if not viewer.is_authenticated:
        return Roles()
    return Roles(
        site_admin=viewer.is_staff,
        programmes=list(Programme.objects.filter(coordinators__user=viewer)),
        volunteers=list(Volunteer.objects.filter(user=viewer).select_related("programme")),
        households=list(Household.objects.filter(members__user=viewer).select_related("programme")),
        viewing=list(Programme.objects.filter(viewers__user=viewer)),
    )


@dataclass(frozen=True)
class RoleLink:
    """One link of the navigation bar: the row it opens and the programme it belongs to."""

    pk: int
    programme_name: str


@dataclass
class NavRoles:
    """The signed-in user's roles as the navigation bar shows them on every page."""

    site_admin: bool = False
    programmes: list[RoleLink] = field(default_factory=list)
    viewing: list[RoleLink] = field(default_factory=list)
    volunteers: list[RoleLink] = field(default_factory=list)
    households: list[RoleLink] = field(default_factory=list)


def nav_roles_get(*, viewer: Any) -> NavRoles:
    """The navigation bar's roles in one statement of ids and names.

    Every page draws the bar. As four ORM queries of whole rows, or even as
    one ORM union, building the SQL alone cost a fifth of a small page's time;
    the statement is fixed, so it is written once (:func:`_nav_sql`).
    """
    if not viewer.is_authenticated:
        return NavRoles()
    roles = NavRoles(site_admin=viewer.is_staff)
    with connection.cursor() as cursor:
        cursor.execute(_nav_sql(), [viewer.pk] * 4)
        for kind, pk, name in cursor.fetchall():
            getattr(roles, kind).append(RoleLink(pk=pk, programme_name=name))
    # The order roles_get gives: programmes by name, people by id.
    roles.programmes.sort(key=lambda r: (r.programme_name, r.pk))
    roles.viewing.sort(key=lambda r: (r.programme_name, r.pk))
    roles.volunteers.sort(key=lambda r: r.pk)
    roles.households.sort(key=lambda r: r.pk)
    return roles


@functools.cache
def _nav_sql() -> str:
    """The statement of :func:`nav_roles_get`, from the models' table and column names."""
    coordinator = Programme.coordinators.rel.related_model
    viewer = Programme.viewers.rel.related_model
    programme = table(Programme)
    return " UNION ALL ".join(
        [
            f"SELECT 'programmes', x.id, x.name FROM {programme} x JOIN {table(coordinator)} h"
            f" ON h.{column(coordinator, 'programme')} = x.id"
            f" WHERE h.{column(coordinator, 'user')} = %s",
            f"SELECT 'viewing', x.id, x.name FROM {programme} x JOIN {table(viewer)} h"
            f" ON h.{column(viewer, 'programme')} = x.id WHERE h.{column(viewer, 'user')} = %s",
            f"SELECT 'volunteers', x.id, p.name FROM {table(Volunteer)} x"
            f" JOIN {programme} p ON p.id = x.{column(Volunteer, 'programme')}"
            f" WHERE x.{column(Volunteer, 'user')} = %s",
            f"SELECT 'households', x.id, p.name FROM {table(Household)} x"
            f" JOIN {table(HouseholdMember)} h ON h.{column(HouseholdMember, 'household')} = x.id"
            f" JOIN {programme} p ON p.id = x.{column(Household, 'programme')}"
            f" WHERE h.{column(HouseholdMember, 'user')} = %s",
        ]
    )


def _search(qs: QuerySet[Any], query: str) -> QuerySet[Any]:
    """Rows where each word starts the first name, the last name or the town, or is the id.

    Prefixes, in any case, rather than any part of a word: each of these has
    an index (migration 0007), so a search of 110,000 people stays fast.
    """
    for word in query.split()[:5]:
        qs = qs.filter(
            Q(first_name__istartswith=word)
            | Q(last_name__istartswith=word)
            | Q(external_id__iexact=word)
            | Q(town__istartswith=word)
        )
    return qs


#: The orders a list of people can take; each ends on ``id`` so pages never overlap.
SORTS: dict[str, tuple[Any, ...]] = {
    "name": ("first_name", "last_name", "id"),
    "town": ("town", "first_name", "last_name", "id"),
    # Longest waiting first; people who are not waiting (no date) last.
    "waiting": (F("waiting_since").asc(nulls_last=True), "id"),
    "state": ("state", "first_name", "last_name", "id"),
}


def _filter(
    qs: QuerySet[Any],
    query: str,
    *,
    town: str = "",
    sort: str = "name",
    ids: list[int] | None = None,
    **equal: Any,
) -> QuerySet[Any]:
    """Keep the rows whose fields equal every given value; an empty value filters nothing.

    ``town`` matches the start of the town's name in any case ("lee" finds
    Leeds); ``ids``, when given, are the only rows that may match (a search by
    contact details, made through the privacy service).
    """
    qs = qs.filter(**{name: value for name, value in equal.items() if value})
    if town:
        qs = qs.filter(town__istartswith=town.strip())
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    elif query.split():
        return qs.filter(pk__in=_matching(qs, query)).order_by(*_sorted_apart(sort))
    return qs.order_by(*SORTS.get(sort, SORTS["name"]))


#: A search lists at most this many people; a coordinator narrows it with more words.
SEARCH_CAP = 5000


def _matching(qs: QuerySet[Any], query: str) -> list[int]:
    """The ids a search matches, found on their own, unordered and capped: one query.

    Found apart from the list's order, PostgreSQL reads them from the prefix
    indexes; asked for "the first 50 by name that match", it would walk the
    whole name index instead and test every row.  Kept as a list, the page
    and its count then look the rows up by primary key.
    """
    return list(_search(qs, query).order_by().values_list("pk", flat=True)[:SEARCH_CAP])


def _sorted_apart(sort: str) -> tuple[Any, ...]:
    """The same order as ``SORTS``, with its first key an expression no index holds.

    For the few thousand rows a search found, PostgreSQL then sorts them
    itself.  Given the plain key it would walk the list's index in order,
    testing every row of the programme against the found ids, betting that
    the first 50 come early; they come early only by chance.
    """
    first, *rest = SORTS.get(sort, SORTS["name"])
    if sort == "waiting":
        # Coalesce to the last day there is: the same as "nulls last".
        return (Coalesce("waiting_since", Value(dt.date.max)).asc(), *rest)
    return (Coalesce(first, Value("")), *rest)


def person_list_page(*, programme: Programme, side: str, ids: list[int]) -> list[Any]:
    """One page of a list, by the ids a list selector gave, in that order.

    A list pages through ids only (read from its index), then fetches the
    page's rows here: a page deep in a list of 110,000 costs the same as the
    first.
    """
    if side == "volunteer":
        qs: QuerySet[Any] = programme.volunteers.select_related("organisation")
    else:
        qs = programme.households.all()
    found = {p.pk: p for p in qs.filter(pk__in=ids)}
    return [found[i] for i in ids if i in found]


def volunteer_list(
    *,
    programme: Programme,
    query: str = "",
    state: str = "",
    town: str = "",
    organisation: Organisation | None = None,
    sort: str = "name",
    ids: list[int] | None = None,
) -> QuerySet[Volunteer]:
    """Volunteers of a programme already fetched through ``programme_get``."""
    qs = volunteers_scoped(programme.volunteers.select_related("organisation"), programme)
    return _filter(qs, query, town=town, sort=sort, ids=ids, state=state, organisation=organisation)


def household_list(
    *,
    programme: Programme,
    query: str = "",
    state: str = "",
    town: str = "",
    sort: str = "name",
    ids: list[int] | None = None,
) -> QuerySet[Household]:
    qs = households_scoped(programme.households.all(), programme)
    return _filter(qs, query, town=town, sort=sort, ids=ids, state=state)


def volunteer_get(*, programme: Programme, volunteer_id: int) -> Volunteer:
    qs = volunteers_scoped(programme.volunteers.filter(pk=volunteer_id), programme)
    found = qs.select_related("user").first()
    if found is None:
        raise Http404
    return found


def household_get(*, programme: Programme, household_id: int) -> Household:
    found = households_scoped(programme.households.filter(pk=household_id), programme).first()
    if found is None:
        raise Http404
    return found


def own_volunteer_get(*, viewer: Any, volunteer_id: int) -> Volunteer:
    """The viewer's own volunteer row; 404 for anyone else's."""
    if not viewer.is_authenticated:
        raise Http404
    found = (
        Volunteer.objects.filter(pk=volunteer_id, user=viewer).select_related("programme").first()
    )
    if found is None:
        raise Http404
    return found


def own_household_get(*, viewer: Any, household_id: int) -> Household:
    """A household the viewer is an adult member of; 404 otherwise."""
    if not viewer.is_authenticated:
        raise Http404
    found = (
        Household.objects.filter(pk=household_id, members__user=viewer)
        .select_related("programme")
        .first()
    )
    if found is None:
        raise Http404
    return found


def volunteer_check_list(*, volunteer: Volunteer) -> QuerySet[VolunteerCheck]:
    """The checks recorded for a volunteer already fetched through a scoped selector."""
    return volunteer.checks.select_related("recorded_by").order_by("kind")


def household_member_list(*, household: Household) -> QuerySet[HouseholdMember]:
    """The adults of a household already fetched through a scoped selector, first joined first."""
    return household.members.select_related("user").order_by("joined_at")


def household_invitation_list(*, household: Household) -> QuerySet[Invitation]:
    """Invitations the household sent to its adults that are still waiting, oldest first."""
    return household.invitations.filter(
        role=Invitation.Role.HOUSEHOLD_ADULT,
        accepted_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).order_by("created_at", "id")


def household_invitation_get(*, household: Household, invitation_id: int) -> Invitation:
    """One of the household's own pending invitations to an adult; anything else is a 404."""
    found = household_invitation_list(household=household).filter(pk=invitation_id).first()
    if found is None:
        raise Http404
    return found


def household_member_get(*, household: Household, user_id: int) -> HouseholdMember:
    """The household's adult with this account; 404 for anyone not in the household."""
    found = household.members.filter(user_id=user_id).select_related("user").first()
    if found is None:
        raise Http404
    return found


def own_person_get(*, viewer: Any, side: str, person_id: int) -> Volunteer | Household:
    """The viewer's own volunteer or household row, by the side named in the URL."""
    if side == "volunteer":
        return own_volunteer_get(viewer=viewer, volunteer_id=person_id)
    return own_household_get(viewer=viewer, household_id=person_id)


def consent_list(*, person: Volunteer | Household) -> QuerySet[Consent]:
    return person.consents.select_related("recorded_by", "user", "withdrawal_recorded_by")


def state_counts(*, programme: Programme) -> dict[str, dict[str, int]]:
    """Counts of volunteers and households by state (a limited coordinator's people only)."""
    volunteers = volunteers_scoped(programme.volunteers.all(), programme)
    households = households_scoped(programme.households.all(), programme)
    return {
        "volunteers": dict(volunteers.values_list("state").annotate(n=Count("id")).order_by()),
        "households": dict(households.values_list("state").annotate(n=Count("id")).order_by()),
    }


def town_counts(*, programme: Programme, limit: int = 15) -> list[dict[str, Any]]:
    """Active people per town, largest towns first."""
    live = ~Q(state="left")
    volunteers = volunteers_scoped(programme.volunteers.filter(live), programme)
    households = households_scoped(programme.households.filter(live), programme)
    vols = dict(volunteers.values_list("town").annotate(n=Count("id")).order_by())
    hhs = dict(households.values_list("town").annotate(n=Count("id")).order_by())
    rows = [
        {"town": t, "volunteers": vols.get(t, 0), "households": hhs.get(t, 0)}
        for t in set(vols) | set(hhs)
    ]
    rows.sort(key=lambda r: (-(r["volunteers"] + r["households"]), r["town"]))
    return rows[:limit]


def invitation_by_token(*, token: str) -> Invitation:
    """The invitation a link opens, looked up by the hash of its token; else 404."""
    found = (
        Invitation.objects.filter(token_hash=token_hash(token)).select_related("programme").first()
    )
    if found is None:
        raise Http404
    return found


def invitation_list(*, programme: Programme) -> QuerySet[Invitation]:
    """The invitations the programme's coordinators sent, newest first.

    A household's invitations to its own adults are the household's business.
    """
    roles = (*COORDINATOR_INVITATION_ROLES, Invitation.Role.LINK)
    qs = programme.invitations.filter(role__in=roles)
    return invitations_scoped(qs, programme).select_related("organisation").order_by("-created_at")


def invitation_get(*, programme: Programme, invitation_id: int) -> Invitation:
    """Any invitation of a programme already fetched through ``programme_get``; else 404."""
    found = invitations_scoped(programme.invitations.filter(pk=invitation_id), programme).first()
    if found is None:
        raise Http404
    return found


def invitation_for_unconsented(*, invitation: Invitation) -> bool:
    """Whether a link invitation goes to someone on record without consent (an import)."""
    person = invitation.volunteer or invitation.household
    if invitation.role != Invitation.Role.LINK or person is None:
        return False
    return not person.consents.exists()


def account_for_email(*, email: str) -> Any:
    """The account that owns an address, or None (for invitations, never for sign-up pages)."""
    return get_user_model().objects.filter(email=email.strip().lower()).first()


def account_for_phone(*, phone: str) -> Any:
    """The account that signs in with a phone number (E.164), or None (for invitations)."""
    return get_user_model().objects.filter(phone=phone.strip()).first() if phone.strip() else None


def account_for_invitation(*, invitation: Invitation) -> Any:
    """The account that owns the address or number an invitation went to, or None."""
    if invitation.email:
        return account_for_email(email=invitation.email)
    return account_for_phone(phone=invitation.phone)


def signup_programme_get(*, programme_id: int) -> Programme | None:
    """The programme a sign-up link names, or None once it stops taking sign-ups."""
    return Programme.objects.filter(pk=programme_id, signup_open=True).first()


def person_choices(
    *, programme: Programme, side: str, query: str, limit: int = 10
) -> QuerySet[Any]:
    """Active people of the programme whose name or id matches, for picking one by typing.

    Only names, ids and towns are loaded: what the picker shows.  Nothing is
    offered before two characters are typed.
    """
    people = programme.volunteers if side == "volunteer" else programme.households
    if len(query.strip()) < 2:
        return people.none()
    active = people.filter(state="active")
    qs = active.filter(pk__in=_matching(active, query)).order_by(*_sorted_apart("name"))
    return qs.only("first_name", "last_name", "external_id", "town")[:limit]
