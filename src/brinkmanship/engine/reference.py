"""An independent reference implementation of the crisis model, written from docs/model.md alone.

It exists to test the production kernel statistically (``tests/test_kernel_reference.py``): it shares no
code, constants, random layout or counting with ``engine/kernel.py``, ``engine/state.py``,
``engine/randomness.py`` or ``scenario/compiled.py``. It reads the scenario through the pydantic schema
(``ScenarioFile``) and the action catalogue (``model/ladder.py``) only; the table of Leng's influence
strategies is copied here from docs/model.md section 1, not imported from ``model/strategies.py``.

It is vectorised over paths with plain numpy arrays (one row per path, one column per principal), and
follows docs/model.md section by section, day by day, in the order the doc gives. Its random numbers
come from one ``numpy.random.Generator`` seeded with ``seed``; nothing is paired with the kernel.

Where docs/model.md is ambiguous the choice made here is written in a comment starting ``AMBIGUITY``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special, stats

from brinkmanship.model.ladder import ACTIONS, THRESHOLDS
from brinkmanship.scenario.schema import Principal, Response, ScenarioFile, ThirdParty

Array = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

PATH_LABELS = ("deliberate", "miscalculation", "accident", "false_alarm")
"""War path labels, in the order of the kernel's ``war_by_path`` (docs/model.md, section 6)."""
DELIBERATE, MISCALCULATION, ACCIDENT, FALSE_ALARM = range(4)

CRISIS, AT_WAR, WAR_OVER = 0, 1, 2
"""War state (docs/model.md, "The state of a path"): an agreement does not end the crisis (section 7)."""

INBOX_SLOTS = 33
"""Days of private messages in flight: the schema caps a channel's delay at 30 days."""
RESAMPLE_BLOCK = 1024
"""docs/model.md, "Where a path starts": systematic resampling within blocks of 1,024 paths."""

NAMES = [a.name for a in ACTIONS]
N_ACTIONS = len(ACTIONS)
HOLD = NAMES.index("hold")


def _flags(names: set[str]) -> Array:
    return np.array([1.0 if a.name in names else 0.0 for a in ACTIONS])


# Action classes, as docs/model.md section 1 defines them.
# AMBIGUITY: "[conciliatory] = concessions and proposals" - read here as the two concessions plus
# propose_talks and propose_freeze; diplomatic_gesture and private_message (also hostility -1, kind
# "diplomatic") are NOT counted as conciliatory.
CONCILIATORY = _flags({"concession_public", "concession_private", "propose_talks", "propose_freeze"})
ATTACK = _flags({"harassment", "limited_strike", "conventional_war"})
WAR = _flags({"conventional_war"})
CLASH = _flags({"harassment", "limited_strike"})
# AMBIGUITY: "[provocation] = threats, tests, military moves" - "threats" read as both public_threat
# and private_threat (kind "rhetoric"); military moves = kind "military" (show_of_force, mobilisation).
PROVOCATION = np.array([1.0 if a.kind in ("rhetoric", "test", "military") else 0.0 for a in ACTIONS])
PRIVATE = np.array([a.channel == "private" for a in ACTIONS])
# Hostile-attribution bias applies to "military, test or attack" moves (section 3).
BIASED = np.array([1.0 if a.kind in ("military", "test", "attack") else 0.0 for a in ACTIONS])
# Prelude: "not among tests, military moves and attacks" (Where a path starts).
PRELUDE_BARRED = np.array([a.kind in ("military", "test", "attack") for a in ACTIONS])
CONCESSION = _flags({"concession_public", "concession_private"})
HOSTILITY = np.array([a.hostility for a in ACTIONS])
RUNG = np.array([float(a.rung) for a in ACTIONS])
TESTS = ("missile_test", "nuclear_test")
"""The tests whose last days the state keeps (Dᵢ,ₘ, Dᵢ,ₙ): section 2 sets them, section 4 reads them."""
NO_TEST = -10_000.0
"""Dᵢ,ₘ and Dᵢ,ₙ before any test ("The state of a path")."""

STRATEGY_TABLE: dict[str, tuple[float, float, float, float, float | None]] = {
    # strategy: (×coercion, ×reciprocity, ×talks_value, ×precision, generosity or None = as declared)
    "bullying": (2.0, 0.5, 0.5, 1.0, 0.0),
    "reciprocating": (1.0, 2.0, 1.0, 1.0, 1.0 / 3.0),
    "trial_and_error": (1.0, 1.0, 1.0, 0.5, None),
    "appeasing": (0.25, 0.5, 2.0, 1.0, 0.8),
}
"""Leng's influence strategies, as docs/model.md section 1 tabulates them ("Each principal has its own
weights"): factors on the shared weights; the generosity column replaces the declared share."""


@dataclass(frozen=True)
class _Weights:
    """A principal's own decision weights (section 1): the shared ``decision`` values (and its own
    ``precision``) scaled by its ``strategy``."""

    reciprocity: float
    generosity: float
    coercion: float
    talks_value: float
    precision: float


def _own_weights(sc: ScenarioFile, p: Principal) -> _Weights:
    dec = sc.decision
    if p.strategy is None:  # None = the shared weights as declared
        return _Weights(dec.reciprocity, dec.generosity, dec.coercion, dec.talks_value, p.precision)
    coercion, reciprocity, talks_value, precision, generosity = STRATEGY_TABLE[p.strategy]
    # AMBIGUITY: the table's `precision` column is read as a factor on the principal's own declared
    # `precision` (the schema's `Principal.precision`; `decision` has none), i.e. on λᵢ before the
    # stress divisor: λᵢ = factor·`precision` / (1 + `stress`·T). `stress` itself stays shared.
    # AMBIGUITY: the `generosity` column gives values (0, 1/3, 0.8), not factors: they replace the
    # declared `decision.generosity`; "as declared" keeps it. 1/3 is taken as exactly 1/3.
    return _Weights(
        reciprocity=reciprocity * dec.reciprocity,
        generosity=dec.generosity if generosity is None else generosity,
        coercion=coercion * dec.coercion,
        talks_value=talks_value * dec.talks_value,
        precision=precision * p.precision,
    )


