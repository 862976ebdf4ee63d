"""A one-sheet XLSX workbook written as a stream: the first bytes leave before the last row is read.

An XLSX file is a ZIP archive of a few XML parts.  Python's ``zipfile`` can
write an archive to a stream it cannot seek (each member then ends with a
data descriptor), and can write one member bit by bit; so the sheet's rows
are compressed and handed on batch by batch, and neither the rows nor the
file ever sit whole in memory or on disk.  Text goes in as inline strings
(no shared-strings table, which would need every string before the sheet).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from typing import Any
from xml.sax.saxutils import escape, quoteattr

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CONTENT_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_PACKAGE_RELS = (
    _XML + f'<Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    _XML + f'<Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
_SHEET_START = (_XML + f'<worksheet xmlns="{_MAIN}"><sheetData>').encode()
_SHEET_END = b"</sheetData></worksheet>"

#: Characters XML 1.0 cannot hold at all (openpyxl's rule): dropped from text cells.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: Characters not allowed in a sheet's name.
_NOT_IN_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


class _Chunks(io.RawIOBase):
    """A write-only stream that keeps what is written until it is taken (not seekable)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out, self._parts = b"".join(self._parts), []
        return out


def _workbook(title: str) -> str:
    name = _NOT_IN_SHEET_NAME.sub(" ", title).strip()[:31] or "Sheet1"
    return (
        _XML + f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
        f'<sheet name={quoteattr(name)} sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def _cell(value: Any, text: Callable[[Any], str]) -> str:
    if value is None:
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f"<c><v>{value!r}</v></c>"
    body = escape(_ILLEGAL.sub("", text(value)))
    return f'<c t="inlineStr"><is><t xml:space="preserve">{body}</t></is></c>'


def _rows(rows: list[list[Any]], text: Callable[[Any], str]) -> bytes:
    return "".join(
        "<row>" + "".join(_cell(v, text) for v in row) + "</row>" for row in rows
    ).encode()


def xlsx_stream(
    title: str,
    header: list[str],
    batches: Iterator[list[list[Any]]],
    *,
    text: Callable[[Any], str] = str,
) -> Iterator[bytes]:
    """The workbook's bytes: the fixed parts and the header at once, then a chunk per batch.

    ``text`` turns a value that is not a number, a yes/no or empty into the
    cell's text (the exports pass their formula-neutralising ``cell_text``).
    """
    out = _Chunks()
    archive = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED)
    archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
    archive.writestr("_rels/.rels", _PACKAGE_RELS)
    archive.writestr("xl/workbook.xml", _workbook(title))
    archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
    with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
        sheet.write(_SHEET_START + _rows([list(header)], text))
        sheet.flush()
        yield out.take()
        for batch in batches:
            sheet.write(_rows(batch, text))
            chunk = out.take()
            if chunk:
                yield chunk
        sheet.write(_SHEET_END)
    archive.close()
    yield out.take()
