"""Helpers of the people import tests: files as coordinators make them, and the whole journey."""

from __future__ import annotations

from typing import Any

import pytest

HEADER = "id,first_name,last_name,email,phone,town,lat,lon,speaks,availability"


def households_csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def row(n: int, **values: Any) -> str:
    """A valid household row of HEADER, with some values replaced."""
    base = {
        "id": f"H{n}",
        "first_name": f"Ann{n}",
        "last_name": "Smith",
        "email": f"ann{n}@example.org",
        "phone": "+44 113 496 0000",
        "town": "Leeds",
        "lat": "53.8",
        "lon": "-1.55",
        "speaks": "en:fluent",
        "availability": "sat-am",
    }
    base.update({k: str(v) for k, v in values.items()})
    return ",".join(base[k] for k in HEADER.split(","))


@pytest.fixture
def journey(coordinator, programme, django_capture_on_commit_callbacks):
    """Upload, map as guessed, check, and (``commit=True``) import: as the pages do it."""
    from kinfolk.imports import services

    def run(data: bytes, *, side: str = "household", commit: bool = False, **kwargs: Any):
        made = services.import_upload(
            programme=programme, side=side, filename="people.csv", data=data, by=coordinator
        )
        mapping = kwargs.get("mapping", made.mapping)
        with django_capture_on_commit_callbacks(execute=True):
            services.import_map(people_import=made, mapping=mapping, by=coordinator)
        made.refresh_from_db()
        if commit:
            with django_capture_on_commit_callbacks(execute=True):
                services.import_commit_start(people_import=made, by=coordinator)
            made.refresh_from_db()
        return made

    return run
