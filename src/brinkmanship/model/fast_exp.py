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


def weight_exp(x: np.ndarray) -> np.ndarray:
    """``exp(x)`` elementwise, as the choice weights take it (see the module docstring): an array of
    ``x``'s shape; within 2 ulp of ``np.exp`` on [-708, 709], 0 below, inf above, NaN for NaN."""
    given = np.asarray(x, dtype=float)
    flat = np.ascontiguousarray(given).reshape(-1)
    out = np.empty_like(flat)
    # In blocks that the allocator serves from memory it holds: a fresh temporary of a few hundred
    # kilobytes costs more in page faults than the arithmetic on it (about 0.4 ms for 70,000 numbers on
    # the development machine, a virtual one).
    for start in range(0, flat.size, BLOCK):
        out[start : start + BLOCK] = _block(flat[start : start + BLOCK])
    return out.reshape(given.shape)


BLOCK = 16_384
"""Numbers per block of :func:`weight_exp` (128 KiB temporaries)."""


def _block(x: np.ndarray) -> np.ndarray:
    """:func:`weight_exp` of a 1-d block."""
    t = TAYLOR
    r = np.clip(x, WEIGHT_EXP_LOWEST, WEIGHT_EXP_HIGHEST)
    shifted = r * LOG2E
    shifted += ROUND_TO_INTEGER
    k = shifted - ROUND_TO_INTEGER
    part = k * LN2_HI
    r -= part
    np.multiply(k, LN2_LO, out=part)
    r -= part
    r2 = np.multiply(r, r, out=k)
    r4 = np.multiply(r2, r2, out=part)
    r8 = r4 * r4
    # Estrin's scheme (Knuth, *TAOCP* vol. 2, 4.6.4): pairs of terms, then pairs of pairs with r**2,
    # r**4, r**8: a chain of 5 dependent multiply-adds instead of Horner's 13 (it is the compiled
    # kernel's loop that needs the short chain; the operations here are the same).
    s0 = _pair(t[3], t[2], r, r2)  # q1 * r2 + q0, q_j = t[2j+1] * r + t[2j]
    s0 += _term(t[1], t[0], r)
    s1 = _pair(t[7], t[6], r, r2)
    s1 += _term(t[5], t[4], r)
    s2 = _pair(t[11], t[10], r, r2)
    s2 += _term(t[9], t[8], r)
    s1 *= r4  # v0 = s1 * r4 + s0
    s1 += s0
    poly = _pair(t[13], t[12], r, r4)  # v1 = q6 * r4 + s2
    poly += s2
    poly *= r8  # v1 * r8 + v0
    poly += s1
    scale = shifted.view(np.int64)
    scale -= ROUND_BITS
    scale += 1023
    scale <<= 52
    poly *= shifted  # 2**k, the bits just written
    poly[x < WEIGHT_EXP_LOWEST] = 0.0
    poly[x > WEIGHT_EXP_HIGHEST] = np.inf
    return poly


def _term(slope: float, intercept: float, r: np.ndarray) -> np.ndarray:
    """slope * r + intercept, in a new array."""
    out = r * slope
    out += intercept
    return out


def _pair(slope: float, intercept: float, r: np.ndarray, power: np.ndarray) -> np.ndarray:
    """(slope * r + intercept) * power, in a new array."""
    out = _term(slope, intercept, r)
    out *= power
    return out
