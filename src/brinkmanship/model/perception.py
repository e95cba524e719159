"""Signals and how they are read (Jervis 1976, *Perception and Misperception in International Politics*).

A principal's public signal is read by the other side with noise; military moves carry a
hostile-attribution bias (B-1B flights read in Pyongyang as a prelude to war); uncoordinated voices add
a bias (the voices' mean hawkishness) and noise (their spread), both scaled by ``1 - coordination``. A
direct channel lets each side ask what a move meant (the purpose of the 1963 hotline): it removes the
share ``clarification`` of the error of every reading.
"""

from __future__ import annotations

import numpy as np


def public_signal_noise(
    public_noise: float, coordination: np.ndarray, voice_spread: np.ndarray
) -> np.ndarray:
    """Std. dev. of the reading of each principal's public signals, shape ``(2,)``."""
    return np.sqrt(public_noise**2 + ((1.0 - coordination) * voice_spread) ** 2)


def read_public(
    hostility: np.ndarray,
    military: np.ndarray,
    hostile_bias: float,
    voice_bias: np.ndarray,
    coordination: np.ndarray,
    noise: np.ndarray,
    z: np.ndarray,
    clarification: float = 0.0,
) -> np.ndarray:
    """Reading of public signals: truth + (bias on military moves + voice bias + noise), the error cut by
    the share ``clarification`` where a direct channel lets the reader ask."""
    error = hostile_bias * military + (1.0 - coordination) * voice_bias + noise * z
    return hostility + (1.0 - clarification) * error


def imminence(belief_greedy: np.ndarray, perceived: np.ndarray, threshold: float, scale: float) -> np.ndarray:
    """Belief that the other side is about to attack: greedy-looking and highly hostile-looking."""
    return belief_greedy / (1.0 + np.exp(-(perceived - threshold) / scale))
