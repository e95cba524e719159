"""The paired comparison: interval arithmetic, coverage, common random numbers, and the result's shape."""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pytest
from scipy import stats

from brinkmanship.analysis.compare import (
    Comparison,
    PathOutcomes,
    days_at_risk,
    median_with_interval,
    paired_difference,
    run_comparison,
    simulate_paths,
)
from brinkmanship.analysis.intervals import wilson_interval
from brinkmanship.engine.results import OUTCOMES
from brinkmanship.engine.state import PATH_LABELS
from brinkmanship.errors import UserError
from brinkmanship.policies import Catalogue
from brinkmanship.scenario import load_scenario

CATALOGUE = Catalogue.builtin()
SEED = 7


@cache
def korea_comparison() -> Comparison:
    korea = load_scenario("korea-2017")
    policies = [CATALOGUE.parse(text) for text in ("maximum-pressure", "restraint", "editorial", "sanctions")]
    return run_comparison(korea, policies, 2048, SEED)


def test_identical_outcomes_differ_by_nothing() -> None:
    x = np.array([True, False, True, False, False])
    change = paired_difference(x, x)
    assert change.diff == 0.0 and change.p_value == 1.0
    assert change.gained == change.lost == 0
    assert not change.significant


def test_paired_difference_counts_discordant_paths() -> None:
    policy = np.array([False] * 10 + [True] * 5 + [False] * 85)
    reference = np.array([True] * 10 + [True] * 5 + [False] * 85)
    change = paired_difference(policy, reference)
    assert change.diff == pytest.approx(-0.10)
    assert (change.gained, change.lost) == (0, 10)
    assert change.p_value == pytest.approx(2 * stats.norm.sf(np.sqrt(10)))  # McNemar z: (b - c)/sqrt(b + c)
    assert change.ci95[0] < -0.10 < change.ci95[1] < 0.0
    assert change.significant


def test_paired_interval_matches_the_wald_interval_for_large_samples() -> None:
    rng = np.random.default_rng(1)
    reference = rng.random(200_000) < 0.12
    policy = reference & (rng.random(200_000) > 0.3) | (rng.random(200_000) < 0.01)
    change = paired_difference(policy, reference)
    d = policy.astype(float) - reference.astype(float)
    half = 1.96 * d.std(ddof=1) / np.sqrt(d.size)
    assert change.ci95[0] == pytest.approx(d.mean() - half, abs=2e-4)
    assert change.ci95[1] == pytest.approx(d.mean() + half, abs=2e-4)


def test_paired_interval_covers_the_true_difference() -> None:
    """Coverage of the 95% interval over 1,000 simulated paired samples of 400 paths (true diff -0.04)."""
    rng = np.random.default_rng(3)
    hits = 0
    for _ in range(1000):
        u = rng.random(400)
        reference = u < 0.12
        policy = u < 0.08  # correlated, like common random numbers
        change = paired_difference(policy, reference)
        hits += change.ci95[0] <= -0.04 <= change.ci95[1]
    assert 0.93 <= hits / 1000 <= 0.99


def _paired(n: int, both: int, gained: int, lost: int) -> tuple[np.ndarray, np.ndarray]:
    """Paired outcomes with ``both`` concordant hits and ``gained`` / ``lost`` discordant paths."""
    policy = np.zeros(n, dtype=bool)
    reference = np.zeros(n, dtype=bool)
    policy[: both + gained] = True
    reference[:both] = True
    reference[both + gained : both + gained + lost] = True
    return policy, reference


@pytest.mark.parametrize("n", [20, 100, 4000])
def test_the_verdict_the_p_value_and_the_interval_agree(n: int) -> None:
    """One rule: significant exactly when McNemar's p < 0.05 and exactly when the 95% interval excludes
    zero. (A Newcombe interval beside McNemar's exact test disagreed: 5 paths lost and none gained of 100
    gave an interval of -11.2 to -0.3 points, 'significant', beside p = 0.0625.)"""
    for both in (0, 3):
        for gained in range(0, 16):
            for lost in range(0, 16):
                change = paired_difference(*_paired(n, both, gained, lost))
                excludes_zero = change.ci95[0] > 0.0 or change.ci95[1] < 0.0
                assert change.significant == (change.p_value < 0.05) == excludes_zero, (gained, lost)
                assert change.ci95[0] <= change.diff <= change.ci95[1]
                record = change.as_dict()
                assert record["significant"] == (record["p_value"] < 0.05)


def test_paired_difference_needs_the_same_paths() -> None:
    with pytest.raises(ValueError, match="same paths"):
        paired_difference(np.zeros(3, dtype=bool), np.zeros(4, dtype=bool))


def test_median_interval_from_order_statistics() -> None:
    values = np.arange(1, 101)
    result = median_with_interval(values)
    assert result["median"] == 50.5 and result["n"] == 100
    low, high = result["ci95"]
    assert low < 50.5 < high
    coverage = stats.binom.cdf(high - 1, 100, 0.5) - stats.binom.cdf(low - 1, 100, 0.5)
    assert coverage >= 0.95
    assert median_with_interval(np.array([]))["median"] is None


