"""Reading an uploaded spreadsheet: CSV in any common encoding and delimiter, or XLSX.

The result is always the same small shape, a header and rows of stripped
strings, whatever the file was.  Every refusal is a :class:`FileProblem` whose
message says, in plain words, what to change in the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: An XLSX file is a ZIP archive.
_ZIP = b"PK\x03\x04"
_DELIMITERS = ",;\t|"
_DELIMITER_NAMES = {
    ",": gettext_lazy("commas"),
    ";": gettext_lazy("semicolons"),
    "\t": gettext_lazy("tabs"),
    "|": gettext_lazy("vertical bars"),
}


class FileProblem(Exception):
    """The file as a whole cannot be read; nothing was stored."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    #: How the file was read, for the page ("UTF-8, separated by semicolons").
    read_as: str = ""
    notes: list[str] = field(default_factory=list)


def table_read(data: bytes) -> Table:
    """The file's header and rows, or a :class:`FileProblem`."""
    if not data.strip():
        raise FileProblem(_("The file is empty."))
    table = _xlsx(data) if data.startswith(_ZIP) else _csv(data)
    _header_check(table.header)
    if not table.rows:
        raise FileProblem(_("The file has a header row but no people under it."))
    return table


# --- CSV ------------------------------------------------------------------------------------


def _decoded(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding: a byte-order mark first, then UTF-8, then Latin-1."""
    for bom, encoding, name in (
        (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding), name
    head = data[:400]
    if len(head) > 3 and head[1::2].count(0) > len(head) // 4 and not head[::2].count(0):
        return data.decode("utf-16-le", errors="replace"), "UTF-16"  # UTF-16 without its mark
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        # Windows' Western encoding is Latin-1 with printable characters in 0x80..0x9f.
        try:
            return data.decode("cp1252"), "Latin-1 (Windows)"
        except UnicodeDecodeError:
            return data.decode("latin-1"), "Latin-1"


def _delimiter(text: str) -> str:
    sample = text[:65536]
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        return max(_DELIMITERS, key=first.count)


def _csv(data: bytes) -> Table:
    text, encoding = _decoded(data)
    if "\x00" in text:
        row = text[: text.index("\x00")].count("\n") + 1
        raise FileProblem(_("Row %(row)s holds a NUL character; remove it.") % {"row": row})
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = [[cell.strip() for cell in line] for line in reader]
    except csv.Error as error:
        raise FileProblem(
            _("Row %(row)s is not valid CSV (%(error)s).")
            % {"row": reader.line_num, "error": error}
        ) from None
    lines = _trimmed(lines)
    if not lines:
        raise FileProblem(_("The file is empty."))
    read_as = _("%(encoding)s, separated by %(delimiter)s") % {
        "encoding": encoding,
        "delimiter": _DELIMITER_NAMES[delimiter],
    }
    return Table(lines[0], lines[1:], read_as)


def _trimmed(lines: list[list[str]]) -> list[list[str]]:
    """Without wholly blank rows (a spreadsheet's trailing ones)."""
    return [line for line in lines if any(line)]


# --- XLSX -----------------------------------------------------------------------------------


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # an id typed as 1042 comes back as 1042.0
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value).strip() if value is not None else ""


def _xlsx(data: bytes) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - calamine raises its own kinds for every broken file
        raise FileProblem(_("This is not a CSV or XLSX file that can be read.")) from None
    sheets = []
    for name in book.sheet_names:
        lines = _trimmed(
            [[_cell(v) for v in row] for row in book.get_sheet_by_name(name).to_python()]
        )
        if lines:
            sheets.append((name, lines))
    if not sheets:
        raise FileProblem(_("The file is empty."))
    name, lines = sheets[0]
    table = Table(lines[0], lines[1:], _("sheet “%(name)s”") % {"name": name})
    if len(sheets) > 1:
        others = ", ".join(f"“{other}”" for other, _lines in sheets[1:])
        table.notes.append(
            _("Only the first sheet, “%(name)s”, was read; %(others)s were not.")
            % {"name": name, "others": others}
        )
    return table


# --- the header -----------------------------------------------------------------------------


def _header_check(header: list[str]) -> None:
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if not name:
            continue
        key = name.casefold()
        if key in seen:
            raise FileProblem(
                _("The column “%(name)s” appears twice (columns %(a)s and %(b)s); keep one.")
                % {"name": name, "a": seen[key], "b": position}
            )
        seen[key] = position
    if not seen:
        raise FileProblem(_("The first row holds no column names."))


def table_rows(table: Table) -> list[list[str]]:
    """Rows padded or cut to the header's width."""
    width = len(table.header)
    return [row if len(row) == width else (row + [""] * width)[:width] for row in table.rows]
