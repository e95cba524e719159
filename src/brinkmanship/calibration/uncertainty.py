"""Forecasts over the posterior: how much of an answer's uncertainty is the simulation's and how much the
parameters' (``brink run --param-uncertainty``, ``brink compare --param-uncertainty``).

``D`` posterior draws (:mod:`brinkmanship.calibration.posterior`) each run ``R`` paths on the same seed
(common random numbers across draws), each with its own prelude (the draw's values act on the burn-in too,
as on an edited scenario file). For an outcome, ``p_d`` is its probability in draw ``d``:

- the **posterior-averaged probability** is ``p = mean_d p_d``;
- its **Monte Carlo** 95% interval is Wilson's for ``p`` over the ``D x R`` paths: the simulation noise;
- its **parameter** 95% interval is the 2.5% and 97.5% quantiles of the ``p_d`` with their own Monte Carlo
  noise taken out: each ``p_d`` is pulled toward ``p`` by ``sqrt(max(0, 1 - m / v))``, where ``v`` is the
  variance of the ``p_d`` and ``m`` the mean of their binomial variances ``p_d (1 - p_d) / R`` (the law of
  total variance: what is left of ``v`` is the parameters' doing);
- the **total** interval adds the two on each side in quadrature.

``compare`` reports, for each option, the share of draws in which it beats the reference (a lower P(war),
paired on the same draw and paths) and how often it takes each rank.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from brinkmanship.analysis.compare import simulate_paths
from brinkmanship.analysis.intervals import wilson_interval
from brinkmanship.analysis.parameters import with_parameters
from brinkmanship.calibration.posterior import ShippedPosterior, load_posterior
from brinkmanship.calibration.simulator import probability_within
from brinkmanship.errors import UserError
from brinkmanship.history.events import EventFile
from brinkmanship.history.replay import replayed_start
from brinkmanship.policies import Policy, apply_policy
from brinkmanship.scenario import ScenarioFile, compile_scenario

OUTCOMES = ("clash", "war", "nuclear_use", "agreement")

Advance = Callable[[int], None]


def check_sizes(draws: int, runs_per_draw: int, posterior: ShippedPosterior) -> None:
    if not 2 <= draws <= len(posterior.draws):
        raise UserError(f"--draws: from 2 to {len(posterior.draws)} (the posterior's draws), not {draws}")
    if not 64 <= runs_per_draw <= 100_000:
        raise UserError(f"--runs-per-draw: from 64 to 100,000, not {runs_per_draw}")


def check_scenario(scenario: ScenarioFile, posterior: ShippedPosterior) -> None:
    """Every free parameter of the posterior must be a path of ``scenario``."""
    from brinkmanship.policies.edits import get_path

    data = scenario.model_dump(mode="json")
    for path in posterior.paths:
        get_path(
            data, path, f"--param-uncertainty: {scenario.name} has no parameter {path!r} of the posterior"
        )


def checked_posterior(
    scenario: ScenarioFile, wanted: bool, posterior: str | None, draws: int, runs_per_draw: int
) -> ShippedPosterior | None:
    """The posterior ``--param-uncertainty`` runs over, checked before anything is computed; None without
    the flag (the command line refuses ``--posterior``, ``--draws`` or ``--runs-per-draw`` without it:
    :func:`brinkmanship.cli_common.param_uncertainty_options`).

    Raises:
        UserError: a posterior that cannot be read or does not fit ``scenario``; sizes out of range.
    """
    if not wanted:
        return None
    shipped = load_posterior(posterior)
    check_sizes(draws, runs_per_draw, shipped)
    check_scenario(scenario, shipped)
    return shipped


@dataclass(frozen=True)
class Split:
    """One outcome's posterior-averaged probability and its three 95% intervals."""

    p: float
    monte_carlo: tuple[float, float]
    parameters: tuple[float, float]
    total: tuple[float, float]
    by_draw: tuple[float, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "p": self.p,
            "ci95_total": list(self.total),
            "ci95_monte_carlo": list(self.monte_carlo),
            "ci95_parameters": list(self.parameters),
            "p_by_draw": list(self.by_draw),
        }


def split_interval(p_by_draw: Sequence[float], runs_per_draw: int) -> Split:
    """The module docstring's split for one outcome, from its probability in each draw."""
    p_d = np.asarray(p_by_draw, dtype=float)
    p = float(p_d.mean())
    hits = round(p * p_d.size * runs_per_draw)
    mc_low, mc_high = wilson_interval(hits, p_d.size * runs_per_draw)
    between = float(p_d.var())
    noise = float(np.mean(p_d * (1 - p_d) / runs_per_draw))
    shrink = math.sqrt(max(0.0, 1.0 - noise / between)) if between > 0 else 0.0
    cleaned = p + (p_d - p) * shrink
    par_low, par_high = (float(x) for x in np.quantile(cleaned, [0.025, 0.975]))
    low = p - math.hypot(p - par_low, p - mc_low)
    high = p + math.hypot(par_high - p, mc_high - p)
    return Split(
        p,
        (mc_low, mc_high),
        (par_low, par_high),
        (max(0.0, low), min(1.0, high)),
        tuple(float(x) for x in p_d),
    )


@dataclass(frozen=True)
class AsOf:
    """``--as-of``: every draw replays the record from ``first`` to ``date`` in its own world and its
    forecasts branch from the replayed ensemble (:func:`brinkmanship.history.replay.replayed_start`)."""

    events: EventFile
    first: dt.date
    date: dt.date


