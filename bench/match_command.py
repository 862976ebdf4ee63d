"""Benchmark ``kinfolk match`` as a user runs it: reading, writing, the whole command.

Run alone (it starts its own processes; nothing else should be timing on the machine)::

    python bench/match_command.py --size 110000 --repeat 3
    python bench/match_command.py --size 20000 --cold-size 10000 --locks-size 20000

Each row is the best of ``--repeat`` runs, each in a fresh process, with the
CPU seconds of that run beside the wall-clock seconds (the machine is shared:
CPU seconds move less with other people's load).  Every row has a reference
measured in the same run, on the same files:

* reading: ``csv.reader`` (rows of strings, nothing parsed or checked) and,
  when installed, ``pandas.read_csv`` (C parser, all columns as strings);
* writing pairs and explanations: ``csv.writer.writerows`` of the finished
  cells, the floor for any CSV writer in Python;
* the whole command: the engine alone (``assign.match`` on the two
  populations, read before the clock starts), which no command can beat;
* cold start: the same command with a warm compilation cache;
* ``--explain`` with manual locks: the same command without ``--explain``;
* re-pairing (every pair of an earlier run locked, the last 1,000 people of
  each side new): the engine alone on the same locks, as the API calls it.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

Row = dict[str, Any]
NEWCOMERS = 1000


def _kinfolk() -> list[str]:
    # The installed entry point, importing whatever PYTHONPATH puts first (a worktree's src).
    return [sys.executable, "-c", "from kinfolk.web.cli import main; main()"]


def _synth(size: int, folder: Path) -> None:
    if not (folder / "households.csv").exists():
        command = [*_kinfolk(), "synth", "--size", str(size), "-o", str(folder)]
        subprocess.run(command, check=True, capture_output=True)


# --- what a child process measures -----------------------------------------------------------


def _timed(start: float, cpu: float, **figures: Any) -> Row:
    return {"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, **figures}


def child_read(folder: str) -> Row:
    from kinfolk.engine.population import read_csv

    start, cpu = time.perf_counter(), time.process_time()
    v = read_csv(f"{folder}/volunteers.csv", "volunteers")
    h = read_csv(f"{folder}/households.csv", "households")
    return _timed(start, cpu, rows=len(v) + len(h))


def child_csv_reader(folder: str) -> Row:
    start, cpu = time.perf_counter(), time.process_time()
    rows = 0
    for kind in ("volunteers", "households"):
        with open(f"{folder}/{kind}.csv", newline="", encoding="utf-8") as handle:
            rows += len(list(csv.reader(handle))) - 1
    return _timed(start, cpu, rows=rows)


def child_pandas(folder: str) -> Row:
    import pandas as pd

    start, cpu = time.perf_counter(), time.process_time()
    rows = 0
    for kind in ("volunteers", "households"):
        frame = pd.read_csv(f"{folder}/{kind}.csv", dtype=str, keep_default_na=False)
        rows += len(frame)
    return _timed(start, cpu, rows=rows)


def _result(folder: str, locks: str | None = None) -> Any:
    from kinfolk import matchcli
    from kinfolk.engine.population import read_csv

    v = read_csv(f"{folder}/volunteers.csv", "volunteers")
    h = read_csv(f"{folder}/households.csv", "households")
    return v, h, matchcli.read_locks(Path(locks) if locks else None)


def child_engine(folder: str, locks: str | None) -> Row:
    from kinfolk.engine import assign

    v, h, lock_list = _result(folder, locks)
    start, cpu = time.perf_counter(), time.process_time()
    result = assign.match(v, h, locks=lock_list, today=dt.date.today())  # as the command
    return _timed(start, cpu, pairs=result.summary.pairs)


def child_write(folder: str, reference: bool) -> Row:
    """Writing pairs.csv and explain.csv from a finished result (the result before the clock)."""
    from kinfolk import matchcli
    from kinfolk.engine import assign, csvfiles
    from kinfolk.engine.explain import explain_columns

    v, h, _ = _result(folder)
    result = assign.match(v, h, today=dt.date.today())  # as the command
    out = tempfile.mkdtemp(prefix="kinfolk-write-")
    try:
        if reference:
            tables = [
                (f"{out}/pairs.csv", matchcli.pair_columns(result)),
                (f"{out}/explain.csv", explain_columns(result)),
            ]
            start, cpu = time.perf_counter(), time.process_time()
            for path, columns in tables:
                with open(path, "w", newline="", encoding="utf-8") as handle:
                    writer = csv.writer(handle)
                    writer.writerow(list(columns))
                    writer.writerows(zip(*columns.values(), strict=True))
        else:
            start, cpu = time.perf_counter(), time.process_time()
            csvfiles.write_columns(
                [
                    (f"{out}/pairs.csv", matchcli.pair_columns(result)),
                    (f"{out}/explain.csv", explain_columns(result)),
                ]
            )
        return _timed(start, cpu, pairs=result.summary.pairs)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def child_command(folder: str, cold: bool, explain: bool, locks: str | None) -> Row:
    env = dict(os.environ)
    cache = tempfile.mkdtemp(prefix="kinfolk-numba-") if cold else None
    if cache:
        env["NUMBA_CACHE_DIR"] = cache  # an empty cache: every kernel the run uses compiles
    out = tempfile.mkdtemp(prefix="kinfolk-out-")
    command = [
        *_kinfolk(), "match", f"{folder}/volunteers.csv", f"{folder}/households.csv",
        "-o", f"{out}/pairs.csv",
    ]  # fmt: skip
    if explain:
        command += ["--explain", f"{out}/explain.csv"]
    if locks:
        command += ["--locks", locks]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1])
    with open(f"{out}/pairs.csv", encoding="utf-8") as handle:
        pairs = sum(1 for row in csv.DictReader(handle) if row["reason"] == "paired")
    shutil.copy(f"{out}/pairs.csv", f"{folder}/last-pairs.csv")
    if explain:
        shutil.copy(f"{out}/explain.csv", f"{folder}/last-explain.csv")
    for path in filter(None, (cache, out)):
        shutil.rmtree(path, ignore_errors=True)
    return {"seconds": seconds, "pairs": pairs}


def _child(task: dict[str, Any]) -> None:
    kind = task.pop("kind")
    row = globals()[f"child_{kind}"](**task)
    who = resource.RUSAGE_CHILDREN if kind == "command" else resource.RUSAGE_SELF
    usage = resource.getrusage(who)
    # A command's CPU seconds are its whole process's: start-up and imports are the user's wait too.
    row.setdefault("cpu", usage.ru_utime + usage.ru_stime)
    row["peak_mib"] = usage.ru_maxrss / 1024
    print(json.dumps(row))


def measure(task: dict[str, Any], repeat: int, timeout: float) -> Row:
    """The best of ``repeat`` runs of ``task``, each in a fresh process."""
    best: Row = {"skipped": "not run"}
    for _ in range(repeat):
        command = [sys.executable, __file__, "--child", json.dumps(task)]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            return {"skipped": f"over the {timeout:.0f} s limit"}
        if done.returncode != 0:
            return {"skipped": "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1][:80]}
        row = dict(json.loads(done.stdout.strip().splitlines()[-1]))
        if "seconds" not in best or row["seconds"] < best["seconds"]:
            best = row
    return best


def _repair_locks(folder: Path) -> str:
    """Every pair of the last run locked (as active pairings), except the newcomers' people."""
    locks = folder / "repair-locks.csv"
    with (folder / "last-pairs.csv").open(newline="", encoding="utf-8") as handle:
        pairs = [r for r in csv.DictReader(handle) if r["reason"] == "paired"]
    with (folder / "volunteers.csv").open(newline="", encoding="utf-8") as handle:
        v_new = {row["id"] for row in list(csv.DictReader(handle))[-NEWCOMERS:]}
    with (folder / "households.csv").open(newline="", encoding="utf-8") as handle:
        h_new = {row["id"] for row in list(csv.DictReader(handle))[-NEWCOMERS:]}
    with locks.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["volunteer_id", "household_id", "manual"])
        for r in pairs:
            if r["volunteer_id"] not in v_new and r["household_id"] not in h_new:
                writer.writerow([r["volunteer_id"], r["household_id"], "no"])
    return str(locks)


