"""Reads of volunteers and households, scoped to who asks.

Coordinators reach people through their programme; participants reach only
their own rows.  Everything else is a 404, never a 403, so that ids do not
leak whether a row exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from kinfolk.accounts.tokens import token_hash
from kinfolk.people.models import (
    Consent,
    Household,
    HouseholdMember,
    Invitation,
    Volunteer,
    VolunteerCheck,
)
from kinfolk.programmes.models import Organisation, Programme

#: The roles a coordinator invites; a household's second adult is invited by the household.
COORDINATOR_INVITATION_ROLES = (Invitation.Role.VOLUNTEER, Invitation.Role.HOUSEHOLD)


@dataclass
class Roles:
    """Every role a signed-in user holds, for the home page and navigation."""

    site_admin: bool = False
    programmes: list[Programme] = field(default_factory=list)
    volunteers: list[Volunteer] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)

    @property
    def count(self) -> int:
        return (
            int(self.site_admin)
            + len(self.programmes)
            + len(self.volunteers)
            + len(self.households)
        )


def roles_get(*, viewer: Any) -> Roles:
    if not viewer.is_authenticated:
        return Roles()
    return Roles(
        site_admin=viewer.is_staff,
        programmes=list(Programme.objects.filter(coordinators__user=viewer)),
        volunteers=list(Volunteer.objects.filter(user=viewer).select_related("programme")),
        households=list(Household.objects.filter(members__user=viewer).select_related("programme")),
    )


def _search(qs: QuerySet[Any], query: str) -> QuerySet[Any]:
    for word in query.split():
        qs = qs.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(external_id__iexact=word)
            | Q(town__icontains=word)
        )
    return qs


def _filter(qs: QuerySet[Any], query: str, **equal: Any) -> QuerySet[Any]:
    """Keep the rows whose fields equal every given value; an empty value filters nothing."""
    qs = qs.filter(**{name: value for name, value in equal.items() if value})
    return _search(qs, query)


def volunteer_list(
    *,
    programme: Programme,
    query: str = "",
    state: str = "",
    town: str = "",
    organisation: Organisation | None = None,
) -> QuerySet[Volunteer]:
    """Volunteers of a programme already fetched through ``programme_get``."""
    qs = programme.volunteers.select_related("organisation").order_by("first_name", "id")
    return _filter(qs, query, state=state, town=town, organisation=organisation)


def household_list(
    *, programme: Programme, query: str = "", state: str = "", town: str = ""
) -> QuerySet[Household]:
    qs = programme.households.order_by("first_name", "id")
    return _filter(qs, query, state=state, town=town)


def volunteer_get(*, programme: Programme, volunteer_id: int) -> Volunteer:
    found = programme.volunteers.filter(pk=volunteer_id).select_related("user").first()
    if found is None:
        raise Http404
    return found


def household_get(*, programme: Programme, household_id: int) -> Household:
    found = programme.households.filter(pk=household_id).first()
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


def own_person_get(*, viewer: Any, side: str, person_id: int) -> Volunteer | Household:
    """The viewer's own volunteer or household row, by the side named in the URL."""
    if side == "volunteer":
        return own_volunteer_get(viewer=viewer, volunteer_id=person_id)
    return own_household_get(viewer=viewer, household_id=person_id)


def consent_list(*, person: Volunteer | Household) -> QuerySet[Consent]:
    return person.consents.select_related("recorded_by", "user", "withdrawal_recorded_by")


def state_counts(*, programme: Programme) -> dict[str, dict[str, int]]:
    """Counts of volunteers and households by state."""
    return {
        "volunteers": dict(
            programme.volunteers.values_list("state").annotate(n=Count("id")).order_by()
        ),
        "households": dict(
            programme.households.values_list("state").annotate(n=Count("id")).order_by()
        ),
    }


def town_counts(*, programme: Programme, limit: int = 15) -> list[dict[str, Any]]:
    """Active people per town, largest towns first."""
    live = ~Q(state="left")
    vols = dict(
        programme.volunteers.filter(live).values_list("town").annotate(n=Count("id")).order_by()
    )
    hhs = dict(
        programme.households.filter(live).values_list("town").annotate(n=Count("id")).order_by()
    )
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
    return (
        programme.invitations.filter(role__in=roles)
        .select_related("organisation")
        .order_by("-created_at")
    )


def invitation_get(*, programme: Programme, invitation_id: int) -> Invitation:
    """Any invitation of a programme already fetched through ``programme_get``; else 404."""
    found = programme.invitations.filter(pk=invitation_id).first()
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


def signup_programme_get(*, programme_id: int) -> Programme | None:
    """The programme a sign-up link names, or None once it stops taking sign-ups."""
    return Programme.objects.filter(pk=programme_id, signup_open=True).first()
