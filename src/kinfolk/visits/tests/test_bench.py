"""The visits benchmark runs end to end at a small size."""

import importlib.util
from pathlib import Path

import pytest


@pytest.mark.django_db(transaction=False)
def test_the_benchmark_runs_at_small_size():
    path = Path(__file__).resolve().parents[4] / "bench" / "visits.py"
    spec = importlib.util.spec_from_file_location("bench_visits", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    stages = bench.run(200, seed=1)
    names = [name for name, _seconds, _note in stages]
    assert "= windows, end to end" in names and "= reminder tick, end to end" in names
    windows = next(note for name, _s, note in stages if name == "= windows, end to end")
    assert int(windows.split()[0].replace(",", "")) > 1000
    assert "window_open" in bench.table(stages)
