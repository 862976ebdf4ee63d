import dataclasses
import datetime as dt
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import holidays
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinfolk.engine import dictionary as dd
from kinfolk.engine import schedule
from kinfolk.engine.schedule import (
    HOST_HOUSEHOLD,
    HOST_PUBLIC,
    HOST_VOLUNTEER,
    Pairings,
    WindowPlan,
    holiday_days,
    pause_cancel,
    plan_windows,
    roll_forward,
)

ALL = dd.ALL_SLOTS_MASK
Row = tuple[int, int, dt.date, dt.date, int, int, int, int]


def slots(text: str) -> int:
    return dd.parse_availability(text)


def make_pairings(
    since: Sequence[dt.date | str],
    *,
    first_host: Sequence[int] | None = None,
    public_only: Sequence[bool] | None = None,
    volunteer_slots: Sequence[int] | None = None,
    household_slots: Sequence[int] | None = None,
    volunteer_blackout: Sequence[tuple[tuple[dt.date, dt.date], ...]] | None = None,
    household_blackout: Sequence[tuple[tuple[dt.date, dt.date], ...]] | None = None,
    visits_done: Sequence[int] | None = None,
) -> Pairings:
    n = len(since)
    return Pairings(
        since=np.array(since, dtype="datetime64[D]"),
        first_host=np.array(first_host or [0] * n),
        public_only=np.array(public_only or [False] * n),
        volunteer_slots=np.array(volunteer_slots or [ALL] * n),
        household_slots=np.array(household_slots or [ALL] * n),
        volunteer_blackout=volunteer_blackout or [()] * n,  # type: ignore[arg-type]
        household_blackout=household_blackout or [()] * n,  # type: ignore[arg-type]
        visits_done=np.array(visits_done or [0] * n),
    )


def rows(plan: WindowPlan) -> list[Row]:
    return list(
        zip(
            plan.pairing.tolist(),
            plan.period.tolist(),
            plan.start.tolist(),
            plan.end.tolist(),
            plan.host.tolist(),
            plan.sequence.tolist(),
            plan.usable_days.tolist(),
            plan.common_slots.tolist(),
            strict=True,
        )
    )


def concat(*plans: WindowPlan) -> WindowPlan:
    merged = WindowPlan(
        **{
            f.name: np.concatenate([getattr(p, f.name) for p in plans])
            for f in dataclasses.fields(WindowPlan)
        }
    )
    return merged.take(np.lexsort((merged.period, merged.pairing)))


@lru_cache(maxsize=16)
def holiday_set(country: str | None, subdivision: str | None, year: int) -> frozenset[dt.date]:
    if country is None:
        return frozenset()
    years = range(year - 1, year + 4)
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=years))


def reference_plan(
    pairings: Pairings,
    *,
    start: dt.date,
    until: dt.date,
    cadence_weeks: int = 8,
    window_days: int = 7,
    country: str | None = None,
    subdivision: str | None = None,
    min_usable_days: int = 2,
    last_planned: Sequence[dt.date | None] | None = None,
) -> list[Row]:
    """The rules of kinfolk.engine.schedule, written as plain loops over days."""
    closed = holiday_set(country, subdivision, start.year)
    cadence = dt.timedelta(weeks=cadence_weeks)
    planned: list[Row] = []
    for i in range(len(pairings)):
        since = pairings.since[i].item()
        common = int(pairings.volunteer_slots[i]) & int(pairings.household_slots[i])
        blackout = (*pairings.volunteer_blackout[i], *pairings.household_blackout[i])
        first = start
        previous = None if last_planned is None else last_planned[i]
        if previous is not None:
            first = max(start, previous + dt.timedelta(days=1))

        def count(begin: dt.date, common: int = common, blackout: Any = blackout) -> int:
            days = [begin + dt.timedelta(days=d) for d in range(window_days)]
            return sum(
                day not in closed
                and not any(a <= day <= b for a, b in blackout)
                and bool(common >> (3 * day.weekday()) & 0b111)
                for day in days
            )

        done = int(pairings.visits_done[i])
        k = 0
        while since + k * cadence < until:
            period_start = since + k * cadence
            if period_start >= first:
                begin = period_start
                for shift in range(7 * cadence_weeks - window_days + 1):
                    if count(period_start + dt.timedelta(days=shift)) >= min_usable_days:
                        begin = period_start + dt.timedelta(days=shift)
                        break
                host = (int(pairings.first_host[i]) + done) % 2
                if pairings.public_only[i]:
                    host = HOST_PUBLIC
                end = begin + dt.timedelta(days=window_days - 1)
                planned.append((i, k, begin, end, host, done + 1, count(begin), common))
                done += 1
            k += 1
    return planned


# ---------------------------------------------------------------- strategies

DAYS_2026_2027 = st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31))


