import csv
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kinfolk import matchcli
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
        return list(csv.DictReader(handle))


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
    assert _rows(why)[0]["lock_cost_change"].startswith("+")
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
