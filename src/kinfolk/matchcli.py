"""`kinfolk match` and `kinfolk synth`: the matching engine on CSV files, no database.

Two plain functions with Typer-annotated parameters; the ``kinfolk`` Typer
app registers them as commands.  Errors in the input name the file, row and
field (or the pair) and exit with code 2, and no output file is written: the
pairs and the explanations are written together or not at all.  Cells that a
spreadsheet would run as a formula are written with a leading ``'`` (see
:mod:`kinfolk.engine.csvfiles` for how such a cell is read back).
"""

from __future__ import annotations

import enum
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from kinfolk.engine import assign, csvfiles, population
from kinfolk.engine import synth as synthesis
from kinfolk.engine.candidates import REASONS
from kinfolk.engine.candidates import Progress as ProgressCallback
from kinfolk.engine.compiled import warm_up
from kinfolk.engine.explain import COLUMNS as EXPLAIN_COLUMNS
from kinfolk.engine.explain import explain as explain_pairs

PAIR_COLUMNS: tuple[str, ...] = (
    "volunteer_id",
    "household_id",
    "locked",
    "distance_km",
    "cost",
    "reason",
)
_STAGES = {
    "candidates": "Finding candidates",
    "costs": "Scoring pairs",
    "solve": "Pairing",
    "summary": "Summing up",
}


class MatchMode(enum.StrEnum):
    optimal = "optimal"
    stable = "stable"
    greedy = "greedy"


class SolverName(enum.StrEnum):
    kinfolk = "kinfolk"
    ortools = "ortools"


class InputError(Exception):
    """Bad input, already phrased for the person running the command."""


def match(
    volunteers: Annotated[
        Path, typer.Argument(help="Volunteers CSV (data dictionary columns).", dir_okay=False)
    ],
    households: Annotated[
        Path, typer.Argument(help="Households CSV (data dictionary columns).", dir_okay=False)
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the pairs CSV.", dir_okay=False)
    ],
    mode: Annotated[
        MatchMode, typer.Option(help="optimal (default), stable, or greedy (baseline).")
    ] = MatchMode.optimal,
    explain: Annotated[
        Path | None, typer.Option(help="Also write one explanation per pair here.")
    ] = None,
    locks: Annotated[
        Path | None,
        typer.Option(help="CSV of pairs that must stay: volunteer_id,household_id[,manual]."),
    ] = None,
    exclude: Annotated[
        Path | None,
        typer.Option(help="CSV of pairs never to propose: volunteer_id,household_id."),
    ] = None,
    solver: Annotated[
        SolverName,
        typer.Option(help="kinfolk (default), or ortools to cross-check the optimal mode."),
    ] = SolverName.kinfolk,
) -> None:
    """Pair volunteers with households from CSV files, with no database."""
    console = Console(stderr=True)
    started = time.perf_counter()
    try:
        _check_writable(output, explain)
        engine_seconds = warm_up()
        v = _read_people(volunteers, "volunteers")
        h = _read_people(households, "households")
        lock_list = [
            assign.Lock(row["volunteer_id"], row["household_id"], _yes(row.get("manual")))
            for row in _read_pairs(locks)
        ]
        exclusions = [(row["volunteer_id"], row["household_id"]) for row in _read_pairs(exclude)]
        with _progress_bar(console) as report:
            result = assign.match(
                v, h, mode=mode.value, locks=lock_list, exclusions=exclusions, progress=report,
                solver=solver.value,
            )  # fmt: skip
        explanations = [item.to_record() for item in explain_pairs(result)] if explain else None
        tables: list[csvfiles.Table] = [(output, PAIR_COLUMNS, list(_pair_rows(result)))]
        if explain and explanations is not None:
            tables.append((explain, EXPLAIN_COLUMNS, explanations))
        _write(tables)
    except InputError as error:
        console.print(f"[bold red]Error:[/] {error}")
        raise typer.Exit(code=2) from None
    for message in result.warnings:
        console.print(f"[yellow]Warning:[/] {message}")
    console.print(_summary_table(result, time.perf_counter() - started, engine_seconds))


def synth(
    size: Annotated[int, typer.Option("--size", min=1, help="People on each side.")],
    output_dir: Annotated[
        Path, typer.Option("--output", "-o", help="Directory for the two CSV files.")
    ],
    country: Annotated[str, typer.Option(help="ISO country code of the towns.")] = "GB",
    seed: Annotated[int, typer.Option(help="Random seed; equal seeds give equal files.")] = 0,
) -> None:
    """Write realistic synthetic volunteers.csv and households.csv."""
    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console
    ) as bar:
        task = bar.add_task("Generating people", total=3)
        try:
            programme = synthesis.generate(size, size, country=country, seed=seed)
        except ValueError as error:
            console.print(f"[bold red]Error:[/] {error}")
            raise typer.Exit(code=2) from None
        bar.update(task, advance=1, description="Writing volunteers.csv")
        output_dir.mkdir(parents=True, exist_ok=True)
        population.write_csv(output_dir / "volunteers.csv", programme.volunteers)
        bar.update(task, advance=1, description="Writing households.csv")
        population.write_csv(output_dir / "households.csv", programme.households)
        bar.update(task, advance=1, description="Done")
    console.print(f"Wrote {size} volunteers and {size} households to {output_dir}")


