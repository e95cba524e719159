"""Quantal-response decisions (McKelvey & Palfrey) and their utility terms, one term at a time."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brinkmanship.model import decisions
from brinkmanship.model.ladder import ACTION_INDEX
from brinkmanship.scenario import compile_scenario, load_scenario

HOLD = ACTION_INDEX["hold"]
STRIKE = ACTION_INDEX["limited_strike"]


def inputs(n=1, **overrides):
    base = {
        "level": np.full((n, 2), 5.0),
        "sensitivity": np.ones((n, 2)),
        "audience": np.full((n, 2), 2.0),
        "belief_greedy": np.full((n, 2), 0.5),
        "belief_resolute": np.full((n, 2), 0.5),
        "perceived": np.full((n, 2), 2.0),
        "imminence": np.zeros((n, 2)),
        "pressure": np.zeros((n, 2)),
        "pressed": np.zeros((n, 2)),
        "threat": np.zeros((n, 2)),
        "tension": np.full(n, 2.0),
        "p_war_clash": np.full(n, 0.2),
        "incident_checked": 0.0,
    }
    base.update(overrides)
    return decisions.DecisionInputs(**base)


def utilities(model, resolve=0.5, greedy=0.0, **overrides):
    """Utilities ``(A, 2)`` of one path for both principals."""
    parts = decisions.utility_parts(model, inputs(**overrides))
    return parts.utilities(np.full((1, 2), greedy), np.full((1, 2), resolve))[:, 0, :]


def test_audience_costs_make_public_backing_down_costlier_but_not_private(cuba):
    low = utilities(cuba, audience=np.zeros((1, 2)))
    high = utilities(cuba, audience=np.full((1, 2), 5.0))
    public, private = ACTION_INDEX["concession_public"], ACTION_INDEX["concession_private"]
    assert high[public, 0] < low[public, 0]
    assert np.isclose(high[private, 0], low[private, 0])


def test_imminent_attack_makes_striking_first_more_attractive(korea):
    calm = utilities(korea)
    alarmed = utilities(korea, imminence=np.full((1, 2), 0.9))
    assert alarmed[STRIKE, 1] - calm[STRIKE, 1] > 0.9 * korea.preemption * 0.9
    assert np.isclose(alarmed[HOLD, 1], calm[HOLD, 1])


def test_preventive_motive_grows_with_capability_and_belief_in_greed(korea):
    """The 2017 'bloody nose' debate: a strike to stop a capability one fears (Cha 2018)."""
    none = utilities(korea, belief_greedy=np.full((1, 2), 0.8), threat=np.zeros((1, 2)))
    some = utilities(korea, belief_greedy=np.full((1, 2), 0.8), threat=np.full((1, 2), 0.5))
    full = utilities(korea, belief_greedy=np.full((1, 2), 0.8), threat=np.full((1, 2), 1.0))
    trusting = utilities(korea, belief_greedy=np.full((1, 2), 0.1), threat=np.full((1, 2), 1.0))
    gain = [u[STRIKE, 0] - u[HOLD, 0] for u in (none, some, full)]
    assert gain[0] < gain[1] < gain[2]
    assert full[STRIKE, 0] - trusting[STRIKE, 0] > 0.0


def test_resolve_makes_escalation_relatively_more_attractive(korea):
    timid = utilities(korea, resolve=0.1)
    bold = utilities(korea, resolve=0.9)
    force = ACTION_INDEX["show_of_force"]
    assert bold[force, 0] - bold[HOLD, 0] > timid[force, 0] - timid[HOLD, 0]


def test_decisions_weigh_the_war_a_clash_may_start_at_the_kernels_chance(korea):
    """A strike looks worse to a timid actor the likelier the kernel makes a clash become war."""
    safe = utilities(korea, resolve=0.2, p_war_clash=np.full(1, 0.05))
    risky = utilities(korea, resolve=0.2, p_war_clash=np.full(1, 0.5))
    assert risky[STRIKE, 0] - risky[HOLD, 0] < safe[STRIKE, 0] - safe[HOLD, 0]


def test_belief_in_resolve_makes_conceding_likelier(korea):
    """Powell (1990): the more resolute the other looks, the more a way out is worth."""
    doubtful = utilities(korea, belief_resolute=np.full((1, 2), 0.1), pressure=np.ones((1, 2)))
    convinced = utilities(korea, belief_resolute=np.full((1, 2), 0.9), pressure=np.ones((1, 2)))
    talks = ACTION_INDEX["propose_talks"]
    assert convinced[talks, 0] - convinced[HOLD, 0] > doubtful[talks, 0] - doubtful[HOLD, 0]


def test_public_threats_cost_a_timid_leader_its_expected_audience_costs(korea):
    """Fearon (1994): the commitment term falls on the timid, so public threats reveal resolve."""
    threat, private = ACTION_INDEX["public_threat"], ACTION_INDEX["private_threat"]
    parts = decisions.utility_parts(korea, inputs())
    assert parts.timid[threat, 0, 0] > parts.timid[private, 0, 0]


def test_greed_pays_for_conciliation(korea):
    """Kydd (2005): a concession costs the greedy type, so it is costly reassurance."""
    secure = utilities(korea, greedy=0.0)
    greedy = utilities(korea, greedy=1.0)
    concession = ACTION_INDEX["concession_public"]
    assert greedy[concession, 0] < secure[concession, 0]


def test_the_utility_is_affine_in_the_type(korea):
    parts = decisions.utility_parts(korea, inputs(n=3))
    resolve_types = np.array([[0.3, 0.7], [0.4, 0.8]])
    table = parts.type_utilities(resolve_types)
    for k, (g, high) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        r = np.broadcast_to(resolve_types[:, high], (3, 2))
        assert np.allclose(table[:, k], parts.utilities(np.full((3, 2), float(g)), r), atol=1e-5)


KOREA = compile_scenario(load_scenario("korea-2017"))


@settings(deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 5.0), st.floats(-3.0, 6.0))
def test_choice_probabilities_sum_to_one_and_exclude_unavailable_actions(resolve, audience, perceived):
    model = KOREA
    u = utilities(
        model, resolve=resolve, audience=np.full((1, 2), audience), perceived=np.full((1, 2), perceived)
    )[:, None, :]
    available = model.repertoire.T[:, None, :]
    p = decisions.choice_probabilities(u, available, np.array([[2.0, 2.0]]))
    assert np.allclose(p.sum(axis=0), 1.0, atol=1e-5)
    assert np.all(p[~np.broadcast_to(available, p.shape)] == 0.0)


def test_sample_choice_draws_by_inverse_cdf():
    weights = np.zeros((4, 1, 2), dtype=np.float32)
    weights[:, 0, 0] = [0.25, 0.25, 0.25, 0.25]
    weights[:, 0, 1] = [0.0, 0.0, 1.0, 0.0]
    assert decisions.sample_choice(weights, np.array([[0.1, 0.99]])).tolist() == [[0, 2]]
    assert decisions.sample_choice(weights, np.array([[0.6, 0.0]])).tolist() == [[2, 2]]


def test_the_likelihood_of_a_move_is_the_share_of_its_weight(korea):
    from brinkmanship.engine.kernel import observed_move

    seen = observed_move(korea)
    weights = np.ones((len(seen), 4, 1, 2), dtype=np.float32)
    weights[ACTION_INDEX["missile_test"], 2] = 3.0  # a greedy, timid type tests three times as often
    observed = np.array([[HOLD, ACTION_INDEX["missile_test"]]])
    likelihood = decisions.signal_likelihood(weights, seen, observed)
    assert np.allclose(likelihood[0, 0, [0, 1, 3]], 1 / len(seen))
    assert likelihood[0, 1, 2] == pytest.approx(3 / (len(seen) + 2))


def test_inputs_are_frozen():
    assert dataclasses.is_dataclass(inputs())


def _doc_utility(model, i, a, state, resolve, greedy):
    """The utility of action ``a`` for principal ``i`` of one path, term by term as docs/model.md writes
    it (section 1), in plain scalars: an oracle for the kernel's matrix products."""
    from brinkmanship.model.hazards import loss_of_control_hazard

    j = 1 - i
    x = float(model.action_hostility[a])
    rung = float(model.action_rung[a])
    s = state
    conc = bool(
        model.action_is_concession[a] or model.action_is_talks[a] or model.action_is_freeze_proposal[a]
    )
    attack = bool(model.action_is_war[a] or model.action_is_attack_clash[a])
    backdown = 1.0 if (model.action_is_concession[a] and model.action_public[a]) else 0.0
    if model.action_is_partial_backdown[a]:
        backdown = model.partial_backdown_share
    provocation = float(model.action_is_provocation[a])
    gain = (
        model.threat_gain * model.action_is_threat_public[a]
        + model.force_gain * model.action_is_force_public[a]
    )
    f = (0.5 if model.face_saving_exit else 1.0) * (1.0 - model.mediated_face_saving)
    tau = s["perceived"][i] * (1 - model.generosity) if s["perceived"][i] > 0 else s["perceived"][i]
    p_c, v = s["p_war_clash"], s["verify"]
    p_inc = p_c * (1 - v)
    W = model.war_cost[i]
    w = model.risk_aversion * model.risk_window_days
    kappa = model.hazard_tension_growth
    T = s["tension"]
    args = (model.hazard_base, model.hazard_growth, 0.0, model.threshold_rungs, model.threshold_jumps)
    standing = max(max(s["level"][i] - model.posture_decay, 1.0), s["level"][j])
    H = min(float(loss_of_control_hazard(np.array(standing), 0.0, *args)) * np.exp(kappa * T), 1.0)
    h = float(loss_of_control_hazard(np.array(rung), 0.0, *args)) * np.exp(kappa * T)
    danger = w * W * H * p_inc
    bg, br = s["belief_greedy"][i], s["belief_resolute"][i]
    base = (
        2 * model.reciprocity * tau * x
        - model.reciprocity * x**2
        - model.action_cost[a]
        + model.talks_value * conc * (s["pressure"][i] + s["pressed"][i] + model.credibility * br) * (1 - bg)
        + model.preemption * s["imminence"][i] * attack
        + model.preventive * bg * s["threat"][i] * attack
        - s["sensitivity"][i] * s["audience"][i] * f * backdown
    )
    war_term = 1.0 if model.action_is_war[a] else (p_c if model.action_is_attack_clash[a] else 0.0)
    timid = (
        W * (war_term + model.risk_aversion * model.action_incident[a] * p_inc)
        + model.commitment * s["sensitivity"][i] * gain
        - model.talks_value * conc * danger * (1 - bg)
        + w * W * p_inc * min(max(h, H), 1.0)
    )
    coerce = model.coercion * min(max(x, 0.0), 4.0)
    greed = model.greed * x + model.desperation * s["pressure"][i] * provocation
    return base - (1 - resolve) * timid + resolve * coerce + greedy * greed


