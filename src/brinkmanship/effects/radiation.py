"""Initial (prompt) nuclear radiation dose: gamma rays and neutrons in the first minute.

Form (Glasstone 1962 §8.98; Glasstone & Dolan 1977 ch. VIII): an inverse-square law with
exponential attenuation in air,

    D(R) = A W exp(-R / lambda(W)) / R^2,

where the relaxation length grows slowly with yield to stand for the hydrodynamic enhancement of
large bursts (the shock-heated, rarefied air behind the blast wave lets secondary gammas through;
Glasstone & Dolan 1977 ch. VIII): lambda(W) = 0.30 km * W^0.059 (W in kt), with 0.30 km of the
order of the sea-level relaxation length of initial gamma rays in air (Glasstone & Dolan ch. VIII) and
A = 1452 rem km^2/kt. A and the exponent were solved so that the 500 rem slant range is 1.2 km at
15 kt — NUKEMAP's "about three-quarters of a mile" for a 15-kt air burst (A. Wellerstein's
NUKEMAP as reported by the Atlanta Journal-Constitution, Aug 2015) — and 2.7 km at 1 Mt (Sublette,
*Nuclear Weapons FAQ* §5.1, a value not re-checked against the original here); it gives 0.6 km at
1 kt and 4.3 km at 20 Mt.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq

DOSE_COEFFICIENT_REM_KM2_PER_KT = 1452.0
RELAXATION_KM_1KT = 0.30
RELAXATION_YIELD_EXPONENT = 0.059


def relaxation_length_km(yield_kt: float) -> float:
    """Effective air relaxation length (km), with hydrodynamic enhancement."""
    return RELAXATION_KM_1KT * float(yield_kt) ** RELAXATION_YIELD_EXPONENT


def dose_rem(slant_km: ArrayLike, yield_kt: float) -> NDArray[np.float64]:
    """Unshielded initial radiation dose (rem) at a slant range (km)."""
    r = np.maximum(np.asarray(slant_km, dtype=float), 1e-3)
    lam = relaxation_length_km(yield_kt)
    return np.asarray(DOSE_COEFFICIENT_REM_KM2_PER_KT * yield_kt * np.exp(-r / lam) / r**2, dtype=float)


def dose_radius_km(rem: float, yield_kt: float, height_m: float) -> float | None:
    """Ground range (km) inside which the dose is at least ``rem``; None if it never reaches the ground."""
    h_km = height_m / 1000.0

    lam = relaxation_length_km(yield_kt)

    def excess(ground_km: float) -> float:
        # log(dose_rem) written out: the dose itself underflows to 0 far out for small yields, and log(0)
        # would warn and give -inf inside the root search.
        r = max(float(np.hypot(ground_km, h_km)), 1e-3)
        log_dose = math.log(DOSE_COEFFICIENT_REM_KM2_PER_KT * yield_kt) - r / lam - 2.0 * math.log(r)
        return log_dose - math.log(rem)

    if excess(0.0) < 0:
        return None
    return float(brentq(excess, 0.0, 200.0, xtol=1e-6))
