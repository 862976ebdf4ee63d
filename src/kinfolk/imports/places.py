"""Placing an imported person: coordinates, a town of the programme's country, or a postcode.

A row that cannot be placed is an error, never a guess: a town name shared by
several towns is refused with the candidates named, and a postcode must be in
the postcode file the programme uploaded.  When a geocoder is configured
(``kinfolk.imports.geocoding``), the rows refused here are looked up there, and
its answer is held to the same rule: one place, in the programme's country.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
from django.utils.translation import gettext as _

from kinfolk.engine import dictionary as dd
from kinfolk.imports.geocoding import Candidate, Query
from kinfolk.programmes.places import Town, towns

Place = tuple[str, float, float]

#: Candidates this close to the geocoder's first are that place again (a town's centre
#: and the middle of its boundary, say), so the first is taken; one farther away makes
#: the text ambiguous.  Well inside the 10 km people travel by default.
SAME_PLACE_KM = 5.0
_EARTH_KM = 6371.0


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

    def geocoded(self, query: Query, candidates: list[Candidate], town: str) -> Place:
        """The place the geocoder found for the text, or a :class:`PlaceError` saying why not.

        Only candidates in the programme's country count; several far apart are
        refused with each named by its nearest town, as a town name shared by
        several towns is.
        """
        home = [c for c in candidates if c.country == self.country]
        if not home and candidates:
            abroad = ", ".join(sorted({c.country or "?" for c in candidates}))
            raise PlaceError(
                query.text,
                _("is in %(abroad)s by the geocoder, not in %(country)s; give latitude and "
                  "longitude, a town or a postcode of %(country)s")
                % {"abroad": abroad, "country": self.country},
            )  # fmt: skip
        if not home:
            raise PlaceError(
                query.text,
                _("is not a place of %(country)s that we or the geocoder know; give a nearby "
                  "larger town, latitude and longitude, or a postcode")
                % {"country": self.country},
            )  # fmt: skip
        first = home[0]
        far = [c for c in home[1:] if _km(first, c) > SAME_PLACE_KM]
        if far:
            candidates_text = "; ".join(
                _("near %(town)s (%(lat).2f, %(lon).2f)")
                % {"town": self.nearest(c.lat, c.lon), "lat": c.lat, "lon": c.lon}
                for c in [first, *far]
            )
            raise PlaceError(
                query.text,
                _("names %(n)s places far apart, by the geocoder: %(candidates)s. Give "
                  "latitude and longitude or a postcode instead")
                % {"n": 1 + len(far), "candidates": candidates_text},
            )  # fmt: skip
        if query.kind == "town":
            # A name we know with another spelling keeps ours, so regions find it.
            known = self.by_name.get(query.text.strip().casefold())
            town = known[0].name if known else query.text.strip()
        return (town or self.nearest(first.lat, first.lon)), first.lat, first.lon

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


def _km(a: Candidate, b: Candidate) -> float:
    """Great-circle distance between two candidates."""
    p1, p2 = np.radians(a.lat), np.radians(b.lat)
    h = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(b.lon - a.lon) / 2) ** 2
    )
    return float(2 * _EARTH_KM * np.arcsin(np.sqrt(h)))
