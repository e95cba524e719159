"""A validated scenario turned into frozen, array-shaped parameters for the kernel.

The kernel works on two principals (index 0 and 1, the dyad) and any number of third parties.
Per-principal parameters are arrays of shape ``(2,)``; per-action ones ``(2, n_actions)``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any

import numpy as np
from scipy import stats

from brinkmanship.model.ladder import ACTION_INDEX, ACTIONS, N_ACTIONS, THRESHOLDS
from brinkmanship.model.strategies import STRATEGIES, Strategy
from brinkmanship.scenario.schema import Decision, Principal, ScenarioFile, ThirdParty

FloatArray = np.ndarray
BoolArray = np.ndarray

THIRD_PARTY_ACT_KINDS = ("sanctions", "restraint_call", "press_talks")


@dataclass(frozen=True)
class ThirdPartyActs:
    """All third-party acts flattened: one row per act (each gets its own random column)."""

    kind: np.ndarray  # (n_acts,) int index into THIRD_PARTY_ACT_KINDS
    rate: FloatArray  # (n_acts,) daily probability (0 when the actor is inactive)
    strength: FloatArray  # (n_acts,)
    target: FloatArray  # (n_acts, 2) weight on each principal
    responses: ThirdPartyResponses


RESPONSE_CONDITIONS = ("missile_test", "nuclear_test", "tension_above", "locked_in_above")
"""What a response rule watches: a principal's recent test, the crisis's tension, or both sides'
audience-cost lock-in (docs/model.md, section 4)."""
MISSILE_TEST_SLOT, NUCLEAR_TEST_SLOT = 0, 1
"""Last axis of ``CrisisState.last_test_day``: the day of a principal's last missile and nuclear test."""


@dataclass(frozen=True)
class ThirdPartyResponses:
    """All response rules flattened, in the order of their acts: one row per rule."""

    act: np.ndarray  # (n_rules,) int index of the act (row of ThirdPartyActs) the rule makes likelier
    condition: np.ndarray  # (n_rules,) int index into RESPONSE_CONDITIONS
    by: np.ndarray  # (n_rules, 2) bool: whose test triggers it (test conditions only)
    within_days: FloatArray  # (n_rules,) window after a test, days
    level: FloatArray  # (n_rules,) tension or audience-cost level to exceed
    rate: FloatArray  # (n_rules,) daily probability while it holds (0 when the actor is inactive)


