"""EXPERIMENTAL: local fallout of surface bursts with the WSEG-10 model.

WSEG-10 (Weapons Systems Evaluation Group, 1959) as documented by D. W. Hanifen, *Documentation
and Analysis of the WSEG-10 Fallout Prediction Model*, AFIT thesis GNE/PH/80M-10 (1980): a cloud
stabilised at height H_c with initial radius sigma_0 drifts with the wind; activity lands along the
hotline with the deposition function g(x), a Gaussian crosswind spread sigma_y that grows with
distance and wind shear, and an upwind correction phi(x). Units inside are the model's own:
statute miles, kft, mph, hours, Mt; the H+1 dose-rate normalisation is 2x10^6 R/h per Mt of fission
yield per square mile.

    H_c     = 44 + 6.1 ln W - 0.205 |ln W + 2.42| (ln W + 2.42)                 (kft)
    sigma_0 = exp(0.7 + ln W / 3 - 3.25 / (4 + (ln W + 5.4)^2))                  (mi)
    sigma_h = 0.18 H_c                                                           (kft)
    T_c     = 1.0573203 (12 H_c/60 - 2.5 (H_c/60)^2) (1 - 0.5 exp(-(H_c/25)^2))  (h)
    L_0 = v T_c;  sigma_x^2 = sigma_0^2 (L_0^2 + 8 sigma_0^2) / (L_0^2 + 2 sigma_0^2)
    L^2 = L_0^2 + 2 sigma_x^2;  n = (L_0^2 + sigma_x^2) / (L_0^2 + 0.5 sigma_x^2)
    g(x) = exp(-(|x|/L)^n) / (L Gamma(1 + 1/n))
    phi(x) = Phi((L_0/L) x / (alpha_1 sigma_x)),  alpha_1 = 1 / (1 + 0.001 H_c v / sigma_0)
    sigma_y^2 = sigma_0^2 + 8 |x + 2 sigma_x| sigma_0^2 / L + 2 (sigma_x T_c sigma_h s)^2 / L^2
                + ((x + 2 sigma_x) L_0 T_c sigma_h s)^2 / L^4
    alpha_2 = 1 / (1 + (0.001 H_c v / sigma_0) (1 - Phi(2 x / v)))
    D(H+1) = 2e6 W f phi(x) g(x) exp(-(y / (alpha_2 sigma_y))^2 / 2) / (sqrt(2 pi) sigma_y)

The 30-day equivalent residual dose (90 % of the dose repaired with a 30-day time constant) is
D(H+1) times Bio = exp(-(0.287 + 0.52 ln(t_a/31.6) + 0.04475 ln(t_a/31.6)^2)), with the fallout
arrival time t_a = sqrt(0.25 + L_0^2 (x + 2 sigma_x)^2 T_c^2 / (L^2 (L_0^2 + 0.5 sigma_x^2))
+ 2 sigma_x^2 T_1^2 / (L_0^2 + 0.5 sigma_x^2)) hours, T_1 = 1 h.

Validation is thin: the tests check the model's own normalisation (the H+1 field integrates to
2x10^6 W f R/h mi^2), that the hotline lies downwind and that doses grow with yield; there is no
comparison with measured fallout here. Hence "experimental". Where Hanifen's thesis is ambiguous we
chose the dimensionally consistent reading (n without the fission fraction; (x + 2 sigma_x)^2 in t_a).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import gamma, ndtr

MI_KM = 1.609344
KMH_PER_MPH = 1.609344
MS_PER_KM_TO_MPH_PER_KFT = 2.236936 * 0.3048
"""A shear of 1 m/s per km is 2.2369 mph per 1000 m, i.e. 0.6818 mph per kft."""

DEFAULT_SHEAR_MS_PER_KM = 0.23
"""Default vertical wind shear (m/s per km of height): an assumption of a mild mid-latitude shear."""


def default_fission_fraction(yield_kt: float) -> float:
    """1.0 for yields up to 100 kt (fission weapons), 0.5 above (thermonuclear; Glasstone & Dolan
    1977, ch. IX, take about half the yield of large thermonuclear weapons as fission)."""
    return 1.0 if yield_kt <= 100.0 else 0.5


@dataclass(frozen=True)
class Wseg10:
    """WSEG-10 fallout field of one surface burst.

    Attributes:
        yield_kt: Total yield (kt).
        wind_kmh: Effective wind speed (km/h), > 0.
        wind_toward_deg: Direction the wind blows towards (degrees clockwise from north).
        fission_fraction: Fraction of the yield from fission (0-1].
        shear_ms_per_km: Vertical wind shear (m/s per km).
    """

    yield_kt: float
    wind_kmh: float
    wind_toward_deg: float = 90.0
    fission_fraction: float = 1.0
    shear_ms_per_km: float = DEFAULT_SHEAR_MS_PER_KM

    @property
    def _p(self) -> dict[str, float]:
        w = self.yield_kt / 1000.0
        v = self.wind_kmh / KMH_PER_MPH
        lnw = math.log(w)
        d = lnw + 2.42
        h_c = 44.0 + 6.1 * lnw - 0.205 * abs(d) * d
        s0 = math.exp(0.7 + lnw / 3.0 - 3.25 / (4.0 + (lnw + 5.4) ** 2))
        t_c = 1.0573203 * (12 * h_c / 60 - 2.5 * (h_c / 60) ** 2) * (1 - 0.5 * math.exp(-((h_c / 25) ** 2)))
        l0 = v * t_c
        sx2 = s0**2 * (l0**2 + 8 * s0**2) / (l0**2 + 2 * s0**2)
        l2 = l0**2 + 2 * sx2
        return {
            "w": w,
            "v": v,
            "h_c": h_c,
            "s0": s0,
            "s_h": 0.18 * h_c,
            "t_c": t_c,
            "l0": l0,
            "sx": math.sqrt(sx2),
            "sx2": sx2,
            "l": math.sqrt(l2),
            "l2": l2,
            "n": (l0**2 + sx2) / (l0**2 + 0.5 * sx2),
            "a1": 1.0 / (1.0 + 0.001 * h_c * v / s0),
            "shear": self.shear_ms_per_km * MS_PER_KM_TO_MPH_PER_KFT,
        }

    def _rotate(self, east_km: ArrayLike, north_km: ArrayLike) -> tuple[NDArray, NDArray]:
        """Downwind and crosswind distances (statute miles) from ground-zero-relative km."""
        th = math.radians(self.wind_toward_deg)
        e = np.asarray(east_km, dtype=float) / MI_KM
        n = np.asarray(north_km, dtype=float) / MI_KM
        down = e * math.sin(th) + n * math.cos(th)
        cross = e * math.cos(th) - n * math.sin(th)
        return down, cross

    def dose_rate_h1(self, east_km: ArrayLike, north_km: ArrayLike) -> NDArray[np.float64]:
        """Dose rate at H+1 hour (R/h) of all activity that will land at each point."""
        p = self._p
        x, y = self._rotate(east_km, north_km)
        g = np.exp(-((np.abs(x) / p["l"]) ** p["n"])) / (p["l"] * gamma(1.0 + 1.0 / p["n"]))
        phi = ndtr((p["l0"] / p["l"]) * x / (p["a1"] * p["sx"]))
        xs = x + 2.0 * p["sx"]
        tsh = p["t_c"] * p["s_h"] * p["shear"]
        s_y = np.sqrt(
            p["s0"] ** 2
            + 8.0 * np.abs(xs) * p["s0"] ** 2 / p["l"]
            + 2.0 * (p["sx"] * tsh) ** 2 / p["l2"]
            + (xs * p["l0"] * tsh) ** 2 / p["l"] ** 4
        )
        a2 = 1.0 / (1.0 + (0.001 * p["h_c"] * p["v"] / p["s0"]) * (1.0 - ndtr(2.0 * x / p["v"])))
        f_y = np.exp(-0.5 * (y / (a2 * s_y)) ** 2) / (math.sqrt(2.0 * math.pi) * s_y)
        return np.asarray(2.0e6 * p["w"] * self.fission_fraction * phi * g * f_y, dtype=float)

    def arrival_h(self, east_km: ArrayLike, north_km: ArrayLike) -> NDArray[np.float64]:
        """Mean fallout arrival time (hours) along the hotline at each point's downwind distance."""
        p = self._p
        x, _ = self._rotate(east_km, north_km)
        denom = p["l0"] ** 2 + 0.5 * p["sx2"]
        t2 = (
            0.25
            + p["l0"] ** 2 * (x + 2 * p["sx"]) ** 2 * p["t_c"] ** 2 / (p["l2"] * denom)
            + 2 * p["sx2"] / denom
        )
        return np.asarray(np.sqrt(t2), dtype=float)

    def dose_30day_rem(self, east_km: ArrayLike, north_km: ArrayLike) -> NDArray[np.float64]:
        """30-day equivalent residual dose (rem, unsheltered) at each point."""
        t = self.arrival_h(east_km, north_km) / 31.6
        bio = np.exp(-(0.287 + 0.52 * np.log(t) + 0.04475 * np.log(t) ** 2))
        return self.dose_rate_h1(east_km, north_km) * bio


