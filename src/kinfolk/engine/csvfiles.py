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
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TextIO, overload

import numpy as np
import numpy.typing as npt

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
    A rectangular file (every row as wide as the header, blank rows
    included) is split by Arrow's C++ CSV reader, which follows the ``csv``
    module's dialect and hands each column back dictionary-encoded: as
    :class:`Coded` columns, whose distinct texts are then checked, restored
    and parsed once each.  Any other file (a short or long row, a quote left
    open), or a machine without pyarrow, goes through :mod:`csv`, which also
    words the error.
    """
    data = _bytes(path)
    # Arrow refuses text that is not UTF-8; a NUL byte it would keep. Either way the
    # file goes to csv, whose reading of the text names the row.
    split = None if b"\x00" in data else _arrow_split(data)
    if split is None:
        header, rows, numbers = _rows(_decoded(data))
        if check_header:
            check_header(header)
        return header, table_columns(header, rows, numbers, wanted), numbers
    header, columns, numbers = split
    if check_header:
        check_header(header)
    return header, table_columns(header, columns, numbers, wanted, transposed=True), numbers


def _text(path: str | os.PathLike[str]) -> str:
    """The file as text, refused (naming the row) when not UTF-8 or holding a NUL byte."""
    return _decoded(_bytes(path))


def _bytes(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes, less a byte-order mark."""
    data = Path(path).read_bytes()
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def _decoded(data: bytes) -> str:
    """The text of a file's bytes, refused as :func:`_text` says."""
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


class Coded(Sequence[str]):
    """A column of texts as its distinct texts and the code of each row's text.

    ``texts`` are in order of first appearance and each appears in some row, as
    :func:`kinfolk.engine.columns.factorise` gives them, so a parser can work
    on the distinct texts and still name the earliest row of a bad one.
    """

    def __init__(self, codes: npt.NDArray[np.int64], texts: list[str]) -> None:
        self.codes = codes
        self.texts = texts
        self._cells: list[str] | None = None

    @classmethod
    def in_order(cls, codes: npt.NDArray[np.int64], texts: Sequence[str]) -> Coded:
        """Renumber ``codes`` over ``texts`` so that texts come in order of first appearance
        (texts no row uses are dropped)."""
        n = codes.size
        first = np.full(len(texts), n, dtype=np.int64)
        first[codes[::-1]] = np.arange(n - 1, -1, -1)
        used = np.flatnonzero(first < n)
        order = used[np.argsort(first[used], kind="stable")]
        remap = np.empty(len(texts), dtype=np.int64)
        remap[order] = np.arange(order.size)
        return cls(remap[codes], [texts[i] for i in order.tolist()])

    def cells(self) -> list[str]:
        """Every row's text (built once)."""
        if self._cells is None:
            table = np.empty(len(self.texts), dtype=object)
            table[:] = self.texts
            self._cells = table[self.codes].tolist()
        return self._cells

    def __len__(self) -> int:
        return int(self.codes.size)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        return self.cells()[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self.cells())

    def __contains__(self, text: object) -> bool:
        return text in self.texts


def _arrow_split(data: bytes) -> tuple[list[str], list[Coded], list[int]] | None:
    """(header, columns, row numbers) as :func:`_rows` gives them, split in C++; else None.

    None when pyarrow is not installed, the bytes are not UTF-8, or the file is
    not rectangular (Arrow refuses a row of another width, which :mod:`csv`
    pads or keeps).  Rows of empty cells (blank lines, lines of commas) are
    dropped but counted.
    """
    try:
        import pyarrow as pa
        import pyarrow.csv as pcsv
    except ImportError:  # pragma: no cover - a dependency; kept for a bare engine
        return None
    if not data.strip(b"\r\n") or data.startswith((b"\n", b"\r")):
        return None  # no header, or a blank line as the header: csv's empty header
    # Every column as dictionary-encoded text; more names than columns are harmless,
    # and a header line broken by a quoted line break is caught by the type check below.
    width = data.count(b",", 0, max(data.find(b"\n"), data.find(b"\r"), 0) or len(data)) + 1
    coded = pa.dictionary(pa.int32(), pa.string())
    try:
        table = pcsv.read_csv(
            pa.BufferReader(data),
            read_options=pcsv.ReadOptions(
                # One block, one thread: threads only add CPU time for files of this size.
                # A file over 1 GiB comes in several blocks and is left to csv (below).
                autogenerate_column_names=True, use_threads=False,
                block_size=min(max(len(data) + 1, 1 << 20), 1 << 30),
            ),
            parse_options=pcsv.ParseOptions(
                newlines_in_values=b'"' in data, ignore_empty_lines=False
            ),
            convert_options=pcsv.ConvertOptions(
                column_types={f"f{i}": coded for i in range(width)},
                strings_can_be_null=False, quoted_strings_can_be_null=False,
            ),
        )  # fmt: skip
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if any(column.type != coded for column in table.columns):
        return None
    if any(column.num_chunks != 1 or column.null_count for column in table.columns):
        return None  # one block was asked for, and no cell can be null
    columns = []
    for column in table.columns:
        chunk = column.chunk(0)
        indices = chunk.indices
        # Read straight from the buffer: Array.to_numpy would import pandas (a quarter second).
        codes = np.frombuffer(
            indices.buffers()[1], dtype=np.int32, count=len(indices), offset=indices.offset * 4
        ).astype(np.int64)
        columns.append((codes, chunk.dictionary.to_pylist()))
    header = [texts[codes[0]].strip() for codes, texts in columns]
    body = [(codes[1:], texts) for codes, texts in columns]
    numbers = np.arange(2, table.num_rows + 1)
    # A row of nothing but empty cells is a blank row, as csv and spreadsheets see it.
    blank = np.ones(numbers.size, dtype=bool)
    for codes, texts in body:
        empty = texts.index("") if "" in texts else -1
        blank &= codes == empty
    if blank.any():
        kept = np.flatnonzero(~blank)
        body = [(codes[kept], texts) for codes, texts in body]
        numbers = numbers[kept]
    dropped = bool(blank.any())
    return header, [_coded(codes, texts, dropped) for codes, texts in body], numbers.tolist()


