"""The vectorised kernel: advances every path of a :class:`CrisisState` by one day.

This is the only place where time advances. Each day, for every path in crisis:

1. each principal decides by quantal response from its own state (actions may be imposed from outside:
   the prelude, history replay, a human player, an agent);
2. a freeze in force may be breached at its declared rate; a breach is seen and ends the freeze;
3. postures, audience costs, concessions, talks and freeze proposals are updated; tests raise capability;
4. signals travel: public readings now, private ones through the direct or mediated channel with delay;
5. third parties act (sanctions, calls for restraint, pressing for talks);
6. each side's tension stock (perceived, and true beside it) takes in what it read; each side's belief
   over the other's types is updated by Bayes' rule from the other's public move;
7. chance: an uncontrolled incident, false alarms through the assessment chain, chosen attacks; a clash
   may become war (a war through misperception on the path is *miscalculation*); otherwise open talks
   may reach an agreement where a bargaining range exists, and an agreement in force may break down.
   An agreement does not end the crisis: the path stays in it, at lower risk, until war or the horizon.

Paths at war step their war instead: the balance of the fighting moves, a side losing with no exit is
likelier to use nuclear weapons (Kennedy's maxim), and the war may end in a ceasefire.

Mechanisms live in :mod:`brinkmanship.model`; docs/model.md gives the equations and their sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from brinkmanship.engine import randomness as rnd
from brinkmanship.engine.state import (
    ACCIDENT,
    ACTIVE,
    AT_WAR,
    DELIBERATE,
    FALSE_ALARM,
    MISCALCULATION,
    NEVER,
    WAR_OVER,
    CrisisState,
)
from brinkmanship.model import audience as audience_model
from brinkmanship.model import bargaining, beliefs, capability, decisions, hazards, perception, war
from brinkmanship.model import tension as tension_model
from brinkmanship.model.ladder import ACTION_INDEX, N_ACTIONS
from brinkmanship.scenario.compiled import (
    MISSILE_TEST_SLOT,
    NUCLEAR_TEST_SLOT,
    RESPONSE_CONDITIONS,
    THIRD_PARTY_ACT_KINDS,
    CompiledScenario,
)

SANCTIONS, RESTRAINT_CALL, PRESS_TALKS = range(len(THIRD_PARTY_ACT_KINDS))
TENSION_ABOVE = RESPONSE_CONDITIONS.index("tension_above")
PRESSURE_DECAY = 0.995
"""Economic pressure halves in about 140 days without new sanctions (a judgement; see docs/model.md)."""
CONCESSION_PRIVATE = ACTION_INDEX["concession_private"]
HOLD = ACTION_INDEX["hold"]
CONCESSION_MEMORY = 0.9
"""Recent-concession count kept from day to day (a concession counts for about ten days)."""
NO_PROPOSAL = -10_000
"""The day of a proposal never made (far before any window)."""
FIXED_POINT = 1_000_000
"""Continuous per-path quantities are summed as integers of 1e-6 units, so that totals do not depend on
how paths are chunked (floating-point addition is not associative)."""
FORCED_FLOOR = 1e-12
"""Least probability a recorded move is given in the replay's weights (an action no path would take, e.g.
one frozen or outside the repertoire, weighs every path alike rather than zeroing all of them)."""


@dataclass
class DayLog:
    """Aggregates of one day over the paths stepped (integers, so sums are exact in any order)."""

    active: int = 0
    actions: np.ndarray = field(default_factory=lambda: np.zeros((2, N_ACTIONS), dtype=np.int64))
    misreadings: int = 0
    readings: int = 0
    false_alarms: int = 0
    freeze_breaches: np.ndarray = field(default_factory=lambda: np.zeros(2, dtype=np.int64))
    freeze_days: int = 0
    audience_stock: int = 0  # in micro-units (FIXED_POINT): integer sums are exact in any order
    lock_in: int = 0
    tension: int = 0  # micro-units, summed over active paths
    war_days: int = 0  # path-days of a war still running
    clash_events: np.ndarray = field(default_factory=lambda: np.zeros(2, dtype=np.int64))
    """Armed clashes of the day (repeats included): [uncontrolled incidents, chosen clashes]."""
    war_triggers: np.ndarray = field(default_factory=lambda: np.zeros(4, dtype=np.int64))
    """Wars begun today by trigger: [incident escalated, chosen clash escalated, chosen war, false alarm]."""
    agreement_days: int = 0  # paths in crisis with an agreement in force at the start of the day


def fixed_point_sum(values: np.ndarray) -> int:
    """Sum in integer micro-units (exact and order-independent)."""
    return int(np.round(values * FIXED_POINT).astype(np.int64).sum())


def _private_channel(model: CompiledScenario) -> tuple[bool, float, float, float]:
    """The best private channel: (available, noise, delay in days, weight of what arrives)."""
    if model.direct_enabled:
        return True, model.direct_noise, model.direct_delay, 1.0
    if model.mediated_enabled:
        return True, model.mediated_noise, model.mediated_delay, model.mediated_trust
    return False, 0.0, 0.0, 0.0


def available_actions(model: CompiledScenario, freeze_on: np.ndarray) -> np.ndarray:
    """Which actions each principal may take, action-major: ``(n_actions, n, 2)``, or ``(n_actions, 1, 2)``
    where no freeze is in force on any path."""
    has_private, _, _, _ = _private_channel(model)
    base = (model.repertoire & (has_private | ~model.action_is_private)).T[:, None, :]
    if not freeze_on.any():
        return base
    return base & ~(freeze_on[None, :, None] & model.freeze_terms.T[:, None, :])


def availability_penalty(available: np.ndarray) -> np.ndarray:
    """0 where an action is available, -inf where not: added to scaled utilities before the logit."""
    return np.where(available, 0.0, -np.inf)


def observed_move(model: CompiledScenario) -> np.ndarray:
    """What the other side sees of each action, ``(n_actions,)``: the action itself - a public move in
    public, a private one through the channel that carries it (a private move needs one)."""
    return np.arange(N_ACTIONS)


def clarification(model: CompiledScenario) -> float:
    """Share of a reading's error a direct channel removes (each side can ask what a move meant)."""
    return model.direct_verify if model.direct_enabled else 0.0


