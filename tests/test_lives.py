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
