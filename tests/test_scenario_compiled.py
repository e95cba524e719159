"""The scenario compilation: what the kernel receives from a validated file."""

import copy

import numpy as np
import pytest
from scipy import stats

from brinkmanship.model.ladder import ACTION_INDEX, ACTIONS
from brinkmanship.scenario import compile_scenario
from brinkmanship.scenario import load_scenario as _load_scenario
from brinkmanship.scenario.loader import builtin_mapping as _builtin_mapping
from brinkmanship.scenario.loader import scenario_from_mapping

_FILES = {name: _load_scenario(name) for name in ("korea-2017", "cuba-1962")}
_MAPPING = _builtin_mapping("korea-2017")
"""Parsed once: mutation testing runs these tests once per mutant; each test compiles for itself."""


def load_scenario(name):
    return _FILES[name]


def builtin_mapping(name):
    assert name == "korea-2017"
    return copy.deepcopy(_MAPPING)


def test_the_prelude_imposes_the_record_on_its_dates():
    korea = compile_scenario(load_scenario("korea-2017"))
    assert korea.prelude_days == 268  # 1 Jan to 25 Sep 2017
    nuclear = ACTION_INDEX["nuclear_test"]
    day = (np.datetime64("2017-09-03") - np.datetime64("2017-01-01")).astype(int)
    assert korea.prelude_forced[day].tolist() == [-1, nuclear]
    assert (korea.prelude_forced >= 0).sum() == 31
    assert np.isnan(korea.prelude_reveals).all()


def test_a_prelude_event_can_reveal_a_capability():
    cuba = compile_scenario(load_scenario("cuba-1962"))
    day = (np.datetime64("1962-10-14") - np.datetime64("1962-07-01")).astype(int)
    assert cuba.prelude_reveals[day, 1].tolist() == [0.6, 1.0]
    assert np.isnan(cuba.prelude_reveals[day, 0]).all()
    assert np.isnan(np.delete(cuba.prelude_reveals, day, axis=0)).all()


def test_resolve_types_are_the_halves_of_the_prior():
    korea = compile_scenario(load_scenario("korea-2017"))
    for i, principal in enumerate(korea.principal_names):
        prior = korea.source.actors[principal].resolve
        dist = stats.beta(prior.alpha, prior.beta)
        median = dist.ppf(0.5)
        assert korea.resolve_median[i] == pytest.approx(median)
        low = dist.expect(lambda x: x, ub=median) / 0.5
        high = dist.expect(lambda x: x, lb=median) / 0.5
        assert korea.resolve_types[i].tolist() == pytest.approx([low, high], rel=1e-4)


def test_tension_half_life_becomes_a_daily_decay():
    korea = compile_scenario(load_scenario("korea-2017"))
    assert korea.tension_decay**korea.source.tension.half_life_days == pytest.approx(0.5)
    assert korea.tension_calm == korea.source.tension.calm


def test_masks_name_the_right_actions():
    korea = compile_scenario(load_scenario("korea-2017"))
    names = [a.name for a in ACTIONS]
    assert [names[k] for k in np.flatnonzero(korea.action_is_missile_test)] == ["missile_test"]
    assert [names[k] for k in np.flatnonzero(korea.action_is_nuclear_test)] == ["nuclear_test"]
    recorded = {names[k] for k in np.flatnonzero(korea.action_is_recorded)}
    assert {"missile_test", "nuclear_test", "show_of_force", "harassment", "conventional_war"} <= recorded
    assert "public_threat" not in recorded and "hold" not in recorded
    assert korea.action_cost[ACTION_INDEX["hold"]] == 0.0
    assert korea.action_cost[ACTION_INDEX["public_threat"]] == pytest.approx(
        korea.source.decision.activity_cost
    )


def test_capability_and_strength_are_per_principal():
    korea = compile_scenario(load_scenario("korea-2017"))
    assert korea.capability_reach.tolist() == [0.0, 0.3]
    assert korea.military_strength.tolist() == [3.0, 1.0]
    assert korea.initial_pressure.tolist() == [0.0, 1.0]


def test_the_prelude_world_is_kept_apart_from_a_lever():
    base = load_scenario("korea-2017")
    data = base.model_dump(mode="json")
    data["channels"]["direct"]["enabled"] = True
    levered = scenario_from_mapping(data, "test")
    model = compile_scenario(levered, prelude_world=base)
    assert model.direct_enabled and model.prelude_model is not None
    assert not model.prelude_model.direct_enabled
    assert compile_scenario(base, prelude_world=base).prelude_model is None


def test_a_prelude_world_with_another_history_is_refused():
    base = load_scenario("korea-2017")
    other = copy.deepcopy(builtin_mapping("korea-2017"))
    other["prelude"]["events"] = other["prelude"]["events"][:3]
    with pytest.raises(ValueError, match=r"^prelude_world must share the scenario's prelude and start date$"):
        compile_scenario(scenario_from_mapping(other, "test"), prelude_world=base)


def test_a_prelude_event_outside_the_prelude_is_refused():
    data = copy.deepcopy(builtin_mapping("korea-2017"))
    data["prelude"]["events"].append({"date": "2017-10-01", "actor": "US", "action": "hold"})
    with pytest.raises(Exception, match="outside the prelude"):
        scenario_from_mapping(data, "test")
