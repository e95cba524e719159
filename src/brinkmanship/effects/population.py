"""Population density around a point, from the shipped urban areas and GeoNames places.

Each place's population P is spread with Clark's (1951) negative-exponential urban density model,
rho(r) = rho0 exp(-r / b) (C. Clark, "Urban population densities", J. Royal Statistical Society A
114:490-496, 1951), the standard monocentric model of urban economics. Its two parameters follow
from the place's population and land area A: the total is P = 2 pi rho0 b^2, and b is set so that
:data:`FRACTION_INSIDE` of P lives inside the circle of the same area as the urban area
(radius sqrt(A/pi)). With 70 % inside, centre densities come out near the densest districts of the
cities concerned: about 26,000/km^2 for Seoul–Incheon (Yangcheon-gu, Seoul's densest district,
had about 27,000/km^2 in 2015, Seoul statistics) and 13,000/km^2 for Tokyo–Yokohama (the 23 wards
average about 15,000/km^2, 2015 census).

Where a single component puts far too few people in the central city — New York (the city holds
8.2 M on 784 km^2, the single component only about 3,800/km^2 there) and Moscow (11.5 M on
1,081 km^2 in its pre-2012 boundaries) — the table gives the central city's census population and
area, and the place is spread as two Clark components: the central city, and the rest of the urban
area over the whole area, each with the same 70 % rule. For the other large urban areas checked
(Seoul, Tokyo, Beijing, Chicago, Los Angeles, San Francisco, Washington) one component already
puts at least half of the central city's census density over the central city, and is kept.

Places within a search radius all contribute (densities add); GeoNames places that lie within
:data:`COVER_FACTOR` equal-area radii of an urban area already listed are skipped so that nobody is
counted twice.

Daytime population (``population="daytime"``): census counts are residential, night-time counts.
For the urban areas of ``data/daytime.csv`` the national census's commuter data give the net
inflow into the employment core by day (commuter-adjusted population minus residents: the US
Census Bureau's ACS 2006-10 estimates for Washington DC and Manhattan, its Census 2000 estimates
(PHC-T-40) for thirteen other US central cities, Japan's census daytime population for Tokyo's
23 wards (2000) and Osaka city (2005)). By day that inflow is added as one more Clark component
over the core's area (same 70 % rule). The commuters come from the rest of the urban area (the
census inflow is already net of the core's own out-commuters), so they are taken from the
residential density rho(x) outside the core's equal-area circle (radius R), with the weight
W(x) = 1 - exp(-max(d(x) - R, 0) / b_core) (0 on and inside the circle, rising to 1 within a few
km): removal = f rho(x) W(x), with f = inflow / integral of rho W. The urban area's total is
unchanged and the core keeps its residents, so its circle gains 70 % of the census inflow (the
component's own share inside it) even where the core holds much of the urban area (Houston,
Los Angeles, Honolulu). A net outflow (Detroit, -0.1 % in 2000) works the same way
with the signs reversed. Other places keep their residential counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq

from brinkmanship.effects.places import Place, geonames_places, shipped_table, urban_areas
from brinkmanship.errors import UserError

FRACTION_INSIDE = 0.70
COVER_FACTOR = 1.5
"""GeoNames places closer to an urban area's centre than 1.5 equal-area radii are taken to be part
of it (urban areas are irregular; their satellite cities are in the urban-area total already)."""
EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), used for the local flat projection."""


def _inside_fraction_ratio(fraction: float) -> float:
    """x = R/b at which the exponential disc holds ``fraction`` of its population."""
    return float(brentq(lambda x: 1.0 - (1.0 + x) * np.exp(-x) - fraction, 1e-6, 50.0))


_RATIO = _inside_fraction_ratio(FRACTION_INSIDE)


def _clark(population: float, area_km2: float) -> tuple[float, float]:
    """Centre density and scale length of one Clark component (70 % inside the equal-area disc)."""
    b = float(np.sqrt(area_km2 / np.pi)) / _RATIO
    return population / (2.0 * np.pi * b**2), b


def clark_components(place: Place) -> list[tuple[float, float]]:
    """(rho0, b) of each density component of a place: one, or an outer area plus a dense core."""
    if place.core_population > 0 and place.core_area_km2 > 0:
        return [
            _clark(place.population - place.core_population, place.area_km2),
            _clark(place.core_population, place.core_area_km2),
        ]
    return [_clark(place.population, place.area_km2)]


def clark_parameters(place: Place) -> tuple[float, float]:
    """Centre density rho0 (people/km^2) and scale length b (km) of a single-component place."""
    return _clark(place.population, place.area_km2)


POPULATIONS = ("residential", "daytime")
"""Which population the density model spreads: census residents, or residents moved by commuting."""


@dataclass(frozen=True)
class DaytimeCore:
    """Net commuter inflow into an urban area's employment core on a working day."""

    urban_area: str
    core: str
    lat: float
    lon: float
    resident: float
    daytime: float
    area_km2: float
    source: str

    @property
    def inflow(self) -> float:
        """Net number of people who come into the core by day."""
        return self.daytime - self.resident