@dataclass
class _Act:
    """A third-party act (section 4): its rates are all 0 for an inactive actor."""

    kind: str
    rate: float  # background rate
    strength: float
    target: int | None  # None: both principals
    rules: list[tuple[Response, int | None, float]]  # (rule, principal index of `by`, rule rate)


@dataclass
class _World:
    """The parameters of one scenario, read straight from its ``ScenarioFile``."""

    sc: ScenarioFile
    principals: list[Principal]
    weights: list[_Weights]  # each principal's own weights (section 1), by principal index
    cost: Array  # per action: catalogue cost or override, plus activity cost for all but hold
    gain: Array  # audience-cost gain anticipated (commitment term) per action
    backdown: Array
    incident: Array  # action_incident per action
    repertoire: BoolArray  # (2, N_ACTIONS)
    frozen: BoolArray  # (2, N_ACTIONS): actions the freeze terms halt
    has_freeze_terms: bool
    verify: float  # v
    clarity: float  # c
    private_channel: tuple[float, float, float] | None  # (noise, delay, weight)
    face_saving: float  # of the active mediator
    agreement_boost: float  # summed over every active mediator (Fine print)
    conceder: int  # principal index of `agreement.terms.conceder` (section 7)
    acts: list[_Act] = field(default_factory=list)
    bias_mean: Array = field(default_factory=lambda: np.zeros(2))
    sigma: Array = field(default_factory=lambda: np.zeros(2))
    resolve_levels: Array = field(default_factory=lambda: np.zeros((2, 2)))  # [j, low/high]


def _h(world: _World, rung: Array) -> Array:
    """Loss-of-control hazard at (real-valued) rung R, before tension: section 1's h(R), section 6."""
    loc = world.sc.loss_of_control
    value = loc.base * loc.growth ** (rung - 1.0)
    for threshold in THRESHOLDS:
        jump = loc.threshold_jump.get(threshold.name, 1.0)
        value = value * np.where(rung > threshold.below_rung, jump, 1.0)
    return np.asarray(value, dtype=float)


def _world(sc: ScenarioFile) -> _World:
    dec = sc.decision
    principals = []
    for name in sc.principals:
        actor = sc.actors[name]
        assert isinstance(actor, Principal)
        principals.append(actor)
    cost = np.array(
        [
            dec.action_costs.get(a.name, a.cost) + (0.0 if a.name == "hold" else dec.activity_cost)
            for a in ACTIONS
        ]
    )
    ac = sc.audience_costs
    gain = np.array(
        [
            ac.threat_gain
            if a.name == "public_threat"
            else ac.force_gain
            if a.name in ("show_of_force", "mobilisation")
            else 0.0
            for a in ACTIONS
        ]
    )
    backdown = np.array(
        [
            1.0
            if a.name == "concession_public"
            else ac.partial_backdown_share
            if a.name in ("propose_talks", "propose_freeze")
            else 0.0
            for a in ACTIONS
        ]
    )
    incident = np.array([sc.loss_of_control.action_incident.get(a.name, 0.0) for a in ACTIONS])
    repertoire = np.array([[a.name in p.repertoire for a in ACTIONS] for p in principals])
    frozen = np.array([[a.name in sc.freeze.terms.get(name, []) for a in ACTIONS] for name in sc.principals])
    direct = sc.channels.direct
    verify = direct.verify if direct.enabled else 0.0
    mediators = [
        a
        for a in sc.actors.values()
        if isinstance(a, ThirdParty) and a.role == "mediator" and a.active and a.channel is not None
    ]
    # AMBIGUITY: "the active mediator's face_saving" (section 1) does not say which one when several
    # are active; the most trusted active mediator (the one that carries private moves, section 3) is
    # used here, 0 when none is active.
    best = max(mediators, key=lambda m: m.channel.trust if m.channel else 0.0) if mediators else None
    if direct.enabled:
        private_channel: tuple[float, float, float] | None = (direct.noise, direct.delay_days, 1.0)
    elif best is not None and best.channel is not None:
        private_channel = (best.channel.noise, best.channel.delay_days, best.channel.trust)
    else:
        private_channel = None
    acts: list[_Act] = []
    for actor in sc.actors.values():
        if isinstance(actor, ThirdParty):
            on = 1.0 if actor.active else 0.0  # an inactive actor's rates, background and rules, are 0
            for act in actor.acts:
                target = None if act.target is None else sc.principals.index(act.target)
                rules = [
                    (rule, None if rule.by is None else sc.principals.index(rule.by), on * rule.rate)
                    for rule in act.responses
                ]
                acts.append(_Act(act.kind, on * act.rate, act.strength, target, rules))
    bias_mean = np.zeros(2)
    sigma = np.zeros(2)
    levels = np.zeros((2, 2))
    for i, p in enumerate(principals):
        weights = np.array([v.weight for v in p.voices])
        hawk = np.array([v.hawkishness for v in p.voices])
        # AMBIGUITY: "weighted standard deviation" of the voices' hawkishness - the population form
        # (divide by the total weight, no small-sample correction) is used.
        mean = float(np.sum(weights * hawk) / np.sum(weights))
        spread = float(np.sqrt(np.sum(weights * (hawk - mean) ** 2) / np.sum(weights)))
        bias_mean[i] = mean
        sigma[i] = np.sqrt(sc.channels.public.noise**2 + ((1.0 - p.coordination) * spread) ** 2)
        # Section 5: low and high resolve are the conditional means of the prior below/above its median.
        a, b = p.resolve.alpha, p.resolve.beta
        median = float(stats.beta.ppf(0.5, a, b))
        below = a / (a + b) * float(special.betainc(a + 1.0, b, median)) / 0.5
        above = a / (a + b) * (1.0 - float(special.betainc(a + 1.0, b, median))) / 0.5
        levels[i] = (below, above)
    return _World(
        sc=sc,
        principals=principals,
        # AMBIGUITY: a principal's weights are those of the world it acts in: in the prelude, the world
        # before any lever (so a strategy lever acts from the start date); a strategy the scenario itself
        # declares acts in the prelude too.
        weights=[_own_weights(sc, p) for p in principals],
        cost=cost,
        gain=gain,
        backdown=backdown,
        incident=incident,
        repertoire=repertoire,
        frozen=frozen,
        has_freeze_terms=any(sc.freeze.terms.values()),
        verify=verify,
        clarity=verify,  # c = v where a direct channel is enabled, else 0 (section 3)
        private_channel=private_channel,
        face_saving=best.channel.face_saving if best is not None and best.channel is not None else 0.0,
        agreement_boost=sum(m.agreement_boost for m in mediators),
        conceder=sc.principals.index(sc.agreement.terms.conceder),
        acts=acts,
        bias_mean=bias_mean,
        sigma=sigma,
        resolve_levels=levels,
    )


