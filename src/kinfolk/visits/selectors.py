"""Reads of visits, scoped to who asks: a participant's own visits, a coordinator's programme.

Anything that is not the viewer's is a 404, never a 403.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.http import Http404

from kinfolk.accounts.tokens import token_hash
from kinfolk.pairings.models import Pairing
from kinfolk.people.models import Household, Volunteer
from kinfolk.programmes.models import Programme
from kinfolk.staff.scope import pairs_scoped
from kinfolk.visits.models import CalendarFeed, ReminderPreference, TimeProposal, Visit

Person = Volunteer | Household
#: Days after a window closes before a missing record shows to the coordinator.
COORDINATOR_OVERDUE_DAYS = 14
#: A rating at or below this puts the pair on the check-in list.
LOW_RATING = 2
_LIVE = (Visit.State.PLANNED, Visit.State.AGREED)
_DONE = (Visit.State.HAPPENED, Visit.State.MISSED, Visit.State.UNCONFIRMED)
_RELATED = ("pairing__programme", "pairing__volunteer", "pairing__household")


def _mine(person: Person) -> Q:
    return Q(**{f"pairing__{person.side}": person})


def _partner_joins(person: Person, prefix: str = "") -> tuple[str, str]:
    """What a person's own visits join: their pairing and the partner (the rest is the person)."""
    return (f"{prefix}pairing", f"{prefix}pairing__{person.partner_side}")


def _seen_by(person: Person, visits: Iterable[Visit | None]) -> None:
    """Give each visit's pairing the person and their programme, read already with the person.

    Joining them again would triple the columns of the page's busiest queries.
    """
    for visit in visits:
        if visit is not None:
            setattr(visit.pairing, person.side, person)
            visit.pairing.programme = person.programme


def own_visit_get(*, person: Person, visit_id: int) -> Visit:
    found = Visit.objects.filter(_mine(person), pk=visit_id).select_related(*_RELATED).first()
    if found is None:
        raise Http404
    return found


def is_overdue(visit: Visit, today: dt.date, *, grace_days: int = 0) -> bool:
    """The window closed (``grace_days`` ago or more) and nobody recorded whether it happened."""
    return (
        visit.state in _LIVE
        and visit.window_end < today - dt.timedelta(days=grace_days)
        and not visit.volunteer_outcome
        and not visit.household_outcome
    )


@dataclass
class PersonVisits:
    coming: list[Visit] = field(default_factory=list)
    to_record: list[Visit] = field(default_factory=list)
    past: list[Visit] = field(default_factory=list)


def visit_list(*, person: Person, today: dt.date, coming: int = 3, past: int = 10) -> PersonVisits:
    """The person's visits: the next windows, closed ones awaiting their record, and the past."""
    mine = Visit.objects.filter(_mine(person)).select_related(*_RELATED)
    side = person.side
    return PersonVisits(
        coming=list(mine.filter(state__in=_LIVE, window_end__gte=today)[:coming]),
        to_record=list(
            mine.filter(window_end__lt=today)
            .exclude(state=Visit.State.CANCELLED)
            .filter(**{f"{side}_outcome": ""})
            .order_by("-window_start")[:past]
        ),
        past=list(mine.filter(state__in=_DONE).order_by("-window_start")[:past]),
    )


@dataclass
class VisitGlance:
    """What a person's home page shows of their visits."""

    next: Visit | None
    overdue: list[Visit]
    any: bool