def third_party_push(fired: np.ndarray, model: CompiledScenario, kind: int) -> np.ndarray:
    """What the acts of one kind that fired today do to each principal, ``(n, 2)``: the sum over acts,
    in their order, of strength times target weight (``fired`` is ``(n, n_acts)``)."""
    acts = model.third_party_acts
    out = np.zeros((fired.shape[0], 2))
    for j in np.flatnonzero(acts.kind == kind):
        out += (fired[:, j] * acts.strength[j])[:, None] * acts.target[j]
    return out


def act_probabilities(model: CompiledScenario, state: CrisisState, tension_now: np.ndarray) -> np.ndarray:
    """Each third-party act's chance today, ``(n, n_acts)``, from the state at the start of the day.

    An act happens at its ``rate``; while some of its response rules hold, at
    ``1 - (1 - rate) * prod(1 - rule rate)`` over those rules, in their order (independent chances). A
    test rule holds for ``within_days`` days after the test day of a principal it watches; a tension rule
    while ``tension_now`` exceeds its level; a lock-in rule while both audience-cost stocks do.
    """
    acts = model.third_party_acts
    rules = acts.responses
    n = state.n_paths
    plain = np.broadcast_to(acts.rate, (n, acts.rate.size))
    if rules.act.size == 0:
        return plain
    keep = np.broadcast_to(1.0 - acts.rate, (n, acts.rate.size)).copy()
    responding = np.zeros((n, acts.rate.size), dtype=bool)
    for r in range(rules.act.size):
        condition = rules.condition[r]
        if condition in (MISSILE_TEST_SLOT, NUCLEAR_TEST_SLOT):
            since = state.day - state.last_test_day[:, :, condition]
            holds = ((since <= rules.within_days[r]) & rules.by[r]).any(axis=1)
        elif condition == TENSION_ABOVE:
            holds = tension_now > rules.level[r]
        else:
            holds = state.audience.min(axis=1) > rules.level[r]
        j = rules.act[r]
        keep[:, j] = np.where(holds, keep[:, j] * (1.0 - rules.rate[r]), keep[:, j])
        responding[:, j] |= holds
    return np.where(responding, 1.0 - keep, plain)


