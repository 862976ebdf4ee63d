"""CSV files in and out: rows with numbered errors, safe cells, all-or-nothing writes.

Every CSV file the engine and ``kinfolk match`` read or write goes through
here, so that three promises hold everywhere:

* **Errors name the row.**  Text that is not UTF-8, a NUL byte, a field longer
  than :data:`MAX_FIELD_CHARS` or broken quoting is reported as "row N, field
  F", counting as a spreadsheet does (the header is row 1), never as a byte
  position.
* **No formulas.**  A spreadsheet runs a cell that starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return as a formula, so a written text
  cell that starts with one of these (or with ``'``) gets one ``'`` in front:
  ``=HYPERLINK(…)`` is written ``'=HYPERLINK(…)``.  Numbers such as ``-1.08``
  are left as they are.  Reading takes exactly one leading ``'`` off a cell
  whose next character is one of those, so every value survives a write and a
  read unchanged (``'abc``, with no special character after the quote, is read
  as it stands).  Spreadsheets show such a cell without the quote, as text.
* **All or nothing.**  :func:`write_tables` writes every output to a temporary
  file beside its target first and renames them only when all are complete,
  so a missing folder or a full disk leaves no partial output behind.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

#: The longest field a data dictionary file may hold; real values are far shorter.
MAX_FIELD_CHARS = 1000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED_START = (*_FORMULA_START, "'")


class RowError(ValueError):
    """A row of a CSV file (or record list) that does not follow the data dictionary.

    ``row`` counts as a spreadsheet does: the header is row 1, the first
    person row 2.  ``field`` may be empty when the row cannot be split into
    fields at all.
    """

    def __init__(self, row: int, field: str, message: str) -> None:
        where = f"row {row}, field {field}" if field else f"row {row}"
        super().__init__(f"{where}: {message}")
        self.row = row
        self.field = field
        self.message = message


def neutralise(cell: str) -> str:
    """The cell as written: a leading ``'`` added where a spreadsheet would see a formula.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-1.08"), neutralise("'a")
    ('\\'=HYPERLINK("http://x")', '-1.08', "''a")
    """
    if not cell.startswith(_ESCAPED_START) or _is_number(cell):
        return cell
    return "'" + cell


def restore(cell: str) -> str:
    """The value of a cell as read: undoes :func:`neutralise`.

    >>> restore("'=SUM(A1)"), restore("''a"), restore("'a")
    ('=SUM(A1)', "'a", "'a")
    """
    if cell.startswith("'") and cell[1:2] and cell[1:2] in _ESCAPED_START:
        return cell[1:]
    return cell


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _is_number(cell: str) -> bool:
    # Plain decimal numbers only: float() would also accept "\r1" or " -1".
    return _NUMBER.fullmatch(cell) is not None


def read_rows(path: str | os.PathLike[str]) -> tuple[list[str], list[list[str]], list[int]]:
    """Read a UTF-8 CSV file: the header, the raw rows and their row numbers.

    Blank lines are skipped, but row numbers still count them, as a
    spreadsheet does.  Cells are as written: see :func:`read_table` for
    restored and length-checked cells, or :func:`read_columns`.

    Raises
    ------
    RowError
        For text that is not UTF-8, a NUL byte or quoting that cannot be read,
        naming the row (and the field where one can be told).
    OSError
        When the file cannot be opened.
    """
    return _rows(_text(path))


def read_columns(
    path: str | os.PathLike[str],
    wanted: Sequence[str],
    check_header: Callable[[list[str]], None] | None = None,
) -> tuple[list[str], dict[str, Sequence[str]], list[int]]:
    """Read a UTF-8 CSV file as whole columns: the header, the ``wanted`` columns, row numbers.

    Cells are restored and length-checked as by :func:`table_columns`; a
    wanted column missing from the header comes back as empty cells.
    ``check_header``, if given, sees the header before any cell is checked,
    so that a bad header (row 1) is reported before a bad row.

    Raises
    ------
    RowError
        As :func:`read_table`.
    OSError
        When the file cannot be opened.

    Notes
    -----
    A file with no double quote and no lone carriage return (what programs
    write, and what a spreadsheet writes when no cell holds a comma, a quote
    or a line break) has one row per line and one field per comma, so it is
    split with ``str.split`` over the whole text, and each column is a slice
    of the flat list of fields: a few C-level passes instead of the ``csv``
    module's per-field state machine.  Any other file goes through :mod:`csv`.
    """
    text = _text(path)
    plain = _plain_split(text)
    if plain is None:
        header, rows, numbers = _rows(text)
        if check_header:
            check_header(header)
        return header, table_columns(header, rows, numbers, wanted), numbers
    header, split, numbers, longest = plain
    if check_header:
        check_header(header)
    columns = table_columns(
        header, split, numbers, wanted, transposed=True,
        may_be_long=longest > MAX_FIELD_CHARS,
        # Only a cell that starts with ' is restored: one after a comma or a line break.
        may_be_quoted=text.startswith("'") or ",'" in text or "\n'" in text,
    )  # fmt: skip
    return header, columns, numbers


def _text(path: str | os.PathLike[str]) -> str:
    """The file as text, refused (naming the row) when not UTF-8 or holding a NUL byte."""
    data = Path(path).read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        prefix = data[: error.start].decode("utf-8", errors="replace")
        row, column = _locate(prefix)
        raise _located_error(
            prefix, row, column, f"is not UTF-8 text (byte 0x{data[error.start]:02x}); "
            "save the file as CSV UTF-8"
        ) from None  # fmt: skip
    nul = text.find("\x00")
    if nul >= 0:
        row, column = _locate(text[:nul])
        raise _located_error(text[:nul], row, column, "holds a NUL byte; remove it")
    return text


def _rows(text: str) -> tuple[list[str], list[list[str]], list[int]]:
    rows = _parse(text)
    header = [cell.strip() for cell in rows[0]] if rows else []
    numbers = [number for number, cells in enumerate(rows[1:], start=2) if any(cells)]
    body = rows[1:] if len(numbers) == len(rows) - 1 else [rows[n - 1] for n in numbers]
    return header, body, numbers


def _plain_split(text: str) -> tuple[list[str], list[list[str]], list[int], int] | None:
    """A text with no quoting as (header, columns, row numbers, longest line); else None."""
    if '"' in text:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:  # a lone carriage return ends a row for csv: leave it to csv
            return None
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if not lines:
        return [], [], [], 0
    header = [cell.strip() for cell in lines[0].split(",")]
    body = lines[1:]
    # A line of nothing but commas is a blank row, as csv and spreadsheets see it.
    kept = list(map(str.strip, body, itertools.repeat(",")))
    if "" in kept:
        numbers = [number for number, rest in enumerate(kept, start=2) if rest]
        body = [body[number - 2] for number in numbers]
    else:
        numbers = list(range(2, len(body) + 2))
    n = len(body)
    if n == 0:
        return header, [], numbers, 0
    longest = max(map(len, body))
    commas = np.fromiter(map(str.count, body, itertools.repeat(",")), dtype=np.int64, count=n)
    width = int(commas.max()) + 1
    if (commas != commas[0]).any():
        # Rows of different lengths are padded with empty cells, as csv rows are.
        rows = [line.split(",") for line in body]
        rows = [[*cells, *[""] * (width - len(cells))] for cells in rows]
        return header, [list(column) for column in zip(*rows, strict=True)], numbers, longest
    flat = ",".join(body).split(",")
    return header, [flat[index::width] for index in range(width)], numbers, longest


def read_table(path: str | os.PathLike[str]) -> tuple[list[str], list[list[str]], list[int]]:
    """Read a UTF-8 CSV file: the header, the rows (cells restored) and their row numbers.

    Raises
    ------
    RowError
        As :func:`read_rows`, and for a field longer than :data:`MAX_FIELD_CHARS`.
    OSError
        When the file cannot be opened.
    """
    header, rows, numbers = read_rows(path)
    for number, cells in zip(numbers, rows, strict=True):
        for index, cell in enumerate(cells):
            if len(cell) > MAX_FIELD_CHARS:
                raise _too_long(header, number, index, len(cell))
    return header, [[restore(cell) for cell in cells] for cells in rows], numbers


def table_columns(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    numbers: Sequence[int],
    wanted: Sequence[str],
    *,
    transposed: bool = False,
    may_be_long: bool = True,
    may_be_quoted: bool = True,
) -> dict[str, Sequence[str]]:
    """The ``wanted`` columns of a table, cells restored and length-checked.

    ``rows`` are the table's rows, or its columns when ``transposed``.  A
    column missing from the header comes back empty (all ``""``).  Only
    C-level passes over each column (transposition, ``max(map(len, …))``, a
    join to look for quotes), so 110,000 rows take milliseconds per column.
    ``may_be_long`` and ``may_be_quoted`` False skip the length check and the
    search for a leading ``'`` when the caller knows that no cell needs them.

    Raises
    ------
    RowError
        For the earliest field longer than :data:`MAX_FIELD_CHARS`.
    """
    n = len(numbers)
    position = {name: index for index, name in enumerate(header)}
    if transposed:
        split = rows
    else:
        width = max(map(len, rows), default=0)
        if rows and min(map(len, rows)) < width:
            rows = [[*cells, *[""] * (width - len(cells))] for cells in rows]
        split = list(zip(*rows, strict=True)) if rows else []
    out: dict[str, Sequence[str]] = {}
    too_long: list[tuple[int, int, int]] = []
    for name in wanted:
        index = position.get(name)
        if index is None or index >= len(split):
            out[name] = [""] * n
            continue
        column: Sequence[str] = split[index]
        if may_be_long and n and max(map(len, column)) > MAX_FIELD_CHARS:
            at = next(i for i, cell in enumerate(column) if len(cell) > MAX_FIELD_CHARS)
            too_long.append((numbers[at], index, len(column[at])))
        if may_be_quoted and "\x1f'" in "\x1f" + "\x1f".join(column):
            column = [restore(cell) for cell in column]
        out[name] = column
    if too_long:
        number, index, length = min(too_long)
        raise _too_long(header, number, index, length)
    return out


def _too_long(header: Sequence[str], number: int, index: int, length: int) -> RowError:
    name = header[index] if index < len(header) else f"column {index + 1}"
    return RowError(number, name, f"is {length:,} characters long; at most {MAX_FIELD_CHARS:,}")


def _parse(text: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    try:
        for cells in reader:
            rows.append(cells)
    except csv.Error as error:
        raise RowError(len(rows) + 1, "", f"cannot be read as CSV ({error})") from None
    return rows


def _locate(prefix: str) -> tuple[int, int]:
    """(row, column index) of the character that follows ``prefix`` in a CSV text."""
    rows = list(csv.reader(io.StringIO(prefix, newline="")))
    if not rows or prefix.endswith(("\n", "\r")):
        return len(rows) + 1, 0
    return len(rows), max(len(rows[-1]) - 1, 0)


def _located_error(prefix: str, row: int, column: int, message: str) -> RowError:
    header = next(csv.reader(io.StringIO(prefix, newline="")), []) if row > 1 else []
    name = header[column].strip() if column < len(header) else f"column {column + 1}"
    return RowError(row, name, message)


Table = tuple[str | os.PathLike[str], Sequence[str], Iterable[Mapping[str, str]]]
#: A table given column by column: its path and its columns (header → cells, in order).
ColumnTable = tuple[str | os.PathLike[str], Mapping[str, Sequence[str]]]


def write_tables(tables: Sequence[Table]) -> None:
    """Write several CSV files, all or none; readers see only old or complete new files.

    Parameters
    ----------
    tables : sequence of (path, columns, rows)
        Each file's path, its header and its rows (mappings keyed by the columns).

    Raises
    ------
    OSError
        When any file cannot be written (its folder is missing, the disk is
        full); no target file has changed then.

    Notes
    -----
    Each file is written to a temporary file in its target folder (readable
    by its owner only, which suits personal data), flushed to disk, and only
    when every one is complete are they renamed over their targets
    (``os.replace`` is atomic on POSIX and Windows).  Cells pass through
    :func:`neutralise`.
    """
    _write_all(
        (
            path,
            [neutralise(c) for c in columns],
            ([neutralise(row[c]) for c in columns] for row in rows),
        )
        for path, columns, rows in tables
    )


def write_columns(tables: Sequence[ColumnTable]) -> None:
    """Write several CSV files given column by column, all or none, as :func:`write_tables`.

    Notes
    -----
    A column is neutralised only when one of its cells starts with a
    character a spreadsheet would run (one C-level search of the joined
    column finds out), and the rows are handed to ``csv.writer.writerows``
    as one ``zip`` of the columns, so 110,000 rows of 14 columns take a
    fraction of a second.
    """
    _write_all(
        (
            path,
            [neutralise(name) for name in columns],
            zip(*(_neutralised(cells) for cells in columns.values()), strict=True),
        )
        for path, columns in tables
    )


def _neutralised(cells: Sequence[str]) -> Sequence[str]:
    joined = "\n" + "\n".join(cells)
    if any(f"\n{start}" in joined for start in _ESCAPED_START):
        return [neutralise(cell) for cell in cells]
    return cells


def _write_all(
    tables: Iterable[tuple[str | os.PathLike[str], Sequence[str], Iterable[Sequence[str]]]],
) -> None:
    temporaries: list[tuple[Path, Path]] = []
    try:
        for path, header, rows in tables:
            target = Path(path)
            descriptor, name = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
            )
            temporaries.append((Path(name), target))
            with open(descriptor, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(header)
                writer.writerows(rows)
                handle.flush()
                os.fsync(handle.fileno())
        for temporary, target in temporaries:
            os.replace(temporary, target)
    except BaseException:
        for temporary, _ in temporaries:
            temporary.unlink(missing_ok=True)
        raise