def visit_glance(*, person: Person, today: dt.date, overdue: int = 10) -> VisitGlance:
    """The next window, the closed windows nobody recorded, and whether there are visits at all.

    The home page is the page people open most, so it asks only for these (one
    query, two when there is nothing to show) rather than :func:`visit_list`.
    """
    mine = Visit.objects.filter(_mine(person))
    # One read of the live windows still to come or still unrecorded: a pair has a
    # handful planned ahead, so the next one and the late ones are sorted out here.
    live = (
        mine.filter(state__in=_LIVE)
        .filter(Q(window_end__gte=today) | Q(volunteer_outcome="", household_outcome=""))
        .select_related(*_partner_joins(person))
        .order_by("window_start", "pk")
    )
    windows = list(live)
    following = next((v for v in windows if v.window_end >= today), None)
    late = [v for v in reversed(windows) if v.window_end < today][:overdue]
    _seen_by(person, [following, *late])
    if following or late:
        return VisitGlance(next=following, overdue=late, any=True)
    # Any of the visits visit_list would list.
    closed = Q(window_end__lt=today, **{f"{person.side}_outcome": ""}) & ~Q(
        state=Visit.State.CANCELLED
    )
    listed = mine.filter(closed | Q(state__in=_DONE)).exists()
    return VisitGlance(next=None, overdue=[], any=listed)


def time_list(*, visit: Visit) -> QuerySet[TimeProposal]:
    return visit.times.all()


def open_time_get(*, visit: Visit) -> TimeProposal | None:
    return visit.times.filter(state=TimeProposal.State.OPEN).first()


def own_time_get(*, visit: Visit, time_id: int) -> TimeProposal:
    found = visit.times.filter(pk=time_id).first()
    if found is None:
        raise Http404
    return found


def reminder_preference_get(*, user: Any) -> ReminderPreference:
    found = ReminderPreference.objects.filter(user=user).first()
    return found or ReminderPreference(user=user)


def feed_for(*, user: Any, person: Person) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, side=person.side, person_id=person.pk).first()


def feed_visits_get(*, token: str, today: dt.date | None = None) -> tuple[str, list[Visit]]:
    """The side and visits a feed token opens; a revoked or unknown token is a 404."""
    found = CalendarFeed.objects.filter(token_hash=token_hash(token))
    feed = found.select_related("user").first()
    if feed is None or not feed.user.is_active:
        raise Http404
    model = Volunteer if feed.side == "volunteer" else Household
    reader = {"user": feed.user} if feed.side == "volunteer" else {"members__user": feed.user}
    # Someone who left has no visits to show; the feed answers as if it never existed.
    person = model.objects.filter(pk=feed.person_id, **reader).exclude(state="left").first()
    if person is None:
        raise Http404
    visits = Visit.objects.filter(_mine(person)).exclude(state=Visit.State.CANCELLED)
    if today is not None:
        visits = visits.filter(window_end__gte=today - dt.timedelta(days=60))
    return feed.side, list(visits.select_related(*_RELATED))


# --- coordinators --------------------------------------------------------------------------


@dataclass
class CheckIn:
    """A pairing to check in with, and the facts that put it there (never a person's)."""

    pairing: Pairing
    facts: list[tuple[str, dt.date]] = field(default_factory=list)
    #: Beside each fact, its kind ("two_missed", "unconfirmed", "low_rating" or
    #: "unrecorded") and, for a low rating, the rating: for pages that word or store it.
    kinds: list[tuple[str, int | None]] = field(default_factory=list)


def check_in_list(*, programme: Programme, today: dt.date) -> list[CheckIn]:
    """Pairings with two windows missed in a row, unconfirmed visits or low ratings.

    Declines, pauses and who said what are never signals (charter rule 2).
    """
    ids = check_in_pairing_ids(programme=programme, today=today)
    return check_in_entries(programme=programme, today=today, pairing_ids=ids)


def _closed_windows(programme: Programme, today: dt.date) -> QuerySet[Visit]:
    """The last year's closed, not cancelled windows of active pairings: what signals come from."""
    closed = Visit.objects.filter(
        pairing__programme=programme,
        pairing__state="active",
        window_end__gte=today - dt.timedelta(days=365),
        window_end__lt=today,
    ).exclude(state=Visit.State.CANCELLED)
    return pairs_scoped(closed, programme, prefix="pairing__")