@st.composite
def blackouts(draw: st.DrawFn) -> tuple[tuple[dt.date, dt.date], ...]:
    ranges = []
    for _ in range(draw(st.integers(0, 2))):
        first = draw(DAYS_2026_2027)
        ranges.append((first, first + dt.timedelta(days=draw(st.integers(0, 30)))))
    return tuple(sorted(ranges))


@st.composite
def slot_masks(draw: st.DrawFn) -> int:
    # Mostly a few slots, as people give; sometimes none, sometimes any mask.
    kind = draw(st.sampled_from(["few", "few", "none", "any"]))
    if kind == "none":
        return 0
    if kind == "any":
        return draw(st.integers(0, ALL))
    picked = draw(st.sets(st.integers(0, len(dd.SLOTS) - 1), min_size=1, max_size=6))
    return sum(1 << s for s in picked)


@st.composite
def instances(draw: st.DrawFn) -> tuple[Pairings, dict[str, Any]]:
    n = draw(st.integers(0, 6))
    pairings = make_pairings(
        draw(st.lists(DAYS_2026_2027, min_size=n, max_size=n)),
        first_host=draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)),
        public_only=draw(st.lists(st.booleans(), min_size=n, max_size=n)),
        volunteer_slots=draw(st.lists(slot_masks(), min_size=n, max_size=n)),
        household_slots=draw(st.lists(slot_masks(), min_size=n, max_size=n)),
        volunteer_blackout=draw(st.lists(blackouts(), min_size=n, max_size=n)),
        household_blackout=draw(st.lists(blackouts(), min_size=n, max_size=n)),
        visits_done=draw(st.lists(st.integers(0, 9), min_size=n, max_size=n)),
    )
    cadence_weeks = draw(st.integers(1, 10))
    start = draw(DAYS_2026_2027)
    options = {
        "start": start,
        "until": start + dt.timedelta(days=draw(st.integers(0, 450))),
        "cadence_weeks": cadence_weeks,
        "window_days": draw(st.integers(1, 7 * cadence_weeks)),
        "country": draw(st.sampled_from([None, "GB", "FR"])),
        "min_usable_days": draw(st.integers(0, 4)),
    }
    return pairings, options


# ---------------------------------------------------------------- properties


@settings(max_examples=150, deadline=None)
@given(instances())
def test_vectorised_plan_agrees_with_scalar_reference(instance: Any) -> None:
    pairings, options = instance
    assert rows(plan_windows(pairings, **options)) == reference_plan(pairings, **options)


@settings(max_examples=60, deadline=None)
@given(instances(), st.integers(1, 7))
def test_working_in_small_blocks_gives_the_same_plan(instance: Any, block: int) -> None:
    # The engine works in blocks of windows; blackouts must land in the right block.
    pairings, options = instance
    whole = rows(plan_windows(pairings, **options))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schedule, "_BLOCK", block)
        assert rows(plan_windows(pairings, **options)) == whole


@settings(max_examples=100, deadline=None)
@given(instances())
def test_one_window_per_period_inside_it_and_never_overlapping(instance: Any) -> None:
    pairings, options = instance
    plan = plan_windows(pairings, **options)
    cadence = np.timedelta64(7 * options["cadence_weeks"], "D")
    period_start = pairings.since[plan.pairing] + plan.period * cadence
    assert np.all(period_start >= np.datetime64(options["start"]))
    assert np.all(period_start < np.datetime64(options["until"]))
    assert np.all((plan.start >= period_start) & (plan.end < period_start + cadence))
    assert np.all(plan.end - plan.start == np.timedelta64(options["window_days"] - 1, "D"))
    same = plan.pairing[1:] == plan.pairing[:-1]
    assert np.all(plan.period[1:][same] == plan.period[:-1][same] + 1)
    assert np.all(plan.start[1:][same] > plan.end[:-1][same])


@settings(max_examples=60, deadline=None)
@given(instances(), st.integers(0, 450))
def test_roll_forward_continues_the_plan_without_duplicating(instance: Any, cut: int) -> None:
    pairings, options = instance
    middle = min(options["start"] + dt.timedelta(days=cut), options["until"])
    first = plan_windows(pairings, **{**options, "until": middle})
    counts = np.bincount(first.pairing, minlength=len(pairings))
    last = np.full(len(pairings), np.datetime64("NaT"), dtype="datetime64[D]")
    last[first.pairing] = first.start  # rows are in date order, so the last write wins
    rolled = dataclasses.replace(pairings, visits_done=pairings.visits_done + counts)
    later = roll_forward(rolled, last, **{**options, "start": middle})
    previous = [None if np.isnat(day) else day.item() for day in last]
    expected = reference_plan(rolled, last_planned=previous, **{**options, "start": middle})
    assert rows(later) == expected

    assert rows(concat(first, later)) == rows(plan_windows(pairings, **options))
    # Rolling again from the new state adds nothing.
    counts += np.bincount(later.pairing, minlength=len(pairings))
    last[later.pairing] = later.start
    again = dataclasses.replace(pairings, visits_done=pairings.visits_done + counts)
    assert len(roll_forward(again, last, **{**options, "start": middle})) == 0


