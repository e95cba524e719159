"""Scenarios: the file format, the built-in crises, loading and compiling."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from brinkmanship.scenario.loader import builtin_names, load_scenario, scenario_from_mapping
from brinkmanship.scenario.schema import ScenarioFile

# Compiling needs NumPy and SciPy: imported on first use, so that reading a scenario (`brink scenarios`) does
# not wait for them.
if TYPE_CHECKING:
    from brinkmanship.scenario.compiled import CompiledScenario, compile_scenario

_COMPILED = ("CompiledScenario", "compile_scenario")


if not TYPE_CHECKING:  # hidden from mypy, which would otherwise accept any name on this module

    def __getattr__(name: str) -> Any:
        if name in _COMPILED:
            from brinkmanship.scenario import compiled

            return getattr(compiled, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CompiledScenario",
    "ScenarioFile",
    "builtin_names",
    "compile_scenario",
    "load_scenario",
    "scenario_from_mapping",
]