def test_outcomes_count_only_within_the_horizon() -> None:
    never = -1
    outcomes = PathOutcomes(
        days=10,
        clash_day=np.array([0, 3, never, 9]),
        war_day=np.array([0, 3, never, 9]),
        nuclear_day=np.array([12, 5, never, never]),
        agreement_day=np.array([never, never, 4, never]),
        breakdown_day=np.array([never, never, never, never]),
        war_path=np.array([1, 2, -1, 3], dtype=np.int8),
        deaths_quantile=np.zeros(4),
    )
    assert outcomes.happened("nuclear_use").tolist() == [False, True, False, False]
    assert outcomes.war_by("miscalculation").tolist() == [True, False, False, False]
    curve = outcomes.cumulative_war()
    assert curve.shape == (10,) and curve[0] == 0.25 and curve[-1] == 0.75
    assert np.all(np.diff(curve) >= 0)


def test_the_same_seed_gives_the_same_paths() -> None:
    korea = load_scenario("korea-2017")
    _, first = simulate_paths(korea, 1500, 120, SEED)
    _, second = simulate_paths(korea, 1500, 120, SEED)
    assert np.array_equal(first.war_day, second.war_day)
    assert np.array_equal(first.war_path, second.war_path)
    _, other = simulate_paths(korea, 1500, 120, SEED + 1)
    assert not np.array_equal(first.war_day, other.war_day)


def test_common_random_numbers_make_differences_precise() -> None:
    """The paired interval is much narrower than the interval two independent runs would give."""
    comparison = korea_comparison()
    base = comparison.reference.outcomes.happened("war")
    # restraint changes every day's readings, so paths diverge sooner than under sanctions (measured at
    # these 2,048 paths: sanctions 0.51, restraint 0.87; third parties' responses to tests make paths
    # diverge more than they did before they responded, when sanctions gave 0.4)
    for name, ratio in (("sanctions", 0.6), ("restraint", 0.9)):
        policy = comparison.find(name).outcomes.happened("war")
        paired = paired_difference(policy, base)
        n = policy.size
        p1, p2 = policy.mean(), base.mean()
        unpaired_half = 1.96 * np.sqrt(p1 * (1 - p1) / n + p2 * (1 - p2) / n)
        assert (paired.ci95[1] - paired.ci95[0]) / 2 < ratio * unpaired_half, name


def test_comparison_puts_the_baseline_first_and_runs_twins_once() -> None:
    comparison = korea_comparison()
    names = [run.policy.name for run in comparison.results]
    assert names == ["baseline", "maximum-pressure", "restraint", "editorial", "sanctions"]
    twin = comparison.find("maximum-pressure")
    assert twin.same_as == "baseline" and twin.elapsed_s == 0.0
    assert twin.outcomes is comparison.reference.outcomes


def test_summaries_report_every_outcome_path_and_rank() -> None:
    comparison = korea_comparison()
    rows = comparison.summaries()
    by_name = {row["policy"]: row for row in rows}
    for row in rows:
        for name in OUTCOMES:
            outcome = row["outcomes"][name]
            low, high = outcome["ci95"]
            assert low <= outcome["p"] <= high
            assert (low, high) == wilson_interval(outcome["count"], comparison.runs)
        assert set(row["paths"]) == set(PATH_LABELS)
        assert sum(info["p"] for info in row["paths"].values()) == pytest.approx(row["outcomes"]["war"]["p"])
        assert row["cumulative_war"][-1] == pytest.approx(row["outcomes"]["war"]["p"])
        assert len(row["cumulative_war"]) == comparison.days
    package = by_name["editorial"]
    shares = [info["share_of_change"] for info in package["paths"].values()]
    assert sum(shares) == pytest.approx(1.0)
    assert package["rank"] == 1
    assert by_name["baseline"]["rank"] == by_name["maximum-pressure"]["rank"]  # ties share a rank
    assert package["outcomes"]["war"]["vs_reference"]["significant"]
    assert package["median_war_day"]["n"] == package["outcomes"]["war"]["count"]


def test_a_bad_policy_is_refused_before_anything_runs() -> None:
    korea = load_scenario("korea-2017")
    policies = [CATALOGUE.parse("restraint"), CATALOGUE.parse("maximum-pressure+restraint:us")]
    with pytest.raises(UserError, match="contradictory levers"):
        run_comparison(korea, policies, 1024, SEED, progress=lambda name, done: pytest.fail("simulated"))


def test_ranking_by_agreement_puts_the_likeliest_first() -> None:
    rows = korea_comparison().summaries("agreement")
    best = min(rows, key=lambda row: row["rank"])
    assert best["outcomes"]["agreement"]["p"] == max(row["outcomes"]["agreement"]["p"] for row in rows)


def test_difference_between_any_two_policies() -> None:
    comparison = korea_comparison()
    change = comparison.difference("editorial", "restraint")
    expected = paired_difference(
        comparison.find("editorial").outcomes.happened("war"),
        comparison.find("restraint").outcomes.happened("war"),
    )
    assert change == expected


