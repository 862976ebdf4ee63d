"""Checking every row of a mapped file against the data dictionary, and placing each person.

Each distinct value of a column is parsed once (a file of 110,000 households
has a few thousand distinct ``speaks`` values), so checking is a dictionary
lookup per cell.  Every problem of every row is kept, with the row number as a
spreadsheet shows it (the header is row 1), the column as the file names it,
the value, and what is wrong in plain words.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from kinfolk.engine import dictionary as dd
from kinfolk.imports.geocoding import Answers, Query
from kinfolk.imports.places import Place, PlaceError, Placer
from kinfolk.privacy.phones import phone_e164_or_none, phone_example
from kinfolk.web.field_errors import field_error_text

#: Invisible direction marks and embeddings: a name is isolated where it is shown.
_BIDI = dict.fromkeys(
    map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)
#: Addresses of the usual shape pass at once; anything else goes through Django's validator.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}"
)
_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{4,30}$")
LIMITS = {"id": 64, "first_name": 80, "last_name": 80, "address": 300, "town": 120}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    value: str
    message: str


class _Bad(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _name(text: str) -> str:
    text = unicodedata.normalize("NFC", text.translate(_BIDI)).strip()
    if text.startswith("="):
        # A spreadsheet formula, not a name: refused rather than stored to be run later.
        raise _Bad(_("looks like a spreadsheet formula, not a name"))
    return text


def _required(parse: Callable[[str], Any], what: str) -> Callable[[str], Any]:
    def checked(text: str) -> Any:
        if not text:
            raise _Bad(_("is empty; give %(what)s") % {"what": what})
        return parse(text)

    return checked


def _email(text: str) -> str:
    if len(text) <= 254 and _PLAIN_EMAIL.fullmatch(text):
        return text.lower()
    try:
        validate_email(text)
    except ValidationError:
        raise _Bad(_("is not an e-mail address")) from None
    return text.lower()


def _phone(text: str, country: str) -> str:
    """The number in E.164, as the people pages store it and as a text message is sent."""
    found = phone_e164_or_none(text, country=country) if _PHONE.match(text) else None
    if found is None:
        raise _Bad(
            _(
                "is not a phone number we can use: write it as it is dialled in %(country)s, "
                "or with its country code, such as %(example)s"
            )
            % {"country": country, "example": phone_example(country)}
        )
    return found


_SLOT_INDEX = {slot: i for i, slot in enumerate(dd.SLOTS)}


def _availability(text: str) -> str:
    """The data dictionary's form of a week; a fast path for the usual, valid spelling."""
    slots = {part.strip().lower() for part in text.split(";") if part.strip()}
    if slots and slots <= _SLOT_INDEX.keys():
        return ";".join(sorted(slots, key=_SLOT_INDEX.__getitem__))
    return dd.format_availability(dd.parse_availability(text))  # raises with the message


def _waiting(text: str) -> Any:
    return dd.parse_date(text, field="waiting_since") if text else None


def _parsers(side: str, country: str) -> dict[str, Callable[[str], Any]]:
    places = "either" if side == "volunteer" else "home"
    return {
        "id": _required(lambda t: t, _("the person's id in your records")),
        "first_name": _required(_name, _("a first name")),
        "last_name": _name,
        "email": lambda t: _email(t) if t else "",
        "phone": lambda t: _phone(t, country) if t else "",
        "address": lambda t: t,
        "max_travel_km": lambda t: dd.parse_km(t) if t else 10.0,
        "visit_places": lambda t: dd.parse_choice(
            t or places, field="visit_places", choices=dd.VISIT_PLACES
        ),
        "speaks": _required(
            lambda t: dd.format_speaks(dd.parse_speaks(t)), _("a language, as en:fluent")
        ),
        "learning": lambda t: dd.format_languages(dd.parse_languages(t)),
        "availability": _required(
            _availability,
            _("at least one weekly slot, as sat-am"),
        ),
        "offers": lambda t: dd.format_conditions(dd.parse_conditions(t, field="offers")),
        "accepts": lambda t: dd.format_conditions(dd.parse_conditions(t, field="accepts")),
        "waiting_since": _waiting,
        "blackout": lambda t: dd.format_blackout(dd.parse_blackout(t)),
        "travel_mode": lambda t: dd.parse_choice(
            t or "public", field="travel_mode", choices=dd.TRAVEL_MODES
        ),
    }


class _Cached:
    """One field's parser: a value and no message, or no value and what is wrong."""

    def __init__(self, field: str, parse: Callable[[str], Any]) -> None:
        self.field = field
        self.parse = parse

    def parse_one(self, text: str) -> tuple[Any, str]:
        limit = LIMITS.get(self.field)
        if limit and len(text) > limit:
            return None, _("is longer than %(n)s characters") % {"n": limit}
        try:
            return self.parse(text), ""
        except _Bad as bad:
            return None, bad.message
        except dd.FieldError as error:
            return None, field_error_text(error)


#: Fields stored exactly as the file has them (after trimming).
_AS_GIVEN = frozenset({"id", "address"})


@dataclass
class Checked:
    """The valid rows as records of model values, and every problem of the others."""

    records: list[dict[str, Any]]
    problems: list[Problem]
    invalid_rows: int