@settings(max_examples=60, deadline=None)
@given(instances(), st.data())
def test_pause_cancels_exactly_the_overlapping_windows(instance: Any, data: Any) -> None:
    pairings, options = instance
    plan = plan_windows(pairings, **options)
    if len(pairings) == 0:
        return
    paused = data.draw(st.integers(0, len(pairings) - 1))
    pause_start = data.draw(DAYS_2026_2027)
    pause_end = pause_start + dt.timedelta(days=data.draw(st.integers(0, 120)))
    cancel = pause_cancel(plan, paused, pause_start, pause_end)
    expected = [
        pairing == paused and start <= pause_end and end >= pause_start
        for pairing, _, start, end, *_ in rows(plan)
    ]
    assert cancel.tolist() == expected


# ---------------------------------------------------------------- examples

START = dt.date(2027, 1, 4)  # a Monday
YEAR_END = dt.date(2028, 1, 4)


def test_hosts_alternate_from_first_host_and_continue_from_visits_done() -> None:
    pairings = make_pairings([START, START, START], first_host=[0, 1, 0], visits_done=[0, 0, 3])
    plan = plan_windows(pairings, start=START, until=YEAR_END)
    by_pairing = [plan.host[plan.pairing == i].tolist() for i in range(3)]
    assert by_pairing[0] == [0, 1, 0, 1, 0, 1, 0]
    assert by_pairing[1] == [1, 0, 1, 0, 1, 0, 1]
    # Three visits done, the volunteer hosted the first: the household hosts the fourth.
    assert by_pairing[2] == [1, 0, 1, 0, 1, 0, 1]
    assert plan.sequence[plan.pairing == 2].tolist() == [4, 5, 6, 7, 8, 9, 10]


def test_public_only_pairings_always_meet_at_a_public_place() -> None:
    plan = plan_windows(
        make_pairings([START], public_only=[True], first_host=[1]), start=START, until=YEAR_END
    )
    assert set(plan.host.tolist()) == {HOST_PUBLIC}
    assert plan.sequence.tolist() == list(range(1, 8))


def test_windows_start_on_the_cadence_from_each_pairing_s_own_date() -> None:
    since = dt.date(2026, 11, 20)
    plan = plan_windows(make_pairings([since]), start=START, until=dt.date(2027, 5, 1))
    # Periods start 2026-11-20 + 8k weeks; the first on or after START is 2027-01-15.
    assert plan.start.tolist() == [dt.date(2027, 1, 15), dt.date(2027, 3, 12)]
    assert plan.period.tolist() == [1, 2]


def test_christmas_and_boxing_day_in_gb_push_a_window_to_where_both_can_meet() -> None:
    # Both are free only on Monday and Friday evenings.  From Friday 2026-12-25
    # the week holds Christmas Day and Boxing Day (observed, Monday 28th); New
    # Year's Day is a Friday too, so the first week with two usable days
    # starts on Saturday 2 January.
    pairings = make_pairings(
        [dt.date(2026, 12, 25)],
        volunteer_slots=[slots("mon-eve;fri-eve;sat-am")],
        household_slots=[slots("mon-eve;fri-eve;sun-am")],
    )
    december: dict[str, Any] = {"start": dt.date(2026, 12, 1), "until": dt.date(2027, 1, 1)}
    plan = plan_windows(pairings, **december, country="GB")
    assert plan.start.tolist() == [dt.date(2027, 1, 2)]
    assert plan.usable_days.tolist() == [2]
    assert plan.common_slots.tolist() == [slots("mon-eve;fri-eve")]
    unshifted = plan_windows(pairings, **december)
    assert unshifted.start.tolist() == [dt.date(2026, 12, 25)]


def test_a_window_keeps_its_place_when_no_position_in_the_period_fits() -> None:
    # One common weekday: a seven-day window can never hold two usable days.
    pairings = make_pairings([START], volunteer_slots=[slots("wed-pm")])
    plan = plan_windows(pairings, start=START, until=YEAR_END)
    assert plan.start.tolist()[:2] == [START, START + dt.timedelta(weeks=8)]
    assert set(plan.usable_days.tolist()) == {1}


def test_scottish_holidays_apply_with_the_subdivision() -> None:
    assert dt.date(2027, 1, 2) not in holiday_days("GB", None, START, START).tolist()
    scotland = holiday_days("GB", "SCT", dt.date(2027, 1, 1), dt.date(2027, 1, 4))
    assert dt.date(2027, 1, 2) in scotland.tolist()


