"""Policies compared on common random numbers: paired differences from the baseline, with intervals.

Every policy runs on the same seed, so path ``i`` meets the same accidents, alarms and dice under every
policy (:mod:`brinkmanship.engine.randomness`). The per-path outcome indicators are therefore paired, and
the difference of two probabilities is estimated from the discordant pairs, which is far more precise
than comparing two independent estimates (Glasserman & Yao 1992, "Some guidelines and guarantees for
common random numbers", Management Science 38).

Statistics:

- a probability: Wilson score interval (:func:`brinkmanship.analysis.intervals.wilson_interval`);
- a paired difference of probabilities: McNemar's test (McNemar 1947) and the score interval that inverts
  it (Tango 1998, "Equivalence test and confidence interval for the difference in proportions for the
  paired-sample design", Statistics in Medicine 17). Both come from one statistic, the score
  ``z(d) = (b - c - n d) / sqrt(n (2 q(d) + d (1 - d)))`` (``b``, ``c``: the discordant paths, ``q(d)``
  the restricted maximum-likelihood estimate of the probability of ``c``); at ``d = 0`` it is McNemar's
  ``(b - c) / sqrt(b + c)``, and the 95% interval is every ``d`` with ``|z(d)| < 1.96``. So one rule
  holds throughout: a difference is *significant* when McNemar's p < 0.05, which is exactly when its 95%
  interval excludes zero. The asymptotic McNemar test holds its size better than the exact conditional
  one, which is conservative (Fagerland, Lydersen & Laake 2013, BMC Medical Research Methodology 13:91),
  and Tango's interval is among those recommended for paired proportions (Fagerland, Lydersen & Laake
  2014, Statistics in Medicine 34);
- a median time to war: the distribution-free order-statistic interval (Conover 1999, section 3.2);
- deaths (from :mod:`brinkmanship.analysis.lives`, drawn per path from the path's own uniform, hence
  paired too): the expected value with a 90% normal interval, and the paired change from the reference.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import optimize, stats

from brinkmanship.analysis.intervals import wilson_interval
from brinkmanship.analysis.lives import LivesModel, deaths_per_path, expected_deaths_interval, lives_model
from brinkmanship.engine.ensemble import PathTable, Tally, simulate
from brinkmanship.engine.results import (
    OUTCOMES,
    agreement_summary,
    agreement_terms_text,
    behaviour_summary,
    share_of,
)
from brinkmanship.engine.state import NEVER, PATH_LABELS, CrisisState
from brinkmanship.errors import UserError
from brinkmanship.policies import Policy, apply_policy, describe_changes
from brinkmanship.scenario import ScenarioFile, compile_scenario

Z90 = float(stats.norm.ppf(0.95))
Progress = Callable[[str, int], None]
"""Called with a policy's name and the number of paths just finished."""


@dataclass(frozen=True)
class PathOutcomes:
    """Per-path first-event days (``-1`` = never; days counted from 0) and the path to war, all runs."""

    days: int
    clash_day: np.ndarray
    war_day: np.ndarray
    nuclear_day: np.ndarray
    agreement_day: np.ndarray
    breakdown_day: np.ndarray
    war_path: np.ndarray
    deaths_quantile: np.ndarray
    deaths: np.ndarray | None = None

    @classmethod
    def from_tables(
        cls, tables: Sequence[PathTable], days: int, deaths: Sequence[np.ndarray] | None = None
    ) -> PathOutcomes:
        """Concatenate the chunk tables of one ensemble (they arrive in path order)."""

        def join(name: str, dtype: Any) -> np.ndarray:
            return np.concatenate([np.asarray(getattr(t, name), dtype=dtype) for t in tables])

        return cls(
            days=days,
            clash_day=join("clash_day", np.int32),
            war_day=join("war_day", np.int32),
            nuclear_day=join("nuclear_day", np.int32),
            agreement_day=join("agreement_day", np.int32),
            breakdown_day=join("breakdown_day", np.int32),
            war_path=join("war_path", np.int8),
            deaths_quantile=join("deaths_quantile", np.float64),
            deaths=np.concatenate(deaths) if deaths else None,
        )

    @property
    def runs(self) -> int:
        return int(self.war_day.shape[0])

    def happened(self, outcome: str) -> np.ndarray:
        """Boolean per path: ``outcome`` (clash, war, nuclear_use, agreement, breakdown: the first
        agreement broke down) within the horizon."""
        day = {
            "clash": self.clash_day,
            "war": self.war_day,
            "nuclear_use": self.nuclear_day,
            "agreement": self.agreement_day,
            "breakdown": self.breakdown_day,
        }[outcome]
        return (day != NEVER) & (day < self.days)

    def war_by(self, label: str) -> np.ndarray:
        """Boolean per path: a war within the horizon that came by path ``label`` (e.g. miscalculation)."""
        return self.happened("war") & (self.war_path == PATH_LABELS.index(label))

    def cumulative_war(self) -> np.ndarray:
        """P(war by the end of day t) for t = 0 .. days - 1."""
        war = self.happened("war")
        counts = np.bincount(self.war_day[war], minlength=self.days)[: self.days]
        return np.cumsum(counts) / max(self.runs, 1)


