"""Parsing data dictionary columns as whole columns: each distinct text once.

:class:`ColumnParser` is the engine of :meth:`Population.from_columns` (and so of
``read_csv`` and ``from_records``).  A column is factorised into its distinct
texts and the code of each row; each distinct text is parsed once by
:mod:`kinfolk.engine.dictionary` and the result mapped back to every row with
numpy.  Numbers are converted by numpy in one call.  An error names the
earliest bad row of all columns, and its field.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from kinfolk.engine import dictionary as dd
from kinfolk.engine.csvfiles import Coded, RowError

if TYPE_CHECKING:
    from kinfolk.engine.population import Population

#: The data dictionary's columns, in the order errors are looked for within a row.
ORDER: tuple[str, ...] = (
    "id", "first_name", "town", "lat", "lon", "max_travel_km", "visit_places", "speaks",
    "learning", "availability", "offers", "accepts", "waiting_since", "blackout", "travel_mode",
)  # fmt: skip
MAX_LANGUAGES = 64


class _Bad(Exception):
    """The first bad row of one column: (position, message)."""

    def __init__(self, position: int, message: str) -> None:
        super().__init__(message)
        self.position = position
        self.message = message


def factorise(column: Sequence[str]) -> tuple[npt.NDArray[np.int64], list[str]]:
    """The code of each row and the distinct texts, in order of first appearance.

    ``dict.setdefault`` mapped over the column keeps each text's first position
    without a Python-level loop; positions then become dense codes.  A
    :class:`~kinfolk.engine.csvfiles.Coded` column (as the reader gives) is
    already factorised.
    """
    if isinstance(column, Coded):
        return column.codes, column.texts
    lookup: dict[str, int] = {}
    first = np.fromiter(
        map(lookup.setdefault, column, itertools.count()), dtype=np.int64, count=len(column)
    )
    dense = np.empty(len(column), dtype=np.int64)
    dense[np.fromiter(lookup.values(), dtype=np.int64, count=len(lookup))] = np.arange(len(lookup))
    return dense[first], list(lookup)


class ColumnParser:
    """Parses the columns of one side; :meth:`build` gives the :class:`Population`."""

    def __init__(
        self,
        columns: Mapping[str, Sequence[str]],
        conditions: tuple[str, ...],
        row_numbers: Sequence[int] | None,
        nul_checked: bool = False,
    ) -> None:
        self.n = len(columns.get("id", ()))
        self.nul = [] if nul_checked else [(name, _nul_at(columns.get(name))) for name in ORDER]
        # Cells are parsed as distinct texts, and each distinct text is stripped before it
        # is parsed (see _each); only the ids, kept as they are, are stripped cell by cell.
        self.text = {name: self._column(columns.get(name)) for name in ORDER}
        self.text["id"] = list(map(str.strip, self.text["id"]))
        self.numbers = np.asarray(
            row_numbers if row_numbers is not None else np.arange(2, self.n + 2), dtype=np.int64
        )
        self.conditions = conditions
        self.languages: dict[str, int] = {}
        self.errors: list[tuple[int, int, str, str]] = []

    def _column(self, column: Sequence[str] | None) -> Sequence[str]:
        if column is None or len(column) == 0:
            return [""] * self.n
        return column

    def build(self, kind: str) -> Population:
        """Every column parsed, or the earliest bad row raised as :class:`RowError`."""
        from kinfolk.engine.population import Population

        self._nul()
        values = {name: self._parse(name) for name in ORDER}
        if self.errors:
            row, _, name, message = min(self.errors)
            raise RowError(row, name, message)
        speaks = values["speaks"]
        return Population(
            kind=kind,
            id=np.array(self.text["id"], dtype=str),
            first_name=_strings(self.text["first_name"]),
            town=_strings(self.text["town"]),
            lat=values["lat"],
            lon=values["lon"],
            max_travel_km=values["max_travel_km"].astype(np.float32),
            visit_places=values["visit_places"].astype(np.int8),
            speaks_any=speaks[:, 0].copy(),
            speaks_conv=speaks[:, 1].copy(),
            speaks_fluent=speaks[:, 2].copy(),
            learning=values["learning"],
            availability=values["availability"].astype(np.uint32),
            offers=values["offers"].astype(np.uint32),
            accepts=values["accepts"].astype(np.uint32),
            waiting_since=values["waiting_since"],
            blackout=values["blackout"],
            travel_mode=values["travel_mode"].astype(np.int8),
            languages=tuple(self.languages),
            conditions=self.conditions,
        )

    def _nul(self) -> None:
        for name, at in self.nul:
            if at >= 0:
                self._fail(name, at, "holds a NUL byte; remove it")

    def _fail(self, name: str, position: int, message: str) -> None:
        self.errors.append((int(self.numbers[position]), ORDER.index(name), name, message))

    def _parse(self, name: str) -> Any:
        parse = getattr(self, f"_{name}", None)
        try:
            return parse() if parse else None
        except _Bad as bad:
            self._fail(name, bad.position, bad.message)
            return _EMPTY[name](self.n)

    # --- one method per column --------------------------------------------------------------

    def _id(self) -> None:
        ids = self.text["id"]
        if "" not in ids and len(set(ids)) == self.n:
            return
        if "" in ids:
            raise _Bad(list(ids).index(""), "is empty; every person needs the programme's own id")
        codes, _ = factorise(ids)
        first = np.full(codes.max(initial=-1) + 1, -1, dtype=np.int64)
        first[codes[::-1]] = np.arange(self.n - 1, -1, -1)
        repeated = np.flatnonzero(first[codes] != np.arange(self.n))
        if repeated.size:
            at = int(repeated[0])
            earlier = int(self.numbers[first[codes[at]]])
            raise _Bad(at, f"'{ids[at]}' is also the id in row {earlier}")

    def _number(self, name: str, parse: Callable[[str], float]) -> npt.NDArray[np.float64]:
        column = self.text[name]
        try:
            if isinstance(column, Coded):  # each distinct text once
                texts = np.fromiter(map(float, column.texts), np.float64, len(column.texts))
                values = texts[column.codes]
            else:
                values = np.fromiter(map(float, column), dtype=np.float64, count=self.n)
        except ValueError:
            values = None
        if values is not None:
            limit = 90.0 if name == "lat" else 180.0 if name == "lon" else None
            low, high = (-limit, limit) if limit else (0.0, 1000.0)
            bad = np.flatnonzero(~((values >= low) & (values <= high)))
            if bad.size == 0:
                return values
        return np.asarray(self._each(name, parse, np.float64), dtype=np.float64)

    def _lat(self) -> npt.NDArray[np.float64]:
        return self._number("lat", lambda t: dd.parse_coordinate(t, field="lat"))

    def _lon(self) -> npt.NDArray[np.float64]:
        return self._number("lon", lambda t: dd.parse_coordinate(t, field="lon"))

    def _max_travel_km(self) -> npt.NDArray[np.float64]:
        return self._number("max_travel_km", dd.parse_km)

    def _each(self, name: str, parse: Callable[[str], Any], dtype: Any) -> Any:
        """Parse each distinct text of a column once and map the results back."""
        codes, texts = factorise(self.text[name])
        parsed: list[Any] = []
        for code, text in enumerate(texts):
            try:
                parsed.append(parse(text.strip()))
            except dd.FieldError as error:
                raise _Bad(int(np.argmax(codes == code)), error.message) from None
        if dtype is object:
            table = np.empty(len(parsed), dtype=object)
            table[:] = parsed
        else:
            table = np.asarray(parsed, dtype=dtype)
        return table[codes] if self.n else table[:0]

    def _choice(self, name: str, default: str, choices: tuple[str, ...]) -> Any:
        def parse(text: str) -> int:
            return choices.index(dd.parse_choice(text or default, field=name, choices=choices))

        return self._each(name, parse, np.int64)

    def _visit_places(self) -> Any:
        return self._choice("visit_places", "home", dd.VISIT_PLACES)

    def _travel_mode(self) -> Any:
        return self._choice("travel_mode", "public", dd.TRAVEL_MODES)

    def _index(self, tag: str, name: str) -> int:
        if tag not in self.languages:
            if len(self.languages) == MAX_LANGUAGES:
                raise dd.FieldError(
                    name,
                    "languages_too_many",
                    value=tag,
                    limit=str(MAX_LANGUAGES),
                    limit_plus_one=str(MAX_LANGUAGES + 1),
                )
            self.languages[tag] = len(self.languages)
        return self.languages[tag]

    def _speaks(self) -> Any:
        fast = self._languages_by_items("speaks")
        if fast is not None:
            return fast

        def parse(text: str) -> tuple[int, int, int]:
            pairs = dd.parse_speaks(text)
            if not pairs:
                raise dd.FieldError("speaks", "speaks_empty")
            any_ = conv = fluent = 0
            for tag, level in pairs:
                bit = 1 << self._index(tag, "speaks")
                any_ |= bit
                conv |= bit if dd.LEVELS.index(level) >= dd.COMMUNICATION_LEVEL else 0
                fluent |= bit if level == "fluent" else 0
            return any_, conv, fluent

        return self._each("speaks", parse, np.uint64).reshape(-1, 3)

    def _learning(self) -> Any:
        fast = self._languages_by_items("learning")
        if fast is not None:
            return fast[:, 0].copy()

        def parse(text: str) -> int:
            return sum(1 << self._index(tag, "learning") for tag in dd.parse_languages(text))

        return self._each("learning", parse, np.uint64)

    def _availability(self) -> Any:
        fast = self._availability_by_items()
        if fast is not None:
            return fast

        def parse(text: str) -> int:
            mask = dd.parse_availability(text)
            if mask == 0:
                raise dd.FieldError("availability", "availability_empty")
            return mask

        return self._each("availability", parse, np.int64)

    # --- the fast paths: each distinct ``;``-separated item parsed once ---------------------
    #
    # Availability and languages have many distinct texts (tens of thousands at 110,000
    # rows) made of few distinct items, so the items of every distinct text are split in
    # one pass, each distinct item is parsed once, and a text's bits are the OR of its
    # items' (``np.bitwise_or.reduceat``).  When anything is wrong (an unknown item, an
    # empty field, a language listed twice, too many languages) these return None and
    # the careful path above, text by text, finds the first bad row and its message.

    def _availability_by_items(self) -> npt.NDArray[np.int64] | None:
        codes, texts = factorise(self.text["availability"])
        item_codes, items, starts = split_items(texts)
        try:
            bits = np.array([dd.parse_availability(item) for item in items], dtype=np.int64)
        except dd.FieldError:
            return None
        if not texts:
            return np.zeros(0, dtype=np.int64)
        masks = np.bitwise_or.reduceat(bits[item_codes], starts[:-1])
        if not masks.all():
            return None
        return masks[codes]

    def _languages_by_items(self, name: str) -> npt.NDArray[np.uint64] | None:
        """(any, conversational, fluent) bits of a ``speaks`` column, or ``learning`` bits."""
        codes, texts = factorise(self.text[name])
        item_codes, items, starts = split_items(texts)
        try:
            if name == "speaks":
                parsed = [dd.parse_speaks(item) for item in items]
            else:
                parsed = [tuple((tag, "") for tag in dd.parse_languages(item)) for item in items]
        except dd.FieldError:
            return None
        if not texts:
            return np.zeros((0, 3), dtype=np.uint64)
        # New tags take the next indexes in the order the careful path gives them: by the
        # first text that holds them, then alphabetically within that text.
        first = np.empty(len(items), dtype=np.int64)
        first[item_codes[::-1]] = np.arange(item_codes.size - 1, -1, -1)
        first_text = np.searchsorted(starts, first, side="right") - 1
        new: dict[str, int] = {}
        for pairs, text in zip(parsed, first_text.tolist(), strict=True):
            for tag, _ in pairs:
                if tag not in self.languages:
                    new[tag] = min(new.get(tag, text), text)
        if len(self.languages) + len(new) > MAX_LANGUAGES:
            return None
        for tag in sorted(new, key=lambda t: (new[t], t)):
            self.languages[tag] = len(self.languages)
        table = np.zeros((len(items), 4), dtype=np.uint64)
        for row, pairs in enumerate(parsed):
            for tag, level in pairs:
                bit = 1 << self.languages[tag]
                table[row, 0] = bit
                table[row, 1] = bit if level in dd.LEVELS[dd.COMMUNICATION_LEVEL :] else 0
                table[row, 2] = bit if level == "fluent" else 0
                table[row, 3] = 1  # a non-empty item
        per_item = table[item_codes]
        masks = np.bitwise_or.reduceat(per_item[:, :3], starts[:-1], axis=0)
        if name == "speaks":
            listed = np.add.reduceat(per_item[:, 3], starts[:-1])
            # An empty field, or a language listed twice (fewer bits than items).
            if not (listed.all() and (np.bitwise_count(masks[:, 0]) == listed).all()):
                return None
        return masks[codes]

    def _conditions(self, name: str) -> Any:
        def parse(text: str) -> int:
            words = dd.parse_conditions(text, field=name, vocabulary=self.conditions)
            return sum(1 << self.conditions.index(word) for word in words)

        return self._each(name, parse, np.int64)

    def _offers(self) -> Any:
        return self._conditions("offers")

    def _accepts(self) -> Any:
        return self._conditions("accepts")

    def _waiting_since(self) -> Any:
        def parse(text: str) -> np.datetime64:
            if not text:
                return np.datetime64("NaT", "D")
            return np.datetime64(dd.parse_date(text, field="waiting_since"), "D")

        return self._each("waiting_since", parse, "datetime64[D]")

    def _blackout(self) -> Any:
        return self._each("blackout", dd.parse_blackout, object)


def _strings(column: Sequence[str]) -> npt.NDArray[np.str_]:
    """A column of few distinct texts as a numpy string array (each text converted once)."""
    codes, texts = factorise(column)
    if not texts:
        return np.zeros(0, dtype=str)
    return np.array([text.strip() for text in texts], dtype=str)[codes]


def split_items(
    texts: Sequence[str],
) -> tuple[npt.NDArray[np.int64], list[str], npt.NDArray[np.int64]]:
    """The ``;``-separated items of many texts at once: (code of each item, distinct items, starts).

    Item ``starts[t]`` up to ``starts[t + 1]`` belong to ``texts[t]``; every text has at
    least one item (an empty text has one empty item), so ``np.bitwise_or.reduceat`` over
    ``starts[:-1]`` combines each text's items.  Items are as written (not stripped).
    """
    counts = np.fromiter(map(str.count, texts, itertools.repeat(";")), np.int64, len(texts)) + 1
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    codes, items = factorise(";".join(texts).split(";") if texts else [])
    return codes, items, starts


def _nul_at(column: Sequence[str] | None) -> int:
    """The first position holding a NUL byte, or -1 (numpy would drop trailing NULs)."""
    if column is None or "\x00" not in "\x1f".join(column):
        return -1
    return next(at for at, text in enumerate(column) if "\x00" in text)


def _objects(n: int) -> npt.NDArray[np.object_]:
    out = np.empty(n, dtype=object)
    out[:] = [()] * n
    return out


_EMPTY: dict[str, Callable[[int], Any]] = {
    "speaks": lambda n: np.zeros((n, 3), dtype=np.uint64),
    "learning": lambda n: np.zeros(n, dtype=np.uint64),
    "waiting_since": lambda n: np.full(n, "NaT", dtype="datetime64[D]"),
    "blackout": _objects,
}
for _name in ORDER:
    _EMPTY.setdefault(_name, lambda n: np.zeros(n, dtype=np.int64))