@pytest.mark.parametrize("side", ["volunteer_blackout", "household_blackout"])
def test_blackouts_of_either_side_are_avoided(side: str) -> None:
    away = ((START, START + dt.timedelta(days=9)),)
    pairings = make_pairings([START], volunteer_slots=[slots("mon-am;tue-am;wed-am")])
    pairings = dataclasses.replace(pairings, **{side: np.array([away], dtype=object)})
    plan = plan_windows(pairings, start=START, until=YEAR_END, min_usable_days=3)
    # Mon 4 to Wed 13 are away: the first window with Mon, Tue and Wed free starts Thu 14.
    assert plan.start[0] == np.datetime64("2027-01-14")
    assert plan.usable_days[0] == 3
    assert plan.start[1] == np.datetime64(START + dt.timedelta(weeks=8))


def test_pairings_with_no_common_slot_get_windows_with_zero_usable_days() -> None:
    pairings = make_pairings(
        [START, START], volunteer_slots=[slots("mon-am"), 0], household_slots=[slots("tue-am"), 0]
    )
    plan = plan_windows(pairings, start=START, until=YEAR_END, country="GB")
    assert len(plan) == 14
    assert set(plan.usable_days.tolist()) == {0}
    assert set(plan.common_slots.tolist()) == {0}
    assert plan.start[plan.pairing == 0].tolist() == plan.start[plan.pairing == 1].tolist()


def test_an_open_ended_pause_cancels_later_windows_and_resume_plans_the_next_period() -> None:
    pairings = make_pairings([START, START])
    plan = plan_windows(pairings, start=START, until=YEAR_END)
    pause = dt.date(2027, 4, 1)
    cancel = pause_cancel(plan, [1], [pause], [None])
    assert cancel.tolist() == [False] * 7 + [False, False] + [True] * 5
    kept = plan.take(~cancel)
    # Resume on 20 June: the next period of pairing 1 starts on 21 June.
    resume = dt.date(2027, 6, 20)
    last = np.array([plan.start[6], kept.start[kept.pairing == 1][-1]])
    done = np.bincount(kept.pairing, minlength=2).astype(np.int32)
    later = roll_forward(
        dataclasses.replace(pairings, visits_done=done), last, start=resume, until=YEAR_END
    )
    assert later.pairing.tolist() == [1, 1, 1, 1]
    assert later.start.tolist()[0] == dt.date(2027, 6, 21)
    assert later.sequence.tolist() == [3, 4, 5, 6]
    assert later.host.tolist() == [HOST_VOLUNTEER, HOST_HOUSEHOLD] * 2


def test_pause_cancel_handles_several_pairings_and_rejects_bad_pauses() -> None:
    plan = plan_windows(make_pairings([START, START, START]), start=START, until=YEAR_END)
    cancel = pause_cancel(plan, [2, 0], [START, START], [START, dt.date(2027, 3, 1)])
    assert np.flatnonzero(cancel).tolist() == [0, 1, 14]
    with pytest.raises(ValueError, match="listed twice"):
        pause_cancel(plan, [1, 1], START, START)
    with pytest.raises(ValueError, match="ends before"):
        pause_cancel(plan, 1, START, dt.date(2027, 1, 1))


def test_plan_is_deterministic() -> None:
    rng = np.random.default_rng(5)
    n = 500
    pairings = make_pairings(
        (np.datetime64("2026-06-01") + rng.integers(0, 300, n)).tolist(),
        first_host=rng.integers(0, 2, n).tolist(),
        volunteer_slots=rng.integers(0, ALL, n).tolist(),
        household_slots=rng.integers(0, ALL, n).tolist(),
    )
    first, second = (
        plan_windows(pairings, start=START, until=YEAR_END, country="GB") for _ in range(2)
    )
    assert rows(first) == rows(second)


def test_an_empty_programme_or_an_empty_range_plans_nothing() -> None:
    assert len(plan_windows(make_pairings([]), start=START, until=YEAR_END)) == 0
    assert len(plan_windows(make_pairings([START]), start=START, until=START)) == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"window_days": 57}, "window_days"),
        ({"window_days": 0}, "window_days"),
        ({"cadence_weeks": 0}, "cadence_weeks"),
        ({"min_usable_days": -1}, "min_usable_days"),
        ({"country": "XX"}, "no public holidays"),
    ],
)
def test_bad_options_are_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        plan_windows(make_pairings([START]), start=START, until=YEAR_END, **options)


def test_bad_pairings_are_refused() -> None:
    with pytest.raises(ValueError, match="first_host has shape"):
        dataclasses.replace(make_pairings([START, START]), first_host=np.zeros(3, np.int8))
    with pytest.raises(ValueError, match="since is missing"):
        make_pairings(["NaT"])
    with pytest.raises(ValueError, match="first_host must be"):
        make_pairings([START], first_host=[2])
