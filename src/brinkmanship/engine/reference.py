"""A plain per-path reference implementation of the model: the oracle for the vectorised kernel.

Written for clarity, one path and one day at a time with scalar arithmetic, and independently of the
kernel's array tricks (it keeps the full reciprocity square, sums cumulative weights one by one, and
checks Kahn thresholds one by one). It consumes the same random numbers as the kernel, so the two agree
path by path except where floating-point rounding lands a draw on the other side of a boundary.
It is slow (about a thousand times slower); tests and the benchmark use it on small ensembles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from brinkmanship.engine import randomness as rnd
from brinkmanship.engine.ensemble import PathTable, Tally, record_outcomes
from brinkmanship.engine.state import ACCIDENT, DELIBERATE, FALSE_ALARM, MISCALCULATION, NEVER
from brinkmanship.model.ladder import ACTION_INDEX, N_ACTIONS
from brinkmanship.scenario.compiled import THIRD_PARTY_ACT_KINDS, CompiledScenario

SANCTIONS = THIRD_PARTY_ACT_KINDS.index("sanctions")
RESTRAINT_CALL = THIRD_PARTY_ACT_KINDS.index("restraint_call")
PRESS_TALKS = THIRD_PARTY_ACT_KINDS.index("press_talks")
PRESSURE_DECAY = 0.995
CONCESSION_MEMORY = 0.9
MISREAD_MARGIN = 1.0
STANDING_RUNG = 4.0
LOGIT_BOUND = 8.0


@dataclass
class PathOutcome:
    """Event days of one path (-1 = never), its war path and initiator."""

    clash_day: int = NEVER
    war_day: int = NEVER
    nuclear_day: int = NEVER
    settle_day: int = NEVER
    war_path: int = NEVER
    war_initiator: int = NEVER


def hazard(model: CompiledScenario, rung: float) -> float:
    """Loss-of-control hazard, thresholds checked one by one."""
    value = model.hazard_base * model.hazard_growth ** (rung - 1.0)
    for below, jump in zip(model.threshold_rungs, model.threshold_jumps, strict=True):
        if rung > below:
            value *= jump
    return min(value, 1.0)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


class ReferencePath:
    """The state of one path, stepped day by day."""

    def __init__(self, model: CompiledScenario, type_uniforms: np.ndarray) -> None:
        m = model
        self.m = m
        u = type_uniforms
        self.resolve = [
            float(stats.beta.ppf(u[i, rnd.T_RESOLVE], m.resolve_alpha[i], m.resolve_beta[i]))
            for i in range(2)
        ]
        self.greedy = [1.0 if u[i, rnd.T_GREEDY] < m.p_greedy[i] else 0.0 for i in range(2)]
        self.sensitivity = [
            m.sensitivity_low[i] + u[i, rnd.T_SENSITIVITY] * (m.sensitivity_high[i] - m.sensitivity_low[i])
            for i in range(2)
        ]
        self.level = [float(m.initial_level[i]) for i in range(2)]
        self.audience = [float(m.initial_audience_cost[i]) for i in range(2)]
        self.belief = [float(m.initial_belief_greedy[i]) for i in range(2)]
        self.perceived = [float(m.initial_perceived[i]) for i in range(2)]
        self.pressure = [float(m.initial_pressure[i]) for i in range(2)]
        self.recent_concessions = [0.0, 0.0]
        self.last_talks_day = [-10_000, -10_000]
        self.last_freeze_day = [-10_000, -10_000]
        self.delay_slots = m.max_delay_days
        self.inbox_value = [[0.0, 0.0] for _ in range(self.delay_slots)]
        self.inbox_weight = [[0.0, 0.0] for _ in range(self.delay_slots)]
        self.talks_open = m.talks_open
        self.freeze_on = m.freeze_active
        self.active = True
        self.outcome = PathOutcome()
        self.actions_taken: list[tuple[int, int]] = []

    # -- decisions -------------------------------------------------------------------------------
    def private_channel(self) -> tuple[bool, float, float, float]:
        m = self.m
        if m.direct_enabled:
            return True, m.direct_noise, m.direct_delay, 1.0
        if m.mediated_enabled:
            return True, m.mediated_noise, m.mediated_delay, m.mediated_trust
        return False, 0.0, 0.0, 0.0

    def utility(self, i: int, a: int, imminence: float, pressed: float) -> float:
        m = self.m
        x = m.action_hostility[a]
        resolve = self.resolve[i]
        war_cost = m.war_cost[i]
        other = 1 - i
        own_level = max(self.level[i] - m.posture_decay, 1.0)
        crisis_level = max(m.action_rung[a], own_level, self.level[other])
        standing = max(own_level, self.level[other])
        risk_weight = m.risk_aversion * m.risk_window_days * (1.0 - resolve) * war_cost
        utility = m.coercion * resolve * min(max(x, 0.0), 4.0)
        utility += m.greed * self.greedy[i] * max(x, 0.0)
        if m.action_is_provocation[a]:
            utility += m.desperation * self.greedy[i] * self.pressure[i]
        perceived = self.perceived[i]
        target = perceived * (1.0 - m.generosity) if perceived > 0.0 else perceived
        utility -= m.reciprocity * (x - target) ** 2
        if m.action_is_concession[a] or m.action_is_talks[a] or m.action_is_freeze_proposal[a]:
            danger = risk_weight * hazard(m, standing)
            utility += m.talks_value * (self.pressure[i] + pressed + danger) * (1.0 - self.belief[i])
        if m.action_is_war[a] or m.action_is_attack_clash[a]:
            utility += m.preemption * imminence
            chance = 1.0 if m.action_is_war[a] else m.clash_to_war
            utility -= (1.0 - resolve) * war_cost * chance
        backdown = 0.0
        if m.action_is_concession[a] and m.action_public[a]:
            backdown = 1.0
        elif m.action_is_partial_backdown[a]:
            backdown = m.partial_backdown_share
        face_saving = (0.5 if m.face_saving_exit else 1.0) * (1.0 - m.mediated_face_saving)
        utility -= self.sensitivity[i] * self.audience[i] * face_saving * backdown
        utility -= m.action_cost[a]
        utility -= risk_weight * hazard(m, crisis_level)
        utility -= m.risk_aversion * (1.0 - resolve) * war_cost * m.action_incident[a]
        return utility

    def available(self, i: int, a: int) -> bool:
        m = self.m
        if not m.repertoire[i, a]:
            return False
        if m.action_is_private[a] and not self.private_channel()[0]:
            return False
        return not (self.freeze_on and m.freeze_terms[i, a])

    # -- one day ---------------------------------------------------------------------------------
    def step(self, t: int, u: np.ndarray, z: np.ndarray, forced: tuple[int, int] | None) -> tuple[int, int]:
        m = self.m
        imminence = [
            self.belief[i] * sigmoid((self.perceived[i] - m.imminence_threshold) / m.imminence_scale)
            for i in range(2)
        ]
        tension = (max(self.perceived[0], 0.0) + max(self.perceived[1], 0.0)) / 2.0
        acts = m.third_party_acts
        fired = [u[rnd.U_FIXED + k] < acts.rate[k] for k in range(acts.rate.size)]
        pressed = [
            sum(
                acts.strength[k] * acts.target[k, i]
                for k in range(acts.rate.size)
                if fired[k] and acts.kind[k] == PRESS_TALKS
            )
            for i in range(2)
        ]

        choice = [0, 0]
        utilities = [
            [self.utility(i, a, imminence[i], pressed[i]) for a in range(N_ACTIONS)] for i in range(2)
        ]
        for i in range(2):
            precision = m.precision[i] / (1.0 + m.stress * tension)
            options = [a for a in range(N_ACTIONS) if self.available(i, a)]
            best = max(utilities[i][a] * precision for a in options)
            weights = [
                math.exp(utilities[i][a] * precision - best) if a in options else 0.0
                for a in range(N_ACTIONS)
            ]
            target = u[rnd.U_CHOICE[i]] * sum(weights)
            running = 0.0
            chosen = N_ACTIONS - 1
            for a in range(N_ACTIONS):
                running += weights[a]
                if running >= target:
                    chosen = a
                    break
            choice[i] = chosen

        breach_any = False
        if m.freeze_terms.any() and self.freeze_on:
            for i in range(2):
                if m.freeze_terms[i].any() and u[rnd.U_BREACH[i]] < m.freeze_breach_rate:
                    frozen = [a for a in range(N_ACTIONS) if m.freeze_terms[i, a] and m.repertoire[i, a]]
                    choice[i] = max(frozen, key=lambda a: (utilities[i][a], -a)) if frozen else 0
                    breach_any = True
        if m.direct_verify > 0.0:
            mobilised = m.action_rung[ACTION_INDEX["mobilisation"]]
            tentative = [
                max(m.action_rung[choice[i]], max(self.level[i] - m.posture_decay, 1.0)) for i in range(2)
            ]
            for i in range(2):
                attack = m.action_is_attack_clash[choice[i]] or m.action_is_war[choice[i]]
                believed = imminence[i] > 0.5 and tentative[1 - i] < mobilised
                if attack and believed and u[rnd.U_CHECK[i]] < m.direct_verify:
                    choice[i] = ACTION_INDEX["hold"]
        if forced is not None:
            choice = [forced[i] if forced[i] >= 0 else choice[i] for i in range(2)]

        # postures, audience costs, proposals
        new_level = [
            max(m.action_rung[choice[i]], max(self.level[i] - m.posture_decay, 1.0)) for i in range(2)
        ]
        for i in range(2):
            a = choice[i]
            public_concession = m.action_is_concession[a] and m.action_public[a]
            stock = (
                self.audience[i] * m.audience_decay
                + m.threat_gain * m.action_is_threat_public[a]
                + m.force_gain * m.action_is_force_public[a]
                + m.standing_gain * (new_level[i] >= STANDING_RUNG)
            )
            self.audience[i] = 0.0 if public_concession else stock
            self.recent_concessions[i] = (
                CONCESSION_MEMORY * self.recent_concessions[i] + m.action_is_concession[a]
            )
            if m.action_is_talks[a]:
                self.last_talks_day[i] = t
            if m.action_is_freeze_proposal[a]:
                self.last_freeze_day[i] = t
        self.level = new_level
        if min(self.last_talks_day) > t - m.talks_window_days:
            self.talks_open = True
        if min(self.last_freeze_day) > t - m.talks_window_days and m.freeze_terms.any():
            self.freeze_on = True
        if breach_any:
            self.freeze_on = False

        # signals
        noise = [
            math.sqrt(m.public_noise**2 + ((1.0 - m.coordination[i]) * m.voice_spread[i]) ** 2)
            for i in range(2)
        ]
        public_reading = [0.0, 0.0]
        for i in range(2):
            a = choice[i]
            public = m.action_public[a]
            x = m.action_hostility[a] if public else 0.0
            military = m.action_military[a] if public else False
            public_reading[i] = (
                x
                + m.hostile_bias * military
                + (1.0 - m.coordination[i]) * m.voice_bias[i]
                + noise[i] * z[rnd.Z_PUBLIC[i]]
            )
        has_private, private_noise, private_delay, private_weight = self.private_channel()
        if has_private:
            for i in range(2):
                if not m.action_public[choice[i]]:
                    reading = m.action_hostility[choice[i]] + private_noise * z[rnd.Z_PRIVATE[i]]
                    whole = math.floor(private_delay)
                    delay = whole + (1 if u[rnd.U_DELAY[i]] < private_delay - whole else 0)
                    slot = (t + delay) % self.delay_slots
                    self.inbox_value[slot][1 - i] += private_weight * reading
                    self.inbox_weight[slot][1 - i] += private_weight
        today = t % self.delay_slots
        arrived_value, arrived_weight = self.inbox_value[today], self.inbox_weight[today]
        self.inbox_value[today] = [0.0, 0.0]
        self.inbox_weight[today] = [0.0, 0.0]

        # third parties
        for i in range(2):
            push = sum(
                acts.strength[k] * acts.target[k, i]
                for k in range(acts.rate.size)
                if fired[k] and acts.kind[k] == SANCTIONS
            )
            calm = sum(
                acts.strength[k] * acts.target[k, i]
                for k in range(acts.rate.size)
                if fired[k] and acts.kind[k] == RESTRAINT_CALL
            )
            self.pressure[i] = PRESSURE_DECAY * self.pressure[i] + push
            combined = (public_reading[1 - i] + arrived_value[i]) / (1.0 + arrived_weight[i])
            new_perceived = (1.0 - m.memory) * self.perceived[i] + m.memory * combined - calm
            logit = math.log(self.belief[i]) - math.log1p(-self.belief[i])
            weight = 1.0 + m.reassurance_weight if combined < 0.0 else 1.0
            logit = min(
                max(logit + m.belief_rate * weight * (combined - m.type_midpoint), -LOGIT_BOUND), LOGIT_BOUND
            )
            self.belief[i] = 1.0 / (1.0 + math.exp(-logit))
            self.perceived[i] = new_perceived

        # chance
        crisis_level = max(self.level)
        astray = (1.0 - m.action_incident[choice[0]]) * (1.0 - m.action_incident[choice[1]])
        incident = u[rnd.U_INCIDENT] < 1.0 - (1.0 - hazard(m, crisis_level)) * astray
        chose_clash = [bool(m.action_is_attack_clash[choice[i]]) for i in range(2)]
        chose_war = [bool(m.action_is_war[choice[i]]) for i in range(2)]
        mobilised_rung = m.action_rung[ACTION_INDEX["mobilisation"]]
        false_belief = [imminence[i] > 0.5 and self.level[1 - i] < mobilised_rung for i in range(2)]
        alarm_war = [False, False]
        for i in range(2):
            p_alarm = 1.0 - math.exp(-m.alarm_rate * (1.0 + m.alarm_crisis_multiplier * (crisis_level - 1.0)))
            if u[rnd.U_ALARM[i]] < p_alarm:
                last = min(m.alarm_pass_last * (1.0 + m.alarm_imminence_weight * imminence[i]), 1.0)
                acted_on = m.alarm_pass_early * last * (1.0 - m.direct_verify)
                alarm_war[i] = u[rnd.U_ALARM_PASS[i]] < acted_on
        misperception = (m.hostile_bias + (noise[0] + noise[1]) / 2.0) * (1.0 - m.direct_verify)
        ordinary = (
            m.clash_to_war
            + m.tension_weight * tension
            + m.audience_weight * (self.audience[0] + self.audience[1]) / 2.0
        )
        misread = m.misread_weight * misperception
        if ordinary + misread > 0.95:
            scale = 0.95 / (ordinary + misread)
            ordinary, misread = ordinary * scale, misread * scale
        checked = (1.0 - m.direct_verify) if (incident and not any(chose_clash)) else 1.0
        clash = incident or any(chose_clash)
        escalates_ordinary = clash and u[rnd.U_WAR] < ordinary * checked
        escalates_misread = clash and not escalates_ordinary and u[rnd.U_WAR] < (ordinary + misread) * checked

        initiator_chosen = 0 if (chose_war[0] or chose_clash[0]) else 1
        chosen_path = MISCALCULATION if false_belief[initiator_chosen] else DELIBERATE
        war_now = any(chose_war) or any(alarm_war) or escalates_ordinary or escalates_misread
        if any(chose_war):
            path = chosen_path
        elif any(alarm_war):
            path = FALSE_ALARM
        elif escalates_misread:
            path = MISCALCULATION
        elif any(chose_clash):
            path = chosen_path
        else:
            path = ACCIDENT
        if any(chose_war) or any(chose_clash):
            initiator = initiator_chosen
        elif any(alarm_war):
            initiator = 0 if alarm_war[0] else 1
        else:
            initiator = NEVER

        p_nuclear = m.war_to_nuclear
        if m.faces_defeat.any() and not m.face_saving_exit:
            p_nuclear *= 1.0 + m.defeat_multiplier
        p_nuclear = min(p_nuclear, 1.0)
        if path == FALSE_ALARM:
            p_nuclear = max(p_nuclear, m.false_alarm_nuclear)

        settle_hazard = (
            m.settlement_rate
            * math.exp(-m.tension_damping * tension)
            * (1.0 + m.concession_boost * min(self.recent_concessions))
            * (1.0 + m.mediator_settlement_boost)
        )
        settles = self.talks_open and not war_now and u[rnd.U_SETTLE] < settle_hazard

        if clash and not war_now:
            self.perceived = [p + m.clash_shock for p in self.perceived]
        if clash and self.outcome.clash_day == NEVER:
            self.outcome.clash_day = t
        if war_now:
            self.outcome.war_day = t
            self.outcome.war_path = path
            self.outcome.war_initiator = initiator
            if u[rnd.U_NUCLEAR] < p_nuclear:
                delay = math.floor(-m.nuclear_delay_days * math.log1p(-u[rnd.U_NUCLEAR_DELAY]))
                self.outcome.nuclear_day = t + delay
            self.active = False
        elif settles:
            self.outcome.settle_day = t
            self.active = False
        return choice[0], choice[1]


def _event_days(outcomes: list[PathOutcome]) -> PathTable:
    """The reference's per-path outcomes as arrays, to be counted like the kernel's."""

    def column(name: str) -> np.ndarray:
        return np.array([getattr(o, name) for o in outcomes], dtype=np.int64)

    return PathTable(
        path_id=np.arange(len(outcomes)),
        clash_day=column("clash_day"),
        war_day=column("war_day"),
        nuclear_day=column("nuclear_day"),
        settle_day=column("settle_day"),
        war_path=column("war_path"),
        war_initiator=column("war_initiator"),
        deaths_quantile=np.zeros(len(outcomes)),
    )


def simulate_reference(
    model: CompiledScenario, runs: int, days: int, seed: int
) -> tuple[Tally, list[PathOutcome]]:
    """Run the reference model on the same random streams as :func:`ensemble.simulate`."""
    tally = Tally(days=days, runs=runs)
    outcomes: list[PathOutcome] = []
    for stream in rnd.block_streams(seed, runs):
        types = stream.types()
        paths = [ReferencePath(model, types[p]) for p in range(stream.n_paths)]
        for t in range(days):
            uniforms, normals = stream.day(model.n_third_party_acts)
            for p, path in enumerate(paths):
                if path.active:
                    tally.active_path_days += 1
                    a0, a1 = path.step(t, uniforms[p], normals[p], None)
                    tally.actions[0, a0] += 1
                    tally.actions[1, a1] += 1
        block = [path.outcome for path in paths]
        outcomes.extend(block)
        record_outcomes(tally, _event_days(block), days)
    return tally, outcomes