@dataclass
class _Paths:
    """The state of every path (docs/model.md, "The state of a path"); columns are principals."""

    r: Array
    g: Array
    s: Array
    L: Array
    A: Array
    P: Array
    C: Array
    S: Array
    S_true: Array
    reach: Array
    warhead: Array
    belief: Array  # (n, 2, 4): belief[:, i] is i's belief over j's types
    talks: BoolArray
    freeze: BoolArray
    agreement: BoolArray  # an agreement in force (section 7)
    last_talks: Array
    last_freeze: Array
    last_test: Array  # (n, 2, 2): [:, i, 0] = Dᵢ,ₘ, [:, i, 1] = Dᵢ,ₙ (day index)
    inbox: Array  # (n, 2 receivers, slots, 3): sum weight, sum weight*reading, sum weight*truth
    status: IntArray
    balance: Array
    war_day: IntArray
    log_weight: Array

    def take(self, index: IntArray) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name)[index].copy())


def _tension(S: Array) -> Array:
    """T = ½ Σᵢ max(Sᵢ, 0) ("The state of a path")."""
    return np.asarray(0.5 * np.maximum(S, 0.0).sum(axis=1))


def _initial_paths(world: _World, n: int, rng: np.random.Generator) -> _Paths:
    """Types (section "Types") and the calm state ("Where a path starts")."""
    sc = world.sc
    r = np.empty((n, 2))
    g = np.empty((n, 2))
    s = np.empty((n, 2))
    belief = np.empty((n, 2, 4))
    for i, p in enumerate(world.principals):
        r[:, i] = stats.beta.ppf(rng.random(n), p.resolve.alpha, p.resolve.beta)
        g[:, i] = (rng.random(n) < p.p_greedy).astype(float)
        lo, hi = p.audience_sensitivity.low, p.audience_sensitivity.high
        s[:, i] = lo + (hi - lo) * rng.random(n)
    for i in range(2):
        pg = world.principals[1 - i].p_greedy
        belief[:, i] = [(1 - pg) / 2, (1 - pg) / 2, pg / 2, pg / 2]
    calm = sc.tension.calm
    slots = INBOX_SLOTS
    return _Paths(
        r=r,
        g=g,
        s=s,
        L=np.ones((n, 2)),
        A=np.zeros((n, 2)),
        P=np.zeros((n, 2)),
        C=np.zeros((n, 2)),
        S=np.full((n, 2), calm),
        S_true=np.full((n, 2), calm),
        reach=np.tile([p.capability.reach for p in world.principals], (n, 1)).astype(float),
        warhead=np.tile([p.capability.warhead for p in world.principals], (n, 1)).astype(float),
        belief=belief,
        talks=np.full(n, sc.agreement.talks_open),
        freeze=np.full(n, sc.freeze.active),
        agreement=np.zeros(n, dtype=bool),
        last_talks=np.full((n, 2), -1e9),
        last_freeze=np.full((n, 2), -1e9),
        last_test=np.full((n, 2, 2), NO_TEST),
        inbox=np.zeros((n, 2, slots, 3)),
        status=np.full(n, CRISIS, dtype=np.int64),
        balance=np.zeros(n),
        war_day=np.full(n, -1, dtype=np.int64),
        log_weight=np.zeros(n),
    )


@dataclass
class _Terms:
    """The type-free parts of the utility (section 1): U = base − (1 − r)·timid + r·coerce + g·greedy."""

    base: Array
    timid: Array
    coerce: Array
    greedy: Array
    precision: Array
    imminence: Array


def _terms(
    world: _World,
    st: _Paths,
    i: int,
    S_read: Array,
    T: Array,
    mean_A: Array,
    pressed: Array,
) -> _Terms:
    """Section 1 for principal i, with ``S_read`` as the stock that enters τ and the imminence m.

    ``S_read`` is Sᵢ for the real decision and S*ᵢ when the other side imagines i's choice (section 5).
    """
    sc = world.sc
    dec = sc.decision
    # Principal i's own reciprocity, generosity, coercion, talks_value and precision ("Each principal has
    # its own weights"); in the Bayes step this is j's imagined choice, so they are j's (section 5).
    own = world.weights[i]
    j = 1 - i
    pi = st.belief[:, i]
    b_g = pi[:, 2] + pi[:, 3]
    b_r = pi[:, 1] + pi[:, 3]
    per = sc.perception
    m = b_g / (1.0 + np.exp(-(S_read - per.imminence_threshold) / per.imminence_scale))
    esc = sc.escalation
    p_c = np.minimum(esc.clash_to_war + esc.tension_weight * T + esc.audience_weight * mean_A, 0.95)
    p_inc = p_c * (1.0 - world.verify)
    tau = np.where(S_read > 0, S_read * (1.0 - own.generosity), S_read)
    loc = sc.loss_of_control
    kappa = loc.tension_growth
    grow = np.exp(kappa * T)
    L_stand = np.maximum(np.maximum(st.L[:, i] - loc.posture_decay, 1.0), st.L[:, j])
    H = np.minimum(_h(world, L_stand) * grow, 1.0)
    W = world.principals[i].war_cost
    w = dec.risk_aversion * dec.risk_window_days
    danger = w * W * H * p_inc
    f = (0.5 if sc.face_saving_exit else 1.0) * (1.0 - world.face_saving)
    x = HOSTILITY[None, :]
    col = (slice(None), None)
    base = (
        2.0 * own.reciprocity * tau[col] * x
        - own.reciprocity * x**2
        - world.cost[None, :]
        + own.talks_value
        * CONCILIATORY[None, :]
        * ((st.P[:, i] + pressed + dec.credibility * b_r) * (1 - b_g))[col]
        + dec.preemption * m[col] * ATTACK[None, :]
        + dec.preventive * (b_g * st.reach[:, j] * st.warhead[:, j])[col] * ATTACK[None, :]
        - (st.s[:, i] * st.A[:, i] * f)[col] * world.backdown[None, :]
    )
    h_now = np.minimum(np.maximum(_h(world, RUNG)[None, :] * grow[col], H[col]), 1.0)
    timid = (
        W
        * (
            WAR[None, :]
            + p_c[col] * CLASH[None, :]
            + dec.risk_aversion * world.incident[None, :] * p_inc[col]
        )
        + dec.commitment * st.s[:, i][col] * world.gain[None, :]
        - own.talks_value * CONCILIATORY[None, :] * (danger * (1 - b_g))[col]
        + w * W * p_inc[col] * h_now
    )
    coerce = np.broadcast_to(own.coercion * np.clip(HOSTILITY, 0.0, 4.0)[None, :], base.shape)
    greedy = dec.greed * x + dec.desperation * st.P[:, i][col] * PROVOCATION[None, :]
    lam = own.precision / (1.0 + dec.stress * T)
    return _Terms(base, timid, coerce, np.asarray(greedy), np.asarray(lam), m)