STATE = {
    "level": [6.0, 3.0],
    "sensitivity": [0.8, 1.3],
    "audience": [2.5, 0.7],
    "belief_greedy": [0.3, 0.8],
    "belief_resolute": [0.6, 0.2],
    "perceived": [2.5, -0.5],
    "imminence": [0.2, 0.05],
    "pressure": [1.5, 0.2],
    "pressed": [0.3, 0.0],
    "threat": [0.4, 0.9],
    "tension": 1.7,
    "p_war_clash": 0.23,
    "verify": 0.4,
}


@pytest.mark.parametrize(
    "state",
    [
        STATE,
        {**STATE, "level": [1.0, 1.0], "tension": 0.5},  # both at rung 1: the posture floor
        {**STATE, "tension": 15.0},  # hazard x tension factor above 1: the risk is capped at 1
    ],
    ids=["mid-crisis", "calm-rungs", "red-hot"],
)
def test_utilities_are_the_docs_equation_term_by_term(cuba, state):
    arrays = {k: np.array([v]) for k, v in state.items() if k not in ("tension", "p_war_clash", "verify")}
    inputs = decisions.DecisionInputs(
        **arrays,
        tension=np.array([state["tension"]]),
        p_war_clash=np.array([state["p_war_clash"]]),
        incident_checked=state["verify"],
    )
    parts = decisions.utility_parts(cuba, inputs)
    resolve, greedy = np.array([[0.35, 0.8]]), np.array([[1.0, 0.0]])
    kernel = parts.utilities(greedy, resolve)
    for i in range(2):
        for a in range(len(cuba.action_hostility)):
            expected = _doc_utility(cuba, i, a, state, resolve[0, i], greedy[0, i])
            assert kernel[a, 0, i] == pytest.approx(expected, rel=1e-4, abs=1e-4), (i, a)


