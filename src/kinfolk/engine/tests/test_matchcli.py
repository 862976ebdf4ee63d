import csv
import os
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kinfolk import matchcli
from kinfolk.engine.csvfiles import restore
from kinfolk.engine.population import read_csv

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    app.command("match")(matchcli.match)
    app.command("synth")(matchcli.synth)
    return app


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return [{k: restore(v) for k, v in row.items()} for row in csv.DictReader(handle)]


def test_match_on_the_sample_files_as_a_new_user_would(app: typer.Typer, tmp_path: Path) -> None:
    out, why = tmp_path / "pairs.csv", tmp_path / "explain.csv"
    result = CliRunner().invoke(
        app,
        [
            "match", str(SAMPLES / "volunteers.csv"), str(SAMPLES / "households.csv"),
            "-o", str(out), "--explain", str(why),
            "--locks", str(SAMPLES / "locks.csv"), "--exclude", str(SAMPLES / "excluded.csv"),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    paired = [r for r in rows if r["reason"] == "paired"]
    assert {"volunteer_id": "V006", "household_id": "H010"}.items() <= paired[0].items()
    assert paired[0]["locked"] == "yes"
    assert ("V001", "H001") not in {(r["volunteer_id"], r["household_id"]) for r in paired}
    assert len(_rows(why)) == len(paired)
    assert _rows(why)[0]["lock_cost_change"][:1] in ("+", "-")
    everyone = {r["volunteer_id"] for r in rows if r["volunteer_id"]}
    assert len(everyone) == 30  # every volunteer appears, paired or with a reason
    assert "pairs" in result.output


@pytest.mark.parametrize("mode", ["stable", "greedy"])
def test_other_modes_run(app: typer.Typer, tmp_path: Path, mode: str) -> None:
    out = tmp_path / "pairs.csv"
    args = ["match", str(SAMPLES / "volunteers.csv"), str(SAMPLES / "households.csv")]
    result = CliRunner().invoke(app, [*args, "-o", str(out), "--mode", mode])
    assert result.exit_code == 0, result.output
    assert f"Matching ({mode})" in result.output


def test_bad_row_names_file_row_and_field_and_writes_nothing(
    app: typer.Typer, tmp_path: Path
) -> None:
    bad = tmp_path / "households.csv"
    lines = (SAMPLES / "households.csv").read_text().splitlines()
    lines[4] = lines[4].replace("en:fluent", "en:superb", 1)
    bad.write_text("\n".join(lines) + "\n")
    out = tmp_path / "pairs.csv"
    result = CliRunner().invoke(
        app, ["match", str(SAMPLES / "volunteers.csv"), str(bad), "-o", str(out)]
    )
    assert result.exit_code == 2
    assert "households.csv: row 5, field speaks" in result.output
    assert not out.exists()


def test_when_both_files_are_bad_the_volunteers_error_is_the_one_reported(
    app: typer.Typer, tmp_path: Path
) -> None:
    # The two files are read side by side; the report is still the first file's error.
    for name, row in (("volunteers.csv", 3), ("households.csv", 2)):
        lines = (SAMPLES / name).read_text().splitlines()
        lines[row - 1] = lines[row - 1].replace("en:fluent", "en:superb", 1)
        (tmp_path / name).write_text("\n".join(lines) + "\n")
    out = tmp_path / "pairs.csv"
    files = [str(tmp_path / "volunteers.csv"), str(tmp_path / "households.csv")]
    result = CliRunner().invoke(app, ["match", *files, "-o", str(out)])
    assert result.exit_code == 2
    assert "volunteers.csv: row 3, field speaks" in result.output
    assert "households.csv" not in result.output
    assert not out.exists()


def test_lock_breaking_a_language_is_an_error_naming_the_pair(
    app: typer.Typer, tmp_path: Path
) -> None:
    volunteers = tmp_path / "volunteers.csv"
    volunteers.write_text(
        "id,lat,lon,max_travel_km,speaks,availability\nV1,53.9,-1.0,10,en:fluent,sat-am\n"
    )
    households = tmp_path / "households.csv"
    households.write_text(
        "id,lat,lon,max_travel_km,speaks,availability\nH1,53.9,-1.0,10,ti:fluent,sat-am\n"
    )
    locks = tmp_path / "locks.csv"
    locks.write_text("volunteer_id,household_id\nV1,H1\n")
    out = tmp_path / "pairs.csv"
    result = CliRunner().invoke(
        app,
        ["match", str(volunteers), str(households), "-o", str(out), "--locks", str(locks)],
    )
    assert result.exit_code == 2
    assert "pair V1 + H1: is locked but shares no language" in result.output
    assert not out.exists()


def test_locks_file_without_a_column_is_an_error(app: typer.Typer, tmp_path: Path) -> None:
    locks = tmp_path / "locks.csv"
    locks.write_text("volunteer,household\nV001,H001\n")
    out = tmp_path / "pairs.csv"
    args = ["match", str(SAMPLES / "volunteers.csv"), str(SAMPLES / "households.csv")]
    result = CliRunner().invoke(app, [*args, "-o", str(out), "--locks", str(locks)])
    assert result.exit_code == 2
    assert "locks.csv: row 1, field volunteer_id" in result.output


def test_synth_writes_both_files(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", "--size", "50", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert len(read_csv(tmp_path / "out" / "volunteers.csv", "volunteers")) == 50
    assert len(read_csv(tmp_path / "out" / "households.csv", "households")) == 50


def test_synth_unknown_country_exits_2(app: typer.Typer, tmp_path: Path) -> None:
    args = ["synth", "--size", "5", "-o", str(tmp_path), "--country", "XX"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


_HEADER = "id,lat,lon,max_travel_km,speaks,availability"


def _args(tmp_path: Path, volunteers: str, households: str) -> list[str]:
    v = _write(tmp_path / "volunteers.csv", volunteers)
    h = _write(tmp_path / "households.csv", households)
    return ["match", str(v), str(h), "-o", str(tmp_path / "pairs.csv")]


def test_a_missing_explanation_folder_writes_no_output_at_all(
    app: typer.Typer, tmp_path: Path
) -> None:
    out = tmp_path / "pairs.csv"
    args = ["match", str(SAMPLES / "volunteers.csv"), str(SAMPLES / "households.csv")]
    missing = tmp_path / "no-such-folder" / "explain.csv"
    result = CliRunner().invoke(app, [*args, "-o", str(out), "--explain", str(missing)])
    assert result.exit_code == 2
    assert "does not exist; nothing was written" in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_existing_pairs_file_is_left_as_it_was_when_the_explanations_cannot_be_written(
    app: typer.Typer, tmp_path: Path
) -> None:
    out = _write(tmp_path / "pairs.csv", "old contents\n")
    blocked = tmp_path / "explain"
    blocked.mkdir()
    blocked.chmod(0o500)  # a folder nobody may write into
    args = ["match", str(SAMPLES / "volunteers.csv"), str(SAMPLES / "households.csv")]
    try:
        result = CliRunner().invoke(
            app, [*args, "-o", str(out), "--explain", str(blocked / "explain.csv")]
        )
    finally:
        blocked.chmod(0o700)
    if os.geteuid() == 0:  # root writes anywhere; the folder check cannot fail then
        return
    assert result.exit_code == 2
    assert out.read_text() == "old contents\n"


@pytest.mark.parametrize("mode", ["optimal", "stable", "greedy"])
def test_one_empty_side_gives_zero_pairs(app: typer.Typer, tmp_path: Path, mode: str) -> None:
    args = _args(tmp_path, f"{_HEADER}\nV1,53.9,-1.0,10,en:fluent,sat-am\n", f"{_HEADER}\n")
    result = CliRunner().invoke(app, [*args, "--mode", mode])
    assert result.exit_code == 0, result.output
    rows = _rows(tmp_path / "pairs.csv")
    assert [(r["volunteer_id"], r["reason"]) for r in rows] == [
        ("V1", "no candidate within distance")
    ]


def test_a_forbidden_column_is_refused_by_name(app: typer.Typer, tmp_path: Path) -> None:
    volunteers = f"{_HEADER},religion\nV1,53.9,-1.0,10,en:fluent,sat-am,x\n"
    args = _args(tmp_path, volunteers, f"{_HEADER}\nH1,53.9,-1.0,10,en:fluent,sat-am\n")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "volunteers.csv: row 1, field religion" in result.output
    assert "charter rule 3" in result.output
    assert not (tmp_path / "pairs.csv").exists()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"V1,53.9,-1.0,10,en:fluent,sat-am\nV2,53.9,-1.0,10,en:fluent,sat-\xe9\n",
         "row 3, field availability: is not UTF-8 text"),
        (b"V1,53.9,-1.0,10,en:fluent,sat-am\nV2,53.9,-1.0,10,en:flu\x00ent,sat-am\n",
         "row 3, field speaks: holds a NUL byte"),
        (b"V1,53.9,-1.0,10,en:fluent,sat-am\nV2,53.9,-1.0,10,en:fluent," + b"x" * 200_000 + b"\n",
         "row 3"),
        (b"V1,53.9,-1.0,10,en:fluent,sat-am\nV2," + b"9" * 1500 + b",-1.0,10,en:fluent,sat-am\n",
         "row 3, field lat: is 1,500 characters long"),
    ],
)  # fmt: skip
def test_unreadable_input_names_the_row_not_a_byte_position(
    app: typer.Typer, tmp_path: Path, raw: bytes, expected: str
) -> None:
    (tmp_path / "volunteers.csv").write_bytes(_HEADER.encode() + b"\n" + raw)
    households = _write(
        tmp_path / "households.csv", f"{_HEADER}\nH1,53.9,-1.0,10,en:fluent,sat-am\n"
    )
    out = tmp_path / "pairs.csv"
    result = CliRunner().invoke(
        app, ["match", str(tmp_path / "volunteers.csv"), str(households), "-o", str(out)]
    )
    assert result.exit_code == 2
    assert f"volunteers.csv: {expected}" in " ".join(result.output.split())
    assert "position" not in result.output
    assert not out.exists()


def test_ids_that_look_like_formulas_are_neutralised_and_read_back_unchanged(
    app: typer.Typer, tmp_path: Path
) -> None:
    formula = '=HYPERLINK("http://evil.example","click")'
    args = _args(
        tmp_path,
        f'{_HEADER}\n"{formula.replace(chr(34), chr(34) * 2)}",53.9,-1.0,10,en:fluent,sat-am\n',
        f"{_HEADER}\n@H1,53.9,-1.0,10,en:fluent,sat-am\n",
    )
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    raw = (tmp_path / "pairs.csv").read_text()
    assert "'=HYPERLINK" in raw and "'@H1" in raw
    with (tmp_path / "pairs.csv").open(newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
    assert [(r["volunteer_id"], r["household_id"]) for r in _rows(tmp_path / "pairs.csv")] == [
        (formula, "@H1")
    ]


def test_en_and_en_gb_are_paired_as_a_weaker_match_than_one_tag(
    app: typer.Typer, tmp_path: Path
) -> None:
    row = "53.9,-1.0,10,{},sat-am"
    volunteers = f"{_HEADER}\nV1,{row.format('en:fluent')}\nV2,{row.format('en-GB:fluent')}\n"
    households = f"{_HEADER}\nH1,{row.format('en-GB:fluent')}\n"
    result = CliRunner().invoke(app, _args(tmp_path, volunteers, households))
    assert result.exit_code == 0, result.output
    paired = [r for r in _rows(tmp_path / "pairs.csv") if r["reason"] == "paired"]
    # Both can talk with H1; the same tag is the better match, so V2 gets the pair.
    assert [(r["volunteer_id"], r["household_id"]) for r in paired] == [("V2", "H1")]
    v1 = match_cost(tmp_path, "en:fluent", "en-GB:fluent")
    v2 = match_cost(tmp_path, "en-GB:fluent", "en-GB:fluent")
    assert v1 > v2


def match_cost(tmp_path: Path, volunteer_speaks: str, household_speaks: str) -> int:
    from kinfolk.engine.assign import match

    from . import TODAY, make_person, people

    v = people("volunteers", make_person(id="V1", speaks=volunteer_speaks))
    h = people("households", make_person(id="H1", speaks=household_speaks))
    result = match(v, h, today=TODAY)
    assert result.summary.pairs == 1
    return int(result.cost[0])


def test_a_programme_too_big_for_memory_is_refused_with_the_estimate_before_any_work(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kinfolk.engine import assign
    from kinfolk.engine.candidates import K

    monkeypatch.setattr(assign, "available_memory", lambda: 1_000)  # a machine with 1 kB free
    args = ["match", str(SAMPLES / "volunteers.csv"), str(SAMPLES / "households.csv")]
    out, why = tmp_path / "pairs.csv", tmp_path / "explain.csv"
    result = CliRunner().invoke(app, [*args, "-o", str(out), "--explain", str(why)])
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert f"pairing 30 volunteers with 30 households (k = {K}) needs about" in said
    assert "GiB of memory, more than the 0.0 GiB available" in said
    assert said.endswith("match a region or an organisation at a time")  # no option to follow
    assert list(tmp_path.iterdir()) == []


def test_explanations_are_written_with_every_pair_and_formulas_neutralised(
    app: typer.Typer, tmp_path: Path
) -> None:
    volunteers = (
        f"{_HEADER}\n=V1,53.9,-1.0,10,en:fluent,sat-am\n+V2,53.9,-1.0,10,en:fluent,sat-am\n"
    )
    households = f"{_HEADER}\nH1,53.9,-1.0,10,en:fluent,sat-am\nH2,53.9,-1.0,10,en:fluent,sat-am\n"
    why = tmp_path / "explain.csv"
    result = CliRunner().invoke(
        app, [*_args(tmp_path, volunteers, households), "--explain", str(why)]
    )
    assert result.exit_code == 0, result.output
    rows = _rows(why)
    assert sorted(r["volunteer_id"] for r in rows) == ["+V2", "=V1"]
    assert {r["household_alternatives"].split(":")[0] for r in rows} == {"+V2", "=V1"}
    raw = why.read_text()
    assert "'=V1" in raw and "'+V2" in raw


def test_an_empty_id_in_the_locks_file_names_the_earliest_row(
    app: typer.Typer, tmp_path: Path
) -> None:
    locks = _write(tmp_path / "locks.csv", "volunteer_id,household_id\nV001,H001\nV002,\n,H003\n")
    args = ["match", str(SAMPLES / "volunteers.csv"), str(SAMPLES / "households.csv")]
    result = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "p.csv"), "--locks", str(locks)])
    assert result.exit_code == 2
    assert "locks.csv: row 3, field household_id: is empty" in result.output
