"""Agreements with terms that can break down (docs/model.md, section 7): a bargaining range on one issue
dimension (Fearon 1995), terms that split it, an agreement that freezes, relieves sanctions and calms,
and breaks down at a declared rate or on a breach. Each test names its mechanism and fails if it is
reversed or removed, the other channels held fixed (same seed, same burned-in paths)."""

import numpy as np
import pytest

from brinkmanship.engine import randomness as rnd
from brinkmanship.engine.ensemble import Tally, advance, burned_in, run_chunk
from brinkmanship.engine.kernel import step
from brinkmanship.engine.results import summary
from brinkmanship.engine.state import NEVER
from brinkmanship.model import bargaining
from tests.conftest import run_variant, variant

N = 4096
DAYS = 120
DPRK = 1


def war_hazard(
    model, agreement: bool, days: int = DAYS, n: int = N, seed: int = 5
) -> tuple[float, int, Tally]:
    """Wars per 1,000 path-days in crisis over ``days`` from the burned-in start, with an agreement (and
    its freeze) put in force on every path at day 0 or not; and the path-days."""
    ids = np.arange(n)
    state = burned_in(model, seed, ids)
    if agreement:
        state.agreement_on[:] = True
        state.freeze_on[:] = bool(model.freeze_terms.any())
    tally = Tally(days=days, runs=n)
    advance(model, state, ids, rnd.seed_key(seed), days, tally)
    wars = int((state.war_day != NEVER).sum())
    return 1000.0 * wars / tally.active_path_days, tally.active_path_days, tally


def rate_z(h1: float, n1: int, h2: float, n2: int) -> float:
    """z of h1 > h2 for two Poisson rates per 1,000 exposure units."""
    c1, c2 = h1 * n1 / 1000.0, h2 * n2 / 1000.0
    se = np.sqrt(c1 / n1**2 + c2 / n2**2) * 1000.0
    return (h1 - h2) / se


def held(data):
    data["agreement"]["breakdown_rate"] = 0.0
    data["freeze"]["breach_rate"] = 0.0


def test_an_agreements_freeze_lowers_the_hazard():
    """The freeze an agreement puts in force (no tests, no large exercises) lowers the posture and the
    readings, and so the hazard of war per day; the agreement's own calm is off here."""

    def freeze_only(data):
        held(data)
        data["agreement"]["calm"] = 0.0

    model = variant("korea-2017", freeze_only)
    with_agreement, n1, _ = war_hazard(model, True)
    without, n0, _ = war_hazard(model, False)
    assert rate_z(without, n0, with_agreement, n1) > 3.0


def test_an_agreements_calm_lowers_the_hazard():
    """With no freeze terms, an agreement acts through its calm alone: it still lowers the hazard."""

    def calm_only(data):
        held(data)
        data["freeze"]["terms"] = {}
        data["agreement"]["calm"] = 0.05

    model = variant("korea-2017", calm_only)
    with_agreement, n1, _ = war_hazard(model, True)
    without, n0, _ = war_hazard(model, False)
    assert rate_z(without, n0, with_agreement, n1) > 3.0


def test_an_agreement_lowers_the_hazard_and_its_breakdown_raises_it():
    """An agreement held lowers the hazard; one that breaks down at once (rate 1) leaves the paths where
    they would have been without it: the hazard rises again."""

    def breaks_at_once(data):
        data["agreement"]["breakdown_rate"] = 1.0

    kept = variant("korea-2017", held)
    broken = variant("korea-2017", breaks_at_once)
    h_kept, n_kept, _ = war_hazard(kept, True)
    h_broken, n_broken, tally = war_hazard(broken, True)
    h_none, n_none, _ = war_hazard(kept, False)
    assert rate_z(h_broken, n_broken, h_kept, n_kept) > 3.0
    assert abs(rate_z(h_broken, n_broken, h_none, n_none)) < 3.0
    # In force on day 0 only (it broke down that day), bar the few new agreements reached later.
    assert N <= tally.agreement_days < 1.1 * N


def test_a_breakdown_ends_the_freeze_and_the_talks_and_is_recorded(korea):
    """Day by day, in the NumPy kernel: a breakdown draw below the rate ends the agreement, its freeze and
    the talks, and records the day."""
    ids = np.arange(256)
    state = burned_in(korea, 3, ids)
    state.agreement_on[:] = True
    state.freeze_on[:] = True
    state.talks_open[:] = True
    state.agreement_day[:] = 0
    uniforms, normals = rnd.day_draws(rnd.seed_key(3), ids, state.day, korea.n_third_party_acts)
    uniforms[:, rnd.U_BREAKDOWN] = 0.0  # every path breaks down today
    uniforms[:, list(rnd.U_BREACH)] = 0.999  # no breach
    uniforms[:, rnd.U_AGREEMENT] = 0.999  # no new agreement
    day = state.day
    step(korea, state, uniforms, normals)
    active = state.status == 0
    assert active.sum() > 200
    assert not state.agreement_on[active].any()
    assert not state.freeze_on[active].any()
    assert np.all(state.breakdown_day[active] == day)
    recent = (
        np.minimum(state.last_talks_day[:, 0], state.last_talks_day[:, 1]) > day - korea.talks_window_days
    )
    assert not state.talks_open[active & ~recent].any()