def test_the_json_object_is_complete() -> None:
    data = json.loads(json.dumps(korea_comparison().as_dict()))
    assert data["scenario"] == "korea-2017" and data["common_random_numbers"] is True
    assert data["reference"] == "baseline" and data["runs"] == 2048
    assert data["policies"][0]["policy"] == "baseline"
    assert data["policies"][3]["expansion"].startswith("restraint+coordinated-signals")


def test_deaths_per_policy_are_paired_and_summarised() -> None:
    comparison = korea_comparison()
    base = comparison.reference.outcomes
    package = comparison.find("editorial").outcomes
    assert base.deaths is not None and package.deaths is not None
    assert np.all(base.deaths[~base.happened("war")] == 0.0)
    assert np.all(base.deaths[base.happened("war")] > 0.0)
    # Same path, same outcome -> same deaths: the lives draw uses the path's own uniform.
    same = (base.happened("war") == package.happened("war")) & (
        base.happened("nuclear_use") == package.happened("nuclear_use")
    )
    assert np.array_equal(base.deaths[same], package.deaths[same])
    rows = {row["policy"]: row for row in comparison.summaries()}
    deaths = rows["editorial"]["deaths"]
    assert deaths["expected"] == pytest.approx(package.deaths.mean())
    assert deaths["ci90"][0] <= deaths["expected"] <= deaths["ci90"][1]
    assert deaths["vs_reference"]["ci90"][1] < 0.0
    assert rows["baseline"]["deaths"]["vs_reference"]["diff"] == 0.0
    assert comparison.as_dict()["deaths_available"] is True


def test_expected_deaths_keep_an_interval_where_no_path_reached_war() -> None:
    """`compare --runs 100 --days 10` gave a 90% interval of 0 - 0 where `run` on the same paths gives
    0 - 1,686: both read the Wilson interval of the share of paths that cost lives now."""
    scenario = load_scenario("korea-2017")
    comparison = run_comparison(scenario, [CATALOGUE.parse("restraint")], 100, SEED, days=10)
    row = {row["policy"]: row for row in comparison.summaries()}["baseline"]
    assert row["outcomes"]["war"]["p"] == 0.0
    low, high = row["deaths"]["ci90"]
    assert low == 0.0 and high > 0.0


def test_days_at_risk_agree_with_the_kernels_own_count() -> None:
    """An independent count: the kernel tallies every path-day it steps in crisis (Tally.active_path_days);
    the split derives the same from each path's first war day."""
    comparison = korea_comparison()
    for run in comparison.results:
        assert int(days_at_risk(run.outcomes).sum()) == run.tally.active_path_days


def test_restraint_and_the_direct_channel_make_each_day_in_crisis_safer() -> None:
    """Not only fewer days at risk: the hazard per day at risk falls, its 95% interval below no change."""
    policies = [CATALOGUE.parse(text) for text in ("restraint", "direct-channel")]
    comparison = run_comparison(load_scenario("korea-2017"), policies, 2048, SEED)
    summaries = {row["policy"]: row for row in comparison.summaries()}
    for name in ("restraint", "direct-channel"):
        split = summaries[name]["risk_split"]["vs_reference"]
        assert split["hazard"]["ci95"][1] < 1.0, name
    reference = summaries["baseline"]["risk_split"]
    assert reference["vs_reference"]["hazard"]["ratio"] == pytest.approx(1.0)
    assert reference["vs_reference"]["hazard"]["ci95"][0] == pytest.approx(1.0)


def test_the_split_multiplies_back_to_the_change_in_wars() -> None:
    """wars = days at risk x hazard: the two ratios multiply to the ratio of war counts."""
    summaries = {row["policy"]: row for row in korea_comparison().summaries()}
    wars_reference = summaries["baseline"]["outcomes"]["war"]["count"]
    for row in summaries.values():
        versus = row["risk_split"]["vs_reference"]
        if versus["hazard"] is None:
            continue
        product = versus["days_at_risk"]["ratio"] * versus["hazard"]["ratio"]
        assert product == pytest.approx(row["outcomes"]["war"]["count"] / wars_reference)


def test_without_a_war_no_path_has_a_share_of_wars() -> None:
    """A share of no wars is undefined: None (null in JSON), not 0; the briefing says n/a."""
    from brinkmanship.report.content import _paths
    from brinkmanship.report.document import Table

    comparison = run_comparison(load_scenario("cuba-1962"), [CATALOGUE.parse("direct-channel")], 200, SEED, 1)
    rows = json.loads(json.dumps(comparison.as_dict()))["policies"]
    for row in rows:
        assert row["outcomes"]["war"]["count"] == 0
        for info in row["paths"].values():
            assert info["share_of_wars"] is None and info["share_ci95"] is None
            assert info["p"] == 0.0
    table = next(block for block in _paths(comparison.summaries()).blocks if isinstance(block, Table))
    assert [row[2] for row in table.rows] == ["n/a (no war)"] * len(PATH_LABELS)