class ColumnChecker:
    """Checks a mapped file column by column: each distinct value of a column is parsed once.

    Only the rows that hold a bad value are visited one by one, so a clean
    column of 110,000 cells costs one set, one dictionary and one ``map``.
    """

    def __init__(
        self,
        *,
        side: str,
        mapping: dict[str, str],
        header: list[str],
        placer: Placer,
        geocode: Callable[[list[Query]], Answers] | None = None,
        geocode_addresses: bool = False,
    ):
        """``geocode`` looks up the places the placer refuses (None: no geocoder, the default);
        ``geocode_addresses`` lets a row placed by nothing but its address be looked up."""
        self.columns = {field: (header.index(col), col) for col, field in mapping.items()}
        self.parsers = {
            field: _Cached(field, parse)
            for field, parse in _parsers(side, placer.country).items()
            if field in self.columns
        }
        self.placer = placer
        self.geocode = geocode
        self.geocode_addresses = geocode_addresses

    @property
    def steps(self) -> int:
        return len(self.parsers) + 2

    def check(self, rows: list[list[str]], progress: Callable[[int], None]) -> Checked:
        found: dict[int, list[Problem]] = defaultdict(list)
        values: dict[str, list[Any]] = {}
        for step, (field, parse) in enumerate(self.parsers.items(), start=1):
            values[field] = self._column(field, parse, rows, found)
            progress(step)
        values["town"], values["lat"], values["lon"] = self._places(rows, found)
        self._unique(rows, found)
        progress(self.steps)
        fields = list(values)
        records = [
            {**dict(zip(fields, row_values, strict=True)), "row": i + 2}
            for i, row_values in enumerate(zip(*values.values(), strict=True))
            if i not in found
        ]
        problems = [p for i in sorted(found) for p in found[i]]
        return Checked(records, problems, len(found))

    def _column(
        self,
        field: str,
        parse: _Cached,
        rows: list[list[str]],
        found: dict[int, list[Problem]],
    ) -> list[Any]:
        at, name = self.columns[field]
        column = [row[at] for row in rows]
        distinct = set(column)
        if field in _AS_GIVEN:
            # Kept as written: only an empty id or a long text can be wrong.
            limit = LIMITS[field]
            suspect = {t for t in distinct if len(t) > limit or (field == "id" and not t)}
            results = {text: parse.parse_one(text) for text in suspect}
        else:
            results = {text: parse.parse_one(text) for text in distinct}
        bad = {text for text, (_value, message) in results.items() if message}
        if bad:
            for i, text in enumerate(column):
                if text in bad:
                    found[i].append(Problem(i + 2, name, text, results[text][1]))
        if field in _AS_GIVEN:
            return column
        good = {text: value for text, (value, _message) in results.items()}
        return list(map(good.__getitem__, column))

    def _text(self, field: str, rows: list[list[str]]) -> tuple[list[str], str]:
        at, column = self.columns.get(field, (-1, field))
        return ([row[at] for row in rows] if at >= 0 else [""] * len(rows)), column

    def _places(
        self, rows: list[list[str]], found: dict[int, list[Problem]]
    ) -> tuple[list[str], list[float], list[float]]:
        lat, lat_column = self._text("lat", rows)
        lon, lon_column = self._text("lon", rows)
        town, town_column = self._text("town", rows)
        postcode, postcode_column = self._text("postcode", rows)
        address, address_column = self._text("address", rows)
        places: list[Place] = []
        #: Rows the placer refused that the geocoder may place: row -> (query, column).
        pending: dict[int, tuple[Query, str]] = {}
        for i in range(len(rows)):
            query: Query | None = None
            try:
                if lat[i] or lon[i]:
                    column = lat_column
                    place = self.placer.coordinates(lat[i], lon[i], town[i])
                elif postcode[i]:
                    column, query = postcode_column, Query("postcode", postcode[i])
                    place = self.placer.postcode(postcode[i], town[i])
                elif town[i]:
                    column, query = town_column, Query("town", town[i])
                    place = self.placer.town(town[i])
                else:
                    if address[i].strip() and self.geocode_addresses:
                        column, query = address_column, Query("address", address[i])
                    raise PlaceError("", self.placer.unplaced_message())
            except dd.FieldError as error:
                lon_bad = error.field == "lon"
                found[i].append(
                    Problem(i + 2, lon_column if lon_bad else lat_column,
                            lon[i] if lon_bad else lat[i], field_error_text(error))
                )  # fmt: skip
                place = ("", 0.0, 0.0)
            except PlaceError as error:
                if self.geocode is not None and query is not None:
                    pending[i] = (query, column)
                else:
                    found[i].append(Problem(i + 2, column if error.value else town_column,
                                            error.value, error.message))  # fmt: skip
                place = ("", 0.0, 0.0)
            places.append(place)
        if pending and self.geocode is not None:
            answers = self.geocode([query for query, _column in pending.values()])
            for i, (query, column) in pending.items():
                try:
                    places[i] = self.placer.geocoded(query, answers[query.key], town[i])
                except PlaceError as error:
                    found[i].append(Problem(i + 2, column, error.value, error.message))
        for i, place in enumerate(places):
            if len(place[0]) > LIMITS["town"]:
                found[i].append(
                    Problem(i + 2, town_column, town[i], _("is longer than 120 characters"))
                )
        if not places:
            return [], [], []
        towns, lats, lons = map(list, zip(*places, strict=True))
        return towns, lats, lons

    def _unique(self, rows: list[list[str]], found: dict[int, list[Problem]]) -> None:
        at, column = self.columns["id"]
        first: dict[str, int] = {}
        for i, row in enumerate(rows):
            external_id = row[at]
            earlier = first.setdefault(external_id, i)
            if earlier != i and external_id:
                message = _("'%(id)s' is also the id on row %(row)s") % {
                    "id": external_id,
                    "row": earlier + 2,
                }
                found[i].append(Problem(i + 2, column, external_id, message))
