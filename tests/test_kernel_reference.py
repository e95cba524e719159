"""The vectorised kernel against the plain per-path reference implementation (the oracle)."""

import numpy as np
import pytest

from brinkmanship.engine.ensemble import simulate
from brinkmanship.engine.reference import simulate_reference
from tests.conftest import variant


def everything_on(data):
    """A variant that exercises every branch: direct channel, mediator, freeze, private actions."""
    data["channels"]["direct"]["enabled"] = True
    data["actors"]["UNSG"]["active"] = True
    data["freeze"]["active"] = True
    data["freeze"]["breach_rate"] = 0.01
    data["face_saving_exit"] = True
    for name in ("US", "DPRK"):
        data["actors"][name]["repertoire"] += ["private_message", "concession_private", "private_threat"]


def mediated_only(data):
    data["actors"]["Vatican"]["active"] = True
    for name in ("US", "DPRK"):
        data["actors"][name]["repertoire"] += ["private_message", "concession_private"]


CASES = [
    ("cuba-1962", None, 600, 30),
    ("korea-2017", None, 120, 365),
    ("korea-2017", everything_on, 120, 200),
    ("korea-2017", mediated_only, 120, 200),
]


@pytest.mark.parametrize(("name", "mutate", "runs", "days"), CASES)
def test_kernel_matches_reference_path_by_path(name, mutate, runs, days):
    model = variant(name, mutate)
    reference, outcomes = simulate_reference(model, runs, days, seed=5)
    tables = []
    kernel = simulate(model, runs, days, seed=5, keep_paths=True, on_paths=tables.append)
    table = tables[0]
    same = [
        (o.clash_day, o.war_day, o.nuclear_day, o.settle_day, o.war_path)
        == (
            table.clash_day[i],
            table.war_day[i],
            table.nuclear_day[i],
            table.settle_day[i],
            table.war_path[i],
        )
        for i, o in enumerate(outcomes)
    ]
    # Exact wherever rounding does not land a draw on a boundary: in practice every path.
    assert np.mean(same) >= 0.99
    assert abs(int(kernel.war) - int(reference.war)) <= max(2, runs // 100)
    assert np.abs(kernel.actions - reference.actions).sum() <= 0.01 * kernel.actions.sum()


def test_kernel_and_reference_agree_statistically_on_every_outcome():
    model = variant("cuba-1962")
    runs = 1500
    reference, _ = simulate_reference(model, runs, 30, seed=99)
    kernel = simulate(model, 20_000, 30, seed=1234)  # a different stream: agreement in distribution
    for outcome in ("clash", "war", "nuclear_use", "settlement"):
        p_ref = getattr(reference, outcome) / runs
        p_ker = getattr(kernel, outcome) / 20_000
        se = np.sqrt(p_ref * (1 - p_ref) / runs + p_ker * (1 - p_ker) / 20_000)
        assert abs(p_ref - p_ker) < 4 * se + 1e-9, outcome
