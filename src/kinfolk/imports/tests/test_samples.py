"""The sample files the README points to import cleanly, first time."""

from __future__ import annotations

from pathlib import Path

import pytest

import kinfolk
from kinfolk.imports import services

SAMPLES = Path(kinfolk.__file__).resolve().parents[2] / "docs" / "samples"


@pytest.mark.parametrize(("name", "side", "rows"), [
    ("households-import.csv", "household", 4),
    ("volunteers-import.csv", "volunteer", 2),
])  # fmt: skip
def test_the_sample_files_import_without_a_problem(journey, programme, name, side, rows):
    services.postcodes_upload(programme=programme, data=(SAMPLES / "postcodes.csv").read_bytes())
    made = journey((SAMPLES / name).read_bytes(), side=side, commit=True)
    assert made.problems_shown == []
    assert (made.status, made.new, made.invalid) == ("committed", rows, 0)
    assert set(made.mapping.values()) >= {"id", "first_name", "speaks", "availability"}