def test_choice_weights_put_the_best_available_action_at_one_and_unavailable_ones_at_zero():
    """exp(lambda * U - max) per decision (docs/model.md, section 1): each column's best weight is exactly 1,
    whatever the other columns hold; an unavailable action weighs 0."""
    utilities = np.array([[1.0, 10.0], [3.0, 0.0], [2.0, 50.0]])[:, None, :]  # (A=3, n=1, 2)
    penalty = np.array([[0.0, 0.0], [0.0, 0.0], [0.0, decisions.UNAVAILABLE]])[:, None, :]
    weights = decisions.choice_weights(utilities, penalty, np.array([[1.0, 0.5]]))
    assert weights[:, 0, 0].tolist() == pytest.approx([np.exp(-2.0), 1.0, np.exp(-1.0)])
    assert weights[:, 0, 1].tolist() == pytest.approx([1.0, np.exp(-5.0), 0.0])


def test_sample_choice_scales_unnormalised_weights_and_can_draw_the_last_action():
    """The draw is scaled by each decision's total; the last action is drawn where the uniform falls in
    its share, and a uniform of exactly 1 draws the last action, never past the end."""
    weights = np.zeros((3, 1, 2))
    weights[:, 0, 0] = [1.0, 2.0, 1.0]  # total 4: cumulative 1, 3, 4
    weights[:, 0, 1] = [2.0, 0.0, 6.0]  # total 8: cumulative 2, 2, 8
    assert decisions.sample_choice(weights, np.array([[0.5, 0.5]])).tolist() == [[1, 2]]
    assert decisions.sample_choice(weights, np.array([[0.8, 0.2]])).tolist() == [[2, 0]]
    assert decisions.sample_choice(weights, np.array([[1.0, 1.0]])).tolist() == [[2, 2]]


def test_type_utilities_add_the_observers_base_shift_to_every_type():
    """The observer's correction of the base (``base_shift``) adds to the utility of all four types."""
    rng = np.random.default_rng(3)
    shape = (4, 2, 2)  # (A, n, 2)
    parts = decisions.UtilityParts(
        base=rng.normal(size=shape),
        timid=rng.normal(size=shape),
        coerce=rng.normal(size=(4, 1, 2)),
        greedy=rng.normal(size=shape),
    )
    resolve_types = np.array([[0.3, 0.7], [0.4, 0.8]])
    shift = rng.normal(size=shape)
    plain = parts.type_utilities(resolve_types)
    shifted = parts.type_utilities(resolve_types, shift)
    np.testing.assert_allclose(shifted, plain + shift[:, None], atol=1e-12)
    for k, (g, high) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        r = np.broadcast_to(resolve_types[:, high], (2, 2))
        expected = parts.base - (1 - r) * parts.timid + r * parts.coerce + g * parts.greedy
        np.testing.assert_allclose(plain[:, k], expected, atol=1e-12)
