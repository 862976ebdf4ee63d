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

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from kinfolk.engine import dictionary as dd
from kinfolk.engine.csvfiles import RowError, read_columns, write_tables

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
        Turns the records into columns and calls :meth:`from_columns`.
        """
        rows = list(records)
        columns = {name: [record.get(name) or "" for record in rows] for name in COLUMNS}
        return cls.from_columns(columns, kind=kind, conditions=conditions, row_numbers=row_numbers)

    @classmethod
    def from_columns(
        cls,
        columns: Mapping[str, Sequence[str]],
        *,
        kind: str,
        conditions: Sequence[str] = dd.CONDITIONS,
        row_numbers: Sequence[int] | None = None,
        nul_checked: bool = False,
    ) -> Population:
        """Parse data dictionary strings given as whole columns (the fast path of the reader).

        Parameters
        ----------
        columns : mapping str -> sequence of str
            Keyed by :data:`COLUMNS`, all of one length; a missing column
            counts as empty.  See :meth:`from_records` for the fields.
        kind, conditions, row_numbers
            As for :meth:`from_records`.
        nul_checked : bool
            True when the caller has already refused NUL bytes (``read_csv`` does,
            on the whole text).

        Raises
        ------
        RowError
            Naming the earliest bad row (header = row 1) and its field.

        Notes
        -----
        Each column is parsed as a whole: every distinct text is parsed once
        and mapped back to its rows (availability, languages and conditions
        repeat heavily), and numbers are converted by numpy in one call, so
        110,000 rows take a fraction of a second.
        """
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        from kinfolk.engine.columns import ColumnParser

        return ColumnParser(columns, tuple(conditions), row_numbers, nul_checked).build(kind)

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
        A byte of each mask at a time, through a table of that byte's 256 values: a few
        vectorised passes per mask, where moving one bit at a time took one per language.
        """
        position = {tag: j for j, tag in enumerate(languages)}
        moves = [position[tag] for tag in self.languages]
        names = ("speaks_any", "speaks_conv", "speaks_fluent", "learning")
        return {name: _moved_bits(getattr(self, name), moves) for name in names}


def _moved_bits(masks: npt.NDArray[np.uint64], moves: Sequence[int]) -> npt.NDArray[np.uint64]:
    """Each mask with its bit ``j`` moved to bit ``moves[j]``."""
    out = np.zeros(masks.size, dtype=np.uint64)
    values = np.arange(256, dtype=np.uint64)
    for start in range(0, len(moves), 8):
        table = np.zeros(256, dtype=np.uint64)
        for bit, to in enumerate(moves[start : start + 8]):
            table |= ((values >> np.uint64(bit)) & np.uint64(1)) << np.uint64(to)
        byte = (masks >> np.uint64(start)) & np.uint64(0xFF)
        out |= table[byte.astype(np.intp)]
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
    _, columns, numbers = read_columns(path, COLUMNS, check_header)
    return Population.from_columns(
        columns, kind=kind, conditions=conditions, row_numbers=numbers, nul_checked=True
    )


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