ALPHA = 0.05
"""A paired difference is significant at this level (two-sided)."""
Z95 = float(stats.norm.ppf(1.0 - ALPHA / 2.0))


@dataclass(frozen=True)
class PairedDifference:
    """P(policy) - P(reference) estimated on paired paths.

    ``p_value`` is McNemar's test and ``ci95`` the score interval that inverts it (module docstring), so
    ``p_value < 0.05`` exactly when ``ci95`` excludes zero: :attr:`significant`."""

    diff: float
    ci95: tuple[float, float]
    p_value: float
    gained: int  # paths where the outcome happens under the policy only
    lost: int  # paths where it happens under the reference only

    @property
    def significant(self) -> bool:
        """McNemar's p < 0.05; the same as: the 95% interval excludes zero."""
        return self.p_value < ALPHA

    def as_dict(self) -> dict[str, Any]:
        return {
            "diff": float(self.diff),
            "ci95": [float(self.ci95[0]), float(self.ci95[1])],
            "p_value": float(self.p_value),
            "significant": bool(self.significant),
            "discordant": [self.gained, self.lost],
        }


def _score(delta: float, gained: int, lost: int, n: int) -> float:
    """Tango's (1998) score statistic for the paired difference ``delta`` (module docstring)."""
    w = -gained - lost + (2 * n - gained + lost) * delta
    q = (np.sqrt(max(w * w + 8.0 * n * lost * delta * (1.0 - delta), 0.0)) - w) / (4.0 * n)
    numerator = gained - lost - n * delta
    variance = n * (2.0 * q + delta * (1.0 - delta))
    if numerator == 0.0:
        return 0.0
    if variance <= 0.0:
        return float(np.copysign(np.inf, numerator))
    return float(numerator / np.sqrt(variance))


def _score_bound(gained: int, lost: int, n: int, inside: float, outside: float, target: float) -> float:
    """One end of the score interval: where ``z`` reaches ``target`` (+-1.96) between the estimate
    (``inside``, where ``z`` is 0) and ``outside`` (zero, where the test rejects, or -1 or 1); ``outside``
    itself where ``z`` does not reach ``target`` before it."""

    def gap(delta: float) -> float:
        return _score(delta, gained, lost, n) - target

    if np.sign(gap(outside)) == np.sign(gap(inside)) or gap(outside) == 0.0:
        return outside
    return float(optimize.brentq(gap, min(inside, outside), max(inside, outside), xtol=1e-13, rtol=1e-13))


