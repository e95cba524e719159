"""The compiled kernel: the model of :mod:`brinkmanship.engine.kernel`, one path at a time, all days fused.

The NumPy kernel (:func:`brinkmanship.engine.kernel.step`) advances every path by one day with array
operations; this one, compiled by Numba (``njit``, ``nogil``), takes each path through all its days in
one pass, keeps a path's state in a few small arrays, draws only the random numbers the path uses
(:mod:`randomness` is counter-based, so a number depends only on its place) and allocates nothing per
day. Threads step disjoint ranges of paths at once (the GIL is released); Numba's ``parallel=True``
would do the same but doubles the compile time, since the path's body is compiled again inside the
parallel loop. The two compute the same quantities in the same order of floating-point
operations, and agree path for path (tests/test_compiled_kernel.py); docs/model.md is the specification
of both, and the independent reference (:mod:`brinkmanship.engine.reference`) the oracle of both.

Where Numba is missing (a platform without its wheels) or ``BRINK_KERNEL=numpy`` is set, the engine uses
the NumPy kernel and says so once; ``BRINK_KERNEL=compiled`` (or unset) asks for this one. The first use
compiles (about 15 s); the result is cached on disk (Numba's cache, in ``__pycache__`` or
``NUMBA_CACHE_DIR``), so later runs start at once.
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from typing import Any, NamedTuple

import numpy as np

from brinkmanship.engine import randomness as rnd
from brinkmanship.errors import UserError
from brinkmanship.model import decisions, fast_exp, perception
from brinkmanship.model.audience import STANDING_RUNG
from brinkmanship.model.hazards import MAX_CLASH_TO_WAR
from brinkmanship.model.ladder import ACTION_INDEX, N_ACTIONS
from brinkmanship.model.tension import FLOOR
from brinkmanship.scenario.compiled import (
    MISSILE_TEST_SLOT,
    NUCLEAR_TEST_SLOT,
    RESPONSE_CONDITIONS,
    THIRD_PARTY_ACT_KINDS,
    CompiledScenario,
)

KERNEL_CHOICES = ("compiled", "numpy")
"""Values of ``BRINK_KERNEL`` (empty: compiled where Numba is installed)."""


def _environment_problem() -> str:
    """What is wrong with the environment variables that choose or configure the kernel, or ''.

    Checked before Numba is imported: Numba itself answers a malformed ``NUMBA_NUM_THREADS`` with a
    page of warnings and carries on.
    """
    choice = os.environ.get("BRINK_KERNEL", "").strip().lower()
    if choice and choice not in KERNEL_CHOICES:
        return f"BRINK_KERNEL must be one of {', '.join(KERNEL_CHOICES)}, not {os.environ['BRINK_KERNEL']!r}"
    threads = os.environ.get("NUMBA_NUM_THREADS", "").strip()
    if threads and not (threads.isascii() and threads.isdigit() and int(threads) >= 1):
        return f"NUMBA_NUM_THREADS must be a whole number of 1 or more, not {threads!r}"
    return ""


ENVIRONMENT_PROBLEM = _environment_problem()
try:  # pragma: no cover - which branch runs depends on the platform
    if ENVIRONMENT_PROBLEM:
        raise ImportError(ENVIRONMENT_PROBLEM)
    if os.environ.get("BRINK_KERNEL", "").strip().lower() == "numpy":
        raise ImportError("BRINK_KERNEL=numpy")
    with warnings.catch_warnings(record=True) as _import_warnings:
        warnings.simplefilter("always")
        from numba import njit
    if _import_warnings:  # Numba found something in its configuration it did not like
        ENVIRONMENT_PROBLEM = f"Numba's configuration: {str(_import_warnings[0].message).splitlines()[0]}"

    HAVE_NUMBA = True
    WHY_NOT = ""
except ImportError as error:  # pragma: no cover
    HAVE_NUMBA = False
    WHY_NOT = str(error)

    def njit(*args: Any, **kwargs: Any) -> Any:  # type: ignore[no-redef]
        """Without Numba, the kernel is plain Python (used by nothing but its own tests)."""
        if args and callable(args[0]):
            return args[0]
        return lambda function: function


def _bit_casts() -> tuple[Any, Any]:
    """Reinterpret a float64's bits as an int64 and back (no conversion): the compiled twins of NumPy's
    ``view``, as LLVM ``bitcast`` instructions (they vectorise); plain Python without Numba."""
    if not HAVE_NUMBA:
        import struct

        def float_bits(value: float) -> int:
            return int(struct.unpack("<q", struct.pack("<d", value))[0])

        def bits_float(bits: int) -> float:
            return float(struct.unpack("<d", struct.pack("<q", bits))[0])

        return float_bits, bits_float
    from llvmlite import ir
    from numba import types
    from numba.extending import intrinsic

    @intrinsic
    def as_int(typingctx: Any, value: Any) -> Any:
        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            return builder.bitcast(args[0], ir.IntType(64))

        return types.int64(types.float64), codegen

    @intrinsic
    def as_float(typingctx: Any, bits: Any) -> Any:
        def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
            return builder.bitcast(args[0], ir.DoubleType())

        return types.float64(types.int64), codegen

    return as_int, as_float


_as_int, _as_float = _bit_casts()
_LOG2E = fast_exp.LOG2E
_LN2_HI = fast_exp.LN2_HI
_LN2_LO = fast_exp.LN2_LO
_ROUND = fast_exp.ROUND_TO_INTEGER
_ROUND_BITS = fast_exp.ROUND_BITS
_EXP_LOWEST = fast_exp.WEIGHT_EXP_LOWEST
_EXP_HIGHEST = fast_exp.WEIGHT_EXP_HIGHEST
(_T0, _T1, _T2, _T3, _T4, _T5, _T6, _T7, _T8, _T9, _T10, _T11, _T12, _T13) = fast_exp.TAYLOR


@njit(cache=True, inline="always")
def weight_exp(x: float) -> float:
    """:func:`brinkmanship.model.fast_exp.weight_exp` for one number, the same operations in the same
    order (the same bits); branch-free, so that a loop of them vectorises."""
    clipped = min(max(x, _EXP_LOWEST), _EXP_HIGHEST)
    shifted = clipped * _LOG2E
    shifted += _ROUND
    k = shifted - _ROUND
    r = clipped - k * _LN2_HI
    r -= k * _LN2_LO
    r2 = r * r
    r4 = r2 * r2
    r8 = r4 * r4
    q0 = _T1 * r + _T0
    q1 = _T3 * r + _T2
    q2 = _T5 * r + _T4
    q3 = _T7 * r + _T6
    q4 = _T9 * r + _T8
    q5 = _T11 * r + _T10
    q6 = _T13 * r + _T12
    s0 = q1 * r2 + q0
    s1 = q3 * r2 + q2
    s2 = q5 * r2 + q4
    v0 = s1 * r4 + s0
    v1 = q6 * r4 + s2
    poly = v1 * r8 + v0
    poly *= _as_float(((_as_int(shifted) - _ROUND_BITS) + 1023) << 52)
    poly = 0.0 if x < _EXP_LOWEST else poly
    return math.inf if x > _EXP_HIGHEST else poly


_NOTICE_GIVEN = False


def enabled() -> bool:
    """Whether the compiled kernel runs; says once on stderr when it does not (and why).

    Raises:
        UserError: the environment variables that choose or configure the kernel are malformed.
    """
    global _NOTICE_GIVEN
    if ENVIRONMENT_PROBLEM:
        raise UserError(ENVIRONMENT_PROBLEM)
    if not HAVE_NUMBA and not _NOTICE_GIVEN:
        _NOTICE_GIVEN = True
        print(
            f"brinkmanship: the compiled kernel is off ({WHY_NOT}); using the NumPy kernel, which gives "
            "the same results more slowly (about fifteen times on a 2-core machine)",
            file=sys.stderr,
        )
    return HAVE_NUMBA


# Statuses and paths to war (as in engine/state.py; repeated as plain ints for the compiler).
ACTIVE, AT_WAR, WAR_OVER = 0, 1, 2
DELIBERATE, MISCALCULATION, ACCIDENT, FALSE_ALARM = 0, 1, 2, 3
NEVER = -1
NO_PROPOSAL = -10_000
PRESSURE_DECAY = 0.995
CONCESSION_MEMORY = 0.9
FORCED_FLOOR = 1e-12
FIXED_POINT = 1_000_000.0
N_TYPES = 4
HOLD = ACTION_INDEX["hold"]
PICK_HOLD = -2
"""What :func:`_sample` returns where every weight is 0 (the choice is then HOLD)."""
PICK_ERROR = -1
"""What :func:`_sample` returns where the weights are not finite (the run stops with a UserError)."""
CONCESSION_PRIVATE = ACTION_INDEX["concession_private"]
SANCTIONS, RESTRAINT_CALL, PRESS_TALKS = range(len(THIRD_PARTY_ACT_KINDS))
TENSION_ABOVE = RESPONSE_CONDITIONS.index("tension_above")
TYPE_GREEDY = (0, 0, 1, 1)
TYPE_RESOLUTE = (0, 1, 0, 1)

# Columns of the per-path aggregates (the DayLog fields, summed over a path's days).
AGG_ACTIVE = 0
AGG_MISREADINGS = 1
AGG_READINGS = 2
AGG_FALSE_ALARMS = 3
AGG_FREEZE_DAYS = 4
AGG_FREEZE_BREACHES = 5  # two columns
AGG_AUDIENCE = 7
AGG_LOCK_IN = 8
AGG_TENSION = 9
AGG_WAR_DAYS = 10
AGG_CLASH_EVENTS = 11  # two columns
AGG_WAR_TRIGGERS = 13  # four columns
AGG_AGREEMENT_DAYS = 17
AGG_ACTIONS = 18  # 2 x N_ACTIONS columns, principal-major
AGG_ERROR = AGG_ACTIONS + 2 * N_ACTIONS
"""1 where the path's arithmetic broke down (a choice with no finite weight): the run stops with a
UserError, as the NumPy kernel's ``checked_arithmetic`` does."""
N_AGG = AGG_ERROR + 1