def decision_inputs(
    model: CompiledScenario, state: CrisisState, fired: np.ndarray
) -> decisions.DecisionInputs:
    """What each principal decides from at the start of the day (step 1), for every path of ``state``:
    beliefs, imminence, tension, the chance that a clash becomes war, pressure (with the third parties'
    pressing for talks among ``fired``, ``(n, n_acts)`` bool: the acts that happen today)."""
    post = state.posterior
    belief_greedy = beliefs.greed(post)
    tension_now = tension_model.tension(state.perceived)
    return decisions.DecisionInputs(
        level=state.level,
        sensitivity=state.sensitivity,
        audience=state.audience,
        belief_greedy=belief_greedy,
        belief_resolute=beliefs.resolve(post),
        perceived=state.perceived,
        imminence=perception.imminence(
            belief_greedy, state.perceived, model.imminence_threshold, model.imminence_scale
        ),
        pressure=state.pressure,
        pressed=third_party_push(fired, model, PRESS_TALKS),
        threat=capability.threat(state.reach, state.warhead)[:, ::-1],
        tension=tension_now,
        p_war_clash=hazards.clash_to_war(
            model.clash_to_war,
            model.tension_weight,
            tension_now,
            model.audience_weight,
            state.audience.mean(axis=1),
        ),
        incident_checked=clarification(model),
    )


class ChoiceTables(NamedTuple):
    """Each principal's choice table today (step 1; :func:`choice_tables`)."""

    parts: decisions.UtilityParts
    utilities: np.ndarray
    """``(N_ACTIONS, n, 2)``: the utility of each action to each principal, of its own type."""
    available: np.ndarray
    """``(N_ACTIONS, n, 2)`` bool: open today."""
    penalty: np.ndarray
    """0 where open, -inf where not."""
    precision: np.ndarray
    """``(n, 2)``: the logit's precision today (lower under stress)."""
    weights: np.ndarray
    """``(N_ACTIONS, n, 2)``: the logit weights (unnormalised; 0 where not open)."""


def choice_tables(
    model: CompiledScenario, state: CrisisState, inputs: decisions.DecisionInputs
) -> ChoiceTables:
    """Each principal's choice table today, from :func:`decision_inputs` for the same ``state``."""
    parts = decisions.utility_parts(model, inputs)
    utilities = parts.utilities(state.greedy, state.resolve)
    available = available_actions(model, state.freeze_on)
    penalty = availability_penalty(available)
    precision = model.precision / (1.0 + model.stress * inputs.tension[:, None])
    weights = decisions.choice_weights(utilities, penalty, precision)
    return ChoiceTables(parts, utilities, available, penalty, precision, weights)


def war_step(model: CompiledScenario, state: CrisisState, uniforms: np.ndarray, normals: np.ndarray) -> int:
    """One day of every war still running (Kennedy's maxim: :mod:`brinkmanship.model.war`); returns how
    many paths were at war."""
    fighting = state.status == AT_WAR
    count = int(fighting.sum())
    if count == 0:
        return 0
    t = state.day
    drift = war.balance_drift(model.military_strength, model.balance_rate)
    balance = state.war_balance + drift + model.balance_noise * normals[:, rnd.Z_WAR]
    hazard = war.nuclear_hazard(
        model.nuclear_hazard,
        model.defeat_multiplier,
        war.losing(balance, model.defeat_threshold),
        model.face_saving_exit,
    )
    nuclear = fighting & (uniforms[:, rnd.U_NUCLEAR] < hazard)
    ceasefire = fighting & ~nuclear & (uniforms[:, rnd.U_CEASEFIRE] < model.ceasefire_rate)
    state.war_balance = np.where(fighting, balance, state.war_balance)
    state.nuclear_day = np.where(nuclear, t, state.nuclear_day).astype(np.int32)
    state.status = np.where(nuclear | ceasefire, WAR_OVER, state.status).astype(np.int8)
    return count