def _check_writable(*paths: Path | None) -> None:
    """Refuse, before any work, an output whose folder is missing or not writable."""
    for path in paths:
        if path is None:
            continue
        folder = path.parent
        if not folder.is_dir():
            raise InputError(f"{path}: the folder {folder} does not exist; nothing was written")
        if not os.access(folder, os.W_OK):
            raise InputError(f"{path}: cannot write to the folder {folder}; nothing was written")


def _write(tables: list[csvfiles.Table]) -> None:
    try:
        csvfiles.write_tables(tables)
    except OSError as error:
        raise InputError(f"cannot write the output ({error}); nothing was written") from None


def _read_people(path: Path, kind: str) -> population.Population:
    try:
        return population.read_csv(path, kind)
    except population.RowError as error:
        raise InputError(f"{path.name}: {error}") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read it ({error.strerror or error})") from None


def _read_pairs(path: Path | None) -> list[dict[str, str]]:
    if path is None:
        return []
    try:
        header, body, numbers = csvfiles.read_table(path)
    except csvfiles.RowError as error:
        raise InputError(f"{path.name}: {error}") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read it ({error.strerror or error})") from None
    for column in ("volunteer_id", "household_id"):
        if column not in header:
            raise InputError(f"{path.name}: row 1, field {column}: column is missing")
    rows = []
    for number, cells in zip(numbers, body, strict=True):
        row = {key: (cells[i] if i < len(cells) else "").strip() for i, key in enumerate(header)}
        for column in ("volunteer_id", "household_id"):
            if not row[column]:
                raise InputError(f"{path.name}: row {number}, field {column}: is empty")
        rows.append(row)
    return rows


def _yes(text: str | None) -> bool:
    return (text or "yes").strip().lower() in ("yes", "y", "true", "1", "manual")


@contextmanager
def _progress_bar(console: Console) -> Iterator[ProgressCallback]:
    with Progress(
        TextColumn("{task.description:<20}"),
        BarColumn(),
        TextColumn("{task.completed:>9,.0f}/{task.total:<9,.0f}"),
        TimeElapsedColumn(),
        console=console,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(_STAGES.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        try:
            yield report
        except (assign.PairError, ValueError) as error:
            raise InputError(str(error)) from None


def _pair_rows(result: assign.MatchResult) -> Iterator[dict[str, str]]:
    for (vid, hid), locked, km, cost in zip(
        result.pair_ids(),
        result.locked.tolist(),
        result.distance_km.tolist(),
        result.cost.tolist(),
        strict=True,
    ):
        yield {
            "volunteer_id": vid,
            "household_id": hid,
            "locked": "yes" if locked else "",
            "distance_km": f"{km:.2f}",
            "cost": str(cost),
            "reason": REASONS[0],
        }
    for side, key in (("volunteers", "volunteer_id"), ("households", "household_id")):
        for person, reason in result.unpaired(side):  # type: ignore[arg-type]
            row = dict.fromkeys(PAIR_COLUMNS, "")
            row[key] = person
            row["reason"] = reason
            yield row


def _summary_table(result: assign.MatchResult, seconds: float, engine_seconds: float) -> Table:
    s = result.summary
    table = Table(title=f"Matching ({result.mode})", show_header=False)
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("pairs", f"{s.pairs:,}")
    table.add_row("unpaired volunteers", f"{s.unpaired_volunteers:,}")
    table.add_row("unpaired households", f"{s.unpaired_households:,}")
    table.add_row("mean travel", f"{s.mean_km:.2f} km")
    table.add_row("95th percentile travel", f"{s.p95_km:.2f} km")
    table.add_row("with a language exchange", f"{s.exchange_share:.1%}")
    table.add_row("total cost", f"{s.total_cost:,}")
    if result.mode != "greedy":
        checked = f"yes ({s.check_rounds} rounds)" if s.all_pairs_checked else "no: cap reached"
        table.add_row("checked against all compatible pairs", checked)
    table.add_row("time", f"{seconds:.2f} s")
    # The compiled engine loads from its disk cache; only a machine's first run compiles.
    table.add_row("of which engine start-up", f"{engine_seconds:.2f} s")
    return table
