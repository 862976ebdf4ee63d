"""Spreadsheets of synthetic households, as a coordinator would upload them (tests, benchmark).

The people come from :func:`kinfolk.engine.synth.generate`; each row gets an
e-mail address and a phone number.  With ``bad_every`` every n-th row is
broken in one of a few ways a real file is, so that a benchmark can check
that every bad row is reported.
"""

from __future__ import annotations

import csv
import io

from kinfolk.engine import synth
from kinfolk.engine.population import COLUMNS

HEADER = (*COLUMNS, "email", "phone")
#: (column, bad value) applied in turn to the broken rows.
BREAKAGES = (("lat", "200"), ("speaks", "english"), ("availability", "weekends"), ("id", ""))


def households_csv(n: int, *, seed: int = 5, bad_every: int = 0) -> tuple[bytes, list[int]]:
    """The CSV file and the spreadsheet row numbers (header = 1) of the rows broken on purpose."""
    people = synth.generate(1, n, country="GB", seed=seed).households.to_records()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    bad_rows = []
    for i, record in enumerate(people):
        record = {**record, "email": f"h{i}@example.org", "phone": f"+44 7700 {i % 1000000:06d}"}
        if bad_every and i % bad_every == bad_every - 1:
            column, value = BREAKAGES[len(bad_rows) % len(BREAKAGES)]
            record[column] = value
            bad_rows.append(i + 2)
        writer.writerow([record[c] for c in HEADER])
    return out.getvalue().encode(), bad_rows
