"""Turning a pair's explanation (stored as the engine gave it) into facts people can read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import langcodes
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kinfolk.engine import dictionary as dd
from kinfolk.people import wording as w

_DAYS = {
    "mon": gettext_lazy("Monday"),
    "tue": gettext_lazy("Tuesday"),
    "wed": gettext_lazy("Wednesday"),
    "thu": gettext_lazy("Thursday"),
    "fri": gettext_lazy("Friday"),
    "sat": gettext_lazy("Saturday"),
    "sun": gettext_lazy("Sunday"),
}
_PARTS = {
    "am": gettext_lazy("morning"),
    "pm": gettext_lazy("afternoon"),
    "eve": gettext_lazy("evening"),
}
#: Distances are shown in bands: the exact figure would hint at the address.
DISTANCE_BANDS_KM = (2, 5, 10, 20)


def distance_band(km: float) -> str:
    lower = 0
    for upper in DISTANCE_BANDS_KM:
        if km < upper:
            return (
                _("%(a)s–%(b)s km") % {"a": lower, "b": upper}
                if lower
                else _("under %(b)s km") % {"b": upper}
            )
        lower = upper
    return _("over %(a)s km") % {"a": lower}


def language_names(tags: list[str]) -> str:
    return ", ".join(language_name(t) for t in tags) or "—"


def language_name(tag: str) -> str:
    """The language's name in the reader's language; a tag it cannot read stays as it is."""
    try:
        return str(langcodes.Language.get(tag).display_name(get_language() or "en"))
    except langcodes.LanguageTagError:
        return tag


def slot_names(slots: list[str]) -> str:
    names = []
    for slot in slots:
        day, _sep, part = slot.partition("-")
        names.append(f"{_DAYS.get(day, day)} {_PARTS.get(part, part)}")
    return ", ".join(names) or "—"


def proposal_facts(proposal: Any) -> list[tuple[str, str]]:
    """What each side of a proposal sees: never an address, only a distance band."""
    why = proposal.explanation or {}
    return [
        (_("Distance"), distance_band(proposal.distance_km)),
        (_("Languages you share"), language_names(why.get("shared_languages", []))),
        (_("Languages to exchange"), language_names(why.get("exchange_languages", []))),
        (_("Times you are both usually free"), slot_names(why.get("common_slots", []))),
    ]


def slots_of_mask(mask: int) -> list[str]:
    return [s for i, s in enumerate(dd.SLOTS) if mask >> i & 1]


# --- a pair as a coordinator reads it ------------------------------------------------


@dataclass(frozen=True)
class PairWords:
    """A pair in a coordinator's words: one summary line, and the next-best alternatives."""

    summary: str
    alternatives: list[str]
    lock: str


def pair_words(
    *,
    volunteer: Any,
    household: Any,
    distance_km: float,
    explanation: dict[str, Any] | None,
    today: dt.date | None = None,
    alternatives: dict[tuple[str, str], Any] | None = None,
) -> PairWords:
    """ "2.1 km apart · Ana's 1st choice, Tom's 2nd · Tom waiting 8 months · shares Swahili".

    ``alternatives`` maps (side, external id) to the people the explanation
    names as next best (``pairings.selectors.alternative_people``); ``today``
    is given only while both are still waiting (a run under review, a proposal).
    """
    why = explanation or {}
    v, h = volunteer.first_name, household.first_name
    waiting = []
    if today is not None:
        for person in (household, volunteer):
            words = w.waiting_words(person.waiting_since, today)
            if words:
                waiting.append(
                    _("%(name)s %(waiting)s") % {"name": person.first_name, "waiting": words}
                )
    summary = w.pair_summary(
        [
            w.distance_words(distance_km),
            w.choice_words(v, why.get("volunteer_rank"), h, why.get("household_rank")),
            *waiting,
            w.language_words(_side(volunteer), _side(household)),
        ]
    )
    found = alternatives or {}
    lines = []
    # The volunteer's next-best household, then the household's next-best volunteer.
    for me, other_side, key in (
        (volunteer, "household", "volunteer_alternatives"),
        (household, "volunteer", "household_alternatives"),
    ):
        listed = why.get(key) or []
        if not listed:
            continue
        other = found.get((other_side, str(listed[0][0])))
        if other is None:
            continue
        extra = w.great_circle_km((me.lat, me.lon), (other.lat, other.lon)) - distance_km
        lines.append(w.alternative_words(me.first_name, other.first_name, extra))
    lock = w.lock_words(why.get("lock_cost_change"), why.get("lock_pairs_change"))
    return PairWords(summary=summary, alternatives=lines, lock=lock)


def _side(person: Any) -> w.Side:
    return w.Side(person.first_name, person.speaks, person.learning)


def alternative_ids(explanations: list[dict[str, Any]]) -> dict[str, set[str]]:
    """The external ids each explanation names as the next best, by side (first one only)."""
    ids: dict[str, set[str]] = {"volunteer": set(), "household": set()}
    for why in explanations:
        for side, key in (
            ("household", "volunteer_alternatives"),
            ("volunteer", "household_alternatives"),
        ):
            listed = (why or {}).get(key) or []
            if listed:
                ids[side].add(str(listed[0][0]))
    return ids
