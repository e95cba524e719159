"""The exponential of the logit choice weights: plain arithmetic that compiles to SIMD instructions.

The model's choices and belief updates take about a hundred exponentials a path-day, a third of the
compiled kernel's time through the C library's scalar ``exp``. This one is plain arithmetic, so that the
compiler puts four of them in one AVX2 instruction stream, and it is the same arithmetic, to the bit, here
(NumPy: the fallback kernel, :func:`brinkmanship.model.decisions.choice_weights`) and in
:func:`brinkmanship.engine.compiled_kernel.weight_exp` (the two kernels agree path for path).

Cody & Waite's argument reduction (W. J. Cody and W. Waite 1980, *Software Manual for the Elementary
Functions*, ch. 6): x = k ln 2 + r with k an integer and |r| <= ln 2 / 2, ln 2 split in two so that
k * LN2_HI is exact; exp(r) by its Taylor series to degree 13 (the first term left out is below 5e-18
relative), evaluated by Estrin's scheme; 2**k built from its bits. Within two units in the last place
of NumPy's ``exp`` on [-708, 709] (tests/test_fast_exp.py); 0 below -708 (where the C library's value
is below 3e-308: no weight either way) and at -inf; inf above 709; NaN for NaN.
"""

from __future__ import annotations

import math

import numpy as np

LOG2E = 1.4426950408889634
LN2_HI = 6.93145751953125e-1
"""ln 2 to 21 bits: k * LN2_HI is exact for |k| < 2**31 (Cody & Waite)."""
LN2_LO = 1.42860682030941723212e-6
"""ln 2 - LN2_HI."""
ROUND_TO_INTEGER = 6755399441055744.0
"""1.5 * 2**52: adding it rounds a double of magnitude below 2**51 to an integer, held in the low bits."""
ROUND_BITS = int(np.array(ROUND_TO_INTEGER).view(np.int64))
WEIGHT_EXP_LOWEST = -708.0
WEIGHT_EXP_HIGHEST = 709.0
TAYLOR = tuple(1.0 / math.factorial(k) for k in range(14))
"""exp's Taylor coefficients 1/k!, k = 0 to 13."""


def _estrin(r: np.ndarray) -> np.ndarray:
    """The Taylor polynomial by Estrin's scheme (Knuth, *TAOCP* vol. 2, 4.6.4): pairs of terms, then
    pairs of pairs with r**2, r**4, r**8, a chain of 5 dependent multiply-adds instead of Horner's 13."""
    t = TAYLOR
    r2 = r * r
    r4 = r2 * r2
    r8 = r4 * r4
    q0 = t[1] * r + t[0]
    q1 = t[3] * r + t[2]
    q2 = t[5] * r + t[4]
    q3 = t[7] * r + t[6]
    q4 = t[9] * r + t[8]
    q5 = t[11] * r + t[10]
    q6 = t[13] * r + t[12]
    s0 = q1 * r2 + q0
    s1 = q3 * r2 + q2
    s2 = q5 * r2 + q4
    v0 = s1 * r4 + s0
    v1 = q6 * r4 + s2
    return v1 * r8 + v0


def weight_exp(x: np.ndarray) -> np.ndarray:
    """``exp(x)`` elementwise, as the choice weights take it (see the module docstring): an array of
    ``x``'s shape; within 2 ulp of ``np.exp`` on [-708, 709], 0 below, inf above, NaN for NaN."""
    given = np.asarray(x, dtype=float)
    x = given.reshape(-1) if given.ndim == 0 else given
    clipped = np.clip(x, WEIGHT_EXP_LOWEST, WEIGHT_EXP_HIGHEST)
    shifted = clipped * LOG2E
    shifted += ROUND_TO_INTEGER
    k = shifted - ROUND_TO_INTEGER
    r = clipped - k * LN2_HI
    r -= k * LN2_LO
    poly = _estrin(r)
    scale = ((shifted.view(np.int64) - ROUND_BITS + 1023) << 52).view(np.float64)
    poly *= scale
    poly[x < WEIGHT_EXP_LOWEST] = 0.0
    poly[x > WEIGHT_EXP_HIGHEST] = np.inf
    return poly.reshape(given.shape)
