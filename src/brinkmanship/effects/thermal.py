"""Thermal fluence and burn radii.

Fluence at slant range R from a burst of yield W (Glasstone & Dolan 1977, eq. 7.93.1 form):

    Q = f W E_kt tau(R) / (4 pi R^2)

with E_kt = 1e12 cal per kiloton (Glasstone & Dolan 1977, ch. I), thermal partition f = 0.35
for air bursts (Glasstone & Dolan 1977, ch. VII; Sublette, *Nuclear Weapons FAQ* §5.0: 35 % below
100 kt) and f = 0.18 for surface bursts. The surface value is an assumption, not a tabulated
number: about half the air-burst partition, because a fireball touching the ground loses energy to
it and is partly screened by dust and terrain (Glasstone & Dolan 1977, ch. VII).

The atmospheric transmittance ``tau`` is an empirical power law, tau = min(1, (R / 2.7 km)^-0.424),
fitted (log residuals under 5 %) to the burn ranges of Glasstone & Dolan (1977) chapter 12 as
tabulated in the Arizona State University EEE 460 course notes ("Thermal effects of nuclear
explosions"): third-degree burns (8, 10, 12 cal/cm^2) at 2.7 km for 20 kt, 12 km for 1 Mt and
39 km for 20 Mt, clear air.

Burn thresholds depend on yield because longer thermal pulses of large weapons let skin conduct
heat away (Glasstone & Dolan 1977, ch. XII; same ASU table):

    degree   20 kt   1 Mt   20 Mt   (cal/cm^2)
    1st      2.5     3.2    5.0
    2nd      5.0     6.0    8.5
    3rd      8.0     10.0   12.0

interpolated linearly in log10(yield) and held constant outside 20 kt-20 Mt.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq

CAL_PER_KT = 1.0e12
"""Energy of one kiloton of TNT in calories (Glasstone & Dolan 1977, ch. I)."""

THERMAL_PARTITION = {"air": 0.35, "surface": 0.18}
"""Fraction of the yield radiated as thermal energy (air: Glasstone & Dolan 1977; surface: assumed)."""

_TAU_R0_KM = 2.7
_TAU_EXPONENT = 0.424

_THRESHOLD_YIELDS_KT = np.array([20.0, 1000.0, 20000.0])
_THRESHOLDS_CAL_CM2 = {
    1: np.array([2.5, 3.2, 5.0]),
    2: np.array([5.0, 6.0, 8.5]),
    3: np.array([8.0, 10.0, 12.0]),
}


def transmittance(slant_km: ArrayLike) -> NDArray[np.float64]:
    """Atmospheric transmittance of thermal radiation (empirical, see module docstring)."""
    r = np.maximum(np.asarray(slant_km, dtype=float), 1e-6)
    return np.asarray(np.minimum(1.0, (r / _TAU_R0_KM) ** (-_TAU_EXPONENT)), dtype=float)


def fluence_cal_cm2(slant_km: ArrayLike, yield_kt: float, burst: str) -> NDArray[np.float64]:
    """Thermal fluence (cal/cm^2) at a slant range.

    Args:
        slant_km: Slant range from the burst point (km).
        yield_kt: Total yield (kt).
        burst: ``"air"`` or ``"surface"``.
    """
    r_cm = np.maximum(np.asarray(slant_km, dtype=float), 1e-6) * 1.0e5
    energy = THERMAL_PARTITION[burst] * yield_kt * CAL_PER_KT
    return np.asarray(energy * transmittance(slant_km) / (4.0 * np.pi * r_cm**2), dtype=float)


def burn_threshold_cal_cm2(yield_kt: float, degree: int = 3) -> float:
    """Radiant exposure (cal/cm^2) for a burn of the given degree at this yield."""
    logw = np.log10(np.clip(yield_kt, _THRESHOLD_YIELDS_KT[0], _THRESHOLD_YIELDS_KT[-1]))
    return float(np.interp(logw, np.log10(_THRESHOLD_YIELDS_KT), _THRESHOLDS_CAL_CM2[degree]))


def burn_radius_km(yield_kt: float, burst: str, height_m: float, degree: int = 3) -> float | None:
    """Ground range (km) within which exposed skin receives burns of ``degree`` or worse.

    Returns None when even the point under the burst receives less than the threshold.
    """
    q = burn_threshold_cal_cm2(yield_kt, degree)
    h_km = height_m / 1000.0

    def excess(ground_km: float) -> float:
        slant = float(np.hypot(ground_km, h_km))
        return float(np.log(fluence_cal_cm2(slant, yield_kt, burst)) - np.log(q))

    if excess(0.0) < 0:
        return None
    return float(brentq(excess, 0.0, 1000.0, xtol=1e-6))
