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
ground range, burning out no lower than :data:`MIN_BURNOUT_ALT_KM`: the minimum-energy trajectory
for that boost.

The band (:func:`estimate_range`) spans the assumptions that three observations cannot fix: burn
time (120-200 s), payload (:data:`PAYLOAD_SHARE`) and how much of the lofted flight's gravity loss
a flatter flight recovers (none, in the "simple" reading Japan's Ministry of Defense reports, up
to all of it in this boost model). Near orbital burnout speed a small change of speed moves the
impact by thousands of kilometres; a flight that would come down past the antipode (or not at all)
can reach any point on Earth, and is reported so, with its burnout speed against the circular
speed at that altitude.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import brentq, least_squares, minimize_scalar

from brinkmanship.errors import UserError

MU_KM3_S2 = 398_600.4418
"""Earth's gravitational parameter (WGS-84 / IERS)."""
R_EARTH_KM = 6371.0
HALF_CIRCUMFERENCE_KM = float(np.pi * R_EARTH_KM)
"""About 20,015 km: a ballistic flight that would come down farther (or not at all) can be aimed at
any point on Earth by flying it shorter, so longer ranges are reported as "any point on Earth"."""
G0_KM_S2 = 9.80665e-3
ISP_S = 300.0
VERTICAL_S = 10.0
BURN_S = 200.0
"""Single-stage-equivalent burn time (s). Three observations cannot fix it together with the
velocity increment and the pitch programme, so it is an assumption: 200 s (about the total boost
of a two-stage liquid ICBM) reproduces Wright's (UCS) 2017 readings of the Hwasong-14 tests within
3 % and the reported flight times within 1.5 minutes; 120 s and 150 s give the spread of the
band. Longer single-stage-equivalent burns cannot fly the 4 Jul 2017 test in this model."""
MIN_BURNOUT_ALT_KM = 100.0
"""The range-maximising flight must burn out at or above 100 km, the conventional edge of space
(Karman line). Assumption: the model has no atmosphere, and without this floor the best vacuum
gravity turn burns out at 30-60 km and gains speed a real missile would lose to drag and heating.
With it the Hwasong-15 of 29 Nov 2017 reads 13,350 km against Wright's "more than 13,000"."""
PAYLOAD_SHARE = 0.05
"""Assumption: an operational warhead may be heavier or lighter than the test payload by 5 % of
the mass at burnout, which changes the velocity increment by -/+ Isp g0 ln(1 +/- 0.05), about
0.14-0.15 km/s. Analysts stress the payload is unknown (Wright, UCS, 28 Jul 2017: a heavier
warhead than tested shortens the range; Japan's defence minister Kishi, 25 Mar 2022: the range
"depends on the weight of the warhead")."""


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
            raise UserError(f"{name} must be a positive, finite number (got {value})")
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


def burnout_altitude_km(boost: Boost) -> float:
    """Altitude (km) at the end of the boost."""
    return _burnout(boost)[0] - R_EARTH_KM


def _with_kick(boost: Boost, kick: float) -> Boost:
    return Boost(boost.delta_v, boost.burn_s, float(kick), boost.isp_s, boost.vertical_s)


def max_kick(boost: Boost) -> float:
    """Largest pitch kick that still burns out at or above :data:`MIN_BURNOUT_ALT_KM`."""
    top = 1.2
    if burnout_altitude_km(_with_kick(boost, top)) >= MIN_BURNOUT_ALT_KM:
        return top
    if burnout_altitude_km(_with_kick(boost, 0.0)) < MIN_BURNOUT_ALT_KM:
        # Even a vertical boost ends below the floor (a short-range rocket): no floor applies.
        return top
    return float(
        brentq(lambda k: burnout_altitude_km(_with_kick(boost, k)) - MIN_BURNOUT_ALT_KM, 0.0, top, xtol=1e-6)
    )


def reaches_anywhere(flight: Flight) -> bool:
    """True if the flight does not come down (orbit) or comes down past the antipode."""
    return not np.isfinite(flight.range_km) or flight.range_km >= HALF_CIRCUMFERENCE_KM


def _range_value(flight: Flight) -> float:
    return float("inf") if reaches_anywhere(flight) else flight.range_km


