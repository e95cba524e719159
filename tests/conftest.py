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
