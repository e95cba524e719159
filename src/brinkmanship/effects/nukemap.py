"""NUKEMAP's air-blast convention: its height-of-burst curves, its optimum height, its rings.

NUKEMAP (A. Wellerstein, nuclearsecrecy.com) reads air-blast rings off "knee" curves of
Glasstone & Dolan (1977), ch. III: for each of 17 overpressures (1 to 10,000 psi) a list of
(height of burst, ground range) points, in feet, for a 1-kt burst, which it scales by cube-root
scaling. Its default air burst is at the height that maximises the 5-psi ring. Source: NUKEMAP's
``nukeeffects.js`` ("NukeEffects class", header "Last updated: 8/2015"; the tables, the
functions ``range_from_psi_hob``, ``opt_height_for_psi`` and ``max_height_for_psi``) and
``nukemap2.js`` (default detonation ``hob_opt_psi: 5``), read in the public copy
github.com/Warehousebot0/nukemap, commit e1e6c9efaddeab10231188aea1d5244f7c594b4b. The curve points
are shipped as data (``data/nukemap_hob_1kt.csv``, with that source); the reading rules below are
this module's own code, written from the description of the convention:

* An overpressure that has its own curve: keep the curve's points whose height exceeds every point
  before it (walking up from the ground: the upper envelope, which skips the dip of the Mach
  knee), interpolate the ground range linearly in height; above the curve's top, no ring.
* Any other overpressure: between the two neighbouring curves, along each ray from ground zero
  the radius is interpolated linearly in overpressure (NUKEMAP interpolates along rays through
  the origin too), then read as above.
* Optimum height for an overpressure with its own curve: the height of the curve's point of
  largest ground range; for any other overpressure, linear in overpressure between the
  neighbours' optimum heights (so 5 psi is the mean of the 4- and 6-psi optima, 1,024.5 ft at 1 kt).

Checked (tests/test_effects_nukemap.py) against the 20-psi ring NUKEMAP gave for a 15-kt air burst
(0.335 km) and against NUKEMAP's own code run at the commit above.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from brinkmanship.effects.places import shipped_table

FT_KM = 0.0003048
"""One foot in kilometres."""

DEFAULT_OPTIMISED_PSI = 5.0
"""NUKEMAP's default: air bursts at the height that maximises the 5-psi ring (``nukemap2.js``)."""

_RAY_ANGLES = np.linspace(0.0, np.pi / 2.0, 2001)
"""Angles above the ground (rad) on which two curves are blended for an untabulated overpressure."""


@dataclass(frozen=True)
class Curve:
    """One overpressure's curve: heights and ground ranges (ft at 1 kt), from the ground up."""

    psi: float
    heights_ft: NDArray[np.float64]
    ranges_ft: NDArray[np.float64]

    def optimum_height_ft(self) -> float:
        """Height of the point with the largest ground range (the first, if several)."""
        return float(self.heights_ft[int(np.argmax(self.ranges_ft))])

    def top_ft(self) -> float:
        """Height of the curve's last point, where the overpressure stops reaching the ground."""
        return float(self.heights_ft[-1])


@lru_cache(maxsize=1)
def curves() -> dict[float, Curve]:
    """The shipped curves (data/nukemap_hob_1kt.csv), by overpressure."""
    points: dict[float, list[tuple[int, float, float]]] = {}
    for row in shipped_table("nukemap_hob_1kt.csv"):
        points.setdefault(float(row["psi"]), []).append(
            (int(row["point"]), float(row["height_ft"]), float(row["ground_range_ft"]))
        )
    result = {}
    for psi, rows in sorted(points.items()):
        rows.sort()
        heights = np.array([h for _, h, _ in rows])
        ranges = np.array([r for _, _, r in rows])
        result[psi] = Curve(psi, heights, ranges)
    return result


def psi_limits() -> tuple[float, float]:
    """Smallest and largest overpressure with a curve (1 and 10,000 psi)."""
    keys = sorted(curves())
    return keys[0], keys[-1]


def _neighbours(psi: float) -> tuple[Curve, Curve]:
    """The curves of the nearest tabulated overpressures below and above ``psi``."""
    keys = sorted(curves())
    lower = max(k for k in keys if k < psi)
    upper = min(k for k in keys if k > psi)
    return curves()[lower], curves()[upper]