def run_over_posterior(
    scenario: ScenarioFile,
    policies: Sequence[Policy],
    posterior: ShippedPosterior,
    draws: int,
    runs_per_draw: int,
    days: int,
    seed: int,
    advance: Advance | None = None,
    as_of: AsOf | None = None,
) -> dict[str, list[dict[str, float]]]:
    """P(each outcome within ``days``) for every policy in every draw: policy name -> one dict per draw.

    Each draw burns in its own prelude (or, with ``as_of``, replays the record to that date) in the
    scenario with the draw's values; every policy of a draw starts from those same paths."""
    check_sizes(draws, runs_per_draw, posterior)
    check_scenario(scenario, posterior)
    out: dict[str, list[dict[str, float]]] = {policy.name: [] for policy in policies}
    for k, values in enumerate(posterior.pick(draws)):
        varied = with_parameters(scenario, values, f"posterior draw {k + 1}")
        worlds = [apply_policy(varied, policy) for policy in policies]
        start = None
        if as_of is not None:
            compiled = tuple(compile_scenario(world) for world in worlds)
            start = replayed_start(
                varied, as_of.events, as_of.first, as_of.date, runs_per_draw, seed, compiled
            )
        for policy, world in zip(policies, worlds, strict=True):
            _, outcomes = simulate_paths(world, runs_per_draw, days, seed, prelude_world=varied, start=start)
            out[policy.name].append({o: probability_within(outcomes, o, days) for o in OUTCOMES})
            if advance is not None:
                advance(runs_per_draw)
    return out


def outcome_splits(by_draw: list[dict[str, float]], runs_per_draw: int) -> dict[str, Split]:
    """Each outcome's split, from one policy's per-draw probabilities."""
    return {o: split_interval([row[o] for row in by_draw], runs_per_draw) for o in OUTCOMES}


def rank_robustness(
    by_policy: dict[str, list[dict[str, float]]], reference: str, outcome: str = "war"
) -> dict[str, dict[str, Any]]:
    """For each policy: the share of draws in which it beats the reference on ``outcome`` (lower, or higher
    for an agreement), and the share of draws in which it takes each rank (1 = best; ties share a rank)."""
    names = list(by_policy)
    n = len(next(iter(by_policy.values())))
    sign = -1.0 if outcome == "agreement" else 1.0
    counts = {name: np.zeros(len(names), dtype=int) for name in names}
    beats = dict.fromkeys(names, 0)
    for d in range(n):
        keys = {name: sign * by_policy[name][d][outcome] for name in names}
        for name in names:
            rank = 1 + sum(keys[other] < keys[name] for other in names)
            counts[name][rank - 1] += 1
            if keys[name] < keys[reference]:
                beats[name] += 1
    return {
        name: {
            "beats_reference_share": beats[name] / n,
            "rank_shares": {
                str(r + 1): float(counts[name][r] / n) for r in range(len(names)) if counts[name][r]
            },
        }
        for name in names
    }


def run_split(
    scenario: ScenarioFile,
    posterior: ShippedPosterior,
    draws: int,
    runs_per_draw: int,
    days: int,
    seed: int,
    advance: Advance | None = None,
    as_of: AsOf | None = None,
) -> dict[str, Any]:
    """`brink run --param-uncertainty`: the baseline over the posterior, each outcome's split, and how it
    was made."""
    from brinkmanship.policies import BASELINE

    by_draw = run_over_posterior(
        scenario, [Policy(BASELINE)], posterior, draws, runs_per_draw, days, seed, advance, as_of
    )
    splits = outcome_splits(by_draw[BASELINE], runs_per_draw)
    return {
        "posterior": posterior.where,
        "draws": draws,
        "runs_per_draw": runs_per_draw,
        "method": (
            "each draw runs its own prelude (or replays the record to --as-of) on the same seed; "
            "Monte Carlo part: Wilson over all paths; parameter part: quantiles of the per-draw "
            "probabilities with their binomial noise removed (law of total variance); total: the two "
            "added in quadrature on each side"
        ),
        "outcomes": {o: s.as_dict() for o, s in splits.items()},
    }


def compare_robustness(
    scenario: ScenarioFile,
    policies: Sequence[Policy],
    posterior: ShippedPosterior,
    draws: int,
    runs_per_draw: int,
    days: int,
    seed: int,
    rank_by: str = "war",
    advance: Advance | None = None,
    as_of: AsOf | None = None,
) -> dict[str, Any]:
    """`brink compare --param-uncertainty`: every option over the posterior; for each, how often it beats
    the reference (the baseline, added first if missing, as `compare` does), its rank distribution, and its
    P(``rank_by``) split."""
    from brinkmanship.policies import BASELINE

    if not policies or not policies[0].is_baseline:
        policies = [Policy(BASELINE), *[p for p in policies if not p.is_baseline]]
    by_policy = run_over_posterior(
        scenario, policies, posterior, draws, runs_per_draw, days, seed, advance, as_of
    )
    reference = policies[0].name
    robust = rank_robustness(by_policy, reference, rank_by)
    return {
        "posterior": posterior.where,
        "draws": draws,
        "runs_per_draw": runs_per_draw,
        "reference": reference,
        "rank_by": rank_by,
        "policies": {
            name: {
                **robust[name],
                rank_by: split_interval([row[rank_by] for row in rows], runs_per_draw).as_dict(),
            }
            for name, rows in by_policy.items()
        },
    }
