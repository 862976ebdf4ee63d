"""The pairing-run benchmark runs end to end at a small size."""

import importlib.util
from pathlib import Path

import pytest


@pytest.mark.django_db
def test_the_pairing_benchmark_runs_at_small_size():
    path = Path(__file__).resolve().parents[4] / "bench" / "pairings.py"
    spec = importlib.util.spec_from_file_location("bench_pairings", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    stages = dict((name, note) for name, _seconds, note in bench.run(300, seed=1))
    assert "= matching run, end to end" in stages
    assert int(stages["send: proposals (the coordinator's click)"].split()[0].replace(",", "")) > 50
    assert stages["send: delivering the notices (outbox)"].endswith("e-mails")
