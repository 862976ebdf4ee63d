"""``warm_up`` readies every kernel that ``kinfolk match`` runs, in every mode and option."""

import json
import os
import subprocess
import sys
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

# Run in a fresh process: this one's kernels have already met the other tests' types.
# A kernel's dispatcher lists every type signature it was compiled for or loaded from
# the disk cache as, so a signature that appears after warm_up is one the command
# would have compiled while a user waited (on a machine whose cache is empty).
_SCRIPT = """
import importlib, json, pkgutil, sys
import numba
import typer
from typer.testing import CliRunner
import kinfolk.engine
from kinfolk import matchcli

def signatures():
    found = {}
    for info in pkgutil.iter_modules(kinfolk.engine.__path__):
        module = importlib.import_module(f"kinfolk.engine.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, numba.core.registry.CPUDispatcher):
                found[f"{info.name}.{name}"] = sorted(map(str, value.signatures))
    return found

if sys.argv[1] == "warm":
    from kinfolk.engine.compiled import warm_up
    warm_up()
before = signatures()
app = typer.Typer()
app.command("match")(matchcli.match)
app.command("synth")(matchcli.synth)
folder, samples = sys.argv[2], sys.argv[3]
people = [f"{samples}/volunteers.csv", f"{samples}/households.csv"]
options = [
    ["--locks", f"{samples}/locks.csv", "--exclude", f"{samples}/excluded.csv"],
    ["--mode", "stable"],
    ["--mode", "greedy"],
    ["--solver", "ortools"],
    ["--mode", "stable", "--locks", f"{samples}/locks.csv"],
]
for extra in options:
    out = ["-o", f"{folder}/pairs.csv", "--explain", f"{folder}/why.csv"]
    result = CliRunner().invoke(app, ["match", *people, *out, *extra])
    assert result.exit_code == 0, result.output
# A larger programme than warm_up's, whose people have longer candidate lists.
result = CliRunner().invoke(app, ["synth", "--size", "300", "-o", folder])
assert result.exit_code == 0, result.output
for mode in ("optimal", "stable", "greedy"):
    big = [f"{folder}/volunteers.csv", f"{folder}/households.csv", "--mode", mode]
    out = ["-o", f"{folder}/pairs.csv", "--explain", f"{folder}/why.csv"]
    result = CliRunner().invoke(app, ["match", *big, *out])
    assert result.exit_code == 0, result.output
after = signatures()
new = {k: sorted(set(v) - set(before.get(k, ()))) for k, v in after.items()}
print(json.dumps({k: v for k, v in new.items() if v}))
"""


def _new_signatures(warm: bool, folder: Path) -> dict[str, list[str]]:
    """The kernel signatures that ``kinfolk match`` runs add, in a fresh process."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-c", _SCRIPT, "warm" if warm else "cold", str(folder), str(SAMPLES)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_after_warm_up_kinfolk_match_in_every_mode_needs_no_new_kernel(tmp_path: Path) -> None:
    assert _new_signatures(True, tmp_path) == {}


def test_without_warm_up_the_same_runs_need_kernels_so_the_check_can_fail(
    tmp_path: Path,
) -> None:
    new = _new_signatures(False, tmp_path)
    assert "cells.stable_extending" in new and "explain._rank_and_cheapest" in new