# Fields of the packed table the decision loop reads (``rep_decide``, (2, D_FIELDS, A)) and of the one
# it writes (``work``, (2, W_FIELDS, A)).
D_BASE = 0  # six columns: the base utility's terms (decisions.action_vectors)
D_TIMID = 6  # five columns: the timid leader's terms
D_GREEDY = 11  # two columns: the greedy type's terms
D_HAZARD = 13
D_COERCE = 14
D_FIELDS = 15
W_BASE, W_TIMID, W_GREED, W_UTIL = range(4)
W_FIELDS = 4


class Params(NamedTuple):
    """A compiled scenario as the compiled kernel reads it: arrays and numbers only."""

    hostility: np.ndarray
    rung: np.ndarray
    public: np.ndarray
    military: np.ndarray
    is_concession: np.ndarray
    is_threat_public: np.ndarray
    is_force_public: np.ndarray
    is_attack_clash: np.ndarray
    is_war: np.ndarray
    is_talks: np.ndarray
    is_freeze_proposal: np.ndarray
    is_missile_test: np.ndarray
    is_nuclear_test: np.ndarray
    is_recorded: np.ndarray
    action_incident: np.ndarray
    available: np.ndarray  # (2, A) without a freeze
    freeze_terms: np.ndarray  # (2, A)
    frozen: np.ndarray  # (2, A) frozen and in the repertoire
    freeze_row: np.ndarray  # (2,) the principal has frozen actions
    freeze_any: bool
    base_vectors: np.ndarray  # (2, 6, A): each principal's own
    timid_vectors: np.ndarray  # (2, 5, A)
    greedy_vectors: np.ndarray  # (2, 2, A)
    coerce: np.ndarray  # (2, A)
    action_hazard: np.ndarray  # (A,)
    attack: np.ndarray  # (A,) float
    war_cost: np.ndarray  # (2,)
    precision: np.ndarray
    coordination: np.ndarray
    voice_bias: np.ndarray
    public_noise: np.ndarray  # (2,) std. dev. of each principal's public signals
    resolve_types: np.ndarray  # (2, 2)
    reciprocity: np.ndarray  # (2,)
    generosity: np.ndarray  # (2,)
    credibility: float
    preemption: float
    preventive: float
    face_cost: float
    commitment: float
    posture_decay: float
    hazard_base: float
    log_growth: float
    hazard_tension_growth: float
    threshold_rungs: np.ndarray
    log_jumps: np.ndarray
    window: float
    stress: float
    imminence_threshold: float
    imminence_scale: float
    clash_to_war: float
    tension_weight: float
    audience_weight: float
    verify: float
    misread_margin: float
    freeze_breach_rate: float
    threat_gain: float
    force_gain: float
    standing_gain: float
    audience_decay: float
    talks_window: float
    missile_gain: float
    nuclear_gain: float
    hostile_bias: float
    has_private: bool
    private_noise: float
    private_delay: float
    private_weight: float
    private_whole: int
    tension_calm: float
    tension_decay: float
    tension_amplification: float
    tremble: float
    alarm_rate: float
    alarm_multiplier: float
    pass_early: float
    pass_last: float
    imminence_weight: float
    clash_shock: float
    agreement_rate: float
    tension_damping: float
    concession_boost: float
    mediator_boost: float
    breakdown_rate: float
    agreement_calm: float
    conceder: int
    agreement_floor: float
    ceiling_base: float
    ceiling_pressure: float
    ceiling_capability: float
    agreement_relief: float
    false_alarm_nuclear: float
    balance_drift: float
    balance_noise: float
    defeat_threshold: float
    nuclear_hazard: float
    defeat_multiplier: float
    face_saving_exit: bool
    ceasefire_rate: float
    act_kind: np.ndarray
    act_rate: np.ndarray
    act_strength: np.ndarray
    act_target: np.ndarray
    rule_act: np.ndarray
    rule_condition: np.ndarray
    rule_by: np.ndarray
    rule_window: np.ndarray
    rule_level: np.ndarray
    rule_rate: np.ndarray
    # Each principal's repertoire packed to the front of its row (see _repertoire_columns), (2, A) or
    # (2, m, A) for the vectors; rep_size (2,) columns used.
    rep_actions: np.ndarray
    rep_column: np.ndarray
    rep_size: np.ndarray
    rep_base: np.ndarray
    rep_timid: np.ndarray
    rep_greedy: np.ndarray
    rep_coerce: np.ndarray
    rep_hazard: np.ndarray
    rep_hostility: np.ndarray
    rep_attack: np.ndarray
    rep_available: np.ndarray
    rep_freeze: np.ndarray
    rep_frozen: np.ndarray
    rep_strike: np.ndarray
    rep_recorded: np.ndarray
    rep_decide: np.ndarray