@dataclass(frozen=True)
class CompiledScenario:
    """Everything the kernel needs, as numbers. Built by :func:`compile_scenario`; never mutated."""

    source: ScenarioFile
    principal_names: tuple[str, str]
    horizon_days: int
    # actions
    action_rung: FloatArray  # (n_actions,)
    action_hostility: FloatArray
    action_cost: FloatArray
    action_public: BoolArray
    action_military: BoolArray  # read with the hostile-attribution bias
    action_is_concession: BoolArray
    action_is_threat_public: BoolArray
    action_is_force_public: BoolArray
    action_is_attack_clash: BoolArray
    action_is_war: BoolArray
    action_is_talks: BoolArray
    action_is_freeze_proposal: BoolArray
    action_is_private: BoolArray
    action_is_partial_backdown: BoolArray
    action_is_provocation: BoolArray  # threats, tests, shows of force (desperation pushes these)
    action_is_missile_test: BoolArray
    action_is_nuclear_test: BoolArray
    action_is_recorded: BoolArray  # tests, military moves, attacks: the prelude's record of them is complete
    repertoire: BoolArray  # (2, n_actions)
    # principals
    coordination: FloatArray  # (2,)
    voice_bias: FloatArray
    voice_spread: FloatArray
    resolve_alpha: FloatArray
    resolve_beta: FloatArray
    p_greedy: FloatArray
    sensitivity_low: FloatArray
    sensitivity_high: FloatArray
    precision: FloatArray
    war_cost: FloatArray
    military_strength: FloatArray
    capability_reach: FloatArray  # (2,) each principal's demonstrated capability, as the other sees it
    capability_warhead: FloatArray
    initial_pressure: FloatArray
    resolve_median: FloatArray  # (2,) the prior's median: 'resolute' means above it
    resolve_types: FloatArray  # (2, 2) conditional means of resolve below and above the median
    # channels
    public_noise: float
    direct_enabled: bool
    direct_noise: float
    direct_delay: float
    direct_verify: float
    mediated_enabled: bool
    mediated_noise: float
    mediated_delay: float
    mediated_trust: float
    mediated_face_saving: float
    mediator_agreement_boost: float
    third_party_acts: ThirdPartyActs
    # perception
    hostile_bias: float
    misread_margin: float
    imminence_threshold: float
    imminence_scale: float
    tremble: float
    # tension (the crisis's memory of events)
    tension_calm: float
    tension_decay: float  # per day: 0.5 ** (1 / half-life)
    tension_amplification: float
    # capability growth
    missile_test_gain: float
    nuclear_test_gain: float
    # decision
    coercion: FloatArray  # (2,) each principal's own (its strategy applied)
    risk_aversion: float
    risk_window_days: float
    reciprocity: FloatArray  # (2,) each principal's own (its strategy applied)
    generosity: FloatArray  # (2,) each principal's own (its strategy applied)
    greed: float
    preemption: float
    preventive: float
    credibility: float
    commitment: float
    talks_value: FloatArray  # (2,) each principal's own (its strategy applied)
    desperation: float
    stress: float
    # audience costs
    threat_gain: float
    force_gain: float
    standing_gain: float
    audience_decay: float
    partial_backdown_share: float
    # chance
    hazard_base: float
    hazard_growth: float
    hazard_tension_growth: float
    posture_decay: float
    action_incident: FloatArray  # (n_actions,) extra incident chance on the day of the action
    threshold_rungs: FloatArray  # (n_thresholds,) rung above which the jump applies
    threshold_jumps: FloatArray  # (n_thresholds,)
    alarm_rate: float
    alarm_crisis_multiplier: float
    alarm_pass_early: float  # product of all stages but the last
    alarm_pass_last: float
    alarm_imminence_weight: float
    clash_to_war: float
    tension_weight: float
    audience_weight: float
    clash_shock: float
    # war
    balance_rate: float
    balance_noise: float
    defeat_threshold: float
    nuclear_hazard: float
    defeat_multiplier: float
    ceasefire_rate: float
    false_alarm_nuclear: float
    # talks and agreements (docs/model.md, section 7)
    agreement_rate: float
    tension_damping: float
    concession_boost: float
    talks_open: bool
    talks_window_days: float
    breakdown_rate: float
    agreement_calm: float
    conceder: int  # the principal whose steps an agreement's depth measures
    agreement_floor: float  # the demander's least acceptable depth
    ceiling_base: float
    ceiling_pressure: float
    ceiling_capability: float
    agreement_relief: float
    freeze_active: bool
    freeze_terms: BoolArray  # (2, n_actions)
    freeze_breach_rate: float
    face_saving_exit: bool
    # burn-in
    prelude_forced: np.ndarray  # (prelude_days, 2) action index imposed per day, -1 = free
    prelude_reveals: (
        np.ndarray
    )  # (prelude_days, 2, 2) capability [reach, warhead] learnt that day, NaN = none
    prelude_model: CompiledScenario | None  # the world the prelude ran in (before any lever); None = this

    @property
    def prelude_days(self) -> int:
        return int(self.prelude_forced.shape[0])

    @property
    def max_delay_days(self) -> int:
        """Ring-buffer length needed for delayed private messages."""
        delays = [self.direct_delay if self.direct_enabled else 0.0]
        if self.mediated_enabled:
            delays.append(self.mediated_delay)
        return int(np.ceil(max(delays))) + 1

    @property
    def n_third_party_acts(self) -> int:
        return int(self.third_party_acts.rate.shape[0])


def _action_mask(predicate: object) -> np.ndarray:
    return np.array([bool(predicate(action)) for action in ACTIONS])  # type: ignore[operator]


