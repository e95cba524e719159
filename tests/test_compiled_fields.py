"""Every number the kernel reads is the number the scenario file gives (field by field)."""

import copy

import numpy as np
import pytest

from brinkmanship.model.ladder import ACTIONS, THRESHOLDS
from brinkmanship.scenario import compile_scenario, scenario_from_mapping
from brinkmanship.scenario import load_scenario as _load_scenario
from brinkmanship.scenario.loader import builtin_mapping as _builtin_mapping

NAMES = ("korea-2017", "korea-calm", "cuba-1962")
_FILES = {name: _load_scenario(name) for name in NAMES}
_MAPPINGS = {name: _builtin_mapping(name) for name in NAMES}
"""Parsed once: mutation testing runs these tests once per mutant; each test compiles for itself."""


def load_scenario(name):
    return _FILES[name]


def builtin_mapping(name):
    return copy.deepcopy(_MAPPINGS[name])


SCALARS = {
    "public_noise": "channels.public.noise",
    "hostile_bias": "perception.hostile_bias",
    "misread_margin": "perception.misread_margin",
    "imminence_threshold": "perception.imminence_threshold",
    "imminence_scale": "perception.imminence_scale",
    "tremble": "beliefs.tremble",
    "tension_calm": "tension.calm",
    "tension_amplification": "tension.amplification",
    "missile_test_gain": "capability_growth.missile_test",
    "nuclear_test_gain": "capability_growth.nuclear_test",
    "risk_aversion": "decision.risk_aversion",
    "risk_window_days": "decision.risk_window_days",
    "greed": "decision.greed",
    "preemption": "decision.preemption",
    "preventive": "decision.preventive",
    "credibility": "decision.credibility",
    "commitment": "decision.commitment",
    "desperation": "decision.desperation",
    "stress": "decision.stress",
    "threat_gain": "audience_costs.threat_gain",
    "force_gain": "audience_costs.force_gain",
    "standing_gain": "audience_costs.standing_gain",
    "audience_decay": "audience_costs.decay",
    "partial_backdown_share": "audience_costs.partial_backdown_share",
    "hazard_base": "loss_of_control.base",
    "hazard_growth": "loss_of_control.growth",
    "hazard_tension_growth": "loss_of_control.tension_growth",
    "posture_decay": "loss_of_control.posture_decay",
    "alarm_rate": "false_alarms.rate_per_day",
    "alarm_crisis_multiplier": "false_alarms.crisis_multiplier",
    "alarm_imminence_weight": "false_alarms.imminence_weight",
    "clash_to_war": "escalation.clash_to_war",
    "tension_weight": "escalation.tension_weight",
    "audience_weight": "escalation.audience_weight",
    "clash_shock": "escalation.clash_shock",
    "balance_rate": "war.balance_rate",
    "balance_noise": "war.balance_noise",
    "defeat_threshold": "war.defeat_threshold",
    "nuclear_hazard": "war.nuclear_hazard",
    "defeat_multiplier": "war.defeat_multiplier",
    "ceasefire_rate": "war.ceasefire_rate",
    "false_alarm_nuclear": "war.false_alarm_nuclear",
    "agreement_rate": "agreement.base_rate",
    "tension_damping": "agreement.tension_damping",
    "concession_boost": "agreement.concession_boost",
    "talks_open": "agreement.talks_open",
    "talks_window_days": "agreement.talks_window_days",
    "breakdown_rate": "agreement.breakdown_rate",
    "agreement_calm": "agreement.calm",
    "agreement_floor": "agreement.terms.floor",
    "ceiling_base": "agreement.terms.ceiling.base",
    "ceiling_pressure": "agreement.terms.ceiling.pressure",
    "ceiling_capability": "agreement.terms.ceiling.capability",
    "agreement_relief": "agreement.terms.relief",
    "freeze_active": "freeze.active",
    "freeze_breach_rate": "freeze.breach_rate",
    "face_saving_exit": "face_saving_exit",
    "horizon_days": "horizon_days",
}

OWN_WEIGHTS = {
    "coercion": "decision.coercion",
    "reciprocity": "decision.reciprocity",
    "generosity": "decision.generosity",
    "talks_value": "decision.talks_value",
}
"""Shared decision weights each principal holds its own copy of (scaled by a strategy, where declared)."""

PER_PRINCIPAL = {
    "coordination": lambda p: p.coordination,
    "resolve_alpha": lambda p: p.resolve.alpha,
    "resolve_beta": lambda p: p.resolve.beta,
    "p_greedy": lambda p: p.p_greedy,
    "sensitivity_low": lambda p: p.audience_sensitivity.low,
    "sensitivity_high": lambda p: p.audience_sensitivity.high,
    "precision": lambda p: p.precision,
    "war_cost": lambda p: p.war_cost,
    "military_strength": lambda p: p.military_strength,
    "capability_reach": lambda p: p.capability.reach,
    "capability_warhead": lambda p: p.capability.warhead,
    "initial_pressure": lambda p: p.initial.pressure,
}


def lookup(source, path):
    value = source
    for part in path.split("."):
        value = getattr(value, part)
    return value


@pytest.mark.parametrize("name", ["korea-2017", "korea-calm", "cuba-1962"])
def test_every_scalar_is_the_files(name):
    scenario = load_scenario(name)
    model = compile_scenario(scenario)
    for field, path in SCALARS.items():
        assert getattr(model, field) == lookup(scenario, path), field
    for field, getter in PER_PRINCIPAL.items():
        expected = [getter(scenario.actors[p]) for p in scenario.principals]
        assert getattr(model, field).tolist() == pytest.approx(expected), field
    for field, path in OWN_WEIGHTS.items():  # the built-in scenarios declare no strategy
        assert getattr(model, field).tolist() == [lookup(scenario, path)] * 2, field
    assert model.principal_names == tuple(scenario.principals)


