"""Maximum range towards a named target, with the Earth's rotation.

The fitted rocket of :mod:`brinkmanship.intel.missile` is flown (without rotation) with a set of
pitch kicks around its range-maximising one; each burnout state (radius, speed, flight-path angle,
downrange angle) is placed along a launch azimuth on a sphere at the moment of burnout. The Earth's
rotation (omega = 7.2921150e-5 rad/s, IERS) adds omega x r to the burnout velocity, the inertial
Kepler ellipse is followed to the surface, and the impact point is carried back by the angle the
Earth turns during the coast. This is the textbook treatment of a ballistic missile on a rotating
Earth (Bate, Mueller & White, *Fundamentals of Astrodynamics*, Dover 1971, ch. 6, "Effect of earth
rotation": the launch site's eastward speed omega r cos(latitude) is added to the velocity relative
to the Earth, the free flight is an inertial conic, and the target moves east by omega t during the
time of flight, so the shot must be aimed accordingly).

Two conventions for "the range towards a target" (``aim``):

* ``"target"`` (default): the launch azimuth is adjusted until the impact lies on the bearing of
  the target, and the kick is chosen again for each target (with rotation the best flight-path
  angle is not the one without it). This is the range at which the target itself can be hit.
* ``"bearing"``: the missile is flown on the target's bearing on its standard trajectory (the kick
  that maximises range without rotation, Wright's "flown on a standard trajectory"), and the
  ground distance to where it comes down is reported, without correcting the azimuth. The impact
  then lies 8-9 degrees of bearing to the right of the target (about 900 km to the side at
  10,000 km, from Pyongyang to US cities): the deflection by the launch site's cross-track speed and
  by the Earth turning under the flight. Wright's table for the Hwasong-14 of 28 Jul 2017 (UCS,
  allthingsnuclear, 28 Jul 2017, "North Korean ICBM appears able to reach major US cities") has the
  direction-dependence of this convention, not of the aimed one (see ``docs/intel.md``); his post
  does not describe his method, so this is an inference, offered for comparison.

Eastward shots gain range, westward ones lose it.

Simplification: the boost itself is computed without rotation (its 2-3 minutes turn the Earth by
under a degree); a guided missile reaches its burnout state relative to the ground whatever the
Coriolis force during the boost.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from brinkmanship.intel.geodesy import initial_bearing_deg, spherical_distance_km
from brinkmanship.intel.missile import (
    HALF_CIRCUMFERENCE_KM,
    R_EARTH_KM,
    Boost,
    best_kick,
    coast,
    fly,
    max_kick,
)

OMEGA_RAD_S = 7.2921150e-5
"""The Earth's rotation rate (IERS Conventions 2010, rad/s)."""

AIMS = ("target", "bearing")
"""Conventions for the range towards a target (see the module docstring)."""

__all__ = ["AIMS", "HALF_CIRCUMFERENCE_KM", "OMEGA_RAD_S", "impact_point", "range_towards_km"]


def _unit(lat: float, lon: float) -> np.ndarray:
    p, lam = math.radians(lat), math.radians(lon)
    return np.array([math.cos(p) * math.cos(lam), math.cos(p) * math.sin(lam), math.sin(p)])


def _latlon(u: np.ndarray) -> tuple[float, float]:
    return math.degrees(math.asin(float(np.clip(u[2], -1, 1)))), math.degrees(math.atan2(u[1], u[0]))


def impact_point(
    burnout: tuple[float, float, float, float], lat: float, lon: float, azimuth_deg: float
) -> tuple[float, float] | None:
    """Impact latitude/longitude of a burnout state launched on ``azimuth_deg`` from (lat, lon).

    ``burnout`` is (radius km, speed km/s relative to the ground, flight-path angle rad,
    downrange angle rad). None when the flight does not come down (orbital speed) or travels past
    the antipode.
    """
    r_b, v_b, gamma, downrange = burnout
    up0 = _unit(lat, lon)
    north0 = np.array(
        [
            -math.sin(math.radians(lat)) * math.cos(math.radians(lon)),
            -math.sin(math.radians(lat)) * math.sin(math.radians(lon)),
            math.cos(math.radians(lat)),
        ]
    )
    east0 = np.cross(north0, up0)
    az = math.radians(azimuth_deg)
    heading0 = math.cos(az) * north0 + math.sin(az) * east0
    # Burnout point: `downrange` along the great circle of the launch azimuth; the inertial frame
    # is the Earth-fixed one at the moment of burnout.
    up = math.cos(downrange) * up0 + math.sin(downrange) * heading0
    heading = -math.sin(downrange) * up0 + math.cos(downrange) * heading0
    velocity = v_b * (math.sin(gamma) * up + math.cos(gamma) * heading)
    velocity = velocity + np.cross(np.array([0.0, 0.0, OMEGA_RAD_S]), r_b * up)
    speed = float(np.linalg.norm(velocity))
    radial = float(velocity @ up)
    gamma_i = math.asin(max(-1.0, min(1.0, radial / speed)))
    _, angle, t_coast = coast(r_b, speed, gamma_i)
    if not math.isfinite(angle) or angle + downrange >= math.pi:
        return None
    along = velocity - radial * up
    along = along / np.linalg.norm(along)
    hit = math.cos(angle) * up + math.sin(angle) * along
    turn = -OMEGA_RAD_S * t_coast
    c, s = math.cos(turn), math.sin(turn)
    hit = np.array([c * hit[0] - s * hit[1], s * hit[0] + c * hit[1], hit[2]])
    return _latlon(hit)


