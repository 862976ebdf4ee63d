"""A small programme whose year of costs can be worked out by hand."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from kinfolk.budget.models import RateCard
from kinfolk.engine.candidates import EARTH_RADIUS_KM
from kinfolk.programmes.models import Organisation
from kinfolk.testing import make_household, make_pairing, make_visit, make_volunteer

#: Every slot of the week: no window ever has to slide, so windows start on their period's day.
EVERY_SLOT = ";".join(f"{d}-{p}" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
                      for p in ("am", "pm", "eve"))  # fmt: skip


def north_of(lat: float, km: float) -> float:
    """The latitude ``km`` due north: the haversine distance is then exactly ``km``."""
    return lat + math.degrees(km / EARTH_RADIUS_KM)


def rates_add(programme, effective_from=dt.date(2026, 1, 1), **fields):
    defaults = {
        "currency": programme.currency,
        "car_per_km_minor": 45,
        "public_per_km_minor": 30,
        "walk_per_km_minor": 0,
        "detour_factor": Decimal("1.25"),
        "allowance_minor": 500,
        "per_pairing_minor": 10000,
        "per_year_minor": 120000,
    }
    return RateCard.objects.create(
        programme=programme, effective_from=effective_from, **{**defaults, **fields}
    )


def small_programme(programme, *, pairing_started=dt.date(2027, 1, 4)):
    """Two pairings in Leeds and Otley; see test_forecast for the year worked out by hand.

    Ada drives 4 km to Hana's (Hana takes the bus back the other way); Ben, of
    Acme, walks 1 km to Ola's.  Ada and Hana's first visit (4 January 2027) is
    stored and happened; every later window comes from the plan.
    """
    lat, lon = programme.centre_lat, programme.centre_lon
    acme = Organisation.objects.create(programme=programme, name="Acme")
    ada = make_volunteer(programme, first_name="Ada", travel_mode="car", availability=EVERY_SLOT)
    hana = make_household(programme, first_name="Hana", travel_mode="public",
                          availability=EVERY_SLOT, lat=north_of(lat, 4.0), lon=lon)  # fmt: skip
    ben = make_volunteer(programme, first_name="Ben", travel_mode="walk",
                         availability=EVERY_SLOT, organisation=acme)  # fmt: skip
    ola = make_household(programme, first_name="Ola", travel_mode="walk", town="Otley",
                         availability=EVERY_SLOT, lat=north_of(lat, 1.0), lon=lon)  # fmt: skip
    first = make_pairing(ada, hana, started_on=pairing_started)
    make_visit(first, window_start=pairing_started, period=0, sequence=1, host="household",
               state="happened")  # fmt: skip
    second = make_pairing(ben, ola, started_on=dt.date(2026, 11, 30))
    return first, second
