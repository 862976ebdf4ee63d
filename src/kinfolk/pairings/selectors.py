"""Reads of proposals and pairings, scoped to who asks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kinfolk.pairings.models import (
    MatchingRun,
    PairExclusion,
    Pairing,
    PairingImport,
    Proposal,
    RunPair,
    RunRule,
    RunUnpaired,
)
from kinfolk.people.models import Household, Volunteer
from kinfolk.programmes.models import Programme
from kinfolk.staff.scope import (
    households_scoped,
    organisation_limit,
    pairs_scoped,
    runs_scoped,
    volunteers_scoped,
    whole_programme_required,
)
from kinfolk.vetting.selectors import check_expired_exists

Person = Volunteer | Household


def pairing_active_get(*, person: Person) -> Pairing | None:
    """The person's active pairing, if any (the database allows at most one)."""
    partner = "volunteer__user" if person.side == "household" else "household"
    found = (
        Pairing.objects.filter(state="active", **{person.side: person})
        .select_related(partner)
        .first()
    )
    if found is not None:
        setattr(found, person.side, person)  # already read
    return found


def pairing_last_ended_get(*, person: Person) -> Pairing | None:
    """The person's most recently ended pairing: its partner is not named on their page."""
    return (
        Pairing.objects.filter(state="ended", **{person.side: person})
        .order_by("-ended_at", "-pk")
        .first()
    )


def proposal_open_get(*, person: Person) -> Proposal | None:
    found = (
        Proposal.objects.filter(state="open", **{person.side: person})
        .select_related(person.partner_side)
        .first()
    )
    if found is not None:
        setattr(found, person.side, person)  # already read, with its programme
    return found


def own_pairing_get(*, person: Person, pairing_id: int) -> Pairing:
    found = (
        Pairing.objects.filter(pk=pairing_id, **{person.side: person})
        .select_related(person.partner_side)
        .first()
    )
    if found is None:
        raise Http404
    setattr(found, person.side, person)  # already read, with its programme
    return found


def own_proposal_get(*, person: Person, proposal_id: int) -> Proposal:
    found = Proposal.objects.filter(pk=proposal_id, **{person.side: person}).first()
    if found is None:
        raise Http404
    return found


def excluded_pairs(*, programme: Programme) -> set[tuple[int, int]]:
    """(volunteer id, household id) never to propose: declined, ended, or forbidden."""
    declined = Proposal.objects.filter(programme=programme, state="declined").values_list(
        "volunteer_id", "household_id"
    )
    ended = Pairing.objects.filter(programme=programme, state="ended").values_list(
        "volunteer_id", "household_id"
    )
    return set(declined) | set(ended) | forbidden_pairs(programme=programme)


def forbidden_pairs(*, programme: Programme) -> set[tuple[int, int]]:
    """(volunteer id, household id) of the programme's standing forbids."""
    standing = PairExclusion.objects.filter(programme=programme, lifted_at__isnull=True)
    return set(standing.values_list("volunteer_id", "household_id"))


def exclusion_list(*, programme: Programme, person: Person) -> QuerySet[PairExclusion]:
    """The person's forbidden pairs, standing first, then lifted, newest first."""
    return (
        PairExclusion.objects.filter(programme=programme, **{person.side: person})
        .select_related("volunteer", "household", "set_by", "lifted_by")
        .order_by(F("lifted_at").desc(nulls_first=True), "-set_at", "-id")
    )


def exclusion_get(*, programme: Programme, exclusion_id: int) -> PairExclusion:
    found = pairs_scoped(programme.exclusions.filter(pk=exclusion_id), programme).first()
    if found is None:
        raise Http404
    return found


def run_exclusion_list(*, run: MatchingRun) -> QuerySet[PairExclusion]:
    """Standing forbids of pairs this run proposes (set in its review, or since)."""
    in_run = RunPair.objects.filter(
        run=run, volunteer_id=OuterRef("volunteer_id"), household_id=OuterRef("household_id")
    )
    return (
        PairExclusion.objects.filter(programme_id=run.programme_id, lifted_at__isnull=True)
        .filter(Exists(in_run))
        .select_related("volunteer", "household", "set_by")
        .order_by("set_at", "id")
    )


def pairing_import_get(*, programme: Programme, import_id: int) -> PairingImport:
    whole_programme_required(programme)
    found = programme.imports.filter(pk=import_id).first()
    if found is None:
        raise Http404
    return found


def run_list(*, programme: Programme) -> QuerySet[MatchingRun]:
    return runs_scoped(programme.runs.all(), programme).select_related(
        "organisation", "region", "started_by"
    )


def run_get(*, programme: Programme, run_id: int) -> MatchingRun:
    found = runs_scoped(programme.runs.filter(pk=run_id), programme).first()
    if found is None:
        raise Http404
    # The run's lists (who was left unpaired) narrow to the same organisations.
    found.organisation_limit = organisation_limit(programme)
    found.region_limit = getattr(programme, "region_limit", None)
    return found


def _pair_search(qs: QuerySet[Any], query: str) -> QuerySet[Any]:
    """Rows with a volunteer and a household, filtered by either side's name or id."""
    for word in query.split():
        qs = qs.filter(
            Q(volunteer__first_name__icontains=word)
            | Q(household__first_name__icontains=word)
            | Q(volunteer__external_id__iexact=word)
            | Q(household__external_id__iexact=word)
        )
    return qs


