"""Property tests: any valid scenario gives consistent probabilities (hypothesis)."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from brinkmanship.engine.ensemble import simulate
from brinkmanship.engine.results import outcome_estimates, survival_curve
from tests.conftest import variant

probability = st.floats(0.0, 1.0)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(["korea-2017", "cuba-1962", "korea-calm"]),
    hazard=st.floats(0.0, 0.01),
    clash_to_war=probability,
    nuclear_hazard=probability,
    noise=st.floats(0.0, 3.0),
    coordination=probability,
    p_greedy=probability,
    direct=st.booleans(),
    freeze=st.booleans(),
    talks=st.booleans(),
    precision=st.floats(0.01, 20.0),
    seed=st.integers(0, 2**32),
)
def test_any_valid_scenario_gives_consistent_outcomes(
    name,
    hazard,
    clash_to_war,
    nuclear_hazard,
    noise,
    coordination,
    p_greedy,
    direct,
    freeze,
    talks,
    precision,
    seed,
):
    def mutate(data):
        data["loss_of_control"]["base"] = hazard
        data["escalation"]["clash_to_war"] = clash_to_war
        data["war"]["nuclear_hazard"] = nuclear_hazard
        data["channels"]["public"]["noise"] = noise
        data["channels"]["direct"]["enabled"] = direct
        data["freeze"]["active"] = freeze
        data["agreement"]["talks_open"] = talks
        for principal in data["principals"]:
            data["actors"][principal]["coordination"] = coordination
            data["actors"][principal]["p_greedy"] = p_greedy
            data["actors"][principal]["precision"] = precision

    model = variant(name, mutate)
    days = min(model.horizon_days, 60)
    tally = simulate(model, 300, days, seed)
    est = outcome_estimates(tally)
    for e in est.values():
        assert 0.0 <= e.p <= 1.0 and 0.0 <= e.ci95[0] <= e.p <= e.ci95[1] <= 1.0
    assert tally.nuclear_use <= tally.war <= tally.clash
    assert tally.breakdown <= tally.agreement <= tally.runs  # a first agreement breaks down at most once
    survival = survival_curve(tally)
    assert np.all(np.diff(survival) <= 0) and 0.0 <= survival[-1] <= 1.0
    assert tally.war_by_path.sum() == tally.war
    assert tally.actions.sum() == 2 * tally.active_path_days