def best_kick(boost: Boost) -> float:
    """The pitch kick that maximises ground range, burning out no lower than the floor.

    Kicks are limited to those that burn out at or above :data:`MIN_BURNOUT_ALT_KM`: a vacuum
    gravity turn would otherwise skim the atmosphere to burn out at 30-60 km, which no real
    missile does, and gain speed it could not have. A kick that reaches any point on Earth is
    returned as soon as one is found (see :func:`reaches_anywhere`).
    """
    k_max = max_kick(boost)

    def negative_range(kick: float) -> float:
        return -_range_value(fly(_with_kick(boost, kick)))

    kicks = np.linspace(0.0, k_max, 25)
    values = [negative_range(float(k)) for k in kicks]
    i = int(np.argmin(values))
    if not np.isfinite(values[i]):
        return float(kicks[i])
    lo, hi = kicks[max(i - 1, 0)], kicks[min(i + 1, kicks.size - 1)]
    return float(minimize_scalar(negative_range, bounds=(float(lo), float(hi)), method="bounded").x)


def max_range(boost: Boost) -> Flight:
    """Fly the same rocket with the kick that maximises ground range (:func:`best_kick`)."""
    return fly(_with_kick(boost, best_kick(boost)))


def best_angle_range(r: float, v: float) -> tuple[float, float]:
    """Longest coast (km of ground) from burnout at radius r with speed v, over flight-path angles.

    Returns the range (inf where some angle reaches any point on Earth) and the angle (rad).
    """

    def coast_km(gamma: float) -> float:
        _, angle, _ = coast(r, v, gamma)
        if not np.isfinite(angle) or angle * R_EARTH_KM >= HALF_CIRCUMFERENCE_KM:
            return float("inf")
        return float(angle * R_EARTH_KM)

    gammas = np.linspace(0.0, np.pi / 2 - 0.01, 90)
    values = [coast_km(float(g)) for g in gammas]
    i = int(np.argmax(values))
    if not np.isfinite(values[i]):
        return float("inf"), float(gammas[i])
    lo, hi = gammas[max(i - 1, 0)], gammas[min(i + 1, gammas.size - 1)]
    best = minimize_scalar(lambda g: -coast_km(float(g)), bounds=(float(lo), float(hi)), method="bounded")
    return coast_km(float(best.x)), float(best.x)


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
class RangeReading:
    """One reading of the range: km (inf = any point on Earth) and the burnout that gives it."""

    label: str
    range_km: float
    burnout_alt_km: float
    burnout_speed_km_s: float
    circular_speed_km_s: float

    @property
    def anywhere(self) -> bool:
        """The burnout speed reaches any point on Earth (range past half the circumference)."""
        return not np.isfinite(self.range_km)

    @property
    def capped_km(self) -> float:
        """Range capped at half the Earth's circumference."""
        return min(self.range_km, HALF_CIRCUMFERENCE_KM)


def _reading(label: str, range_km: float, r: float, v: float) -> RangeReading:
    return RangeReading(label, range_km, r - R_EARTH_KM, v, float(np.sqrt(MU_KM3_S2 / r)))


@dataclass(frozen=True)
class RangeEstimate:
    """Range on a minimum-energy trajectory (no Earth rotation): low, central, high (km).

    A value of ``inf`` means the burnout speed carries the missile past the antipode or into orbit:
    any point on Earth is within reach (:attr:`any_point`, :attr:`RangeReading.capped_km`).
    """

    low: float
    central: float
    high: float
    ballistic_km: float
    boost: Boost
    flight: Flight
    readings: tuple[RangeReading, RangeReading, RangeReading] | None = None
    simple_km: float = float("nan")
    """The lofted test's burnout speed at its burnout altitude, flown at the best flight-path angle,
    test payload, burn time :data:`BURN_S`: no credit for gravity losses (the "simple calculation"
    Japan's Ministry of Defense reports). ``inf`` if it reaches any point on Earth."""

    def as_dict(self) -> dict[str, float]:
        """low/central/high rounded to 10 km, capped at half the Earth's circumference."""
        return {
            k: round(min(getattr(self, k), HALF_CIRCUMFERENCE_KM), -1) for k in ("low", "central", "high")
        }

    def any_point(self) -> dict[str, bool]:
        """Which of low/central/high reach any point on Earth."""
        return {k: not np.isfinite(getattr(self, k)) for k in ("low", "central", "high")}


