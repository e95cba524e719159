"""Strike plans: detonations on named places or coordinates, and their combined consequences."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtri

from brinkmanship.effects import blast, radiation, thermal
from brinkmanship.effects.casualties import (
    RULES,
    blast_probabilities,
    burn_probabilities,
    combine,
    radiation_probabilities,
)
from brinkmanship.effects.places import find_place
from brinkmanship.effects.population import (
    COVER_FACTOR,
    LocalFrame,
    check_population,
    cores_used,
    density_grid,
    places_near,
)
from brinkmanship.effects.rings import Rings, burst_height_m, check_burst, check_convention, compute_rings
from brinkmanship.errors import UserError
from brinkmanship.safe_yaml import read_yaml

CASUALTY_BLAST_MODEL = "glasstone1977"
"""Overpressure curves the casualty bands are applied to. OTA (1979) derived its bands with the
radii of Glasstone & Dolan (1977), so the bands are applied to those radii, whatever model the
rings are shown with (for surface bursts Brode's 1986 fit reaches 13-20 % farther at 2-1 psi)."""

GRID_CELLS_PER_SIDE = 400
"""Resolution of the population grid (cells per side of the box around all damage)."""


@dataclass(frozen=True)
class Detonation:
    """One nuclear detonation.

    Give either ``target`` (a place name) or both ``lat`` and ``lon``; when both are given the
    coordinates win and ``target`` is only a label.

    Attributes:
        yield_kt: Total yield in kilotons (0 < yield <= 100,000).
        burst: ``"air"`` or ``"surface"``.
        target: Place name (urban-area table or GeoNames), optional with coordinates.
        lat: Latitude of ground zero (degrees north).
        lon: Longitude of ground zero (degrees east).
        height_m: Height of burst (m); None means 0 for surface bursts and the 5-psi optimum for
            air bursts.
        convention: ``"default"`` or ``"nukemap"``: whose 5-psi optimum sets a missing height and
            whose curves draw the blast rings (:mod:`brinkmanship.effects.nukemap`). Casualties
            always use the overpressure curves OTA's rules were made with, at this height.
    """

    yield_kt: float
    burst: str = "air"
    target: str | None = None
    lat: float | None = None
    lon: float | None = None
    height_m: float | None = None
    convention: str = "default"

    def __post_init__(self) -> None:
        where = f"detonation {self.target or (self.lat, self.lon)}"
        check_burst(float(self.yield_kt), self.burst, self.height_m, where=where)
        check_convention(self.convention, where=f"{where}: convention")
        if (self.lat is None) != (self.lon is None):
            raise UserError(f"{where}: give both lat and lon, or neither")
        if self.lat is None and not self.target:
            raise UserError("detonation: give a target name or lat and lon")
        if self.lat is not None and self.lon is not None:
            if not (-90 <= self.lat <= 90 and -180 <= self.lon <= 360):
                raise UserError(f"{where}: lat must be in [-90, 90] and lon in [-180, 360]")

    def location(self) -> tuple[float, float]:
        """Latitude and longitude of ground zero (resolves the target name if needed)."""
        if self.lat is not None and self.lon is not None:
            return float(self.lat), float(self.lon)
        place = find_place(str(self.target), where="target")
        return place.lat, place.lon

    def height(self) -> float:
        """Height of burst used (m)."""
        return burst_height_m(float(self.yield_kt), self.burst, self.height_m, self.convention)

    def rings(self, blast_model: str = "brode1986") -> Rings:
        """Damage rings of this detonation (blast rings on ``blast_model``'s or NUKEMAP's curves)."""
        return compute_rings(float(self.yield_kt), self.burst, self.height(), blast_model, self.convention)


@dataclass(frozen=True)
class Bounds:
    """A number of people with its low, central and high estimates."""

    central: float
    low: float
    high: float

    def as_dict(self) -> dict[str, int]:
        """Rounded to whole people for output."""
        return {"central": round(self.central), "low": round(self.low), "high": round(self.high)}

    def __getitem__(self, key: str) -> float:
        return float(getattr(self, key))

    def quantile(self, q: ArrayLike) -> NDArray[np.float64]:
        """Values at probabilities ``q``, reading low and high as the 5th and 95th percentiles.

        A split log-normal through (5 %, low), (50 %, central), (95 %, high): the engine can turn
        each path's uniform draw into a number of deaths. Zero bounds give zeros.
        """
        qs = np.clip(np.asarray(q, dtype=float), 1e-9, 1.0 - 1e-9)
        if self.central <= 0:
            return np.zeros_like(qs)
        z = ndtri(qs) / 1.6448536269514722
        c = np.log(self.central)
        lo = np.log(max(self.low, 1e-9 * self.central))
        hi = np.log(max(self.high, self.central))
        return np.asarray(np.exp(np.where(z < 0, c + z * (c - lo), c + z * (hi - c))), dtype=float)


@dataclass(frozen=True)
class Consequences:
    """Prompt deaths and injuries of a set of detonations."""

    deaths: Bounds
    injuries: Bounds
    population_in_grid: float
    places: tuple[str, ...] = field(default=())
    population: str = "residential"
    """Which population was spread: ``"residential"`` (census) or ``"daytime"`` (commuting)."""
    daytime_sources: tuple[str, ...] = field(default=())
    """For daytime runs, the commuter data applied (core and source); empty if none applied."""
    daytime_by_detonation: tuple[tuple[str, ...], ...] = field(default=())
    """For daytime runs, the commuter data that apply to each detonation, in the order given: those of
    the urban areas its damage reaches (their centre within its reach plus the circle that bounds the
    area, as :func:`brinkmanship.effects.population.places_near` bounds one). Empty for a detonation
    whose people are all residential counts (no commuter data there), so a plan over Seoul and
    Pyongyang says which used which."""

    def population_of(self, index: int) -> str:
        """``"daytime"`` or ``"residential"``: the counts detonation ``index`` was computed on."""
        by = self.daytime_by_detonation
        return "daytime" if index < len(by) and by[index] else "residential"

    def population_used(self) -> str:
        """``"daytime"``, ``"residential"`` or ``"mixed"`` (daytime for some detonations only)."""
        kinds = {self.population_of(i) for i in range(len(self.daytime_by_detonation))}
        if not kinds:
            return "daytime" if self.daytime_sources else "residential"
        return kinds.pop() if len(kinds) == 1 else "mixed"


def _reach_km(det: Detonation, height_m: float) -> float:
    """Largest ground range at which any rule (at its most sensitive) can still hurt someone."""
    w = float(det.yield_kt)
    low_psi = 1.0 * min(r.psi_scale for r in RULES.values())
    ranges = [
        blast.model_ground_range_km(low_psi, w, height_m, CASUALTY_BLAST_MODEL) or 0.0,
        thermal.burn_radius_km(w, det.burst, height_m, degree=2) or 0.0,
        radiation.dose_radius_km(min(r.injury_rem for r in RULES.values()), w, height_m) or 0.0,
    ]
    return max(ranges) * 1.02 + 0.1


def _overpressure_table(det: Detonation, height_m: float, reach: float) -> tuple[np.ndarray, np.ndarray]:
    """log ground range and log overpressure sampled densely, for fast interpolation."""
    r = np.geomspace(1e-3, reach * 1.05, 1200)
    p = blast.model_overpressure_psi(r, float(det.yield_kt), height_m, CASUALTY_BLAST_MODEL)
    return np.log(r), np.log(np.maximum(p, 1e-12))


def plan_consequences(detonations: Sequence[Detonation], population: str = "residential") -> Consequences:
    """Prompt deaths and injuries from a list of detonations, overlapping damage counted once.

    The population of every shipped urban area and GeoNames place near the detonations is laid on
    a grid (Clark density model, :mod:`brinkmanship.effects.population`); at each cell the worst
    overpressure, the summed thermal fluence and the summed initial dose of all detonations give
    each person's chance of death and injury (:mod:`brinkmanship.effects.casualties`).

    Args:
        detonations: The detonations; an empty list gives zero consequences.
        population: ``"residential"`` (census counts, the default) or ``"daytime"`` (commuter
            inflow moved into the employment cores that ``data/daytime.csv`` lists).

    Returns:
        Deaths and injuries, each with low, central and high estimates.

    Raises:
        UserError: Unknown target names (with suggestions).
    """
    check_population(population)
    if not detonations:
        zero = Bounds(0.0, 0.0, 0.0)
        return Consequences(deaths=zero, injuries=zero, population_in_grid=0.0, population=population)
    return _consequences(tuple(detonations), population)


@lru_cache(maxsize=256)
def _consequences(detonations: tuple[Detonation, ...], population: str = "residential") -> Consequences:
    """Cached worker of :func:`plan_consequences` (detonations are frozen, so hashable).

    Detonations whose damage areas cannot overlap (e.g. Washington and Moscow) are computed on
    separate local grids and their casualties added; each grid stays small and locally flat.
    """
    locs = [d.location() for d in detonations]
    heights = [d.height() for d in detonations]
    reaches = [_reach_km(d, h) for d, h in zip(detonations, heights, strict=True)]
    deaths = dict.fromkeys(RULES, 0.0)
    injuries = dict.fromkeys(RULES, 0.0)
    people_total = 0.0
    place_names: list[str] = []
    sources: list[str] = []
    by_detonation: list[tuple[str, ...]] = [()] * len(detonations)
    for members in _clusters(locs, reaches):
        part = _cluster_casualties(
            [detonations[i] for i in members],
            [locs[i] for i in members],
            [heights[i] for i in members],
            [reaches[i] for i in members],
            population,
        )
        for name in RULES:
            deaths[name] += part[0][name]
            injuries[name] += part[1][name]
        people_total += part[2]
        place_names += [n for n in part[3] if n not in place_names]
        sources += [s for s in part[4] if s not in sources]
        for i, used in zip(members, part[5], strict=True):
            by_detonation[i] = used
    return Consequences(
        deaths=_bounds(deaths),
        injuries=_bounds(injuries),
        population_in_grid=people_total,
        places=tuple(place_names),
        population=population,
        daytime_sources=tuple(sources),
        daytime_by_detonation=tuple(by_detonation),
    )


def _clusters(locs: list[tuple[float, float]], reaches: list[float]) -> list[list[int]]:
    """Group detonations whose damage circles could touch (single linkage, great-circle distance)."""
    n = len(locs)
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            d = _distance_km(locs[i], locs[j])
            if d <= reaches[i] + reaches[j] + 1.0:
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance on the mean sphere (km)."""
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dl = math.radians(b[1] - a[1])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2.0 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def _cluster_casualties(
    detonations: list[Detonation],
    locs: list[tuple[float, float]],
    heights: list[float],
    reaches: list[float],
    population: str = "residential",
) -> tuple[
    dict[str, float], dict[str, float], float, tuple[str, ...], tuple[str, ...], tuple[tuple[str, ...], ...]
]:
    """Deaths and injuries per rule set, population, places, daytime sources (all, and per detonation)
    of one group of detonations."""
    frame = LocalFrame(
        float(np.mean([la for la, _ in locs])),
        float(
            math.degrees(
                math.atan2(
                    np.mean([math.sin(math.radians(lo)) for _, lo in locs]),
                    np.mean([math.cos(math.radians(lo)) for _, lo in locs]),
                )
            )
        ),
    )
    gx, gy = frame.to_xy(np.array([la for la, _ in locs]), np.array([lo for _, lo in locs]))
    reach_arr = np.array(reaches)
    x0, x1 = float(np.min(gx - reach_arr)), float(np.max(gx + reach_arr))
    y0, y1 = float(np.min(gy - reach_arr)), float(np.max(gy + reach_arr))
    cell = max(x1 - x0, y1 - y0) / GRID_CELLS_PER_SIDE
    xs = np.arange(x0 + cell / 2, x1, cell)
    ys = np.arange(y0 + cell / 2, y1, cell)
    xx, yy = np.meshgrid(xs, ys)
    search = max(abs(x0), abs(x1), abs(y0), abs(y1)) * 1.5 + 100.0
    places = places_near(frame, search)
    people = density_grid(frame, places, xx, yy, population) * cell * cell
    cores = [f"{c.core} ({c.urban_area}): {c.source}" for c in cores_used(places, population)]
    per_detonation = []
    for px, py, reach in zip(gx, gy, reaches, strict=True):
        used: list[str] = []
        for place in places:
            applied = cores_used([place], population)
            if not applied:
                continue
            cx, cy = frame.to_xy(np.array(place.lat), np.array(place.lon))
            bound = COVER_FACTOR * math.sqrt(place.area_km2 / math.pi)
            if math.hypot(float(cx) - px, float(cy) - py) <= reach + bound:
                used += [f"{c.core} ({c.urban_area}): {c.source}" for c in applied]
        per_detonation.append(tuple(used))

    psi = np.zeros_like(xx)
    fluence = np.zeros_like(xx)
    dose = np.zeros_like(xx)
    for det, h, px, py, reach in zip(detonations, heights, gx, gy, reaches, strict=True):
        w = float(det.yield_kt)
        ground = np.hypot(xx - px, yy - py)
        log_r, log_p = _overpressure_table(det, h, reach)
        near = ground <= reach
        p = np.zeros_like(xx)
        p[near] = np.exp(np.interp(np.log(np.maximum(ground[near], 1e-3)), log_r, log_p))
        psi = np.maximum(psi, p)
        slant = np.hypot(ground, h / 1000.0)
        fluence = fluence + np.where(near, thermal.fluence_cal_cm2(slant, w, det.burst), 0.0)
        dose = dose + np.where(near, radiation.dose_rem(slant, w), 0.0)

    # Burn thresholds of the largest weapon present (longer pulses need more energy to burn).
    w_max = max(float(d.yield_kt) for d in detonations)
    third = thermal.burn_threshold_cal_cm2(w_max, 3)
    second = thermal.burn_threshold_cal_cm2(w_max, 2)
    deaths: dict[str, float] = {}
    injuries: dict[str, float] = {}
    for name, rules in RULES.items():
        dead, hurt = combine(
            blast_probabilities(psi, rules),
            burn_probabilities(fluence, third, second, rules),
            radiation_probabilities(dose, rules),
        )
        deaths[name] = float(np.sum(people * dead))
        injuries[name] = float(np.sum(people * hurt))
    names = tuple(p.name for p in places)
    return deaths, injuries, float(np.sum(people)), names, tuple(cores), tuple(per_detonation)


def _bounds(values: dict[str, float]) -> Bounds:
    """Central from the central rules; low and high the extremes over all rule sets.

    More deaths can mean fewer injured survivors, so the rule set giving the most deaths need not
    give the most injuries; each quantity takes its own extremes.
    """
    return Bounds(central=values["central"], low=min(values.values()), high=max(values.values()))


MAX_DETONATIONS = 1000
"""Most detonations a plan file may hold. Each takes about 40 ms on one core (300 Seoul-area bursts
took 12 s when measured) and grouping overlapping damage compares every pair, so 1,000 take under a
minute while 20,000 ran for more than 12 minutes with no output. A larger plan is refused before any
work; split it by region (regions far apart do not interact, see :func:`_clusters`)."""

_PLAN_KEYS = {"target", "lat", "lon", "yield_kt", "burst", "height_m"}


def detonations_from_data(data: Any, *, source: str) -> list[Detonation]:
    """Build detonations from parsed YAML/JSON: a list, or a mapping with key ``detonations``.

    Raises:
        UserError: Naming the file and the entry at fault.
    """
    if isinstance(data, Mapping):
        # Only the detonations are read: a wind, burst or population written beside them would be ignored.
        unknown = set(data) - {"detonations"}
        if unknown:
            raise UserError(
                f"{source}: unknown top-level key(s) {', '.join(sorted(map(str, unknown)))}; a plan has only "
                "'detonations' (burst and height_m go in each entry; wind and population are options)"
            )
        data = data.get("detonations")
    if not isinstance(data, list) or not data:
        raise UserError(f"{source}: expected a non-empty list 'detonations' of entries")
    if len(data) > MAX_DETONATIONS:
        raise UserError(
            f"{source}: detonations: {len(data):,} entries; at most {MAX_DETONATIONS:,} "
            "(about 40 ms each; split the plan by region)"
        )
    result = []
    for i, entry in enumerate(data):
        where = f"{source}: detonations[{i}]"
        if not isinstance(entry, Mapping):
            raise UserError(f"{where}: expected a mapping with target/lat/lon, yield_kt, burst")
        unknown = set(entry) - _PLAN_KEYS
        if unknown:
            raise UserError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
        if "yield_kt" not in entry:
            raise UserError(f"{where}: missing yield_kt")
        if entry.get("target") is not None and (entry.get("lat") is not None or entry.get("lon") is not None):
            # The coordinates would be struck and the place's name printed over them.
            raise UserError(f"{where}: give target or lat and lon, not both (one place per detonation)")
        kwargs = {
            "yield_kt": _number(entry["yield_kt"], f"{where}.yield_kt"),
            "burst": _text(entry.get("burst", "air"), f"{where}.burst"),
            "target": None if entry.get("target") is None else _text(entry["target"], f"{where}.target"),
            **{
                key: None if entry.get(key) is None else _number(entry[key], f"{where}.{key}")
                for key in ("lat", "lon", "height_m")
            },
        }
        try:
            det = Detonation(**kwargs)  # type: ignore[arg-type]
        except UserError as error:
            raise UserError(f"{where}: {error}") from None
        if det.target and det.lat is None:
            find_place(det.target, where=f"{where}.target")
        result.append(det)
    return result


def _number(value: object, where: str) -> float:
    """A plan's number as the file wrote it: not YAML's ``true`` (which float() reads as 1) nor quoted
    text (``"10"``), as in scenario files (:data:`brinkmanship.scenario.schema.Number`)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UserError(f"{where}: expected a number, got {value!r}")
    return float(value)


def _text(value: object, where: str) -> str:
    """A plan's name as the file wrote it: text, not a number or a boolean read as one."""
    if not isinstance(value, str):
        raise UserError(f"{where}: expected text, got {value!r}")
    return value


def load_plan(path: str | Path) -> list[Detonation]:
    """Read a strike plan from a YAML file.

    Raises:
        UserError: Missing file, malformed YAML or an invalid entry.
    """
    p = Path(path)
    return detonations_from_data(read_yaml(p), source=str(p))
