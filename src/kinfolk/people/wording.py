"""People and matches in words a coordinator reads without training.

The data dictionary's strings (``en:fluent;sw:conversational``, ``mon-am;tue-eve``,
``pets;children``) and the engine's explanation (ranks, integer costs) are for
machines.  These functions turn them into phrases: languages by name, a week as
a 7 × 3 grid, travel in kilometres and a mode, conditions as third-person
sentences, and a pair as "2.1 km apart · Ana's 1st choice, Tom's 2nd".

Nothing here prints a latitude, a longitude or a cost: a pair is described by
its distance, its ranks and the languages it shares.  Names go in as first
names, never as a pronoun, so no gender is invented.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import langcodes
from dateutil.relativedelta import relativedelta
from django.utils import formats
from django.utils.text import get_text_list
from django.utils.translation import (
    get_language,
    gettext_lazy,
    ngettext,
    pgettext,
    pgettext_lazy,
)
from django.utils.translation import gettext as _

from kinfolk.engine import dictionary as dd

DAY_NAMES = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)
DAY_SHORT_NAMES = (
    pgettext_lazy("day of the week, short", "Mon"),
    pgettext_lazy("day of the week, short", "Tue"),
    pgettext_lazy("day of the week, short", "Wed"),
    pgettext_lazy("day of the week, short", "Thu"),
    pgettext_lazy("day of the week, short", "Fri"),
    pgettext_lazy("day of the week, short", "Sat"),
    pgettext_lazy("day of the week, short", "Sun"),
)
PART_NAMES = (gettext_lazy("morning"), gettext_lazy("afternoon"), gettext_lazy("evening"))
LEVEL_NAMES = {
    "basic": gettext_lazy("basic"),
    "conversational": gettext_lazy("conversational"),
    "fluent": gettext_lazy("fluent"),
}
TRAVEL_MODE_NAMES = {
    "car": gettext_lazy("by car"),
    "public": gettext_lazy("by public transport"),
    "walk": gettext_lazy("on foot"),
}
#: What a yes/no condition is, as the object of "a home with …".
CONDITION_NAMES = {
    "pets": gettext_lazy("pets"),
    "smoking": gettext_lazy("smoking"),
    "children": gettext_lazy("children"),
    "step_free": gettext_lazy("step-free access"),
    "parking": gettext_lazy("parking"),
}


# --- a person's profile --------------------------------------------------------------


def language_name(tag: str) -> str:
    """The language's name in the reader's language; a tag it cannot read stays as it is.

    >>> language_name("sw")
    'Swahili'
    """
    try:
        return str(langcodes.Language.get(tag).display_name(get_language() or "en"))
    except (LookupError, ValueError):
        return tag


def speaks_words(speaks: str) -> list[str]:
    """``en:fluent;sw:basic`` as ["English (fluent)", "Swahili (basic)"]."""
    try:
        pairs = dd.parse_speaks(speaks)
    except dd.FieldError:
        return [speaks] if speaks else []
    return [f"{language_name(tag)} ({LEVEL_NAMES.get(lv, lv)})" for tag, lv in pairs]


def learning_words(learning: str) -> list[str]:
    """``fr;ar`` as ["French", "Arabic"]."""
    return [language_name(tag) for tag in _items(learning)]


@dataclass(frozen=True)
class GridDay:
    """One row of the availability grid: a day and whether each part of it is free."""

    name: str
    short: str
    free: tuple[bool, bool, bool]


def availability_grid(availability: str) -> list[GridDay]:
    """The week as 7 days × (morning, afternoon, evening), True where the person is free."""
    chosen = set(_items(availability))
    n = len(dd.PARTS)
    return [
        GridDay(
            name=str(DAY_NAMES[d]),
            short=str(DAY_SHORT_NAMES[d]),
            free=tuple(dd.SLOTS[d * n + p] in chosen for p in range(n)),  # type: ignore[arg-type]
        )
        for d in range(len(dd.DAYS))
    ]


def part_names() -> list[str]:
    """The grid's column headings."""
    return [str(p) for p in PART_NAMES]


def travel_words(max_travel_km: float, travel_mode: str) -> str:
    """ "up to 10 km, by public transport"."""
    mode = TRAVEL_MODE_NAMES.get(travel_mode, travel_mode)
    return _("up to %(km)s km, %(mode)s") % {"km": _number(max_travel_km), "mode": mode}


