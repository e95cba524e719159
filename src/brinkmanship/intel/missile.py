"""Missile range from a lofted test flight, with a boost-phase model.

Analysts read a lofted test (apogee, ground range, flight time) by asking what range the same
missile would reach on a range-maximising trajectory (D. Wright, Union of Concerned Scientists,
allthingsnuclear.org, 2017). A purely ballistic reading — the burnout speed that gives the observed
apogee and range, then the minimum-energy range of that speed — misses that a steep boost loses
more velocity to gravity than a flat one, so it underestimates range. Here the boost is modelled:

* A single-stage-equivalent rocket with constant thrust and mass flow, specific impulse
  :data:`ISP_S` (typical of the storable-propellant engines of the Hwasong-14/15 class; assumption),
  flying vertically for :data:`VERTICAL_S` seconds, then given a pitch kick and flown in a gravity
  turn (thrust along the velocity), in vacuum over a spherical, non-rotating Earth
  (mu = 398,600.4418 km^3/s^2, R = 6,371 km). Drag is neglected, as in Wright's estimates.
* After burnout the flight is a Kepler ellipse, solved in closed form (apogee, impact angle, time
  via Kepler's equation; e.g. Bate, Mueller & White, *Fundamentals of Astrodynamics*, 1971, ch. 2).

The ideal velocity increment and the pitch kick are fitted to the observed apogee and ground range
with ``scipy.optimize.least_squares``, for an assumed burn time (:data:`BURN_S`); the observed
flight time must then agree within 15 %. The same rocket is flown with the kick that maximises
ground range: the minimum-energy trajectory for that boost.

Low and high values repeat the analysis with burn times of 120 s and 200 s: the longer the boost,
the more a lofted flight loses to gravity and the more range a flatter flight gains.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import least_squares, minimize_scalar

from brinkmanship.errors import UserError

MU_KM3_S2 = 398_600.4418
"""Earth's gravitational parameter (WGS-84 / IERS)."""
R_EARTH_KM = 6371.0
G0_KM_S2 = 9.80665e-3
ISP_S = 300.0
VERTICAL_S = 10.0
BURN_S = 150.0
"""Single-stage-equivalent burn time (s). Three observations cannot fix it together with the
velocity increment and the pitch programme, so it is an assumption: 150 s reproduces the reported
flight times of the three 2017 ICBM tests within about 2 minutes; 120 s and 200 s bound it."""


@dataclass(frozen=True)
class Boost:
    """A boost: ideal velocity increment (km/s), burn time (s), pitch kick (rad) and its engine."""

    delta_v: float
    burn_s: float
    kick: float
    isp_s: float = ISP_S
    vertical_s: float = VERTICAL_S


@dataclass(frozen=True)
class Flight:
    """Outcome of one flight."""

    apogee_km: float
    range_km: float
    time_s: float
    burnout: tuple[float, float, float, float]
    """Burnout radius (km), speed (km/s), flight-path angle (rad), downrange angle (rad)."""


def _thrust_acceleration(t: float, boost: Boost) -> float:
    """Thrust acceleration (km/s^2) at time t for constant thrust and mass flow."""
    ve = boost.isp_s * G0_KM_S2
    burnt = 1.0 - np.exp(-boost.delta_v / ve)  # propellant fraction of initial mass
    return float(ve * burnt / boost.burn_s / (1.0 - burnt * t / boost.burn_s))


@lru_cache(maxsize=4096)
def _burnout(boost: Boost) -> tuple[float, float, float, float]:
    """Integrate the boost; return burnout radius, speed, flight-path angle, downrange angle."""

    def rhs(t: float, s: np.ndarray) -> np.ndarray:
        x, y, vx, vy = s
        r = np.hypot(x, y)
        v = np.hypot(vx, vy)
        if t < boost.vertical_s or v < 1e-9:
            ux, uy = x / r, y / r
        else:
            ux, uy = vx / v, vy / v
        a = _thrust_acceleration(t, boost)
        g = MU_KM3_S2 / r**3
        return np.array([vx, vy, a * ux - g * x, a * uy - g * y])

    state = np.array([0.0, R_EARTH_KM, 0.0, 0.0])
    t_kick = min(boost.vertical_s, boost.burn_s)
    first = solve_ivp(rhs, (0.0, t_kick), state, rtol=1e-9, atol=1e-9)
    x, y, vx, vy = first.y[:, -1]
    if boost.burn_s > t_kick:
        # Pitch kick: turn the velocity by `kick` towards downrange (+x), keeping its size.
        c, s = np.cos(boost.kick), np.sin(boost.kick)
        vx, vy = c * vx + s * vy, -s * vx + c * vy
        second = solve_ivp(rhs, (t_kick, boost.burn_s), [x, y, vx, vy], rtol=1e-9, atol=1e-9)
        x, y, vx, vy = second.y[:, -1]
    r = float(np.hypot(x, y))
    v = float(np.hypot(vx, vy))
    radial = (x * vx + y * vy) / r
    gamma = float(np.arcsin(np.clip(radial / v, -1.0, 1.0)))
    downrange = float(np.arctan2(x, y))
    return r, v, gamma, downrange