def _coded(codes: npt.NDArray[np.int64], texts: list[str], dropped: bool) -> Coded:
    """The body of an Arrow column as :class:`Coded` (the header row taken off).

    Arrow numbers a column's texts as it meets them, so once the header's text
    (code 0) is gone the codes are already in order of first appearance, unless
    the header's text is also a cell or dropped rows took a text's only cell.
    """
    if dropped or (codes == 0).any():
        return Coded.in_order(codes, texts)
    return Coded(codes - 1, texts[1:])


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
) -> dict[str, Sequence[str]]:
    """The ``wanted`` columns of a table, cells restored and length-checked.

    ``rows`` are the table's rows, or its columns when ``transposed``.  A
    column missing from the header comes back empty (all ``""``).  Only
    C-level passes over each column (transposition, ``max(map(len, …))``, a
    join to look for quotes), so 110,000 rows take milliseconds per column; a
    :class:`Coded` column is checked and restored over its distinct texts.

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
        # A coded column is checked and restored text by text, not row by row.
        texts = column.texts if isinstance(column, Coded) else column
        if n and max(map(len, texts)) > MAX_FIELD_CHARS:
            at = next(i for i, cell in enumerate(texts) if len(cell) > MAX_FIELD_CHARS)
            if isinstance(column, Coded):  # texts come in order of first appearance
                at = int(np.argmax(column.codes == at))
            too_long.append((numbers[at], index, len(column[at])))
        if "\x1f'" in "\x1f" + "\x1f".join(texts):
            restored = [restore(cell) for cell in texts]
            column = _recoded(column.codes, restored) if isinstance(column, Coded) else restored
        out[name] = column
    if too_long:
        number, index, length = min(too_long)
        raise _too_long(header, number, index, length)
    return out


def _recoded(codes: npt.NDArray[np.int64], texts: list[str]) -> Coded:
    """A coded column whose texts may have become equal (``'=a`` restored is ``=a``)."""
    merged: dict[str, int] = {}
    to = np.array([merged.setdefault(text, len(merged)) for text in texts], dtype=np.int64)
    return Coded(to[codes], list(merged))


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
            _csv_writer(
                [neutralise(c) for c in columns],
                ([neutralise(row[c]) for c in columns] for row in rows),
            ),
        )
        for path, columns, rows in tables
    )


def write_columns(tables: Sequence[ColumnTable]) -> None:
    """Write several CSV files given column by column, all or none, as :func:`write_tables`.

    The bytes are those :mod:`csv`'s writer gives for the same cells.

    Notes
    -----
    A column is neutralised only when one of its cells starts with a
    character a spreadsheet would run, and quoting is needed only when one
    of its cells holds a comma, a quote or a line break: one C-level search of
    the joined column finds out each.  A table with no cell to quote (as
    pairs and explanations are, ids aside) is joined into one text with
    ``str.join`` and written in one call, several times faster than
    ``csv.writer.writerows``; any other goes through ``csv.writer``.
    """
    _write_all(
        (path, _columns_text([neutralise(name) for name in columns], columns.values()))
        for path, columns in tables
    )


def _columns_text(header: list[str], columns: Iterable[Sequence[str]]) -> Writer:
    cells = [_neutralised(column) for column in columns]
    joined = ["\x1f".join(header), *("\x1f".join(column) for column in cells)]
    if len(header) < 2 or any(mark in text for text in joined for mark in _QUOTED):
        # One field alone in a row is quoted when empty, and special characters need csv.
        return _csv_writer(header, zip(*cells, strict=True))
    lines = (",".join(header), *map(",".join, zip(*cells, strict=True)))
    text = "\r\n".join(lines) + "\r\n"

    def write(handle: TextIO) -> None:
        handle.write(text)  # one call: the file is written in large blocks

    return write


#: Writes one file's text to an open file.
Writer = Callable[[TextIO], None]


def _csv_writer(header: Sequence[str], rows: Iterable[Sequence[str]]) -> Writer:
    def write(handle: TextIO) -> None:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)

    return write


#: What makes csv's writer quote a cell (QUOTE_MINIMAL, the default dialect).
_QUOTED = (",", '"', "\r", "\n")


def _neutralised(cells: Sequence[str]) -> Sequence[str]:
    joined = "\n" + "\n".join(cells)
    if any(f"\n{start}" in joined for start in _ESCAPED_START):
        return [neutralise(cell) for cell in cells]
    return cells


def _write_all(tables: Iterable[tuple[str | os.PathLike[str], Writer]]) -> None:
    temporaries: list[tuple[Path, Path]] = []
    try:
        for path, write in tables:
            target = Path(path)
            descriptor, name = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
            )
            temporaries.append((Path(name), target))
            with open(descriptor, "w", newline="", encoding="utf-8") as handle:
                write(handle)
                handle.flush()
                os.fsync(handle.fileno())
        for temporary, target in temporaries:
            os.replace(temporary, target)
    except BaseException:
        for temporary, _ in temporaries:
            temporary.unlink(missing_ok=True)
        raise