def paired_difference(policy: np.ndarray, reference: np.ndarray) -> PairedDifference:
    """McNemar's test and Tango's score interval for the difference of paired proportions.

    Args:
        policy: boolean outcome per path under the policy.
        reference: boolean outcome per path under the reference, same paths in the same order.
    """
    x = np.asarray(policy, dtype=bool)
    y = np.asarray(reference, dtype=bool)
    if x.shape != y.shape:
        raise ValueError(f"paired outcomes need the same paths ({x.shape} vs {y.shape})")
    n = int(x.size)
    gained = int(np.count_nonzero(x & ~y))
    lost = int(np.count_nonzero(~x & y))
    if n == 0:
        return PairedDifference(0.0, (-1.0, 1.0), 1.0, 0, 0)
    diff = (gained - lost) / n
    discordant = gained + lost
    z = 0.0 if discordant == 0 else (gained - lost) / np.sqrt(discordant)
    p_value = float(min(1.0, 2.0 * stats.norm.sf(abs(z))))
    # The score falls as the difference rises; each end lies between the estimate and the nearer of zero
    # (where the test rejects) or -1 / 1, so the interval excludes zero exactly when the test rejects.
    significant = p_value < ALPHA
    low = _score_bound(gained, lost, n, diff, 0.0 if significant and diff > 0 else -1.0, Z95)
    high = _score_bound(gained, lost, n, diff, 0.0 if significant and diff < 0 else 1.0, -Z95)
    if not significant:  # the root finder's last digits must not move an end across zero
        low, high = min(low, 0.0), max(high, 0.0)
    return PairedDifference(float(diff), (low, high), p_value, gained, lost)


def median_with_interval(values: np.ndarray) -> dict[str, Any]:
    """Median with the distribution-free 95% interval from order statistics (Conover 1999)."""
    data = np.sort(np.asarray(values))
    n = int(data.size)
    if n == 0:
        return {"median": None, "ci95": None, "n": 0}
    low_rank = max(int(stats.binom.ppf(0.025, n, 0.5)), 1)
    high_rank = min(n - low_rank + 1, n)
    return {
        "median": float(np.median(data)),
        "ci95": [float(data[low_rank - 1]), float(data[high_rank - 1])],
        "n": n,
    }


def simulate_paths(
    scenario: ScenarioFile,
    runs: int,
    days: int,
    seed: int,
    workers: int = 1,
    on_chunk: Callable[[int], None] | None = None,
    lives: LivesModel | None = None,
    prelude_world: ScenarioFile | None = None,
    start: CrisisState | None = None,
) -> tuple[Tally, PathOutcomes]:
    """One ensemble with its per-path outcomes kept (for pairing with other ensembles on the same seed).

    ``prelude_world``: the scenario before the policy's levers; the burn-in runs in it (levers act from
    the start date), so every policy starts from the same burned-in paths. ``start``: branch every
    policy from this state instead (``runs`` paths: a replayed date, ``--as-of``).

    With ``lives`` (:func:`brinkmanship.analysis.lives.lives_model`), each path's deaths are drawn too,
    from the path's own uniform, so deaths are paired across policies like every other outcome.
    """
    tables: list[PathTable] = []
    deaths: list[np.ndarray] = []

    def keep(table: PathTable) -> None:
        tables.append(table)
        if lives is not None:
            deaths.append(deaths_per_path(lives, table, days))

    tally = simulate(
        compile_scenario(scenario, prelude_world),
        runs,
        days,
        seed,
        workers=workers,
        keep_paths=True,
        on_chunk=on_chunk,
        on_paths=keep,
        start=start,
    )
    return tally, PathOutcomes.from_tables(tables, days, deaths if lives is not None else None)


@dataclass
class PolicyRun:
    """One policy's ensemble."""

    policy: Policy
    scenario: ScenarioFile
    changes: list[str]
    tally: Tally
    outcomes: PathOutcomes
    elapsed_s: float
    same_as: str | None = None