def coast(r: float, v: float, gamma: float) -> tuple[float, float, float]:
    """Kepler coast from burnout to impact on the sphere.

    Args:
        r: Burnout radius from Earth's centre (km).
        v: Burnout speed (km/s).
        gamma: Flight-path angle above the local horizontal (rad).

    Returns:
        Apogee altitude (km), central angle travelled (rad) and coast time (s); the angle is NaN
        if the ellipse never comes back to the surface (orbital or escape speed).
    """
    if r < R_EARTH_KM:
        return float("nan"), float("nan"), float("nan")
    h = r * v * np.cos(gamma)
    energy = v * v / 2.0 - MU_KM3_S2 / r
    if energy >= 0:
        return float("inf"), float("nan"), float("nan")
    a = -MU_KM3_S2 / (2.0 * energy)
    p = h * h / MU_KM3_S2
    e = float(np.sqrt(max(0.0, 1.0 - p / a)))
    apogee = a * (1.0 + e) - R_EARTH_KM
    if e < 1e-12 or a * (1.0 - e) > R_EARTH_KM:
        return apogee, float("nan"), float("nan")
    # True anomaly is in (0, pi) while climbing towards apogee (at pi), in (pi, 2 pi) descending.
    nu_b = float(np.arccos(np.clip((p / r - 1.0) / e, -1.0, 1.0)))
    if gamma < 0:
        nu_b = 2.0 * np.pi - nu_b
    nu_i = 2.0 * np.pi - float(np.arccos(np.clip((p / R_EARTH_KM - 1.0) / e, -1.0, 1.0)))

    def mean_anomaly(nu: float) -> float:
        ecc = 2.0 * np.arctan2(np.sqrt(1.0 - e) * np.sin(nu / 2.0), np.sqrt(1.0 + e) * np.cos(nu / 2.0))
        ecc = ecc % (2.0 * np.pi)
        return float(ecc - e * np.sin(ecc))

    n = np.sqrt(MU_KM3_S2 / a**3)
    return apogee, nu_i - nu_b, (mean_anomaly(nu_i) - mean_anomaly(nu_b)) / n


def fly(boost: Boost) -> Flight:
    """Fly a boost and its coast; NaN range if it does not come down."""
    r, v, gamma, downrange = _burnout(boost)
    apogee, angle, t_coast = coast(r, v, gamma)
    return Flight(
        apogee_km=max(apogee, r - R_EARTH_KM),
        range_km=(downrange + angle) * R_EARTH_KM,
        time_s=boost.burn_s + t_coast,
        burnout=(r, v, gamma, downrange),
    )


def check_observation(apogee_km: float, ground_range_km: float, flight_time_min: float) -> None:
    """Raise :class:`UserError` for observations no ballistic flight can produce."""
    for name, value in (
        ("--apogee-km", apogee_km),
        ("--ground-range-km", ground_range_km),
        ("--flight-time-min", flight_time_min),
    ):
        if not np.isfinite(value) or value <= 0:
            raise UserError(f"{name}: must be a positive number, got {value}")
    if apogee_km > 20_000 or ground_range_km > 20_000:
        raise UserError("--apogee-km/--ground-range-km: above 20,000 km is not a ballistic missile test")


