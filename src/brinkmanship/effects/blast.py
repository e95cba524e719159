"""Peak overpressure of nuclear air and surface bursts (Brode 1986 height-of-burst fit).

The fit is H. L. Brode, *Airblast from Nuclear Bursts — Analytic Approximations*, Pacific-Sierra
Research Corp. report PSR 1419-3 (1986/1987), section IV: peak overpressure (psi) over an ideal
surface as a function of scaled ground range ``x`` and scaled burst height ``y``, both in kft per
kt^(1/3) (cube-root scaling, Glasstone & Dolan 1977, ch. III). It is the fit public calculators such as
NUKEMAP (A. Wellerstein) describe using for air and surface bursts; this is an independent
implementation from the published equation.

Validation (tests/test_effects_blast.py, docs/effects.md): OTA (1979) *The Effects of Nuclear War*,
1-Mt surface burst on Detroit: 12 psi at 1.7 mi and 5 psi at 2.7 mi (fit: +4 %, +7 %); 25-Mt air
burst at 17,500 ft: 1 psi at 30.4 mi (fit: +3 %).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

KFT_KM = 0.3048
"""One thousand feet in kilometres."""

_X_MIN = 1e-4
"""Smallest scaled ground range used (kft/kt^1/3); avoids the 0/0 of z = y/x at ground zero."""


def _scale(yield_kt: float) -> float:
    """Cube-root scaling factor W^(1/3) (Glasstone & Dolan 1977, ch. III)."""
    return float(yield_kt) ** (1.0 / 3.0)


def scaled_overpressure_psi(x: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    """Peak overpressure (psi) at scaled ground range ``x`` for scaled burst height ``y``.

    Brode (1986), PSR 1419-3, section IV fit; ``x`` and ``y`` in kft/kt^(1/3). ``y = 0`` is a
    surface burst. Vectorised over numpy broadcasting.

    Args:
        x: Scaled ground range (kft/kt^1/3), > 0.
        y: Scaled height of burst (kft/kt^1/3), >= 0.

    Returns:
        Peak overpressure in psi, same shape as the broadcast inputs.
    """
    x = np.maximum(np.asarray(x, dtype=float), _X_MIN)
    y = np.asarray(y, dtype=float)
    r = np.hypot(x, y)
    z = y / x
    a = 1.22 - 3.908 * z**2 / (1 + 810.2 * z**5)
    b = (
        2.321
        + 6.195 * z**18 / (1 + 1.113 * z**18)
        - 0.03831 * z**17 / (1 + 0.02415 * z**17)
        + 0.6692 / (1 + 4164 * z**8)
    )
    c = 4.153 - 1.149 * z**18 / (1 + 1.641 * z**18) - 1.1 / (1 + 2.771 * z**2.5)
    d = -4.166 + 25.76 * z**1.75 / (1 + 1.382 * z**18) + 8.257 * z / (1 + 3.219 * z)
    e = 1 - 0.004642 * z**18 / (1 + 0.003886 * z**18)
    f = 0.6096 + 2.879 * z**9.25 / (1 + 2.359 * z**14.5) - 17.15 * z**2 / (1 + 71.66 * z**3)
    g = 1.83 + 5.361 * z**2 / (1 + 0.3139 * z**6)
    h = (
        8.808 * z**1.5 / (1 + 154.5 * z**3.5)
        - (0.2905 + 64.67 * z**5) / (1 + 441.5 * z**5)
        - 1.389 * z / (1 + 49.03 * z**5)
        + 1.094 * r**2 / ((781.2 - 123.4 * r + 37.98 * r**1.5 + r**2) * (1 + 2 * y))
    )
    j = 0.000629 * y**4 / (3.493e-9 + y**4) - 2.67 * y**2 / (1 + 1e7 * y**4.3)
    k = 5.18 + 0.2803 * y**3.5 / (3.788e-6 + y**4)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        p = 10.47 / r**a + b / r**c + d * e / (1 + f * r**g) + h + j / r**k
    return np.asarray(np.nan_to_num(p, nan=0.0, posinf=1e9), dtype=float)


def overpressure_psi(ground_range_km: ArrayLike, yield_kt: float, height_m: float) -> NDArray[np.float64]:
    """Peak overpressure (psi) at a ground range from a burst of given yield and height.

    Args:
        ground_range_km: Distance from ground zero along the ground (km).
        yield_kt: Total yield (kt).
        height_m: Height of burst above the ground (m); 0 for a surface burst.

    Returns:
        Peak overpressure in psi.
    """
    s = _scale(yield_kt)
    x = np.asarray(ground_range_km, dtype=float) / KFT_KM / s
    y = height_m / 1000.0 / KFT_KM / s
    return scaled_overpressure_psi(x, y)


_GRID_X = np.geomspace(1e-3, 400.0, 6000)


def _scaled_range(psi: float, y: float) -> float | None:
    """Largest scaled ground range where overpressure is at least ``psi`` (None if nowhere)."""
    p = scaled_overpressure_psi(_GRID_X, y)
    above = np.nonzero(p >= psi)[0]
    if above.size == 0:
        return None
    i = int(above[-1])
    if i + 1 >= _GRID_X.size:
        return float(_GRID_X[-1])
    # Log-log interpolation between the bracketing grid points; the grid is fine (0.2 % steps).
    x0, x1 = np.log(_GRID_X[i]), np.log(_GRID_X[i + 1])
    p0, p1 = np.log(max(p[i], 1e-12)), np.log(max(p[i + 1], 1e-12))
    t = (np.log(psi) - p0) / (p1 - p0) if p1 != p0 else 0.0
    return float(np.exp(x0 + t * (x1 - x0)))


def ground_range_km(psi: float, yield_kt: float, height_m: float) -> float | None:
    """Ground range (km) out to which peak overpressure reaches ``psi``.

    Returns None where the overpressure does not reach the ground at the chosen height (a high
    burst never produces, say, 20 psi at the surface).
    """
    s = _scale(yield_kt)
    x = _scaled_range(psi, height_m / 1000.0 / KFT_KM / s)
    return None if x is None else x * KFT_KM * s


@lru_cache(maxsize=64)
def optimum_scaled_height(psi: float) -> tuple[float, float]:
    """Scaled height (kft/kt^1/3) maximising the ground range of ``psi``, and that range.

    Found by a coarse scan of heights then golden-section refinement on the Brode fit, as the
    optimum-height curves of Glasstone & Dolan (1977) Fig. 3.73 are read.
    """
    heights = np.linspace(0.0, 6.0, 241)
    ranges = np.array([_scaled_range(psi, float(h)) or 0.0 for h in heights])
    i = int(np.argmax(ranges))
    lo, hi = heights[max(i - 1, 0)], heights[min(i + 1, heights.size - 1)]
    golden = (np.sqrt(5.0) - 1.0) / 2.0
    for _ in range(40):
        m1 = hi - golden * (hi - lo)
        m2 = lo + golden * (hi - lo)
        if (_scaled_range(psi, float(m1)) or 0.0) >= (_scaled_range(psi, float(m2)) or 0.0):
            hi = m2
        else:
            lo = m1
    best = float((lo + hi) / 2.0)
    return best, _scaled_range(psi, best) or 0.0


def optimum_height_m(psi: float, yield_kt: float) -> float:
    """Burst height (m) that maximises the ground range of ``psi`` for this yield."""
    y, _ = optimum_scaled_height(float(psi))
    return y * KFT_KM * 1000.0 * _scale(yield_kt)


# --- Glasstone & Dolan (1977) surface-burst curves, as OTA (1979) read them -------------------

BLAST_MODELS = ("brode1986", "glasstone1977")
"""Overpressure models: Brode's 1986 fit (default for rings) and Glasstone & Dolan's 1977 curves."""

MI_KM = 1.609344

GD1977_SURFACE_1MT_KM: tuple[tuple[float, float], ...] = (
    (12.0, 1.7 * MI_KM),
    (5.0, 2.7 * MI_KM),
    (2.0, 4.7 * MI_KM),
    (1.0, 7.4 * MI_KM),
)
"""(psi, ground range km) of a 1-Mt surface burst: OTA, *The Effects of Nuclear War* (1979),
ch. II, Detroit, read from the curves of Glasstone & Dolan (1977), *The Effects of Nuclear
Weapons*, ch. III: 12 psi at 1.7 mi, 5 psi at 2.7 mi, 2 psi at 4.7 mi, 1 psi at 7.4 mi. OTA's
casualty bands were applied to exactly these radii."""


@lru_cache(maxsize=1)
def _gd1977_table() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """log scaled range (km/kt^1/3) and log psi of the 1977 surface curve, increasing range.

    Between OTA's four points: log-log interpolation. Inside 12 psi, where OTA gives no radius,
    Brode's surface curve is stretched to pass through OTA's 12-psi point (they differ by 4 %
    there). Beyond 1 psi, the 2-to-1-psi log-log slope is continued.
    """
    scale_1mt = _scale(1000.0)
    knots_r = np.array([r / scale_1mt for _, r in GD1977_SURFACE_1MT_KM])
    knots_p = np.array([p for p, _ in GD1977_SURFACE_1MT_KM])
    brode_12 = _scaled_range(12.0, 0.0)
    assert brode_12 is not None
    stretch = (brode_12 * KFT_KM) / knots_r[0]
    inner_r = np.geomspace(1e-3, knots_r[0], 200)[:-1]
    inner_p = scaled_overpressure_psi(inner_r * stretch / KFT_KM, 0.0)
    slope = np.log(knots_p[-1] / knots_p[-2]) / np.log(knots_r[-1] / knots_r[-2])
    outer_r = knots_r[-1] * np.geomspace(1.0, 400.0, 60)[1:]
    outer_p = knots_p[-1] * (outer_r / knots_r[-1]) ** slope
    r = np.concatenate([inner_r, knots_r, outer_r])
    p = np.concatenate([inner_p, knots_p, outer_p])
    return np.log(r), np.log(p)


def gd1977_surface_overpressure_psi(ground_range_km: ArrayLike, yield_kt: float) -> NDArray[np.float64]:
    """Peak overpressure (psi) of a surface burst on Glasstone & Dolan's (1977) curves (via OTA)."""
    log_r, log_p = _gd1977_table()
    scaled = np.maximum(np.asarray(ground_range_km, dtype=float), 1e-9) / _scale(yield_kt)
    return np.asarray(np.exp(np.interp(np.log(scaled), log_r, log_p)), dtype=float)