def test_an_agreement_freezes_relieves_sanctions_and_records_its_terms():
    """On the day of agreement: the freeze comes into force, the conceder's pressure falls by relief x
    depth, and the depth splits the bargaining range."""

    def open_range(data):
        data["agreement"]["terms"]["floor"] = 0.2

    model = variant("korea-2017", open_range)
    ids = np.arange(256)
    state = burned_in(model, 4, ids)
    state.talks_open[:] = True
    state.freeze_on[:] = False
    uniforms, normals = rnd.day_draws(rnd.seed_key(4), ids, state.day, model.n_third_party_acts)
    uniforms[:, rnd.U_AGREEMENT] = 0.0
    before = state.copy()
    day = state.day
    step(model, state, uniforms, normals)
    agreed = state.agreement_day == day
    assert agreed.sum() > 100
    assert state.agreement_on[agreed].all() and state.freeze_on[agreed].all()
    # The ceiling the kernel saw: today's pressure and capability; the terms split the range.
    ceiling_low = model.agreement_floor
    depth = state.agreement_depth[agreed]
    assert np.all(depth >= ceiling_low) and np.all(depth <= 0.5 * (model.agreement_floor + 1.0))
    # Relief: the conceder's pressure is below what decay and sanctions alone would leave.
    unrelieved = 0.995 * before.pressure[agreed, DPRK]
    assert np.all(state.pressure[agreed, DPRK] < unrelieved)


def test_no_agreement_without_a_bargaining_range():
    """Talks open every day, but the demander asks for more than the conceder can give: no agreement."""

    def talks(floor):
        def mutate(data):
            data["agreement"]["talks_open"] = True
            data["agreement"]["terms"]["floor"] = floor
            data["agreement"]["terms"]["ceiling"] = {"base": 0.5, "pressure": 0.0, "capability": 0.0}

        return mutate

    assert run_variant("korea-2017", talks(0.6), runs=2048, days=DAYS).agreement == 0
    assert run_variant("korea-2017", talks(0.4), runs=2048, days=DAYS).agreement > 100


@pytest.mark.parametrize(("weight", "base", "sign"), [("pressure", 0.3, 1), ("capability", 0.4, -1)])
def test_pressure_widens_and_capability_narrows_the_range(weight, base, sign):
    """Same seed and paths: weighting the conceder's pressure raises the chance of agreement (the coercive
    bet of sanctions); weighting its demonstrated capability lowers it (Powell 2006)."""

    def ceiling(value):
        def mutate(data):
            data["agreement"]["talks_open"] = True
            data["agreement"]["terms"]["floor"] = 0.4
            data["agreement"]["terms"]["ceiling"] = {"base": base, "pressure": 0.0, "capability": 0.0}
            data["agreement"]["terms"]["ceiling"][weight] = value

        return mutate

    without = run_variant("korea-2017", ceiling(0.0), runs=2048, days=DAYS).agreement
    weighted = run_variant("korea-2017", ceiling(0.3), runs=2048, days=DAYS).agreement
    assert sign * (weighted - without) > 3 * np.sqrt(weighted + without)


def test_the_ceiling_and_the_terms():
    pressure = np.array([0.0, 1.0, 5.0])
    threat = np.array([0.5, 0.5, 0.0])
    ceiling = bargaining.conceder_ceiling(0.3, 0.3, 0.3, pressure, threat)
    np.testing.assert_allclose(ceiling, [0.15, 0.45, 1.0])
    in_range, depth = bargaining.agreement_terms(0.4, ceiling)
    assert in_range.tolist() == [False, True, True]
    np.testing.assert_allclose(depth[1:], [0.425, 0.7])
    np.testing.assert_allclose(bargaining.relieved_pressure(np.array([2.0]), 0.5, np.array([0.4])), [1.6])


def test_paths_stay_at_risk_after_an_agreement():
    """With freeze-for-freeze terms (a range whenever talks are open), many paths reach an agreement
    early; some of them still go to war later within the horizon."""

    def easy(data):
        data["agreement"]["talks_open"] = True
        data["agreement"]["terms"]["floor"] = 0.0

    model = variant("korea-2017", easy)
    result = run_chunk(model, 9, N, 365, 0, N // rnd.BLOCK_SIZE, keep_paths=True)
    paths = result.paths
    agreed = paths.agreement_day != NEVER
    later_war = agreed & (paths.war_day != NEVER) & (paths.war_day > paths.agreement_day)
    assert agreed.sum() > N // 4
    assert later_war.sum() > 20
    broke = agreed & (paths.breakdown_day != NEVER)
    assert broke.sum() > 0 and np.all(paths.breakdown_day[broke] > paths.agreement_day[broke])


def test_the_summary_reports_agreements_with_their_terms(korea):
    result = run_chunk(korea, 2, 2048, 200, 0, 2)
    out = summary(result.tally, "korea-2017", 2, ("US", "DPRK"), 0.0, {"issue": "x"})
    a = out["agreements"]
    assert set(a) >= {
        "reached",
        "broke_down",
        "broke_down_share",
        "mean_depth",
        "in_force_share_of_days",
        "terms",
    }
    assert out["outcomes"]["agreement"]["count"] == a["reached"]["count"]
    assert a["terms"]["issue"] == "x"
    assert "settlement" not in out["outcomes"]