def fit_boost(
    apogee_km: float,
    ground_range_km: float,
    flight_time_min: float,
    *,
    burn_s: float = BURN_S,
    isp_s: float = ISP_S,
    vertical_s: float = VERTICAL_S,
) -> Boost:
    """Fit the boost (delta-v and pitch kick) to a test's apogee and ground range.

    The burn time is an assumption (see :data:`BURN_S`); the observed flight time checks the fit.

    Raises:
        UserError: No trajectory of this model matches apogee and range within 2 %, or the flight
            time it implies is off by more than 15 %.
    """
    check_observation(apogee_km, ground_range_km, flight_time_min)
    target = np.array([apogee_km, ground_range_km])

    def residual(params: np.ndarray) -> np.ndarray:
        flight = fly(Boost(float(params[0]), burn_s, float(params[1]), isp_s, vertical_s))
        got = np.array([flight.apogee_km, flight.range_km])
        got[~np.isfinite(got)] = 10.0 * target[~np.isfinite(got)]
        return (got - target) / target

    # Start from the vacuum speed that reaches the apogee straight up plus the gravity loss.
    v_up = np.sqrt(2.0 * MU_KM3_S2 * (1 / R_EARTH_KM - 1 / (R_EARTH_KM + apogee_km)))
    candidates = []
    for kick0 in (0.003, 0.015, 0.05):
        fit = least_squares(
            residual,
            x0=[min(v_up + G0_KM_S2 * burn_s * 0.8, 10.5), kick0],
            bounds=([0.5, 0.0], [11.0, 1.2]),
            x_scale=[1.0, 0.01],
            xtol=1e-12,
            ftol=1e-12,
        )
        if np.max(np.abs(fit.fun)) <= 0.02:
            boost = Boost(float(fit.x[0]), burn_s, float(fit.x[1]), isp_s, vertical_s)
            time_error = abs(fly(boost).time_s / 60.0 - flight_time_min) / flight_time_min
            candidates.append((time_error, boost))
    if not candidates:
        raise UserError(
            f"missile data: no boost-and-coast trajectory reaches apogee {apogee_km:g} km "
            f"at ground range {ground_range_km:g} km"
        )
    time_error, boost = min(candidates, key=lambda c: c[0])
    if time_error > 0.15:
        raise UserError(
            f"missile data: trajectories with apogee {apogee_km:g} km and range {ground_range_km:g} km "
            f"take {fly(boost).time_s / 60:.0f} min, not the {flight_time_min:g} min given"
        )
    return boost


def max_range(boost: Boost) -> Flight:
    """Fly the same rocket with the kick that maximises ground range (minimum-energy trajectory)."""

    def negative_range(kick: float) -> float:
        flight = fly(Boost(boost.delta_v, boost.burn_s, float(kick), boost.isp_s, boost.vertical_s))
        return -flight.range_km if np.isfinite(flight.range_km) else 0.0

    kicks = np.linspace(0.0, 1.2, 25)
    values = [negative_range(float(k)) for k in kicks]
    i = int(np.argmin(values))
    lo, hi = kicks[max(i - 1, 0)], kicks[min(i + 1, kicks.size - 1)]
    best = minimize_scalar(negative_range, bounds=(float(lo), float(hi)), method="bounded")
    return fly(Boost(boost.delta_v, boost.burn_s, float(best.x), boost.isp_s, boost.vertical_s))


def ballistic_max_range_km(apogee_km: float, ground_range_km: float) -> float:
    """The simple reading: burnout at the surface, speed from apogee and range, min-energy range.

    For a ballistic ellipse through two surface points separated by central angle psi with apogee
    radius r_a, the burnout speed follows from the conic; the minimum-energy range for speed v is
    psi = 2 arcsin(nu / (2 - nu)) with nu = v^2 R / mu (Bate, Mueller & White 1971, §6.2).
    """
    psi = ground_range_km / R_EARTH_KM
    r_a = R_EARTH_KM + apogee_km
    # Symmetric ellipse, apogee (true anomaly pi) at mid-range: r_a = p / (1 - e) and the launch
    # point at true anomaly pi - psi/2 gives R = p / (1 - e cos(psi/2)); eliminate p for e.
    c = np.cos(psi / 2.0)
    e = (r_a - R_EARTH_KM) / (r_a - R_EARTH_KM * c)
    a = r_a / (1.0 + e)
    v = np.sqrt(MU_KM3_S2 * (2.0 / R_EARTH_KM - 1.0 / a))
    nu = v * v * R_EARTH_KM / MU_KM3_S2
    if nu >= 1.0:
        return float("inf")
    return float(2.0 * np.arcsin(nu / (2.0 - nu)) * R_EARTH_KM)


@dataclass(frozen=True)
class RangeEstimate:
    """Range on a minimum-energy trajectory (no Earth rotation): low, central, high (km)."""

    low: float
    central: float
    high: float
    ballistic_km: float
    boost: Boost
    flight: Flight

    def as_dict(self) -> dict[str, float]:
        """low/central/high rounded to 10 km."""
        return {k: round(getattr(self, k), -1) for k in ("low", "central", "high")}


VARIANTS = (BURN_S, 120.0, 200.0)
"""Burn times (s) for the central estimate and the two bounds."""


def estimate_range(apogee_km: float, ground_range_km: float, flight_time_min: float) -> RangeEstimate:
    """Minimum-energy range of the missile seen in a lofted test, with engine-assumption bounds."""
    results = []
    for burn in VARIANTS:
        boost = fit_boost(apogee_km, ground_range_km, flight_time_min, burn_s=burn)
        results.append((boost, max_range(boost)))
    central_boost, central_flight = results[0]
    ranges = [f.range_km for _, f in results]
    return RangeEstimate(
        low=min(ranges),
        central=central_flight.range_km,
        high=max(ranges),
        ballistic_km=ballistic_max_range_km(apogee_km, ground_range_km),
        boost=central_boost,
        flight=central_flight,
    )
