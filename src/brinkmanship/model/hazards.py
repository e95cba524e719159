"""Chance: the risk of losing control, false alarms, and the escalation of clashes.

Schelling (1966) and Powell (1987) model a crisis as a competition in risk-taking: every step up the
ladder adds a risk that events slip out of control. Here the daily probability of an armed incident
grows geometrically with the crisis's Kahn rung and jumps where a Kahn threshold is crossed (Kahn 1965).
False alarms follow Barrett, Baum & Hostetler (2013) and Hellman (2008): a Poisson stream of false
warnings, each passing a chain of assessment stages with small probabilities.
"""

from __future__ import annotations

import numpy as np


def loss_of_control_hazard(
    rung: np.ndarray, base: float, growth: float, threshold_rungs: np.ndarray, threshold_jumps: np.ndarray
) -> np.ndarray:
    """Daily probability of an uncontrolled armed incident at crisis level ``rung`` (any shape).

    ``base * growth ** (rung - 1) * prod(jump_k for thresholds k below rung)``, capped at 1.
    ``threshold_rungs`` must be ascending (Kahn's thresholds are).
    """
    rung = np.asarray(rung, dtype=float)
    log_jumps = np.concatenate(([0.0], np.cumsum(np.log(threshold_jumps))))
    crossed = np.searchsorted(threshold_rungs, rung, side="left")
    return np.minimum(base * np.exp((rung - 1.0) * np.log(growth) + log_jumps[crossed]), 1.0)


def incident_probability(hazard: np.ndarray, action_risk: np.ndarray) -> np.ndarray:
    """Chance of an uncontrolled incident on a day: the level's hazard or either side's action going astray.

    ``hazard`` is ``(n,)``; ``action_risk`` is ``(n, 2)``, each principal's action's own incident chance
    (a missile test over Japan, a bomber flight near the other's airspace: Sagan, *The Limits of
    Safety*, 1993, documents such incidents during the 1962 crisis). Independent sources combine as
    ``1 - (1 - h) * prod(1 - r_i)``.
    """
    return 1.0 - (1.0 - hazard) * np.prod(1.0 - action_risk, axis=-1)


def false_alarm_probability(rate: float, crisis_multiplier: float, rung: np.ndarray) -> np.ndarray:
    """Probability of at least one false warning in a day: Poisson with a rate rising with the rung."""
    return -np.expm1(-rate * (1.0 + crisis_multiplier * (np.asarray(rung, dtype=float) - 1.0)))


def false_alarm_pass_through(
    pass_early: float, pass_last: float, imminence_weight: float, imminence: np.ndarray, verify: float
) -> np.ndarray:
    """Probability a false warning is acted on.

    The early stages pass with a fixed product; the last (the leader's decision) is likelier when an
    attack already looks imminent. A direct channel lets the alarm be checked with the other side first,
    which stops it with probability ``verify``.
    """
    last = np.minimum(pass_last * (1.0 + imminence_weight * imminence), 1.0)
    return pass_early * last * (1.0 - verify)


def clash_to_war_probabilities(
    base: float,
    tension_weight: float,
    tension: np.ndarray,
    audience_weight: float,
    audience_stock: np.ndarray,
    misread_weight: float,
    misperception: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Chance that an armed clash becomes war, split into (ordinary part, misreading part).

    The misreading part is the escalation driven by signals read as more hostile than meant (Jervis 1976);
    a war started through it is labelled *miscalculation*. The total is capped at 0.95.
    """
    ordinary = base + tension_weight * np.maximum(tension, 0.0) + audience_weight * audience_stock
    misread = np.full_like(ordinary, misread_weight * misperception)
    total = ordinary + misread
    scale = np.where(total > 0.95, 0.95 / np.maximum(total, 1e-12), 1.0)
    return ordinary * scale, misread * scale


def nuclear_use_probability(
    base: float, defeat_multiplier: float, someone_faces_defeat: bool, face_saving_exit: bool
) -> float:
    """Chance that a war sees nuclear use.

    Kennedy's maxim (American University speech, 1963): a nuclear power left with the choice between
    humiliating defeat and nuclear war may choose the latter. The multiplier applies when a principal
    faces defeat and no face-saving exit is kept open.
    """
    factor = 1.0 + defeat_multiplier if someone_faces_defeat and not face_saving_exit else 1.0
    return min(base * factor, 1.0)
