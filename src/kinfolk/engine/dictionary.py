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
import re
from collections.abc import Iterable
from functools import lru_cache

import langcodes

LEVELS: tuple[str, ...] = ("basic", "conversational", "fluent")
#: Two people can talk when they share a language at this level or better.
COMMUNICATION_LEVEL = LEVELS.index("conversational")

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS: tuple[str, ...] = ("am", "pm", "eve")
#: Slot ``i`` is day ``i // 3`` and part of day ``i % 3``; a week has 21.
SLOTS: tuple[str, ...] = tuple(f"{d}-{p}" for d in DAYS for p in PARTS)
ALL_SLOTS_MASK = (1 << len(SLOTS)) - 1
_SLOT_BITS = {slot: 1 << i for i, slot in enumerate(SLOTS)}

VISIT_PLACES: tuple[str, ...] = ("home", "public", "either")
TRAVEL_MODES: tuple[str, ...] = ("car", "public", "walk")

#: Yes/no conditions of the visit and the home, never of the person
#: (charter rule 3).  A programme may extend this vocabulary.
CONDITIONS: tuple[str, ...] = ("pets", "smoking", "children", "step_free", "parking")

_SEPARATOR = ";"

#: Two regional or script variants of one language (``en`` and ``en-GB``) count as a
#: shared language when ``langcodes`` puts them at most this far apart; 25 is its own
#: bound for "different, but still understandable".
CLOSE_LANGUAGE_DISTANCE = 25

#: Words that name a sensitive category (charter rule 3).  A column, field or criterion
#: whose name contains one of these entries (each a word, or words that must appear
#: together) is refused.  The people app imports this list; the charter tests keep it
#: honest.  Plural forms match too (``religions``, ``disabilities``).
SENSITIVE_WORDS: tuple[tuple[str, ...], ...] = (
    ("ethnic",), ("ethnicity",), ("race",), ("racial",), ("religion",), ("religious",),
    ("faith",), ("belief",), ("caste",), ("political",), ("politics",), ("party", "member"),
    ("party", "membership"), ("union",), ("health",), ("medical",), ("diagnosis",),
    ("illness",), ("disability",), ("disabled",), ("impairment",), ("sexual",),
    ("sexuality",), ("orientation",), ("gay",), ("lesbian",), ("transgender",),
    ("nationality",), ("citizenship",), ("citizen",), ("origin",), ("birthplace",),
    ("country", "of", "birth"), ("birth", "country"), ("home", "country"), ("cultural",),
    ("culture",), ("immigration",), ("immigrant",), ("migrant",), ("asylum",), ("visa",),
    ("residence", "status"), ("residency",), ("refugee", "status"), ("hukou",), ("tribe",),
    ("tribal",), ("skin",),
)  # fmt: skip


#: The English wording of each field error, for the command line and CSV reports.
#: The web layer words the same codes in the reader's language (``web/field_errors.py``).
FIELD_ERRORS: dict[str, str] = {
    "language_unknown": "'{value}' is not a known language tag (for example en, sw, zh-Hans)",
    "level_missing": "'{value}' needs a level, as in en:fluent",
    "level_unknown": "'{value}' is not a level; use one of {choices}",
    "language_repeated": "'{value}' is listed twice",
    "slot_unknown": "'{value}' is not a weekly slot; use day-part such as mon-am, tue-pm, sat-eve",
    "condition_unknown": "'{value}' is not a condition; use one of {choices}",
    "choice_unknown": "'{value}' is not allowed; use one of {choices}",
    "date_invalid": "'{value}' is not a date in the form YYYY-MM-DD",
    "range_reversed": "the range {value} ends before it starts",
    "degrees_invalid": "'{value}' is not a number of degrees",
    "degrees_outside": "{value} is outside -{limit}..{limit} degrees",
    "km_invalid": "'{value}' is not a number of kilometres",
    "km_outside": "{value} km is outside 0..1000",
    "languages_too_many": "'{value}' would be language {limit_plus_one}; one run supports {limit}",
    "speaks_empty": "is empty; give at least one language, as in en:fluent",
    "availability_empty": "is empty; give at least one slot, as in sat-am",
}


class FieldError(ValueError):
    """A field value that does not follow the data dictionary.

    ``code`` (a key of :data:`FIELD_ERRORS`) and ``params`` say what is wrong
    without words, so that each reader can be told in their own language;
    ``message`` is the English wording.
    """

    def __init__(self, field: str, code: str, **params: str) -> None:
        self.field = field
        self.code = code
        self.params = params
        self.message = FIELD_ERRORS[code].format(**params)
        super().__init__(f"{field}: {self.message}")


def _items(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(_SEPARATOR) if part.strip()]


def parse_language_tag(tag: str, *, field: str = "speaks") -> str:
    """Return the standard form of an IETF language tag, or raise FieldError."""
    standard = _standard_tag(tag.strip())
    if standard is None:
        raise FieldError(field, "language_unknown", value=tag)
    return standard


