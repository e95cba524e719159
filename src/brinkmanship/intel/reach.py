"""Which cities a missile of given range reaches from a launch site (WGS-84 distances)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from brinkmanship.effects.places import Place, find_place, urban_areas
from brinkmanship.errors import UserError
from brinkmanship.intel.geodesy import initial_bearing_deg, wgs84_distance_km

MAX_RANGE_KM = 20_040.0
"""Half the Earth's circumference: any larger range reaches everywhere."""


@dataclass(frozen=True)
class CityReach:
    """A city, its WGS-84 distance and bearing from the launch site, and whether it is in reach."""

    name: str
    lat: float
    lon: float
    distance_km: float
    bearing_deg: float
    in_reach: bool


def cities_in_reach(range_km: float, launch: str) -> tuple[Place, list[CityReach]]:
    """Distances from ``launch`` to every city of the urban-area table, nearest first.

    Raises:
        UserError: Non-positive range or unknown launch site.
    """
    if not np.isfinite(range_km) or range_km <= 0:
        raise UserError(f"--range-km must be a positive, finite number of kilometres (got {range_km})")
    site = find_place(launch, where="--from")
    rows = []
    for place in urban_areas():
        if place.name == site.name:
            continue
        d = wgs84_distance_km(site.lat, site.lon, place.lat, place.lon)
        rows.append(
            CityReach(
                name=place.name,
                lat=place.lat,
                lon=place.lon,
                distance_km=d,
                bearing_deg=initial_bearing_deg(site.lat, site.lon, place.lat, place.lon),
                in_reach=d <= min(range_km, MAX_RANGE_KM),
            )
        )
    return site, sorted(rows, key=lambda r: r.distance_km)
