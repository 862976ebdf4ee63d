"""Turning a pair's explanation (stored as the engine gave it) into facts people can read."""

from __future__ import annotations

from typing import Any

import langcodes
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kinfolk.engine import dictionary as dd

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