@dataclass
class Comparison:
    """Policies run on the same seed; the first is the reference (normally the baseline).

    ``elapsed_s``: seconds of the comparison's runs; `brink compare` sets it to its whole work (an --as-of
    replay and --param-uncertainty included) before printing it. ``in_force_at_start``: paths that began
    with an agreement in force (a forecast from a replayed date; the same paths for every policy)."""

    scenario: ScenarioFile
    runs: int
    days: int
    seed: int
    results: list[PolicyRun]
    notes: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    in_force_at_start: int = 0

    @property
    def reference(self) -> PolicyRun:
        return self.results[0]

    def find(self, name: str) -> PolicyRun:
        """The run of the policy called ``name``."""
        for run in self.results:
            if run.policy.name == name:
                return run
        raise KeyError(name)

    def difference(self, policy: str, reference: str, outcome: str = "war") -> PairedDifference:
        """Paired difference in ``outcome`` between any two of the compared policies."""
        return paired_difference(
            self.find(policy).outcomes.happened(outcome), self.find(reference).outcomes.happened(outcome)
        )

    def summaries(self, rank_by: str = "war") -> list[dict[str, Any]]:
        """One dictionary per policy, in the order run, with its rank by P(``rank_by``).

        Lower is better for clash, war and nuclear use, higher for agreement; ties on the ranking
        outcome are broken by P(nuclear use), and exact ties share a rank.
        """
        rows = [summarise(run, self.reference, self.in_force_at_start) for run in self.results]
        sign = -1.0 if rank_by == "agreement" else 1.0
        keys = [(sign * row["outcomes"][rank_by]["p"], row["outcomes"]["nuclear_use"]["p"]) for row in rows]
        for row, key in zip(rows, keys, strict=True):
            row["rank"] = 1 + sum(other < key for other in keys)
        return rows

    def as_dict(self, rank_by: str = "war") -> dict[str, Any]:
        """The JSON object printed by ``brink compare --json``."""
        return {
            "scenario": self.scenario.name,
            "runs": self.runs,
            "days": self.days,
            "seed": self.seed,
            "common_random_numbers": True,
            "reference": self.reference.policy.name,
            "rank_by": rank_by,
            "policies": self.summaries(rank_by),
            "deaths_available": self.reference.outcomes.deaths is not None,
            "notes": self.notes,
            "elapsed_s": self.elapsed_s,
        }


def summarise(run: PolicyRun, reference: PolicyRun, in_force_at_start: int = 0) -> dict[str, Any]:
    """Outcomes, paired differences, path shifts, agreements, timing and behaviour of one policy;
    ``in_force_at_start``: paths that began with an agreement in force (``brink run``'s ``agreements``)."""
    outcomes: dict[str, Any] = {}
    for name in OUTCOMES:
        happened = run.outcomes.happened(name)
        count = int(happened.sum())
        low, high = wilson_interval(count, run.outcomes.runs)
        outcomes[name] = {
            "p": count / max(run.outcomes.runs, 1),
            "ci95": [low, high],
            "count": count,
            "vs_reference": paired_difference(happened, reference.outcomes.happened(name)).as_dict(),
        }
    war_change = outcomes["war"]["vs_reference"]["diff"]
    paths: dict[str, Any] = {}
    for label in PATH_LABELS:
        by_path = run.outcomes.war_by(label)
        count = int(by_path.sum())
        shift = paired_difference(by_path, reference.outcomes.war_by(label))
        share, share_interval = share_of(count, outcomes["war"]["count"])  # None without a war
        paths[label] = {
            "p": count / max(run.outcomes.runs, 1),
            "ci95": list(wilson_interval(count, run.outcomes.runs)),
            "share_of_wars": share,
            "share_ci95": share_interval,
            "vs_reference": shift.as_dict(),
            "share_of_change": shift.diff / war_change if war_change != 0.0 else None,
        }
    war = run.outcomes.happened("war")
    behaviour = behaviour_summary(run.tally, (run.scenario.principals[0], run.scenario.principals[1]))
    return {
        "policy": run.policy.name,
        "levers": [choice.label for choice in run.policy.choices],
        "expansion": run.policy.expansion,
        "changes": run.changes,
        "same_as": run.same_as,
        "outcomes": outcomes,
        "paths": paths,
        "risk_split": risk_split(run, reference),
        # As `brink run --json` gives them: after a recorded agreement (--as-of) the share of paths that
        # began with one in force, which P(agreement), counting agreements newly reached, does not show.
        "agreements": agreement_summary(run.tally, agreement_terms_text(run.scenario), in_force_at_start),
        "median_war_day": median_with_interval(run.outcomes.war_day[war]),
        "cumulative_war": [float(v) for v in run.outcomes.cumulative_war()],
        "behaviour": _behaviour(behaviour),
        "deaths": _deaths_summary(run.outcomes.deaths, reference.outcomes.deaths, run.scenario),
        "elapsed_s": run.elapsed_s,
    }


