"""Engine tests: small helpers to build data dictionary rows."""

import datetime as dt

from kinfolk.engine.population import Population

TODAY = dt.date(2026, 11, 1)


def make_person(**fields: str) -> dict[str, str]:
    """One data dictionary row near York, compatible with any other default row."""
    record = {
        "id": "X1",
        "lat": "53.96",
        "lon": "-1.08",
        "max_travel_km": "10",
        "visit_places": "either",
        "speaks": "en:fluent",
        "availability": "sat-am",
        "waiting_since": "2026-01-05",
    }
    record.update(fields)
    return record


def people(kind: str, *rows: dict[str, str]) -> Population:
    return Population.from_records(list(rows), kind=kind)