def step(
    model: CompiledScenario,
    state: CrisisState,
    uniforms: np.ndarray,
    normals: np.ndarray,
    forced: np.ndarray | None = None,
    chance: bool = True,
    weigh_forced: bool = False,
) -> DayLog:
    """Advance ``state`` by one day in place and return the day's aggregates.

    Args:
        model: the compiled scenario (with any levers applied).
        state: the paths; those in crisis (ACTIVE) step the crisis, those AT_WAR step their war.
        uniforms: ``(n, n_uniforms)`` draws in [0, 1), laid out as in :mod:`randomness`.
        normals: ``(n, N_NORMALS)`` standard normal draws.
        forced: optional ``(n, 2)`` or ``(2,)`` action indices imposed on principals; -1 leaves them free.
        chance: False in the prelude: nobody attacks and nothing absorbing happens (history says nothing
            did), but postures, tension, capability, audience costs and beliefs evolve.
        weigh_forced: with ``chance`` False, also add to ``history_loglik`` the log-probability that each
            principal would have chosen its imposed action (the replay's particle filter; the prelude's
            burn-in does not).
    """
    t = state.day
    n = state.n_paths
    log = DayLog()
    if chance:
        log.war_days = war_step(model, state, uniforms, normals)
    active = state.status == ACTIVE
    log.active = int(active.sum())

    # 1. Decide.
    tension_now = tension_model.tension(state.perceived)
    acts = model.third_party_acts
    fired = uniforms[:, rnd.U_FIXED : rnd.U_FIXED + acts.rate.size] < act_probabilities(
        model, state, tension_now
    )
    verify = clarification(model)
    inputs = decision_inputs(model, state, fired)
    post, belief_greedy, imminence = state.posterior, inputs.belief_greedy, inputs.imminence
    parts, utilities, available, penalty, precision, weights = choice_tables(model, state, inputs)
    if not chance:
        # The prelude: its record of tests, military moves and attacks is complete, so free choices are
        # among the rest; the history's likelihood counts the chance that the path attacked (it did not).
        attack_mask = (model.action_is_attack_clash | model.action_is_war)[:, None, None]
        if weigh_forced:
            # The replay's filter: the probability of what the record says each principal did - its
            # imposed move, or on a day with none, none of the kinds the record lists completely.
            imposed = np.broadcast_to(-1 if forced is None else forced, (n, 2))
            total = weights.sum(axis=0)
            chosen = np.take_along_axis(weights, np.maximum(imposed, 0)[None], axis=0)[0]
            p_imposed = np.maximum(chosen / total, FORCED_FLOOR)
            recorded = (model.action_is_recorded | attack_mask[:, 0, 0])[:, None, None]
            p_recorded = (weights * recorded).sum(axis=0) / total
            p_record = np.where(imposed >= 0, np.log(p_imposed), np.log1p(-np.minimum(p_recorded, 0.999999)))
            state.history_loglik += np.where(active, p_record.sum(axis=-1), 0.0)
        else:
            p_attack = (weights * attack_mask).sum(axis=0) / weights.sum(axis=0)
            state.history_loglik += np.where(
                active, np.log1p(-np.minimum(p_attack, 0.999999)).sum(axis=-1), 0.0
            )
        weights = weights * ~model.action_is_recorded[:, None, None]
    choice = decisions.sample_choice(weights, uniforms[:, list(rnd.U_CHOICE)])
    if not chance:
        # Where every free choice is vanishingly unlikely beside a recorded one (extreme precision), the
        # free choice is to hold.
        choice = np.where(weights.sum(axis=0) > 0.0, choice, HOLD)

    # 2. Freeze breaches: the breaching side takes its most valued frozen action.
    if model.freeze_terms.any() and state.freeze_on.any():
        breach = (
            state.freeze_on[:, None]
            & model.freeze_terms.any(axis=1)
            & (uniforms[:, list(rnd.U_BREACH)] < model.freeze_breach_rate)
        )
        rows = np.flatnonzero(breach.any(axis=1))  # breaches are rare: look only at those paths
        if rows.size:
            frozen = (model.freeze_terms & model.repertoire).T[:, None, :]
            frozen_utility = np.where(frozen, utilities[:, rows], -np.inf)
            choice[rows] = np.where(breach[rows], frozen_utility.argmax(axis=0), choice[rows])
        breach_any = breach.any(axis=1)
        log.freeze_days = int((state.freeze_on & active).sum())
        log.freeze_breaches = (breach & active[:, None]).sum(axis=0).astype(np.int64)
    else:
        breach_any = np.zeros(n, dtype=bool)
    # An agreement in force breaks down at its declared rate, or at once on a breach of its freeze.
    agreement_before = state.agreement_on
    breaks = chance & agreement_before & (breach_any | (uniforms[:, rnd.U_BREAKDOWN] < model.breakdown_rate))
    log.agreement_days = int((agreement_before & active).sum())

    # A strike chosen while reading the other as more hostile than it is can, over a direct channel,
    # first be checked with that side: with probability `verify` the check shows the misreading and the
    # strike is called off (the side holds).
    attack = model.action_is_attack_clash[choice] | model.action_is_war[choice]
    misreading = state.perceived - state.true_hostility > model.misread_margin
    if verify > 0.0:
        called_off = attack & misreading & (uniforms[:, list(rnd.U_CHECK)] < verify)
        choice = np.where(called_off, HOLD, choice)
    if not chance:
        choice = np.where(attack, HOLD, choice)
    if forced is not None:
        forced = np.broadcast_to(forced, (n, 2))
        choice = np.where(forced >= 0, forced, choice)

    # 3. Postures, audience costs, proposals, capability.
    rung = model.action_rung[choice]
    is_public = model.action_public[choice]
    level = np.maximum(rung, np.maximum(state.level - model.posture_decay, 1.0))
    concession = model.action_is_concession[choice]
    audience = audience_model.update_audience_stock(
        state.audience,
        model.action_is_threat_public[choice],
        model.action_is_force_public[choice],
        concession & is_public,
        level,
        model.threat_gain,
        model.force_gain,
        model.standing_gain,
        model.audience_decay,
    )
    recent_concessions = CONCESSION_MEMORY * state.recent_concessions + concession
    last_talks_day = np.where(model.action_is_talks[choice], t, state.last_talks_day)
    last_freeze_day = np.where(model.action_is_freeze_proposal[choice], t, state.last_freeze_day)
    window = model.talks_window_days
    # Talks that produced an agreement close when it breaks down: new talks need two new proposals.
    talks_open = (state.talks_open & ~breaks) | (last_talks_day.min(axis=1) > t - window)
    freeze_agreed = (last_freeze_day.min(axis=1) > t - window) & bool(model.freeze_terms.any())
    freeze_on = (state.freeze_on | freeze_agreed) & ~breach_any & ~breaks
    # Proposals that formed a freeze are spent: after a breach, a freeze needs two new proposals.
    last_freeze_day = np.where(freeze_agreed[:, None], NO_PROPOSAL, last_freeze_day)
    reach, warhead = capability.demonstrate(
        state.reach,
        state.warhead,
        model.action_is_missile_test[choice],
        model.action_is_nuclear_test[choice],
        model.missile_test_gain,
        model.nuclear_test_gain,
    )

    # 4. Signals. Principal i's move is read by the other side (index 1 - i).
    truth = np.where(is_public, model.action_hostility[choice], 0.0)
    military = np.where(is_public, model.action_military[choice], False)
    noise = perception.public_signal_noise(model.public_noise, model.coordination, model.voice_spread)
    clarify = clarification(model)
    public_reading = perception.read_public(
        truth,
        military,
        model.hostile_bias,
        model.voice_bias,
        model.coordination,
        noise,
        normals[:, list(rnd.Z_PUBLIC)],
        clarify,
    )
    log.readings = int(2 * log.active)
    log.misreadings = int(((public_reading - truth > model.misread_margin) & active[:, None]).sum())
    inbox = [state.inbox_value.copy(), state.inbox_weight.copy(), state.inbox_true.copy()]
    slots = inbox[0].shape[0]
    has_private, private_noise, private_delay, private_weight = _private_channel(model)
    if has_private:
        sent = ~is_public
        message = model.action_hostility[choice]
        reading = message + private_noise * normals[:, list(rnd.Z_PRIVATE)]
        whole = int(np.floor(private_delay))
        delay = whole + (uniforms[:, list(rnd.U_DELAY)] < private_delay - whole)
        slot = (t + delay) % slots
        path_index = np.broadcast_to(np.arange(n)[:, None], (n, 2))
        reader = 1 - np.broadcast_to(np.arange(2)[None, :], (n, 2))  # i's message reaches 1 - i
        for box, value in zip(inbox, (reading, np.ones((n, 2)), message), strict=True):
            np.add.at(box, (slot, path_index, reader), np.where(sent, private_weight * value, 0.0))
    today = t % slots
    arrived_value, arrived_weight, arrived_true = (box[today].copy() for box in inbox)
    for box in inbox:
        box[today] = 0.0

    # 5. Third parties: sanctions add pressure, calls for restraint calm both sides.
    sanction_push = third_party_push(fired, model, SANCTIONS)
    calm = third_party_push(fired, model, RESTRAINT_CALL)
    pressure = PRESSURE_DECAY * state.pressure + sanction_push

    # 6. Tension and beliefs: what i read of the other side today (public, plus private arrivals).
    read = (public_reading[:, ::-1] + arrived_value) / (1.0 + arrived_weight)
    read_true = (truth[:, ::-1] + arrived_true) / (1.0 + arrived_weight)
    stock_args = (model.tension_calm, model.tension_decay, model.tension_amplification)
    # An agreement in force (since before today) calms both sides' readings a little each day.
    calm = calm + model.agreement_calm * agreement_before[:, None]
    perceived = tension_model.update_stock(state.perceived, read, *stock_args) - calm
    true_hostility = tension_model.update_stock(state.true_hostility, read_true, *stock_args) - calm

    # Bayes: each side weighs the other's move by how likely each of the other's types was to
    # make it, by the decision model itself, seen as if the other read this side's moves truly.
    shift = decisions.observer_shift(model, state.perceived, state.true_hostility, belief_greedy)
    type_weights = decisions.choice_weights(
        parts.type_utilities(model.resolve_types, shift), penalty[:, None], precision
    )
    seen = observed_move(model)
    likelihood = decisions.signal_likelihood(type_weights, seen, seen[choice])
    posterior = beliefs.update(post, likelihood[:, ::-1], model.tremble)

    # 7. Chance.
    tension_after = tension_model.tension(perceived)
    crisis_level = level.max(axis=1)
    hazard = hazards.loss_of_control_hazard(
        crisis_level,
        tension_after,
        model.hazard_base,
        model.hazard_growth,
        model.hazard_tension_growth,
        model.threshold_rungs,
        model.threshold_jumps,
    )
    p_incident = hazards.incident_probability(hazard, model.action_incident[choice])
    alarm_p = hazards.false_alarm_probability(model.alarm_rate, model.alarm_crisis_multiplier, crisis_level)
    acted_on = hazards.false_alarm_pass_through(
        model.alarm_pass_early, model.alarm_pass_last, model.alarm_imminence_weight, imminence, verify
    )
    if chance:
        incident = uniforms[:, rnd.U_INCIDENT] < p_incident
        alarm = uniforms[:, list(rnd.U_ALARM)] < alarm_p[:, None]
        log.false_alarms = int((alarm & active[:, None]).sum())
    else:
        # The prelude and the record: no incident happened and no false alarm was acted on; the history's
        # likelihood counts the chance each would have had.
        state.history_loglik += np.where(active, np.log1p(-np.minimum(p_incident, 0.999999)), 0.0)
        missed = np.log1p(-np.minimum(alarm_p[:, None] * acted_on, 0.999999))
        state.history_loglik += np.where(active, missed[:, 0] + missed[:, 1], 0.0)
        incident = np.zeros(n, dtype=bool)
        alarm = np.zeros((n, 2), dtype=bool)
    chose_clash = model.action_is_attack_clash[choice]
    chose_war = model.action_is_war[choice]
    alarm_war = alarm & (uniforms[:, list(rnd.U_ALARM_PASS)] < acted_on)

    # Clash to war: the chance at the true tension is the ordinary part; what the sides' misreadings add
    # on this path (less what a direct channel clarifies) is the miscalculation part.
    audience_after = audience.mean(axis=1)
    esc_args = (model.clash_to_war, model.tension_weight)
    p_true = hazards.clash_to_war(
        *esc_args, tension_model.tension(true_hostility), model.audience_weight, audience_after
    )
    p_perceived = hazards.clash_to_war(*esc_args, tension_after, model.audience_weight, audience_after)
    p_misread = hazards.split_escalation(p_true, p_perceived, clarify)
    # An incident can be checked with the other side through a direct channel before anyone escalates.
    checked = np.where(incident & ~chose_clash.any(axis=1), 1.0 - verify, 1.0)
    u_war = uniforms[:, rnd.U_WAR]
    clash = incident | chose_clash.any(axis=1)
    if chance:
        escalates_ordinary = clash & (u_war < p_true * checked)
        escalates_misread = clash & ~escalates_ordinary & (u_war < (p_true + p_misread) * checked)
    else:
        # Without chance (the record, the prelude) an imposed clash stayed short of war: history says so.
        # The path is weighed by the chance it would have (as for the incident above), not escalated; a
        # clash left to escalate would carry on unweighed past the record's days and take the filter over.
        p_escalate = np.where(clash, np.minimum((p_true + p_misread) * checked, 0.999999), 0.0)
        state.history_loglik += np.where(active, np.log1p(-p_escalate), 0.0)
        escalates_ordinary = np.zeros(n, dtype=bool)
        escalates_misread = np.zeros(n, dtype=bool)

    # Who started it and by which path (priority: chosen war, false alarm, chosen clash, incident). A
    # chosen attack is miscalculation when its initiator read the other as more hostile than it was.
    initiator_chosen = np.where(chose_war[:, 0] | chose_clash[:, 0], 0, 1)
    chosen_path = np.where(misreading[np.arange(n), initiator_chosen], MISCALCULATION, DELIBERATE)
    war_now = chose_war.any(axis=1) | alarm_war.any(axis=1) | escalates_ordinary | escalates_misread
    path = np.full(n, ACCIDENT, dtype=np.int8)
    path = np.where(chose_clash.any(axis=1), chosen_path, path)
    path = np.where(escalates_misread, MISCALCULATION, path)
    path = np.where(alarm_war.any(axis=1), FALSE_ALARM, path)
    path = np.where(chose_war.any(axis=1), chosen_path, path)
    initiator = np.where(
        chose_war.any(axis=1) | chose_clash.any(axis=1),
        initiator_chosen,
        np.where(alarm_war.any(axis=1), np.where(alarm_war[:, 0], 0, 1), NEVER),
    )
    # A war begun on a false alarm is a launch on warning: nuclear at once with its own chance.
    nuclear_at_once = (
        war_now & (path == FALSE_ALARM) & (uniforms[:, rnd.U_NUCLEAR] < model.false_alarm_nuclear)
    )

    # Agreement: open talks, no agreement in force, a bargaining range (Fearon 1995), and chance.
    c = model.conceder
    ceiling = bargaining.conceder_ceiling(
        model.ceiling_base,
        model.ceiling_pressure,
        model.ceiling_capability,
        pressure[:, c],
        reach[:, c] * warhead[:, c],
    )
    in_range, depth = bargaining.agreement_terms(model.agreement_floor, ceiling)
    agree_hazard = hazards.agreement_probability(
        model.agreement_rate,
        model.tension_damping,
        tension_after,
        model.concession_boost,
        recent_concessions.min(axis=1),
        model.mediator_agreement_boost,
    )
    in_force = agreement_before & ~breaks
    agrees = (
        chance & talks_open & ~war_now & ~in_force & in_range & (uniforms[:, rnd.U_AGREEMENT] < agree_hazard)
    )
    # The agreement puts the scenario's freeze in force and lifts sanctions in step with its depth.
    freeze_on = freeze_on | (agrees & bool(model.freeze_terms.any()))
    pressure[:, c] = np.where(
        agrees, bargaining.relieved_pressure(pressure[:, c], model.agreement_relief, depth), pressure[:, c]
    )

    log.clash_events = np.array(
        [int((incident & active).sum()), int((chose_clash.any(axis=1) & active).sum())], dtype=np.int64
    )
    went = active & war_now
    log.war_triggers = np.array(
        [
            int(
                (
                    went
                    & incident
                    & ~chose_clash.any(axis=1)
                    & ~chose_war.any(axis=1)
                    & ~alarm_war.any(axis=1)
                ).sum()
            ),
            int((went & chose_clash.any(axis=1) & ~chose_war.any(axis=1) & ~alarm_war.any(axis=1)).sum()),
            int((went & chose_war.any(axis=1)).sum()),
            int((went & alarm_war.any(axis=1) & ~chose_war.any(axis=1)).sum()),
        ],
        dtype=np.int64,
    )

    # Commit for paths in crisis only.
    a2 = active[:, None]
    shock = np.where((clash & ~war_now)[:, None], model.clash_shock, 0.0)
    state.level = np.where(a2, level, state.level)
    state.audience = np.where(a2, audience, state.audience)
    state.recent_concessions = np.where(a2, recent_concessions, state.recent_concessions)
    state.last_talks_day = np.where(a2, last_talks_day, state.last_talks_day)
    state.last_freeze_day = np.where(a2, last_freeze_day, state.last_freeze_day)
    tested = np.stack([model.action_is_missile_test[choice], model.action_is_nuclear_test[choice]], axis=-1)
    state.last_test_day = np.where(a2[:, :, None] & tested, t, state.last_test_day).astype(np.int32)
    state.pressure = np.where(a2, pressure, state.pressure)
    state.perceived = np.where(a2, perceived + shock, state.perceived)
    state.true_hostility = np.where(a2, true_hostility + shock, state.true_hostility)
    state.reach = np.where(a2, reach, state.reach)
    state.warhead = np.where(a2, warhead, state.warhead)
    state.posterior = np.where(active[:, None, None], posterior, state.posterior)
    state.inbox_value, state.inbox_weight, state.inbox_true = (
        np.where(active[None, :, None], box, old)
        for box, old in zip(inbox, (state.inbox_value, state.inbox_weight, state.inbox_true), strict=True)
    )
    state.talks_open = np.where(active, talks_open, state.talks_open)
    state.freeze_on = np.where(active, freeze_on, state.freeze_on)
    state.agreement_on = np.where(active, in_force | agrees, state.agreement_on)

    clash_now = active & (clash | war_now) & (state.clash_day == NEVER)
    state.clash_day = np.where(clash_now, t, state.clash_day)
    went_to_war = active & war_now
    state.war_day = np.where(went_to_war, t, state.war_day)
    state.war_path = np.where(went_to_war, path, state.war_path).astype(np.int8)
    state.war_initiator = np.where(went_to_war, initiator, state.war_initiator).astype(np.int8)
    state.war_balance = np.where(went_to_war, 0.0, state.war_balance)
    state.nuclear_day = np.where(went_to_war & nuclear_at_once, t, state.nuclear_day).astype(np.int32)
    first_agreement = active & agrees & (state.agreement_day == NEVER)
    state.agreement_day = np.where(first_agreement, t, state.agreement_day).astype(np.int32)
    state.agreement_depth = np.where(first_agreement, depth, state.agreement_depth)
    first_breakdown = active & breaks & (state.breakdown_day == NEVER)
    state.breakdown_day = np.where(first_breakdown, t, state.breakdown_day).astype(np.int32)
    state.status = np.where(went_to_war, np.where(nuclear_at_once, WAR_OVER, AT_WAR), state.status).astype(
        np.int8
    )
    state.day = t + 1

    log.actions = np.stack([np.bincount(choice[active, i], minlength=N_ACTIONS) for i in range(2)]).astype(
        np.int64
    )
    log.audience_stock = fixed_point_sum(audience[active])
    log.tension = fixed_point_sum(tension_after[active])
    # Audience-cost lock-in (Fearon 1994; Kurizaki 2007): the face cost of the cheapest way to back down
    # today - nothing where a private concession is open, the public audience cost otherwise.
    face_saving = decisions.face_cost_factor(model)
    private_exit = np.broadcast_to(available[CONCESSION_PRIVATE], (n, 2))
    lock_in = np.where(private_exit, 0.0, state.sensitivity * state.audience * face_saving)
    log.lock_in = fixed_point_sum(lock_in[active])
    return log
