"""Decisions: quantal response over one-step expected utilities, and the choice tables beliefs learn from.

McKelvey & Palfrey (1995) and Signorino (1999): choices are a logit of expected utilities with precision
lambda; here lambda falls as tension rises (decisions under stress are noisier). The utility of an action
adds named terms, each from a mechanism in the literature (docs/model.md gives every equation):

- coercion: pressure is worth more to a resolute actor (Schelling 1966; Powell 1987);
- greed: the greedy type values hostility for itself and pays for conciliation (Kydd 2005);
- desperation: economic pressure pushes the greedy type to provoke;
- reciprocity with generosity: pull toward matching the other's perceived hostility, forgiving a share of
  it (Downs & Rocke 1990; Nowak & Sigmund 1992; Leng 1993);
- a way out: pressure, third parties' pressing, the danger of letting the crisis run on, and the belief
  that the other side is resolute (Powell 1990) make talks and concessions worth more, discounted by the
  belief that the other is greedy;
- pre-emption: striking first looks better when an attack looks imminent;
- prevention: striking to stop a capability one fears, weighted by that capability and by the belief that
  its owner is greedy (the 2017 "bloody nose" debate);
- the war an attack may start and the risk of losing control, weighed by timidity (1 - resolve) and the
  war's cost, at the same probabilities the kernel applies;
- audience costs: of backing down publicly (Fearon 1994; none for private moves, Kurizaki 2007), and of a
  public commitment a timid leader expects to have to pay later (Fearon 1994);
- material costs of shows of force and tests (Slantchev 2005).

The utility is affine in the actor's type: ``U(g, r) = base - (1 - r) * timid + r * coerce + g * greedy``
with g in {0, 1} (greedy) and r the resolve. The kernel builds the three parts once a day and gets both
the actor's own choice and, for the other side's beliefs, the choice tables of every type.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from brinkmanship.model import beliefs as belief_model
from brinkmanship.model.fast_exp import weight_exp
from brinkmanship.model.hazards import loss_of_control_hazard
from brinkmanship.scenario.compiled import CompiledScenario

UNAVAILABLE = -np.inf


@dataclass(frozen=True)
class DecisionInputs:
    """What each principal knows or is when it decides; arrays of shape ``(n, 2)`` unless noted."""

    level: np.ndarray
    sensitivity: np.ndarray
    audience: np.ndarray
    belief_greedy: np.ndarray  # that the other is greedy
    belief_resolute: np.ndarray  # that the other is resolute
    perceived: np.ndarray  # hostility of the other as read
    imminence: np.ndarray
    pressure: np.ndarray
    pressed: np.ndarray
    threat: np.ndarray  # the other's capability a preventive strike would stop (reach x warhead)
    tension: np.ndarray  # (n,) perceived tension of the path
    p_war_clash: np.ndarray  # (n,) chance a clash becomes war today, as the kernel would apply it
    incident_checked: float  # share of accidental incidents checked before escalation (direct channel)


@dataclass(frozen=True)
class UtilityParts:
    """``U(g, r) = base - (1 - r) * timid + r * coerce + g * greedy``, action-major float64 arrays of shape
    ``(n_actions, n, 2)`` (``coerce`` is ``(n_actions, 1, 1)``).

    Action-major: reductions and cumulative sums over the actions run along the leading axis, as
    element-wise operations on contiguous slabs, which NumPy does far faster than along a short last axis.
    """

    base: np.ndarray
    timid: np.ndarray
    coerce: np.ndarray
    greedy: np.ndarray

    def utilities(self, greedy: np.ndarray, resolve: np.ndarray) -> np.ndarray:
        """Utilities ``(n_actions, n, 2)`` for types ``greedy`` and ``resolve`` of shape ``(n, 2)``."""
        r = resolve
        out = self.timid + self.coerce
        out *= r
        out += self.base
        out -= self.timid
        out += greedy * self.greedy
        return out

    def type_utilities(self, resolve_types: np.ndarray, base_shift: np.ndarray | None = None) -> np.ndarray:
        """Utilities of the four types (:mod:`beliefs` order), ``(n_actions, 4, n, 2)``.

        ``resolve_types`` is ``(2, 2)``: each principal's low and high resolve. ``base_shift`` is an
        optional ``(n_actions, n, 2)`` correction of the base (the observer's view of the other's situation).
        """
        fixed = self.base - self.timid
        if base_shift is not None:
            fixed += base_shift
        resolute = self.timid + self.coerce
        out = np.empty((fixed.shape[0], belief_model.N_TYPES, *fixed.shape[1:]))
        for k in range(belief_model.N_TYPES):
            r = resolve_types[:, int(belief_model.RESOLUTE[k])]
            np.multiply(resolute, r, out=out[:, k])
            out[:, k] += fixed
            if belief_model.GREEDY[k]:
                out[:, k] += self.greedy
        return out


def face_cost_factor(model: CompiledScenario) -> float:
    """Share of the audience cost a public concession still costs.

    Halved where a face-saving exit is kept open (Kennedy's maxim); reduced by an active mediator's
    ``face_saving``, since a concession made to the UN secretary-general or a trusted emissary rather than
    to the adversary costs less face (the editorial's closed-door six-party meeting; Kurizaki 2007).
    """
    exit_factor = 0.5 if model.face_saving_exit else 1.0
    return exit_factor * (1.0 - model.mediated_face_saving)


def reciprocity_target(perceived: np.ndarray, generosity: float | np.ndarray) -> np.ndarray:
    """The hostility an actor would match: what it perceives, less the share it forgives if hostile."""
    return np.where(perceived > 0.0, perceived * (1.0 - generosity), perceived)


def commitment_gain(model: CompiledScenario) -> np.ndarray:
    """Audience-cost stock each action adds, ``(n_actions,)`` (Fearon 1994)."""
    return model.threat_gain * model.action_is_threat_public + model.force_gain * model.action_is_force_public


def _matmul(coefficients: list[np.ndarray], vectors: list[np.ndarray]) -> np.ndarray:
    """``sum_k vectors[k][:, None, :] * coefficients[k]``, ``(A, n, 2)``, summed term by term in the
    order given (as the compiled kernel sums them, so that the two agree to the bit). A vector is
    ``(A, 2)`` (each principal's own) or ``(A,)`` (the same for both)."""

    def term(vector: np.ndarray, coefficient: np.ndarray) -> np.ndarray:
        v = np.asarray(vector, dtype=float)
        return (v[:, None, :] if v.ndim == 2 else v[:, None, None]) * coefficient

    out = term(vectors[0], coefficients[0])
    for coefficient, vector in zip(coefficients[1:], vectors[1:], strict=True):
        out += term(vector, coefficient)
    return out


@dataclass(frozen=True)
class ActionVectors:
    """The per-action half of every utility term, ``(k, n_actions)``: the utility parts are
    ``sum_k coefficient_k(path, principal) * vector_k(action)`` in this order (:func:`utility_parts`).
    Shared with the compiled kernel, so that both compute the same numbers."""

    base: np.ndarray  # (6, A, 2): reciprocity, fixed, way out, pre-emption, prevention, backing down
    timid: np.ndarray  # (5, A, 2): chosen war, chosen clash, the action's incident, commitment, way out
    greedy: np.ndarray  # (2, A, 2): greed, desperation
    coerce: np.ndarray  # (A, 2)
    hazard: np.ndarray  # (A,) risk of losing control at the action's rung, before the tension factor
    attack: np.ndarray  # (A,) 1.0 for an attack (a chosen clash or war)


def action_vectors(model: CompiledScenario) -> ActionVectors:
    """The per-action vectors of the utility terms (docs/model.md, "Decisions"), each principal's own (its
    decision weights may differ: Leng's strategies, :mod:`brinkmanship.model.strategies`)."""
    x = model.action_hostility
    conciliatory = model.action_is_concession | model.action_is_talks | model.action_is_freeze_proposal
    backdown = (model.action_is_concession & model.action_public) + (
        model.partial_backdown_share * model.action_is_partial_backdown
    )
    attack = (model.action_is_war | model.action_is_attack_clash).astype(float)
    way_out = np.multiply.outer(conciliatory, model.talks_value)
    hazard_args = (model.hazard_base, model.hazard_growth, 0.0, model.threshold_rungs, model.threshold_jumps)
    rows = [
        [
            x,
            np.multiply.outer(-(x**2), model.reciprocity) - model.action_cost[:, None],
            way_out,
            attack,
            attack,
            -backdown,
        ],
        [
            model.action_is_war,
            model.action_is_attack_clash,
            model.risk_aversion * model.action_incident,
            commitment_gain(model),
            way_out,
        ],
        [model.greed * x, model.desperation * model.action_is_provocation],
    ]
    base, timid, greedy = (np.stack([_per_principal(v) for v in row]) for row in rows)
    return ActionVectors(
        base=base,
        timid=timid,
        greedy=greedy,
        coerce=np.multiply.outer(np.clip(x, 0.0, 4.0), model.coercion),
        hazard=loss_of_control_hazard(model.action_rung, 0.0, *hazard_args),
        attack=attack,
    )


def _per_principal(vector: np.ndarray) -> np.ndarray:
    """``(A, 2)`` float64: a vector shared by both principals repeated, or a per-principal one as is."""
    v = np.asarray(vector, dtype=float)
    return v if v.ndim == 2 else np.repeat(v[:, None], 2, axis=1)


def utility_parts(model: CompiledScenario, inputs: DecisionInputs) -> UtilityParts:
    """The three type-dependent parts of every action's utility for each path and principal.

    Every term but the risk of losing control is a per-path coefficient times a per-action vector
    (:func:`action_vectors`), summed term by term.
    """
    vectors = action_vectors(model)
    war_cost = np.broadcast_to(model.war_cost, inputs.level.shape)
    distrust = 1.0 - inputs.belief_greedy
    # The war an action may start, at the kernel's own probabilities: certain for a chosen war, the
    # clash-to-war chance for a chosen clash; an incident (the level's or the action's own) escalates at
    # the same chance unless a direct channel checks it first.
    p_clash = np.broadcast_to(inputs.p_war_clash[:, None], inputs.level.shape)
    p_incident = p_clash * (1.0 - inputs.incident_checked)
    # Risk of losing control at the crisis level the action leads to: the hazard is monotone in the
    # rung, so hazard(max(rung_a, level)) = max(hazard(rung_a), hazard(level)).
    own_level = np.maximum(inputs.level - model.posture_decay, 1.0)
    standing_level = np.maximum(own_level, inputs.level[:, ::-1])
    hazard_args = (model.hazard_base, model.hazard_growth, 0.0, model.threshold_rungs, model.threshold_jumps)
    heat = np.exp(model.hazard_tension_growth * inputs.tension)[:, None]  # the tension factor
    standing_hazard = np.minimum(loss_of_control_hazard(standing_level, 0.0, *hazard_args) * heat, 1.0)
    window = model.risk_aversion * model.risk_window_days
    # The danger of letting the crisis run on (Schelling): what a way out avoids, for a timid actor.
    danger = window * war_cost * standing_hazard * p_incident
    target = reciprocity_target(inputs.perceived, model.generosity)
    ones = np.ones_like(target)

    base = _matmul(
        [
            2.0 * model.reciprocity * target,
            ones,
            (inputs.pressure + inputs.pressed + model.credibility * inputs.belief_resolute) * distrust,
            model.preemption * inputs.imminence,
            model.preventive * inputs.belief_greedy * inputs.threat,
            inputs.sensitivity * inputs.audience * face_cost_factor(model),
        ],
        list(vectors.base),
    )
    timid = _matmul(
        [
            war_cost,
            war_cost * p_clash,
            war_cost * p_incident,
            model.commitment * inputs.sensitivity,
            -danger * distrust,
        ],
        list(vectors.timid),
    )
    risk = np.maximum(vectors.hazard[:, None, None] * heat, standing_hazard)
    risk = np.minimum(risk, 1.0, out=risk)
    risk *= window * war_cost * p_incident
    timid += risk
    greedy = _matmul([ones, inputs.pressure], list(vectors.greedy))
    return UtilityParts(base=base, timid=timid, coerce=vectors.coerce[:, None, :], greedy=greedy)


def observer_shift(
    model: CompiledScenario, perceived: np.ndarray, imagined: np.ndarray, belief: np.ndarray
) -> np.ndarray:
    """Correction of the base utility when an observer imagines the other's view of it, ``(A, n, 2)``.

    The observer takes the other to read the observer's own moves as they truly were (``imagined``: the
    true stock) rather than as the other actually read them (``perceived``): Jervis's actors think their
    own intentions plain. Reciprocity and pre-emption are the terms that depend on that reading.
    """
    x = model.action_hostility
    attack = action_vectors(model).attack
    target_shift = reciprocity_target(imagined, model.generosity) - reciprocity_target(
        perceived, model.generosity
    )
    from brinkmanship.model.perception import imminence

    imminence_shift = imminence(
        belief, imagined, model.imminence_threshold, model.imminence_scale
    ) - imminence(belief, perceived, model.imminence_threshold, model.imminence_scale)
    return _matmul([2.0 * model.reciprocity * target_shift, model.preemption * imminence_shift], [x, attack])


def choice_weights(utilities: np.ndarray, penalty: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """Unnormalised logit weights ``exp(lambda * U - max)`` over the leading (action) axis.

    ``utilities`` is ``(A, ...)``; ``precision`` broadcasts against ``utilities[0]``; ``penalty`` (0 or
    -inf, where an action is unavailable) broadcasts against ``utilities``. Unavailable actions get 0.
    """
    scaled = utilities * precision
    scaled += penalty
    scaled -= np.maximum.reduce(scaled, axis=0)
    return weight_exp(scaled)


def choice_probabilities(utilities: np.ndarray, available: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """Logit (quantal response) probabilities over available actions (leading axis): they sum to 1."""
    weights = choice_weights(utilities, np.where(available, 0.0, UNAVAILABLE), precision)
    return weights / weights.sum(axis=0)


def sample_choice(weights: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Inverse-CDF draw of one action per (path, principal).

    ``weights`` is ``(A, n, 2)``, ``uniform`` ``(n, 2)``.

    ``weights`` may be unnormalised: the draw is scaled by each decision's total. Using one uniform per
    decision keeps common random numbers across policies: the same uniform picks the same quantile of
    each policy's choice distribution.
    """
    cumulative = np.cumsum(weights, axis=0)
    threshold = uniform * cumulative[-1]
    # '<=': a zero-weight action before the first positive one is never drawn, even for a uniform of 0
    chosen = np.add.reduce(cumulative <= threshold, axis=0)
    return np.minimum(chosen, weights.shape[0] - 1)


def signal_likelihood(
    type_weights: np.ndarray, signal_of_action: np.ndarray, observed_signal: np.ndarray
) -> np.ndarray:
    """Probability of each observed public signal under each type, ``(n, 2, 4)``.

    ``type_weights`` ``(A, 4, n, 2)``: unnormalised choice weights of each principal under each type;
    ``signal_of_action`` ``(A,)``: what each action looks like in public (a private move looks like
    holding); ``observed_signal`` ``(n, 2)``: the signal each principal sent today.
    """
    same = signal_of_action[:, None, None] == observed_signal  # (A, n, 2)
    seen = np.add.reduce(type_weights * same[:, None], axis=0)  # (4, n, 2)
    return np.moveaxis(seen / np.add.reduce(type_weights, axis=0), 0, -1)