def _towards(
    burnout: tuple[float, float, float, float], lat: float, lon: float, bearing: float, *, aim: bool = True
) -> float:
    """Ground range (km) of one burnout state launched towards ``bearing``.

    With ``aim`` the launch azimuth is corrected until the impact lies on ``bearing``; without it
    the flight is launched on ``bearing`` and the distance to wherever it comes down is returned.
    inf if it goes past the antipode (it can reach any target there), NaN if the aim does not
    converge (near-vertical flights, whose impact wanders with the rotation).
    """
    azimuth = bearing
    hit: tuple[float, float] | None = None
    for _ in range(60):
        hit = impact_point(burnout, lat, lon, azimuth)
        if hit is None:
            return float("inf")
        if not aim:
            break
        miss = (initial_bearing_deg(lat, lon, *hit) - bearing + 180.0) % 360.0 - 180.0
        if abs(miss) > 90.0:
            return float("nan")
        if abs(miss) < 1e-5:
            break
        azimuth -= miss
    assert hit is not None
    return spherical_distance_km(lat, lon, hit[0], hit[1]) * R_EARTH_KM / 6371.0088


@lru_cache(maxsize=64)
def _kick_burnouts(boost: Boost) -> tuple[tuple[float, float, float, float], ...]:
    """Burnout states for kicks around the range-maximising one (within the burnout floor)."""
    k0 = best_kick(boost)
    kicks = np.linspace(max(0.0, k0 - 0.04), min(max_kick(boost), k0 + 0.04), 17)
    return tuple(
        fly(Boost(boost.delta_v, boost.burn_s, float(k), boost.isp_s, boost.vertical_s)).burnout
        for k in kicks
    )


def range_towards_km(
    boost: Boost, lat: float, lon: float, target_lat: float, target_lon: float, *, aim: str = "target"
) -> float:
    """Longest ground range (km) of the rocket towards the target's bearing, Earth rotating.

    ``aim="target"``: the azimuth is corrected so that the impact lies on the target's bearing and
    the pitch kick is chosen afresh for the bearing (within the burnout-altitude floor).
    ``aim="bearing"``: the standard (no-rotation range-maximising) trajectory launched on the
    target's bearing, uncorrected; the distance to its impact. Returns ``inf`` when the flight
    passes the antipode (any target on that bearing is reachable).

    Raises:
        ValueError: ``aim`` is not one of :data:`AIMS`.
    """
    if aim not in AIMS:
        raise ValueError(f"aim must be one of {AIMS}, got {aim!r}")
    bearing = initial_bearing_deg(lat, lon, target_lat, target_lon)
    if aim == "bearing":
        standard = fly(Boost(boost.delta_v, boost.burn_s, best_kick(boost), boost.isp_s, boost.vertical_s))
        if not np.isfinite(standard.range_km):
            return float("inf")
        value = _towards(standard.burnout, lat, lon, bearing, aim=False)
        return float(standard.range_km) if np.isnan(value) else value
    values = np.array([_towards(b, lat, lon, bearing) for b in _kick_burnouts(boost)])
    if np.all(np.isnan(values)):
        # The aim did not converge for any kick (a very short flight whose impact the rotation
        # moves off every bearing): fall back to the range without rotation.
        flight = fly(Boost(boost.delta_v, boost.burn_s, best_kick(boost), boost.isp_s, boost.vertical_s))
        return float("inf") if not np.isfinite(flight.range_km) else float(flight.range_km)
    return float(np.nanmax(values))