def _check_psi(psi: float) -> None:
    low, high = psi_limits()
    if not low <= psi <= high:
        raise ValueError(f"NUKEMAP's curves cover {low:g} to {high:g} psi, not {psi:g}")


def _upper_envelope(heights: NDArray[np.float64], ranges: NDArray[np.float64]) -> tuple[NDArray, NDArray]:
    """Points whose height exceeds every earlier point's (monotone in height)."""
    running = np.maximum.accumulate(heights)
    keep = np.concatenate([[True], heights[1:] > running[:-1]])
    return heights[keep], ranges[keep]


def _read_range(heights: NDArray[np.float64], ranges: NDArray[np.float64], height: float) -> float | None:
    """Ground range (ft, 1 kt) of a curve at ``height``; None above its top or where it ends."""
    env_h, env_r = _upper_envelope(heights, ranges)
    if height < 0.0 or height > env_h[-1]:
        return None
    value = float(np.interp(height, env_h, env_r))
    return value if value > 0.0 else None


def _polar(curve: Curve) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The curve as radius against angle above the ground, angle strictly increasing."""
    angles = np.arctan2(curve.heights_ft, curve.ranges_ft)
    radii = np.hypot(curve.heights_ft, curve.ranges_ft)
    running = np.maximum.accumulate(angles)
    keep = np.concatenate([[True], angles[1:] > running[:-1]])
    return angles[keep], radii[keep]


def _blended_curve(psi: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Heights and ranges (ft, 1 kt) of an untabulated overpressure, blended along rays."""
    outer, inner = _neighbours(psi)
    weight_outer = (inner.psi - psi) / (inner.psi - outer.psi)
    radius = weight_outer * np.interp(_RAY_ANGLES, *_polar(outer)) + (1.0 - weight_outer) * np.interp(
        _RAY_ANGLES, *_polar(inner)
    )
    return radius * np.sin(_RAY_ANGLES), radius * np.cos(_RAY_ANGLES)


def scaled_range_ft(psi: float, scaled_height_ft: float) -> float | None:
    """Ground range (ft) of ``psi`` from a 1-kt burst at ``scaled_height_ft``; None if it misses."""
    _check_psi(psi)
    curve = curves().get(float(psi))
    if curve is not None:
        return _read_range(curve.heights_ft, curve.ranges_ft, scaled_height_ft)
    heights, ranges = _blended_curve(psi)
    return _read_range(heights, ranges, scaled_height_ft)


def ground_range_km(psi: float, yield_kt: float, height_m: float) -> float | None:
    """Ground range (km) of ``psi`` on NUKEMAP's curves, cube-root scaled; None if it misses."""
    scale = float(yield_kt) ** (1.0 / 3.0)
    scaled = scaled_range_ft(psi, height_m / 1000.0 / FT_KM / scale)
    return None if scaled is None else scaled * scale * FT_KM


def optimum_scaled_height_ft(psi: float) -> float:
    """NUKEMAP's optimum height (ft at 1 kt) for ``psi``: see the module docstring."""
    _check_psi(psi)
    curve = curves().get(float(psi))
    if curve is not None:
        return curve.optimum_height_ft()
    lower, upper = _neighbours(psi)
    t = (psi - lower.psi) / (upper.psi - lower.psi)
    return (1.0 - t) * lower.optimum_height_ft() + t * upper.optimum_height_ft()


def optimum_height_m(psi: float, yield_kt: float) -> float:
    """NUKEMAP's burst height (m) maximising the ``psi`` ring for this yield."""
    return optimum_scaled_height_ft(psi) * float(yield_kt) ** (1.0 / 3.0) * FT_KM * 1000.0


def max_height_m(psi: float, yield_kt: float) -> float:
    """Highest burst (m) at which ``psi`` still reaches the ground on NUKEMAP's curves."""
    _check_psi(psi)
    curve = curves().get(float(psi))
    if curve is not None:
        top = curve.top_ft()
    else:
        lower, upper = _neighbours(psi)
        t = (psi - lower.psi) / (upper.psi - lower.psi)
        top = (1.0 - t) * lower.top_ft() + t * upper.top_ft()
    return top * float(yield_kt) ** (1.0 / 3.0) * FT_KM * 1000.0