def place_words(visit_places: str, *, side: str) -> str:
    """Where visits may happen, as a sentence about the person."""
    if side == "household":
        words = {
            "home": _("Visits happen at home."),
            "public": _("Visits happen in a public place."),
            "either": _("Visits happen at home or in a public place."),
        }
    else:
        words = {
            "home": _("Hosts visits at home."),
            "public": _("Hosts visits in a public place."),
            "either": _("Hosts visits at home or in a public place."),
        }
    return words.get(visit_places, visit_places)


def condition_sentences(first_name: str, offers: str, accepts: str) -> list[str]:
    """The yes/no conditions in the third person, with the person's first name.

    ``offers`` describes the person's own home; ``accepts`` the homes they are
    happy to visit.  An empty side says so, so that nothing reads as unknown.
    """
    has = _condition_list(offers)
    ok = _condition_list(accepts)
    return [
        _("%(name)s's home has %(things)s.") % {"name": first_name, "things": has}
        if has
        else _("%(name)s's home has none of the listed conditions.") % {"name": first_name},
        _("%(name)s is happy to visit a home with %(things)s.") % {"name": first_name, "things": ok}
        if ok
        else _("%(name)s prefers a home without any of the listed conditions.")
        % {"name": first_name},
    ]


def _condition_list(conditions: str) -> str:
    names = [str(CONDITION_NAMES.get(c, c.replace("_", " "))) for c in _items(conditions)]
    return str(get_text_list(names, _("and"))) if names else ""


def blackout_words(blackout: str) -> str:
    """``2026-12-20..2027-01-03`` in the locale's date format, as "20 Dec 2026 to 3 Jan 2027"."""
    try:
        ranges = dd.parse_blackout(blackout)
    except dd.FieldError:
        return blackout

    def day(date: dt.date) -> str:
        return str(formats.date_format(date, "DATE_FORMAT"))

    return ", ".join(
        day(first)
        if first == last
        else _("%(first)s to %(last)s") % {"first": day(first), "last": day(last)}
        for first, last in ranges
    )


@dataclass(frozen=True)
class ProfileWords:
    """Everything a person page shows of a profile, in words; no coordinate, no code."""

    town: str
    speaks: list[str]
    learning: list[str]
    travel: str
    places: str
    conditions: list[str]
    grid: list[GridDay]
    parts: list[str]
    blackout: str


def profile_words(person: Any) -> ProfileWords:
    """A volunteer's or household's stored profile, worded for a page about them."""
    return ProfileWords(
        town=person.town,
        speaks=speaks_words(person.speaks),
        learning=learning_words(person.learning),
        travel=travel_words(person.max_travel_km, person.travel_mode),
        places=place_words(person.visit_places, side=person.side),
        conditions=condition_sentences(person.first_name, person.offers, person.accepts),
        grid=availability_grid(person.availability),
        parts=part_names(),
        blackout=blackout_words(person.blackout),
    )


# --- a pair ----------------------------------------------------------------------------


def distance_words(km: float) -> str:
    """ "2.1 km apart"; under 100 m reads "under 0.1 km apart"."""
    if km < 0.1:
        return _("under 0.1 km apart")
    return _("%(km)s km apart") % {"km": _number(round(km, 1))}


def ordinal(n: int) -> str:
    """1 → "1st", 2 → "2nd", 11 → "11th", 23 → "23rd" (in English; translators adapt)."""
    if n % 100 in (11, 12, 13):
        return pgettext("ordinal 11, 12, 13", "%(n)sth") % {"n": n}
    templates = {
        1: pgettext("ordinal 1", "%(n)sst"),
        2: pgettext("ordinal 2", "%(n)snd"),
        3: pgettext("ordinal 3", "%(n)srd"),
    }
    return templates.get(n % 10, pgettext("ordinal 0, 4-9", "%(n)sth")) % {"n": n}


def choice_words(
    volunteer_name: str, volunteer_rank: int | None, household_name: str, household_rank: int | None
) -> str:
    """ "Ana's 1st choice, Tom's 2nd"; a missing rank is left out; none gives ""."""
    parts = []
    if volunteer_rank:
        parts.append((volunteer_name, volunteer_rank))
    if household_rank:
        parts.append((household_name, household_rank))
    if not parts:
        return ""
    first = _("%(name)s's %(nth)s choice") % {"name": parts[0][0], "nth": ordinal(parts[0][1])}
    if len(parts) == 1:
        return first
    return _("%(first)s, %(name)s's %(nth)s") % {
        "first": first,
        "name": parts[1][0],
        "nth": ordinal(parts[1][1]),
    }


