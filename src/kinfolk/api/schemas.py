"""What the API answers with: the fields a coordinator sees on the programme's pages.

Contact details are not in these: they have their own logged endpoint.

Rows are read as dictionaries (``rows_of``: one ``values()`` query, no model
instances) and checked by plain pydantic models, which validate a page of 500
rows in pydantic's compiled core; django-ninja's ``Schema`` would wrap every
row in a getter object first, at several times the cost.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.db.models import F, QuerySet
from ninja import Schema
from pydantic import BaseModel, Field


class Row(BaseModel):
    """A row of the API; ``paths`` maps the keys read across a relation to their ORM paths.

    Such a field reads its key as its ``validation_alias`` (a query cannot
    name a value after a field of the model, such as ``organisation``).
    """

    paths: ClassVar[dict[str, str]] = {}


def rows_of(schema: type[Row], rows: QuerySet[Any]) -> QuerySet[Any]:
    """``rows`` as dictionaries holding exactly the schema's fields."""
    keys = [
        field.validation_alias if isinstance(field.validation_alias, str) else name
        for name, field in schema.model_fields.items()
    ]
    direct = [key for key in keys if key not in schema.paths]
    return rows.values(*direct, **{key: F(path) for key, path in schema.paths.items()})


class Problem(Schema):
    detail: Any


class ContactOut(Schema):
    email: str
    phone: str
    address: str


class PersonOut(Row):
    id: int
    external_id: str
    first_name: str
    last_name: str
    state: str
    town: str
    lat: float
    lon: float
    max_travel_km: float
    visit_places: str
    speaks: str
    learning: str
    availability: str
    offers: str
    accepts: str
    blackout: str
    travel_mode: str
    waiting_since: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime


class VolunteerOut(PersonOut):
    paths: ClassVar[dict[str, str]] = {"organisation_name": "organisation__name"}

    organisation: str | None = Field(validation_alias="organisation_name")
    approved_at: dt.datetime | None


class HouseholdOut(PersonOut):
    pass


class PairingOut(Row):
    paths: ClassVar[dict[str, str]] = {
        "volunteer_external_id": "volunteer__external_id",
        "household_external_id": "household__external_id",
    }

    id: int
    volunteer_id: int
    household_id: int
    volunteer_external_id: str
    household_external_id: str
    state: str
    source: str
    started_on: dt.date
    ended_at: dt.datetime | None
    ended_by: str
    updated_at: dt.datetime


class VisitOut(Row):
    id: int
    pairing_id: int
    sequence: int
    window_start: dt.date
    window_end: dt.date
    host: str
    state: str
    agreed_at: dt.datetime | None
    place_note: str
    cancelled_because: str
    volunteer_outcome: str
    household_outcome: str
    first_outcome_at: dt.datetime | None
    volunteer_rating: int | None
    household_rating: int | None
    updated_at: dt.datetime


class VolunteerPage(BaseModel):
    items: list[VolunteerOut]
    next_cursor: str | None


class HouseholdPage(BaseModel):
    items: list[HouseholdOut]
    next_cursor: str | None


class PairingPage(BaseModel):
    items: list[PairingOut]
    next_cursor: str | None


class VisitPage(BaseModel):
    items: list[VisitOut]
    next_cursor: str | None
