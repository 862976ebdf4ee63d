import contextlib
import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinfolk.engine.csvfiles import _is_number, neutralise, restore
from kinfolk.engine.population import COLUMNS, Population, RowError, read_csv, write_csv


def make_record(**fields: str) -> dict[str, str]:
    record = {
        "id": "V1",
        "first_name": "Ada",
        "town": "York",
        "lat": "53.96",
        "lon": "-1.08",
        "max_travel_km": "10",
        "visit_places": "either",
        "speaks": "en:fluent;sw:basic",
        "learning": "fr",
        "availability": "mon-am;sat-eve",
        "offers": "pets",
        "accepts": "children;pets",
        "waiting_since": "2026-01-05",
        "blackout": "2026-12-20..2027-01-03",
        "travel_mode": "car",
    }
    record.update(fields)
    return record


def test_from_records_parses_every_field_into_arrays() -> None:
    people = Population.from_records([make_record()], kind="volunteers")
    assert people.id.tolist() == ["V1"]
    assert people.lat[0] == pytest.approx(53.96)
    assert people.visit_places[0] == 2
    assert people.languages == ("en", "sw", "fr")
    assert (people.speaks_any[0], people.speaks_conv[0], people.speaks_fluent[0]) == (3, 1, 1)
    assert people.learning[0] == 4
    assert people.availability[0] == (1 << 0) | (1 << 17)
    assert people.offers[0] == 1 and people.accepts[0] == 0b101
    assert people.waiting_since[0] == np.datetime64("2026-01-05")
    assert people.blackout[0] == ((dt.date(2026, 12, 20), dt.date(2027, 1, 3)),)
    assert people.travel_mode[0] == 0


def test_to_records_gives_back_the_data_dictionary_strings() -> None:
    record = make_record()
    people = Population.from_records([record], kind="volunteers")
    (back,) = people.to_records()
    assert list(back) == list(COLUMNS)
    assert back["speaks"] == "en:fluent;sw:basic"
    assert back["availability"] == "mon-am;sat-eve"
    assert back["blackout"] == "2026-12-20..2027-01-03"
    assert Population.from_records([back], kind="volunteers").to_records() == [back]


def test_optional_fields_may_be_empty() -> None:
    record = make_record(learning="", offers="", accepts="", waiting_since="", blackout="")
    people = Population.from_records([record], kind="households")
    assert np.isnat(people.waiting_since[0])
    assert people.blackout[0] == ()
    assert people.to_records()[0]["waiting_since"] == ""


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("lat", ""),
        ("lat", "north"),
        ("lon", "200"),
        ("speaks", "xx-notalanguage:fluent"),
        ("speaks", "en:superb"),
        ("speaks", "en"),
        ("speaks", ""),
        ("availability", ""),
        ("availability", "monday-morning"),
        ("max_travel_km", "far"),
        ("visit_places", "garden"),
        ("offers", "unicorns"),
        ("waiting_since", "05/01/2026"),
        ("blackout", "2027-01-03..2026-12-20"),
    ],
)
def test_bad_value_names_row_and_field(field: str, value: str) -> None:
    records = [make_record(id="V1"), make_record(id="V2", **{field: value})]
    with pytest.raises(RowError) as caught:
        Population.from_records(records, kind="volunteers")
    assert (caught.value.row, caught.value.field) == (3, field)
    assert f"row 3, field {field}" in str(caught.value)


def test_duplicate_id_names_both_rows() -> None:
    records = [make_record(id="V1"), make_record(id="V2"), make_record(id="V1")]
    with pytest.raises(RowError) as caught:
        Population.from_records(records, kind="volunteers")
    assert (caught.value.row, caught.value.field) == (4, "id")
    assert "row 2" in caught.value.message


def test_missing_id_is_an_error() -> None:
    with pytest.raises(RowError, match="row 2, field id"):
        Population.from_records([make_record(id=" ")], kind="volunteers")


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="kind"):
        Population.from_records([], kind="visitors")


