"""`brink validate`: the calibrated model beside every target it was fitted to and every check it was not.

- **fitted**: each ``use: fit`` target of the targets file, run at posterior draws (the model itself, not
  the emulator): passes when the published value lies within two standard deviations of the posterior
  predictive mean on the error model's scale (the target's own sd and the spread across draws together),
  or on the right side of a one-sided bound (:func:`brinkmanship.calibration.fit.predictive_row`);
- **held_out**: each ``use: held_out`` target, judged the same way, and two checks on what no target
  says, each from the literature:

  - *Leng 1993*: reciprocating influence strategies end crises without war more often than bullying ones
    (Leng, *Interstate Crisis Behavior, 1816-1980: Realism vs. Reciprocity*, Cambridge UP 1993, ch. 8;
    Leng & Wheeler 1979, *Journal of Conflict Resolution* 23: 655-684). korea-2017 with the US
    reciprocating against the US bullying, on paired paths: P(war) must be lower;
  - *the outcome of 1962*: the crisis ended within 13 days in an agreement (the broadcast of 28 Oct
    1962) without war. The model must not put what happened in its own 5% tail: in cuba-1962,
    P(an agreement and no war within 30 days) at least 0.05.

The report exits 0 whether checks pass or fail; only a malformed targets file or a bad flag exits 2.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from brinkmanship.analysis.compare import PathOutcomes, simulate_paths
from brinkmanship.analysis.parameters import with_parameters
from brinkmanship.calibration.fit import count_interval, predictive_row
from brinkmanship.calibration.posterior import ShippedPosterior
from brinkmanship.calibration.simulator import (
    PROBABILITY_FLOOR,
    Settings,
    row_path_days,
    scenarios_for,
    simulate_row,
    transform,
    untransform,
)
from brinkmanship.calibration.targets import Target, TargetsFile
from brinkmanship.engine.ensemble import check_path_days
from brinkmanship.engine.state import NEVER
from brinkmanship.errors import UserError
from brinkmanship.policies.edits import set_path
from brinkmanship.scenario import ScenarioFile, load_scenario, scenario_from_mapping

OUTCOME_TAIL = 0.05

Advance = Callable[[str], None]


def _acceptance_band(target: Target, spread: float) -> list[float | None]:
    """Where the posterior predictive mean may lie for the check to pass (the rule of
    :func:`~brinkmanship.calibration.fit.predictive_row`): within two standard deviations (the target's and
    the spread across draws) of the published value on its error scale; for a one-sided bound, on the
    bound's side of it (the open end is None). The project's band, stated as such; the author's own is
    ``published``."""
    if target.error.kind == "binomial":
        return list(count_interval(target))
    if target.error.kind == "at_least":
        return [target.value, None]
    if target.error.kind == "at_most":
        return [None, target.value]
    z = transform(target, target.value)
    scale = math.sqrt(target.error.spread**2 + spread)
    return [untransform(target, z - 2 * scale), untransform(target, z + 2 * scale)]


def target_checks(
    targets: TargetsFile,
    posterior: ShippedPosterior,
    draws: int,
    settings: Settings,
    advance: Advance | None,
    where: str = "targets",
) -> list[dict[str, Any]]:
    """Every target of the file (fitted and held out), at ``draws`` posterior draws.

    Raises:
        UserError: a posterior whose free parameters are not the targets file's (``where`` names it).
    """
    expected = [p.path for p in targets.parameters]
    if posterior.paths != expected:
        raise UserError(
            f"{posterior.where}: its free parameters ({', '.join(posterior.paths)}) are not those of {where} "
            f"({', '.join(expected)})"
        )
    scenarios = scenarios_for(targets, where)
    rows = []
    for k, values in enumerate(posterior.pick(draws)):
        rows.append(simulate_row(targets.targets, scenarios, values, settings))
        if advance is not None:
            advance(f"posterior draw {k + 1} of {draws}")
    checks = []
    for target in targets.targets:
        predictive = predictive_row(target, rows, rows)
        z_sim = np.array([transform(target, row[target.name]) for row in rows])
        checks.append(
            {
                "name": target.name,
                "kind": "fitted" if target.use == "fit" else "held_out",
                # The value judged: the draws' mean on the target's error scale (logit or log), turned back.
                # Their median can lie inside a band the mean lies outside of (a count's edge, for one).
                "value": predictive["posterior_predictive"]["mean_on_error_scale"],
                "median": predictive["posterior_predictive"]["median"],
                # Every draw below the floor its error scale reads values at: the value is that floor.
                "floored": all(row[target.name] < PROBABILITY_FLOOR for row in rows),
                "value_90": [
                    predictive["posterior_predictive"]["q05"],
                    predictive["posterior_predictive"]["q95"],
                ],
                "band": _acceptance_band(target, float(np.var(z_sim))),
                "published": {
                    "value": target.value,
                    "band": list(target.band) if target.band else None,
                    **(
                        {"count": [target.error.events, target.error.trials]}
                        if target.error.kind == "binomial"
                        else {}
                    ),
                },
                "error": target.error.kind,
                "pass": predictive["met"],
                "z": predictive["z"],
                "source": f"{target.judgement.who}, {target.judgement.when}: {target.judgement.source}",
            }
        )
    return checks


def _at_posterior_median(scenario: ScenarioFile, posterior: ShippedPosterior) -> ScenarioFile:
    medians = {p["path"]: float(p["posterior"]["median"]) for p in posterior.document["parameters"]}
    return with_parameters(scenario, medians, "posterior median")


def _with_strategy(scenario: ScenarioFile, actor: str, strategy: str) -> ScenarioFile:
    data = scenario.model_dump(mode="json")
    set_path(data, f"actors.{actor}.strategy", strategy, "validate")
    return scenario_from_mapping(data, f"{scenario.name} with {actor} {strategy}")


def _run(scenario: ScenarioFile, runs: int, seed: int, prelude: ScenarioFile) -> PathOutcomes:
    _, outcomes = simulate_paths(scenario, runs, scenario.horizon_days, seed, prelude_world=prelude)
    return outcomes


def literature_checks(
    posterior: ShippedPosterior, runs: int, seed: int, advance: Advance | None
) -> list[dict[str, Any]]:
    """The two held-out checks of the module docstring, at the posterior median. (The peninsula's record of
    contained incidents, once a third check here, is a fitted target: ``peninsula-incidents-contained``.)"""
    checks = []
    korea = _at_posterior_median(load_scenario("korea-2017"), posterior)
    reciprocating = _run(_with_strategy(korea, "US", "reciprocating"), runs, seed, korea)
    bullying = _run(_with_strategy(korea, "US", "bullying"), runs, seed, korea)
    diff = float(reciprocating.happened("war").mean() - bullying.happened("war").mean())
    checks.append(
        {
            "name": "leng-reciprocity",
            "kind": "held_out",
            "value": diff,
            "band": [-1.0, 0.0],
            "pass": diff < 0,
            "detail": (
                f"korea-2017, P(war): US reciprocating {reciprocating.happened('war').mean():.1%}, "
                f"US bullying {bullying.happened('war').mean():.1%} (paired, {runs:,} paths)"
            ),
            "source": "Leng 1993, Interstate Crisis Behavior, 1816-1980, ch. 8; Leng & Wheeler 1979, JCR 23",
        }
    )
    if advance is not None:
        advance("Leng 1993")
    cuba = _at_posterior_median(load_scenario("cuba-1962"), posterior)
    outcomes = _run(cuba, runs, seed, cuba)
    agreed = (outcomes.agreement_day != NEVER) & (outcomes.agreement_day < outcomes.days)
    history = float((agreed & ~outcomes.happened("war")).mean())
    checks.append(
        {
            "name": "outcome-1962",
            "kind": "held_out",
            "value": history,
            "band": [OUTCOME_TAIL, 1.0],
            "pass": history >= OUTCOME_TAIL,
            "detail": f"cuba-1962: P(an agreement and no war within 30 days), {runs:,} paths",
            "source": (
                "the record: Khrushchev's broadcast of 28 Oct 1962 "
                "(src/brinkmanship/history/data/cuba-1962.csv)"
            ),
        }
    )
    if advance is not None:
        advance("1962")
    return checks


def check_validation_size(
    targets: TargetsFile, draws: int, settings: Settings, where: str = "targets"
) -> int:
    """The path-days ``brink validate`` steps (``draws`` rows of the targets, as a fit's row, and the two
    literature checks' korea-2017 runs over its horizon), after refusing a request over the shared cap
    (:func:`~brinkmanship.engine.ensemble.check_path_days`) in one line, before anything runs."""
    scenarios = scenarios_for(targets, where)
    per_row = row_path_days(targets.targets, scenarios, settings)
    horizon = load_scenario("korea-2017").horizon_days
    return check_path_days(
        [
            (
                f"--draws {draws:,} x {per_row:,} path-days a row (--runs {settings.runs:,}, --replay-runs "
                f"{settings.replay_runs:,}, --forecast-runs {settings.forecast_runs:,})",
                draws * per_row,
            ),
            (f"2 literature checks x --runs {settings.runs:,} x {horizon} days", 2 * settings.runs * horizon),
        ],
        "lower --draws, --runs, --replay-runs or --forecast-runs",
    )