def test_a_strategy_scales_its_principals_own_weights_by_the_table():
    """Leng's bullying for the first principal: coercion x2, reciprocity x0.5, way-out x0.5, generosity 0
    (docs/model.md, section 1); the other principal keeps the shared weights."""
    data = builtin_mapping("korea-2017")
    data["actors"][data["principals"][0]]["strategy"] = "bullying"
    scenario = scenario_from_mapping(data, "test")
    model = compile_scenario(scenario)
    d = scenario.decision
    assert model.coercion.tolist() == pytest.approx([2 * d.coercion, d.coercion])
    assert model.reciprocity.tolist() == pytest.approx([0.5 * d.reciprocity, d.reciprocity])
    assert model.talks_value.tolist() == pytest.approx([0.5 * d.talks_value, d.talks_value])
    assert model.generosity.tolist() == pytest.approx([0.0, d.generosity])


@pytest.mark.parametrize("name", ["korea-2017", "cuba-1962"])
def test_channels_and_alarms_are_the_files(name):
    scenario = load_scenario(name)
    model = compile_scenario(scenario)
    direct = scenario.channels.direct
    assert model.direct_enabled == direct.enabled
    assert model.direct_noise == direct.noise and model.direct_delay == direct.delay_days
    assert model.direct_verify == (direct.verify if direct.enabled else 0.0)
    stages = scenario.false_alarms.pass_through
    assert model.alarm_pass_last == stages[-1]
    assert model.alarm_pass_early == pytest.approx(float(np.prod(stages[:-1])))
    assert model.threshold_rungs.tolist() == [t.below_rung for t in THRESHOLDS]
    jumps = scenario.loss_of_control.threshold_jump
    assert model.threshold_jumps.tolist() == [jumps.get(t.name, 1.0) for t in THRESHOLDS]
    incident = scenario.loss_of_control.action_incident
    assert model.action_incident.tolist() == [incident.get(a.name, 0.0) for a in ACTIONS]
    assert model.action_rung.tolist() == [a.rung for a in ACTIONS]
    assert model.action_hostility.tolist() == [a.hostility for a in ACTIONS]


def test_mediators_and_third_parties_are_the_files():
    scenario = load_scenario("cuba-1962")
    model = compile_scenario(scenario)
    unsg = scenario.actors["UNSG"]
    assert model.mediated_enabled and model.mediated_trust == unsg.channel.trust
    assert model.mediated_noise == unsg.channel.noise and model.mediated_delay == unsg.channel.delay_days
    assert model.mediated_face_saving == unsg.channel.face_saving
    acts = model.third_party_acts
    rows = [
        (actor, act) for actor in scenario.actors.values() if hasattr(actor, "acts") for act in actor.acts
    ]
    assert acts.rate.tolist() == [act.rate if actor.active else 0.0 for actor, act in rows]
    assert acts.strength.tolist() == [act.strength for _, act in rows]
    korea_file = load_scenario("korea-2017")
    korea = compile_scenario(korea_file)
    assert not korea.mediated_enabled and korea.mediator_agreement_boost == 0.0
    rows = [
        (actor, act) for actor in korea_file.actors.values() if hasattr(actor, "acts") for act in actor.acts
    ]
    assert korea.third_party_acts.rate.tolist() == [act.rate if actor.active else 0.0 for actor, act in rows]
    assert 0.0 in korea.third_party_acts.rate.tolist()  # the inactive UN secretary-general's acts
    sanctions = korea.third_party_acts.kind == 0
    assert korea.third_party_acts.target[sanctions].tolist() == [[0.0, 1.0]] * int(sanctions.sum())


def test_voices_give_the_weighted_mean_and_spread():
    scenario = load_scenario("korea-2017")
    model = compile_scenario(scenario)
    voices = scenario.actors["US"].voices
    w = np.array([v.weight for v in voices])
    h = np.array([v.hawkishness for v in voices])
    w = w / w.sum()
    mean = float(w @ h)
    assert model.voice_bias[0] == pytest.approx(mean)
    assert model.voice_spread[0] == pytest.approx(float(np.sqrt(w @ (h - mean) ** 2)))


@pytest.mark.parametrize("name", ["korea-2017", "cuba-1962"])
def test_arrays_have_the_kernels_shapes_and_kinds(name):
    import dataclasses

    scenario = load_scenario(name)
    model = compile_scenario(scenario)
    n_actions = len(ACTIONS)
    for field in dataclasses.fields(model):
        value = getattr(model, field.name)
        if not isinstance(value, np.ndarray):
            continue
        if field.name.startswith("action_is_") or field.name in ("action_public", "action_military"):
            assert value.dtype == bool and value.shape == (n_actions,), field.name
        elif field.name in ("repertoire", "freeze_terms"):
            assert value.dtype == bool and value.shape == (2, n_actions), field.name
        elif field.name == "prelude_forced":
            assert value.dtype.kind == "i" and value.shape[1:] == (2,), field.name
        elif field.name == "faces_defeat":
            continue
        else:
            assert value.dtype.kind == "f", field.name
    for i, principal in enumerate(scenario.principals):
        names = {a.name for a, on in zip(ACTIONS, model.repertoire[i], strict=True) if on}
        assert names == set(scenario.actors[principal].repertoire)
        frozen = {a.name for a, on in zip(ACTIONS, model.freeze_terms[i], strict=True) if on}
        assert frozen == set(scenario.freeze.terms.get(principal, []))