def _repertoire_columns(params: Params) -> dict[str, np.ndarray]:
    """Each principal's repertoire (its available or frozen actions) packed to the front of its rows, in
    action order: compact column k of principal i stands for action ``rep_actions[i, k]``
    (``rep_column`` maps back, -1 outside the repertoire). The kernel's utilities and logits loop over
    these ``rep_size[i]`` contiguous columns only (they vectorise; an index would not), with the same
    operations in the same order as over all actions, so the bits do not change: an action outside the
    repertoire has weight 0 and adds nothing to any sum."""
    n_act = params.available.shape[1]
    out: dict[str, np.ndarray] = {
        "rep_actions": np.zeros((2, n_act), dtype=np.int64),
        "rep_column": np.full((2, n_act), -1, dtype=np.int64),
        "rep_size": np.zeros(2, dtype=np.int64),
    }
    per_action = {
        "rep_coerce": params.coerce,
        "rep_hazard": np.broadcast_to(params.action_hazard, (2, n_act)),
        "rep_hostility": np.broadcast_to(params.hostility, (2, n_act)),
        "rep_attack": np.broadcast_to(params.attack, (2, n_act)),
        "rep_available": params.available,
        "rep_freeze": params.freeze_terms,
        "rep_frozen": params.frozen,
        "rep_strike": np.broadcast_to((params.is_attack_clash | params.is_war).astype(float), (2, n_act)),
        "rep_recorded": np.broadcast_to(
            (params.is_recorded | params.is_attack_clash | params.is_war).astype(float), (2, n_act)
        ),
    }
    vectors = {"rep_base": params.base_vectors, "rep_timid": params.timid_vectors}
    vectors["rep_greedy"] = params.greedy_vectors
    for name, table in per_action.items():
        out[name] = np.zeros((2, n_act), dtype=table.dtype)
    for name, table in vectors.items():
        out[name] = np.zeros(table.shape, dtype=float)
    out["rep_decide"] = np.zeros((2, D_FIELDS, n_act))
    for i in range(2):
        chosen = np.flatnonzero(params.available[i] | params.frozen[i])
        k = chosen.size
        out["rep_size"][i] = k
        out["rep_actions"][i, :k] = chosen
        out["rep_column"][i, chosen] = np.arange(k)
        for name, table in per_action.items():
            out[name][i, :k] = table[i, chosen]
        for name, table in vectors.items():
            out[name][i, :, :k] = table[i][:, chosen]
    for i in range(2):
        decide = out["rep_decide"][i]
        decide[D_BASE : D_BASE + 6] = out["rep_base"][i]
        decide[D_TIMID : D_TIMID + 5] = out["rep_timid"][i]
        decide[D_GREEDY : D_GREEDY + 2] = out["rep_greedy"][i]
        decide[D_HAZARD] = out["rep_hazard"][i]
        decide[D_COERCE] = out["rep_coerce"][i]
    return out


def pack(model: CompiledScenario) -> Params:
    """The compiled kernel's view of ``model``: every derived constant computed here, by the same NumPy
    expressions the NumPy kernel evaluates, so that both start from the same bits."""
    from brinkmanship.engine import kernel
    from brinkmanship.model import war

    vectors = decisions.action_vectors(model)
    has_private, private_noise, private_delay, private_weight = kernel._private_channel(model)
    acts = model.third_party_acts
    contiguous = np.ascontiguousarray
    params = Params(
        hostility=model.action_hostility.astype(float),
        rung=model.action_rung.astype(float),
        public=contiguous(model.action_public),
        military=contiguous(model.action_military),
        is_concession=contiguous(model.action_is_concession),
        is_threat_public=contiguous(model.action_is_threat_public),
        is_force_public=contiguous(model.action_is_force_public),
        is_attack_clash=contiguous(model.action_is_attack_clash),
        is_war=contiguous(model.action_is_war),
        is_talks=contiguous(model.action_is_talks),
        is_freeze_proposal=contiguous(model.action_is_freeze_proposal),
        is_missile_test=contiguous(model.action_is_missile_test),
        is_nuclear_test=contiguous(model.action_is_nuclear_test),
        is_recorded=contiguous(model.action_is_recorded),
        action_incident=model.action_incident.astype(float),
        available=contiguous(kernel.available_actions(model, np.zeros(1, dtype=bool))[:, 0, :].T),
        freeze_terms=contiguous(model.freeze_terms),
        frozen=contiguous(model.freeze_terms & model.repertoire),
        freeze_row=contiguous(model.freeze_terms.any(axis=1)),
        freeze_any=bool(model.freeze_terms.any()),
        base_vectors=contiguous(np.moveaxis(vectors.base, -1, 0)),
        timid_vectors=contiguous(np.moveaxis(vectors.timid, -1, 0)),
        greedy_vectors=contiguous(np.moveaxis(vectors.greedy, -1, 0)),
        coerce=contiguous(vectors.coerce.T),
        action_hazard=contiguous(vectors.hazard),
        attack=contiguous(vectors.attack),
        war_cost=model.war_cost.astype(float),
        precision=model.precision.astype(float),
        coordination=model.coordination.astype(float),
        voice_bias=model.voice_bias.astype(float),
        public_noise=np.asarray(
            perception.public_signal_noise(model.public_noise, model.coordination, model.voice_spread),
            dtype=float,
        ),
        resolve_types=contiguous(model.resolve_types.astype(float)),
        reciprocity=model.reciprocity.astype(float),
        generosity=model.generosity.astype(float),
        credibility=float(model.credibility),
        preemption=float(model.preemption),
        preventive=float(model.preventive),
        face_cost=float(decisions.face_cost_factor(model)),
        commitment=float(model.commitment),
        posture_decay=float(model.posture_decay),
        hazard_base=float(model.hazard_base),
        log_growth=float(np.log(model.hazard_growth)),
        hazard_tension_growth=float(model.hazard_tension_growth),
        threshold_rungs=model.threshold_rungs.astype(float),
        log_jumps=np.concatenate(([0.0], np.cumsum(np.log(model.threshold_jumps)))),
        window=float(model.risk_aversion * model.risk_window_days),
        stress=float(model.stress),
        imminence_threshold=float(model.imminence_threshold),
        imminence_scale=float(model.imminence_scale),
        clash_to_war=float(model.clash_to_war),
        tension_weight=float(model.tension_weight),
        audience_weight=float(model.audience_weight),
        verify=float(model.direct_verify if model.direct_enabled else 0.0),
        misread_margin=float(model.misread_margin),
        freeze_breach_rate=float(model.freeze_breach_rate),
        threat_gain=float(model.threat_gain),
        force_gain=float(model.force_gain),
        standing_gain=float(model.standing_gain),
        audience_decay=float(model.audience_decay),
        talks_window=float(model.talks_window_days),
        missile_gain=float(model.missile_test_gain),
        nuclear_gain=float(model.nuclear_test_gain),
        hostile_bias=float(model.hostile_bias),
        has_private=bool(has_private),
        private_noise=float(private_noise),
        private_delay=float(private_delay),
        private_weight=float(private_weight),
        private_whole=int(np.floor(private_delay)),
        tension_calm=float(model.tension_calm),
        tension_decay=float(model.tension_decay),
        tension_amplification=float(model.tension_amplification),
        tremble=float(model.tremble),
        alarm_rate=float(model.alarm_rate),
        alarm_multiplier=float(model.alarm_crisis_multiplier),
        pass_early=float(model.alarm_pass_early),
        pass_last=float(model.alarm_pass_last),
        imminence_weight=float(model.alarm_imminence_weight),
        clash_shock=float(model.clash_shock),
        agreement_rate=float(model.agreement_rate),
        tension_damping=float(model.tension_damping),
        concession_boost=float(model.concession_boost),
        mediator_boost=float(model.mediator_agreement_boost),
        breakdown_rate=float(model.breakdown_rate),
        agreement_calm=float(model.agreement_calm),
        conceder=int(model.conceder),
        agreement_floor=float(model.agreement_floor),
        ceiling_base=float(model.ceiling_base),
        ceiling_pressure=float(model.ceiling_pressure),
        ceiling_capability=float(model.ceiling_capability),
        agreement_relief=float(model.agreement_relief),
        false_alarm_nuclear=float(model.false_alarm_nuclear),
        balance_drift=war.balance_drift(model.military_strength, model.balance_rate),
        balance_noise=float(model.balance_noise),
        defeat_threshold=float(model.defeat_threshold),
        nuclear_hazard=float(model.nuclear_hazard),
        defeat_multiplier=float(model.defeat_multiplier),
        face_saving_exit=bool(model.face_saving_exit),
        ceasefire_rate=float(model.ceasefire_rate),
        act_kind=acts.kind.astype(np.int64),
        act_rate=acts.rate.astype(float),
        act_strength=acts.strength.astype(float),
        act_target=contiguous(acts.target.astype(float)),
        rule_act=acts.responses.act.astype(np.int64),
        rule_condition=acts.responses.condition.astype(np.int64),
        rule_by=contiguous(acts.responses.by),
        rule_window=acts.responses.within_days.astype(float),
        rule_level=acts.responses.level.astype(float),
        rule_rate=acts.responses.rate.astype(float),
        **{name: np.zeros(0) for name in _REPERTOIRE_FIELDS},
    )
    columns: dict[str, Any] = _repertoire_columns(params)  # every one an array field (rep_*)
    return params._replace(**columns)


