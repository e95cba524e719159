"""The built-in scenarios land inside the published judgements (briefing section 4), on a fixed seed."""

from brinkmanship.engine.ensemble import simulate
from brinkmanship.engine.results import outcome_estimates


def test_korea_2017_matches_stavridis_and_the_late_2017_judgements(korea):
    tally = simulate(korea, 20_000, korea.horizon_days, seed=20171126)
    est = outcome_estimates(tally)
    # Stavridis: ~10% full-on war including nuclear use (band 5-25%); 20-30% conventional conflict.
    assert 0.05 <= est["war"].ci95[0] and est["war"].ci95[1] <= 0.25
    assert 0.18 <= est["clash"].p <= 0.30
    assert est["nuclear_use"].p < est["war"].p < est["clash"].p


def test_cuba_1962_matches_kennedy_and_ellsberg(cuba):
    tally = simulate(cuba, 20_000, cuba.horizon_days, seed=19621016)
    est = outcome_estimates(tally)
    # Kennedy: between one in three and even; Ellsberg: 10-30%. Together: 10-50%.
    assert 0.10 <= est["war"].ci95[0] and est["war"].ci95[1] <= 0.50
    # and the crisis usually ended in a bargain within the month, as it did
    assert est["settlement"].p > 0.5