def _softmax(logits: Array, allowed: BoolArray) -> Array:
    z = np.where(allowed, logits, -np.inf)
    z -= np.max(z, axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=-1, keepdims=True)
    return np.asarray(z)


def _utility(t: _Terms, r: Array, g: Array) -> Array:
    return np.asarray(t.base - (1.0 - r) * t.timid + r * t.coerce + g * t.greedy)


def _sample(probs: Array, u: Array) -> IntArray:
    cum = np.cumsum(probs, axis=1)
    cum[:, -1] = 1.0 + 1e-12
    return np.asarray((u[:, None] >= cum).sum(axis=1), dtype=np.int64)


@dataclass
class _Counts:
    clash: BoolArray
    war: BoolArray
    nuclear: BoolArray
    agreement: BoolArray  # a first agreement reached within the horizon
    agreement_depth: Array  # its depth d (NaN where none)
    agreement_day: IntArray  # the day (from the start date) it was reached, −1 where none
    breakdown_day: IntArray  # the day it broke down, −1 where it did not
    breakdown: BoolArray  # the first agreement broke down within the horizon
    path: IntArray
    actions: IntArray  # (2, N_ACTIONS): actions taken on crisis days, by principal
    start_day: int = 0  # the day index of the start date (after the prelude)
    path_days: int = 0  # crisis path-days simulated
    agreement_days: int = 0  # crisis path-days with an agreement in force at the start of the day
    diagnostics: dict[str, float] = field(default_factory=dict)


def _war_days(world: _World, st: _Paths, day: int, rng: np.random.Generator, counts: _Counts) -> None:
    """ "A war's days": from the day after a war begins, the balance, Kennedy's maxim, nuclear use."""
    wp = world.sc.war
    on = (st.status == AT_WAR) & (st.war_day < day)
    n = st.status.size
    z = rng.standard_normal(n)
    u_nuc = rng.random(n)
    u_cease = rng.random(n)
    s0, s1 = (p.military_strength for p in world.principals)
    # AMBIGUITY: the doc does not give the balance's starting value; B = 0 at the war's start is used,
    # and the day's loser is judged on the balance after that day's move.
    st.balance = np.where(
        on, st.balance + wp.balance_rate * (s0 - s1) / (s0 + s1) + wp.balance_noise * z, st.balance
    )
    losing = (st.balance < -wp.defeat_threshold) | (st.balance > wp.defeat_threshold)
    mult = 1.0 + wp.defeat_multiplier * (losing & (not world.sc.face_saving_exit))
    p_nuc = np.minimum(wp.nuclear_hazard * mult, 1.0)
    nuke = on & (u_nuc < p_nuc)
    cease = on & ~nuke & (u_cease < wp.ceasefire_rate)
    counts.nuclear |= nuke
    st.status = np.where(nuke | cease, WAR_OVER, st.status)  # war over: out of play