_REPERTOIRE_FIELDS = tuple(name for name in Params._fields if name.startswith("rep_"))


# ----------------------------------------------------------------------------------------------------
# Random numbers: scalar twins of randomness.uniform and randomness.normal_pair (same bits).

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_DAY_BITS = np.uint64(rnd.DAY_BITS)
_COLUMN_BITS = np.uint64(rnd.COLUMN_BITS)
_DAY_OFFSET = rnd.DAY_OFFSET
_ONE = np.uint64(1)
_S11 = np.uint64(11)
_S27 = np.uint64(27)
_S30 = np.uint64(30)
_S31 = np.uint64(31)
_TO_UNIT = rnd.TO_UNIT
_U_FIXED = rnd.U_FIXED
_NORMAL_BASE = rnd.NORMAL_BASE
_TWO_PI = 2.0 * np.pi


@njit(cache=True)
def _uniform(key: Any, path: int, day: int, column: int) -> float:
    index = (((np.uint64(path) << _DAY_BITS) | np.uint64(day + _DAY_OFFSET)) << _COLUMN_BITS) | np.uint64(
        column
    )
    z = key + (index + _ONE) * _GAMMA
    z = (z ^ (z >> _S30)) * _MIX_1
    z = (z ^ (z >> _S27)) * _MIX_2
    z = z ^ (z >> _S31)
    return float(z >> _S11) * _TO_UNIT


