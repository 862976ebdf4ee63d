"""Columnar arrays of people: one row per volunteer or household.

A :class:`Population` holds the data dictionary's fields as numpy arrays so
that the matching engine can filter and score millions of candidate pairs
without touching Python objects.  Set-valued fields become bitmasks:

* languages are indexed per population (``Population.languages``, at most 64
  tags); ``speaks_any`` has bit ``j`` set when the person speaks
  ``languages[j]`` at any level, ``speaks_conv`` at ``conversational`` or
  better and ``speaks_fluent`` at ``fluent``; ``learning`` likewise;
* availability is the dictionary's 21-bit slot mask;
* ``offers`` and ``accepts`` are masks over ``Population.conditions``.

Text in, text out: :meth:`Population.from_records` parses data dictionary
strings (as in a CSV file) and :meth:`Population.to_records` gives them back.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from kinfolk.engine import dictionary as dd
from kinfolk.engine.csvfiles import RowError, read_table, write_tables

__all__ = ["COLUMNS", "KINDS", "MAX_LANGUAGES", "Population", "RowError", "read_csv", "write_csv"]

COLUMNS: tuple[str, ...] = (
    "id",
    "first_name",
    "town",
    "lat",
    "lon",
    "max_travel_km",
    "visit_places",
    "speaks",
    "learning",
    "availability",
    "offers",
    "accepts",
    "waiting_since",
    "blackout",
    "travel_mode",
)
KINDS: tuple[str, ...] = ("volunteers", "households")
#: A language bitmask is one uint64, so one population may use 64 languages.
MAX_LANGUAGES = 64

_T = TypeVar("_T")


@dataclass(eq=False)
class Population:
    """People of one side of a programme, one array element per person.

    Attributes
    ----------
    kind : str
        ``"volunteers"`` or ``"households"``.
    id, first_name, town : ndarray of str, shape (n,)
    lat, lon : ndarray of float64, shape (n,)
        WGS84 degrees.
    max_travel_km : ndarray of float32, shape (n,)
    visit_places : ndarray of int8, shape (n,)
        Index into ``dictionary.VISIT_PLACES``.
    speaks_any, speaks_conv, speaks_fluent, learning : ndarray of uint64, shape (n,)
        Bitmasks over ``languages``.
    availability : ndarray of uint32, shape (n,)
        Bit ``i`` is ``dictionary.SLOTS[i]``.
    offers, accepts : ndarray of uint32, shape (n,)
        Bitmasks over ``conditions``.
    waiting_since : ndarray of datetime64[D], shape (n,)
        ``NaT`` when not given.
    blackout : ndarray of object, shape (n,)
        Tuples of ``(start, end)`` dates.
    travel_mode : ndarray of int8, shape (n,)
        Index into ``dictionary.TRAVEL_MODES``.
    languages : tuple of str
        The language index of the bitmasks (standard IETF tags).
    conditions : tuple of str
        The condition vocabulary of ``offers``/``accepts``.
    """

    kind: str
    id: npt.NDArray[np.str_]
    first_name: npt.NDArray[np.str_]
    town: npt.NDArray[np.str_]
    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    max_travel_km: npt.NDArray[np.float32]
    visit_places: npt.NDArray[np.int8]
    speaks_any: npt.NDArray[np.uint64]
    speaks_conv: npt.NDArray[np.uint64]
    speaks_fluent: npt.NDArray[np.uint64]
    learning: npt.NDArray[np.uint64]
    availability: npt.NDArray[np.uint32]
    offers: npt.NDArray[np.uint32]
    accepts: npt.NDArray[np.uint32]
    waiting_since: npt.NDArray[np.datetime64]
    blackout: npt.NDArray[np.object_]
    travel_mode: npt.NDArray[np.int8]
    languages: tuple[str, ...] = ()
    conditions: tuple[str, ...] = field(default=dd.CONDITIONS)

    def __len__(self) -> int:
        return int(self.id.shape[0])

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, str]],
        *,
        kind: str,
        conditions: Sequence[str] = dd.CONDITIONS,
        row_numbers: Sequence[int] | None = None,
    ) -> Population:
        """Parse data dictionary strings, one mapping per person.

        Parameters
        ----------
        records : iterable of mapping str -> str
            Keyed by the CSV column names (:data:`COLUMNS`); missing keys
            count as empty.  ``learning``, ``offers``, ``accepts``,
            ``waiting_since``, ``blackout``, ``first_name`` and ``town`` may
            be empty; ``visit_places`` defaults to ``home`` and
            ``travel_mode`` to ``public``.
        kind : {"volunteers", "households"}
        conditions : sequence of str
            The programme's vocabulary of yes/no conditions.
        row_numbers : sequence of int, optional
            The row number of each record in errors (default: 2, 3, …, as
            in a file with a header row).

        Returns
        -------
        Population

        Raises
        ------
        RowError
            Naming the row (header = row 1) and the field of the first bad
            value; a duplicate id names both rows.

        Notes
        -----
        O(n) Python work per row, but each distinct field text is parsed
        once (people share ``speaks`` and ``availability`` strings often),
        so 100,000 rows take about a second.
        """
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        parser = _RecordParser(tuple(conditions))
        for index, record in enumerate(records):
            parser.add(row_numbers[index] if row_numbers is not None else index + 2, record)
        return parser.build(kind)

    def to_records(self) -> list[dict[str, str]]:
        """Return one dict of data dictionary strings per person, keyed by :data:`COLUMNS`."""
        speaks = _memo(self._format_speaks)
        learning = _memo(lambda m: dd.format_languages(_mask_items(m, self.languages)))
        slots = _memo(dd.format_availability)
        conds = _memo(lambda m: dd.format_conditions(_mask_items(m, self.conditions)))
        columns: dict[str, list[str]] = {
            "id": self.id.tolist(),
            "first_name": self.first_name.tolist(),
            "town": self.town.tolist(),
            "lat": [f"{v:.6f}" for v in self.lat.tolist()],
            "lon": [f"{v:.6f}" for v in self.lon.tolist()],
            "max_travel_km": [f"{v:g}" for v in np.round(self.max_travel_km, 2).tolist()],
            "visit_places": [dd.VISIT_PLACES[c] for c in self.visit_places.tolist()],
            "speaks": [
                speaks((a, c, f))
                for a, c, f in zip(
                    self.speaks_any.tolist(),
                    self.speaks_conv.tolist(),
                    self.speaks_fluent.tolist(),
                    strict=True,
                )
            ],
            "learning": [learning(m) for m in self.learning.tolist()],
            "availability": [slots(m) for m in self.availability.tolist()],
            "offers": [conds(m) for m in self.offers.tolist()],
            "accepts": [conds(m) for m in self.accepts.tolist()],
            "waiting_since": [
                "" if d is None else d.isoformat() for d in self.waiting_since.tolist()
            ],
            "blackout": [dd.format_blackout(r) if r else "" for r in self.blackout.tolist()],
            "travel_mode": [dd.TRAVEL_MODES[c] for c in self.travel_mode.tolist()],
        }
        return [dict(zip(COLUMNS, row, strict=True)) for row in zip(*columns.values(), strict=True)]

    def _format_speaks(self, masks: tuple[int, int, int]) -> str:
        any_, conv, fluent = masks
        pairs = []
        for j, tag in enumerate(self.languages):
            if any_ >> j & 1:
                level = 2 if fluent >> j & 1 else 1 if conv >> j & 1 else 0
                pairs.append((tag, dd.LEVELS[level]))
        return dd.format_speaks(pairs)

    def language_masks(self, languages: Sequence[str]) -> dict[str, npt.NDArray[np.uint64]]:
        """Re-express the language bitmasks over another language index.

        Parameters
        ----------
        languages : sequence of str
            A superset of ``self.languages`` (at most 64 tags).

        Returns
        -------
        dict
            ``speaks_any``, ``speaks_conv``, ``speaks_fluent`` and ``learning``
            as uint64 arrays of shape (n,) over ``languages``.

        Notes
        -----
        O(n × len(self.languages)) vectorised bit moves.
        """
        position = {tag: j for j, tag in enumerate(languages)}
        names = ("speaks_any", "speaks_conv", "speaks_fluent", "learning")
        out = {name: np.zeros(len(self), dtype=np.uint64) for name in names}
        for j, tag in enumerate(self.languages):
            shift = np.uint64(position[tag])
            for name in names:
                bit = (getattr(self, name) >> np.uint64(j)) & np.uint64(1)
                out[name] |= bit << shift
        return out


def _memo(function: Callable[[Any], str]) -> Callable[[Any], str]:
    cache: dict[Any, str] = {}

    def cached(key: Any) -> str:
        value = cache.get(key)
        if value is None:
            value = cache[key] = function(key)
        return value

    return cached


def _mask_items(mask: int, names: Sequence[str]) -> list[str]:
    return [name for j, name in enumerate(names) if mask >> j & 1]


class _RecordParser:
    """Accumulates parsed rows; each distinct field text is parsed once."""

    def __init__(self, conditions: tuple[str, ...]) -> None:
        self.conditions = conditions
        self.languages: dict[str, int] = {}
        self.columns: dict[str, list[Any]] = {name: [] for name in COLUMNS}
        self.cache: dict[tuple[str, str], Any] = {}
        self.first_row: dict[str, int] = {}
        self.row = 0

    def add(self, row: int, record: Mapping[str, str]) -> None:
        self.row = row
        person_id = (record.get("id") or "").strip()
        if not person_id:
            raise RowError(row, "id", "is empty; every person needs the programme's own id")
        if person_id in self.first_row:
            raise RowError(
                row, "id", f"'{person_id}' is also the id in row {self.first_row[person_id]}"
            )
        self.first_row[person_id] = row
        text = {name: (record.get(name) or "").strip() for name in COLUMNS}
        for column, cell in text.items():
            if "\x00" in cell:
                raise RowError(row, column, "holds a NUL byte; remove it")
        values = {
            "id": person_id,
            "first_name": text["first_name"],
            "town": text["town"],
            "lat": self._field("lat", text["lat"], lambda t: dd.parse_coordinate(t, field="lat")),
            "lon": self._field("lon", text["lon"], lambda t: dd.parse_coordinate(t, field="lon")),
            "max_travel_km": self._field("max_travel_km", text["max_travel_km"], dd.parse_km),
            "visit_places": self._choice("visit_places", text["visit_places"] or "home"),
            "speaks": self._field("speaks", text["speaks"], self._speaks),
            "learning": self._field("learning", text["learning"], self._learning),
            "availability": self._field("availability", text["availability"], self._slots),
            "offers": self._field("offers", text["offers"], self._conditions("offers")),
            "accepts": self._field("accepts", text["accepts"], self._conditions("accepts")),
            "waiting_since": self._field("waiting_since", text["waiting_since"], _waiting),
            "blackout": self._field("blackout", text["blackout"], dd.parse_blackout),
            "travel_mode": self._choice("travel_mode", text["travel_mode"] or "public"),
        }
        for name, value in values.items():
            self.columns[name].append(value)

    def _field(self, name: str, text: str, parse: Callable[[str], _T]) -> _T:
        key = (name, text)
        if key in self.cache:
            return self.cache[key]  # type: ignore[no-any-return]
        try:
            value = parse(text)
        except dd.FieldError as error:
            raise RowError(self.row, name, error.message) from None
        self.cache[key] = value
        return value

    def _choice(self, name: str, text: str) -> int:
        choices = dd.VISIT_PLACES if name == "visit_places" else dd.TRAVEL_MODES
        return self._field(
            name, text, lambda t: choices.index(dd.parse_choice(t, field=name, choices=choices))
        )

    def _index(self, tag: str, name: str) -> int:
        if tag not in self.languages:
            if len(self.languages) == MAX_LANGUAGES:
                raise dd.FieldError(
                    name,
                    f"'{tag}' would be language {MAX_LANGUAGES + 1}; "
                    f"one run supports {MAX_LANGUAGES}",
                )
            self.languages[tag] = len(self.languages)
        return self.languages[tag]

    def _speaks(self, text: str) -> tuple[int, int, int]:
        pairs = dd.parse_speaks(text)
        if not pairs:
            raise dd.FieldError("speaks", "is empty; give at least one language, as in en:fluent")
        any_ = conv = fluent = 0
        for tag, level in pairs:
            bit = 1 << self._index(tag, "speaks")
            any_ |= bit
            conv |= bit if dd.LEVELS.index(level) >= dd.COMMUNICATION_LEVEL else 0
            fluent |= bit if level == "fluent" else 0
        return any_, conv, fluent

    def _learning(self, text: str) -> int:
        return sum(1 << self._index(tag, "learning") for tag in dd.parse_languages(text))

    def _slots(self, text: str) -> int:
        mask = dd.parse_availability(text)
        if mask == 0:
            raise dd.FieldError("availability", "is empty; give at least one slot, as in sat-am")
        return mask

    def _conditions(self, name: str) -> Callable[[str], int]:
        def parse(text: str) -> int:
            words = dd.parse_conditions(text, field=name, vocabulary=self.conditions)
            return sum(1 << self.conditions.index(word) for word in words)

        return parse

    def build(self, kind: str) -> Population:
        c = self.columns
        speaks = np.array(c["speaks"], dtype=np.uint64).reshape(-1, 3)
        blackout = np.fromiter(c["blackout"], dtype=object, count=len(c["blackout"]))
        return Population(
            kind=kind,
            id=np.array(c["id"], dtype=str),
            first_name=np.array(c["first_name"], dtype=str),
            town=np.array(c["town"], dtype=str),
            lat=np.array(c["lat"], dtype=np.float64),
            lon=np.array(c["lon"], dtype=np.float64),
            max_travel_km=np.array(c["max_travel_km"], dtype=np.float32),
            visit_places=np.array(c["visit_places"], dtype=np.int8),
            speaks_any=speaks[:, 0].copy(),
            speaks_conv=speaks[:, 1].copy(),
            speaks_fluent=speaks[:, 2].copy(),
            learning=np.array(c["learning"], dtype=np.uint64),
            availability=np.array(c["availability"], dtype=np.uint32),
            offers=np.array(c["offers"], dtype=np.uint32),
            accepts=np.array(c["accepts"], dtype=np.uint32),
            waiting_since=np.array(c["waiting_since"], dtype="datetime64[D]"),
            blackout=blackout,
            travel_mode=np.array(c["travel_mode"], dtype=np.int8),
            languages=tuple(self.languages),
            conditions=self.conditions,
        )


def _waiting(text: str) -> dt.date | None:
    return dd.parse_date(text, field="waiting_since") if text else None


def read_csv(
    path: str | os.PathLike[str], kind: str, *, conditions: Sequence[str] = dd.CONDITIONS
) -> Population:
    """Read a data dictionary CSV file (UTF-8, header row) into a :class:`Population`.

    Columns outside the data dictionary are ignored, except those that name a
    sensitive category (charter rule 3), which are refused.

    Raises
    ------
    RowError
        Naming the row (header = row 1) and field of the first bad value; see
        :func:`kinfolk.engine.csvfiles.read_table` for what is refused.
    """
    header, rows, numbers = read_table(path)
    check_header(header)
    position = {name: index for index, name in enumerate(header) if name in COLUMNS}
    records = (
        {name: cells[index] if index < len(cells) else "" for name, index in position.items()}
        for cells in rows
    )
    return Population.from_records(records, kind=kind, conditions=conditions, row_numbers=numbers)


def check_header(header: Sequence[str]) -> None:
    """Refuse a header that lacks ``id``, ``lat`` or ``lon`` or names a sensitive category.

    Raises
    ------
    RowError
        For row 1, naming the column.
    """
    for name in header:
        category = dd.sensitive_category(name)
        if category:
            raise RowError(
                1,
                name,
                f"holds {category}, a sensitive category that Kinfolk never stores or "
                "matches on (charter rule 3); remove the column",
            )
    missing = {"id", "lat", "lon"} - set(header)
    if missing:
        raise RowError(1, sorted(missing)[0], "column is missing from the header")


def write_rows_atomic(
    path: str | os.PathLike[str], columns: Sequence[str], rows: Iterable[Mapping[str, str]]
) -> None:
    """Write one CSV file atomically, with formulas neutralised (see :mod:`csvfiles`)."""
    write_tables([(path, columns, rows)])


def write_csv(path: str | os.PathLike[str], population: Population) -> None:
    """Write ``population`` as a data dictionary CSV file, atomically."""
    write_rows_atomic(path, COLUMNS, population.to_records())
