"""Chance: the risk of losing control, false alarms, and the escalation of clashes.

Schelling (1966) and Powell (1987) model a crisis as a competition in risk-taking: every step up the
ladder adds a risk that events slip out of control. Here the daily probability of an armed incident
grows geometrically with the crisis's Kahn rung, jumps where a Kahn threshold is crossed (Kahn 1965), and
grows with tension, the hostility each side perceives: forces on edge, closer encounters, hair triggers
(Sagan 1993). In a calm relationship (rung 1, tension near the calm level) it is near its floor.
False alarms follow Barrett, Baum & Hostetler (2013) and Hellman (2008): a Poisson stream of false
warnings, each passing a chain of assessment stages with small probabilities.
"""

from __future__ import annotations

import numpy as np

MAX_CLASH_TO_WAR = 0.95
"""Even at the height of a crisis some clashes are contained."""


def loss_of_control_hazard(
    rung: np.ndarray,
    tension: np.ndarray | float,
    base: float,
    growth: float,
    tension_growth: float,
    threshold_rungs: np.ndarray,
    threshold_jumps: np.ndarray,
) -> np.ndarray:
    """Daily probability of an uncontrolled armed incident at crisis level ``rung`` and ``tension``.

    ``base * growth ** (rung - 1) * exp(tension_growth * tension) * prod(jumps of thresholds below
    rung)``, capped at 1 (``rung`` and ``tension`` broadcast). ``threshold_rungs`` must be ascending.
    """
    rung = np.asarray(rung, dtype=float)
    log_jumps = np.concatenate(([0.0], np.cumsum(np.log(threshold_jumps))))
    crossed = np.searchsorted(threshold_rungs, rung, side="left")
    log_hazard = (rung - 1.0) * np.log(growth) + tension_growth * np.asarray(tension) + log_jumps[crossed]
    return np.minimum(base * np.exp(log_hazard), 1.0)


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


def clash_to_war(
    base: float, tension_weight: float, tension: np.ndarray, audience_weight: float, audience: np.ndarray
) -> np.ndarray:
    """Chance that an armed clash becomes war at ``tension`` and mean audience-cost stock ``audience``.

    Higher tension and locked-in leaders make a clash harder to contain (Fearon 1994); capped at
    :data:`MAX_CLASH_TO_WAR`. In calm it is ``base``: every armed incident on the peninsula since 1953
    was contained.
    """
    return np.minimum(base + tension_weight * tension + audience_weight * audience, MAX_CLASH_TO_WAR)


def split_escalation(true_p: np.ndarray, perceived_p: np.ndarray, clarification: float) -> np.ndarray:
    """The part of the escalation chance due to misperception: ``max(perceived - true, 0)``, cut by the
    share ``clarification`` a direct channel removes. A war through this part is *miscalculation*: on
    that path, without the misreading, the clash would have been contained."""
    return np.maximum(perceived_p - true_p, 0.0) * (1.0 - clarification)


def agreement_probability(
    base_rate: float,
    tension_damping: float,
    tension: np.ndarray,
    concession_boost: float,
    fewest_concessions: np.ndarray,
    mediator_boost: float,
) -> np.ndarray:
    """Daily chance that open talks reach an agreement where a bargaining range exists, ``(n,)``.

    ``base_rate * exp(-tension_damping * tension) * (1 + concession_boost * fewest_concessions) * (1 +
    mediator_boost)``: tension makes a deal harder to reach; recent concessions by the side that has made
    fewer, and an active mediator, make it likelier.
    """
    return np.minimum(
        base_rate
        * np.exp(-tension_damping * tension)
        * (1.0 + concession_boost * fewest_concessions)
        * (1.0 + mediator_boost),
        1.0,
    )
