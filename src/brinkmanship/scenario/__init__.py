"""Scenarios: the file format, the built-in crises, loading and compiling."""

from brinkmanship.scenario.compiled import CompiledScenario, compile_scenario
from brinkmanship.scenario.loader import builtin_names, load_scenario, scenario_from_mapping
from brinkmanship.scenario.schema import ScenarioFile

__all__ = [
    "CompiledScenario",
    "ScenarioFile",
    "builtin_names",
    "compile_scenario",
    "load_scenario",
    "scenario_from_mapping",
]