def check_in_pairing_ids(*, programme: Programme, today: dt.date) -> list[int]:
    """Ids of the pairings to check in with, in order; each has at least one fact to show.

    Counted in the database, so the list can be paged and its total is exact.
    """
    closed = _closed_windows(programme, today)
    grace = today - dt.timedelta(days=COORDINATOR_OVERDUE_DAYS)
    overdue = Q(state__in=_LIVE, window_end__lt=grace, volunteer_outcome="", household_outcome="")
    signal = (
        overdue
        | Q(state=Visit.State.UNCONFIRMED)
        | Q(volunteer_rating__lte=LOW_RATING)
        | Q(household_rating__lte=LOW_RATING)
    )
    ids = set(closed.filter(signal).values_list("pairing_id", flat=True).distinct())
    # A recorded miss is a signal only as one of two in a row; any overdue window already is.
    twice = (
        closed.filter(state=Visit.State.MISSED)
        .values("pairing_id")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .values_list("pairing_id", flat=True)
    )
    candidates = set(twice) - ids
    states = closed.filter(pairing_id__in=candidates).order_by("pairing_id", "window_start")
    previous: dict[int, str] = {}
    for pairing_id, state in states.values_list("pairing_id", "state").iterator():
        if state == previous.get(pairing_id) == Visit.State.MISSED:
            ids.add(pairing_id)
        previous[pairing_id] = state
    return sorted(ids)


def check_in_entries(
    *, programme: Programme, today: dt.date, pairing_ids: list[int]
) -> list[CheckIn]:
    """The facts of these pairings (a page of ``check_in_pairing_ids``), in the ids' order."""
    grace = today - dt.timedelta(days=COORDINATOR_OVERDUE_DAYS)
    by_pairing: dict[int, CheckIn] = {}
    closed = (
        _closed_windows(programme, today)
        .filter(pairing_id__in=pairing_ids)
        .select_related(*_RELATED)
        .order_by("pairing_id", "window_start")
    )
    previous: dict[int, Visit] = {}
    for visit in closed:
        entry = by_pairing.setdefault(visit.pairing_id, CheckIn(visit.pairing))
        _facts(entry, visit, previous.get(visit.pairing_id), grace)
        previous[visit.pairing_id] = visit
    return [by_pairing[i] for i in pairing_ids if i in by_pairing and by_pairing[i].facts]


def _missed(visit: Visit, grace: dt.date) -> bool:
    return visit.state == Visit.State.MISSED or is_overdue(visit, grace)


def _facts(entry: CheckIn, visit: Visit, before: Visit | None, grace: dt.date) -> None:
    from django.utils.translation import gettext as _

    def add(kind: str, text: str, rating: int | None = None) -> None:
        entry.facts.append((text, visit.window_start))
        entry.kinds.append((kind, rating))

    if before is not None and _missed(visit, grace) and _missed(before, grace):
        add("two_missed", _("two windows in a row without a visit, the latest from"))
    if visit.state == Visit.State.UNCONFIRMED:
        add("unconfirmed", _("the two sides remember the visit differently, window from"))
    ratings = [r for r in (visit.volunteer_rating, visit.household_rating) if r is not None]
    if ratings and min(ratings) <= LOW_RATING:
        words = _("a visit rated %(rating)s of 5, window from") % {"rating": min(ratings)}
        add("low_rating", words, min(ratings))
    if is_overdue(visit, grace) and not (before and _missed(before, grace)):
        add("unrecorded", _("no record 14 days after the window closed, window from"))


def overdue_list(*, programme: Programme, today: dt.date) -> QuerySet[Visit]:
    """Closed windows with no record for 14 days or more, for the coordinator."""
    grace = today - dt.timedelta(days=COORDINATOR_OVERDUE_DAYS)
    visits = pairs_scoped(Visit.objects.all(), programme, prefix="pairing__")
    return (
        visits.filter(
            pairing__programme=programme,
            pairing__state="active",
            state__in=_LIVE,
            window_end__lt=grace,
            volunteer_outcome="",
            household_outcome="",
        )
        .select_related(*_RELATED)
        .order_by("window_end")
    )