def waiting_words(since: dt.date | None, today: dt.date) -> str:
    """ "waiting 8 months", "waiting 3 weeks", "waiting 2 days"; "" without a date."""
    found = _wait(since, today)
    if found is None:
        return ""
    n, unit = found
    if unit == "months":
        return ngettext("waiting %(n)s month", "waiting %(n)s months", n) % {"n": n}
    if unit == "weeks":
        return ngettext("waiting %(n)s week", "waiting %(n)s weeks", n) % {"n": n}
    return ngettext("waiting %(n)s day", "waiting %(n)s days", n) % {"n": n}


def wait_length(since: dt.date | None, today: dt.date) -> str:
    """How long since a date, for beside it: "8 months", "3 weeks", "2 days"; "" without one."""
    found = _wait(since, today)
    if found is None:
        return ""
    n, unit = found
    if unit == "months":
        return ngettext("%(n)s month", "%(n)s months", n) % {"n": n}
    if unit == "weeks":
        return ngettext("%(n)s week", "%(n)s weeks", n) % {"n": n}
    return ngettext("%(n)s day", "%(n)s days", n) % {"n": n}


def _wait(since: dt.date | None, today: dt.date) -> tuple[int, str] | None:
    if since is None or since > today:
        return None
    gap = relativedelta(today, since)
    months = gap.years * 12 + gap.months
    if months >= 1:
        return months, "months"
    days = (today - since).days
    return (days // 7, "weeks") if days >= 14 else (days, "days")


@dataclass(frozen=True)
class Side:
    """What the pair wording needs of one person: a first name and their languages."""

    first_name: str
    speaks: str
    learning: str


def language_words(a: Side, b: Side) -> str:
    """ "shares Swahili; Ana is learning Arabic, which Tom speaks" (either way round).

    A language counts as shared at conversational level or better on both
    sides, as the engine counts it; an exchange is a language one is learning
    that the other speaks at any level.
    """
    a_speaks, b_speaks = _spoken(a.speaks), _spoken(b.speaks)
    shared = sorted(
        t
        for t in a_speaks.keys() & b_speaks.keys()
        if min(a_speaks[t], b_speaks[t]) >= dd.COMMUNICATION_LEVEL
    )
    parts = []
    if shared:
        names = get_text_list([language_name(t) for t in shared], _("and"))
        parts.append(_("shares %(languages)s") % {"languages": names})
    for learner, speaker, spoken in ((a, b, b_speaks), (b, a, a_speaks)):
        for tag in _items(learner.learning):
            if tag in spoken:
                parts.append(
                    _("%(learner)s is learning %(language)s, which %(speaker)s speaks")
                    % {
                        "learner": learner.first_name,
                        "language": language_name(tag),
                        "speaker": speaker.first_name,
                    }
                )
    return "; ".join(parts)


def _spoken(speaks: str) -> dict[str, int]:
    try:
        return {tag: dd.LEVELS.index(lv) for tag, lv in dd.parse_speaks(speaks)}
    except dd.FieldError:
        return {}


def alternative_words(for_name: str, name: str, extra_km: float | None) -> str:
    """The next-best alternative: "next best for Ana: Bea, 1.3 km further" (or nearer)."""
    values = {"for": for_name, "name": name}
    if extra_km is None:
        return _("next best for %(for)s: %(name)s") % values
    if abs(extra_km) < 0.1:
        return _("next best for %(for)s: %(name)s, about as far") % values
    values["km"] = _number(round(abs(extra_km), 1))
    if extra_km > 0:
        return _("next best for %(for)s: %(name)s, %(km)s km further") % values
    return _("next best for %(for)s: %(name)s, %(km)s km nearer") % values


def lock_words(cost_change: int | None, pairs_change: int | None) -> str:
    """What keeping a pair by hand does to the rest of the run, without its cost units."""
    if cost_change is None:
        return ""
    if pairs_change and pairs_change < 0:
        return ngettext(
            "kept by hand: the run makes %(n)s pair fewer because of it",
            "kept by hand: the run makes %(n)s pairs fewer because of it",
            -pairs_change,
        ) % {"n": -pairs_change}
    if cost_change > 0:
        return _("kept by hand: the other pairs fit a little less well because of it")
    return _("kept by hand: it is also the best fit")


def great_circle_km(a: Sequence[float], b: Sequence[float]) -> float:
    """Kilometres between two (lat, lon) points, for "how much further" (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def pair_summary(parts: Iterable[Any]) -> str:
    """The non-empty phrases of a pair joined as one line: "2.1 km apart · shares Swahili"."""
    return " · ".join(str(p) for p in parts if p)


def _items(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


def _number(value: float) -> str:
    """10.0 → "10", 2.5 → "2.5" (in the locale's decimal mark): no ".0" on whole kilometres."""
    if float(value).is_integer():
        return str(int(value))
    return str(formats.number_format(value, use_l10n=True))