def days_at_risk(outcomes: PathOutcomes) -> np.ndarray:
    """Days each path spent in crisis within the horizon, ``(n,)``: through the day a war began (that day
    counts: the path stepped it in crisis), else the whole horizon. An agreement does not end the days at
    risk (paths stay in crisis after one, docs/model.md section 7): a lever that brings agreements earlier
    shows in the hazard per day at risk."""
    end = np.full(outcomes.runs, outcomes.days, dtype=np.int64)
    hit = (outcomes.war_day != NEVER) & (outcomes.war_day < outcomes.days)
    return np.where(hit, np.minimum(end, outcomes.war_day.astype(np.int64) + 1), end)


def _log_ratio(psi: np.ndarray, estimate: float) -> dict[str, Any]:
    """A ratio from its log and the per-path influence values ``psi`` of that log (delta method:
    var(log ratio) = n var(psi)), with its 95% interval."""
    n = psi.size
    half = 1.959964 * float(np.sqrt(n * psi.var(ddof=1))) if n > 1 else float("inf")
    return {
        "ratio": float(np.exp(estimate)),
        "ci95": [float(np.exp(estimate - half)), float(np.exp(estimate + half))],
    }


def risk_split(run: PolicyRun, reference: PolicyRun) -> dict[str, Any]:
    """A policy's change in P(war) split into days at risk and hazard per day at risk.

    Wars = days at risk x hazard, so log(wars ratio) = log(days ratio) + log(hazard ratio). Only war ends
    a path's days at risk (an agreement does not: paths stay in crisis after one), so a lever acts almost
    wholly through the hazard per day at risk, an agreement's included. Ratios of paired sums over the
    same paths, with delta-method 95% intervals from each path's influence on the log ratio (the paths
    are paired, so their covariance counts).

    Returns ``days_at_risk`` (mean days in crisis per path), ``hazard_per_1000_days`` (wars per 1,000
    path-days in crisis), and ``vs_reference`` with ``days_at_risk`` and ``hazard`` as ratios to the
    reference's (``ratio``, ``ci95``); the hazard ratio is None when either side has no war.
    """
    wars = run.outcomes.happened("war").astype(float)
    days = days_at_risk(run.outcomes).astype(float)
    wars0 = reference.outcomes.happened("war").astype(float)
    days0 = days_at_risk(reference.outcomes).astype(float)
    hazard = wars.sum() / max(days.sum(), 1.0)
    split: dict[str, Any] = {
        "days_at_risk": float(days.mean()) if days.size else 0.0,
        "hazard_per_1000_days": 1000.0 * hazard,
    }
    days_ratio = _log_ratio(days / days.sum() - days0 / days0.sum(), float(np.log(days.sum() / days0.sum())))
    hazard_ratio = None
    if wars.sum() > 0 and wars0.sum() > 0:
        psi = wars / wars.sum() - days / days.sum() - wars0 / wars0.sum() + days0 / days0.sum()
        hazard0 = wars0.sum() / days0.sum()
        hazard_ratio = _log_ratio(psi, float(np.log(hazard / hazard0)))
    split["vs_reference"] = {"days_at_risk": days_ratio, "hazard": hazard_ratio}
    return split


def split_text(row: dict[str, Any], reference: bool) -> str:
    """A summary row's days-at-risk and hazard change as text, '-3% / -12%*' (``*``: the ratio's 95%
    interval excludes 1); for the reference row its own levels, '252 d / 0.34' (days in crisis per path,
    wars per 1,000 days in crisis)."""
    split = row["risk_split"]
    if reference:
        return f"{split['days_at_risk']:.0f} d / {split['hazard_per_1000_days']:.2f}"

    def pct(ratio: dict[str, Any] | None) -> str:
        if ratio is None:
            return "-"
        low, high = ratio["ci95"]
        star = "*" if high < 1.0 or low > 1.0 else ""
        return f"{100 * (ratio['ratio'] - 1):+.0f}%{star}"

    versus = split["vs_reference"]
    return f"{pct(versus['days_at_risk'])} / {pct(versus['hazard'])}"


