"""Decisions: quantal response over one-step expected utilities.

McKelvey & Palfrey (1995) and Signorino (1999): choices are a logit of expected utilities with precision
lambda; here lambda falls as tension rises (decisions under stress are noisier). The utility of an action
adds named terms, each from a mechanism in the literature (see docs/model.md):

- coercion: pressure is worth more to a resolute actor (Schelling 1966; Powell 1987);
- risk: the added daily hazard of losing control over a window, weighed by (1 - resolve) and the war's cost;
- reciprocity with generosity: pull toward matching the other's perceived hostility, forgiving a share of
  it (Downs & Rocke 1990; Nowak & Sigmund 1992; Leng 1993);
- greed: the greedy type values escalation for itself (Kydd 2005);
- audience costs of public backing down (Fearon 1994), none for private moves (Kurizaki 2007);
- pre-emption: striking first looks better when an attack looks imminent;
- a way out: economic pressure, third parties' pressing and the danger of letting the crisis run on
  make talks and concessions more attractive, discounted by distrust; pressure also makes the greedy
  type more provocative (desperation);
- material costs of shows of force and tests (Slantchev 2005).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from brinkmanship.model.hazards import loss_of_control_hazard
from brinkmanship.scenario.compiled import CompiledScenario

UNAVAILABLE = -np.inf


@dataclass(frozen=True)
class DecisionInputs:
    """What each principal knows or is when it decides; arrays of shape ``(n, 2)``."""

    level: np.ndarray
    resolve: np.ndarray
    greedy: np.ndarray
    sensitivity: np.ndarray
    audience: np.ndarray
    belief: np.ndarray
    perceived: np.ndarray
    imminence: np.ndarray
    pressure: np.ndarray
    pressed: np.ndarray


def face_cost_factor(model: CompiledScenario) -> float:
    """Share of the audience cost a public concession still costs.

    Halved where a face-saving exit is kept open (Kennedy's maxim); reduced by an active mediator's
    ``face_saving``, since a concession made to the UN secretary-general or a trusted emissary rather than
    to the adversary costs less face (the editorial's closed-door six-party meeting; Kurizaki 2007).
    """
    exit_factor = 0.5 if model.face_saving_exit else 1.0
    return exit_factor * (1.0 - model.mediated_face_saving)


def action_utilities(model: CompiledScenario, inputs: DecisionInputs) -> np.ndarray:
    """Utility of every catalogue action for each path and principal, shape ``(n, 2, n_actions)``.

    Every term but the risk term is a per-path coefficient times a per-action vector, so the sum is one
    small matrix product. The reciprocity term ``-r (x - target)^2`` is expanded and its
    ``-r target^2`` part, the same for every action, dropped: a logit choice is unchanged by adding a
    constant to all of a decision's utilities. (The reference implementation keeps the full square.)
    """
    x = model.action_hostility
    timidity = 1.0 - inputs.resolve
    war_cost = model.war_cost[None, :]
    perceived = inputs.perceived
    target = np.where(perceived > 0.0, perceived * (1.0 - model.generosity), perceived)
    face_saving = face_cost_factor(model)
    conciliatory = model.action_is_concession | model.action_is_talks | model.action_is_freeze_proposal
    backdown = (model.action_is_concession & model.action_public) + (
        model.partial_backdown_share * model.action_is_partial_backdown
    )
    attack = model.action_is_war | model.action_is_attack_clash
    war_chance = np.where(
        model.action_is_war, 1.0, np.where(model.action_is_attack_clash, model.clash_to_war, 0.0)
    )
    # Risk of losing control: the hazard at the crisis level the action would produce. The hazard is
    # monotone in the rung, so hazard(max(rung_a, level)) = max(hazard(rung_a), hazard(level)).
    own_level = np.maximum(inputs.level - model.posture_decay, 1.0)
    standing_level = np.maximum(own_level, inputs.level[:, ::-1])
    hazard_args = (model.hazard_base, model.hazard_growth, model.threshold_rungs, model.threshold_jumps)
    action_hazard = loss_of_control_hazard(model.action_rung, *hazard_args)
    standing_hazard = loss_of_control_hazard(standing_level, *hazard_args)
    risk_weight = model.risk_aversion * model.risk_window_days * timidity * war_cost
    # The danger of letting the crisis run on makes a way out (talks, concessions) worth more.
    danger = risk_weight * standing_hazard
    coefficients = np.stack(
        [
            inputs.resolve,  # coercion (Schelling; Powell)
            inputs.greedy,  # greed (Kydd)
            inputs.greedy * inputs.pressure,  # desperation
            target,  # reciprocity, linear part
            (inputs.pressure + inputs.pressed + danger) * (1.0 - inputs.belief),  # a way out, less distrust
            inputs.imminence,  # pre-emption
            timidity * war_cost,  # expected cost of a war an action may start
            inputs.sensitivity * inputs.audience * face_saving,  # audience cost of backing down
            np.ones_like(inputs.resolve),  # multiplies the constant row
        ],
        axis=-1,
    )
    vectors = np.stack(
        [
            model.coercion * np.clip(x, 0.0, 4.0),
            model.greed * np.maximum(x, 0.0),
            model.desperation * model.action_is_provocation,
            2.0 * model.reciprocity * x,
            model.talks_value * conciliatory,
            model.preemption * attack,
            -war_chance - model.risk_aversion * model.action_incident,  # war an attack starts; a move astray
            -backdown,
            -model.reciprocity * x**2 - model.action_cost,  # the same for every path
        ]
    )
    n = coefficients.shape[0]
    # Single precision is ample for a logit choice (its error, ~1e-7 of a weight, moves a draw only if
    # the draw lands that close to a boundary) and halves the memory traffic of the hottest arrays.
    utilities = (coefficients.reshape(2 * n, -1).astype(np.float32) @ vectors.astype(np.float32)).reshape(
        n, 2, -1
    )

    risk = np.maximum(action_hazard.astype(np.float32), standing_hazard[..., None].astype(np.float32))
    risk *= risk_weight[..., None].astype(np.float32)
    utilities -= risk
    return utilities


def choice_weights(utilities: np.ndarray, penalty: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """Unnormalised logit weights ``exp(lambda * U - max)``; actions with ``penalty`` -inf get 0.

    ``precision`` is ``(n, 2)``; ``penalty`` (0 or -inf) broadcasts against ``utilities``.
    """
    scaled = utilities * precision[..., None].astype(utilities.dtype)
    scaled += penalty.astype(utilities.dtype)
    scaled -= scaled.max(axis=-1, keepdims=True)
    return np.exp(scaled, out=scaled)


def choice_probabilities(utilities: np.ndarray, available: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """Logit (quantal response) probabilities over available actions: rows sum to 1."""
    weights = choice_weights(utilities, np.where(available, 0.0, UNAVAILABLE), precision)
    return weights / weights.sum(axis=-1, keepdims=True)


def sample_choice(probabilities: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Inverse-CDF draw of one action per (path, principal) from uniforms of shape ``(n, 2)``.

    ``probabilities`` may be unnormalised weights: the draw is scaled by each row's total.

    Using one uniform per decision keeps common random numbers across policies: the same uniform picks
    the same quantile of each policy's choice distribution.
    """
    n_actions = probabilities.shape[-1]
    # A product with an upper-triangular matrix of ones is a cumulative sum, and much faster than
    # np.cumsum along a short last axis.
    upper = np.triu(np.ones((n_actions, n_actions), dtype=probabilities.dtype))
    cumulative = (probabilities.reshape(-1, n_actions) @ upper).reshape(probabilities.shape)
    chosen = (cumulative < uniform[..., None].astype(cumulative.dtype) * cumulative[..., -1:]).sum(axis=-1)
    return np.minimum(chosen, probabilities.shape[-1] - 1)
