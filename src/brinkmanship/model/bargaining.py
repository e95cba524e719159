"""The bargaining range on one issue dimension, the terms of an agreement, and its breakdown.

Fearon (1995, "Rationalist explanations for war", *International Organization* 49(3)): a negotiated deal
both sides prefer to fighting exists when their reservation points leave a range between them. Here the
dimension is the ``depth`` of an agreement, from 0 (a freeze of tests and exercises only) to 1 (the
conceder's full programme against the demander's full guarantees and relief). The demander's reservation
point is its ``floor``, the least depth it accepts (in 2017 the US asked for denuclearisation first); the
conceder's is its ``ceiling``, the most it gives, which rises with the economic pressure it bears and
falls with the capability it has demonstrated (Powell 2006, "War as a commitment problem",
*International Organization* 60(1): a rising power's weapons are worth more to it). Where a range exists
the terms split it (Nash 1950, equal bargaining power). An agreement in force can break down: the
Agreed Framework (1994-2002), the 2005 Joint Statement, the 2007 Initial Actions, the 2012 Leap Day deal
and the 2018 Singapore statement all did (docs/model.md, section 7).
"""

from __future__ import annotations

import numpy as np


def conceder_ceiling(
    base: float, pressure_weight: float, capability_weight: float, pressure: np.ndarray, threat: np.ndarray
) -> np.ndarray:
    """The conceder's reservation point, ``clip(base + w_p * pressure - w_c * threat, 0, 1)``.

    Args:
        pressure: ``(n,)`` economic pressure the conceder bears (sanctions units).
        threat: ``(n,)`` its demonstrated capability, reach x yield, in [0, 1].
    """
    return np.clip(base + pressure_weight * pressure - capability_weight * threat, 0.0, 1.0)


def agreement_terms(floor: float, ceiling: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether a bargaining range exists, and the depth that splits it: ``(ceiling >= floor, (floor +
    ceiling) / 2)``, each ``(n,)`` (the depth is meaningful only where the range exists)."""
    return ceiling >= floor, 0.5 * (floor + ceiling)


def relieved_pressure(pressure: np.ndarray, relief: float, depth: np.ndarray) -> np.ndarray:
    """The conceder's pressure once an agreement of ``depth`` lifts sanctions: ``pressure * (1 - relief *
    depth)``, ``(n,)``."""
    return pressure * (1.0 - relief * depth)
