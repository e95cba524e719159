"""Beliefs about the other side's type, updated by Bayes' rule over the model's own likelihoods.

Each principal holds a probability over four types of the other: security-seeker or greedy (Kydd 1997,
2005) crossed with low or high resolve (Powell 1990; Fearon 1994), the resolve types being the lower and
upper halves of the other's resolve prior. Each day it sees the other's public move (a private move looks,
in public, like holding) and multiplies each type's weight by the probability that *that type* would have
made the move, computed by the decision model itself (:mod:`decisions`): Bayes' rule with the model's own
choice tables. Costly signals separate the types because their costs fall unequally on them: a public
threat commits a timid leader to audience costs it expects to pay (Fearon 1994), a concession costs a
greedy type its ambitions (Kydd 2005). The observer evaluates the other's choice as if the other read the
observer's own moves correctly - the classic misperception that one's own intentions are plain to see
(Jervis 1976, ch. 3) - so the other's reaction to a misreading is taken as evidence of its type.
"""

from __future__ import annotations

import numpy as np

GREEDY = np.array([0.0, 0.0, 1.0, 1.0])
"""Type k is greedy (Kydd) ..."""
RESOLUTE = np.array([0.0, 1.0, 0.0, 1.0])
"""... and/or of high resolve (upper half of the resolve prior). Order: secure-low, secure-high,
greedy-low, greedy-high."""
N_TYPES = 4


def prior(p_greedy: np.ndarray, n: int) -> np.ndarray:
    """Each observer's prior over the other's four types, ``(n, 2, 4)``.

    ``p_greedy[j]`` is principal j's prior probability of being greedy; observer i holds j's prior
    (i = 1 - j). Resolve is high or low with even odds (the median split of the prior).
    """
    other = p_greedy[::-1]
    weights = np.stack([(1 - other) / 2, (1 - other) / 2, other / 2, other / 2], axis=-1)
    return np.broadcast_to(weights, (n, 2, N_TYPES)).copy()


def update(posterior: np.ndarray, likelihood: np.ndarray, tremble: float) -> np.ndarray:
    """Bayes' rule: ``posterior * likelihood``, normalised, with every type kept at ``tremble`` or more.

    ``posterior`` and ``likelihood`` are ``(..., 4)``. The tremble (a type's weight never below it) stands
    for the chance that a move was a mistake or a different actor's doing, so that no belief is ever
    certain and a belief can always learn again.
    """
    weighted = posterior * likelihood
    total = weighted.sum(axis=-1, keepdims=True)
    weighted = np.where(total > 0.0, weighted / np.where(total > 0.0, total, 1.0), posterior)
    return tremble + (1.0 - N_TYPES * tremble) * weighted


def greed(posterior: np.ndarray) -> np.ndarray:
    """Belief that the other side is greedy, ``(...)``."""
    return posterior @ GREEDY


def resolve(posterior: np.ndarray) -> np.ndarray:
    """Belief that the other side is resolute (upper half of its resolve prior), ``(...)``."""
    return posterior @ RESOLUTE
