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
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from kinfolk.engine import assign, csvfiles, population
from kinfolk.engine import synth as synthesis
from kinfolk.engine.candidates import PAIRED, REASONS
from kinfolk.engine.candidates import Progress as ProgressCallback
from kinfolk.engine.explain import explain_columns

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


class _CompileTimer:
    """Seconds numba spends compiling while the timer is entered (none once cached on disk).

    The command compiles only the kernels its run uses, when it first uses them, and
    numba keeps them on disk (``cache=True``), so only a machine's first run of a mode
    pays for it; this timer lets the summary say how much of the time that was.
    """

    def __init__(self) -> None:
        self.seconds = 0.0
        self._depth = 0
        self._started = 0.0
        self._listener: Any = None

    def __enter__(self) -> _CompileTimer:
        from numba.core import event

        if self._listener is None:
            timer = self

            class Listener(event.Listener):
                def on_start(self, _: object) -> None:
                    timer.start()

                def on_end(self, _: object) -> None:
                    timer.end()

            self._listener = Listener()
        event.register("numba:compile", self._listener)  # type: ignore[no-untyped-call]
        return self

    def __exit__(self, *_: object) -> None:
        from numba.core import event

        event.unregister("numba:compile", self._listener)  # type: ignore[no-untyped-call]

    # Compilations nest (a kernel compiles the helpers it calls): the outermost counts.
    def start(self) -> None:
        if self._depth == 0:
            self._started = time.perf_counter()
        self._depth += 1

    def end(self) -> None:
        self._depth -= 1
        if self._depth == 0:
            self.seconds += time.perf_counter() - self._started


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
    compiling = _CompileTimer()
    try:
        _check_writable(output, explain)
        v, h = _read_both(volunteers, households)
        lock_list = read_locks(locks)
        exclusions = list(zip(*_read_pairs(exclude)[:2], strict=True))
        with _progress_bar(console) as report, compiling:
            result = assign.match(
                v, h, mode=mode.value, locks=lock_list, exclusions=exclusions, progress=report,
                solver=solver.value,
            )  # fmt: skip
        tables: list[csvfiles.ColumnTable] = [(output, pair_columns(result))]
        if explain:
            with compiling:
                tables.append((explain, explain_columns(result)))
        _write(tables)
    except InputError as error:
        console.print(f"[bold red]Error:[/] {error}")
        raise typer.Exit(code=2) from None
    for message in result.warnings:
        console.print(f"[yellow]Warning:[/] {message}")
    console.print(_summary_table(result, time.perf_counter() - started, compiling.seconds))


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


def _write(tables: list[csvfiles.ColumnTable]) -> None:
    try:
        csvfiles.write_columns(tables)
    except OSError as error:
        raise InputError(f"cannot write the output ({error}); nothing was written") from None


def _read_both(
    volunteers: Path, households: Path
) -> tuple[population.Population, population.Population]:
    """Both files, read side by side: Arrow splits each without holding the interpreter,
    so on two cores one file's splitting overlaps the other's parsing.  An error in the
    volunteers' file is the one reported when both files have one, as read one by one."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        v = pool.submit(_read_people, volunteers, "volunteers")
        h = pool.submit(_read_people, households, "households")
        return v.result(), h.result()


def _read_people(path: Path, kind: str) -> population.Population:
    try:
        return population.read_csv(path, kind)
    except population.RowError as error:
        raise InputError(f"{path.name}: {error}") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read it ({error.strerror or error})") from None


def read_locks(path: Path | None) -> list[assign.Lock]:
    """The locks file's pairs; ``manual`` (yes when absent) tells a coordinator's lock apart."""
    vids, hids, manual = _read_pairs(path)
    return [assign.Lock(v, h, _yes(m)) for v, h, m in zip(vids, hids, manual, strict=True)]


def _read_pairs(path: Path | None) -> tuple[list[str], list[str], list[str]]:
    """(volunteer ids, household ids, manual cells) of a locks or exclusions file."""
    if path is None:
        return [], [], []
    wanted = ("volunteer_id", "household_id", "manual")
    try:
        header, columns, numbers = csvfiles.read_columns(path, wanted)
    except csvfiles.RowError as error:
        raise InputError(f"{path.name}: {error}") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read it ({error.strerror or error})") from None
    for column in wanted[:2]:
        if column not in header:
            raise InputError(f"{path.name}: row 1, field {column}: column is missing")
    vids, hids = (list(map(str.strip, columns[name])) for name in wanted[:2])
    # The earliest empty id, the volunteer's first within a row.
    empty = [(numbers[ids.index("")], at) for at, ids in enumerate((vids, hids)) if "" in ids]
    if empty:
        number, at = min(empty)
        raise InputError(f"{path.name}: row {number}, field {wanted[at]}: is empty")
    return vids, hids, list(columns["manual"])


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


def pair_columns(result: assign.MatchResult) -> dict[str, list[str]]:
    """The pairs file as columns keyed by :data:`PAIR_COLUMNS`: every pair, then everyone
    left unpaired with the reason."""
    p = result.problem
    assert p is not None
    reasons = np.array(REASONS, dtype=object)
    unpaired_v = np.flatnonzero(result.volunteer_reason != PAIRED)
    unpaired_h = np.flatnonzero(result.household_reason != PAIRED)
    pairs, nv, nh = result.volunteer.size, unpaired_v.size, unpaired_h.size
    return {
        "volunteer_id": [
            *p.volunteers.id[result.volunteer].tolist(),
            *p.volunteers.id[unpaired_v].tolist(),
            *[""] * nh,
        ],
        "household_id": [
            *p.households.id[result.household].tolist(),
            *[""] * nv,
            *p.households.id[unpaired_h].tolist(),
        ],
        "locked": [*np.where(result.locked, "yes", "").tolist(), *[""] * (nv + nh)],
        "distance_km": [*(f"{km:.2f}" for km in result.distance_km.tolist()), *[""] * (nv + nh)],
        "cost": [*map(str, result.cost.tolist()), *[""] * (nv + nh)],
        "reason": [
            *[REASONS[PAIRED]] * pairs,
            *reasons[result.volunteer_reason[unpaired_v]].tolist(),
            *reasons[result.household_reason[unpaired_h]].tolist(),
        ],
    }


def _summary_table(result: assign.MatchResult, seconds: float, compile_seconds: float) -> Table:
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
    if compile_seconds >= 0.01:
        # Only a machine's first run of a mode compiles; later runs load it from disk.
        table.add_row("of which compiling the engine (once)", f"{compile_seconds:.2f} s")
    return table