@dataclass
class Month:
    month: dt.date
    counts: dict[str, int]
    widths: dict[str, int]


_CHART_STATES = ("planned", "agreed", "happened", "missed")


def month_counts(
    *, programme: Programme, today: dt.date, before: int = 6, after: int = 6
) -> list[Month]:
    """Visits planned, agreed, happened and missed per month of their window."""
    first = (today.replace(day=1) - dt.timedelta(days=31 * before)).replace(day=1)
    last = (today.replace(day=1) + dt.timedelta(days=31 * (after + 1))).replace(day=1)
    visits = pairs_scoped(Visit.objects.all(), programme, prefix="pairing__")
    rows = (
        visits.filter(
            pairing__programme=programme,
            window_start__gte=first,
            window_start__lt=last,
            state__in=_CHART_STATES,
        )
        .annotate(month=TruncMonth("window_start"))
        .values("month", "state")
        .annotate(n=Count("id"))
    )
    table: dict[dt.date, dict[str, int]] = {}
    for row in rows:
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        table.setdefault(month, dict.fromkeys(_CHART_STATES, 0))[row["state"]] = row["n"]
    top = max((n for counts in table.values() for n in counts.values()), default=0) or 1
    return [
        Month(month, counts, {s: _width(n, top) for s, n in counts.items()})
        for month, counts in sorted(table.items())
    ]


def _width(n: int, top: int) -> int:
    """A bar width in steps of 5 %, for the CSS classes ``w-0`` … ``w-100``."""
    return 0 if n == 0 else max(5, round(20 * n / top) * 5)


def met_last_window(*, programme: Programme, today: dt.date) -> tuple[int, int]:
    """(pairings that met in their last closed window, active pairings with one)."""
    last = (
        Visit.objects.filter(pairing=OuterRef("pk"), window_end__lt=today)
        .exclude(state=Visit.State.CANCELLED)
        .order_by("-window_start")
        .values("state")[:1]
    )
    states = (
        pairs_scoped(programme.pairings.filter(state="active"), programme)
        .annotate(last=Subquery(last))
        .exclude(last=None)
        .aggregate(total=Count("pk"), met=Count("pk", filter=Q(last=Visit.State.HAPPENED)))
    )
    return states["met"], states["total"]


@dataclass(frozen=True)
class TimeWait:
    """The latest word on one live visit's time, as the person's home page shows it.

    ``kind``: "answer" (the other side proposed a time), "declined" (they said
    no to the person's time; propose another) or "waiting" (the person's time
    waits for the other side).
    """

    kind: str
    time: TimeProposal

    @property
    def visit(self) -> Visit:
        return self.time.visit


def time_waits(*, person: Person, today: dt.date) -> list[TimeWait]:
    """For each of the person's live, open windows, what its latest time asks of them."""
    times = (
        TimeProposal.objects.filter(
            _time_mine(person),
            visit__state__in=_LIVE,
            visit__window_end__gte=today,
            visit__pairing__state=Pairing.State.ACTIVE,
        )
        .exclude(state=TimeProposal.State.SUPERSEDED)
        .select_related("visit", *_partner_joins(person, "visit__"))
        .order_by("visit__window_start", "visit_id", "-created_at", "-id")
    )
    latest: dict[int, TimeProposal] = {}
    for time in times:
        latest.setdefault(time.visit_id, time)
    _seen_by(person, (time.visit for time in latest.values()))
    waits = []
    for time in latest.values():
        mine = time.proposed_by == person.side
        if time.state == TimeProposal.State.OPEN:
            waits.append(TimeWait("waiting" if mine else "answer", time))
        elif time.state == TimeProposal.State.DECLINED and mine:
            waits.append(TimeWait("declined", time))
    return waits


def _time_mine(person: Person) -> Q:
    return Q(**{f"visit__pairing__{person.side}": person})