@njit(cache=True)
def _normal(key: Any, path: int, day: int, j: int) -> float:
    first = _NORMAL_BASE + 2 * (j // 2)
    radius = math.sqrt(-2.0 * math.log(1.0 - _uniform(key, path, day, first)))
    angle = _TWO_PI * _uniform(key, path, day, first + 1)
    return radius * math.cos(angle) if j % 2 == 0 else radius * math.sin(angle)


@njit(cache=True)
def draws_at(key: Any, paths: np.ndarray, day: int, column: int, normal: bool) -> np.ndarray:
    """The compiled twins of :func:`randomness.uniform` (uniform ``column``) and of the normals of
    :func:`randomness.day_draws` (``normal``: normal ``column``), for the test that they agree."""
    out = np.empty(paths.shape[0])
    for k in range(paths.shape[0]):
        out[k] = _normal(key, paths[k], day, column) if normal else _uniform(key, paths[k], day, column)
    return out


# ----------------------------------------------------------------------------------------------------
# The model, for one path.


@njit(cache=True)
def _loss_of_control(
    rung: float,
    tension: float,
    tension_growth: float,
    base: float,
    log_growth: float,
    threshold_rungs: np.ndarray,
    log_jumps: np.ndarray,
) -> float:
    """hazards.loss_of_control_hazard for one rung (searchsorted 'left': thresholds strictly below)."""
    crossed = 0
    for k in range(threshold_rungs.shape[0]):
        if threshold_rungs[k] < rung:
            crossed += 1
    log_hazard = (rung - 1.0) * log_growth + tension_growth * tension + log_jumps[crossed]
    return min(base * math.exp(log_hazard), 1.0)


@njit(cache=True)
def _reciprocity_target(perceived: float, generosity: float) -> float:
    return perceived * (1.0 - generosity) if perceived > 0.0 else perceived


@njit(cache=True)
def _imminence(belief: float, perceived: float, threshold: float, scale: float) -> float:
    return belief / (1.0 + math.exp(-(perceived - threshold) / scale))


@njit(cache=True)
def _clash_to_war(
    base: float, tension_weight: float, tension: float, audience_weight: float, audience: float
) -> float:
    return min(base + tension_weight * tension + audience_weight * audience, MAX_CLASH_TO_WAR)


@njit(cache=True)
def _sample(weights: np.ndarray, row: int, n: int, uniform: float) -> int:
    """decisions.sample_choice for one decision over the first ``n`` (compact) columns of
    ``weights[row]`` (passed with its row, not as a row view: see _logit_weights_pair): the column
    chosen, ``n`` where every column's cumulative weight stays at or below the threshold (sampling over
    every action then clamps to the last action), PICK_HOLD where every weight is 0 (the prelude's free
    choice beside a recorded one at extreme precision), PICK_ERROR where the weights are not finite."""
    total = 0.0
    for a in range(n):
        total += weights[row, a]
    if total == 0.0:
        return PICK_HOLD
    if not (total > 0.0 and total < math.inf):
        return PICK_ERROR
    threshold = uniform * total
    cumulative = 0.0
    chosen = 0
    for a in range(n):
        cumulative += weights[row, a]
        if cumulative <= threshold:
            chosen += 1
    return chosen


@njit(cache=True)
def _logit_weights_pair(
    utility: np.ndarray,
    available: np.ndarray,
    size: np.ndarray,
    precision: np.ndarray,
    scratch: np.ndarray,
    out: np.ndarray,
) -> None:
    """decisions.choice_weights for both principals: row ``i`` of ``out`` gets exp(lambda_i * U - max)
    over the first ``size[i]`` (compact) columns of ``utility[i, W_UTIL]`` where ``available[i]``, 0
    elsewhere.

    The two rows' maxima are found side by side (their chains of dependent operations overlap in the
    processor); the exponents, -inf where unavailable, go into the flat ``scratch`` (at least
    ``2 * N_ACTIONS``), so that one branch-free loop of :func:`weight_exp` over both rows vectorises.
    Rows are indexed in place: a row view (``utility[i]``) takes and releases a reference on the array,
    an atomic operation that cost about a tenth of the kernel's time."""
    n0 = size[0]
    n1 = size[1]
    lam0 = precision[0]
    lam1 = precision[1]
    top0 = -math.inf
    top1 = -math.inf
    for a in range(max(n0, n1)):
        if a < n0 and available[0, a]:
            top0 = max(top0, utility[0, W_UTIL, a] * lam0)
        if a < n1 and available[1, a]:
            top1 = max(top1, utility[1, W_UTIL, a] * lam1)
    for a in range(n0):
        scratch[a] = utility[0, W_UTIL, a] * lam0 - top0 if available[0, a] else -math.inf
    for a in range(n1):
        scratch[n0 + a] = utility[1, W_UTIL, a] * lam1 - top1 if available[1, a] else -math.inf
    for a in range(n0 + n1):
        scratch[a] = weight_exp(scratch[a])
    for a in range(n0):
        out[0, a] = scratch[a]
    for a in range(n1):
        out[1, a] = scratch[n0 + a]


@njit(cache=True)
def _imposed(forced: np.ndarray, d: int, q: int, i: int) -> int:
    """The action imposed on principal ``i`` of path ``q`` on the task's day ``d``, -1 for none: the
    schedule's rows end at its last day with an imposed action (a forecast's first day: not one row per day
    of the horizon, which at 100,000 branches x 3,650 days was 5.8 GB)."""
    if d >= forced.shape[0]:
        return -1
    return forced[d, 0, i] if forced.shape[1] == 1 else forced[d, q, i]


@njit(cache=True, nogil=True)
def run_paths(
    first_path: int,
    end_path: int,
    p: Params,
    path_ids: np.ndarray,
    key: Any,
    first_day: int,
    n_days: int,
    chance: bool,
    forced: np.ndarray,
    reveals: np.ndarray,
    forced_acts: np.ndarray,
    weigh_forced: bool,
    resolve: np.ndarray,
    greedy: np.ndarray,
    sensitivity: np.ndarray,
    level: np.ndarray,
    audience: np.ndarray,
    pressure: np.ndarray,
    recent: np.ndarray,
    last_talks: np.ndarray,
    last_freeze: np.ndarray,
    last_test: np.ndarray,
    perceived: np.ndarray,
    true_hostility: np.ndarray,
    reach: np.ndarray,
    warhead: np.ndarray,
    posterior: np.ndarray,
    inbox_value: np.ndarray,
    inbox_weight: np.ndarray,
    inbox_true: np.ndarray,
    talks_open: np.ndarray,
    freeze_on: np.ndarray,
    agreement_on: np.ndarray,
    status: np.ndarray,
    war_balance: np.ndarray,
    history_loglik: np.ndarray,
    clash_day: np.ndarray,
    war_day: np.ndarray,
    nuclear_day: np.ndarray,
    agreement_day: np.ndarray,
    agreement_depth: np.ndarray,
    breakdown_day: np.ndarray,
    war_path: np.ndarray,
    war_initiator: np.ndarray,
    aggregates: np.ndarray,
) -> None:
    """Step paths ``first_path .. end_path`` through days ``first_day .. first_day + n_days`` in place.

    State arrays are those of :class:`~brinkmanship.engine.state.CrisisState`. ``path_ids`` ``(n,)``: each
    path's global id (its place in the random stream). ``forced`` ``(rows <= n_days, 1 or n, 2)``: imposed
    actions (-1 free; the days after the last row free). ``reveals`` ``(n_days or 0, 2, 2)``: capabilities
    learnt at the end of a day (NaN none). ``forced_acts`` ``(n_days or 0, n_acts)`` bool: third-party acts
    that happen that day (the record). ``weigh_forced``: without chance, weigh each path by the probability of
    the record (kernel.step's ``weigh_forced``). ``aggregates`` ``(N_AGG,)`` int64: the task's DayLog totals
    are added to it (one row per task, not per path: integer sums are exact in any order, and a row per path
    is tens of megabytes to zero and sum at 100,000 paths). On an invalid choice weight it gets ``AGG_ERROR``
    and the call returns at once (the caller raises). The GIL is released: threads may step disjoint ranges of
    paths at once.
    """
    # Scratch arrays, allocated once per task and reused for every path and day.
    n_act = N_ACTIONS
    n_third = p.act_rate.shape[0]
    slots = inbox_value.shape[0]
    verify = p.verify
    work = np.empty((2, W_FIELDS, n_act))
    decide = p.rep_decide
    weights = np.empty((2, n_act))
    type_util = np.empty((N_TYPES, n_act))
    flat = np.empty(N_TYPES * n_act)
    type_fixed = np.empty(n_act)
    type_scaled = np.empty(n_act)
    avail = np.empty((2, n_act), dtype=np.bool_)
    fired = np.empty(n_third, dtype=np.bool_)
    n_rules = p.rule_act.shape[0]
    keep = np.empty(n_third)
    responding = np.empty(n_third, dtype=np.bool_)
    choice = np.empty(2, dtype=np.int64)
    belief_greedy = np.empty(2)
    imminence = np.empty(2)
    precision = np.empty(2)
    new_level = np.empty(2)
    new_audience = np.empty(2)
    new_recent = np.empty(2)
    truth = np.empty(2)
    reading = np.empty(2)
    new_perceived = np.empty(2)
    new_true = np.empty(2)
    likelihood = np.empty(N_TYPES)
    weighted = np.empty(N_TYPES)
    # Each principal's repertoire packed into contiguous columns (:func:`_repertoire_columns`).
    actions = p.rep_actions
    column_of = p.rep_column
    size = p.rep_size
    c_coerce = p.rep_coerce
    c_hostility = p.rep_hostility
    c_attack = p.rep_attack
    c_available = p.rep_available
    c_freeze = p.rep_freeze
    c_frozen = p.rep_frozen
    c_strike = p.rep_strike
    c_recorded = p.rep_recorded
    agg = aggregates
    for q in range(first_path, end_path):
        pid = path_ids[q]
        for d in range(n_days):
            t = first_day + d
            s = status[q]
            if s == AT_WAR and chance:
                # war_step: the balance, Kennedy's maxim, nuclear use, a ceasefire.
                agg[AGG_WAR_DAYS] += 1
                balance = war_balance[q] + p.balance_drift + p.balance_noise * _normal(key, pid, t, rnd.Z_WAR)
                cornered = (balance < -p.defeat_threshold or balance > p.defeat_threshold) and not (
                    p.face_saving_exit
                )
                hazard_nuclear = min(p.nuclear_hazard * (1.0 + p.defeat_multiplier * cornered), 1.0)
                nuclear = _uniform(key, pid, t, rnd.U_NUCLEAR) < hazard_nuclear
                ceasefire = (not nuclear) and _uniform(key, pid, t, rnd.U_CEASEFIRE) < p.ceasefire_rate
                war_balance[q] = balance
                if nuclear:
                    nuclear_day[q] = t
                if nuclear or ceasefire:
                    status[q] = WAR_OVER
                continue
            if s != ACTIVE:
                if s == AT_WAR:
                    continue
                break  # past its war: nothing more happens on this path
            agg[AGG_ACTIVE] += 1

            # 1. Decide.
            tension_now = (max(perceived[q, 0], 0.0) + max(perceived[q, 1], 0.0)) / 2.0
            audience_mean = (audience[q, 0] + audience[q, 1]) / 2.0
            p_war_clash = _clash_to_war(
                p.clash_to_war, p.tension_weight, tension_now, p.audience_weight, audience_mean
            )
            # Third-party acts: kernel.act_probabilities, rule by rule in order.
            for j in range(n_third):
                keep[j] = 1.0 - p.act_rate[j]
                responding[j] = False
            for r in range(n_rules):
                condition = p.rule_condition[r]
                if condition <= NUCLEAR_TEST_SLOT:
                    holds = (p.rule_by[r, 0] and t - last_test[q, 0, condition] <= p.rule_window[r]) or (
                        p.rule_by[r, 1] and t - last_test[q, 1, condition] <= p.rule_window[r]
                    )
                elif condition == TENSION_ABOVE:
                    holds = tension_now > p.rule_level[r]
                else:
                    holds = min(audience[q, 0], audience[q, 1]) > p.rule_level[r]
                if holds:
                    j = p.rule_act[r]
                    keep[j] = keep[j] * (1.0 - p.rule_rate[r])
                    responding[j] = True
            for j in range(n_third):
                chance_j = 1.0 - keep[j] if responding[j] else p.act_rate[j]
                fired[j] = _uniform(key, pid, t, _U_FIXED + j) < chance_j
                if forced_acts.shape[0] and forced_acts[d, j]:
                    fired[j] = True
            p_clash = p_war_clash
            p_incident = p_clash * (1.0 - verify)
            heat = math.exp(p.hazard_tension_growth * tension_now)
            frozen_today = freeze_on[q]
            first_loglik = 0.0
            for i in range(2):
                o = 1 - i
                bg = posterior[q, i, 2] + posterior[q, i, 3]
                br = posterior[q, i, 1] + posterior[q, i, 3]
                belief_greedy[i] = bg
                imm = _imminence(bg, perceived[q, i], p.imminence_threshold, p.imminence_scale)
                imminence[i] = imm
                pressed = 0.0
                for j in range(n_third):
                    if fired[j] and p.act_kind[j] == PRESS_TALKS:
                        pressed += p.act_strength[j] * p.act_target[j, i]
                distrust = 1.0 - bg
                own_level = max(level[q, i] - p.posture_decay, 1.0)
                standing_level = max(own_level, level[q, o])
                standing_hazard = min(
                    _loss_of_control(
                        standing_level, 0.0, 0.0, p.hazard_base, p.log_growth, p.threshold_rungs, p.log_jumps
                    )
                    * heat,
                    1.0,
                )
                war_cost = p.war_cost[i]
                danger = p.window * war_cost * standing_hazard * p_incident
                target = _reciprocity_target(perceived[q, i], p.generosity[i])
                threat = reach[q, o] * warhead[q, o]
                c0 = 2.0 * p.reciprocity[i] * target
                c2 = (pressure[q, i] + pressed + p.credibility * br) * distrust
                c3 = p.preemption * imm
                c4 = p.preventive * bg * threat
                c5 = sensitivity[q, i] * audience[q, i] * p.face_cost
                d1 = war_cost * p_clash
                d2 = war_cost * p_incident
                d3 = p.commitment * sensitivity[q, i]
                d4 = -danger * distrust
                risk_scale = p.window * war_cost * p_incident
                g1 = pressure[q, i]
                r = resolve[q, i]
                g = greedy[q, i]
                n_i = size[i]
                # One table in, one table out (``rep_decide``, ``work``), indexed in place (not through row
                # views, see _logit_weights_pair): with two arrays the compiler can check once that they do
                # not overlap, and the loop vectorises.
                for a in range(n_i):
                    b = decide[i, D_BASE, a] * c0
                    b += decide[i, D_BASE + 1, a] * 1.0
                    b += decide[i, D_BASE + 2, a] * c2
                    b += decide[i, D_BASE + 3, a] * c3
                    b += decide[i, D_BASE + 4, a] * c4
                    b += decide[i, D_BASE + 5, a] * c5
                    tm = decide[i, D_TIMID, a] * war_cost
                    tm += decide[i, D_TIMID + 1, a] * d1
                    tm += decide[i, D_TIMID + 2, a] * d2
                    tm += decide[i, D_TIMID + 3, a] * d3
                    tm += decide[i, D_TIMID + 4, a] * d4
                    risk = min(max(decide[i, D_HAZARD, a] * heat, standing_hazard), 1.0)
                    tm += risk * risk_scale
                    gr = decide[i, D_GREEDY, a] * 1.0
                    gr += decide[i, D_GREEDY + 1, a] * g1
                    work[i, W_BASE, a] = b
                    work[i, W_TIMID, a] = tm
                    work[i, W_GREED, a] = gr
                    u = (tm + decide[i, D_COERCE, a]) * r
                    u += b
                    u -= tm
                    u += g * gr
                    work[i, W_UTIL, a] = u
                for a in range(n_i):
                    avail[i, a] = c_available[i, a] and not (frozen_today and c_freeze[i, a])
                precision[i] = p.precision[i] / (1.0 + p.stress * tension_now)
            _logit_weights_pair(work, avail, size, precision, flat, weights)
            for i in range(2):
                n_i = size[i]
                if not chance:
                    attack_weight = 0.0
                    recorded_weight = 0.0
                    total_weight = 0.0
                    for a in range(n_i):
                        attack_weight += weights[i, a] * c_strike[i, a]
                        recorded_weight += weights[i, a] * c_recorded[i, a]
                        total_weight += weights[i, a]
                    if weigh_forced:
                        # The record's probability: the imposed move, or none of the recorded kinds.
                        imposed_now = _imposed(forced, d, q, i)
                        if imposed_now >= 0:
                            imposed_column = column_of[i, imposed_now]
                            imposed_weight = weights[i, imposed_column] if imposed_column >= 0 else 0.0
                            term = math.log(max(imposed_weight / total_weight, FORCED_FLOOR))
                        else:
                            term = math.log1p(-min(recorded_weight / total_weight, 0.999999))
                    else:
                        term = math.log1p(-min(attack_weight / total_weight, 0.999999))
                    if i == 0:
                        first_loglik = term
                    else:
                        history_loglik[q] += first_loglik + term
                    for a in range(n_i):
                        if p.is_recorded[actions[i, a]]:
                            weights[i, a] = 0.0
                picked = _sample(weights, i, n_i, _uniform(key, pid, t, rnd.U_CHOICE[i]))
                if picked == PICK_ERROR:
                    agg[AGG_ERROR] = 1
                    return  # the run fails (advance raises): nothing more to step
                elif picked == PICK_HOLD:
                    choice[i] = HOLD
                else:
                    # Past the last column: the clamp of sampling over every action (the last action).
                    choice[i] = actions[i, picked] if picked < n_i else n_act - 1

            # 2. Freeze breaches: the breaching side takes its most valued frozen action.
            breach_any = False
            if p.freeze_any and frozen_today:
                agg[AGG_FREEZE_DAYS] += 1
                for i in range(2):
                    if p.freeze_row[i] and _uniform(key, pid, t, rnd.U_BREACH[i]) < p.freeze_breach_rate:
                        breach_any = True
                        agg[AGG_FREEZE_BREACHES + i] += 1
                        best = -math.inf
                        best_a = 0
                        for a in range(size[i]):
                            value = work[i, W_UTIL, a] if c_frozen[i, a] else -math.inf
                            if value > best:
                                best = value
                                best_a = actions[i, a]
                        choice[i] = best_a
            # An agreement in force breaks down at its rate, or at once on a breach of its freeze.
            agreement_before = agreement_on[q]
            breaks = False
            if agreement_before:
                agg[AGG_AGREEMENT_DAYS] += 1
                if chance:
                    breaks = breach_any or _uniform(key, pid, t, rnd.U_BREAKDOWN) < p.breakdown_rate
            misreading0 = perceived[q, 0] - true_hostility[q, 0] > p.misread_margin
            misreading1 = perceived[q, 1] - true_hostility[q, 1] > p.misread_margin
            for i in range(2):
                c = choice[i]
                attack = p.is_attack_clash[c] or p.is_war[c]
                misreading = misreading0 if i == 0 else misreading1
                if verify > 0.0 and attack and misreading:
                    if _uniform(key, pid, t, rnd.U_CHECK[i]) < verify:
                        choice[i] = HOLD
                if not chance and attack:
                    choice[i] = HOLD
                imposed = _imposed(forced, d, q, i)
                if imposed >= 0:
                    choice[i] = imposed

            # 3. Postures, audience costs, proposals, capability.
            c_0 = choice[0]
            c_1 = choice[1]
            for i in range(2):
                c = choice[i]
                lv = max(p.rung[c], max(level[q, i] - p.posture_decay, 1.0))
                new_level[i] = lv
                grown = (
                    audience[q, i] * p.audience_decay
                    + p.threat_gain * p.is_threat_public[c]
                    + p.force_gain * p.is_force_public[c]
                    + p.standing_gain * (lv >= STANDING_RUNG)
                )
                new_audience[i] = 0.0 if (p.is_concession[c] and p.public[c]) else grown
                new_recent[i] = CONCESSION_MEMORY * recent[q, i] + p.is_concession[c]
                if p.is_talks[c]:
                    last_talks[q, i] = t
                if p.is_freeze_proposal[c]:
                    last_freeze[q, i] = t
            talks_now = (talks_open[q] and not breaks) or min(last_talks[q, 0], last_talks[q, 1]) > (
                t - p.talks_window
            )
            freeze_agreed = (min(last_freeze[q, 0], last_freeze[q, 1]) > t - p.talks_window) and p.freeze_any
            freeze_now = (frozen_today or freeze_agreed) and not breach_any and not breaks
            if freeze_agreed:
                last_freeze[q, 0] = NO_PROPOSAL
                last_freeze[q, 1] = NO_PROPOSAL

            # 4. Signals.
            # The two public normals are one Box-Muller pair (randomness.Z_PUBLIC).
            radius = math.sqrt(-2.0 * math.log(1.0 - _uniform(key, pid, t, _NORMAL_BASE)))
            angle = _TWO_PI * _uniform(key, pid, t, _NORMAL_BASE + 1)
            z0 = radius * math.cos(angle)
            z1 = radius * math.sin(angle)
            clarify = verify
            for i in range(2):
                c = choice[i]
                truth[i] = p.hostility[c] if p.public[c] else 0.0
                military = p.military[c] and p.public[c]
                error = (
                    p.hostile_bias * military
                    + (1.0 - p.coordination[i]) * p.voice_bias[i]
                    + p.public_noise[i] * (z0 if i == 0 else z1)
                )
                reading[i] = truth[i] + (1.0 - clarify) * error
                agg[AGG_READINGS] += 1
                if reading[i] - truth[i] > p.misread_margin:
                    agg[AGG_MISREADINGS] += 1
            if p.has_private:
                for i in range(2):
                    c = choice[i]
                    if p.public[c]:
                        continue
                    message = p.hostility[c]
                    private_reading = message + p.private_noise * _normal(key, pid, t, rnd.Z_PRIVATE[i])
                    delay = p.private_whole + (
                        _uniform(key, pid, t, rnd.U_DELAY[i]) < p.private_delay - p.private_whole
                    )
                    slot = (t + delay) % slots
                    inbox_value[slot, q, 1 - i] += p.private_weight * private_reading
                    inbox_weight[slot, q, 1 - i] += p.private_weight * 1.0
                    inbox_true[slot, q, 1 - i] += p.private_weight * message
            today = t % slots

            # 5. Third parties: sanctions add pressure, calls for restraint calm both sides.
            # 6. Tension and beliefs.
            for i in range(2):
                o = 1 - i
                push = 0.0
                calm = 0.0
                for j in range(n_third):
                    if fired[j]:
                        if p.act_kind[j] == SANCTIONS:
                            push += p.act_strength[j] * p.act_target[j, i]
                        elif p.act_kind[j] == RESTRAINT_CALL:
                            calm += p.act_strength[j] * p.act_target[j, i]
                pressure[q, i] = PRESSURE_DECAY * pressure[q, i] + push
                if agreement_before:
                    calm += p.agreement_calm
                arrived_weight = 1.0 + inbox_weight[today, q, i]
                read = (reading[o] + inbox_value[today, q, i]) / arrived_weight
                read_true = (truth[o] + inbox_true[today, q, i]) / arrived_weight
                inbox_value[today, q, i] = 0.0
                inbox_weight[today, q, i] = 0.0
                inbox_true[today, q, i] = 0.0
                gain = (1.0 - p.tension_decay) * p.tension_amplification
                new_perceived[i] = (
                    max(
                        p.tension_calm + p.tension_decay * (perceived[q, i] - p.tension_calm) + gain * read,
                        FLOOR,
                    )
                    - calm
                )
                new_true[i] = (
                    max(
                        p.tension_calm
                        + p.tension_decay * (true_hostility[q, i] - p.tension_calm)
                        + gain * read_true,
                        FLOOR,
                    )
                    - calm
                )
            # Bayes: observer o = 1 - i weighs i's move by each of i's types' choice tables, computed as
            # if i read o's moves truly (Jervis).
            for i in range(2):
                o = 1 - i
                shift_target = (
                    2.0
                    * p.reciprocity[i]
                    * (
                        _reciprocity_target(true_hostility[q, i], p.generosity[i])
                        - _reciprocity_target(perceived[q, i], p.generosity[i])
                    )
                )
                shift_imminence = p.preemption * (
                    _imminence(
                        belief_greedy[i], true_hostility[q, i], p.imminence_threshold, p.imminence_scale
                    )
                    - imminence[i]
                )
                n_i = size[i]
                for a in range(n_i):
                    # The type-free parts, once for the four types (the same operations as per type).
                    shift = c_hostility[i, a] * shift_target
                    shift += c_attack[i, a] * shift_imminence
                    fixed = work[i, W_BASE, a] - work[i, W_TIMID, a]
                    fixed += shift
                    type_fixed[a] = fixed
                    type_scaled[a] = work[i, W_TIMID, a] + c_coerce[i, a]
                seen = column_of[i, choice[i]]
                # The four types' choice weights (decisions.choice_weights), computed side by side: each
                # type's operations are those of its own pass, in the same order, so the results are the
                # same to the bit, but the four chains of dependent operations (the running maximum, each
                # exp, the running total) are independent and overlap in the processor. Types are
                # (resolute, greedy) = TYPE_RESOLUTE[k], TYPE_GREEDY[k]: (0, 0), (1, 0), (0, 1), (1, 1).
                r_low = p.resolve_types[i, 0]
                r_high = p.resolve_types[i, 1]
                lam = precision[i]
                top0 = -math.inf
                top1 = -math.inf
                top2 = -math.inf
                top3 = -math.inf
                for a in range(n_i):
                    scaled = type_scaled[a]
                    fixed = type_fixed[a]
                    extra = work[i, W_GREED, a]
                    u0 = scaled * r_low
                    u0 += fixed
                    u1 = scaled * r_high
                    u1 += fixed
                    u2 = scaled * r_low
                    u2 += fixed
                    u2 += extra
                    u3 = scaled * r_high
                    u3 += fixed
                    u3 += extra
                    type_util[0, a] = u0 * lam
                    type_util[1, a] = u1 * lam
                    type_util[2, a] = u2 * lam
                    type_util[3, a] = u3 * lam
                    if avail[i, a]:
                        top0 = max(top0, type_util[0, a])
                        top1 = max(top1, type_util[1, a])
                        top2 = max(top2, type_util[2, a])
                        top3 = max(top3, type_util[3, a])
                # The exponents (-inf where unavailable: weight 0, which adds nothing to a total) in one
                # flat row, so that one branch-free loop of weight_exp over the four types vectorises.
                for a in range(n_i):
                    usable = avail[i, a]
                    flat[a] = type_util[0, a] - top0 if usable else -math.inf
                    flat[n_i + a] = type_util[1, a] - top1 if usable else -math.inf
                    flat[2 * n_i + a] = type_util[2, a] - top2 if usable else -math.inf
                    flat[3 * n_i + a] = type_util[3, a] - top3 if usable else -math.inf
                for a in range(N_TYPES * n_i):
                    flat[a] = weight_exp(flat[a])
                total0 = 0.0
                total1 = 0.0
                total2 = 0.0
                total3 = 0.0
                for a in range(n_i):
                    total0 += flat[a]
                    total1 += flat[n_i + a]
                    total2 += flat[2 * n_i + a]
                    total3 += flat[3 * n_i + a]
                seen0 = flat[seen] if seen >= 0 else 0.0
                seen1 = flat[n_i + seen] if seen >= 0 else 0.0
                seen2 = flat[2 * n_i + seen] if seen >= 0 else 0.0
                seen3 = flat[3 * n_i + seen] if seen >= 0 else 0.0
                if seen >= 0:
                    likelihood[0] = seen0 / total0
                    likelihood[1] = seen1 / total1
                    likelihood[2] = seen2 / total2
                    likelihood[3] = seen3 / total3
                else:
                    likelihood[0] = 0.0 / total0
                    likelihood[1] = 0.0 / total1
                    likelihood[2] = 0.0 / total2
                    likelihood[3] = 0.0 / total3
                total = 0.0
                for k in range(N_TYPES):
                    weighted[k] = posterior[q, o, k] * likelihood[k]
                    total += weighted[k]
                for k in range(N_TYPES):
                    value = weighted[k] / total if total > 0.0 else posterior[q, o, k]
                    posterior[q, o, k] = p.tremble + (1.0 - N_TYPES * p.tremble) * value

            # 7. Chance.
            tension_after = (max(new_perceived[0], 0.0) + max(new_perceived[1], 0.0)) / 2.0
            crisis_level = max(new_level[0], new_level[1])
            hazard = _loss_of_control(
                crisis_level,
                tension_after,
                p.hazard_tension_growth,
                p.hazard_base,
                p.log_growth,
                p.threshold_rungs,
                p.log_jumps,
            )
            p_inc = 1.0 - (1.0 - hazard) * ((1.0 - p.action_incident[c_0]) * (1.0 - p.action_incident[c_1]))
            incident = False
            alarm0 = False
            alarm1 = False
            if chance:
                incident = _uniform(key, pid, t, rnd.U_INCIDENT) < p_inc
                alarm_p = -math.expm1(-p.alarm_rate * (1.0 + p.alarm_multiplier * (crisis_level - 1.0)))
                alarm0 = _uniform(key, pid, t, rnd.U_ALARM[0]) < alarm_p
                alarm1 = _uniform(key, pid, t, rnd.U_ALARM[1]) < alarm_p
                agg[AGG_FALSE_ALARMS] += alarm0 + alarm1
            else:
                # No incident happened, and no false alarm was acted on (each side's chain, as below).
                history_loglik[q] += math.log1p(-min(p_inc, 0.999999))
                alarm_p = -math.expm1(-p.alarm_rate * (1.0 + p.alarm_multiplier * (crisis_level - 1.0)))
                missed0 = alarm_p * (
                    p.pass_early
                    * min(p.pass_last * (1.0 + p.imminence_weight * imminence[0]), 1.0)
                    * (1.0 - verify)
                )
                missed1 = alarm_p * (
                    p.pass_early
                    * min(p.pass_last * (1.0 + p.imminence_weight * imminence[1]), 1.0)
                    * (1.0 - verify)
                )
                history_loglik[q] += math.log1p(-min(missed0, 0.999999)) + math.log1p(-min(missed1, 0.999999))
            clash0 = p.is_attack_clash[c_0]
            clash1 = p.is_attack_clash[c_1]
            war0 = p.is_war[c_0]
            war1 = p.is_war[c_1]
            alarm_war0 = False
            alarm_war1 = False
            if alarm0:
                acted_on = (
                    p.pass_early
                    * min(p.pass_last * (1.0 + p.imminence_weight * imminence[0]), 1.0)
                    * (1.0 - verify)
                )
                alarm_war0 = _uniform(key, pid, t, rnd.U_ALARM_PASS[0]) < acted_on
            if alarm1:
                acted_on = (
                    p.pass_early
                    * min(p.pass_last * (1.0 + p.imminence_weight * imminence[1]), 1.0)
                    * (1.0 - verify)
                )
                alarm_war1 = _uniform(key, pid, t, rnd.U_ALARM_PASS[1]) < acted_on
            any_clash = clash0 or clash1
            any_war = war0 or war1
            any_alarm_war = alarm_war0 or alarm_war1
            clash = incident or any_clash
            escalates_ordinary = False
            escalates_misread = False
            if clash:
                audience_after = (new_audience[0] + new_audience[1]) / 2.0
                true_tension = (max(new_true[0], 0.0) + max(new_true[1], 0.0)) / 2.0
                p_true = _clash_to_war(
                    p.clash_to_war, p.tension_weight, true_tension, p.audience_weight, audience_after
                )
                p_perceived = _clash_to_war(
                    p.clash_to_war, p.tension_weight, tension_after, p.audience_weight, audience_after
                )
                p_misread = max(p_perceived - p_true, 0.0) * (1.0 - clarify)
                checked = 1.0 - verify if (incident and not any_clash) else 1.0
                if chance:
                    u_war = _uniform(key, pid, t, rnd.U_WAR)
                    escalates_ordinary = u_war < p_true * checked
                    escalates_misread = (not escalates_ordinary) and u_war < (p_true + p_misread) * checked
                else:
                    # Without chance an imposed clash stayed short of war (the record): weigh, don't escalate.
                    history_loglik[q] += math.log1p(-min((p_true + p_misread) * checked, 0.999999))
            initiator_chosen = 0 if (war0 or clash0) else 1
            misread_initiator = misreading0 if initiator_chosen == 0 else misreading1
            chosen_path = MISCALCULATION if misread_initiator else DELIBERATE
            war_now = any_war or any_alarm_war or escalates_ordinary or escalates_misread
            path = ACCIDENT
            if any_clash:
                path = chosen_path
            if escalates_misread:
                path = MISCALCULATION
            if any_alarm_war:
                path = FALSE_ALARM
            if any_war:
                path = chosen_path
            if any_war or any_clash:
                initiator = initiator_chosen
            elif any_alarm_war:
                initiator = 0 if alarm_war0 else 1
            else:
                initiator = NEVER
            nuclear_at_once = False
            if war_now and path == FALSE_ALARM:
                nuclear_at_once = _uniform(key, pid, t, rnd.U_NUCLEAR) < p.false_alarm_nuclear
            agrees = False
            depth = 0.0
            in_force = agreement_before and not breaks
            if chance and talks_now and not war_now and not in_force:
                c = p.conceder
                threat_c = reach[q, c] + p.missile_gain * p.is_missile_test[choice[c]] * (1.0 - reach[q, c])
                threat_c *= warhead[q, c] + p.nuclear_gain * p.is_nuclear_test[choice[c]] * (
                    1.0 - warhead[q, c]
                )
                ceiling = min(
                    max(
                        p.ceiling_base
                        + p.ceiling_pressure * pressure[q, c]
                        - p.ceiling_capability * threat_c,
                        0.0,
                    ),
                    1.0,
                )
                if ceiling >= p.agreement_floor:
                    depth = 0.5 * (p.agreement_floor + ceiling)
                    agree_hazard = min(
                        p.agreement_rate
                        * math.exp(-p.tension_damping * tension_after)
                        * (1.0 + p.concession_boost * min(new_recent[0], new_recent[1]))
                        * (1.0 + p.mediator_boost),
                        1.0,
                    )
                    agrees = _uniform(key, pid, t, rnd.U_AGREEMENT) < agree_hazard

            agg[AGG_CLASH_EVENTS] += incident
            agg[AGG_CLASH_EVENTS + 1] += any_clash
            if war_now:
                if incident and not any_clash and not any_war and not any_alarm_war:
                    agg[AGG_WAR_TRIGGERS] += 1
                if any_clash and not any_war and not any_alarm_war:
                    agg[AGG_WAR_TRIGGERS + 1] += 1
                if any_war:
                    agg[AGG_WAR_TRIGGERS + 2] += 1
                if any_alarm_war and not any_war:
                    agg[AGG_WAR_TRIGGERS + 3] += 1

            # Commit.
            shock = p.clash_shock if (clash and not war_now) else 0.0
            for i in range(2):
                level[q, i] = new_level[i]
                audience[q, i] = new_audience[i]
                recent[q, i] = new_recent[i]
                perceived[q, i] = new_perceived[i] + shock
                true_hostility[q, i] = new_true[i] + shock
                c = choice[i]
                reach[q, i] = reach[q, i] + p.missile_gain * p.is_missile_test[c] * (1.0 - reach[q, i])
                if p.is_missile_test[c]:
                    last_test[q, i, MISSILE_TEST_SLOT] = t
                if p.is_nuclear_test[c]:
                    last_test[q, i, NUCLEAR_TEST_SLOT] = t
                warhead[q, i] = warhead[q, i] + p.nuclear_gain * p.is_nuclear_test[c] * (1.0 - warhead[q, i])
            talks_open[q] = talks_now
            freeze_on[q] = freeze_now or (agrees and p.freeze_any)
            agreement_on[q] = in_force or agrees
            if agrees:
                pressure[q, p.conceder] = pressure[q, p.conceder] * (1.0 - p.agreement_relief * depth)
                if agreement_day[q] == NEVER:
                    agreement_day[q] = t
                    agreement_depth[q] = depth
            if breaks and breakdown_day[q] == NEVER:
                breakdown_day[q] = t
            if (clash or war_now) and clash_day[q] == NEVER:
                clash_day[q] = t
            if war_now:
                war_day[q] = t
                war_path[q] = path
                war_initiator[q] = initiator
                war_balance[q] = 0.0
                if nuclear_at_once:
                    nuclear_day[q] = t
                status[q] = WAR_OVER if nuclear_at_once else AT_WAR
            agg[AGG_ACTIONS + c_0] += 1
            agg[AGG_ACTIONS + n_act + c_1] += 1
            agg[AGG_AUDIENCE] += np.int64(np.rint(new_audience[0] * FIXED_POINT)) + np.int64(
                np.rint(new_audience[1] * FIXED_POINT)
            )
            agg[AGG_TENSION] += np.int64(np.rint(tension_after * FIXED_POINT))
            for i in range(2):
                private_column = column_of[i, CONCESSION_PRIVATE]
                if not (private_column >= 0 and avail[i, private_column]):
                    lock = sensitivity[q, i] * new_audience[i] * p.face_cost
                    agg[AGG_LOCK_IN] += np.int64(np.rint(lock * FIXED_POINT))
            if reveals.shape[0]:
                for i in range(2):
                    if not math.isnan(reveals[d, i, 0]):
                        reach[q, i] = reveals[d, i, 0]
                        warhead[q, i] = reveals[d, i, 1]