def _day(
    world: _World,
    st: _Paths,
    day: int,
    rng: np.random.Generator,
    counts: _Counts | None,
    imposed: dict[int, tuple[int, dict[str, float] | None]],
) -> None:
    """One day of every path in crisis (docs/model.md, "One day of a path in crisis", steps 1-6).

    ``counts`` is None in the prelude: nothing absorbing happens and the path weight is accumulated.
    ``imposed`` maps a principal to (action index, capability revealed or None).
    """
    sc = world.sc
    prelude = counts is None
    n = st.status.size
    live = st.status == CRISIS
    T = _tension(st.S)
    mean_A = st.A.mean(axis=1)
    misread = (st.S - st.S_true) > sc.perception.misread_margin

    # Section 1 / section 4: third-party acts respond to the start-of-day state and fire. Third parties
    # act in the prelude as on any day (Fine print), with the prelude world's acts; an act with no
    # target acts on both principals.
    pressed = np.zeros((n, 2))
    sanctions = np.zeros((n, 2))
    restraint = np.zeros((n, 2))
    locked = st.A.min(axis=1)
    for act in world.acts:
        stay = np.full(n, 1.0 - act.rate)  # (1 − rate)·Π (1 − rule rate) over the rules that hold
        for rule, by, rule_rate in act.rules:
            if rule.after is not None:
                since = day - st.last_test[:, :, TESTS.index(rule.after)]
                recent = (since >= 1) & (since <= rule.within_days)
                # AMBIGUITY: "(or either principal when `by` is absent)" - read as: the rule holds when
                # either principal tested within the window, and then counts once (not once per
                # principal that tested).
                holds = recent.any(axis=1) if by is None else recent[:, by]
            elif rule.tension_above is not None:
                holds = T > rule.tension_above
            else:
                assert rule.locked_in_above is not None
                holds = locked > rule.locked_in_above
            stay = stay * np.where(holds, 1.0 - rule_rate, 1.0)
        fired = rng.random(n) < 1.0 - stay
        for target_i in [0, 1] if act.target is None else [act.target]:
            if act.kind == "press_talks":
                pressed[:, target_i] += act.strength * fired
            elif act.kind == "sanctions":
                sanctions[:, target_i] += act.strength * fired
            else:
                restraint[:, target_i] += act.strength * fired

    # Availability (section 1).
    avail = np.empty((n, 2, N_ACTIONS), dtype=bool)
    for i in range(2):
        ok = world.repertoire[i][None, :] & np.ones((n, 1), dtype=bool)
        if world.private_channel is None:
            ok = ok & ~PRIVATE[None, :]
        ok = ok & ~(st.freeze[:, None] & world.frozen[i][None, :])
        avail[:, i] = ok

    actions = np.empty((n, 2), dtype=np.int64)
    terms: list[_Terms] = []
    likelihood_terms: list[_Terms] = []
    utilities: list[Array] = []
    for i in range(2):
        t = _terms(world, st, i, st.S[:, i], T, mean_A, pressed[:, i])
        terms.append(t)
        # Section 5: the other side imagines i's choice with S*ᵢ in τ and in mᵢ.
        likelihood_terms.append(_terms(world, st, i, st.S_true[:, i], T, mean_A, pressed[:, i]))
        U = _utility(t, st.r[:, i][:, None], st.g[:, i][:, None])
        utilities.append(U)
        probs = _softmax(t.precision[:, None] * U, avail[:, i])
        u = rng.random(n)
        if prelude:
            # "Where a path starts": the path weight uses the full logit's attack probability, and the
            # free choice is the logit renormalised over actions other than tests, military moves and
            # attacks.
            # AMBIGUITY: the doc does not say whether a principal whose action is imposed that day
            # still contributes (1 − P(attack)); here every principal contributes every prelude day.
            p_attack = (probs * ATTACK[None, :]).sum(axis=1)
            st.log_weight += np.log(np.maximum(1.0 - p_attack, 1e-300))
            probs = _softmax(t.precision[:, None] * U, avail[:, i] & ~PRELUDE_BARRED[None, :])
        actions[:, i] = _sample(probs, u)

    # Freeze breach, strike check, imposed actions (section 1, "Then").
    breached = np.zeros(n, dtype=bool)
    breaches = np.zeros((n, 2), dtype=bool)
    freeze_at_start = st.freeze & live
    for i in range(2):
        # AMBIGUITY: "its highest-utility frozen action" - among the frozen actions in its repertoire;
        # a principal none of whose frozen actions is in its repertoire never breaches.
        frozen_here = world.frozen[i] & world.repertoire[i]
        u = rng.random(n)
        if frozen_here.any():
            breach = st.freeze & (u < sc.freeze.breach_rate)
            best = np.argmax(np.where(frozen_here[None, :], utilities[i], -np.inf), axis=1)
            actions[:, i] = np.where(breach, best, actions[:, i])
            breached |= breach
            breaches[:, i] = breach
    st.freeze = st.freeze & ~breached

    # Section 7: breakdown of an agreement in force at the start of the day, on a breach of the freeze
    # (just drawn) or with probability `breakdown_rate`; only with chance (never in the prelude).
    # AMBIGUITY: section 7 says the breach happens in "step 2"; the breach is drawn in step 1 ("Then:"),
    # which is the one read here. The breakdown is decided right after it, before step 2's proposals,
    # so that talks closed by it "may open again the same day" on that day's proposals.
    agreed_at_start = st.agreement & live
    u_breakdown = rng.random(n)
    if prelude:
        breakdown = np.zeros(n, dtype=bool)
    else:
        breakdown = agreed_at_start & (breached | (u_breakdown < sc.agreement.breakdown_rate))
    st.agreement = st.agreement & ~breakdown
    st.freeze = st.freeze & ~breakdown
    st.talks = st.talks & ~breakdown
    # AMBIGUITY: "new talks need two new proposals in the window" - read as: at a breakdown every talks
    # proposal made before that day is spent (both principals' latest proposal is forgotten); proposals
    # made on the day of the breakdown are new and count.
    st.last_talks = np.where(breakdown[:, None], -1e9, st.last_talks)
    chose_attack_misread = np.zeros((n, 2), dtype=bool)
    for i in range(2):
        u = rng.random(n)
        attacking = ATTACK[actions[:, i]] > 0
        check = attacking & misread[:, i] & (u < world.verify)
        actions[:, i] = np.where(check, HOLD, actions[:, i])
        chose_attack_misread[:, i] = attacking & misread[:, i] & ~check
    reveal: dict[int, dict[str, float]] = {}
    for i, (forced, caps) in imposed.items():
        actions[:, i] = forced
        if caps is not None:
            reveal[i] = caps

    # Beliefs' likelihoods (section 5), from the start-of-day state. The update uses the actions
    # actually taken, including imposed ones.
    # AMBIGUITY: "by the decision rule above" - read as the plain logit over the available actions: the
    # freeze breach and the strike check are not part of the observer's likelihood, nor is the
    # prelude's renormalisation (an imposed prelude test is evaluated under the full logit).
    likelihood = np.empty((n, 2, 4))  # [:, j, k]: likelihood of j's signal under j's type k
    for j in range(2):
        lv = world.resolve_levels[j]
        r_k = np.array([lv[0], lv[1], lv[0], lv[1]])[None, :, None]
        g_k = np.array([0.0, 0.0, 1.0, 1.0])[None, :, None]
        lt = likelihood_terms[j]
        U_k = (
            lt.base[:, None, :]
            - (1.0 - r_k) * lt.timid[:, None, :]
            + r_k * lt.coerce[:, None, :]
            + g_k * lt.greedy[:, None, :]
        )
        # AMBIGUITY: the observer imagines j's choice "with j's own state": j's true audience
        # sensitivity sⱼ (a private type in the state table) is used, not its prior mean.
        probs_k = _softmax(lt.precision[:, None, None] * U_k, avail[:, j][:, None, :])
        a = actions[:, j]
        public_signal = np.where(PRIVATE[a], HOLD, a)
        shows = np.zeros((n, N_ACTIONS), dtype=bool)
        shows[np.arange(n), public_signal] = True
        shows |= (public_signal == HOLD)[:, None] & PRIVATE[None, :]
        likelihood[:, j] = (probs_k * shows[:, None, :]).sum(axis=2)

    # Section 2: postures, audience costs, proposals, capability.
    ac = sc.audience_costs
    loc = sc.loss_of_control
    L_new = np.maximum(RUNG[actions], np.maximum(st.L - loc.posture_decay, 1.0))
    A_new = (
        ac.decay * st.A
        + ac.threat_gain * (actions == NAMES.index("public_threat"))
        + ac.force_gain * np.isin(actions, [NAMES.index("show_of_force"), NAMES.index("mobilisation")])
        + ac.standing_gain * (L_new >= 4)
    )
    A_new = np.where(actions == NAMES.index("concession_public"), 0.0, A_new)
    C_new = 0.9 * st.C + CONCESSION[actions]
    window = sc.agreement.talks_window_days
    # AMBIGUITY: "both have proposed within talks_window_days" - read as: the later of the two latest
    # proposals is at most `talks_window_days` days after the earlier. After a freeze forms the
    # proposals are forgotten, so a breached freeze needs two new proposals to form again.
    last_talks = np.where(actions == NAMES.index("propose_talks"), float(day), st.last_talks)
    opens = (last_talks.min(axis=1) > -1e8) & (day - last_talks.min(axis=1) < window)
    talks_new = st.talks | opens
    last_freeze = np.where(actions == NAMES.index("propose_freeze"), float(day), st.last_freeze)
    forms = (
        world.has_freeze_terms & (last_freeze.min(axis=1) > -1e8) & (day - last_freeze.min(axis=1) < window)
    )
    freeze_new = st.freeze | forms
    last_freeze = np.where(forms[:, None], -1e9, last_freeze)
    cg = sc.capability_growth
    reach = np.where(
        actions == NAMES.index("missile_test"), st.reach + cg.missile_test * (1 - st.reach), st.reach
    )
    warhead = np.where(
        actions == NAMES.index("nuclear_test"), st.warhead + cg.nuclear_test * (1 - st.warhead), st.warhead
    )
    # A test, chosen, breached or imposed, sets the day of its last test of that kind (Dᵢ,ₘ, Dᵢ,ₙ).
    last_test = st.last_test.copy()
    for k, name in enumerate(TESTS):
        last_test[:, :, k] = np.where(actions == NAMES.index(name), float(day), last_test[:, :, k])
    # AMBIGUITY: a reveal on the day of a test of the same actor is applied after the test's growth.
    for i, caps in reveal.items():
        reach[:, i] = caps["reach"]
        warhead[:, i] = caps["warhead"]

    # Section 3: signals. reading[:, i] is what i reads of j's move (j = 1 − i).
    per = sc.perception
    c = world.clarity
    public_read = np.zeros((n, 2))
    public_true = np.zeros((n, 2))
    for i in range(2):
        j = 1 - i
        a = actions[:, j]
        private = PRIVATE[a]
        # AMBIGUITY: "a private move shows nothing in public, x = 0" - read as: the public reading is
        # that of a hold, voice offsets and noise included (only the hostile bias needs a military move).
        x_pub = np.where(private, 0.0, HOSTILITY[a])
        biased = np.where(private, 0.0, BIASED[a])
        z = rng.standard_normal(n)
        coord = world.principals[j].coordination
        public_read[:, i] = x_pub + (1 - c) * (
            per.hostile_bias * biased + (1 - coord) * world.bias_mean[j] + world.sigma[j] * z
        )
        public_true[:, i] = x_pub
        if world.private_channel is not None:
            noise, delay, weight = world.private_channel
            z2 = rng.standard_normal(n)
            extra = (rng.random(n) < delay - np.floor(delay)).astype(np.int64)
            lag = int(np.floor(delay)) + extra
            slot = (day + lag) % st.inbox.shape[2]
            rows = np.nonzero(private)[0]
            x = HOSTILITY[a[rows]]
            st.inbox[rows, i, slot[rows], 0] += weight
            st.inbox[rows, i, slot[rows], 1] += weight * (x + noise * z2[rows])
            st.inbox[rows, i, slot[rows], 2] += weight * x
    today = day % st.inbox.shape[2]
    arrived = st.inbox[:, :, today, :].copy()
    st.inbox[:, :, today, :] = 0.0
    R = (public_read + arrived[:, :, 1]) / (1.0 + arrived[:, :, 0])
    R_true = (public_true + arrived[:, :, 2]) / (1.0 + arrived[:, :, 0])

    # Section 4: pressure.
    P_new = 0.995 * st.P + sanctions

    # Section 5: tension and beliefs.
    ten = sc.tension
    delta = 0.5 ** (1.0 / ten.half_life_days)
    c0, amp = ten.calm, ten.amplification
    # An agreement in force at the start of the day calms the day's readings, even one broken today.
    calm = sc.agreement.calm * agreed_at_start[:, None]
    S_new = np.maximum(c0 + delta * (st.S - c0) + (1 - delta) * amp * R, -5.0) - restraint - calm
    S_true_new = (
        np.maximum(c0 + delta * (st.S_true - c0) + (1 - delta) * amp * R_true, -5.0) - restraint - calm
    )
    tremble = sc.beliefs.tremble
    belief_new = st.belief.copy()
    for i in range(2):
        prior = st.belief[:, i]
        joint = prior * likelihood[:, 1 - i]
        total = joint.sum(axis=1, keepdims=True)
        post = np.where(total > 0, joint / np.where(total > 0, total, 1.0), prior)
        belief_new[:, i] = tremble + (1 - 4 * tremble) * post

    # Section 6: chance, with the new state.
    T_new = _tension(S_new)
    T_true_new = _tension(S_true_new)
    L_star = L_new.max(axis=1)
    h = np.minimum(_h(world, L_star) * np.exp(loc.tension_growth * T_new), 1.0)
    p_incident = 1.0 - (1.0 - h) * np.prod(1.0 - world.incident[actions], axis=1)

    def commit(mask: BoolArray) -> None:
        st.L = np.where(mask[:, None], L_new, st.L)
        st.A = np.where(mask[:, None], A_new, st.A)
        st.C = np.where(mask[:, None], C_new, st.C)
        st.P = np.where(mask[:, None], P_new, st.P)
        st.S = np.where(mask[:, None], S_new, st.S)
        st.S_true = np.where(mask[:, None], S_true_new, st.S_true)
        st.reach = np.where(mask[:, None], reach, st.reach)
        st.warhead = np.where(mask[:, None], warhead, st.warhead)
        st.belief = np.where(mask[:, None, None], belief_new, st.belief)
        st.talks = np.where(mask, talks_new, st.talks)
        st.freeze = np.where(mask, freeze_new, st.freeze)
        st.last_talks = np.where(mask[:, None], last_talks, st.last_talks)
        st.last_freeze = np.where(mask[:, None], last_freeze, st.last_freeze)
        st.last_test = np.where(mask[:, None, None], last_test, st.last_test)

    if prelude:
        # Nothing absorbing; the path carries (1 − P(incident)) for the day.
        st.log_weight += np.log(np.maximum(1.0 - p_incident, 1e-300))
        commit(live)
        return
    assert counts is not None

    # AMBIGUITY: an incident that a direct channel checks (the k = 1 − v of section 6) is still counted
    # as a clash outcome; only its escalation is checked.
    incident = rng.random(n) < p_incident
    fa = sc.false_alarms
    p_alarm = 1.0 - np.exp(-fa.rate_per_day * (1.0 + fa.crisis_multiplier * (L_star - 1.0)))
    pass_before = float(np.prod(fa.pass_through[:-1]))
    last_stage = fa.pass_through[-1]
    alarm_war = np.zeros(n, dtype=bool)
    for i in range(2):
        alarm = rng.random(n) < p_alarm
        acted = np.minimum(last_stage * (1.0 + fa.imminence_weight * terms[i].imminence), 1.0)
        acted = pass_before * acted * (1.0 - world.verify)
        alarm_war |= alarm & (rng.random(n) < acted)

    chosen_war = (WAR[actions] > 0).any(axis=1)
    chosen_clash_by = CLASH[actions] > 0
    chosen_clash = chosen_clash_by.any(axis=1)
    clash = incident | chosen_clash
    esc = sc.escalation
    new_mean_A = A_new.mean(axis=1)
    p_true = np.minimum(
        esc.clash_to_war + esc.tension_weight * T_true_new + esc.audience_weight * new_mean_A, 0.95
    )
    p_perc = np.minimum(
        esc.clash_to_war + esc.tension_weight * T_new + esc.audience_weight * new_mean_A, 0.95
    )
    p_mis = np.maximum(p_perc - p_true, 0.0) * (1.0 - c)
    checked = np.where(chosen_clash, 1.0, 1.0 - world.verify)  # k of section 6
    u = rng.random(n)
    ordinary = clash & (u < p_true * checked)
    misreading = clash & ~ordinary & (u < (p_true + p_mis) * checked)
    war = chosen_war | alarm_war | ordinary | misreading

    # Path labels, in the doc's priority order.
    # When both principals choose a war (or a clash) the same day, principal 0 is the initiator
    # (docs/model.md, "Fine print"), and the label is read from its misreading.
    initiator = np.where((WAR[actions] > 0)[:, 0] | chosen_clash_by[:, 0], 0, 1)
    misread_war = chose_attack_misread[np.arange(n), initiator]
    misread_clash = misread_war
    label = np.full(n, -1, dtype=np.int64)
    label = np.where(ordinary & incident & ~chosen_clash, ACCIDENT, label)
    label = np.where(ordinary & chosen_clash, np.where(misread_clash, MISCALCULATION, DELIBERATE), label)
    label = np.where(misreading, MISCALCULATION, label)
    label = np.where(alarm_war, FALSE_ALARM, label)
    label = np.where(chosen_war, np.where(misread_war, MISCALCULATION, DELIBERATE), label)

    war &= live
    # AMBIGUITY: "a war begun on a false alarm" is read as a war whose label is false_alarm (an alarm
    # on the day of a chosen war does not make that war go nuclear at once).
    nuke_now = war & (label == FALSE_ALARM) & (rng.random(n) < sc.war.false_alarm_nuclear)

    # Section 7: agreements. The conceder's ceiling reads its pressure after today's sanctions and its
    # capability after today's tests; the demander's floor is declared.
    agr = sc.agreement
    ceil = agr.terms.ceiling
    k = world.conceder
    ceiling = np.clip(
        ceil.base + ceil.pressure * P_new[:, k] - ceil.capability * reach[:, k] * warhead[:, k], 0.0, 1.0
    )
    floor = agr.terms.floor
    in_range = ceiling >= floor
    depth = 0.5 * (floor + ceiling)
    # AMBIGUITY: minᵢ Cᵢ is read on the NEW concessions (today's concessions count), as section 6 reads
    # "the new state"; the talks are those after today's breakdown and proposals (Fine print).
    p_agree = np.minimum(
        agr.base_rate
        * np.exp(-agr.tension_damping * T_new)
        * (1.0 + agr.concession_boost * C_new.min(axis=1))
        * (1.0 + world.agreement_boost),
        1.0,
    )
    u_agree = rng.random(n)
    agree = live & ~war & talks_new & ~st.agreement & in_range & (u_agree < p_agree)
    # An agreement reached today puts the freeze in force at once (with freeze terms) and relieves the
    # conceder's sanctions: P_c ← P_c·(1 − `relief`·d). It is in force from tomorrow.
    if world.has_freeze_terms:
        freeze_new = freeze_new | agree
    P_new[:, k] = np.where(agree, P_new[:, k] * (1.0 - agr.terms.relief * depth), P_new[:, k])
    contained = live & clash & ~war

    for i in range(2):
        counts.actions[i] += np.bincount(actions[live, i], minlength=N_ACTIONS)
    counts.path_days += int(live.sum())
    counts.agreement_days += int(agreed_at_start.sum())
    diag = counts.diagnostics
    for key, value in (
        ("tension_start", T[live].sum()),
        ("tension_new", T_new[live].sum()),
        ("audience_new", A_new[live].sum()),
        ("misreadings", ((public_read - public_true) > per.misread_margin)[live].sum()),
        ("incidents", incident[live].sum()),
        ("p_incident", p_incident[live].sum()),
        ("alarms_acted", alarm_war[live].sum()),
        ("freeze_days", freeze_at_start.sum()),
        ("breaches_0", breaches[live, 0].sum()),
        ("breaches_1", breaches[live, 1].sum()),
        ("breakdowns", breakdown.sum()),
        ("agreements", agree.sum()),
    ):
        diag[key] = diag.get(key, 0.0) + float(value)
    commit(live)
    shock = esc.clash_shock * contained[:, None]
    st.S = st.S + shock
    st.S_true = st.S_true + shock

    counts.clash |= live & (clash | war)
    counts.war |= war
    counts.path = np.where(war, label, counts.path)
    counts.nuclear |= nuke_now
    # The first agreement of a path records its depth; the first breakdown is that of the first
    # agreement (no second agreement before it broke down).
    first = agree & ~counts.agreement
    counts.agreement_depth = np.where(first, depth, counts.agreement_depth)
    counts.agreement_day = np.where(first, day - counts.start_day, counts.agreement_day)
    counts.breakdown_day = np.where(
        breakdown & ~counts.breakdown, day - counts.start_day, counts.breakdown_day
    )
    counts.agreement |= agree
    counts.breakdown |= breakdown
    st.agreement = st.agreement | agree
    st.status = np.where(war, AT_WAR, st.status)
    st.status = np.where(nuke_now, WAR_OVER, st.status)
    st.war_day = np.where(war, day, st.war_day)
    st.balance = np.where(war, 0.0, st.balance)