@dataclass(frozen=True)
class FalloutSummary:
    """Areas and people inside 30-day dose contours of all surface bursts of a plan (experimental)."""

    area_km2: dict[str, float]
    people: dict[str, float]


FALLOUT_CONTOURS_REM = (100.0, 450.0)
"""Reported 30-day doses: 100 rem (radiation sickness possible) and 450 rem (LD50, OTA 1979)."""


def fallout_summary(
    bursts: list[tuple[float, float, float, float]],
    wind_kmh: float,
    wind_toward_deg: float,
    *,
    cell_km: float = 1.0,
    extent_km: float = 600.0,
) -> FalloutSummary:
    """Sum the unsheltered 30-day doses of several surface bursts and count area and people.

    Args:
        bursts: (lat, lon, yield_kt, fission_fraction) of each surface burst.
        wind_kmh: Effective wind speed (km/h).
        wind_toward_deg: Direction the wind blows towards (degrees from north).
        cell_km: Grid resolution (km).
        extent_km: Half-width of the grid around the bursts (km).
    """
    from brinkmanship.effects.population import LocalFrame, density_grid, places_near

    lat0 = float(np.mean([b[0] for b in bursts]))
    lon0 = float(np.mean([b[1] for b in bursts]))
    frame = LocalFrame(lat0, lon0)
    axis = np.arange(-extent_km, extent_km, cell_km) + cell_km / 2
    xx, yy = np.meshgrid(axis, axis)
    dose = np.zeros_like(xx)
    for lat, lon, w, ff in bursts:
        bx, by = frame.to_xy(np.array(lat), np.array(lon))
        model = Wseg10(w, wind_kmh, wind_toward_deg, ff)
        dose += model.dose_30day_rem(xx - bx, yy - by)
    low = min(FALLOUT_CONTOURS_REM)
    inside = dose >= low
    area = {f"rem_{c:.0f}": float(np.sum(dose >= c) * cell_km**2) for c in FALLOUT_CONTOURS_REM}
    if not inside.any():
        return FalloutSummary(area_km2=area, people={k: 0.0 for k in area})
    # Population only where the dose matters, from places near that region.
    px, py, pd = xx[inside], yy[inside], dose[inside]
    reach = float(np.max(np.hypot(px, py))) + 60.0
    people = density_grid(frame, places_near(frame, reach), px, py) * cell_km**2
    return FalloutSummary(
        area_km2=area,
        people={f"rem_{c:.0f}": float(np.sum(people[pd >= c])) for c in FALLOUT_CONTOURS_REM},
    )
