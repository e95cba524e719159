"""The vectorised kernel: advances every path of a :class:`CrisisState` by one day.

This is the only place where time advances. Each day, for every active path:

1. each principal reads the other's posture and decides by quantal response (actions may be imposed
   from outside: history replay, a human player, an agent);
2. a freeze in force may be breached at its declared rate; a breach is seen and ends the freeze;
3. postures, audience costs, concessions, talks and freeze proposals are updated;
4. signals travel: public readings now, private ones through the direct or mediated channel with delay;
5. third parties act (sanctions, calls for restraint, pressing for talks);
6. perceptions and beliefs are updated from what was read (never from the truth);
7. chance: an uncontrolled incident, false alarms through the assessment chain, chosen attacks;
   a clash may become war and a war nuclear use; otherwise talks may settle the crisis.

Mechanisms live in :mod:`brinkmanship.model`; see docs/model.md for the analyst's account.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    SETTLED,
    CrisisState,
)
from brinkmanship.model import audience as audience_model
from brinkmanship.model import beliefs, decisions, hazards, perception
from brinkmanship.model.ladder import ACTION_INDEX, N_ACTIONS
from brinkmanship.scenario.compiled import THIRD_PARTY_ACT_KINDS, CompiledScenario

SANCTIONS, RESTRAINT_CALL, PRESS_TALKS = range(len(THIRD_PARTY_ACT_KINDS))
PRESSURE_DECAY = 0.995
"""Economic pressure halves in about 140 days without new sanctions (a judgement; see docs/model.md)."""
CONCESSION_PRIVATE = ACTION_INDEX["concession_private"]
HOLD = ACTION_INDEX["hold"]
MOBILISATION = ACTION_INDEX["mobilisation"]
"""A side standing at the mobilisation rung or above is really preparing to attack."""
CONCESSION_MEMORY = 0.9
"""Recent-concession count kept from day to day (a concession counts for about ten days)."""
FIXED_POINT = 1_000_000
"""Continuous per-path quantities are summed as integers of 1e-6 units, so that totals do not depend on
how paths are chunked (floating-point addition is not associative)."""
MISREAD_MARGIN = 1.0
"""A reading at least one hostility step above the truth counts as a misreading."""


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
    """Which actions each principal may take: ``(n, 2, n_actions)``, or ``(1, 2, n_actions)`` if no freeze."""
    has_private, _, _, _ = _private_channel(model)
    base = (model.repertoire & (has_private | ~model.action_is_private))[None, :, :]
    if not freeze_on.any():
        return base
    return base & ~(freeze_on[:, None, None] & model.freeze_terms)


def availability_penalty(available: np.ndarray) -> np.ndarray:
    """0 where an action is available, -inf where not: added to scaled utilities before the logit."""
    return np.where(available, 0.0, -np.inf)


def step(
    model: CompiledScenario,
    state: CrisisState,
    uniforms: np.ndarray,
    normals: np.ndarray,
    forced: np.ndarray | None = None,
) -> DayLog:
    """Advance ``state`` by one day in place and return the day's aggregates.

    Args:
        model: the compiled scenario (with any levers applied).
        state: the paths; only those with status ACTIVE change.
        uniforms: ``(n, n_uniforms)`` draws in [0, 1), laid out as in :mod:`randomness`.
        normals: ``(n, N_NORMALS)`` standard normal draws.
        forced: optional ``(n, 2)`` or ``(2,)`` action indices imposed on principals; -1 leaves them free.
    """
    t = state.day
    n = state.n_paths
    active = state.status == ACTIVE
    log = DayLog(active=int(active.sum()))

    # 1. Decide.
    imminence = perception.imminence(
        state.belief, state.perceived, model.imminence_threshold, model.imminence_scale
    )
    tension = np.maximum(state.perceived, 0.0).mean(axis=1)
    pressed = np.zeros((n, 2))
    acts = model.third_party_acts
    if acts.rate.size:
        fired = uniforms[:, rnd.U_FIXED : rnd.U_FIXED + acts.rate.size] < acts.rate
        press = fired & (acts.kind == PRESS_TALKS)
        pressed = (press * acts.strength) @ acts.target
    else:
        fired = np.zeros((n, 0), dtype=bool)
    inputs = decisions.DecisionInputs(
        level=state.level,
        resolve=state.resolve,
        greedy=state.greedy,
        sensitivity=state.sensitivity,
        audience=state.audience,
        belief=state.belief,
        perceived=state.perceived,
        imminence=imminence,
        pressure=state.pressure,
        pressed=pressed,
    )
    utilities = decisions.action_utilities(model, inputs)
    available = available_actions(model, state.freeze_on)
    precision = model.precision / (1.0 + model.stress * tension[:, None])
    weights = decisions.choice_weights(utilities, availability_penalty(available), precision)
    choice = decisions.sample_choice(weights, uniforms[:, list(rnd.U_CHOICE)])

    # 2. Freeze breaches: the breaching side takes its most valued frozen action.
    if model.freeze_terms.any() and state.freeze_on.any():
        breach = (
            state.freeze_on[:, None]
            & model.freeze_terms.any(axis=1)
            & (uniforms[:, list(rnd.U_BREACH)] < model.freeze_breach_rate)
        )
        rows = np.flatnonzero(breach.any(axis=1))  # breaches are rare: look only at those paths
        if rows.size:
            frozen_utility = np.where(model.freeze_terms & model.repertoire, utilities[rows], -np.inf)
            choice[rows] = np.where(breach[rows], frozen_utility.argmax(axis=-1), choice[rows])
        breach_any = breach.any(axis=1)
        log.freeze_days = int((state.freeze_on & active).sum())
        log.freeze_breaches = (breach & active[:, None]).sum(axis=0).astype(np.int64)
    else:
        breach_any = np.zeros(n, dtype=bool)
        log.freeze_days = 0

    # A strike chosen on the belief that the other side is about to attack can, over a direct channel,
    # first be checked with that side; a check that shows the other is not mobilising calls it off.
    if model.direct_verify > 0.0:
        attack = model.action_is_attack_clash[choice] | model.action_is_war[choice]
        tentative = np.maximum(model.action_rung[choice], np.maximum(state.level - model.posture_decay, 1.0))
        believed = (imminence > 0.5) & (tentative[:, ::-1] < model.action_rung[MOBILISATION])
        called_off = attack & believed & (uniforms[:, list(rnd.U_CHECK)] < model.direct_verify)
        choice = np.where(called_off, HOLD, choice)

    if forced is not None:
        forced = np.broadcast_to(forced, (n, 2))
        choice = np.where(forced >= 0, forced, choice)

    # 3. Postures, audience costs, proposals.
    rung = model.action_rung[choice]
    is_public = model.action_public[choice]
    level = np.maximum(rung, np.maximum(state.level - model.posture_decay, 1.0))
    concession = model.action_is_concession[choice]
    public_concession = concession & is_public
    audience = audience_model.update_audience_stock(
        state.audience,
        model.action_is_threat_public[choice],
        model.action_is_force_public[choice],
        public_concession,
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
    talks_open = state.talks_open | (last_talks_day.min(axis=1) > t - window)
    freeze_agreed = (last_freeze_day.min(axis=1) > t - window) & bool(model.freeze_terms.any())
    freeze_on = (state.freeze_on | freeze_agreed) & ~breach_any

    # 4. Signals. Principal i's move is read by the other side (index 1 - i).
    hostility = np.where(is_public, model.action_hostility[choice], 0.0)
    military = np.where(is_public, model.action_military[choice], False)
    noise = perception.public_signal_noise(model.public_noise, model.coordination, model.voice_spread)
    public_reading = perception.read_public(
        hostility,
        military,
        model.hostile_bias,
        model.voice_bias,
        model.coordination,
        noise,
        normals[:, list(rnd.Z_PUBLIC)],
    )
    log.readings = int(2 * log.active)
    log.misreadings = int(((public_reading - hostility > MISREAD_MARGIN) & active[:, None]).sum())
    inbox_value = state.inbox_value.copy()
    inbox_weight = state.inbox_weight.copy()
    has_private, private_noise, private_delay, private_weight = _private_channel(model)
    if has_private:
        sent = ~is_public
        reading = model.action_hostility[choice] + private_noise * normals[:, list(rnd.Z_PRIVATE)]
        whole = int(np.floor(private_delay))
        delay = whole + (uniforms[:, list(rnd.U_DELAY)] < private_delay - whole)
        slot = (t + delay) % inbox_value.shape[0]
        path_index = np.broadcast_to(np.arange(n)[:, None], (n, 2))
        sender = np.broadcast_to(np.arange(2)[None, :], (n, 2))
        # the reading of i's message arrives at the other side (column 1 - i)
        np.add.at(inbox_value, (slot, path_index, 1 - sender), np.where(sent, private_weight * reading, 0.0))
        np.add.at(inbox_weight, (slot, path_index, 1 - sender), np.where(sent, private_weight, 0.0))
    today = t % inbox_value.shape[0]
    arrived_value = inbox_value[today].copy()
    arrived_weight = inbox_weight[today].copy()
    inbox_value[today] = 0.0
    inbox_weight[today] = 0.0

    # 5. Third parties: sanctions add pressure, calls for restraint calm both sides' readings.
    sanction_push = (
        (fired & (acts.kind == SANCTIONS)) * acts.strength @ acts.target if acts.rate.size else 0.0
    )
    calm = (fired & (acts.kind == RESTRAINT_CALL)) * acts.strength @ acts.target if acts.rate.size else 0.0
    pressure = PRESSURE_DECAY * state.pressure + sanction_push

    # 6. Perception and beliefs: what i reads of the other side today (public, plus private arrivals).
    read_by = public_reading[:, ::-1]
    combined = (read_by + arrived_value) / (1.0 + arrived_weight)
    perceived = perception.update_perceived(state.perceived, combined, model.memory) - calm
    belief = beliefs.update_belief(
        state.belief, combined, model.belief_rate, model.type_midpoint, model.reassurance_weight
    )

    # 7. Chance.
    crisis_level = level.max(axis=1)
    hazard = hazards.loss_of_control_hazard(
        crisis_level, model.hazard_base, model.hazard_growth, model.threshold_rungs, model.threshold_jumps
    )
    incident = uniforms[:, rnd.U_INCIDENT] < hazards.incident_probability(
        hazard, model.action_incident[choice]
    )
    chose_clash = model.action_is_attack_clash[choice]
    chose_war = model.action_is_war[choice]
    # Pre-emption on a false belief: the attacker thought an attack imminent, the other was not mobilised.
    other_not_preparing = level[:, ::-1] < model.action_rung[MOBILISATION]
    false_belief = (imminence > 0.5) & other_not_preparing
    alarm_p = hazards.false_alarm_probability(model.alarm_rate, model.alarm_crisis_multiplier, crisis_level)
    alarm = uniforms[:, list(rnd.U_ALARM)] < alarm_p[:, None]
    acted_on = hazards.false_alarm_pass_through(
        model.alarm_pass_early,
        model.alarm_pass_last,
        model.alarm_imminence_weight,
        imminence,
        model.direct_verify,
    )
    alarm_war = alarm & (uniforms[:, list(rnd.U_ALARM_PASS)] < acted_on)
    log.false_alarms = int((alarm & active[:, None]).sum())

    misperception = perception.misperception_index(model.hostile_bias, noise, model.direct_verify)
    ordinary, misread = hazards.clash_to_war_probabilities(
        model.clash_to_war,
        model.tension_weight,
        tension,
        model.audience_weight,
        audience.mean(axis=1),
        model.misread_weight,
        misperception,
    )
    # An incident can be checked with the other side through a direct channel before anyone escalates.
    checked = np.where(incident & ~chose_clash.any(axis=1), 1.0 - model.direct_verify, 1.0)
    u_war = uniforms[:, rnd.U_WAR]
    clash = incident | chose_clash.any(axis=1)
    escalates_ordinary = clash & (u_war < ordinary * checked)
    escalates_misread = clash & ~escalates_ordinary & (u_war < (ordinary + misread) * checked)

    # Who started it and by which path (priority: chosen war, false alarm, chosen clash, incident).
    initiator_chosen = np.where(chose_war[:, 0] | chose_clash[:, 0], 0, 1)
    chosen_path = np.where(false_belief[np.arange(n), initiator_chosen], MISCALCULATION, DELIBERATE)
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

    someone_faces_defeat = bool(model.faces_defeat.any())
    p_nuclear = hazards.nuclear_use_probability(
        model.war_to_nuclear, model.defeat_multiplier, someone_faces_defeat, model.face_saving_exit
    )
    p_nuclear_path = np.where(path == FALSE_ALARM, max(p_nuclear, model.false_alarm_nuclear), p_nuclear)
    nuclear = war_now & (uniforms[:, rnd.U_NUCLEAR] < p_nuclear_path)
    nuclear_delay = np.floor(-model.nuclear_delay_days * np.log1p(-uniforms[:, rnd.U_NUCLEAR_DELAY]))

    settle_hazard = (
        model.settlement_rate
        * np.exp(-model.tension_damping * tension)
        * (1.0 + model.concession_boost * recent_concessions.min(axis=1))
        * (1.0 + model.mediator_settlement_boost)
    )
    settles = talks_open & ~war_now & (uniforms[:, rnd.U_SETTLE] < settle_hazard)

    # Commit for active paths only.
    a2 = active[:, None]
    state.level = np.where(a2, level, state.level)
    state.audience = np.where(a2, audience, state.audience)
    state.recent_concessions = np.where(a2, recent_concessions, state.recent_concessions)
    state.last_talks_day = np.where(a2, last_talks_day, state.last_talks_day)
    state.last_freeze_day = np.where(a2, last_freeze_day, state.last_freeze_day)
    state.pressure = np.where(a2, pressure, state.pressure)
    shock = np.where((clash & ~war_now)[:, None], model.clash_shock, 0.0)
    state.perceived = np.where(a2, perceived + shock, state.perceived)
    state.belief = np.where(a2, belief, state.belief)
    state.inbox_value = np.where(active[None, :, None], inbox_value, state.inbox_value)
    state.inbox_weight = np.where(active[None, :, None], inbox_weight, state.inbox_weight)
    state.talks_open = np.where(active, talks_open, state.talks_open)
    state.freeze_on = np.where(active, freeze_on, state.freeze_on)

    new_clash = active & clash & (state.clash_day == NEVER)
    state.clash_day = np.where(
        new_clash | (active & war_now & (state.clash_day == NEVER)), t, state.clash_day
    )
    went_to_war = active & war_now
    state.war_day = np.where(went_to_war, t, state.war_day)
    state.war_path = np.where(went_to_war, path, state.war_path).astype(np.int8)
    state.war_initiator = np.where(went_to_war, initiator, state.war_initiator).astype(np.int8)
    state.nuclear_day = np.where(went_to_war & nuclear, t + nuclear_delay, state.nuclear_day).astype(np.int32)
    settled = active & settles
    state.settle_day = np.where(settled, t, state.settle_day)
    state.status = np.where(went_to_war, AT_WAR, np.where(settled, SETTLED, state.status)).astype(np.int8)
    state.day = t + 1

    log.actions = np.stack([np.bincount(choice[active, i], minlength=N_ACTIONS) for i in range(2)]).astype(
        np.int64
    )
    log.audience_stock = fixed_point_sum(audience[active])
    # Audience-cost lock-in (Fearon 1994; Kurizaki 2007): the face cost of the cheapest way to back down
    # today - nothing where a private concession is open, the public audience cost otherwise.
    face_saving = decisions.face_cost_factor(model)
    private_exit = np.broadcast_to(available[..., CONCESSION_PRIVATE], (n, 2))
    lock_in = np.where(private_exit, 0.0, state.sensitivity * state.audience * face_saving)
    log.lock_in = fixed_point_sum(lock_in[active])
    return log
