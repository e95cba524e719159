"""Signals and how they are read (Jervis 1976, *Perception and Misperception in International Politics*).

A principal's public signal is read by the other side with noise; military moves carry a
hostile-attribution bias (B-1B flights read in Pyongyang as a prelude to war); uncoordinated voices add
a bias (the voices' mean hawkishness) and noise (their spread), both scaled by ``1 - coordination``.
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
) -> np.ndarray:
    """Reading of public signals: truth + bias on military moves + voice bias + noise."""
    return hostility + hostile_bias * military + (1.0 - coordination) * voice_bias + noise * z


def misperception_index(hostile_bias: float, noise: np.ndarray, clarification: float = 0.0) -> float:
    """Expected over-reading of a military move: the bias plus the mean noise (both principals).

    A direct channel lets a side ask what a move meant before it answers: a share ``clarification`` of
    the over-reading is removed (the purpose of the 1963 hotline; Kennedy's private letters).
    """
    return float((hostile_bias + np.mean(noise)) * (1.0 - clarification))


def update_perceived(perceived: np.ndarray, reading: np.ndarray, memory: float) -> np.ndarray:
    """Exponential average of readings: the hostility the other side is seen to show."""
    return (1.0 - memory) * perceived + memory * reading


def imminence(belief_greedy: np.ndarray, perceived: np.ndarray, threshold: float, scale: float) -> np.ndarray:
    """Belief that the other side is about to attack: greedy-looking and highly hostile-looking."""
    return belief_greedy / (1.0 + np.exp(-(perceived - threshold) / scale))