VARIANTS = (BURN_S, 120.0, 150.0)
"""Burn times (s) for the central estimate and the two bounds."""


def _anywhere_past_antipode(range_km: float) -> float:
    """inf for a range at or past half the Earth's circumference (it reaches any point)."""
    return float("inf") if range_km >= HALF_CIRCUMFERENCE_KM else range_km


def _payload_boost(boost: Boost, share: float) -> Boost:
    """The same rocket with a payload heavier (share > 0) or lighter by ``share`` of burnout mass."""
    dv = boost.delta_v - boost.isp_s * G0_KM_S2 * float(np.log1p(share))
    return Boost(dv, boost.burn_s, boost.kick, boost.isp_s, boost.vertical_s)


def estimate_range(apogee_km: float, ground_range_km: float, flight_time_min: float) -> RangeEstimate:
    """Minimum-energy range of the missile seen in a lofted test, with the band of its assumptions.

    * central: the fitted rocket (burn time :data:`BURN_S`, the test's payload) flown with the kick
      that maximises range, burning out no lower than :data:`MIN_BURNOUT_ALT_KM`. A flatter flight
      loses less speed to gravity than the lofted test, which this reading credits (as D. Wright's
      2017 estimates do).
    * low: no credit for gravity losses — the lofted test's burnout speed at its burnout altitude,
      flown at the best flight-path angle, with a payload heavier by :data:`PAYLOAD_SHARE`, the
      lowest over the burn times. Japan's Ministry of Defense figures from "simple calculations"
      (15,000 km for 24 Mar 2022, 14,000 km for 18 Feb 2023) sit near this reading.
    * high: the gravity-turn reading over the burn times with a payload lighter by
      :data:`PAYLOAD_SHARE`.

    Any value may be ``inf``: near orbital burnout speed range becomes so sensitive to speed that
    the honest answer is "any point on Earth"; the readings keep the burnout speed to show why.
    """
    gravity: list[tuple[float, Flight, Boost]] = []
    simple: list[tuple[float, Flight]] = []
    boosts = {burn: fit_boost(apogee_km, ground_range_km, flight_time_min, burn_s=burn) for burn in VARIANTS}
    for boost in boosts.values():
        lofted = fly(boost)
        r, v, _, downrange = lofted.burnout
        heavy_dv = boost.isp_s * G0_KM_S2 * float(np.log1p(PAYLOAD_SHARE))
        coast_km, _ = best_angle_range(r, v - heavy_dv)
        simple.append((coast_km + downrange * R_EARTH_KM, lofted))
        light = max_range(_payload_boost(boost, -PAYLOAD_SHARE))
        gravity.append((_range_value(light), light, boost))
    central_boost = boosts[BURN_S]
    r0, v0, _, d0 = fly(central_boost).burnout
    simple_km = best_angle_range(r0, v0)[0] + d0 * R_EARTH_KM
    central_flight = max_range(central_boost)
    central = _range_value(central_flight)
    low_km, low_flight = min(simple, key=lambda c: c[0])
    high_km, high_flight, _ = max(gravity, key=lambda c: c[0])
    low_km = _anywhere_past_antipode(min(low_km, central))
    high_km = max(high_km, central)
    simple_km = _anywhere_past_antipode(simple_km)
    r_low, v_low = low_flight.burnout[0], low_flight.burnout[1]
    heavy_dv = ISP_S * G0_KM_S2 * float(np.log1p(PAYLOAD_SHARE))
    readings = (
        _reading("low", low_km, r_low, v_low - heavy_dv),
        _reading("central", central, central_flight.burnout[0], central_flight.burnout[1]),
        _reading("high", high_km, high_flight.burnout[0], high_flight.burnout[1]),
    )
    return RangeEstimate(
        low=low_km,
        central=central,
        high=high_km,
        ballistic_km=ballistic_max_range_km(apogee_km, ground_range_km),
        boost=central_boost,
        flight=central_flight,
        readings=readings,
        simple_km=simple_km,
    )