def _explain_locks(folder: Path, count: int = 20) -> str:
    """Manual locks a coordinator might make: volunteers with their best alternative household.

    Drawn from the last run's explanations (an alternative is a compatible candidate the
    optimum did not pair them with), no person in two locks.
    """
    locks = folder / "manual-locks.csv"
    with (folder / "last-explain.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    taken: set[str] = set()
    chosen = []
    for row in rows[:: max(len(rows) // (4 * count), 1)]:
        if not row["volunteer_alternatives"]:
            continue
        household = row["volunteer_alternatives"].split(";")[0].rsplit(":", 1)[0]
        if {row["volunteer_id"], household} & taken:
            continue
        taken |= {row["volunteer_id"], household}
        chosen.append((row["volunteer_id"], household))
        if len(chosen) == count:
            break
    with locks.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["volunteer_id", "household_id", "manual"])
        writer.writerows([(v, h, "yes") for v, h in chosen])
    return str(locks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=110_000)
    parser.add_argument("--cold-size", type=int, default=10_000)
    parser.add_argument("--locks-size", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the reading rows")
    parser.add_argument("--repeat-heavy", type=int, default=1, help="runs of the other rows")
    parser.add_argument("--timeout", type=float, default=1200)
    parser.add_argument("--folder", default=str(Path(tempfile.gettempdir()) / "kinfolk-bench"))
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        _child(json.loads(args.child))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(width=160)
    root = Path(args.folder)
    folders = {n: root / f"p{n}" for n in {args.size, args.cold_size, args.locks_size}}
    for n, folder in folders.items():
        console.log(f"synthetic programme of {n:,} a side in {folder}")
        _synth(n, folder)
    big, cold_f, locks_f = (str(folders[n]) for n in (args.size, args.cold_size, args.locks_size))

    def run(name: str, task: dict[str, Any], repeat: int = args.repeat_heavy) -> Row:
        console.log(name)
        return measure(task, repeat, args.timeout)

    rows: list[tuple[str, Row, float | None, str, Row | None, str]] = []
    n = f"{args.size:,}"
    read = run("read", {"kind": "read", "folder": big}, args.repeat)
    refs = [run("csv.reader", {"kind": "csv_reader", "folder": big}, args.repeat)]
    refs.append(run("pandas", {"kind": "pandas", "folder": big}, args.repeat))
    rows.append((f"read 2 × {n} rows", read, 1.0, "under 1 s", refs[0], "csv.reader"))
    rows.append((f"read 2 × {n} rows", read, 1.0, "under 1 s", refs[1], "pandas.read_csv"))
    write = run("write", {"kind": "write", "folder": big, "reference": False})
    floor = run("write floor", {"kind": "write", "folder": big, "reference": True})
    rows.append((f"explain + write pairs and explanations, {n}", write, None, "", floor,
                 "csv.writer of the cells"))  # fmt: skip
    whole = {"kind": "command", "folder": big, "cold": False, "explain": True, "locks": None}
    command = run("command (warm)", whole)
    engine = run("engine only", {"kind": "engine", "folder": big, "locks": None})
    rows.append((f"kinfolk match --explain, {n}, warm", command, 6.0, "under 6 s", engine,
                 "engine only"))  # fmt: skip
    cold_task = {"kind": "command", "folder": cold_f, "cold": True, "explain": True, "locks": None}
    cold = run("command (cold)", cold_task, 1)
    warm = run("command (warm, cold size)", {**cold_task, "cold": False})
    rows.append((f"kinfolk match --explain, {args.cold_size:,}, cold", cold, None, "", warm,
                 "the same, warm"))  # fmt: skip
    # The pairs of a first run, from which the manual locks are drawn.
    run("pairs to lock", {**cold_task, "folder": locks_f, "cold": False, "explain": True}, 1)
    manual = _explain_locks(Path(locks_f))
    with_locks = {"kind": "command", "folder": locks_f, "cold": False, "locks": manual}
    explained = run("explain with locks", {**with_locks, "explain": True})
    plain = run("no explain, locks", {**with_locks, "explain": False})
    rows.append((f"--explain, 20 manual locks, {args.locks_size:,}", explained, None, "",
                 plain, "without --explain"))  # fmt: skip
    repair = _repair_locks(Path(big))
    repaired = run("re-pair (command)", {**whole, "explain": False, "locks": repair})
    api = run("re-pair (engine)", {"kind": "engine", "folder": big, "locks": repair})
    rows.append((f"re-pair {NEWCOMERS:,} a side into {n} (all else locked)", repaired, None, "",
                 api, "engine only"))  # fmt: skip

    table = Table(title="kinfolk match: the command's own work (best of each run)")
    for column in ("what", "s", "CPU s", "target", "× target", "reference", "ref s",
                   "ref CPU s", "× ref", "× ref CPU", "peak MiB"):  # fmt: skip
        table.add_column(column, justify="left" if column in ("what", "reference") else "right")

    def figure(row: Row | None, key: str) -> str:
        if row is None or "seconds" not in row:
            return "" if key == "cpu" else str((row or {}).get("skipped", ""))
        return f"{row[key]:.2f}"

    def ratio(row: Row, ref: Row | None, key: str) -> str:
        if "seconds" not in row or ref is None or "seconds" not in ref or not ref[key]:
            return ""
        return f"{row[key] / ref[key]:.2f}"

    for what, row, limit, target, ref, ref_name in rows:
        ok = "seconds" in row
        table.add_row(
            what, figure(row, "seconds"), figure(row, "cpu"), target,
            f"{row['seconds'] / limit:.2f}" if ok and limit else "", ref_name,
            figure(ref, "seconds"), figure(ref, "cpu"), ratio(row, ref, "seconds"),
            ratio(row, ref, "cpu"), f"{row['peak_mib']:.0f}" if ok else "",
        )  # fmt: skip
    console.print(table)
    load = os.getloadavg()
    console.print(f"load average while measuring: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
