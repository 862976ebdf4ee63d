"""Files as coordinators have them: any encoding and separator, XLSX, and broken ones."""

from __future__ import annotations

import io

import pytest

from kinfolk.imports.reading import FileProblem, table_read

TEXT = "id;first_name;town\nH1;Zoë;Łódź\nH2;François;Köln\n"


@pytest.mark.parametrize(
    ("data", "read_as"),
    [
        (TEXT.encode("utf-8"), "UTF-8"),
        (TEXT.encode("utf-8-sig"), "UTF-8"),
        (TEXT.encode("utf-16"), "UTF-16"),
        (TEXT.encode("utf-16-le"), "UTF-16"),
    ],
)
def test_unicode_files_are_read_in_their_encoding(data, read_as):
    table = table_read(data)
    assert table.header == ["id", "first_name", "town"]
    assert table.rows == [["H1", "Zoë", "Łódź"], ["H2", "François", "Köln"]]
    assert table.read_as == f"{read_as}, separated by semicolons"


def test_a_latin1_file_is_read_as_latin1():
    data = "id,first_name,town\nH1,Zoë,Köln\nH2,Françoise,Besançon\n".encode("latin-1")
    table = table_read(data)
    assert table.rows[1] == ["H2", "Françoise", "Besançon"]
    assert table.read_as.startswith("Latin-1")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_separator_is_sniffed(delimiter):
    data = (
        delimiter.join(["id", "first_name", "lat"]) + "\n" + delimiter.join(["H1", "Ann", "53.8"])
    )
    assert table_read(data.encode()).rows == [["H1", "Ann", "53.8"]]


def test_a_comma_inside_quotes_stays_in_its_cell():
    table = table_read(b'id,address\nH1,"1 High St, Leeds"\n')
    assert table.rows == [["H1", "1 High St, Leeds"]]


@pytest.mark.parametrize("data", [b"", b"   \n\n", "\ufeff".encode()])
def test_an_empty_file_is_refused(data):
    with pytest.raises(FileProblem, match="empty"):
        table_read(data)


def test_a_file_with_only_headers_is_refused():
    with pytest.raises(FileProblem, match="no people"):
        table_read(b"id,first_name,lat,lon\n")


def test_a_header_twice_is_refused_naming_both_columns():
    with pytest.raises(FileProblem) as refused:
        table_read(b"id,first_name,First_Name\nH1,Ann,Ann\n")
    assert refused.value.message == (
        "The column “First_Name” appears twice (columns 2 and 3); keep one."
    )


def test_a_nul_byte_is_refused_with_its_row():
    with pytest.raises(FileProblem, match="Row 3 holds a NUL"):
        table_read(b"id,first_name\nH1,Ann\nH2,B\x00b\n")


def _xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, lines in sheets.items():
        sheet = book.create_sheet(name)
        for line in lines:
            sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_file_is_read_with_numbers_as_typed():
    data = _xlsx({"People": [["id", "first_name", "lat"], [1042, "Ann", 53.8]]})
    table = table_read(data)
    assert table.header == ["id", "first_name", "lat"]
    assert table.rows == [["1042", "Ann", "53.8"]]
    assert table.read_as == "sheet “People”"


def test_an_xlsx_with_several_sheets_reads_the_first_and_says_so():
    data = _xlsx(
        {
            "Households": [["id", "first_name"], ["H1", "Ann"]],
            "Notes": [["anything"], ["else"]],
            "Empty": [],
        }
    )
    table = table_read(data)
    assert table.rows == [["H1", "Ann"]]
    assert table.notes == ["Only the first sheet, “Households”, was read; “Notes” were not."]


def test_a_broken_xlsx_is_refused():
    with pytest.raises(FileProblem, match="not a CSV or XLSX file"):
        table_read(b"PK\x03\x04 not really a zip")
