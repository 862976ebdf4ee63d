"""What the API answers with: the fields a coordinator sees on the programme's pages.

Contact details are not in these: they have their own logged endpoint.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class Problem(Schema):
    detail: Any


class ContactOut(Schema):
    email: str
    phone: str
    address: str


class PersonOut(Schema):
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
    organisation: str | None
    approved_at: dt.datetime | None

    @staticmethod
    def resolve_organisation(obj: Any) -> str | None:
        return obj.organisation.name if obj.organisation_id else None


class HouseholdOut(PersonOut):
    pass


class PairingOut(Schema):
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

    @staticmethod
    def resolve_volunteer_external_id(obj: Any) -> str:
        return str(obj.volunteer.external_id)

    @staticmethod
    def resolve_household_external_id(obj: Any) -> str:
        return str(obj.household.external_id)


class VisitOut(Schema):
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


class VolunteerPage(Schema):
    items: list[VolunteerOut]
    next_cursor: str | None


class HouseholdPage(Schema):
    items: list[HouseholdOut]
    next_cursor: str | None


class PairingPage(Schema):
    items: list[PairingOut]
    next_cursor: str | None


class VisitPage(Schema):
    items: list[VisitOut]
    next_cursor: str | None