def _behaviour(summary: dict[str, Any]) -> dict[str, Any]:
    """The behaviour figures a comparison reports (rates per active path-day)."""
    per_day = summary["actions_per_day"]
    watched = ("public_threat", "show_of_force", "missile_test", "nuclear_test", "private_message")
    return {
        "actions_per_day": {
            actor: {name: rates[name] for name in watched if name in rates}
            for actor, rates in per_day.items()
        },
        **{key: value for key, value in summary.items() if key != "actions_per_day"},
    }


def _deaths_summary(
    deaths: np.ndarray | None, reference: np.ndarray | None, scenario: ScenarioFile
) -> dict[str, Any] | None:
    """Expected deaths with the 90% interval of that expectation (as `brink run` gives it:
    :func:`~brinkmanship.analysis.lives.expected_deaths_interval`), the 95th percentile over paths, and
    the paired change from the reference (per-path differences on common random numbers, normal
    interval)."""
    if deaths is None or reference is None or deaths.size < 2:
        return None
    n = deaths.size
    mean = float(deaths.mean())
    interval = expected_deaths_interval(
        n,
        float(deaths.sum()),
        float((deaths**2).sum()),
        int((deaths > 0).sum()),
        lives_model(scenario).war.central,
    )
    change = deaths - reference
    shift = float(change.mean())
    change_half = Z90 * float(change.std(ddof=1)) / np.sqrt(n)
    return {
        "expected": mean,
        "ci90": list(interval),
        "p95_over_paths": float(np.quantile(deaths, 0.95)),
        "vs_reference": {"diff": shift, "ci90": [shift - change_half, shift + change_half]},
    }


def run_comparison(
    scenario: ScenarioFile,
    policies: Sequence[Policy],
    runs: int,
    seed: int,
    days: int | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    notes: Sequence[str] = (),
    start: CrisisState | None = None,
) -> Comparison:
    """Run the baseline and each policy on the same seed; identical scenarios are simulated once.

    Args:
        scenario: the crisis.
        policies: policies to compare; the baseline is added first if missing.
        runs, seed: paths per policy and the seed shared by all (common random numbers).
        days: horizon (default: the scenario's).
        workers: processes per ensemble (results do not depend on it).
        progress: optional callback ``(policy name, paths finished)``.
        notes: remarks carried into the result (e.g. levers left out of a default set).
        start: branch every policy from this state (``runs`` paths; a replayed date, ``--as-of``).
    """
    days = scenario.horizon_days if days is None else days
    ordered = list(policies)
    if not ordered or not ordered[0].is_baseline:
        ordered = [Policy("baseline"), *[p for p in ordered if not p.is_baseline]]
    applied_all = [
        (policy, apply_policy(scenario, policy)) for policy in ordered
    ]  # every error before any run
    all_notes = list(notes)
    try:
        lives: LivesModel | None = lives_model(scenario)
    except UserError as error:  # e.g. a user's scenario names a strike target the places table lacks
        lives = None
        all_notes.append(f"deaths not reported: {error}")
    started = time.perf_counter()
    results: list[PolicyRun] = []
    seen: dict[str, PolicyRun] = {}
    for policy, applied in applied_all:
        key = applied.model_dump_json()
        changes = describe_changes(scenario, applied)
        if key in seen:
            twin = seen[key]
            results.append(
                PolicyRun(policy, applied, changes, twin.tally, twin.outcomes, 0.0, twin.policy.name)
            )
            if progress is not None:
                progress(policy.name, runs)
            continue
        tick = time.perf_counter()
        report: Callable[[int], None] | None = None
        if progress is not None:
            report = _bind(progress, policy.name)
        tally, outcomes = simulate_paths(applied, runs, days, seed, workers, report, lives, scenario, start)
        run = PolicyRun(policy, applied, changes, tally, outcomes, time.perf_counter() - tick)
        seen[key] = run
        results.append(run)
    in_force = 0 if start is None else start.agreements_in_force(runs)
    return Comparison(scenario, runs, days, seed, results, all_notes, time.perf_counter() - started, in_force)


def _bind(progress: Progress, name: str) -> Callable[[int], None]:
    def report(done: int) -> None:
        progress(name, done)

    return report