def pairing_list(
    *, programme: Programme, query: str = "", state: str = "active"
) -> QuerySet[Pairing]:
    qs = programme.pairings.select_related("volunteer", "household", "recorded_by").order_by(
        "-started_on", "id"
    )
    # Flagged, never ended: a volunteer whose check expired while paired.
    qs = qs.annotate(
        check_expired=check_expired_exists(
            volunteer_ref=OuterRef("volunteer_id"), programme=programme, today=programme.today()
        )
    )
    if state:
        qs = qs.filter(state=state)
    return _pair_search(pairs_scoped(qs, programme), query)


def run_pair_list(*, run: MatchingRun, query: str = "") -> QuerySet[RunPair]:
    qs = run.pairs.select_related("volunteer", "household").order_by("volunteer__external_id")
    return _pair_search(qs, query)


def run_unpaired_list(*, run: MatchingRun, reason: str = "") -> QuerySet[RunUnpaired]:
    qs = run.unpaired.select_related("volunteer", "household").order_by("reason", "id")
    limit = getattr(run, "organisation_limit", None)
    if limit is not None:
        # A limited coordinator's runs pair only their volunteers; the households
        # left over are everyone's, so only those already linked to them show.
        linked = households_scoped(Household.objects.all(), run)  # type: ignore[arg-type]
        qs = qs.filter(Q(household__isnull=True) | Q(household__in=linked))
    return qs.filter(reason=reason) if reason else qs


def run_rule_list(*, run: MatchingRun) -> QuerySet[RunRule]:
    return run.rules.select_related("volunteer", "household").order_by("id")


def partner_of(*, person: Person, pair: Pairing | Proposal) -> Person:
    """The other side of a proposal or pairing."""
    return pair.household if isinstance(person, Volunteer) else pair.volunteer


def waiting_people(*, programme: Programme) -> tuple[QuerySet[Volunteer], QuerySet[Household]]:
    """Active people with no active pairing and no open proposal: who a run may pair."""
    pairings = Pairing.objects.filter(programme=programme, state="active")
    proposals = Proposal.objects.filter(programme=programme, state="open")
    volunteers = (
        volunteers_scoped(programme.volunteers.filter(state="active"), programme)
        .exclude(pk__in=pairings.values("volunteer_id"))
        .exclude(pk__in=proposals.values("volunteer_id"))
    )
    households = (
        households_scoped(programme.households.filter(state="active"), programme)
        .exclude(pk__in=pairings.values("household_id"))
        .exclude(pk__in=proposals.values("household_id"))
    )
    return volunteers, households


def pairing_counts(*, programme: Programme) -> dict[str, Any]:
    """Paired, proposed and waiting people of a programme, and the longest wait."""
    volunteers, households = waiting_people(programme=programme)
    since = [
        qs.filter(waiting_since__isnull=False).aggregate(m=Min("waiting_since"))["m"]
        for qs in (volunteers, households)
    ]
    return {
        "active": pairs_scoped(programme.pairings.filter(state="active"), programme).count(),
        "proposals": pairs_scoped(programme.proposals.filter(state="open"), programme).count(),
        "waiting_volunteers": volunteers.count(),
        "waiting_households": households.count(),
        "longest_wait": min((d for d in since if d), default=None),
    }


def visitor_report_list(*, programme: Programme) -> QuerySet[Any]:
    """Reports households made about their visitors, for the programme's coordinators only."""
    from kinfolk.pairings.models import VisitorReport

    reports = VisitorReport.objects.filter(pairing__programme=programme)
    return pairs_scoped(reports, programme, prefix="pairing__").select_related(
        "pairing__volunteer", "pairing__household", "concern"
    )


def alternative_people(
    *, programme: Programme, ids: dict[str, set[str]]
) -> dict[tuple[str, str], Person]:
    """The people named as next-best alternatives, by (side, external id): two queries at most.

    Only what the wording needs is loaded: a first name and a point to measure from.
    """
    found: dict[tuple[str, str], Person] = {}
    for side, model in (("volunteer", Volunteer), ("household", Household)):
        if not ids.get(side):
            continue
        rows = model.objects.filter(programme=programme, external_id__in=ids[side]).only(
            "external_id", "first_name", "lat", "lon"
        )
        found.update(((side, p.external_id), p) for p in rows)
    return found


@dataclass(frozen=True)
class ListStatus:
    """Where a person stands, for a list: paired, proposed, paused, waiting, or their state."""

    code: str
    since: dt.date | None = None


def person_statuses(*, people: list[Person]) -> dict[int, ListStatus]:
    """The status of each listed person (all of one side), in two queries whatever their number.

    The people come from a list the viewer may see; only their ids are looked up.
    """
    if not people:
        return {}
    side = people[0].side
    ids = [p.pk for p in people]
    paired = dict(
        Pairing.objects.filter(state="active", **{f"{side}_id__in": ids}).values_list(
            f"{side}_id", "started_on"
        )
    )
    proposed = dict(
        Proposal.objects.filter(state="open", **{f"{side}_id__in": ids}).values_list(
            f"{side}_id", "sent_at"
        )
    )
    return {p.pk: _status(p, paired.get(p.pk), proposed.get(p.pk)) for p in people}


def _status(person: Person, paired_on: Any, proposed_at: Any) -> ListStatus:
    if person.state in ("left", "paused"):
        return ListStatus(person.state)
    if paired_on is not None:
        return ListStatus("paired", paired_on)
    if proposed_at is not None:
        return ListStatus("proposed", timezone.localdate(proposed_at))
    if person.state == "active":
        return ListStatus("waiting", person.waiting_since)
    return ListStatus(person.state)