@lru_cache(maxsize=4096)
def _standard_tag(cleaned: str) -> str | None:
    # langcodes is thorough but slow; a programme uses a few dozen tags.
    if not cleaned or not langcodes.tag_is_valid(cleaned):
        return None
    standard = langcodes.standardize_tag(cleaned)
    return None if standard == "und" else standard


def parse_speaks(text: str, *, field: str = "speaks") -> tuple[tuple[str, str], ...]:
    """Parse ``tag:level;tag:level`` into sorted (tag, level) pairs."""
    found: dict[str, str] = {}
    for item in _items(text):
        tag, sep, level = item.partition(":")
        if not sep:
            raise FieldError(field, "level_missing", value=item)
        level = level.strip().lower()
        if level not in LEVELS:
            raise FieldError(field, "level_unknown", value=level, choices=", ".join(LEVELS))
        standard = parse_language_tag(tag, field=field)
        if standard in found:
            raise FieldError(field, "language_repeated", value=standard)
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
        bit = _SLOT_BITS.get(item.lower())
        if bit is None:
            raise FieldError(field, "slot_unknown", value=item)
        mask |= bit
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
            raise FieldError(field, "condition_unknown", value=item, choices=", ".join(known))
        found.add(word)
    return tuple(sorted(found))


def format_conditions(words: Iterable[str]) -> str:
    return _SEPARATOR.join(sorted(words))


def parse_choice(text: str, *, field: str, choices: tuple[str, ...]) -> str:
    value = (text or "").strip().lower()
    if value not in choices:
        raise FieldError(field, "choice_unknown", value=text, choices=", ".join(choices))
    return value


def parse_date(text: str, *, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        raise FieldError(field, "date_invalid", value=text) from None


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
            raise FieldError(field, "range_reversed", value=item)
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
        raise FieldError(field, "degrees_invalid", value=str(text)) from None
    if not -limit <= value <= limit or value != value:
        raise FieldError(field, "degrees_outside", value=str(value), limit=f"{limit:g}")
    return value


def parse_km(text: str | float, *, field: str = "max_travel_km") -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise FieldError(field, "km_invalid", value=str(text)) from None
    if not 0 <= value <= 1000:
        raise FieldError(field, "km_outside", value=f"{value:g}")
    return value


def _name_words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return [w for w in re.split(r"[^a-zA-Z]+", spaced.lower()) if w]


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def sensitive_category(name: str) -> str | None:
    """The sensitive category a column or field name names (charter rule 3), else None.

    Names are split into words (``country_of_birth``, ``countryOfBirth``) and compared
    whole, singular or plural, so that ``country`` or ``trace`` pass while
    ``religion``, ``Religions`` or ``home_country`` do not.

    >>> sensitive_category("religion"), sensitive_category("home_country")
    ('religion', 'home country')
    >>> sensitive_category("town") is None
    True
    """
    found = _name_words(name)
    variants = [found, [_singular(w) for w in found]]
    for entry in SENSITIVE_WORDS:
        n = len(entry)
        for words in variants:
            if any(tuple(words[i : i + n]) == entry for i in range(len(words) - n + 1)):
                return " ".join(entry)
    return None


@lru_cache(maxsize=4096)
def language_distance(a: str, b: str) -> int | None:
    """How far apart two standard tags are (``langcodes``), or None for different languages.

    Tags of one base language (``en``, ``en-GB``, ``en-US``) are close when ``langcodes``
    puts them at most :data:`CLOSE_LANGUAGE_DISTANCE` apart; ``en`` and ``en-GB`` are 5
    apart, ``zh-Hans`` and ``zh-Hant`` (different scripts) 54.

    >>> [language_distance("en", tag) for tag in ("en-GB", "en", "fr")]
    [5, 0, None]
    """
    if a == b:
        return 0
    if langcodes.Language.get(a).language != langcodes.Language.get(b).language:
        return None
    distance = int(langcodes.tag_distance(a, b))
    return distance if distance <= CLOSE_LANGUAGE_DISTANCE else None


def can_communicate(speaks_a: str, speaks_b: str) -> bool:
    """Whether two people share a language at ``conversational`` or better.

    ``speaks_a`` and ``speaks_b`` are ``speaks`` fields (``en:fluent;sw:basic``).
    Languages compare by base language: ``en`` and ``en-GB`` match (see
    :func:`language_distance`).  The engine and the app's hand-pairing check both use
    this rule.

    >>> can_communicate("en:fluent", "en-GB:conversational")
    True
    >>> can_communicate("en:basic", "en:fluent")
    False
    """
    mine = [
        tag for tag, level in parse_speaks(speaks_a) if LEVELS.index(level) >= COMMUNICATION_LEVEL
    ]
    theirs = [
        tag for tag, level in parse_speaks(speaks_b) if LEVELS.index(level) >= COMMUNICATION_LEVEL
    ]
    return any(language_distance(a, b) is not None for a in mine for b in theirs)
