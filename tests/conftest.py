"""Shared helpers: built-in scenarios, variants of them, and small ensembles."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from brinkmanship.engine.ensemble import Tally, simulate
from brinkmanship.scenario import CompiledScenario, compile_scenario
from brinkmanship.scenario.loader import builtin_mapping, scenario_from_mapping

Mutation = Callable[[dict[str, Any]], None]


def variant(name: str, mutate: Mutation | None = None) -> CompiledScenario:
    """A built-in scenario, optionally changed by ``mutate`` (which edits the raw mapping)."""
    data = copy.deepcopy(builtin_mapping(name))
    if mutate is not None:
        mutate(data)
    return compile_scenario(scenario_from_mapping(data, f"test variant of {name}"))


def run_variant(
    name: str, mutate: Mutation | None = None, runs: int = 4096, seed: int = 11, days: int | None = None
) -> Tally:
    """Simulate a variant for ``days`` (default: its whole horizon)."""
    model = variant(name, mutate)
    return simulate(model, runs, model.horizon_days if days is None else days, seed)


@pytest.fixture(scope="session")
def korea() -> CompiledScenario:
    return variant("korea-2017")


@pytest.fixture(scope="session")
def cuba() -> CompiledScenario:
    return variant("cuba-1962")


@pytest.fixture(scope="session")
def calm() -> CompiledScenario:
    return variant("korea-calm")


def no_computing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any computation fail the test: a refusal must come before it (the simulation, the replay and
    the branch from it, the posterior's draws, the briefing, the comparison, the sensitivity analyses,
    the validation's checks)."""
    from brinkmanship import cli_engine, report
    from brinkmanship.analysis import compare, sensitivity
    from brinkmanship.analysis import global_sensitivity as gsa
    from brinkmanship.calibration import uncertainty
    from brinkmanship.calibration import validate as calibration_validate
    from brinkmanship.engine import ensemble
    from brinkmanship.history import replay as history_replay

    def computed(*args: object, **kwargs: object) -> None:
        raise AssertionError("computed before refusing")

    for module, name in [
        (ensemble, "simulate"),
        (uncertainty, "run_split"),
        (history_replay, "replay"),
        (history_replay, "replayed_start"),
        (uncertainty, "replayed_start"),
        (cli_engine, "as_of_start"),
        (report, "build_briefing"),
        (compare, "run_comparison"),
        (uncertainty, "compare_robustness"),
        (gsa, "global_sensitivity"),
        (sensitivity, "one_at_a_time"),
        (calibration_validate, "target_checks"),
        (calibration_validate, "literature_checks"),
    ]:
        monkeypatch.setattr(module, name, computed)
