"""Quantal-response decisions (McKelvey & Palfrey) and their utility terms."""

import dataclasses

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from brinkmanship.model import decisions
from brinkmanship.model.ladder import ACTION_INDEX


def inputs(n=1, **overrides):
    base = {
        "level": np.full((n, 2), 5.0),
        "resolve": np.full((n, 2), 0.5),
        "greedy": np.zeros((n, 2)),
        "sensitivity": np.ones((n, 2)),
        "audience": np.full((n, 2), 2.0),
        "belief": np.full((n, 2), 0.5),
        "perceived": np.full((n, 2), 3.0),
        "imminence": np.zeros((n, 2)),
        "pressure": np.zeros((n, 2)),
        "pressed": np.zeros((n, 2)),
    }
    base.update(overrides)
    return decisions.DecisionInputs(**base)


def test_audience_costs_make_public_backing_down_costlier_but_not_private(korea):
    low = decisions.action_utilities(korea, inputs(audience=np.zeros((1, 2))))
    high = decisions.action_utilities(korea, inputs(audience=np.full((1, 2), 5.0)))
    public, private = ACTION_INDEX["concession_public"], ACTION_INDEX["concession_private"]
    assert high[0, 0, public] < low[0, 0, public]
    assert np.isclose(high[0, 0, private], low[0, 0, private])


def test_imminent_attack_makes_striking_first_more_attractive(korea):
    calm = decisions.action_utilities(korea, inputs())
    alarmed = decisions.action_utilities(korea, inputs(imminence=np.full((1, 2), 0.9)))
    strike = ACTION_INDEX["limited_strike"]
    assert alarmed[0, 1, strike] - calm[0, 1, strike] > 5.0
    assert np.isclose(alarmed[0, 1, ACTION_INDEX["hold"]], calm[0, 1, ACTION_INDEX["hold"]])


def test_resolve_makes_escalation_relatively_more_attractive(korea):
    timid = decisions.action_utilities(korea, inputs(resolve=np.full((1, 2), 0.1)))
    bold = decisions.action_utilities(korea, inputs(resolve=np.full((1, 2), 0.9)))
    force, hold = ACTION_INDEX["show_of_force"], ACTION_INDEX["hold"]
    assert bold[0, 0, force] - bold[0, 0, hold] > timid[0, 0, force] - timid[0, 0, hold]


@given(st.integers(0, 2**32 - 1))
def test_choice_probabilities_are_a_distribution_over_available_actions(seed):
    rng = np.random.default_rng(seed)
    utilities = rng.normal(size=(5, 2, 17)) * 5
    available = rng.random((5, 2, 17)) < 0.6
    available[..., 2] = True
    p = decisions.choice_probabilities(utilities, available, rng.uniform(0.1, 5, size=(5, 2)))
    assert np.allclose(p.sum(axis=-1), 1.0)
    assert np.all(p[~available] == 0)


def test_inverse_cdf_draw_follows_the_probabilities():
    p = np.array([[[0.2, 0.0, 0.5, 0.3], [0.0, 0.0, 0.0, 1.0]]])
    u = np.random.default_rng(0).random((20_000, 2))
    chosen = decisions.sample_choice(np.broadcast_to(p, (20_000, 2, 4)), u)
    freq = np.bincount(chosen[:, 0], minlength=4) / 20_000
    assert np.allclose(freq, p[0, 0], atol=0.015) and freq[1] == 0
    assert np.all(chosen[:, 1] == 3)


def test_reciprocity_expansion_leaves_choices_unchanged(korea):
    """The kernel drops the constant part of the reciprocity square: choices must not change."""
    a = inputs(perceived=np.full((1, 2), 1.0))
    b = dataclasses.replace(a, perceived=np.full((1, 2), 1.0 + 1e-9))
    pa = decisions.choice_probabilities(
        decisions.action_utilities(korea, a), korea.repertoire[None], np.ones((1, 2))
    )
    pb = decisions.choice_probabilities(
        decisions.action_utilities(korea, b), korea.repertoire[None], np.ones((1, 2))
    )
    assert np.allclose(pa, pb, atol=1e-6)


def test_a_mediator_and_a_face_saving_exit_cut_the_face_cost_of_public_concessions(korea):
    from tests.conftest import variant

    def mediated(data):
        data["actors"]["UNSG"]["active"] = True

    def both(data):
        mediated(data)
        data["face_saving_exit"] = True

    assert decisions.face_cost_factor(korea) == 1.0
    mediator = variant("korea-2017", mediated)
    assert decisions.face_cost_factor(mediator) == 1.0 - mediator.mediated_face_saving
    assert decisions.face_cost_factor(variant("korea-2017", both)) == 0.5 * (
        1.0 - mediator.mediated_face_saving
    )
    public = ACTION_INDEX["concession_public"]
    plain = decisions.action_utilities(korea, inputs())
    helped = decisions.action_utilities(mediator, inputs())
    assert helped[0, 0, public] > plain[0, 0, public]
