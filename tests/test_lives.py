"""Lives: deaths per path follow the outcome and the consequences model's bounds."""

import json

import numpy as np
import pyarrow.parquet as pq
import pytest

from brinkmanship.analysis.lives import DeathBounds, lives_model
from brinkmanship.cli import main
from brinkmanship.scenario import load_scenario


def test_two_piece_lognormal_passes_through_low_central_high():
    bounds = DeathBounds(low=30_000, central=64_000, high=300_000)
    values = bounds.quantile(np.array([0.05, 0.5, 0.95]))
    assert np.allclose(values, [30_000, 64_000, 300_000], rtol=1e-6)
    draws = bounds.quantile(np.random.default_rng(0).random(50_000))
    assert abs(np.mean(draws < 30_000) - 0.05) < 0.01 and abs(np.mean(draws > 300_000) - 0.05) < 0.01


def test_a_nuclear_war_costs_more_than_a_conventional_one():
    model = lives_model(load_scenario("korea-2017"))
    assert model.nuclear_use.central > model.war.central > 0
    assert model.war.low <= model.war.central <= model.war.high


def test_run_reports_deaths_consistent_with_outcomes(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["run", "korea-2017", "--runs", "3000", "--json", "--out", str(out)]) == 0
    result = json.loads(capsys.readouterr().out)
    deaths = result["deaths"]
    assert deaths["p_any"] == result["outcomes"]["war"]["p"]
    assert deaths["mean_ci90"][0] <= deaths["mean"] <= deaths["mean_ci90"][1]
    table = pq.read_table(out / "paths.parquet").to_pydict()
    per_path = np.array(table["deaths"])
    outcome = np.array(table["outcome"])
    assert np.all(per_path[(outcome != "war") & (outcome != "nuclear_use")] == 0)
    assert np.all(per_path[outcome == "nuclear_use"] > 0)
    assert np.isclose(per_path.mean(), deaths["mean"])
    # "In the worst 5% of paths at least p95": the paths' own 95th percentile is at least it, within a bin.
    exact = float(np.quantile(per_path, 0.95))
    assert exact / 1.06 <= deaths["p95"] <= exact


def _tally(deaths: np.ndarray):
    """A DeathsTally over given deaths per path (its histogram and sums, as :meth:`add` fills them)."""
    from brinkmanship.analysis.lives import HISTOGRAM_EDGES, DeathsTally

    tally = DeathsTally(lives_model(load_scenario("korea-2017")), days=365)
    tally.n, tally.total, tally.total_sq = deaths.size, float(deaths.sum()), float((deaths**2).sum())
    tally.any = int((deaths > 0).sum())
    tally.histogram = np.histogram(deaths, HISTOGRAM_EDGES)[0]
    return tally


@pytest.mark.parametrize(
    "deaths", [[1_155_397.0], [0.0] * 9 + [1_155_397.0], list(np.geomspace(10, 1e7, 999))]
)
def test_the_quantiles_of_deaths_are_bounds_from_below(deaths: list[float]) -> None:
    """One path of 1,155,397 deaths read "in the worst 5% of paths at least 1,188,502": the upper edge of
    its histogram bin. The lower edge is at most the paths' own quantile, within a bin's width."""
    values = np.array(deaths)
    tally = _tally(values)
    for q in (0.05, 0.5, 0.95):
        exact = float(np.quantile(values, q, method="inverted_cdf"))
        assert exact / 1.06 <= tally.quantile(q) <= exact


def test_expected_deaths_have_an_interval_where_no_path_or_one_reached_war() -> None:
    """With no war in 10 paths the interval of expected deaths was 0 - 0 beside a P(war) whose interval
    reached 28%; with one path of one war, the one value. Both have width now, and a wide sample keeps
    the normal interval it had."""
    none = _tally(np.zeros(10))
    low, high = none.mean_interval()
    assert low == 0.0 and high > 0.2 * none.model.war.central
    one = _tally(np.array([1_155_397.0]))
    low, high = one.mean_interval()
    assert low < 1_155_397.0 <= high
    many = _tally(np.random.default_rng(3).exponential(50_000.0, 100_000))
    low, high = many.mean_interval()
    mean, sd = many.total / many.n, np.sqrt(many.total_sq / many.n - (many.total / many.n) ** 2)
    assert np.isclose(high - mean, 1.6449 * sd / np.sqrt(many.n), rtol=1e-3)


def test_the_lives_model_is_read_back_from_the_disk_cache(tmp_path, monkeypatch) -> None:
    """A second command reuses the deaths computed by the first (seconds of blast and population work);
    with the cache off, or after a change to the consequences code, they are computed again."""
    from brinkmanship.analysis import lives as lives_module
    from brinkmanship.scenario import load_scenario

    scenario = load_scenario("korea-2017")
    monkeypatch.setenv("BRINK_CACHE_DIR", str(tmp_path))
    lives_module._lives_model.cache_clear()
    first = lives_module.lives_model(scenario)
    assert list((tmp_path / "lives").glob("*.json"))

    def must_not_run(*args: object) -> None:
        raise AssertionError("computed again although cached on disk")

    monkeypatch.setattr(lives_module, "_compute_lives_model", must_not_run)
    lives_module._lives_model.cache_clear()
    assert lives_module.lives_model(scenario) == first
    monkeypatch.setenv("BRINK_CACHE_DIR", "off")
    lives_module._lives_model.cache_clear()
    with pytest.raises(AssertionError, match="computed again"):
        lives_module.lives_model(scenario)
    lives_module._lives_model.cache_clear()
