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
TODAY = dt.date(2026, 11, 1)
NEWCOMERS = 1000


def _kinfolk() -> list[str]:
    # The installed entry point, importing whatever PYTHONPATH puts first (a worktree's src).
    return [sys.executable, "-c", "from kinfolk.web.cli import main; main()"]


def _synth(size: int, folder: Path) -> None:
    if not (folder / "households.csv").exists():
        command = [*_kinfolk(), "synth", "--size", str(size), "-o", str(folder)]
        subprocess.run(command, check=True, capture_output=True)


# --- what a child process measures -----------------------------------------------------------


def child_read(folder: str) -> Row:
    from kinfolk.engine.population import read_csv

    start = time.perf_counter()
    v = read_csv(f"{folder}/volunteers.csv", "volunteers")
    h = read_csv(f"{folder}/households.csv", "households")
    return {"seconds": time.perf_counter() - start, "rows": len(v) + len(h)}


def child_csv_reader(folder: str) -> Row:
    start = time.perf_counter()
    rows = 0
    for kind in ("volunteers", "households"):
        with open(f"{folder}/{kind}.csv", newline="", encoding="utf-8") as handle:
            rows += len(list(csv.reader(handle))) - 1
    return {"seconds": time.perf_counter() - start, "rows": rows}


def child_pandas(folder: str) -> Row:
    import pandas as pd

    start = time.perf_counter()
    rows = 0
    for kind in ("volunteers", "households"):
        frame = pd.read_csv(f"{folder}/{kind}.csv", dtype=str, keep_default_na=False)
        rows += len(frame)
    return {"seconds": time.perf_counter() - start, "rows": rows}


def _result(folder: str, locks: str | None = None) -> Any:
    from kinfolk import matchcli
    from kinfolk.engine import assign
    from kinfolk.engine.population import read_csv

    v = read_csv(f"{folder}/volunteers.csv", "volunteers")
    h = read_csv(f"{folder}/households.csv", "households")
    lock_list = []
    if locks:
        lock_list = [
            assign.Lock(row["volunteer_id"], row["household_id"], matchcli._yes(row.get("manual")))
            for row in matchcli._read_pairs(Path(locks))
        ]
    return v, h, lock_list


def child_engine(folder: str, locks: str | None) -> Row:
    from kinfolk.engine import assign

    v, h, lock_list = _result(folder, locks)
    start = time.perf_counter()
    result = assign.match(v, h, locks=lock_list, today=TODAY)
    return {"seconds": time.perf_counter() - start, "pairs": result.summary.pairs}


def child_write(folder: str, reference: bool) -> Row:
    """Writing pairs.csv and explain.csv from a finished result (the result before the clock)."""
    from kinfolk import matchcli
    from kinfolk.engine import assign, csvfiles
    from kinfolk.engine.explain import explain_columns

    v, h, _ = _result(folder)
    result = assign.match(v, h, today=TODAY)
    out = tempfile.mkdtemp(prefix="kinfolk-write-")
    try:
        if reference:
            tables = [
                (f"{out}/pairs.csv", matchcli.pair_columns(result)),
                (f"{out}/explain.csv", explain_columns(result)),
            ]
            start = time.perf_counter()
            for path, columns in tables:
                with open(path, "w", newline="", encoding="utf-8") as handle:
                    writer = csv.writer(handle)
                    writer.writerow(list(columns))
                    writer.writerows(zip(*columns.values(), strict=True))
        else:
            start = time.perf_counter()
            csvfiles.write_columns(
                [
                    (f"{out}/pairs.csv", matchcli.pair_columns(result)),
                    (f"{out}/explain.csv", explain_columns(result)),
                ]
            )
        return {"seconds": time.perf_counter() - start, "pairs": result.summary.pairs}
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
    for path in filter(None, (cache, out)):
        shutil.rmtree(path, ignore_errors=True)
    return {"seconds": seconds, "pairs": pairs}


def _child(task: dict[str, Any]) -> None:
    kind = task.pop("kind")
    row = globals()[f"child_{kind}"](**task)
    who = resource.RUSAGE_CHILDREN if kind == "command" else resource.RUSAGE_SELF
    usage = resource.getrusage(who)
    row["cpu"] = usage.ru_utime + usage.ru_stime
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
    """Some pairs of the last run as a coordinator's manual locks, each a different pair."""
    locks = folder / "manual-locks.csv"
    with (folder / "last-pairs.csv").open(newline="", encoding="utf-8") as handle:
        pairs = [r for r in csv.DictReader(handle) if r["reason"] == "paired"]
    step = max(len(pairs) // (2 * count), 1)
    chosen = pairs[::step][: 2 * count]
    with locks.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["volunteer_id", "household_id", "manual"])
        # Swap partners between neighbours: locks the optimum would not make.
        for a, b in zip(chosen[::2], chosen[1::2], strict=False):
            writer.writerow([a["volunteer_id"], b["household_id"], "yes"])
    return str(locks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=110_000)
    parser.add_argument("--cold-size", type=int, default=10_000)
    parser.add_argument("--locks-size", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
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

    def run(name: str, task: dict[str, Any], repeat: int = args.repeat) -> Row:
        console.log(name)
        return measure(task, repeat, args.timeout)

    rows: list[tuple[str, Row, float | None, str, Row | None, str]] = []
    n = f"{args.size:,}"
    read = run("read", {"kind": "read", "folder": big})
    refs = [run("csv.reader", {"kind": "csv_reader", "folder": big})]
    refs.append(run("pandas", {"kind": "pandas", "folder": big}))
    rows.append((f"read 2 × {n} rows", read, 1.0, "under 1 s", refs[0], "csv.reader"))
    rows.append((f"read 2 × {n} rows", read, 1.0, "under 1 s", refs[1], "pandas.read_csv"))
    write = run("write", {"kind": "write", "folder": big, "reference": False})
    floor = run("write floor", {"kind": "write", "folder": big, "reference": True})
    rows.append((f"write pairs + explanations, {n}", write, None, "", floor, "csv.writer"))
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
    run("pairs to lock", {**cold_task, "folder": locks_f, "cold": False, "explain": False}, 1)
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

    table = Table(title="kinfolk match: the command's own work (best of each; CPU s beside)")
    for column in ("what", "seconds", "CPU s", "target", "× target", "reference", "ref s",
                   "× reference", "peak MiB"):  # fmt: skip
        table.add_column(column, justify="left" if column in ("what", "reference") else "right")

    def seconds(row: Row | None) -> str:
        return row["skipped"] if row is None or "seconds" not in row else f"{row['seconds']:.2f}"

    for what, row, limit, target, ref, ref_name in rows:
        ok = "seconds" in row
        table.add_row(
            what,
            seconds(row),
            f"{row['cpu']:.2f}" if ok else "",
            target,
            f"{row['seconds'] / limit:.2f}" if ok and limit else "",
            ref_name,
            seconds(ref),
            f"{row['seconds'] / ref['seconds']:.2f}" if ok and ref and "seconds" in ref else "",
            f"{row['peak_mib']:.0f}" if ok else "",
        )
    console.print(table)
    load = os.getloadavg()
    console.print(f"load average while measuring: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")


if __name__ == "__main__":
    main()