def _voices(principal: Principal) -> tuple[float, float]:
    """Weighted mean and spread of the voices' hawkishness (inconsistent voices add noise)."""
    weights = np.array([voice.weight for voice in principal.voices])
    hawkishness = np.array([voice.hawkishness for voice in principal.voices])
    weights = weights / weights.sum()
    mean = float(weights @ hawkishness)
    spread = float(np.sqrt(weights @ (hawkishness - mean) ** 2))
    return mean, spread


def strategy_of(principal: Principal) -> Strategy:
    """The principal's influence strategy (no change of weights when it declares none)."""
    return STRATEGIES[principal.strategy] if principal.strategy else Strategy("as declared", "")


def strategy_weight(decision: Decision, principal: Principal, name: str) -> float:
    """The principal's own decision weight ``name``: the shared one scaled by its strategy (Leng 1993);
    ``generosity`` is replaced where the strategy sets one."""
    strategy = strategy_of(principal)
    if name == "generosity":
        return decision.generosity if strategy.generosity is None else strategy.generosity
    return float(getattr(decision, name)) * float(getattr(strategy, name))


def _prelude_schedule(scenario: ScenarioFile) -> tuple[np.ndarray, np.ndarray]:
    """Over the prelude: ``(days, 2)`` imposed action indices (-1 = free; the last event of a day wins)
    and ``(days, 2, 2)`` capabilities revealed (NaN = none)."""
    prelude = scenario.prelude
    days = 0 if prelude is None else (scenario.start_date - prelude.start_date).days
    forced = np.full((days, 2), -1, dtype=np.int64)
    reveals = np.full((days, 2, 2), np.nan)
    if prelude is None:
        return forced, reveals
    for event in sorted(prelude.events, key=lambda e: e.date):
        day, actor = (event.date - prelude.start_date).days, scenario.principals.index(event.actor)
        forced[day, actor] = ACTION_INDEX[event.action]
        if event.reveals is not None:
            reveals[day, actor] = (event.reveals.reach, event.reveals.warhead)
    return forced, reveals