@lru_cache(maxsize=1)
def daytime_cores() -> dict[str, tuple[DaytimeCore, ...]]:
    """The shipped daytime table (data/daytime.csv), by urban-area name."""
    table: dict[str, list[DaytimeCore]] = {}
    for row in shipped_table("daytime.csv"):
        core = DaytimeCore(
            urban_area=row["urban_area"],
            core=row["core"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            resident=float(row["resident"]),
            daytime=float(row["daytime"]),
            area_km2=float(row["area_km2"]),
            source=row["source"],
        )
        table.setdefault(core.urban_area, []).append(core)
    return {k: tuple(v) for k, v in table.items()}


def check_population(population: str, *, where: str = "--population") -> None:
    """Raise :class:`UserError` for an unknown population kind."""
    if population not in POPULATIONS:
        raise UserError(f"{where}: must be one of {', '.join(POPULATIONS)}, got {population!r}")


def cores_used(places: list[Place], population: str) -> list[DaytimeCore]:
    """The daytime cores that apply to these places (none for the residential population)."""
    if population != "daytime":
        return []
    table = daytime_cores()
    return [core for place in places for core in table.get(place.name, ())]


@dataclass(frozen=True)
class LocalFrame:
    """Equirectangular projection (km east, km north) about an origin; adequate within ~200 km."""

    lat0: float
    lon0: float

    def to_xy(self, lat: NDArray[np.float64], lon: NDArray[np.float64]) -> tuple[NDArray, NDArray]:
        """Project latitude/longitude (degrees) to local km."""
        k = np.pi / 180.0 * EARTH_RADIUS_KM
        dlon = (np.asarray(lon) - self.lon0 + 180.0) % 360.0 - 180.0
        return dlon * k * np.cos(np.radians(self.lat0)), (np.asarray(lat) - self.lat0) * k


def places_near(frame: LocalFrame, radius_km: float) -> list[Place]:
    """Urban areas and non-overlapping GeoNames places whose centres lie within ``radius_km``."""
    chosen: list[Place] = []
    urban_chosen: list[Place] = []
    for pool, is_urban in ((urban_areas(), True), (geonames_places(), False)):
        lats = np.array([p.lat for p in pool])
        lons = np.array([p.lon for p in pool])
        x, y = frame.to_xy(lats, lons)
        near = np.nonzero(np.hypot(x, y) <= radius_km)[0]
        for i in near:
            place = pool[int(i)]
            if not is_urban and _covered(place, urban_chosen):
                continue
            chosen.append(place)
            if is_urban:
                urban_chosen.append(place)
    return chosen


def _covered(place: Place, urban: list[Place]) -> bool:
    """True when a GeoNames place sits inside an urban area's equal-area circle."""
    for area in urban:
        frame = LocalFrame(area.lat, area.lon)
        x, y = frame.to_xy(np.array([place.lat]), np.array([place.lon]))
        if float(np.hypot(x, y)[0]) <= COVER_FACTOR * np.sqrt(area.area_km2 / np.pi):
            return True
    return False


def density_grid(
    frame: LocalFrame,
    places: list[Place],
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    population: str = "residential",
) -> NDArray[np.float64]:
    """Population density (people/km^2) at local points ``x``, ``y`` (km), summed over places.

    ``population="daytime"`` moves the net commuter inflow of the places in ``data/daytime.csv``
    into their employment cores (see the module docstring); totals are unchanged.
    """
    check_population(population)
    density = np.zeros(np.broadcast(x, y).shape)
    table = daytime_cores() if population == "daytime" else {}
    for place in places:
        px, py = frame.to_xy(np.array(place.lat), np.array(place.lon))
        r = np.hypot(x - px, y - py)
        residents = np.zeros_like(density)
        for rho0, b in clark_components(place):
            residents += rho0 * np.exp(-r / b)
        day = residents.copy()
        for core in table.get(place.name, ()):
            cx, cy = frame.to_xy(np.array(core.lat), np.array(core.lon))
            rho0, b = _clark(core.inflow, core.area_km2)
            d = np.hypot(x - cx, y - cy)
            day += rho0 * np.exp(-d / b) - _commuter_fraction(place, core) * residents * _source(
                d, core.area_km2
            )
        density += day
    return density


def _source(distance: NDArray[np.float64], core_area_km2: float) -> NDArray[np.float64]:
    """Weight W of the residents who commute into a core, by distance (km) from its centre."""
    radius = float(np.sqrt(core_area_km2 / np.pi))
    b_core = _clark(1.0, core_area_km2)[1]
    return 1.0 - np.exp(-np.maximum(distance - radius, 0.0) / b_core)


@lru_cache(maxsize=64)
def _commuter_fraction(place: Place, core: DaytimeCore) -> float:
    """f such that f * integral of rho W over the plane equals the core's net inflow.

    rho is the place's residential density and W the commuters' source weight; the integral of
    rho (1 - W) is taken numerically on a polar grid about the core's centre (1 - W is negligible
    beyond 40 core scale lengths).
    """
    b_core = _clark(1.0, core.area_km2)[1]
    radii = (np.arange(4000) + 0.5) * (40.0 * b_core / 4000)
    angles = (np.arange(360) + 0.5) * (2.0 * np.pi / 360)
    rr, aa = np.meshgrid(radii, angles)
    frame = LocalFrame(core.lat, core.lon)
    px, py = frame.to_xy(np.array(place.lat), np.array(place.lon))
    d = np.hypot(rr * np.cos(aa) - px, rr * np.sin(aa) - py)
    rho = sum(rho0 * np.exp(-d / b) for rho0, b in clark_components(place))
    cell = (radii[1] - radii[0]) * (angles[1] - angles[0]) * rr
    overlap = float(np.sum(rho * (1.0 - _source(rr, core.area_km2)) * cell))
    outside = place.population - overlap
    if outside <= abs(core.inflow):
        raise ValueError(f"daytime.csv: {core.core} draws more commuters than live outside it")
    return core.inflow / outside