def gd1977_surface_range_km(psi: float, yield_kt: float) -> float:
    """Ground range (km) of ``psi`` for a surface burst on the 1977 curves (via OTA)."""
    log_r, log_p = _gd1977_table()
    # log_p decreases with range: interpolate on the reversed arrays.
    scaled = float(np.exp(np.interp(np.log(psi), log_p[::-1], log_r[::-1])))
    return scaled * _scale(yield_kt)


def check_blast_model(model: str, *, where: str = "--blast") -> None:
    """Raise :class:`UserError` for an unknown blast model."""
    from brinkmanship.errors import UserError

    if model not in BLAST_MODELS:
        raise UserError(f"{where}: blast model must be one of {', '.join(BLAST_MODELS)}, got {model!r}")


def model_overpressure_psi(
    ground_range_km: ArrayLike, yield_kt: float, height_m: float, model: str
) -> NDArray[np.float64]:
    """Overpressure under ``model``; the 1977 curves are used for surface bursts only.

    Glasstone & Dolan's air-burst curves are not tabulated here: Brode's fit stands for them (it
    reproduces OTA's 25-Mt air-burst 1-psi ring within 3 %).
    """
    if model == "glasstone1977" and height_m == 0.0:
        return gd1977_surface_overpressure_psi(ground_range_km, yield_kt)
    return overpressure_psi(ground_range_km, yield_kt, height_m)


def model_ground_range_km(psi: float, yield_kt: float, height_m: float, model: str) -> float | None:
    """Ground range of ``psi`` under ``model`` (see :func:`model_overpressure_psi`)."""
    if model == "glasstone1977" and height_m == 0.0:
        return gd1977_surface_range_km(psi, yield_kt)
    return ground_range_km(psi, yield_kt, height_m)