def _resolve_types(alpha: np.ndarray, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median of each Beta prior, and the conditional means below and above it, ``(2,)`` and ``(2, 2)``.

    An observer reasons about two resolve types (Powell 1990; Fearon 1994): the lower and the upper half
    of the prior, each represented by its mean. E[X | X < m] = F_{a+1,b}(m) * a / (a + b) / 0.5.
    """
    median = stats.beta.ppf(0.5, alpha, beta)
    mean = alpha / (alpha + beta)
    below = stats.beta.cdf(median, alpha + 1.0, beta) * mean / 0.5
    above = (mean - 0.5 * below) / 0.5
    return median, np.stack([below, above], axis=-1)


def compile_scenario(scenario: ScenarioFile, prelude_world: ScenarioFile | None = None) -> CompiledScenario:
    """Turn a validated scenario into the kernel's arrays.

    ``prelude_world``: the scenario before any lever was applied. A lever acts from the start date; the
    burn-in through the prelude runs in the world as it was (docs/model.md, "No start-up transient").
    """
    principals: list[Principal] = []
    for name in scenario.principals:
        actor = scenario.actors[name]
        assert isinstance(actor, Principal)  # guaranteed by the schema's validator
        principals.append(actor)

    def per_principal(getter: object) -> np.ndarray:
        return np.array([getter(p) for p in principals], dtype=float)  # type: ignore[operator]

    repertoire = np.zeros((2, N_ACTIONS), dtype=bool)
    freeze_terms = np.zeros((2, N_ACTIONS), dtype=bool)
    for i, principal in enumerate(principals):
        for action in principal.repertoire:
            repertoire[i, ACTION_INDEX[action]] = True
        for action in scenario.freeze.terms.get(scenario.principals[i], []):
            freeze_terms[i, ACTION_INDEX[action]] = True
    voices = [_voices(p) for p in principals]

    kinds: list[int] = []
    rates: list[float] = []
    strengths: list[float] = []
    targets: list[list[float]] = []
    mediators = [a for a in scenario.actors.values() if isinstance(a, ThirdParty) and a.role == "mediator"]
    active_mediators = [m for m in mediators if m.active]
    rule_act: list[int] = []
    rule_condition: list[int] = []
    rule_by: list[list[bool]] = []
    rule_window: list[float] = []
    rule_level: list[float] = []
    rule_rate: list[float] = []
    for actor in scenario.actors.values():
        if not isinstance(actor, ThirdParty):
            continue
        for act in actor.acts:
            for response in act.responses:
                rule_act.append(len(kinds))
                if response.after is not None:
                    rule_condition.append(RESPONSE_CONDITIONS.index(response.after))
                elif response.tension_above is not None:
                    rule_condition.append(RESPONSE_CONDITIONS.index("tension_above"))
                else:
                    rule_condition.append(RESPONSE_CONDITIONS.index("locked_in_above"))
                rule_by.append([response.by in (None, name) for name in scenario.principals])
                rule_window.append(float(response.within_days))
                rule_level.append(float(response.tension_above or response.locked_in_above or 0.0))
                rule_rate.append(response.rate if actor.active else 0.0)
            kinds.append(THIRD_PARTY_ACT_KINDS.index(act.kind))
            rates.append(act.rate if actor.active else 0.0)
            strengths.append(act.strength)
            if act.target is None:
                targets.append([1.0, 1.0])
            else:
                targets.append([float(act.target == name) for name in scenario.principals])
    acts = ThirdPartyActs(
        kind=np.array(kinds, dtype=np.int64),
        rate=np.array(rates, dtype=float),
        strength=np.array(strengths, dtype=float),
        target=np.array(targets, dtype=float).reshape(-1, 2),
        responses=ThirdPartyResponses(
            act=np.array(rule_act, dtype=np.int64),
            condition=np.array(rule_condition, dtype=np.int64),
            by=np.array(rule_by, dtype=bool).reshape(-1, 2),
            within_days=np.array(rule_window, dtype=float),
            level=np.array(rule_level, dtype=float),
            rate=np.array(rule_rate, dtype=float),
        ),
    )
    # The most trusted active mediator carries the mediated channel; boosts add up.
    best = max(active_mediators, key=lambda m: m.channel.trust if m.channel else 0.0, default=None)
    best_channel = best.channel if best is not None else None
    agreement = scenario.agreement

    resolve_median, resolve_types = _resolve_types(
        per_principal(lambda p: p.resolve.alpha), per_principal(lambda p: p.resolve.beta)
    )
    jumps = scenario.loss_of_control.threshold_jump
    stages = scenario.false_alarms.pass_through
    kind = [action.kind for action in ACTIONS]
    compiled = CompiledScenario(
        source=scenario,
        principal_names=(scenario.principals[0], scenario.principals[1]),
        horizon_days=scenario.horizon_days,
        action_rung=np.array([a.rung for a in ACTIONS], dtype=float),
        action_hostility=np.array([a.hostility for a in ACTIONS], dtype=float),
        action_cost=np.array(
            [
                scenario.decision.action_costs.get(a.name, a.cost)
                + (0.0 if a.name == "hold" else scenario.decision.activity_cost)
                for a in ACTIONS
            ],
            dtype=float,
        ),
        action_public=_action_mask(lambda a: a.channel == "public"),
        action_military=_action_mask(lambda a: a.kind in ("military", "test", "attack")),
        action_is_concession=_action_mask(lambda a: a.kind == "concession"),
        action_is_threat_public=_action_mask(lambda a: a.name == "public_threat"),
        action_is_force_public=_action_mask(lambda a: a.name in ("show_of_force", "mobilisation")),
        action_is_attack_clash=_action_mask(lambda a: a.name in ("harassment", "limited_strike")),
        action_is_war=_action_mask(lambda a: a.name == "conventional_war"),
        action_is_talks=_action_mask(lambda a: a.name == "propose_talks"),
        action_is_freeze_proposal=_action_mask(lambda a: a.name == "propose_freeze"),
        action_is_private=_action_mask(lambda a: a.channel == "private"),
        action_is_partial_backdown=_action_mask(lambda a: a.name in ("propose_talks", "propose_freeze")),
        action_is_provocation=np.array([k in ("rhetoric", "test", "military") for k in kind]),
        action_is_missile_test=_action_mask(lambda a: a.name == "missile_test"),
        action_is_nuclear_test=_action_mask(lambda a: a.name == "nuclear_test"),
        action_is_recorded=_action_mask(lambda a: a.kind in ("test", "military", "attack")),
        repertoire=repertoire,
        coordination=per_principal(lambda p: p.coordination),
        voice_bias=np.array([v[0] for v in voices]),
        voice_spread=np.array([v[1] for v in voices]),
        resolve_alpha=per_principal(lambda p: p.resolve.alpha),
        resolve_beta=per_principal(lambda p: p.resolve.beta),
        p_greedy=per_principal(lambda p: p.p_greedy),
        sensitivity_low=per_principal(lambda p: p.audience_sensitivity.low),
        sensitivity_high=per_principal(lambda p: p.audience_sensitivity.high),
        precision=per_principal(lambda p: p.precision * strategy_of(p).precision),
        war_cost=per_principal(lambda p: p.war_cost),
        military_strength=per_principal(lambda p: p.military_strength),
        capability_reach=per_principal(lambda p: p.capability.reach),
        capability_warhead=per_principal(lambda p: p.capability.warhead),
        initial_pressure=per_principal(lambda p: p.initial.pressure),
        resolve_median=resolve_median,
        resolve_types=resolve_types,
        public_noise=scenario.channels.public.noise,
        direct_enabled=scenario.channels.direct.enabled,
        direct_noise=scenario.channels.direct.noise,
        direct_delay=scenario.channels.direct.delay_days,
        direct_verify=scenario.channels.direct.verify if scenario.channels.direct.enabled else 0.0,
        mediated_enabled=best_channel is not None,
        mediated_noise=best_channel.noise if best_channel else 0.0,
        mediated_delay=best_channel.delay_days if best_channel else 0.0,
        mediated_trust=best_channel.trust if best_channel else 0.0,
        mediated_face_saving=best_channel.face_saving if best_channel else 0.0,
        mediator_agreement_boost=float(sum(m.agreement_boost for m in active_mediators)),
        third_party_acts=acts,
        hostile_bias=scenario.perception.hostile_bias,
        misread_margin=scenario.perception.misread_margin,
        imminence_threshold=scenario.perception.imminence_threshold,
        imminence_scale=scenario.perception.imminence_scale,
        tremble=scenario.beliefs.tremble,
        tension_calm=scenario.tension.calm,
        tension_decay=float(0.5 ** (1.0 / scenario.tension.half_life_days)),
        tension_amplification=scenario.tension.amplification,
        missile_test_gain=scenario.capability_growth.missile_test,
        nuclear_test_gain=scenario.capability_growth.nuclear_test,
        coercion=per_principal(lambda p: strategy_weight(scenario.decision, p, "coercion")),
        risk_aversion=scenario.decision.risk_aversion,
        risk_window_days=scenario.decision.risk_window_days,
        reciprocity=per_principal(lambda p: strategy_weight(scenario.decision, p, "reciprocity")),
        generosity=per_principal(lambda p: strategy_weight(scenario.decision, p, "generosity")),
        greed=scenario.decision.greed,
        preemption=scenario.decision.preemption,
        preventive=scenario.decision.preventive,
        credibility=scenario.decision.credibility,
        commitment=scenario.decision.commitment,
        talks_value=per_principal(lambda p: strategy_weight(scenario.decision, p, "talks_value")),
        desperation=scenario.decision.desperation,
        stress=scenario.decision.stress,
        threat_gain=scenario.audience_costs.threat_gain,
        force_gain=scenario.audience_costs.force_gain,
        standing_gain=scenario.audience_costs.standing_gain,
        audience_decay=scenario.audience_costs.decay,
        partial_backdown_share=scenario.audience_costs.partial_backdown_share,
        hazard_base=scenario.loss_of_control.base,
        hazard_growth=scenario.loss_of_control.growth,
        hazard_tension_growth=scenario.loss_of_control.tension_growth,
        posture_decay=scenario.loss_of_control.posture_decay,
        action_incident=np.array(
            [scenario.loss_of_control.action_incident.get(a.name, 0.0) for a in ACTIONS], dtype=float
        ),
        threshold_rungs=np.array([t.below_rung for t in THRESHOLDS], dtype=float),
        threshold_jumps=np.array([jumps.get(t.name, 1.0) for t in THRESHOLDS], dtype=float),
        alarm_rate=scenario.false_alarms.rate_per_day,
        alarm_crisis_multiplier=scenario.false_alarms.crisis_multiplier,
        alarm_pass_early=float(np.prod(stages[:-1])) if len(stages) > 1 else 1.0,
        alarm_pass_last=stages[-1],
        alarm_imminence_weight=scenario.false_alarms.imminence_weight,
        clash_to_war=scenario.escalation.clash_to_war,
        tension_weight=scenario.escalation.tension_weight,
        audience_weight=scenario.escalation.audience_weight,
        clash_shock=scenario.escalation.clash_shock,
        balance_rate=scenario.war.balance_rate,
        balance_noise=scenario.war.balance_noise,
        defeat_threshold=scenario.war.defeat_threshold,
        nuclear_hazard=scenario.war.nuclear_hazard,
        defeat_multiplier=scenario.war.defeat_multiplier,
        ceasefire_rate=scenario.war.ceasefire_rate,
        false_alarm_nuclear=scenario.war.false_alarm_nuclear,
        agreement_rate=agreement.base_rate,
        tension_damping=agreement.tension_damping,
        concession_boost=agreement.concession_boost,
        talks_open=agreement.talks_open,
        talks_window_days=agreement.talks_window_days,
        breakdown_rate=agreement.breakdown_rate,
        agreement_calm=agreement.calm,
        conceder=scenario.principals.index(agreement.terms.conceder),
        agreement_floor=agreement.terms.floor,
        ceiling_base=agreement.terms.ceiling.base,
        ceiling_pressure=agreement.terms.ceiling.pressure,
        ceiling_capability=agreement.terms.ceiling.capability,
        agreement_relief=agreement.terms.relief,
        freeze_active=scenario.freeze.active,
        freeze_terms=freeze_terms,
        freeze_breach_rate=scenario.freeze.breach_rate,
        face_saving_exit=scenario.face_saving_exit,
        prelude_forced=_prelude_schedule(scenario)[0],
        prelude_reveals=_prelude_schedule(scenario)[1],
        prelude_model=None,
    )
    if prelude_world is not None and prelude_world != scenario:
        if prelude_world.prelude != scenario.prelude or prelude_world.start_date != scenario.start_date:
            raise ValueError("prelude_world must share the scenario's prelude and start date")
        compiled = replace(compiled, prelude_model=compile_scenario(prelude_world))
    return compiled


def same_model(a: CompiledScenario, b: CompiledScenario) -> bool:
    """Whether ``a`` and ``b`` are one model to the engine: every compiled field equal, arrays element by
    element, the scenario files they were compiled from aside (a lever that sets what the scenario already
    has gives a different file and the same model: maximum pressure in korea-2017)."""
    return _equal(a, b)


def _equal(x: Any, y: Any) -> bool:
    if is_dataclass(x) and not isinstance(x, type):
        return type(x) is type(y) and all(
            _equal(getattr(x, f.name), getattr(y, f.name)) for f in fields(x) if f.name != "source"
        )
    if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
        u, v = np.asarray(x), np.asarray(y)
        floats = u.dtype.kind == v.dtype.kind == "f"  # NaN: "none" (a capability not revealed that day)
        return bool(np.array_equal(u, v, equal_nan=floats))
    if isinstance(x, tuple | list):
        same_length = type(x) is type(y) and len(x) == len(y)
        return same_length and all(_equal(u, v) for u, v in zip(x, y, strict=True))
    return bool(x == y)