def test_csv_round_trip(tmp_path: Path) -> None:
    people = Population.from_records(
        [make_record(id="V1"), make_record(id="V2", speaks="ar:fluent;en:conversational")],
        kind="volunteers",
    )
    path = tmp_path / "volunteers.csv"
    write_csv(path, people)
    again = read_csv(path, "volunteers")
    assert again.to_records() == people.to_records()
    assert [p.name for p in tmp_path.iterdir()] == ["volunteers.csv"]


def test_read_csv_reports_the_file_row(tmp_path: Path) -> None:
    path = tmp_path / "households.csv"
    path.write_text("id,lat,lon,max_travel_km,speaks,availability\nH1,53,-1,5,en:fluent,\n")
    with pytest.raises(RowError) as caught:
        read_csv(path, "households")
    assert (caught.value.row, caught.value.field) == (2, "availability")


def test_read_csv_without_location_columns_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "households.csv"
    path.write_text("id,speaks\nH1,en:fluent\n")
    with pytest.raises(RowError, match="row 1, field lat"):
        read_csv(path, "households")


def test_failed_write_leaves_the_old_file_intact(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    path.write_text("old\n")
    people = Population.from_records([make_record()], kind="volunteers")
    people.id = np.array([object()], dtype=object)  # not a str: the csv writer still copes
    people.lat = np.array(["x"], dtype=object)  # but formatting a float fails mid-write
    with pytest.raises((ValueError, TypeError)):
        write_csv(path, people)
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_language_masks_move_bits_to_a_wider_index() -> None:
    people = Population.from_records([make_record()], kind="volunteers")
    masks = people.language_masks(("ar", "fr", "en", "sw"))
    assert masks["speaks_any"][0] == 0b1100
    assert masks["speaks_conv"][0] == 0b0100
    assert masks["learning"][0] == 0b0010


@given(
    st.lists(st.integers(0, 2**40 - 1), min_size=1, max_size=30),
    st.permutations(range(64)),
    st.integers(0, 40),
)
def test_language_masks_move_every_bit_to_its_place_in_the_wider_index(
    masks: list[int], order: list[int], n_languages: int
) -> None:
    from kinfolk.engine.population import _moved_bits

    moves = order[:n_languages]
    kept = [m & ((1 << n_languages) - 1) for m in masks]
    expected = [sum(1 << moves[j] for j in range(n_languages) if m >> j & 1) for m in kept]
    got = _moved_bits(np.array(kept, dtype=np.uint64), moves)
    assert got.tolist() == expected


@given(st.text(alphabet=st.sampled_from("=+-@'\t\rab1.é \"")))
def test_every_cell_survives_neutralising_and_restoring(text: str) -> None:
    assert restore(neutralise(text)) == text
    # Plain numbers such as +1 or -1.08 are left as they are, by design.
    left_alone = text == "" or _is_number(text)
    assert not neutralise(text).startswith(("=", "+", "@", "\t", "\r")) or left_alone


def test_names_that_look_like_formulas_round_trip_through_a_file(tmp_path: Path) -> None:
    record = make_record(id="-V1", first_name="=cmd|' /C calc'!A0", town="'Quoted")
    people = Population.from_records([record], kind="volunteers")
    write_csv(tmp_path / "people.csv", people)
    text = (tmp_path / "people.csv").read_text()
    assert "'-V1" in text and "'=cmd" in text and ",''Quoted," in text
    assert ",-1.080000," in text  # numbers are left alone
    back = read_csv(tmp_path / "people.csv", "volunteers")
    assert back.to_records() == people.to_records()


def test_a_nul_byte_in_a_record_is_refused() -> None:
    with pytest.raises(RowError, match="row 2, field first_name: holds a NUL byte"):
        Population.from_records([make_record(first_name="A\x00da")], kind="volunteers")


def test_the_columnar_reader_names_the_earliest_bad_row_of_any_column(tmp_path: Path) -> None:
    header = "id,lat,lon,max_travel_km,speaks,availability"
    rows = [f"V{i}, 53.9 ,-1.0,10,en:fluent,sat-am" for i in range(3000)]
    rows[2500] = rows[2500].replace("sat-am", "sat-noon")  # row 2502
    rows[2700] = rows[2700].replace("en:fluent", "en:superb")  # row 2702, an earlier column
    rows.insert(100, "")  # a blank line still counts as a row
    path = tmp_path / "volunteers.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    with pytest.raises(RowError) as caught:
        read_csv(path, "volunteers")
    assert (caught.value.row, caught.value.field) == (2503, "availability")


def test_the_columnar_reader_strips_padding_and_fills_short_rows(tmp_path: Path) -> None:
    path = tmp_path / "households.csv"
    path.write_text(
        "id,lat,lon,max_travel_km,speaks,availability,learning\n"
        " H1 ,53.9,-1.0,10, en:fluent ,sat-am\n"
        "H2,53.9,-1.0,10,fr:fluent,sun-pm,es\n"
    )
    people = read_csv(path, "households")
    assert people.id.tolist() == ["H1", "H2"]
    assert people.languages == ("en", "fr", "es")
    assert people.learning.tolist() == [0, 4]


def _programme_file(tmp_path: Path, size: int = 150) -> Path:
    from kinfolk.engine.synth import generate

    path = tmp_path / "volunteers.csv"
    write_csv(path, generate(size, size, seed=3, today=dt.date(2026, 11, 1)).volunteers)
    return path


def test_a_quoted_file_and_a_plain_file_read_the_same(tmp_path: Path) -> None:
    import csv

    plain = _programme_file(tmp_path)
    with plain.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    quoted = tmp_path / "quoted.csv"
    with quoted.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    fast, careful = read_csv(plain, "volunteers"), read_csv(quoted, "volunteers")
    assert fast.languages == careful.languages
    assert fast.to_records() == careful.to_records()


def test_the_fast_reader_counts_blank_and_comma_only_lines_as_rows(tmp_path: Path) -> None:
    path = tmp_path / "volunteers.csv"
    path.write_text(
        "id,lat,lon,max_travel_km,speaks,availability\r\n"
        "V1,53.9,-1.0,10,en:fluent,sat-am\r\n"
        "\r\n"
        ",,,,,\r\n"
        "V2,53.9,-1.0,10,en:fluent,sat-noon\r\n"
    )
    with pytest.raises(RowError, match="row 5, field availability: 'sat-noon' is not"):
        read_csv(path, "volunteers")


@pytest.mark.parametrize(
    ("speaks", "message"),
    [
        ("en:fluent;EN:basic", "'en' is listed twice"),
        (" ; ", "is empty; give at least one language"),
        ("en:fluent;xx-invalid-tag-zz:fluent", "is not a known language tag"),
    ],
)
def test_items_parsed_once_still_name_the_bad_row(speaks: str, message: str) -> None:
    records = [make_record(id=f"V{i}") for i in range(50)]
    records[30] = make_record(id="V30", speaks=speaks)
    with pytest.raises(RowError) as caught:
        Population.from_records(records, kind="volunteers")
    assert (caught.value.row, caught.value.field) == (32, "speaks")
    assert message in str(caught.value)


def test_a_65th_language_is_refused_in_the_row_that_brings_it() -> None:
    import langcodes

    tags = [tag for tag in ("en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "fi")]
    tags += [f"{a}{b}" for a in "abcdefghijklmnopqrstuvwxyz" for b in "abcdefghijklmnopqrstuvwxyz"]
    valid = [tag for tag in dict.fromkeys(tags) if langcodes.tag_is_valid(tag)]
    chosen: list[str] = []
    for tag in valid:
        standard = langcodes.standardize_tag(tag)
        if standard not in chosen and standard != "und":
            chosen.append(standard)
        if len(chosen) == 65:
            break
    records = [make_record(id=f"V{i}", speaks=f"{tag}:fluent") for i, tag in enumerate(chosen)]
    with pytest.raises(RowError) as caught:
        Population.from_records(records, kind="volunteers")
    assert (caught.value.row, caught.value.field) == (66, "speaks")
    assert "would be language 65" in str(caught.value)


_TAGS = st.sampled_from(["en", "EN", "en-GB", "fr", "ar", "zh-Hans", "sw", "pl"])
_LEVELS = st.sampled_from(["basic", "conversational", "fluent", "Fluent"])
_SPEAKS = st.lists(
    st.tuples(_TAGS, _LEVELS, st.sampled_from(["", " "])), min_size=1, max_size=4
).map(lambda items: ";".join(f"{pad}{tag}:{level}" for tag, level, pad in items))
_SLOTS = st.lists(st.sampled_from(["mon-am", "SAT-eve", " sun-pm", "tue-pm", ""]), min_size=1)


@given(st.lists(st.tuples(_SPEAKS, _SLOTS.map(";".join)), min_size=1, max_size=30))
def test_items_parsed_once_give_what_each_text_parsed_alone_gives(
    rows: list[tuple[str, str]],
) -> None:
    from kinfolk.engine import dictionary as dd

    records = [
        make_record(id=f"V{i}", speaks=speaks, availability=slots, learning="fr;ar")
        for i, (speaks, slots) in enumerate(rows)
    ]
    try:
        people = Population.from_records(records, kind="volunteers")
    except RowError as error:
        # The same row is bad when its text is parsed alone.
        speaks, slots = rows[error.row - 2]
        parse = dd.parse_speaks if error.field == "speaks" else dd.parse_availability
        with contextlib.suppress(dd.FieldError):
            assert not parse(speaks if error.field == "speaks" else slots)  # empty
        for speaks, slots in rows[: error.row - 2]:  # and no earlier row is
            assert dd.parse_speaks(speaks) and dd.parse_availability(slots)
        return
    index = {tag: j for j, tag in enumerate(people.languages)}
    for i, (speaks, slots) in enumerate(rows):
        pairs = dd.parse_speaks(speaks)
        assert people.speaks_any[i] == sum(1 << index[tag] for tag, _ in pairs)
        fluent = sum(1 << index[tag] for tag, level in pairs if level == "fluent")
        assert people.speaks_fluent[i] == fluent
        assert people.availability[i] == dd.parse_availability(slots)
    # Tags are indexed in the order of the rows that first hold them.
    first_seen = list(dict.fromkeys(tag for s, _ in rows for tag, _ in dd.parse_speaks(s)))
    assert set(people.languages[: len(first_seen)]) == set(first_seen)


@given(st.text(alphabet="ab,'\"\n\r \t\\#é", max_size=40))
def test_the_arrow_tokenizer_splits_every_text_as_the_csv_module_does_or_declines(
    text: str,
) -> None:
    from kinfolk.engine import csvfiles

    split = csvfiles._arrow_split(text.encode())
    if split is None:
        return
    header, columns, numbers = split
    csv_header, rows, csv_numbers = csvfiles._rows(text)
    assert (header, numbers) == (csv_header, csv_numbers)
    expected = [[cells[i] for cells in rows] for i in range(len(header))]
    assert [list(column) for column in columns] == expected
    for column in columns:  # distinct texts, each used, in order of first appearance
        assert column.texts == list(dict.fromkeys(column))


def test_the_arrow_tokenizer_declines_rows_wider_than_the_header() -> None:
    from kinfolk.engine import csvfiles

    assert csvfiles._arrow_split(b"id,lat\nV1,1,2\n") is None
    header, rows, _ = csvfiles._rows("id,lat\nV1,1,2\n")
    assert rows == [["V1", "1", "2"]]


def test_a_quoted_file_with_commas_and_line_breaks_in_cells_reads_by_record(
    tmp_path: Path,
) -> None:
    path = tmp_path / "volunteers.csv"
    path.write_text(
        "id,first_name,town,lat,lon,max_travel_km,speaks,availability\n"
        'V1,"Ada, ""Lovelace""","York\nNorth",53.9,-1.0,10,en:fluent,sat-am\n'
        "V2,Bo,Leeds,53.9,-1.0,10,en:fluent,sat-noon\n"
    )
    with pytest.raises(RowError, match="row 3, field availability"):
        read_csv(path, "volunteers")
    path.write_text(path.read_text().replace("sat-noon", "sat-pm"))
    people = read_csv(path, "volunteers")
    assert people.first_name.tolist() == ['Ada, "Lovelace"', "Bo"]
    assert people.town.tolist() == ["York\nNorth", "Leeds"]


def test_the_arrow_reader_names_the_earliest_row_of_an_overlong_repeated_text(
    tmp_path: Path,
) -> None:
    long_town = "x" * 1001
    path = tmp_path / "volunteers.csv"
    path.write_text(
        "id,town,lat,lon,max_travel_km,speaks,availability\n"
        "V1,York,53.9,-1.0,10,en:fluent,sat-am\n"
        f"V2,{long_town},53.9,-1.0,10,en:fluent,sat-am\n"
        f"V3,{long_town},53.9,-1.0,10,en:fluent,sat-am\n"
    )
    with pytest.raises(RowError, match="row 3, field town: is 1,001 characters long"):
        read_csv(path, "volunteers")


def test_a_quoted_formula_and_the_same_text_unquoted_read_as_one_value(tmp_path: Path) -> None:
    path = tmp_path / "volunteers.csv"
    path.write_text(
        "id,first_name,lat,lon,max_travel_km,speaks,availability\n"
        "V1,'=Ada,53.9,-1.0,10,en:fluent,sat-am\n"
        "V2,=Ada,53.9,-1.0,10,en:fluent,sat-am\n"
        "V3,'Bo,53.9,-1.0,10,en:fluent,sat-am\n"
    )
    people = read_csv(path, "volunteers")
    assert people.first_name.tolist() == ["=Ada", "=Ada", "'Bo"]


@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda width: st.lists(
            st.lists(
                st.text(alphabet="a1,\"'\r\n=-+ @\t", max_size=4), min_size=width, max_size=width
            ),
            max_size=5,
        ).map(lambda rows, width=width: (width, rows))
    )
)
def test_written_columns_are_the_bytes_csv_writer_gives(table: tuple[int, list[list[str]]]) -> None:
    import csv
    import io
    import tempfile

    from kinfolk.engine import csvfiles

    width, rows = table
    header = [f"c{i}" for i in range(width)]
    columns = {name: [row[i] for row in rows] for i, name in enumerate(header)}
    expected = io.StringIO(newline="")
    writer = csv.writer(expected)
    writer.writerow(header)
    writer.writerows([[neutralise(cell) for cell in row] for row in rows])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.csv"
        csvfiles.write_columns([(path, columns)])
        assert path.read_bytes() == expected.getvalue().encode()


def test_without_pyarrow_the_csv_module_reads_the_same_people(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    path = _programme_file(tmp_path)
    with_arrow = read_csv(path, "volunteers")
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow raises ImportError
    without = read_csv(path, "volunteers")
    assert without.languages == with_arrow.languages
    assert without.to_records() == with_arrow.to_records()


@pytest.mark.parametrize(
    "bad",
    [b"\xff", b"\xed\xa0\x80", b"\xc0\x80", b"\xe2\x82"],
    ids=["ff", "surrogate", "overlong", "cut"],
)
def test_bytes_that_are_not_utf8_are_refused_naming_the_row_and_field(
    tmp_path: Path, bad: bytes
) -> None:
    path = tmp_path / "volunteers.csv"
    path.write_bytes(
        b"id,town,lat,lon,max_travel_km,speaks,availability\n"
        b"V1,York,53.9,-1.0,10,en:fluent,sat-am\n"
        b"V2,Le" + bad + b"eds,53.9,-1.0,10,en:fluent,sat-am\n"
    )
    with pytest.raises(RowError, match="row 3, field town: is not UTF-8 text"):
        read_csv(path, "volunteers")


def test_a_nul_byte_in_a_file_is_refused_naming_the_row_and_field(tmp_path: Path) -> None:
    path = tmp_path / "volunteers.csv"
    path.write_bytes(
        b"id,town,lat,lon,max_travel_km,speaks,availability\n"
        b"V1,York,53.9,-1.0,10,en:fluent\x00,sat-am\n"
    )
    with pytest.raises(RowError, match="row 2, field speaks: holds a NUL byte"):
        read_csv(path, "volunteers")
