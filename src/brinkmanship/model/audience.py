"""Audience costs (Fearon 1994) and their private escape (Kurizaki 2007).

Public threats and shows of force build a stock; standing at rung 4 or above adds to it every day the
confrontation lasts. Backing down publicly costs the stock (and empties it); public softening short of
concession (proposing talks or a freeze) costs a share. Private concessions cost nothing.
"""

from __future__ import annotations

import numpy as np

STANDING_RUNG = 4.0
"""Kahn's traditional crises begin at rung 4: from there a confrontation is public and costs face."""


def update_audience_stock(
    stock: np.ndarray,
    public_threat: np.ndarray,
    public_force: np.ndarray,
    public_concession: np.ndarray,
    level: np.ndarray,
    threat_gain: float,
    force_gain: float,
    standing_gain: float,
    decay: float,
) -> np.ndarray:
    """Next day's stock; a public concession empties it."""
    grown = (
        stock * decay
        + threat_gain * public_threat
        + force_gain * public_force
        + standing_gain * (level >= STANDING_RUNG)
    )
    return np.where(public_concession, 0.0, grown)