def _resample(st: _Paths, rng: np.random.Generator) -> None:
    """Systematic resampling (Kitagawa 1996) within blocks of 1,024 paths ("Where a path starts")."""
    n = st.status.size
    index = np.empty(n, dtype=np.int64)
    for start in range(0, n, RESAMPLE_BLOCK):
        stop = min(start + RESAMPLE_BLOCK, n)
        lw = st.log_weight[start:stop]
        w = np.exp(lw - lw.max())
        cum = np.cumsum(w / w.sum())
        cum[-1] = 1.0
        m = stop - start
        positions = (rng.random() + np.arange(m)) / m
        index[start:stop] = start + np.searchsorted(cum, positions, side="right")
    st.take(np.minimum(index, n - 1))
    st.log_weight = np.zeros(n)


def _prelude(world: _World, st: _Paths, start_date: Any, rng: np.random.Generator) -> int:
    """Run the prelude in the world before any lever; return the next free day index."""
    prelude = world.sc.prelude
    if prelude is None:
        return 0
    n_days = (start_date - prelude.start_date).days
    by_day: dict[int, dict[int, tuple[int, dict[str, float] | None]]] = {}
    for event in prelude.events:
        d = (event.date - prelude.start_date).days
        i = world.sc.principals.index(event.actor)
        caps = (
            None
            if event.reveals is None
            else {"reach": event.reveals.reach, "warhead": event.reveals.warhead}
        )
        # AMBIGUITY: two events of one actor on one date are not ruled out by the schema; the later
        # one in the file wins here.
        by_day.setdefault(d, {})[i] = (NAMES.index(event.action), caps)
    for d in range(n_days):
        _day(world, st, d, rng, None, by_day.get(d, {}))
    _resample(st, rng)
    return n_days


