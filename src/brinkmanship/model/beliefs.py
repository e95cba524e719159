"""Beliefs about the other side's type, updated from what was perceived (Kydd 1997, 2005).

Each principal holds the probability that the other is *greedy* rather than a security-seeker. A reading
above ``midpoint`` is evidence of greed; below it, of security-seeking. Costly conciliatory signals
(concessions) weigh more (Kydd's costly reassurance). The update is a log-odds step, a linearised Bayes
rule for two Gaussian signal distributions with a common variance.
"""

from __future__ import annotations

import numpy as np

LOGIT_BOUND = 8.0
"""Beliefs stay within about [0.0003, 0.9997]: nobody is ever certain of the other's type."""


def update_belief(
    belief: np.ndarray, reading: np.ndarray, rate: float, midpoint: float, reassurance_weight: float
) -> np.ndarray:
    """Return updated beliefs given today's readings (same shape)."""
    logit = np.log(belief) - np.log1p(-belief)
    evidence = reading - midpoint
    weight = np.where(reading < 0.0, 1.0 + reassurance_weight, 1.0)
    logit = np.clip(logit + rate * weight * evidence, -LOGIT_BOUND, LOGIT_BOUND)
    return 1.0 / (1.0 + np.exp(-logit))
