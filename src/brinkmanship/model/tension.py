"""Tension: each side's perceived hostility of the other, a stock that events build and time wears down.

The crisis's memory (Jervis 1976; Schelling 1966): a test, a threat or a bomber flight raises the
hostility the other side perceives, and it fades only slowly once nothing more happens. Each principal
carries the stock of what it has *read* (noisy, biased) and, beside it, the same stock computed from the
*truth* of the other's moves, so that misperception is measured on the path (docs/model.md).

``S <- calm + decay * (S - calm) + (1 - decay) * amplification * reading``: with nothing read (a reading
of 0) the excess over ``calm`` halves every half-life; a reading of ``x`` every day would hold the stock at
``calm + amplification * x``, so the stock sums recent events rather than averaging them.
"""

from __future__ import annotations

import numpy as np

FLOOR = -5.0
"""Perceived hostility never falls below this (a run of concessions cannot bank unlimited goodwill)."""


def update_stock(
    stock: np.ndarray, reading: np.ndarray, calm: float, decay: float, amplification: float
) -> np.ndarray:
    """Next day's stock (any shape): decay toward ``calm`` plus today's reading."""
    return np.maximum(calm + decay * (stock - calm) + (1.0 - decay) * amplification * reading, FLOOR)


def tension(stock: np.ndarray) -> np.ndarray:
    """Tension of a path, ``(n,)``: the mean over both sides of the hostility each perceives (0 if below)."""
    return np.maximum(stock, 0.0).mean(axis=-1)