def reference_simulate(
    scenario: ScenarioFile,
    runs: int,
    days: int,
    seed: int,
    prelude_world: ScenarioFile | None = None,
) -> dict[str, Any]:
    """Simulate ``runs`` paths of ``scenario`` for ``days`` days from docs/model.md alone.

    The prelude ("Where a path starts") runs in ``prelude_world`` (the world before any lever; the
    scenario itself when None) from its ``prelude.start_date`` to the day before ``scenario.start_date``;
    paths are then resampled by their likelihood of the recorded history, the declared
    ``initial.pressure`` replaces the prelude's pressure, and days 0 .. ``days`` − 1 run in ``scenario``.

    Returns:
        ``runs`` and the number of paths with a clash, war, nuclear use and a first agreement
        (``agreement``) within the horizon; ``breakdown``: the paths whose first agreement broke down
        within the horizon; ``agreement_depth``: the sum of the depths d of those first agreements;
        ``war_by_path``: war counts by label, in the order of :data:`PATH_LABELS`; and as diagnostics
        ``actions`` (actions taken on crisis days, by principal and catalogue index), ``path_days``
        (crisis path-days) and ``agreement_days`` (crisis path-days with an agreement in force at the
        start of the day).
    """
    rng = np.random.default_rng(seed)
    before = _world(prelude_world if prelude_world is not None else scenario)
    world = _world(scenario)
    st = _initial_paths(before, runs, rng)
    offset = _prelude(before, st, scenario.start_date, rng)
    # On the start date the lever world takes over. Declared pressure replaces the prelude's.
    st.P = np.tile([p.initial.pressure for p in world.principals], (runs, 1)).astype(float)
    # AMBIGUITY: the doc does not say how the applied scenario's declared talks / freeze combine with
    # the prelude's; a lever that opens talks or puts the freeze in force acts from the start date, so
    # each is in force on day 0 if the prelude left it so OR the scenario declares it.
    st.talks = st.talks | world.sc.agreement.talks_open
    st.freeze = st.freeze | world.sc.freeze.active
    counts = _Counts(
        clash=np.zeros(runs, dtype=bool),
        war=np.zeros(runs, dtype=bool),
        nuclear=np.zeros(runs, dtype=bool),
        agreement=np.zeros(runs, dtype=bool),
        agreement_depth=np.full(runs, np.nan),
        agreement_day=np.full(runs, -1, dtype=np.int64),
        breakdown_day=np.full(runs, -1, dtype=np.int64),
        breakdown=np.zeros(runs, dtype=bool),
        path=np.full(runs, -1, dtype=np.int64),
        actions=np.zeros((2, N_ACTIONS), dtype=np.int64),
        start_day=offset,
    )
    for d in range(days):
        _war_days(world, st, offset + d, rng, counts)
        _day(world, st, offset + d, rng, counts, {})
    war_by_path = [int(np.sum(counts.war & (counts.path == k))) for k in range(4)]
    return {
        "runs": runs,
        "clash": int(counts.clash.sum()),
        "war": int(counts.war.sum()),
        "nuclear_use": int(counts.nuclear.sum()),
        "agreement": int(counts.agreement.sum()),
        "breakdown": int(counts.breakdown.sum()),
        "agreement_depth": float(np.nansum(counts.agreement_depth)),
        "agreement_by_day": np.bincount(counts.agreement_day[counts.agreement], minlength=days)[:days],
        "breakdown_by_day": np.bincount(counts.breakdown_day[counts.breakdown], minlength=days)[:days],
        "agreement_days": counts.agreement_days,
        "war_by_path": war_by_path,
        "labels": PATH_LABELS,
        "actions": counts.actions,
        "path_days": counts.path_days,
        "diagnostics": counts.diagnostics,
    }
