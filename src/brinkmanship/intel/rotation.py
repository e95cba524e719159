"""Maximum range towards a named target, with the Earth's rotation.

The minimum-energy burnout state of :mod:`brinkmanship.intel.missile` (radius, speed, flight-path
angle, downrange angle of the boost) is placed along a launch azimuth on a sphere; the Earth's
rotation (omega = 7.2921150e-5 rad/s, IERS) adds omega x r to the burnout velocity, the inertial
Kepler ellipse is followed to the surface, and the impact point is carried back by the angle the
Earth turned during the whole flight. The launch azimuth is adjusted until the impact lies on the
bearing of the target. Eastward shots gain range, westward ones lose it (Wright, allthingsnuclear,
Jul 2017, "North Korean ICBM appears able to reach major US cities").

Simplification: the boost is computed without rotation and the pitch kick is not re-optimised for
each azimuth; both change ranges by well under the spread of the engine assumptions.
"""

from __future__ import annotations

import math

import numpy as np

from brinkmanship.intel.geodesy import initial_bearing_deg, spherical_distance_km
from brinkmanship.intel.missile import R_EARTH_KM, Flight, coast

OMEGA_RAD_S = 7.2921150e-5


def _unit(lat: float, lon: float) -> np.ndarray:
    p, lam = math.radians(lat), math.radians(lon)
    return np.array([math.cos(p) * math.cos(lam), math.cos(p) * math.sin(lam), math.sin(p)])


def _latlon(u: np.ndarray) -> tuple[float, float]:
    return math.degrees(math.asin(float(np.clip(u[2], -1, 1)))), math.degrees(math.atan2(u[1], u[0]))


HALF_CIRCUMFERENCE_KM = math.pi * R_EARTH_KM
"""Reported for flights that go past the antipode (or into orbit): they reach any target."""


def _impact(flight: Flight, lat: float, lon: float, azimuth_deg: float) -> tuple[float, float] | None:
    """Impact latitude/longitude of the flight launched on ``azimuth_deg`` from (lat, lon).

    None when the flight travels past the antipode or does not come down (orbital speed).
    """
    r_b, v_b, gamma, downrange = flight.burnout
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
    # Burnout point: `downrange` along the great circle of the launch azimuth.
    up = math.cos(downrange) * up0 + math.sin(downrange) * heading0
    heading = -math.sin(downrange) * up0 + math.cos(downrange) * heading0
    velocity = v_b * (math.sin(gamma) * up + math.cos(gamma) * heading)
    velocity = velocity + np.cross(np.array([0.0, 0.0, OMEGA_RAD_S]), r_b * up)
    speed = float(np.linalg.norm(velocity))
    radial = float(velocity @ up)
    gamma_i = math.asin(max(-1.0, min(1.0, radial / speed)))
    _, angle, _ = coast(r_b, speed, gamma_i)
    if not math.isfinite(angle):
        return None
    along = velocity - radial * up
    along = along / np.linalg.norm(along)
    hit = math.cos(angle) * up + math.sin(angle) * along
    turn = -OMEGA_RAD_S * (flight.time_s)
    c, s = math.cos(turn), math.sin(turn)
    hit = np.array([c * hit[0] - s * hit[1], s * hit[0] + c * hit[1], hit[2]])
    return _latlon(hit)


def range_towards_km(flight: Flight, lat: float, lon: float, target_lat: float, target_lon: float) -> float:
    """Longest ground range (km) of the flight towards the target's bearing, Earth rotating.

    Flights that would go past the antipode (or orbit) on that bearing reach any target on it and
    return half the Earth's circumference.
    """
    bearing = initial_bearing_deg(lat, lon, target_lat, target_lon)
    azimuth = bearing
    hit: tuple[float, float] | None = None
    for _ in range(40):
        hit = _impact(flight, lat, lon, azimuth)
        if hit is None:
            return HALF_CIRCUMFERENCE_KM
        miss = (initial_bearing_deg(lat, lon, *hit) - bearing + 180.0) % 360.0 - 180.0
        if abs(miss) > 60.0:
            # The impact lies beyond the antipode: seen from the launch site its bearing flips.
            return HALF_CIRCUMFERENCE_KM
        if abs(miss) < 1e-4:
            break
        azimuth -= miss
    assert hit is not None
    return spherical_distance_km(lat, lon, hit[0], hit[1]) * R_EARTH_KM / 6371.0088
