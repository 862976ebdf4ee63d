"""The data dictionary: parsing and formatting of the shared field strings.

Models, forms, CSV files, the import and the API all speak the same small
language (``en:fluent;sw:conversational``, ``mon-am;tue-eve``,
``2026-12-20..2027-01-03``).  This module is the one place that reads and
writes it, so that a value accepted by a form is also accepted by the engine.

Every parser raises :class:`FieldError`, which names the field and says what
is wrong in words a coordinator can act on.

>>> parse_speaks("en:fluent;sw:conversational")
(('en', 'fluent'), ('sw', 'conversational'))
>>> format_availability(parse_availability("tue-eve;mon-am"))
'mon-am;tue-eve'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import langcodes

LEVELS: tuple[str, ...] = ("basic", "conversational", "fluent")
#: Two people can talk when they share a language at this level or better.
COMMUNICATION_LEVEL = LEVELS.index("conversational")

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS: tuple[str, ...] = ("am", "pm", "eve")
#: Slot ``i`` is day ``i // 3`` and part of day ``i % 3``; a week has 21.
SLOTS: tuple[str, ...] = tuple(f"{d}-{p}" for d in DAYS for p in PARTS)
ALL_SLOTS_MASK = (1 << len(SLOTS)) - 1

VISIT_PLACES: tuple[str, ...] = ("home", "public", "either")
TRAVEL_MODES: tuple[str, ...] = ("car", "public", "walk")

#: Yes/no conditions of the visit and the home, never of the person
#: (charter rule 3).  A programme may extend this vocabulary.
CONDITIONS: tuple[str, ...] = ("pets", "smoking", "children", "step_free", "parking")

_SEPARATOR = ";"


class FieldError(ValueError):
    """A field value that does not follow the data dictionary."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _items(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(_SEPARATOR) if part.strip()]


def parse_language_tag(tag: str, *, field: str = "speaks") -> str:
    """Return the standard form of an IETF language tag, or raise FieldError."""
    cleaned = tag.strip()
    if not cleaned or not langcodes.tag_is_valid(cleaned):
        raise FieldError(
            field, f"'{tag}' is not a known language tag (for example en, sw, zh-Hans)"
        )
    standard = langcodes.standardize_tag(cleaned)
    if standard == "und":
        raise FieldError(
            field, f"'{tag}' is not a known language tag (for example en, sw, zh-Hans)"
        )
    return standard


def parse_speaks(text: str, *, field: str = "speaks") -> tuple[tuple[str, str], ...]:
    """Parse ``tag:level;tag:level`` into sorted (tag, level) pairs."""
    found: dict[str, str] = {}
    for item in _items(text):
        tag, sep, level = item.partition(":")
        if not sep:
            raise FieldError(field, f"'{item}' needs a level, as in en:fluent")
        level = level.strip().lower()
        if level not in LEVELS:
            raise FieldError(field, f"'{level}' is not a level; use one of {', '.join(LEVELS)}")
        standard = parse_language_tag(tag, field=field)
        if standard in found:
            raise FieldError(field, f"'{standard}' is listed twice")
        found[standard] = level
    return tuple(sorted(found.items()))


def format_speaks(pairs: Iterable[tuple[str, str]]) -> str:
    return _SEPARATOR.join(f"{tag}:{level}" for tag, level in sorted(pairs))


def parse_languages(text: str, *, field: str = "learning") -> tuple[str, ...]:
    """Parse ``fr;ar`` into sorted, de-duplicated standard tags."""
    return tuple(sorted({parse_language_tag(item, field=field) for item in _items(text)}))


def format_languages(tags: Iterable[str]) -> str:
    return _SEPARATOR.join(sorted(tags))


def parse_availability(text: str, *, field: str = "availability") -> int:
    """Parse ``mon-am;tue-eve`` into a 21-bit mask (bit i is ``SLOTS[i]``)."""
    mask = 0
    for item in _items(text):
        slot = item.lower()
        if slot not in SLOTS:
            raise FieldError(
                field,
                f"'{item}' is not a weekly slot; use day-part such as mon-am, tue-pm, sat-eve",
            )
        mask |= 1 << SLOTS.index(slot)
    return mask


def format_availability(mask: int) -> str:
    return _SEPARATOR.join(slot for i, slot in enumerate(SLOTS) if mask >> i & 1)


def parse_conditions(
    text: str, *, field: str, vocabulary: Iterable[str] = CONDITIONS
) -> tuple[str, ...]:
    """Parse ``pets;smoking`` against the programme's vocabulary of conditions."""
    known = tuple(vocabulary)
    found = set()
    for item in _items(text):
        word = item.lower()
        if word not in known:
            raise FieldError(field, f"'{item}' is not a condition; use one of {', '.join(known)}")
        found.add(word)
    return tuple(sorted(found))


def format_conditions(words: Iterable[str]) -> str:
    return _SEPARATOR.join(sorted(words))


def parse_choice(text: str, *, field: str, choices: tuple[str, ...]) -> str:
    value = (text or "").strip().lower()
    if value not in choices:
        raise FieldError(field, f"'{text}' is not allowed; use one of {', '.join(choices)}")
    return value


def parse_date(text: str, *, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise FieldError(field, f"'{text}' is not a date in the form YYYY-MM-DD") from None


DateRange = tuple[dt.date, dt.date]


def parse_blackout(text: str, *, field: str = "blackout") -> tuple[DateRange, ...]:
    """Parse ``2026-12-20..2027-01-03;2027-08-01..2027-08-14`` into sorted ranges.

    A single date stands for a one-day range.
    """
    ranges = []
    for item in _items(text):
        start_text, sep, end_text = item.partition("..")
        start = parse_date(start_text, field=field)
        end = parse_date(end_text, field=field) if sep else start
        if end < start:
            raise FieldError(field, f"the range {item} ends before it starts")
        ranges.append((start, end))
    return tuple(sorted(ranges))


def format_blackout(ranges: Iterable[DateRange]) -> str:
    return _SEPARATOR.join(
        start.isoformat() if start == end else f"{start.isoformat()}..{end.isoformat()}"
        for start, end in sorted(ranges)
    )


def parse_coordinate(text: str | float, *, field: str) -> float:
    """Parse a latitude (``field='lat'``) or longitude in WGS84 degrees."""
    limit = 90.0 if field == "lat" else 180.0
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise FieldError(field, f"'{text}' is not a number of degrees") from None
    if not -limit <= value <= limit or value != value:
        raise FieldError(field, f"{value} is outside -{limit:g}..{limit:g} degrees")
    return value


def parse_km(text: str | float, *, field: str = "max_travel_km") -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise FieldError(field, f"'{text}' is not a number of kilometres") from None
    if not 0 <= value <= 1000:
        raise FieldError(field, f"{value:g} km is outside 0..1000")
    return value
