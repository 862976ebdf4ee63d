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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from kinfolk.engine import dictionary as dd
from kinfolk.imports.places import PlaceError, Placer

#: Invisible direction marks and embeddings: a name is isolated where it is shown.
_BIDI = dict.fromkeys(
    map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
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
    try:
        validate_email(text)
    except ValidationError:
        raise _Bad(_("is not an e-mail address")) from None
    return text.lower()


def _phone(text: str) -> str:
    if not _PHONE.match(text):
        raise _Bad(_("is not a phone number (digits, spaces and a leading +)"))
    return text


def _waiting(text: str) -> Any:
    return dd.parse_date(text, field="waiting_since") if text else None


def _parsers(side: str) -> dict[str, Callable[[str], Any]]:
    places = "either" if side == "volunteer" else "home"
    return {
        "id": _required(lambda t: t, _("the person's id in your records")),
        "first_name": _required(_name, _("a first name")),
        "last_name": _name,
        "email": lambda t: _email(t) if t else "",
        "phone": lambda t: _phone(t) if t else "",
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
            lambda t: dd.format_availability(dd.parse_availability(t)),
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
    """One field's parser, run once per distinct text."""

    def __init__(self, field: str, parse: Callable[[str], Any]) -> None:
        self.field = field
        self.parse = parse
        self.seen: dict[str, tuple[Any, str]] = {}

    def __call__(self, text: str) -> tuple[Any, str]:
        found = self.seen.get(text)
        if found is None:
            found = self.seen[text] = self._parse(text)
        return found

    def _parse(self, text: str) -> tuple[Any, str]:
        limit = LIMITS.get(self.field)
        if limit and len(text) > limit:
            return None, _("is longer than %(n)s characters") % {"n": limit}
        try:
            return self.parse(text), ""
        except _Bad as bad:
            return None, bad.message
        except dd.FieldError as error:
            return None, error.message


@dataclass
class Checked:
    """The valid rows as records of model values, and every problem of the others."""

    records: list[dict[str, Any]]
    problems: list[Problem]
    invalid_rows: int


class RowChecker:
    """Checks rows of one mapped file; ``check`` is called once per row, in order."""

    def __init__(self, *, side: str, mapping: dict[str, str], header: list[str], placer: Placer):
        self.columns = {field: (header.index(col), col) for col, field in mapping.items()}
        self.parsers = {
            field: _Cached(field, parse)
            for field, parse in _parsers(side).items()
            if field in self.columns
        }
        self.placer = placer
        self.ids: dict[str, int] = {}

    def check(self, number: int, row: list[str]) -> tuple[dict[str, Any] | None, list[Problem]]:
        record: dict[str, Any] = {}
        problems: list[Problem] = []
        for field, parse in self.parsers.items():
            at, column = self.columns[field]
            value, message = parse(row[at])
            if message:
                problems.append(Problem(number, column, row[at], message))
            else:
                record[field] = value
        self._place(number, row, record, problems)
        self._unique(number, record, problems)
        return (None if problems else record), problems

    def _text(self, row: list[str], field: str) -> tuple[str, str]:
        at, column = self.columns.get(field, (-1, field))
        return (row[at] if at >= 0 else ""), column

    def _place(self, number: int, row: list[str], record: dict[str, Any], problems: list[Problem]):
        lat, lat_column = self._text(row, "lat")
        lon, lon_column = self._text(row, "lon")
        town, town_column = self._text(row, "town")
        postcode, postcode_column = self._text(row, "postcode")
        try:
            if lat or lon:
                column = lat_column
                place = self.placer.coordinates(lat, lon, town)
            elif postcode:
                column = postcode_column
                place = self.placer.postcode(postcode, town)
            elif town:
                column = town_column
                place = self.placer.town(town)
            else:
                problems.append(Problem(number, town_column, "", self.placer.unplaced_message()))
                return
        except dd.FieldError as error:
            column = lon_column if error.field == "lon" else column
            problems.append(
                Problem(number, column, lon if error.field == "lon" else lat, error.message)
            )
            return
        except PlaceError as error:
            problems.append(Problem(number, column, error.value, error.message))
            return
        record["town"], record["lat"], record["lon"] = place
        if len(record["town"]) > LIMITS["town"]:
            problems.append(Problem(number, town_column, town, _("is longer than 120 characters")))

    def _unique(self, number: int, record: dict[str, Any], problems: list[Problem]) -> None:
        external_id = record.get("id")
        if not external_id:
            return
        earlier = self.ids.setdefault(external_id, number)
        if earlier != number:
            column = self.columns["id"][1]
            message = _("'%(id)s' is also the id on row %(row)s") % {
                "id": external_id,
                "row": earlier,
            }
            problems.append(Problem(number, column, external_id, message))


def rows_check(
    checker: RowChecker, rows: Iterator[list[str]], progress: Callable[[int], None]
) -> Checked:
    records: list[dict[str, Any]] = []
    problems: list[Problem] = []
    invalid = 0
    for number, row in enumerate(rows, start=2):
        record, found = checker.check(number, row)
        if record is None:
            invalid += 1
            problems.extend(found)
        else:
            record["row"] = number
            records.append(record)
        if number % 5000 == 0:
            progress(number - 1)
    return Checked(records, problems, invalid)
