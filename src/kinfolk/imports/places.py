"""Placing an imported person: coordinates, a town of the programme's country, or a postcode.

A row that cannot be placed is an error, never a guess: a town name shared by
several towns is refused with the candidates named, and a postcode must be in
the postcode file the programme uploaded.  (A geocoder service is not used.)
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
from django.utils.translation import gettext as _

from kinfolk.engine import dictionary as dd
from kinfolk.programmes.places import Town, towns

Place = tuple[str, float, float]


class PlaceError(Exception):
    def __init__(self, value: str, message: str) -> None:
        super().__init__(message)
        self.value = value
        self.message = message


def postcode_fold(text: str) -> str:
    """``"ls1 4ap"`` and ``"LS14AP"`` are one postcode."""
    return re.sub(r"[\s-]+", "", text).upper()


class Placer:
    """The programme's towns and postcodes, read once per file."""

    def __init__(self, *, country: str, postcodes: dict[str, tuple[float, float]]) -> None:
        self.country = country.upper()
        self.towns = towns(self.country)
        self.by_name: dict[str, list[Town]] = defaultdict(list)
        for town in self.towns:
            self.by_name[town.name.casefold()].append(town)
        self.lat = np.radians([t.lat for t in self.towns])
        self.lon = np.radians([t.lon for t in self.towns])
        self.postcodes = postcodes
        self._nearest: dict[tuple[float, float], str] = {}

    def coordinates(self, lat_text: str, lon_text: str, town: str) -> Place:
        lat = dd.parse_coordinate(lat_text, field="lat")
        lon = dd.parse_coordinate(lon_text, field="lon")
        return (town or self.nearest(lat, lon)), lat, lon

    def postcode(self, text: str, town: str) -> Place:
        found = self.postcodes.get(postcode_fold(text))
        if found is None:
            if not self.postcodes:
                message = _("cannot be placed: this programme has no postcode file yet")
            else:
                message = _("is not in the programme's postcode file")
            raise PlaceError(text, message)
        lat, lon = found
        return (town or self.nearest(lat, lon)), lat, lon

    def town(self, name: str) -> Place:
        found = self.by_name.get(name.strip().casefold(), [])
        if not found:
            raise PlaceError(
                name,
                _(
                    "is not a town of %(country)s we know; give a nearby larger town, "
                    "latitude and longitude, or a postcode"
                )
                % {"country": self.country},
            )
        if len(found) > 1:
            candidates = "; ".join(f"{t.name} ({t.lat:.2f}, {t.lon:.2f})" for t in found)
            raise PlaceError(
                name,
                _(
                    "names %(n)s towns: %(candidates)s. Give latitude and longitude or a "
                    "postcode instead"
                )
                % {"n": len(found), "candidates": candidates},
            )
        return found[0].name, found[0].lat, found[0].lon

    def nearest(self, lat: float, lon: float) -> str:
        key = (round(lat, 2), round(lon, 2))
        name = self._nearest.get(key)
        if name is None:
            if not self.towns:
                return ""
            p, q = np.radians(lat), np.radians(lon)
            h = (
                np.sin((self.lat - p) / 2) ** 2
                + np.cos(p) * np.cos(self.lat) * np.sin((self.lon - q) / 2) ** 2
            )
            name = self._nearest[key] = self.towns[int(np.argmin(h))].name
        return name

    def unplaced_message(self) -> str:
        return _("cannot be placed: give latitude and longitude, a town or a postcode")
