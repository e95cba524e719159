"""A war's course over its days: the balance of the fighting, Kennedy's maxim, nuclear use, a ceasefire.

Kennedy (American University, 10 June 1963): "nuclear powers must avert those confrontations which bring
an adversary to a choice of either a humiliating retreat or a nuclear war." Here the maxim is a state of
the war, not a flag: the balance drifts toward the stronger side (``balance_rate`` per unit of strength
advantage, as a share of the two sides' total) with noise; a side whose balance falls below
``-defeat_threshold`` is losing, and while it is losing with no face-saving exit the daily hazard of
nuclear use is multiplied by ``1 + defeat_multiplier``. A war may also end in a ceasefire.
"""

from __future__ import annotations

import numpy as np


def balance_drift(strength: np.ndarray, rate: float) -> float:
    """Daily drift of the balance toward principal 0 (positive) from the two strengths ``(2,)``."""
    return float(rate * (strength[0] - strength[1]) / (strength[0] + strength[1]))


def losing(balance: np.ndarray, threshold: float) -> np.ndarray:
    """``(n, 2)``: principal 0 loses below ``-threshold``, principal 1 above ``+threshold``."""
    return np.stack([balance < -threshold, balance > threshold], axis=-1)


def nuclear_hazard(
    base: float, defeat_multiplier: float, losing_now: np.ndarray, face_saving_exit: bool
) -> np.ndarray:
    """Daily chance of nuclear use in a war, ``(n,)`` from ``losing_now`` ``(n, 2)``.

    Kennedy's maxim: a side facing humiliating defeat with no exit left open is likelier to escalate.
    """
    cornered = losing_now.any(axis=-1) & (not face_saving_exit)
    return np.minimum(base * (1.0 + defeat_multiplier * cornered), 1.0)
